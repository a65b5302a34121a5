"""torch's legacy (pre-1.6) checkpoint format: ``torch.save(obj, f, _use_new_zipfile_serialization=False)``
and ``torch.load`` of such a file.

The file is a run of pickles and raw bytes, as torch's ``_legacy_save`` writes it:

    MAGIC_NUMBER, PROTOCOL_VERSION (1001), sys_info      three small pickles
    obj                                                  storages as persistent ids
                                                         ("storage", torch.FloatStorage, key, "cpu", numel, None);
                                                         nn.Module classes as ("module", cls, source_file, source)
    sorted storage keys                                  a pickled list of str
    per key: numel as int64 (little-endian), then the storage's bytes

torch names its keys by storage address; glasstorch by order ("0", "1", ...): any distinct strings load alike.
"""
import inspect
import io
import pickle
import struct
import sys
import warnings

import numpy as np

from . import _pickle_safe
from . import _serialization_globals as G

PROTOCOL_VERSION = 1001


def _module_pid(cls):
    """torch's persistent id of an nn.Module subclass: the class and its source, checked when loading."""
    from ._class_paths import is_ours
    if is_ours(cls):
        # glasstorch's own classes stand for torch's, whose source is not ours to record; None skips the check
        return ("module", cls, None, None)
    try:
        lines, _ = inspect.getsourcelines(cls)
        return ("module", cls, inspect.getsourcefile(cls), "".join(lines))
    except Exception:      # noqa: BLE001 - saving the source is optional, as in torch
        warnings.warn("Couldn't retrieve source code for container of type " + cls.__name__ + ". It won't be "
                      "checked for correctness upon loading.", stacklevel=4)
        return ("module", cls, None, None)


