"""The tensors a layer's ``__init__`` creates for its parameters and buffers.

torch builds them with ``torch.empty(num_features)`` / ``torch.zeros(...)`` / ``torch.empty((n, d))``,
so a size that is not an int (``nn.BatchNorm2d(4.0)``) fails in torch's argument parser, naming that
factory; ``args`` are those positional arguments, ``fn`` the factory's name."""
import numpy as np

from ... import _dtype as _dt
from ..._sizes import _size
from ..._tensor import _wrap
from ..._meta import default_is_meta, empty_meta


def honour_device_argument(cls):
    """glasstorch's own layers take torch's ``device=`` argument and, computing on the CPU only, ignore
    it, except ``device='meta'``: then the layer is built as inside ``with torch.device('meta'):``."""
    init = cls.__dict__.get("__init__")
    code = getattr(init, "__code__", None)
    if code is None or not cls.__module__.startswith("glasstorch.") or \
            "device" not in code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]:
        return
    import functools
    from ..._device import device
    from ..._meta import is_meta_device

    @functools.wraps(init)
    def __init__(self, *args, **kwargs):
        if is_meta_device(kwargs.get("device")):
            with device("meta"):
                return init(self, *args, **kwargs)
        return init(self, *args, **kwargs)
    cls.__init__ = __init__


def filled(args, value, dtype=None, fn="empty"):
    """``torch.<fn>(*args)`` holding ``value`` everywhere (``None``: left uninitialised, as ``empty``)."""
    dt = _dt.DEFAULT.float.np if dtype is None else dtype.np
    shape = _size(args, fn)
    if default_is_meta():           # a layer built inside ``with torch.device('meta'):``
        return empty_meta(shape, dt)
    return _wrap(np.empty(shape, dt) if value is None else np.full(shape, value, dt))
