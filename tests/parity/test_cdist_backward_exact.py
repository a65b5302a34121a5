"""cdist's (direct path, CdistBackward0) and pdist's gradients, bit for bit with torch 2.13's CPU kernels.

Fixed in glasstorch (ops/_dist_backward.py): torch's per-p ``backward`` formulas on Vectorized lanes
(SLEEF's pow for p other than 0, 1, 2, inf, with p, p - 1, p - 2 in the dtype; Vectorized's sign, its
nan-propagating minimum / maximum), their order of operations, the zero-distance and zero-difference
cases, and the order in which the kernels accumulate the pairs (cdist: each row over the other input's
rows in order, x2's gradient by the same kernel on the transposed gradient; pdist: each row first
subtracts its pairs with earlier rows, then adds those with later rows).  Before, 30-75% of the gradient
elements were an ulp or more off for p = 2, 3, 0.5 and other p (pdist for p = 1 too).  Also fixed on the
way: pdist's forward for general p (SLEEF's pow per coordinate, the vector lanes' sums, then
pow(sum, 1.0 / p) in double: 10-50% of the distances were off), a nan in pdist's p = 0 / inf forward
(all bits set) and in cdist's p = inf forward (skipped: std::max) and p = 0 forward (nan).
Not modelled: which nan's bits come out of a gradient where nans meet (a nan input, inf - inf): the
compiler commutes some Vectorized operations' operands, differently in each compiled loop, and x86
passes on the first operand's nan.  There the nans' positions and every other element's bits are
compared.
Expectations come from torch at test time.
"""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch

DTYPES = [np.float32, np.float64]
PS = [0, 1, 2, 3, 0.5, 1.5, 2.5, 4, 0.3, 7.2, np.inf]


def _same(want, got, what=""):
    """Equal in every byte (signed zeros included), dtype and shape too."""
    want, got = np.asarray(want), np.asarray(got)
    assert want.dtype == got.dtype and want.shape == got.shape, (what, want.dtype, got.dtype, want.shape, got.shape)
    assert want.tobytes() == got.tobytes(), f"{what}: {(want != got).sum()} of {want.size} elements differ"


def _same_but_nan_bits(want, got, what=""):
    """Nans at the same places (their bits not compared), every other element equal in every byte."""
    want, got = np.asarray(want), np.asarray(got)
    assert want.dtype == got.dtype and want.shape == got.shape, (what, want.dtype, got.dtype, want.shape, got.shape)
    nan = np.isnan(want)
    assert np.array_equal(nan, np.isnan(got)), f"{what}: nans at other places"
    assert want[~nan].tobytes() == got[~nan].tobytes(), f"{what}: {(want != got)[~nan].sum()} elements differ"


def _cdist_run(m, a, b, seed, p, mode, views=None):
    x1 = m.tensor(a, requires_grad=True)
    x2 = m.tensor(b, requires_grad=True)
    u1, u2 = (x1, x2) if views is None else views(x1, x2)
    y = m.cdist(u1, u2, p=p, compute_mode=mode)
    w = np.random.default_rng(seed).standard_normal(tuple(y.shape)).astype(a.dtype)
    y.backward(m.from_numpy(w))
    return y.detach().numpy(), x1.grad.numpy(), x2.grad.numpy()


def _pdist_run(m, a, seed, p, view=None):
    x = m.tensor(a, requires_grad=True)
    y = m.pdist(x if view is None else view(x), p=p)
    w = np.random.default_rng(seed).standard_normal(tuple(y.shape)).astype(a.dtype)
    y.backward(m.from_numpy(w))
    return y.detach().numpy(), x.grad.numpy()


def _check_cdist(a, b, p, mode="donot_use_mm_for_euclid_dist", views=None, seed=0, same=_same):
    want = _cdist_run(torch, a, b, seed, p, mode, views)
    got = _cdist_run(glasstorch, a, b, seed, p, mode, views)
    for name, t, g in zip(("value", "x1's gradient", "x2's gradient"), want, got):
        same(t, g, f"cdist p={p} {a.shape} {b.shape}: {name}")


