"""``index_select`` on sparse COO tensors: the result stays sparse, its entries in torch's order in each
of torch's regimes (brute force for few pairs; sort and search when nnz <= size; count sort when
nnz > size; coalesced input along dim 0), dense dimensions, negative positions, the coalesced flag,
errors, and the recorded node whose backward fails as torch's does."""
import numpy as np
import pytest
import torch

import glasstorch

from ._helpers import MODS, same_error

pytestmark = pytest.mark.filterwarnings("ignore:Sparse invariant checks")


def _sparse(m, rng, shape, nnz, dense=(), coalesce=False):
    idx = np.stack([rng.integers(0, n, nnz) for n in shape]) if nnz else np.zeros((len(shape), 0), np.int64)
    vals = rng.standard_normal((nnz,) + dense)
    s = m.sparse_coo_tensor(m.from_numpy(idx), m.from_numpy(vals), shape + dense)
    return s.coalesce() if coalesce else s


def _compare(shape, nnz, dim, n_index, seed, dense=(), coalesce=False, negative=False):
    res = []
    for m in MODS:
        rng = np.random.default_rng(seed)
        s = _sparse(m, rng, shape, nnz, dense, coalesce)
        size = (shape + dense)[dim]
        index = rng.integers(-size if negative else 0, size, n_index)
        r = s.index_select(dim, m.from_numpy(index))
        res.append((r.layout == m.sparse_coo, tuple(r.shape), r.is_coalesced(), r._indices().numpy().tolist(),
                    r._values().numpy().tolist()))
    assert res[0] == res[1]


@pytest.mark.parametrize("seed", range(40))
def test_brute_force_regime(seed):
    rng = np.random.default_rng(1000 + seed)
    nd = int(rng.integers(1, 4))
    shape = tuple(int(n) for n in rng.integers(1, 7, nd))
    dense = (2,) if seed % 3 == 0 else ()
    _compare(shape, int(rng.integers(0, 30)), int(rng.integers(0, nd)), int(rng.integers(0, 14)), seed, dense,
             coalesce=seed % 2 == 0, negative=seed % 4 == 1)


@pytest.mark.parametrize("case", [
    ((1000, 7), 300, 0, 200), ((1000, 7), 300, 0, 400), ((7, 1000), 250, 1, 300), ((1000, 7), 500, 0, 100),
    ((40, 30), 2000, 0, 100), ((40, 30), 2000, 1, 30), ((30, 40), 3000, 1, 5000), ((50,), 4000, 0, 20),
])
@pytest.mark.parametrize("coalesce", [False, True])
def test_large_regimes(case, coalesce):
    shape, nnz, dim, n_index = case
    _compare(shape, nnz, dim, n_index, 7, coalesce=coalesce)


@pytest.mark.parametrize("dim", [2, -1])
def test_dense_dimension(dim):
    _compare((4, 3), 5, dim, 3, 3, dense=(2,))
    _compare((4, 3), 1, dim, 2, 4, dense=(2,))


@pytest.mark.parametrize("fn", [
    lambda m, s: s.index_select(0, m.tensor([4])),
    lambda m, s: s.index_select(1, m.tensor([-4])),
    lambda m, s: s.index_select(0, m.tensor([[1]])),
    lambda m, s: s.index_select(0, m.tensor([1.0])),
    lambda m, s: s.index_select(0, m.tensor([1], dtype=m.int32)),
    lambda m, s: s.index_select(0, m.tensor(1)),
    lambda m, s: s.index_select(3, m.tensor([1])),
    lambda m, s: s.index_select(2, m.tensor([2])),
    lambda m, s: s.index_select(2, m.tensor([-1])),
])
def test_errors(fn):
    def run(m):
        i = m.tensor([[0, 1, 3], [2, 0, 1]])
        fn(m, m.sparse_coo_tensor(i, m.ones(3, 2), (4, 3, 2)))
    same_error(run)


def test_function_form_and_node():
    res = []
    for m in MODS:
        v = m.tensor([3.0, 4.0, 5.0], requires_grad=True)
        s = m.sparse_coo_tensor(m.tensor([[0, 1, 1], [2, 0, 2]]), v, (2, 3))
        r = m.index_select(s, 1, m.tensor([2, 2, 0]))
        res.append((type(r.grad_fn).__name__, r.requires_grad, r._indices().tolist(), r._values().tolist()))
    assert res[0] == res[1]

    def backward(m):
        v = m.tensor([3.0, 4.0, 5.0], requires_grad=True)
        s = m.sparse_coo_tensor(m.tensor([[0, 1, 1], [2, 0, 2]]), v, (2, 3))
        s.index_select(0, m.tensor([1])).to_dense().sum().backward()
    errs = []
    for m in MODS:
        with pytest.raises(NotImplementedError) as e:
            backward(m)
        errs.append(str(e.value).split(" is only available")[0])
    assert errs[0] == errs[1]
