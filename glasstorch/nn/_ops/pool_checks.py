"""The input and argument checks of torch's pooling functions, in torch's order and words.

torch checks a pooling call in stages, and the first failing stage names the error:

* the argument lists (``kernel_size`` etc. of one int or one per spatial dim),
* the input's rank (``non-empty 3D or 4D (batch mode) tensor expected``), for avg_pool2d instead
  the read of ``input.size(-3)`` (an ``IndexError`` below rank 3),
* per spatial dim, in order, the output length (``stride should not be zero``, ``pad must be
  non-negative``, ``pad should be at most half of effective kernel size``),
* the shape check: positive kernel, stride and dilation, then no empty non-batch dim (only the
  leading dim of a batched input may be 0), pad at most half the kernel, output of at least 1.

1-d pools check their rank (``Expected 2 to 3 dimensions``) and run as 2-d pools on
``unsqueeze(-2)``, so later messages show the unsqueezed shape; max_pool1d without indices has
its own checks.  Adaptive pools check rank and empty non-batch dims (which dims depends on the op).
"""
import numpy as np

from ..._tensor import _wrap_dim
from ...ops.inplace import type_name


def sizes(shape):
    return "[" + ", ".join(str(int(v)) for v in shape) + "]"


def _tdiv(a, b):
    """C++ integer division (truncates toward zero)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def size_at(shape, dim):
    """torch's ``tensor.size(dim)``: the same IndexError for a dim out of range."""
    if len(shape) == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    return shape[_wrap_dim(dim, len(shape))]


def check_reduce_dims(shape, dims):
    """The dim check of ``mean(dims)`` (adaptive average pools to size 1 take that path)."""
    for dim in dims:
        _wrap_dim(dim, len(shape))


def check_dim_range(shape, lo, hi, fn):
    """``checkDimRange``: rank in [lo, hi)."""
    if not lo <= len(shape) < hi:
        raise RuntimeError(f"Expected {lo} to {hi - 1} dimensions, but got {len(shape)}-dimensional tensor for "
                           f"argument #1 'self' (while checking arguments for {fn})")


def _seq(v):
    return None if isinstance(v, int) or not hasattr(v, "__len__") else list(v)


def one_int(v, fn, name):
    """``check1d``: an int or a list of one int."""
    if name == "output_size":
        parsed_output_size(v, fn)
    s = _seq(v)
    if s is None:
        return int(v)
    if len(s) != 1:
        raise RuntimeError(f"{fn}() argument '{name}' should contain one int (got {len(s)})")
    return int(s[0])


def parsed_output_size(v, fn):
    """torch's argument parser on ``output_size`` (argument 2 of the 1-d adaptive pools): ints only."""
    if v is None:
        raise TypeError(f"{fn}(): argument 'output_size' (position 2) must be tuple of ints, not NoneType")
    for i, e in enumerate(v if isinstance(v, (tuple, list)) else ()):
        if e is None and i == 0:          # the parser looks at the first element's type ...
            raise TypeError(f"{fn}(): argument 'output_size' (position 2) must be tuple of ints, but found "
                            "element of type NoneType at pos 0")
        if e is None:                     # ... and unpacks the rest
            raise TypeError(f"{fn}(): argument 'output_size' failed to unpack the object at pos {i + 1} with "
                            "error \"type must be tuple of ints,but got NoneType\"")


def _expand(v, nd, msg, allow_empty=False):
    s = _seq(v)
    if s is None:
        return (int(v),) * nd
    if allow_empty and len(s) == 0:
        return None
    if len(s) not in (1, nd):
        raise RuntimeError(msg)
    return tuple(int(a) for a in s) * (nd if len(s) == 1 else 1)


_WORDS = {2: "two", 3: "three"}


