"""``F.rrelu`` (randomized leaky ReLU): in training each element at or below 0 is scaled by its own
slope drawn uniformly from [lower, upper]; in eval the slope is (lower + upper) / 2.

torch draws one ``uniform_real_distribution<double>(lower, upper)`` per element ``<= 0``, in memory
order, from the generator (53 random bits each), and rounds it to the input's dtype; those draws
are the ``noise`` (1 for positive elements) that backward multiplies by, however narrow the interval.
"""
import numpy as np

from ...autograd.graph import Node
from ...ops.inplace import commit, type_name
from .activation import _unary
from ...ops._layout import contig


class RreluWithNoiseBackward0(Node):
    """y = x noise (training) or leaky_relu(x, (l + u) / 2)   ->   dx = g noise, or g where x > 0 else g slope"""
    __slots__ = ("noise", "slope")

    def backward(self, g):
        x, = self.saved()
        if self.m is np:
            return (g * self.noise if self.noise is not None else np.where(x > 0, g, g * self.slope),)
        from .mask_double import mask_double
        gx = g * self.m.from_numpy(self.noise) if self.noise is not None else self.m.where(x > 0, g, g * self.slope)
        return (mask_double(self, gx, g, x),)


class RreluWithNoiseBackward1(RreluWithNoiseBackward0):
    """The in-place form: the mask is read from the saved result (same sign as the input)."""
    __slots__ = ()


def _rrelu(input, lower, upper, training, generator, node_cls):
    if not lower <= upper:
        raise RuntimeError("Lower bound should be less than or equal to the upper bound")
    x = input._data
    noise = None
    if training:
        if x.dtype.kind != "f" or x.dtype == np.float16:
            raise NotImplementedError(f"\"rrelu_with_noise_out_cpu\" not implemented for '{type_name(x.dtype)}'")
        from ..._generator import np_generator
        flat = x.reshape(-1)                   # memory order (a C-contiguous copy when it has to be)
        neg = flat <= 0
        u = np_generator(generator)._uniform01(int(neg.sum()), np.float64)
        # the bounds pass through the input's precision first (float32(1/3) for float32 input)
        lo, hi = float(x.dtype.type(lower)), float(x.dtype.type(upper))
        draws = (u * (hi - lo) + lo).astype(x.dtype)
        noise = np.ones_like(flat)
        noise[neg] = draws
        noise = noise.reshape(x.shape)
        out = x * noise
    else:
        if x.dtype.kind != "f":
            raise NotImplementedError(f"\"leaky_relu_cpu\" not implemented for '{type_name(x.dtype)}'")
        out = np.where(x > 0, x, x * x.dtype.type((lower + upper) / 2))
    save = None if node_cls is RreluWithNoiseBackward1 else input
    r = _unary(node_cls, input, out, save, noise=noise, slope=(lower + upper) / 2)
    if save is not None:    # torch's rrelu_with_noise writes a fresh contiguous output, whatever the input's layout
        r._data = contig(r._data)
    return r


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, generator=None):
    return _rrelu(input, lower, upper, training, generator, RreluWithNoiseBackward0)


def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False, generator=None):
    return commit(input, lambda: _rrelu(input, lower, upper, training, generator, RreluWithNoiseBackward1), "rrelu_")
