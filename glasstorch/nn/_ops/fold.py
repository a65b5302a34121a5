"""``F.unfold`` (``Im2ColBackward0``) and ``F.fold`` (``Col2ImBackward0``).

unfold lays every kernel-sized window of a (N, C, H, W) input out as a column: the result is
(N, C*kh*kw, L), rows ordered (c, ki, kj), columns the L window positions in row-major order.
fold is its transpose: it adds each column back onto its window (overlaps sum).  So each one's
backward is the other.
"""
import numpy as np

from ...autograd.graph import Node
from ...ops._common import GRAD, _wrap, record1
from .conv import _out_size, _pairs, _windows


def _im2col(x, k, d, p, s):
    n, c, h, w = x.shape
    oh = _out_size(h, k[0], s[0], p[0], p[0], d[0])
    ow = _out_size(w, k[1], s[1], p[1], p[1], d[1])
    xp = np.pad(x, ((0, 0), (0, 0), (p[0], p[0]), (p[1], p[1])))
    win = _windows(xp, k[0], k[1], s, d, oh, ow)                  # (N, C, OH, OW, kh, kw)
    return np.ascontiguousarray(win.transpose(0, 1, 4, 5, 2, 3)).reshape(n, c * k[0] * k[1], oh * ow)


def _col2im(cols, out_hw, k, d, p, s):
    n, ckk, _ = cols.shape
    c = ckk // (k[0] * k[1])
    h, w = out_hw
    oh = _out_size(h, k[0], s[0], p[0], p[0], d[0])
    ow = _out_size(w, k[1], s[1], p[1], p[1], d[1])
    cols = cols.reshape(n, c, k[0], k[1], oh, ow)
    buf = np.zeros((n, c, h + 2 * p[0], w + 2 * p[1]), cols.dtype)
    for a in range(k[0]):
        for b in range(k[1]):
            buf[:, :, a * d[0]:a * d[0] + s[0] * (oh - 1) + 1:s[0],
                b * d[1]:b * d[1] + s[1] * (ow - 1) + 1:s[1]] += cols[:, :, a, b]
    return buf[:, :, p[0]:p[0] + h, p[1]:p[1] + w]


class Im2ColBackward0(Node):
    """y = unfold(x)   ->   dx = fold(g)"""
    __slots__ = ("cfg", "hw")

    def backward(self, g):
        if not isinstance(g, np.ndarray):
            return (fold(g, self.hw, *self.cfg),)
        out = _col2im(g if g.ndim == 3 else g[None], self.hw, *self.cfg)
        return (out if g.ndim == 3 else out[0],)


class Col2ImBackward0(Node):
    """y = fold(x)   ->   dx = unfold(g)"""
    __slots__ = ("cfg",)

    def backward(self, g):
        if not isinstance(g, np.ndarray):
            return (unfold(g, *self.cfg),)
        out = _im2col(g if g.ndim == 4 else g[None], *self.cfg)
        return (out if g.ndim == 4 else out[0],)


def _refuse_ints(kernel, dt):
    """The kernels have float, complex and (oddly) bool instances, no integer ones."""
    if dt.kind in "iu":
        from ...ops._complex_refuse import not_implemented
        raise not_implemented(kernel, dt)


def _check_lengths(**named):
    """im2col / col2im take exactly two values per argument (an int is made two), checked in this order."""
    for name, v in named.items():
        if not isinstance(v, (int, np.integer)) and len(v) != 2:
            raise RuntimeError(f"It is expected {name} equals to 2, but got size {len(v)}")


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    x = input._data
    _check_lengths(kernel_size=kernel_size, dilation=dilation, padding=padding, stride=stride)
    cfg = (_pairs(kernel_size, 2), _pairs(dilation, 2), _pairs(padding, 2), _pairs(stride, 2))
    _im2col_check(x.shape, *cfg)
    _refuse_ints("im2col_out_cpu", x.dtype)
    out = _im2col(x if x.ndim == 4 else x[None], *cfg)
    r = _wrap(out if x.ndim == 4 else out[0])
    if GRAD.enabled and input._rg:
        node = Im2ColBackward0()
        node.cfg, node.hw = cfg, x.shape[-2:]
        record1(node, r, input)
    return r


