"""``F.interpolate`` of uint8 images (bilinear / bicubic, with or without antialias), as torch's CPU
kernel computes it (Pillow's fixed-point scheme, UpSampleKernel.cpp):

* per axis, each output's weights come in double -- antialias: the filter stretched over the
  input ``(j + xmin - centre + 0.5) / scale`` and normalised; otherwise the 2 or 4 taps around
  ``(o + 0.5) * scale - 0.5``, taps outside the image folded onto the edge pixel;
* the weights become int16 with ``p`` fraction bits, ``p`` the largest (< 22) keeping
  ``round(max weight * 2**(p + 1)) < 2**15``; each weight ``round(w * 2**p)`` (half away from 0);
* a pass is ``clamp((sum_j w_j x_j + 2**(p - 1)) >> p, 0, 255)`` in integers: first along the
  width, then along the height (an axis whose size does not change is skipped).
Bicubic uses Keys' cubic with A = -0.5 under antialias and A = -0.75 without; lanczos (antialias only)
the Lanczos-3 filter in double (upsample_lanczos), six taps before the stretch."""
import math

import numpy as np


def _linear(x):
    x = abs(x)
    return 1.0 - x if x < 1.0 else 0.0


def _cubic(a):
    def f(x):
        x = abs(x)
        if x < 1.0:
            return ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0
        if x < 2.0:
            return ((a * x - 5.0 * a) * x + 8.0 * a) * x - 4.0 * a
        return 0.0
    return f


def _weights(n_in, n_out, scale, bicubic, antialias, align_corners):
    """Per output: (first input index, list of double weights); and the largest weight."""
    interp = 6 if bicubic == "lanczos" else 4 if bicubic else 2
    filt = _cubic(-0.5 if antialias else -0.75) if bicubic else _linear
    if bicubic == "lanczos":
        from .upsample_lanczos import lanczos64 as filt
    rows, wmax = [], 0.0
    if antialias:
        support = interp * 0.5 * scale if scale >= 1.0 else interp * 0.5
        max_size = int(math.ceil(support)) * 2 + 1
        invscale = 1.0 / scale if scale >= 1.0 else 1.0
        for o in range(n_out):
            centre = scale * (o + 0.5)
            lo = max(int(centre - support + 0.5), 0)
            size = min(max(min(int(centre + support + 0.5), n_in) - lo, 0), max_size)
            w = [filt((j + lo - centre + 0.5) * invscale) for j in range(size)]
            total = 0.0
            for v in w:
                total += v
            if total != 0.0:
                w = [v / total for v in w]
                wmax = max([wmax] + w)
            rows.append((lo, w))
        return rows, wmax
    sup = interp // 2
    for o in range(n_out):
        if align_corners:
            real = scale * o
        else:
            real = scale * (o + 0.5) - 0.5
            if not bicubic:
                real = max(real, 0.0)
        idx = min(int(math.floor(real)), n_in - 1)
        lam = min(max(real - idx, 0.0), 1.0)
        ub_lo = idx - sup + 1
        lo = max(ub_lo, 0)
        size = min(max(min(idx + sup + 1, n_in) - lo, 0), interp)
        w = [0.0] * interp
        k = 0
        for j in range(interp):
            v = filt(float(j + 1 - sup) - lam)
            if ub_lo + j <= 0:
                k = 0
            elif ub_lo + j >= n_in - 1:
                k = size - 1
            w[k] += v
            wmax = max(wmax, w[k])
            k += 1
        rows.append((lo, w[:size]))
    return rows, wmax


def _int16(rows, wmax):
    p = 0
    while p < 22 and int(0.5 + wmax * (1 << (p + 1))) < (1 << 15):
        p += 1
    scale = float(1 << p)
    return [(lo, [int(-0.5 + v * scale) if v * scale < 0 else int(0.5 + v * scale) for v in w]) for lo, w in rows], p


def _pass(x, rows, p):
    """One fixed-point pass along the last axis of the int64 array ``x``."""
    out = np.empty(x.shape[:-1] + (len(rows),), np.int64)
    for o, (lo, w) in enumerate(rows):
        acc = np.full(x.shape[:-1], 1 << (p - 1) if p > 0 else 0, np.int64)
        for j, wj in enumerate(w):
            acc += wj * x[..., lo + j]
        out[..., o] = np.clip(acc >> p, 0, 255)
    return out


def interpolate_uint8(x, out_size, scales, mode, align_corners, antialias):
    """uint8 (N, C, H, W) resampled to ``out_size`` (bilinear or bicubic)."""
    from .upsample import _scale
    bicubic = "lanczos" if mode == "lanczos" else mode == "bicubic"
    y = x.astype(np.int64)
    for axis in (3, 2):                          # width first, then height
        n_in, n_out, sf = x.shape[axis], out_size[axis - 2], scales[axis - 2]
        if n_in == n_out:                        # torch skips the axis (even where scale_factor != 1)
            continue
        rows, wmax = _weights(n_in, n_out, _scale(n_in, n_out, align_corners, sf), bicubic, antialias,
                              align_corners)
        rows, p = _int16(rows, wmax)
        y = np.moveaxis(_pass(np.moveaxis(y, axis, -1), rows, p), -1, axis)
    return y.astype(np.uint8)
