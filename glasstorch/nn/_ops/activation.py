"""Activation functions with their own autograd nodes (torch's names: ``GeluBackward0`` ...).

Each forward is NumPy on the input's dtype; each backward is the derivative written out.  Where
torch's kernel works in float32 for half inputs we follow NumPy's float16 arithmetic instead.
"""
import math
from ...ops._layout import ti as _ti  # TensorIterator output strides (ops/_layout.py)
from ...ops._layout import clone as _empty_like

import numpy as np

from ...autograd.graph import Node
from ...ops._common import GRAD, _wrap, record1
from ...ops._scalar_tail import split_by_loop
from ...ops import _half_math, _libm, _sleef_loop
from ..._rng_fma import fma64
from ...ops.shape import is_array
from ._util import erf
from . import _gelu_dnnl, _gelu_tanh, _mish
from ..._arg_refuse import not_a_tensor
from .act_double import (EluBackwardBackward0, GeluBackwardBackward0, HardswishBackwardBackward0,
                         LogSigmoidBackwardBackward0)
from ...ops.kernel_double import kernel_backward
from ...ops._half_grad_scalar import times as _half_times


def _unary(node_cls, input, out, *save, **attrs):
    r = _wrap(_ti(np.asarray(out, dtype=input._data.dtype), input._data))
    if GRAD.enabled and input._rg:
        node = node_cls()
        for k, v in attrs.items():
            setattr(node, k, v)
        node.save(*[r if s is None else s for s in save], result_at=save.index(None) if None in save else -1)
        record1(node, r, input)
    return r


def _arr(t):
    return t if isinstance(t, np.ndarray) else t._data


def _float_only(input, kernel):
    """The input's array; torch's kernels for these activations take floating dtypes only."""
    try:
        x = input._data
    except AttributeError:          # not a tensor: torch's parser error
        not_a_tensor()
    if x.dtype.kind != "f":
        from ...ops.inplace import type_name
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{type_name(x.dtype)}'")
    return x


def _opmath(x):
    """float16 as float32: torch's activation kernels compute half in float and round once."""
    return x.astype(np.float32) if x.dtype == np.float16 else x


# ---- leaky_relu, elu family, hardtanh -------------------------------------------------------------
class LeakyReluBackward0(Node):
    """y = x if x > 0 else a x   ->   dx = g if x > 0 else a g"""
    __slots__ = ("slope",)

    def backward(self, g):
        x, = self.saved()
        if self.m is np:
            return (np.where(x > 0, g, _half_times(g, self.slope)),)   # float16: the slope in float32
        from .mask_double import mask_double
        return (mask_double(self, self.m.where(x > 0, g, g * self.slope), g, x),)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    if inplace:
        return leaky_relu_(input, negative_slope)
    x = _float_only(input, "leaky_relu_cpu")
    w = _opmath(x)
    out = np.where(w > 0, w, w * w.dtype.type(negative_slope)).astype(x.dtype, copy=False)
    return _unary(LeakyReluBackward0, input, out, input, slope=negative_slope)


class EluBackward0(Node):
    """y = s x (x > 0), s a (exp(x i) - 1) otherwise   ->   dx = g s (x > 0), g i s a exp(x i) otherwise"""
    __slots__ = ("alpha", "scale", "input_scale")
    _from_output = False          # the in-place nodes (EluBackward1 ...) save the output instead

    def _coefs(self, x):
        # torch's kernel rounds each coefficient to the input's dtype; CELU's derivative takes
        # 1 / alpha with alpha rounded to float32 first (derivatives.yaml: 1.0 / alpha.toFloat())
        t = x.dtype.type if is_array(x) else float
        i = 1.0 / float(np.float32(self.alpha)) if type(self).__name__.startswith("Celu") else self.input_scale
        return t(self.alpha) * t(self.scale), t(self.scale), t(i)

    def backward(self, g):
        x, = self.saved()
        return (kernel_backward(EluBackwardBackward0, self, g, x, is_result=False),)

    def _from_result(self, g):
        """dx from the saved output y: g i (y + s a) where y <= 0."""
        y, = self.saved()
        return (kernel_backward(EluBackwardBackward0, self, g, y, is_result=True),)

    def kernel(self, g, x, is_result=False):
        """torch's elu_backward on arrays (x the input, or the result where is_result)."""
        if x.dtype == np.float16:   # torch's reduced-float kernel: float32 math and coefficients, one rounding
            return self.kernel(np.asarray(g, np.float32), x.astype(np.float32), is_result).astype(np.float16)
        neg, pos, i = self._coefs(x)
        vec = _sleef_loop.kernel_mask(g, x)
        # a nan x takes the negative branch in the vector loop (blendv on x > 0), the positive one in the rest
        left = x <= 0 if vec is None or not np.isnan(x).any() else np.where(vec, ~(x > 0), x <= 0)
        if is_result:
            return np.where(left, g * i * (x + neg), g * pos)
        with np.errstate(over="ignore"):    # (SLEEF's exp in the vector loop, glibc's in the rest)
            e = _libm.exp(x * i) if vec is None else _sleef_loop.by_path("exp", x * i, vec)
            return np.where(left, g * i * neg * e, g * pos)


