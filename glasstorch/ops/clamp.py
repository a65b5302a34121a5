"""clamp (and clip), clamp_min, clamp_max, with their in-place forms.

Bounds may be numbers or tensors.  torch's choice at the bounds: the gradient passes to x when x
sits exactly on a bound (derivatives.yaml, ``clamp_backward``); with lo > hi every output is hi.
"""
import numpy as np
from ._layout import ti as _ti  # TensorIterator output strides (ops/_layout.py)

from .._dtype import result_type
from ..autograd.graph import Node
from ._common import GRAD, _wrap, as_array, data_as, is_tensor, record, record1, needs_grad, check_broadcast
from ._common import tensor_input
from .inplace import commit
from .inplace_more import original


class ClampBackward1(Node):
    """y = clamp(x, lo, hi) (numbers)   ->   dx = g where lo <= x <= hi, else 0"""
    __slots__ = ("lo", "hi")

    def backward(self, g):
        x, = self.saved()
        keep = True
        if self.lo is not None:
            keep = x >= self.lo
        if self.hi is not None:
            keep = (x <= self.hi) if keep is True else keep & (x <= self.hi)
        return (self.m.where(keep, g, 0.0),)


class ClampBackward0(Node):
    """y = clamp(x, lo, hi) (tensors)   ->   dx = g inside [lo, hi],   dlo = g where x < lo,   dhi = g where x > hi"""
    __slots__ = ()

    def backward(self, g):
        x, lo, hi = self.saved()
        w = self.m.where
        inside = True
        if lo is not None:
            inside = x >= lo
        if hi is not None:
            inside = (x <= hi) if inside is True else inside & (x <= hi)
        dx = w(inside, g, 0.0)
        dlo = None if lo is None else w(x < lo, g, 0.0)
        dhi = None if hi is None else w(x > hi, g, 0.0)
        if lo is not None and hi is not None:       # an empty range [lo > hi] gives hi everywhere
            dlo = w(lo > hi, 0.0, dlo)
        return dx, dlo, dhi


def _clamp_values(x, lo, hi):
    r = x
    # NumPy's maximum / minimum return their second operand on a tie.  A number bound goes first, so
    # x = -0.0 stays -0.0 against 0 as in torch's clamp_scalar kernel; a tensor bound goes second, as
    # the vector loop of torch's clamp(Tensor, Tensor, Tensor) kernel (maximum(x, lo)) returns it
    # (its scalar loop keeps x: which one an element gets depends on where it lies, _signed_ties)
    if lo is not None:
        r = np.maximum(r, lo) if lo.__class__ is np.ndarray else np.maximum(lo, r)
        r = np.where(np.isnan(x), x, r) if r.dtype.kind == "f" else _not_complex(r)
    if hi is not None:
        m = (lambda a, b: np.minimum(a, b)) if hi.__class__ is np.ndarray else (lambda a, b: np.minimum(b, a))
        r = np.where(np.isnan(r), r, m(r, hi)) if r.dtype.kind == "f" else m(_not_complex(r), hi)
    if r.dtype.kind == "f" and (lo.__class__ is np.ndarray or hi.__class__ is np.ndarray):
        r = _signed_ties(x, lo, hi, r)
    return as_array(r)


def _signed_ties(x, lo, hi, r):
    """Where x is a zero that ties a tensor bound's zero of the other sign, the elements torch's scalar
    loop takes (ops/_scalar_tail.loop_vector_mask) keep x's zero; the vector loop's keep the bound's."""
    from ._scalar_tail import split_by_loop
    b = np.broadcast_to(x, r.shape)
    tie = (b == 0) & (r == 0) & (np.signbit(b) != np.signbit(r))
    split = split_by_loop(tie, [b] + [v for v in (lo, hi) if v.__class__ is np.ndarray])
    return r if split is None else np.where(split[1], b, r)


def _not_complex(r):
    """``r``, unless complex: NumPy would clamp complex numbers in lexicographic order."""
    if r.dtype.kind == "c":
        raise NotImplementedError(CLAMP_COMPLEX)
    return r


