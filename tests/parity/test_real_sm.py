"""Parity pins for helper "sm": the examples in real torch 2.13's own docstrings of every public function
and class of the top-level ``torch`` namespace, run in order as a REPL would (seeded per docstring) on
torch and under ``python -m glasstorch run``, with displayed output and exceptions compared.

Fixed in glasstorch:
- the negative bit: ``z.conj().imag`` is a view with ``is_neg()`` True (torch keeps a conj view's
  imaginary part as a neg view); views and ``detach`` of it keep the bit, ``clone`` and arithmetic
  clear it, ``resolve_neg`` gives a copy without it (CloneBackward0), ``torch.is_neg`` agrees
  (ops/complex_ops.py, ops/shape.py, _tensor.py, _tensor_fill.py, _api_fill.py; docstring of
  ``torch.resolve_neg``); and the gradient of ``z.conj().imag`` / ``z.conj().real`` has torch's signed
  zeros in the half it fills (-0.0 real part for imag, +0.0 imaginary part for real; was the reverse)
  (ops/complex_ops.py, found pinning resolve_neg's gradient);
- ``torch.TypedStorage(...)`` takes torch's user forms: ``(size, *, dtype, device)``, ``(sequence, ...)``,
  ``(*, dtype, device)`` (the default dtype when none), ``(*, wrap_storage, dtype)``, with torch's
  "TypedStorage.__init__ received an invalid combination of arguments" errors and the deprecation
  warning (storage.py, new _storage_typed_new.py; docstring of ``torch.is_storage``);
- ``torch.from_dlpack`` of a bare capsule (``torch.utils.dlpack.to_dlpack``) is writable and shares the
  producer's memory: ``t3[0] = -9`` raised NumPy's "assignment destination is read-only" (NumPy imports
  an unversioned capsule read-only) (utils/dlpack.py; docstring of ``torch.from_dlpack``);
- ``torch.sparse_compressed_tensor`` (``layout=torch.sparse_csr`` / ``sparse_csc``) was missing, with
  torch's "expected sparse compressed tensor layout but got Strided" error (new
  sparse/_compressed_ctor.py); with invariant checks on, a size of the wrong rank gives torch's
  "tensor dimensionality must be sum of batch, base, and dense dimensionalities" error instead of
  glasstorch's not-implemented one (sparse/_csr_ctor.py; docstring of ``torch.sparse_compressed_tensor``);
- ``torch.quantized_max_pool1d`` / ``2d`` / ``3d`` were missing: max pooling of the stored integers, the
  input's quantization kept, with the quantized kernels' checks and messages (new _quant_pool.py;
  their docstrings);
- ``torch.quantized_batch_norm`` was missing: torch's fused per-channel constants (float32 with its double
  steps) and one fused multiply-add per element, rounded half to even and clamped, with its checks
  (new _quant_batch_norm.py; docstring of ``torch.quantized_batch_norm``);
- ``torch.conv_tbc`` (fairseq's time-batch-channel convolution; also ``torch.nn.functional.conv_tbc``) was
  missing: torch's tap-by-tap addmm kernel and ConvTbcBackward0 (new _conv_tbc.py, nn/functional.py;
  found by the scan of missing public names);
- ``torch.cond`` was missing: a constant predicate calls its branch; a one-element tensor predicate gets
  torch's argument checks and, when an operand requires grad, results hanging from CondAutogradOpBackward
  (its backward differentiates the branch; an unused operand gets no gradient) (new _cond.py; found,
  as the next two, by the scan of missing public names);
- ``torch.while_loop`` was missing: the loop run eagerly with torch's argument and predicate checks, the
  inputs copied when it never runs, WhileLoopAutogradOpBackward when an input requires grad (new
  _while_loop.py);
- ``torch.Tag`` / ``torch._C.Tag``, the operator tags (``tags=(torch.Tag.pt2_compliant_tag,)`` in custom-op
  code), were missing (new _tag.py, _C.py);
- missing public names (the scan of ``dir(torch)``): ``view_as_real_copy`` (ViewAsRealBackward0_copy),
  ``view_as_complex_copy``, ``values_copy``, ``indices_copy``, ``crow_indices_copy``, ``col_indices_copy``,
  ``ccol_indices_copy``, ``row_indices_copy``, ``is_vulkan_available``, ``cudnn_is_acceptable``,
  ``q_scale``, ``q_zero_point``, ``q_per_channel_scales``, ``q_per_channel_zero_points``,
  ``q_per_channel_axis``, ``resize_as_``, ``AcceleratorError``, ``FatalError``, ``Storage``,
  ``JITException``, ``DispatchKey``, ``DispatchKeySet``, ``DisableTorchFunction``,
  ``DisableTorchFunctionSubclass``, ``thread_safe_generator`` (new _api_sm.py; the names of lazily
  imported modules resolved by glasstorch's module ``__getattr__``, __init__.py).

The quantized pooling and batch norm, conv_tbc, cond, while_loop and Tag pins are in test_real_sm_ops.py.
"""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from tests.parity._helpers import same_on_both

