"""Vector norms: linalg.vector_norm, norm and dist.

``vector_norm`` takes any real ``ord`` (0 counts nonzeros, inf/-inf take the largest/smallest |x|);
``norm(p="nuc")`` goes to ``linalg.matrix_norm``.
"""
import numbers

import numpy as np

from .._dtype import to_dtype
from ..autograd.graph import Node
from ._common import GRAD, _wrap, as_array, record, record1
from ._common import tensors_only
from .reduction import axes_of, dims_of, restore_dims
from .inplace import type_name as _type_name
from .shape import is_array
from ._norm_order import norm2_lastdim


class LinalgVectorNormBackward0(Node):
    """y = (sum |x|^p)^(1/p)   ->   dx = g * sign(x) |x|^(p-1) / y^(p-1)  (p=inf: split among the maxima)"""
    __slots__ = ("ord", "axes", "keepdim", "whole")

    def backward(self, g):
        x, y = self.saved()
        m = self.m
        p = self.ord
        if is_array(x) or self.keepdim or not getattr(self, "whole", False):
            # (create_graph with no dim given: torch lets the 0-d g and y broadcast, no UnsqueezeBackward0)
            g = restore_dims(g, self.axes, self.keepdim)
            y = restore_dims(y, self.axes, self.keepdim)

        def zero_where(t, cond):
            # torch's masked_fill_ (MaskedFillBackward0 under create_graph), the values of np.where
            return m.where(cond, 0.0, t) if is_array(t) else t.masked_fill_(cond, 0)
        if p == 0:              # torch's norm_backward returns an undefined gradient: x.grad stays None
            return (None,)
        if is_array(x) and x.dtype.kind == "c":
            return _complex_norm_grad(x, y, g, p, self.axes)
        if p == 1:
            if is_array(x):                 # torch's sgn: 0 at NaN (NumPy's sign gives NaN)
                from .select import real_sign
                return (g * real_sign(x),)
            return (x.sgn() * g,)           # torch's self.sgn() * grad
        if p == 2:
            # torch: grad * (x / y), the quotient masked where y == 0 (this rounding, not (g x) / y)
            return (g * zero_where(x / y, y == 0),)
        if p in (float("inf"), float("-inf")):
            # torch: sgn(x) * ((g / count) * is_max), is_max counting NaNs where the norm is NaN; the
            # product keeps the signs (-0 where g < 0 and x is not a maximum)
            if is_array(x):
                mask = ((abs(x) == y) | (np.isnan(x) & np.isnan(y))).astype(np.result_type(y))
                sg = np.sign(x) if x.dtype.kind == "c" else (x > 0).astype(x.dtype) - (x < 0)   # sgn(nan) = 0
                return (sg * ((g / mask.sum(axis=self.axes or None, keepdims=True)) * mask),)
            mask = ((x.abs() == y) | (x.isnan() & y.isnan())).to(y.dtype)
            return (x.sgn() * ((g / mask.sum(self.axes, keepdim=True)) * mask),)
        from .power import _pow_values as pw        # torch's pow, with its fast paths (1 / (x x) for -2 ...)
        ax = abs(x) if is_array(x) else x.abs()
        with np.errstate(divide="ignore", invalid="ignore"):
            if p > 2:
                # torch: (x |x|^(p-2)) * (g / y^(p-1)), the second factor masked where y == 0
                return ((x * pw(ax, p - 2)) * zero_where(g / pw(y, p - 1), y == 0),)
            if p < 1:
                # torch: ((sgn(x) |x|^(p-1), 0 where x == 0) * g) * y^(1-p)
                if is_array(x):
                    return ((zero_where(m.sign(x) * pw(ax, p - 1), x == 0) * g) * pw(y, 1 - p),)
                # torch: self.sgn() * |x|^(p-1).masked_fill_(x == 0, 0), times grad, times y^(1-p)
                return ((x.sgn() * zero_where(pw(ax, p - 1), x == 0)) * g * pw(y, 1 - p),)
            # 1 < p < 2, torch: (sgn(x) |x|^(p-1)) * (g / y^(p-1)), the second factor masked where y == 0
            return ((_sgn(x, m) * pw(ax, p - 1)) * zero_where(g / pw(y, p - 1), y == 0),)


