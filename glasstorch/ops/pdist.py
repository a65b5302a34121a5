"""``torch.pdist`` and ``torch.cdist``: p-norm distances.  pdist takes all pairs of rows of an N x M
matrix: the upper triangle of ``cdist(x, x)`` read row by row (pairs (0,1), (0,2), ..., (1,2), ...), N(N-1)/2 values.

    y_k = ||x_i - x_j||_p                 for the k-th pair i < j
    dy_k/dx_i = -dy_k/dx_j = c(d),  d = x_i - x_j, with torch's per-p formulas:
        p = 0: 0      p = 1: sign(d)      p = 2: d / y      p = inf: sign(d) [|d| == y]
        other p: d |d|^(p-2) / y^(p-1)    (0 where y == 0; for p < 1 also where d == 0)

cdist(x1, x2)[..., i, j] = ||x1_i - x2_j||_p uses the same c(d) (CdistBackward0), except on torch's
matmul path for p = 2 (EuclideanDistBackward0, see cdist_forward).
"""
import numpy as np

from ..autograd._no_forward_ad import refuse_forward_ad
from ..autograd.graph import Node
from .._rng_fma import fma64
from ._fma32 import fma32
from ._common import GRAD, _wrap, record, record1
from ._pow_kernel import glibc_pow

INF = float("inf")


def _norms(d, p):
    ab = np.abs(d)
    if p == 0:      # min(ceil(|d|), 1) summed: a nan coordinate makes the distance nan
        return np.sum(np.minimum(np.ceil(ab), 1), axis=-1).astype(d.dtype)
    if p == 1:
        return np.sum(ab, axis=-1)
    if p == 2:
        return np.sqrt(np.sum(ab * ab, axis=-1))
    if p == INF:
        return np.max(ab, axis=-1) if ab.shape[-1] else np.zeros(ab.shape[:-1], d.dtype)
    return np.sum(ab ** p, axis=-1) ** (1.0 / p)


def _coef(d, y, p):
    """dy/dd for each pair (rows of d), y the pair's distance (a column)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if p == 0:
            return np.zeros_like(d)
        if p == 1:
            return np.sign(d)
        if p == 2:
            return np.where(y == 0, 0.0, d / y).astype(d.dtype)
        if p == INF:
            return (np.sign(d) * (np.abs(d) == y)).astype(d.dtype)
        c = d * np.abs(d) ** (p - 2) / y ** (p - 1)
        zero = (y == 0) | ((d == 0) & (p < 1))
        return np.where(zero, 0.0, c).astype(d.dtype)


class PdistBackward0(Node):
    """y_k = ||x_i - x_j||_p   ->   dx_i += g_k c(d_k),  dx_j -= g_k c(d_k)  (c: see the module doc)"""
    __slots__ = ("p", "rows")

    def backward(self, g):
        x, y = self.saved()
        if isinstance(g, np.ndarray):
            return (_grad(g, x, y, self.p, self.rows),)
        # recording a graph: torch's pdist gradient is itself not differentiable (see below)
        gx = _wrap(_grad(g.detach().numpy(), x.detach().numpy(), y.detach().numpy(), self.p, self.rows))
        if GRAD.enabled and (g._rg or x._rg or y._rg):
            record(PdistBackwardBackward0(), gx, g, x, y)
        return (gx,)


def _grad(g, x, y, p, rows):
    if x.dtype in (np.float32, np.float64) and g.dtype == x.dtype:
        from ._dist_backward import pdist_grad     # torch's kernel: its order, its formulas, SLEEF's pow
        return pdist_grad(g, x, y, p)
    i, j = rows
    c = g[:, None] * _coef(x[i] - x[j], y[:, None], p)
    gx = np.zeros_like(x)
    np.add.at(gx, i, c)
    np.add.at(gx, j, -c)
    return gx


class PdistBackwardBackward0(Node):
    """The gradient of pdist's gradient: torch does not implement it, and says so."""
    __slots__ = ()

    def backward(self, g):
        raise NotImplementedError("the derivative for '_pdist_backward' is not implemented.")


