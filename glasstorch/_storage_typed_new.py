"""``torch.TypedStorage(...)`` called by a user: its four forms and torch's argument errors.

    TypedStorage(*, device, dtype)                  an empty storage
    TypedStorage(size, *, device, dtype)            ``size`` elements (torch's memory is uninitialised;
                                                    glasstorch's holds zeros, which no program can rely on)
    TypedStorage(sequence, *, device, dtype)        the values of ``torch.tensor(sequence, dtype=dtype)``
    TypedStorage(*, wrap_storage, dtype)            a typed view of an ``UntypedStorage``
"""
import collections.abc

import numpy as np

_MSG = ("TypedStorage.__init__ received an invalid combination of arguments. Expected one of:\n"
        " * (*, torch.device device, torch.dtype dtype)\n"
        " * (int size, *, torch.device device, torch.dtype dtype)\n"
        " * (Sequence data, *, torch.device device, torch.dtype dtype)\n"
        " * (*, UntypedStorage wrap_storage, torch.dtype dtype)")


def _isint(x):
    import glasstorch
    return isinstance(x, (int, np.integer)) and not isinstance(x, bool) or (
        isinstance(x, glasstorch.SymInt) if hasattr(glasstorch, "SymInt") else False)


def typed_storage_init(args, device, dtype, wrap_storage):
    """(untyped storage, dtype) for the arguments, or torch's error."""
    import glasstorch
    from .ops.storage import UntypedStorage
    if wrap_storage is not None:
        if args:
            raise RuntimeError(_MSG + "\nNo positional arguments should be given when using 'wrap_storage'")
        if dtype is None:
            raise RuntimeError(_MSG + "\nArgument 'dtype' must be specified")
        if not isinstance(dtype, glasstorch.dtype):
            raise TypeError(_MSG + f"\nArgument 'dtype' must be torch.dtype, not {type(dtype)}")
        if device is not None:
            raise RuntimeError(_MSG + "\nArgument 'device' should not be specified when 'wrap_storage' is given")
        if not isinstance(wrap_storage, UntypedStorage):
            raise TypeError(_MSG + f"\nArgument 'wrap_storage' must be UntypedStorage, but got {type(wrap_storage)}")
        return wrap_storage, dtype
    dtype = glasstorch.get_default_dtype() if dtype is None else dtype
    glasstorch.device("cpu" if device is None else device)     # torch parses it (a bad string raises)
    if len(args) == 0:
        data = np.empty(0, dtype.np)
    elif len(args) == 1:
        if _isint(args[0]):
            data = np.zeros(int(args[0]), dtype.np)
        elif isinstance(args[0], collections.abc.Sequence):
            data = glasstorch.tensor(args[0], dtype=dtype)._data.reshape(-1)
        else:
            raise TypeError(_MSG + f"\nArgument type not recognized: {type(args[0])}")
    else:
        raise RuntimeError(_MSG + "\nToo many positional arguments")
    return UntypedStorage(data), dtype
