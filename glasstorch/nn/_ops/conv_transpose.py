"""Transposed convolution (``ConvolutionBackward0``, as torch names it) for 2-d inputs.

A transposed convolution is the gradient of a convolution with respect to its input: each input
pixel spreads ``x[n, c, i, j] * W[c, o]`` over a kernel-sized patch of the output, at stride s.

    cols = x_rows @ W.reshape(C_in, -1)        (N*H*W, C_out*kh*kw), then scatter-add (col2im)
    dx   = g_windows @ W.reshape(C_in, -1)^T    (the forward convolution of g by W)
    dW   = x_rows^T @ g_windows                 db = sum(g)
"""
import numpy as np

from ...autograd.graph import Node
from ...ops._common import GRAD, _wrap, record
from .conv import _pairs, _windows


class ConvolutionBackward0(Node):
    """y = conv_transpose(x, W) + b   ->   dx = conv(g, W), dW = x^T windows(g), db = sum(g)"""
    __slots__ = ("cfg", "need")

    def backward(self, g):
        x, w = self.saved()
        if not isinstance(g, np.ndarray):
            raise NotImplementedError("double backward through conv_transpose2d is not implemented in glasstorch")
        stride, padding, dilation, groups = self.cfg
        n, c, h, wd = x.shape
        _, og, kh, kw = w.shape
        cg = c // groups
        gp = np.pad(g, ((0, 0), (0, 0), (padding[0], padding[0]), (padding[1], padding[1])))
        win = _windows(gp, kh, kw, stride, dilation, h, wd)           # (N, C_out, H, W, kh, kw)
        gx = np.empty_like(x) if self.need[0] else None
        gw = np.empty_like(w) if self.need[1] else None
        for i in range(groups):
            gcols = win[:, i * og:(i + 1) * og].transpose(0, 2, 3, 1, 4, 5).reshape(n * h * wd, og * kh * kw)
            wm = w[i * cg:(i + 1) * cg].reshape(cg, -1)
            if gx is not None:
                gx[:, i * cg:(i + 1) * cg] = (gcols @ wm.T).reshape(n, h, wd, cg).transpose(0, 3, 1, 2)
            if gw is not None:
                xr = x[:, i * cg:(i + 1) * cg].transpose(0, 2, 3, 1).reshape(n * h * wd, cg)
                gw[i * cg:(i + 1) * cg] = (xr.T @ gcols).reshape(cg, og, kh, kw)
        gb = g.sum(axis=(0, 2, 3)) if self.need[2] else None
        return gx, gw, gb


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """Input (N, C_in, H, W) or unbatched; weight (C_in, C_out / groups, kh, kw)."""
    x, w = input._data, weight._data
    if x.ndim not in (3, 4):
        raise RuntimeError(f"Expected 3D (unbatched) or 4D (batched) input to conv_transpose2d, but got input of "
                           f"size: {list(x.shape)}")
    if x.ndim == 3:
        from ...ops.shape import squeeze, unsqueeze
        return squeeze(conv_transpose2d(unsqueeze(input, 0), weight, bias, stride, padding, output_padding, groups,
                                        dilation), 0)
    if x.shape[1] != w.shape[0]:
        raise RuntimeError(f"Given transposed=1, weight of size {list(w.shape)}, expected input{list(x.shape)} to "
                           f"have {w.shape[0]} channels, but got {x.shape[1]} channels instead")
    stride, padding, dilation = _pairs(stride, 2), _pairs(padding, 2), _pairs(dilation, 2)
    output_padding = _pairs(output_padding, 2)
    n, c, h, wd = x.shape
    _, og, kh, kw = w.shape
    cg = c // groups
    full = [(size - 1) * s + d * (k - 1) + 1 + op for size, s, d, k, op in
            zip((h, wd), stride, dilation, (kh, kw), output_padding)]
    buf = np.zeros((n, og * groups, full[0], full[1]), x.dtype)
    sh, sw = stride
    dh, dw = dilation
    for i in range(groups):
        xr = x[:, i * cg:(i + 1) * cg].transpose(0, 2, 3, 1).reshape(n * h * wd, cg)
        cols = (xr @ w[i * cg:(i + 1) * cg].reshape(cg, -1)).reshape(n, h, wd, og, kh, kw)
        target = buf[:, i * og:(i + 1) * og]
        for a in range(kh):
            for b in range(kw):
                target[:, :, a * dh:a * dh + sh * (h - 1) + 1:sh,
                       b * dw:b * dw + sw * (wd - 1) + 1:sw] += cols[..., a, b].transpose(0, 3, 1, 2)
    ph, pw = padding
    out = buf[:, :, ph:full[0] - ph, pw:full[1] - pw]
    if bias is not None:
        out = out + bias._data[:, None, None]
    r = _wrap(np.ascontiguousarray(out))
    if GRAD.enabled and (input._rg or weight._rg or (bias is not None and bias._rg)):
        node = ConvolutionBackward0()
        node.cfg = (stride, padding, dilation, groups)
        node.need = (input._rg, weight._rg, bias is not None and bias._rg)
        node.save(input, weight)
        record(node, r, input, weight, bias)
    return r
