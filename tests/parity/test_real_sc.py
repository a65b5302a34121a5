"""Parity pins for real_sc (graph networks and differential privacy run unchanged on torch and on
glasstorch: PyTorch Geometric's gcn.py / gat.py / mutag_gin.py examples, its create_gnn tutorial and
its own utils / conv / data / loader tests; opacus' examples/mnist.py DP-SGD, PrivacyEngine,
GradSampleModule and accountants, and its own tests).

Fixed in glasstorch:
- ``torch.__config__`` (``show()``, ``parallel_info()``, ``_cxx_flags()``): the build summary in torch's
  words, agreeing with ``torch.backends`` (no MKL, oneDNN or OpenMP); PyG reads ``'USE_MKL=OFF' in
  torch.__config__.show()`` at import (new __config__.py, imported eagerly by __init__.py).
- ``torch.ops.aten`` gains the operators without a ``torch.<name>``: ``alias`` (AliasBackward0),
  ``index.Tensor`` (a None entry is a whole dimension), ``slice.Tensor`` (always SliceBackward0, step
  checked), ``_to_copy`` (always a copy, ToCopyBackward0), ``_pin_memory`` (torch's no-accelerator
  error) and ``_sparse_addmm``; PyG's ``Index``/``EdgeIndex`` name them at import (new _aten_private.py,
  _op_namespaces.py).
- ``torch.jit._overload`` / ``_overload_method`` (and ``torch._jit_internal``'s registry and body check
  with torch's message); PyG's utils declare overloads at import (new _jit_overload.py, jit/__init__.py,
  _jit_internal.py).
- ``torch.jit.script(a plain class)`` hands the class back, as torch does after compiling it (was
  NotImplementedError); PyG scripts its ``SelectOutput``/``ConnectOutput`` dataclasses (jit/_script.py).
- ``torch._tensor_str._tensor_str(t, indent)``: the bracketed values alone; PyG's OFF writer (_tensor_str.py).
- ``torch.utils.data.dataloader._BaseDataLoaderIter`` (both iterators derive from it; pickling one
  raises torch's NotImplementedError), ``_SingleProcessDataLoaderIter``/``_MultiProcessingDataLoaderIter``
  under torch's names, the typing aliases ``_collate_fn_t``/``_worker_init_fn_t``, and the module
  ``torch.utils.data._utils`` (``collate``, ``worker``); PyG's loader base and opacus' data loader import
  them (utils/data/dataloader.py, _workers.py, new _iter_base.py and _utils/, _class_paths.py).
- ``torch.distributed.rpc`` as a build without RPC has it (``is_available()`` False); PyG's
  distributed package imports it (new distributed/rpc.py).  ``torch.distributed._tensor`` (DTensor's
  old path) and ``torch.distributed.tensor.experimental.implicit_replication``; opacus imports them
  (new distributed/_tensor/, distributed/tensor/experimental.py).
- ``torch._convert_indices_from_coo_to_csr`` / ``_convert_indices_from_csr_to_coo`` (torch's kernel,
  batched pointers, dtype and dimension errors) and ``torch._segment_reduce``; PyG's ``index2ptr``,
  ``ptr2index`` and ``segment`` call them (new _sparse_index_conv.py, __init__.py).
- ``torch.fx._symbolic_trace.compatibility`` (torch.fx._compatibility's docstring-marking decorator) and
  ``.ScriptObject``; PyG's fx ``Transformer`` decorates its tracer with it (new fx/_compatibility.py,
  fx/_symbolic_trace.py).
- ``torch.multiprocessing.spawn`` under ``glasstorch run`` (which forks in place of spawn) moves the
  tensors in ``args`` into shared memory first, as spawn's pickling does in torch, so the children's
  in-place changes reach the parent; PyG's ``test_data_share_memory`` (multiprocessing/spawn.py).
- sparse COO ``_coalesced_(bool)`` sets the flag in place; PyG's ``to_edge_index`` (sparse/_coo.py).
- ``torch.UntypedStorage(nbytes)`` / ``()`` / ``(byte list)`` construct as torch's, and
  ``UntypedStorage._new_shared(size)`` gives shared memory; PyG collates into it in DataLoader workers
  (ops/storage.py).

Checked and left: gcn.py, gat.py, the tutorial's GCNConv/EdgeConv and opacus' mnist.py agree to every
printed digit; mutag_gin.py's and the drivers' losses agree to the printed digits while eval accuracies
and some sums differ by BLAS float32 rounding in ``Linear`` (NumPy's gemm, not MKL's, for those shapes).
"""
import pickle

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from tests.parity._helpers import same_on_both, same_outcome, same_result_or_error, same_error

