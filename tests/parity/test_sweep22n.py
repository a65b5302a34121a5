"""Fixes from program sweep sweep22n (recommender systems: matrix factorization, BPR, EmbeddingBag,
sparse embeddings with SparseAdam, FM / wide & deep / DLRM).

* ``torch.sparse.softmax`` / ``torch.sparse.log_softmax`` were missing (graph recommenders normalise
  a sparse user-item adjacency with them): softmax over the entries stored along ``dim`` (unstored
  entries count as -inf), the input coalesced first, the output coalesced; along a dense dim of a
  hybrid tensor, the dense softmax of the values; ``dtype=``; torch's errors for an integer input,
  a dense input and a dim out of range; gradients ``SparseSoftmaxBackward0`` /
  ``SparseLogSoftmaxBackward0`` (gradchecked in float64).
* ``torch.sparse.addmm(input, sparse, dense, beta=, alpha=)`` was missing: ``beta * input`` (broadcast)
  plus the fused axpys of ``(alpha * v) * mat2[k]``, bit-exact; ``SparseAddmmBackward0`` now takes
  alpha and beta into its gradients (``input``: beta * g, zeros for beta = 0, as torch).
* ``sparse * dense`` (a dense operand broadcastable to the sparse shape: row / column degree scaling of
  an adjacency matrix) raised NotImplementedError: each stored value times the dense element at its
  index, indices and coalesced flag kept; ``sparse / dense`` raises torch's error.  (Forward only:
  glasstorch records no autograd history for sparse arithmetic.)
* sparse @ sparse (``torch.sparse.mm``, ``torch.mm``, ``@``; the D^-1/2 A D^-1/2 normalisation of
  LightGCN-style code) raised NotImplementedError: a coalesced sparse result, each row's products
  summed in torch's kernel order (bit-exact); forward only (inputs that require grad are refused).

glasstorch follows torch's per-pool algorithm (max, exp(v - max) summed entry by entry, times the
reciprocal of the sum), but torch's float32 results could not be reproduced to the last bit (its build
rounds differently from both float32 and double arithmetic), so values and gradients are compared with
rtol 1e-6 (float32; 1e-12 for float64), everything else (indices, layout, dtype, grad_fn) exactly.
Torch's backward takes a negative ``dim`` unwrapped, so every stored entry becomes its own pool there
(the gradient is then not the true one); glasstorch reproduces that.
"""
import warnings

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import glasstorch
import torch
from glasstorch.autograd.gradcheck import gradcheck

from ._helpers import same_error

IDX = [[0, 1, 2, 0, 1, 2, 1], [1, 2, 0, 2, 2, 2, 0]]       # (1, 2) stored twice: uncoalesced
VALS = [1.0, 2.0, 3.0, -1.0, 0.5, -2.0, 4.0]


