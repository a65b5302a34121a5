"""Products whose inner sizes do not match raise torch's error whatever the operands' layouts.

glasstorch's small-product kernels (``ops/_gemm_order.py``: ``t_mm`` for a transposed left factor,
``x_wt`` for ``x @ w.t()``) read k from one operand only, so a one-row matrix (C- and F-contiguous at
once) or a transposed right factor broadcast or cut the other operand: ``ones(1, 2) @ ones(1, 2)`` gave
``[[2., 2.]]``, ``ones(4, 2) @ ones(3, 4).t()`` a 4x3 result.  Expectations from torch at test time."""
import torch
from hypothesis import given, settings, strategies as st

import glasstorch


def _product(m, sa, sb, ta, tb, grad, how):
    a = m.ones(*(sa[::-1] if ta else sa), requires_grad=grad)
    b = m.ones(*(sb[::-1] if tb else sb))
    a = a.t() if ta else a
    b = b.t() if tb else b
    ops = (lambda: a @ b, lambda: m.matmul(a, b), lambda: m.mm(a, b), lambda: a.mm(b),
           lambda: m.nn.functional.linear(a, b.t()))
    try:
        r = ops[how]()
    except Exception as e:       # noqa: BLE001 - torch's exception is the expectation
        return "err", type(e).__name__, str(e)
    return "ok", tuple(r.shape), r.detach().sum().item()


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 6), st.integers(1, 6), st.integers(1, 6), st.integers(1, 6), st.booleans(), st.booleans(),
       st.booleans(), st.integers(0, 4))
def test_mismatched_inner_sizes(m_, k1, k2, p, ta, tb, grad, how):
    args = ((m_, k1), (k2, p), ta, tb, grad, how)
    assert _product(glasstorch, *args) == _product(torch, *args)


def test_one_row_and_transposed_right_factor():
    for args in [((1, 2), (1, 2), False, False, False, 0), ((4, 2), (4, 3), False, True, False, 0),
                 ((5, 5), (1, 2), True, True, False, 1), ((6, 3), (1, 3), True, False, False, 1)]:
        assert _product(glasstorch, *args) == _product(torch, *args)
