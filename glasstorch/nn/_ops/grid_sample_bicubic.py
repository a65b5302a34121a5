"""``F.grid_sample(mode='bicubic')`` on 4-D inputs, as torch's CPU kernel computes it: the grid is
only unnormalised (no padding applied to the sample point itself); each of the 4 x 4 taps around
floor(ix), floor(iy) is mapped through the padding mode on its own and read as 0 when it falls
outside.  Cubic convolution with A = -0.75; rows are interpolated along x first, then along y."""
import numpy as np

from ...autograd.graph import Node
from ...ops._layout import contig
from ...ops._common import GRAD, _wrap, record
from .grid_sample_2d_index import fma, scatter_in_order, tap_2d, unnormalize_2d

_A = -0.75


def _coeffs(t):
    """The four cubic-convolution weights for fractional offset t, and torch's "gradient" weights
    (minus their derivatives in t), each multiply-add fused as in torch's kernel."""
    dt = t.dtype.type
    a = dt(_A)

    def c1(x):                   # ((a + 2) x - (a + 3)) x x + 1
        return fma(fma(a + dt(2), x, -(a + dt(3))) * x, x, dt(1))

    def c2(x):                   # ((a x - 5 a) x + 8 a) x - 4 a: not fused (measured)
        return ((a * x - dt(5) * a) * x + dt(8) * a) * x - dt(4) * a

    def d1(x):                   # (3 (a + 2) x - 2 (a + 3)) x
        return (dt(3) * (a + dt(2)) * x - dt(2) * (a + dt(3))) * x

    def d2(x):                   # (3 a x - 10 a) x + 8 a
        return (dt(3) * a * x - dt(10) * a) * x + dt(8) * a

    one = dt(1)
    w = [c2(t + one), c1(t), c1(one - t), c2(dt(2) - t)]
    neg_dw = [((dt(-3) * a * (-one - t) - dt(10) * a) * (-one - t) - dt(8) * a),
              (dt(-3) * (a + dt(2)) * (dt(0) - t) - dt(2) * (a + dt(3))) * (dt(0) - t),
              d1(one - t), d2(dt(2) - t)]
    return [np.asarray(v, t.dtype) for v in w], [np.asarray(v, t.dtype) for v in neg_dw]


def _taps(shape, ix, iy, padding_mode, align_corners, reflect=None):
    """The 4 x 4 taps around (floor(ix), floor(iy)), each padded on its own (``tap_2d``)."""
    n, ch, h, w = shape
    x0, y0 = np.floor(ix), np.floor(iy)
    cols = [tap_2d(x0 - 1 + j, w, padding_mode, align_corners) for j in range(4)]
    rows = [tap_2d(y0 - 1 + i, h, padding_mode, align_corners) for i in range(4)]
    return (ix - x0).astype(ix.dtype), (iy - y0).astype(iy.dtype), cols, rows


def _read(x, bidx, ry, cx):
    (yi, yok), (xi, xok) = ry, cx
    h, w = x.shape[2:]
    ok = yok & xok
    vals = x[bidx, :, np.clip(yi, 0, h - 1), np.clip(xi, 0, w - 1)]          # (n, H, W, C)
    return np.where(ok[..., None], vals, 0).astype(x.dtype), ok, yi, xi


class GridSampler2DBackward0(Node):
    """y = sum_ij wy_i wx_j x[tap_ij]   ->   dx: g wy_i wx_j added at each tap inside;
    d(ix): sum g x[tap] wy_i dwx_j, d(iy) likewise, times the unnormalising factor"""
    __slots__ = ("ix", "iy", "gx", "gy", "padding_mode", "align_corners", "reflect", "xshape")

    def backward(self, g):
        x, grid = self.saved()
        if not isinstance(g, np.ndarray):          # create_graph: replayed with Tensor ops, recorded
            from .grid_sample_double_more import bicubic_graph_backward
            from .grid_sample_double_node import recorded_backward
            return recorded_backward(self, g, x, grid, bicubic_graph_backward, False)
        arr = g if isinstance(g, np.ndarray) else g._data
        xa = x if isinstance(x, np.ndarray) else x._data
        gm = np.moveaxis(arr, 1, -1)
        n, ch, h, w = self.xshape
        bidx = np.broadcast_to(np.arange(n).reshape(n, 1, 1), self.ix.shape)
        tx, ty, cols, rows = _taps(self.xshape, self.ix, self.iy, self.padding_mode, self.align_corners)
        (wx, ngx), (wy, ngy) = _coeffs(tx), _coeffs(ty)
        gix = np.zeros(self.ix.shape, arr.dtype)
        giy = np.zeros(self.ix.shape, arr.dtype)
        taps, reads = [], []
        for j in range(4):            # torch's order: channel by channel, x tap, then y tap
            for i in range(4):
                vals, ok, yi, xi = _read(xa, bidx, rows[i], cols[j])
                taps.append(((bidx * h + yi) * w + xi, ok, gm * wx[j][..., None] * wy[i][..., None]))
                reads.append((j, i, vals))
        for c in range(ch):
            for j, i, vals in reads:
                vg = vals[..., c] * gm[..., c]
                gix = fma(-(vg * ngx[j]), wy[i], gix)           # gx -= v g (-dwx) wy, fused
                giy = fma(-(vg * ngy[i]), wx[j], giy)
        gin = np.zeros((n * h * w, ch), arr.dtype)
        n_pos = self.ix[0].size
        scatter_in_order(gin, [(p.reshape(n, -1), ok.reshape(n, -1), v.reshape(n, n_pos, ch)) for p, ok, v in taps],
                         n_pos)
        gin = gin.reshape(n, h, w, ch)
        ggrid = np.stack([gix * self.gx, giy * self.gy], -1).astype(arr.dtype)
        gin = np.moveaxis(gin, -1, 1)
        if isinstance(g, np.ndarray):
            return gin, ggrid
        return _wrap(gin), _wrap(ggrid)


def grid_sample_bicubic(input, grid, padding_mode, align_corners, reflect=None):
    x, gr = input._data, grid._data
    n, ch, h, w = x.shape
    ix, gx = unnormalize_2d(gr[..., 0], w, align_corners)
    iy, gy = unnormalize_2d(gr[..., 1], h, align_corners)
    tx, ty, cols, rows = _taps(x.shape, ix, iy, padding_mode, align_corners, reflect)
    wx, wy = _coeffs(tx)[0], _coeffs(ty)[0]
    bidx = np.arange(n).reshape(n, 1, 1)
    out = None
    for i in range(4):            # torch's contraction, measured: row = fma(w0, v0, w1 v1) + w2 v2 + w3 v3,
        v = [_read(x, bidx, rows[i], cols[j])[0] for j in range(4)]       # then out = w0 r0 + fma, fma, fma
        row = fma(wx[0][..., None], v[0], v[1] * wx[1][..., None])
        row = row + v[2] * wx[2][..., None] + v[3] * wx[3][..., None]
        out = row * wy[i][..., None] if out is None else fma(wy[i][..., None], row, out)
    # a fresh contiguous output, torch's strides even for one channel (NumPy would keep the
    # moved axis's stride there)
    r = _wrap(contig(np.moveaxis(out, -1, 1)))
    if GRAD.enabled and (input._rg or grid._rg):
        node = GridSampler2DBackward0()
        node.ix, node.iy, node.gx, node.gy, node.xshape = ix, iy, gx, gy, x.shape
        node.padding_mode, node.align_corners, node.reflect = padding_mode, align_corners, reflect
        node.save(input, grid)
        record(node, r, input, grid)
    return r
