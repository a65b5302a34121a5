"""Where a 4-D ``F.grid_sample`` reads: torch's vectorised CPU kernel (GridSamplerKernel.cpp) maps a
normalised coordinate to a pixel coordinate with its own arithmetic, which rounds differently from
the scalar formulas of the 3-D kernel (``grid_sample._source_index``):

    align_corners=True:   ix = (g + 1) * ((size - 1) / 2)
    align_corners=False:  ix = (g + 1) * (size / 2) - 0.5     (one fused multiply-add)

Reflection folds ``ix - low`` by ``twice_span`` (``2 (size - 1)``, or ``2 size`` with low = -0.5):
``extra = |ix - low| - trunc(|ix - low| / twice_span) * twice_span``, then the smaller of ``extra``
and ``twice_span - extra`` (the derivative's sign flips with each fold).  Border and reflection then
clip to [0, size - 1] (a NaN coordinate becomes 0); the derivative is 0 where the clip holds.
The kernel is compiled with FMA contraction: each ``a * b + c`` there rounds once (``fma``)."""
import numpy as np

from ..._rng_fma import fma64
from ...ops._fma32 import fma32


def fma(a, b, c):
    """``a * b + c`` rounded once, in the dtype of ``c`` (float32 or float64); in float16 rounded
    after each operation (torch's Half vectors compute each operator in float and round back, so
    nothing fuses)."""
    if np.asarray(c).dtype == np.float16:
        return (np.asarray(a) * np.asarray(b)).astype(np.float16) + c
    if np.asarray(c).dtype == np.float64:
        return np.asarray(fma64(np.asarray(a, np.float64), np.asarray(b, np.float64), np.asarray(c, np.float64)))
    return fma32(a, b, c)


def unnormalize_2d(coord, size, align_corners):
    """Pixel coordinate of a normalised one, and d(pixel)/d(coord) (the scaling factor)."""
    dt = coord.dtype.type
    if align_corners:
        scale = dt(size - 1) / dt(2)
        return ((coord + dt(1)) * scale).astype(coord.dtype), scale
    scale = dt(size) / dt(2)
    return fma(coord + dt(1), scale, np.full(coord.shape, -0.5, coord.dtype)).astype(coord.dtype), scale


def reflect_2d(c, size, align_corners):
    """Fold pixel coordinates back into the image by reflection; also d(result)/d(c) (+-1, or 0 for a
    one-pixel axis with align_corners, which torch maps to 0)."""
    dt = c.dtype.type
    if align_corners and size <= 1:
        return np.zeros_like(c), np.zeros_like(c)
    low = dt(0) if align_corners else dt(-0.5)
    twice_span = dt(2 * (size - 1)) if align_corners else dt(2 * size)
    shifted = c - low
    a = np.abs(shifted)
    extra = fma(-np.trunc(a / twice_span), twice_span, a)
    flipped = twice_span - extra
    one_more = extra > flipped
    out = (np.where(one_more, flipped, extra) + low).astype(c.dtype)
    return out, np.where(one_more ^ (shifted < 0), dt(-1), dt(1)).astype(c.dtype)


def clip_2d(c, size):
    """Clamp into [0, size - 1] (NaN to 0); the derivative is 1 strictly inside, else 0."""
    hi = c.dtype.type(size - 1)
    out = np.minimum(np.fmax(c, c.dtype.type(0)), hi)
    return out.astype(c.dtype, copy=False), ((out != 0) & (out != hi)).astype(c.dtype)


def source_index_2d(coord, size, padding_mode, align_corners):
    """Pixel coordinate of a normalised one after padding, and its derivative."""
    c, scale = unnormalize_2d(coord, size, align_corners)
    grad = np.full(c.shape, scale, c.dtype)
    if padding_mode == "border":
        c, gc = clip_2d(c, size)
        grad = grad * gc
    elif padding_mode == "reflection":
        c, gr = reflect_2d(c, size, align_corners)
        c, gc = clip_2d(c, size)
        # torch's vectorised kernel masks (``grad_clip & grad``) rather than multiplies: a clipped
        # point's derivative is +0 even where the fold made it negative
        grad = np.where(gc != 0, grad * gr, c.dtype.type(0))
    return c, grad


