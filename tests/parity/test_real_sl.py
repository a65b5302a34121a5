"""Parity pins for real_sl: the torchvision 0.28.0 wheel itself (its pure-Python side) under glasstorch.

torchvision's C extension is built for CUDA torch and cannot load; on torch its import then stops in
``_meta_registrations`` (register_fake of a ``torchvision::`` op that does not exist), so the torch
side ran behind a wrapper skipping those registrations.  Under glasstorch the import itself goes
through, and transforms (v1 and v2, tv_tensors), datasets (MNIST, CIFAR10, ImageFolder, FakeData),
utils (make_grid, save_image, draw_*), models (resnet18 ... vit_b_16: initialisation, eval forward,
training steps) and the pure-Python ops agree with torch.

Fixed in glasstorch:
- ``torch.ops.load_library(path)`` and ``torch.ops.loaded_libraries`` (the import of torchvision):
  ``load_library`` was taken for an op namespace ("'_OpNamespace' object is not callable"); now it
  opens the library with ctypes as torch does and raises torch's ``OSError("Could not load this
  library: <realpath>")`` from ctypes' error, which torchvision catches (_ops_load_library.py);
- ``torch.library.register_fake`` / ``register_autograd`` / ``register_kernel`` naming an operator
  that does not exist (the import of torchvision): a ValueError "register_*(op): got unexpected type";
  now torch's ``RuntimeError: operator ns::name does not exist``, its AttributeError from
  ``torch.ops.<ns>``, its ValueError for a name without "::", and None from register_kernel (the
  dispatcher takes a kernel before its operator).  Documented departure: code in the folder of a
  library that failed to load may register fakes for the ops that library would have defined
  (_library_missing.py);
- ``torch._C.DispatchKey``, ``DispatchKeySet`` (torch's bit word: repr, raw_repr, has/add/remove,
  | & -) and ``_ExcludeDispatchKeyGuard`` (torchvision's autocast wrappers, at import;
  _C_dispatch.py);
- ``torch._custom_ops.get_ctx`` (torchvision's fake kernels; _custom_ops.py);
- ``torch.onnx.register_custom_op_symbolic`` raised NotImplementedError at torchvision's import; it
  now checks the name as torch does and keeps the function; ``torch.onnx.symbolic_helper.parse_args``
  and ``torch.onnx.symbolic_opset<N>`` import (_onnx_symbolic.py);
- ``torch.jit._script_if_tracing`` (torchvision.ops.boxes);
- ``torch._dynamo.utils.is_compile_supported`` (torchvision.ops.roi_align; glasstorch/_dynamo/utils.py);
- ``torch.ao.quantization.QuantStub`` / ``DeQuantStub`` (torchvision's quantizable models, at import);
- ``torch.tensor_split(x, indices=...)`` / ``sections=`` / ``tensor_indices_or_sections=`` by keyword
  (v2.RandomRotation's grid transform): "unexpected keyword argument 'indices'";
- a set (frozenset, dict) of Tensor methods made at module level before the first Tensor subclass
  switched glasstorch's ``__torch_function__`` checks on held the originals, while ``func`` is the
  wrapper that replaced them: torchvision's ``func in _FORCE_TORCHFUNCTION_SUBCLASS`` was False, so
  ``BoundingBoxes.clone()`` / ``.to()`` / ``.detach()`` lost their class (v2 transforms' test program);
  activation now points such module-level collections at the wrappers (_torch_function_sweep_users.py);
- ``torch.backends.cpu.get_cpu_capability()`` said "NUMPY"; torch says "AVX2" on the machine whose
  kernels glasstorch reproduces, and torchvision's v2 resize takes its native uint8 path only then
  (RandomResizedCrop on a uint8 tv_tensors.Image gave other pixels).
"""
import ctypes
import os

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

import glasstorch
from tests.parity._helpers import MODS, make, same_error, same_on_both, same_outcome


def _outcome(fn):
    """fn(mod) on both: the same repr (library name made torch's) or the same exception."""
    out = {}
    for m in MODS:
        try:
            out[m] = ("ok", repr(fn(m)).replace("glasstorch", "torch"))
        except Exception as e:      # noqa: BLE001 - torch's error is the expectation
            out[m] = (type(e).__name__, str(e))
    assert out[torch] == out[glasstorch]


