"""Float64 central-difference checks for the ops the time-series sweep changed, without torch:
tensor_split (one slice per part, out-of-order and negative indices) feeding differentiable maths."""
import numpy as np
import pytest

import glasstorch as gt
from glasstorch.autograd.gradcheck import gradcheck


def r(*shape, seed=0, lo=-1.0, hi=1.0):
    return np.random.default_rng(seed).uniform(lo, hi, shape)


def _parts_sum(parts):
    return gt.cat([(p * p.sin()).sum(-1, keepdim=True) for p in parts], dim=-1)


CASES = [
    ("tensor_split_sections", lambda x: _parts_sum(gt.tensor_split(x, 3, dim=1)), [r(2, 8)]),
    ("tensor_split_out_of_order", lambda x: _parts_sum(gt.tensor_split(x, [5, 2], dim=1)), [r(2, 8)]),
    ("tensor_split_negative", lambda x: _parts_sum(x.tensor_split((-3, 6), dim=-1)), [r(3, 7)]),
]


@pytest.mark.parametrize("name,fn,arrays", CASES, ids=[c[0] for c in CASES])
def test_gradcheck(name, fn, arrays):
    inputs = [gt.tensor(a, dtype=gt.float64, requires_grad=True) for a in arrays]
    assert gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-4), name


NODERIV = [
    ("nextafter_input", lambda x: gt.nextafter(x, gt.zeros(5, dtype=gt.float64)) * x, [r(5, lo=0.5, hi=2)]),
    ("copysign_scalar", lambda x: gt.copysign(x, -2.0) * x.exp(), [r(6, lo=0.2, hi=2) * np.array([1, -1] * 3)]),
]


@pytest.mark.parametrize("name,fn,arrays", NODERIV, ids=[c[0] for c in NODERIV])
def test_gradcheck_no_derivative_ops(name, fn, arrays):
    inputs = [gt.tensor(a, dtype=gt.float64, requires_grad=True) for a in arrays]
    assert gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-4), name