MODS = (torch, glasstorch)


def _plain(v):
    """A comparable picture of a result: tensors (quantized ones too) as values, dtype and grad_fn."""
    if isinstance(v, (torch.Tensor, glasstorch.Tensor)):
        if v.is_quantized:
            return ("q", v.int_repr().tolist(), str(v.dtype), tuple(v.shape), str(v.qscheme()))
        if v.layout != torch.strided and v.layout != glasstorch.strided:
            return ("sparse", str(v.layout), v.to_dense().tolist(), str(v.dtype), tuple(v.shape))
        fn = v.grad_fn
        return ("t", v.tolist(), str(v.dtype), tuple(v.shape), None if fn is None else type(fn).__name__)
    if isinstance(v, (tuple, list)):
        return tuple(_plain(x) for x in v)
    return v


def _both(fn):
    """fn(module) on both libraries, warnings silenced: the same picture of the result or the same error."""
    out = []
    for m in MODS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                out.append(("ok", _plain(fn(m))))
            except Exception as e:       # noqa: BLE001 - torch's exception is the expectation
                msg = str(e).replace("glasstorch", "torch")
                # torch's dispatcher error goes on to list every backend with its build's source paths
                msg = msg.split(" is only available for these backends: [")[0]
                out.append(("err", type(e).__name__, msg))
    assert out[0] == out[1], out
    return out[0]


# ---- the negative bit --------------------------------------------------------------------------

def _zi(m):
    x = m.tensor([-1 + 1j, -2 + 2j, 3 - 3j], requires_grad=True)
    return x.conj().imag


@pytest.mark.parametrize("expr", [
    lambda m: _zi(m).is_neg(),
    lambda m: m.is_neg(_zi(m)),
    lambda m: _zi(m).view(3).is_neg(),
    lambda m: _zi(m)[1:].is_neg(),
    lambda m: _zi(m).unsqueeze(0).is_neg(),
    lambda m: _zi(m).detach().is_neg(),
    lambda m: _zi(m).clone().is_neg(),
    lambda m: (_zi(m) + 1).is_neg(),
    lambda m: _zi(m).resolve_neg().is_neg(),
    lambda m: m.resolve_neg(_zi(m)).is_neg(),
    lambda m: m.tensor([1 + 1j]).conj().real.is_neg(),
    lambda m: m.tensor([1 + 1j]).imag.is_neg(),
    lambda m: m.tensor([1.0]).is_neg(),
    lambda m: m.tensor([1 + 1j]).conj().conj().imag.is_neg(),
])
def test_neg_bit(expr):
    _both(expr)


def test_resolve_neg_values_and_graph():
    _both(lambda m: _zi(m).resolve_neg())
    _both(lambda m: m.resolve_neg(_zi(m)))
    _both(lambda m: _zi(m).resolve_neg().resolve_neg())
    same_on_both(lambda m, x: m.view_as_complex(x).conj().imag.resolve_neg() * 2,
                 [np.array([[1.0, 2.0], [3.0, -4.0]])])


