"""Saving and loading quantized tensors in torch's checkpoint format.

torch pickles a quantized tensor as::

    torch._utils._rebuild_qtensor(storage, storage_offset, size, stride, quantizer_params,
                                  requires_grad, backward_hooks)

``storage`` is a persistent id naming a *quantized* typed storage (``torch.QInt8Storage``,
``torch.QUInt8Storage``, ``torch.QInt32Storage``) whose record holds the integers (``int_repr()``)
byte for byte; ``quantizer_params`` is ``(torch.per_tensor_affine, scale, zero_point)`` (a float and
an int) or ``(torch.per_channel_affine, scales, zero_points, axis)`` with ``scales`` a float64 and
``zero_points`` an int64 tensor (each its own storage, pickled as ordinary tensors after the
integers').  A dynamically quantized ``Linear``'s state_dict entry ``_packed_params._packed_params``
is the plain tuple ``(weight, bias)``: a quantized tensor and a float Parameter (or None).

This module holds the torch names involved (added to ``_serialization_globals``' table, so both the
saver and the ``weights_only`` loader know them, as torch's weights-only allowlist does) and the two
halves: ``reduce_qtensor`` for the pickler and ``_rebuild_qtensor`` for the loader.
"""
from collections import OrderedDict

import numpy as np

from ._quant_dtype import QDTYPES, _SCHEMES, per_channel_affine, per_tensor_affine

# torch's quantized storage classes; quint4x2 / quint2x4 stay unsupported names in STORAGE_DTYPES
QSTORAGE_NAME = {"qint8": "QInt8Storage", "quint8": "QUInt8Storage", "qint32": "QInt32Storage"}


def quant_globals():
    """``{"torch.name": object}``: the quantized dtypes, the schemes, the storage types and the rebuild
    function; torch's weights-only unpickler allows all of them.  (Called once, by ``_serialization_globals``
    while it builds its table; this module imports it only inside functions, so either may load first.)"""
    from ._serialization_globals import StorageType
    table = {"torch._utils._rebuild_qtensor": _rebuild_qtensor}
    table.update({"torch." + name: d for name, d in QDTYPES.items()})
    table.update({"torch." + name: s for name, s in _SCHEMES.items()})
    table.update({"torch." + s: StorageType(s, QDTYPES[n]) for n, s in QSTORAGE_NAME.items()})
    return table


# ---- saving ---------------------------------------------------------------------------------------
def reduce_qtensor(t, storages, storage_id):
    """The pickler's reduce tuple for quantized tensor ``t``: its integers located in the storage table (as
    a quantized storage type), then its quantizer parameters, as torch writes them."""
    from . import _serialization_globals as G
    from ._tensor import _wrap
    pid, offset, stride = storages.locate(t._q)
    pid = (pid[0], G.TORCH_GLOBALS["torch." + QSTORAGE_NAME[t._qd.name]]) + tuple(pid[2:])
    if t._q.size == 0:                  # NumPy may give an empty array zero strides; torch's are contiguous ones
        stride = tuple(int(np.prod([max(n, 1) for n in t._q.shape[i + 1:]])) for i in range(t._q.ndim))
    if t._scheme is per_tensor_affine:
        params = (per_tensor_affine, float(t._scale), int(t._zp))
    else:
        params = (per_channel_affine, _wrap(np.asarray(t._scale, np.float64)), _wrap(np.asarray(t._zp, np.int64)),
                  int(t._axis))
    return (_rebuild_qtensor, (storage_id(pid), offset, t._q.shape, stride, params, False, OrderedDict()))


# ---- loading --------------------------------------------------------------------------------------
def _channel_params(values, kind):
    """A per-channel scales / zero points argument (a tensor or a list) as a flat NumPy array of ``kind``."""
    from ._tensor import Tensor
    if isinstance(values, Tensor):
        return np.asarray(values._data).astype(kind).reshape(-1)
    if isinstance(values, list):
        return np.asarray(values, dtype=kind).reshape(-1)
    raise TypeError(f"_rebuild_qtensor: per_channel scales and zero_points must be tensors or lists, "
                    f"got {type(values).__name__}")


