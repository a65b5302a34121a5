"""``torch.save`` / ``torch.load`` in torch's own checkpoint format, so files move both ways.

**Saving** pickles the object (protocol 2, as torch) with one change: a tensor is written as torch
writes it, ``torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad,
OrderedDict())``, where ``storage`` is a *persistent id* ``("storage", torch.FloatStorage, "0",
"cpu", numel)`` naming a record ``data/0`` of the zip archive (``_zip_format``).  glasstorch has
no storage objects: a tensor's storage is the NumPy buffer at the root of its array's ``.base``
chain, so views of one array share one storage, with offset and strides counted in elements.

**Loading** reads ``data.pkl`` and each storage record into one flat array; every tensor is a
NumPy view of its storage's array, so views that shared storage in the file share memory after
loading.  With ``weights_only=True`` (torch's default since 2.6) the pickle is read by
``_pickle_safe.Unpickler``, which refuses anything that is not a tensor, container, number,
string or allowlisted class; ``weights_only=False`` uses Python's unpickler and can run code
from the file: only for files you trust.

Saved ``.grad``, hooks and Python attributes on tensors are not kept (torch keeps attributes;
glasstorch drops them).
"""
import io
import os
import pickle
import sys
import types
from collections import OrderedDict

import numpy as np

from . import _dtype as dt
from . import _serialization_globals as G
from . import _pickle_safe
from ._class_paths import as_torch, is_ours
from ._device import Size, device
from ._empty_strides import contiguous_strides
from ._runtime import layout as _layout
from ._tensor import Tensor, _wrap
from ._zip_format import ZipReader
from ._save_target import ArchiveTarget, check_filelike, check_seekable
from ._pickle_safe import add_safe_globals, get_safe_globals, clear_safe_globals, safe_globals  # noqa: F401
from ._unsafe_globals import get_unsafe_globals_in_checkpoint  # noqa: F401
from ._serialization_options import *  # noqa: F401,F403  (torch.serialization's smaller public names)
from ._serialization_options import __all__ as _OPTIONS, MAP_SHARED, get_default_mmap_options, load_byteorder
from ._load_location import default_restore_location, location_tag, validate_cuda_device  # noqa: F401,E402
from ._serialization_aliases import (  # noqa: F401,E402
    FileLike, INT_SIZE, IS_WINDOWS, LONG_SIZE, MAP_LOCATION, PROTOCOL_VERSION, SHORT_SIZE, STORAGE,
    STORAGE_KEY_SEPARATOR, Storage)
from ._serialization_options import MAP_PRIVATE  # noqa: F401,E402
from ._pickle_module import pickler_class  # noqa: E402

__all__ = ["save", "load", "add_safe_globals", "get_safe_globals", "clear_safe_globals", "safe_globals",
           "get_unsafe_globals_in_checkpoint", "DEFAULT_PROTOCOL"] + _OPTIONS

DEFAULT_PROTOCOL = 2
MAGIC_NUMBER = 0x1950A86A20F9469CFC6C        # the first pickle of the legacy (pre-1.6) format
_UNSAFE = ("In PyTorch 2.6, we changed the default value of the `weights_only` argument in `torch.load` from `False` "
           "to `True`. Re-running `torch.load` with `weights_only` set to `False` will likely succeed, but it can "
           "result in arbitrary code execution. Do it only if you got the file from a trusted source.")