MODS = (torch, glasstorch)


# ---- torch.__config__ ------------------------------------------------------------------------------
def test_config_module_shape():
    for m in MODS:
        text = m.__config__.show()
        assert text.startswith("PyTorch built with:\n") and "  - Build settings: " in text
        assert "ATen/Parallel:\n\tat::get_num_threads() : " in m.__config__.parallel_info()
        assert isinstance(m.__config__._cxx_flags(), str)


def test_config_agrees_with_backends():
    text = glasstorch.__config__.show()
    assert ("USE_MKL=OFF" in text) == (not glasstorch.backends.mkl.is_available())
    assert ("USE_MKLDNN=OFF" in text) == (not glasstorch.backends.mkldnn.is_available())
    assert f"CPU capability usage: {glasstorch.backends.cpu.get_cpu_capability()}" in text
    assert f"at::get_num_threads() : {glasstorch.get_num_threads()}" in glasstorch.__config__.parallel_info()


# ---- torch.ops.aten without a torch.<name> ---------------------------------------------------------
X43 = np.random.default_rng(0).standard_normal((4, 3)).astype(np.float32)


@pytest.mark.parametrize("fn", [
    lambda m, x: m.ops.aten.alias(x),
    lambda m, x: m.ops.aten.alias.default(x.t()),
    lambda m, x: m.ops.aten.slice.Tensor(x, 1, 0, 2),
    lambda m, x: m.ops.aten.slice(x),
    lambda m, x: m.ops.aten.slice(x, 0, -100, 100),
    lambda m, x: m.ops.aten.slice(x, -1, None, None, 2),
    lambda m, x: m.ops.aten.slice(x, 0, 3, 1),
    lambda m, x: m.ops.aten.index.Tensor(x, [m.tensor([0, 2, 2])]),
    lambda m, x: m.ops.aten.index(x, [None, m.tensor([0, 2])]),
    lambda m, x: m.ops.aten.index(x, (m.tensor([True, False, True, True]),)),
    lambda m, x: m.ops.aten.index(x, [m.tensor([1, 0]), m.tensor([2, 2])]),
    lambda m, x: m.ops.aten._to_copy(x),
    lambda m, x: m.ops.aten._to_copy.default(x, dtype=m.float64),
    lambda m, x: m.ops.aten._to_copy(x, dtype=m.half, device="cpu"),
])
def test_private_aten_ops(fn):
    same_on_both(fn, [X43])


@pytest.mark.parametrize("fn", [
    lambda m, x: m.ops.aten.slice(x, 0, 0, 4, -1),
    lambda m, x: m.ops.aten.slice(x, 0, 0, 4, 0),
    lambda m, x: m.ops.aten.slice(x, 5),
    lambda m, x: m.ops.aten.index(x, []),
    lambda m, x: m.ops.aten._pin_memory(x),
    lambda m, x: m.ops.aten._pin_memory.default(x),
])
def test_private_aten_op_errors(fn):
    same_error(lambda m: fn(m, m.from_numpy(X43.copy())))


def test_private_aten_views_and_copies():
    for m in MODS:
        x = m.from_numpy(X43.copy())
        assert m.ops.aten.alias(x)._base is x and m.ops.aten.slice(x, 1, 0, 2)._base is x
        assert m.ops.aten._to_copy(x) is not x and m.ops.aten._to_copy(x).data_ptr() != x.data_ptr()
        assert m.ops.aten.alias(x.detach()).grad_fn is None


def test_private_aten_sparse_addmm():
    same_on_both(lambda m: m.ops.aten._sparse_addmm(m.ones(2, 3), m.eye(2).to_sparse(),
                                                     m.arange(6.).view(2, 3), beta=0.5, alpha=2), [], grad=False)


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 3), st.integers(-4, 4), st.one_of(st.none(), st.integers(-5, 5)),
       st.one_of(st.none(), st.integers(-5, 5)), st.integers(1, 3))
