"""Parity pins for real program set "se": PyTorch Lightning 2.6 (``lightning`` / ``pytorch_lightning``)
and its documented examples (the "Lightning in 15 minutes" autoencoder, a LightningModule classifier
with a LightningDataModule, ModelCheckpoint / EarlyStopping / load_from_checkpoint, fast_dev_run,
torchmetrics, Fabric), run unchanged under ``python -m glasstorch run``.

Fixed in glasstorch:
- ``torch.distributed.constants`` (``default_pg_timeout``, ``default_pg_nccl_timeout``, None on a
  CPU build) was missing: importing lightning failed (lightning.fabric.plugins.collectives);
- ``torch._C._TensorMeta``, the metaclass of ``torch.Tensor`` and the base of ``Parameter``'s
  ``_ParameterMeta``, was missing (lightning.fabric.utilities.load imports it);
- ``torch.PyTorchFileReader`` (= ``torch._C.PyTorchFileReader``), the checkpoint record reader, was
  missing: ``get_record``, ``has_record``, ``get_all_records``, ``get_record_offset``,
  ``get_record_size``, ``serialization_id`` with torch's errors (lightning's lazy loader);
- ``torch.ScriptModule`` / ``torch.ScriptObject`` (torch._C's C++ classes; a scripted module is not
  one) were missing (lightning.pytorch.core.module imports ScriptModule);
- ``torch.autograd.profiler.emit_nvtx`` / ``emit_itt`` and ``torch.profiler.kineto_available`` /
  ``torch.autograd.kineto_available`` were missing (lightning.pytorch.profilers);
- ``torch.utils.flop_counter.FlopCounterMode`` was missing (lightning's ModelSummary prints a FLOPs
  column and "Total Flops" from it): mm/addmm/bmm/baddbmm/matmul/linear/conv counts as torch's
  aten-level formulas, per module as torch's ModuleTracker names them.
"""
import importlib
import io
import os
import tempfile
from datetime import timedelta

import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from tests.parity._helpers import same_outcome

MODS = (torch, glasstorch)


def _name(cls):
    return f"{cls.__module__}.{cls.__qualname__}".replace("glasstorch", "torch")


def _both(fn):
    """fn(module) on both libraries: the same plain-Python result or the same exception."""
    out = []
    for m in MODS:
        try:
            out.append(("ok", fn(m)))
        except Exception as e:       # noqa: BLE001 - torch's exception is the expectation
            out.append(("err", type(e).__name__, str(e).replace("glasstorch", "torch")))
    assert out[0] == out[1], out


# ---- torch.distributed.constants -------------------------------------------------------------

def test_distributed_constants():
    import torch.distributed.constants as tc
    import glasstorch.distributed.constants as gc
    assert gc.default_pg_timeout == tc.default_pg_timeout == timedelta(minutes=30)
    assert gc.default_pg_nccl_timeout == tc.default_pg_nccl_timeout
    assert gc.__all__ == tc.__all__


# ---- torch._C._TensorMeta ----------------------------------------------------------------------

@pytest.mark.parametrize("expr", [
    lambda m: _name(type(m.Tensor)),
    lambda m: [_name(c) for c in type(m.nn.Parameter).__mro__],
    lambda m: isinstance(m.Tensor, m._C._TensorMeta),
    lambda m: isinstance(m.nn.Parameter, m._C._TensorMeta),
    lambda m: isinstance(m.ones(1), m._C._TensorMeta),
    lambda m: type(type("Sub", (m.Tensor,), {})) is m._C._TensorMeta,
    lambda m: issubclass(m._C._TensorMeta, type),
])
def test_tensor_meta(expr):
    _both(expr)


# ---- torch.PyTorchFileReader -------------------------------------------------------------------

def _saved(m, path):
    m.save({"w": m.arange(6.).view(2, 3), "i": m.tensor([1, 2], dtype=m.int16), "n": 3}, path)
    return path


@pytest.mark.parametrize("writer", MODS, ids=["torch-file", "glasstorch-file"])
@pytest.mark.parametrize("query", [
    lambda r: r.get_all_records(),
    lambda r: r.get_record("data.pkl"),
    lambda r: r.get_record("byteorder"),
    lambda r: [r.has_record(n) for n in ("data.pkl", "data/0", "data/9", "nope", "version")],
    lambda r: [r.get_record_offset(n) for n in ("data/0", "data/1")],
    lambda r: [r.get_record_size(n) for n in ("data/0", "data/1", "data.pkl")],
    lambda r: len(r.serialization_id()),
    lambda r: r.get_record("missing"),
    lambda r: r.get_record_size("missing"),
])
def test_file_reader_queries(writer, query, tmp_path):
    path = _saved(writer, str(tmp_path / "ck.pt"))
    _both(lambda m: query(m.PyTorchFileReader(path)))
    with open(path, "rb") as f:
        data = f.read()
    _both(lambda m: query(m.PyTorchFileReader(io.BytesIO(data))))


