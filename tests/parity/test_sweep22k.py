"""Parity tests for the fixes of program sweep sweep22k (numerical optimization with autograd:
Armijo gradient descent, Newton with autograd.functional.hessian + linalg.solve, Gauss-Newton /
Levenberg-Marquardt, conjugate gradient, LBFGS, projected and proximal gradient).

Fixed:
- ``linalg.solve`` and ``linalg.inv`` of small real systems (n <= 3) round as torch's MKL getrf +
  getrs do (dot-product substitutions, the upper solve multiplying by the pivot's reciprocal) instead
  of as NumPy's OpenBLAS: float32 ``inv([[3, 4], [1, 2]])`` is 1.0000001, -0.50000006 ... in torch, and
  so ``linalg.cond(A, 1)`` is 21.000004, and 2 x 2 Newton steps differ in the last bit
  (glasstorch/_linalg_small_solve.py).  ``left=False`` (X A = B) is solved as torch does, on A's own
  factor with the transposed substitutions, not on the factor of A^T.
- Speed: ``_rng_fma.fma64`` (torch's fused multiply-add, used by LBFGS, SGD, lerp, tanh's gradient
  in float64) runs a handful of numbers (at most 8) on Python floats instead of a dozen NumPy calls:
  LBFGS on a 2-parameter test function spent most of its time there.  Same results (pinned below
  against torch's LBFGS, SGD and lerp on small float64 tensors).
"""
import numpy as np
from hypothesis import given, settings, strategies as st

import glasstorch
from glasstorch.autograd.gradcheck import gradcheck

from ._helpers import same_error, same_on_both, same_outcome

DTYPES = (np.float32, np.float64)
# The gradients go through matrix products (dA = -gB X^T, -Y^T g Y^T), which keep NumPy's BLAS order
# (docs/differences.md, "Matrix products"): compared to a few ulps, relative to the largest entry.
GRAD_TOL = {np.float32: dict(grad_rtol=1e-5, grad_atol=1e-6), np.float64: dict(grad_rtol=1e-12, grad_atol=1e-13)}


def _system(seed, n, k, dtype, batch=()):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(batch + (n, n)).astype(dtype), rng.standard_normal(batch + (n, k)).astype(dtype))


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2 ** 32 - 1), dtype=st.sampled_from(DTYPES), vec=st.booleans())
def test_solve_2x2_bit_exact(seed, dtype, vec):
    a, b = _system(seed, 2, 3, dtype)
    b = b[:, 0] if vec else b
    same_on_both(lambda t, A, B: t.linalg.solve(A, B), [a, b], **GRAD_TOL[dtype])


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2 ** 32 - 1), dtype=st.sampled_from(DTYPES))
def test_inv_2x2_bit_exact(seed, dtype):
    a, _ = _system(seed, 2, 1, dtype)
    same_on_both(lambda t, A: t.linalg.inv(A), [a], **GRAD_TOL[dtype])
    same_on_both(lambda t, A: t.linalg.inv_ex(A)[0], [a], grad=False)


def test_inv_and_cond_of_the_course_example():
    a = np.array([[3.0, 4.0], [1.0, 2.0]], np.float32)
    same_on_both(lambda t, A: t.linalg.inv(A), [a], **GRAD_TOL[np.float32])
    for p in (1, float("inf"), -1, "fro"):
        same_on_both(lambda t, A: t.linalg.cond(A, p), [a], grad=False)


def test_solve_batched_broadcast_and_right_side():
    a, b = _system(1, 2, 4, np.float64, batch=(3,))
    same_on_both(lambda t, A, B: t.linalg.solve(A, B), [a, b[0]], **GRAD_TOL[np.float64])
    same_on_both(lambda t, A, B: t.linalg.solve(A, B.mT, left=False), [a, b], **GRAD_TOL[np.float64])
    a32, b32 = _system(2, 2, 2, np.float32, batch=(2, 3))
    same_on_both(lambda t, A, B: t.linalg.solve(A, B), [a32, b32], **GRAD_TOL[np.float32])
    same_on_both(lambda t, A: t.linalg.inv(A), [a32], **GRAD_TOL[np.float32])