def _check_pdist(a, p, view=None, seed=0, same=_same):
    want = _pdist_run(torch, a, seed, p, view)
    got = _pdist_run(glasstorch, a, seed, p, view)
    for name, t, g in zip(("value", "gradient"), want, got):
        same(t, g, f"pdist p={p} {a.shape}: {name}")


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("p", PS)
def test_cdist(dtype, p):
    """Values and both gradients: sizes around the vector width, a batch, a broadcast batch, equal rows
    (zero distances) and zero coordinates."""
    rng = np.random.default_rng(1)
    for s1, s2 in [((7, 5), (9, 5)), ((6, 16), (4, 16)), ((3, 6, 20), (3, 4, 20)), ((2, 1, 5, 17), (3, 6, 17)),
                   ((10, 3), (10, 3)), ((25, 9), (1, 9))]:
        a = rng.standard_normal(s1).astype(dtype)
        b = rng.standard_normal(s2).astype(dtype)
        b[..., 0, :] = a[..., 0, :][(0,) * (a.ndim - 2)] if a.ndim == 2 else b[..., 0, :]   # a zero distance
        a[..., 1, 2] = 0
        b[..., :, 2] = 0                                                                       # zero differences
        _check_cdist(a, b, p)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("p", [2, 3, 0.5, np.inf])
def test_cdist_default_mode_and_layouts(dtype, p):
    """The default compute mode (at most 25 rows: the direct kernel for p = 2 too) and non-contiguous
    inputs (transposed, strided)."""
    rng = np.random.default_rng(2)
    a = rng.standard_normal((8, 11)).astype(dtype)
    b = rng.standard_normal((12, 11)).astype(dtype)
    _check_cdist(a, b, p, mode="use_mm_for_euclid_dist_if_necessary")
    _check_cdist(a.T.copy(), b.T.copy(), p, mode="use_mm_for_euclid_dist_if_necessary",
                 views=lambda x1, x2: (x1.t(), x2.t()))
    _check_cdist(a, np.repeat(b, 2, 0), p, views=lambda x1, x2: (x1, x2[::2]))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("p", PS)
def test_pdist(dtype, p):
    """Values and gradients: sizes around the vector width, equal rows, zero coordinates, 1 and 2 rows."""
    rng = np.random.default_rng(3)
    for n, m in [(6, 5), (13, 17), (2, 8), (1, 3), (20, 33), (9, 16)]:
        a = rng.standard_normal((n, m)).astype(dtype)
        if n > 3:
            a[3] = a[1]
            a[:, 2] = 0
        _check_pdist(a, p)


@pytest.mark.parametrize("dtype", DTYPES)
def test_pdist_non_contiguous(dtype):
    rng = np.random.default_rng(4)
    a = rng.standard_normal((9, 14)).astype(dtype)
    for p in (2, 3, 1.5):
        _check_pdist(a.T.copy(), p, view=lambda x: x.t())


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("p", PS)
def test_infinities(dtype, p):
    """Infinite coordinates (infinite distances, inf - inf differences)."""
    rng = np.random.default_rng(5)
    a = rng.standard_normal((4, 9)).astype(dtype)
    b = rng.standard_normal((5, 9)).astype(dtype)
    a[1, 2] = np.inf
    b[2, 3] = -np.inf
    b[3, 2] = np.inf
    _check_cdist(a, b, p, same=_same_but_nan_bits)
    _check_pdist(np.concatenate([a, b]), p, same=_same_but_nan_bits)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("p", PS)
def test_nans(dtype, p):
    """A nan coordinate: the same values, nans where torch has them."""
    rng = np.random.default_rng(6)
    a = rng.standard_normal((4, 9)).astype(dtype)
    b = rng.standard_normal((5, 9)).astype(dtype)
    a[0, 1] = np.nan
    _check_cdist(a, b, p, same=_same_but_nan_bits)
    _check_pdist(np.concatenate([a, b]), p, same=_same_but_nan_bits)


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(DTYPES), st.sampled_from(PS + [1.25, 5.5]), st.integers(1, 12), st.integers(1, 12),
       st.integers(1, 40), st.integers(0, 2 ** 32 - 1), st.integers(0, 3))
def test_hypothesis(dtype, p, r1, r2, m, seed, specials):
    """Random sizes and p, and a few infinite / nan coordinates: cdist and pdist, values and gradients."""
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((r1, m)).astype(dtype)
    b = rng.standard_normal((r2, m)).astype(dtype)
    for _ in range(specials):
        x = a if rng.integers(2) else b
        x[rng.integers(x.shape[0]), rng.integers(m)] = rng.choice([np.inf, -np.inf, np.nan])
    same = _same if not specials else _same_but_nan_bits
    _check_cdist(a, b, p, seed=seed, same=same)
    _check_pdist(np.concatenate([a, b]), p, seed=seed, same=same)
