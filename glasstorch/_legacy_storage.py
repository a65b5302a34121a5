"""``torch.FloatStorage``, ``torch.LongStorage`` ... : the typed storage classes of torch 0.x/1.x code.

In torch 2 each is a shell around ``TypedStorage``: calling one builds a plain ``TypedStorage`` of its
dtype (``type(torch.FloatStorage(3))`` is ``TypedStorage``), and ``isinstance(s, torch.FloatStorage)``
asks whether ``s`` is a ``TypedStorage`` of that dtype.  A storage made from a size holds zeros here;
torch leaves its memory uninitialised (whatever the allocator returned), which no program can rely on.
"""
import collections.abc

import numpy as np

from . import _dtype as _dt
from .storage import TypedStorage, _warn_typed_storage_removal


class _LegacyStorageMeta(type):
    dtype = None

    def __instancecheck__(cls, instance):
        return type(instance) is TypedStorage and instance.dtype == cls.dtype


class _LegacyStorage(TypedStorage, metaclass=_LegacyStorageMeta):
    def __new__(cls, *args, wrap_storage=None, **kwargs):
        from .ops.storage import UntypedStorage

        def refuse(kind, why):
            return kind(f"{cls}.__new__ received an invalid combination of arguments. Expected one of:\n * no "
                        "arguments\n * (int size)\n * (Sequence data)\n * (*, UntypedStorage wrap_storage)\n" + why)
        for key in ("dtype", "device"):
            if key in kwargs:
                raise refuse(RuntimeError, f"Keyword argument '{key}' cannot be specified")
        if kwargs:
            raise TypeError(f"__new__() got an unexpected keyword argument '{next(iter(kwargs))}'")
        if len(args) > 1:
            raise refuse(RuntimeError, "Too many positional arguments")
        if wrap_storage is not None:
            if args:
                raise refuse(RuntimeError, "No positional arguments should be given when using 'wrap_storage'")
            if not isinstance(wrap_storage, UntypedStorage):
                raise refuse(TypeError, f"Argument 'wrap_storage' must be UntypedStorage, but got "
                                        f"{type(wrap_storage)}")
            data = None
        elif not args:
            data = np.empty(0, cls.dtype.np)
        elif isinstance(args[0], (int, np.integer)):
            data = np.zeros(int(args[0]), cls.dtype.np)     # (torch: uninitialised memory)
        elif isinstance(args[0], collections.abc.Sequence):
            from ._creation import tensor
            data = tensor(args[0], dtype=cls.dtype)._data.reshape(-1)
        else:
            raise refuse(TypeError, f"Argument type not recognized: {type(args[0])}")
        _warn_typed_storage_removal()
        return TypedStorage(wrap_storage=wrap_storage if data is None else UntypedStorage(data), dtype=cls.dtype,
                            _internal=True)

    @classmethod
    def from_file(cls, filename, shared=False, size=0):
        from ._storage_file import typed_from_file
        return typed_from_file(cls, filename, shared, size)

    @classmethod
    def from_buffer(cls, buffer, byte_order="native", count=-1, offset=0):
        order = {"native": "=", "little": "<", "big": ">"}[byte_order]
        data = np.frombuffer(buffer, np.dtype(cls.dtype.np).newbyteorder(order), count, offset)
        from .ops.storage import UntypedStorage
        return cls(wrap_storage=UntypedStorage(data.astype(cls.dtype.np)))


_NAMES = {"Double": "float64", "Float": "float32", "Half": "float16", "Long": "int64", "Int": "int32",
          "Short": "int16", "Char": "int8", "Byte": "uint8", "Bool": "bool_", "ComplexDouble": "complex128",
          "ComplexFloat": "complex64"}

__all__ = []       # torch.<Name>Storage: glasstorch/__init__.py imports them on first use
for _prefix, _name in _NAMES.items():
    _cls = _LegacyStorageMeta(f"{_prefix}Storage", (_LegacyStorage,), {"__module__": __name__})
    _cls.dtype = getattr(_dt, _name)
    globals()[_cls.__name__] = _cls
    __all__.append(_cls.__name__)
