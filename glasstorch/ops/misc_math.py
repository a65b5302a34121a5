"""Small numeric ops: float_power, frexp, ldexp, renorm, vander."""
import numpy as np

from .._return_types import return_type
from ..autograd.graph import Node
from ._common import GRAD, Tensor, _wrap, record1
from ._common import tensors_only
from .shape import is_array
from .._tensor import _wrap_dim
from .._arg_parser import _is_scalar
from .._arg_refuse import refuse

frexp_ret = return_type("frexp", ["mantissa", "exponent"])


def _t():
    import glasstorch
    return glasstorch


def _float_power_dtype(input, exponent):
    """float64, or complex128 when either operand is complex."""
    t = _t()
    cplx = any(x.is_complex() if isinstance(x, Tensor) else isinstance(x, complex) for x in (input, exponent))
    return t.complex128 if cplx else t.float64


def float_power(input, exponent, *, out=None):
    """input ** exponent computed in float64 / complex128 (both converted first)."""
    t = _t()
    if not (isinstance(input, Tensor) or _is_scalar(input)) or not (isinstance(exponent, Tensor) or _is_scalar(exponent)):
        refuse()                # an array, a list, a str, None: torch's parser refuses it
    dt = _float_power_dtype(input, exponent)
    conv = complex if dt is t.complex128 else float
    if isinstance(input, Tensor):
        base = input.to(dt)
        return base.pow(exponent.to(dt) if isinstance(exponent, Tensor) else conv(exponent))
    return t.pow(conv(input), exponent.to(dt))


def float_power_(input, exponent):
    """In place: only a base already of the result dtype (float64 / complex128) may take it."""
    from .inplace import commit, type_name
    from .inplace_more import original
    dt = _float_power_dtype(input, exponent)
    if input.dtype is not dt:
        raise RuntimeError(f"the base given to float_power_ has dtype {type_name(input._data.dtype)} but the "
                           f"operation's result requires dtype {type_name(dt.np)}")
    return commit(input, lambda: float_power(original(input), exponent), "float_power")


class FrexpBackward0(Node):
    """m = x / 2^e (e held fixed)   ->   dx = g / 2^e"""
    __slots__ = ("exponent",)

    def backward(self, g):
        scale = np.ldexp(np.ones((), np.float64), -self.exponent.astype(np.int64))
        if is_array(g):
            return ((g * scale.astype(g.dtype)).astype(g.dtype),)
        return (g * _wrap(scale.astype(g._data.dtype)),)


def frexp(input, *, out=None):
    """x = mantissa * 2^exponent with 0.5 <= |mantissa| < 1 (0 for 0); exponent is int32."""
    x = input._data
    if x.dtype.kind != "f":
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    m, e = np.frexp(x)
    mant = _wrap(m.astype(x.dtype))
    if GRAD.enabled and input._rg:
        node = FrexpBackward0()
        node.exponent = e
        record1(node, mant, input)
    return frexp_ret(mant, _wrap(e.astype(np.int32)))


class LdexpBackward0(Node):
    """y = x 2^k   ->   dx = g 2^k;   dk = g x 2^k log 2 (a float k)"""
    __slots__ = ("scale",)

    def backward(self, g):
        x, k, y = self.saved()
        if is_array(g):
            gx = g * self.scale
            gk = (g * y * np.float64(np.log(2.0)).astype(g.dtype)) if k.dtype.kind == "f" else None
            return gx, gk
        return g * _wrap(self.scale), (g * y * float(np.log(2.0)) if k.dtype.is_floating_point else None)


def _ldexp_int_exponent(input, other):
    """torch's kernel for a float input and an integer exponent: std::ldexp(double(x), int(k)) cast back
    to the input's dtype (no overflow of 2^k on the way; k is converted to a C int, keeping its low 32
    bits).  Its output is empty_like(input), resized (with torch's warning) to the broadcast shape."""
    if other._data.dtype.kind == "b":
        # torch's float kernel dispatches on the exponent's dtype, which has no bool instance
        from ._complex_refuse import not_implemented
        raise not_implemented("ldexp_cpu_exp", other._data.dtype)
    from ._common import check_broadcast
    x, k = input._data, other._data
    shape = check_broadcast(x.shape, k.shape)       # torch's "The size of tensor a ..." error
    if x.size and x.shape != shape:
        from ._out import _RESIZED
        from .._user_warning import warn_at_caller
        warn_at_caller(_RESIZED.format(list(x.shape), list(shape)))
    with np.errstate(over="ignore", under="ignore"):
        y = np.ldexp(x.astype(np.float64), k.astype(np.int64).astype(np.int32)).astype(x.dtype)
    # the output empty_like(x) leads TensorIterator's dim order; resized, it is left out and the inputs decide
    from ._layout import preserve, ti
    return _wrap(preserve(np.asarray(y), x) if x.shape == shape else ti(np.asarray(y), x, k))


