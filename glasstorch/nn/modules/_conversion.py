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
            from ..._meta import is_meta_device
            if is_meta_device(a):
                return _to_meta(module, dtype)
            check_device(a)
    fmt = kwargs.get("memory_format")
    if dtype is None and fmt is None:
        return module
    if dtype is not None and not dtype.is_floating_point:
        raise TypeError("nn.Module.to only accepts floating point or complex dtypes, but got desired "
                        f"dtype={dtype}")

    def convert(t):
        dt = dtype if t.is_floating_point() else None
        if fmt is not None and t.dim() in (4, 5):       # torch relayouts only 4-d and 5-d tensors
            return t.to(dtype=dt, memory_format=fmt)
        return t.to(dt) if dt is not None else t
    return module._apply(convert)


def _to_meta(module, dtype):
    """``module.to('meta')``: every parameter and buffer becomes a new meta tensor (torch too makes
    new Parameter objects here, since a CPU tensor's data cannot be swapped for a meta one)."""
    from ..._meta import to_meta
    for m in module.modules():
        for store in (m._parameters, m._buffers):
            for k, t in store.items():
                if t is not None:
                    dt = dtype if dtype is not None and t.is_floating_point() else None
                    store[k] = to_meta(t.to(dt) if dt is not None else t)
    return module