def test_slice_tensor_hypothesis(ndim, dim, start, end, step):
    arr = np.arange(np.prod([3, 4, 5][:ndim]), dtype=np.float64).reshape([3, 4, 5][:ndim])
    same_result_or_error(lambda m, x: m.ops.aten.slice.Tensor(x, dim, start, end, step), [arr])


# ---- torch.jit ---------------------------------------------------------------------------------------
def _declare(m):
    @m.jit._overload
    def f(x: int) -> int:
        pass

    @m.jit._overload
    def f(x: float) -> float:       # noqa: F811
        ...

    def f(x):                       # noqa: F811
        return x * 2
    return f(3), f(1.5)


def test_jit_overload_declarations():
    assert _declare(torch) == _declare(glasstorch) == (6, 3.0)


def _bad_overload(m):
    @m.jit._overload
    def g(x: int) -> int:
        return x


def test_jit_overload_body_refused():
    same_error(lambda m: _bad_overload(m))


class _Pair:
    def __init__(self, a: int, b: int):
        self.a, self.b = a, b

    def total(self) -> int:
        return self.a + self.b


def test_jit_script_of_a_class_is_the_class():
    for m in MODS:
        assert m.jit.script(_Pair) is _Pair
    assert _Pair(1, 2).total() == 3


# ---- torch._tensor_str._tensor_str ------------------------------------------------------------------
@pytest.mark.parametrize("make", [
    lambda m: m.tensor([[1.5, 2], [3, 4]]), lambda m: m.arange(2000).reshape(2, 1000), lambda m: m.tensor(3.),
    lambda m: m.zeros(0), lambda m: m.tensor([1 + 2j]), lambda m: m.tensor([True]),
    lambda m: m.tensor([1., 2.], requires_grad=True) * 2, lambda m: m.tensor([1., 2.], dtype=m.half),
])
@pytest.mark.parametrize("indent", [0, 3, 7])
def test_tensor_str_body(make, indent):
    from torch._tensor_str import _tensor_str as t_str
    from glasstorch._tensor_str import _tensor_str as g_str
    assert g_str(make(glasstorch), indent) == t_str(make(torch), indent)


# ---- DataLoader iterators and torch.utils.data._utils ----------------------------------------------
def _names(m, workers):
    it = iter(m.utils.data.DataLoader([1, 2, 3], num_workers=workers))
    base = m.utils.data.dataloader._BaseDataLoaderIter
    kind = (m.utils.data.dataloader._MultiProcessingDataLoaderIter if workers
            else m.utils.data.dataloader._SingleProcessDataLoaderIter)
    return (isinstance(it, base), type(it) is kind, [c.__name__ for c in type(it).__mro__], len(it))


@pytest.mark.parametrize("workers", [0, 1])
def test_dataloader_iterator_classes(workers):
    assert _names(torch, workers) == _names(glasstorch, workers)


def test_dataloader_iterator_not_picklable():
    same_error(lambda m: pickle.dumps(iter(m.utils.data.DataLoader([1, 2]))))


def test_data_utils_modules():
    import torch.utils.data._utils.collate as tc
    import glasstorch.utils.data._utils.collate as gc
    from glasstorch.utils.data._utils.worker import get_worker_info
    from glasstorch.utils.data.dataloader import _collate_fn_t, _worker_init_fn_t  # noqa: F401
    assert get_worker_info() is None
    batch = [(np.float64(1.5), {"a": 1}), (np.float64(2.5), {"a": 2})]
    t, g = tc.default_collate(batch), gc.default_collate(batch)
    assert repr(g).replace("glasstorch", "torch") == repr(t)


# ---- torch.distributed corners -----------------------------------------------------------------------
def test_distributed_rpc_and_old_dtensor_path():
    from glasstorch.distributed import rpc
    assert rpc.is_available() is False
    import glasstorch.distributed._tensor.experimental as old
    import glasstorch.distributed.tensor.experimental as new
    assert old is new
    with new.implicit_replication():
        assert glasstorch.distributed.tensor.DTensor._allow_implicit_replication
    assert not glasstorch.distributed.tensor.DTensor._allow_implicit_replication


