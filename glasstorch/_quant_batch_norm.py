"""``torch.quantized_batch_norm(input, weight, bias, mean, var, eps, output_scale, output_zero_point)``:
inference batch norm of a quantized tensor (2-d to 5-d, channels in dimension 1), requantized with the
given output parameters.

torch folds the normalisation into one float32 multiply-add per element, with per-channel constants

    inv_sigma = float(1.0 / sqrt_f32(var + float(eps)))             (the division in double)
    alpha = float(inv_sigma * weight * (input_scale / output_scale))
    beta  = float((bias - mean * inv_sigma * weight) / output_scale)
    q_out = clamp(nearbyint(fma(alpha, q_in - in_zero_point, beta)) + output_zero_point, qmin, qmax)

(float32 products, double factors where torch's are double; its kernel fuses the multiply-add).
"""
import numpy as np

from ._quant import QTensor, _make, not_on_backend
from .ops._fma32 import fma32

_F32 = np.float32


def _fused_params(weight, bias, mean, var, eps, in_scale, out_scale):
    w, b = weight.astype(_F32), bias.astype(_F32)
    m, v = mean.astype(_F32), var.astype(_F32)
    inv_sigma = (1.0 / np.sqrt(v + _F32(eps)).astype(np.float64)).astype(_F32)
    alpha = ((inv_sigma * w).astype(np.float64) * (in_scale / out_scale)).astype(_F32)
    beta = ((b - (m * inv_sigma) * w).astype(np.float64) / out_scale).astype(_F32)
    return alpha, beta


def quantized_batch_norm(input, weight, bias, mean, var, eps, output_scale, output_zero_point):
    """Batch norm with fixed statistics of a per-tensor quantized input, as a quantized tensor."""
    if not isinstance(input, QTensor):
        raise not_on_backend("aten::quantized_batch_norm", "CPU")
    if weight is None:
        raise RuntimeError("Weight must be provided")
    if bias is None:
        raise RuntimeError("Bias must be provided")
    if input.numel() == 0:
        return input.clone()
    nd = input.dim()
    if nd not in (2, 3, 4, 5):
        raise RuntimeError("quantized::batch_norm only support 2d, 3d, 4d or 5d inputs.")
    c = input.shape[1]
    if weight.numel() != c or bias.numel() != c:
        raise RuntimeError("Expect weight size to match C")
    if mean.numel() != c:
        raise RuntimeError("Mean size must match channel dimension")
    if var.numel() != c:
        raise RuntimeError("Variance size must match channel dimension")
    in_scale, in_zp = input.q_scale(), input.q_zero_point()    # (a per-channel input: torch's qscheme error)
    alpha, beta = _fused_params(weight._data.reshape(-1), bias._data.reshape(-1), mean._data.reshape(-1),
                                var._data.reshape(-1), float(eps), float(in_scale), float(output_scale))
    shape = (1, c) + (1,) * (nd - 2)
    x = (input._q.astype(np.int64) - in_zp).astype(_F32)
    y = fma32(np.broadcast_to(alpha.reshape(shape), x.shape), x, np.broadcast_to(beta.reshape(shape), x.shape))
    info = np.iinfo(input._q.dtype)
    q = np.clip(np.rint(y.astype(np.float64)) + int(output_zero_point), info.min, info.max)
    return _make(q.astype(input._q.dtype), input._qd, input._scheme, float(output_scale), int(output_zero_point))