def _pow2(k):
    """pow(2, k) for a float exponent array as torch's pow kernel (SLEEF's / glibc's pow)."""
    if k.dtype == np.float32 or k.dtype == np.float64:
        from ._pow_kernel import pow_arrays
        return pow_arrays(2.0, k, k.dtype.type)
    return np.power(2.0, k)


def ldexp(input, other, *, out=None):
    """input * 2^other: std::ldexp for a float input and an integer exponent, else input * pow(2, other)."""
    tensors_only('ldexp', input, other)
    t = _t()
    if input._data.dtype.kind == "f" and other._data.dtype.kind in "biu":
        r = _ldexp_int_exponent(input, other)
    else:
        # torch's _pow2: integer and float32 inputs take pow(2.0, other); the others a 0-d 2 of their dtype
        two_k = (t.pow(2.0, other.detach()) if input.dtype in (t.float32,) or not input.is_floating_point()
                 and not input.is_complex() else t.full((), 2.0, dtype=input.dtype).pow(other.detach()))
        r = t.mul(input.detach(), two_k)
    other_rg = isinstance(other, Tensor) and other.requires_grad
    if GRAD.enabled and (input.requires_grad or other_rg):
        node = LdexpBackward0()
        k = other._data if isinstance(other, Tensor) else np.asarray(other)
        # torch's derivative takes pow(2, other) with an integer 2: an integer k < 0 gives 2^k = 0
        node.scale = (np.where(k >= 0, np.left_shift(1, np.maximum(k, 0).astype(np.int64)), 0)
                      if k.dtype.kind in "iub" else _pow2(k)).astype(r._data.dtype)
        node.save(input, other, r, result_at=2)
        from ._common import record
        record(node, r, input, other)
    return r


def ldexp_(input, other):
    """In place (torch's ldexp_out into ``input``): an integer ``input`` is refused before anything else,
    and an exponent that would broadcast ``input`` to another shape before the kernel (and its warning)."""
    from .inplace import commit, type_name
    from .inplace_more import original
    if input._data.dtype.kind in "biu":
        raise RuntimeError(f"ldexp can't be cast to the desired output type {type_name(input._data.dtype)}")
    if isinstance(other, Tensor):
        from ._common import check_broadcast         # torch's "The size of tensor a ..." error
        shape = check_broadcast(input._data.shape, other._data.shape)
        if shape != input._data.shape:
            raise RuntimeError(f"output with shape {list(input._data.shape)} doesn't match the broadcast shape "
                               f"{list(shape)}")
    return commit(input, lambda: ldexp(original(input), other), "ldexp")


class RenormBackward0(Node):
    """y = x * f, f = maxnorm / (||x_s|| + 1e-7) on the slices s over the limit, else 1   ->
    dx = f g - f / (||x_s|| + 1e-7) d||x_s|| <x_s, g>  on those slices, g elsewhere"""
    __slots__ = ("p", "axes", "maxnorm")

    def backward(self, g):
        x, = self.saved()
        import glasstorch as m
        if not is_array(g):             # create_graph: the same steps, recorded
            return (self._grad(m, x, g),)
        with m.no_grad():
            return (self._grad(m, _wrap(x), _wrap(g))._data.astype(g.dtype, copy=False),)

    def _grad(self, m, X, G):
        """FunctionsManual's renorm_backward on the CPU: the norm and <x, g> in the accumulate type
        (double for float32 too, float for half), then maxnorm * invnorm * (g - invnorm * nb) (measured:
        not factor * g - factor * invnorm * nb), rounded to g's dtype before the where."""
        acc = m.float32 if X.dtype == m.float16 else m.float64
        norm = m.linalg.vector_norm(X, self.p, self.axes, True, dtype=acc)
        nb = _norm_backward(m, (X * G).sum(self.axes, keepdim=True, dtype=acc), X, self.p, norm, self.axes)
        invnorm = (norm + 1e-7).reciprocal()
        return m.where(norm > self.maxnorm, ((invnorm * self.maxnorm) * (G - invnorm * nb)).to(G.dtype), G)


