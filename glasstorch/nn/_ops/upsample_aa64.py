"""Antialiased ``F.interpolate`` on float64 (bilinear / bicubic / lanczos), computed as torch's CPU kernel
computes it: the float32 scheme of upsample_aa32 carried out in double.

The taps' weights come from ``_compute_indices_min_size_weights_aa<double>`` (centre ``scale (o + 0.5)``,
filter argument ``((j - centre) + 0.5) * invscale``, weights normalised by their running sum); Keys'
cubic (A = -0.5) has its multiply-adds fused as compiled.  Each output sums its taps from ``j = 0``:
after ``x[lo] * w[0]`` the taps run in blocks of two whose products are rounded before each add, and
the leftover tap (an even count of taps) uses one fused multiply-add (measured against torch,
tests/parity/test_sweep27a.py).  Width first, then height; an axis whose size does not change is
skipped.
"""
import functools
import math

import numpy as np

from .upsample_aa32 import first_row_only, taps_matrix
from .upsample_src import _fma

f64 = np.float64


def _bilinear(x):
    x = abs(x)
    return 1.0 - x if x < 1.0 else 0.0


def _bicubic(x, a=-0.5):
    x = abs(x)
    if x < 1.0:
        return float(_fma(_fma(a + 2, x, -(a + 3), f64) * x, x, 1.0, f64))
    if x < 2.0:
        return float(_fma(_fma(_fma(a, x, -5 * a, f64), x, 8 * a, f64), x, -4 * a, f64))
    return 0.0


@functools.lru_cache(maxsize=256)
def aa_taps64(n_in, n_out, scale, kind):
    """(lo, sizes, weights) as upsample_aa32.aa_taps, in double; ``kind`` is "bilinear", "bicubic" or
    "lanczos"."""
    if kind == "lanczos":
        from .upsample_lanczos import RADIUS as radius, lanczos64 as filt
    else:
        filt, radius = (_bicubic, 2.0) if kind == "bicubic" else (_bilinear, 1.0)
    support = radius * scale if scale >= 1.0 else radius
    invscale = 1.0 / scale if scale >= 1.0 else 1.0
    max_size = int(math.ceil(support)) * 2 + 1
    rows, los = [], []
    for o in range(n_out):
        center = scale * (o + 0.5)
        lo = max(int(center - support + 0.5), 0)
        size = min(max(min(int(center + support + 0.5), n_in) - lo, 0), max_size)
        w = [filt((j + lo - center + 0.5) * invscale) for j in range(size)]
        total = 0.0
        for v in w:
            total += v
        if total != 0.0:
            w = [v / total for v in w]
        los.append(lo)
        rows.append(w)
    width = max(1, max(len(r) for r in rows))
    wts = np.zeros((n_out, width), f64)
    for o, r in enumerate(rows):
        wts[o, :len(r)] = r
    los, sizes = np.array(los), np.array([len(r) for r in rows])
    for a in (los, sizes, wts):
        a.flags.writeable = False                # cached: shared between calls
    return los, sizes, wts


def resample_axis64(x, n_in, taps):
    """Resample the last axis of float64 ``x`` with ``taps``, in torch's order (module docstring)."""
    lo, sizes, wts = taps
    idx = np.minimum(lo[:, None] + np.arange(wts.shape[1]), n_in - 1)
    out = x[..., idx[:, 0]] * wts[:, 0]
    blocked = 1 + 2 * ((sizes - 1) // 2)        # taps below this are in a block of two: no fma
    for j in range(1, wts.shape[1]):
        plain = np.nonzero(j < np.minimum(blocked, sizes))[0]
        fused = np.nonzero((j >= blocked) & (j < sizes))[0]
        if plain.size:
            out[..., plain] += x[..., idx[plain, j]] * wts[plain, j]
        if fused.size:
            out[..., fused] = _fma(x[..., idx[fused, j]], wts[fused, j], out[..., fused], f64)
    return out


def interpolate_aa64(x, out_size, scales, kind):
    """(output, per-axis dense maps, per-axis taps) for float64 ``x`` (N, C, H, W); ``scales`` torch's
    per-axis steps."""
    mats, y, all_taps = [], x, []
    for axis in (3, 2):
        n_in, n_out = x.shape[axis], out_size[axis - 2]
        taps = aa_taps64(n_in, n_out, float(scales[axis - 2]), kind)
        mats.insert(0, taps_matrix(n_in, taps))
        all_taps.insert(0, taps)
        if axis == 2 and out_size[1] == 1:
            taps = first_row_only(taps)
        if n_in != n_out:
            y = np.moveaxis(resample_axis64(np.moveaxis(y, axis, -1), n_in, taps), -1, axis)
    return np.ascontiguousarray(y, f64), mats, all_taps


def aa_backward(g, in_shape, taps):
    """torch's antialiased backward (``upsample_separable_Nd_backward_aa``) for float32 / float64:
    outputs in C order, each adding ``(wx[x] * wy[y]) * g`` with a fused multiply-add to its inputs,
    y outer and x inner.  Unlike the forward it does not skip an axis whose size is unchanged: the
    taps there (computed for scale 1) are used as they are; ``taps`` is (height taps, width taps)."""
    from .upsample_src import _ordered_scatter
    ct = g.dtype.type
    (lo_h, sz_h, w_h), (lo_w, sz_w, w_w) = taps
    n_h, n_w = in_shape[-2:]
    o_h, o_w = len(lo_h), len(lo_w)
    ky, kx = w_h.shape[1], w_w.shape[1]
    # every (output row, output column, tap y, tap x) in that order, the taps past a row's size dropped
    oh = np.arange(o_h)[:, None, None, None]
    ow = np.arange(o_w)[None, :, None, None]
    y = np.arange(ky)[None, None, :, None]
    x = np.arange(kx)[None, None, None, :]
    valid = ((y < sz_h[oh]) & (x < sz_w[ow])).reshape(-1)
    tgt = ((lo_h[oh] + y) * n_w + lo_w[ow] + x).reshape(-1)[valid]
    src = np.broadcast_to(oh * o_w + ow, (o_h, o_w, ky, kx)).reshape(-1)[valid]
    wts = (np.asarray(w_h, ct)[:, None, :, None] * np.asarray(w_w, ct)[None, :, None, :]).astype(ct)
    wts = wts.reshape(-1)[valid]                  # wx * wy in the dtype, as torch's product
    return _ordered_scatter(g, 2, (n_h, n_w), tgt, src, lambda acc, sel, gv: _fma(wts[sel], gv, acc, ct))
