"""Differences found by the sweep22c evolution-strategy / black-box optimisation programs (OpenAI ES,
CMA-ES, genetic algorithms, CEM and simulated annealing, differential evolution and PSO).

* ``torch.cdist`` on its direct path (p = 1, and p = 2 with at most 25 rows or
  ``compute_mode="donot_use_mm_for_euclid_dist"``): torch's kernel adds each pair's M terms in order
  from 0; for p = 2 the compiler squares 16 bytes of coordinates at a time (4 float / 2 double, each
  square rounded) and adds them in order, and folds the last M % 4 (float) or M % 2 (double) squares
  in with fused multiply-adds.  glasstorch summed with NumPy's pairwise sum and no FMA: a last-bit
  difference in about one distance in ten (a simulated-annealing TSP over 12 cities took a different
  path from the first differing tour length on).
* ``torch.pdist`` (p = 1, 2): torch's vectorised kernel keeps one 32-byte register of partial sums
  (8 float / 4 double lanes, the leftover terms added into the first lanes), then adds the lanes:
  float as a tree ((l0+l4)+(l2+l6))+((l1+l5)+(l3+l7)), double left to right.  glasstorch differed
  from M = 8 (float) / M = 4 (double) coordinates on.
Both now match torch bit for bit (forward); the backward formulas are unchanged (gradchecks below).
* ``torch.quasirandom.SobolEngine`` was missing (BoTorch-style quasi-random search): now
  glasstorch/quasirandom.py, with Joe & Kuo's direction numbers for dimensions up to 201 (torch has
  21201; larger dimensions raise NotImplementedError), torch's scrambling (random digital shift and
  lower-triangular bit matrices drawn with ``randint`` from a generator seeded by ``seed``, or from
  the global generator) and its draw / draw_base2 / fast_forward / reset bookkeeping.

Not matched (kept out of the programs): ``torch.linalg.eigh`` eigenvectors come from MKL's syevd in
torch and from NumPy's LAPACK here; they differ in the last bits and, for some matrices, in the sign
of a column, so a CMA-ES that samples through B D z diverges after a generation.  The sweep22c CMA-ES
samples through the Cholesky factor (unique) instead.  cdist's matmul path (more than 25 rows) and
general p (powf) are not bit for bit either.
"""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import glasstorch
from glasstorch.autograd.gradcheck import gradcheck

from ._helpers import same_error, same_on_both, same_outcome


def _pts(seed, shape, dtype, scale=1.0):
    return (np.random.default_rng(seed).standard_normal(shape) * scale).astype(dtype)


# ---- cdist, direct path ---------------------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(m=st.integers(1, 70), r1=st.integers(1, 12), r2=st.integers(1, 12), p=st.sampled_from([1.0, 2.0]),
       dtype=st.sampled_from([np.float32, np.float64]), seed=st.integers(0, 2 ** 16))
def test_cdist_direct_path_bit_for_bit(m, r1, r2, p, dtype, seed):
    a, b = _pts(seed, (r1, m), dtype), _pts(seed + 1, (r2, m), dtype)
    same_on_both(lambda t, x, y: t.cdist(x, y, p=p), [a, b], grad=False)


@pytest.mark.parametrize("m", [2, 3, 5, 9, 16, 33])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cdist_batched_and_no_mm_mode(m, dtype):
    a, b = _pts(0, (2, 1, 30, m), dtype), _pts(1, (3, 7, m), dtype)
    same_on_both(lambda t, x, y: t.cdist(x, y, compute_mode="donot_use_mm_for_euclid_dist"), [a, b], grad=False)
    a, b = _pts(2, (3, 6, m), dtype), _pts(3, (1, 5, m), dtype)
    same_on_both(lambda t, x, y: t.cdist(x, y), [a, b], grad=False)
    same_on_both(lambda t, x, y: t.cdist(x, y, p=1), [a, b], grad=False)


def test_cdist_tsp_tour_length():
    """The sweep22c simulated-annealing tour: rand(12, 2) cities, the distance matrix summed along a tour."""
    def fn(t):
        t.manual_seed(2)
        c = t.rand(12, 2)
        D = t.cdist(c, c)
        tour = t.tensor([5, 1, 8, 10, 2, 9, 11, 6, 0, 3, 4, 7])
        return D, D[tour, tour.roll(-1)].sum()
    same_on_both(lambda t: fn(t), [], grad=False)


def test_cdist_non_finite():
    a = np.array([[np.inf, 1], [np.nan, 2], [1e30, 3], [0, 0], [-np.inf, 5]], np.float32)
    for dt in (np.float32, np.float64):
        for p in (1.0, 2.0):
            same_on_both(lambda t, x: t.cdist(x, x, p=p), [a.astype(dt)], grad=False)