# ---- torch.ops.load_library ------------------------------------------------------------------------
def test_load_library_missing_file_is_oserror_from_ctypes():
    same_error(lambda m: m.ops.load_library("/nonexistent/dir/libnothing.so"))
    for m in MODS:
        with pytest.raises(OSError) as info:
            m.ops.load_library("/nonexistent/dir/libnothing.so")
        assert isinstance(info.value.__cause__, OSError)


def test_load_library_not_a_library(tmp_path):
    bad = tmp_path / "_C.so"
    bad.write_bytes(b"not an ELF file at all")
    same_error(lambda m: m.ops.load_library(str(bad)))
    rel = os.path.relpath(str(bad))          # made absolute (realpath) in the message, as torch
    same_error(lambda m: m.ops.load_library(rel))


def test_load_library_success_records_realpath():
    import numpy._core._multiarray_umath as ext
    path = ext.__file__
    for m in MODS:
        assert m.ops.load_library(path) is None
        assert os.path.realpath(path) in m.ops.loaded_libraries
    assert type(torch.ops.loaded_libraries) is type(glasstorch.ops.loaded_libraries)
    ctypes.CDLL(path)       # (still loadable: nothing was unloaded)


# ---- torch.library registrations of an operator that does not exist --------------------------------
@pytest.mark.parametrize("qualname", ["real_sl_missing::op", "real_sl_missing::op.overload", "aten::no_such_op_sl",
                                      "nonamespace", "a::b::c"])
def test_register_fake_missing_operator(qualname):
    same_error(lambda m: m.library.register_fake(qualname, lambda x: x))
    same_error(lambda m: m.library.register_fake(qualname)(lambda x: x))


@pytest.mark.parametrize("qualname", ["real_sl_missing::op", "nonamespace"])
def test_register_autograd_missing_operator(qualname):
    same_error(lambda m: m.library.register_autograd(qualname, lambda ctx, g: g))


def test_register_kernel_missing_operator_is_accepted():
    _outcome(lambda m: m.library.register_kernel("real_sl_missing::kern", "cpu", lambda x: x))
    same_error(lambda m: m.library.register_kernel("nonamespace", "cpu", lambda x: x))


def test_register_fake_beside_failed_library(tmp_path, monkeypatch):
    """The documented departure: code in the folder of a library that could not load may register fakes
    for the ops that library would have defined; elsewhere torch's error stands."""
    from glasstorch import _library_missing, _ops_load_library
    monkeypatch.setattr(_ops_load_library, "failed", [])
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "_C.so").write_bytes(b"not a library")
    same_error(lambda m: m.ops.load_library(str(pkg / "_C.so")))
    code = "import glasstorch\nfn = glasstorch.library.register_fake('real_sl_pkg::op', lambda x: x)\n"
    scope = {}
    exec(compile(code, str(pkg / "_meta.py"), "exec"), scope)
    assert callable(scope["fn"]) and _library_missing.kept_fakes["real_sl_pkg::op"] is scope["fn"]
    # torch refuses the same call (its extension would have defined the op; this one never loaded)
    with pytest.raises(RuntimeError, match="operator real_sl_pkg::op does not exist"):
        exec(compile(code.replace("glasstorch", "torch"), str(pkg / "_meta.py"), "exec"), {})
    # from anywhere else, glasstorch refuses too
    same_error(lambda m: m.library.register_fake("real_sl_pkg::other", lambda x: x))


def test_register_fake_existing_custom_op_still_works():
    for m in MODS:
        @m.library.custom_op(f"real_sl_{m.__name__[:5]}::twice", mutates_args=())
        def twice(x: m.Tensor) -> m.Tensor:
            return x * 2

        assert m.library.register_fake(f"real_sl_{m.__name__[:5]}::twice", lambda x: m.empty_like(x)) is not None


# ---- torch._C.DispatchKey / DispatchKeySet / _ExcludeDispatchKeyGuard --------------------------------
KEYS = sorted(torch._C.DispatchKey.__members__)


def test_dispatch_key_members():
    assert sorted(glasstorch._C.DispatchKey.__members__) == KEYS
    for name in KEYS:
        kt, kg = getattr(torch._C.DispatchKey, name), getattr(glasstorch._C.DispatchKey, name)
        assert (repr(kt), str(kt), int(kt), kt.name, kt.value) == (repr(kg), str(kg), int(kg), kg.name, kg.value)
    assert glasstorch._C.DispatchKeySet.__name__ == "DispatchKeySet"
    # torch's class paths, with glasstorch's prefix while not installed as torch (as test_class_paths checks)
    assert repr(glasstorch._C.DispatchKey) == repr(torch._C.DispatchKey).replace("'torch.", "'glasstorch.")
    assert repr(glasstorch._C.DispatchKeySet) == repr(torch._C.DispatchKeySet).replace("'torch.", "'glasstorch.")
    assert (glasstorch._C.DispatchKey.CPU == 49) == (torch._C.DispatchKey.CPU == 49)


