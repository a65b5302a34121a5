"""Parity pins for sweep23l (numerical-methods course programs, tests/programs/sweep23l_*.py).

Fixed in glasstorch:
- torch.gradient: torch's argument checks in torch's order (uint8 input; a spacing list whose length is
  not self.dim() when dim is not given; edge_order; a dim listed twice; sizes; a list of 0-dim spacing
  tensors) with torch's messages (ops/stats.py ``_gradient_checks``).
- torch.gradient with a number spacing: the centre's two slices are made in torch's order, so the
  backward's sums (three or more terms per element at edge_order=2) are bit for bit torch's.
- trapezoid / trapz / cumulative_trapezoid: torch's "invalid combination of arguments" TypeError for a
  number passed as x, x together with dx, x=None, a non-int dim (new _trapezoid_args.py); the
  cumulative_trapezoid size error names cumulative_trapezoid.
- fft.fftfreq / rfftfreq: d=0 or n=0 give inf/nan as torch (no ZeroDivisionError); a negative size is
  torch's negative-dimension error; rfftfreq of a negative n rounds n / 2 toward zero as C++ does;
  n and d are checked as torch's parser does (``argument 'n' (position 1) must be int, not float``).
- trapezoid / cumulative_trapezoid refuse bool inputs with torch's message; gradient takes spacing=None
  as the default; diff checks dim against the input (IndexError) without prepend/append too;
  linalg.vander of a 0-dim tensor without N is torch's "N must be greater than 1." error.
- lerp: a 0-dim weight of another dtype joins the type promotion (torch refuses only a dimensioned one),
  with the backward's products in the gradient's dtype; lerp of 0-dim float64 tensors is 0-dim again
  (it came back with shape [1]).
"""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import glasstorch as gt
from glasstorch.autograd.gradcheck import gradcheck
from ._helpers import same_on_both, same_outcome


# ---- torch.gradient argument checks ---------------------------------------------------------
@pytest.mark.parametrize("expr", [
    "t.gradient(t.arange(5.), spacing=[2, 3])",
    "t.gradient(t.arange(5.), spacing=[2, 3], edge_order=3)",
    "t.gradient(t.ones(3, 3), spacing=[1.])",
    "t.gradient(t.ones(3, 3), spacing=(t.arange(3.),))",
    "t.gradient(t.ones(3), spacing=(2.,), dim=(0, 0))",
    "t.gradient(t.ones(3, 1), dim=[0, 0])",
    "t.gradient(t.ones(2, 1), dim=[0, 0], edge_order=3)",
    "t.gradient(t.ones(3, 1), dim=[0, 1])",
    "t.gradient(t.arange(5.), spacing=[t.tensor(2.)])",
    "t.gradient(t.ones(3, 1), spacing=[t.tensor(1.), t.arange(1.)])",
    "t.gradient(t.arange(5, dtype=t.uint8))",
    "t.gradient(t.ones(3), dim=5)",
    "t.gradient(t.arange(5.) ** 2, spacing=[t.arange(5.) * 0.5])",
    "t.gradient(t.arange(12.).reshape(3, 4) ** 2, spacing=[1., 2.], edge_order=2)",
    "t.gradient(t.arange(12.).reshape(3, 4) ** 2, spacing=t.tensor(2.), dim=-1)",
])
def test_gradient_checks(expr):
    same_outcome(lambda t: eval(expr, {"t": t}))


@settings(max_examples=15, deadline=None)
@given(st.integers(3, 7), st.integers(1, 2), st.floats(0.1, 3.0))
def test_gradient_values(n, edge_order, h):
    y = np.random.default_rng(n).standard_normal((2, n))
    x = np.cumsum(np.random.default_rng(n + 1).uniform(0.2, 1.0, n))
    same_on_both(lambda t, y, x: t.gradient(y, spacing=(x,), dim=1, edge_order=edge_order), [y, x], rtol=1e-12,
                 atol=1e-12)
    same_on_both(lambda t, y: t.gradient(y, spacing=h, dim=-1, edge_order=edge_order), [y])
    same_on_both(lambda t, y: t.gradient(y.reshape(n, 2), spacing=[h, 2.0], edge_order=1), [y])


# ---- trapezoid family argument parsing --------------------------------------------------------
@pytest.mark.parametrize("expr", [
    "t.trapezoid(t.ones(3), 2)", "t.trapezoid(t.ones(3), 2.5, dim=0)", "t.cumulative_trapezoid(t.ones(3), 2)",
    "t.trapezoid(t.ones(3), t.ones(3), dx=2)", "t.trapezoid(t.ones(3), dx=t.tensor([2.]))",
    "t.trapz(t.ones(3), 2)", "t.trapezoid(t.ones(3), None)", "t.trapezoid(t.ones(3), x=None)",
    "t.trapezoid(t.ones(3), None, dx=2)", "t.trapezoid(t.ones(3), dim=0.5)",
    "t.trapezoid(t.ones(3), dx=t.tensor(2.))", "t.trapezoid(t.ones(3), dim=0, dx=2.5)",
    "t.trapz(t.ones(3), x=t.arange(3.))", "t.trapz(t.arange(4.), dx=2)",
    "t.cumulative_trapezoid(t.arange(4.), t.arange(3.))", "t.trapezoid(t.arange(4.), t.arange(3.))",
    "t.cumulative_trapezoid(t.arange(6.).reshape(2, 3), x=t.tensor([0., 1., 3.]))",
    "t.cumulative_trapezoid(t.arange(4), dx=0.5)",
    "t.cumulative_trapezoid(t.tensor([True, False]))", "t.cumulative_trapezoid(t.ones(2), t.tensor([True, False]))",
    "t.trapezoid(t.tensor([True, False]), t.tensor([1., 2.]))", "t.trapezoid(t.tensor([True, False]), dx=2)",
    "t.trapz(t.tensor([True, False]))",
])
def test_trapezoid_arguments(expr):
    same_outcome(lambda t: eval(expr, {"t": t}))


