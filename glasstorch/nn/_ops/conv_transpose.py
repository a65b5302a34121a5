"""Transposed convolution (``ConvolutionBackward0``, as torch names it) over 1, 2 or 3 spatial dims.

A transposed convolution is the gradient of a convolution with respect to its input: each input
element spreads ``x[n, c, i] * W[c, o]`` over a kernel-sized patch of the output, at stride s.

    cols = x_rows @ W.reshape(C_in, -1)        (N*prod(S), C_out*prod(k)), then scatter-add (col2im)
    dx   = g_windows @ W.reshape(C_in, -1)^T    (the forward convolution of g by W)
    dW   = x_rows^T @ g_windows                 db = sum(g)
"""
import itertools

import numpy as np

from ...autograd.graph import Node
from ...ops._common import GRAD, _wrap, record
from .conv import _pairs, _windows_nd


def _rows(x, nd):
    """(N, C, *S) -> (N*prod(S), C): one row per input position."""
    return x.transpose((0,) + tuple(range(2, 2 + nd)) + (1,)).reshape(-1, x.shape[1])


class ConvolutionBackward0(Node):
    """y = conv_transpose(x, W) + b   ->   dx = conv(g, W), dW = x^T windows(g), db = sum(g)"""
    __slots__ = ("cfg", "need")

    def backward(self, g):
        x, w = self.saved()
        if not isinstance(g, np.ndarray):     # create_graph: one ConvolutionBackwardBackward0 node
            from .conv_double import conv_backward_node
            return conv_backward_node(self, g, x, w)
        return self.grads(g, x, w)

    def grads(self, g, x, w):
        """(dx, dW, db) on arrays, each where ``self.need`` asks for it."""
        stride, padding, dilation, groups = self.cfg
        nd = x.ndim - 2
        n, c, sp = x.shape[0], x.shape[1], x.shape[2:]
        og, k = w.shape[1], w.shape[2:]
        cg = c // groups
        gp = np.pad(g, ((0, 0), (0, 0)) + tuple((p, p) for p in padding))
        win = _windows_nd(gp, k, stride, dilation, sp)                # (N, C_out, *S, *k)
        order = (0,) + tuple(range(2, 2 + nd)) + (1,) + tuple(range(2 + nd, 2 + 2 * nd))
        gx = np.empty_like(x) if self.need[0] else None
        gw = np.empty_like(w) if self.need[1] else None
        for i in range(groups):
            gcols = win[:, i * og:(i + 1) * og].transpose(order).reshape(-1, og * int(np.prod(k)))
            wm = w[i * cg:(i + 1) * cg].reshape(cg, -1)
            if gx is not None:
                gx[:, i * cg:(i + 1) * cg] = np.moveaxis((gcols @ wm.T).reshape((n,) + sp + (cg,)), -1, 1)
            if gw is not None:
                gw[i * cg:(i + 1) * cg] = (_rows(x[:, i * cg:(i + 1) * cg], nd).T @ gcols).reshape((cg, og) + k)
        gb = g.sum(axis=(0,) + tuple(range(2, 2 + nd))) if self.need[2] else None
        return gx, gw, gb


def _output_padding_error(output_padding, stride, dilation):
    """torch's kernel message; a 1-d transposed conv runs as 2-d with a height of 1"""
    names = ("depth", "height", "width")[-len(output_padding):] if len(output_padding) > 1 else ("height", "width")
    if len(output_padding) == 1:
        output_padding, stride, dilation = (0,) + output_padding, (1,) + stride, (1,) + dilation
    parts = [f"{kind}_{nm}: {v}" for kind, vals in (("output_padding", output_padding), ("stride", stride),
                                                    ("dilation", dilation)) for nm, v in zip(names, vals)]
    raise RuntimeError("output padding must be smaller than either stride or dilation, but got " + " ".join(parts))


def conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation, nd):
    """Input (N, C_in, *S) or unbatched; weight (C_in, C_out / groups, *k)."""
    from .conv_args import check as _check_arg_types
    stride, padding, dilation, groups, output_padding = _check_arg_types(
        f"conv_transpose{nd}d", input, weight, bias, stride, padding, dilation, groups, output_padding, transposed=True)
    x, w = input._data, weight._data
    if x.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to conv_transpose{nd}d, "
                           f"but got input of size: {list(x.shape)}")
    from .conv_checks import check_conv
    empty = check_conv(x, w, None if bias is None else bias._data, stride, padding, dilation, groups, nd, True,
                       output_padding)
    if empty is not None:
        from .conv_checks import empty_output
        return empty_output(input, weight, bias, empty, x.ndim == nd + 1)
    if x.ndim == nd + 1:
        from ...ops.shape import squeeze, unsqueeze
        return squeeze(conv_transpose(unsqueeze(input, 0), weight, bias, stride, padding, output_padding, groups,
                                      dilation, nd), 0)
    if w.shape[0] < groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be at least {groups} at dimension 0, but got "
                           f"weight of size {list(w.shape)} instead")
    if w.shape[0] % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, but "
                           f"got weight of size [{list(w.shape)}] instead")
    if x.shape[1] != w.shape[0]:
        raise RuntimeError(f"Given transposed=1, weight of size {list(w.shape)}, expected input{list(x.shape)} to "
                           f"have {w.shape[0]} channels, but got {x.shape[1]} channels instead")
    if x.dtype != w.dtype or (x.dtype.kind in "biu" and x.dtype != np.int64):
        from ...ops.inplace import type_name
        if x.dtype.kind in "biu" and x.dtype != np.int64:
            kernel = "slow_conv_transpose3d_out_cpu" if nd == 3 else "slow_conv_transpose2d_out_cpu"
            raise NotImplementedError(f"\"{kernel}\" not implemented for '{type_name(x.dtype)}'")
        raise RuntimeError(f"expected scalar type {type_name(x.dtype)} but found {type_name(w.dtype)}")
    stride, padding, dilation = _pairs(stride, nd), _pairs(padding, nd), _pairs(dilation, nd)
    output_padding = _pairs(output_padding, nd)
    if any(op >= s and op >= d for op, s, d in zip(output_padding, stride, dilation)):
        _output_padding_error(output_padding, stride, dilation)
    n, c, sp = x.shape[0], x.shape[1], x.shape[2:]
    og, k = w.shape[1], w.shape[2:]
    cg = c // groups
    full = tuple((size - 1) * s + d * (kk - 1) + 1 + op for size, s, d, kk, op in
                 zip(sp, stride, dilation, k, output_padding))
    buf = np.zeros((n, og * groups) + full, x.dtype)
    to_nc = (0, nd + 1) + tuple(range(1, nd + 1))           # (N, *S, C) -> (N, C, *S)
    for i in range(groups):
        cols = (_rows(x[:, i * cg:(i + 1) * cg], nd) @ w[i * cg:(i + 1) * cg].reshape(cg, -1)
                ).reshape((n,) + sp + (og,) + k)
        target = buf[:, i * og:(i + 1) * og]
        for tap in itertools.product(*(range(kk) for kk in k)):
            sl = tuple(slice(a * d, a * d + s * (size - 1) + 1, s) for a, d, s, size in zip(tap, dilation, stride, sp))
            target[(slice(None), slice(None)) + sl] += cols[(Ellipsis,) + tap].transpose(to_nc)
    out = buf[(slice(None), slice(None)) + tuple(slice(p, f - p) for p, f in zip(padding, full))]
    if bias is not None:
        out = out + bias._data.reshape((-1,) + (1,) * nd)
    out = np.ascontiguousarray(out)
    if nd in (2, 3) and out.ndim == nd + 2:
        from .conv import _channels_last_like
        out = _channels_last_like(out, x, w, stride, dilation, groups)
    r = _wrap(out)
    if GRAD.enabled and (input._rg or weight._rg or (bias is not None and bias._rg)):
        node = ConvolutionBackward0()
        node.cfg = (stride, padding, dilation, groups)
        node.need = (input._rg, weight._rg, bias is not None and bias._rg)
        node.save(input, weight)
        record(node, r, input, weight, bias)
    return r


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    return conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation, 1)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    return conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation, 2)


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    return conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation, 3)
