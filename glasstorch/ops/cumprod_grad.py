"""The gradient of ``y = cumprod(x, d)``, as torch's ``cumprod_backward`` computes it.

With no zero in x (anywhere in the tensor)::

    dx_k = sum_{j >= k} g_j * y_j / conj(x_k)      (reversed cumsum of w = conj(y) * g, over conj(x))

With zeros, z1 the first zero of a slice and z2 its second (or the end), dy_j/dx_k vanishes for
k > z1, and

    k <  z1:  dx_k  = sum_{k <= j < z1} w_j / conj(x_k)
    k == z1:  dx_z1 = conj(y_{z1-1}) * sum_{z1 <= j < z2} g_j * cumprod(conj(x[z1+1:z2]))_j

which torch evaluates with masks (O(n)).  That formula's own derivative is not cumprod's second
derivative, so under ``create_graph`` torch instead builds each dx_k from differentiable ops:
``sum(g[k:] * cat(prod(x[:k]), prod(x[:k]) * cumprod(x[k+1:])))``, written into a zero tensor
through ``select(d, k).copy_`` (the gradient's grad_fn is then CopySlices).  Both are followed
here, operation by operation, so the values round as torch's do.  A slice of length 1 (or a tensor
of at most one element) passes g through unchanged.
"""
import numpy as np

from .shape import is_array


def _rev_cumsum(w, d):
    from .cumulative import _running
    return np.flip(_running(np.cumsum, np.flip(w, d), d, w.dtype), d)


def cumprod_backward(g, x, y, d):
    """dx for gradient ``g``, input ``x`` and result ``y`` along axis ``d`` (arrays, or Tensors when the
    backward records a graph)."""
    # torch's formula takes grad.to(self.scalar_type()): cumprod(x, dtype=...) differentiates in x's dtype
    if is_array(g):
        return _plain(g if g.dtype == x.dtype else g.astype(x.dtype), x, y, d)
    return _recorded(g if g.dtype == x.dtype else g.to(x.dtype), x, y, d)


def _plain(g, x, y, d):
    from .cumulative import _running
    from .reduction import _sum_over
    if x.size <= 1 or x.shape[d] == 1:
        return g
    xc, yc = (np.conj(x), np.conj(y)) if x.dtype.kind == "c" else (x, y)
    w = yc * g
    zero = x == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        if not zero.any():
            return (_rev_cumsum(w, d) / xc).astype(g.dtype, copy=False)
        out = np.zeros(x.shape, g.dtype)
        nz = np.cumsum(zero, axis=d)
        before = nz == 0
        out[before] = (_rev_cumsum(np.where(before, w, 0).astype(w.dtype), d) / xc)[before]
        first = zero & (nz == 1)                     # the first zero of each slice
        between = (nz == 1) & ~first                 # (z1, z2)
        cp = _running(np.cumprod, np.where(between, xc, 1).astype(xc.dtype), d, xc.dtype)
        s = _sum_over(cp * np.where(nz != 1, 0, g).astype(g.dtype), d, True)
        z1 = np.argmax(nz == 1, axis=d)[(slice(None),) * d + (None,)]
        prev = np.take_along_axis(yc, np.maximum(z1 - 1, 0), d)
        prev = np.where(z1 == 0, 1, prev).astype(yc.dtype)
        out[first] = np.broadcast_to(s * prev, x.shape)[first]
    return out


def _recorded(g, x, y, d):
    from .. import _creation
    if x.numel() <= 1 or x.shape[d] == 1:
        return g
    n = x.shape[d]
    xc, yc = (x.conj(), y.conj()) if x.is_complex() else (x, y)
    w = yc * g
    if not bool((x._data == 0).any()):
        return w.flip(d).cumsum(d).flip(d) / xc
    out = _creation.zeros(x.shape, dtype=g.dtype)
    ones_shape = list(x.shape)
    ones_shape[d] = 1
    ones = _creation.ones(1, dtype=g.dtype).expand(ones_shape)
    for k in range(n):
        if k == 0:
            omitted = _cat([ones, xc.narrow(d, 1, n - 1).cumprod(d)], d)
        elif k == n - 1:
            omitted = xc.narrow(d, 0, k).prod(d, keepdim=True)
        else:
            until = xc.narrow(d, 0, k).prod(d, keepdim=True)
            after = xc.narrow(d, k + 1, n - k - 1).cumprod(d)
            omitted = _cat([until, until.expand_as(after) * after], d)
        out.select(d, k).copy_((g.narrow(d, k, n - k) * omitted).sum(d))
    return out


def _cat(ts, d):
    from .. import cat
    return cat(ts, d)
