"""Making tensors: ``tensor``, ``zeros``, ``ones``, ``full``, ``empty``, ``arange``, ``linspace``,
``eye``, the ``*_like`` forms, ``from_numpy``, ``as_tensor``, and the legacy ``torch.Tensor(...)``
and ``torch.FloatTensor(...)`` constructors.
"""
import math

import numpy as np

from . import _dtype as _dt
from ._device import check_device
from . import _creation_seq as _seq
from . import _creation_seqlike as _seqlike
from . import _alloc
from . import _creation_copy
from . import _creation_store as _store
from ._tensor import Tensor, _wrap
from ._sizes import _size, _size_kw, _type_name as _size_type_name  # noqa: F401  (every creator's size)
from ._numpy_check import check_numpy_dtype as _check_numpy_dtype
from ._arg_refuse import not_a_tensor

_NUMBERS = (int, float, bool)


def _check_rg(t, requires_grad):
    if requires_grad:
        if t._data.dtype.kind not in "fc":
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
        t._rg = True
    return t


def _infer(data, want=None):
    """NumPy array for nested Python data, with torch's dtype inference and errors.

    ``want`` (a NumPy dtype) builds Python numbers straight into that dtype, so
    ``tensor([0.1], dtype=float64)`` holds the double 0.1, not a float32 rounding of it."""
    t = type(data)
    if (t is int or t is float) and want is not None and np.dtype(want).kind in "iu":
        from ._creation_range import checked_flat
        return np.array(checked_flat([data], want)[0], want)
    if t is float:
        return np.array(data, want or _dt.DEFAULT.float.np)
    if t is int:
        if not -2 ** 63 <= data < 2 ** 63 and (want is None or np.dtype(want).kind not in "fcb"):
            raise ValueError("Overflow when unpacking long long")
        return np.array(data, np.int64) if -2 ** 63 <= data < 2 ** 63 else np.array(float(data), want)
    if t is bool:
        return np.array(data, np.bool_)
    if t is complex:
        _store.refuse_complex(want)
        return np.array(data, want or _dt.DEFAULT.float.to_complex().np)
    if isinstance(data, Tensor):
        return data._data.copy()
    if isinstance(data, np.ndarray):
        _check_numpy_dtype(data, wide_ok=want is not None)
        return data.copy()
    if isinstance(data, np.generic):
        if want is not None and np.dtype(want).kind in "iub":
            # torch stores a NumPy scalar into an integral dtype as one inside a list: as a number,
            # range-checked (300 won't wrap into int8), a float32 refused as no integer
            return _infer([data], want).reshape(())
        return _numpy_scalar(data, wide_ok=want is not None)
    if isinstance(data, (str, bytes)):
        raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
    if not isinstance(data, (list, tuple)):
        if isinstance(data, (dict, set, frozenset)) and want is None:
            raise RuntimeError(f"Could not infer dtype of {type(data).__name__}")
        # torch ignores ``__array__`` (only a real ndarray is read as one): any other object must pass
        # PySequence_Check, and its shape is found by indexing ``data[0]``, so a pandas Series with
        # labels for its index fails there ("could not determine the shape of object type 'Series'")
        if not _seqlike.is_sequence(data):
            if want is not None:    # no inference with a dtype: torch stores it as a number, or fails to
                _check_storable(data, np.dtype(want))
                return np.array(data.__index__() if np.dtype(want).kind in "iub" else float(data), want)
            raise RuntimeError(f"Could not infer dtype of {type(data).__name__}")
        kind, shape, data = _seqlike.scan_generic(_scan, _check_structure, data, want)
    else:
        kind, shape, data = _seqlike.scan(_scan, data, want)    # (nested ranges, bytearrays ...: as lists)
    if want is not None and isinstance(kind, str):
        dt = want
    elif not isinstance(kind, str):    # (a NumPy dtype: int8 == "b" and int32 == "i" hold for those)
        dt = kind
    elif kind == "f":
        dt = _dt.DEFAULT.float.np
    elif kind == "i":
        dt = np.int64
    elif kind == "b":
        dt = np.bool_
    elif kind == "c":
        dt = _dt.DEFAULT.float.to_complex().np
    else:
        dt = kind          # a NumPy dtype found in the data (arrays, tensors, NumPy scalars)
    if not isinstance(kind, str) and want is not None and np.dtype(want).kind in "iub":   # (each leaf checked)
        return np.array(_store.integral_leaves(data, len(shape), want), dtype=want).reshape(shape)
    if not isinstance(kind, str):      # arrays, tensors or NumPy scalars inside: NumPy stacks them
        return np.array(_seq.nested(data, len(shape)), dtype=dt).reshape(shape)
    flat = _flatten(data, len(shape))
    if want is not None:      # torch's checks of each number it stores (range checks: a Python loop)
        flat = _store.checked_numbers(flat, want, kind)
    try:
        arr = np.array(flat, dtype=dt)
    except OverflowError:     # an int beyond int64 (the default int64 path skips the loop above)
        raise ValueError("Overflow when unpacking long long") from None
    return arr.reshape(shape)


