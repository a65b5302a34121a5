"""The arithmetic behind the dynamic quantized modules (see dynamic/modules/linear.py)."""
import numpy as np

from ...._quant import quantize_array, quantize_per_tensor
from ...._quant_dynamic import choose_qparams
from ...._quant_dtype import qint8, quint8
from ....ops._fma32 import fma32
from ...._tensor import _wrap

_F32 = np.float32


def quantize_weight(w):
    """MinMaxObserver(dtype=qint8, qscheme=per_tensor_symmetric): scale = max(-min(w, 0), max(w, 0)) / 127.5 in
    float32 (at least float32's eps), zero point 0."""
    d = w._data
    lo = min(_F32(d.min()), _F32(0)) if d.size else _F32(0)
    hi = max(_F32(d.max()), _F32(0)) if d.size else _F32(0)
    scale = max(_F32(max(-lo, hi)) / _F32(127.5), np.finfo(_F32).eps)
    return quantize_per_tensor(_wrap(np.ascontiguousarray(d, _F32)), float(_F32(scale)), 0, qint8)


def dynamic_linear(x, wq, bias, reduce_range=True):
    """y = fma(float((xq - z_x) @ wq.T), s_x * s_w, bias), xq the input quantized to uint8 by its own min/max."""
    d = x._data
    if d.ndim < 2:
        raise RuntimeError("The dimension of input tensor should be larger than or equal to 2")
    rows = d.reshape(-1, d.shape[-1]) if d.ndim else d.reshape(1, 1)
    lo, hi = (float(rows.min()), float(rows.max())) if rows.size else (0.0, 0.0)
    s, z = choose_qparams(lo, hi, quint8.qmin, quint8.qmax, reduce_range)
    xq = quantize_array(rows, s, z, quint8).astype(np.float64) - z
    acc = (xq @ wq._q.astype(np.float64).T).astype(_F32)    # integers: exact in float64 below 2**53
    mult = _F32(_F32(s) * _F32(wq._scale))
    if bias is None:
        out = acc * mult
    else:
        out = fma32(acc, mult, np.broadcast_to(bias._data.astype(_F32), acc.shape))
    return _wrap(np.asarray(out, _F32).reshape(d.shape[:-1] + (wq._q.shape[0],)))
