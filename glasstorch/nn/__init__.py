"""``torch.nn``: neural-network building blocks."""
from .parameter import Parameter, Buffer, UninitializedParameter
from .modules import *  # noqa: F401,F403
from .modules import __dict__ as _modules_dict
from .modules.module import Module
from . import functional, init, utils
# the star import above also brought nn.modules' submodule ``utils`` (torch.nn.modules.utils, _pair ...):
# nn.utils must stay torch.nn.utils
import sys as _sys
utils = _sys.modules[__name__ + ".utils"]
del _sys
from . import modules  # noqa: F401

__all__ = ["Parameter", "Buffer", "UninitializedParameter", "functional", "init", "utils"] + [
    k for k, v in _modules_dict.items() if isinstance(v, type) and issubclass(v, Module)]
del _modules_dict
