"""``F.interpolate``: 'nearest', 'nearest-exact', 'linear', 'bilinear', 'bicubic', 'trilinear', 'area' and
'lanczos' (antialias only) (``UpsampleNearest2DBackward0`` ...).  torch's source positions, rounding and
accumulation orders: upsample_src (float32 / float64 forward and backward of the interpolating modes),
upsample_aa32 / upsample_aa64 (antialias), upsample_uint8.

Resampling one axis is a linear map: ``out = A @ x`` along that axis, where row ``o`` of ``A``
holds the weights of the input positions that output position ``o`` reads (one 1 for nearest,
1 - l and l for linear).  The 2-d modes apply one matrix per axis, and the backward is the
transposed maps: ``dx = A_h^T g A_w``.
"""
import functools
import math
import warnings

import numpy as np

from ...autograd.graph import Node
from ...ops._common import GRAD, _wrap, record1
from ...ops._complex_refuse import refuse


def _scale(n_in, n_out, align_corners, scale_factor):
    """torch's area_pixel_compute_scale: the step in input coordinates per output position."""
    if align_corners:
        return (n_in - 1) / (n_out - 1) if n_out > 1 else 0.0
    return 1.0 / scale_factor if scale_factor is not None and scale_factor > 0 else n_in / n_out


def _nearest_matrix(n_in, n_out, scale_factor, exact=False, ct=np.float32, channels_last=False):
    """Output o copies input floor(o * scale), or for 'nearest-exact' the pixel centre's nearest
    input; in torch's rounding (upsample_src.nearest_index)."""
    from .upsample_src import nearest_index
    src = nearest_index(n_in, n_out, 1.0 / scale_factor if scale_factor else n_in / n_out, exact, ct, channels_last)
    a = np.zeros((n_out, n_in))
    a[np.arange(n_out), src] = 1.0
    return a


def _aa_filter_bilinear(x):
    """Triangle: 1 - |x| on |x| < 1."""
    x = abs(x)
    return np.float32(1.0) - x if x < 1.0 else np.float32(0.0)


def _aa_filter_bicubic(x, A=np.float32(-0.5)):
    """Keys' cubic with A = -0.5 (PIL's choice; plain bicubic uses -0.75)."""
    x = abs(x)
    if x < 1.0:
        return ((A + 2) * x - (A + 3)) * x * x + 1
    if x < 2.0:
        return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A
    return np.float32(0.0)


def _aa_matrix(n_in, n_out, align_corners, scale_factor, bicubic, ct=np.float32):
    """Antialiased resampling (torch's ``_compute_weights_aa``, PIL's): when shrinking by ``scale`` > 1 the
    filter is stretched by ``scale``, so output o averages every input within ``support = scale * r`` of its
    centre ``c = scale (o + 0.5)``: inputs j in [int(c - support + 0.5), int(c + support + 0.5)), weights
    ``filter((j - c + 0.5) / scale)`` normalised to sum 1 (r = 1 bilinear, 2 bicubic).  In the input's
    floating type, as torch (float32, or float64 for double inputs)."""
    f32 = ct
    filt, radius = (_aa_filter_bicubic, 2.0) if bicubic else (_aa_filter_bilinear, 1.0)
    if bicubic == "lanczos":
        from .upsample_lanczos import RADIUS as radius, lanczos32, lanczos64
        filt = lanczos64 if ct == np.float64 else lanczos32
    scale = f32(_scale(n_in, n_out, align_corners, scale_factor))
    support = f32(radius * scale if scale >= 1.0 else radius)
    invscale = f32(1.0) / scale if scale >= 1.0 else f32(1.0)
    a = np.zeros((n_out, n_in))
    for o in range(n_out):
        center = scale * f32(o + 0.5)
        lo = max(int(center - support + f32(0.5)), 0)
        hi = min(int(center + support + f32(0.5)), n_in)
        w = [filt((f32(j) - center + f32(0.5)) * invscale) for j in range(lo, hi)]
        total = f32(0.0)
        for v in w:
            total = f32(total + v)
        if total != 0.0:
            w = [f32(v / total) for v in w]
        a[o, lo:hi] = w
    return a


def _area_matrix(n_in, n_out):
    """Output o averages inputs floor(o n_in / n_out) .. ceil((o + 1) n_in / n_out) - 1 (adaptive pooling)."""
    a = np.zeros((n_out, n_in))
    for o in range(n_out):
        lo, hi = (o * n_in) // n_out, -((-(o + 1) * n_in) // n_out)
        a[o, lo:hi] = 1.0 / (hi - lo)
    return a


