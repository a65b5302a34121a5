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
    """glasstorch's own layers take torch's ``device=`` argument: ``device='meta'`` builds the layer as inside
    ``with torch.device('meta'):``, ``'cpu'`` as on the CPU whatever the default device, a CUDA one raises."""
    init = cls.__dict__.get("__init__")
    code = getattr(init, "__code__", None)
    if code is None or not cls.__module__.startswith("glasstorch.") or \
            "device" not in code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]:
        return
    import functools
    from ..._device import device
    from ..._meta import is_meta_device

    from ..._device import check_device
    from ..._user_warning import skipped_by_warnings

    @functools.wraps(init)
    def __init__(self, *args, **kwargs):
        where = kwargs.get("device")
        if is_meta_device(where):
            with device("meta"):
                return init(self, *args, **kwargs)
        if where is not None:
            # an explicit device wins over the default (``with torch.device('cuda'):``); a CUDA one raises
            # torch's CPU-build error
            with device(check_device(where).type):
                return init(self, *args, **kwargs)
        return init(self, *args, **kwargs)
    # torch's layers have no such frame: a warning in the layer's __init__ (stacklevel=2) names the line torch's names
    __init__.__code__ = skipped_by_warnings(__init__.__code__)
    cls.__init__ = __init__


def filled(args, value, dtype=None, fn="empty"):
    """``torch.<fn>(*args)`` holding ``value`` everywhere (``None``: left uninitialised, as ``empty``)."""
    dt = _dt.DEFAULT.float.np if dtype is None else dtype.np
    shape = _size(args, fn)
    if default_is_meta():           # a layer built inside ``with torch.device('meta'):``
        return empty_meta(shape, dt)
    from ..._device import DEFAULT_STACK, check_device
    if DEFAULT_STACK[-1].type != "cpu":     # built inside ``with torch.device('cuda'):``: torch's factory raises
        check_device(DEFAULT_STACK[-1])
    return _wrap(np.empty(shape, dt) if value is None else np.full(shape, value, dt))
