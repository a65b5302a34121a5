"""Fake quantization: quantize and dequantize in one float op, as quantization-aware training uses.

    y = (clamp(nearbyint(x * (1 / scale)) + zero_point, quant_min, quant_max) - zero_point) * scale

The gradient is straight-through: ``dx = g`` where the rounded value fell inside [quant_min, quant_max], 0
elsewhere (torch's "cachemask" kernels keep that mask from the forward).  torch multiplies by the float32
reciprocal of the scale in the input's dtype; a per-tensor result is the float32 product
``float(q - zero_point) * float(scale)`` (then cast to the input's dtype), a per-channel one is computed in
the input's dtype.
"""
import numpy as np

from ._tensor import Tensor, _wrap
from .autograd.graph import Node
from .autograd.grad_mode import GRAD
from .ops._common import record1

_F32 = np.float32


class FakeQuantizePerTensorAffineCachemaskBackward0(Node):
    """y = fake_quantize(x)   ->   dx = g where quant_min <= round(x / scale) + zero_point <= quant_max, else 0"""
    __slots__ = ()

    def backward(self, g):
        mask, = self.saved()
        return (g * mask,)       # masked-out entries are g * 0: -0.0 where g < 0, as torch's


class FakeQuantizePerTensorAffineCachemaskTensorQparamsBackward0(FakeQuantizePerTensorAffineCachemaskBackward0):
    """y = fake_quantize(x, scale tensor, zero_point tensor)   ->   dx = g inside the range, else 0 (no grad
    for scale or zero_point)"""
    __slots__ = ()


class FakeQuantizePerChannelAffineCachemaskBackward0(FakeQuantizePerTensorAffineCachemaskBackward0):
    """y = fake_quantize per channel   ->   dx = g where the channel's rounded value is in range, else 0"""
    __slots__ = ()


def _check_range(zero_points, quant_min, quant_max):
    if quant_min > quant_max:
        raise RuntimeError("`quant_min` should be less than or         equal to `quant_max`.")
    if any(z < quant_min or z > quant_max for z in zero_points):
        raise RuntimeError("`zero_point` must be between `quant_min` and `quant_max`.")


def _finish(input, out, mask, node_cls):
    r = _wrap(out)
    if GRAD.enabled and input._rg:
        node = node_cls()
        node.save(_wrap(mask))
        record1(node, r, input)
    return r


def _scalar(v, kind):
    return kind(v._data.reshape(()).item()) if isinstance(v, Tensor) else kind(v)


def fake_quantize_per_tensor_affine(input, scale, zero_point, quant_min, quant_max):
    """y = (clamp(nearbyint(x * (1 / scale)) + zp, qmin, qmax) - zp) * scale; dx = g inside the range."""
    tensor_qparams = isinstance(scale, Tensor) or isinstance(zero_point, Tensor)
    s, z = _scalar(scale, float), _scalar(zero_point, int)
    _check_range((z,), quant_min, quant_max)
    x = input._data
    dt = x.dtype.type
    with np.errstate(all="ignore"):
        r = np.rint(x * dt(_F32(1) / _F32(s))).astype(np.float64) + z
        mask = (r >= quant_min) & (r <= quant_max)
        out = ((np.clip(r, quant_min, quant_max) - z).astype(_F32) * _F32(s)).astype(dt)
    node = (FakeQuantizePerTensorAffineCachemaskTensorQparamsBackward0 if tensor_qparams
            else FakeQuantizePerTensorAffineCachemaskBackward0)
    return _finish(input, np.asarray(out), mask, node)


def fake_quantize_per_channel_affine(input, scale, zero_point, axis, quant_min, quant_max):
    """Per channel along ``axis``: y = (clamp(nearbyint(x * (1 / scale[c])) + zp[c], qmin, qmax) - zp[c]) * scale[c]."""
    if zero_point.dtype.name not in ("int32", "float32", "float16"):
        from ._dtype import _SCALAR_TYPES
        raise RuntimeError(f"Zero-point must be Int32, Float or Half, found {_SCALAR_TYPES[zero_point.dtype.name]}")
    zp = zero_point._data.reshape(-1)
    _check_range(zp.tolist(), quant_min, quant_max)
    x = input._data
    dt = x.dtype.type
    shape = [1] * x.ndim
    shape[axis] = -1
    s32 = scale._data.astype(_F32).reshape(shape)
    zc = zp.astype(np.float64).reshape(shape)
    with np.errstate(all="ignore"):
        r = np.rint(x * (_F32(1) / s32).astype(dt)).astype(np.float64) + zc
        mask = (r >= quant_min) & (r <= quant_max)
        out = ((np.clip(r, quant_min, quant_max) - zc).astype(dt) * s32.astype(dt)).astype(dt)
    return _finish(input, np.asarray(out), mask, FakeQuantizePerChannelAffineCachemaskBackward0)