def _apply(x, mats):
    """Resample the trailing axes of ``x`` with one matrix per axis."""
    if len(mats) == 1:
        return x @ mats[0].T
    if len(mats) == 2:
        return mats[0] @ x @ mats[1].T
    nd = len(mats)
    for k, m in enumerate(mats):
        axis = x.ndim - nd + k
        x = np.moveaxis(np.moveaxis(x, axis, -1) @ m.T, -1, axis)
    return x


class _UpsampleBackward(Node):
    """y = A x (per resampled axis)   ->   dx = A^T g"""
    __slots__ = ("mats", "bwd")

    def backward(self, g):
        if not isinstance(g, np.ndarray):     # create_graph: recorded, see linear_double (torch's kernel
            from .linear_double import linear_double          # for this backward does not read the input)
            return (linear_double(self, g, lambda a: _apply(a.astype(np.float64), self.mats).astype(a.dtype),
                                  takes_input=False),)
        bwd = getattr(self, "bwd", None)      # torch's own kernel's order and indices, see upsample_src
        if bwd is not None and g.dtype in (np.float32, np.float64):
            return (bwd(g),)
        if bwd is not None and g.dtype == np.float16 and "Nearest" not in type(self).__name__:
            # torch accumulates a half gradient in a float buffer (its opmath type), rounded at the end
            return (bwd(g.astype(np.float32)).astype(np.float16),)
        if "Nearest" in type(self).__name__:
            return (_nearest_backward(g, self.mats),)
        return (_apply(g, [m.T.astype(g.dtype) for m in self.mats]),)


def _nearest_backward(g, mats):
    """Each output's g added to the input it copies, in g's dtype, output after output in C order
    (torch's kernel), so repeated additions round as torch's do."""
    nd = len(mats)
    src = [m.argmax(axis=1) for m in mats]
    n_in = [m.shape[1] for m in mats]
    flat = np.ravel_multi_index(np.ix_(*src), n_in).reshape(-1)
    lead = g.shape[:-nd]
    rows = g.reshape((-1, flat.size))
    gx = np.zeros((rows.shape[0], int(np.prod(n_in))), g.dtype)
    np.add.at(gx, (slice(None), flat), rows)
    return gx.reshape(lead + tuple(n_in))


class UpsampleNearest1DBackward0(_UpsampleBackward):
    __slots__ = ()


class UpsampleNearest2DBackward0(_UpsampleBackward):
    __slots__ = ()


class UpsampleLinear1DBackward0(_UpsampleBackward):
    __slots__ = ()


class UpsampleBilinear2DBackward0(_UpsampleBackward):
    __slots__ = ()


def _node(name):
    return type(name, (_UpsampleBackward,), {"__slots__": (), "__doc__": _UpsampleBackward.__doc__})


UpsampleNearest3DBackward0 = _node("UpsampleNearest3DBackward0")
UpsampleNearestExact1DBackward0 = _node("UpsampleNearestExact1DBackward0")
UpsampleNearestExact2DBackward0 = _node("UpsampleNearestExact2DBackward0")
UpsampleNearestExact3DBackward0 = _node("UpsampleNearestExact3DBackward0")
UpsampleBicubic2DBackward0 = _node("UpsampleBicubic2DBackward0")
UpsampleBilinear2DAaBackward0 = _node("UpsampleBilinear2DAaBackward0")
UpsampleBicubic2DAaBackward0 = _node("UpsampleBicubic2DAaBackward0")
UpsampleLanczos2DAaBackward0 = _node("UpsampleLanczos2DAaBackward0")
UpsampleTrilinear3DBackward0 = _node("UpsampleTrilinear3DBackward0")
AdaptiveAvgPool3DBackward0 = _node("AdaptiveAvgPool3DBackward0")

