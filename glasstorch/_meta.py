"""A minimal ``meta`` device: ``tensor.to('meta')`` and ``module.to('meta')`` give tensors that have a
shape and a dtype but no data, as the model-ensembling recipe does with its base model (whose
weights ``functional_call`` then swaps for stacked ones).  The data behind a meta tensor is a
read-only zero-strided array, so it costs no memory; copying data out of it raises torch's error."""
import numpy as np

from ._device import device

__all__ = ["META", "is_meta_device", "to_meta", "new_meta", "meta_repr", "no_data_error", "default_is_meta",
           "empty_meta", "is_meta_array"]

META = device("meta")
# > 0 while an op runs on stand-ins of meta tensors (_meta_compute.py): where torch's meta kernel takes
# another route than its CPU one (no oneDNN LSTM), glasstorch looks here
STAND_INS = [0]


def is_meta_device(d):
    if d is None or isinstance(d, int):
        return False
    if isinstance(d, str):
        return d == "meta" or d.startswith("meta:")
    return isinstance(d, device) and d.type == "meta"


class _NoData(np.ndarray):
    """The array behind a meta tensor: shape and dtype only.  Any NumPy computation on it raises, since
    zeros would pass for data; ``_meta_compute`` then runs the op again on stand-ins and keeps only
    the shapes and dtypes of what it returns."""

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        raise NotImplementedError(f"glasstorch computes nothing on meta tensors ({ufunc.__name__}): they carry "
                                  f"a shape and a dtype but no data (see docs/differences.md)")

    def __array_function__(self, func, types, args, kwargs):
        if func in _GEOMETRY:       # views that only restride (transpose, movedim ...): a meta result
            args = tuple(a.view(np.ndarray) if isinstance(a, _NoData) else a for a in args)
            r = func(*args, **kwargs)
            return r.view(_NoData) if isinstance(r, np.ndarray) else r
        raise NotImplementedError(f"glasstorch computes nothing on meta tensors ({func.__name__}): they carry "
                                  f"a shape and a dtype but no data (see docs/differences.md)")


# the NumPy functions glasstorch's view ops use that read no element
_GEOMETRY = frozenset((np.swapaxes, np.transpose, np.moveaxis, np.expand_dims, np.squeeze, np.broadcast_to,
                       np.diagonal, np.atleast_1d, np.atleast_2d, np.atleast_3d))


def default_is_meta():
    """True inside ``with torch.device('meta'):`` (or after ``torch.set_default_device('meta')``)."""
    from ._device import DEFAULT_STACK
    return DEFAULT_STACK[-1].type == "meta"


def empty_meta(shape, dtype):
    """A meta tensor of ``shape`` and NumPy ``dtype``, allocating nothing."""
    from ._tensor import _wrap
    _compute_on()
    return _wrap(np.broadcast_to(np.zeros((), dtype=dtype), shape).view(_NoData))


def _compute_on():
    from ._torch_function import STATE
    if not STATE.meta:
        from ._meta_compute import activate
        activate()


def meta_grad(var):
    """What ``AccumulateGrad`` keeps for a meta leaf: a meta tensor of its shape and dtype."""
    return var._grad if var._grad is not None else empty_meta(var._data.shape, var._data.dtype)


def is_meta_array(arr):
    """Whether a tensor's ``_data`` is a meta tensor's: so views and ``.data`` of one are meta too."""
    return isinstance(arr, _NoData)


def to_meta(t):
    """A meta tensor with ``t``'s shape, dtype and requires_grad (a Parameter stays a Parameter)."""
    return t if t._is_meta else new_meta(t)


def new_meta(t):
    """A fresh meta tensor shaped like ``t`` (a Parameter stays a Parameter): ``to_meta``'s, deepcopy's."""
    from ._tensor import _wrap
    _compute_on()
    arr = np.broadcast_to(np.zeros((), dtype=t._data.dtype), t._data.shape).view(_NoData)
    new = _wrap(arr)            # (a tensor is on the meta device when its data is _NoData: Tensor._is_meta)
    if getattr(type(t), "_is_param", False):
        new = type(t)(new, requires_grad=t._rg)
    elif t._rg:
        new._rg = True
    return new


def no_data_error():
    return NotImplementedError("Cannot copy out of meta tensor; no data!")


def meta_repr(t):
    from . import _dtype as _dt
    parts = ["...", "device='meta'", f"size={tuple(t._data.shape)}"]
    if t._data.dtype != _dt.DEFAULT.float.np:
        parts.append(f"dtype={t.dtype}")
    if t.grad_fn is not None:
        parts.append(f"grad_fn=<{t.grad_fn.name().rsplit('::', 1)[-1]}>")
    elif t._rg:
        parts.append("requires_grad=True")
    return "tensor(" + ", ".join(parts) + ")"
