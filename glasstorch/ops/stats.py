"""Statistics and numerical calculus built from other ops, in torch's formulas: cov, corrcoef,
quantile, nanquantile, nanmedian, histogram, trapezoid, cumulative_trapezoid, gradient."""
import numpy as np

from .._return_types import return_type
from ._common import GRAD, Tensor, _wrap, record1
from ._complex_refuse import not_implemented, refuse
from .scalar_arith import div_scalar, mul_scalar
from .sorting import MedianBackward0, MedianBackward1, _order, _pick
from ._nth_element import pick_zero
from .._tensor import _wrap_dim
from .._trapezoid_args import MISSING, check as _trapezoid_args, no_bool as _no_bool
from ._no_dim import KEEP, NO_DIM, keepdim_without_dim
from .inplace import type_name as _type_name
from .._arg_parser import is_long, tp_name
from .quantile import quantile, nanquantile   # noqa: F401 (re-exported)

nanmedian_ret = return_type("nanmedian", ["values", "indices"])
histogram_ret = return_type("histogram", ["hist", "bin_edges"])


def _t():
    import glasstorch
    return glasstorch


def cov(input, *, correction=1, fweights=None, aweights=None):
    """Weighted covariance of the rows (variables) over the columns (observations):
    C = (X - avg) (w (X - avg))^T / (sum w - correction * sum(w * aweights) / sum w)."""
    t = _t()
    c = correction                      # torch's parser takes an int64_t: an int (not a bool), a 0-d integer tensor
    if not (is_long(c) or isinstance(c, Tensor) and c._data.ndim == 0 and c._data.dtype.kind in "iu"):
        raise TypeError(f"cov(): argument 'correction' must be int, not {tp_name(c)}")
    correction = int(c)
    if input.dim() > 2:
        raise RuntimeError(f"cov(): expected input to have two or fewer dimensions but got an input with "
                           f"{input.dim()} dimensions")
    if input.dtype == t.bool:
        raise RuntimeError("cov(): bool dtype is not supported for input")
    x = input.view(1, -1) if input.dim() < 2 else input
    n_obs = x.size(1)
    w = None
    if fweights is not None:
        if fweights.dim() > 1:
            raise RuntimeError(f"cov(): expected fweights to have one or fewer dimensions but got fweights with "
                               f"{fweights.dim()} dimensions")
        if fweights._data.dtype.kind not in "iu":      # (bool is not integral to torch here)
            raise RuntimeError(f"cov(): expected fweights to have integral dtype but got fweights with "
                               f"{_type_name(fweights._data.dtype)} dtype")
        if fweights.numel() != n_obs:
            raise RuntimeError(f"cov(): expected fweights to have the same numel as there are observations in the "
                               f"input but got {fweights.numel()} != {n_obs}")
        if bool((fweights < 0).any()):
            raise RuntimeError("cov(): fweights cannot be negative")
        w = fweights
    if aweights is not None:
        if aweights.dim() > 1:
            raise RuntimeError(f"cov(): expected aweights to have one or fewer dimensions but got aweights with "
                               f"{aweights.dim()} dimensions")
        if not aweights.is_floating_point():
            raise RuntimeError(f"cov(): expected aweights to have floating point dtype but got aweights with "
                               f"{_type_name(aweights._data.dtype)} dtype")
        if aweights.numel() != n_obs:
            raise RuntimeError(f"cov(): expected aweights to have the same numel as there are observations in the "
                               f"input but got {aweights.numel()} != {n_obs}")
        if bool((aweights < 0).any()):
            raise RuntimeError("cov(): aweights cannot be negative")
        w = aweights if w is None else w * aweights
    w_sum = w.sum() if w is not None else t.tensor(n_obs, dtype=t.int64)
    if w is not None and not bool(w_sum != 0):
        raise RuntimeError("cov(): weights sum to zero, can't be normalized")
    avg = (x * w if w is not None else x).sum(1) / w_sum
    if w is not None and aweights is not None and correction != 0:
        norm = w_sum - correction * (w * aweights).sum() / w_sum
    else:
        norm = w_sum - correction
    if bool(norm <= 0):
        from .._user_warning import warn_at_caller
        warn_at_caller("cov(): degrees of freedom is <= 0. Correction should be strictly less than the number of "
                       "observations. (Triggered internally at /__w/pytorch/pytorch/aten/src/ATen/native/"
                       "Correlation.cpp:129.)")
        norm = norm * 0
    xc = x - avg.unsqueeze(1)
    c = t.mm(xc, (xc * w if w is not None else xc).t().conj())    # X X^H: conj is a no-op for real X
    return t.true_divide(c, norm).squeeze()


