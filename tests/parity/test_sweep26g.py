"""Parity pins for sweep26g (geometry processing and 3D vision programs: meshes, point clouds); the
to_sparse and index_reduce pins are in test_sweep26g_more.py.

Fixed in glasstorch:
- ``torch.sparse_coo_tensor(indices, values, size)`` checks shapes in torch's order and with its
  messages: first ``len(size) == sparse_dim + dense_dim`` (sparse_dim is ``indices.size(0)`` whatever
  the rank of ``indices``), then a negative size ("numel: integer multiplication overflow"), then the
  2-d indices, the nnz, and "values has incorrect size, expected [..], got [..]"; a 0-d ``values`` is
  taken as 1-d, 0-d ``indices`` raise torch's IndexError (sparse/_coo.py, sparse/_coo_checks.py);
- a sparse COO tensor reports torch's strides (all 0), storage offset 0, is never contiguous, and
  refuses ``data_ptr()``, ``untyped_storage()``, ``storage()`` and ``contiguous()`` with torch's
  errors; a CSR tensor refuses strides and contiguity (sparse/_storage_meta.py);
- dense tensors have torch's ``is_sparse_csr``, ``is_mkldnn``, ``is_nested``, ``is_xla``, ``is_xpu``,
  ``is_ipu``, ``is_maia``, ``is_mtia``, ``is_vulkan`` flags and ``is_distributed()`` (_tensor_flags.py);
- ``torch.linalg.cross`` / ``torch.cross`` refuse mixed dtypes ("expected scalar type Float but found
  Long", after the broadcast check), bool ("\"cross\" not implemented for 'Bool'"), a ``dim`` out of
  range (IndexError), and check ``out``'s dtype first, naming linalg_cross in the out= autograd
  error (_linalg_cross.py, ops/creation_more.py);
- ``torch.cdist`` checks that the batch dims broadcast (torch's "The size of tensor a ..." error,
  before the dtype checks) and checks ``compute_mode`` before anything else (ops/creation_more.py);
- sparse autograd: ``s.values()`` records ``ValuesBackward0`` (a sparse gradient at s's indices),
  ``x.to_sparse()`` records ``ToSparseBackward1`` (``ToSparseBackward0`` with a sparse_dim), a
  dtype conversion of a sparse tensor records ``ToCopyBackward0``, and ``torch.sparse.sum(s)`` over
  every dim is torch's ``s.coalesce().values().sum(dtype)``: its gradient is zero off the stored
  entries, its dtype the one asked for (sparse/_autograd.py, sparse/_convert.py, sparse/__init__.py,
  _tensor_sparse.py);
- the out-of-place sparse transposes ``t()``, ``transpose``/``swapaxes``, ``permute``, ``.T``, ``.mT``
  record torch's TBackward0 / TransposeBackward0 / PermuteBackward0 (``.T`` is a permute) instead of
  dropping the graph (sparse/_shape.py);
- a sparse tensor's ``clone()`` records torch's CloneBackward0 (it was a new leaf that required grad), and
  ``torch.autograd.grad`` hands out a sparse gradient sparse, as torch does (it densified it)
  (sparse/_coo.py, sparse/_autograd.py, autograd/engine.py); ``copy.deepcopy`` of a sparse tensor keeps
  a leaf a leaf, refuses a non-leaf with torch's message, and honours the memo;
- a sparse tensor without sparse dims (indices of shape (0, nnz)) densifies to the sum of its values
  instead of failing (sparse/_coo.py);
- ``x.to_sparse(sparse_dim)`` checks its argument as torch ("must be in [0,n] range", "must be in >0
  when self.dim()>0"), converts a 0-d tensor, and a sparse tensor's ``to_sparse`` takes torch's
  keywords and refuses another sparse_dim (sparse/_coo.py);
- ``index_reduce`` / ``index_reduce_`` make torch's index_func_meta_impl checks (index a vector of int32
  or int64, self and source of one dtype, dim within source, counts, shapes), then its kernel's (bool
  refused, bounds) after the beta warning: a float64 source into a float32 self is an error, not a
  silent cast (ops/scatter_reduce.py, ops/index_checks.py, ops/_index_dtype.py);
- ``torch.optim.SparseAdam`` refuses sparse parameters with torch's "Sparse params at indices [[g, i]]:
  SparseAdam requires dense parameter tensors" (optim/sparse_adam.py).
"""
import re
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from glasstorch.autograd.gradcheck import gradcheck
from tests.parity._helpers import same_on_both, same_outcome

