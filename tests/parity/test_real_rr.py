"""Parity pins for real-program run rr: skorch (NeuralNetClassifier/Regressor, callbacks, pickling,
its tests/test_net.py) and torchmetrics (metrics, MetricCollection, its unit tests).

Fixed in glasstorch:
- ``torch._C._log_api_usage_once(str)``: torch's no-op usage logger, which every torchmetrics
  ``Metric.__init__`` calls (torchmetrics failed on its first metric); a non-str is torch's
  "bad argument type for built-in operation" TypeError (_C.py);
- a tensor pickles as torch pickles it (skorch pickles a whole net with pickle and reads it back
  through ``torch.load``; its test_net.py showed both directions): ``pickle.dumps(t)`` is
  ``torch._utils._rebuild_tensor_v2(TypedStorage, offset, size, stride, requires_grad,
  OrderedDict())`` (``_rebuild_from_type_v2`` with the attributes when the tensor has any), the
  TypedStorage pickling itself as ``torch.storage._load_from_bytes(legacy torch.save bytes)``, and a
  Parameter as ``torch._utils._rebuild_parameter``.  The module ``torch._utils`` and
  ``torch.storage._load_from_bytes`` exist, so a pickle made by torch (skorch's ``net_cuda.pkl``)
  loads in glasstorch and one made by glasstorch loads in torch, views keeping their strides and
  offsets (_utils.py, storage.py, _tensor.py, nn/parameter.py, _class_paths.py);
- ``torch.save`` of a storage object (``t.storage()``, alone or in a container, zip or legacy
  format) writes it as torch does, a persistent id, instead of failing at load time with "NEWOBJ
  class argument must be a type"; ``torch.load`` gives it back as a ``TypedStorage``
  (serialization.py, _legacy_serialization.py);
- ``torch.UntypedStorage.from_file(filename, shared, nbytes)``, ``torch.FloatStorage.from_file``
  (and the other typed storages) and ``torch.from_file``, with torch's errors for a short or missing
  file and a negative size; ``shared=True`` creates or grows the file and writes reach it
  (_storage_file.py): skorch's ``use_safetensors=True`` saving (safetensors' ``safe_open``) needs it;
- ``UntypedStorage.untyped()`` (returns itself) and ``Tensor.view(dtype=...)`` by keyword, both
  also called by safetensors (ops/storage.py, _tensor_views.py).
"""
import copy
import io
import os
import pickle
import pickletools
import subprocess
import sys
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from tests.parity._helpers import assert_same_array, same_error, same_outcome

MODS = (torch, glasstorch)
DTYPES = ["float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool", "complex64"]


# ---- torch._C._log_api_usage_once -------------------------------------------------------------------
@pytest.mark.parametrize("event", ["torchmetrics.metric.MeanMetric", "", 3, None, b"x"])
def test_log_api_usage_once(event):
    same_outcome(lambda m: m.tensor(0) if m._C._log_api_usage_once(event) is None else m.tensor(1))


# ---- plain pickle of tensors, in torch's format ----------------------------------------------------
class _Renaming(pickle.Unpickler):
    """Reads a pickle written by one library with the other: the module prefix swapped."""

    def __init__(self, data, frm, to):
        super().__init__(io.BytesIO(data))
        self.frm, self.to = frm, to

    def find_class(self, module, name):
        if module == self.frm or module.startswith(self.frm + "."):
            module = self.to + module[len(self.frm):]
        return super().find_class(module, name)


def _globals(data):
    """The ``module name`` pairs a pickle names, in order, the library prefix written as torch."""
    out, strings = [], []
    for op, arg, _ in pickletools.genops(data):
        if op.name in ("SHORT_BINUNICODE", "BINUNICODE", "UNICODE"):
            strings.append(arg)
        elif op.name == "STACK_GLOBAL":
            out.append(f"{strings[-2]} {strings[-1]}")
        elif op.name == "GLOBAL":
            out.append(arg.replace("\n", " "))
    return [g.replace("glasstorch", "torch", 1) if g.startswith("glasstorch") else g for g in out]


def _describe(t):
    return (type(t).__name__, str(t.dtype), t.tolist(), tuple(t.shape), t.stride(), t.storage_offset(),
            t.requires_grad, dict((k, v) for k, v in vars(t).items() if not k.startswith("_")))