@pytest.mark.parametrize("part", ["real", "imag"])
@pytest.mark.parametrize("conj", [False, True])
def test_part_of_conj_gradient_signed_zeros(part, conj):
    def run(m):
        z = m.tensor([1 + 2j, 3 - 4j], requires_grad=True)
        y = getattr(z.conj() if conj else z, part)
        y.backward(m.tensor([0.5, -0.25]))
        return [str(v) for v in m.view_as_real(z.grad).flatten().tolist()]
    _both(run)


# ---- TypedStorage ------------------------------------------------------------------------------

def _storage(s):
    return (type(s).__name__, str(s.dtype), s.size(), s.tolist())


@settings(max_examples=25, deadline=None)
@given(n=st.integers(0, 6), dt=st.sampled_from(["float32", "float64", "int64", "int32", "bool", "uint8"]))
def test_typed_storage_of_size(n, dt):
    _both(lambda m: _storage(m.TypedStorage(n, dtype=getattr(m, dt)))[:3])


@settings(max_examples=25, deadline=None)
@given(vals=st.lists(st.integers(-5, 5), max_size=6),
       dt=st.sampled_from([None, "float32", "float64", "int64", "int16", "bool"]))
def test_typed_storage_of_sequence(vals, dt):
    _both(lambda m: _storage(m.TypedStorage(vals, dtype=None if dt is None else getattr(m, dt))))


@pytest.mark.parametrize("call", [
    lambda m: m.TypedStorage(),
    lambda m: m.TypedStorage(dtype=m.int64, device="cpu"),
    lambda m: m.TypedStorage([1.5, 2]),
    lambda m: m.TypedStorage(wrap_storage=m.tensor([1.0, 2.0]).untyped_storage(), dtype=m.float32),
    lambda m: m.TypedStorage(1, 2),
    lambda m: m.TypedStorage("x"),
    lambda m: m.TypedStorage(2.5),
    lambda m: m.TypedStorage(wrap_storage=3, dtype=m.float32),
    lambda m: m.TypedStorage(wrap_storage=m.UntypedStorage(8)),
    lambda m: m.TypedStorage(wrap_storage=m.UntypedStorage(8), dtype=3),
    lambda m: m.TypedStorage(1, wrap_storage=m.UntypedStorage(8), dtype=m.float32),
    lambda m: m.TypedStorage(wrap_storage=m.UntypedStorage(8), dtype=m.float32, device="cpu"),
])
def test_typed_storage_forms_and_errors(call):
    _both(lambda m: _storage(call(m)))


def test_typed_storage_device_keyword():
    # torch's storage of a size is uninitialised memory: only its size and dtype are compared
    _both(lambda m: _storage(m.TypedStorage(3, device=m.device("cpu"), dtype=m.float64))[:3])
    _both(lambda m: _storage(m.TypedStorage(2, device="cpu"))[:3])


def test_typed_storage_is_storage_and_warns():
    _both(lambda m: m.is_storage(m.TypedStorage(5, dtype=m.float32)))
    for m in MODS:
        m.storage._reset_warn_typed_storage_removal()
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            m.TypedStorage(2)
        assert [str(x.message)[:26] for x in w] == ["TypedStorage is deprecated"]


# ---- from_dlpack of a bare capsule --------------------------------------------------------------

@pytest.mark.parametrize("make", [
    lambda m: m.arange(4),
    lambda m: m.arange(6.0).reshape(2, 3).t(),
    lambda m: m.arange(6.0).reshape(2, 3)[:, 1],
    lambda m: m.tensor([True, False]),
    lambda m: m.zeros(0),
    lambda m: m.tensor(3.0),
])
def test_from_dlpack_capsule_shares_writable_memory(make):
    def run(m):
        import importlib
        dl = importlib.import_module(m.__name__ + ".utils.dlpack")
        t = make(m)
        t3 = m.from_dlpack(dl.to_dlpack(t))
        if t3.numel():
            t3.view(-1)[0] = 1 if t3.dtype == m.bool else -9 if t3.is_contiguous() else t3.flatten()[0]
            t3.add_(1) if t3.dtype != m.bool else None
        return t, t3, t3.stride(), t3.is_contiguous()
    _both(run)


