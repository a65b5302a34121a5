"""torch's CPU kernels for the gradients of ``pdist`` and ``cdist`` (the direct path, CdistBackward0),
bit for bit (aten/src/ATen/native/cpu/DistanceOpsKernel.cpp, ``Dist<scalar_t>``) -- except which nan's
bits come out where nans meet (see ``_in_order``).

Per pair, with diff = x_i - x_j, g the pair's incoming gradient and y its distance, every operation
on ``Vectorized<scalar_t>`` lanes (so every pow is SLEEF's, ``_sleef_pow``; p is cast to the dtype,
p - 1 and p - 2 are computed in it; no fused multiply-adds):

    p = 0:       0
    p = 1:       g * sign(diff)
    p < 2:       y == 0 ? 0 : ((sign(diff) * |diff|^(p - 1)) * g) / y^(p - 1);  0 where diff == 0 if p < 1
    p = 2:       y == 0 ? 0 : (g * diff) / y
    p = inf:     (g * sign(diff)) * (1 - min(1, ceil(||diff| - y|)))
    other p:     y == 0 ? 0 : ((diff * |diff|^(p - 2)) * g) / y^(p - 1)

    sign(v) = min(max(0, ceil(v)), 1) + min(max(-1, floor(v)), 0)   (Vectorized's maximum / minimum:
              a nan operand gives a nan of all ones)

Accumulation, from a gradient filled with zeros, each element its own lane:
  pdist:  for i = 0 .. n-2, for j = i+1 .. n-1:  grad_i += r(i, j);  grad_j -= r(i, j)   (so row i
          first subtracts the pairs (0, i) .. (i-1, i), then adds (i, i+1) .. (i, n-1), in that order)
  cdist:  x1's gradient row i adds r(i, j) over j = 0 .. r2-1 in order (per batch, over the inputs
          expanded to the broadcast batch); x2's is the same kernel on (grad^T, x2, x1, dist^T)
          (derivatives.yaml), i.e. row j adds r(j, i) with diff = x2_j - x1_i over i in order.  The
          autograd engine then sums a broadcast batch away.
"""
import numpy as np

from ._sleef_pow import powd, powf

_ALL_ONES = {4: np.array(-1, np.int32).view(np.float32), 8: np.array(-1, np.int64).view(np.float64)}


def _max(a, b, nan):
    """Vectorized maximum: _mm256_max, or'ed with all ones where either operand is a nan."""
    return np.where(np.isnan(a) | np.isnan(b), nan, np.maximum(a, b))


def _min(a, b, nan):
    return np.where(np.isnan(a) | np.isnan(b), nan, np.minimum(a, b))


def _sign(v):
    t = v.dtype.type
    nan = _ALL_ONES[v.dtype.itemsize]
    return _min(_max(t(0), np.ceil(v), nan), t(1), nan) + _min(_max(t(-1), np.floor(v), nan), t(0), nan)


def _pow(x, e):
    """SLEEF's pow of an array x and a number e of x's dtype, x's shape."""
    return (powf if x.dtype == np.float32 else powd)(x, e).reshape(x.shape)


def terms(diff, g, y, p):
    """The per-p ``backward`` of the module docstring: diff (..., m), g and y (..., 1)."""
    t = diff.dtype.type
    pv = t(p)
    with np.errstate(all="ignore"):
        if p == 0:
            return np.zeros_like(diff)
        if p == 1:
            return g * _sign(diff)
        if p == np.inf:
            nan = _ALL_ONES[diff.dtype.itemsize]
            return (g * _sign(diff)) * (t(1) - _min(t(1), np.ceil(np.abs(np.abs(diff) - y)), nan))
        if p == 2:
            r = (g * diff) / y
        elif p < 2:
            e = pv - t(1)
            r = ((_sign(diff) * _pow(np.abs(diff), e)) * g) / _pow(y, e)
        else:           # (cdist's loop usually multiplies pow(|diff|, p - 2) * diff: a nan diff gives pow's nan)
            r = ((_pow(np.abs(diff), pv - t(2)) * diff) * g) / _pow(y, pv - t(1))
        r = np.where(y == 0, t(0), r)
        if p < 2 and pv < t(1):
            r = np.where(diff == 0, t(0), r)
        return r


