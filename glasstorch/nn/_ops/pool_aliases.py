"""The forms of the max pools that always return ``(output, indices)`` (``F.max_pool2d_with_indices``,
``F.adaptive_max_pool2d_with_indices`` ...: the functions ``F.max_pool2d`` dispatches to when
``return_indices=True``) and ``F.native_channel_shuffle`` (channel_shuffle's kernel, recorded
with no derivative, as torch's)."""
from ...ops._common import _wrap
from ...ops._no_derivative import record_not_implemented


def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=False):
    from .pooling import max_pool1d
    return max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=False):
    from .pooling import max_pool2d
    return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool3d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=False):
    from .pooling import max_pool3d
    return max_pool3d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def adaptive_max_pool1d_with_indices(input, output_size, return_indices=False):
    from .adaptive_max import adaptive_max_pool1d
    return adaptive_max_pool1d(input, output_size, True)


def adaptive_max_pool2d_with_indices(input, output_size, return_indices=False):
    from .adaptive_max import adaptive_max_pool2d
    return adaptive_max_pool2d(input, output_size, True)


def adaptive_max_pool3d_with_indices(input, output_size, return_indices=False):
    from .pool3d_more import adaptive_max_pool3d
    return adaptive_max_pool3d(input, output_size, True)


def native_channel_shuffle(input, groups):
    """y = channel_shuffle(x, groups); its backward raises, as torch records no derivative for it."""
    from ...autograd.grad_mode import no_grad
    from .pixel_shuffle import channel_shuffle
    with no_grad():
        out = _wrap(channel_shuffle(input, groups)._data)
    return record_not_implemented("native_channel_shuffle", out, input)
