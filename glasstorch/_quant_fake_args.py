"""Argument binding and checks of ``fake_quantize_per_tensor_affine`` / ``fake_quantize_per_channel_affine``.

torch's per-tensor function has two overloads, tried in this order by its Python argument parser:

    (Tensor input, Tensor scale, Tensor zero_point, int quant_min, int quant_max)
        -> _fake_quantize_per_tensor_affine_cachemask_tensor_qparams: no zero-point range check; the
           kernel reads ``zero_point.item()`` as a C++ int (truncated toward zero) and then ``scale.item()``
           as a float (GCC evaluates the call's arguments right to left)
    (Tensor input, float scale, int zero_point, int quant_min, int quant_max)
        -> fake_quantize_per_tensor_affine_cachemask: zero_point must lie in [quant_min, quant_max]

A Python number does not bind to their Tensor parameters, but a 0-dim tensor that does not require grad
binds to ``float`` (any dtype) and ``int`` (integer dtypes): ``(x, 0.1, torch.tensor(3), ...)`` takes the
second overload.  The per-channel function checks, in this order: scale and zero_point not requiring grad
(with grad mode on), their dtypes, that both are 1-D of the same length, ``input.size(axis)`` (torch's
IndexError for a bad axis), quant_min <= quant_max, the integer zero points in range, then axis >= 0.
Both refuse a non-floating input only after these checks, from their dtype dispatch.
"""
from ._arg_parser import _parsed, parse, parser_error
from ._dtype import _SCALAR_TYPES
from ._tensor import Tensor
from .autograd.grad_mode import GRAD
from .ops._scalar_cast import checked_scalar

import numpy as np

PER_TENSOR = (
    "fake_quantize_per_tensor_affine(Tensor input, Tensor scale, Tensor zero_point, int64_t quant_min, "
    "int64_t quant_max)",
    "fake_quantize_per_tensor_affine(Tensor input, double scale, int64_t zero_point, int64_t quant_min, "
    "int64_t quant_max)")
PER_CHANNEL = (
    "fake_quantize_per_channel_affine(Tensor input, Tensor scale, Tensor zero_point, int64_t axis, "
    "int64_t quant_min, int64_t quant_max)",)
_MIN_NAME = "`quant_min` should be less than or         equal to `quant_max`."
_ZP_RANGE = "`zero_point` must be between `quant_min` and `quant_max`."


def bind(signatures, args, kwargs):
    """(index of the first signature that takes the call, {parameter name: value}), or torch's TypeError."""
    for i, raw in enumerate(signatures):
        bound = parse(_parsed(raw), args, kwargs, False)
        if bound is not None:
            # a 0-dim tensor (or NumPy scalar) bound to an int / float parameter is read as its value
            return i, {p.name: v.item() if p.type != "Tensor" and isinstance(v, (Tensor, np.generic)) else v
                       for p, v in bound.items()}
    raise parser_error(signatures, args, kwargs)


def no_grad_qparams(fn, **tensors):
    """torch's autograd wrapper refuses qparams that require grad (only while grad mode is on)."""
    if GRAD.enabled:
        for name, t in tensors.items():
            if t.requires_grad:
                raise RuntimeError(f"The function '{fn}' is not differentiable with respect to argument '{name}'. "
                                   "This input cannot have requires_grad True.")


def check_min_max(quant_min, quant_max):
    if quant_min > quant_max:
        raise RuntimeError(_MIN_NAME)


def check_zero_point(zero_points, quant_min, quant_max):
    if any(z < quant_min or z > quant_max for z in zero_points):
        raise RuntimeError(_ZP_RANGE)


def tensor_qparams(scale, zero_point):
    """(scale as a float32, zero point as an int) from the per-tensor overload's tensors, read with
    ``item()`` and c10's checked conversions (zero point first)."""
    z = checked_scalar(zero_point.item(), np.dtype(np.int32))
    s = checked_scalar(scale.item(), np.dtype(np.float32))
    return np.float32(s.real if isinstance(s, complex) else s), int(z)


def check_floating(input, kernel):
    """The kernels are dispatched for half, float and double inputs only."""
    name = input._data.dtype.name
    if name not in ("float16", "float32", "float64"):
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{_SCALAR_TYPES.get(name, name)}'")


def check_per_channel(input, scale, zero_point, axis, quant_min, quant_max):
    """fake_quantize_per_channel_affine_cachemask's checks, in torch's order; returns the channel axis."""
    no_grad_qparams("fake_quantize_per_channel_affine_cachemask", scale=scale, zero_point=zero_point)
    if scale.dtype.name != "float32":
        raise RuntimeError(f"Scale must be Float or BFloat16, found {_SCALAR_TYPES[scale.dtype.name]}")
    if zero_point.dtype.name not in ("int32", "float32", "float16"):
        raise RuntimeError(f"Zero-point must be Int32, Float or Half, found {_SCALAR_TYPES[zero_point.dtype.name]}")
    if scale.dim() != 1:
        raise RuntimeError("scale should be a 1-D tensor")
    if zero_point.dim() != 1:
        raise RuntimeError("zero point should be a 1-D tensor")
    if scale.numel() != zero_point.numel():
        raise RuntimeError("scale and zero-point need to have the same dimensions")
    if scale.numel() != input.size(axis):
        raise RuntimeError("dimensions of scale and zero-point are not consistent with input tensor")
    check_min_max(quant_min, quant_max)
    if zero_point.dtype.name == "int32":
        if zero_point.numel() == 0:         # at::min of an empty tensor
            raise RuntimeError("min(): Expected reduction dim to be specified for input.numel() == 0. Specify the "
                               "reduction dim with the 'dim' argument.")
        zp = zero_point._data
        check_zero_point((int(zp.min()), int(zp.max())), quant_min, quant_max)
    if axis < 0:
        raise RuntimeError("`axis` must be between 0 and number of dimensions of input")
    check_floating(input, "fake_quantize_channel_cachemask_cpu_type_handling")
    return axis
