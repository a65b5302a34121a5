"""The legacy constructors: ``torch.Tensor(...)``, ``torch.FloatTensor(...)`` & co and ``x.new(...)``.

torch binds their arguments against these signatures (tensor_new.cpp, legacy_tensor_generic_ctor_new)::

    new(*, Device? device=None)                      -> an empty (0,) tensor
    new(Storage storage)                              -> a tensor on that storage
    new(Tensor other)                                 -> an alias of other (AliasBackward0 in the graph)
    new(SymIntArrayRef size, *, Device? device=None)  -> uninitialised (here zero) tensor of that size
    new(PyObject* data, *, Device? device=None)       -> a copy of the sequence ``data``

A single sequence binds to ``size`` only when it is a ``torch.Size``; any other sequence is data.
``torch.Tensor(other)`` keeps other's dtype; a typed class (``torch.FloatTensor``) and ``x.new``
require other's dtype to be theirs.
"""
import operator

import numpy as np

from . import _dtype as _dt
from ._arg_parser import tp_name
from ._device import Size, check_device
from ._tensor import Tensor, _wrap

SIGNATURES = (
    "new(*, Device? device=None)",
    "new(Storage storage)",
    "new(*, int64_t cdata)|hidden",
    "new(Tensor other)",
    "new(Tensor other, *, Device? device=None)|hidden",
    "new(SymIntArrayRef size, *, Device? device=None)",
    "new(PyObject* data, *, Device? device=None)",
)
_CPP_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half", "bfloat16": "c10::BFloat16",
              "int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char",
              "uint8": "unsigned char", "bool": "bool", "complex64": "c10::complex<float>",
              "complex128": "c10::complex<double>"}


def _is_int(x):
    """The parser's is_int_or_symint, which decides whether the arguments are a size: a one-element integer
    (or bool) tensor, or else anything with ``__index__`` but a Python bool (a 0-d integer array too)."""
    if isinstance(x, Tensor):
        return x._data.size == 1 and x._data.dtype.kind in "biu"
    if isinstance(x, bool):
        return False
    try:
        operator.index(x)
    except TypeError:
        return False
    return True


def _size_item(x, pos):
    """Size item ``pos`` as the parser unpacks it: a tensor by ``item()``, anything else by ``__index__``."""
    if isinstance(x, Tensor):
        if x._data.size == 1 and x._data.dtype.kind in "iu":
            return int(x._data.reshape(-1)[0])
        if x._data.size == 1 and x._data.dtype.kind == "b":
            raise RuntimeError("Expected scalar.isIntegral( false) to be true, but got false.  (Could this error "
                               "message be improved?  If so, please report an enhancement request to PyTorch.)")
    else:
        try:
            return operator.index(x)
        except TypeError:
            pass
    from ._sizes import unpack_error
    raise unpack_error("new", "size", pos, tp_name(x))


def _options(dt):
    name = _CPP_NAMES.get(str(dt).replace("torch.", ""), str(dt))
    return (f"TensorOptions(dtype={name}, device=cpu, layout=Strided, requires_grad=false (default), "
            f"pinned_memory=false (default), memory_format=(nullopt))")


def _sizes(args):
    sizes = tuple(int(s) for s in args)
    for s in sizes:
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(sizes)}")
    return sizes


def _bad_call(args, kwargs):
    from ._arg_parser import parser_error
    err = parser_error(SIGNATURES, args, kwargs)
    return err if err is not None else TypeError("new(): invalid arguments")