# ---- sparse_compressed_tensor -------------------------------------------------------------------

_CI, _PI, _V = [0, 2, 4], [0, 1, 0, 1], [1.0, 2.0, 3.0, 4.0]


@pytest.mark.parametrize("layout", [None, "strided", "sparse_coo", "sparse_csr", "sparse_csc"])
@pytest.mark.parametrize("size", [None, (2, 2), (2, 3)])
def test_sparse_compressed_tensor(layout, size):
    def run(m):
        lay = None if layout is None else getattr(m, layout)
        args = (m.tensor(_CI), m.tensor(_PI), m.tensor(_V)) + (() if size is None else (size,))
        r = m.sparse_compressed_tensor(*args, layout=lay, dtype=m.float64, check_invariants=True)
        return r, r.layout == getattr(m, layout), r.values()
    _both(run)


@pytest.mark.parametrize("layout", ["sparse_csr", "sparse_csc"])
def test_sparse_compressed_tensor_like_its_layout(layout):
    def run(m):
        lay = getattr(m, layout)
        f = m.sparse_csr_tensor if layout == "sparse_csr" else m.sparse_csc_tensor
        a = m.sparse_compressed_tensor([0, 1, 2], [1, 0], [3.0, 4.0], (2, 2), layout=lay)
        b = f([0, 1, 2], [1, 0], [3.0, 4.0], (2, 2))
        return repr(a) == repr(b), a
    _both(run)


@pytest.mark.parametrize("comp, plain, vals, size", [
    ([0, 2, 4], [0, 1, 0, 1], [1.0, 2, 3, 4], (2, 2, 2)),
    ([0, 2, 4], [0, 1, 0, 1], [1.0, 2, 3, 4], (2,)),
    ([0, 2, 4], [0, 1, 0, 1], [[1.0], [2], [3], [4]], (2, 2)),
    ([[0, 2, 4]], [[0, 1, 0, 1]], [[1.0, 2, 3, 4]], (2, 2)),
    ([0, 2, 5], [0, 1, 0, 1], [1.0, 2, 3, 4], (2, 2)),
    ([0, 2, 4], [0, 1, 0, 3], [1.0, 2, 3, 4], (2, 2)),
])
@pytest.mark.parametrize("ctor", ["sparse_csr_tensor", "sparse_csc_tensor", "compressed"])
def test_compressed_checks(comp, plain, vals, size, ctor):
    def run(m):
        c, p, v = m.tensor(comp), m.tensor(plain), m.tensor(vals)
        if ctor == "compressed":
            return m.sparse_compressed_tensor(c, p, v, size, layout=m.sparse_csr, check_invariants=True)
        return getattr(m, ctor)(c, p, v, size, check_invariants=True)
    _both(run)


# ---- the smaller missing names ------------------------------------------------------------------

def test_view_as_real_copy_and_complex_copy():
    same_on_both(lambda m, x: m.view_as_real_copy(m.view_as_complex(x) * 2), [np.array([[1.0, 2.0], [3.0, -4.0]])])
    _both(lambda m: m.view_as_real_copy(m.tensor([1 + 2j, 3 - 4j], requires_grad=True)))
    _both(lambda m: m.view_as_real_copy(m.tensor([1 + 2j])).is_contiguous())
    _both(lambda m: m.view_as_real_copy(m.ones(2)))
    _both(lambda m: m.view_as_complex_copy(m.tensor([[1.0, 2.0], [3.0, 4.0]])))
    _both(lambda m: m.view_as_complex_copy(m.tensor([[1.0, 2.0]], requires_grad=True)))
    _both(lambda m: m.view_as_complex_copy(m.tensor([1.0, 2.0, 3.0])))


@pytest.mark.parametrize("name", ["values_copy", "indices_copy", "crow_indices_copy", "col_indices_copy",
                                  "ccol_indices_copy", "row_indices_copy"])