def _coo(m, idx, vals, size, rg=False, dtype=None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        v = m.tensor(vals, dtype=dtype)
        if rg:
            v.requires_grad_()
        return m.sparse_coo_tensor(m.tensor(idx), v, size), v


def _desc(r):
    return [r.grad_fn.name() if r.grad_fn is not None else None, str(r.layout), str(r.dtype), r.is_coalesced(),
            r._indices().tolist(), np.asarray(r._values().detach().numpy())]


def _same(a, b):
    """Equal descriptions; arrays to rtol 1e-6 (float32) / 1e-12 (float64), and an atol of rtol times the
    largest magnitude (a gradient that cancels keeps only the absolute error of its terms)."""
    assert len(a) == len(b)
    for x, y in zip(a, b):
        if isinstance(x, np.ndarray):
            assert x.shape == y.shape and x.dtype == y.dtype
            rtol = 1e-12 if x.dtype == np.float64 else 1e-6
            np.testing.assert_allclose(y, x, rtol=rtol, atol=rtol * float(np.abs(x).max(initial=1.0)))
        else:
            assert x == y, f"torch {x!r} vs glasstorch {y!r}"


@pytest.mark.parametrize("log", [False, True])
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_sparse_softmax_forward_and_grad(dim, log):
    def f(m):
        s, v = _coo(m, IDX, VALS, (3, 3), rg=True)
        fn = m.sparse.log_softmax if log else m.sparse.softmax
        r = fn(s, dim)
        w = m.arange(1.0, 10.0).view(3, 3)
        (r.to_dense() * w).sum().backward()
        return _desc(r) + [v.grad.numpy().copy()]
    _same(f(torch), f(glasstorch))


@pytest.mark.parametrize("log", [False, True])
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_sparse_softmax_hybrid(dim, log):
    """One sparse dim with values of shape (2,): dim 1 (or -1) is a dense dim of the values."""
    def f(m):
        s, v = _coo(m, [[0, 2, 0, 1]], [[1.0, 2.0], [3.0, -4.0], [0.5, 0.25], [5.0, 6.0]], (3, 2), rg=True)
        fn = m.sparse.log_softmax if log else m.sparse.softmax
        r = fn(s, dim)
        (r.to_dense() * m.tensor([[1.0, -2.0], [0.5, 3.0], [2.0, 1.0]])).sum().backward()
        return _desc(r) + [v.grad.numpy().copy()]
    _same(f(torch), f(glasstorch))


def test_sparse_softmax_dtype_and_errors():
    def f(m):
        s, _ = _coo(m, IDX, VALS, (3, 3))
        return _desc(m.sparse.softmax(s, 1, dtype=m.float64)) + _desc(m.sparse.log_softmax(s, 0, dtype=m.float64))
    _same(f(torch), f(glasstorch))
    same_error(lambda m: m.sparse.softmax(_coo(m, IDX, [1, 2, 3, 4, 5, 6, 7], (3, 3))[0], 1))
    same_error(lambda m: m.sparse.log_softmax(_coo(m, IDX, [1, 2, 3, 4, 5, 6, 7], (3, 3))[0], 1))
    same_error(lambda m: m.sparse.softmax(_coo(m, IDX, VALS, (3, 3))[0], 2))


def test_sparse_softmax_of_dense_input_fails_as_torch():
    def f(m):
        try:
            m.sparse.softmax(m.ones(2, 2), 1)
        except NotImplementedError as e:
            return str(e)[:120]
    _same(f(torch), f(glasstorch))


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 12), st.integers(0, 2**31 - 1), st.booleans(), st.sampled_from([0, 1, 2]))
def test_sparse_softmax_random(nnz, seed, log, dim):
    rng = np.random.default_rng(seed)
    idx = np.stack([rng.integers(0, 3, nnz), rng.integers(0, 4, nnz), rng.integers(0, 2, nnz)]).tolist()
    vals = (rng.standard_normal(nnz) * 3).astype(np.float32).tolist()

    def f(m):
        s, v = _coo(m, idx, vals, (3, 4, 2), rg=True)
        r = (m.sparse.log_softmax if log else m.sparse.softmax)(s, dim)
        r.to_dense().mul(m.arange(24.0).view(3, 4, 2).sin()).sum().backward()
        return _desc(r) + [v.grad.numpy().copy()]
    _same(f(torch), f(glasstorch))


@pytest.mark.parametrize("log", [False, True])
@pytest.mark.parametrize("dim,hybrid", [(0, False), (1, False), (1, True), (0, True)])
def test_sparse_softmax_gradcheck(dim, hybrid, log):
    if hybrid:
        idx = glasstorch.tensor([[0, 2, 0, 1]])
        vals = glasstorch.tensor(np.array([[1.0, 2.0], [3.0, -4.0], [0.5, 0.25], [5.0, 6.0]]), requires_grad=True)
        size = (3, 2)
    else:
        idx = glasstorch.tensor(IDX)
        vals = glasstorch.tensor(np.array(VALS), requires_grad=True)
        size = (3, 3)
    fn = glasstorch.sparse.log_softmax if log else glasstorch.sparse.softmax

    def g(v):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(glasstorch.sparse_coo_tensor(idx, v, size), dim).to_dense()
    assert gradcheck(g, (vals,))


ADD_IDX = [[0, 1, 2, 0, 1], [1, 2, 0, 2, 2]]