def test_file_reader_names_and_errors(tmp_path):
    _both(lambda m: m.PyTorchFileReader is m._C.PyTorchFileReader)
    _both(lambda m: _name(m.PyTorchFileReader))
    missing = str(tmp_path / "absent.pt")
    _both(lambda m: m.PyTorchFileReader(missing))
    _both(lambda m: m.PyTorchFileReader(str(tmp_path)))            # a folder: fopen fails with EISDIR
    junk = tmp_path / "junk.pt"
    junk.write_bytes(b"not a zip file at all")
    _both(lambda m: m.PyTorchFileReader(str(junk)))


# ---- torch.ScriptModule / ScriptObject -------------------------------------------------------

@pytest.mark.parametrize("expr", [
    lambda m: [_name(c) for c in m.ScriptModule.__mro__[:2]],
    lambda m: m._C.ScriptModule is m.ScriptModule and m._C.ScriptObject is m.ScriptObject,
    lambda m: isinstance(m.jit.script(m.nn.Linear(2, 2)), m.ScriptModule),
    lambda m: isinstance(m.nn.Linear(2, 2), (m.ScriptModule, m.ScriptObject)),
    lambda m: m.ScriptModule(),
])
def test_script_module_class(expr):
    _both(expr)


# ---- emit_nvtx / emit_itt / kineto_available ----------------------------------------------------

def _emit(m, name, enabled, twice):
    cls = getattr(m.autograd.profiler, name)
    c = cls(enabled=enabled)
    seen = []
    for _ in range(2 if twice else 1):
        try:
            with c as x:
                seen.append(type(x).__name__)
                m.ones(2).add(1)
        except Exception as e:       # noqa: BLE001
            seen.append(f"{type(e).__name__}: {e}")
    return seen, c.entered, _name(cls)


@pytest.mark.parametrize("name", ["emit_nvtx", "emit_itt"])
@pytest.mark.parametrize("enabled", [True, False])
@pytest.mark.parametrize("twice", [True, False])
def test_emit_profilers(name, enabled, twice):
    _both(lambda m: _emit(m, name, enabled, twice))


def test_kineto_available():
    _both(lambda m: (m.profiler.kineto_available(), m.autograd.kineto_available()))


# ---- FlopCounterMode --------------------------------------------------------------------------

def _mode(m):
    # imported by name: ``m.utils.flop_counter`` is an attribute only once something has imported it, and
    # an AttributeError on both sides would compare equal
    return importlib.import_module(m.__name__ + ".utils.flop_counter").FlopCounterMode


def _counts(m, run, **kw):
    fc = _mode(m)(display=False, **kw)
    with fc:
        run(m)
    return fc.get_total_flops(), {k: {str(op): n for op, n in v.items()} for k, v in fc.get_flop_counts().items()}


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 3), min_size=0, max_size=2), st.integers(1, 4), st.integers(1, 4),
       st.integers(1, 4), st.booleans(), st.booleans(), st.integers(1, 4))
def test_flops_matmul(batch, mm, k, n, a_vec, grad, bdims):
    def run(m):
        a = m.ones(*([k] if a_vec else [*batch, mm, k]))
        b = m.ones(*batch[:bdims], k, n, requires_grad=grad)
        a @ b
        m.matmul(b.transpose(-1, -2), m.ones(n, 2))
        m.ones(k) @ m.ones(k)                     # dot: no formula
        m.ones(mm, k) @ m.ones(k)                 # mv: no formula
    _both(lambda m: _counts(m, run))


@pytest.mark.parametrize("a_shape, b_shape, a_grad, b_grad, transposed", [
    ((4, 5), (3, 5, 6), True, False, False),     # a 2-d left factor needing grad: folded (mm)
    ((4, 5), (3, 5, 6), False, True, False),     # only the batched side needing grad: bmm
    ((5,), (3, 5, 6), False, True, False),
    ((5,), (3, 5, 6), True, False, False),
    ((3, 4, 5), (5, 6), False, False, False),    # a contiguous batch @ a matrix: folded
    ((2, 4, 5), (5, 6), False, False, True),     # a batch whose flattening needs a copy: bmm
    ((2, 4, 5), (5, 6), False, True, True),      # ... unless the matrix needs grad
])
def test_flops_matmul_fold_rule(a_shape, b_shape, a_grad, b_grad, transposed):
    """matmul counts as mm exactly where torch's should_fold folds it, else as bmm."""
    def run(m):
        a = m.ones(*a_shape, requires_grad=a_grad)
        if transposed:
            a = m.ones(a_shape[0], a_shape[2], a_shape[1], requires_grad=a_grad).transpose(1, 2)
        a @ m.ones(*b_shape, requires_grad=b_grad)
    _both(lambda m: _counts(m, run))


