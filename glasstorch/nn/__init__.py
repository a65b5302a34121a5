"""``torch.nn``: neural-network building blocks."""
from .parameter import Parameter, Buffer, UninitializedParameter, UninitializedBuffer
from .modules import *  # noqa: F401,F403  (modules.__all__: the layer classes alone, as torch's)
from .modules import __all__ as _modules_all
from .modules.module import Module
from . import functional, grad, init, utils  # noqa: F401
from . import attention  # noqa: F401  (torch.nn.attention without its own import, as torch)
from . import modules, parameter  # noqa: F401
from . import parallel  # noqa: F401
from .parallel import DataParallel  # noqa: F401  (torch.nn.DataParallel, as torch exposes it)

__all__ = ["Parameter", "Buffer", "UninitializedParameter", "UninitializedBuffer", "functional", "init", "utils"] + list(_modules_all)
del _modules_all
from .modules import _constants
_constants.install(modules)
del _constants
