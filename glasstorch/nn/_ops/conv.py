"""Convolution (``ConvolutionBackward0``) over 1, 2 or 3 spatial dims, by im2col.

The padded input is laid out channel-first, ``xb``; each kernel tap (a, b, ...) picks a strided
slice of it, and the slices stacked as rows make ``cols`` (C*prod(k), prod(out)*N), copied in one
go from a strided view.  The convolution is then one matrix product per group:

    out = W.reshape(O, -1) @ cols          dW = g @ cols^T          dcols = W^T @ g
    dx  = each tap's rows of dcols added back onto its slice of the input (col2im, one add per tap)

Two layouts: batch-outer (C, N, *spatial), whose tap slices are runs of the last output size and
whose transposes to and from (N, C, *spatial) keep whole images together (cheap); and batch-inner
(C, *spatial, N), whose tap slices at unit stride are runs of OW*N elements, which pays for its
costlier transposes when OW is small (LeNet's 10 wide second layer: its col2im gets ~4x faster).
1-d convolution runs as 2-d on a height-1 input, as torch does.
"""
import itertools

import numpy as np
from numpy.lib.stride_tricks import as_strided, sliding_window_view

from ...autograd.graph import Node
from ...ops._common import GRAD, _wrap, record
from ..._arg_refuse import not_a_tensor


def _windows_nd(xp, k, stride, dilation, out):
    """(N, C, *out, *k) view of the padded input ``xp``: window ``i`` tap ``a`` reads
    ``xp[..., i*s + a*d]`` along every spatial dim."""
    nd = len(k)
    axes = tuple(range(2, 2 + nd))
    win = sliding_window_view(xp, tuple((kk - 1) * d + 1 for kk, d in zip(k, dilation)), axis=axes)
    idx = (slice(None),) * 2 + tuple(slice(None, None, s) for s in stride) + tuple(
        slice(None, None, d) for d in dilation)
    return win[idx][(slice(None),) * 2 + tuple(slice(0, o) for o in out)]


def _windows(xp, kh, kw, stride, dilation, oh, ow):
    """(N, C, OH, OW, kh, kw) view of the padded 2-d input ``xp`` (used by fold)."""
    return _windows_nd(xp, (kh, kw), stride, dilation, (oh, ow))


# Two layouts of the padded input: batch-inner (C, *S, N) and batch-outer (C, N, *S).
# Batch-inner wins for narrow outputs (short rows), the more so when col2im runs too; the crossovers
# were measured on a range of 2-d shapes (beyond them, its transposes cost more than the long runs save).
_INNER_BELOW = (16, 24)     # output widths below these take batch-inner: without / with a dx to find


def _layout_axes(nd, inner):
    """The transpose (N, C, *S) -> the layout."""
    sp = tuple(range(2, 2 + nd))
    return (1,) + sp + (0,) if inner else (1, 0) + sp


def _to_layout(x, pads, inner):
    """(N, C, *S) -> the zero-padded input in the chosen layout."""
    nd = x.ndim - 2
    t = x.transpose(_layout_axes(nd, inner))
    if not any(p for pair in pads for p in pair):
        return np.ascontiguousarray(t)
    n, c = x.shape[:2]
    sp = tuple(s + p0 + p1 for s, (p0, p1) in zip(x.shape[2:], pads))
    xb = np.zeros((c,) + sp + (n,) if inner else (c, n) + sp, x.dtype)
    xb[_spatial(inner, *(slice(p0, p0 + s) for s, (p0, _) in zip(x.shape[2:], pads)))] = t
    return xb


def _spatial(inner, *sl):
    """The index of the spatial slices ``sl`` in an array of either layout."""
    return (slice(None),) + sl if inner else (slice(None), slice(None)) + sl


