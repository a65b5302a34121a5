"""Float64 central-difference checks of the leftovers' gradients (LU family, solve_ex / inv_ex,
tensorinv / tensorsolve, the *_scatter ops, unsafe_split, mvlgamma, 3-d adaptive max pool and unpool),
without torch.  scripts/coverage.py reads the names."""
import numpy as np
import pytest

import glasstorch as gt
from glasstorch.autograd.gradcheck import gradcheck


def r(*shape, seed=0, lo=-1.0, hi=1.0):
    return np.random.default_rng(seed).uniform(lo, hi, shape)


def well(n, seed=0, batch=()):
    """Matrices far from singular, with distinct pivots (LU's pivots stay put under the small steps)."""
    return r(*batch, n, n, seed=seed) + 3 * np.eye(n)


def _lu_solve(A, B, **kw):
    LU, piv = gt.linalg.lu_factor(A)
    return gt.linalg.lu_solve(LU, piv, B, **kw)


def _unpool3d(x):
    v, i = gt.nn.functional.max_pool3d(x, 2, return_indices=True)
    return gt.nn.functional.max_unpool3d(v, i, 2, output_size=(4, 4, 2))


CASES = [
    ("linalg.lu_factor", lambda a: gt.linalg.lu_factor(a).LU, [well(3)]),
    ("linalg.lu_factor_ex", lambda a: gt.linalg.lu_factor_ex(a).LU, [well(3, 1, (2,))]),
    ("linalg.lu", lambda a: gt.linalg.lu(a)[1:], [well(3, 2)]),
    ("linalg.lu_wide", lambda a: gt.linalg.lu(a)[1:], [np.hstack([well(3, 3), r(3, 2, seed=4)])]),
    ("linalg.lu_tall", lambda a: gt.linalg.lu(a)[1:], [np.vstack([well(3, 5), r(2, 3, seed=6)])]),
    ("lu_unpack", lambda a: gt.lu_unpack(a, gt.tensor([1, 2, 3], dtype=gt.int32))[1:], [r(3, 3, seed=7)]),
    ("linalg.lu_solve", lambda a, b: _lu_solve(a, b), [well(3, 8), r(3, 2, seed=9)]),
    ("linalg.lu_solve_adjoint", lambda a, b: _lu_solve(a, b, adjoint=True), [well(3, 10), r(3, 2, seed=11)]),
    ("linalg.lu_solve_right", lambda a, b: _lu_solve(a, b, left=False), [well(3, 12), r(2, 3, seed=13)]),
    ("linalg.lu_solve_right_adjoint", lambda a, b: _lu_solve(a, b, left=False, adjoint=True),
     [well(3, 14), r(2, 3, seed=15)]),
    ("linalg.solve_ex", lambda a, b: gt.linalg.solve_ex(a, b).result, [well(3, 16), r(3, 2, seed=17)]),
    ("linalg.solve_ex_right", lambda a, b: gt.linalg.solve_ex(a, b, left=False).result, [well(3, 18), r(2, 3)]),
    ("linalg.inv_ex", lambda a: gt.linalg.inv_ex(a).inverse, [well(3, 19)]),
    ("linalg.tensorinv", lambda a: gt.linalg.tensorinv(a, ind=1), [well(4, 20).reshape(4, 2, 2)]),
    ("linalg.tensorsolve", lambda a, b: gt.linalg.tensorsolve(a, b), [well(6, 21).reshape(2, 3, 6), r(2, 3)]),
    ("select_scatter", lambda x, s: gt.select_scatter(x, s, 0, 1), [r(3, 4), r(4, seed=1)]),
    ("slice_scatter", lambda x, s: gt.slice_scatter(x, s, 1, 0, 4, 2), [r(3, 4), r(3, 2, seed=1)]),
    ("diagonal_scatter", lambda x, s: gt.diagonal_scatter(x, s, 1), [r(3, 4), r(3, seed=1)]),
    ("as_strided_scatter", lambda x, s: gt.as_strided_scatter(x, s, (2, 2), (4, 1), 1), [r(3, 4), r(2, 2, seed=1)]),
    ("unsafe_split", lambda x: gt.unsafe_split(x, 2, 1), [r(2, 3)]),
    ("unsafe_chunk", lambda x: gt.unsafe_chunk(x, 2, 0), [r(3, 2)]),
    ("mvlgamma", lambda x: gt.mvlgamma(x, 3), [r(2, 3, lo=2.0, hi=4.0)]),
    ("chain_matmul", lambda a, b, c: gt.chain_matmul(a, b, c), [r(2, 3), r(3, 4, seed=1), r(4, 2, seed=2)]),
    ("nn.functional.adaptive_max_pool3d", lambda x: gt.nn.functional.adaptive_max_pool3d(x, (2, 3, 2)),
     [np.random.default_rng(0).permutation(60).reshape(1, 1, 4, 5, 3) * 0.1]),
    ("nn.functional.max_unpool3d", _unpool3d, [np.random.default_rng(1).permutation(32).reshape(1, 1, 4, 4, 2) * 0.1]),
]


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("name,fn,arrays", CASES, ids=[c[0] for c in CASES])
def test_gradcheck(name, fn, arrays):
    inputs = [gt.tensor(np.array(a, np.float64), requires_grad=True) for a in arrays]
    assert gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-4), name