def _sample(m, dtype, shape, view, rg, attr):
    a = np.asarray(np.arange(int(np.prod(shape))).reshape(shape) % 7 - 3)
    t = m.from_numpy(np.array(a.astype(dtype)))
    if view == "t" and t.dim() == 2:
        t = t.t()
    elif view == "slice" and t.dim() >= 1 and t.shape[0] > 1:
        t = t[1:]
    elif view == "step" and t.dim() >= 1:
        t = t[::2]
    if rg and t.is_floating_point():
        t = t.detach().requires_grad_(True)
    if attr:
        t.note = "kept"
    return t


_samples = st.tuples(st.sampled_from(DTYPES), st.lists(st.integers(1, 4), min_size=0, max_size=3).map(tuple),
                     st.sampled_from(["", "t", "slice", "step"]), st.booleans(), st.booleans())


@settings(max_examples=40, deadline=None)
@given(_samples)
def test_pickle_moves_between_torch_and_glasstorch(case):
    want = _sample(torch, *case)
    mine = _sample(glasstorch, *case)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from_torch = _Renaming(pickle.dumps(want), "torch", "glasstorch").load()
        from_glasstorch = _Renaming(pickle.dumps(mine), "glasstorch", "torch").load()
        assert _describe(from_torch) == _describe(want)
        assert _describe(from_glasstorch) == _describe(want)
        assert _describe(pickle.loads(pickle.dumps(mine))) == _describe(want)


@pytest.mark.parametrize("make", [
    lambda m: m.ones(3),
    lambda m: m.arange(6.).reshape(2, 3)[:, 1:],
    lambda m: m.ones(2, requires_grad=True),
    lambda m: m.nn.Parameter(m.ones(2)),
    lambda m: m.nn.Parameter(m.ones(2), requires_grad=False),
    lambda m: {"w": m.nn.Linear(2, 2).weight, "b": m.zeros(2, dtype=m.int64)},
], ids=["plain", "view", "requires_grad", "parameter", "frozen_parameter", "dict"])
def test_pickle_names_torchs_rebuild_functions(make):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert _globals(pickle.dumps(make(glasstorch))) == _globals(pickle.dumps(make(torch)))


def test_pickle_with_attribute_names_rebuild_from_type():
    def make(m):
        t = m.ones(2)
        t.tag = 3
        return t
    assert _globals(pickle.dumps(make(glasstorch))) == _globals(pickle.dumps(make(torch)))


@pytest.mark.parametrize("make", [
    lambda m: m.tensor([1 + 1j, 2 - 3j]).conj().imag,
    lambda m: m.tensor([1 + 1j]).conj().imag,
    lambda m: m.tensor([1 + 1j, 2 - 3j]).real,
    lambda m: m.arange(5.).flip(0),
    lambda m: m.arange(3.).expand(2, 3),
    lambda m: m.arange(4, dtype=m.int32).view(m.float32)[1:],
    lambda m: m.arange(4.).view(m.int32),
    lambda m: m.ones(2, requires_grad=True) * 2,
    lambda m: m.ones(2, 3).t().contiguous(),
    lambda m: m.zeros(()),
], ids=["conj_imag", "conj_imag_one", "real", "flip", "expand", "view_dtype_slice", "view_dtype", "non_leaf",
        "contiguous", "scalar"])
def test_pickle_round_trip_values(make):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = pickle.loads(pickle.dumps(make(torch)))
        got = pickle.loads(pickle.dumps(make(glasstorch)))
    assert_same_array(want.resolve_neg(), got.resolve_neg())
    assert (got.requires_grad, got.grad_fn, got.is_leaf) == (want.requires_grad, None, True)


@pytest.mark.parametrize("fn", [
    lambda m: copy.copy(m.arange(4.)),
    lambda m: copy.copy(m.arange(6.).reshape(2, 3).t()),
    lambda m: copy.copy(m.ones(2, requires_grad=True)),
    lambda m: m.tensor(float(copy.copy(m.arange(3.))._base is None)),
    lambda m: (lambda x: m.tensor(copy.copy(x).data_ptr() == x.data_ptr()))(m.ones(3)),
    lambda m: (lambda p: m.tensor([type(p).__name__ == "Parameter", p.requires_grad]))(
        pickle.loads(pickle.dumps(m.nn.Parameter(m.ones(2))))),
])
def test_copy_and_pickle_round_trip(fn):
    same_outcome(fn)


def test_module_pickle_round_trip():
    for m in MODS:
        m.manual_seed(0)
    nets = [m.nn.Sequential(m.nn.Linear(3, 2), m.nn.BatchNorm1d(2)) for m in MODS]
    back = [pickle.loads(pickle.dumps(n)) for n in nets]
    for (k, a), (_, b) in zip(back[0].state_dict().items(), back[1].state_dict().items()):
        assert_same_array(a, b, what=k)
    assert repr(back[0]) == repr(back[1])


