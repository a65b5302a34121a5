"""``torch.nn.utils.skip_init``: make a module without running its parameter initialization."""
import inspect

__all__ = ["skip_init"]


def skip_init(module_cls, *args, **kwargs):
    """The module with uninitialized (``torch.empty``) parameters and buffers.

    torch builds the module on the meta device, where initializers draw no random numbers, then
    ``to_empty``.  glasstorch has no meta device: it builds the module on the CPU and puts the
    default generator back as it was, so the random stream is what torch's would be."""
    from ... import empty_like, get_rng_state, set_rng_state
    from ..modules.module import Module
    if not (isinstance(module_cls, type) and issubclass(module_cls, Module)):
        if not isinstance(module_cls, type):          # torch's issubclass raises on a non-class
            raise TypeError("issubclass() arg 1 must be a class")
        raise RuntimeError(f"Expected a Module; got {module_cls}")
    if "device" not in inspect.signature(module_cls).parameters:
        raise RuntimeError("Module must support a 'device' arg to skip initialization")
    kwargs["device"] = kwargs.pop("device", "cpu")
    state = get_rng_state()
    try:
        module = module_cls(*args, **kwargs)
    finally:
        set_rng_state(state)
    for sub in module.modules():
        for name, p in list(sub._parameters.items()):
            if p is not None:
                p.data = empty_like(p.data)
        for name, b in list(sub._buffers.items()):
            if b is not None:
                sub._buffers[name] = empty_like(b)
    return module
