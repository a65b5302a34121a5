"""The argument checks and outer bin edges of torch.histogram / histogramdd, in torch's order and words.

The input is seen as M points of N coordinates (histogram: shape [numel, 1]).  With bin counts: the
range (given, else each coordinate's min and max, else [0, 1] with no data) must be finite and
ordered, an empty range widens by 0.5 each side, then the weight's dtype and shape, then bins > 0.
With bin edges: the edges' dtype, dim and size, then the weight, then bins > 0.  Numbers print as
C++'s ``ostream`` prints a double.
"""
import numpy as np

from ._histc import _cfmt


def _cxx_type(dt):
    """caffe2::TypeMeta's name of a dtype, as histogramdd's messages print it."""
    names = {"int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char",
             "uint8": "unsigned char", "bool": "bool", "float16": "c10::Half", "float32": "float",
             "float64": "double"}
    return names.get(np.dtype(dt).name, np.dtype(dt).name)


def check_count(bins, dim=0):
    if bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension {dim}")


def outer_edges(pts, range_):
    """[(lo, hi)] per coordinate of the (M, N) points ``pts`` for equal-width bins."""
    n = pts.shape[1]
    if range_ is not None and len(range_) != 2 * n:
        raise RuntimeError(f"torch.histogramdd: for a {n}-dimensional histogram range should have {2 * n} elements, "
                           f"but got {len(range_)}")
    if range_ is None and pts.shape[0] and pts.dtype not in (np.float32, np.float64):
        from ._complex_refuse import not_implemented          # torch's aminmax here: float and double only
        raise not_implemented("histogramdd", pts.dtype)
    out = []
    for d in range(n):
        sign = False
        if range_ is not None:
            lo, hi = float(range_[2 * d]), float(range_[2 * d + 1])
        elif pts.shape[0]:
            col = pts[:, d]
            nan = np.isnan(col)
            if nan.any():                    # aminmax along a dim carries the first NaN through
                lo = hi = float("nan")
                sign = bool(np.signbit(col[nan][0]))
            else:
                lo, hi = float(col.min()), float(col.max())
        else:
            lo, hi = 0.0, 1.0
        if not (np.isfinite(lo) and np.isfinite(hi)):
            raise RuntimeError(f"torch.histogramdd: dimension {d}'s range [{_cfmt(lo, sign)}, {_cfmt(hi, sign)}] "
                               f"is not finite")
        if lo > hi:
            raise RuntimeError(f"torch.histogramdd: min should not exceed max, but got min {_cfmt(lo, False)} max "
                               f"{_cfmt(hi, False)} for dimension {d}")
        out.append((lo - 0.5, hi + 0.5) if lo == hi else (lo, hi))
    return out


def check_edges(x, edges, d=0):
    if edges.dtype != x.dtype:
        raise RuntimeError(f"torch.histogramdd: input tensor and bins tensors should have the same dtype, but got "
                           f"input with dtype {_cxx_type(x.dtype)} and bins for dimension {d} with dtype "
                           f"{_cxx_type(edges.dtype)}")
    if edges.ndim != 1:
        raise RuntimeError(f"torch.histogramdd: bins tensor should have one dimension, but got {edges.ndim} "
                           f"dimensions in the bins tensor for dimension {d}")
    if edges.size == 0:
        raise RuntimeError(f"torch.histogramdd: bins tensor should have at least 1 element, but got 0 elements in "
                           f"the bins tensor for dimension {d}")


def check_weight(x, w, in_shape, w_shape):
    """``in_shape``/``w_shape``: the shapes torch prints (histogram: [numel, 1] and [weight numel])."""
    if w is None:
        return
    if w.dtype != x.dtype:
        raise RuntimeError(f"torch.histogramdd: if weight tensor is provided, input tensor and weight tensor should "
                           f"have the same dtype, but got input({_cxx_type(x.dtype)}), and weight({_cxx_type(w.dtype)})")
    if list(in_shape[:-1]) != (list(w_shape) or [1]):
        raise RuntimeError(f"torch.histogramdd: if weight tensor is provided it should have the same shape as the "
                           f"input tensor excluding its innermost dimension, but got input with shape "
                           f"{list(in_shape)} and weight with shape {list(w_shape)}")
