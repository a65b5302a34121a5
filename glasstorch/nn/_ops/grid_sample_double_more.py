"""grid_sample under ``create_graph`` for bicubic (4-D) and volumetric (5-D, bilinear or nearest)
inputs: the backward as a graph, as ``grid_sample_double.py`` does for 2-d bilinear / nearest.

Around the current grid the taps (floor of the pixel coordinates) are fixed and the coordinates are
linear in the grid (ix = ix0 + m (grid_x - grid_x0), m the unnormalising factor, times the padding's
slope for 3-d), so the forward is exactly

    bicubic:   y = sum_ij cubic_i(ty) cubic_j(tx) x[tap_ij],   t = i - floor(i0)
    trilinear: y = sum over 8 corners of wx wy wz x[corner]

Replayed with Tensor ops and differentiated with ``create_graph``, it gives gradients of x and the
grid that carry their own graph.
"""
import numpy as np

from ...ops._common import _wrap
from .grid_sample_bicubic import _A, _taps


def _through(replay, g, x, grid):
    """d<g, replay(x, grid)>/d(x, grid), recorded."""
    import glasstorch as t
    with t.enable_grad():
        xs = x if x.requires_grad else x.detach().requires_grad_(True)
        gs = grid if grid.requires_grad else grid.detach().requires_grad_(True)
        y = replay(xs, gs)
        return t.autograd.grad(y, (xs, gs), g, allow_unused=True, create_graph=True, materialize_grads=True)


def _gather(flat, pos, ok, out_shape):
    """flat (n, C, P) read at flat positions ``pos`` (n, *out) -> (n, C, *out), 0 where not ``ok``."""
    n, ch = flat.shape[0], flat.shape[1]
    pos = pos.reshape(n, 1, -1)
    vals = flat.gather(2, _wrap(np.ascontiguousarray(np.broadcast_to(pos, (n, ch, pos.shape[-1])))))
    return vals.reshape((n, ch) + out_shape) * _wrap(ok[:, None].astype(flat._data.dtype))


def _moved(coord0, slope, grid, k):
    """The pixel coordinate as a function of the grid, exact around its current value."""
    gd = grid.detach()
    return _wrap(coord0) + _wrap(np.asarray(slope, coord0.dtype)) * (grid[..., k] - gd[..., k])


# ---- bicubic, 4-D --------------------------------------------------------------------------------
def _cubic(tt):
    """The four cubic-convolution weights (A = -0.75) of fractional offset ``tt`` (a Tensor)."""
    a = _A

    def c1(v):
        return ((a + 2) * v - (a + 3)) * v * v + 1

    def c2(v):
        return ((a * v - 5 * a) * v + 8 * a) * v - 4 * a
    return [c2(tt + 1), c1(tt), c1(1 - tt), c2(2 - tt)]


def bicubic_graph_backward(node, g, x, grid):
    n, ch, h, w = node.xshape

    def replay(xs, gs):
        ix = _moved(node.ix, node.gx, gs, 0)
        iy = _moved(node.iy, node.gy, gs, 1)
        _, _, cols, rows = _taps(node.xshape, node.ix, node.iy, node.padding_mode, node.align_corners,
                                 node.reflect)
        wx = _cubic(ix - _wrap(np.floor(node.ix)))
        wy = _cubic(iy - _wrap(np.floor(node.iy)))
        flat = xs.reshape(n, ch, h * w)
        out = None
        for i in range(4):
            yi, yok = rows[i]
            for j in range(4):
                xi, xok = cols[j]
                pos = np.clip(yi, 0, h - 1) * w + np.clip(xi, 0, w - 1)
                term = _gather(flat, pos, yok & xok, node.ix.shape[1:]) * (wx[j] * wy[i]).unsqueeze(1)
                out = term if out is None else out + term
        return out
    return _through(replay, g, x, grid)


# ---- volumetric, 5-D -----------------------------------------------------------------------------
def volume_graph_backward(node, g, x, grid):
    n, ch, d, h, w = node.xshape
    ix0, iy0, iz0 = node.coords

    def replay(xs, gs):
        flat = xs.reshape(n, ch, d * h * w)
        out_shape = ix0.shape[1:]
        if node.mode == "nearest":
            cx, cy, cz = (np.rint(c).astype(np.int64) for c in (ix0, iy0, iz0))
            corners = [((cz, cy, cx), None)]
        else:
            ix, iy, iz = (_moved(c, m, gs, k) for k, (c, m) in enumerate(zip(node.coords, node.mults)))
            f = [np.floor(c) for c in (ix0, iy0, iz0)]
            corners = []
            for dz in (0, 1):
                for dy in (0, 1):
                    for dx in (0, 1):
                        ws = [c - _wrap(lo) if up else _wrap(lo + 1) - c
                              for c, lo, up in zip((ix, iy, iz), f, (dx, dy, dz))]
                        at = tuple((lo + up).astype(np.int64) for lo, up in zip(f[::-1], (dz, dy, dx)))
                        corners.append((at, ws[0] * ws[1] * ws[2]))
        out = None
        for (cz, cy, cx), weight in corners:
            ok = (cx >= 0) & (cx < w) & (cy >= 0) & (cy < h) & (cz >= 0) & (cz < d)
            pos = (np.clip(cz, 0, d - 1) * h + np.clip(cy, 0, h - 1)) * w + np.clip(cx, 0, w - 1)
            vals = _gather(flat, pos, ok, out_shape)
            term = vals if weight is None else vals * weight.unsqueeze(1)
            out = term if out is None else out + term
        return out
    return _through(replay, g, x, grid)
