"""``Tensor.cuda()`` / ``xpu()`` / ``ipu()`` / ``mtia()`` and the ``nn.Module`` forms, as a CPU-only torch
build answers them: the device argument is parsed first (an index names the missing accelerator, a
device of another type is "Invalid device, must be cuda device"), then the missing backend's error.
A module moves its tensors one by one, so one without any returns itself."""

_NOT_BUILT = {
    "cuda": (AssertionError, "Torch not compiled with CUDA enabled"),
    "xpu": (AssertionError, "Torch not compiled with XPU enabled"),
    "ipu": (RuntimeError, "PyTorch is not linked with support for ipu devices"),
    "mtia": (AssertionError, "Torch not compiled with MTIA enabled. Ensure you have `import "
                             "mtia.host_runtime.torch_mtia.dynamic_library` in your python src file and include "
                             "`//mtia/host_runtime/torch_mtia:torch_mtia` as your target dependency!"),
}
_SHOWN = {"mtia": "MTIA"}       # (torch's message spells this one in capitals)


def move(kind, args, kwargs):
    """Raise what ``tensor.<kind>(*args, **kwargs)`` raises on a CPU-only build."""
    from ._arg_parser import parser_error, is_long
    from ._device import device as _device
    sig = f"{kind}(Device? device=None, bool non_blocking=False, *, MemoryFormat? memory_format=None)"
    bad = parser_error((sig,), args, kwargs)
    if bad is not None:
        raise bad
    d = args[0] if args else kwargs.get("device")
    if d is not None:
        d = d if isinstance(d, _device) else _device(d) if isinstance(d, str) or is_long(d) else d
        if d.type != kind:
            raise RuntimeError(f"Invalid device, must be {_SHOWN.get(kind, kind)} device")
    exc, msg = _NOT_BUILT[kind]
    raise exc(msg)


def tensor_method(kind):
    def method(self, *args, **kwargs):
        move(kind, args, kwargs)
    method.__name__ = method.__qualname__ = kind
    return method


def module_method(kind):
    def method(self, device=None):
        return self._apply(lambda t: getattr(t, kind)(device))
    method.__name__ = method.__qualname__ = kind
    return method