_RANK = {"b": 0, "i": 1, "f": 2, "c": 3}


def _scan(data, want=None):
    """The element kind and the shape of nested sequences, with torch's errors.

    As in torch, the shape follows the first element at each level; every element is then checked
    depth-first against it, so the first problem met is the one reported."""
    shape = []
    x = data
    while isinstance(x, (list, tuple)):
        shape.append(len(x))
        if not x:
            break
        x = x[0]
    if isinstance(x, np.ndarray):      # torch walks into NumPy arrays as sequences (tensors are scalars there)
        shape += _seq.array_dims(x)
        if x.dtype.kind == "U" and x.size:
            x = str(x.flat[0])
    if isinstance(x, str) and x:
        # a string is a sequence too: torch walks into its first character, and that one's, until it
        # has more dims than a tensor can have
        raise ValueError("too many dimensions 'str'")
    kind = None
    stack = [data]
    while stack:                    # depth-first, in order: the first leaf torch cannot type is reported
        y = stack.pop()
        if isinstance(y, (list, tuple)):
            stack.extend(reversed(y))
        elif want is None:
            kind = _join(kind, _kind_of(y))
        else:       # torch infers nothing when given a dtype: a leaf it cannot store fails in _check_structure
            try:
                kind = _join(kind, _kind_of(y))
            except (TypeError, RuntimeError):
                if isinstance(y, np.ndarray):   # (a uint16/32/64 one: stored number by number, warned of)
                    _seq.warn_arrays_in_list()
    if kind is None:
        kind = "f"
    _check_structure(data, shape, 0, kind if want is None else np.dtype(want))
    return kind, tuple(shape)


def _check_storable(obj, dt):
    """A leaf torch stores into a tensor of the given dtype ``dt`` by unpacking it as a Python number."""
    try:
        (int if dt.kind in "iub" else float)(obj.__index__() if dt.kind in "iub" else obj)
    except (TypeError, AttributeError, ValueError):
        if dt.kind in "iub":
            raise TypeError(f"'{type(obj).__name__}' object cannot be interpreted as an integer") from None
        raise TypeError(f"must be real number, not {type(obj).__name__}") from None


def _check_structure(obj, shape, dim, kind):
    if dim == len(shape):
        if isinstance(obj, (list, tuple)):
            if kind in ("f", "c") or (not isinstance(kind, str) and np.dtype(kind).kind in "fc"):
                raise TypeError(f"must be real number, not {type(obj).__name__}")
            raise TypeError(f"'{type(obj).__name__}' object cannot be interpreted as an integer")
        if isinstance(obj, (Tensor, np.ndarray)):
            _seq.check_scalar_leaf(obj, kind)
        elif not isinstance(kind, str) and not isinstance(obj, (int, float, complex, np.generic)):
            _check_storable(obj, np.dtype(kind))
        return
    if isinstance(obj, (Tensor, np.ndarray)):
        if _seq.array_fits(obj, shape[dim:]):
            return
    elif not isinstance(obj, (list, tuple)):
        raise TypeError("not a sequence")
    if len(obj) != shape[dim]:
        raise ValueError(f"expected sequence of length {shape[dim]} at dim {dim} (got {len(obj)})")
    for item in obj:
        _check_structure(item, shape, dim + 1, kind)


def _kind_of(x):
    t = type(x)
    if t is float:
        return "f"
    if t is int:
        return "i"
    if t is bool:
        return "b"
    if t is complex:
        return "c"
    if isinstance(x, Tensor):
        return x._data.dtype
    if isinstance(x, np.ndarray):
        _check_numpy_dtype(x)
        return x.dtype
    if isinstance(x, np.generic):
        return _numpy_scalar(x).dtype
    if isinstance(x, (str, bytes)):
        raise TypeError(f"new(): invalid data type '{type(x).__name__}'")
    try:
        float(x)
        return "f"
    except Exception:
        raise RuntimeError(f"Could not infer dtype of {t.__name__}") from None