def _elu(node_cls, input, alpha, scale, input_scale):
    x = _float_only(input, "elu_cpu")
    w = _opmath(x)
    t = w.dtype.type
    with np.errstate(over="ignore"):        # (expm1: SLEEF's in torch's vector blocks, glibc's in the rest)
        out = np.where(w > 0, w * t(scale), t(scale) * t(alpha) * _sleef_loop.in_loop("expm1", w * t(input_scale), x))
    out = out.astype(x.dtype, copy=False)
    return _unary(node_cls, input, out, None if node_cls._from_output else input, alpha=alpha, scale=scale,
                  input_scale=input_scale)


def elu(input, alpha=1.0, inplace=False):
    if inplace:
        return elu_(input, alpha)
    return _elu(EluBackward0, input, alpha, 1.0, 1.0)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(input, inplace=False):
    if inplace:
        return selu_(input)
    return _elu(EluBackward0, input, _SELU_ALPHA, _SELU_SCALE, 1.0)


class CeluBackward0(EluBackward0):
    __slots__ = ()


def _celu_alpha(alpha):
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")
    return alpha


def celu(input, alpha=1.0, inplace=False):
    if inplace:
        return celu_(input, alpha)
    return _elu(CeluBackward0, input, alpha, 1.0, 1.0 / _celu_alpha(alpha))


class HardtanhBackward0(Node):
    """y = clamp(x, lo, hi)   ->   dx = g inside (lo, hi), 0 at and beyond the bounds"""
    __slots__ = ("lo", "hi")

    def backward(self, g):
        x, = self.saved()
        m = self.m
        xa, ga = (x, g) if m is np else (x._data, g._data)
        keep = np.asarray((xa > self.lo) & (xa < self.hi))
        # a nan x: torch's vector loop tests lo < x < hi (so 0), its scalar loop x <= lo || x >= hi (so g)
        split = split_by_loop(np.isnan(xa), [ga, xa])
        if split is not None:
            keep |= split[1]
        if m is np:
            return (np.where(keep, g, 0),)
        from .mask_double import mask_double
        return (mask_double(self, m.where(m.from_numpy(keep), g, 0), g, x),)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    if inplace:
        return hardtanh_(input, min_val, max_val)
    try:
        x = input._data
    except AttributeError:          # not a tensor: torch's parser error
        not_a_tensor()
    if x.dtype.kind in "bc":
        if x.dtype.kind == "c":
            raise NotImplementedError("clamp is not supported for complex types")
        raise RuntimeError("Bool inputs not supported for hardtanh")
    t = x.dtype.type
    r = _unary(HardtanhBackward0, input, np.clip(x, t(min_val), t(max_val)), input, lo=min_val, hi=max_val)
    if not x.size:          # torch computes into empty_like(x): an empty x's strides are kept
        r._data = _empty_like(x)
    return r


def relu6(input, inplace=False):
    return hardtanh(input, 0.0, 6.0, inplace)


# ---- gelu, silu, mish, softplus, sigmoids --------------------------------------------------------
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)


class GeluBackward0(Node):
    """exact: y = x Phi(x) -> dx = g (Phi(x) + x phi(x));  tanh form differentiated likewise"""
    __slots__ = ("approximate",)

    def backward(self, g):
        x, = self.saved()
        return (kernel_backward(GeluBackwardBackward0, self, g, x),)

    def kernel(self, g, x):
        """torch's gelu_backward on arrays: oneDNN's for a contiguous float32 input of more than one
        element (erf form), ATen's vector loop for other float32 inputs (``_gelu_dnnl``)."""
        if x.dtype == np.float16:
            return _half_math.gelu_grad(g, x, self.approximate)
        if self.approximate == "tanh" and x.dtype.char in "fd":
            return _gelu_tanh.backward(g, x)
        if x.dtype == np.float32 and self.approximate != "tanh":
            g = np.asarray(g, np.float32)
            if x.flags.c_contiguous and x.size > 1:
                return _gelu_dnnl.gelu_erf_backward(x, g)
            return _gelu_dnnl.gelu_erf_backward_aten(x, g)
        xd = x.astype(np.float64)
        if self.approximate == "tanh":
            inner = _SQRT_2_OVER_PI * (xd + 0.044715 * xd ** 3)
            th = _libm.tanh(inner)
            d = 0.5 * (1 + th) + 0.5 * xd * (1 - th * th) * _SQRT_2_OVER_PI * (1 + 3 * 0.044715 * xd * xd)
        elif x.dtype == np.float64:     # ATen's order, the last add fused (its erf / exp are SLEEF's: not modelled)
            cdf = 0.5 * (1 + erf(xd * math.sqrt(0.5)))
            d = fma64(xd, (2 / math.sqrt(math.pi) * math.sqrt(0.5) * 0.5) * _libm.exp(xd * xd * -0.5), cdf)
        else:
            cdf = 0.5 * (1 + erf(xd / math.sqrt(2.0)))
            d = cdf + xd * _libm.exp(-0.5 * xd * xd) / math.sqrt(2 * math.pi)
        return g * d.astype(x.dtype)


