"""Float64 central-difference checks of the ops added by the scientific-computing sweep, without torch."""
import numpy as np
import pytest

import glasstorch as gt
from glasstorch.autograd.gradcheck import gradcheck


def r(*shape, seed=0, lo=-1.0, hi=1.0):
    return np.random.default_rng(seed).uniform(lo, hi, shape)


S = gt.special
CASES = [
    ("i0", lambda x: S.i0(x), [r(5, lo=-4, hi=4)]), ("i0e", lambda x: S.i0e(x), [r(5, lo=-40, hi=40)]),
    ("i1", lambda x: S.i1(x), [r(5, lo=-4, hi=4)]), ("i1e", lambda x: S.i1e(x), [r(5, lo=-40, hi=40)]),
    ("erfcx", lambda x: S.erfcx(x), [r(5, lo=-2, hi=30)]),
    ("log_ndtr", lambda x: S.log_ndtr(x), [r(5, lo=-20, hi=5)]),
    ("ndtri", lambda p: S.ndtri(p), [r(5, lo=0.01, hi=0.99)]), ("entr", lambda x: S.entr(x), [r(5, lo=0.1, hi=3)]),
    ("ndtr", lambda x: S.ndtr(x), [r(5, lo=-3, hi=3)]),
    ("gammainc", lambda x: S.gammainc(gt.tensor([0.5, 2.0, 5.0, 30.0], dtype=gt.float64), x),
     [r(4, lo=0.5, hi=30)]),
    ("gammaincc", lambda x: S.gammaincc(gt.tensor([0.5, 2.0, 5.0, 30.0], dtype=gt.float64), x),
     [r(4, lo=0.5, hi=30)]),
    ("zeta", lambda q: S.zeta(gt.tensor([2.0, 3.5, 5.0], dtype=gt.float64), q), [r(3, lo=0.5, hi=4)]),
    ("xlog1py", lambda x, y: S.xlog1py(x, y), [r(4), r(4, seed=1, lo=-0.5, hi=2)]),
    ("logaddexp2", lambda x, y: gt.logaddexp2(x, y), [r(3, 4), r(4, seed=1)]),
    ("gradient_coordinates", lambda f, x: gt.gradient(f, spacing=(x,), dim=1, edge_order=2)[0],
     [r(2, 6), np.cumsum(r(6, seed=2, lo=0.2, hi=1.0))]),
    ("cholesky_ex", lambda a: gt.linalg.cholesky_ex(a @ a.mT + 3 * gt.eye(3, dtype=gt.float64)).L, [r(3, 3)]),
]


@pytest.mark.parametrize("name,fn,arrays", CASES, ids=[c[0] for c in CASES])
def test_gradcheck(name, fn, arrays):
    inputs = [gt.tensor(a, dtype=gt.float64, requires_grad=True) for a in arrays]
    assert gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-4), name