def _numpy_scalar(v, wide_ok=False):
    """A NumPy scalar as a 0-d array, refused as torch refuses it: strings by the parser, dates,
    ``longdouble`` and the like as arrays of their type are."""
    if isinstance(v, (np.str_, np.bytes_)):
        raise TypeError(f"new(): invalid data type 'numpy.{type(v).__name__}'")
    a = np.array(v)
    _check_numpy_dtype(a, wide_ok)
    return a


def _join(a, b):
    if a is None:
        return b
    if isinstance(a, str) and isinstance(b, str):
        return a if _RANK[a] >= _RANK[b] else b
    weak = {"b": np.dtype(np.bool_), "i": np.dtype(np.int64), "f": _dt.DEFAULT.float.np, "c": _dt.DEFAULT.float.to_complex().np}
    da = a if not isinstance(a, str) else weak[a]
    db = b if not isinstance(b, str) else weak[b]
    return _dt.promote_types(_dt.FROM_NP[da], _dt.FROM_NP[db]).np


def _flatten(data, depth):
    items = [data]
    for _ in range(depth):
        items = [y for x in items for y in x]
    return [x._data if isinstance(x, Tensor) else x for x in items]


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """A new tensor holding a copy of ``data`` (a number, nested lists, an array or a tensor)."""
    check_device(device)
    if isinstance(data, Tensor):
        from ._user_warning import warn_at_caller       # (the user's line, past the factory wrappers)
        warn_at_caller("To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or "
                       "sourceTensor.detach().clone().requires_grad_(True), rather than torch.tensor(sourceTensor).")
    want = _dt.to_dtype(dtype).np if dtype is not None else None
    arr = _infer(data, want)
    if want is not None and arr.dtype != want:
        arr = arr.astype(want)
    return _check_rg(_wrap(_creation_copy.keep_layout(arr, data)), requires_grad)     # (its layout kept)


def as_tensor(data, dtype=None, device=None):
    """Like ``tensor`` but shares memory with a NumPy array or tensor of the right dtype."""
    check_device(device)
    dt = _dt.to_dtype(dtype) if dtype is not None else None
    if isinstance(data, Tensor):
        return data if dt is None or data.dtype is dt else data.to(dt)
    if isinstance(data, np.ndarray) and data.dtype.kind in "biuf":
        _check_numpy_dtype(data, wide_ok=dt is not None)
        check_writable(data)
        t = _wrap(data)
        return t if dt is None or data.dtype == dt.np else _wrap(data.astype(dt.np))
    if isinstance(data, np.ndarray) and data.dtype.kind == "c":
        check_writable(data)
    # Python numbers go straight into the asked dtype: as_tensor(0.9, dtype=float64) is the double 0.9
    arr = _infer(data, dt.np if dt is not None else None)
    if dt is not None:
        arr = arr.astype(dt.np, copy=False)
    return _wrap(arr)


from ._creation_asarray import asarray  # noqa: E402  (it uses as_tensor)
from ._numpy_readonly import check_writable  # noqa: E402


def from_numpy(ndarray):
    """A tensor sharing memory with ``ndarray``: writes through either show in both."""
    if not isinstance(ndarray, np.ndarray):
        from ._arg_parser import tp_name
        raise TypeError(f"expected np.ndarray (got {tp_name(ndarray)})")
    _check_numpy_dtype(ndarray)
    check_writable(ndarray)
    return _wrap(ndarray)


def _filled(size, value, dtype, requires_grad, device, default=None, fn="empty"):
    check_device(device)
    dt = _dt.to_dtype(dtype) if dtype is not None else (default or _dt.DEFAULT.float)
    shape = _size(size, fn)
    # torch checks the value's range, except in its one-element float16 fill (too big -> inf)
    if not isinstance(value, Tensor) and (dt.np != np.float16 or math.prod(shape) != 1):
        from .ops._scalar_cast import checked_scalar
        value = checked_scalar(value, np.dtype(dt.np))
    return _check_rg(_wrap(_alloc.full(shape, value, dt.np)), requires_grad)


def _sparse_layout(layout):
    """layout=torch.sparse_coo / sparse_csr: the factory makes an empty sparse tensor (sparse/_factory.py)."""
    return layout is not None and layout.name != "strided"


def _sparse_zeros(shape, dtype, layout, requires_grad):
    from .sparse._factory import sparse_zeros
    return sparse_zeros(shape, dtype, layout, requires_grad)