# ---- pdist ----------------------------------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(m=st.integers(0, 70), n=st.integers(1, 10), p=st.sampled_from([1.0, 2.0]),
       dtype=st.sampled_from([np.float32, np.float64]), seed=st.integers(0, 2 ** 16))
def test_pdist_bit_for_bit(m, n, p, dtype, seed):
    same_on_both(lambda t, x: t.pdist(x, p=p), [_pts(seed, (n, m), dtype, scale=3.0)], grad=False)
    same_on_both(lambda t, x: t.nn.functional.pdist(x, p), [_pts(seed, (n, m), dtype)], grad=False)


def test_pdist_non_finite():
    a = np.zeros((4, 9), np.float32)
    a[0, 0], a[1, 0], a[2, 0], a[3, 0] = np.inf, np.nan, 1e30, -np.inf
    a[0, 5], a[2, 5] = np.inf, np.inf               # inf - inf: a nan whose sign torch keeps for p = 2
    for dt in (np.float32, np.float64):
        for p in (1.0, 2.0):
            for m in (2, 6, 9):
                same_on_both(lambda t, x: t.pdist(x, p=p), [a[:, :m].astype(dt)], grad=False)


# ---- gradients (unchanged formulas; checked against the new forward) ------------------------------
@pytest.mark.parametrize("p", [1.0, 2.0])
@pytest.mark.parametrize("m", [3, 9])
def test_gradcheck_cdist_pdist(p, m):
    rng = np.random.default_rng(m)
    x1 = glasstorch.from_numpy(rng.standard_normal((4, m))).requires_grad_(True)
    x2 = glasstorch.from_numpy(rng.standard_normal((3, m))).requires_grad_(True)
    assert gradcheck(lambda a, b: glasstorch.cdist(a, b, p=p), (x1, x2), eps=1e-6, atol=1e-5, rtol=1e-4)
    assert gradcheck(lambda a: glasstorch.pdist(a, p=p), (x1,), eps=1e-6, atol=1e-5, rtol=1e-4)


@pytest.mark.parametrize("p", [1.0, 2.0])
def test_cdist_pdist_gradients_close_to_torch(p):
    rng = np.random.default_rng(5)
    a, b = rng.standard_normal((6, 5)), rng.standard_normal((4, 5))
    same_on_both(lambda t, x, y: t.cdist(x, y, p=p), [a, b], grad_rtol=1e-12, grad_atol=1e-14)
    same_on_both(lambda t, x: t.pdist(x, p=p), [a], grad_rtol=1e-12, grad_atol=1e-14)


# ---- SobolEngine ----------------------------------------------------------------------------------
def _sobol_session(t, dim, scramble, seed, n1, n2, skip, dtype):
    t.manual_seed(11)
    e = t.quasirandom.SobolEngine(dim, scramble=scramble, seed=seed)
    a = e.draw(n1)
    b = e.draw(n2, dtype=getattr(t, dtype))
    e.fast_forward(skip)
    c = e.draw(3)
    q = e.quasi.clone()
    e.reset()
    d = e.draw(n1 + n2)
    return a, b, c, d, q, e.sobolstate, e.shift, t.tensor(e.num_generated), t.rand(2)


@settings(max_examples=25, deadline=None)
@given(dim=st.sampled_from([1, 2, 3, 7, 21, 64, 201]), scramble=st.booleans(),
       seed=st.one_of(st.none(), st.integers(0, 2 ** 31)), n1=st.integers(1, 40), n2=st.integers(1, 40),
       skip=st.integers(1, 20), dtype=st.sampled_from(["float32", "float64"]))
def test_sobol_engine_draws_like_torch(dim, scramble, seed, n1, n2, skip, dtype):
    same_outcome(lambda t: _sobol_session(t, dim, scramble, seed, n1, n2, skip, dtype))


def test_sobol_engine_first_draws_and_repr():
    def fn(t):
        e = t.quasirandom.SobolEngine(4, scramble=True, seed=3)
        first = e.draw(1, dtype=t.float64)              # the first point keeps float32 precision
        e2 = t.quasirandom.SobolEngine(5)
        e2.fast_forward(6)
        out = t.empty(0)
        e2.draw(2, out=out)
        assert repr(e) == "SobolEngine(dimension=4, scramble=True, seed=3)"
        assert repr(e2) == "SobolEngine(dimension=5)"
        return first, out, e2.draw_base2(3), t.quasirandom.SobolEngine(3).draw_base2(2)
    same_outcome(fn)


def test_sobol_engine_errors():
    same_error(lambda t: t.quasirandom.SobolEngine(0))
    same_error(lambda t: t.quasirandom.SobolEngine(21202))

    def base2_after_draw(t):
        e = t.quasirandom.SobolEngine(2)
        e.draw(3)
        e.draw_base2(2)
    same_error(base2_after_draw)
    with pytest.raises(NotImplementedError, match="up to 201"):
        glasstorch.quasirandom.SobolEngine(202)
