"""Convolution's backward under ``create_graph`` (MAML on conv nets, gradient penalties, hessians).

The gradients of y = conv(x, W) are themselves convolutions, so they are written here with the
recorded ops, which makes them differentiable once more:

    dx = conv_transpose(g, W)                  (stride s, dilation d; cropped back to x's padding)
    dW = conv(x^T, g^T)^T                      (batch and channel swapped, stride d, dilation s)
    db = sum of g over the batch and spatial dims

and the transposed convolution, its adjoint, the other way round.

As in torch, the three gradients hang from one node, ``ConvolutionBackwardBackward0`` (edges to g, x
and W), whose values are the plain backward's; its own backward uses the formulas above (see
``ConvolutionBackwardBackward0``).
"""
from types import SimpleNamespace

import numpy as np

from ...autograd.graph import MODE, Node
from ...ops._common import GRAD, _wrap, edge


def _weight_grad(conv, xp, g, groups, k, stride, dilation):
    """dW[o, c, a] = sum over n, i of g[n, o, i] xp[n, c, i s + a d], a convolution of xp^T by g^T."""
    og, cg = g.shape[1] // groups, xp.shape[1] // groups
    parts = []
    for i in range(groups):
        xs = xp[:, i * cg:(i + 1) * cg].transpose(0, 1)
        gs = g[:, i * og:(i + 1) * og].transpose(0, 1)
        r = conv(xs, gs, None, dilation, 0, stride)           # (cg, og, k' >= k)
        for dim, kk in enumerate(k, 2):
            r = r.narrow(dim, 0, kk)
        parts.append(r.transpose(0, 1))
    from ...ops.join import cat
    return parts[0] if groups == 1 else cat(parts, 0)


def conv_backward_recorded(node, g, x, w):
    """``ConvolutionBackward0`` on Tensors: (dx, dW, db), each where ``node.need`` asks for it."""
    from .. import functional as F
    stride, pads, dilation, groups, squeeze1d, _ = node.cfg
    if squeeze1d:                      # cfg already holds the 2-D form of a 1-D convolution
        g, x, w = g.unsqueeze(2), x.unsqueeze(2), w.unsqueeze(2)
    nd = x.dim() - 2
    conv = (F.conv2d, F.conv3d)[nd - 2]
    conv_t = (F.conv_transpose2d, F.conv_transpose3d)[nd - 2]
    k, out = tuple(w.shape[2:]), tuple(g.shape[2:])
    flat = [p for p0, p1 in reversed(pads) for p in (p0, p1)]
    gx = gw = gb = None
    if node.need[0]:
        padded = [s + p0 + p1 for s, (p0, p1) in zip(x.shape[2:], pads)]
        extra = [sp - ((o - 1) * s + d * (kk - 1) + 1) for sp, o, s, d, kk in zip(padded, out, stride, dilation, k)]
        gx = conv_t(g, w, None, stride, 0, extra, groups, dilation)
        for dim, (p0, _), size in zip(range(2, 2 + nd), pads, x.shape[2:]):
            gx = gx.narrow(dim, p0, size)
        if squeeze1d:
            gx = gx.squeeze(2)
    if node.need[1]:
        gw = _weight_grad(conv, F.pad(x, flat) if any(flat) else x, g, groups, k, stride, dilation)
        if squeeze1d:
            gw = gw.squeeze(2)
    if node.need[2]:
        gb = g.sum((0,) + tuple(range(2, 2 + nd)))
    return gx, gw, gb


def conv_transpose_backward_recorded(node, g, x, w):
    """The transposed convolution's gradients on Tensors: dx = conv(g, W), and dW the weight gradient of
    that convolution (x playing the output gradient)."""
    from .. import functional as F
    stride, padding, dilation, groups = node.cfg
    nd = x.dim() - 2
    conv = (F.conv1d, F.conv2d, F.conv3d)[nd - 1]
    gx = gw = gb = None
    if node.need[0]:
        gx = conv(g, w, None, stride, padding, dilation, groups)
    if node.need[1]:
        flat = [p for q in reversed(padding) for p in (q, q)]
        # per group: (C_in / groups, C_out / groups, k) blocks stacked along dim 0, W's own layout
        gw = _weight_grad(conv, F.pad(g, flat) if any(flat) else g, x, groups, tuple(w.shape[2:]), stride, dilation)
    if node.need[2]:
        gb = g.sum((0,) + tuple(range(2, 2 + nd)))
    return gx, gw, gb


