"""``F.affine_grid`` (``AffineGridGeneratorBackward0``) and ``F.grid_sample`` for 4-D inputs
(``GridSampler2DBackward0``): bilinear or nearest sampling at normalised coordinates in [-1, 1],
with zeros, border or reflection padding.  5-D (volumetric) grids and inputs: ``grid_sample_3d.py``."""
import warnings

import numpy as np

from ...autograd.graph import Node
from ...ops._gemm_order import t_mm
from ...ops._layout import contig
from ...ops._common import GRAD, _wrap, record, record1
from .grid_sample_2d_index import bilinear_backward_2d, fma, source_index_2d
from .grid_sample_3d import base_grid_3d, check_grid_sampler, grid_sample_3d

_ALIGN_WARNING = ("Default grid_sample and affine_grid behavior has changed to align_corners=False since 1.3.0. "
                  "Please specify align_corners=True if the old behavior is desired. See the documentation of "
                  "grid_sample for details.")


def _steps(n, align_corners, dtype):
    """n points from -1 to 1; without align_corners, pulled in to the pixel centres: * (n - 1) / n."""
    if n <= 1:
        return np.zeros(max(n, 1), dtype)
    import glasstorch
    r = glasstorch.linspace(-1, 1, n, dtype=glasstorch._dtype.FROM_NP[np.dtype(dtype)])._data
    return r if align_corners else (r * dtype.type(n - 1) / dtype.type(n)).astype(dtype)


def _base_grid(n, h, w, align_corners, dtype):
    base = np.empty((n, h, w, 3), dtype)
    base[..., 0] = _steps(w, align_corners, dtype)
    base[..., 1] = _steps(h, align_corners, dtype)[:, None]
    base[..., 2] = 1
    return base


class AffineGridGeneratorBackward0(Node):
    """grid = B theta^T (B the base grid of (x, y, 1) or (x, y, z, 1) rows)   ->   dtheta = (B^T g)^T"""
    __slots__ = ("base",)

    def backward(self, g):
        arr = g if isinstance(g, np.ndarray) else g._data
        n, k = arr.shape[0], self.base.shape[-1]
        b = self.base.reshape(n, -1, k)
        if not isinstance(g, np.ndarray):      # create_graph: the same product in Tensor ops, recorded
            return ((_wrap(np.ascontiguousarray(np.swapaxes(b, 1, 2))) @ g.reshape(n, -1, k - 1)).transpose(1, 2),)
        gr = arr.reshape(n, -1, k - 1)
        # torch: B^T bmm g, each batch the t_mm product (a running sum over the points where MKL adds so)
        prods = [t_mm(np.ascontiguousarray(b[i]), np.ascontiguousarray(gr[i])) for i in range(n)]
        if all(p is not None for p in prods):
            return (np.swapaxes(np.stack(prods), 1, 2),)
        return (np.swapaxes(np.swapaxes(b, 1, 2) @ gr, 1, 2),)


def _affine_rows(base, th):
    """grid[..., j] = ((x theta[j, 0] + y theta[j, 1]) + ...) + theta[j, k]: torch's bmm of B with theta^T
    adds the k + 1 rounded products one after another (no FMA), unlike NumPy's matmul."""
    n, k1 = th.shape[0], th.shape[-1]
    if th.dtype.char not in "fd":         # half: the products summed in float32 (NumPy's matmul does so too)
        pts = base[0, ..., 0].size
        return (base.reshape(n, pts, k1) @ np.swapaxes(th, 1, 2)).reshape(*base.shape[:-1], k1 - 1).astype(th.dtype)
    rows = th.reshape(n, *(1,) * (base.ndim - 2), k1 - 1, k1)       # broadcast over the spatial axes
    grid = base[..., :1] * rows[..., 0]
    for i in range(1, k1):
        grid += base[..., i:i + 1] * rows[..., i]
    return grid.astype(th.dtype, copy=False)


_UNIT_GRID_WARNING = ("Since version 1.3.0, affine_grid behavior has changed for unit-size grids when align_corners=True. "
                      "This is not an intended use case of affine_grid. See the documentation of affine_grid for "
                      "details.")


