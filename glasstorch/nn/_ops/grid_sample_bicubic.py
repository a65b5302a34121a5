"""``F.grid_sample(mode='bicubic')`` on 4-D inputs, as torch's CPU kernel computes it: the grid is
only unnormalised (no padding applied to the sample point itself); each of the 4 x 4 taps around
floor(ix), floor(iy) is mapped through the padding mode on its own and read as 0 when it falls
outside.  Cubic convolution with A = -0.75; rows are interpolated along x first, then along y."""
import numpy as np

from ...autograd.graph import Node
from ...ops._common import GRAD, _wrap, record

_A = -0.75


def _coeffs(t):
    """The four cubic-convolution weights for fractional offset t, and their derivatives in t."""
    dt = t.dtype.type
    a = dt(_A)

    def c1(x):
        return ((a + dt(2)) * x - (a + dt(3))) * x * x + dt(1)

    def c2(x):
        return ((a * x - dt(5) * a) * x + dt(8) * a) * x - dt(4) * a

    def d1(x):
        return (dt(3) * (a + dt(2)) * x - dt(2) * (a + dt(3))) * x

    def d2(x):
        return (dt(3) * a * x - dt(10) * a) * x + dt(8) * a

    one = dt(1)
    w = [c2(t + one), c1(t), c1(one - t), c2(dt(2) - t)]
    dw = [d2(t + one), d1(t), -d1(one - t), -d2(dt(2) - t)]
    return [v.astype(t.dtype) for v in w], [v.astype(t.dtype) for v in dw]


def _unnormalize(coord, size, align_corners):
    dt = coord.dtype.type
    if align_corners:
        return ((coord + dt(1)) / dt(2) * dt(size - 1)).astype(coord.dtype), dt((size - 1) / 2)
    return (((coord + dt(1)) * dt(size) - dt(1)) / dt(2)).astype(coord.dtype), dt(size / 2)


def _tap(c, size, padding_mode, align_corners, reflect):
    """Integer index of a tap after padding, and whether it lies inside the image."""
    if padding_mode == "border":
        c = np.clip(c, 0, size - 1)
    elif padding_mode == "reflection":
        c = reflect(c, 0, 2 * (size - 1))[0] if align_corners else reflect(c, -1, 2 * size - 1)[0]
        c = np.clip(c, 0, size - 1)
    ci = c.astype(np.int64)
    return ci, (ci >= 0) & (ci < size)


def _taps(shape, ix, iy, padding_mode, align_corners, reflect):
    n, ch, h, w = shape
    x0, y0 = np.floor(ix), np.floor(iy)
    cols = [_tap(x0 - 1 + j, w, padding_mode, align_corners, reflect) for j in range(4)]
    rows = [_tap(y0 - 1 + i, h, padding_mode, align_corners, reflect) for i in range(4)]
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
            return bicubic_graph_backward(self, g, x, grid)
        arr = g if isinstance(g, np.ndarray) else g._data
        xa = x if isinstance(x, np.ndarray) else x._data
        gm = np.moveaxis(arr, 1, -1)
        n, ch, h, w = self.xshape
        gin = np.zeros((n, h, w, ch), arr.dtype)
        bidx = np.broadcast_to(np.arange(n).reshape(n, 1, 1), self.ix.shape)
        tx, ty, cols, rows = _taps(self.xshape, self.ix, self.iy, self.padding_mode, self.align_corners,
                                   self.reflect)
        (wx, dwx), (wy, dwy) = _coeffs(tx), _coeffs(ty)
        gix = np.zeros(self.ix.shape, arr.dtype)
        giy = np.zeros(self.ix.shape, arr.dtype)
        for i in range(4):
            for j in range(4):
                vals, ok, yi, xi = _read(xa, bidx, rows[i], cols[j])
                np.add.at(gin, (bidx[ok], yi[ok], xi[ok]), (gm * (wx[j] * wy[i])[..., None])[ok])
                gv = np.sum(gm * vals, axis=-1)
                gix += gv * dwx[j] * wy[i]
                giy += gv * wx[j] * dwy[i]
        ggrid = np.stack([gix * self.gx, giy * self.gy], -1).astype(arr.dtype)
        gin = np.moveaxis(gin, -1, 1)
        if isinstance(g, np.ndarray):
            return gin, ggrid
        return _wrap(gin), _wrap(ggrid)


def grid_sample_bicubic(input, grid, padding_mode, align_corners, reflect):
    x, gr = input._data, grid._data
    n, ch, h, w = x.shape
    ix, gx = _unnormalize(gr[..., 0], w, align_corners)
    iy, gy = _unnormalize(gr[..., 1], h, align_corners)
    tx, ty, cols, rows = _taps(x.shape, ix, iy, padding_mode, align_corners, reflect)
    wx, wy = _coeffs(tx)[0], _coeffs(ty)[0]
    bidx = np.arange(n).reshape(n, 1, 1)
    out = None
    for i in range(4):
        row = None
        for j in range(4):
            term = _read(x, bidx, rows[i], cols[j])[0] * wx[j][..., None]
            row = term if row is None else (row + term).astype(x.dtype)
        term = row * wy[i][..., None]
        out = term if out is None else (out + term).astype(x.dtype)
    r = _wrap(np.ascontiguousarray(np.moveaxis(out, -1, 1)))
    if GRAD.enabled and (input._rg or grid._rg):
        node = GridSampler2DBackward0()
        node.ix, node.iy, node.gx, node.gy, node.xshape = ix, iy, gx, gy, x.shape
        node.padding_mode, node.align_corners, node.reflect = padding_mode, align_corners, reflect
        node.save(input, grid)
        record(node, r, input, grid)
    return r
