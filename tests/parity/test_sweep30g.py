"""Parity pins for sweep30g (scientific machine learning programs: FNO, DeepONet, neural ODEs, HNNs).

Fixed in glasstorch:
- ``linalg.eigvals`` / ``linalg.eig`` of real float32 2 x 2 matrices (the Jacobian spectrum of a 2-D
  vector field, a linear oscillator's stability) now have torch's float32 results, eigenvalues and
  eigenvectors bit for bit: torch's MKL ``sgeev`` computes in float (balancing, ``slanv2``'s Schur form,
  ``strevc3``'s back substitution, unit-norm vectors turned by ``slartg``), so [[-0.1, 2], [-2, -0.1]]
  has eigenvalues -0.1 +- 1.99999988j (printed ``2.0000j``), where NumPy's double-precision answer
  rounded to float gave exactly +- 2j (printed ``2.j``); a defective integer matrix such as
  [[1, 3], [-3, -5]] has torch's -1.9992, -2.0008 rather than -2 +- 2.6e-08j; a matrix with its
  largest element below ~1e-12 or above ~1e12 is scaled first and its eigenvalues back, as sgeev's
  slascl does (_linalg_eig2x2.py, _linalg_eig2x2_vec.py, _linalg_complex.py).

Left as it was: matrices mixing elements near float32's smallest normal number (2^-126) with ordinary
ones, where MKL's balancing or deflation decisions were not reproduced ([[1, t], [1, t]], t = 2^-126:
torch (1, 0), here (1, t)); float64 and larger matrices (NumPy's LAPACK; last-bit differences).
"""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from tests.parity._helpers import same_on_both, same_outcome

ROT = np.array([[-0.1, 2.0], [-2.0, -0.1]], dtype=np.float32)
CASES = {
    "rotation": ROT,
    "real_distinct": np.array([[2.0, 1.0], [1.0, 3.0]], np.float32),
    "equal_diagonal_real": np.array([[0.5, 2.0], [3.0, 0.5]], np.float32),
    "complex_pair": np.array([[1.0, -1.0], [2.0, -1.0]], np.float32),
    "badly_scaled": np.array([[0.7, 1007.6], [-0.0028, -0.52]], np.float32),
    "lower_zero": np.array([[1.0, 5.0], [0.0, -2.0]], np.float32),
    "upper_zero": np.array([[1.0, 0.0], [5.0, -2.0]], np.float32),
    "zero": np.zeros((2, 2), np.float32),
    "defective": np.array([[0.25, 2.25], [-0.25, 1.75]], np.float32),
    "defective_int": np.array([[1.0, 3.0], [-3.0, -5.0]], np.float32),
    "diagonal": np.array([[2.0, 0.0], [0.0, -1.0]], np.float32),
    "repeated_triangular": np.array([[1.0, 2.0], [0.0, 1.0]], np.float32),
    "companion": np.array([[0.0, 1.0], [-4.0, -0.4]], np.float32),
    "tiny": np.array([[1e-20, 2e-20], [-3e-20, 1e-20]], np.float32),
    "tiny_real": np.array([[0.0, 8.881784e-16], [2.220446e-16, 0.0]], np.float32),
    "huge": np.array([[3e20, -1e21], [2e20, 1e19]], np.float32),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_eigvals_float32_2x2(name):
    same_on_both(lambda m, a: m.linalg.eigvals(a), [CASES[name]], grad=False)


@pytest.mark.parametrize("name", sorted(CASES))
def test_eig_float32_2x2(name):
    same_on_both(lambda m, a: tuple(m.linalg.eig(a)), [CASES[name]], grad=False)


def test_eigvals_printed():
    # the neural-ODE program's line: torch prints 2.0000j (1.99999988), not 2.j
    outs = [str(m.linalg.eigvals(m.from_numpy(ROT.copy()))) for m in (torch, glasstorch)]
    assert outs[0] == outs[1]


def test_eigvals_batched_float32():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((3, 5, 2, 2)).astype(np.float32)
    a[0, 0] = [[0.5, 1.0], [-1.0, 0.5]]
    a[0, 1] = [[1.0, 3.0], [-3.0, -5.0]]
    same_on_both(lambda m, x: m.linalg.eigvals(x), [a], grad=False)
    same_on_both(lambda m, x: tuple(m.linalg.eig(x)), [a], grad=False)
    same_on_both(lambda m, x: tuple(m.linalg.eig(x.mT)), [a], grad=False)      # a strided batch


def test_eig_printed():
    a = np.array([[1.0, 3.0], [-3.0, -5.0]], np.float32)
    outs = [str(m.linalg.eig(m.from_numpy(a.copy()))) for m in (torch, glasstorch)]
    assert outs[0].replace("torch.return_types.linalg_eig", "") == outs[1].replace("torch.return_types.linalg_eig", "")


def test_eig_gradient_float32_2x2():
    # the backward runs on the float32 eigenvectors: the same gradient to float rounding
    def fn(m, a):
        w, v = m.linalg.eig(a)
        return (w.abs() + v.abs().sum(0)).sum()
    same_on_both(fn, [np.array([[0.3, -1.5], [2.0, 0.1]], np.float32)], rtol=1e-5, atol=1e-6)


def test_eigvals_with_grad_goes_through_eig():
    # with a gradient to compute, torch takes the eigenvalues of the full eig
    def fn(m, a):
        w = m.linalg.eigvals(a.requires_grad_(True))
        return w.detach(), w.grad_fn.name()
    same_on_both(fn, [np.array([[0.3, -1.5], [2.0, 0.1]], np.float32)], grad=False)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(-8, 8, allow_nan=False, width=32).filter(lambda v: v == 0 or abs(v) > 1e-6),
                min_size=4, max_size=4),
       st.integers(-12, 12), st.sampled_from(["plain", "equal_diag", "quarters"]))
def test_eigvals_float32_2x2_random(vals, scale_exp, kind):
    a = np.array(vals, np.float32).reshape(2, 2)
    if kind == "equal_diag":
        a[1, 1] = a[0, 0]
    if kind == "quarters":
        a = np.round(a * 4) / 4
    a[0, 1] *= np.float32(2.0 ** scale_exp)     # unbalanced: sgebal scales it back
    same_on_both(lambda m, x: m.linalg.eigvals(x), [a], grad=False)
    same_on_both(lambda m, x: tuple(m.linalg.eig(x)), [a], grad=False)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(-4, 4, allow_nan=False), min_size=4, max_size=4))
def test_eigvals_float64_and_larger_unchanged(vals):
    # float64 and 3 x 3 keep their own path: still correct to rounding
    a = np.array(vals).reshape(2, 2)
    same_on_both(lambda m, x: m.linalg.eigvals(x), [a], grad=False, rtol=1e-12, atol=1e-12)


def test_eigvals_errors():
    same_outcome(lambda m: m.linalg.eigvals(m.ones(2, 3)))
    same_outcome(lambda m: m.linalg.eigvals(m.ones(2, 2, dtype=m.float16)))
    same_outcome(lambda m: m.linalg.eigvals(m.ones(2, 2, dtype=m.int64)))
