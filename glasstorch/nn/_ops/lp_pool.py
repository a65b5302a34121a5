"""``F.lp_pool1d/2d/3d``: power-average pooling, (sum over the window of x^p)^(1/p), built as torch
builds it from other ops (average pool of x^p, times the window size, to the power 1/p), so the
graph ends in the same nodes (``PowBackward0``) and p = +-inf becomes max pooling of |x|."""
import math


def _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, nd, avg_pool, max_pool):
    from ...ops.unary import abs as _abs, relu
    from ...ops.select import sign
    if nd > 1:                  # torch's Python unpacks ``kw, kh = _pair(kernel_size)`` first
        ks = (kernel_size,) * nd if isinstance(kernel_size, int) else tuple(kernel_size)
        if len(ks) != nd:
            raise ValueError(f"too many values to unpack (expected {nd})" if len(ks) > nd else
                             f"not enough values to unpack (expected {nd}, got {len(ks)})")
    if isinstance(norm_type, (int, float)):
        if norm_type == float("inf"):
            return max_pool(_abs(input), kernel_size, stride, 0, 1, ceil_mode)
        if norm_type == -float("inf"):
            return -max_pool(-_abs(input), kernel_size, stride, 0, 1, ceil_mode)
    if stride is not None:
        out = avg_pool(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    else:
        out = avg_pool(input.pow(norm_type), kernel_size, padding=0, ceil_mode=ceil_mode)
    if nd == 1 and not isinstance(kernel_size, (int, float)):     # torch: ``.mul(kernel_size)``
        raise TypeError(f"mul(): argument 'other' (position 1) must be Tensor, not {type(kernel_size).__name__}")
    ks = (kernel_size,) * nd if isinstance(kernel_size, int) else tuple(kernel_size)
    return (sign(out) * relu(_abs(out))).mul(math.prod(ks)).pow(1.0 / norm_type)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    from .. import functional as F
    return _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, 1, F.avg_pool1d, F.max_pool1d)


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    from .. import functional as F
    return _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, 2, F.avg_pool2d, F.max_pool2d)


def lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    from .. import functional as F
    return _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, 3, F.avg_pool3d, F.max_pool3d)