def tap_2d(c, size, padding_mode, align_corners):
    """A bicubic tap (an integer-valued coordinate) after padding: its index and whether it is inside."""
    if padding_mode == "border":
        c = clip_2d(c, size)[0]
    elif padding_mode == "reflection":
        c = clip_2d(reflect_2d(c, size, align_corners)[0], size)[0]
    ci = c.astype(np.int64)
    return ci, (ci >= 0) & (ci < size)


def _lanes(dtype):
    """Values per SIMD vector in torch's kernel: 32-byte vectors, AVX-512 machines included
    (``_arange_kernel.vector_bytes``)."""
    from ..._arange_kernel import vector_bytes
    return vector_bytes() // np.dtype(dtype).itemsize


def scatter_in_order(gin, corners, n_pos):
    """Add each corner's (pixel index, inside mask, values) into ``gin`` (pixels x C) in torch's order:
    the sample points go by in vectors of ``_lanes`` points, and within one vector the corners'
    contributions (nw, ne, sw, se; or bicubic's 16 taps) are added in turn (the order matters where
    points share a pixel)."""
    step, k_all = _lanes(gin.dtype), len(corners)
    pos = np.arange(n_pos)
    keys, idx, vals = [], [], []
    for k, (pix, inside, v) in enumerate(corners):       # pix, inside: (n, P); v: (n, P, C)
        order = (np.arange(pix.shape[0])[:, None] * n_pos + pos // step * step) * k_all + k * step + pos % step
        keys.append(order[inside])
        idx.append(pix[inside])
        vals.append(v[inside])
    sort = np.argsort(np.concatenate(keys), kind="stable")
    np.add.at(gin, np.concatenate(idx)[sort], np.concatenate(vals)[sort])


def bilinear_backward_2d(xa, gm, ix, iy, gx_mult, gy_mult):
    """dx and dgrid of bilinear 4-D grid_sample, as torch's kernel: with w = ix - floor(ix), e = 1 - w,
    n = iy - floor(iy), s = 1 - n, channel after channel
        gx += ((v_ne - v_nw) s + (v_se - v_sw) n) g,   gy += ((v_sw - v_nw) e + (v_se - v_ne) w) g
    then times d(ix)/d(grid); dx gets g * (corner weight) at each corner inside the image."""
    n, ch, h, w = xa.shape
    dt = gm.dtype
    x0, y0 = np.floor(ix), np.floor(iy)
    fw, fn = (ix - x0).astype(dt), (iy - y0).astype(dt)
    e, s = dt.type(1) - fw, dt.type(1) - fn
    bidx = np.arange(n).reshape(n, 1, 1)
    corners = []
    for dy, dx, wt in ((0, 0, s * e), (0, 1, s * fw), (1, 0, fn * e), (1, 1, fn * fw)):
        cx, cy = (x0 + dx).astype(np.int64), (y0 + dy).astype(np.int64)
        inside = (cx >= 0) & (cx < w) & (cy >= 0) & (cy < h)
        vals = xa[bidx, :, np.clip(cy, 0, h - 1), np.clip(cx, 0, w - 1)]          # (n, H, W, C)
        corners.append((cy * w + cx + bidx * (h * w), inside, np.where(inside[..., None], vals, 0).astype(dt), wt))
    (_, _, v_nw, _), (_, _, v_ne, _), (_, _, v_sw, _), (_, _, v_se, _) = corners
    gix, giy = np.zeros(ix.shape, dt), np.zeros(ix.shape, dt)
    for c in range(ch):
        g = gm[..., c]
        gix = fma(fma(v_se[..., c] - v_sw[..., c], fn, (v_ne[..., c] - v_nw[..., c]) * s), g, gix)
        giy = fma(fma(v_se[..., c] - v_ne[..., c], fw, (v_sw[..., c] - v_nw[..., c]) * e), g, giy)
    ggrid = np.stack([gix * gx_mult, giy * gy_mult], -1).astype(dt)
    gin = np.zeros((n * h * w, ch), dt)
    n_pos = ix[0].size
    scatter_in_order(gin, [(p.reshape(n, -1), ok.reshape(n, -1), (gm * wt[..., None]).reshape(n, n_pos, ch))
                           for p, ok, _, wt in corners], n_pos)
    return np.moveaxis(gin.reshape(n, h, w, ch), -1, 1), ggrid
