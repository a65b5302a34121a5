"""Pointwise functions of one tensor: abs, exp, log, sqrt, sin, cos, reciprocal, and the
activations relu, sigmoid, tanh.  Integer inputs are computed in the default float dtype (abs and
relu keep them integer), as torch does.
"""
import numpy as np

from ..autograd.graph import Node
from ._common import GRAD, _wrap, as_array, record, record1, zero_where, unary_float_input, fma32
from .._rng_fma import fma64
from .inplace import commit
from . import _libm, _parallel, _sleef_expf, _sleef_loop
from ._layout import ti as _ti
from .._arg_refuse import not_a_tensor
from .kernel_double import sigmoid_backward

_BIG = _parallel.MIN_SIZE


def _unary(fn, node_cls, input, save, x=None):
    """Apply ``fn``; record ``node_cls`` saving "self", "result" or nothing."""
    if x is None:
        x = unary_float_input(input)
    r = as_array(fn(x) if x.size < _BIG or fn.__class__ is not np.ufunc else _parallel.unary(fn, x))
    if not x.flags.c_contiguous:
        r = _ti(r, x)           # torch's TensorIterator layout (ops/_layout.py)
    r = _wrap(r)
    if GRAD.enabled and input._rg:
        node = node_cls()
        if save == "self":
            node.save(input)
        elif save == "result":
            node.save(r, result_at=0)
        if node_cls._saved_names is None and save:
            node_cls._saved_names = (save,)           # torch's name for it: grad_fn._saved_self / _saved_result
        record1(node, r, input)
    return r


def nan_signed(fn, negative):
    """``fn`` (a ufunc) with the NaN it makes from a non-NaN input given torch's sign bit: its
    kernels return +NaN for sqrt/log2/log10 of a negative, -NaN for asin/acos outside [-1, 1]
    (NumPy's x86 loops return -NaN for all of them); a NaN input passes through unchanged."""
    def f(x):
        r = fn(x) if x.size < _BIG else _parallel.unary(fn, x)
        # min() carries a NaN through: one pass, no mask, in the common case of no NaN at all
        if r.dtype.kind == "f" and r.size and np.isnan(r.min()):
            bad = np.isnan(r)
            bad &= ~np.isnan(x)
            r = np.where(bad, r.dtype.type(-np.nan if negative else np.nan), r)
        return r
    f.__name__ = fn.__name__
    return f


_np_sqrt = nan_signed(np.sqrt, False)
_MKL_SQRT_MAX = 1 << 20


def _sqrt(x):
    """torch.sqrt's values: torch's x86 build takes MKL's vsSqrt / vdSqrt, which are not correctly
    rounded (about 15% of float32 and 1% of float64 values differ from NumPy's sqrt); glasstorch
    reproduces them as measured on AMD CPUs (optim/_blas_order.sqrt, exact there) up to 2^20 elements,
    NumPy's correctly rounded sqrt beyond (the emulation costs about 10-20x)."""
    r = _np_sqrt(x)
    if x.__class__ is np.ndarray and (x.dtype == np.float32 or x.dtype == np.float64) \
            and 0 < x.size <= _MKL_SQRT_MAX:
        from ..optim._blas_order import sqrt as mkl_sqrt
        with np.errstate(invalid="ignore"):
            m = mkl_sqrt(x)
        r = np.where(np.isnan(r), r, m).astype(x.dtype, copy=False) if x.ndim else x.dtype.type(
            r if np.isnan(r) else m)
    return r


class AbsBackward0(Node):
    """y = |x|   ->   dx = g * sign(x)"""
    __slots__ = ()

    def backward(self, g):
        x, = self.saved()
        if isinstance(x, (np.ndarray, np.generic)):     # torch's sgn: 0 at NaN (NumPy's sign gives NaN)
            from .select import real_sign
            return (g * real_sign(np.asarray(x)),)
        return (g * x.sgn(),)        # create_graph: torch's formula records sgn (SgnBackward0)