def gelu(input, approximate="none"):
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    # torch's kernel, in the input's precision (half in float32), erf/tanh rounded once:
    #   (x * 0.5) * (1 + erf(x * sqrt(1/2)))   or   (0.5 * x) * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3)))
    x = _float_only(input, "GeluKernelImpl")
    w = x if x.dtype == np.float64 else x.astype(np.float32)
    t = w.dtype.type
    if x.dtype == np.float16:
        out = _half_math.gelu(x, approximate)
    elif approximate == "tanh":
        out = _gelu_tanh.forward(x) if x.dtype.char in "fd" else \
            t(0.5) * w * (t(1) + _libm.tanh(t(_SQRT_2_OVER_PI) * (w + t(0.044715) * (w * w * w))))
    elif x.dtype == np.float32 and x.size > 1 and input.is_contiguous():
        out = _gelu_dnnl.gelu_erf(x)        # torch hands a contiguous float32 tensor to oneDNN's kernel
    elif x.dtype == np.float32 and x.size > 1:
        out = _gelu_dnnl.gelu_erf_aten(x)   # ATen's vector loop (its scalar leftovers: not modelled)
    else:
        out = w * t(0.5) * (t(1) + erf(w.astype(np.float64) * math.sqrt(0.5)).astype(w.dtype))
    return _unary(GeluBackward0, input, out, input, approximate=approximate)


def _sig(x):
    with np.errstate(over="ignore"):
        return 1 / (1 + _libm.exp(-x))


def _softplus_arr(x, beta, threshold, vector=None):
    """vector: where torch's loop runs vectors (SLEEF's exp, log1p there, glibc's elsewhere); None: libm's."""
    t = x.dtype.type
    bx = x * t(beta)
    with np.errstate(over="ignore"):
        f = (lambda n, v: getattr(_libm, n)(v)) if vector is None else (lambda n, v: _sleef_loop.by_path(n, v, vector))
        soft = f("log1p", f("exp", bx)) / t(beta)
    return np.where(bx > threshold, x, soft)


class MishBackward0(Node):
    """y = x tanh(softplus(x))   ->   dx = g (tanh(sp) + x s(x) (1 - tanh(sp)^2))"""
    __slots__ = ()

    def backward(self, g):
        x, = self.saved()
        if is_array(x) and x.dtype.char in "fd":
            return (_mish.backward(g, x),)      # torch's kernel, bit for bit
        if is_array(x):
            th, sg = _libm.tanh(_softplus_arr(x, 1.0, 20.0)), _sig(x)
        else:                 # create_graph: recorded ops
            th, sg = softplus(x).tanh(), x.sigmoid()
        return (g * (th + x * sg * (1 - th * th)),)


def mish(input, inplace=False):
    if inplace:
        return mish_(input)
    x = _float_only(input, "mish_cpu")
    w = _opmath(x)
    out = _mish.forward(x) if w is x else w * _libm.tanh(_softplus_arr(w, 1.0, 20.0))
    return _unary(MishBackward0, input, out.astype(x.dtype, copy=False), input)


class SoftplusBackward0(Node):
    """y = log(1 + exp(b x)) / b   ->   dx = g z / (z + 1), z = exp(b x) (g where b x > threshold)"""
    __slots__ = ("beta", "threshold")

    def backward(self, g):
        from .smooth_double import softplus_backward_arr, softplus_double
        x, = self.saved()
        if not is_array(x):         # create_graph: torch's SoftplusBackwardBackward0, not exp's inf / inf
            return (softplus_double(self, g, x),)
        return (softplus_backward_arr(g, x, self.beta, self.threshold),)   # torch's order: (g z) / (z + 1)


def softplus(input, beta=1.0, threshold=20.0):
    x = _float_only(input, "softplus_cpu")
    vec = _sleef_loop.vector_mask(x) if x.dtype.char in "fd" else None
    return _unary(SoftplusBackward0, input, _softplus_arr(_opmath(x), beta, threshold, vec).astype(x.dtype, copy=False),
                  input,
                  beta=beta, threshold=threshold)


_ONE_SIXTH_F32 = float(np.float32(1.0) / np.float32(6.0))