# ---- saving ---------------------------------------------------------------------------------------
def save(obj, f, pickle_module=pickle, pickle_protocol=DEFAULT_PROTOCOL, _use_new_zipfile_serialization=True,
         _disable_byteorder_record=False):
    """Write ``obj`` to ``f`` (a path or a writable binary file) in torch's zip checkpoint format."""
    if pickle_module is not pickle and not _use_new_zipfile_serialization:
        raise NotImplementedError("glasstorch.save supports only the standard pickle module")
    check_filelike(f)
    if not _use_new_zipfile_serialization:
        from ._legacy_serialization import legacy_save
        if isinstance(f, (str, os.PathLike)):
            with open(f, "wb") as out:
                return legacy_save(obj, out, pickle_protocol)
        try:
            return legacy_save(obj, f, pickle_protocol)
        finally:
            f.flush()           # torch's _open_buffer_writer flushes on the way out
    # opened before pickling, as torch: a save that raises still leaves torch's end-of-file records
    with ArchiveTarget(f) as z:
        storages = _StorageTable()
        buf = io.BytesIO()
        pickler_class(pickle_module)(buf, storages, pickle_protocol).dump(obj)
        z.write_record("data.pkl", buf.getbuffer())
        z.write_record(".format_version", b"1")
        z.write_record(".storage_alignment", str(z.zip.alignment).encode())
        if not _disable_byteorder_record:
            z.write_record("byteorder", sys.byteorder.encode())
        for key, data in storages.records():
            z.write_record(f"data/{key}", data)


def _root(arr):
    """The array that owns the memory ``arr`` views: glasstorch's notion of a storage."""
    while True:
        b = arr.base
        if isinstance(b, np.ndarray):
            arr = b
        elif isinstance(getattr(b, "base", None), np.ndarray):   # as_strided's DummyArray wrapper
            arr = b.base
        else:
            return arr