def _refuse_sparse_full(layout):
    if _sparse_layout(layout):
        from .sparse._factory import refuse_full
        refuse_full(layout)


def zeros(*args, size=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          pin_memory=False):
    size = _size_kw(args, size, "zeros")
    if any(isinstance(s, int) and s < 0 for s in (size[0] if len(size) == 1 and isinstance(size[0], (tuple, list))
                                                  else size)):
        raise RuntimeError("zeros: Dimension size must be non-negative.")
    if _sparse_layout(layout):
        return _sparse_zeros(_size(size, "zeros"), dtype, layout, requires_grad)
    return _filled(size, 0, dtype, requires_grad, device, fn="zeros")


def ones(*args, size=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
         pin_memory=False):
    size = _size_kw(args, size, "ones")
    _refuse_sparse_full(layout)
    return _filled(size, 1, dtype, requires_grad, device, fn="ones")


def empty(*args, size=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          pin_memory=False, memory_format=None):
    size = _size_kw(args, size, "empty")
    if _sparse_layout(layout) and layout.name == "sparse_coo":
        return _sparse_zeros(_size(size, "empty"), dtype, layout, requires_grad)
    r = _filled(size, 0, dtype, requires_grad, device)
    if memory_format is None:
        return r
    from ._creation_format import empty_in_format
    return empty_in_format(r, memory_format)


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    _refuse_sparse_full(layout)
    return full_named(size, fill_value, dtype, requires_grad, device, "full")


def full_named(size, fill_value, dtype, requires_grad, device, fn):
    """``full``, whose size must be a sequence; ``fn`` names the caller in torch's errors (new_full ...)."""
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"{fn}(): argument 'size' (position 1) must be tuple of ints, not {_size_type_name(size)}")
    _creation_copy.number_fill(fill_value, fn)
    if dtype is None:
        dflt = _dt.number_dtype(fill_value.item() if isinstance(fill_value, Tensor) else fill_value)
    else:
        dflt = None
    return _filled((tuple(size),), fill_value, dtype, requires_grad, device, dflt, fn)


def _like(t, dtype):
    return _dt.to_dtype(dtype) if dtype is not None else t.dtype


def zeros_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    if _sparse_layout(layout) and layout.name == "sparse_coo" and isinstance(input, Tensor):
        return _sparse_zeros(input.shape, _like(input, dtype), layout, requires_grad)
    return _filled_like(input, 0, dtype, requires_grad, device, memory_format)


def ones_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    return _filled_like(input, 1, dtype, requires_grad, device, memory_format)


def empty_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    return _filled_like(input, 0, dtype, requires_grad, device, memory_format)


def full_like(input, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    _creation_copy.number_fill(fill_value, "full_like")
    return _filled_like(input, fill_value, dtype, requires_grad, device, memory_format)



def _filled_like(input, value, dtype, requires_grad, device, memory_format):
    from ._creation_like import filled_like
    try:
        shape = input._data.shape
    except AttributeError:          # not a tensor: torch's parser error
        not_a_tensor()
    return filled_like(input, _filled(shape, value, _like(input, dtype), requires_grad, device),
                       requires_grad, memory_format)


from ._creation_ranges import arange, linspace, logspace, eye  # noqa: E402,F401  (torch.arange ...)


from ._legacy_ctor import legacy_new, tensortype as _LegacyMeta  # noqa: E402,F401  (torch.FloatTensor(...))


def _legacy_class(name, dt):
    def __new__(cls, *args, **kwargs):
        kwargs["_legacy_dtype"] = dt
        return legacy_new(Tensor, args, kwargs)
    return _LegacyMeta(name, (), {"__new__": __new__, "_legacy_dtype": dt, "_is_cuda": False, "__module__": "torch"})


FloatTensor = _legacy_class("FloatTensor", _dt.float32)
DoubleTensor = _legacy_class("DoubleTensor", _dt.float64)
HalfTensor = _legacy_class("HalfTensor", _dt.float16)
LongTensor = _legacy_class("LongTensor", _dt.int64)
IntTensor = _legacy_class("IntTensor", _dt.int32)
ShortTensor = _legacy_class("ShortTensor", _dt.int16)
CharTensor = _legacy_class("CharTensor", _dt.int8)
ByteTensor = _legacy_class("ByteTensor", _dt.uint8)
BoolTensor = _legacy_class("BoolTensor", _dt.bool_)


def _rebuild(data, requires_grad, cls):
    t = _wrap(data.copy())
    t._rg = requires_grad
    if cls is not Tensor:
        t = cls(t, requires_grad)
    return t
