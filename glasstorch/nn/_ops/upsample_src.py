"""Where torch's interpolating kernels read, and how its linear kernels round (float32 / float64).

torch's CPU kernels (UpSampleKernel.cpp, built with FMA contraction) place output ``o`` at the source
position ``src = scale * (o + 0.5) - 0.5`` computed as one fused multiply-add in the op-math type
(float32 for float32 input, float64 for double), rounded once, and clamped at 0 for the linear
modes (not for cubic); ``align_corners`` uses ``scale * o``.  The integer part is ``floorf(src)``, a
float32 floor even for double input (so a double position just below an integer that rounds up to
it in float32 reads the next input), capped at ``n_in - 1``, and the fraction ``src - i0`` is clamped
to [0, 1].  A linear axis whose size does not change is copied (weights 1 and 0), whatever the scale.

Keys' cubic coefficients (A = -0.75) are rounded as compiled: ``((A + 2) x - (A + 3)) x x + 1`` with
its first multiply-add fused and the last product and add rounded apart, and
``((A x - 5A) x + 8A) x - 4A`` with the first two fused and the last rounded apart (measured against
torch, tests/parity/test_sweep27a.py).

torch's non-separable kernel (linear, bilinear and trilinear where it does not pick its channels-last
kernel, bicubic) resamples innermost axis first, each output ``fma(x0, w0, x1 * w1)`` and then
``fma(xj, wj, s)`` for the further taps: ``taps_fma``.  The channels-last kernel sums the corners
with products of the axes' weights: ``linear_channels_last``.
"""
import numpy as np

from ...ops._fma32 import fma32
from ..._rng_fma import fma64


def _fma(a, b, c, ct):
    """``a*b + c`` rounded once in ``ct`` (float32 or float64), element-wise."""
    a, b, c = np.broadcast_arrays(np.asarray(a, ct), np.asarray(b, ct), np.asarray(c, ct))
    if ct == np.float64:
        return np.asarray(fma64(a, b, c), np.float64).reshape(a.shape)
    return fma32(np.ascontiguousarray(a), np.ascontiguousarray(b), np.ascontiguousarray(c))


def source_index(n_in, n_out, scale, align_corners, ct, cubic=False):
    """torch's ``area_pixel_compute_source_index`` and ``guard_index_and_lambda``: the first input
    index ``i0`` (int64) and the fraction ``lam`` (in ``ct``) of each output position."""
    s = ct(scale)
    dst = np.arange(n_out, dtype=ct)
    if align_corners:
        src = dst * s
    else:
        src = _fma(s, dst + ct(0.5), ct(-0.5), ct)
        if not cubic:
            src = np.maximum(src, ct(0))
    i0 = np.minimum(np.floor(src.astype(np.float32)).astype(np.int64), n_in - 1)
    lam = np.clip(src - i0.astype(ct), 0, 1).astype(ct)
    return i0, lam


def linear_weights(n_in, n_out, scale, align_corners, ct):
    """(i0, i1, l0, l1) of the linear modes along one axis."""
    if n_in == n_out:                       # torch copies an unchanged axis
        i = np.arange(n_out)
        return i, i, np.ones(n_out, ct), np.zeros(n_out, ct)
    i0, l1 = source_index(n_in, n_out, scale, align_corners, ct)
    i1 = i0 + (i0 < n_in - 1)
    return i0, i1, (ct(1) - l1).astype(ct), l1


def cubic_weights(n_in, n_out, scale, align_corners, ct, A=-0.75):
    """The four clamped input indices and Keys' weights of each output position (bicubic mode)."""
    i0, t = source_index(n_in, n_out, scale, align_corners, ct, cubic=True)
    A, one = ct(A), ct(1)

    def near(x):                            # |x| <= 1
        return ((_fma(A + 2, x, -(A + 3), ct) * x) * x + one).astype(ct)

    def far(x):                             # 1 < |x| < 2
        return (_fma(_fma(A, x, -5 * A, ct), x, 8 * A, ct) * x - 4 * A).astype(ct)
    x2 = (one - t).astype(ct)
    w = [far((t + one).astype(ct)), near(t), near(x2), far((x2 + one).astype(ct))]
    idx = [np.clip(i0 - 1 + k, 0, n_in - 1) for k in range(4)]
    return idx, w