@given(st.lists(st.sampled_from(KEYS), min_size=1, max_size=5), st.sampled_from(KEYS), st.sampled_from(KEYS))
def test_dispatch_key_sets(names, probe, other):
    def build(m):
        D, S = m._C.DispatchKey, m._C.DispatchKeySet
        s = S(getattr(D, names[0]))
        for n in names[1:]:
            s = s | S(getattr(D, n))
        o = S(getattr(D, other))
        return (repr(s), str(s), s.raw_repr(), s.has(getattr(D, probe)), repr(s.add(getattr(D, probe))),
                repr(s.remove(getattr(D, probe))), repr(s & o), repr(s - o), s == S.from_raw_repr(s.raw_repr()),
                repr(s.highestPriorityTypeId()))
    assert build(torch) == build(glasstorch)


def test_dispatch_key_set_errors_and_guard():
    same_error(lambda m: m._C.DispatchKeySet(3))
    for m in MODS:
        keys = m._C.DispatchKeySet(m._C.DispatchKey.AutocastCPU) | m._C.DispatchKeySet(m._C.DispatchKey.AutocastCUDA)
        with m._C._ExcludeDispatchKeyGuard(keys):
            y = m.ones(2) * 3
        assert y.tolist() == [3.0, 3.0]


# ---- torch._custom_ops, torch.jit._script_if_tracing, torch._dynamo.utils ---------------------------
def test_custom_ops_get_ctx_outside_fake():
    import torch._custom_ops
    import glasstorch._custom_ops
    assert torch._custom_ops.get_ctx() is None and glasstorch._custom_ops.get_ctx() is None


def test_script_if_tracing_private_name():
    same_on_both(lambda m, x: m.jit._script_if_tracing(lambda a: (a * 3 + 1).relu())(x),
                 [np.linspace(-1, 1, 5, dtype=np.float32)])


@pytest.mark.parametrize("dev", ["cpu", "cuda", "meta", "mps", "xpu", "cpu:0"])
def test_is_compile_supported(dev):
    import torch._dynamo.utils
    import glasstorch._dynamo.utils
    assert torch._dynamo.utils.is_compile_supported(dev) == glasstorch._dynamo.utils.is_compile_supported(dev)


def test_get_cpu_capability():
    assert glasstorch.backends.cpu.get_cpu_capability() == torch.backends.cpu.get_cpu_capability()


# ---- torch.onnx symbolic registration ------------------------------------------------------------------
@pytest.mark.parametrize("name", ["real_sl::op", "::relu_sl", "real-sl::op_2", "onnx::Relu", "bad name", "ns::9op"])
def test_register_custom_op_symbolic(name):
    _outcome(lambda m: m.onnx.register_custom_op_symbolic(name, lambda g, x: x, 11))
    _outcome(lambda m: m.onnx.unregister_custom_op_symbolic(name, 11))


def test_onnx_symbolic_modules():
    import torch.onnx.symbolic_helper
    import torch.onnx.symbolic_opset11  # noqa: F401
    from glasstorch.onnx import symbolic_helper, symbolic_opset11  # noqa: F401
    for helper in (torch.onnx.symbolic_helper, symbolic_helper):
        def sym(g, boxes, scores, thr):
            return boxes
        out = helper.parse_args("v", "v", "f")(sym)
        assert out.__name__ == "sym" and sym._arg_descriptors == ("v", "v", "f")


# ---- QuantStub / DeQuantStub -------------------------------------------------------------------------
@pytest.mark.parametrize("cls", ["QuantStub", "DeQuantStub"])
def test_quant_stubs(cls):
    same_on_both(lambda m, x: getattr(m.ao.quantization, cls)()(x * 2), [np.arange(6, dtype=np.float32)])
    _outcome(lambda m: (getattr(m.ao.quantization, cls)(), type(getattr(m.ao.quantization, cls)()).__module__,
                        hasattr(getattr(m.ao.quantization, cls)(), "qconfig"),
                        getattr(m.ao.quantization, cls)(qconfig="q").qconfig))