@pytest.mark.parametrize("expr", [
    "t.gradient(t.ones(3), spacing=None)", "t.gradient(t.arange(9.).reshape(3, 3) ** 2, spacing=None, dim=0)",
    "t.diff(t.ones(3), dim=1)", "t.diff(t.ones(3), dim=-2)", "t.diff(t.ones(3), n=-1, dim=1)",
    "t.diff(t.ones(2, 3), dim=0, n=2)", "t.linalg.vander(t.tensor(1.))", "t.linalg.vander(t.tensor([1., 2.]))",
])
def test_small_argument_fixes(expr):
    same_outcome(lambda t: eval(expr, {"t": t}))


def test_trapezoid_values_and_grad():
    y = np.random.default_rng(0).standard_normal((3, 6))
    x = np.cumsum(np.random.default_rng(1).uniform(0.1, 1.0, 6))
    # the sum along dim is NumPy's, not torch's vectorised order: last-bit tolerance
    same_on_both(lambda t, y, x: t.trapezoid(y, x), [y, x], rtol=1e-15, atol=1e-15)
    same_on_both(lambda t, y: t.cumulative_trapezoid(y, dx=0.25, dim=0), [y])
    for fn in (lambda y, x: gt.trapezoid(y, x), lambda y, x: gt.cumulative_trapezoid(y, x=x)):
        assert gradcheck(fn, [gt.tensor(y, requires_grad=True), gt.tensor(x, requires_grad=True)])


# ---- fftfreq / rfftfreq ----------------------------------------------------------------------
@pytest.mark.parametrize("expr", [
    "t.fft.fftfreq(0)", "t.fft.fftfreq(5, d=0)", "t.fft.fftfreq(3, d=-0.0)", "t.fft.fftfreq(0, d=0)",
    "t.fft.fftfreq(-1)", "t.fft.fftfreq(-2)", "t.fft.rfftfreq(0)", "t.fft.rfftfreq(3, d=0)",
    "t.fft.rfftfreq(-1)", "t.fft.rfftfreq(-3)", "t.fft.rfftfreq(-5)", "t.fft.rfftfreq(4, d=float('inf'))",
    "t.fft.fftfreq(7, 0.3, dtype=t.float64)", "t.fft.rfftfreq(8, d=0.5)",
    "t.fft.rfftfreq(4.5)", "t.fft.fftfreq(True)", "t.fft.fftfreq(4, d=True)", "t.fft.fftfreq(4, d=t.tensor(2.))",
    "t.fft.fftfreq(t.tensor(4))", "t.fft.fftfreq(4, None)", "t.fft.fftfreq(4, 'a')", "t.fft.fftfreq(5, d=2)",
])
def test_fftfreq_edges(expr):
    same_outcome(lambda t: eval(expr, {"t": t}))


# ---- lerp with a 0-dim weight of another dtype -------------------------------------------------
@pytest.mark.parametrize("wdtype", [np.float64, np.float16, np.int64])
def test_lerp_zero_dim_weight_promotes(wdtype):
    a = np.array([0.1, 2.0, -3.0], np.float32)
    b = np.array([1.0, 5.0, 4.0], np.float32)
    w = np.array(1 if wdtype == np.int64 else 0.3, wdtype)
    same_on_both(lambda t, a, b, w: t.lerp(a, b, w), [a, b, w])
    same_on_both(lambda t, a, b, w: t.lerp(a.double(), b.double(), w), [a, b, w])


@pytest.mark.parametrize("expr", [
    "t.lerp(t.zeros(3), t.ones(3), t.tensor([0.3], dtype=t.float64))",
    "t.lerp(t.zeros(3), t.ones(3), t.tensor([0.3, 0.5, 0.6], dtype=t.float64))",
    "t.zeros(3).lerp_(t.ones(3), t.tensor(0.3, dtype=t.float64))",
    "t.tensor(0.).lerp_(t.tensor(1.), t.tensor(0.3, dtype=t.float64))",
    "t.lerp(t.tensor(0.), t.tensor(1.), t.tensor(0.3, dtype=t.float64))",
    "t.lerp(t.zeros(3), t.ones(3), t.tensor(0.5 + 0.25j))",
])
def test_lerp_weight_dtype_outcomes(expr):
    same_outcome(lambda t: eval(expr, {"t": t}))


def test_lerp_zero_dim_double():
    s = [np.array(v) for v in (0.25, 3.0, 0.3)]
    same_on_both(lambda t, a, b, w: t.lerp(a, b, w), s)
    same_on_both(lambda t, a, b: t.lerp(a, b, 0.7), s[:2])
    assert gradcheck(lambda a, b, w: gt.lerp(a, b, w), [gt.tensor(v, requires_grad=True) for v in s])
    assert gradcheck(lambda a, b, w: gt.lerp(a, b, w),
                     [gt.tensor(np.random.default_rng(i).standard_normal(4), requires_grad=True) for i in range(2)]
                     + [gt.tensor(0.6, dtype=gt.float64, requires_grad=True)])


@pytest.mark.parametrize("edge_order", [1, 2])
def test_gradient_gradcheck(edge_order):
    y = gt.tensor(np.random.default_rng(3).standard_normal((3, 5)), requires_grad=True)
    assert gradcheck(lambda y: gt.gradient(y, spacing=0.7, edge_order=edge_order), [y])
    assert gradcheck(lambda y: gt.gradient(y, spacing=[0.5, 2.0], dim=(0, 1), edge_order=edge_order), [y])
