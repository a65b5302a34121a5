"""copysign's gradient as torch computes it (``copysign_tensor_self_backward``): ``g * (z / a)`` with the
ratio zeroed where ``a == 0``.

Fixed in glasstorch: the gradient was ``g * sign(a) * sign(z)``, which gives +-g at ``a = +-inf`` where
torch gives nan (``inf / inf``), and under ``create_graph`` it recorded Where / Sign nodes where torch
records MulBackward0 over MaskedFillBackward0 over DivBackward0."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from ._helpers import MODS, assert_same_array, grad_fn_name

SPECIALS = [1.0, -2.0, 0.0, -0.0, np.inf, -np.inf, np.nan, 3.5]


def _chain(fn):
    """The names of the nodes under ``fn`` (depth first, AccumulateGrad included)."""
    out = []

    def walk(n, d):
        if n is None or d > 5:
            return
        out.append((d, type(n).__name__))
        for c, _ in n.next_functions:
            walk(c, d + 1)
    walk(fn, 0)
    return out


@pytest.mark.parametrize("dt", ["float32", "float64"])
@pytest.mark.parametrize("other", ["tensor", "broadcast", "number"])
def test_first_and_second_order_with_specials(dt, other):
    b = np.array([-1.0, 2.0, -1.0, 1.0, -2.0, 3.0, 1.0, -0.0])
    res = {}
    for m in MODS:
        a = m.tensor(SPECIALS, dtype=getattr(m, dt), requires_grad=True)
        o = {"tensor": m.tensor(b, dtype=getattr(m, dt)), "broadcast": m.tensor([[1.0], [-1.0]], dtype=getattr(m, dt)),
             "number": -1.5}[other]
        g1, = m.autograd.grad(m.copysign(a, o).sum(), a)
        ga, = m.autograd.grad(m.copysign(a * a, o).sum(), a, create_graph=True)
        g2, = m.autograd.grad(ga.sum(), a)
        res[m] = (g1, ga, g2, _chain(ga.grad_fn))
    for x, y in zip(res[torch][:3], res[glasstorch][:3]):
        # (a nan times a nan keeps the sign of one of them: torch's vector kernels and NumPy's pick
        # different ones, which shows nowhere but in np.signbit)
        x, y = x.detach().numpy(), y.detach().numpy()
        assert x.dtype == y.dtype and np.array_equal(np.isnan(x), np.isnan(y))
        assert_same_array(np.where(np.isnan(x), 0, x), np.where(np.isnan(y), 0, y))
    assert res[torch][3] == res[glasstorch][3]


def test_the_other_input_gets_zeros():
    res = {}
    for m in MODS:
        a = m.tensor([1.0, -2.0, 0.0], requires_grad=True)
        b = m.tensor([-1.0, 2.0, 0.5], requires_grad=True)
        ga, gb = m.autograd.grad(m.copysign(a * a, b * b).sum(), (a, b), create_graph=True)
        res[m] = (ga, gb, grad_fn_name(gb))
    assert_same_array(res[torch][0], res[glasstorch][0])
    assert_same_array(res[torch][1], res[glasstorch][1])
    assert res[torch][2] == res[glasstorch][2]


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(-5, 5).filter(lambda v: abs(v) > 1e-3), min_size=1, max_size=6),
       st.lists(st.floats(-5, 5), min_size=1, max_size=6))
def test_gradcheck_float64(avals, bvals):
    n = min(len(avals), len(bvals))
    a = glasstorch.tensor(avals[:n], dtype=glasstorch.float64, requires_grad=True)
    b = glasstorch.tensor(bvals[:n], dtype=glasstorch.float64)
    assert glasstorch.autograd.gradcheck(lambda x: glasstorch.copysign(x * x * x, b), (a,))
    assert glasstorch.autograd.gradgradcheck(lambda x: glasstorch.copysign(x * x * x, b), (a,))