class _StorageTable:
    """Assigns storage keys "0", "1", ... to the distinct root buffers of the tensors pickled."""

    def __init__(self):
        self.by_root = {}          # id(root) -> (key, root, dtype, lowest address)
        self.keep = []             # roots and copies must stay alive until written

    def locate(self, arr):
        """``(persistent id, storage offset, strides)`` of ``arr``, offsets and strides in elements."""
        item = arr.itemsize
        root = _root(arr)
        lo = root.__array_interface__["data"][0]
        ptr = arr.__array_interface__["data"][0]
        strides = arr.strides
        if arr.size == 0 and not any(strides):
            strides = tuple(s * item for s in contiguous_strides(arr.shape))     # torch's strides (Tensor.stride)
        if not (root.flags.c_contiguous or root.flags.f_contiguous) or (ptr - lo) % item or root.nbytes % item \
                or any(s < 0 or s % item for s in strides):
            # torch has no negative or fractional strides: save this tensor as its own contiguous copy
            root = arr = np.ascontiguousarray(arr)
            lo = ptr = arr.__array_interface__["data"][0]
            strides = arr.strides
        entry = self.by_root.get(id(root))
        if entry is None:
            entry = self.by_root[id(root)] = (str(len(self.by_root)), root, arr.dtype, lo)
            self.keep.append(root)
        elif entry[2] != arr.dtype:
            raise RuntimeError("Cannot save multiple tensors or storages that view the same data as different types")
        d = dt.FROM_NP[arr.dtype]
        pid = ("storage", G.STORAGE_TYPE_OF[d], entry[0], "cpu", root.nbytes // item)
        return pid, (ptr - lo) // item, tuple(s // item for s in strides)

    def records(self):
        for key, root, _, _ in self.by_root.values():
            yield key, root.ravel(order="K").view(np.uint8)      # memory order, no copy


class _StorageId:
    """What a tensor's reduce tuple carries in place of a storage; pickled as a persistent id."""
    __slots__ = ("pid",)

    def __init__(self, pid):
        self.pid = pid


def _findable(obj):
    """Whether pickle can find ``obj`` again by its ``__module__`` and ``__qualname__`` (not a local one)."""
    import importlib
    try:
        found = importlib.import_module(obj.__module__)
        for part in obj.__qualname__.split("."):
            found = getattr(found, part)
    except (ImportError, AttributeError):
        return False
    return found is obj


class _TorchPickler(pickle._Pickler):
    """Python's pickler, writing glasstorch objects under the names torch pickles them with.

    The pure-Python pickler is used because torch's names (``torch._utils._rebuild_tensor_v2``)
    cannot be imported here; ``save`` writes their ``GLOBAL`` opcode directly.  Only the pickle's
    small metadata goes through it: storage bytes are written straight from the arrays.
    """

    def __init__(self, file, storages, protocol):
        super().__init__(file, protocol=protocol)
        self.storages = storages
        self.hooks = OrderedDict()

    def persistent_id(self, obj):
        if type(obj) is _StorageId:
            return obj.pid
        from ._utils import storage_pid
        return storage_pid(self.storages, obj)

    dispatch = dict(pickle._Pickler.dispatch)
    dispatch[types.FunctionType] = lambda self, obj: self.save_global(obj)     # (the base's table skips overrides)

    def save_global(self, obj, name=None):
        # torch pickles with the C pickler: its words for a class or function it cannot find again
        qual = name if name is not None else getattr(obj, "__qualname__", None) or getattr(obj, "__name__", "")
        if "<locals>" in str(qual).split("."):
            raise AttributeError(f"Can't pickle local object {qual!r}")
        try:
            return super().save_global(obj, name)
        except pickle.PicklingError as e:
            if ": it's not found as " in str(e):
                module = pickle.whichmodule(obj, qual)
                raise pickle.PicklingError(f"Can't pickle {obj!r}: attribute lookup {qual} on {module} failed") from None
            raise

    def save(self, obj, save_persistent_id=True):
        name = G.NAME_OF.get(id(obj))
        if name is not None:
            module, _, qualname = name.rpartition(".")
        elif isinstance(obj, (type, types.FunctionType)) and is_ours(obj) and _findable(obj):
            # a glasstorch class or function (a whole pickled model's nn.Linear, its activation F.relu)
            # goes by torch's path, whichever prefix it shows now: the file loads in torch, and in
            # glasstorch, whose loaders read torch.X as glasstorch.X
            module, qualname = as_torch(obj.__module__), obj.__qualname__
        else:
            return super().save(obj, save_persistent_id)
        memoized = self.memo.get(id(obj))
        if memoized is not None:
            self.write(self.get(memoized[0]))
            return
        if self.proto >= 4:         # as the C pickler: the two names (memoized strings), then STACK_GLOBAL;
            self.save(sys.intern(module))       # interned, as torch's __module__ strings, so a repeat is a BINGET
            self.save(sys.intern(qualname))
            self.write(pickle.STACK_GLOBAL)
        else:
            self.write(pickle.GLOBAL + f"{module}\n{qualname}\n".encode())
        self.memoize(obj)

    def reducer_override(self, obj):
        if isinstance(obj, Tensor):
            if obj.is_quantized:        # torch._utils._rebuild_qtensor over a QInt8Storage (_quant_serialization)
                from ._quant_serialization import reduce_qtensor
                return reduce_qtensor(obj, self.storages, _StorageId)
            if obj.is_sparse:       # a COO tensor, as torch: its indices and values, not the dense array
                return (G._rebuild_sparse_tensor,
                        (obj.layout, (obj._indices(), obj._values(), obj.size(), obj.is_coalesced())))
            if getattr(obj, "is_sparse_csr", False):
                return (G._rebuild_sparse_tensor,
                        (obj.layout, (obj.crow_indices(), obj.col_indices(), obj.values(), obj.size())))
            if obj.layout.name == "sparse_csc":
                return (G._rebuild_sparse_tensor,
                        (obj.layout, (obj.ccol_indices(), obj.row_indices(), obj.values(), obj.size())))
            if getattr(type(obj), "_is_param", False):
                return (G._rebuild_parameter, (_wrap(obj._data), obj._rg, OrderedDict()))
            pid, offset, stride = self.storages.locate(obj._data)
            return (G._rebuild_tensor_v2,
                    (_StorageId(pid), offset, obj._data.shape, stride, obj._rg, OrderedDict()))
        if isinstance(obj, (Size, device)):
            if type(obj) is Size:
                return (Size, (tuple(obj),))
            return (device, (obj.type,) if obj.index is None else (obj.type, obj.index))
        if type(obj) is _layout:
            return (G._get_layout, ("torch." + obj.name,))
        return NotImplemented


# ---- loading --------------------------------------------------------------------------------------
def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None, **pickle_load_args):
    """Read a checkpoint written by ``torch.save`` (or glasstorch's) from a path or binary file.

    ``weights_only`` defaults to True, as in torch >= 2.6: only tensors, Parameters, containers,
    numbers, strings and globals allowlisted by ``add_safe_globals`` load; anything else raises
    ``pickle.UnpicklingError`` before it can run.  ``map_location`` may be None, ``"cpu"``, a
    device, a dict of locations or a callable ``(storage, location)``.
    """
    weights_only = _pickle_safe.weights_only_choice(weights_only, pickle_module, pickle_load_args)
    if mmap is None:
        from .utils.serialization import config
        mmap = config.load.mmap
    encoding = pickle_load_args.pop("encoding", "utf-8")
    if isinstance(f, (str, os.PathLike)) and os.fspath(f).endswith(".safetensors"):
        from .utils.safetensors import load_file
        return load_file(os.fspath(f))
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as opened:
            return _load_file(opened, map_location, weights_only, encoding, mmap, f, pickle_load_args)
    check_seekable(f)
    return _load_file(f, map_location, weights_only, encoding, mmap, None, pickle_load_args)