CLAMP_COMPLEX = "clamp is not supported for complex types"


def _real_bound(v):
    """torch keeps a float tensor's dtype and converts a number bound to double: a complex number with
    an imaginary part fails that conversion (an integer tensor promotes to complex and is refused)."""
    if v.__class__ is complex:
        if v.imag != 0:
            raise RuntimeError("value cannot be converted to type double without overflow")
        return v.real
    return v


def clamp(input, min=None, max=None, *, out=None):
    if out is not None:
        from .clamp_meta import into_out
        return into_out("clamp", lambda: clamp(input, min, max), input, (min, max), out)
    tensor_input("clamp", input)
    lo, hi = min, max
    if input.dtype.is_floating_point:
        lo, hi = _real_bound(lo), _real_bound(hi)
    if lo is None and hi is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if lo is not None and hi is not None and is_tensor(lo) != is_tensor(hi):
        _mixed_bounds()
    ops = [v for v in (input, lo, hi) if v is not None]
    dt = result_type(*ops) if len(ops) > 1 else input.dtype
    x = data_as(input, dt.np)
    if is_tensor(lo) or is_tensor(hi):
        try:
            bounds = [v for v in (data_as(lo, dt.np), data_as(hi, dt.np)) if v is not None]
            r = _clamp_values(x, data_as(lo, dt.np), data_as(hi, dt.np)).astype(dt.np, copy=False)
            r = _wrap(_ti(r, x, *bounds))
        except ValueError:             # shapes that do not broadcast: torch's message
            check_broadcast(*(v._data.shape for v in (input, lo, hi) if is_tensor(v)))
            raise
        if needs_grad(input, lo if is_tensor(lo) else input, hi if is_tensor(hi) else input):
            node = ClampBackward0()
            node.save(input, lo if is_tensor(lo) else _as_t(lo), hi if is_tensor(hi) else _as_t(hi))
            record(node, r, input, lo if is_tensor(lo) else None, hi if is_tensor(hi) else None)
        return r
    if dt._cat == 0:          # torch's scalar-bound kernels have no bool instance (tensor bounds do)
        from ._complex_refuse import not_implemented
        kernel = "clamp_scalar_cpu" if lo is not None and hi is not None else \
            ("clamp_min_scalar_cpu" if hi is None else "clamp_max_scalar_cpu")
        raise not_implemented(kernel, dt.np)
    if dt._cat in (1, 2):     # a number bound goes into the dtype as c10 converts it (uint8: -4 is 252; 1e39 refused)
        from ._scalar_cast import checked_scalar
        lo = None if lo is None else checked_scalar(lo, dt.np)
        hi = None if hi is None else checked_scalar(hi, dt.np)
    r = _wrap(_ti(_clamp_values(x, lo, hi).astype(dt.np, copy=False), x))
    if GRAD.enabled and input._rg:
        node = ClampBackward1()
        node.lo, node.hi = lo, hi
        node.save(input)
        record1(node, r, input)
    return r


def _mixed_bounds():
    """One bound a tensor, the other a number: neither of torch's overloads (all-tensor, all-number)
    takes the call, and its parser says so for the user's call on the stack."""
    from .._arg_refuse import not_tensor
    not_tensor()
    raise TypeError("clamp() received an invalid combination of arguments: min and max must both be "
                    "tensors or both be numbers")


def _as_t(v):
    return None if v is None else _wrap(np.asarray(v))


clip = clamp


class ClampMinBackward0(Node):
    """y = max(x, lo) (lo a number)   ->   dx = g where x >= lo"""
    __slots__ = ("lo",)

    def backward(self, g):
        x, = self.saved()
        return (self.m.where(x >= self.lo, g, 0.0),)


class ClampMaxBackward0(Node):
    """y = min(x, hi) (hi a number)   ->   dx = g where x <= hi"""
    __slots__ = ("hi",)

    def backward(self, g):
        x, = self.saved()
        return (self.m.where(x <= self.hi, g, 0.0),)


