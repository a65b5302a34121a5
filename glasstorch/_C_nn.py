"""``torch._C._nn``: the parsers torch's Python layers call directly.

``_parse_to`` is the parser of ``Module.to`` (kornia's augmentations call it too): Tensor.to's three
overloads (``_to_args_check``), answered as ``(device, dtype, non_blocking, memory_format)``, with
``None`` for what the call leaves out; a tensor gives its device and dtype."""
__all__ = ["_parse_to"]


def _parse_to(*args, **kwargs):
    from ._device import device as _device
    from ._to_args_check import checked_to_args
    given = args
    args, named = checked_to_args(args, kwargs)
    if named.get("copy"):
        raise RuntimeError(".to() does not accept copy argument")
    dev, dtype = named.get("device"), named.get("dtype")
    if args:                                    # the third overload: another tensor's device and dtype
        dev, dtype = args[0].device, args[0].dtype
    elif dev is not None:
        dev = _device(dev)
    elif given and given[0].__class__ in (float, complex, bool):
        dev = _device("cpu")                    # a number passed as the tensor: a 0-d CPU tensor to torch
    return dev, dtype, bool(named.get("non_blocking", False)), named.get("memory_format")
