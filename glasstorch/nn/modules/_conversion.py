"""``Module.to`` and ``_apply``: convert every parameter and buffer, children first.

By default parameters keep their identity (only ``_data`` is replaced), so an optimizer made before
``model.double()`` still updates the model's parameters; ``torch.__future__`` can change that.
"""
from ..._tensor import Tensor
from ... import _dtype as _dt
from ..._device import check_device

__all__ = ["apply", "to", "to_empty"]


def apply(module, fn, recurse=True):
    """Convert every parameter (and its ``.grad``) and buffer with ``fn``, as torch: by default the
    parameter and grad objects stay and take the new data; under ``torch.__future__``'s overwrite
    switch new Parameter objects replace them; under its swap switch the objects stay and trade
    everything with the converted ones (``torch.utils.swap_tensors``).  Buffers are always replaced."""
    from ... import __future__ as future
    from ...utils import swap_tensors
    from ...autograd.grad_mode import no_grad
    from ..parameter import Parameter
    if recurse:
        for m in module.children():
            m._apply(fn)
    swap = future.get_swap_module_params_on_conversion()

    def keeps_object(old, new):        # torch's set_data path: same kind of tensor (meta vs not)
        return old._is_meta == new._is_meta and not future.get_overwrite_module_params_on_conversion()

    for key, param in module._parameters.items():
        if param is None:
            continue
        with no_grad():
            applied = fn(param)
        grad = param._grad
        if swap:
            param._grad = None
            try:
                swap_tensors(param, Parameter(applied, requires_grad=param.requires_grad))
            except Exception as e:
                param._grad = grad
                raise RuntimeError(f"_apply(): Couldn't swap {module._get_name()}.{key}") from e
            out = param
        elif keeps_object(param, applied):
            param._set_data(applied._data)
            out = param
        else:
            out = module._parameters[key] = Parameter(applied, param.requires_grad)
        if grad is None:
            continue
        with no_grad():
            grad_applied = fn(grad)
        if swap:
            grad_applied.requires_grad_(grad.requires_grad)
            try:
                swap_tensors(grad, grad_applied)
            except Exception as e:
                raise RuntimeError(f"_apply(): Couldn't swap {module._get_name()}.{key}.grad") from e
            out.grad = grad
        elif keeps_object(grad, grad_applied):
            out._grad._set_data(grad_applied._data)
        else:
            out.grad = grad_applied.requires_grad_(grad.requires_grad)
    for key, buf in module._buffers.items():
        if buf is not None:
            module._buffers[key] = fn(buf)
    return module


def to(module, args, kwargs):
    from ..._to_args_check import checked_to_args
    args, kwargs = checked_to_args(args, kwargs)      # torch._C._nn._parse_to: Tensor.to's parser
    dtype = kwargs.get("dtype")
    meta = False
    for a in list(args) + [kwargs.get("device"), kwargs.get("tensor")]:
        if isinstance(a, _dt.dtype):
            dtype = a
        elif isinstance(a, Tensor):
            dtype = a.dtype
        elif a is not None:
            from ..._meta import is_meta_device
            meta = meta or is_meta_device(a)
            if not is_meta_device(a):
                check_device(a)
    fmt = kwargs.get("memory_format")
    if dtype is not None and not (dtype.is_floating_point or dtype.is_complex):
        raise TypeError("nn.Module.to only accepts floating point or complex dtypes, but got desired "
                        f"dtype={dtype}")
    if dtype is not None and dtype.is_complex:
        import warnings
        warnings.warn(_COMPLEX_MODULES, stacklevel=3)     # points at the caller of Module.to
    if meta:
        return _to_meta(module, dtype)
    if dtype is None and fmt is None:
        return module

    def convert(t):
        # complex tensors take the dtype too: .to(float64) keeps only their real part, as torch
        dt = dtype if t.is_floating_point() or t.is_complex() else None
        if fmt is not None and t.dim() in (4, 5):       # torch relayouts only 4-d and 5-d tensors
            return t.to(dtype=dt, memory_format=fmt)
        return t.to(dt) if dt is not None else t
    return module._apply(convert)


_COMPLEX_MODULES = (
    "Complex modules are a new feature under active development whose design may change, and some modules "
    "might not work as expected when using complex tensors as parameters or buffers. Please file an issue at "
    "https://github.com/pytorch/pytorch/issues/new?template=bug-report.yml if a complex module does not work "
    "as expected.")


def _to_meta(module, dtype):
    """``module.to('meta')``: every parameter and buffer becomes a new meta tensor (torch too makes
    new Parameter objects here, since a CPU tensor's data cannot be swapped for a meta one)."""
    from ..._meta import to_meta
    for m in module.modules():
        for store in (m._parameters, m._buffers):
            for k, t in store.items():
                if t is not None:
                    dt = dtype if dtype is not None and (t.is_floating_point() or t.is_complex()) else None
                    store[k] = to_meta(t.to(dt) if dt is not None else t)
    return module


def to_empty(module, *, device, recurse=True):
    """``module.to_empty(device=...)``: every parameter and buffer becomes an uninitialized tensor of its
    shape and dtype on ``device`` (glasstorch fills them with zeros), typically to give a module built
    on the meta device real storage before loading weights or calling ``reset_parameters()``."""
    import numpy as np
    from ..._meta import is_meta_device, new_meta
    from ..._tensor import _wrap
    if is_meta_device(device):
        return module._apply(new_meta, recurse)
    check_device(device)
    return module._apply(lambda t: _wrap(np.zeros(t._data.shape, t._data.dtype)), recurse)
