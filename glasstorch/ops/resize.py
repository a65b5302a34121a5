"""``Tensor.resize_`` / ``resize_as_``: a new shape over the same storage, C-contiguous from the
tensor's storage offset.  When the storage is too small it grows: the old bytes are kept at the
front, the new tail is zeros (torch leaves it uninitialised).  Tensors that require grad refuse.
``Tensor.set_``: the tensor takes another tensor's (or a storage's) memory and geometry.
"""
import numpy as np

from .storage import _root, storage_offset

__all__ = ["resize_", "resize_as_", "set_"]


def resize_(t, *sizes, memory_format=None):
    from .shape import sizes_arg
    if t._rg:
        raise RuntimeError("cannot resize variables that require grad")
    shape = tuple(sizes_arg(sizes))
    for s in shape:
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(shape)}")
    x = t._data
    n = int(np.prod(shape, dtype=np.int64))
    root = _root(x)
    off = storage_offset(t) if x.size else 0
    raw = root.reshape(-1, order="A").view(np.uint8) if (root.flags.c_contiguous or root.flags.f_contiguous) \
        else np.ascontiguousarray(root).reshape(-1).view(np.uint8)
    need = (off + n) * x.itemsize
    if need > raw.size:
        grown = np.zeros(need, np.uint8)
        grown[:raw.size] = raw
        raw = grown
    order = _restride_order(shape, memory_format)
    arr = np.ndarray(tuple(shape[d] for d in order), x.dtype, buffer=raw, offset=off * x.itemsize)
    t._data = arr.transpose(np.argsort(order)) if order != tuple(range(len(shape))) else arr
    t._vc[0] += 1
    return t


def _restride_order(shape, memory_format):
    """The dims in storage order: channels_last(_3d) lays the same storage out as (N, H, W, C)."""
    fmt = None if memory_format is None else str(memory_format).replace("torch.", "")
    if fmt == "preserve_format":
        raise RuntimeError("Unsupported memory formatPreserve")
    if fmt in ("channels_last", "channels_last_3d"):
        from .conversion import _CL_ORDER
        rank, order = _CL_ORDER[fmt]
        if len(shape) != rank:
            raise RuntimeError(f"required rank {rank} tensor to use {fmt} format")
        return order
    return tuple(range(len(shape)))


def resize_as_(t, the_template, memory_format=None):
    return resize_(t, tuple(the_template.shape))


_SET_SIGNATURES = ("set_()", "set_(Storage source)",
                   "set_(Storage source, SymInt storage_offset, SymIntArrayRef size, SymIntArrayRef stride=None)",
                   "set_(Tensor source)",
                   "set_(Tensor source, SymInt storage_offset, SymIntArrayRef size, SymIntArrayRef stride=None)")
# the C++ names torch's "Could not set tensor of type ..." message gives each dtype
_CPP_NAMES = {"float16": "c10::Half", "bfloat16": "c10::BFloat16", "float32": "float", "float64": "double",
              "int8": "signed char", "uint8": "unsigned char", "int16": "short int", "int32": "int",
              "int64": "long int", "bool": "bool", "complex64": "c10::complex<float>",
              "complex128": "c10::complex<double>"}


def set_(t, *args, **kwargs):
    """t.set_(source[, storage_offset, size, stride]): t now views ``source``'s memory (a tensor's, with its
    geometry, or a storage's, as 1-d or with the geometry given); t.set_(): t is empty, with its own storage.
    torch reads past the end of the storage when the geometry asks it to; glasstorch refuses (as_strided's
    message)."""
    from .._arg_parser import parser_error
    from .._tensor import Tensor
    from ..autograd.grad_mode import GRAD
    from ..storage import TypedStorage
    from .as_strided import _check
    from .storage import UntypedStorage
    names = ("source", "storage_offset", "size", "stride")
    bound = dict(zip(names, args), **kwargs)
    source = bound.get("source")
    ok = (len(args) <= 4 and not set(kwargs) - set(names) and set(bound) in (set(), {"source"}, set(names[:3]),
                                                                            set(names))
          and (source is None) == (not bound)
          and isinstance(source, (Tensor, UntypedStorage, TypedStorage, type(None))))
    if not ok:
        err = parser_error(_SET_SIGNATURES, args, kwargs)
        if err is not None:
            raise err
    if t._rg and t.grad_fn is None and GRAD.enabled:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
    x = t._data
    if source is None:
        t._data = np.empty(0, x.dtype)
    else:
        if isinstance(source, Tensor):
            if source._data.dtype != x.dtype:
                raise RuntimeError(f"Could not set tensor of type {_CPP_NAMES[source._data.dtype.name]} to a "
                                   f"tensor of type {_CPP_NAMES[x.dtype.name]}")
            if source._rg and GRAD.enabled:
                raise RuntimeError("set_: glasstorch cannot record a tensor taking the memory of one that requires "
                                   "grad (torch gives it grad_fn=<NotImplemented>)")
            root, geometry = _root(source._data), (source._data.shape, None, storage_offset(source))
        else:
            untyped = source._untyped_storage if isinstance(source, TypedStorage) else source
            root, geometry = untyped._array, ((untyped.nbytes() // x.itemsize,), None, 0)
        if "storage_offset" in bound:
            size = tuple(int(n) for n in bound["size"])
            stride = bound.get("stride")
            from .storage import _contiguous_strides
            stride = _contiguous_strides(size) if stride is None else tuple(int(s) for s in stride)
            if len(stride) != len(size):
                raise RuntimeError(f"unequal size length ({len(size)}) and stride length ({len(stride)})")
            if any(n < 0 for n in size):
                raise RuntimeError("numel: integer multiplication overflow")
            if any(st < 0 for st in stride):
                raise RuntimeError(f"Storage size calculation overflowed with sizes={list(size)} and "
                                   f"strides={list(stride)}")
            if isinstance(source, Tensor) and not source.is_contiguous():
                raise RuntimeError("passed in tensor to be used as storage must be contiguous")
            base = storage_offset(source) if isinstance(source, Tensor) else 0   # torch counts from the source's start
            geometry = (size, stride, base + int(bound["storage_offset"]))
        if isinstance(source, Tensor) and "storage_offset" not in bound:
            t._data = source._data
        else:
            size, stride, off = geometry
            stride = stride if stride is not None else (1,) * len(size)
            _check(np.ndarray((0,), x.dtype, buffer=root), size, stride, off)    # an empty view of the storage
            # an empty view keeps its offset where NumPy can place it (within the storage)
            t._data = np.ndarray(size, x.dtype, buffer=root, offset=off * x.itemsize
                                 if 0 not in size or off * x.itemsize <= root.nbytes else 0,
                                 strides=tuple(s * x.itemsize for s in stride))
    t._vc[0] += 1
    return t
