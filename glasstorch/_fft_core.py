"""The three transforms every ``torch.fft`` function is built from, as in torch's SpectralOps:
complex-to-complex (C2C), real-to-complex (R2C) and complex-to-real (C2R), each with its node.

A normalization ``mode`` is torch's: "none", "sqrt" (1/sqrt(n)) or "n" (1/n), applied in whichever
direction the transform runs.  NumPy (pocketfft) does the arithmetic; torch's CPU build uses MKL,
so values agree to rounding, not bit for bit.

Gradients (torch's convention, see ops/complex_grad.py):  the adjoint of a DFT is the DFT in the
other direction with the same scaling, so C2C's backward is C2C(g, mode, not forward); R2C's is the
real part of the inverse C2C of ``g`` zero-padded to the full length; C2R's is R2C(g) with the bins
whose mirror image was dropped (1 .. n - n//2 - 1) counted twice.
"""
import numpy as np

from ._fft_layout import elem_strides, exec_strides, laid_out, sort_dims
from .autograd.graph import Node
from .ops._common import GRAD, _wrap, record1

# NumPy's `norm` that scales by `mode` in each direction
_NP_NORM = {True: {"none": "backward", "n": "forward", "sqrt": "ortho"},
            False: {"none": "forward", "n": "backward", "sqrt": "ortho"}}


def c2c(x, axes, mode, forward):
    fn = np.fft.fftn if forward else np.fft.ifftn
    return fn(x, axes=axes, norm=_NP_NORM[forward][mode])


def r2c(x, axes, mode, onesided):
    half = np.fft.rfftn(x, axes=axes, norm=_NP_NORM[True][mode])
    return half if onesided else _fill_conjugate_symmetry(half, axes, x.shape[axes[-1]])


def _fill_conjugate_symmetry(half, axes, n):
    """The full spectrum of a real signal from its one-sided half, as torch's
    _fft_fill_with_conjugate_symmetry_: X[k] = conj(X[-k mod n]) copied, so the DC and Nyquist bins
    keep the exact zero imaginary parts the one-sided transform gives them."""
    last = axes[-1]
    idx = [slice(None)] * half.ndim
    idx[last] = slice(n - half.shape[last], 0, -1)        # bins n//2+1 .. n-1 mirror bins n - k
    mirror = half[tuple(idx)]
    for a in axes[:-1]:                                   # -k mod n along the other transformed axes
        mirror = np.roll(np.flip(mirror, a), 1, a)
    return np.concatenate([half, mirror.conj()], axis=last)


def c2r(x, axes, mode, last_size):
    s = [x.shape[a] for a in axes[:-1]] + [last_size]
    return np.fft.irfftn(x, s=s, axes=axes, norm=_NP_NORM[False][mode])


def resize(x, axes, sizes):
    """``x`` cut or zero-padded along ``axes`` to ``sizes`` (torch's resize_fft_input)."""
    if all(x.shape[a] == n for a, n in zip(axes, sizes)):
        return x
    cut = [slice(None)] * x.ndim
    pad = [(0, 0)] * x.ndim
    for a, n in zip(axes, sizes):
        cut[a] = slice(0, n)
        pad[a] = (0, max(0, n - x.shape[a]))
    x = x[tuple(cut)]           # a cut is a view, as torch's slice; only padding copies
    if not any(p for _, p in pad):
        return x
    from .ops._layout import contig_or_cl      # constant_pad_nd: x's suggested memory format
    return contig_or_cl(np.pad(x, pad), x)


class _Fft(Node):
    __slots__ = ("axes", "mode", "in_sizes")
    _complex_ready = True

    def _back_to_input(self, g):
        return resize(g, self.axes, self.in_sizes)