def _im2col_check(shape, k, d, p, s):
    """torch's im2col_shape_check, in its order and words."""
    for name, (a, b), ok in (("kernel size", k, min(k) > 0), ("dilation", d, min(d) > 0)):
        if not ok:
            key = name.split()[0]
            raise RuntimeError(f"{name} should be greater than zero, but got {key}_height: {a} {key}_width: {b}")
    if min(p) < 0:
        raise RuntimeError(f"padding should be non-negative, but got pad_height: {p[0]} pad_width: {p[1]}")
    if min(s) <= 0:
        raise RuntimeError(f"stride should be greater than zero, but got stride_height: {s[0]} stride_width: {s[1]}")
    if len(shape) < 3 and (len(shape) < 2 or shape[1] != 0):   # torch reads size(1), then (if not 0) size(2)
        raise IndexError(f"Dimension out of range (expected to be in range of [{-len(shape)}, {len(shape) - 1}], "
                         f"but got {min(len(shape), 2)})")
    if len(shape) not in (3, 4) or any(v == 0 for v in shape[-3:]):
        raise RuntimeError("Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero "
                           f"dimensions for input, but got: {list(shape)}")
    hw = shape[-2:]
    bh, bw = ((o + 2 * pp - dd * (kk - 1) - 1) // ss + 1 for o, pp, dd, kk, ss in zip(hw, p, d, k, s))
    if bh < 1 or bw < 1:
        raise RuntimeError(f"Given input with spatial size ({hw[0]}, {hw[1]}), kernel_size=({k[0]}, {k[1]}), "
                           f"dilation=({d[0]}, {d[1]}), padding=({p[0]}, {p[1]}), calculated shape of the array of "
                           f"sliding blocks as ({bh}, {bw}), but its components must be at least one.")


def _col2im_check(shape, hw, k, d, p, s):
    """torch's col2im_shape_check, in its order and words."""
    for name, (a, b), ok in (("kernel size", k, min(k) > 0), ("stride", s, min(s) > 0),
                             ("dilation", d, min(d) > 0)):
        if not ok:
            key = name.split()[0]
            raise RuntimeError(f"{name} should be greater than zero, but got {key}_height: {a} {key}_width: {b}")
    if min(p) < 0:
        raise RuntimeError(f"padding should be non-negative, but got pad_height: {p[0]} pad_width: {p[1]}")
    if not ((len(shape) == 2 and shape[0] and shape[1]) or (len(shape) == 3 and shape[1] and shape[2])):
        raise RuntimeError("Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero "
                           f"dimensions for input, but got: {list(shape)}")
    planes, length = shape[-2:]
    if planes % (k[0] * k[1]):
        raise RuntimeError(f"Expected size of input's dimension 1 to be divisible by the product of kernel_size, but "
                           f"got input.size(1)={planes} and kernel_size=({k[0]}, {k[1]}).")
    bh, bw = ((o + 2 * pp - dd * (kk - 1) - 1) // ss + 1 for o, pp, dd, kk, ss in zip(hw, p, d, k, s))
    given = (f"Given output_size=({hw[0]}, {hw[1]}), kernel_size=({k[0]}, {k[1]}), dilation=({d[0]}, {d[1]}), "
             f"padding=({p[0]}, {p[1]}), stride=({s[0]}, {s[1]}), ")
    if length != bh * bw:
        raise RuntimeError(f"{given}expected size of input's dimension 2 to match the calculated number of sliding "
                           f"blocks {bh} * {bw} = {bh * bw}, but got input.size(2)={length}.")
    if bh < 1 or bw < 1:
        raise RuntimeError(f"{given}calculated shape of the array of sliding blocks as ({bh}, {bw}), which is too "
                           "small (non-positive)")
    if hw[0] <= 0 or hw[1] <= 0:              # padding can make blocks fit an empty (or negative) output
        raise RuntimeError(f"Expected output spatial size to be positive, but got: output_size=({hw[0]}, {hw[1]}).")


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    x = input._data
    _check_lengths(output_size=output_size, kernel_size=kernel_size, dilation=dilation, padding=padding,
                   stride=stride)
    cfg = (_pairs(kernel_size, 2), _pairs(dilation, 2), _pairs(padding, 2), _pairs(stride, 2))
    hw = _pairs(output_size, 2)
    _col2im_check(x.shape, hw, *cfg)
    _refuse_ints("col2im_out_cpu", x.dtype)
    out = _col2im(x if x.ndim == 3 else x[None], hw, *cfg)
    r = _wrap(np.ascontiguousarray(out if x.ndim == 3 else out[0]))
    if GRAD.enabled and input._rg:
        node = Col2ImBackward0()
        node.cfg = cfg
        record1(node, r, input)
    return r
