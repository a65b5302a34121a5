"""Convolution (``ConvolutionBackward0``) for 1-d and 2-d inputs, by im2col.

Each kernel tap (a, b) picks a strided slice of the padded input; the slices are stacked as rows of
a matrix ``cols`` (C*kh*kw, N*OH*OW), and the convolution is one matrix product per group:

    out = W.reshape(O, -1) @ cols          dW = g @ cols^T          dcols = W^T @ g
    dx  = each tap's rows of dcols added back onto its slice of the input (col2im)

Laying ``cols`` out tap by tap keeps every copy a run of whole rows (OW elements), which is what
makes im2col and col2im cheap in NumPy.
"""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ...autograd.graph import Node
from ...ops._common import GRAD, _wrap, record


def _windows(xp, kh, kw, stride, dilation, oh, ow):
    """(N, C, OH, OW, kh, kw) view of the padded input ``xp`` (used by conv_transpose and fold)."""
    sh, sw = stride
    dh, dw = dilation
    win = sliding_window_view(xp, ((kh - 1) * dh + 1, (kw - 1) * dw + 1), axis=(2, 3))
    return win[:, :, ::sh, ::sw, ::dh, ::dw][:, :, :oh, :ow]


def _tap(a, b, stride, dilation, oh, ow):
    """The (rows, cols) slices of the padded input that kernel tap (a, b) reads."""
    sh, sw = stride
    dh, dw = dilation
    return (slice(a * dh, a * dh + sh * (oh - 1) + 1, sh), slice(b * dw, b * dw + sw * (ow - 1) + 1, sw))


def _im2col(xp, c0, cg, kh, kw, stride, dilation, oh, ow):
    """``cols`` (cg*kh*kw, N*OH*OW) for input channels c0 .. c0+cg of the padded input ``xp``."""
    n = xp.shape[0]
    cols = np.empty((cg, kh, kw, n, oh, ow), xp.dtype)
    for a in range(kh):
        for b in range(kw):
            rows, cs = _tap(a, b, stride, dilation, oh, ow)
            cols[:, a, b] = xp[:, c0:c0 + cg, rows, cs].transpose(1, 0, 2, 3)
    return cols.reshape(cg * kh * kw, n * oh * ow)


def _out_size(n, k, s, p0, p1, d):
    return (n + p0 + p1 - d * (k - 1) - 1) // s + 1


class ConvolutionBackward0(Node):
    """y = conv(x, W) + b   ->   dx = col2im(g W), dW = g^T cols, db = sum(g)"""
    __slots__ = ("cfg", "need", "cols")

    def backward(self, g):
        x, w = self.saved()
        if not isinstance(g, np.ndarray):
            raise NotImplementedError("double backward through convolution is not implemented in glasstorch")
        stride, pads, dilation, groups, squeeze1d = self.cfg
        if squeeze1d:
            g = g[:, :, None, :]
            x = x[:, :, None, :]
            w = w[:, :, None, :]
        n, c, h, wd = x.shape
        o, cg, kh, kw = w.shape
        oh, ow = g.shape[2], g.shape[3]
        og = o // groups
        gm = np.ascontiguousarray(g.transpose(1, 0, 2, 3)).reshape(o, n * oh * ow)
        gx = gw = gb = None
        if self.need[1]:
            gw = np.empty_like(w)
            for i in range(groups):
                gw[i * og:(i + 1) * og] = (gm[i * og:(i + 1) * og] @ self.cols[i].T).reshape(og, cg, kh, kw)
        if self.need[0]:
            (pt, pb), (pl, pr) = pads
            gxp = np.zeros((n, c, h + pt + pb, wd + pl + pr), x.dtype)
            for i in range(groups):
                wm = w[i * og:(i + 1) * og].reshape(og, -1)
                dcols = (wm.T @ gm[i * og:(i + 1) * og]).reshape(cg, kh, kw, n, oh, ow)
                target = gxp[:, i * cg:(i + 1) * cg]
                for a in range(kh):
                    for b in range(kw):
                        rows, cs = _tap(a, b, stride, dilation, oh, ow)
                        target[:, :, rows, cs] += dcols[:, a, b].transpose(1, 0, 2, 3)
            gx = gxp[:, :, pt:pt + h, pl:pl + wd]
            if squeeze1d:
                gx = gx[:, :, 0, :]
        if self.need[2]:
            gb = g.sum(axis=(0, 2, 3))
        if squeeze1d and gw is not None:
            gw = gw[:, :, 0, :]
        self.cols = None
        return gx, gw, gb