def _from_layout(a, inner):
    """(C, *S, N) or (C, N, *S) -> a new contiguous (N, C, *S).  Batch-inner goes a block of
    channels at a time: a transpose that reads with a small stride is several times faster when its
    block stays in cache."""
    nd = a.ndim - 2
    if not inner:
        return np.ascontiguousarray(a.transpose((1, 0) + tuple(range(2, 2 + nd))))
    c, n = a.shape[0], a.shape[-1]
    if n == 1:
        return np.ascontiguousarray(a[..., 0])[None]
    out = np.empty((n,) + a.shape[:-1], a.dtype)
    step = max(1, (1 << 16) // max(1, a[0].size))
    back = (nd + 1,) + tuple(range(nd + 1))
    for i in range(0, c, step):
        out[:, i:i + step] = a[i:i + step].transpose(back)
    return out


def _tap_view(xb, k, stride, dilation, out, inner):
    """(C, *k, *out, N) or (C, *k, N, *out) view of ``xb``: tap ``a`` of output ``i`` reads input
    ``i*s + a*d`` along every spatial dim."""
    if inner:
        sc, sp, sn = xb.strides[0], xb.strides[1:-1], xb.strides[-1]
        c, n = xb.shape[0], xb.shape[-1]
        shape = (c,) + tuple(k) + tuple(out) + (n,)
        strides = ((sc,) + tuple(d * s for d, s in zip(dilation, sp)) + tuple(st * s for st, s in zip(stride, sp))
                   + (sn,))
    else:
        sc, sn, sp = xb.strides[0], xb.strides[1], xb.strides[2:]
        c, n = xb.shape[:2]
        shape = (c,) + tuple(k) + (n,) + tuple(out)
        strides = ((sc,) + tuple(d * s for d, s in zip(dilation, sp)) + (sn,)
                   + tuple(st * s for st, s in zip(stride, sp)))
    return as_strided(xb, shape, strides, writeable=False)


def _im2col(xb, k, stride, dilation, out, inner):
    """``cols`` (C*prod(k), prod(out)*N), in one copy."""
    return np.ascontiguousarray(_tap_view(xb, k, stride, dilation, out, inner)).reshape(
        xb.shape[0] * int(np.prod(k)), -1)


def _col2im(dcols, shape, k, stride, dilation, out, inner):
    """The sum of every tap's rows of ``dcols`` onto its slice of a zero buffer of ``shape``."""
    c, n = shape[0], shape[-1 if inner else 1]
    gb = np.zeros(shape, dcols.dtype)
    d = dcols.reshape((c,) + tuple(k) + (tuple(out) + (n,) if inner else (n,) + tuple(out)))
    for tap in itertools.product(*(range(kk) for kk in k)):
        sl = tuple(slice(a * dl, a * dl + s * (o - 1) + 1, s) for a, dl, s, o in zip(tap, dilation, stride, out))
        gb[_spatial(inner, *sl)] += d[(slice(None),) + tap]
    return gb


def _out_size(n, k, s, p0, p1, d):
    return (n + p0 + p1 - d * (k - 1) - 1) // s + 1


class ConvolutionBackward0(Node):
    """y = conv(x, W) + b   ->   dx = col2im(W^T g), dW = g cols^T, db = sum(g)"""
    __slots__ = ("cfg", "need", "cols")

    def backward(self, g):
        x, w = self.saved()
        if not isinstance(g, np.ndarray):     # create_graph: one ConvolutionBackwardBackward0 node
            from .conv_double import conv_backward_node
            return conv_backward_node(self, g, x, w)
        return self.grads(g, x, w)

    def grads(self, g, x, w):
        """(dx, dW, db) on arrays, each where ``self.need`` asks for it."""
        stride, pads, dilation, groups, squeeze1d, inner = self.cfg
        if squeeze1d:
            g, x, w = g[:, :, None, :], x[:, :, None, :], w[:, :, None, :]
        nd = x.ndim - 2
        n, c, sp = x.shape[0], x.shape[1], x.shape[2:]
        o, cg, k = w.shape[0], w.shape[1], w.shape[2:]
        out = g.shape[2:]
        og, kg = o // groups, cg * int(np.prod(k))
        gm = np.ascontiguousarray(g.transpose(_layout_axes(nd, inner))).reshape(o, -1)
        gx = gw = gb = None
        if self.need[1]:
            if self.cols is None:             # freed by an earlier backward (retain_graph): rebuild
                self.cols = _im2col(_to_layout(x, pads, inner), k, stride, dilation, out, inner)
            gw = np.empty_like(w)
            for i in range(groups):
                gw[i * og:(i + 1) * og] = (gm[i * og:(i + 1) * og] @ self.cols[i * kg:(i + 1) * kg].T
                                           ).reshape((og, cg) + k)
        if self.need[0]:
            dcols = np.empty((c * kg // cg, gm.shape[1]), g.dtype)
            for i in range(groups):
                np.matmul(w[i * og:(i + 1) * og].reshape(og, kg).T, gm[i * og:(i + 1) * og],
                          out=dcols[i * kg:(i + 1) * kg])
            padded = tuple(s + p0 + p1 for s, (p0, p1) in zip(sp, pads))
            gxb = _col2im(dcols, (c,) + padded + (n,) if inner else (c, n) + padded, k, stride, dilation, out, inner)
            gx = _from_layout(gxb[_spatial(inner, *(slice(p0, p0 + s) for s, (p0, _) in zip(sp, pads)))], inner)
            if squeeze1d:
                gx = gx[:, :, 0, :]
        if self.need[2]:
            gb = gm.sum(axis=1)
        if squeeze1d and gw is not None:
            gw = gw[:, :, 0, :]
        self.cols = None
        return gx, gw, gb


def _pairs(v, n):
    # a NumPy integer is an int to torch's parser (it reads __index__): nn.Conv3d(1, 2, np.int64(3))
    if isinstance(v, (int, np.integer)):
        return (int(v),) * n
    v = tuple(int(e) if isinstance(e, np.integer) else e for e in v)
    return v * n if len(v) == 1 else v      # one value broadcasts, as in torch


def _same_pads(k, d):
    total = d * (k - 1)
    return (total // 2, total - total // 2)


def _check_conv_params(w, stride, padding, dilation, nd):
    """torch's checks of the weight's rank and of stride / padding / dilation, in its order."""
    if w.ndim < 3:
        raise RuntimeError("weight should have at least three dimensions")
    k = w.ndim - 2
    named = [("stride", stride), ("padding", padding), ("dilation", dilation)]
    for what, v in named:
        if isinstance(v, str):
            continue
        vals = list(_pairs(v, nd))
        if k != nd and len(vals) != 1:
            raise RuntimeError(f"expected {what} to be a single integer value or a list of {k} values to match "
                               f"the convolution dimensions, but got {what}={vals}")
    if not isinstance(padding, str) and any(p < 0 for p in _pairs(padding, nd)):
        raise RuntimeError("negative padding is not supported")
    if any(v <= 0 for v in _pairs(stride, nd)):
        raise RuntimeError("non-positive stride is not supported")
    if nd != 3 and any(v <= 0 for v in _pairs(dilation, nd)):   # conv3d's kernel checks it later
        raise RuntimeError("non-positive dilation is not supported")


def conv(input, weight, bias, stride, padding, dilation, groups, nd):
    """The shared body of ``conv1d``, ``conv2d`` and ``conv3d`` (``nd`` spatial dims)."""
    try:
        x, w = input._data, weight._data
    except AttributeError:      # a non-tensor: torch's parser error
        not_a_tensor()
    name = f"conv{nd}d"
    from .conv_args import check as _check_arg_types
    stride, padding, dilation, groups, _ = _check_arg_types(name, input, weight, bias, stride, padding, dilation,
                                                            groups)
    if x.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to {name}, but got input "
                           f"of size: {list(x.shape)}")
    from .conv_checks import check_conv
    empty = check_conv(x, w, None if bias is None else bias._data, stride, padding, dilation, groups, nd)
    if empty is not None:
        from .conv_checks import empty_output
        return empty_output(input, weight, bias, empty, x.ndim == nd + 1)
    _check_conv_params(w, stride, padding, dilation, nd)
    if x.ndim == nd + 1:                      # unbatched: torch unsqueezes, convolves, squeezes(0)
        from ...ops.shape import squeeze, unsqueeze
        return squeeze(conv(unsqueeze(input, 0), weight, bias, stride, padding, dilation, groups, nd), 0)
    if x.dtype != w.dtype or (bias is not None and bias._data.dtype != x.dtype):
        from ...ops.inplace import type_name
        if bias is not None and bias._data.dtype != x.dtype:
            raise RuntimeError(f"Input type ({_C_NAMES.get(x.dtype.name, x.dtype.name)}) and bias type "
                               f"({_C_NAMES.get(bias._data.dtype.name)}) should be the same")
        raise RuntimeError(f"expected scalar type {type_name(x.dtype)} but found {type_name(w.dtype)}")
    if w.shape[0] < groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be at least {groups} at dimension 0, but got "
                           f"weight of size {list(w.shape)} instead")
    if w.shape[0] % groups:           # (torch's message puts the size in two pairs of brackets)
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, but "
                           f"got weight of size [{list(w.shape)}] instead")
    if x.shape[1] != w.shape[1] * groups:
        shown = list(x.shape)
        raise RuntimeError(f"Given groups={groups}, weight of size {list(w.shape)}, expected input{shown} to have "
                           f"{w.shape[1] * groups} channels, but got {x.shape[1]} channels instead")
    if bias is not None and (bias._data.ndim != 1 or bias._data.shape[0] != w.shape[0]):
        raise RuntimeError(f"Given weight of size {list(w.shape)}, expected bias to be 1-dimensional with "
                           f"{w.shape[0]} elements, but got bias of size {list(bias._data.shape)} instead")
    if nd == 3 and any(v <= 0 for v in _pairs(dilation, nd)):
        raise RuntimeError(f"dilation should be greater than zero, but got {list(_pairs(dilation, nd))}")
    stride, dilation = _pairs(stride, nd), _pairs(dilation, nd)
    ks = w.shape[2:]
    if isinstance(padding, str):
        if padding == "valid":
            pads = [(0, 0)] * nd
        elif padding == "same":
            if any(s != 1 for s in stride):
                raise RuntimeError("padding='same' is not supported for strided convolutions")
            pads = [_same_pads(k, d) for k, d in zip(ks, dilation)]
            if any(p0 != p1 for p0, p1 in pads):   # torch zero-pads the odd extra first: ConstantPadNdBackward0
                from ..functional import pad
                from ..._user_warning import warn_once
                warn_once("conv_same_even", "Using padding='same' with even kernel lengths and odd dilation may "
                          "require a zero-padded copy of the input be created (Triggered internally at "
                          "/__w/pytorch/pytorch/aten/src/ATen/native/Convolution.cpp:1101.)")
                extra = [v for p0, p1 in reversed(pads) for v in (0, p1 - p0)]
                return conv(pad(input, extra), weight, bias, stride, [p0 for p0, _ in pads], dilation, groups, nd)
        else:
            raise RuntimeError(f"Invalid padding string: '{padding}'")
    else:
        pads = [(p, p) for p in _pairs(padding, nd)]
    squeeze1d = nd == 1
    if squeeze1d:
        x, w = x[:, :, None, :], w[:, :, None, :]
        stride, dilation, pads = (1,) + stride, (1,) + dilation, [(0, 0)] + pads
    n, sp = x.shape[0], x.shape[2:]
    o, cg, k = w.shape[0], w.shape[1], w.shape[2:]
    out = tuple(_out_size(s, kk, st, p0, p1, d) for s, kk, st, (p0, p1), d in zip(sp, k, stride, pads, dilation))
    if any(v <= 0 for v in out):
        skip = 1 if squeeze1d else 0       # torch reports the 1-d sizes, not the unsqueezed 2-d ones
        shown = " x ".join(str(s + p0 + p1) for s, (p0, p1) in zip(sp[skip:], pads[skip:]))
        kshown = " x ".join(str((kk - 1) * d + 1) for kk, d in zip(k[skip:], dilation[skip:]))
        raise RuntimeError(f"Calculated padded input size per channel: ({shown}). Kernel size: ({kshown}). "
                           "Kernel size can't be greater than actual input size")
    inner = n > 1 and out[-1] < _INNER_BELOW[bool(GRAD.enabled and input._rg)]
    cols = _im2col(_to_layout(x, pads, inner), k, stride, dilation, out, inner)
    og, kg = o // groups, cols.shape[0] // groups
    # half: torch sums in float, adds the bias there, and rounds to half once
    half = x.dtype == np.float16
    wm, cm = (w.astype(np.float32), cols.astype(np.float32)) if half else (w, cols)
    res = np.empty((o, cols.shape[1]), cm.dtype)
    for i in range(groups):
        np.matmul(wm[i * og:(i + 1) * og].reshape(og, kg), cm[i * kg:(i + 1) * kg], out=res[i * og:(i + 1) * og])
    if bias is not None and kg == 1 and groups == 1 and not half and x.dtype == np.float32 \
            and _uses_onednn(x, w, stride, dilation, groups):
        # one input number per output (one channel, 1x1): oneDNN starts from the bias and adds the
        # product with one fused multiply-add, a single rounding where the product and += round twice
        from ...ops._fma32 import fma32
        shape = res.shape
        res = fma32(np.broadcast_to(wm.reshape(o, 1), shape), np.broadcast_to(cm, shape),
                    np.broadcast_to(bias._data[:, None], shape))
    elif bias is not None:
        res += bias._data[:, None]
    if half:
        res = res.astype(np.float16)
    res = _from_layout(res.reshape((o,) + out + (n,) if inner else (o, n) + out), inner)
    if squeeze1d:
        res = res[:, :, 0, :]
    elif nd in (2, 3):
        res = _channels_last_like(res, input._data, weight._data, stride, dilation, groups)
    r = _wrap(res)
    if GRAD.enabled and (input._rg or weight._rg or (bias is not None and bias._rg)):
        node = ConvolutionBackward0()
        node.cfg = (stride, pads, dilation, groups, squeeze1d, inner)
        node.need = (input._rg, weight._rg, bias is not None and bias._rg)
        node.cols = cols if weight._rg else None
        node.save(input, weight)
        record(node, r, input, weight, bias)
    return r


def _channels_last_like(res, x, w, stride, dilation, groups):
    """torch's CPU conv2d / conv3d (and their transposes) write a channels_last(_3d) output when the input
    or the weight is laid out so (3-d: only on the oneDNN path, which torch takes by _uses_onednn; its
    slow 3-d kernels write contiguous outputs)."""
    from ...ops.conversion import _suggested_format, layout_copy
    from ...ops._layout import contig
    if res.ndim == 5 and not _uses_onednn(x, w, stride, dilation, groups):
        return contig(res)
    fmt = "channels_last" if res.ndim == 4 else "channels_last_3d"
    if fmt in (_suggested_format(x), _suggested_format(w)):
        return layout_copy(res, fmt)
    return contig(res)


def _uses_onednn(x, w, stride, dilation, groups):
    """torch's ConvParams::use_mkldnn for a float CPU input: float32 only; then a strided, dilated, large
    (16+) batch, non-1x1 or multi-threaded convolution that also is grouped, has a kernel wider than 3 in its
    last two dims, a batch over 1, or N*C*D*H (its first four sizes) over 20480."""
    from ..._runtime import get_num_threads
    if x.dtype != np.float32:
        return False
    strided, dilated = any(s != 1 for s in stride), any(d != 1 for d in dilation)
    if not (strided or dilated or x.shape[0] >= 16 or w.shape[-1] != 1 or w.shape[-2] != 1 or get_num_threads() > 1):
        return False
    return (groups > 1 or (w.shape[-1] > 3 and w.shape[-2] > 3) or x.shape[0] > 1
            or int(np.prod(x.shape[:4])) > 20480)


_C_NAMES = {"float64": "double", "float32": "float", "float16": "c10::Half", "int64": "long int", "int32": "int",
            "int16": "short int", "int8": "signed char", "uint8": "unsigned char", "bool": "bool"}
