"""The torch names a checkpoint's pickle refers to, and the glasstorch objects that stand in for them.

A torch pickle names functions by module and name (``GLOBAL 'torch._utils _rebuild_tensor_v2'``)
and storages by class (``torch FloatStorage``).  ``TORCH_GLOBALS`` maps each name torch's
``weights_only`` loader allows to the glasstorch object that plays its part; the saver writes
the same names back (``NAME_OF``).  Nothing here imports torch.

A storage is one flat NumPy array; every tensor loaded from it is a NumPy view of that array, so
tensors that shared a storage in the file share memory after loading, as in torch.
"""
import collections
import _codecs

import numpy as np

from . import _dtype as dt
from ._device import Size, device
from ._tensor import Tensor, _wrap

# torch's legacy storage class names (what the pickle records) and their element types;
# the dtypes glasstorch lacks are named so that loading one says which it is
STORAGE_DTYPES = {
    "DoubleStorage": dt.float64, "FloatStorage": dt.float32, "HalfStorage": dt.float16,
    "LongStorage": dt.int64, "IntStorage": dt.int32, "ShortStorage": dt.int16, "CharStorage": dt.int8,
    "ByteStorage": dt.uint8, "BoolStorage": dt.bool_,
    "ComplexDoubleStorage": dt.complex128, "ComplexFloatStorage": dt.complex64, "BFloat16Storage": "bfloat16",
    "QUInt8Storage": "quint8", "QInt8Storage": "qint8", "QInt32Storage": "qint32",
    "QUInt4x2Storage": "quint4x2", "QUInt2x4Storage": "quint2x4",
}
STORAGE_NAME = {d: name for name, d in STORAGE_DTYPES.items() if isinstance(d, dt.dtype)}

# every torch dtype name that can appear as ``GLOBAL 'torch <name>'``
TORCH_ONLY_DTYPES = ("bfloat16", "complex32", "uint16", "uint32", "uint64",
                     "float8_e4m3fn", "float8_e4m3fnuz", "float8_e5m2", "float8_e5m2fnuz", "float8_e8m0fnu",
                     "float4_e2m1fn_x2", "qint8", "quint8", "qint32", "quint4x2", "quint2x4",
                     "bits1x8", "bits2x4", "bits4x2", "bits8", "bits16", "int1", "int2", "int3", "int4",
                     "int5", "int6", "int7", "uint1", "uint2", "uint3", "uint4", "uint5", "uint6", "uint7")


def unsupported_dtype(name):
    return TypeError(f"this checkpoint holds a tensor of dtype torch.{name}, which glasstorch does not support "
                     f"yet (it has {', '.join('torch.' + d.name for d in dt.ALL)}); convert it in PyTorch "
                     f"first, e.g. tensor.float()")


class StorageType:
    """Stands in for ``torch.FloatStorage`` and friends: only the element type matters when loading."""
    __slots__ = ("name", "dtype")

    def __init__(self, name, dtype):
        self.name, self.dtype = name, dtype

    def __repr__(self):
        # torch's class repr: protocol 0 writes a persistent id as the text of its tuple
        return f"<class 'torch.{self.name}'>"


class Storage:
    """A loaded storage: ``array`` is the flat NumPy array every tensor over it views."""
    __slots__ = ("array", "qdtype", "meta")

    def __init__(self, array, dtype=None, meta=False):
        self.array = array
        self.meta = meta            # restored to the meta device (map_location="meta"): tensors over it are meta
        # a quantized storage type's dtype (torch.qint8 ...): its array holds the integers
        self.qdtype = dtype if dtype is not None and dtype not in dt.ALL else None

    @property
    def dtype(self):
        return self.qdtype or dt.FROM_NP[self.array.dtype]


def _check_ints(what, seq):
    if not isinstance(seq, (tuple, list)) or not all(type(v) is int for v in seq):
        raise TypeError(f"_rebuild_tensor(): argument '{what}' must be a tuple of ints, not {type(seq).__name__}")