def _pdist_norms(d, p):
    """torch's vectorised pdist kernel for p = 1, 2 (float, double): one 32-byte register of partial
    sums over each pair's M coordinates (lane k: terms k, k+L, k+2L, ..., L = 8 float / 4 double
    lanes; the squares rounded, then added), then the lanes added: float as a tree
    ((l0+l4)+(l2+l6))+((l1+l5)+(l3+l7)), double left to right.  With M < L the M terms are added left
    to right.  Other finite p > 0 alike, the terms SLEEF's pow(|d|, p) (p cast to the dtype: every
    lane is a Vectorized one), then pow(sum, 1.0 / p) in double (std::pow(scalar_t, double))."""
    if p in (0, INF) and d.shape[-1] and d.dtype in (np.float32, np.float64):
        r = _norms(d, p)                # Vectorized minimum / maximum: a nan comes out with all bits set
        return np.where(np.isnan(r), np.array(-1, "i%d" % d.itemsize).view(d.dtype), r)
    if p in (0, INF) or d.shape[-1] == 0 or d.dtype not in (np.float32, np.float64):
        return _norms(d, p)
    ab = np.abs(d)
    if p not in (1, 2):
        from ._sleef_pow import powd, powf
        pt = d.dtype.type(p)
        terms = (powf if pt.dtype == np.float32 else powd)(ab, pt).reshape(ab.shape)
    else:
        terms = ab * ab if p == 2 else ab
    lanes, m = 32 // d.dtype.itemsize, ab.shape[-1]
    if m < lanes:
        acc = np.cumsum(terms, axis=-1)[:, -1]                         # added in order
    else:
        full = m - m % lanes
        acc = np.add.reduce(np.ascontiguousarray(terms[:, :full].reshape(-1, full // lanes, lanes).swapaxes(0, 1)),
                            axis=0)                                    # (pairs, lanes), blocks in order
        acc[:, :m - full] += terms[:, full:]                           # the leftover into the first lanes
        if lanes == 8:
            for h in (4, 2, 1):
                acc = acc + acc[:, np.arange(lanes) ^ h]
            acc = acc[:, 0]
        else:
            acc = ((acc[:, 0] + acc[:, 1]) + acc[:, 2]) + acc[:, 3]
    if p not in (1, 2):
        with np.errstate(over="ignore"):
            return glibc_pow(acc.astype(np.float64), 1.0 / float(pt)).astype(d.dtype)
    return np.sqrt(acc) if p == 2 else np.ascontiguousarray(acc)     # acc may be a strided column


def pdist(input, p=2):
    a = input._data
    if a.ndim != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {a.ndim}D")
    if a.dtype.kind != "f":
        raise RuntimeError("pdist only supports floating-point dtypes")
    if not p >= 0:        # nan too
        raise RuntimeError("pdist only supports non-negative p values")
    p = float(p)
    if a.dtype == np.float16 and a.shape[0] > 1 and a.shape[1] > 0:     # torch's kernel has no half version
        raise NotImplementedError("\"pdist\" not implemented for 'Half'")
    refuse_forward_ad("_pdist_forward", input)
    i, j = np.triu_indices(a.shape[0], 1)
    r = _wrap(np.asarray(_pdist_norms(a[i] - a[j], p), dtype=a.dtype))
    if GRAD.enabled and input._rg:
        node = PdistBackward0()
        node.p, node.rows = p, (i, j)
        node.save(input, r, result_at=1)
        record1(node, r, input)
    return r


# ---- cdist ----------------------------------------------------------------------------------------
_MODES = ("use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist", "donot_use_mm_for_euclid_dist")


def _sum_to(a, shape):
    """Sum a gradient over the batch dims that broadcasting added or widened."""
    lead = a.ndim - len(shape)
    a = a.sum(axis=tuple(range(lead))) if lead else a
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and a.shape[i] != 1)
    return a.sum(axis=axes, keepdims=True) if axes else a


class CdistBackward0(Node):
    """y[..., i, j] = ||x1[..., i, :] - x2[..., j, :]||_p   ->   with d = x1_i - x2_j and c(d) the
    per-p coefficient of the module doc:  dx1_i = sum_j g_ij c(d),   dx2_j = -sum_i g_ij c(d)
    (summed over broadcast batch dims)."""
    __slots__ = ("p",)

    def backward(self, g):
        x1, x2, y = self.saved()
        if isinstance(g, np.ndarray):
            return _cdist_grad(g, x1, x2, y, self.p)
        # recording a graph: torch's _cdist_backward is itself not differentiable
        arrs = [t.detach().numpy() for t in (g, x1, x2, y)]
        g1, g2 = (_wrap(a) for a in _cdist_grad(*arrs, self.p))
        if GRAD.enabled and (g._rg or x1._rg or x2._rg):
            record(CdistBackwardBackward0(), g1, g, x1, x2, y)
            record(CdistBackwardBackward0(), g2, g, x1, x2, y)
        return g1, g2


def _cdist_grad(g, x1, x2, y, p):
    if x1.dtype in (np.float32, np.float64) and x2.dtype == x1.dtype == g.dtype:
        from ._dist_backward import cdist_grads    # torch's kernel: its order, its formulas, SLEEF's pow
        g1, g2 = cdist_grads(g, x1, x2, y, p)
        return _sum_to(g1, x1.shape), _sum_to(g2, x2.shape)
    d = x1[..., :, None, :] - x2[..., None, :, :]
    c = g[..., None] * _coef(d, y[..., None], p)
    return _sum_to(c.sum(axis=-2), x1.shape), _sum_to(-c.sum(axis=-3), x2.shape)


class CdistBackwardBackward0(Node):
    """The gradient of cdist's gradient: torch does not implement it, and says so."""
    __slots__ = ()

    def backward(self, g):
        raise NotImplementedError("the derivative for '_cdist_backward' is not implemented.")


class EuclideanDistBackward0(Node):
    """y = sqrt(max(|x1_i|^2 - 2 x1_i.x2_j + |x2_j|^2, 0))   ->   with R = g / y (0 where y = 0):
    dx1 = x1 * R.sum(-1, keepdim) - R @ x2,   dx2 = x2 * R.sum(-2)[..., None] - R^T @ x1"""
    __slots__ = ()

    def backward(self, g):
        x1, x2, y = self.saved()
        if isinstance(g, np.ndarray):
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = np.where(y == 0, 0.0, g / y).astype(g.dtype)
            rt = np.swapaxes(ratio, -1, -2)
            return x1 * ratio.sum(-1, keepdims=True) - ratio @ x2, x2 * rt.sum(-1, keepdims=True) - rt @ x1
        ratio = (g / y).masked_fill(y == 0, 0)      # torch's formula, in differentiable ops
        rt = ratio.mT
        return x1 * ratio.sum(-1, True) - ratio.matmul(x2), x2 * rt.sum(-1, True) - rt.matmul(x1)


def _euclidean_dist(x1, x2):
    """torch's ``_euclidean_dist``: the distances through one matmul of padded rows."""
    refuse_forward_ad("_euclidean_dist", x1, x2)
    a, b = x1._data, x2._data
    n1, n2 = (a * a).sum(-1, keepdims=True), (b * b).sum(-1, keepdims=True)
    a_ = np.concatenate([a * -2, n1, np.ones_like(n1)], -1)
    b_ = np.concatenate([b, np.ones_like(n2), n2], -1)
    r = _wrap(np.sqrt(np.maximum(a_ @ np.swapaxes(b_, -1, -2), 0)).astype(a.dtype, copy=False))
    if GRAD.enabled and (x1._rg or x2._rg):
        node = EuclideanDistBackward0()
        node.save(x1, x2, r, result_at=2)
        record(node, r, x1, x2)
    return r


def _cdist_mm(x1, x2):
    """torch's cdist_impl for p = 2 by matmul: batch dims expanded and flattened (a copy where the
    expand is not already contiguous), _euclidean_dist, then a view to the output shape."""
    batch = np.broadcast_shapes(x1.shape[:-2], x2.shape[:-2])
    n = int(np.prod(batch))
    out = tuple(batch) + (x1.shape[-2], x2.shape[-2])
    if n == 1:
        return _euclidean_dist(x1, x2).view(out)
    a = x1.expand(tuple(batch) + tuple(x1.shape[-2:])).contiguous().view(n, *x1.shape[-2:])
    b = x2.expand(tuple(batch) + tuple(x2.shape[-2:])).contiguous().view(n, *x2.shape[-2:])
    return _euclidean_dist(a, b).view(out)


def _libm_powf():
    import ctypes
    import ctypes.util
    f = ctypes.CDLL(ctypes.util.find_library("m")).powf
    f.restype, f.argtypes = ctypes.c_float, [ctypes.c_float, ctypes.c_float]
    return np.frompyfunc(lambda x, e: f(x, e), 2, 1)


_POWF = []


def _cpow(x, e):
    """The C library's pow(x, e) (torch's scalar cdist kernel): float64 as NumPy's; float32 computed in
    float64 and rounded once, except where that lands within 0.002 ulp of a tie: there glibc's powf
    (not correctly rounded) is asked itself, element by element (about 1 in 5000 elements)."""
    if x.dtype != np.float32:
        return glibc_pow(x, e)           # (np.power(x, 0.5) would be NumPy's sqrt shortcut)
    with np.errstate(invalid="ignore", over="ignore"):
        y = glibc_pow(x.astype(np.float64), e)
        r = y.astype(np.float32)
        frac = np.abs(y - r) / np.spacing(r).astype(np.float64)
    near = np.abs(frac - 0.5) < 0.002
    if near.any():
        if not _POWF:
            _POWF.append(_libm_powf())
        e_near = np.broadcast_to(np.asarray(e, np.float32), x.shape)[near]    # (an exponent per element too)
        r[near] = _POWF[0](x[near], e_near).astype(np.float32)
    return r


def _cdist_norms(d, p):
    """torch's direct cdist kernel: per pair a scalar loop over the M coordinates, agg = agg + map(|d_x|)
    in order from agg = 0 (not NumPy's pairwise sum), then finish(agg).  For p = 2 the compiler
    squares 16 bytes of coordinates at a time (4 float / 2 double, each square rounded) and adds
    them in order; the last M % 4 (float) or M % 2 (double) terms are fused multiply-adds.  For
    other finite p > 0 (p cast to the dtype): agg += pow(|d_x|, p) in order (the C library's powf for
    float, see _cpow), then pow(agg, 1.0 / p) in double, rounded once."""
    if d.shape[-1] and d.dtype in (np.float32, np.float64) and p not in (0, 1, 2, INF):
        p = d.dtype.type(p)                           # the kernel's p is a scalar of the input's dtype
        agg = np.cumsum(_cpow(np.abs(d), p), axis=-1)[..., -1]
        return glibc_pow(agg.astype(np.float64), 1.0 / np.float64(p)).astype(d.dtype)  # pow(agg, 1.0 / p): double
    if p == INF and d.shape[-1]:        # agg = std::max(agg, |d_x|) from 0, (agg < v) ? v : agg: a nan is skipped
        return np.max(np.where(np.isnan(d), 0, np.abs(d)), axis=-1, initial=0).astype(d.dtype)
    if p not in (1, 2) or d.shape[-1] == 0 or d.dtype not in (np.float32, np.float64):
        return _norms(d, p)
    ab = d if p == 2 else np.abs(d)      # |d|^2 as d*d: the compiler drops the abs (the sign of a nan shows it)
    m = ab.shape[-1]
    blocked = m - m % (16 // d.dtype.itemsize) if p == 2 else m
    terms = ab[..., :blocked] * ab[..., :blocked] if p == 2 else ab
    if blocked == 0:                     # fma(d0, d0, 0) is the rounded square
        blocked, agg = 1, ab[..., 0] * ab[..., 0]
    else:                                # a running sum adds in order (np.sum would be pairwise)
        agg = np.cumsum(terms, axis=-1)[..., -1]
    if p == 1:
        return np.ascontiguousarray(agg)    # a strided column of the running sums
    for x in range(blocked, m):
        v = np.ascontiguousarray(ab[..., x])
        if d.dtype == np.float32:        # fma32 is exact for inf / nan too (the float64 product is)
            agg = fma32(v, v, agg)
        else:                            # fma64's error-free product is not: plain arithmetic there
            plain = agg + v * v
            agg = np.where(np.isfinite(plain), fma64(v, v, agg), plain)
    return np.sqrt(agg)


def cdist_forward(x1, x2, p, compute_mode):
    """torch's cdist on checked float inputs of one dtype: for p = 2 a matmul path when asked or
    when either input has more than 25 rows, else ``_cdist_forward`` (node CdistBackward0), which
    empty inputs always take."""
    if compute_mode not in _MODES:
        raise ValueError(f"{compute_mode} is not a valid value for compute_mode")
    a, b = x1._data, x2._data
    mode = _MODES.index(compute_mode)
    if a.size and b.size and p == 2 and (mode == 1 or (mode == 0 and max(a.shape[-2], b.shape[-2]) > 25)):
        return _cdist_mm(x1, x2)
    refuse_forward_ad("_cdist_forward", x1, x2)
    d = a[..., :, None, :] - b[..., None, :, :]
    r = _wrap(np.asarray(_cdist_norms(d, float(p)), dtype=a.dtype))
    if GRAD.enabled and (x1._rg or x2._rg):
        node = CdistBackward0()
        node.p = float(p)
        node.save(x1, x2, r, result_at=2)
        record(node, r, x1, x2)
    return r
