"""Convolution's backward under ``create_graph`` (MAML on conv nets, gradient penalties, hessians).

The gradients of y = conv(x, W) are themselves convolutions, so they are written here with the
recorded ops, which makes them differentiable once more:

    dx = conv_transpose(g, W)                  (stride s, dilation d; cropped back to x's padding)
    dW = conv(x^T, g^T)^T                      (batch and channel swapped, stride d, dilation s)
    db = sum of g over the batch and spatial dims

and the transposed convolution, its adjoint, the other way round.
"""


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
