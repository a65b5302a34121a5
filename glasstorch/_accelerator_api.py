"""The rest of ``torch.accelerator`` on a build without one: device index, streams, synchronisation and
memory statistics.  Every call that reaches the (absent) accelerator raises torch's
"Cannot access accelerator device when none is available."; a device given as a string or
``torch.device`` is refused first with "Accelerator expected", as ``_get_device_index`` does; a
negative index makes ``set_device_index`` a no-op, as torch documents.
"""
import warnings

_NONE = "Cannot access accelerator device when none is available."


def _no_accelerator(*args):
    raise RuntimeError(_NONE)


def _get_device_index(device, optional=False):
    """torch.accelerator._utils._get_device_index with no accelerator: ints pass, devices are refused."""
    if isinstance(device, int):
        return device
    from ._device import device as _device
    if isinstance(device, (str, _device)):
        _device(device)              # a malformed string fails as torch.device fails
        raise RuntimeError("Accelerator expected")
    if not optional:
        raise ValueError(f"Expected a torch.device with a specified index or an integer, but got:{device}")
    return current_device_index()


def current_device_index():
    _no_accelerator()


def get_device_capability(device=None, /):
    _no_accelerator(_get_device_index(device, optional=True))


def set_device_index(device, /):
    index = _get_device_index(device, optional=False)
    if index >= 0:                   # a negative index is a no-op
        _no_accelerator()


def current_stream(device=None, /):
    _no_accelerator(_get_device_index(device, optional=True))


def set_stream(stream):
    _no_accelerator()


def synchronize(device=None, /):
    _no_accelerator(_get_device_index(device, optional=True))


def current_device_idx():
    warnings.warn("Use `current_device_index` instead.", FutureWarning, stacklevel=2)
    return current_device_index()


def set_device_idx(device, /):
    warnings.warn("Use `set_device_index` instead.", FutureWarning, stacklevel=2)
    return set_device_index(device)


class device_index:
    """Context manager setting the current accelerator device index (``None``: no switching)."""

    def __init__(self, device, /):
        self.idx = device
        self.prev_idx = -1

    def __enter__(self):
        if self.idx is not None:
            _no_accelerator()

    def __exit__(self, *exc_info):
        if self.idx is not None:
            _no_accelerator()


# torch.accelerator.memory: each asks first whether the allocator is initialised, which already needs
# the accelerator (get_memory_info parses its argument before that)
def empty_cache():
    _no_accelerator()


def empty_host_cache():
    _no_accelerator()


def memory_stats(device_index=None, /):
    _no_accelerator()


def memory_allocated(device_index=None, /):
    _no_accelerator()


def max_memory_allocated(device_index=None, /):
    _no_accelerator()


def memory_reserved(device_index=None, /):
    _no_accelerator()


def max_memory_reserved(device_index=None, /):
    _no_accelerator()


def reset_accumulated_memory_stats(device_index=None, /):
    _no_accelerator()


def reset_peak_memory_stats(device_index=None, /):
    _no_accelerator()


def get_memory_info(device_index=None, /):
    _no_accelerator(_get_device_index(device_index, optional=True))


_MEMORY = ["empty_cache", "empty_host_cache", "get_memory_info", "max_memory_allocated", "max_memory_reserved",
           "memory_allocated", "memory_reserved", "memory_stats", "reset_accumulated_memory_stats",
           "reset_peak_memory_stats"]
_TOP = ["current_device_index", "current_device_idx", "get_device_capability", "set_device_index",
        "set_device_idx", "current_stream", "set_stream", "synchronize", "device_index"]


def _attach():
    from ._runtime import accelerator, _module
    from . import _class_paths
    _class_paths.place(device_index, "torch.accelerator")
    g = globals()
    memory = _module("torch.accelerator.memory", __all__=list(_MEMORY), **{n: g[n] for n in _MEMORY})
    accelerator.memory = memory
    for n in _MEMORY + _TOP:
        if not hasattr(accelerator, n):
            setattr(accelerator, n, g[n])


_attach()
