"""glasstorch/optim/_blas_order.py against torch: dot, sum and sqrt bit for bit.

The emulated orders are those of torch's x86-64 wheel on an AMD CPU with torch's AVX2 kernels
(MKL's dot and sqrt take CPU-specific paths): there they must agree bit for bit; on another CPU
they must still agree to rounding (a few units in the last place)."""
import numpy as np
import pytest
import torch

from glasstorch.optim._blas_order import dot, sqrt, sum1d

from ._machine import EXACT


def _same(got, want, dt, n=1):
    if EXACT:
        assert float(got) == float(want)
    else:
        eps = np.finfo(dt).eps
        assert abs(float(got) - float(want)) <= 4 * n * eps * max(abs(float(want)), np.finfo(dt).tiny)

DTYPES = (np.float64, np.float32)


def _spread(rng, n, dt):
    """Random values over several orders of magnitude, so that summation order shows."""
    return (rng.standard_normal(n) * np.exp(3 * rng.standard_normal(n))).astype(dt)


@pytest.mark.parametrize("dt", DTYPES)
def test_dot(dt):
    rng = np.random.default_rng(0)
    for n in list(range(1, 130)) + [255, 256, 257, 1000, 4095]:
        for _ in range(4):
            x, y = _spread(rng, n, dt), _spread(rng, n, dt)
            want = torch.dot(torch.tensor(x), torch.tensor(y)).item()   # fresh, aligned tensors
            got = dot(x, y)
            assert got.dtype == dt
            _same(got, want, dt, n=float(np.abs(x * y).sum() / max(abs(want), 1e-300)))


@pytest.mark.parametrize("dt", DTYPES)
def test_sum(dt):
    rng = np.random.default_rng(1)
    for n in list(range(1, 130)) + [255, 256, 257, 1000, 4097, 32768]:
        for _ in range(4):
            x = _spread(rng, n, dt)
            got = sum1d(x)
            assert got.dtype == dt
            want = torch.tensor(x).sum().item()
            _same(got, want, dt, n=float(np.abs(x).sum() / max(abs(want), 1e-300)))


@pytest.mark.parametrize("dt", DTYPES)
def test_sqrt(dt):
    rng = np.random.default_rng(2)
    lim = 700 if dt == np.float64 else 87
    x = np.exp(rng.uniform(-lim, lim, 50000)).astype(dt)
    fi = np.finfo(dt)
    special = np.array([0.0, -0.0, -1.0, np.inf, np.nan, fi.tiny, fi.tiny / 3, fi.smallest_subnormal,
                        fi.max, 1.0, 2.0, 4.0], dt)
    x = np.concatenate([x, special])
    want = torch.tensor(x).sqrt().numpy()
    got = sqrt(x)
    assert got.dtype == dt
    if EXACT:
        np.testing.assert_array_equal(got, want)
    else:                                       # both within an ulp of the true root
        np.testing.assert_array_max_ulp(got[np.isfinite(want)], want[np.isfinite(want)], maxulp=2)
    num = ~np.isnan(want)                       # (the sign of a NaN may differ)
    assert np.array_equal(np.signbit(got[num]), np.signbit(want[num]))
    for v in x[:200]:                           # 0-d, as LBFGS's line search uses it
        r = sqrt(v)
        assert type(r) is type(v)
        _same(r, torch.tensor(v).sqrt().item(), dt)