def taps_matrix(n_in, taps):
    """The (n_out, n_in) resampling matrix of one axis' taps (for the backward)."""
    idx, w = taps
    a = np.zeros((len(w[0]), n_in))
    for i, wj in zip(idx, w):
        np.add.at(a, (np.arange(len(wj)), i), wj)
    return a


def taps_fma(x, taps):
    """Resample the trailing axes of ``x`` (float32 / float64) with per-axis taps ``(indices, weights)``
    (two for linear, four for cubic), the last axis first, as torch's non-separable kernel rounds:
    ``fma(x3, w3, fma(x2, w2, fma(x0, w0, x1 * w1)))``, in x's dtype."""
    ct = x.dtype.type
    nd = len(taps)
    for k in reversed(range(nd)):
        idx, w = taps[k]
        axis = x.ndim - nd + k
        shape = [1] * x.ndim
        shape[axis] = -1
        s = np.take(x, idx[1], axis=axis) * np.asarray(w[1], ct).reshape(shape)
        s = _fma(np.take(x, idx[0], axis=axis), np.asarray(w[0], ct).reshape(shape), s, ct)
        for i, wj in zip(idx[2:], w[2:]):
            s = _fma(np.take(x, i, axis=axis), np.asarray(wj, ct).reshape(shape), s, ct)
        x = s
    return x


