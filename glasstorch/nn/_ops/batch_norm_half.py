"""Batch norm of a float16 input, rounded as torch's CPU kernel rounds it (found by experiment against torch,
see tests/parity/test_sweep17b.py).

Training: the batch mean is computed in float and rounded to half (torch's saved mean is a half tensor); the
variance is the mean of (x - mean_half)^2 in float, and invstd = 1 / sqrt(var + eps) is rounded to half too.
The running statistics take the float mean and the float variance (unbiased), in float, then are stored as half.
Evaluation: mean = running_mean, invstd = 1 / sqrt(running_var + eps) in float.
The output y = (x - mean) invstd w + b is computed in float and rounded to half once.
Backward in training, in float with those half statistics: s = sum(dy), dotp = sum(dy (x - mean)),
k = dotp invstd^2 / n, dx = (dy - s / n - (x - mean) k) invstd w, dw = dotp invstd, db = s.
"""
import numpy as np

from ...ops.shape import is_array
from .normalization import NativeBatchNormBackward0 as _Generic

_F32 = np.float32


class NativeBatchNormBackward0(_Generic):
    """y = (x - mean) invstd w + b for a half input: torch's kernel formula in float (see the module docstring)"""
    __slots__ = ()

    def backward(self, g):
        if not (self.training and is_array(g)):
            return super().backward(g)
        w, x = self.saved()
        axes = self.axes
        n = g.size // g.shape[1]
        shape = (1, -1) + (1,) * (g.ndim - 2)
        gf, centred = g.astype(_F32), x.astype(_F32) - self.mean
        s = gf.astype(np.float64).sum(axis=axes, keepdims=True).astype(_F32)
        dotp = (gf.astype(np.float64) * centred).sum(axis=axes, keepdims=True).astype(_F32)
        invstd = self.invstd
        gx = gw = gb = None
        if self.need[0]:
            k = dotp * invstd * invstd / _F32(n)
            gx = (gf - s / _F32(n) - centred * k) * invstd
            if w is not None:
                gx = gx * w.astype(_F32).reshape(shape)
            gx = gx.astype(x.dtype)
        if self.need[1]:
            gw = (dotp * invstd).reshape(-1).astype(w.dtype)
        if self.need[2]:
            gb = s.reshape(-1).astype(g.dtype)
        return gx, gw, gb


def batch_norm_half(input, running_mean, running_var, weight, bias, training, momentum, eps):
    from .normalization import _affine_and_record
    x = input._data
    axes = (0,) + tuple(range(2, x.ndim))
    shape = (1, -1) + (1,) * (x.ndim - 2)
    xf = x.astype(_F32)
    if training:
        n = x.size // x.shape[1]
        mean = x.astype(np.float64).mean(axis=axes, keepdims=True).astype(_F32)
        mean_h = mean.astype(np.float16).astype(_F32)
        var = ((xf.astype(np.float64) - mean_h) ** 2).mean(axis=axes, keepdims=True).astype(_F32)
        invstd = (_F32(1) / np.sqrt(var + _F32(eps))).astype(np.float16).astype(_F32)
        if running_mean is not None:
            m = _F32(momentum)
            rm = running_mean._data
            rm[...] = (m * mean.reshape(-1) + (_F32(1) - m) * rm.astype(_F32)).astype(rm.dtype)
            running_mean._vc[0] += 1
        if running_var is not None:
            m = _F32(momentum)
            rv = running_var._data
            unbiased = (var.reshape(-1) * _F32(n / (n - 1))).astype(_F32)
            rv[...] = (m * unbiased + (_F32(1) - m) * rv.astype(_F32)).astype(rv.dtype)
            running_var._vc[0] += 1
        centre = mean_h
    else:
        centre = running_mean._data.astype(_F32).reshape(shape)
        invstd = _F32(1) / np.sqrt(running_var._data.astype(_F32).reshape(shape) + _F32(eps))
    xhat = (xf - centre) * invstd
    return _affine_and_record(NativeBatchNormBackward0, xhat, invstd, input, weight, bias, shape, training=training,
                              axes=axes, eps=eps, mean=centre, exact=None)
