"""``torch._utils``'s rebuild functions: what a plain ``pickle`` of a tensor names, as torch writes it.

torch pickles a tensor (``pickle.dumps(t)``, ``copy.copy(t)``, a pickled sklearn/skorch estimator
holding one) as

    torch._utils._rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, OrderedDict())

where ``storage`` is a ``TypedStorage`` that pickles itself as ``torch.storage._load_from_bytes(b)``
(``b`` is the storage alone in torch's legacy ``torch.save`` format), and a Parameter as
``torch._utils._rebuild_parameter(data, requires_grad, OrderedDict())``; a tensor with Python
attributes goes through ``torch._tensor._rebuild_from_type_v2(func, type, args, state)``.
glasstorch writes and reads the same, so a pickle moves between torch and glasstorch both ways.

``torch.load`` reads these names through ``_serialization_globals`` over its own storage records;
the functions here also take the ``TypedStorage`` that ``_load_from_bytes`` returns.
"""
from collections import OrderedDict

from . import _dtype as dt
from . import _serialization_globals as G
from ._tensor import Tensor


def _loaded(storage):
    """A storage argument as ``_serialization_globals`` reads it: the flat array every view shares."""
    from .ops.storage import UntypedStorage
    from .storage import TypedStorage
    if isinstance(storage, TypedStorage):
        return G.Storage(storage._flat(), storage.dtype)
    if isinstance(storage, UntypedStorage):
        return G.Storage(storage._array.reshape(-1).view("u1"), dt.uint8)
    return storage


def _rebuild_tensor(storage, storage_offset, size, stride):
    return G._rebuild_tensor(_loaded(storage), storage_offset, size, stride)


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks, metadata=None):
    return G._rebuild_tensor_v2(_loaded(storage), storage_offset, size, stride, requires_grad, backward_hooks,
                                metadata)


def _rebuild_tensor_v3(storage, storage_offset, size, stride, requires_grad, backward_hooks, dtype, metadata=None):
    return G._rebuild_tensor_v3(_loaded(storage), storage_offset, size, stride, requires_grad, backward_hooks,
                                dtype, metadata)


def _rebuild_parameter(data, requires_grad, backward_hooks):
    return G._rebuild_parameter(data, requires_grad, backward_hooks)


def _rebuild_parameter_with_state(data, requires_grad, backward_hooks, state):
    return G._rebuild_parameter_with_state(data, requires_grad, backward_hooks, state)


def _rebuild_from_type_v2(func, new_type, args, state):
    """torch._tensor's: rebuild with ``func``, take ``new_type`` (``as_subclass``), set the attributes back."""
    t = func(*args)
    if type(t) is not new_type:
        t = t.as_subclass(new_type)
    G._set_state(t, state)
    return t


# pickle finds a function by ``__module__``; these go by torch's path (``_class_paths._rename_in``)
for _f in (_rebuild_tensor, _rebuild_tensor_v2, _rebuild_tensor_v3, _rebuild_parameter, _rebuild_parameter_with_state,
           _rebuild_from_type_v2):
    _f._pickled_by_path = True
_rebuild_from_type_v2.__module__ = "glasstorch._tensor"        # where torch keeps it


def _tensor_state(t):
    """The Python attributes a pickle keeps (torch's ``_get_obj_state``); None where glasstorch keeps
    a flag of its own there (a conjugate bit, an inference tensor ...), which this format cannot carry."""
    state = {k: v for k, v in t.__dict__.items() if k not in ("_views", "_views_cap")}
    return None if any(k.startswith("_") for k in state) else state