def _in_order(parts, added=True):
    """Sums over axis -2 of ``parts`` added one by one to a zero, in order (an (..., m) array).
    ``added``: where a nan term replaces a nan sum (False: nowhere; a subtracted term's place in
    ``parts`` holds -term, a nan as it is).  Which nan comes out is the one thing not pinned down
    here: x86 passes on its first operand's nan, and the compiled kernels often add ``term + sum``
    (cdist's usually does: the last nan term wins), but not in every loop."""
    if parts.shape[-2] == 0:
        return np.zeros(parts.shape[:-2] + parts.shape[-1:], parts.dtype)
    parts = parts.copy()
    parts[..., 0, :] += parts.dtype.type(0)         # 0 + r: a -0 term starts the sum as +0, as torch's zero
    r = np.ascontiguousarray(np.cumsum(parts, axis=-2)[..., -1, :])
    nan = np.isnan(parts) & added
    if nan.any():                                   # the last nan term added wins
        k = parts.shape[-2] - 1 - np.argmax(nan[..., ::-1, :], axis=-2)
        last = np.take_along_axis(parts, k[..., None, :], axis=-2)[..., 0, :]
        r = np.where(nan.any(axis=-2), last, r)
    return r


def pdist_grad(g, x, y, p):
    """pdist's gradient (``_pdist_backward``) for the contiguous (n, m) input x, distances y and
    their gradient g (one per pair, the pairs (0, 1), (0, 2), ..., (n-2, n-1))."""
    n, m = x.shape
    if n < 2 or m == 0 or p == 0:
        return np.zeros_like(x)
    i, j = np.triu_indices(n, 1)
    r = terms(x[i] - x[j], g[:, None].astype(x.dtype, copy=False), y[:, None], p)       # (pairs, m)
    # row a's sequence: -r(t, a) for t < a, then +r(a, t + 1) for t >= a
    a = np.arange(n)[:, None]
    t = np.arange(n - 1)[None, :]
    lo, hi = np.minimum(a, t), np.where(t < a, a, t + 1)
    k = lo * n - lo * (lo + 1) // 2 + (hi - lo - 1)                                  # pair index of (lo, hi)
    parts = r[k]
    # (a nan is left as it is: x86's subtraction passes a nan operand on unchanged, sign and all)
    np.negative(parts, out=parts, where=(t < a)[..., None] & ~np.isnan(parts))
    return _in_order(parts, False)


def cdist_grads(g, x1, x2, y, p):
    """(x1's, x2's) gradients of the direct cdist (``_cdist_backward`` twice), over the inputs
    expanded to the broadcast batch (the caller sums a broadcast away)."""
    batch = np.broadcast_shapes(x1.shape[:-2], x2.shape[:-2])
    a = np.broadcast_to(x1, batch + x1.shape[-2:])
    b = np.broadcast_to(x2, batch + x2.shape[-2:])
    g = g.astype(a.dtype, copy=False)
    if 0 in a.shape or 0 in b.shape or p == 0:
        return np.zeros(a.shape, a.dtype), np.zeros(b.shape, b.dtype)
    return _rows(a, b, g, y, p), _rows(b, a, np.swapaxes(g, -1, -2), np.swapaxes(y, -1, -2), p)


_BLOCK = 1 << 21        # terms computed at a time (each row's sum is its own: blocks of rows)


def _rows(a, b, g, y, p):
    """Row i of a's gradient: the terms r(a_i - b_j, g_ij, y_ij) added over j in order."""
    per = max(1, _BLOCK // (g.size // a.shape[-2] * a.shape[-1]))
    out = [_in_order(terms(a[..., i:i + per, None, :] - b[..., None, :, :], g[..., i:i + per, :, None],
                           y[..., i:i + per, :, None], p))
           for i in range(0, a.shape[-2], per)]
    return out[0] if len(out) == 1 else np.concatenate(out, axis=-2)