def abs(input, *, out=None):
    x = input._data
    if x.dtype.kind in "bc":
        if x.dtype.kind == "c":
            from .complex_ops import complex_abs
            return complex_abs(input)
        raise NotImplementedError("\"abs_cpu\" not implemented for 'Bool'")
    return _unary(np.abs, AbsBackward0, input, "self", x)


absolute = abs


class ExpBackward0(Node):
    """y = exp(x)   ->   dx = g * y"""
    __slots__ = ()

    def backward(self, g):
        y, = self.saved()
        return (g * y,)


def exp(input, *, out=None):
    return _unary(_libm.exp, ExpBackward0, input, "result")


class LogBackward0(Node):
    """y = log(x)   ->   dx = g / x"""
    __slots__ = ()

    def backward(self, g):
        x, = self.saved()
        return (g / x,)


def log(input, *, out=None):
    return _unary(_libm.log, LogBackward0, input, "self")


class SqrtBackward0(Node):
    """y = sqrt(x)   ->   dx = g / (2 * y)"""
    __slots__ = ()

    def backward(self, g):
        y, = self.saved()
        if isinstance(y, np.ndarray):
            return (g / (2 * y),)
        from ._grad_scalars import times
        return (g / times(y, 2),)       # C++'s 2 * result: mul.Scalar under create_graph


def sqrt(input, *, out=None):
    return _unary(_sqrt, SqrtBackward0, input, "result")


class SinBackward0(Node):
    """y = sin(x)   ->   dx = g * cos(x)"""
    __slots__ = ()

    def backward(self, g):
        x, = self.saved()
        return (g * self.m.cos(x),)


def sin(input, *, out=None):
    return _unary(_libm.sin, SinBackward0, input, "self")


class CosBackward0(Node):
    """y = cos(x)   ->   dx = g * -sin(x)"""
    __slots__ = ()

    def backward(self, g):
        x, = self.saved()
        return (g * -self.m.sin(x),)


def cos(input, *, out=None):
    return _unary(_libm.cos, CosBackward0, input, "self")


class ReciprocalBackward0(Node):
    """y = 1 / x   ->   dx = -g * (y * y)"""
    __slots__ = ()

    def backward(self, g):
        y, = self.saved()
        return (-g * (y * y),)


def _reciprocal(x):
    return np.divide(x.dtype.type(1), x)


def reciprocal(input, *, out=None):
    return _unary(_reciprocal, ReciprocalBackward0, input, "result")


# ---- activations ------------------------------------------------------------------------------
def _tanh_grad(g, y):
    """g * (1 - y * y) as torch's kernel computes it: 1 - y*y is one fused multiply-add, rounded once
    (half precision works in float32 and rounds at the end)."""
    if y.dtype != g.dtype or y.dtype.kind != "f":
        return g * (1 - y * y)
    if y.dtype.itemsize == 8:
        return g * fma64(-y, y, 1.0)
    y32 = y.astype(np.float32, copy=False)
    return (g.astype(np.float32, copy=False) * fma32(-y32, y32, 1.0)).astype(y.dtype, copy=False)


class TanhBackward0(Node):
    """y = tanh(x)   ->   dx = tanh_backward(g, y) = g * (1 - y * y)"""
    __slots__ = ()

    def backward(self, g):
        y, = self.saved()
        if isinstance(g, (np.ndarray, np.generic)):
            return (_tanh_grad(g, y),)
        return (tanh_backward(g, y),)


class TanhBackwardBackward0(Node):
    """z = g * (1 - y * y)   ->   dg = tanh_backward(gz, y),   dy = gz * (-2 * y * g)"""
    __slots__ = ()

    def backward(self, gz):
        g, y = self.saved()
        if isinstance(gz, (np.ndarray, np.generic)):
            return _tanh_grad(gz, y), gz * (-2 * y * g)
        return tanh_backward(gz, y), gz * (-2 * y * g)


def tanh_backward(grad_output, output):
    """torch's ``tanh_backward`` (what a graph of tanh's backward records), fused like its forward use."""
    r = _wrap(as_array(_tanh_grad(grad_output._data, output._data)))
    if GRAD.enabled and (grad_output._rg or output._rg):
        node = TanhBackwardBackward0()
        node.save(grad_output, output)
        record(node, r, grad_output, output)
    return r