class HardsigmoidBackward0(Node):
    """y = clamp(x / 6 + 1/2, 0, 1)   ->   dx = g / 6 on (-3, 3)"""
    __slots__ = ()

    @staticmethod
    def kernel(g, x):
        # torch multiplies by one_sixth = float32(1 / 6), in float64 too
        return np.where((x > -3) & (x < 3), g * _ONE_SIXTH_F32, 0)

    def backward(self, g):
        x, = self.saved()
        if is_array(x):
            return (self.kernel(g, x),)
        from .smooth_double import hardsigmoid_double    # create_graph: torch's node, which can't go further
        return (hardsigmoid_double(self, g, x),)


def hardsigmoid(input, inplace=False):
    if inplace:
        return hardsigmoid_(input)
    x = _float_only(input, "hardsigmoid_cpu")
    w = _opmath(x)
    t = w.dtype.type
    # torch's kernel: min(max(x + 3, 0), 6) / 6 (not x / 6 + 1/2, which rounds differently)
    return _unary(HardsigmoidBackward0, input, (np.clip(w + t(3), t(0), t(6)) / t(6)).astype(x.dtype, copy=False),
                  input)


class HardswishBackward0(Node):
    """y = x relu6(x + 3) / 6   ->   dx = g (2x + 3) / 6 on (-3, 3), g from 3 up, 0 up to -3"""
    __slots__ = ()

    def backward(self, g):
        x, = self.saved()
        return (kernel_backward(HardswishBackwardBackward0, self, g, x),)

    def kernel(self, g, x):
        # torch's kernel: x <= -3 -> 0, x < 3 -> formula, else g (so 0 at -3 and g at 3); a nan gets
        # g in the scalar loop and the formula's nan in the vector loop
        r = np.where(x <= -3, 0, np.where(x < 3, g * ((x / 3) + 0.5), g))
        split = split_by_loop(np.isnan(x), [g, x])
        return r if split is None else np.where(split[0], x, r)


def hardswish(input, inplace=False):
    if inplace:
        return hardswish_(input)
    x = _float_only(input, "hardswish_cpu")
    w = _opmath(x)
    t = w.dtype.type
    return _unary(HardswishBackward0, input, (w * np.clip(w + t(3), t(0), t(6)) / t(6)).astype(x.dtype, copy=False),
                  input)


class LogSigmoidBackward0(Node):
    """y = -softplus(-x)   ->   dx = g s(-x), as torch's kernel forms it: with b = exp(-|x|),
    q = b / (1 + b), dx = g (1 - q) for x < 0 and g q otherwise (no overflow for large |x|)"""
    __slots__ = ()

    def backward(self, g):
        x, = self.saved()
        return (kernel_backward(LogSigmoidBackwardBackward0, self, g, x),)

    def kernel(self, g, x):
        """torch's log_sigmoid_backward on arrays.  Its exp is SLEEF's at every element, in any layout
        and at any length (measured, float32 and float64: no glibc scalar rest, unlike elu's)."""
        with np.errstate(over="ignore"):
            b = _sleef_loop.by_path("exp", -np.abs(x), True)     # (libm's for half)
        q = b / (1 + b)
        return np.where(x < 0, 1 - q, q) * g


def logsigmoid(input):
    try:
        x = _float_only(input, "log_sigmoid_cpu")
    except AttributeError:      # a non-tensor: torch's parser error (of torch._C._nn.log_sigmoid)
        not_a_tensor()
    w = _opmath(x)
    with np.errstate(over="ignore"):
        # torch's kernel maps SLEEF's exp and log1p over every element (the partial last vector too)
        out = (np.minimum(w, 0) - _sleef_loop.by_path("log1p", _sleef_loop.by_path("exp", -np.abs(w), True), True)
               if w is x else np.minimum(w, 0) - _libm.log1p_vec(_libm.exp(-np.abs(w)))).astype(x.dtype, copy=False)
    r = _unary(LogSigmoidBackward0, input, out, input)
    if not (x.flags.c_contiguous and x.size):    # torch's log_sigmoid_forward: a contiguous output
        from ...ops._layout import contig
        r._data = contig(r._data)
    return r


# glu, prelu and the softmax family live in activation_more.py (imported here, so their old home works)
from .activation_more import (glu, prelu, softmax, log_softmax, softmin, softsign, _softmax_dim,  # noqa: E402,F401
                              GluBackward0, PreluKernelBackward0)

# the in-place forms reuse the functions above (imported last: that module imports this one)
from .activation_inplace import (elu_, selu_, celu_, leaky_relu_, hardtanh_, hardswish_, hardsigmoid_,  # noqa: E402
                                 silu_, mish_)
from .silu import silu  # noqa: E402,F401  (its own module: SLEEF's exp, torch's fused backward)
