"""Sparse COO tensors stay sparse under ``select``, ``unsqueeze``, ``narrow_copy`` and basic indexing
(``s[i]``, ``s[:, i]``, ``s[None]``, ``s[..., i]``), with torch's entries, coalesced flags, dense results
once no sparse dimension is left, nodes whose backward fails as torch's, and torch's errors."""
import numpy as np
import pytest

from ._helpers import MODS, same_error

pytestmark = pytest.mark.filterwarnings("ignore:Sparse invariant checks")

IDX = [[0, 1, 1, 3, 1], [2, 0, 2, 1, 2]]


def _s(m, dense=(), coalesce=False, rg=False):
    v = m.arange(5.0 * int(np.prod(dense))).reshape((5,) + dense).requires_grad_(rg)
    s = m.sparse_coo_tensor(m.tensor(IDX), v, (4, 3) + dense)
    return s.coalesce() if coalesce else s


def _show(r):
    if r.is_sparse:
        return ("sparse", r._indices().tolist(), r._values().tolist(), tuple(r.shape), r.is_coalesced())
    return ("dense", r.tolist(), tuple(r.shape), str(r.dtype))


@pytest.mark.parametrize("dense", [(), (2,)])
@pytest.mark.parametrize("coalesce", [False, True])
@pytest.mark.parametrize("fn", [
    lambda m, s: s[1], lambda m, s: s[-1], lambda m, s: s[2], lambda m, s: s[:, 2], lambda m, s: s[..., 1],
    lambda m, s: s[1, 2], lambda m, s: s[None], lambda m, s: s[0, None], lambda m, s: s[:, None, 1],
    lambda m, s: s.select(1, 2), lambda m, s: m.select(s, 0, 3), lambda m, s: s.select(-1, 0),
    lambda m, s: s.unsqueeze(0), lambda m, s: s.unsqueeze(2), lambda m, s: s.unsqueeze(-1), lambda m, s: m.unsqueeze(s, 1),
    lambda m, s: s.narrow_copy(0, 1, 3), lambda m, s: s.narrow_copy(1, 0, 1), lambda m, s: m.narrow_copy(s, 1, 1, 2),
])
def test_stays_sparse(fn, dense, coalesce):
    res = [_show(fn(m, _s(m, dense, coalesce))) for m in MODS]
    assert res[0] == res[1]


def test_empty_and_nodes():
    res = []
    for m in MODS:
        z = m.sparse_coo_tensor(m.zeros(1, 0, dtype=m.int64), m.zeros(0), (3,))
        s = _s(m, rg=True)
        res.append([_show(z[1]), type(s[1].grad_fn).__name__, type(s.unsqueeze(0).grad_fn).__name__,
                    type(s.narrow_copy(0, 0, 2).grad_fn).__name__, type(s[1, 2].grad_fn).__name__])
    assert res[0] == res[1]


@pytest.mark.parametrize("fn", [
    lambda m, s: s[1].to_dense().sum().backward(),
    lambda m, s: s.unsqueeze(0).to_dense().sum().backward(),
    lambda m, s: s.narrow_copy(0, 1, 2).to_dense().sum().backward(),
])
def test_backward_fails_as_torch(fn):
    msgs = []
    for m in MODS:
        with pytest.raises(NotImplementedError) as e:
            fn(m, _s(m, rg=True))
        msgs.append(str(e.value).split(" is only available")[0])
    assert msgs[0] == msgs[1]


@pytest.mark.parametrize("fn", [
    lambda m, s: s[5], lambda m, s: s[:, -4], lambda m, s: s.select(0, -5), lambda m, s: s.select(2, 0),
    lambda m, s: s[1, 2, 3], lambda m, s: s.unsqueeze(3), lambda m, s: s.narrow_copy(0, 3, 2),
    lambda m, s: s.narrow_copy(0, -2, 1), lambda m, s: s.narrow_copy(-1, 0, 1),
])
def test_errors(fn):
    same_error(lambda m: fn(m, _s(m)))


@pytest.mark.parametrize("fn", [lambda m, s: s[0:2], lambda m, s: s[m.tensor([1, 0])], lambda m, s: s[True],
                                lambda m, s: s[[1, 0]]])
def test_unsupported_indices_fail_as_torch(fn):
    msgs = []
    for m in MODS:
        with pytest.raises(NotImplementedError) as e:
            fn(m, _s(m))
        msgs.append(str(e.value).split(" is only available")[0])
    assert msgs[0] == msgs[1]