def _load_file(f, map_location, weights_only, encoding, mmap, path, extra=None):
    start = f.tell()
    is_zip = f.read(4) == b"PK\x03\x04"
    f.seek(start)
    if extra:
        from ._load_args import reject_pickle_args
        reject_pickle_args(extra, weights_only, is_zip)
    try:
        if is_zip:
            return _load_zip(ZipReader(f), map_location, weights_only, encoding, mmap, path)
        if mmap:        # torch names the file only when it was given as a str
            raise RuntimeError(f"mmap can only be used with files saved with `torch.save("
                               f"{path + ', ' if isinstance(path, str) else ''}_use_new_zipfile_"
                               "serialization=True), please torch.save your checkpoint with this option in "
                               "order to use mmap.")
        return _load_legacy(f, map_location, weights_only, encoding)
    except pickle.UnpicklingError as e:
        if not weights_only:
            raise
        raise pickle.UnpicklingError(_weights_only_message(str(e))) from None


def _weights_only_message(msg):
    """torch.load's wording around the unpickler's message (bold escape codes included)."""
    import re
    docs = ("\n\nCheck the documentation of torch.load to learn more about types accepted by default with "
            "weights_only https://pytorch.org/docs/stable/generated/torch.load.html.")
    if re.search(r"GLOBAL (\S+) was not an allowed global by default.", msg):
        return ("Weights only load failed. This file can still be loaded, to do so you have two options, "
                "\033[1mdo those steps only if you trust the source of the checkpoint\033[0m. "
                f"\n\t(1) {_UNSAFE}\n\t(2) Alternatively, to load with `weights_only=True` please check the "
                f"recommended steps in the following error message.\n\tWeightsUnpickler error: {msg}{docs}")
    if re.search(r"(\S+) must be (\S+) to load", msg):
        return f"Weights only load failed. {msg}\n {_UNSAFE}\n"
    out = f"Weights only load failed. {_UNSAFE}\n"
    if not re.search(r"whose module (\S+) is blocked", msg):
        out += ("Please file an issue with the following so that we can make `weights_only=True` compatible with "
                "your use case: WeightsUnpickler error: ")
    return out + "\n\n" + msg + docs


def _load_legacy(f, map_location, weights_only, encoding):
    """Pre-1.6 checkpoints are a sequence of pickles (_legacy_serialization.py)."""
    magic = _unpickler(f, None, weights_only, encoding).load()
    if magic != MAGIC_NUMBER:
        raise RuntimeError("Invalid magic number; corrupt file?")
    protocol = _unpickler(f, None, weights_only, encoding).load()
    if protocol != 1001:
        raise RuntimeError(f"Invalid protocol version: {protocol}")
    from ._legacy_serialization import legacy_load
    return legacy_load(f, map_location, weights_only, encoding, _unpickler, _check_location)


