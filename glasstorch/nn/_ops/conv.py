"""Convolution (``ConvolutionBackward0``) for 1-d and 2-d inputs, by im2col.

The padded input is laid out channel-first, ``xb``; each kernel tap (a, b) picks a strided slice
of it, and the slices stacked as rows make ``cols`` (C*kh*kw, OH*OW*N), copied in one go from a
strided view.  The convolution is then one matrix product per group:

    out = W.reshape(O, -1) @ cols          dW = g @ cols^T          dcols = W^T @ g
    dx  = each tap's rows of dcols added back onto its slice of the input (col2im, one add per tap)

Two layouts: batch-outer (C, N, Hp, Wp), whose tap slices are runs of OW elements and whose
transposes to and from (N, C, H, W) keep whole images together (cheap); and batch-inner
(C, Hp, Wp, N), whose tap slices at unit stride are runs of OW*N elements, which pays for its
costlier transposes when OW is small (LeNet's 10 wide second layer: its col2im gets ~4x faster).
"""
import numpy as np
from numpy.lib.stride_tricks import as_strided, sliding_window_view

from ...autograd.graph import Node
from ...ops._common import GRAD, _wrap, record


def _windows(xp, kh, kw, stride, dilation, oh, ow):
    """(N, C, OH, OW, kh, kw) view of the padded input ``xp`` (used by conv_transpose and fold)."""
    sh, sw = stride
    dh, dw = dilation
    win = sliding_window_view(xp, ((kh - 1) * dh + 1, (kw - 1) * dw + 1), axis=(2, 3))
    return win[:, :, ::sh, ::sw, ::dh, ::dw][:, :, :oh, :ow]


# Two layouts of the padded input: batch-inner (C, Hp, Wp, N) and batch-outer (C, N, Hp, Wp).
# Batch-inner wins for narrow outputs (short rows), the more so when col2im runs too; the crossovers
# were measured on a range of shapes (beyond them, its transposes cost more than the long runs save).
_INNER_BELOW = (16, 24)     # output widths below these take batch-inner: without / with a dx to find


def _to_layout(x, pads, inner):
    """(N, C, H, W) -> the zero-padded input in the chosen layout."""
    n, c, h, w = x.shape
    (pt, pb), (pl, pr) = pads
    t = x.transpose(1, 2, 3, 0) if inner else x.transpose(1, 0, 2, 3)
    if not (pt or pb or pl or pr):
        return np.ascontiguousarray(t)
    hp, wp = h + pt + pb, w + pl + pr
    xb = np.zeros((c, hp, wp, n) if inner else (c, n, hp, wp), x.dtype)
    xb[_spatial(inner, slice(pt, pt + h), slice(pl, pl + w))] = t
    return xb


def _spatial(inner, rows, cols):
    """The index of (rows, cols) in an array of either layout."""
    return (slice(None), rows, cols) if inner else (slice(None), slice(None), rows, cols)


