"""The tensors a layer's ``__init__`` creates for its parameters and buffers.

torch builds them with ``torch.empty(num_features)`` / ``torch.zeros(...)`` / ``torch.empty((n, d))``,
so a size that is not an int (``nn.BatchNorm2d(4.0)``) fails in torch's argument parser, naming that
factory; ``args`` are those positional arguments, ``fn`` the factory's name."""
import numpy as np

from ... import _dtype as _dt
from ..._sizes import _size
from ..._tensor import _wrap


def filled(args, value, dtype=None, fn="empty"):
    """``torch.<fn>(*args)`` holding ``value`` everywhere (``None``: left uninitialised, as ``empty``)."""
    dt = _dt.DEFAULT.float.np if dtype is None else dtype.np
    shape = _size(args, fn)
    return _wrap(np.empty(shape, dt) if value is None else np.full(shape, value, dt))
