"""Volumetric sampling grids: ``F.affine_grid`` for 5-D sizes (theta N x 3 x 4) and ``F.grid_sample``
on 5-D inputs (``GridSampler3DBackward0``): trilinear or nearest sampling at normalised (x, y, z) in
[-1, 1], with zeros, border or reflection padding; plus the argument checks both dimensions share.

Trilinear, as torch's CPU kernel: the 8 neighbours are visited z, then y, then x (top-north-west
first), each weight is wx * wy * wz, and the output accumulates in that order.
"""
import numpy as np

from ...autograd.graph import Node
from ...ops._layout import contig
from ...ops._common import GRAD, _wrap, record


def check_grid_sampler(x, gr, mode, rank=None):
    """torch's checks, in its order: batch, grid's last size, empty spatial dims, rank, dtype (``rank``:
    the one torch.grid_sampler_2d / _3d require; grid_sampler takes the input's)."""
    xs, gs = list(x.shape), list(gr.shape)
    if x.shape[0] != gr.shape[0]:
        raise RuntimeError(f"grid_sampler(): expected grid and input to have same batch size, but got input with "
                           f"sizes {xs} and grid with sizes {gs}")
    if gr.shape[-1] != x.ndim - 2:
        raise RuntimeError(f"grid_sampler(): expected grid to have size {x.ndim - 2} in last dimension, but got grid "
                           f"with sizes {gs}")
    for i in range(2, x.ndim):
        if x.shape[i] <= 0:
            raise RuntimeError(f"grid_sampler(): expected input to have non-empty spatial dimensions, but input has "
                               f"sizes {xs} with dimension {i} being empty")
    rank = rank or (4 if x.ndim == 4 else 5)
    if x.ndim != rank or gr.ndim != rank:
        raise RuntimeError(f"grid_sampler(): expected {rank}D input and grid with same number of dimensions, but got "
                           f"input with sizes {xs} and grid with sizes {gs}")
    if rank == 5 and mode == "bicubic":
        raise RuntimeError("grid_sampler(): bicubic interpolation only supports 4D input")
    from ...ops.inplace import type_name
    if x.dtype.kind != "f":
        kernel = "grid_sampler_2d_cpu_kernel_impl" if rank == 4 else "grid_sampler3d_cpu"
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{type_name(x.dtype)}'")
    if x.dtype != gr.dtype:
        raise RuntimeError(f"expected scalar type {type_name(x.dtype)} but found {type_name(gr.dtype)}")


# ---- affine_grid, 5-D -------------------------------------------------------------------------------------
def base_grid_3d(n, d, h, w, align_corners, dtype, steps):
    """(n, d, h, w, 4) rows of (x, y, z, 1); ``steps`` is the 2-D module's linspace helper."""
    base = np.empty((n, d, h, w, 4), dtype)
    base[..., 0] = steps(w, align_corners, dtype)
    base[..., 1] = steps(h, align_corners, dtype)[:, None]
    base[..., 2] = steps(d, align_corners, dtype)[:, None, None]
    base[..., 3] = 1
    return base


# ---- grid_sample, 5-D ----------------------------------------------------------------------------------------
def _corners(x, ix, iy, iz):
    """The 8 neighbours (z, y, x order): indices, inside mask, values (0 outside), and the 3 weights."""
    n, ch, d, h, w = x.shape
    x0, y0, z0 = np.floor(ix), np.floor(iy), np.floor(iz)
    bidx = np.arange(n).reshape(n, 1, 1, 1)
    dt = x.dtype
    for dz in (0, 1):
        for dy in (0, 1):
            for dx in (0, 1):
                cx, cy, cz = (x0 + dx).astype(np.int64), (y0 + dy).astype(np.int64), (z0 + dz).astype(np.int64)
                inside = (cx >= 0) & (cx < w) & (cy >= 0) & (cy < h) & (cz >= 0) & (cz < d)
                vals = x[bidx, :, np.clip(cz, 0, d - 1), np.clip(cy, 0, h - 1), np.clip(cx, 0, w - 1)]
                vals = np.where(inside[..., None], vals, 0).astype(dt)            # (n, D, H, W, C)
                wx = ((ix - x0) if dx else (x0 + 1 - ix)).astype(dt)
                wy = ((iy - y0) if dy else (y0 + 1 - iy)).astype(dt)
                wz = ((iz - z0) if dz else (z0 + 1 - iz)).astype(dt)
                yield (cz, cy, cx), inside, vals, (wx, wy, wz), (dx, dy, dz), bidx