def _from_layout(a, inner):
    """(C, H, W, N) or (C, N, H, W) -> a new contiguous (N, C, H, W).  Batch-inner goes a block of
    channels at a time: a transpose that reads with a small stride is several times faster when its
    block stays in cache."""
    if not inner:
        return np.ascontiguousarray(a.transpose(1, 0, 2, 3))
    c, n = a.shape[0], a.shape[3]
    if n == 1:
        return np.ascontiguousarray(a[..., 0])[None]
    out = np.empty((n,) + a.shape[:3], a.dtype)
    step = max(1, (1 << 16) // max(1, a[0].size))
    for i in range(0, c, step):
        out[:, i:i + step] = a[i:i + step].transpose(3, 0, 1, 2)
    return out


def _tap_view(xb, kh, kw, stride, dilation, oh, ow, inner):
    """(C, kh, kw, OH, OW, N) or (C, kh, kw, N, OH, OW) view of ``xb``: tap (a, b) of output (i, j)
    reads input (i*sh + a*dh, j*sw + b*dw)."""
    (sh, sw), (dh, dw) = stride, dilation
    if inner:
        c, _, _, n = xb.shape
        sc, s1, s2, sn = xb.strides
        return as_strided(xb, (c, kh, kw, oh, ow, n), (sc, dh * s1, dw * s2, sh * s1, sw * s2, sn), writeable=False)
    c, n = xb.shape[:2]
    sc, sn, s1, s2 = xb.strides
    return as_strided(xb, (c, kh, kw, n, oh, ow), (sc, dh * s1, dw * s2, sn, sh * s1, sw * s2), writeable=False)


def _im2col(xb, kh, kw, stride, dilation, oh, ow, inner):
    """``cols`` (C*kh*kw, OH*OW*N), in one copy."""
    return np.ascontiguousarray(_tap_view(xb, kh, kw, stride, dilation, oh, ow, inner)).reshape(
        xb.shape[0] * kh * kw, -1)


def _col2im(dcols, shape, kh, kw, stride, dilation, oh, ow, inner):
    """The sum of every tap's rows of ``dcols`` onto its slice of a zero buffer of ``shape``."""
    c, n = shape[0], shape[3 if inner else 1]
    gb = np.zeros(shape, dcols.dtype)
    d = dcols.reshape((c, kh, kw) + ((oh, ow, n) if inner else (n, oh, ow)))
    (sh, sw), (dh, dw) = stride, dilation
    for a in range(kh):
        rows = slice(a * dh, a * dh + sh * (oh - 1) + 1, sh)
        for b in range(kw):
            gb[_spatial(inner, rows, slice(b * dw, b * dw + sw * (ow - 1) + 1, sw))] += d[:, a, b]
    return gb


def _out_size(n, k, s, p0, p1, d):
    return (n + p0 + p1 - d * (k - 1) - 1) // s + 1


class ConvolutionBackward0(Node):
    """y = conv(x, W) + b   ->   dx = col2im(W^T g), dW = g cols^T, db = sum(g)"""
    __slots__ = ("cfg", "need", "cols")

    def backward(self, g):
        x, w = self.saved()
        if not isinstance(g, np.ndarray):
            raise NotImplementedError("double backward through convolution is not implemented in glasstorch")
        stride, pads, dilation, groups, squeeze1d, inner = self.cfg
        if squeeze1d:
            g = g[:, :, None, :]
            x = x[:, :, None, :]
            w = w[:, :, None, :]
        n, c, h, wd = x.shape
        o, cg, kh, kw = w.shape
        oh, ow = g.shape[2], g.shape[3]
        og, kg = o // groups, cg * kh * kw
        gm = np.ascontiguousarray(g.transpose((1, 2, 3, 0) if inner else (1, 0, 2, 3))).reshape(o, oh * ow * n)
        gx = gw = gb = None
        if self.need[1]:
            gw = np.empty_like(w)
            for i in range(groups):
                gw[i * og:(i + 1) * og] = (gm[i * og:(i + 1) * og] @ self.cols[i * kg:(i + 1) * kg].T
                                           ).reshape(og, cg, kh, kw)
        if self.need[0]:
            (pt, pb), (pl, pr) = pads
            dcols = np.empty((c * kh * kw, gm.shape[1]), g.dtype)
            for i in range(groups):
                np.matmul(w[i * og:(i + 1) * og].reshape(og, kg).T, gm[i * og:(i + 1) * og],
                          out=dcols[i * kg:(i + 1) * kg])
            hp, wp = h + pt + pb, wd + pl + pr
            gxb = _col2im(dcols, (c, hp, wp, n) if inner else (c, n, hp, wp), kh, kw, stride, dilation, oh, ow, inner)
            gx = _from_layout(gxb[_spatial(inner, slice(pt, pt + h), slice(pl, pl + wd))], inner)
            if squeeze1d:
                gx = gx[:, :, 0, :]
        if self.need[2]:
            gb = gm.sum(axis=1)
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
    inner = n > 1 and ow < _INNER_BELOW[bool(GRAD.enabled and input._rg)]
    cols = _im2col(_to_layout(x, pads, inner), kh, kw, stride, dilation, oh, ow, inner)
    og, kg = o // groups, cg * kh * kw
    out = np.empty((o, cols.shape[1]), x.dtype)
    for i in range(groups):
        np.matmul(w4[i * og:(i + 1) * og].reshape(og, kg), cols[i * kg:(i + 1) * kg], out=out[i * og:(i + 1) * og])
    if bias is not None:
        out += bias._data[:, None]
    out = _from_layout(out.reshape((o, oh, ow, n) if inner else (o, n, oh, ow)), inner)
    if squeeze1d:
        out = out[:, :, 0, :]
    r = _wrap(out)
    if GRAD.enabled and (input._rg or weight._rg or (bias is not None and bias._rg)):
        node = ConvolutionBackward0()
        node.cfg = (stride, pads, dilation, groups, squeeze1d, inner)
        node.need = (input._rg, weight._rg, bias is not None and bias._rg)
        node.cols = cols if weight._rg else None
        node.save(input, weight)
        record(node, r, input, weight, bias)
    return r


_C_NAMES = {"float64": "double", "float32": "float", "float16": "c10::Half", "int64": "long int", "int32": "int"}