def _rebuild_qtensor(storage, storage_offset, size, stride, quantizer_params, requires_grad, backward_hooks):
    """A quantized tensor over ``storage``'s integers (a view: tensors sharing a storage share memory)."""
    from . import _serialization_globals as G
    from ._quant import _make
    qscheme = quantizer_params[0]
    if qscheme is per_tensor_affine:
        _, scale, zero_point = quantizer_params
        scale, zero_point, axis = float(scale), int(zero_point), None
    elif qscheme is per_channel_affine:
        _, scales, zero_points, axis = quantizer_params
        # the bounds torch checks before building the tensor (values from an untrusted file)
        if not 0 <= axis < len(size):
            raise ValueError(f"_rebuild_qtensor: per_channel axis {axis} out of range for size {tuple(size)}")
        scale, zero_point = _channel_params(scales, np.float64), _channel_params(zero_points, np.int64)
        expected = int(size[axis])
        if scale.size != expected or zero_point.size != expected:
            raise ValueError("_rebuild_qtensor: per_channel scales/zero_points length must equal "
                             f"size[axis]={expected}, got scales={scale.size}, zero_points={zero_point.size}")
    elif qscheme is _SCHEMES["per_channel_affine_float_qparams"]:
        raise NotImplementedError("this checkpoint holds a quantized tensor with qscheme "
                                  "torch.per_channel_affine_float_qparams, which glasstorch does not support yet")
    else:
        raise RuntimeError(f"Can't deserialize quantized tensor with qscheme {qscheme}")
    if type(storage) is G.Storage and storage.qdtype is None:      # torch's check as it makes the empty tensor
        raise RuntimeError("Creation of quantized tensor requires quantized dtype like torch.quint8")
    q = G._view_of(storage, storage_offset, size, stride)
    if requires_grad:                   # torch sets ``tensor.requires_grad``, which refuses integers
        raise RuntimeError("only Tensors of floating point and complex dtype can require gradients")
    return _make(q, storage.qdtype, qscheme, scale, zero_point, axis)


# ---- a dynamically quantized Linear's state_dict -------------------------------------------------
PACKED_PARAMS_VERSION = 3           # torch's LinearPackedParams._version


def load_dynamic_linear(module, state_dict, prefix):
    """torch's ``_load_from_state_dict`` of a dynamic quantized Linear and its packed-params child: pop
    ``scale`` and ``zero_point`` (a KeyError when absent, as in torch), then ``_packed_params.dtype`` and
    the ``(weight, bias)`` tuple ``_packed_params._packed_params``.  torch picks the packed-params layout by
    the child's metadata version, which a child-less glasstorch module does not see: the keys tell the same
    (versions below 3 stored ``_packed_params.weight`` and ``.bias``; below 2, no dtype: qint8)."""
    module.scale = float(state_dict.pop(prefix + "scale"))
    module.zero_point = int(state_dict.pop(prefix + "zero_point"))
    packed = prefix + "_packed_params."
    if packed + "dtype" in state_dict:
        module._dtype = state_dict.pop(packed + "dtype")
    else:
        from ._quant_dtype import qint8
        module._dtype = qint8
    if packed + "_packed_params" not in state_dict and packed + "weight" in state_dict:
        weight, bias = state_dict.pop(packed + "weight"), state_dict.pop(packed + "bias")
    else:
        weight, bias = state_dict.pop(packed + "_packed_params")
    module.set_weight_bias(weight, bias)


def note_packed_params_version(destination, prefix):
    """The state_dict metadata entry torch's ``LinearPackedParams`` child adds (``{"version": 3}``): torch
    reads the packed-params layout from it, so a file without it does not load in torch."""
    meta = getattr(destination, "_metadata", None)
    if meta is not None:
        meta[prefix + "_packed_params"] = {"version": PACKED_PARAMS_VERSION}
