"""The fast float32 normal kernel (``_rng_normal32._block_chunk``) against torch, at sizes where
every chunk boundary and the redrawn last block are exercised, and against the op-by-op
reference kernel on every possible input."""

import numpy as np
import pytest
import torch

from glasstorch import _rng_normal32 as K
from glasstorch._rng_normal import normal
from glasstorch._generator import Generator

BIG = 5_000_000


def seeded(seed):
    torch.manual_seed(seed)
    return Generator().manual_seed(seed)


def same_bytes(t, a):
    b = t.numpy()
    assert a.dtype == b.dtype and a.shape == b.shape
    if a.tobytes() != b.tobytes():
        bad = np.flatnonzero(a.view(np.int32) != b.view(np.int32))
        raise AssertionError(f"{bad.size} of {a.size} differ, first at {bad[:5]}")


# Seeds 12 and 18 draw a radius uniform of 0 (u1 = 1: a zero radius, -0 in log256's arithmetic)
# at elements 411,302 and 2,523,650 with a positive cosine / sine: torch's fma(v, 1, 0) gives +0.
@pytest.mark.parametrize("seed", [0, 12, 18, 2 ** 32 + 12345])
def test_randn_float32_five_million(seed):
    g = seeded(seed)
    same_bytes(torch.randn(BIG), g.normal(BIG))
    # a second draw from the same streams, with a partial last block
    same_bytes(torch.randn(BIG + 3), g.normal(BIG + 3))


@pytest.mark.parametrize("seed, mean, std", [(0, 2.0, 3.0), (7, -1.5, 0.25), (11, 0.0, 2.5),
                                             (13, 4.0, 1.0), (17, 1e-3, 1e-4)])
def test_normal_float32_five_million(seed, mean, std):
    g = seeded(seed)
    same_bytes(torch.empty(BIG + 9).normal_(mean, std), g.normal(BIG + 9, np.float32, mean, std))


def test_fast_kernel_matches_reference_on_every_input():
    """log256 and sincos256 each see one 24-bit integer, so all 2**24 of them can be tried:
    the fast kernel (no halfway checks) equals the op-by-op reference (with them)."""
    f32 = np.float32
    k_max = 1 << 24
    step = 1 << 20
    w = K._Work(step)
    ones = np.ones(step, f32)
    for start in range(0, k_max, step):
        k = np.arange(start, start + step, dtype=np.int32)
        u = k.astype(f32) * f32(2.0 ** -24)
        ref_r = np.sqrt(f32(-2) * K._log256(f32(1) - u))
        ref_s, ref_c = K._sincos256(K._TWO_PI_F32 * u)
        r = K._radius_fast(k, w, step)
        assert np.array_equal(r.view(np.int32), ref_r.view(np.int32)), start
        c, sn, j = K._sincos_fast(k, w, step)
        K._finish(ones, c, sn, j, w, step)       # radius 1: the signed cos / sin
        assert np.array_equal(c.view(np.int32), ref_c.view(np.int32)), start
        assert np.array_equal(sn.view(np.int32), ref_s.view(np.int32)), start
        # _block_chunk's -0 fix relies on this: the only zeros are the radius and the sine
        # (+0) for k = 0, never a zero from the polynomials.
        zero = np.flatnonzero((c == 0) | (sn == 0)) + start
        assert zero.tolist() == ([0] if start == 0 else [])
        if start == 0:
            assert ref_r[0] == 0 and np.all(ref_r[1:] > 0) and not np.signbit(sn[0])
        else:
            assert np.all(ref_r > 0)


@pytest.mark.parametrize("n", [16, 17, 31, 1000, 5003, 8 * 32768 + 5, 16 * 32768, 16 * 32768 + 16])
@pytest.mark.parametrize("mean, std", [(0.0, 1.0), (2.0, 3.0), (0.0, 3.0), (-5.0, 1.0)])
def test_fast_matches_reference_kernel(n, mean, std):
    a = normal(Generator(n), n, np.float32, mean, std, True)
    b = K._blocks_f32_reference(Generator(n), n, np.float32(mean), np.float32(std))
    assert a.tobytes() == b.tobytes()