def _tanh(x):
    """torch.tanh's values: float64 through MKL's vdTanh in torch's x86 build, which no NumPy routine
    reproduces.  Measured agreement with it: SLEEF's tanhd (ops/_sleef_f64more.py) 89-99.6% of elements
    below |x| = 5, glibc's tanh (ops/_sleef_loop.glibc_tanh) 50-92% there but 99.9% above, so each
    range takes the closer one (about 98% overall, against 80% for NumPy's tanh).  float32: the correctly rounded value
    (99.95% agree with MKL's vsTanh)."""
    if x.dtype == np.float64 and x.size:
        from ._sleef_f64more import tanhd
        from ._sleef_loop import glibc_tanh
        return np.where(np.abs(x) < 5, np.asarray(tanhd(x), np.float64).reshape(x.shape), glibc_tanh(x))
    return _libm.tanh(x)


def tanh(input, *, out=None):
    return _unary(_tanh, TanhBackward0, input, "result")


class SigmoidBackward0(Node):
    """y = 1 / (1 + exp(-x))   ->   dx = g * (1 - y) * y"""
    __slots__ = ()

    def backward(self, g):
        y, = self.saved()
        return (sigmoid_backward(g, y),)


def _sigmoid(x):
    with np.errstate(over="ignore"):
        if x.dtype.char in "fd" and x.ndim:    # torch's vector loop: SLEEF's exp (glibc's in the rest)
            one = x.dtype.type(1)
            return one / (one + _sleef_loop.in_loop("exp", -x, x))
        return _libm.sigmoid(x)


def sigmoid(input, *, out=None):
    return _unary(_sigmoid, SigmoidBackward0, input, "result")


class ReluBackward0(Node):
    """y = max(x, 0)   ->   dx = g where y > 0, else 0 (also at x = 0)"""
    __slots__ = ()

    def backward(self, g):
        y, = self.saved()
        if self.m is np:
            return (zero_where(y <= 0, g),)
        from ..nn._ops.mask_double import mask_double
        return (mask_double(self, self.m.where(y <= 0, 0, g), g, y),)


def _relu(x):
    # zero first: NumPy's maximum returns its second operand on a tie, so -0.0 stays -0.0 as in torch
    # (whose clamp_min keeps x unless x < 0)
    if x.size >= _BIG:
        return _parallel.binary(np.maximum, x.dtype.type(0), x)
    return np.maximum(x.dtype.type(0), x)


def relu(input, inplace=False):
    if inplace:
        return relu_(input)
    try:
        x = input._data
    except AttributeError:          # not a tensor: torch's parser error
        not_a_tensor()
    if x.dtype.kind in "bc":
        if x.dtype.kind == "c":
            raise NotImplementedError("clamp is not supported for complex types")
        raise RuntimeError("Boolean inputs not supported for relu")
    return _unary(_relu, ReluBackward0, input, "result", x)


# ---- in-place forms ---------------------------------------------------------------------------
def _inplace(fn, saves_input=False):
    """``saves_input``: the backward reads the input, which torch then saves as a copy (see ``original``)."""
    def method(self):
        if saves_input:
            from .inplace_more import original
            return commit(self, lambda: fn(original(self)), fn.__name__)
        return commit(self, lambda: fn(self), fn.__name__)
    method.__name__ = method.__qualname__ = fn.__name__ + "_"      # (named so in Python's TypeErrors)
    method.__doc__ = f"In-place {fn.__name__}."
    return method


abs_ = _inplace(abs, True)
exp_ = _inplace(exp)
log_ = _inplace(log, True)
sqrt_ = _inplace(sqrt)
sin_ = _inplace(sin, True)
cos_ = _inplace(cos, True)
reciprocal_ = _inplace(reciprocal)
tanh_ = _inplace(tanh)
sigmoid_ = _inplace(sigmoid)
relu_ = _inplace(relu)
