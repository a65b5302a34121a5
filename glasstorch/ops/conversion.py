"""Moving between dtypes (``to``, ``type``) and copying (``clone``).

``ToCopyBackward0`` returns the gradient as it came: the engine casts it back to the input's
dtype, which is all its derivative is.
"""
import numpy as np

from .._empty_strides import strided_like
from .. import _dtype as _dt
from .._device import check_device, device as _device
from ..autograd.graph import Node
from ._common import GRAD, Tensor, _wrap, record1
from .._arg_refuse import not_a_tensor


class ToCopyBackward0(Node):
    """y = x.to(dtype)   ->   dx = g (cast back to x's dtype)"""
    __slots__ = ()

    def backward(self, g):
        return (g,)


class CloneBackward0(Node):
    """y = copy of x   ->   dx = g"""
    __slots__ = ()

    def backward(self, g):
        return (g,)


_WARNED = []


def _complex_to_real(x):
    """torch keeps the real part, warning once per process (TORCH_WARN_ONCE; every time after
    ``torch.set_warn_always(True)``)."""
    from .._api_more import _WARN_ALWAYS
    if not _WARNED or _WARN_ALWAYS[0]:
        _WARNED.append(True)
        from .._user_warning import warn_at_caller
        warn_at_caller("Casting complex values to real discards the imaginary part (Triggered internally at "
                       "/__w/pytorch/pytorch/aten/src/ATen/native/Copy.cpp:307.)")
    return x.real


def _convert(t, dt, copy=False):
    if dt is None or t._data.dtype == dt.np:
        if not copy:
            return t
        # to(copy=True) is aten::_to_copy even when nothing changes: its node is ToCopyBackward0, not clone's
        r = clone(t.detach())
        if GRAD.enabled and t._rg:
            record1(ToCopyBackward0(), r, t)
        return r
    x = t._data
    if x.dtype.kind == "c" and not dt.is_complex:
        x = _complex_to_real(x)
    if 0 in x.strides and x.size > 1:       # an expanded tensor: laid out as its clone (torch's empty_like)
        x = layout_copy(x, None)
    y = x.astype(dt.np)
    if x.ndim > 1 and 1 in x.shape and y.size:
        from ._layout import preserve           # (a size-1 dim strided its own way keeps its stride)
        y = preserve(y, x)
    r = _wrap(strided_like(y, x))       # (an empty tensor keeps its strides)
    if GRAD.enabled and t._rg:
        if not (dt.is_floating_point or dt.is_complex):
            return r      # integer results leave the graph, as in torch
        record1(ToCopyBackward0(), r, t)
    return r


# ---- memory formats: channels_last keeps (N, C, H, W) indexing over an (N, H, W, C)-ordered buffer
_CL_ORDER = {"channels_last": (4, (0, 2, 3, 1)), "channels_last_3d": (5, (0, 2, 3, 4, 1))}


def _check_rank(x, fmt):
    rank, _ = _CL_ORDER[fmt]
    if x.ndim != rank:
        raise RuntimeError(f"required rank {rank} tensor to use {fmt} format")


def is_contiguous_as(x, fmt):
    """torch's test: going through C, then W, H (and D), then N, each dim of size > 1 must step by
    the product of the sizes before it."""
    if fmt in (None, "contiguous_format", "preserve_format"):
        return x.flags.c_contiguous
    rank, order = _CL_ORDER[fmt]
    if x.ndim != rank:
        return False
    expected = 1
    for d in (1,) + tuple(reversed(order[1:-1])) + (0,):
        if x.shape[d] != 1:
            if x.strides[d] != expected * x.itemsize:
                return False
            expected *= x.shape[d]
    return True