def test_glasstorch_run_pickle_loads_in_torch(tmp_path):
    script = tmp_path / "dump.py"
    script.write_text("import pickle, sys, torch\n"
                      "x = torch.arange(12.).reshape(3, 4)\n"
                      "pickle.dump({'v': x[1:, ::2], 'p': torch.nn.Parameter(torch.ones(2)),"
                      " 's': x.storage(), 'm': torch.nn.Linear(2, 1)}, open(sys.argv[1], 'wb'))\n")
    out = tmp_path / "g.pkl"
    env = dict(os.environ, PYTHONPATH=os.getcwd())
    subprocess.run([sys.executable, "-m", "glasstorch", "run", str(script), str(out)], check=True, env=env,
                   capture_output=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = pickle.load(open(out, "rb"))
    assert type(got["v"]) is torch.Tensor and got["v"].tolist() == [[4.0, 6.0], [8.0, 10.0]]
    assert (got["v"].stride(), got["v"].storage_offset()) == ((4, 2), 4)
    assert type(got["p"]) is torch.nn.Parameter and got["p"].requires_grad
    assert type(got["s"]).__name__ == "TypedStorage" and got["s"].tolist() == list(range(12))
    assert isinstance(got["m"], torch.nn.Linear) and got["m"].weight.shape == (1, 2)


# ---- torch.save / torch.load of storage objects ------------------------------------------------------
def _storage_view(x):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if isinstance(x, (list, tuple)):
            return [_storage_view(v) for v in x]
        if isinstance(x, dict):
            return {k: _storage_view(v) for k, v in x.items()}
        if isinstance(x, (torch.Tensor, glasstorch.Tensor)):
            return ("tensor", str(x.dtype), x.tolist())
        return (type(x).__name__, str(x.dtype), x.tolist())


@pytest.mark.parametrize("zip_format", [True, False])
@pytest.mark.parametrize("weights_only", [True, False])
@pytest.mark.parametrize("make", [
    lambda m: m.arange(6.).storage(),
    lambda m: m.arange(6).reshape(2, 3)[1:].storage(),
    lambda m: [m.tensor([1, 2], dtype=m.int16).storage(), m.ones(2)],
    lambda m: (lambda x: {"s": x.storage(), "x": x[1:]})(m.tensor([True, False, True])),
], ids=["float", "int64_view", "list", "dict_shared"])
def test_save_and_load_storage(make, weights_only, zip_format):
    _save_load_both(make, weights_only, zip_format)


@pytest.mark.parametrize("weights_only", [True, False])
def test_save_and_load_untyped_storage(weights_only):
    # (zip format only: torch cannot read an UntypedStorage back from its own legacy format)
    _save_load_both(lambda m: (m.arange(3.).untyped_storage(),), weights_only, True)


def _save_load_both(make, weights_only, zip_format):
    got = []
    for m in MODS:
        buf = io.BytesIO()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m.save(make(m), buf, _use_new_zipfile_serialization=zip_format)
            buf.seek(0)
            got.append(_storage_view(m.load(buf, weights_only=weights_only)))
    assert got[0] == got[1]


@pytest.mark.parametrize("zip_format", [True, False])
def test_saved_storage_loads_in_the_other_library(zip_format):
    for frm, to in ((torch, glasstorch), (glasstorch, torch)):
        buf = io.BytesIO()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            x = frm.arange(5.)
            frm.save({"s": x.storage(), "x": x[2:]}, buf, _use_new_zipfile_serialization=zip_format)
            buf.seek(0)
            got = to.load(buf)
        assert _storage_view(got) == {"s": ("TypedStorage", "torch.float32", [0.0, 1.0, 2.0, 3.0, 4.0]),
                                      "x": ("tensor", "torch.float32", [2.0, 3.0, 4.0])}


def test_saving_a_tensor_and_its_untyped_storage_refuses():
    def fn(m):
        x = m.arange(3.)
        m.save([x, x.untyped_storage()], io.BytesIO())
    same_error(fn)


# ---- from_file ------------------------------------------------------------------------------------
FILE_BYTES = bytes(range(1, 17))


def _from_file_outcome(tmp_path, fn, present=True):
    """``fn(m, path)`` on both libraries, each over a fresh copy of the same file at the same path."""
    path = str(tmp_path / "data.bin")

    def run(m):
        if os.path.exists(path):
            os.remove(path)
        if present:
            with open(path, "wb") as f:
                f.write(FILE_BYTES)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = fn(m, path)
        with open(path, "rb") as f:
            on_disk = f.read()
        return m.tensor(list(r) if not isinstance(r, m.Tensor) else r.tolist(),
                        dtype=r.dtype if isinstance(r, m.Tensor) else None), on_disk
    outcomes = []
    for m in MODS:
        try:
            outcomes.append(("ok",) + run(m))
        except Exception as e:     # noqa: BLE001 - the two errors are compared
            outcomes.append(("error", type(e).__name__, str(e)))
    assert outcomes[0][0] == outcomes[1][0], outcomes
    if outcomes[0][0] == "error":
        assert outcomes[0][1:] == outcomes[1][1:]
    else:
        assert_same_array(outcomes[0][1], outcomes[1][1])
        assert outcomes[0][2] == outcomes[1][2]


@pytest.mark.parametrize("fn,present", [
    (lambda m, p: m.UntypedStorage.from_file(p, False, 6), True),
    (lambda m, p: m.UntypedStorage.from_file(p, shared=False, nbytes=16)[3:9], True),
    (lambda m, p: m.UntypedStorage.from_file(p), True),
    (lambda m, p: m.UntypedStorage.from_file(p, False, 40), True),
    (lambda m, p: m.UntypedStorage.from_file(p, False, -1), True),
    (lambda m, p: m.UntypedStorage.from_file(p, False, 2.0), True),
    (lambda m, p: m.UntypedStorage.from_file(3, False, 2), True),
    (lambda m, p: m.UntypedStorage.from_file(p, False, 3), False),
    (lambda m, p: m.UntypedStorage.from_file(p, True, 24), True),
    (lambda m, p: m.UntypedStorage.from_file(p, True, 17), True),
    (lambda m, p: m.UntypedStorage.from_file(p, True, 8), True),
    (lambda m, p: m.UntypedStorage.from_file(p, True, 5), False),
    (lambda m, p: (lambda s: (s.__setitem__(0, 99), s)[1])(m.UntypedStorage.from_file(p, True, 4)), True),
    (lambda m, p: (lambda s: (s.__setitem__(0, 99), s)[1])(m.UntypedStorage.from_file(p, False, 4)), True),
    (lambda m, p: m.FloatStorage.from_file(p, False, 4), True),
    (lambda m, p: m.IntStorage.from_file(p, False, 5), True),
    (lambda m, p: m.from_file(p, size=4, dtype=m.float32), True),
    (lambda m, p: m.from_file(p, False, 3, dtype=m.int16), True),
    (lambda m, p: m.from_file(p), True),
    (lambda m, p: m.from_file(p, size=5, dtype=m.float64), True),
    (lambda m, p: m.from_file(p, size=-1), True),
    (lambda m, p: m.from_file(p, size=2, dtype=m.int32, requires_grad=True), True),
    (lambda m, p: m.from_file(p, size=2, requires_grad=True).requires_grad, True),
    (lambda m, p: (lambda t: (t.__setitem__(1, 7), t)[1])(m.from_file(p, True, 3, dtype=m.uint8)), True),
    (lambda m, p: m.asarray(m.UntypedStorage.from_file(p, False, 16)[4:12], dtype=m.uint8).view(dtype=m.int16),
     True),
])
def test_from_file(tmp_path, fn, present):
    _from_file_outcome(tmp_path, fn, present)


def test_untyped_storage_untyped_is_itself():
    same_outcome(lambda m: (lambda s: m.tensor(s.untyped() is s))(m.arange(3.).untyped_storage()))


# ---- Tensor.view(dtype=) ----------------------------------------------------------------------------
@pytest.mark.parametrize("fn", [
    lambda m: m.arange(4, dtype=m.uint8).view(dtype=m.int16),
    lambda m: m.arange(4.).view(dtype=m.int32),
    lambda m: m.arange(4.).view(dtype=m.float32),
    lambda m: m.ones(2, 3, requires_grad=True).view(dtype=m.float32),
    lambda m: m.arange(3, dtype=m.uint8).view(dtype=m.int16),
    lambda m: m.arange(4.).view(dtype=3),
    lambda m: m.arange(4.).view(2, dtype=m.int32),
    lambda m: m.arange(4.).view(size=(2, 2)),
])
def test_view_dtype_keyword(fn):
    same_outcome(fn)
