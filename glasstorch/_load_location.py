"""Where ``torch.load`` puts a storage: torch's ``_get_restore_location`` and ``default_restore_location``
with its registry of deserializers (torch/serialization.py), on a build that has only the CPU.

``map_location`` is None (the saved tag), a dict (tag -> tag), a string or bytes, a ``torch.device``,
or a callable ``(storage, tag)`` whose None falls back to the saved tag.  The tag then goes through the
deserializers in torch's priority order: "cpu" loads; "meta" makes a meta storage; cuda, mps,
privateuseone, hpu, xpu and mtia raise what a CPU-only torch raises; anything else is "don't know how to
restore".  The comparisons are torch's own (``==``, ``re.match``, ``startswith``), so a bytes or
``torch.device`` tag fails as it fails there.
"""
import re

_ADVICE = ("If you are running on a CPU-only machine, please use torch.load with "
           "map_location=torch.device('cpu') to map your storages to the CPU.")


def is_meta(map_location):
    """torch's ``_is_meta_location``: a plain "meta" target, whose storages are not read at all."""
    from ._device import device
    if isinstance(map_location, str):
        return map_location == "meta"
    return isinstance(map_location, device) and map_location.type == "meta"


def restore(map_location, tag, storage):
    """"cpu" or "meta": the device the storage saved with ``tag`` is restored to, or torch's error.
    ``storage`` is what a callable ``map_location`` is handed."""
    from ._device import device
    if map_location is None:
        return _default(tag)
    if isinstance(map_location, dict):
        return _default(map_location.get(tag, tag))
    if isinstance(map_location, (str, bytes)):
        return _default(map_location)
    if isinstance(map_location, device):
        return _default(str(map_location))
    result = map_location(storage, tag)
    # (a storage handed back is kept, whatever the callable did to it: glasstorch's are all on the CPU)
    return _default(tag) if result is None else "cpu"


def _default(location):
    if location == "cpu":
        return "cpu"
    _backend("cuda", location)
    if location.startswith("mps"):
        raise RuntimeError("torch.UntypedStorage(): Storage device not recognized: mps")
    if location == "meta":
        return "meta"
    for name in ("privateuseone", "hpu", "xpu", "mtia"):
        _backend(name, location)
    raise RuntimeError("don't know how to restore data location of torch.storage.UntypedStorage (tagged with "
                       + location + ")")


def _backend(name, location):
    """torch's ``_deserialize(name, ...)`` and ``_validate_device``: every accelerator is missing here."""
    if location == name:
        pass
    elif not isinstance(location, (str, bytes)):
        # re.match's own TypeError, naming the type as torch's C types are named (torch.device)
        from ._arg_parser import tp_name
        raise TypeError(f"expected string or bytes-like object, got '{tp_name(location)}'")
    elif not re.match(f"{name}(:|[0-9]+)", location):
        return
    if name in ("privateuseone", "hpu"):        # no torch.<name> module in a CPU build
        raise RuntimeError(f"The {name.upper()} device module is not registered. " + _ADVICE)
    from ._device import device
    d = device(location)                        # torch reads the index from the string first
    if name == "mtia" and d.index is None:
        raise RuntimeError("Cannot execute getCurrentDevice() without MTIA backend.")
    raise RuntimeError(f"Attempting to deserialize object on a {name.upper()} device but "
                       f"torch.{name}.is_available() is False. " + _ADVICE)


# ---- torch.serialization's public helpers over the same registry ----------------------------------------
def default_restore_location(storage, location):
    """``torch.serialization.default_restore_location``: ``storage`` as the deserializer registered for
    ``location`` restores it (fairseq's checkpoint averaging passes ``lambda s, _: default_restore_location(s,
    "cpu")`` as ``map_location``).  "cpu" hands it back unchanged; the accelerators raise what a CPU-only
    torch raises; an unknown tag raises "don't know how to restore", naming ``torch.typename(storage)``."""
    if location == "cpu":
        return storage
    try:
        where = _default(location)
    except RuntimeError as e:
        if not str(e).startswith("don't know how"):
            raise
        from ._runtime import typename
        raise RuntimeError(f"don't know how to restore data location of {_torch_name(typename(storage))} "
                           f"(tagged with {location})") from None
    if where == "meta":     # torch: an UntypedStorage of the same size on meta
        raise NotImplementedError("glasstorch has no meta storages: default_restore_location(storage, 'meta')")
    return storage


def location_tag(storage):
    """``torch.serialization.location_tag``: the tag ``torch.save`` writes for ``storage`` ("cpu", "meta")."""
    dev = getattr(storage, "device", None)
    if dev is None:
        raise AttributeError(f"'{type(storage).__name__}' object has no attribute 'device'")
    if dev.type in ("cpu", "meta"):
        return dev.type
    from ._runtime import typename
    raise RuntimeError("don't know how to determine data location of " + _torch_name(typename(storage)))


def validate_cuda_device(location):
    """``torch.serialization.validate_cuda_device``: the location parsed as a device, then torch's error
    for a build without CUDA."""
    from ._device import device
    d = device(location) if isinstance(location, str) else None
    if d is not None and d.type != "cuda":
        raise ValueError(f"Expected a cuda device, but got: {location}")
    raise RuntimeError("Attempting to deserialize object on a CUDA device but torch.cuda.is_available() is "
                       "False. " + _ADVICE)


def _torch_name(name):
    return "torch" + name[len("glasstorch"):] if name.startswith("glasstorch.") else name