def _load_zip(z, map_location, weights_only, encoding, mmap, path):
    # torch.load's order, so that damage fails at the same step: the record list (every name in
    # the archive folder and UTF-8), then the header records, then the pickle and its storages
    if "constants.pkl" in z.get_all_records():
        raise RuntimeError("this is a TorchScript archive (torch.jit.save); glasstorch can only load torch.save "
                           "checkpoints")
    if mmap and path is None:
        raise ValueError("f must be a file path in order to use the mmap argument")
    mmap_path = os.fspath(path) if mmap else None
    if z.has_record(".format_version"):
        z.get_record(".format_version")
    byteorder = load_byteorder(z.get_record("byteorder") if z.has_record("byteorder") else None)
    if z.has_record(".storage_alignment"):
        int(z.get_record(".storage_alignment"))
    swap = byteorder is not None and byteorder.decode() != sys.byteorder
    loaded = {}

    def persistent_load(pid):
        if not isinstance(pid, tuple):
            raise AssertionError(f"saved_id must be a tuple, got {type(pid).__name__}")
        typename = _pickle_safe._ascii(pid[0])
        if typename != "storage":
            raise AssertionError(f"Unknown typename for persistent_load, expected 'storage' but got '{typename}'")
        storage_type, key, location, numel = pid[1:]
        d = storage_type.dtype
        if isinstance(d, str):
            raise G.unsupported_dtype(d)
        if key not in loaded:
            nbytes = numel * d.itemsize
            location = _pickle_safe._ascii(location)
            # torch hands the byte count to C++ as a size_t: anything else is a TypeError there
            if not isinstance(nbytes, int) or not 0 <= nbytes < 1 << 64:
                raise TypeError(f"get_storage_from_record(): incompatible function arguments: the storage size "
                                f"{numel!r} of data/{key} is not a valid element count")
            loaded[key] = _read_storage(z, f"data/{key}", d, nbytes, swap, mmap_path)
            if _check_location(location, map_location, loaded[key]) == "meta":
                loaded[key].meta = True
        return loaded[key]

    data = io.BytesIO(z.get_record("data.pkl"))
    result = _unpickler(data, persistent_load, weights_only, encoding).load()
    z.check_serialization_id()
    from ._utils import surface
    return surface(result)


def _read_storage(z, name, d, nbytes, swap, mmap_path):
    """One storage record as a flat array of ``d`` (read in place, or mapped copy-on-write)."""
    if mmap_path and nbytes:          # torch maps the record wherever its local header says it starts
        shared = get_default_mmap_options() == MAP_SHARED       # else private: copy on write
        arr = np.memmap(mmap_path, dtype=d.np, mode="r+" if shared else "c", offset=z.record_offset(name),
                        shape=(nbytes // d.itemsize,))
    else:
        arr = z.read_storage(name, nbytes).view(d.np)
    if swap and d.itemsize > 1:
        arr.byteswap(inplace=True)
    return G.Storage(arr, d)


def _check_location(location, map_location, storage):
    """Where the storage is restored ("cpu", or "meta": its tensors come out on the meta device), or
    torch's error for a location this CPU-only build lacks (_load_location.py)."""
    from ._load_location import restore
    return restore(map_location, location, _wrap(storage.array))


def _unpickler(file, persistent_load, weights_only, encoding):
    if weights_only:
        return _pickle_safe.Unpickler(file, persistent_load, encoding=encoding)
    u = _FullUnpickler(file, encoding=encoding)
    if persistent_load is not None:
        u.persistent_load = persistent_load
    return u


class _FullUnpickler(pickle.Unpickler):
    """``weights_only=False``: Python's unpickler, with torch's names resolved to glasstorch's."""

    def find_class(self, module, name):
        obj = G.lookup(f"{module}.{name}")
        if obj is not None:
            return obj
        if module == "torch" or module.startswith("torch."):
            import importlib
            try:
                target = importlib.import_module("glasstorch" + module[5:])
                for part in name.split("."):
                    target = getattr(target, part)
                return target
            except (ImportError, AttributeError):
                raise AttributeError(f"this checkpoint needs {module}.{name}, which glasstorch does not have") \
                    from None
        return super().find_class(module, name)