# ---- coo <-> csr index conversion, _segment_reduce ----------------------------------------------------
@pytest.mark.parametrize("fn", [
    lambda m: m._convert_indices_from_coo_to_csr(m.tensor([0, 0, 1, 3, 3, 3]), 5),
    lambda m: m._convert_indices_from_coo_to_csr(m.tensor([0, 0, 1, 3, 3, 3]), 5, out_int32=True),
    lambda m: m._convert_indices_from_coo_to_csr(m.tensor([3, 0, 1]), 4),
    lambda m: m._convert_indices_from_coo_to_csr(m.tensor([], dtype=m.long), 3),
    lambda m: m._convert_indices_from_coo_to_csr(m.tensor(1), 3),
    lambda m: m._convert_indices_from_coo_to_csr(m.tensor([0, 1], dtype=m.uint8), 3),
    lambda m: m._convert_indices_from_coo_to_csr(m.tensor([0, 1], dtype=m.int16), 3),
    lambda m: m._convert_indices_from_coo_to_csr(input=m.tensor([0, 1, 1, 2]), size=3),
    lambda m: m._convert_indices_from_coo_to_csr(m.tensor([0, 1]), 3, out_int32=True, out=m.zeros(4, dtype=m.int32)),
    lambda m: m._convert_indices_from_coo_to_csr(m.tensor([[0, 1]]), 3),
    lambda m: m._convert_indices_from_coo_to_csr(m.tensor([0., 1.]), 3),
    lambda m: m._convert_indices_from_coo_to_csr(m.tensor([0, 1]).bool(), 3),
    lambda m: m._convert_indices_from_coo_to_csr(m.tensor([0, 1]), 3, out_int32=1),
    lambda m: m._convert_indices_from_csr_to_coo(m.tensor([0, 2, 3, 3, 6]), m.tensor([1, 2, 0, 0, 1, 2])),
    lambda m: m._convert_indices_from_csr_to_coo(m.tensor([0, 2, 3]), m.tensor([1, 2, 0]), out_int32=True,
                                                 transpose=True),
    lambda m: m._convert_indices_from_csr_to_coo(m.tensor([0, 2, 3], dtype=m.int32), m.tensor([1, 2, 0]).float()),
    lambda m: m._convert_indices_from_csr_to_coo(m.tensor([[0, 2, 3], [0, 1, 3]]), m.tensor([[1, 2, 0], [0, 0, 1]])),
    lambda m: m._convert_indices_from_csr_to_coo(m.tensor([[[0, 1, 3]]]), m.tensor([[[1, 2, 0]]]), transpose=True),
    lambda m: m._convert_indices_from_csr_to_coo(m.tensor([0]), m.tensor([], dtype=m.long)),
    lambda m: m._convert_indices_from_csr_to_coo(m.tensor([[0, 2, 3]]), m.tensor([1, 2, 0])),
    lambda m: m._convert_indices_from_csr_to_coo(m.tensor([0, 2, 3.]), m.tensor([1, 2, 0])),
    lambda m: m._convert_indices_from_csr_to_coo(m.tensor([0, 2, 3]), m.tensor([1, 2, 0]), transpose=0),
])
def test_convert_indices(fn):
    same_outcome(fn)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 6), max_size=12), st.integers(0, 3), st.booleans())
def test_coo_csr_round_trip_hypothesis(rows, extra, out_int32):
    rows = sorted(rows)
    size = (max(rows) + 1 if rows else 0) + extra

    def fn(m):
        crow = m._convert_indices_from_coo_to_csr(m.tensor(rows, dtype=m.long), size, out_int32=out_int32)
        coo = m._convert_indices_from_csr_to_coo(crow, m.arange(len(rows)), out_int32=out_int32)
        return crow, coo
    same_outcome(fn)


def test_segment_reduce_alias():
    assert glasstorch._segment_reduce is glasstorch.segment_reduce
    same_on_both(lambda m, x: m._segment_reduce(x, "sum", offsets=m.tensor([0, 2, 5])),
                 [np.arange(5, dtype=np.float64)])