def corrcoef(input):
    """cov(x) / (sd_i sd_j), clipped to [-1, 1]."""
    if input.dim() > 2:
        raise RuntimeError(f"corrcoef(): expected input to have two or fewer dimensions but got an input with "
                           f"{input.dim()} dimensions")
    c = cov(input)
    if c.dim() == 0:
        return c / c
    d = c.diagonal()
    sd = (d.real if d.is_complex() else d).sqrt()
    c = c / sd.view(-1, 1)
    c = c / sd.view(1, -1)
    if c.is_complex():          # torch clips the real and imaginary parts apart
        return _t().complex(c.real.clip(-1, 1), c.imag.clip(-1, 1))
    return c.clip(-1, 1)


# quantile and nanquantile live in ops/quantile.py


class NanmedianBackward0(MedianBackward0):
    """y = nanmedian(x) (the lower middle non-NaN value)   ->   dx = g / (number of ties) at every element
    equal to y (every NaN when all are NaN)"""
    __slots__ = ()


class NanmedianBackward1(MedianBackward1):
    """(y, i) = nanmedian(x, d)   ->   dx = zeros with g written at i"""
    __slots__ = ()


def nanmedian(input, dim=NO_DIM, keepdim=KEEP, *, out=None):
    """The lower median of the values that are not NaN (NaN only where every value is)."""
    x = input._data
    if dim is None:        # torch has no overload taking dim=None here: its parser refuses it
        from .._arg_refuse import refuse as refuse_call
        refuse_call()
    if dim is NO_DIM:
        dim = None if keepdim is KEEP else keepdim_without_dim("nanmedian", input, keepdim)
    if keepdim is not KEEP and keepdim is not False and keepdim is not True:     # torch's parser takes a bool only
        from .._arg_refuse import refuse as refuse_call
        refuse_call()
    if dim is None and x.size and x.dtype.kind in "cb":    # (no bool kernel either; with a dim: below)
        raise not_implemented("median_cpu", x.dtype)
    if dim is None:
        flat = x.reshape(-1)
        o = _order(flat, 0, False)        # NaNs sort last
        k = int(np.sum(~np.isnan(flat))) if flat.dtype.kind == "f" else flat.size
        if flat.size == 0:                # NaN, still recorded: its gradient is an empty one
            r = _wrap(np.asarray(np.nan, np.float32)).to(input.dtype)     # torch: full({}, NAN).to(dtype)
        else:
            pos = int(o[(k - 1) // 2]) if k else int(o[0])
            r = _wrap(np.asarray(pick_zero(flat, flat[pos], True) if k else flat[pos]))    # (which zero: torch's)
        if GRAD.enabled and input._rg:
            from ._complex_refuse import refuse_complex_reduction      # (only an empty complex input gets here)
            refuse_complex_reduction("nanmedian_cpu", "nanmedian", x, True, False)
            node = NanmedianBackward0()
            node.save(input, r, result_at=1)
            record1(node, r, input)
        return r
    d = _wrap_dim(dim, x.ndim)
    xd = x if x.ndim else x.reshape(1)
    if xd.shape[d] == 0:                    # (checked before the dtype)
        raise IndexError(f"median(): Expected reduction dim {d} to have non-zero size.")
    if x.dtype.kind in "cb":
        raise not_implemented("median_out", x.dtype)
    o = _order(xd, d, False)
    k = np.sum(~np.isnan(xd), axis=d, keepdims=True) if xd.dtype.kind == "f" else \
        np.full(np.take(xd, [0], axis=d).shape, xd.shape[d])
    mid = np.take_along_axis(o, np.maximum((k - 1) // 2, 0), d)
    if xd.dtype.kind == "f" and (k == 0).any():      # all-NaN slices: the index introselect leaves
        from ._nanmedian_order import all_nan_index
        mid = np.where(k == 0, all_nan_index(xd.shape[d]), mid)
    vals = np.take_along_axis(xd, mid, d)
    if not keepdim or not x.ndim:
        vals, mid = np.squeeze(vals, d), np.squeeze(mid, d)
    return _pick(NanmedianBackward1, input, vals, mid, d, keepdim, nanmedian_ret, dim)


def histogram(input, bins=100, *, range=None, weight=None, density=False, out=None):
    """Counts (weights summed) per bin; ``bins`` a count (equal bins over ``range``, or the data's span)
    or the edges themselves; the last bin holds its right edge."""
    t = _t()
    if (range is not None) if isinstance(bins, Tensor) else bins.__class__ is not int:     # torch's parser
        from .._arg_refuse import refuse as refuse_call
        refuse_call()
    x = input._data
    if x.dtype.kind != "f":
        raise not_implemented("histogramdd", x.dtype)
    from . import _histogram_checks as chk
    w = None if weight is None else weight._data.reshape(-1)
    shapes = ([x.size, 1], [] if w is None else [w.size])       # torch's views: (numel, 1) points
    if isinstance(bins, Tensor):
        edges = bins._data
        chk.check_edges(x, edges)
        chk.check_weight(x, w, *shapes)
        chk.check_count(edges.size - 1)
    else:
        chk.check_count(bins)
        (lo, hi), = chk.outer_edges(x.reshape(-1, 1), range)
        edges = t.linspace(lo, hi, bins + 1, dtype=input.dtype)._data
        chk.check_weight(x, w, *shapes)
    flat = x.reshape(-1)
    pos = np.searchsorted(edges, flat, side="right") - 1
    pos = np.where(flat == edges[-1], edges.size - 2, pos)
    ok = (pos >= 0) & (pos < edges.size - 1) & (flat >= edges[0]) & (flat <= edges[-1])
    hist = np.zeros(edges.size - 1, x.dtype)
    if w is None:                       # counts: exact in any order
        hist += np.bincount(pos[ok], minlength=hist.size).astype(x.dtype)
    else:                               # (in torch's per-thread chunks)
        from ._histogram_threads import add_weights
        hist = add_weights(hist.shape, (pos,), ok, w, x.dtype)
    if density:
        # torch divides by the total (summed in its order), then by each bin's width
        from .reduction import sum_all
        hist = ((hist / sum_all(hist)).astype(x.dtype) / np.diff(edges)).astype(x.dtype)
    from ._no_derivative import record_not_implemented as no_grad_for
    ins = [a for a in (input, weight, bins) if isinstance(a, Tensor)]
    return histogram_ret(no_grad_for("histogram", _wrap(hist), *ins),
                         no_grad_for("histogram", _wrap(edges.copy()), *ins))


def _dx_slices(y, dim):
    # torch's y.slice(dim, 1) and y.slice(dim, 0, -1): both empty, not an error, for an empty dim
    n = y.size(dim)
    return y.narrow(dim, min(1, n), max(n - 1, 0)), y.narrow(dim, 0, max(n - 1, 0))


def _x_along(x, y, dim, name="trapezoid"):
    """x spread so that its sample points run along y's ``dim``."""
    if x.dim() == 1:
        if x.size(0) != y.size(dim):
            raise RuntimeError(f"{name}: There must be one `x` value for each sample point")
        shape = [1] * y.dim()
        shape[dim] = x.size(0)
        return x.view(shape)
    if x.dim() < y.dim():
        return x.view([1] * (y.dim() - x.dim()) + list(x.shape))
    return x


def trapezoid(y, *args, x=MISSING, dx=MISSING, dim=MISSING, _name="trapezoid"):
    """sum of (x_i+1 - x_i)(y_i+1 + y_i) / 2; with a constant step: (sum y - (y_0 + y_n) / 2) dx."""
    x, dx, dim = _trapezoid_args(_name, y, args, x, dx, dim)
    _no_bool("trapezoid", y, x)
    d = _wrap_dim(dim, y.dim())
    if y.size(d) == 0:
        # torch's zeros_like_except(y, dim): a new tensor, outside the graph
        return y.new_zeros([n for i, n in enumerate(y.shape) if i != d])
    if isinstance(x, Tensor):
        xv = _x_along(x, y, d)
        right, left = _dx_slices(xv, d)
        yr, yl = _dx_slices(y, d)
        return div_scalar(((yr + yl) * (right - left)).sum(d), 2.0)     # (torch's operand order)
    step = x if x is not None else (1 if dx is None else dx)
    step = step.item() if isinstance(step, Tensor) else step
    return mul_scalar(y.sum(d) - mul_scalar(y.select(d, 0) + y.select(d, -1), 0.5), step)


def trapz(y, *args, x=MISSING, dx=MISSING, dim=MISSING):
    return trapezoid(y, *args, x=x, dx=dx, dim=dim, _name="trapz")


def cumulative_trapezoid(y, *args, x=MISSING, dx=MISSING, dim=MISSING):
    x, dx, dim = _trapezoid_args("cumulative_trapezoid", y, args, x, dx, dim)
    _no_bool("cumulative_trapezoid", y, x)
    d = _wrap_dim(dim, y.dim())
    yr, yl = _dx_slices(y, d)
    if isinstance(x, Tensor):
        right, left = _dx_slices(_x_along(x, y, d, "cumulative_trapezoid"), d)
        return div_scalar(((yr + yl) * (right - left)).cumsum(d), 2.0)
    step = x if x is not None else (1 if dx is None else dx)
    step = step.item() if isinstance(step, Tensor) else step
    return mul_scalar(yr + yl, step / 2.0).cumsum(d)


def gradient(input, *, spacing=1, dim=None, edge_order=1):
    """Central differences inside, one-sided at the ends (second-order ones when edge_order=2),
    one tensor per dim; ``spacing`` a number or one per dim."""
    t = _t()
    dims, sp = _gradient_checks(input, 1 if spacing is None else spacing, dim, edge_order)
    out = []
    for d, h in zip(dims, sp):
        n = input.size(d)
        if isinstance(h, Tensor):
            if h.dim() != 0:
                out.append(_gradient_coordinates(input, h, d, n, edge_order))
                continue
            h = h.item()
        lo = input.narrow(d, 0, n - 2)      # made first, as in torch (sets the backward sum order)
        center = (input.narrow(d, 2, n - 2) - lo) / h
        if edge_order == 1:
            pre = (input.narrow(d, 1, 1) - input.narrow(d, 0, 1)) / h
            app = (input.narrow(d, n - 1, 1) - input.narrow(d, n - 2, 1)) / h
        else:
            pre = (input.narrow(d, 0, 1) * -1.5 + input.narrow(d, 1, 1) * 2 - input.narrow(d, 2, 1) * 0.5) / h
            app = (input.narrow(d, n - 3, 1) * 0.5 - input.narrow(d, n - 2, 1) * 2 +
                   input.narrow(d, n - 1, 1) * 1.5) / h
        out.append(t.cat([pre, center / 2, app], d))
    return tuple(out)


def _gradient_checks(input, spacing, dim, edge_order):
    """torch's order: uint8, the spacing list's length, edge_order, repeated dims, each size > edge_order,
    then a list of coordinate tensors must hold 1-D ones.  Returns the wrapped dims and one spacing per dim."""
    if input._data.dtype == np.uint8:
        raise RuntimeError("torch.gradient does not support uint8 input.")
    nd = input.dim()
    dims = list(range(nd)) if dim is None else ([dim] if isinstance(dim, int) else list(dim))
    listed = isinstance(spacing, (list, tuple))
    sp = list(spacing) if listed else [spacing] * len(dims)
    if listed and dim is None and len(sp) != nd:
        raise RuntimeError(f"torch.gradient expected spacing to be unspecified, a scalar, or a list of length equal "
                           f"to 'self.dim() = {nd}', since dim argument was not given, but got a list of length "
                           f"{len(sp)}")
    if len(sp) != len(dims):
        raise RuntimeError(f"torch.gradient expected spacing to be unspecified, a scalar or it's spacing and dim "
                           f"arguments to have the same length, but got a spacing argument of length {len(sp)} and "
                           f"a dim argument of length {len(dims)}.")
    if edge_order not in (1, 2):
        raise RuntimeError("torch.gradient only supports edge_order=1 and edge_order=2.")
    dims = [_wrap_dim(d, nd) for d in dims]
    for d in dims:
        if dims.count(d) > 1:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    if any(input.size(d) < edge_order + 1 for d in dims):
        raise RuntimeError("torch.gradient expected each dimension size to be at least edge_order+1")
    if listed and sp and all(isinstance(h, Tensor) for h in sp) and any(h.dim() != 1 for h in sp):
        bad = next(h.dim() for h in sp if h.dim() != 1)
        raise RuntimeError(f"torch.gradient expected each element of spacing to have one dimension, but got an "
                           f"element with {bad} dimensions!")
    return dims, sp


def _gradient_coordinates(f, x, d, n, edge_order):
    """Second-order differences on the uneven grid ``x``: with h1, h2 the steps left and right of a point,
    f' ~ -h2/(h1 (h1+h2)) f[-1] + (h2-h1)/(h1 h2) f[0] + h1/(h2 (h1+h2)) f[+1]."""
    shape = [1] * f.dim()
    shape[d] = -1
    dx = x.diff()
    h1, h2 = dx[:-1], dx[1:]
    a = (-h2 / (h1 * (h1 + h2))).reshape(shape)
    b = ((h2 - h1) / (h1 * h2)).reshape(shape)
    c = (h1 / (h2 * (h1 + h2))).reshape(shape)
    center = a * f.narrow(d, 0, n - 2) + b * f.narrow(d, 1, n - 2) + c * f.narrow(d, 2, n - 2)
    if edge_order == 1:
        pre = (f.narrow(d, 1, 1) - f.narrow(d, 0, 1)) / dx[0]
        app = (f.narrow(d, n - 1, 1) - f.narrow(d, n - 2, 1)) / dx[-1]
    else:
        p0, p1, q0, q1 = dx[0], dx[1], dx[-1], dx[-2]
        pre = (-(2.0 * p0 + p1) / (p0 * (p0 + p1)) * f.narrow(d, 0, 1) + (p0 + p1) / (p0 * p1) * f.narrow(d, 1, 1)
               + -p0 / (p1 * (p0 + p1)) * f.narrow(d, 2, 1))
        app = (q0 / (q1 * (q0 + q1)) * f.narrow(d, n - 3, 1) + -(q0 + q1) / (q0 * q1) * f.narrow(d, n - 2, 1)
               + (2 * q0 + q1) / (q0 * (q0 + q1)) * f.narrow(d, n - 1, 1))
    return _t().cat([pre, center, app], d)


__all__ = ["cov", "corrcoef", "quantile", "nanquantile", "nanmedian", "histogram", "trapezoid", "trapz",
           "cumulative_trapezoid", "gradient"]