def affine_grid(theta, size, align_corners=None):
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, stacklevel=3)  # past non_tensor_input's guard
        align_corners = False
    th = theta._data
    if th.dtype.kind != "f":
        raise ValueError(f"Expected theta to have floating point type, but got {theta.dtype}")
    given, size = size, list(size)
    if len(size) not in (4, 5):
        raise NotImplementedError(f"affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, "
                                  f"respectively. Got size {given}.")
    k = len(size) - 2                                   # 2 or 3 spatial dimensions
    if th.ndim != 3 or th.shape[-2:] != (k, k + 1):
        raise ValueError(f"Expected a batch of {k}D affine matrices of shape Nx{k}x{k + 1} for size {given}. Got "
                         f"{theta.shape}.")
    if align_corners and min(size[2:]) == 1:           # (then torch skips the size check below)
        warnings.warn(_UNIT_GRID_WARNING, stacklevel=3)  # past non_tensor_input's guard
    elif min(size) <= 0:
        raise ValueError(f"Expected non-zero, positive output size. Got {given}")
    if th.dtype == np.float16 and 1 in size[2:]:       # torch builds a 1-point axis with at::tensor: no Half
        raise NotImplementedError("\"tensor_cpu\" not implemented for 'Half'")
    n = size[0]
    if th.shape[0] != n:                                # torch's bmm of the base grid with theta^T
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{n}, {k + 1}] but "
                           f"got: [{th.shape[0]}, {k + 1}].")
    if k == 2:
        base = _base_grid(n, size[2], size[3], align_corners, th.dtype)
    else:
        base = base_grid_3d(n, *size[2:], align_corners, th.dtype, _steps)
    grid = _affine_rows(base, th)
    r = _wrap(grid)
    if GRAD.enabled and theta._rg:
        node = AffineGridGeneratorBackward0()
        node.base = base
        record1(node, r, theta)
    return r


def _reflect(c, lo2, hi2):
    """Fold coordinates into [lo2 / 2, hi2 / 2] by reflection; also d(result)/d(c) (+-1)."""
    if lo2 == hi2:
        return np.zeros_like(c), np.zeros_like(c)
    lo, span = lo2 / 2, (hi2 - lo2) / 2
    c = c - c.dtype.type(lo)
    sign = np.where(c < 0, -1, 1).astype(c.dtype)
    c = np.abs(c)
    extra = np.fmod(c, c.dtype.type(span))
    flips = np.floor(c / c.dtype.type(span)).astype(np.int64)
    even = flips % 2 == 0
    out = np.where(even, extra + c.dtype.type(lo), c.dtype.type(span) - extra + c.dtype.type(lo))
    return out.astype(c.dtype), np.where(even, sign, -sign)


def _clip(c, size):
    hi = c.dtype.type(size - 1)
    grad = ((c > 0) & (c < hi)).astype(c.dtype)
    return np.minimum(hi, np.maximum(c, 0)), grad


def _source_index(coord, size, padding_mode, align_corners):
    """Pixel coordinate of a normalised one, after padding, and its derivative (the scalar formulas of
    torch's 3-D kernel; 4-D inputs use ``grid_sample_2d_index.source_index_2d``)."""
    dt = coord.dtype.type
    if align_corners:
        c, mult = (coord + dt(1)) / dt(2) * dt(size - 1), dt((size - 1) / 2)
    else:
        c, mult = ((coord + dt(1)) * dt(size) - dt(1)) / dt(2), dt(size / 2)
    grad = np.full(c.shape, mult, coord.dtype)
    if padding_mode == "border":
        c, gc = _clip(c, size)
        grad = grad * gc
    elif padding_mode == "reflection":
        c, gr = _reflect(c, 0, 2 * (size - 1)) if align_corners else _reflect(c, -1, 2 * size - 1)
        c, gc = _clip(c, size)
        grad = grad * gr * gc
    return c, grad


def _corners(x, ix, iy):
    """The four neighbours of each sample point: values (0 outside the image) and bilinear weights."""
    n, ch, h, w = x.shape
    x0, y0 = np.floor(ix), np.floor(iy)
    fx, fy, one = (ix - x0).astype(x.dtype), (iy - y0).astype(x.dtype), x.dtype.type(1)
    out = []
    for dy in (0, 1):
        for dx in (0, 1):
            cx, cy = (x0 + dx).astype(np.int64), (y0 + dy).astype(np.int64)
            inside = (cx >= 0) & (cx < w) & (cy >= 0) & (cy < h)
            bidx = np.arange(n).reshape(n, 1, 1)
            vals = x[bidx, :, np.clip(cy, 0, h - 1), np.clip(cx, 0, w - 1)]        # (n, H, W, C)
            vals = np.where(inside[..., None], vals, 0).astype(x.dtype)
            wx = fx if dx else (one - fx)                   # torch: w = x - floor(x), e = 1 - w
            wy = fy if dy else (one - fy)
            out.append((cx, cy, inside, vals, wx.astype(x.dtype), wy.astype(x.dtype), dx, dy))
    return out


