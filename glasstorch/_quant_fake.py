"""Fake quantization: quantize and dequantize in one float op, as quantization-aware training uses.

    y = (clamp(nearbyint(x * (1 / scale)) + zero_point, quant_min, quant_max) - zero_point) * scale

The gradient is straight-through: ``dx = g`` where the rounded value fell inside [quant_min, quant_max], 0
elsewhere (torch's "cachemask" kernels keep that mask from the forward).  torch multiplies by the float32
reciprocal of the scale in float (a half input is widened; a double one stays double) and adds the zero
point in that type; a per-tensor result is the float32 product ``float(q - zero_point) * float(scale)``
(then cast to the input's dtype), a per-channel one the double product, rounded once to the input's dtype.
Argument binding and checks: _quant_fake_args.py.
"""
import numpy as np

from ._rng_fma import fma64
from ._tensor import _wrap
from .ops._fma32 import fma32
from .autograd.graph import Node
from .autograd.grad_mode import GRAD
from .ops._common import record1
from . import _quant_fake_args as _args

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


def _compute_dtype(dt):
    """The type of ``x * inv_scale`` in torch's kernels: c10::Half times a float is a float; double stays."""
    return np.float64 if dt == np.float64 else np.float32


def _to_int64(v):
    """``static_cast<int64_t>`` (and ``lrintf``) of an integral float on x86: a value outside int64's range, or
    nan, becomes INT64_MIN (cvttss2si's "integer indefinite")."""
    ok = (v >= -2.0 ** 63) & (v < 2.0 ** 63)
    out = np.full(v.shape, np.iinfo(np.int64).min, np.int64)
    out[ok] = v[ok].astype(np.int64)
    return out


def _finish(input, out, mask, node_cls):
    r = _wrap(out)
    if GRAD.enabled and input._rg:
        node = node_cls()
        node.save(_wrap(mask))
        record1(node, r, input)
    return r


def fake_quantize_per_tensor_affine(*args, **kwargs):
    """y = (clamp(zp + nearbyint(x * (1 / scale)), qmin, qmax) - zp) * scale; dx = g inside the range.

    (x * inv_scale) and the zero point's sum are float (double for a double input); a nan sum clamps to
    quant_min, an infinite one to its end of the range; the mask is quant_min <= sum <= quant_max."""
    overload, a = _args.bind(_args.PER_TENSOR, args, kwargs)
    input, quant_min, quant_max = a["input"], a["quant_min"], a["quant_max"]
    if overload == 0:
        _args.no_grad_qparams("_fake_quantize_per_tensor_affine_cachemask_tensor_qparams",
                              scale=a["scale"], zero_point=a["zero_point"])
        _args.check_min_max(quant_min, quant_max)
        s, z = _args.tensor_qparams(a["scale"], a["zero_point"])
        node = FakeQuantizePerTensorAffineCachemaskTensorQparamsBackward0
    else:
        s, z = a["scale"], a["zero_point"]
        _args.check_min_max(quant_min, quant_max)
        _args.check_zero_point((z,), quant_min, quant_max)
        node = FakeQuantizePerTensorAffineCachemaskBackward0
    _args.check_floating(input, "fake_quantize_tensor_cachemask_kernel_type_handling")
    x = input._data
    dt, ct = x.dtype.type, _compute_dtype(x.dtype)
    with np.errstate(all="ignore"):
        s = _F32(s)                          # a double scale narrows to the kernel's float
        v = ct(z) + np.rint(x.astype(ct) * ct(_F32(1) / s))
        mask = (v >= quant_min) & (v <= quant_max)
        q = np.where(np.isnan(v), quant_min, np.clip(v.astype(np.float64), quant_min, quant_max))
        out = ((q - z).astype(_F32) * s).astype(dt)
    return _finish(input, np.asarray(out), mask, node)


def fake_quantize_per_channel_affine(*args, **kwargs):
    """Per channel along ``axis``: y = (clamp(q, qmin, qmax) - zp[c]) * scale[c], in double, with
    q = int64(zp[c] + nearbyint(x * (1 / scale[c]))) for int32 zero points and
    q = lrintf(fma(x, 1 / scale[c], zp[c])) for floating ones (their fraction then shifts the grid)."""
    _, a = _args.bind(_args.PER_CHANNEL, args, kwargs)
    input, scale, zero_point = a["input"], a["scale"], a["zero_point"]
    quant_min, quant_max = a["quant_min"], a["quant_max"]
    axis = _args.check_per_channel(input, scale, zero_point, a["axis"], quant_min, quant_max)
    x = input._data
    dt, ct = x.dtype.type, _compute_dtype(x.dtype)
    shape = [1] * x.ndim
    shape[axis] = -1
    s32 = scale._data.astype(_F32).reshape(shape)
    zp = zero_point._data.reshape(shape)
    with np.errstate(all="ignore"):
        xc, inv = x.astype(ct), (_F32(1) / s32).astype(ct)
        if zp.dtype.kind == "f":
            # GCC contracts zero_point + x * inv_scale into one fma; lrintf then takes a float
            fma = fma64 if ct is np.float64 else fma32
            v = np.rint(np.asarray(fma(xc, inv, np.broadcast_to(zp.astype(ct), x.shape)), ct).astype(_F32))
        else:
            v = zp.astype(ct) + np.rint(xc * inv)
        q = _to_int64(v)
        mask = (q >= quant_min) & (q <= quant_max)
        out = ((np.clip(q, quant_min, quant_max).astype(np.float64) - zp.astype(np.float64))
               * s32.astype(np.float64)).astype(dt)
    return _finish(input, np.asarray(out), mask, FakeQuantizePerChannelAffineCachemaskBackward0)
