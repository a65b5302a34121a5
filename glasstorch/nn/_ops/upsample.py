"""``F.interpolate`` for 'nearest', 'linear' and 'bilinear' (``UpsampleNearest2DBackward0`` ...).

Resampling one axis is a linear map: ``out = A @ x`` along that axis, where row ``o`` of ``A``
holds the weights of the input positions that output position ``o`` reads (one 1 for nearest,
1 - l and l for linear).  The 2-d modes apply one matrix per axis, and the backward is the
transposed maps: ``dx = A_h^T g A_w``.
"""
import math

import numpy as np

from ...autograd.graph import Node
from ...ops._common import GRAD, _wrap, record1


def _scale(n_in, n_out, align_corners, scale_factor):
    """torch's area_pixel_compute_scale: the step in input coordinates per output position."""
    if align_corners:
        return (n_in - 1) / (n_out - 1) if n_out > 1 else 0.0
    return 1.0 / scale_factor if scale_factor is not None and scale_factor > 0 else n_in / n_out


def _nearest_matrix(n_in, n_out, scale_factor):
    s = np.float32(1.0 / scale_factor if scale_factor else n_in / n_out)
    src = np.minimum(np.floor(np.arange(n_out, dtype=np.float32) * s).astype(np.int64), n_in - 1)
    a = np.zeros((n_out, n_in))
    a[np.arange(n_out), src] = 1.0
    return a


def _linear_matrix(n_in, n_out, align_corners, scale_factor):
    s = np.float32(_scale(n_in, n_out, align_corners, scale_factor))
    dst = np.arange(n_out, dtype=np.float32)
    src = dst * s if align_corners else np.maximum((dst + np.float32(0.5)) * s - np.float32(0.5), 0)
    i0 = np.minimum(np.floor(src).astype(np.int64), n_in - 1)
    i1 = i0 + (i0 < n_in - 1)
    lam = (src - i0).astype(np.float32)
    a = np.zeros((n_out, n_in))
    np.add.at(a, (np.arange(n_out), i0), 1 - lam)
    np.add.at(a, (np.arange(n_out), i1), lam)
    return a


def _apply(x, mats):
    """Resample the trailing axes of ``x`` with one matrix per axis."""
    if len(mats) == 1:
        return x @ mats[0].T
    return mats[0] @ x @ mats[1].T


class _UpsampleBackward(Node):
    """y = A x (per resampled axis)   ->   dx = A^T g"""
    __slots__ = ("mats",)

    def backward(self, g):
        if not isinstance(g, np.ndarray):
            raise NotImplementedError("double backward of interpolate is not implemented in glasstorch")
        return (_apply(g, [m.T.astype(g.dtype) for m in self.mats]),)


class UpsampleNearest1DBackward0(_UpsampleBackward):
    __slots__ = ()


class UpsampleNearest2DBackward0(_UpsampleBackward):
    __slots__ = ()


class UpsampleLinear1DBackward0(_UpsampleBackward):
    __slots__ = ()


class UpsampleBilinear2DBackward0(_UpsampleBackward):
    __slots__ = ()


_NODES = {("nearest", 1): UpsampleNearest1DBackward0, ("nearest", 2): UpsampleNearest2DBackward0,
          ("linear", 1): UpsampleLinear1DBackward0, ("bilinear", 2): UpsampleBilinear2DBackward0}


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None, recompute_scale_factor=None,
                antialias=False):
    x = input._data
    nd = x.ndim - 2
    if mode in ("nearest", "area", "nearest-exact") and align_corners is not None:
        raise ValueError("align_corners option can only be set with the interpolating modes: "
                         "linear | bilinear | bicubic | trilinear")
    if (mode, nd) not in _NODES:
        if mode in ("linear", "bilinear") or mode == "nearest":
            want = {"linear": 3, "bilinear": 4}.get(mode)
            raise NotImplementedError(f"Got {x.ndim}D input, but {mode} mode needs {want}D input")
        raise NotImplementedError(f"glasstorch's interpolate supports nearest, linear and bilinear, not {mode!r}")
    align_corners = bool(align_corners)
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    spatial = x.shape[2:]
    if size is not None:
        out_size = [size] * nd if isinstance(size, int) else list(size)
        scales = [None] * nd
    elif scale_factor is not None:
        scales = [float(scale_factor)] * nd if isinstance(scale_factor, (int, float)) else [float(s) for s in
                                                                                           scale_factor]
        out_size = [int(math.floor(n * s)) for n, s in zip(spatial, scales)]
        if recompute_scale_factor:
            scales = [None] * nd
    else:
        raise ValueError("either size or scale_factor should be defined")
    if mode == "nearest":
        mats = [_nearest_matrix(n, o, s) for n, o, s in zip(spatial, out_size, scales)]
    else:
        mats = [_linear_matrix(n, o, align_corners, s) for n, o, s in zip(spatial, out_size, scales)]
    out = _apply(x.astype(np.float64), mats).astype(x.dtype)
    r = _wrap(np.ascontiguousarray(out))
    if GRAD.enabled and input._rg:
        node = _NODES[(mode, nd)]()
        node.mats = mats
        record1(node, r, input)
    return r