@pytest.mark.parametrize("shape, contiguous, w_grad, bias", [
    ((2, 3, 4), False, False, True), ((2, 3, 4), False, True, True), ((2, 3, 4), False, False, False),
    ((1, 1, 1, 4), False, False, True), ((4,), True, False, True), ((4,), True, False, False),
    ((2, 2, 3, 4), True, False, True), ((2, 2, 3, 4), False, True, False),
])
def test_flops_functional_linear(shape, contiguous, w_grad, bias):
    """F.linear: addmm on a 2-d or contiguous input with a bias, else matmul(x, W.t())'s op."""
    def run(m):
        x = m.ones(*shape) if contiguous else m.ones(shape[-1], *shape[:-1]).movedim(0, -1)
        m.nn.functional.linear(x, m.ones(5, 4, requires_grad=w_grad), m.ones(5) if bias else None)
    _both(lambda m: _counts(m, run))


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 4), st.lists(st.integers(1, 3), max_size=3), st.integers(1, 4), st.booleans(),
       st.booleans())
def test_flops_linear(inf, lead, outf, bias, contiguous):
    def run(m):
        lin = m.nn.Linear(inf, outf, bias=bias)
        x = m.ones(*lead, inf) if contiguous or len(lead) < 2 else m.ones(inf, *lead).movedim(0, -1)
        with m.no_grad():
            lin(x)
            m.nn.functional.linear(x, lin.weight, lin.bias)
    _both(lambda m: _counts(m, run))


@pytest.mark.parametrize("run", [
    lambda m: m.mm(m.ones(3, 4), m.ones(4, 5)),
    lambda m: m.addmm(m.ones(5), m.ones(3, 4), m.ones(4, 5)),
    lambda m: m.bmm(m.ones(2, 3, 4), m.ones(2, 4, 5)),
    lambda m: m.baddbmm(m.ones(2, 3, 5), m.ones(2, 3, 4), m.ones(2, 4, 5)),
    lambda m: m.ones(3, 4).mm(m.ones(4, 2)),
    lambda m: m.nn.Conv1d(2, 4, 3)(m.ones(2, 2, 9)),
    lambda m: m.nn.Conv2d(4, 6, 3, stride=2, padding=1, groups=2)(m.ones(3, 4, 7, 6)),
    lambda m: m.nn.Conv3d(1, 2, 2, bias=False)(m.ones(1, 1, 3, 4, 5)),
    lambda m: m.nn.functional.conv2d(m.ones(1, 3, 5, 5), m.ones(2, 3, 3, 3), dilation=2),
    lambda m: m.nn.ConvTranspose2d(2, 3, 3, stride=2)(m.ones(2, 2, 4, 5)),
    lambda m: m.nn.ConvTranspose1d(2, 3, 2)(m.ones(1, 2, 6)),
])
def test_flops_ops(run):
    def no_grad_run(m):
        with m.no_grad():
            run(m)
    _both(lambda m: _counts(m, no_grad_run))
    _both(lambda m: _counts(m, run))


def _tree(m):
    root = m.nn.Sequential(m.nn.Linear(3, 4), m.nn.ReLU(), m.nn.Sequential(m.nn.Linear(4, 2, bias=False),
                                                                       m.nn.Linear(2, 5)))
    conv = m.nn.Conv2d(2, 3, 3, padding=1)
    return root, conv


def test_flops_per_module():
    def run(m):
        root, conv = _tree(m)
        with m.no_grad():
            root(m.ones(6, 3))
            root[2](m.ones(2, 4))              # a submodule run on its own is named from its class
            conv(m.ones(2, 2, 5, 5))
            m.ones(2, 3) @ m.ones(3, 3)
    _both(lambda m: _counts(m, run))
    _both(lambda m: _counts(m, run, depth=1))


def test_flops_reentered_and_empty():
    def twice(m):
        fc = _mode(m)(display=False)
        lin = m.nn.Linear(3, 2)
        out = []
        for rows in (4, 7):
            with fc:
                lin(m.ones(rows, 3))
            out.append(fc.get_total_flops())
        with _mode(m)(display=False) as empty:
            m.ones(3) + 1
        return out, empty.get_total_flops(), dict(empty.get_flop_counts())
    _both(twice)


def test_flops_backward_not_counted_outside():
    # a backward run after the mode has closed adds nothing
    def run(m):
        lin = m.nn.Linear(3, 2)
        fc = _mode(m)(display=False)
        with fc:
            y = lin(m.ones(4, 3)).sum()
        y.backward()
        return fc.get_total_flops()
    _both(run)


def test_outcome_helper_on_flop_module_names():
    same_outcome(lambda m: m.tensor(float(len(_mode(m).__name__))))