MODS = (torch, glasstorch)


def outcome(fn, m):
    """repr of ``fn(m)`` (addresses and the library name removed), or ``Type: message`` of its error."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            r = repr(fn(m))
        except Exception as e:      # noqa: BLE001 - torch's error is the expectation
            r = f"{type(e).__name__}: {e}"
    return re.sub(r" at 0x[0-9a-f]+", "", r).replace("glasstorch", "torch")


def same_text(fn):
    assert outcome(fn, glasstorch) == outcome(fn, torch)


# ---- sparse_coo_tensor's shape checks ----------------------------------------------------------------
CTOR = [
    ([0, 1], [1.0, 2.0], (3, 3)), ([0, 1], [1.0, 2.0], (3,)), ([0, 1], [1.0, 2.0], None),
    ([[[0, 1]]], [1.0, 2.0], (3, 3)), ([[0, 1]], [1.0, 2.0], (3, 2)), ([[0, 1]], [1.0, 2.0, 3.0], (3, 2)),
    ([[0, 1]], [1.0, 2.0, 3.0], (3,)), ([[0, 1]], [1.0, 2.0, 3.0], None), ([[0, 1]], [[1.0, 2.0]], (3, 2)),
    ([[0, 1]], [[1.0, 2.0], [3.0, 4.0]], (3, 3)), ([[0, 1]], [[1.0, 2.0], [3.0, 4.0]], (3,)),
    ([[0, 1]], [[[1.0, 2.0]], [[3.0, 4.0]]], (3, 2, 1)), ([[0, 1]], 5.0, (3,)), ([[0]], 1.0, (3,)),
    ([[0]], 1.0, ()), ([[0]], 1.0, None), ([[0], [1]], 1.0, (2, 3)), ([[0, 1]], [1.0, 2.0], (-3,)),
    ([[0, 1], [0, 0]], [1.0, 2.0], (3, -2)), ([[0, 1]], [[1.0, 2.0], [3.0, 4.0]], (3, -2)),
    ([[0, 1]], [1.0, 2.0], (3, -1)), (0, [1.0], (3,)), (0, [1.0], None),
]


@pytest.mark.parametrize("idx,vals,size", CTOR)
def test_sparse_coo_tensor_shape_checks(idx, vals, size):
    def fn(m):
        args = (m.tensor(idx), m.tensor(vals)) + (() if size is None else (size,))
        return m.sparse_coo_tensor(*args).to_dense()
    same_outcome(fn)


@settings(max_examples=60, deadline=None)
@given(sd=st.integers(0, 3), nnz=st.integers(0, 3), nnz_v=st.integers(0, 3),
       dense=st.lists(st.integers(1, 3), max_size=2), size_len=st.integers(0, 4), neg=st.booleans())
def test_sparse_coo_tensor_shape_checks_random(sd, nnz, nnz_v, dense, size_len, neg):
    idx = np.zeros((sd, nnz), np.int64)
    vals = np.ones([nnz_v] + dense)
    size = [4] * size_len
    if neg and size:
        size[-1] = -2

    def fn(m):
        return m.sparse_coo_tensor(m.from_numpy(idx), m.from_numpy(vals), tuple(size)).to_dense()
    same_outcome(fn)


# ---- strides and storage of sparse tensors -------------------------------------------------------
def _coo(m):
    return m.sparse_coo_tensor(m.tensor([[0, 1]]), m.tensor([[1.0, 2.0], [3.0, 4.0]]), (3, 2))


SPARSE_META = {
    "stride": lambda m: _coo(m).stride(),
    "stride0": lambda m: _coo(m).stride(0),
    "stride_neg": lambda m: _coo(m).stride(-1),
    "stride_out": lambda m: _coo(m).stride(5),
    "stride_kw": lambda m: m.tensor([[0.0, 1.0], [2.0, 0.0]]).to_sparse().stride(dim=0),
    "stride_empty": lambda m: m.sparse_coo_tensor((3, 3)).stride(),
    "stride_unsqueezed": lambda m: m.tensor([[0.0, 1.0], [2.0, 0.0]]).to_sparse().unsqueeze(0).stride(),
    "is_contiguous": lambda m: _coo(m).is_contiguous(),
    "is_contiguous_cl": lambda m: m.ones(1, 1, 2, 2).to_sparse().is_contiguous(memory_format=m.channels_last),
    "storage_offset": lambda m: _coo(m).storage_offset(),
    "data_ptr": lambda m: _coo(m).data_ptr(),
    "untyped_storage": lambda m: _coo(m).untyped_storage(),
    "storage": lambda m: _coo(m).storage(),
    "contiguous": lambda m: _coo(m).contiguous(),
    "contiguous_preserve": lambda m: _coo(m).contiguous(memory_format=m.preserve_format),
    "contiguous_cl": lambda m: m.ones(1, 1, 2, 2).to_sparse().contiguous(memory_format=m.channels_last),
    "values_stride": lambda m: _coo(m).coalesce().values().stride(),
    "csr_stride": lambda m: m.eye(2).to_sparse_csr().stride(),
    "csr_stride0": lambda m: m.eye(2).to_sparse_csr().stride(0),
    "csr_is_contiguous": lambda m: m.eye(2).to_sparse_csr().is_contiguous(),
    "csr_contiguous": lambda m: m.eye(2).to_sparse_csr().contiguous(),
    "csr_data_ptr": lambda m: m.eye(2).to_sparse_csr().data_ptr(),
    "csr_storage": lambda m: m.eye(2).to_sparse_csr().untyped_storage(),
    "csr_offset": lambda m: m.eye(2).to_sparse_csr().storage_offset(),
    "csr_flag": lambda m: m.eye(2).to_sparse_csr().is_sparse_csr,
    "dense_stride_still": lambda m: m.ones(2, 3).t().stride(),
}


@pytest.mark.parametrize("name", sorted(SPARSE_META))
def test_sparse_strides_and_storage(name):
    same_text(SPARSE_META[name])


FLAGS = ["is_sparse_csr", "is_mkldnn", "is_nested", "is_xla", "is_xpu", "is_ipu", "is_maia", "is_mtia",
         "is_vulkan", "is_sparse", "is_quantized", "is_meta"]


@pytest.mark.parametrize("flag", FLAGS)
def test_dense_tensor_flags(flag):
    same_text(lambda m: getattr(m.zeros(2, dtype=m.float64), flag))
    same_text(lambda m: getattr(m.tensor([[0.0, 1.0]]).to_sparse(), flag))


def test_is_distributed_is_a_method():
    same_text(lambda m: m.zeros(2).is_distributed())


# ---- cross -----------------------------------------------------------------------------------------
CROSS = {
    "float_long": lambda m: m.linalg.cross(m.tensor([1.0, 0, 0]), m.tensor([0, 1, 0])),
    "long_float": lambda m: m.linalg.cross(m.tensor([1, 0, 0]), m.tensor([0.0, 1, 0])),
    "float_double": lambda m: m.linalg.cross(m.tensor([1.0, 0, 0]), m.tensor([0.0, 1, 0], dtype=m.float64)),
    "half_float": lambda m: m.linalg.cross(m.tensor([1.0, 0, 0]).half(), m.tensor([0.0, 1, 0])),
    "long_int": lambda m: m.linalg.cross(m.tensor([1, 0, 0]), m.tensor([0, 1, 0], dtype=m.int32)),
    "torch_cross": lambda m: m.cross(m.tensor([1, 0, 0]), m.tensor([0.0, 1, 0]), dim=0),
    "method": lambda m: m.tensor([[1, 0, 0]]).cross(m.tensor([[0.0, 1, 0]]), dim=1),
    "bcast_before_dtype": lambda m: m.linalg.cross(m.ones(2, 3), m.ones(3, 3, dtype=m.float64)),
    "bcast_ok_dtype": lambda m: m.linalg.cross(m.ones(1, 3), m.ones(3, 3, dtype=m.float64)),
    "length_before_dtype": lambda m: m.linalg.cross(m.tensor([1, 0, 0]), m.tensor([0.0, 1, 0, 0])),
    "bool": lambda m: m.linalg.cross(m.tensor([True, False, True]), m.tensor([True, False, True])),
    "bool_float": lambda m: m.linalg.cross(m.tensor([True, False, True]), m.tensor([1.0, 0, 1])),
    "float_bool": lambda m: m.linalg.cross(m.tensor([1.0, 0, 1]), m.tensor([True, False, True])),
    "dim_out_of_range": lambda m: m.linalg.cross(m.ones(3, 4), m.ones(3, 4), dim=2),
    "dim_out_of_range_neg": lambda m: m.linalg.cross(m.ones(3, 4), m.ones(3, 4), dim=-3),
    "torch_cross_dim_out": lambda m: m.cross(m.ones(3, 4), m.ones(3, 4), dim=2),
    "dim0": lambda m: m.linalg.cross(m.ones(3, 4), m.arange(12.0).view(3, 4), dim=0),
    "out_dtype_first": lambda m: m.linalg.cross(m.tensor([1, 0, 0]), m.tensor([0.0, 1, 0]), out=m.empty(3)),
    "out_dtype_bool": lambda m: m.linalg.cross(m.tensor([True, False, True]), m.tensor([True, False, True]),
                                               out=m.empty(3)),
    "out_dtype_same_inputs": lambda m: m.linalg.cross(m.ones(3), m.ones(3), out=m.empty(3, dtype=m.float64)),
    "out_written": lambda m: m.linalg.cross(m.tensor([1.0, 2, 3]), m.tensor([3.0, 1, 2]), out=m.empty(3)),
    "out_resized": lambda m: m.linalg.cross(m.tensor([1.0, 2, 3]), m.tensor([3.0, 1, 2]), out=m.empty(0)),
    "out_tuple": lambda m: m.linalg.cross(m.tensor([1.0, 2, 3]), m.tensor([3.0, 1, 2]), out=(m.empty(3),)),
    "torch_cross_out_tuple": lambda m: m.cross(m.tensor([1.0, 2, 3]), m.tensor([3.0, 1, 2]), dim=0,
                                               out=(m.empty(3),)),
    "out_requires_grad": lambda m: m.linalg.cross(m.tensor([1.0, 2, 3]), m.tensor([3.0, 1, 2]),
                                                  out=m.empty(3, requires_grad=True)),
    "input_requires_grad_out": lambda m: m.cross(m.tensor([1.0, 2, 3], requires_grad=True), m.tensor([3.0, 1, 2]),
                                                 dim=0, out=m.empty(3)),
    "torch_cross_out": lambda m: m.cross(m.tensor([1, 0, 0]), m.tensor([0.0, 1, 0]), dim=0, out=m.empty(3)),
    "torch_cross_out_ok": lambda m: m.cross(m.tensor([1, 2, 3]), m.tensor([3, 1, 2]), dim=0,
                                            out=m.empty(3, dtype=m.long)),
}


@pytest.mark.parametrize("name", sorted(CROSS))
def test_cross_checks(name):
    same_text(CROSS[name])


DTYPES = ["float32", "float64", "int64", "int32", "int16", "uint8", "bool", "float16", "complex64"]


@settings(max_examples=40, deadline=None)
@given(a=st.sampled_from(DTYPES), b=st.sampled_from(DTYPES), o=st.sampled_from(DTYPES + [None]),
       rows=st.sampled_from([(1, 2), (2, 2), (2, 3)]))
def test_cross_dtype_order_random(a, b, o, rows):
    def fn(m):
        x = m.tensor([[1, 0, 1]] * rows[0]).to(getattr(m, a))
        y = m.tensor([[0, 1, 1]] * rows[1]).to(getattr(m, b))
        kw = {} if o is None else {"out": m.empty(0, dtype=getattr(m, o))}
        return m.linalg.cross(x, y, **kw)
    same_text(fn)


def test_cross_gradient_unchanged():
    x, y = np.random.default_rng(1).standard_normal((2, 4, 3))
    same_on_both(lambda m, a, b: m.linalg.cross(a, b), [x, y])
    same_on_both(lambda m, a, b: m.cross(a[:1], b, dim=1), [x, y])


# ---- cdist -------------------------------------------------------------------------------------------
CDIST = {
    "batch_mismatch": lambda m: m.cdist(m.ones(2, 2, 3), m.ones(5, 4, 3)),
    "batch_mismatch_mm": lambda m: m.cdist(m.ones(2, 2, 3), m.ones(5, 40, 3)),
    "batch_mismatch_p1": lambda m: m.cdist(m.ones(2, 2, 3), m.ones(3, 4, 3), p=1),
    "batch_before_dtype": lambda m: m.cdist(m.ones(2, 2, 3), m.ones(5, 4, 3, dtype=m.float64)),
    "batch_before_half": lambda m: m.cdist(m.ones(2, 2, 3).half(), m.ones(5, 4, 3).half()),
    "batch_mismatch_4d": lambda m: m.cdist(m.ones(3, 2, 2, 3), m.ones(5, 4, 3)),
    "batch_mismatch_4d_both": lambda m: m.cdist(m.ones(3, 2, 2, 3), m.ones(2, 5, 4, 3)),
    "batch_empty_rows": lambda m: m.cdist(m.ones(2, 0, 3), m.ones(5, 4, 3)),
    "p_before_batch": lambda m: m.cdist(m.ones(2, 2, 3), m.ones(5, 4, 3), p=-1),
    "columns_first": lambda m: m.cdist(m.ones(2, 2, 3), m.ones(5, 4, 2)),
    "mode_first": lambda m: m.cdist(m.ones(3), m.ones(5, 4, 3), compute_mode="bad"),
    "mode_none": lambda m: m.cdist(m.ones(2, 3), m.ones(4, 3), compute_mode=None),
    "mode_bad_ints": lambda m: m.cdist(m.ones(2, 3, dtype=m.long), m.ones(4, 3, dtype=m.long), compute_mode="x"),
    "batch_broadcasts": lambda m: m.cdist(m.arange(12.0).view(2, 1, 2, 3), m.arange(36.0).view(3, 4, 3)),
}


@pytest.mark.parametrize("name", sorted(CDIST))
def test_cdist_checks(name):
    same_text(CDIST[name])


@settings(max_examples=30, deadline=None)
@given(b1=st.lists(st.integers(1, 3), max_size=2), b2=st.lists(st.integers(1, 3), max_size=2),
       p=st.sampled_from([0.0, 1.0, 2.0, float("inf")]))
def test_cdist_batch_broadcast_random(b1, b2, p):
    rng = np.random.default_rng(len(b1) * 7 + len(b2))
    x = rng.standard_normal(tuple(b1) + (2, 3))
    y = rng.standard_normal(tuple(b2) + (4, 3))

    def fn(m):
        return m.cdist(m.from_numpy(x), m.from_numpy(y), p=p)
    same_outcome(fn, rtol=1e-12, atol=1e-12)


# ---- autograd of sparse values / to_sparse / sparse.sum / to(dtype) ---------------------------------
IDX = np.array([[0, 1, 1, 2], [1, 2, 2, 0]])
V = np.array([1.0, -2.0, 3.0, 0.5])
X = np.array([[0.0, 1.5], [-2.0, 0.0], [0.25, 3.0]])

SPARSE_GRAD = {
    "values": (lambda m, v: m.sparse_coo_tensor(m.tensor(IDX), v, (3, 3)).coalesce().values() * 2, [V]),
    "values_sq": (lambda m, v: m.sparse_coo_tensor(m.tensor(IDX), v, (3, 3)).coalesce().values() ** 2, [V]),
    "to_sparse_values": (lambda m, x: x.to_sparse().values(), [X]),
    "to_sparse1_values": (lambda m, x: x.to_sparse(1).values(), [X]),
    "to_sparse_dense": (lambda m, x: x.to_sparse().to_dense() * 3, [X]),
    "to_sparse_coo": (lambda m, x: x.to_sparse_coo().to_dense(), [X]),
    "to_sparse_layout": (lambda m, x: x.to_sparse(layout=m.sparse_coo).to_dense(), [X]),
    "sparse_sum_all": (lambda m, x: m.sparse.sum(x.to_sparse()), [X]),
    "sparse_sum_all_dtype": (lambda m, x: m.sparse.sum(x.to_sparse(), dtype=m.float32), [X]),
    "sparse_sum_values": (lambda m, v: m.sparse.sum(m.sparse_coo_tensor(m.tensor(IDX), v, (3, 3))), [V]),
    "sparse_sum_dim": (lambda m, x: m.sparse.sum(x.to_sparse(), dim=1).to_dense(), [X]),
    "sparse_mm": (lambda m, x: m.sparse.mm(x.to_sparse(), m.ones(2, 2, dtype=m.float64)), [X]),
    "method_sum": (lambda m, x: x.to_sparse().sum() * 2, [X]),
    "to_float": (lambda m, x: x.to_sparse().float().to_dense(), [X]),
    "to_float_sum": (lambda m, x: m.sparse.sum(x.to_sparse().to(m.float32)), [X]),
    "double_copy": (lambda m, x: x.to_sparse().to(m.float64, copy=True).values(), [X]),
    "to_int": (lambda m, x: x.to_sparse().int().to_dense(), [X]),
}


@pytest.mark.parametrize("name", sorted(SPARSE_GRAD))
def test_sparse_autograd(name):
    fn, arrays = SPARSE_GRAD[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        same_on_both(fn, arrays, rtol=1e-6, atol=1e-7)


def _leaf_grad(m):
    p = m.sparse_coo_tensor(m.tensor([[0, 2]]), m.tensor([1.0, 2.0]), (3,)).coalesce().requires_grad_()
    (p.values() * m.tensor([5.0, 7.0])).sum().backward()
    return p.grad


def _graph(m):
    x = m.tensor([[0.0, 1.0], [2.0, 0.0]], requires_grad=True)
    y = m.sparse.sum(x.to_sparse().double())
    names, fn = [], y.grad_fn
    while fn is not None:
        names.append(type(fn).__name__)
        fn = fn.next_functions[0][0] if fn.next_functions else None
    return names


@pytest.mark.parametrize("fn", [_leaf_grad, _graph,
                                lambda m: m.tensor([[0.0, 1.0]], requires_grad=True).to_sparse(),
                                lambda m: m.tensor([[0.0, 1.0]], requires_grad=True).to_sparse(2),
                                lambda m: m.tensor([[0.0, 1.0]], requires_grad=True).to_sparse().double(),
                                lambda m: m.tensor([[0.0, 1.0]], requires_grad=True).to_sparse().long(),
                                lambda m: m.tensor([[0.0, 1.0]], requires_grad=True).to_sparse().values(),
                                lambda m: m.tensor([[0.0, 1.0]], requires_grad=True).to_sparse()._values(),
                                lambda m: m.tensor([[0.0, 1.0]], requires_grad=True).to_sparse().indices(),
                                lambda m: m.sparse.sum(m.ones(2, 2)),
                                lambda m: m.sparse.sum(m.tensor([[0, 1], [2, 0]]).to_sparse(), dtype=m.int32),
                                lambda m: m.sparse.sum(m.tensor([[0, 1], [2, 0]]).to_sparse())])
def test_sparse_autograd_reprs(fn):
    same_text(fn)


def test_gradcheck_sparse_paths():
    g = glasstorch
    rng = np.random.default_rng(3)
    x = g.from_numpy(rng.standard_normal((3, 4)) + 5.0).requires_grad_(True)      # no zeros: every entry stored
    v = g.from_numpy(rng.standard_normal(4)).requires_grad_(True)
    idx = g.tensor(IDX)
    assert gradcheck(lambda t: t.to_sparse().values() * t.to_sparse(1).values().sum(), (x,))
    assert gradcheck(lambda t: g.sparse.sum(t.to_sparse().to(g.float64, copy=True)) * t, (x,))
    assert gradcheck(lambda t: g.sparse_coo_tensor(idx, t, (3, 3)).coalesce().values() ** 2, (v,))
    assert gradcheck(lambda t: g.sparse.mm(g.sparse_coo_tensor(idx, t, (3, 3)).double(), x[:, :3].T), (v,))


# ---- sparse transposes keep the graph; SparseAdam refuses sparse parameters --------------------------
X3 = np.arange(12.0).reshape(2, 3, 2) - 4.0

SPARSE_T = {
    "t": (lambda m, x: x.to_sparse().t().to_dense(), [X]),
    "t_mm": (lambda m, x: m.sparse.mm(x.to_sparse().t(), m.ones(3, 2, dtype=m.float64)), [X]),
    "transpose": (lambda m, x: x.to_sparse().transpose(0, 1).to_dense(), [X]),
    "transpose_same": (lambda m, x: x.to_sparse().transpose(1, 1).to_dense(), [X]),
    "swapaxes": (lambda m, x: x.to_sparse().swapaxes(1, 0).to_dense(), [X]),
    "permute": (lambda m, x: x.to_sparse().permute(1, 0).to_dense(), [X]),
    "T": (lambda m, x: x.to_sparse().T.to_dense(), [X]),
    "mT": (lambda m, x: x.to_sparse().mT.to_dense(), [X]),
    "permute3": (lambda m, x: x.to_sparse(2).permute(1, 0, 2).to_dense(), [X3]),
    "permute3_all_sparse": (lambda m, x: x.to_sparse().permute(2, 0, 1).to_dense(), [X3]),
    "transpose_values": (lambda m, x: x.to_sparse(2).transpose(0, 1).coalesce().values(), [X3]),
    "values_t": (lambda m, v: m.sparse_coo_tensor(m.tensor(IDX), v, (3, 3)).t().coalesce().values(), [V]),
}


@pytest.mark.parametrize("name", sorted(SPARSE_T))
def test_sparse_transposes_differentiable(name):
    fn, arrays = SPARSE_T[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        same_on_both(fn, arrays)


@pytest.mark.parametrize("fn", [
    lambda m: m.tensor([[0.0, 1.0]], requires_grad=True).to_sparse().t(),
    lambda m: m.tensor([[0.0, 1.0]], requires_grad=True).to_sparse().T,
    lambda m: m.tensor([[0.0, 1.0]], requires_grad=True).to_sparse().mT,
    lambda m: m.tensor([[0.0, 1.0]], requires_grad=True).to_sparse().permute(1, 0),
    lambda m: m.tensor([[0.0, 1.0]]).to_sparse().t().requires_grad,
    lambda m: m.tensor([[0.0, 1.0]]).to_sparse().requires_grad_().t().is_leaf,
    lambda m: m.optim.SparseAdam([m.zeros(2, requires_grad=True), m.eye(2).to_sparse().requires_grad_()]),
    lambda m: m.optim.SparseAdam([{"params": [m.zeros(2, requires_grad=True)]},
                                  {"params": [m.eye(2).to_sparse().requires_grad_()]}]),
    lambda m: m.optim.SparseAdam([m.eye(2).to_sparse().requires_grad_(),
                                  m.zeros(2, dtype=m.complex64, requires_grad=True)]),
])
def test_sparse_transpose_reprs_and_sparse_adam(fn):
    same_text(fn)


def test_gradcheck_sparse_transposes():
    g = glasstorch
    x = g.from_numpy(np.random.default_rng(4).standard_normal((2, 3, 2)) + 5.0).requires_grad_(True)
    assert gradcheck(lambda t: t.to_sparse(2).permute(1, 0, 2).to_dense() * 2, (x,))
    assert gradcheck(lambda t: g.sparse.mm(t[0].to_sparse().t(), t[1]), (x,))