_NODES = {("nearest", 1): UpsampleNearest1DBackward0, ("nearest", 2): UpsampleNearest2DBackward0,
          ("nearest", 3): UpsampleNearest3DBackward0, ("linear", 1): UpsampleLinear1DBackward0,
          ("bilinear", 2): UpsampleBilinear2DBackward0, ("bicubic", 2): UpsampleBicubic2DBackward0,
          ("trilinear", 3): UpsampleTrilinear3DBackward0, ("nearest-exact", 1): UpsampleNearestExact1DBackward0,
          ("nearest-exact", 2): UpsampleNearestExact2DBackward0,
          ("nearest-exact", 3): UpsampleNearestExact3DBackward0, ("area", 1): None, ("area", 2): None,
          ("area", 3): AdaptiveAvgPool3DBackward0}


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None, recompute_scale_factor=None,
                antialias=False):
    x = input._data
    nd = x.ndim - 2
    if mode in ("nearest", "area", "nearest-exact") and align_corners is not None:
        raise ValueError("align_corners option can only be set with the interpolating modes: "
                         "linear | bilinear | bicubic | trilinear")
    from .interp_args import check_interpolate_args
    check_interpolate_args(x, size, scale_factor, recompute_scale_factor)
    if antialias and not (mode in ("bilinear", "bicubic", "lanczos") and x.ndim == 4):
        raise ValueError("Anti-alias option is restricted to bilinear, bicubic, and lanczos modes and requires a 4-D "
                         "tensor as input")
    if mode == "lanczos" and nd == 2:
        if align_corners:
            raise ValueError("Lanczos mode does not support align_corners=True")
        if not antialias:
            raise ValueError("Lanczos mode requires antialias=True")
    elif (mode, nd) not in _NODES:
        want = {"linear": 3, "bilinear": 4, "trilinear": 5}.get(mode)
        if want is not None and x.ndim in (3, 4, 5):
            raise NotImplementedError(f"Got {x.ndim}D input, but {mode} mode needs {want}D input")
        raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {x.ndim}D) for the "
                                  f"modes: nearest | linear | bilinear | bicubic | trilinear | lanczos | area | "
                                  f"nearest-exact (got {mode})")
    align_corners = bool(align_corners)
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    spatial = x.shape[2:]
    if size is not None:
        out_size = list(size) if isinstance(size, (list, tuple)) else [size] * nd
        # a NumPy integer (a size read off an ndarray's shape) is an int to torch's parser (__index__)
        out_size = [int(v) if isinstance(v, np.integer) else v for v in out_size]
        scales = [None] * nd
    elif scale_factor is not None:
        scales = [float(s) for s in scale_factor] if isinstance(scale_factor, (list, tuple)) else \
            [float(scale_factor)] * nd
        out_size = [int(math.floor(n * s)) for n, s in zip(spatial, scales)]
        if recompute_scale_factor:
            scales = [None] * nd
    else:
        raise ValueError("either size or scale_factor should be defined")
    if mode == "area":
        # torch's 'area' is adaptive average pooling to the output size
        from . import pooling_avg
        return getattr(pooling_avg, f"adaptive_avg_pool{nd}d")(input, out_size[0] if nd == 1 else tuple(out_size))
    from .interp_checks import check_upsample
    check_upsample(x, mode, out_size, antialias)
    if x.dtype.kind == "c":
        _refuse_complex(x, mode, nd, antialias)
    ct = np.float64 if x.dtype == np.float64 else np.float32
    from .upsample_src import (bicubic_backward, cubic_weights, linear_backward, linear_channels_last,
                               linear_weights, taps_fma, taps_fma_half, taps_matrix, uses_channels_last,
                               uses_taps_fma)
    if x.dtype == np.uint8 and mode in ("bilinear", "bicubic", "lanczos") and nd == 2:    # fixed-point, as torch
        from ...ops.conversion import keep_format
        from .upsample_uint8 import interpolate_uint8
        out = interpolate_uint8(x, out_size, scales, mode, align_corners, antialias)
        return _wrap(keep_format(np.ascontiguousarray(out), input._data))
    if antialias and x.dtype == np.float32:          # torch's float32 order, see upsample_aa32
        from .upsample_aa32 import interpolate_aa32
        kind = "lanczos" if mode == "lanczos" else mode == "bicubic"
        steps = [_scale(n, o, align_corners, s) for n, o, s in zip(spatial, out_size, scales)]
        out, mats = interpolate_aa32(x, out_size, steps, kind)
        from .upsample_aa32 import aa_taps
        aa_taps = [aa_taps(n, o, st, kind) for n, o, st in zip(spatial, out_size, steps)]
    elif antialias and x.dtype == np.float64:        # the same scheme in double, see upsample_aa64
        from .upsample_aa64 import interpolate_aa64
        out, mats, aa_taps = interpolate_aa64(x, out_size, [_scale(n, o, align_corners, s) for n, o, s in
                                                            zip(spatial, out_size, scales)], mode)
    elif antialias:
        kind = "lanczos" if mode == "lanczos" else mode == "bicubic"
        mats = [_aa_matrix(n, o, align_corners, s, kind, ct) for n, o, s in zip(spatial, out_size, scales)]
    elif mode in ("nearest", "nearest-exact"):
        cl = uses_channels_last(x, out_size, nd, mode)
        mats = [_nearest_matrix(n, o, s, mode == "nearest-exact", ct, cl) for n, o, s in zip(spatial, out_size, scales)]
    elif mode == "bicubic":     # torch's source positions and coefficient rounding: upsample_src
        taps = [cubic_weights(n, o, _scale(n, o, align_corners, s), align_corners, ct)
                for n, o, s in zip(spatial, out_size, scales)]
        mats = [taps_matrix(n, t) for n, t in zip(spatial, taps)]
    elif mode == "area":
        mats = [_area_matrix(n, o) for n, o in zip(spatial, out_size)]
    else:
        weights = [linear_weights(n, o, _scale(n, o, align_corners, s), align_corners, ct)
                   for n, o, s in zip(spatial, out_size, scales)]
        mats = [taps_matrix(n, ((i0, i1), (l0, l1))) for n, (i0, i1, l0, l1) in zip(spatial, weights)]
    quirk = antialias and out_size[1] == 1 and spatial[0] != out_size[0]    # see upsample_aa32.first_row_only
    if antialias and x.dtype in (np.float32, np.float64):
        pass                                          # computed above
    elif quirk:
        out = _apply(x.astype(np.float64), [np.broadcast_to(mats[0][:1], mats[0].shape), mats[1]]).astype(x.dtype)
    elif mode in ("bilinear", "trilinear") and not antialias and uses_channels_last(x, out_size, nd):  # upsample_src
        out = linear_channels_last(x, weights)
    elif mode in ("linear", "bilinear", "trilinear", "bicubic") and not antialias and uses_taps_fma(x, mode):
        taps = taps if mode == "bicubic" else [((i0, i1), (l0, l1)) for i0, i1, l0, l1 in weights]
        out = (taps_fma_half if x.dtype == np.float16 else taps_fma)(x, taps)
    else:
        out = _apply(x.astype(np.float64), mats).astype(x.dtype)
    from ...ops.conversion import keep_format         # torch: x's suggested memory format
    r = _wrap(keep_format(np.ascontiguousarray(out), input._data))
    if GRAD.enabled and input._rg:
        node = (_NODES[(mode, nd)] if not antialias else UpsampleLanczos2DAaBackward0 if mode == "lanczos" else
                UpsampleBicubic2DAaBackward0 if mode == "bicubic" else UpsampleBilinear2DAaBackward0)()
        node.mats = mats
        if mode in ("linear", "bilinear", "trilinear") and not antialias:
            node.bwd = functools.partial(linear_backward, weights=weights, in_shape=x.shape)
        elif mode == "bicubic" and not antialias:
            node.bwd = functools.partial(bicubic_backward, in_shape=x.shape, align_corners=align_corners,
                                         scales=[_scale(n, o, align_corners, s)
                                                 for n, o, s in zip(spatial, out_size, scales)])
        elif antialias and x.dtype in (np.float32, np.float64):
            from .upsample_aa64 import aa_backward
            node.bwd = functools.partial(aa_backward, in_shape=x.shape, taps=aa_taps)
        elif mode in ("nearest", "nearest-exact"):     # torch's backward reads the channels-last indices
            bmats = [_nearest_matrix(n, o, s, mode == "nearest-exact", ct, True)
                     for n, o, s in zip(spatial, out_size, scales)]
            node.bwd = functools.partial(_nearest_backward, mats=bmats)
        record1(node, r, input)
    return r


def _refuse_complex(x, mode, nd, antialias):
    """torch's kernels have no complex instance; name the one it fails in."""
    from .interp_checks import kernel_name
    refuse(kernel_name(mode, nd, antialias), x)


def _deprecated(name):
    # torch warns (a UserWarning, at the caller's line) on every call of the old spellings; level 4
    # steps over the old spelling and non_tensor_input's guard around it
    warnings.warn(f"`nn.functional.{name}` is deprecated. Use `nn.functional.interpolate` instead.", stacklevel=4)


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """The old name of ``interpolate`` (no ``recompute_scale_factor``/``antialias``)."""
    _deprecated("upsample")
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    """``interpolate(mode='nearest')``."""
    _deprecated("upsample_nearest")
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    """``interpolate(mode='bilinear', align_corners=True)``: corners map onto corners."""
    _deprecated("upsample_bilinear")
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)
