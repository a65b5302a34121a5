"""``torch.quantized_max_pool1d / 2d / 3d``: max pooling of a quantized tensor.

The scale is positive, so the largest stored integer of a window stands for its largest value: the
result is the max pool of the integers (``int_repr``), with the input's quantization parameters.
Padding never wins (torch's quantized kernel skips padded positions, as max pooling's -inf does); a
window with no input position at all gives the type's lowest integer.
The integers are pooled as float64 (exact for 8/32-bit values) by ``F.max_poolNd``, which also gives
the output-size errors; the checks before it are the quantized kernels' own, in their order.
"""
import numpy as np

from ._quant import QTensor, not_on_backend
from ._tensor import _wrap


def _ints(v):
    return [int(v)] if isinstance(v, (int, np.integer)) else [int(x) for x in v]


def _pool(input, fn, *args):
    input.q_scale()                     # per tensor only: a per-channel input gets torch's qscheme error
    out = fn(_wrap(input._q.astype(np.float64)), *args)._data
    # a window lying wholly in the padding: torch's kernel starts from the type's lowest value
    out = np.where(np.isneginf(out), np.iinfo(input._q.dtype).min, out)
    return input._like(out.astype(input._q.dtype))


def _quantized_only(input, op):
    if not isinstance(input, QTensor):
        raise not_on_backend(f"aten::{op}", "CPU")


def quantized_max_pool1d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    """As ``quantized_max_pool2d`` of ``input.unsqueeze(-2)`` with a 1-row window; max_pool1d's checks."""
    import glasstorch.nn.functional as F
    _quantized_only(input, "quantized_max_pool1d")
    if input.dim() not in (2, 3):      # torch's check_max_pool1d words it unlike max_pool1d's float kernel
        raise RuntimeError(f"max_pool1d() Expected 2D or 3D input tensor, but got {list(input.shape)}")
    stride = _ints(stride)
    return _pool(input, F.max_pool1d, _ints(kernel_size), stride or None, _ints(padding), _ints(dilation),
                 bool(ceil_mode))


def _check_2d(kernel_size, stride, padding, dilation):
    # torch's check_maxpool2d_params
    if len(kernel_size) not in (1, 2):
        raise RuntimeError(f"Expected 1d or 2d kernel size, got {len(kernel_size)}")
    if stride and len(stride) != 2:
        raise RuntimeError(f"Expected no strides or 2d strides, got{len(stride)}")
    if len(padding) not in (1, 2):
        raise RuntimeError(f"Expected 1d or 2d padding, got {len(padding)}")
    if len(dilation) not in (1, 2):
        raise RuntimeError(f"Expected 1d or 2d dilation, got {len(dilation)}")
    if any(d < 1 for d in dilation):
        raise RuntimeError("Expected dilation >= 1")


def _pair(v):
    return v * 2 if len(v) == 1 else v


def quantized_max_pool2d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    """Max pooling over the last two dimensions of a 3-d or 4-d quantized tensor."""
    import glasstorch.nn.functional as F
    _quantized_only(input, "quantized_max_pool2d")
    k, s, p, d = _ints(kernel_size), _ints(stride), _ints(padding), _ints(dilation)
    _check_2d(k, s, p, d)
    if len(k) == 1:
        # torch reads a second kernel size past the end of a one-entry list (undefined); it refuses
        raise RuntimeError("kernel_size should be greater than zero.")
    s, p, d = (s or k), _pair(p), _pair(d)
    if min(k) <= 0:
        raise RuntimeError("kernel_size should be greater than zero.")
    if min(s) <= 0:
        raise RuntimeError("strides should be greater than zero.")
    if input.dim() not in (3, 4):
        raise RuntimeError("Expecting the input tensor of rank 3 or 4.")
    if k[0] // 2 < p[0] or k[1] // 2 < p[1]:
        raise RuntimeError("padding should be smaller than half of kernel_size.")
    c, h, w = input.shape[-3:]
    oh, ow = (_out_size(n, kk, pp, ss, dd, ceil_mode) for n, kk, pp, ss, dd in zip((h, w), k, p, s, d))
    if oh <= 0 or ow <= 0:
        raise RuntimeError(f"Given input size: ({c}x{h}x{w}). Calculated output size: ({c}x{oh}x{ow}). "
                           "Output size is too small.")
    return _pool(input, F.max_pool2d, k, s, p, d, bool(ceil_mode))


def _out_size(n, k, p, s, d, ceil_mode):
    """torch's pooling_output_shape: floor (or ceil) division, and no window starting in the right padding."""
    out = (n + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (out - 1) * s >= n + p:
        out -= 1
    return out


def quantized_max_pool3d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    """Max pooling over the last three dimensions of a 5-d quantized tensor."""
    import glasstorch.nn.functional as F
    _quantized_only(input, "quantized_max_pool3d")
    k, s, p, d = _ints(kernel_size), _ints(stride), _ints(padding), _ints(dilation)
    if len(k) != 3:
        raise RuntimeError(f"Expected 3d kernel size, got {len(k)}")
    s = s or k
    p, d = (p * 3 if len(p) == 1 else p), (d * 3 if len(d) == 1 else d)
    if min(k) <= 0:
        raise RuntimeError("kernel_size should be greater than zero.")
    if min(s) <= 0:
        raise RuntimeError("strides should be greater than zero.")
    if input.dim() != 5:
        raise RuntimeError("Expecting the input tensor of rank 5.")
    if any(kk // 2 < pp for kk, pp in zip(k, p)):
        raise RuntimeError("padding should be smaller than half of kernel_size.")
    return _pool(input, F.max_pool3d, k, s, p, d, bool(ceil_mode))