def test_solve_3x3_well_conditioned():
    # every 3 x 3 system whose LU factor matches torch's is solved bit for bit; this one's does
    a = np.array([[4.0, 1.0, 0.5], [1.0, 3.0, 0.25], [0.5, 0.25, 2.0]], np.float32)
    b = np.array([[1.0], [2.0], [3.0]], np.float32)
    same_on_both(lambda t, A, B: t.linalg.solve(A, B), [a, b], **GRAD_TOL[np.float32])
    same_on_both(lambda t, A: t.linalg.inv(A), [a], **GRAD_TOL[np.float32])


def test_newton_step_on_rosenbrock():
    def step(t):
        x = t.tensor([-1.2, 1.0])
        f = lambda v: (1 - v[0]) ** 2 + 100 * (v[1] - v[0] ** 2) ** 2  # noqa: E731
        for _ in range(4):
            g = t.autograd.functional.jacobian(f, x)
            H = t.autograd.functional.hessian(f, x)
            x = x - t.linalg.solve(H, g)
        return x
    same_outcome(step)


def test_singular_small_systems_raise_torchs_errors():
    z = np.zeros((2, 2), np.float32)
    same_error(lambda t: t.linalg.solve(t.from_numpy(z), t.ones(2)))
    same_error(lambda t: t.linalg.inv(t.from_numpy(z)))
    same_error(lambda t: t.linalg.inv(t.tensor([[1.0, 2.0], [2.0, 4.0]])))
    same_outcome(lambda t: t.linalg.inv_ex(t.tensor([[1.0, 2.0], [2.0, 4.0]])))
    same_outcome(lambda t: t.linalg.solve_ex(t.tensor([[1.0, 2.0], [2.0, 4.0]]), t.ones(2)))


def test_gradcheck_small_solve_and_inv():
    rng = np.random.default_rng(3)
    a = glasstorch.from_numpy(rng.standard_normal((2, 2)) + 3 * np.eye(2)).requires_grad_()
    b = glasstorch.from_numpy(rng.standard_normal((2, 3))).requires_grad_()
    assert gradcheck(lambda A, B: glasstorch.linalg.solve(A, B), (a, b), eps=1e-6, atol=1e-5, rtol=1e-4)
    assert gradcheck(lambda A: glasstorch.linalg.inv(A), (a,), eps=1e-6, atol=1e-5, rtol=1e-4)
    a3 = glasstorch.from_numpy(rng.standard_normal((3, 3)) + 3 * np.eye(3)).requires_grad_()
    assert gradcheck(lambda A, B: glasstorch.linalg.solve(A, B),
                     (a3, glasstorch.from_numpy(rng.standard_normal(3)).requires_grad_()),
                     eps=1e-6, atol=1e-5, rtol=1e-4)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2 ** 32 - 1), n=st.integers(1, 8), w_scalar=st.booleans())
def test_small_float64_fma_ops(seed, n, w_scalar):
    rng = np.random.default_rng(seed)
    a, b = rng.standard_normal(n) * 1e3, rng.standard_normal(n)
    w = rng.uniform(-1, 2, ()) if w_scalar else rng.uniform(-1, 2, n)
    same_on_both(lambda t, x, y, z: t.lerp(x, y, z), [a, b, np.asarray(w)])
    same_on_both(lambda t, x, y: t.lerp(x, y, 0.3), [a, b])


def test_lbfgs_strong_wolfe_on_rosenbrock_bit_exact():
    def run(t):
        x = t.tensor([-1.5, 2.0], dtype=t.float64, requires_grad=True)
        opt = t.optim.LBFGS([x], line_search_fn="strong_wolfe", history_size=4)

        def closure():
            opt.zero_grad()
            loss = (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2
            loss.backward()
            return loss
        losses = [opt.step(closure) for _ in range(3)]
        st_ = opt.state[x]
        return (x.detach(), st_["d"], t.tensor(st_["t"]), t.as_tensor(st_["H_diag"]), t.stack(losses).detach(),
                t.tensor([st_["func_evals"], st_["n_iter"]]))
    same_outcome(run)


def test_sgd_momentum_on_three_parameters_bit_exact():
    def run(t):
        t.manual_seed(0)
        w = t.randn(3, dtype=t.float64, requires_grad=True)
        opt = t.optim.SGD([w], lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-2)
        for _ in range(5):
            opt.zero_grad()
            ((w - 1) ** 4).sum().backward()
            opt.step()
        return w.detach()
    same_outcome(run)