class GridSampler3DBackward0(Node):
    """y = sum over the 8 neighbours of wx wy wz x[neighbour]   ->   dx: g w added at each neighbour;
    dgrid: g x[neighbour] d(wx wy wz)/d(ix, iy, iz), times d(ix, iy, iz)/dgrid"""
    __slots__ = ("mode", "coords", "mults", "xshape")

    def backward(self, g):
        x, grid = self.saved()
        if not isinstance(g, np.ndarray):          # create_graph: replayed with Tensor ops (grid_sample_double_more.py)
            from .grid_sample_double_more import volume_graph_backward
            from .grid_sample_double_node import recorded_backward
            return recorded_backward(self, g, x, grid, volume_graph_backward, self.mode == "nearest")
        arr = g if isinstance(g, np.ndarray) else g._data
        xa = x if isinstance(x, np.ndarray) else x._data
        gm = np.moveaxis(arr, 1, -1)                                   # (n, D', H', W', C)
        n, ch, d, h, w = self.xshape
        gin = np.zeros((n, d, h, w, ch), arr.dtype)
        ix, iy, iz = self.coords
        bfull = np.broadcast_to(np.arange(n).reshape(n, 1, 1, 1), ix.shape)
        ggrid = np.zeros(ix.shape + (3,), arr.dtype)
        if self.mode == "nearest":
            cx, cy, cz = (np.rint(c).astype(np.int64) for c in (ix, iy, iz))
            ok = (cx >= 0) & (cx < w) & (cy >= 0) & (cy < h) & (cz >= 0) & (cz < d)
            np.add.at(gin, (bfull[ok], cz[ok], cy[ok], cx[ok]), gm[ok])
        else:                                       # in torch's order of additions
            from .grid_sample_3d_backward import trilinear_backward_3d
            gin, ggrid = trilinear_backward_3d(xa, gm, ix, iy, iz, self.mults)
            gin = np.moveaxis(gin, 1, -1)
        gin = np.moveaxis(gin, -1, 1)
        if isinstance(g, np.ndarray):
            return gin, ggrid
        return _wrap(gin), _wrap(ggrid)


def grid_sample_3d(input, grid, mode, padding_mode, align_corners, source_index):
    """``source_index`` is the 2-D module's normalised -> pixel coordinate mapping (with padding)."""
    x, gr = input._data, grid._data
    n, ch, d, h, w = x.shape
    ix, gx = source_index(gr[..., 0], w, padding_mode, align_corners)
    iy, gy = source_index(gr[..., 1], h, padding_mode, align_corners)
    iz, gz = source_index(gr[..., 2], d, padding_mode, align_corners)
    if mode == "nearest":
        cx, cy, cz = (np.rint(c).astype(np.int64) for c in (ix, iy, iz))
        ok = (cx >= 0) & (cx < w) & (cy >= 0) & (cy < h) & (cz >= 0) & (cz < d)
        bidx = np.arange(n).reshape(n, 1, 1, 1)
        vals = x[bidx, :, np.clip(cz, 0, d - 1), np.clip(cy, 0, h - 1), np.clip(cx, 0, w - 1)]
        out = np.where(ok[..., None], vals, 0).astype(x.dtype)
    else:
        out = np.zeros(ix.shape + (ch,), x.dtype)
        for _, _, vals, (wx, wy, wz), _, _ in _corners(x, ix, iy, iz):
            out = (out + vals * (wx * wy * wz)[..., None]).astype(x.dtype)
    # a fresh contiguous output, torch's strides even for one channel (NumPy would keep the
    # moved axis's stride there)
    r = _wrap(contig(np.moveaxis(out, -1, 1)))
    if GRAD.enabled and (input._rg or grid._rg):
        node = GridSampler3DBackward0()
        node.mode, node.coords, node.mults, node.xshape = mode, (ix, iy, iz), (gx, gy, gz), x.shape
        node.save(input, grid)
        record(node, r, input, grid)
    return r