# ---- sparse COO _coalesced_ ---------------------------------------------------------------------------
def _coalesced(m, flag):
    s = m.sparse_coo_tensor(m.tensor([[1, 0], [0, 1]]), m.tensor([1., 2.]), (2, 2))
    r = s._coalesced_(flag)
    return r is s, s.is_coalesced(), s._coalesced_(False).is_coalesced()


@pytest.mark.parametrize("flag", [True, False])
def test_sparse_coalesced_flag(flag):
    assert _coalesced(torch, flag) == _coalesced(glasstorch, flag)


def test_sparse_coalesced_flag_type():
    same_error(lambda m: m.sparse_coo_tensor(m.tensor([[0], [0]]), m.tensor([1.]), (1, 1))._coalesced_(1))


# ---- UntypedStorage constructors and shared storages ----------------------------------------------
@pytest.mark.parametrize("expr", [
    "t.UntypedStorage(8).nbytes()", "t.UntypedStorage()", "t.UntypedStorage([1, 2, 3])",
    "t.UntypedStorage(4, device='cpu').size()",       # (torch's new bytes are uninitialized: sizes only)
    "t.UntypedStorage._new_shared(16).nbytes()", "t.UntypedStorage._new_shared(16).is_shared()",
    "t.UntypedStorage._new_shared(8, device='cpu').nbytes()",
])
def test_untyped_storage_constructors(expr):
    assert repr(eval(expr, {"t": glasstorch})).replace("glasstorch", "torch") == repr(eval(expr, {"t": torch}))


def test_cat_into_new_shared_storage():
    def fn(m):
        out = m.zeros(1).new(m.UntypedStorage._new_shared(16)).resize_(4)
        r = m.cat([m.ones(2), m.arange(2.)], out=out)
        assert r.is_shared() and r.untyped_storage().is_shared()
        return r
    same_outcome(fn)


# ---- torch.multiprocessing.spawn under `glasstorch run` ----------------------------------------------
_SPAWN_SCRIPT = '''
import torch, torch.multiprocessing as mp

def run(rank, items):
    for t in items["xs"]:
        print(rank, t.is_shared(), flush=True) if rank == 0 else None
    items["xs"][rank].add_(rank + 1)   # each child its own tensor: two add_ on one tensor race (an update lost)

if __name__ == "__main__":
    xs = [torch.zeros(3) for _ in range(2)]
    print([t.is_shared() for t in xs])
    mp.spawn(run, args=({"xs": xs},), nprocs=2, join=True)
    print([t.is_shared() for t in xs], [t.tolist() for t in xs])
'''


def test_spawn_shares_argument_tensors(tmp_path):
    """Spawning pickles the arguments, which moves their tensors into shared memory: the children's
    in-place changes show in the parent.  ``glasstorch run`` forks instead, and shares them alike."""
    import subprocess
    import sys
    path = tmp_path / "spawn_share.py"
    path.write_text(_SPAWN_SCRIPT)
    outs = [subprocess.run(cmd + [str(path)], capture_output=True, text=True, timeout=240).stdout
            for cmd in ([sys.executable], [sys.executable, "-m", "glasstorch", "run"])]
    assert outs[0] == outs[1] and "[[1.0, 1.0, 1.0], [2.0, 2.0, 2.0]]" in outs[0]


# ---- torch.fx._symbolic_trace.compatibility --------------------------------------------------------
@pytest.mark.parametrize("flag", [True, False])
@pytest.mark.parametrize("doc", [None, "doc", "\n    indented\n    doc"])
def test_fx_compatibility_decorator(flag, doc):
    import torch.fx._symbolic_trace as t_st
    import glasstorch.fx._symbolic_trace as g_st
    docs = []
    for st_mod in (t_st, g_st):
        def f():
            pass
        f.__doc__ = doc
        assert st_mod.compatibility(is_backward_compatible=flag)(f) is f
        docs.append(f.__doc__)
    assert docs[0] == docs[1]


def test_fx_symbolic_trace_script_object():
    import torch.fx._symbolic_trace as t_st
    import glasstorch.fx._symbolic_trace as g_st
    assert t_st.ScriptObject is torch.ScriptObject and g_st.ScriptObject is glasstorch.ScriptObject
    assert isinstance(torch.ones(1), t_st.ScriptObject) == isinstance(glasstorch.ones(1), g_st.ScriptObject)