def _view_of(storage, storage_offset, size, stride):
    """The NumPy view ``storage[offset :: stride]`` shaped ``size``; torch's checks, torch's errors."""
    if type(storage) is not Storage:
        raise TypeError(f"_rebuild_tensor(): expected a storage, got {type(storage).__name__}")
    if type(storage_offset) is not int:
        raise TypeError(f"_rebuild_tensor(): storage_offset must be int, not {type(storage_offset).__name__}")
    _check_ints("size", size)
    _check_ints("stride", stride)
    if len(size) != len(stride):
        raise RuntimeError(f"mismatch in length of strides and shape: {len(stride)} vs {len(size)}")
    if any(s < 0 for s in size):
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(size)}: {list(size)}")
    if any(s < 0 for s in stride):
        raise RuntimeError(f"as_strided: Negative strides are not supported at the moment, got strides: {list(stride)}")
    if storage_offset < 0:
        raise RuntimeError(f"Tensor: invalid storage offset {storage_offset}")
    arr = storage.array
    item = arr.itemsize
    if 0 in size:
        return arr[:0].reshape(size)                 # still a view of the storage
    needed = storage_offset + 1 + sum((n - 1) * s for n, s in zip(size, stride))
    if needed > arr.size:
        raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset {storage_offset}, "
                           f"and itemsize {item} requiring a storage size of {needed * item} are out of bounds "
                           f"for storage of size {arr.size * item}")
    return np.ndarray(tuple(size), arr.dtype, buffer=arr, offset=storage_offset * item,
                      strides=tuple(s * item for s in stride))


def _rebuild_tensor(storage, storage_offset, size, stride):
    t = _wrap(_view_of(storage, storage_offset, size, stride))
    if storage.meta:
        from ._meta import to_meta
        t = to_meta(t)
    return t


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks, metadata=None):
    t = _rebuild_tensor(storage, storage_offset, size, stride)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _rebuild_tensor_v3(storage, storage_offset, size, stride, requires_grad, backward_hooks, dtype, metadata=None):
    # v3 is what torch writes for dtypes without a legacy storage class: the storage is untyped bytes
    if type(dtype) is not dt.dtype:
        raise TypeError(f"_rebuild_tensor_v3(): expected a dtype, got {type(dtype).__name__}")
    if type(storage) is Storage and storage.array.dtype != dtype.np:
        raw = storage.array
        if raw.size % dtype.itemsize:
            raise RuntimeError(f"storage of {raw.size} bytes does not hold whole {dtype} elements")
        storage = Storage(raw.view(dtype.np), meta=storage.meta)
    return _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks, metadata)


def _rebuild_parameter(data, requires_grad, backward_hooks):
    from .nn.parameter import Parameter
    if not isinstance(data, Tensor):
        raise TypeError(f"Parameter(): expected a tensor, got {type(data).__name__}")
    return Parameter(data, bool(requires_grad))


def _rebuild_parameter_with_state(data, requires_grad, backward_hooks, state):
    p = _rebuild_parameter(data, requires_grad, backward_hooks)
    _set_state(p, state)
    return p


def _rebuild_from_type_v2(func, new_type, args, state):
    """A tensor (or Parameter) that carried Python attributes: rebuild it, then set them back."""
    if not isinstance(args, tuple):
        raise TypeError("_rebuild_from_type_v2(): args must be a tuple")
    t = func(*args)
    if not isinstance(t, Tensor):
        raise TypeError(f"_rebuild_from_type_v2(): expected a tensor, got {type(t).__name__}")
    if new_type is not Tensor and new_type is not type(t):
        from .nn.parameter import Parameter
        if new_type is Parameter:
            t = Parameter(t, t.requires_grad)
        else:
            raise TypeError(f"glasstorch cannot rebuild a tensor subclass {new_type!r}")
    _set_state(t, state)
    return t


def _set_state(t, state):
    if state is None:
        return
    if isinstance(state, tuple) and len(state) == 2:     # (dict state, slot state)
        state = {**(state[0] or {}), **(state[1] or {})}
    if not isinstance(state, dict):
        raise TypeError(f"expected a dict of tensor attributes, got {type(state).__name__}")
    for k, v in state.items():
        if not isinstance(k, str):
            raise TypeError("tensor attribute names must be strings")
        t.__dict__[k] = v


def _get_layout(name):
    from . import strided, sparse_coo, sparse_csr, sparse_csc
    known = {"torch.strided": strided, "torch.sparse_coo": sparse_coo, "torch.sparse_csr": sparse_csr,
             "torch.sparse_csc": sparse_csc}
    if name not in known:
        raise RuntimeError(f"glasstorch only supports the torch.strided, torch.sparse_coo, torch.sparse_csr and "
                           f"torch.sparse_csc layouts, this checkpoint uses {name}")
    return known[name]