@pytest.mark.parametrize("layout", ["strided", "coo", "csr", "csc"])
def test_sparse_accessor_copies(name, layout):
    def run(m):
        d = m.tensor([[0.0, 2.0], [3.0, 0.0]])
        x = {"strided": d, "coo": d.to_sparse(), "csr": d.to_sparse_csr(), "csc": d.to_sparse_csc()}[layout]
        return getattr(m, name)(x)
    out = _both(run)
    if out[0] == "err" and out[1] == "NotImplementedError":
        assert out[2].startswith(f"Could not run 'aten::{name}' with arguments from the 'SparseCPU' backend.")


def test_accessor_copy_is_a_copy():
    def run(m):
        c = m.tensor([[0.0, 2.0], [3.0, 0.0]]).to_sparse_csr()
        v = m.values_copy(c)
        v[0] = 100.0
        return c.values(), v, m.crow_indices_copy(c).data_ptr() != c.crow_indices().data_ptr()
    _both(run)


@pytest.mark.parametrize("call", [
    lambda m: m.is_vulkan_available(),
    lambda m: m.cudnn_is_acceptable(m.ones(2)),
    lambda m: m.cudnn_is_acceptable(3),
    lambda m: m.q_scale(m.quantize_per_tensor(m.tensor([1.0, 2.0]), 0.5, 1, m.quint8)),
    lambda m: m.q_zero_point(m.quantize_per_tensor(m.tensor([1.0, 2.0]), 0.5, 1, m.quint8)),
    lambda m: m.q_per_channel_scales(m.quantize_per_channel(m.tensor([[1.0, 2.0], [3, 4]]), m.tensor([0.1, 0.2]),
                                                            m.tensor([0, 1]), 0, m.qint8)),
    lambda m: m.q_per_channel_zero_points(m.quantize_per_channel(m.tensor([[1.0, 2.0], [3, 4]]),
                                                                 m.tensor([0.1, 0.2]), m.tensor([0, 1]), 0, m.qint8)),
    lambda m: m.q_per_channel_axis(m.quantize_per_channel(m.tensor([[1.0, 2.0], [3, 4]]), m.tensor([0.1, 0.2]),
                                                          m.tensor([0, 1]), 1, m.qint8)),
    lambda m: m.q_scale(m.quantize_per_channel(m.tensor([[1.0, 2.0], [3, 4]]), m.tensor([0.1, 0.2]),
                                               m.tensor([0, 1]), 0, m.qint8)),
    lambda m: m.q_per_channel_axis(m.quantize_per_tensor(m.tensor([1.0, 2.0]), 0.5, 1, m.quint8)),
    lambda m: m.thread_safe_generator(),
])
def test_small_functions(call):
    _both(call)


def test_resize_as_function():
    def run(m):
        a = m.arange(6.0).reshape(2, 3)
        r = m.resize_as_(a, m.zeros(4))
        return r is a, a.shape, a
    _both(run)
    _both(lambda m: m.resize_as_(m.ones(2, requires_grad=True), m.zeros(3)))


def test_exception_classes_and_aliases():
    for m in MODS:
        assert issubclass(m.AcceleratorError, RuntimeError)
        assert m.FatalError.__mro__[1] is Exception
        # torch's path, with glasstorch's prefix while glasstorch is not installed as torch (test_class_paths)
        assert (m.AcceleratorError.__module__, m.FatalError.__module__) == (m.__name__, m.__name__)
        assert m.Storage is m.FloatStorage
        assert m.JITException is m.jit.Error
        assert m.DisableTorchFunction is m._C.DisableTorchFunction
        assert m.DisableTorchFunctionSubclass is m._C.DisableTorchFunctionSubclass
        assert m.DispatchKey is m._C.DispatchKey and m.DispatchKeySet is m._C.DispatchKeySet
    _both(lambda m: type(m.Storage(3)).__name__)
    _both(lambda m: str(m.AcceleratorError("boom")))