def pool_args(op, nd, kernel_size, stride, padding, dilation=1):
    """The argument-list checks of max_pool2d/3d and avg_pool2d/3d: (k, s, p, d) per dim."""
    w = _WORDS[nd]
    if op == "avg_pool3d":
        msgs = ("kernel_size must be a single int", "stride must be omitted, a single int",
                "padding must be a single int", None)
    else:
        msgs = ("kernel_size must either be a single int", "stride must either be omitted, a single int",
                "padding must either be a single int", "dilation must be either a single int")
    full = [None if m is None else f"{op}: {m}, or a tuple of {w} ints" for m in msgs]
    k = _expand(kernel_size, nd, full[0])
    s = None if stride is None else _expand(stride, nd, full[1], allow_empty=True)
    p = _expand(padding, nd, full[2])
    d = _expand(dilation, nd, full[3]) if full[3] else (1,) * nd
    return k, (k if s is None else s), p, d


def check_rank(shape, nd):
    if len(shape) not in (nd + 1, nd + 2):
        raise RuntimeError(f"non-empty {nd + 1}D or {nd + 2}D (batch mode) tensor expected for input")


def check_divisor(divisor_override):
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")


def output_len(n, k, p, s, d, ceil_mode):
    """``pooling_output_shape``, with its checks."""
    if s == 0:
        raise RuntimeError("stride should not be zero")
    if p < 0:
        raise RuntimeError(f"pad must be non-negative, but got pad: {p}")
    if p > _tdiv((k - 1) * d + 1, 2):
        raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={p}, "
                           f"kernel_size={k} and dilation={d}")
    out = (n + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (out - 1) * s >= n + p:
        out -= 1
    return out


def output_lens(shape, k, s, p, d, ceil_mode):
    nd = len(k)
    return tuple(output_len(shape[len(shape) - nd + i], k[i], p[i], s[i], d[i], ceil_mode) for i in range(nd))


def shape_check_2d(shape, k, s, p, d, out):
    """``pool2d_shape_check`` (contiguous layout)."""
    (kH, kW), (dH, dW), (pH, pW), (lH, lW) = k, s, p, d
    if not (kW > 0 and kH > 0):
        raise RuntimeError(f"kernel size should be greater than zero, but got kH: {kH} kW: {kW}")
    if not (dW > 0 and dH > 0):
        raise RuntimeError(f"stride should be greater than zero, but got dH: {dH} dW: {dW}")
    if not (lH > 0 and lW > 0):
        raise RuntimeError(f"dilation should be greater than zero, but got dilationH: {lH} dilationW: {lW}")
    n = len(shape)
    valid = n >= 3 and shape[1] != 0 and shape[2] != 0
    if not ((n == 3 and shape[0] != 0 and valid) or (n == 4 and valid and shape[3] != 0)):
        raise RuntimeError("Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, "
                           f"but got:{sizes(shape)}")
    if not (kW // 2 >= pW and kH // 2 >= pH):
        raise RuntimeError(f"pad should be smaller than or equal to half of kernel size, but got padW = {pW}, "
                           f"padH = {pH}, kW = {kW}, kH = {kH}")
    if not (out[1] >= 1 and out[0] >= 1):
        c, h, w = shape[-3], shape[-2], shape[-1]
        raise RuntimeError(f"Given input size: ({c}x{h}x{w}). Calculated output size: ({c}x{out[0]}x{out[1]}). "
                           "Output size is too small")


def shape_check_3d(shape, k, s, p, d, out, fn, check_input_size=False):
    """``pool3d_shape_check``; torch prints the empty dim's length (0), not its index."""
    (kT, kH, kW), (dT, dH, dW), (pT, pH, pW), (lT, lH, lW) = k, s, p, d
    if not (kT > 0 and kW > 0 and kH > 0):
        raise RuntimeError(f"kernel size should be greater than zero, but got kT: {kT} kH: {kH} kW: {kW}")
    if not (dT > 0 and dW > 0 and dH > 0):
        raise RuntimeError(f"stride should be greater than zero, but got dT: {dT} dH: {dH} dW: {dW}")
    if not (lT > 0 and lW > 0 and lH > 0):
        raise RuntimeError(f"dilation should be greater than zero, but got dilationT: {lT} dilationH: {lH} "
                           f"dilationW: {lW}")
    n = len(shape)
    for i in range(n):
        if not (n == 5 and i == 0) and shape[i] == 0:
            raise RuntimeError(f"{fn}: Expected input's non-batch dimensions to have positive length, but input has "
                               f"a shape of {sizes(shape)} and non-batch dimension {shape[i]} has length zero!")
    if not (kT // 2 >= pT and kW // 2 >= pW and kH // 2 >= pH):
        raise RuntimeError(f"pad should be smaller than or equal to half of kernel size, but got kT: {kT} kW: {kW} "
                           f"kH: {kH} padT: {pT} padW: {pW} padH: {pH}")
    t, h, w = shape[-3:]
    if check_input_size and not (t >= kT and h >= kH and w >= kW):
        raise RuntimeError(f"input image (T: {t} H: {h} W: {w}) smaller than kernel size "
                           f"(kT: {kT} kH: {kH} kW: {kW})")
    if not (out[0] >= 1 and out[1] >= 1 and out[2] >= 1):
        c = shape[-4]
        raise RuntimeError(f"Given input size: ({c}x{t}x{h}x{w}). Calculated output size: "
                           f"({c}x{out[0]}x{out[1]}x{out[2]}). Output size is too small")


def pool_geometry(op, nd, shape, kernel_size, stride, padding, dilation=1, ceil_mode=False,
                  divisor_override=None):
    """All checks of max_pool2d/3d (op "max") or avg_pool2d/3d (op "avg"), in torch's order;
    returns (k, s, p, d, out)."""
    name = f"{op}_pool{nd}d"
    k, s, p, d = pool_args(name, nd, kernel_size, stride, padding, dilation if op == "max" else 1)
    if op == "avg" and nd == 2:
        check_divisor(divisor_override)
        size_at(shape, -3)
    else:
        check_rank(shape, nd)
        if op == "avg":
            check_divisor(divisor_override)
    out = output_lens(shape, k, s, p, d, ceil_mode)
    if nd == 2:
        shape_check_2d(shape, k, s, p, d, out)
    else:
        fn = "avg_pool3d()" if op == "avg" else "max_pool3d_with_indices_out_cpu_template()"
        shape_check_3d(shape, k, s, p, d, out, fn, check_input_size=op == "avg")
    return k, s, p, d, out


def check_max_pool1d(shape, kernel_size, stride, padding, dilation, ceil_mode):
    """max_pool1d's own checks (torch's path without indices); returns (k, s, p, d)."""
    n = len(shape)
    if not ((n == 2 and shape[0] != 0 and shape[1] != 0) or (n == 3 and shape[1] != 0 and shape[2] != 0)):
        raise RuntimeError("max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for "
                           f"input, but got:{sizes(shape)}")
    lists = []
    for v, msg, empty_ok in ((kernel_size, "kernel_size must be an int, list of ints or tuple of ints", False),
                             (stride, "stride must be None, an int, list of ints, or tuple of ints", True),
                             (padding, "padding must be an int, list of ints, or tuple of ints", False),
                             (dilation, "dilation must be an int, list of ints or tuple of ints", False)):
        sq = [] if v is None else _seq(v)
        if sq is None:
            sq = [int(v)]
        if len(sq) != 1 and not (empty_ok and len(sq) == 0):
            raise RuntimeError(f"max_pool1d() {msg} of size 1 but got size {len(sq)}")
        lists.append([int(a) for a in sq])
    k, s, p, d = (lst[0] if lst else None for lst in lists)
    s = k if s is None else s
    if k <= 0:
        raise RuntimeError(f"max_pool1d() kernel_size must be greater than zero, but got {k}")
    if s <= 0:
        raise RuntimeError(f"max_pool1d() stride must be greater than zero, but got {s}")
    if p < 0:
        raise RuntimeError(f"max_pool1d() padding must be non-negative, but got {p}")
    if p > k // 2:
        raise RuntimeError(f"max_pool1d() padding should be at most half of kernel size, but got padding={p} "
                           f"and kernel_size={k}")
    if d <= 0:
        raise RuntimeError(f"max_pool1d() dilation must be greater than zero, but got {d}")
    ow = output_len(shape[-1], k, p, s, d, ceil_mode)
    if ow <= 0:
        raise RuntimeError(f"max_pool1d() Invalid computed output size: {ow}")
    return k, s, p, d


def pool1d_args(fn, shape, kernel_size, stride, padding, dilation=None):
    """The 1-d pools that run as 2-d ones: rank check, then one int per argument."""
    check_dim_range(shape, 2, 4, fn)
    k = one_int(kernel_size, fn, "kernel_size")
    s = k if stride is None or (_seq(stride) is not None and len(_seq(stride)) == 0) else one_int(stride, fn, "stride")
    p = one_int(padding, fn, "padding")
    d = None if dilation is None else one_int(dilation, fn, "dilation")
    return k, s, p, d


def check_nonempty(shape, fn, dims):
    """Adaptive pools: no empty dim among ``dims`` (reported as a non-negative index)."""
    n = len(shape)
    for i in dims:
        if shape[i] == 0:
            raise RuntimeError(f"{fn}(): Expected input to have non-zero size for non-batch dimensions, but input "
                               f"has sizes {sizes(shape)} with dimension {i % n} being empty")


def list_with_default(output_size, shape):
    """torch.nn.functional's ``_list_with_default``: None entries take the input's sizes."""
    if isinstance(output_size, int):
        return output_size
    if not hasattr(output_size, "__len__"):
        len(output_size)        # Python's own TypeError, naming the type as Python does ('numpy.int64')
    out = list(output_size)
    if len(shape) <= len(out):
        raise ValueError(f"Input dimension should be at least {len(out) + 1}")
    return [shape[len(shape) - len(out) + i] if v is None else v for i, v in enumerate(out)]


def adaptive_size(output_size, nd, fn):
    """Expand an int; a list must have ``nd`` entries."""
    s = _seq(output_size)
    if s is None:
        return (int(output_size),) * nd
    if len(s) != nd:
        raise RuntimeError(f"{fn}: output_size must be {nd}")
    return tuple(int(v) for v in s)


def check_adaptive_nonneg(out, fn):
    if any(o < 0 for o in out):
        if len(out) == 2:
            got = f"{{{out[0]}, {out[1]}}}"
        else:
            got = f"{{{out[0]}, {out[1]},{out[2]}}}"
        raise RuntimeError(f"{fn}: elements of output_size must be greater than or equal to 0 but received {got}")


def check_new_shape(shape):
    """An empty tensor of ``shape``: torch refuses a negative size."""
    for v in shape:
        if v < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {v}: {sizes(shape)}")


def check_unpool(shape, idx_shape, idx_dtype, nd):
    """max_unpool2d/3d's kernel checks (max_unpool1d runs the 2-d one on ``unsqueeze(-1)``)."""
    if str(idx_dtype) != "int64":
        name = type_name(np.dtype(idx_dtype))
        raise RuntimeError("elements in indices should be type int64" + (f" but got: {name}" if nd == 2 else ""))
    if len(shape) not in (nd + 1, nd + 2):
        raise RuntimeError(f"Input to max_unpooling{nd}d should be a {nd + 1}d or {nd + 2}d Tensor, but got a tensor "
                           f"with {len(shape)} dimensions.")
    if tuple(shape) != tuple(idx_shape):
        raise RuntimeError(f"Expected shape of indices to be same as that of the input tensor ({sizes(shape)}) but "
                           f"got indices tensor with shape: {sizes(idx_shape)}")
    for i in range(1, len(shape)):
        if shape[i] == 0:
            raise RuntimeError(f"max_unpooling{nd}d_forward_out_cpu(): Expected input to have non-zero size for "
                               f"non-batch dimensions, but got {sizes(shape)} with dimension {i} being empty.")


def check_grad_nonempty(gshape, fn):
    """The adaptive pools' backward refuses a gradient with an empty non-batch dim."""
    for i in range(1, len(gshape)):
        if gshape[i] == 0:
            raise RuntimeError(f"{fn}_backward(): Expected grad_output to have non-zero size for non-batch "
                               f"dimensions, but grad_output has sizes {sizes(gshape)} with dimension {i} being empty")