def linear_channels_last(x, weights, lanes=None):
    """torch's channels-last bilinear / trilinear kernel: each output sums the 2**nd corner inputs
    times the products of their per-axis weights (``(d * h) * w``, rounded in turn), the corners in
    C order.  Channels are processed by AVX2 vectors (8 float32 / 4 float64 lanes) summing from the
    last corners, ``fma(c0, w0, fma(c1, w1, ... fma(c_last, w_last, c_last-1 * w_last-1)))``, and the
    leftover channels by scalar code summing from the first, ``fma(c_last, w_last, ... fma(c0, w0,
    c1 * w1))``: the contractions the compiler made, measured against torch."""
    if x.dtype == np.float16:       # op-math float32 weights and sums, 16 lanes a vector
        return linear_channels_last(x.astype(np.float32), weights, lanes=16).astype(np.float16)
    ct = x.dtype.type
    nd = len(weights)
    corners, cw = [], []
    for bits in np.ndindex(*([2] * nd)):
        idx = tuple(np.asarray(weights[k][b]).reshape([-1 if j == k else 1 for j in range(nd)])
                    for k, b in enumerate(bits))
        w = None
        for k, b in enumerate(bits):
            lam = np.asarray(weights[k][2 + b], ct).reshape([-1 if j == k else 1 for j in range(nd)])
            w = lam if w is None else (w * lam).astype(ct)
        corners.append(x[(Ellipsis,) + idx])
        cw.append(np.broadcast_to(w, corners[-1].shape[-nd:]))
    C = x.shape[1]
    vec = C - C % (lanes or 32 // x.itemsize)
    out = np.empty(corners[0].shape, ct)
    if vec:
        s = _fma(corners[-1][:, :vec], cw[-1], corners[-2][:, :vec] * cw[-2], ct)
        for c, w in zip(corners[-3::-1], cw[-3::-1]):
            s = _fma(c[:, :vec], w, s, ct)
        out[:, :vec] = s
    if vec < C:
        s = _fma(corners[0][:, vec:], cw[0], corners[1][:, vec:] * cw[1], ct)
        for c, w in zip(corners[2:], cw[2:]):
            s = _fma(c[:, vec:], w, s, ct)
        out[:, vec:] = s
    return out


def uses_channels_last(x, out_size, nd, mode="bilinear"):
    """torch's choice of its channels-last kernel (``_use_channels_last_kernel_2d/3d``) for the
    nearest modes, and for the linear ones on float32 / float64: a channels-last input with more
    than 3 channels; in 2-d also any output with H + W <= 128, and for bilinear a 3-channel input
    when torch runs on one thread."""
    nearest = mode in ("nearest", "nearest-exact")
    if not nearest and x.dtype not in (np.float16, np.float32, np.float64) or x.size == 0 or nd not in (2, 3):
        return False
    if x.shape[1] > 3 and np.moveaxis(x, 1, -1).flags.c_contiguous:
        return True
    if nd == 3:
        return False
    from ... import get_num_threads
    return out_size[0] + out_size[1] <= 128 or (not nearest and x.shape[1] == 3 and get_num_threads() == 1)


def uses_taps_fma(x, mode):
    """Whether ``taps_fma`` computes this input as torch does: float16, float32 and float64, the modes
    of the non-separable kernel (where ``uses_channels_last`` has not picked the channels-last one)."""
    if x.dtype not in (np.float16, np.float32, np.float64) or x.size == 0:
        return False
    return mode in ("linear", "bilinear", "trilinear", "bicubic")


def taps_fma_half(x, taps):
    """``taps_fma`` for float16: torch stores the weights in float16 and sums in float32 (op-math),
    rounding the result to float16 once."""
    def half(ws):
        if len(ws) == 2:            # linear: lambda0 = 1 - lambda1 taken in float16
            w1 = np.asarray(ws[1], np.float16)
            w0 = (np.float32(1) - w1.astype(np.float32)).astype(np.float16)
            return [w0.astype(np.float32), w1.astype(np.float32)]
        return [np.asarray(w, np.float16).astype(np.float32) for w in ws]
    taps = [(idx, half(ws)) for idx, ws in taps]
    return taps_fma(x.astype(np.float32), taps).astype(np.float16)


def nearest_index(n_in, n_out, scale, exact, ct, channels_last=False):
    """The input each output copies: 'nearest' reads ``floorf(scale * o)``, 'nearest-exact'
    ``floorf(src + 0.5)`` with ``src`` the (fused, clamped at 0) source position above; the sum taken
    in double and rounded to float32 by ``floorf``; both capped at ``n_in - 1``.  ``ct`` is the
    op-math type: float64 for double input, else float32 (uint8 too).

    torch's channels-last nearest kernel (``uses_channels_last``) has its own rounding: a float32
    scale whatever the dtype, 'nearest' copying an unchanged axis and reading ``o >> 1`` when the
    size doubles, 'nearest-exact' reading ``floorf((o + 0.5) * scale)`` (product in double)."""
    if channels_last:
        if not exact and n_out in (n_in, 2 * n_in):
            return np.arange(n_out) // (n_out // n_in)
        s = np.float32(scale)
        src = (np.arange(n_out) + 0.5) * np.float64(s) if exact else np.arange(n_out, dtype=np.float32) * s
        return np.minimum(np.floor(src.astype(np.float32)).astype(np.int64), n_in - 1)
    s = ct(scale)
    dst = np.arange(n_out, dtype=ct)
    if exact:
        src = np.maximum(_fma(s, dst + ct(0.5), ct(-0.5), ct), ct(0)).astype(np.float64) + 0.5
    else:
        src = dst * s
    return np.minimum(np.floor(src.astype(np.float32)).astype(np.int64), n_in - 1)


def linear_backward(g, weights, in_shape):
    """torch's backward of the linear modes (``cpu_upsample_linear_backward``) for float32 / float64:
    the output positions in C order, each adding ``w * g`` to its 2**nd corners in C order with one
    fused multiply-add, ``w`` the product of the axes' weights rounded in turn (``(d * h) * w``).

    Each input's additions keep that order: the k-th addition into every input is done in round k
    (the inputs of one round are distinct), each round one array operation over all channels."""
    ct = g.dtype.type
    nd = len(weights)
    out_sp, in_sp = g.shape[-nd:], tuple(in_shape[-nd:])
    tgt, wts = [], []
    for bits in np.ndindex(*([2] * nd)):
        idx = np.zeros(out_sp, np.int64)
        w = None
        for k, b in enumerate(bits):
            shape = [-1 if j == k else 1 for j in range(nd)]
            idx = idx * in_sp[k] + np.asarray(weights[k][b]).reshape(shape)
            lam = np.asarray(weights[k][2 + b], ct).reshape(shape)
            w = lam if w is None else (w * lam).astype(ct)
        tgt.append(np.broadcast_to(idx, out_sp).reshape(-1))
        wts.append(np.broadcast_to(w, out_sp).reshape(-1))
    tgt = np.stack(tgt, 1).reshape(-1)                  # output-major, corner-minor: torch's order
    wts = np.stack(wts, 1).reshape(-1)
    src = np.repeat(np.arange(int(np.prod(out_sp))), 2 ** nd)
    return _ordered_scatter(g, nd, in_sp, tgt, src, lambda acc, sel, gv: _fma(wts[sel], gv, acc, ct))


def _ordered_scatter(g, nd, in_sp, tgt, src, update):
    """Accumulate into a zero gradient of spatial shape ``in_sp`` the contributions of ``g``'s
    flattened outputs ``src`` into inputs ``tgt``, in list order per input: round k applies every
    input's k-th contribution, ``acc[t] = update(acc[t], selection, g[src])`` (``selection``: the
    round's positions in the lists)."""
    order = np.argsort(tgt, kind="stable")
    first = np.r_[0, np.flatnonzero(np.diff(tgt[order])) + 1]
    rank = np.empty(tgt.size, np.int64)
    rank[order] = np.arange(tgt.size) - np.repeat(first, np.diff(np.r_[first, tgt.size]))
    lead = g.shape[:-nd]
    gf = g.reshape((-1, int(np.prod(g.shape[-nd:]))))
    acc = np.zeros((gf.shape[0], int(np.prod(in_sp))), g.dtype)
    by_rank = np.argsort(rank, kind="stable")
    bounds = np.searchsorted(rank[by_rank], np.arange(int(rank.max()) + 2 if rank.size else 0))
    for lo, hi in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
        sel = by_rank[lo:hi]                    # the contributions of this round (distinct inputs)
        t = tgt[sel]
        acc[:, t] = update(acc[:, t], sel, gf[:, src[sel]])
    return acc.reshape(lead + tuple(in_sp))


def bicubic_backward(g, in_shape, scales, align_corners):
    """torch's bicubic backward (``upsample_bicubic2d_backward_out_frame``, compiled without FMA):
    source positions and Keys' coefficients in plain float arithmetic, each output (C order) adding
    ``(g * wy[j]) * wx[i]`` to its 16 neighbours (edges clamped), x outer and y inner.  When no size
    changes it copies ``g``, though the forward resampled with the scale factor's weights."""
    ct = g.dtype.type
    (n_h, n_w), (o_h, o_w) = in_shape[-2:], g.shape[-2:]
    if (n_h, n_w) == (o_h, o_w):
        return g.copy()

    def taps(n_in, n_out, scale):
        s, dst, A, one = ct(scale), np.arange(n_out, dtype=ct), ct(-0.75), ct(1)
        src = dst * s if align_corners else (dst + ct(0.5)) * s - ct(0.5)
        i0 = np.minimum(np.floor(src.astype(np.float32)).astype(np.int64), n_in - 1)
        t = np.clip(src - i0.astype(ct), 0, 1).astype(ct)

        def near(x):
            return ((A + 2) * x - (A + 3)) * x * x + one

        def far(x):
            return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A
        x2 = (one - t).astype(ct)
        return i0, [far((t + one).astype(ct)), near(t), near(x2), far((x2 + one).astype(ct))]
    iy, wy = taps(n_h, o_h, scales[0])
    ix, wx = taps(n_w, o_w, scales[1])
    tgt, src, cy, cx = [], [], [], []
    oy, ox = np.meshgrid(np.arange(o_h), np.arange(o_w), indexing="ij")
    for i in range(4):
        for j in range(4):
            tgt.append(np.clip(iy[oy] - 1 + j, 0, n_h - 1) * n_w + np.clip(ix[ox] - 1 + i, 0, n_w - 1))
            src.append(oy * o_w + ox)
            cy.append(wy[j][oy])
            cx.append(wx[i][ox])
    tgt, src, cy, cx = (np.stack([v.reshape(-1) for v in a], 1).reshape(-1) for a in (tgt, src, cy, cx))
    return _ordered_scatter(g, 2, (n_h, n_w), tgt, src, lambda acc, sel, gv: acc + (gv * cy[sel]) * cx[sel])
