"""``F.pixel_shuffle`` / ``F.pixel_unshuffle``: moving r x r blocks between channels and space;
``F.channel_shuffle``: interleaving channel groups."""
import numpy as np

from ...autograd.graph import Node
from ...ops._common import GRAD, _wrap, record1


def _shuffle(x, r):
    """(*, C r^2, H, W) -> (*, C, H r, W r): channel c*r*r + i*r + j goes to pixel (h*r + i, w*r + j)."""
    *lead, c, h, w = x.shape
    y = x.reshape(*lead, c // (r * r), r, r, h, w)
    n = len(lead)
    y = y.transpose(*range(n), n, n + 3, n + 1, n + 4, n + 2)
    return np.ascontiguousarray(y).reshape(*lead, c // (r * r), h * r, w * r)


def _unshuffle(x, r):
    """(*, C, H r, W r) -> (*, C r^2, H, W), the inverse of _shuffle."""
    *lead, c, h, w = x.shape
    y = x.reshape(*lead, c, h // r, r, w // r, r)
    n = len(lead)
    y = y.transpose(*range(n), n, n + 2, n + 4, n + 1, n + 3)
    return np.ascontiguousarray(y).reshape(*lead, c * r * r, h // r, w // r)


class PixelShuffleBackward0(Node):
    """y = pixel_shuffle(x, r)   ->   dx = pixel_unshuffle(g, r)"""
    __slots__ = ("r",)

    def backward(self, g):
        if isinstance(g, np.ndarray):
            return (_unshuffle(g, self.r),)
        return (pixel_unshuffle(g, self.r),)


class PixelUnshuffleBackward0(Node):
    """y = pixel_unshuffle(x, r)   ->   dx = pixel_shuffle(g, r)"""
    __slots__ = ("r", "xshape")

    def backward(self, g):
        if isinstance(g, np.ndarray):
            if g.size == 0:     # an empty x came back unshuffled: torch's gradient has the wrong shape
                return (_empty_grad(pixel_shuffle(_wrap(g), self.r)._data, self.xshape),)
            return (_shuffle(g, self.r),)
        return (_empty_grad(pixel_shuffle(g, self.r), self.xshape),)


def _empty_grad(dx, xshape):
    """torch's engine refuses a gradient whose shape is not the input's (it happens for empty inputs)."""
    if tuple(dx.shape) != tuple(xshape):
        raise RuntimeError(f"Function PixelUnshuffleBackward0 returned an invalid gradient at index 0 - got "
                           f"{list(dx.shape)} but expected shape compatible with {list(xshape)}")
    return dx


def _in_format(out, x):
    """torch's pixel (un)shuffle kernels write in the input's suggested memory format: channels_last stays
    so; a channels_last_3d input is refused."""
    if x.ndim not in (4, 5):
        return out
    from ...ops.conversion import _suggested_format, keep_format
    fmt = _suggested_format(x)
    if fmt == "channels_last_3d":
        raise RuntimeError("Unsupported memory format. Supports only ChannelsLast, Contiguous")
    return keep_format(out, x) if fmt == "channels_last" else out


def pixel_shuffle(input, upscale_factor):
    x = input._data
    r = upscale_factor
    if x.ndim < 3:
        raise RuntimeError(f"pixel_shuffle expects input to have at least 3 dimensions, but got input with "
                           f"{x.ndim} dimension(s)")
    if r <= 0:
        raise RuntimeError(f"pixel_shuffle expects a positive upscale_factor, but got {r}")
    if x.shape[-3] % (r * r):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of "
                           f"upscale_factor, but input.size(-3)={x.shape[-3]} is not divisible by {r * r}")
    out = _wrap(_in_format(_shuffle(x, r), x))
    if GRAD.enabled and input._rg:
        node = PixelShuffleBackward0()
        node.r = r
        record1(node, out, input)
    return out


def pixel_unshuffle(input, downscale_factor):
    x = input._data
    r = downscale_factor
    if x.ndim < 3:
        raise RuntimeError(f"pixel_unshuffle expects input to have at least 3 dimensions, but got input with "
                           f"{x.ndim} dimension(s)")
    if r <= 0:
        raise RuntimeError(f"pixel_unshuffle expects a positive downscale_factor, but got {r}")
    if x.shape[-2] % r:
        raise RuntimeError(f"pixel_unshuffle expects height to be divisible by downscale_factor, but input.size(-2)="
                           f"{x.shape[-2]} is not divisible by {r}")
    if x.shape[-1] % r:
        raise RuntimeError(f"pixel_unshuffle expects width to be divisible by downscale_factor, but input.size(-1)="
                           f"{x.shape[-1]} is not divisible by {r}")
    # an empty input comes back as a copy, of its own shape and strides
    out = _wrap(_in_format(_unshuffle(x, r), x)) if x.size else _wrap(input.detach().clone()._data)
    if GRAD.enabled and input._rg:
        node = PixelUnshuffleBackward0()
        node.r, node.xshape = r, x.shape
        record1(node, out, input)
    return out


def _channel_shuffle(x, groups):
    """(N, g * k, *) -> (N, k * g, *): channel i * k + j goes to j * g + i."""
    n, c = x.shape[:2]
    y = x.reshape((n, groups, c // groups) + x.shape[2:]).swapaxes(1, 2)
    return np.ascontiguousarray(y).reshape(x.shape)


class ChannelShuffleBackward0(Node):
    """y = channel_shuffle(x, g)   ->   dx = channel_shuffle(g, C / g) (the inverse permutation)"""
    __slots__ = ("groups",)

    def backward(self, g):
        if not isinstance(g, np.ndarray):     # create_graph: the inverse shuffle, recorded
            return (channel_shuffle(g, g.shape[1] // self.groups),)
        return (_channel_shuffle(g, g.shape[1] // self.groups),)


def channel_shuffle(input, groups):
    x = input._data
    if x.ndim <= 2:
        raise RuntimeError(f"channel_shuffle expects input with > 2 dims, but got input with sizes {list(x.shape)}")
    if groups <= 0:
        raise RuntimeError(f"Number of groups to divide channels in must be positive. Value of groups:{groups}")
    if x.shape[1] % groups:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {x.shape[1]} channels and "
                           f"{groups} groups.")
    from ...ops.conversion import keep_format        # torch: the input's suggested memory format
    out = _wrap(keep_format(_channel_shuffle(x, groups), x))
    if GRAD.enabled and input._rg:
        node = ChannelShuffleBackward0()
        node.groups = groups
        record1(node, out, input)
    return out


__all__ = ["pixel_shuffle", "pixel_unshuffle", "channel_shuffle"]