@pytest.mark.parametrize("coal", [False, True])
@pytest.mark.parametrize("beta,alpha", [(1, 1), (0.5, 2), (0, 1), (1, -0.3)])
def test_sparse_addmm(beta, alpha, coal):
    rng = np.random.default_rng(3)
    v0, x0, i0 = rng.standard_normal(5), rng.standard_normal((3, 4)), rng.standard_normal((1, 4))

    def f(m):
        v = m.tensor(v0, dtype=m.float32, requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            a = m.sparse_coo_tensor(m.tensor(ADD_IDX), v, (3, 3))
        a = a.coalesce() if coal else a
        x = m.tensor(x0, dtype=m.float32, requires_grad=True)
        inp = m.tensor(i0, dtype=m.float32, requires_grad=True)
        y = m.sparse.addmm(inp, a, x, beta=beta, alpha=alpha)
        (y * m.arange(12.0).view(3, 4)).sum().backward()
        return [y.grad_fn.name(), y.detach().numpy().tolist(), v.grad.tolist(), x.grad.tolist(), inp.grad.tolist()]
    assert f(torch) == f(glasstorch)


@pytest.mark.parametrize("beta,alpha", [(1, 1), (0.5, 2)])
def test_sparse_addmm_gradcheck(beta, alpha):
    rng = np.random.default_rng(4)
    v = glasstorch.tensor(rng.standard_normal(5), requires_grad=True)
    x = glasstorch.tensor(rng.standard_normal((3, 2)), requires_grad=True)
    inp = glasstorch.tensor(rng.standard_normal((3, 2)), requires_grad=True)

    def g(v, x, inp):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            a = glasstorch.sparse_coo_tensor(glasstorch.tensor(ADD_IDX), v, (3, 3))
        return glasstorch.sparse.addmm(inp, a, x, beta=beta, alpha=alpha)
    assert gradcheck(g, (v, x, inp))


DENSES = [np.arange(9.0).reshape(3, 3), np.array([[1.0], [2.0], [3.0]]), np.array([1.0, 10.0, 100.0]),
          np.array(2.0), np.arange(3).reshape(3, 1)]


@pytest.mark.parametrize("coal", [False, True])
@pytest.mark.parametrize("k", range(len(DENSES)))
def test_sparse_times_dense(k, coal):
    def f(m):
        s, _ = _coo(m, ADD_IDX, [1.0, 2.0, 3.0, 4.0, 5.0], (3, 3))
        s = s.coalesce() if coal else s
        d = m.from_numpy(DENSES[k].astype(np.float32 if DENSES[k].dtype == np.float64 else np.int64))
        out = []
        for r in (s * d, s.mul(d)):
            out += [str(r.layout), str(r.dtype), r.is_coalesced(), r._indices().tolist(), r._values().tolist()]
        return out
    assert f(torch) == f(glasstorch)


@pytest.mark.parametrize("shape", [(3, 3), (3, 1), (3,)])
def test_sparse_div_by_dense_fails_as_torch(shape):
    same_error(lambda m: _coo(m, ADD_IDX, [1.0, 2.0, 3.0, 4.0, 5.0], (3, 3))[0] / m.ones(shape))


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**31 - 1), st.integers(1, 5), st.integers(1, 5), st.integers(1, 5),
       st.sampled_from(["float32", "float64"]), st.booleans())
def test_sparse_times_sparse(seed, n, k, p, dtype, uncoalesced):
    rng = np.random.default_rng(seed)
    a = (rng.standard_normal((n, k)) * (rng.random((n, k)) > 0.5)).astype(dtype)
    b = (rng.standard_normal((k, p)) * (rng.random((k, p)) > 0.4)).astype(dtype)
    extra_i = rng.integers(0, [[n], [k]], (2, 3))
    extra_v = rng.standard_normal(3).astype(dtype)

    def f(m):
        sa = m.from_numpy(a.copy()).to_sparse()
        if uncoalesced:           # duplicates of stored entries, as built from edge lists
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                sa = m.sparse_coo_tensor(m.cat([sa._indices(), m.from_numpy(extra_i)], 1),
                                         m.cat([sa._values(), m.from_numpy(extra_v)]), (n, k))
        sb = m.from_numpy(b.copy()).to_sparse()
        out = []
        for r in (m.sparse.mm(sa, sb), m.mm(sa, sb), sa @ sb):
            out += [str(r.layout), str(r.dtype), r.is_coalesced(), tuple(r.shape), r._indices().tolist(),
                    r._values().tolist()]
        return out
    assert f(torch) == f(glasstorch)


def test_sparse_sparse_shape_error():
    same_error(lambda m: m.sparse.mm(m.ones(2, 3).to_sparse(), m.ones(2, 3).to_sparse()))