def reduce_tensor(t):
    """torch's ``Tensor.__reduce_ex__`` for a dense CPU tensor of a dtype with a legacy storage type
    (``FloatStorage`` ...); None for what keeps glasstorch's own reduction."""
    d = t.dtype
    state = _tensor_state(t)
    if state is None or t._is_meta or d not in G.STORAGE_NAME or type(t) is not Tensor or t.is_quantized \
            or t.layout.name != "strided":
        return None
    import numpy as np
    from .ops.storage import UntypedStorage
    from .serialization import _root
    from .storage import TypedStorage
    arr = t._data
    root, item = _root(arr), arr.itemsize
    lo, ptr = root.__array_interface__["data"][0], arr.__array_interface__["data"][0]
    strides = t.stride()
    if not root.flags.c_contiguous or root.dtype != arr.dtype or any(s < 0 or s % item for s in arr.strides) \
            or (ptr - lo) % item:
        # torch has no negative or fractional strides, and a storage has one dtype: this tensor goes as
        # its own contiguous copy (a fresh array: NumPy calls a one-element strided view contiguous)
        root = arr = np.array(arr, order="C", copy=True)
        lo = ptr = arr.__array_interface__["data"][0]
        strides = tuple(s // item for s in arr.strides) if arr.size > 1 else strides
    storage = TypedStorage(wrap_storage=UntypedStorage(root.reshape(-1)), dtype=d, _internal=True)
    args = (storage, (ptr - lo) // item, tuple(t.shape), strides, t.requires_grad, OrderedDict())
    if not state:
        return (_rebuild_tensor_v2, args)
    return (_rebuild_from_type_v2, (_rebuild_tensor_v2, Tensor, args, state))


def _install():
    import sys
    sys.modules[__package__ + "._tensor"]._rebuild_from_type_v2 = _rebuild_from_type_v2


_install()


def storage_pid(storages, obj):
    """torch.save's persistent id for a storage object saved as itself (``torch.save(t.storage(), f)``,
    a TypedStorage pickled inside a tensor): ``("storage", torch.FloatStorage, key, "cpu", numel)``;
    an UntypedStorage goes as ``torch.storage.UntypedStorage`` counted in bytes.  None for anything else."""
    from .ops.storage import UntypedStorage
    from .storage import TypedStorage
    if isinstance(obj, TypedStorage):
        arr = obj._flat()
        pid, _, _ = storages.locate(arr)
        return pid[:4] + (arr.size,)
    if isinstance(obj, UntypedStorage):
        arr = obj._array.reshape(-1).view("u1")
        pid, _, _ = storages.locate(arr)
        return pid[:1] + (G.TORCH_GLOBALS["torch.storage.UntypedStorage"],) + pid[2:4] + (arr.size,)
    return None


def surface(obj):
    """A storage the file holds as an object of its own (not inside a tensor) comes back as torch's
    ``TypedStorage`` of the saved type (an UntypedStorage's: ``torch.uint8``), in lists, tuples and
    dicts too."""
    if isinstance(obj, G.Storage):
        from .ops.storage import UntypedStorage
        from .storage import TypedStorage
        return TypedStorage(wrap_storage=UntypedStorage(obj.array), dtype=obj.dtype, _internal=True)
    if type(obj) in (list, tuple):
        new = [surface(v) for v in obj]
        return obj if all(a is b for a, b in zip(new, obj)) else type(obj)(new)
    if isinstance(obj, dict):
        for k, v in obj.items():
            s = surface(v)
            if s is not v:
                obj[k] = s
    return obj


def _flatten_dense_tensors(tensors):
    """One 1-D tensor holding every tensor's elements in turn: ``cat([t.contiguous().view(-1) ...])``;
    a single tensor is only viewed flat (torch skips the cat then, so its grad_fn is ViewBackward0)."""
    import glasstorch as _t
    flat = [t.contiguous().view(-1) for t in tensors]
    return flat[0] if len(flat) == 1 else _t.cat(flat)


def _unflatten_dense_tensors(flat, tensors):
    """Views of ``flat`` shaped like each of ``tensors``, in turn; an empty one gets a fresh empty
    tensor of ``flat``'s dtype so it shares no storage with the others."""
    import glasstorch as _t
    outputs, offset = [], 0
    for tensor in tensors:
        numel = tensor.numel()
        if numel == 0:
            outputs.append(_t.empty(tuple(tensor.shape), dtype=flat.dtype, device=flat.device))
        else:
            outputs.append(flat.narrow(0, offset, numel).view(tensor.shape))
            offset += numel
    return tuple(outputs)
