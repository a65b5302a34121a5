"""Antialiased ``F.interpolate`` on float32 (bilinear / bicubic), computed as torch's CPU kernel does.

torch resamples one axis at a time, the last (width) first and then height, each axis skipped when its
size does not change; every output is ``out = sum_j x[lo + j] * w[j]`` accumulated in float32 from
``j = 0``.  The taps' weights come from ``_compute_indices_min_size_weights_aa`` with its mixed
float/double C arithmetic (``center = scale * (o + 0.5)`` rounded to float; the filter's argument
``(j + lo - center) + 0.5`` and its scaling in double, rounded to float on the call).

The accumulation's rounding is that of the compiled loop (AVX2 build): after ``x[lo] * w[0]`` the
taps ``j = 1..`` run in blocks of four whose products are rounded before each add, and the leftover
``(K - 1) % 4`` taps each use one fused multiply-add (``fma32``): measured against torch, see
tests/parity/test_sweep23i.py.  torch's forward quirk for an output width of 1 is kept: first_row_only.
"""
import functools

import numpy as np

from ...ops._fma32 import fma32

f32 = np.float32


def _filter_bilinear(x):
    """Triangle 1 - |x| on |x| < 1."""
    x = abs(x)
    return f32(1.0 - x) if x < 1.0 else f32(0.0)


def _filter_bicubic(x, a=f32(-0.5)):
    """Keys' cubic, A = -0.5: ((A+2)|x| - (A+3)) x^2 + 1 on |x| < 1, ((A|x| - 5A)|x| + 8A)|x| - 4A on |x| < 2;
    in float32 with the multiply-adds fused, as compiled."""
    x = abs(f32(x))
    if x < 1.0:
        return _fma(_fma(a + 2, x, -(a + 3)) * x, x, f32(1.0))
    if x < 2.0:
        return _fma(_fma(_fma(a, x, -5 * a), x, 8 * a), x, -4 * a)
    return f32(0.0)


def _fma(p, q, r):
    return f32(fma32(f32(p), f32(q), f32(r)))


@functools.lru_cache(maxsize=256)
def aa_taps(n_in, n_out, scale, bicubic):
    """(lo, w): for each output its first input and float32 weights (rows padded with zeros to one length);
    ``scale`` is torch's area_pixel_compute_scale (input step per output); ``bicubic`` True, False
    (bilinear) or "lanczos" (upsample_lanczos)."""
    if bicubic == "lanczos":
        from .upsample_lanczos import RADIUS as radius, lanczos32 as filt
    else:
        filt, radius = (_filter_bicubic, 2.0) if bicubic else (_filter_bilinear, 1.0)
    scale = f32(scale)
    support = f32(radius * scale) if scale >= 1.0 else f32(radius)
    invscale = f32(1.0 / float(scale)) if scale >= 1.0 else f32(1.0)
    rows, los = [], []
    for o in range(n_out):
        center = f32(float(scale) * (o + 0.5))
        lo = max(int(float(f32(center - support)) + 0.5), 0)
        hi = min(int(float(f32(center + support)) + 0.5), n_in)
        w = [filt(f32((float(f32(f32(j) - center)) + 0.5) * float(invscale))) for j in range(lo, hi)]
        total = f32(0.0)
        for v in w:
            total = f32(total + v)
        if total != 0.0:
            w = [f32(v / total) for v in w]
        los.append(lo)
        rows.append(w)
    width = max(len(r) for r in rows)
    wts = np.zeros((n_out, width), np.float32)
    sizes = np.array([len(r) for r in rows])
    for o, r in enumerate(rows):
        wts[o, :len(r)] = r
    los = np.array(los)
    for a in (los, sizes, wts):
        a.flags.writeable = False                # cached: shared between calls
    return los, sizes, wts


def taps_matrix(n_in, taps):
    """The dense (n_out, n_in) map of ``taps`` (for the backward)."""
    lo, sizes, wts = taps
    a = np.zeros((len(lo), n_in))
    for o in range(len(lo)):
        a[o, lo[o]:lo[o] + sizes[o]] = wts[o, :sizes[o]]
    return a


def resample_axis(x, n_in, taps):
    """Resample the last axis of float32 ``x`` with ``taps``, in torch's float32 order (module docstring)."""
    lo, sizes, wts = taps
    idx = np.minimum(lo[:, None] + np.arange(wts.shape[1]), n_in - 1)
    out = x[..., idx[:, 0]] * wts[:, 0]
    blocked = 1 + 4 * ((sizes - 1) // 4)        # taps below this are in a block of four: no fma
    for j in range(1, wts.shape[1]):
        plain = np.nonzero(j < np.minimum(blocked, sizes))[0]     # the outputs adding tap j unfused
        fused = np.nonzero((j >= blocked) & (j < sizes))[0]      # those adding it with an fma
        if plain.size:
            out[..., plain] += x[..., idx[plain, j]] * wts[plain, j]
        if fused.size:
            xj = np.ascontiguousarray(x[..., idx[fused, j]])
            out[..., fused] = fma32(xj, np.ascontiguousarray(np.broadcast_to(wts[fused, j], xj.shape)),
                                    np.ascontiguousarray(out[..., fused]))
    return out


def interpolate_aa32(x, out_size, scales, bicubic):
    """(output, per-axis dense maps) for float32 ``x`` (N, C, H, W); ``scales`` torch's per-axis steps."""
    mats, y = [], x
    for axis in (3, 2):
        n_in, n_out = x.shape[axis], out_size[axis - 2]
        taps = aa_taps(n_in, n_out, scales[axis - 2], bicubic)
        mats.insert(0, taps_matrix(n_in, taps))
        if axis == 2 and out_size[1] == 1:
            taps = first_row_only(taps)
        if n_in != n_out:
            y = np.moveaxis(resample_axis(np.moveaxis(y, axis, -1), n_in, taps), -1, axis)
    return np.ascontiguousarray(y, np.float32), mats


def first_row_only(taps):
    """torch's forward quirk: with an output width of 1, the height pass gives every output row the taps of
    row 0 (its kernel takes the zero-stride loop, which reads the first output's indices and weights), so
    all rows equal the first; its backward uses each row's own taps."""
    lo, sizes, wts = taps
    return np.full_like(lo, lo[0]), np.full_like(sizes, sizes[0]), np.broadcast_to(wts[:1], wts.shape)