def _strides_like(x, order):
    """torch's ``is_channels_last_strides_2d/3d``: strides grow along C, W, H, (D,) N; ambiguous
    size-1 layouts (an N111 tensor) count as contiguous."""
    st = [v // x.itemsize for v in x.strides]
    if st[1] == 0:
        return False
    low = 0
    for d in (1,) + tuple(reversed(order[1:-1])) + (0,):
        if x.shape[d] == 0 or st[d] < low or (d == 0 and low == st[1]):
            return False
        low = st[d] * x.shape[d] if x.shape[d] > 1 else st[d]
    return True


def _suggested_format(x):
    """torch's ``suggest_memory_format``: channels_last(_3d) when the strides look like it."""
    for fmt, (rank, order) in _CL_ORDER.items():
        if x.ndim == rank and _strides_like(x, order):
            return fmt
    return "contiguous_format"


def keep_format(out, x):
    """``out`` laid out as ``x`` suggests: torch's pooling and similar kernels allocate their output
    with the input's ``suggest_memory_format()``, so channels_last stays channels_last."""
    if x.ndim in (4, 5) and out.ndim == x.ndim:
        fmt = _suggested_format(x)
        if fmt != "contiguous_format":
            return layout_copy(out, fmt)
    return out


def layout_copy(x, fmt):
    """A copy of array ``x`` laid out in memory format ``fmt`` (same shape and values)."""
    if not x.size and fmt in (None, "preserve_format"):      # torch keeps an empty tensor's strides
        return strided_like(np.empty(x.shape, x.dtype), x)
    if fmt in _CL_ORDER:
        _check_rank(x, fmt)
        order = _CL_ORDER[fmt][1]
        # always a fresh buffer: ascontiguousarray would keep a view whose size-1 dims have
        # non-canonical strides (torch gives e.g. a (2, 2, 1, 1) weight strides (2, 1, 2, 2))
        return np.array(x.transpose(order), order="C", copy=True).transpose(np.argsort(order))
    if fmt != "contiguous_format" and any(st == 0 and n > 1 for st, n in zip(x.strides, x.shape)):
        # an expanded tensor: torch's infer_dense_strides orders the dims by stride, a 0 stride
        # comparing with nothing (such dims keep their place)
        from .._tensor_random import storage_axes
        order = storage_axes(x)
        return np.array(x.transpose(order), order="C", copy=True).transpose(np.argsort(order))
    if fmt != "contiguous_format" and x.flags.c_contiguous and x.ndim > 1:
        from ._layout import clone          # (a size-1 dim strided its own way keeps its stride)
        return clone(x)
    return np.array(x, copy=True, order="C" if fmt == "contiguous_format" else "K")


def to_args(args, dtype, device):
    """(dtype, device) from ``to``'s positional arguments: a tensor (its dtype), a dtype, a device (a string,
    ``torch.device`` or an index), or a dtype by another name; keywords given are the starting values."""
    for a in args:
        if isinstance(a, Tensor):
            dtype = a.dtype
        elif isinstance(a, _dt.dtype):
            dtype = a
        elif isinstance(a, (str, _device, int)) and not isinstance(a, bool):
            device = a
        elif a is not None:
            dtype = _dt.to_dtype(a)
    return dtype, device


def to(t, *args, dtype=None, device=None, non_blocking=False, copy=False, memory_format=None):
    """``t.to(dtype)``, ``t.to(device)``, ``t.to(device, dtype)``, ``t.to(other_tensor)``."""
    fmt = getattr(memory_format, "name", None)
    if fmt not in (None, "preserve_format"):
        if fmt in _CL_ORDER:
            _check_rank(t._data, fmt)
        r = to(t, *args, dtype=dtype, device=device, copy=copy)
        if _suggested_format(r._data) == fmt:
            return r
        out = _wrap(layout_copy(r._data, fmt))
        if GRAD.enabled and r._rg:
            record1(ToCopyBackward0(), out, r)
        return out
    dtype, device = to_args(args, dtype, device)
    if device is not None or t._is_meta:
        from .._meta import is_meta_device, to_meta, no_data_error
        if is_meta_device(device):
            return to_meta(_convert(t, _dt.to_dtype(dtype), copy) if dtype is not None else t)
        if t._is_meta:
            if device is not None:
                raise no_data_error()
            return to_meta(_convert(t, _dt.to_dtype(dtype), copy)) if dtype is not None else t
    check_device(device)
    return _convert(t, _dt.to_dtype(dtype) if dtype is not None else None, copy)


_LEGACY = {"torch.FloatTensor": _dt.float32, "torch.DoubleTensor": _dt.float64, "torch.HalfTensor": _dt.float16,
           "torch.LongTensor": _dt.int64, "torch.IntTensor": _dt.int32, "torch.ShortTensor": _dt.int16,
           "torch.CharTensor": _dt.int8, "torch.ByteTensor": _dt.uint8, "torch.BoolTensor": _dt.bool_,
           "torch.ComplexFloatTensor": _dt.complex64, "torch.ComplexDoubleTensor": _dt.complex128}
_LEGACY_BY_DTYPE = {v.name: k for k, v in _LEGACY.items()}


NO_CUDA_LIBRARY = (
    "Cannot initialize CUDA without ATen_cuda library. PyTorch splits its backend into two shared libraries: a CPU "
    "library and a CUDA library; this error has occurred because you are trying to use some CUDA functionality, but "
    "the CUDA library has not been loaded by the dynamic linker for some reason.  The CUDA library MUST be loaded, "
    "EVEN IF you don't directly use any symbols from the CUDA library! One common culprit is a lack of "
    "-Wl,--no-as-needed in your link arguments; many dynamic linkers will delete dynamic library dependencies if you "
    "don't depend on any of their symbols.  You can check if this has occurred by using ldd on your binary to see if "
    "there is a dependency on *_cuda.so library.")


def legacy_type(t, dtype=None):
    """``t.type()`` gives 'torch.FloatTensor'; ``t.type(torch.LongTensor)`` converts."""
    if dtype is None:
        return _LEGACY_BY_DTYPE[t.dtype.name]
    if isinstance(dtype, str) and dtype.startswith("torch.cuda.") or getattr(dtype, "__module__", "") == "torch.cuda":
        raise RuntimeError(NO_CUDA_LIBRARY)      # x.type(torch.cuda.FloatTensor) on a CPU-only build
    if isinstance(dtype, str):
        # torch reads only the scalar type of the name: 'torch.sparse.FloatTensor' converts the dtype, not the layout
        name = "torch." + dtype[13:] if dtype.startswith("torch.sparse.") else dtype
        if dtype == "torch.Tensor":
            return _convert(t, _dt.get_default_dtype())
        if name not in _LEGACY:
            raise ValueError(f"invalid type: '{dtype}'")
        return _convert(t, _LEGACY[name])
    legacy = getattr(dtype, "_legacy_dtype", None)
    if legacy is not None:
        return _convert(t, legacy)
    from .._arg_parser import tp_name, _STATIC
    if isinstance(dtype, type):
        # torch reads a class by its tp_name: torch.Tensor is the default float type, any other
        # non-legacy class (Parameter, float, numpy.float32) an invalid type name
        if dtype is Tensor:
            return _convert(t, _dt.get_default_dtype())
        if hasattr(dtype, "_legacy_dtype"):         # a legacy type of a dtype glasstorch lacks: its error
            return _convert(t, dtype.dtype)
        name = _STATIC.get(dtype) or (dtype.__name__ if dtype.__flags__ & (1 << 9) or dtype.__module__ == "builtins"
                                      else f"{dtype.__module__}.{dtype.__qualname__}")
        raise ValueError(f"invalid type: '{name}'")
    if tp_name(dtype) != "torch.dtype":      # a NumPy dtype, a number ...
        raise TypeError("dtype must be a type, str, or dtype object")
    return _convert(t, _dt.to_dtype(dtype))


def clone(input, *, memory_format=None):
    # preserve_format (the default) keeps a dense tensor's strides, as np.array's order "K" does;
    # contiguous_format asks for a C-ordered copy (what .contiguous() hands back)
    try:
        x = input._data
    except AttributeError:      # a non-tensor: torch's parser error
        not_a_tensor()
    if input._is_meta:          # a copy of no data: another meta tensor
        from .._meta import empty_meta
        r = empty_meta(x.shape, x.dtype)
    else:
        r = _wrap(layout_copy(x, getattr(memory_format, "name", None)))
    if GRAD.enabled and input._rg:
        record1(CloneBackward0(), r, input)
    return r
