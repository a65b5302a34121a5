"""Parity pins for sweep26g, continued (test_sweep26g.py lists the fixes): ``to_sparse``'s sparse_dim
checks and ``index_reduce``'s argument checks."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from tests.parity._helpers import same_outcome
from tests.parity.test_sweep26g import same_text

# ---- to_sparse's sparse_dim checks -------------------------------------------------------------------
TO_SPARSE = {
    "zero_dim_arg": lambda m: m.ones(2, 3).to_sparse(0),
    "too_many": lambda m: m.ones(2, 3).to_sparse(3),
    "negative": lambda m: m.ones(2, 3).to_sparse(-1),
    "scalar": lambda m: m.tensor(2.0).to_sparse(),
    "scalar_0": lambda m: m.tensor(2.0).to_sparse(0),
    "scalar_zero": lambda m: m.tensor(0.0).to_sparse(),
    "scalar_1": lambda m: m.tensor(2.0).to_sparse(1),
    "scalar_dense": lambda m: m.tensor(2.0).to_sparse().to_dense(),
    "scalar_grad": lambda m: m.tensor(2.0, requires_grad=True).to_sparse(),
    "sparse_same_dim": lambda m: m.ones(2).to_sparse().to_sparse(1),
    "sparse_layout": lambda m: m.ones(2).to_sparse().to_sparse(layout=m.sparse_coo),
    "sparse_other_dim": lambda m: m.ones(2).to_sparse().to_sparse(2),
    "sparse_to_strided": lambda m: m.ones(2, 2).to_sparse().to_sparse(layout=m.strided),
    "partial": lambda m: m.tensor([[0.0, 0.0, 0.0], [1.0, 0.0, 2.0]]).to_sparse(1),
    "no_sparse_dim_dense": lambda m: m.sparse_coo_tensor(m.zeros(0, 2, dtype=m.long), m.tensor([[1.0, 2.0], [3.0, 4.0]]),
                                                         (2,)).to_dense(),
}


@pytest.mark.parametrize("name", sorted(TO_SPARSE))
def test_to_sparse_checks(name):
    same_text(TO_SPARSE[name])


@settings(max_examples=40, deadline=None)
@given(shape=st.lists(st.integers(1, 3), max_size=3), sd=st.one_of(st.none(), st.integers(-1, 4)),
       seed=st.integers(0, 5))
def test_to_sparse_random(shape, sd, seed):
    x = np.random.default_rng(seed).integers(-1, 2, shape).astype(np.float64)

    def fn(m):
        s = m.from_numpy(x).to_sparse() if sd is None else m.from_numpy(x).to_sparse(sd)
        return s.indices(), s.values(), s.to_dense()
    same_outcome(fn)


# ---- index_reduce's argument checks (torch's index_func_meta_impl, then its kernel's) -----------------
INDEX_REDUCE = {
    "dtype_mismatch": lambda m: m.zeros(3).index_reduce_(0, m.tensor([0]), m.ones(1, dtype=m.float64), "amax"),
    "dtype_mismatch_out_of_place": lambda m: m.zeros(3).index_reduce(0, m.tensor([0]), m.ones(1, dtype=m.float64),
                                                                     "amax"),
    "index_2d": lambda m: m.zeros(3).index_reduce_(0, m.tensor([[0]]), m.ones(1), "amax"),
    "index_float": lambda m: m.zeros(3).index_reduce_(0, m.tensor([0.0]), m.ones(1), "amax"),
    "index_int32": lambda m: m.zeros(3).index_reduce_(0, m.tensor([0], dtype=m.int32), m.ones(1), "amax"),
    "index_int16": lambda m: m.zeros(3).index_reduce_(0, m.tensor([0], dtype=m.int16), m.ones(1), "amax"),
    "dim_past_source": lambda m: m.zeros(3, 3).index_reduce_(1, m.tensor([0]), m.ones(1), "amax"),
    "shape": lambda m: m.zeros(3, 3).index_reduce_(0, m.tensor([0]), m.ones(1, 2), "amax"),
    "count": lambda m: m.zeros(3, 3).index_reduce_(0, m.tensor([0, 1]), m.ones(1, 3), "amax"),
    "bounds_2d": lambda m: m.zeros(3, 3).index_reduce_(0, m.tensor([0, 5]), m.ones(2, 3), "amax"),
    "bounds": lambda m: m.zeros(3).index_reduce_(0, m.tensor([0, 5]), m.ones(2), "prod"),
    "negative": lambda m: m.zeros(3).index_reduce_(0, m.tensor([0, -1]), m.ones(2), "prod"),
    "scalar_source": lambda m: m.zeros(3).index_reduce_(0, m.tensor([0]), m.tensor(1.0), "prod"),
    "scalar_source_two": lambda m: m.zeros(3).index_reduce_(0, m.tensor([0, 1]), m.tensor(1.0), "prod"),
    "reduce_first": lambda m: m.zeros(3).index_reduce_(0, m.tensor([[0]]), m.ones(1, dtype=m.float64), "bad"),
    "bool": lambda m: m.zeros(3, dtype=m.bool).index_reduce_(0, m.tensor([0, 0]), m.tensor([True, False]), "amax"),
    "bool_bounds": lambda m: m.zeros(3, dtype=m.bool).index_reduce_(0, m.tensor([0, 7]), m.tensor([True, False]),
                                                                    "amax"),
    "complex": lambda m: m.zeros(3, dtype=m.complex64).index_reduce_(0, m.tensor([0]), m.ones(1, dtype=m.complex64),
                                                                     "prod"),
    "scalar_self": lambda m: m.tensor(1.0).index_reduce_(0, m.tensor([0]), m.tensor(2.0), "prod"),
    "scalar_self_bounds": lambda m: m.tensor(1.0).index_reduce_(0, m.tensor([1]), m.tensor(2.0), "prod"),
    "mean_dim1": lambda m: m.zeros(2, 3).index_reduce(1, m.tensor([2, 2, 0]), m.arange(6.0).view(2, 3), "mean"),
    "amin_int32": lambda m: m.zeros(2, 3).index_reduce(-1, m.tensor([2, 2, 0], dtype=m.int32),
                                                       m.arange(6.0).view(2, 3), "amin", include_self=False),
    "long_mean": lambda m: m.zeros(2, 3, dtype=m.long).index_reduce(1, m.tensor([2, 2, 0]), m.arange(6).view(2, 3),
                                                                    "mean"),
}


@pytest.mark.parametrize("name", sorted(INDEX_REDUCE))
def test_index_reduce_checks(name):
    same_outcome(INDEX_REDUCE[name])


# ---- sparse clone keeps the graph; autograd.grad hands a sparse gradient out sparse -------------------
def _sp(m):
    return m.tensor([[0.0, 1.0], [2.0, 0.0]]).to_sparse().requires_grad_()


SPARSE_GRAD_OUT = {
    "clone": lambda m: _sp(m).clone(),
    "clone_is_leaf": lambda m: _sp(m).clone().is_leaf,
    "clone_no_grad": lambda m: m.no_grad()(lambda s: s.clone())(_sp(m)),
    "detach_clone": lambda m: _sp(m).detach().clone(),
    "clone_backward": lambda m: (lambda s: (s.clone().to_dense().sum().backward(), s.grad))(_sp(m)),
    "deepcopy_leaf": lambda m: __import__("copy").deepcopy(_sp(m)),
    "grad_to_dense": lambda m: (lambda s: m.autograd.grad(s.to_dense().sum(), s))(_sp(m)),
    "grad_clone": lambda m: (lambda s: m.autograd.grad(s.clone().to_dense().sum(), s))(_sp(m)),
    "grad_t": lambda m: (lambda s: m.autograd.grad(s.t().to_dense().sum(), s))(_sp(m)),
    "grad_permute": lambda m: (lambda s: m.autograd.grad(s.permute(1, 0).to_dense().sum(), s))(_sp(m)),
    "grad_transpose": lambda m: (lambda s: m.autograd.grad(s.transpose(0, 1).to_dense().sum(), s))(_sp(m)),
    "grad_values": lambda m: (lambda s: m.autograd.grad(s.coalesce().values().sum() * 2, s))(_sp(m)),
    "grad_sparse_sum": lambda m: (lambda s: m.autograd.grad(m.sparse.sum(s), s))(_sp(m)),
    "grad_dense_input": lambda m: (lambda x: m.autograd.grad(x.to_sparse().to_dense().sum(), x))(
        m.tensor([[0.0, 1.0], [2.0, 0.0]], requires_grad=True)),
    "grad_embedding_sparse": lambda m: (lambda e: m.autograd.grad(e(m.tensor([1, 1, 2])).sum(), e.weight))(
        (m.manual_seed(0), m.nn.Embedding(4, 2, sparse=True))[1]),
}


@pytest.mark.parametrize("name", sorted(SPARSE_GRAD_OUT))
def test_sparse_clone_and_grad_outputs(name):
    same_text(SPARSE_GRAD_OUT[name])


def test_gradcheck_sparse_clone():
    import glasstorch as g
    from glasstorch.autograd.gradcheck import gradcheck
    x = g.from_numpy(np.random.default_rng(5).standard_normal((3, 2)) + 4.0).requires_grad_(True)
    assert gradcheck(lambda t: t.to_sparse().clone().to_dense() * t, (x,))


@pytest.mark.parametrize("fn", [
    lambda m: __import__("copy").deepcopy(_sp(m) * 2),
    lambda m: (lambda s: (lambda c: (c is s, c.is_leaf, c.requires_grad))(__import__("copy").deepcopy(s)))(_sp(m)),
    lambda m: (lambda s: (lambda d: d[0] is d[1])(__import__("copy").deepcopy([s, s])))(_sp(m)),
])
def test_sparse_deepcopy(fn):
    same_text(fn)
