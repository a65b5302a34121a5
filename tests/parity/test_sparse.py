"""Sparse COO tensors, sparse embedding gradients and SparseAdam, against torch."""
import warnings

import numpy as np
import pytest
import torch

import glasstorch
from ._helpers import MODS, assert_same_array

warnings.filterwarnings("ignore", message="Sparse invariant checks")

I = np.array([[0, 1, 1], [2, 0, 2]])
V = np.array([3., 4., 5.], np.float32)


def coo(m, idx=I, vals=V, size=(2, 3)):
    return m.sparse_coo_tensor(m.from_numpy(np.array(idx)), m.from_numpy(np.array(vals)), size)


def same_sparse(a, b):
    assert repr(a) == repr(b)
    assert a.is_coalesced() == b.is_coalesced()
    assert_same_array(a._indices(), b._indices(), what="indices")
    assert_same_array(a._values(), b._values(), what="values")


def both(fn):
    return [fn(m) for m in MODS]


CASES = {
    "uncoalesced": lambda m: coo(m),
    "coalesce": lambda m: coo(m).coalesce(),
    "duplicates": lambda m: coo(m, [[1, 0, 1], [2, 2, 2]]).coalesce(),
    "requires_grad": lambda m: m.sparse_coo_tensor(m.from_numpy(I), m.from_numpy(V), (2, 3), requires_grad=True),
    "float64": lambda m: coo(m, vals=V.astype(np.float64)),
    "hybrid": lambda m: coo(m, vals=np.ones((3, 2), np.float32), size=(2, 3, 2)),
    "to_sparse": lambda m: m.from_numpy(np.eye(3, dtype=np.float32)).to_sparse(),
    "to_sparse_empty": lambda m: m.zeros(2, 3).to_sparse(),
    "inferred_size": lambda m: m.sparse_coo_tensor(m.from_numpy(I), m.from_numpy(V)),
    "merge_add": lambda m: coo(m, [[1, 0, 1], [2, 2, 0]]) + coo(m),
    "coalesced_add": lambda m: coo(m).coalesce() + coo(m).coalesce(),
    "sub": lambda m: coo(m) - coo(m),
    "mul_scalar": lambda m: coo(m) * 2,
    "rmul_scalar": lambda m: 2 * coo(m).coalesce(),
    "neg": lambda m: -coo(m),
    "clone": lambda m: coo(m).clone(),
}


@pytest.mark.parametrize("name", CASES)
def test_sparse_values_and_repr(name):
    same_sparse(*both(CASES[name]))


@pytest.mark.parametrize("expr", [
    lambda m, s: s.to_dense(),
    lambda m, s: s.coalesce().indices(),
    lambda m, s: s.coalesce().values(),
    lambda m, s: m.ones(2, 3) + s,
    lambda m, s: m.ones(2, 3).add_(s),
    lambda m, s: s.sum(),
    lambda m, s: m.sparse.mm(s, m.ones(3, 2)),
])
def test_dense_results(expr):
    a, b = both(lambda m: expr(m, coo(m)))
    assert_same_array(a, b)
    assert repr(a) == repr(b)


def test_metadata():
    a, b = both(coo)
    for f in (lambda s: s.is_sparse, lambda s: str(s.layout), lambda s: s.sparse_dim(), lambda s: s.dense_dim(),
              lambda s: s._nnz(), lambda s: tuple(s.shape), lambda s: str(s.dtype), lambda s: s.is_coalesced(),
              lambda s: s.coalesce().coalesce() is s.coalesce(), lambda s: s.to_sparse() is s, lambda s: len(s)):
        assert f(a) == f(b)
    assert str(glasstorch.sparse_coo) == str(torch.sparse_coo)


@pytest.mark.parametrize("expr", [
    lambda m, s: s.indices(),
    lambda m, s: s.values(),
    lambda m, s: s + m.ones(2, 3),
    lambda m, s: s.numpy(),
    lambda m, s: m.ones(2).coalesce(),
    lambda m, s: m.ones(2).is_coalesced(),
    lambda m, s: m.ones(2).indices(),
    lambda m, s: m.ones(2).values(),
])
def test_errors(expr):
    errs = []
    for m in MODS:
        with pytest.raises(Exception) as info:
            expr(m, coo(m))
        errs.append(info.value)
    assert type(errs[0]) is type(errs[1]) and str(errs[0]) == str(errs[1])


W = np.random.RandomState(0).randn(6, 3).astype(np.float32)


def embedding_grad(m, sparse_kind, padding_idx=None, second=None):
    """The sparse grad of an embedding after one or two backward passes (``sum`` gives an
    expanded upstream gradient, ``weighted`` a contiguous one: torch adds them differently)."""
    e = m.nn.Embedding(6, 3, sparse=True, padding_idx=padding_idx)
    e.weight.data = m.from_numpy(W.copy())
    w = m.from_numpy(np.arange(6, dtype=np.float32).reshape(2, 3) / 7)
    for kind, ids in ((sparse_kind, [[3, 0], [1, 3]]), (second, [[5, 2], [0, 0]])):
        if kind is None:
            continue
        out = e(m.tensor(ids))
        (out.sum() if kind == "sum" else (out * w).sum()).backward()
    return e.weight.grad


@pytest.mark.parametrize("first", ["sum", "weighted"])
@pytest.mark.parametrize("second", [None, "sum", "weighted"])
@pytest.mark.parametrize("padding_idx", [None, 3])
def test_embedding_sparse_grad(first, second, padding_idx):
    a, b = both(lambda m: embedding_grad(m, first, padding_idx, second))
    same_sparse(a, b)
    assert_same_array(a.to_dense(), b.to_dense())


def test_embedding_grad_fn_and_zero_grad():
    def run(m):
        e = m.nn.Embedding(5, 3, sparse=True)
        out = e(m.tensor([1, 2]))
        name = type(out.grad_fn).__name__
        out.sum().backward()
        e.zero_grad(set_to_none=False)
        return name, repr(e.weight.grad)
    assert run(torch) == run(glasstorch)


def train(m, opt_name, steps=5, maximize=False, padding_idx=1):
    rs = np.random.RandomState(3)
    e = m.nn.Embedding(8, 4, sparse=True, padding_idx=padding_idx)
    e.weight.data = m.from_numpy(rs.randn(8, 4).astype(np.float32))
    if opt_name == "SparseAdam":
        opt = m.optim.SparseAdam(e.parameters(), lr=0.05, maximize=maximize)
    w = m.from_numpy(rs.randn(6, 4).astype(np.float32))
    for _ in range(steps):
        ids = m.from_numpy(rs.randint(0, 8, 6))
        opt.zero_grad()
        (e(ids) * w).sum().backward()
        opt.step()
    return e.weight.detach(), opt.state[e.weight]["exp_avg"], opt.state[e.weight]["exp_avg_sq"]


@pytest.mark.parametrize("maximize", [False, True])
def test_sparse_adam_trajectory(maximize):
    for a, b in zip(*both(lambda m: train(m, "SparseAdam", maximize=maximize))):
        assert_same_array(a, b)


def test_sparse_adam_refuses_dense_grad():
    errs = []
    for m in MODS:
        p = m.ones(3, requires_grad=True)
        p.sum().backward()
        with pytest.raises(RuntimeError) as info:
            m.optim.SparseAdam([p]).step()
        errs.append(str(info.value))
    assert errs[0] == errs[1]
