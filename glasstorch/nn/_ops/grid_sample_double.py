"""grid_sample (2-d, bilinear or nearest) under ``create_graph``: the backward as a graph.

The sample points' pixel coordinates are piecewise linear in the grid (ix = a + m * grid_x, with
m = d ix / d grid_x from the padding mode: constant between kinks), and the four corners are fixed
by floor(ix).  So, around the current grid, the forward is exactly

    y = sum over corners of x[corner] * wx(ix) * wy(iy),   ix = ix0 + m (grid_x - grid_x0)

Replaying that with Tensor ops (the corners gathered from x, the weights from the grid) and
differentiating it with ``create_graph`` gives the gradients of x and grid with their own graph.
"""
import numpy as np

from ...ops._common import _wrap


def graph_backward(node, g, x, grid):
    import glasstorch as t
    n, ch, h, w = node.xshape
    with t.enable_grad():
        xs = x if x.requires_grad else x.detach().requires_grad_(True)
        gs = grid if grid.requires_grad else grid.detach().requires_grad_(True)
        y = _replay(node, xs, gs, n, ch, h, w)
        return t.autograd.grad(y, (xs, gs), g, allow_unused=True, create_graph=True, materialize_grads=True)


def _replay(node, x, grid, n, ch, h, w):
    ix0, iy0 = node.ix, node.iy
    flat = x.reshape(n, ch, h * w)
    hw_out = ix0.shape[1:]
    if node.mode == "nearest":
        corners = [(np.rint(ix0).astype(np.int64), np.rint(iy0).astype(np.int64), None)]
    else:
        gd = grid.detach()
        ix = _wrap(ix0) + _wrap(node.gx) * (grid[..., 0] - gd[..., 0])
        iy = _wrap(iy0) + _wrap(node.gy) * (grid[..., 1] - gd[..., 1])
        x0, y0 = np.floor(ix0), np.floor(iy0)
        corners = []
        for dy in (0, 1):
            for dx in (0, 1):
                wx = ix - _wrap(x0) if dx else _wrap(x0 + 1) - ix
                wy = iy - _wrap(y0) if dy else _wrap(y0 + 1) - iy
                corners.append(((x0 + dx).astype(np.int64), (y0 + dy).astype(np.int64), wx * wy))
    out = None
    for cx, cy, weight in corners:
        inside = (cx >= 0) & (cx < w) & (cy >= 0) & (cy < h)
        pos = (np.clip(cy, 0, h - 1) * w + np.clip(cx, 0, w - 1)).reshape(n, 1, -1)
        vals = flat.gather(2, _wrap(np.ascontiguousarray(np.broadcast_to(pos, (n, ch, pos.shape[-1])))))
        vals = vals.reshape((n, ch) + hw_out) * _wrap(inside[:, None].astype(x._data.dtype))
        term = vals if weight is None else vals * weight.unsqueeze(1)
        out = term if out is None else out + term
    return out
