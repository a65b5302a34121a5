"""``Module.to`` and ``_apply``: convert every parameter and buffer, in place, children first.

The tensors keep their identity (only ``_data`` is replaced), so an optimizer made before
``model.double()`` still updates the model's parameters.
"""
from ..._tensor import Tensor
from ... import _dtype as _dt
from ..._device import check_device

__all__ = ["apply", "to"]


def apply(module, fn):
    for m in module.children():
        m._apply(fn)
    for store in (module._parameters, module._buffers):
        for k, t in store.items():
            if t is None:
                continue
            new = fn(t)
            if new is t:
                continue
            t._set_data(new._data)       # in place, so optimizers holding the parameter see it
            if t._grad is not None:
                t._grad = fn(t._grad)
    return module


def to(module, args, kwargs):
    dtype = kwargs.get("dtype")
    for a in list(args) + [kwargs.get("device"), kwargs.get("tensor")]:
        if isinstance(a, _dt.dtype):
            dtype = a
        elif isinstance(a, Tensor):
            dtype = a.dtype
        elif a is not None:
            check_device(a)
    if dtype is None:
        return module
    if not dtype.is_floating_point:
        raise TypeError("nn.Module.to only accepts floating point or complex dtypes, but got desired "
                        f"dtype={dtype}")
    return module._apply(lambda t: t.to(dtype) if t.is_floating_point() else t)