def legacy_save(obj, f, pickle_protocol):
    from .nn.modules.module import Module
    from .serialization import _StorageId, _StorageTable, _TorchPickler, MAGIC_NUMBER

    seen_modules = set()

    class _LegacyPickler(_TorchPickler):
        def persistent_id(self, o):
            if type(o) is _StorageId:
                return o.pid + (None,)        # no view metadata: offsets live in the tensors
            from ._utils import storage_pid
            pid = storage_pid(self.storages, o)
            return None if pid is None else pid + (None,)

        def save(self, o, save_persistent_id=True):
            # before the base's save, which writes glasstorch's classes by torch's name without asking
            # persistent_id; a class's first occurrence only, as torch's persistent_id
            if save_persistent_id and isinstance(o, type) and issubclass(o, Module) and o not in seen_modules:
                seen_modules.add(o)
                self.save_pers(_module_pid(o))
                return
            super().save(o, save_persistent_id)

    storages = _StorageTable()
    if not hasattr(f, "write"):
        raise AttributeError(f"expected 'f' to be string, path, or a file-like object with a 'write' "
                             f"attribute, but got {type(f).__name__}")
    sys_info = {"protocol_version": PROTOCOL_VERSION, "little_endian": sys.byteorder == "little",
                "type_sizes": {"short": 2, "int": 4, "long": 4}}
    for head in (MAGIC_NUMBER, PROTOCOL_VERSION, sys_info):
        pickle.dump(head, f, protocol=pickle_protocol)
    body = io.BytesIO()         # torch's C pickler hands the file each pickle in one write
    _LegacyPickler(body, storages, pickle_protocol).dump(obj)
    f.write(body.getvalue())
    records = dict(storages.records())
    # counted in the saved tensors' elements: a .view(dtype) keeps its root array's own dtype
    numels = {key: root.nbytes // d.itemsize for key, root, d, _ in storages.by_root.values()}
    keys = sorted(records)
    pickle.dump(keys, f, protocol=pickle_protocol)
    f.flush()                   # as torch, before the storages (its caller flushes once more at the end)
    for key in keys:
        f.write(memoryview(struct.pack("<q", numels[key])).toreadonly())
        f.write(memoryview(records[key].tobytes()).toreadonly())


class _Inert:
    """What every global but a storage type stands for in the skeleton pass: any call, attribute or
    state makes another inert object, so nothing from the file runs."""

    def __new__(cls, *args, **kwargs):
        return object.__new__(_Inert)       # NEWOBJ may hand an inert instance as the class

    def __init__(self, *args, **kwargs):
        pass

    def __call__(self, *args, **kwargs):
        return _Inert()

    def __setstate__(self, state):
        pass

    def __setitem__(self, key, value):     # SETITEM(S) into a rebuilt OrderedDict
        pass

    def append(self, value):               # APPEND(S) into a rebuilt list subclass
        pass

    def extend(self, values):
        pass

    def __getattr__(self, name):
        return _Inert()


class _SkeletonUnpickler(pickle._Unpickler):
    def find_class(self, module, name):
        found = G.lookup(f"{module}.{name}")
        return found if isinstance(found, G.StorageType) else _Inert

    def persistent_load(self, pid):
        if isinstance(pid, tuple) and len(pid) == 6 and _pickle_safe._ascii(pid[0]) == "storage" \
                and isinstance(pid[1], G.StorageType) and not isinstance(pid[1].dtype, str):
            self.dtypes.setdefault(pid[2], pid[1].dtype)
        return _Inert()


def _storage_arrays(f, encoding):
    """{key: filled flat array} of the storages that follow the object's pickle, read before that pickle
    is unpickled for real: a rebuild function may read its tensors' values (a CSR matrix's row starts)
    as it runs.  ``f`` is left where the pickle starts; returns the arrays and the offset of the end."""
    start = f.tell()
    skeleton = _SkeletonUnpickler(f, encoding=encoding)
    skeleton.dtypes = {}
    skeleton.load()
    keys = _pickle_safe.Unpickler(f, None, encoding=encoding).load()       # a list of str
    arrays = {}
    for key in keys:
        if key not in skeleton.dtypes:
            raise AssertionError(f"storage key {key!r} not found in deserialized_objects")
        d = skeleton.dtypes[key]
        (numel,) = struct.unpack("<q", f.read(8))
        raw = f.read(numel * d.itemsize)
        if len(raw) != numel * d.itemsize:
            raise RuntimeError("unexpected EOF, expected more bytes. The file might be corrupted.")
        arrays[key] = np.frombuffer(raw, dtype=np.dtype(d.np).newbyteorder("<")).astype(d.np)
    end = f.tell()
    f.seek(start)
    return arrays, end


def legacy_load(f, map_location, weights_only, encoding, unpickler, check_location):
    """The rest of a legacy file, after its magic number and protocol version were read."""
    unpickler(f, None, weights_only, encoding).load()         # sys_info
    arrays, end = _storage_arrays(f, encoding)
    loaded = {}

    def persistent_load(pid):
        if not isinstance(pid, tuple):
            raise AssertionError(f"saved_id must be a tuple, got {type(pid).__name__}")
        typename = _pickle_safe._ascii(pid[0])
        if typename == "module":
            return pid[1]
        if typename != "storage":
            raise RuntimeError(f"Unknown saved id type: {pid[0]}")
        storage_type, key, location, numel, view_metadata = pid[1:]
        d = storage_type.dtype
        if isinstance(d, str):
            raise G.unsupported_dtype(d)
        if key not in loaded:
            arr = arrays.get(key)
            loaded[key] = G.Storage(np.zeros(numel, dtype=d.np) if arr is None else arr, d)
            if check_location(_pickle_safe._ascii(location), map_location, loaded[key]) == "meta":
                loaded[key].meta = True
        if view_metadata is not None:
            view_key, offset, size = view_metadata
            if view_key not in loaded:
                base = loaded[key]
                loaded[view_key] = G.Storage(base.array[offset:offset + size], d, base.meta)
            return loaded[view_key]
        return loaded[key]

    result = unpickler(f, persistent_load, weights_only, encoding).load()
    f.seek(end)
    from ._utils import surface
    return surface(result)