def _pairs(v, n):
    if isinstance(v, int):
        return (v,) * n
    return tuple(v)


def _same_pads(k, d):
    total = d * (k - 1)
    return (total // 2, total - total // 2)


def conv(input, weight, bias, stride, padding, dilation, groups, nd):
    """The shared body of ``conv1d`` and ``conv2d`` (``nd`` spatial dims)."""
    x, w = input._data, weight._data
    name = f"conv{nd}d"
    if x.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to {name}, but got input "
                           f"of size: {list(x.shape)}")
    if x.ndim == nd + 1:                      # unbatched: torch unsqueezes, convolves, squeezes(0)
        from ...ops.shape import squeeze, unsqueeze
        return squeeze(conv(unsqueeze(input, 0), weight, bias, stride, padding, dilation, groups, nd), 0)
    if x.dtype != w.dtype or (bias is not None and bias._data.dtype != x.dtype):
        from ...ops.inplace import type_name
        if bias is not None:
            raise RuntimeError(f"Input type ({_C_NAMES.get(x.dtype.name, x.dtype.name)}) and bias type "
                               f"({_C_NAMES.get(bias._data.dtype.name)}) should be the same")
        raise RuntimeError(f"expected scalar type {type_name(x.dtype)} but found {type_name(w.dtype)}")
    if x.shape[1] != w.shape[1] * groups:
        shown = list(x.shape)
        raise RuntimeError(f"Given groups={groups}, weight of size {list(w.shape)}, expected input{shown} to have "
                           f"{w.shape[1] * groups} channels, but got {x.shape[1]} channels instead")
    stride, dilation = _pairs(stride, nd), _pairs(dilation, nd)
    ks = w.shape[2:]
    if isinstance(padding, str):
        if padding == "valid":
            pads = [(0, 0)] * nd
        elif padding == "same":
            if any(s != 1 for s in stride):
                raise ValueError("padding='same' is not supported for strided convolutions")
            pads = [_same_pads(k, d) for k, d in zip(ks, dilation)]
        else:
            raise ValueError(f"Invalid padding string '{padding}', should be one of {{'valid', 'same'}}")
    else:
        pads = [(p, p) for p in _pairs(padding, nd)]
    squeeze1d = nd == 1
    if squeeze1d:
        x, w4 = x[:, :, None, :], w[:, :, None, :]
        stride, dilation, pads = (1,) + stride, (1,) + dilation, [(0, 0)] + pads
    else:
        w4 = w
    n, c, h, wd = x.shape
    o, cg, kh, kw = w4.shape
    oh = _out_size(h, kh, stride[0], *pads[0], dilation[0])
    ow = _out_size(wd, kw, stride[1], *pads[1], dilation[1])
    if oh <= 0 or ow <= 0:
        raise RuntimeError(f"Calculated padded input size per channel: ({h + sum(pads[0])} x {wd + sum(pads[1])}). "
                           f"Kernel size: ({(kh - 1) * dilation[0] + 1} x {(kw - 1) * dilation[1] + 1}). Kernel size "
                           "can't be greater than actual input size")
    xp = np.pad(x, ((0, 0), (0, 0)) + tuple(pads)) if any(sum(p) for p in pads) else x
    og = o // groups
    out = np.empty((o, n * oh * ow), x.dtype)
    all_cols = []
    for i in range(groups):
        cols = _im2col(xp, i * cg, cg, kh, kw, stride, dilation, oh, ow)
        all_cols.append(cols)
        np.matmul(w4[i * og:(i + 1) * og].reshape(og, -1), cols, out=out[i * og:(i + 1) * og])
    if bias is not None:
        out += bias._data[:, None]
    out = np.ascontiguousarray(out.reshape(o, n, oh, ow).transpose(1, 0, 2, 3))
    if squeeze1d:
        out = out[:, :, 0, :]
    r = _wrap(out)
    if GRAD.enabled and (input._rg or weight._rg or (bias is not None and bias._rg)):
        node = ConvolutionBackward0()
        node.cfg = (stride, pads, dilation, groups, squeeze1d)
        node.need = (input._rg, weight._rg, bias is not None and bias._rg)
        node.cols = all_cols if weight._rg else None
        node.save(input, weight)
        record(node, r, input, weight, bias)
    return r


_C_NAMES = {"float64": "double", "float32": "float", "float16": "c10::Half", "int64": "long int", "int32": "int"}
