"""Gradients through ``torch.sparse.sum(s, dim)`` (SparseSumBackward0): each stored entry gets the
output gradient at its index with the reduced dims dropped, broadcast over reduced dense dims -- a
sparse gradient at the input's coalesced indices (flagged uncoalesced).  glasstorch raised NotImplementedError.
``s.sum(dim)`` records SumBackward1, whose backward fails as torch's does."""
import warnings

import numpy as np
import pytest

import glasstorch
import torch
from glasstorch.autograd.gradcheck import gradcheck

IDX = [[0, 1, 1, 2, 1], [2, 0, 2, 1, 0]]          # (1, 0) stored twice: an uncoalesced input
VALS = [[3., 1], [4., 1], [5., -2], [6., 1], [0.5, 2]]

DIMS = [1, (0, 1), 2, (1, 2), -1, (0, 1, 2), [0], (0, 2)]


def _run(m, dim, method=False):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = m.sparse_coo_tensor(m.tensor(IDX), m.tensor(VALS), (3, 3, 2)).requires_grad_()
    r = s.sum(dim=dim) if method else m.sparse.sum(s, dim=dim)
    out = [r.grad_fn.name(), str(r.layout), tuple(r.shape), (r.to_dense() if r.is_sparse else r).tolist()]
    try:
        (r.to_dense() if r.is_sparse else r).pow(2).sum().backward()
    except RuntimeError as e:
        return out + [str(e)]
    g = s.grad
    return out + [str(g.layout), g.is_coalesced(), g._indices().tolist(), g._values().tolist()]


@pytest.mark.parametrize("dim", DIMS, ids=[str(d) for d in DIMS])
def test_sparse_sum_gradient(dim):
    assert _run(torch, dim) == _run(glasstorch, dim)


def test_tensor_sum_of_sparse_records_sum_backward1():
    assert _run(torch, 1, method=True) == _run(glasstorch, 1, method=True)


def test_gcn_degree_normalisation_gradient():
    def f(m):
        idx = m.tensor([[0, 0, 1, 2, 2, 3], [1, 2, 0, 0, 3, 2]])
        w = m.tensor([1.0, 2.0, 1.0, 2.0, 0.5, 0.5], requires_grad=True)
        a = m.sparse_coo_tensor(idx, w, (4, 4))
        deg = m.sparse.sum(a, dim=1).to_dense()
        loss = (deg.pow(-0.5) * m.arange(1.0, 5.0)).sum()
        loss.backward()
        return deg.tolist(), round(loss.item(), 6), w.grad.tolist()
    assert f(torch) == f(glasstorch)


@pytest.mark.parametrize("dim", [1, (0, 1), 2, (1, 2)])
def test_sparse_sum_gradcheck(dim):
    idx = glasstorch.tensor(IDX)
    vals = glasstorch.tensor(np.array(VALS), dtype=glasstorch.float64, requires_grad=True)

    def fn(v):
        r = glasstorch.sparse.sum(glasstorch.sparse_coo_tensor(idx, v, (3, 3, 2)), dim=dim)
        return r.to_dense() if r.is_sparse else r
    assert gradcheck(fn, (vals,))
