"""``quantize_per_tensor_dynamic``: a scale and zero point chosen from the tensor's own min and max, as torch's
``ChooseQuantizationParams`` (also what fbgemm's dynamic linear uses for its input)."""
import numpy as np

from . import _dtype as _dt
from ._quant import _scalar_name, quantize_per_tensor
from ._quant_dtype import QDTYPES, _Quantized

_F32 = np.float32


def choose_qparams(x_min, x_max, qmin, qmax, reduce_range):
    """torch's ``ChooseQuantizationParams``: an affine range covering [min(x_min, 0), max(x_max, 0)]; the scale is
    (max - min) / (qmax - qmin) in double, at least 6.1e-5; the zero point the nearer-exact of the two ends'."""
    x_min, x_max = min(_F32(x_min), _F32(0)), max(_F32(x_max), _F32(0))
    if reduce_range:
        qmin, qmax = qmin // 2, qmax // 2
    scale = (float(x_max) - float(x_min)) / (qmax - qmin)
    with np.errstate(all="ignore"):
        if _F32(scale) == 0 or np.isinf(_F32(1) / _F32(scale)):
            scale = 0.1
    small = float(_F32(6.1e-5))
    if scale < small:
        org, scale = scale, small
        if x_min == 0:
            x_max = _F32(small * (qmax - qmin))
        elif x_max == 0:
            x_min = _F32(-small * (qmax - qmin))
        else:
            amp = _F32(small / org)
            x_min, x_max = _F32(x_min * amp), _F32(x_max * amp)
    from_min, from_max = qmin - float(x_min) / scale, qmax - float(x_max) / scale
    err_min = abs(qmin) - abs(float(x_min) / scale)
    err_max = abs(qmax) - abs(float(x_max) / scale)
    z = from_min if err_min < err_max else from_max
    return scale, (qmin if z < qmin else qmax if z > qmax else int(np.rint(z)))


def quantize_per_tensor_dynamic(input, dtype, reduce_range):
    """quantize_per_tensor with the scale and zero point ``choose_qparams`` picks from the input's min and max."""
    if input.dtype is not _dt.float32:
        raise RuntimeError(f"Quantize only works on Float Tensor, got {_scalar_name(input.dtype)}")
    if dtype not in (QDTYPES["qint8"], QDTYPES["quint8"]):
        raise RuntimeError(f"dtype {_scalar_name(_dt.to_dtype(dtype) if not isinstance(dtype, _Quantized) else dtype)}"
                           "not supported")
    x = input._data
    lo, hi = (float(x.min()), float(x.max())) if x.size else (0.0, 0.0)
    scale, zp = choose_qparams(lo, hi, dtype.qmin, dtype.qmax, reduce_range)
    return quantize_per_tensor(input, scale, zp, dtype)