# ---- tensor_split by keyword ------------------------------------------------------------------------
@given(st.integers(1, 4), st.integers(0, 9), st.lists(st.integers(-12, 12), max_size=4), st.integers(1, 5),
       st.sampled_from(["indices", "sections", "tensor_indices", "tensor_sections", "method_indices"]))
def test_tensor_split_keywords(ndim, n, idx, sections, form):
    shape = [n] + [2] * (ndim - 1)
    dim = -ndim if ndim > 1 else 0
    x = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape)
    fns = {
        "indices": lambda m, t: m.tensor_split(t, indices=idx, dim=dim),
        "sections": lambda m, t: m.tensor_split(t, sections=sections, dim=dim),
        "tensor_indices": lambda m, t: m.tensor_split(t, tensor_indices_or_sections=m.tensor(idx, dtype=m.long)),
        "tensor_sections": lambda m, t: m.tensor_split(t, tensor_indices_or_sections=m.tensor(sections)),
        "method_indices": lambda m, t: t.tensor_split(indices=tuple(idx), dim=0),
    }
    same_on_both(fns[form], [x])


@pytest.mark.parametrize("call", [
    lambda m, t: m.tensor_split(t, 3, indices=[1]),
    lambda m, t: m.tensor_split(t, sections=(3,)),
    lambda m, t: m.tensor_split(t, indices=3),
    lambda m, t: m.tensor_split(t, sections=2, indices=[1]),
    lambda m, t: m.tensor_split(t, tensor_indices_or_sections=3),
    lambda m, t: t.tensor_split(sections=[2]),
    lambda m, t: m.tensor_split(t, sections=0),
    lambda m, t: m.tensor_split(t, tensor_indices_or_sections=m.tensor([[1]])),
])
def test_tensor_split_keyword_errors(call):
    same_error(lambda m: call(m, make(m, np.arange(10, dtype=np.float32))))


def test_tensor_split_keyword_in_grid_transform():
    """v2's rotate: the image and its mask channel split off with indices=(-1,) along dim -3."""
    def fn(m, x):
        img, mask = m.tensor_split(m.cat([x, m.ones_like(x[:1])], dim=-3), indices=(-1,), dim=-3)
        return img * mask
    same_on_both(fn, [np.random.default_rng(0).standard_normal((3, 4, 5)).astype(np.float32)])


def test_uint8_bilinear_antialias_resize_native():
    """The path get_cpu_capability() == "AVX2" sends torchvision's uint8 resize down."""
    x = np.random.default_rng(1).integers(0, 256, (1, 3, 17, 21), dtype=np.uint8)
    for size in [(24, 24), (9, 11), (8, 30)]:
        same_outcome(lambda m: m.nn.functional.interpolate(make(m, x), size=size, mode="bilinear",
                                                           antialias=True, align_corners=False))


# ---- a program's own set of torch functions, made before the first Tensor subclass -----------------
def test_set_of_methods_made_before_subclass_keeps_identity():
    """torchvision's TVTensor: ``func in {Tensor.clone, Tensor.to, ...}`` (a set built at import, before
    the class that switches glasstorch's checks on) keeps the subclass through clone/to/detach."""
    import sys
    import types

    def run(m):
        mod = types.ModuleType(f"real_sl_helpers_{m.__name__}")
        mod.FORCE = {m.Tensor.clone, m.Tensor.to, m.Tensor.detach, m.Tensor.requires_grad_}
        mod.FROZEN = frozenset({m.Tensor.clone})
        mod.TABLE = {m.Tensor.detach: "detach"}
        sys.modules[mod.__name__] = mod
        try:
            class Boxes(m.Tensor):
                @classmethod
                def __torch_function__(cls, func, types, args=(), kwargs=None):
                    with m._C.DisableTorchFunctionSubclass():
                        out = func(*args, **(kwargs or {}))
                    if func in mod.FORCE and isinstance(args[0], cls):
                        return out.as_subclass(cls) if isinstance(out, m.Tensor) else out
                    return out.as_subclass(m.Tensor) if isinstance(out, cls) else out

            b = m.tensor([[1.0, 2.0, 3.0, 4.0]]).as_subclass(Boxes)
            return [type(b.clone()).__name__, type(b.to(m.float64)).__name__, type(b.detach()).__name__,
                    type(b + 1).__name__, type(b[0]).__name__, m.Tensor.clone in mod.FROZEN,
                    mod.TABLE.get(m.Tensor.detach)]
        finally:
            del sys.modules[mod.__name__]
    assert run(torch) == run(glasstorch)