def _sgn(x, m):
    """torch's self.sgn() (SgnBackward0 under create_graph); NumPy's sign on arrays, as before"""
    return m.sign(x) if is_array(x) else x.sgn()


def _complex_norm_grad(x, y, g, p, axes):
    """The norm's gradient at a complex array: the real formulas with torch's sgn(z) and |z| (the
    correctly rounded kernels of _cabs; NumPy's complex abs and sign round otherwise)."""
    from ._cabs import complex_abs_values, complex_sgn_values
    from .power import _pow_values as pw
    ax = complex_abs_values(x)
    sg = complex_sgn_values(x, ax)
    if p == 1:
        return (g * sg,)
    if p == 2:
        return (g * np.where(y == 0, 0.0, x / y),)
    if y.dtype.itemsize * 2 > x.dtype.itemsize:
        # dtype= widened the norm: torch finds the maxima among, and raises to powers, the widened
        # moduli (sgn for +-inf stays the input's)
        x = x.astype(np.result_type(x.dtype, y.dtype))
        ax = complex_abs_values(x)
        if p not in (float("inf"), float("-inf")):
            sg = complex_sgn_values(x, ax)
    if p in (float("inf"), float("-inf")):
        mask = ((ax == y) | (np.isnan(ax) & np.isnan(y))).astype(np.result_type(y))
        return (sg * ((g / mask.sum(axis=axes or None, keepdims=True)) * mask),)
    with np.errstate(divide="ignore", invalid="ignore"):
        if p > 2:
            return ((x * pw(ax, p - 2)) * np.where(y == 0, 0.0, g / pw(y, p - 1)),)
        if p < 1:
            return ((np.where(x == 0, 0.0, sg * pw(ax, p - 1)) * g) * pw(y, 1 - p),)
        return ((sg * pw(ax, p - 1)) * np.where(y == 0, 0.0, g / pw(y, p - 1)),)