class FftC2CBackward0(_Fft):
    """y = DFT(x) (or inverse), scaled by mode   ->   dx = DFT in the other direction of g, same scaling"""
    __slots__ = ("forward",)

    def backward(self, g):
        if not isinstance(g, np.ndarray):      # create_graph: recorded, as torch's (_fft_double.py)
            from ._fft_double import c2c_backward
            return (c2c_backward(self, g),)
        return (self._back_to_input(c2c(g, self.axes, self.mode, not self.forward)),)


class FftR2CBackward0(_Fft):
    """y = DFT(x) of real x, one-sided or full   ->   dx = Re(inverse DFT of g zero-padded to full), same scaling"""
    __slots__ = ("onesided", "last_size")

    def backward(self, g):
        if not isinstance(g, np.ndarray):
            from ._fft_double import r2c_backward
            return (r2c_backward(self, g),)
        if self.onesided:
            g = resize(g, self.axes[-1:], (self.last_size,))
        return (self._back_to_input(c2c(g, self.axes, self.mode, False).real),)


class FftC2RBackward0(_Fft):
    """y = inverse DFT to real of one-sided x   ->   dx = R2C(g), bins 1 .. n - n//2 - 1 doubled"""
    __slots__ = ("conj_input",)

    def backward(self, g):
        if not isinstance(g, np.ndarray):
            from ._fft_double import c2r_backward
            return (c2r_backward(self, g),)
        gi = r2c(g, self.axes, self.mode, True)
        twice = g.shape[self.axes[-1]] - gi.shape[self.axes[-1]]
        if twice > 0:
            idx = [slice(None)] * gi.ndim
            idx[self.axes[-1]] = slice(1, 1 + twice)
            gi[tuple(idx)] *= 2
        gi = self._back_to_input(gi)
        return (gi.conj() if self.conj_input else gi,)


def _node(cls, input, axes, mode, in_sizes):
    node = cls()
    node.axes, node.mode, node.in_sizes = tuple(axes), mode, tuple(in_sizes)
    return node


def run_c2c(input, x, axes, sizes, mode, forward):
    """C2C of complex array ``x`` (``input``'s values, maybe promoted) resized to ``sizes``, laid out as
    torch's (_fft_layout)."""
    xr = resize(x, axes, sizes)
    st = elem_strides(xr)
    r = _wrap(laid_out(c2c(xr, axes, mode, forward), exec_strides(st, xr.shape, sort_dims(st, axes))))
    if GRAD.enabled and input._rg:
        node = _node(FftC2CBackward0, input, axes, mode, [x.shape[a] for a in axes])
        node.forward = forward
        record1(node, r, input)
    return r


def run_r2c(input, x, axes, sizes, mode, onesided):
    xr = resize(x, axes, sizes)
    st = elem_strides(xr)
    y = r2c(xr, axes, mode, onesided)
    r = _wrap(laid_out(y, exec_strides(st, y.shape, sort_dims(st, axes, exclude_last=True))))
    if GRAD.enabled and input._rg:
        node = _node(FftR2CBackward0, input, axes, mode, [x.shape[a] for a in axes])
        node.onesided, node.last_size = onesided, sizes[-1]
        record1(node, r, input)
    return r


def run_c2r(input, x, axes, sizes, mode, conj_input):
    """C2R to real sizes ``sizes``; the input's last axis is first cut or padded to sizes[-1]//2 + 1."""
    half = list(sizes[:-1]) + [sizes[-1] // 2 + 1]
    y = resize(x, axes, half)
    st = elem_strides(y)        # torch's conj is a view: the strides before it
    if conj_input:
        y = y.conj()
    if len(axes) > 1:       # torch: a C2C over all but the last axis, then a 1-d C2R of its result
        st = exec_strides(st, y.shape, sort_dims(st, axes[:-1]))
    out = c2r(y, axes, mode, sizes[-1])
    r = _wrap(laid_out(out, exec_strides(st, out.shape, axes[-1:])))
    if GRAD.enabled and input._rg:
        node = _node(FftC2RBackward0, input, axes, mode, [x.shape[a] for a in axes])
        node.conj_input = conj_input
        record1(node, r, input)
    return r