class GridSampler2DBackward0(Node):
    """y = sum over the 4 neighbours of w * x[neighbour]   ->   dx: g * w added at each neighbour;
    dgrid: g * x[neighbour] * dw/d(ix, iy), times d(ix, iy)/dgrid"""
    __slots__ = ("mode", "ix", "iy", "gx", "gy", "xshape")

    def backward(self, g):
        x, grid = self.saved()
        if not isinstance(g, np.ndarray):          # create_graph: replayed with Tensor ops, recorded
            from .grid_sample_double import graph_backward
            from .grid_sample_double_node import recorded_backward
            return recorded_backward(self, g, x, grid, graph_backward, self.mode == "nearest")
        arr = g if isinstance(g, np.ndarray) else g._data
        xa = x if isinstance(x, np.ndarray) else x._data
        gm = np.moveaxis(arr, 1, -1)                                   # (n, H, W, C)
        n, ch, h, w = self.xshape
        gin = np.zeros((n, h, w, ch), arr.dtype)
        bidx = np.broadcast_to(np.arange(n).reshape(n, 1, 1), self.ix.shape)
        if self.mode == "nearest":
            cx, cy = np.rint(self.ix).astype(np.int64), np.rint(self.iy).astype(np.int64)
            ok = (cx >= 0) & (cx < w) & (cy >= 0) & (cy < h)
            np.add.at(gin, (bidx[ok], cy[ok], cx[ok]), gm[ok])
            ggrid = np.zeros(self.ix.shape + (2,), arr.dtype)
        else:
            return bilinear_backward_2d(xa, gm, self.ix, self.iy, self.gx, self.gy)
        return np.moveaxis(gin, -1, 1), ggrid


def grid_sample(input, grid, mode="bilinear", padding_mode="zeros", align_corners=None):
    if mode not in ("bilinear", "nearest", "bicubic"):
        raise ValueError(f"nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', "
                         f"but got: '{mode}'")
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError(f"nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or "
                         f"'reflection', but got: '{padding_mode}'")
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, stacklevel=3)  # past non_tensor_input's guard
        align_corners = False
    x, gr = input._data, grid._data
    check_grid_sampler(x, gr, mode)
    from ...autograd._no_forward_ad import refuse_forward_ad      # no forward formula in torch's derivatives.yaml
    refuse_forward_ad("grid_sampler_3d" if x.ndim == 5 else "grid_sampler_2d", input, grid)
    if x.ndim == 5:
        return grid_sample_3d(input, grid, mode, padding_mode, align_corners, _source_index)
    if mode == "bicubic":
        from .grid_sample_bicubic import grid_sample_bicubic
        return grid_sample_bicubic(input, grid, padding_mode, align_corners)
    n, ch, h, w = x.shape
    ix, gx = source_index_2d(gr[..., 0], w, padding_mode, align_corners)
    iy, gy = source_index_2d(gr[..., 1], h, padding_mode, align_corners)
    if mode == "nearest":
        cx, cy = np.rint(ix).astype(np.int64), np.rint(iy).astype(np.int64)
        ok = (cx >= 0) & (cx < w) & (cy >= 0) & (cy < h)
        bidx = np.arange(n).reshape(n, 1, 1)
        out = np.where(ok[..., None], x[bidx, :, np.clip(cy, 0, h - 1), np.clip(cx, 0, w - 1)], 0).astype(x.dtype)
    else:
        out = None                  # nw*v_nw, then + ne*v_ne, sw*v_sw, se*v_se, each a fused multiply-add
        for _, _, _, vals, wx, wy, _, _ in _corners(x, ix, iy):
            wt = (wy * wx)[..., None]
            out = vals * wt if out is None else fma(vals, wt, out)
    # a fresh contiguous output, torch's strides even for one channel (NumPy would keep the
    # moved axis's stride there)
    r = _wrap(contig(np.moveaxis(out, -1, 1)))
    if GRAD.enabled and (input._rg or grid._rg):
        node = GridSampler2DBackward0()
        node.mode, node.ix, node.iy, node.gx, node.gy, node.xshape = mode, ix, iy, gx, gy, x.shape
        node.save(input, grid)
        record(node, r, input, grid)
    return r


__all__ = ["affine_grid", "grid_sample"]
