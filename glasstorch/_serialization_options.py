"""The smaller public names of ``torch.serialization``: the load/save switches kept in
``torch.utils.serialization.config`` (CRC-32s, mmap flags, fallback byte order), the public
``StorageType``, and helpers torch exports from that module.

``set_crc32_options(False)`` makes ``torch.save`` write 0 for every CRC-32 (and the serialization
id combines those zeros); ``set_default_mmap_options(mmap.MAP_SHARED)`` makes ``load(mmap=True)``
map the file shared, so writes to the tensors reach the file; the fallback byte order is used for
a checkpoint without a ``byteorder`` record (``LITTLE`` or None: little, ``BIG``: big, ``NATIVE``:
this machine's).
"""
import contextlib
import shutil
import sys
import tempfile
import warnings
from enum import Enum

__all__ = ["SourceChangeWarning", "mkdtemp", "check_module_version_greater_or_equal", "normalize_storage_type",
           "storage_to_tensor_type", "StorageType", "LoadEndianness", "get_crc32_options", "set_crc32_options",
           "get_default_load_endianness", "set_default_load_endianness", "get_default_mmap_options",
           "set_default_mmap_options"]

if sys.platform != "win32":
    from mmap import MAP_PRIVATE, MAP_SHARED
else:
    MAP_PRIVATE = MAP_SHARED = None


def _config():
    # imported on first use, as torch does: ``torch.utils.serialization`` is no attribute of a fresh
    # ``import torch`` until something reads the settings
    from .utils.serialization import config
    return config


class SourceChangeWarning(Warning):
    pass


class LoadEndianness(Enum):
    NATIVE = 1
    LITTLE = 2
    BIG = 3


def get_default_load_endianness():
    return _config().load.endianness


def set_default_load_endianness(endianness):
    if not isinstance(endianness, LoadEndianness) and endianness is not None:
        raise TypeError("Invalid argument type in function set_default_load_endianness")
    _config().load.endianness = endianness


def load_byteorder(recorded):
    """The byte order of a checkpoint's storages: its ``byteorder`` record, else the fallback (None
    for this machine's own order)."""
    if recorded is not None:
        if recorded not in (b"little", b"big"):
            raise ValueError("Unknown endianness type: " + recorded.decode())
        return recorded
    fallback = get_default_load_endianness()
    if fallback == LoadEndianness.LITTLE or fallback is None:
        return b"little"
    if fallback == LoadEndianness.BIG:
        return b"big"
    if fallback == LoadEndianness.NATIVE:
        return None
    raise ValueError("Invalid load endianness type")


def get_crc32_options():
    return _config().save.compute_crc32


def set_crc32_options(compute_crc32):
    _config().save.compute_crc32 = compute_crc32


def get_default_mmap_options():
    return _config().load.mmap_flags


class set_default_mmap_options:
    """Sets the flags of ``torch.load(mmap=True)``'s mapping, for good or (as a context manager) for a block."""

    def __init__(self, flags):
        if sys.platform == "win32":
            raise RuntimeError("Changing the default mmap options is currently not supported for Windows")
        if flags != MAP_PRIVATE and flags != MAP_SHARED:
            raise ValueError("Invalid argument in function set_default_mmap_options, "
                             f"expected mmap.MAP_PRIVATE or mmap.MAP_SHARED, but got {flags}")
        self.prev = _config().load.mmap_flags
        _config().load.mmap_flags = flags

    def __enter__(self):
        pass

    def __exit__(self, exc_type, exc_value, traceback):
        _config().load.mmap_flags = self.prev


_STORAGE_DTYPE_NAMES = {
    "DoubleStorage": "float64", "FloatStorage": "float32", "HalfStorage": "float16", "LongStorage": "int64",
    "IntStorage": "int32", "ShortStorage": "int16", "CharStorage": "int8", "ByteStorage": "uint8",
    "BoolStorage": "bool", "BFloat16Storage": "bfloat16", "ComplexDoubleStorage": "complex128",
    "ComplexFloatStorage": "complex64", "QInt8Storage": "qint8", "QInt32Storage": "qint32",
    "QUInt8Storage": "quint8", "QUInt4x2Storage": "quint4x2", "QUInt2x4Storage": "quint2x4"}


class StorageType:
    """``torch.serialization.StorageType(name)``: a legacy storage class by its pickled name."""

    def __init__(self, name):
        import glasstorch
        if name not in _STORAGE_DTYPE_NAMES:
            raise KeyError(f'pickle storage type "{name}" is not recognized')
        self._dtype = getattr(glasstorch, _STORAGE_DTYPE_NAMES[name], None) or _STORAGE_DTYPE_NAMES[name]

    @property
    def dtype(self):
        return self._dtype

    def __str__(self):
        return f"StorageType(dtype={self.dtype})"


def normalize_storage_type(storage_type):
    import glasstorch
    return getattr(glasstorch, storage_type.__name__)


def storage_to_tensor_type(storage):
    import importlib
    storage_type = type(storage)
    module = importlib.import_module(storage_type.__module__)
    return getattr(module, storage_type.__name__.replace("Storage", "Tensor"))


@contextlib.contextmanager
def mkdtemp():
    path = tempfile.mkdtemp()
    try:
        yield path
    finally:
        shutil.rmtree(path)


def check_module_version_greater_or_equal(module, req_version_tuple, error_if_malformed=True):
    """Whether ``module.__version__`` is at least ``req_version_tuple``, compared field by field in
    the requirement's types."""
    try:
        version_strs = module.__version__.split(".")
        module_version = tuple(type(req_field)(version_strs[idx]) for idx, req_field in enumerate(req_version_tuple))
        requirement_is_met = module_version >= req_version_tuple
    except Exception as e:      # noqa: BLE001 - torch reports any failure to compare alike
        message = (f"'{module.__name__}' module version string is malformed '{module.__version__}' and cannot be "
                   f"compared with tuple {str(req_version_tuple)}")
        if error_if_malformed:
            raise RuntimeError(message) from e
        warnings.warn(message + ", but continuing assuming that requirement is met", stacklevel=2)
        requirement_is_met = True
    return requirement_is_met
