"""silu (swish): y = x * sigmoid(x), as torch's float32 / float64 kernels compute it.

torch's loop runs blocks of 16 float32 / 8 float64 elements as vectors, whose exp is SLEEF's, and the
rest one by one with glibc's; ``_sleef_loop.in_loop`` gives each element its exp, in any layout
(``_scalar_tail.loop_vector_mask``).  Backward's ``1 + x (1 - s)`` is one fused multiply-add (GCC
contracts it in torch's kernel), so both directions are torch's bit for bit on float32 and float64
tensors.
"""
import numpy as np

from ...autograd.graph import Node
from ...ops import _sleef_expf, _sleef_loop
from ...ops._fma32 import fma32
from ..._rng_fma import fma64
from ..._arg_refuse import not_a_tensor
from .activation import _float_only, _opmath, _unary
from .activation_inplace import silu_


def _sig(x, *operands):
    """sigmoid as silu's kernel over ``operands`` (default: x) computes it: 1 / (1 + exp(-x)), SLEEF's
    exp in the loop's vector blocks (``_sleef_loop``), glibc's in the rest."""
    with np.errstate(over="ignore"):
        if x.dtype.char in "fd" and x.ndim:
            return 1 / (1 + _sleef_loop.in_loop("exp", -x, *(operands or (x,))))
        return 1 / (1 + _sleef_expf.unary_exp(-x))


class SiluBackward0(Node):
    """y = x s(x)   ->   dx = g s (1 + x (1 - s))"""
    __slots__ = ()

    def backward(self, g):
        x, = self.saved()
        if isinstance(x, np.ndarray) and x.dtype.char == "e":
            # float16: torch's kernel converts to float, runs the float32 formula and rounds once
            xf, gf, one = x.astype(np.float32), np.asarray(g, np.float32), np.float32(1)
            s = _sig(xf)
            return ((gf * s * fma32(xf, one - s, one)).astype(np.float16),)
        if isinstance(x, np.ndarray) and x.dtype.char in "fd":
            s = _sig(x, *((g, x) if np.shape(g) == x.shape else (x,)))
            one = x.dtype.type(1)
            return (g * s * (fma32 if x.dtype.char == "f" else fma64)(x, one - s, one),)
        s = self.m.sigmoid(x) if not isinstance(x, np.ndarray) else _sig(x)
        if isinstance(x, np.ndarray):
            return (g * s * (1 + x * (1 - s)),)
        from ...ops._grad_scalars import number_minus, plus      # C++'s 1 + x (1 - s): AddBackward1, SubBackward0
        return (g * s * plus(x * number_minus(1, s), 1),)


def silu(input, inplace=False):
    if inplace:
        return silu_(input)
    try:
        kind = input._data.dtype.kind
    except AttributeError:          # not a tensor: torch's parser error
        not_a_tensor()
    if kind == "c":
        from ...ops.complex_ops2 import silu as complex_silu
        return complex_silu(input)
    x = _float_only(input, "silu_cpu")
    w = _opmath(x)
    one = w.dtype.type(1)
    with np.errstate(over="ignore"):            # torch's kernel: x / (1 + exp(-x)), one rounding fewer
        e = _sleef_loop.in_loop("exp", -w, x) if w is x and x.ndim else _sleef_expf.unary_exp(-w)
        out = (w / (one + e)).astype(x.dtype, copy=False)
    return _unary(SiluBackward0, input, out, input)