def construct(args, kwargs, dt, check_other, method=False):
    """The tensor a legacy constructor returns; ``dt`` is its dtype, ``check_other`` whether a tensor
    argument must already have it; ``method`` says the caller is ``x.new`` (its own error text)."""
    if any(k != "device" for k in kwargs):
        raise _bad_call(args, kwargs)
    device = kwargs.get("device")
    if device is not None:
        check_device(device)
    if not args:
        return _wrap(np.zeros((0,), dt.np))
    first = args[0]
    if len(args) == 1 and isinstance(first, Tensor):
        if "device" in kwargs:
            raise RuntimeError(
                "Legacy tensor new of the form tensor.new(tensor, device=device) is not supported.  Use "
                "torch.as_tensor(...) instead." if method else
                "Legacy tensor constructor of the form torch.Tensor(tensor, device=device) is not "
                "supported.  Use torch.tensor(...) or torch.as_tensor(...) instead.")
        if check_other and first.dtype is not dt:
            raise TypeError(f"expected {_options(dt)} (got {_options(first.dtype)})")
        from .ops.index import _alias
        return _alias(first)
    if len(args) == 1 and _is_storage(first):
        return _on_storage(first, dt)
    if len(args) == 1 and isinstance(first, Size):
        return _wrap(np.zeros(_sizes(first), dt.np))
    if _is_int(first):            # the parser decides on the first argument, then unpacks them all
        return _wrap(np.zeros(_sizes([_size_item(a, i) for i, a in enumerate(args)]), dt.np))
    if len(args) > 1:
        raise _bad_call(args, kwargs)
    if isinstance(first, (str, bytes)):
        raise TypeError(f"new(): invalid data type '{tp_name(first)}'")
    from ._creation_seqlike import as_lists, contains_sequences, is_sequence
    if not is_sequence(first):
        raise TypeError(f"new(): data must be a sequence (got {tp_name(first)})")
    from ._creation import _infer
    try:        # (built straight into dt, as torch.tensor(data, dtype=dt): DoubleTensor([0.1]) holds the double 0.1)
        return _wrap(_infer(first, dt.np).astype(dt.np, copy=False))
    except (TypeError, RuntimeError):
        if isinstance(first, np.ndarray) or not contains_sequences(first, bytes_too=True):
            raise
    # a nested bytes: torch infers no dtype here, so it stores its byte values as a list's
    return _wrap(_infer(as_lists(first, bytes_too=True), dt.np).astype(dt.np, copy=False))


def _is_storage(x):
    return type(x).__name__ in ("TypedStorage", "UntypedStorage")


_SCALAR_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long", "int32": "Int",
                 "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}


def _on_storage(storage, dt):
    """``new(Storage storage)``: a 1-d tensor on the storage's memory (writes show through).  A typed
    storage must hold ``dt`` (``torch.Tensor``'s too: the default float type); an untyped storage's bytes
    are read as ``dt``."""
    from . import from_numpy
    if type(storage).__name__ == "UntypedStorage":
        a = storage._array
        flat = (a if a.flags.c_contiguous else np.ascontiguousarray(a)).reshape(-1).view(np.uint8).view(dt.np)
        return from_numpy(flat)
    if storage.dtype is not dt:
        want, got = (_SCALAR_NAMES.get(str(d).replace("torch.", ""), str(d)) for d in (dt, storage.dtype))
        raise RuntimeError(f"Expected a Storage of type {want} or an UntypedStorage, but got type {got} for "
                           f"argument 1 'storage'")
    return from_numpy(storage._flat())


def legacy_new(cls, args, kwargs):
    """``torch.Tensor(...)`` (``_legacy_dtype`` unset: the default float type, a tensor argument keeps
    its own dtype) or ``torch.FloatTensor(...)`` & co (``_legacy_dtype`` set)."""
    if cls is not Tensor:      # a subclass: the same tensor, of that class (torch's Tensor.__new__)
        from ._torch_function import _retype
        return _retype(legacy_new(Tensor, args, kwargs), cls)
    kwargs = dict(kwargs)
    dt = kwargs.pop("_legacy_dtype", None)
    return construct(args, kwargs, dt or _dt.DEFAULT.float, check_other=dt is not None)


class tensortype(type):
    """The metaclass of the legacy types (``type(torch.FloatTensor)`` is ``torch.tensortype``): class-level
    ``dtype``/``layout``/``is_cuda``/..., ``isinstance`` by dtype, and Tensor's methods as attributes
    (``torch.FloatTensor.zero_``)."""

    def __instancecheck__(cls, obj):
        # (a sparse tensor is an instance of torch.sparse.FloatTensor & co, not of these)
        return isinstance(obj, Tensor) and not cls._is_cuda and obj.dtype is cls._legacy_dtype and \
            obj.layout.name == "strided"

    @property
    def dtype(cls):
        if cls._legacy_dtype is None:       # BFloat16Tensor: a dtype glasstorch lacks
            raise TypeError("glasstorch does not support dtype torch.bfloat16 yet")
        return cls._legacy_dtype

    @property
    def layout(cls):
        from ._runtime import strided
        return strided

    @property
    def is_cuda(cls):
        return cls._is_cuda

    is_sparse = is_sparse_csr = is_xpu = property(lambda cls: False)

    def __getattr__(cls, name):
        if not name.startswith("__"):
            try:
                return getattr(Tensor, name)
            except AttributeError:
                pass
        raise AttributeError(f"type object '{cls.__module__}.{cls.__name__}' has no attribute '{name}'")


tensortype.__module__ = "torch"