def _rebuild_sparse_tensor(layout, data):
    """A COO tensor from (indices, values, size[, is_coalesced]), or a CSR matrix from (crow_indices,
    col_indices, values, size), as torch pickles them."""
    from . import sparse_coo, sparse_coo_tensor, sparse_csr, sparse_csc
    if layout is sparse_csr:
        return _rebuild_csr(*data)
    if layout is sparse_csc:            # (ccol_indices, row_indices, values, size): the transpose's CSR arrays
        ccol, row, values, size = data
        return _rebuild_csr(ccol, row, values, (size[1], size[0])).t()
    if layout is not sparse_coo:
        raise RuntimeError(f"this checkpoint holds a {layout} tensor, which glasstorch cannot load")
    if not isinstance(data, tuple) or len(data) not in (3, 4):
        raise TypeError("_rebuild_sparse_tensor(): expected (indices, values, size[, is_coalesced])")
    indices, values, size = data[:3]
    is_coalesced = data[3] if len(data) == 4 else None
    if not isinstance(indices, Tensor) or not isinstance(values, Tensor):
        raise TypeError("_rebuild_sparse_tensor(): indices and values must be tensors")
    return sparse_coo_tensor(indices, values, size, check_invariants=False, is_coalesced=is_coalesced)


def _rebuild_csr(crow, col, values, size):
    """row of each stored entry = how many row starts (crow) lie at or before its position"""
    from .sparse._csr import csr_from_coo
    if len(size) != 2 or values._data.ndim != 1:
        raise RuntimeError("this checkpoint holds a batched or hybrid sparse CSR tensor, which glasstorch cannot load")
    crow = np.asarray(crow._data, np.int64)
    rows = np.repeat(np.arange(len(crow) - 1, dtype=np.int64), np.diff(crow))
    idx = np.stack([rows, np.asarray(col._data, np.int64)])
    return csr_from_coo(idx, values._data, tuple(int(s) for s in size))


def _unsupported(what):
    def rebuild(*args, **kwargs):
        raise RuntimeError(f"this checkpoint holds {what}, which glasstorch cannot load")
    rebuild.__name__ = "_rebuild_" + what.replace(" ", "_")
    return rebuild


def _parameter_class():
    from .nn.parameter import Parameter
    return Parameter


def _build_table():
    """``{"module.name": object}`` for every global a weights-only load may name."""
    table = {
        "collections.OrderedDict": collections.OrderedDict,
        "collections.Counter": collections.Counter,
        "torch.nn.parameter.Parameter": _parameter_class(),
        "torch.serialization._get_layout": _get_layout,
        "torch.Size": Size,
        "torch.Tensor": Tensor,
        "torch.device": device,
        "_codecs.encode": _codecs.encode,          # how protocol 2 spells a bytes object
        "builtins.bytearray": bytearray,
        "builtins.set": set,
        "builtins.complex": complex,
        "torch._utils._rebuild_tensor": _rebuild_tensor,
        "torch._utils._rebuild_tensor_v2": _rebuild_tensor_v2,
        "torch._utils._rebuild_tensor_v3": _rebuild_tensor_v3,
        "torch._utils._rebuild_parameter": _rebuild_parameter,
        "torch._utils._rebuild_parameter_with_state": _rebuild_parameter_with_state,
        "torch._tensor._rebuild_from_type_v2": _rebuild_from_type_v2,
        "torch.storage.UntypedStorage": StorageType("storage.UntypedStorage", dt.uint8),
    }
    table["torch._utils._rebuild_sparse_tensor"] = _rebuild_sparse_tensor
    for what in ("meta_tensor_no_storage", "nested_tensor", "wrapper_subclass",
                 "device_tensor_from_numpy", "device_tensor_from_cpu_tensor"):
        table["torch._utils._rebuild_" + what] = _unsupported(what.replace("_", " "))
    for d in dt.ALL:
        table["torch." + d.name] = d
    for name, d in STORAGE_DTYPES.items():
        table["torch." + name] = StorageType(name, d)
    from ._quant_serialization import quant_globals     # qint8 ..., the qschemes, QInt8Storage ..., _rebuild_qtensor
    table.update(quant_globals())
    return table


TORCH_GLOBALS = _build_table()

# what the saver writes for each glasstorch object that has a torch name
# (builtins and collections are left to pickle, which spells them as torch's pickler does)
NAME_OF = {id(obj): name for name, obj in TORCH_GLOBALS.items() if name.startswith("torch.")}
STORAGE_TYPE_OF = {d: TORCH_GLOBALS["torch." + STORAGE_NAME[d]] for d in dt.ALL}


def lookup(full_name):
    """The stand-in for a torch global, or raise for a dtype glasstorch lacks; None if unknown."""
    obj = TORCH_GLOBALS.get(full_name)
    if obj is None and full_name.startswith("torch.") and full_name[6:] in TORCH_ONLY_DTYPES:
        raise unsupported_dtype(full_name[6:])
    if isinstance(obj, StorageType) and isinstance(obj.dtype, str):
        raise unsupported_dtype(obj.dtype)
    return obj