class ClampMinBackward1(Node):
    """y = max(x, lo) (lo a tensor)   ->   dx = g where x >= lo,   dlo = g where x < lo"""
    __slots__ = ()

    def backward(self, g):
        x, lo = self.saved()
        w = self.m.where
        return w(x >= lo, g, 0.0), w(x < lo, g, 0.0)


class ClampMaxBackward1(Node):
    """y = min(x, hi) (hi a tensor)   ->   dx = g where x <= hi,   dhi = g where x > hi"""
    __slots__ = ()

    def backward(self, g):
        x, hi = self.saved()
        w = self.m.where
        return w(x <= hi, g, 0.0), w(x > hi, g, 0.0)


def _clamp_one(input, bound, is_min):
    if isinstance(bound, complex):      # torch's meta refuses a complex number before promoting (float16: no complex32)
        raise NotImplementedError(CLAMP_COMPLEX)
    dt = result_type(input, bound)
    if not is_tensor(bound) and dt._cat in (1, 2):    # c10's conversion of the number (its overflow error)
        from ._scalar_cast import checked_scalar
        bound = checked_scalar(bound, dt.np)
    if is_tensor(bound):                # shapes that do not broadcast: torch's message, not NumPy's
        check_broadcast(input._data.shape, bound._data.shape)
    x, b = data_as(input, dt.np), data_as(bound, dt.np)
    r = _wrap(_ti(_clamp_values(x, b if is_min else None, None if is_min else b).astype(dt.np, copy=False), x, b))
    if is_tensor(bound):
        if needs_grad(input, bound):
            node = (ClampMinBackward1 if is_min else ClampMaxBackward1)()
            node.save(input, bound)
            record(node, r, input, bound)
    elif GRAD.enabled and input._rg:
        node = (ClampMinBackward0 if is_min else ClampMaxBackward0)()
        setattr(node, "lo" if is_min else "hi", bound)
        node.save(input)
        record1(node, r, input)
    return r


def _tensor_first(name, bound, input, value):
    """torch's parser refuses a number as ``input`` (its message lists both overloads)."""
    if not is_tensor(input):
        from .._arg_parser import parser_error
        raise parser_error((f"{name}(Tensor input, Tensor {bound}, *, Tensor out=None)",
                            f"{name}(Tensor input, Scalar {bound}, *, Tensor out=None)"), (input, value))


def clamp_min(input, min, *, out=None):
    _tensor_first("clamp_min", "min", input, min)
    if out is not None:
        from .clamp_meta import into_out
        return into_out("clamp_min", lambda: clamp_min(input, min), input, (min,), out, complex_first=True)
    return _clamp_one(input, min, True)


def clamp_max(input, max, *, out=None):
    _tensor_first("clamp_max", "max", input, max)
    if out is not None:
        from .clamp_meta import into_out
        return into_out("clamp_max", lambda: clamp_max(input, max), input, (max,), out, complex_first=True)
    return _clamp_one(input, max, False)


# torch's meta functions check out= against the bounds too (clamp_meta.py), so out= is handled here
clamp._handles_out = clamp_min._handles_out = clamp_max._handles_out = True


# ---- in-place forms ------------------------------------------------------------------------------
def clamp_(input, min=None, max=None):
    if min is not None and max is not None and is_tensor(min) != is_tensor(max):
        _mixed_bounds()                 # (here, so that the parser reads the user's clamp_ call)
    from .clamp_meta import check_into_self
    check_into_self(input, (min, max))      # before commit's overlap checks, as torch's meta function
    return commit(input, lambda: clamp(original(input), min, max), "clamp", inputs=(min, max))


clip_ = clamp_


def clamp_min_(input, min):
    from .clamp_meta import check_into_self
    check_into_self(input, (min,), complex_first=True)
    return commit(input, lambda: clamp_min(original(input), min), "clamp_min", inputs=(min,))


def clamp_max_(input, max):
    from .clamp_meta import check_into_self
    check_into_self(input, (max,), complex_first=True)
    return commit(input, lambda: clamp_max(original(input), max), "clamp_max", inputs=(max,))


__all__ = ["clamp", "clip", "clamp_min", "clamp_max", "clamp_", "clip_", "clamp_min_", "clamp_max_"]