def _norm_backward(m, grad, x, p, norm, dims):
    """FunctionsManual's norm_backward (keepdim): d||x||_p / dx times grad, in torch's steps."""
    if p == 1:
        return x.sgn() * grad
    if p == 2:
        return grad * (x / norm).masked_fill_(norm == 0, 0)
    if p == float("inf"):
        ax = x.abs()
        mask = ax.eq(norm).logical_or(ax.isnan())
        return x.sgn() * ((grad / mask.sum(dims, True)) * mask)
    if p < 1:
        scaled = x.sgn() * x.abs().pow_(p - 1).masked_fill_(x == 0, 0)
        return scaled * grad * norm.pow(1 - p)
    scaled = x.sgn() * x.abs().pow_(p - 1) if p < 2 else x * x.abs().pow_(p - 2)
    scale = grad / norm.pow(p - 1)
    return scaled * scale.masked_fill_(norm == 0, 0)


def _norms(x, p, axes):
    """The p-norm of each slice (kept dims), as torch.linalg.vector_norm computes it."""
    from .norms import vector_norm
    return vector_norm(_wrap(x), p, axes, True)._data


def renorm(input, p, dim, maxnorm, *, out=None):
    x = input._data
    if out is not None:
        _renorm_out_first(input, out)
    # torch's order: p, maxnorm (NaN fails too; printed as a C++ ostream double), rank, dim; an integer
    # input only fails inside the norm, with linalg.vector_norm's message
    if p <= 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if not maxnorm >= 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {float(maxnorm):g}")
    if x.ndim <= 1:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {x.ndim} dimensions")
    d = _wrap_dim(dim, x.ndim)
    if out is not None and out._data.dtype != x.dtype:     # a structured kernel: out's dtype exactly
        from ._out_added import _dtype_error
        raise _dtype_error(x.dtype, out._data.dtype)
    axes = tuple(i for i in range(x.ndim) if i != d)
    norm = _norms(x, float(p), axes)           # real, also for complex x: the factor scales x
    factor = np.where(norm > maxnorm, (maxnorm / (norm + 1e-7)).astype(norm.dtype), norm.dtype.type(1))
    from ._layout import contig_of
    r = _wrap(contig_of((x * factor).astype(x.dtype), x))      # torch's renorm output: contiguous
    if x.dtype.kind == "c":
        from .._linalg_complex import refuse_grad
        refuse_grad("RenormBackward0", "renorm of a complex tensor", r, input)
    elif GRAD.enabled and input._rg:
        node = RenormBackward0()
        node.p, node.axes, node.maxnorm = float(p), axes, maxnorm
        node.save(input)
        record1(node, r, input)
    if out is not None:
        from ._out import write_out
        return write_out("renorm", r, out)
    return r


def _renorm_out_first(input, out):
    """What torch checks of ``out`` before renorm's own argument checks: its type, then autograd's refusal."""
    from ._out import write_out
    if not isinstance(out, Tensor):
        write_out("renorm", input, out)         # raises torch's "argument 'out' must be Tensor"
    if GRAD.enabled and (input._rg or out._rg):
        raise RuntimeError("renorm(): functions with out=... arguments don't support automatic differentiation, "
                           "but one of the arguments requires grad.")


renorm._handles_out = True      # the namespace's generic out= wrapper would check out only after the op


def renorm_(input, p, dim, maxnorm):
    from .inplace import commit
    from .inplace_more import original
    return commit(input, lambda: renorm(original(input), p, dim, maxnorm), "renorm")


def vander(x, N=None, increasing=False):
    """Columns x^(N-1), ..., x, 1 (reversed when ``increasing``); integer x gives int64."""
    t = _t()
    if x.dim() != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = x.size(0) if N is None else N
    if n < 0:
        raise RuntimeError("N must be non-negative.")
    # as torch builds it: ones, x copied into columns 1.., their running product written back
    # (the writes record CopySlices)
    dtype = x.dtype if x.is_floating_point() or x.is_complex() else t.int64
    r = t.empty(x.size(0), n, dtype=dtype)
    if n > 0:
        r.fill_(1)
        if n > 1:
            r[:, 1:] = x.unsqueeze(1)
            r[:, 1:] = t.cumprod(r[:, 1:], 1)
    return r if increasing else r.flip(1)


__all__ = ["float_power", "float_power_", "frexp", "ldexp", "renorm", "renorm_", "vander"]
