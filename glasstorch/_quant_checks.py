"""The argument checks of ``torch.quantize_per_channel``, in torch's order.

Making the quantizer checks the qparams' shapes and the scales' dtype; then new_qtensor checks the
quantized dtype; quantize_tensor_per_channel_affine checks for a float input, the zero points' range, the
axis, and the scales' and zero points' lengths.  Floating zero points make torch's
per_channel_affine_float_qparams quantizer, which glasstorch does not implement: it refuses them rather
than quantize them as integers.
"""
import numpy as np

from . import _dtype as _dt


def per_channel_args(input, scales, zero_points, axis, qdtype):
    """(quantized dtype, scales as float64, zero points as int64, input.dim(), channels); ``qdtype()`` gives
    the checked quantized dtype (torch's new_qtensor check, which comes after the quantizer's)."""
    from ._quant import _scalar_name
    if scales.dim() != 1:
        raise RuntimeError("scale tensor must have dimension 1")
    if zero_points.dim() != 1:
        raise RuntimeError("zero_points tensor must have dimension 1")
    if scales.numel() != zero_points.numel():
        raise RuntimeError("number of elements in scales and zero_points must match")
    if scales._data.dtype.kind != "f":
        raise RuntimeError("scale tensor must be floating point")
    if zero_points._data.dtype.kind == "f":
        raise NotImplementedError("glasstorch does not implement torch.per_channel_affine_float_qparams quantized "
                                  "tensors (floating zero points) yet")
    qd = qdtype()
    if input.dtype is not _dt.float32:
        raise RuntimeError(f"quantize_tensor_per_channel_affine expects a Float Tensor, got "
                           f"{_scalar_name(input.dtype)}")
    s = np.asarray(scales._data, np.float64).reshape(-1)
    z = np.asarray(zero_points._data).astype(np.int64).reshape(-1)
    for v in z.tolist():
        if v > qd.qmax:
            raise RuntimeError(f"quantize_tensor_per_channel_affine zero_point {v} is above upper bound.")
        if v < qd.qmin:
            raise RuntimeError(f"quantize_tensor_per_channel_affine zero_point {v} is below lower bound.")
    nd = input.dim()
    if not 0 <= axis < nd:
        raise RuntimeError(f"Channel axis out of range in per channel affine quantization. Got: {axis}"
                           f"Expected: [0, {nd})")
    channels = input.shape[axis]
    if s.size != channels:
        raise RuntimeError(f"length of scales must equal to channel, expected {channels} got, {s.size}")
    if z.size != channels:
        raise RuntimeError(f"length of zero_points must equal to channel expected {channels} got, {z.size}")
    return qd, s, z, nd, channels