def check_norm_dtype(name, a_dtype, dtype):
    """torch's check_linalg_norm_dtype: ``dtype=`` must be float or complex like the input, and wide enough."""
    if dtype is None:
        return
    from .inplace import type_name
    d = to_dtype(dtype).np
    if d.kind not in "fc":
        raise RuntimeError(f"{name}: dtype should be floating point or complex, but got {type_name(d)}")
    kind = "complex" if a_dtype.kind == "c" else "real"
    if (d.kind == "c") != (a_dtype.kind == "c"):
        raise RuntimeError(f"{name}: dtype should be {kind} for {kind} inputs, but got {type_name(d)}")
    if np.promote_types(a_dtype, d) != d:
        raise RuntimeError(f"{name}: the dtype of the input ({type_name(a_dtype)}) should be convertible without "
                           f"narrowing to the specified dtype ({type_name(d)})")


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None, out=None):
    if not isinstance(ord, numbers.Number):
        raise TypeError(f"linalg_vector_norm(): argument 'ord' must be Number, not {type(ord).__name__}")
    a = x._data
    if dtype is not None and a.dtype.kind in "fc":
        check_norm_dtype("linalg.vector_norm", a.dtype, dtype)
    if a.dtype.kind != "f":
        if a.dtype.kind == "c" and a.ndim:
            from ._norm_complex import complex_vector_norm     # torch's summation order and graph
            return complex_vector_norm(x, ord, dims_of(dim, a.ndim), keepdim, dtype)
        if a.dtype.kind == "c":           # the norm of |z|: real result, gradient through abs
            from .complex_ops import complex_abs
            return vector_norm(complex_abs(x), ord, dim, keepdim, dtype=dtype and to_dtype(dtype).to_real(), out=out)
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
                           f"{_type_name(a.dtype)}")
    if dtype is not None:
        a = a.astype(to_dtype(dtype).np)
    axes = dims_of(dim, a.ndim) if a.ndim else axes_of(dim, 0) or None    # (a 0-d tensor's dim checked)
    p = float(ord)
    out_dt = a.dtype
    if out_dt == np.float16:             # torch accumulates half in float (its opmath type), rounds once
        a = a.astype(np.float32)
    ab = np.abs(a)
    kw = dict(axis=axes, keepdims=keepdim)
    if p == float("inf"):
        v = np.max(ab, **kw) if ab.size else np.zeros(np.sum(ab, **kw).shape, ab.dtype)
    elif p == float("-inf"):
        v = np.min(ab, **kw)
    elif p == 0:
        v = np.sum(ab != 0, **kw).astype(a.dtype)
    elif ab.size and np.prod([a.shape[i] for i in (axes if axes is not None else range(a.ndim))]) == 1:
        v = ab.reshape(np.sum(ab, **kw).shape)           # one term per norm: torch gives |x| itself
    elif ab.size and a.dtype in (np.float32, np.float64):
        # torch's order: a vectorised kernel for p = 2 over one contiguous innermost run, else each
        # norm's terms one after another (_norm_seq); float16 was widened to its float accumulator
        from ._norm_seq import lastdim_rows, seq_norm
        from .._runtime import get_num_threads
        rows = lastdim_rows(a, axes) if p == 2 and out_dt != np.float16 else None
        v = norm2_lastdim(rows) if rows is not None else seq_norm(a, p, axes, get_num_threads())
        red = set(axes) if axes else set(range(a.ndim))
        v = v.reshape(tuple(1 if i in red else n for i, n in enumerate(a.shape) if keepdim or i not in red))
    elif p == 1:
        v = np.sum(ab, **kw)
    elif p == 2:
        v = np.sqrt(np.sum(ab * ab, **kw))
    else:
        v = np.sum(ab ** p, **kw) ** (1.0 / p)
    from ._layout import contig_of        # torch's reductions allocate contiguous outputs
    r = _wrap(contig_of(as_array(v).astype(out_dt, copy=False), a))
    if GRAD.enabled and x._rg:
        node = LinalgVectorNormBackward0()
        node.ord, node.axes, node.keepdim = p, (axes if axes is not None else ()), keepdim
        node.whole = dim is None
        node.save(x, r, result_at=1)
        record1(node, r, x)
    return r


def norm(input, p="fro", dim=None, keepdim=False, dtype=None, *, out=None):
    try:
        input._data
    except AttributeError:      # torch.norm is Python: its first look at input is ``input.layout``
        from .._arg_parser import tp_name
        raise AttributeError(f"'{tp_name(input)}' object has no attribute 'layout'") from None
    if p == "fro" and (not isinstance(dim, (tuple, list)) or len(dim) <= 2) or p is None:
        p = 2
    if isinstance(p, str):           # "nuc", "fro" over 3+ dims, or an order matrix_norm refuses
        from ..linalg import matrix_norm
        return matrix_norm(input, p, dim if dim is not None else tuple(range(input.dim())), keepdim)
    return vector_norm(input, p, dim, keepdim, dtype=dtype)


class DistBackward0(LinalgVectorNormBackward0):
    """z = ||a - b||_p   ->   da = the p-norm's gradient at a - b,   db = -da"""
    __slots__ = ()

    def saved(self):
        # torch's formula is norm_backward(grad, self - other, p, result): the difference is formed in
        # the backward, so that under create_graph the gradient depends on a and b through it
        a, b, r = Node.saved(self)
        return a - b, r

    def backward(self, g):
        da, = LinalgVectorNormBackward0.backward(self, g)
        return (None, None) if da is None else (da, -da)


def dist(input, other, p=2):
    tensors_only('dist', input, other)
    from .arithmetic import sub
    from ..autograd.grad_mode import no_grad
    with no_grad():
        d = sub(input, other)
        r = vector_norm(d, p)
    if GRAD.enabled and (input._rg or other._rg):
        node = DistBackward0()
        node.ord, node.axes, node.keepdim = p, (), False
        node.save(input, other, r, result_at=2)
        record(node, r, input, other)
    return r



__all__ = ["vector_norm", "norm", "dist"]