def _forward(first, a, b):
    """The forward map y = op(a, b) of ``first`` (a convolution or a transposed one), without bias."""
    from .. import functional as F
    if len(first.cfg) == 4:                          # transposed: output_padding from g's recorded shape
        stride, padding, dilation, groups = first.cfg
        nd = a.dim() - 2
        k, out = b.shape[2:], first._shape[2:]
        extra = [o - ((i - 1) * s - 2 * p + d * (kk - 1) + 1)
                 for o, i, s, p, d, kk in zip(out, a.shape[2:], stride, padding, dilation, k)]
        return (F.conv_transpose1d, F.conv_transpose2d, F.conv_transpose3d)[nd - 1](
            a, b, None, stride, padding, extra, groups, dilation)
    stride, pads, dilation, groups, squeeze1d, _ = first.cfg
    if squeeze1d:
        a, b = a.unsqueeze(2), b.unsqueeze(2)
    flat = [p for p0, p1 in reversed(pads) for p in (p0, p1)]
    y = (F.conv2d, F.conv3d)[a.dim() - 4](F.pad(a, flat) if any(flat) else a, b, None, stride, 0, dilation, groups)
    return y.squeeze(2) if squeeze1d else y


def _recorded(first, need, g, x, w):
    """The gradients of ``first`` as recorded ops, only those in ``need``."""
    view = SimpleNamespace(cfg=first.cfg, need=need)
    if len(first.cfg) == 4:
        return conv_transpose_backward_recorded(view, g, x, w)
    return conv_backward_recorded(view, g, x, w)


class ConvolutionBackwardBackward0(Node):
    """(gx, gW, gb) = conv_backward(g, x, W)   ->   dg = op(ggx, W) + op(x, ggW) + ggb,
    dx = conv_backward_input(g, ggW),   dW = conv_backward_weight(g, ggx)   (op: the forward map)"""
    __slots__ = ("first",)
    _nout = 3
    materialize_grads = False          # an output without a gradient adds no term

    def backward(self, grads):
        plain = not MODE.create
        wrap = (lambda a: None if a is None else _wrap(np.asarray(a))) if plain else (lambda a: a)
        g, x, w = (wrap(a) for a in self.saved())
        ggx, ggw, ggb = (wrap(a) for a in grads)
        dg = dx = dw = None
        for term in (None if ggx is None else _forward(self.first, ggx, w),
                     None if ggw is None else _forward(self.first, x, ggw)):
            if term is not None:
                dg = term if dg is None else dg + term
        if ggb is not None:
            b = ggb.reshape((1, -1) + (1,) * (g.dim() - 2))
            dg = (b + g.new_zeros(g.shape)) if dg is None else dg + b
        if ggw is not None:
            dx = _recorded(self.first, (True, False, False), g, x, ggw)[0]
        if ggx is not None:
            dw = _recorded(self.first, (False, True, False), g, ggx, w)[1]
        out = (dg, dx, dw)
        return tuple(None if t is None else t._data for t in out) if plain else out


def conv_backward_node(first, g, x, w):
    """``first.backward`` under create_graph: the plain backward's values, as torch's one
    ``ConvolutionBackwardBackward0`` node with edges to g, x and W."""
    outs = [None if a is None else _wrap(np.ascontiguousarray(a)) for a in first.grads(g._data, x._data, w._data)]
    if not (GRAD.enabled and (g._rg or x._rg or w._rg)):
        return tuple(outs)
    node = ConvolutionBackwardBackward0()
    node.first = first
    node.save(g, x, w)
    node.next_functions = (edge(g), edge(x), edge(w))
    node._shape = [tuple(x.shape), tuple(w.shape), (g.shape[1],)]
    node._dtype = [g._data.dtype] * 3
    for nr, o in enumerate(outs):
        if o is not None:
            o.grad_fn, o._rg, o._out_nr = node, True, nr
    return tuple(outs)
