"""Differences found by the sweep24n programs (kernel methods: RBF / Laplacian / Matern kernels via
cdist, kernel ridge regression, random Fourier features, Nystrom, kernel PCA, MMD and HSIC tests):

- ``torch.cdist`` for a general p (not 0, 1, 2 or inf) rounded its float32 distances differently
  from torch in about a third of the entries: glasstorch raised |d| to the p-th power with NumPy's
  float32 SIMD power and summed pairwise; torch's direct kernel adds ``pow(|d_x|, p)`` in order and
  finishes with ``pow(agg, 1.0 / p)`` in double, with p cast to the input's dtype, each pow the C
  library's (glibc's powf, not always correctly rounded, is asked where a tie is near).  Now the same,
  except float64 with p = 0.5 (glibc's pow(agg, 2.0) vs NumPy's exact square: within an ulp).
  (``torch.pdist`` for such p uses Sleef's vectorised pow, not reproduced here: it stays within an ulp.)
- ``cdist(..., p=1)`` and ``pdist(..., p=1)`` (and float32 ``pdist`` with 8 or more columns) returned a
  strided view of the running sums (``stride() == (2, 1)`` and ``is_contiguous() == False`` where torch
  gives a fresh contiguous tensor).
"""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from glasstorch.autograd.gradcheck import gradcheck

from ._helpers import same_on_both


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2 ** 31 - 1), m=st.integers(1, 12), p=st.sampled_from([0.5, 1.3, 1.5, 2.5, 3.0, 4.0, 7.0]),
       dtype=st.sampled_from([np.float32, np.float64]),
       mode=st.sampled_from(["use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist",
                             "donot_use_mm_for_euclid_dist"]))
def test_cdist_general_p_bit_exact(seed, m, p, dtype, mode):
    rng = np.random.default_rng(seed)
    a = (rng.standard_normal((5, m)) * rng.uniform(0.1, 10)).astype(dtype)
    b = rng.standard_normal((4, m)).astype(dtype)
    # values bit for bit; the gradient's own pow / division rounding: within a few ulps
    tol = 1e-5 if dtype == np.float32 else 1e-12
    # double p = 0.5 finishes with glibc's pow(agg, 2.0), not correctly rounded (NumPy squares): an ulp apart
    rtol = 3e-16 if (dtype == np.float64 and p == 0.5) else 0.0
    same_on_both(lambda t, x, y: t.cdist(x, y, p=p, compute_mode=mode), [a, b], rtol=rtol, grad_rtol=tol,
                 grad_atol=tol)


@pytest.mark.parametrize("p", [1.5, 3.0])
def test_cdist_general_p_batched_broadcast_and_edge_values(p):
    rng = np.random.default_rng(0)
    same_on_both(lambda t, x, y: t.cdist(x, y, p=p), [rng.standard_normal((2, 1, 4, 3)).astype(np.float32),
                                                       rng.standard_normal((3, 5, 3)).astype(np.float32)],
                 grad=False)
    edge = np.array([[0.0, 0.0], [1.0, 1.0], [1e30, 0.0], [-1e30, 0.0], [np.inf, 0.0], [1.0, np.nan]], np.float32)
    with np.errstate(over="ignore"):
        same_on_both(lambda t, x: t.cdist(x, x, p=p), [edge], grad=False)


def test_kernel_matrix_general_p_program_style():
    """A Laplacian-type kernel exp(-||x - y||_p / s) as kernel code writes it, float32."""
    rng = np.random.default_rng(5)
    x = rng.standard_normal((20, 3)).astype(np.float32)
    same_on_both(lambda t, a: t.exp(-t.cdist(a, a, p=1.5) / 2.0).sum(0), [x], grad=False)


@pytest.mark.parametrize("p", [0.5, 1.5, 3.0])
def test_cdist_general_p_gradcheck(p):
    rng = np.random.default_rng(1)
    a = glasstorch.tensor(rng.standard_normal((4, 3)), dtype=glasstorch.float64, requires_grad=True)
    b = glasstorch.tensor(rng.standard_normal((3, 3)), dtype=glasstorch.float64, requires_grad=True)
    assert gradcheck(lambda x, y: glasstorch.cdist(x, y, p=p), (a, b), eps=1e-6, atol=1e-5, rtol=1e-4)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("m", [3, 9])
@pytest.mark.parametrize("p", [0.0, 1.0, 1.5, 2.0, float("inf")])
def test_cdist_pdist_results_are_contiguous(dtype, m, p):
    rng = np.random.default_rng(2)
    a, b = rng.standard_normal((4, m)).astype(dtype), rng.standard_normal((2, 3, m)).astype(dtype)
    # pdist for p other than 0, 1, 2, inf: torch's Sleef pow, within an ulp or two, not bit for bit
    sleef = p not in (0.0, 1.0, 2.0, float("inf"))
    tol = (3e-7 if dtype == np.float32 else 1e-15) if sleef else 0.0
    for fn, rtol in ((lambda t, x, y: t.cdist(x, y, p=p, compute_mode="donot_use_mm_for_euclid_dist"), 0.0),
                     (lambda t, x, y: t.pdist(x, p=p), tol)):
        outs = same_on_both(fn, [a, b], grad=False, rtol=rtol)
        assert outs[torch][0].stride() == outs[glasstorch][0].stride()
        assert outs[torch][0].is_contiguous() == outs[glasstorch][0].is_contiguous()
