"""``torch.ao.nn.intrinsic`` (also ``torch.nn.intrinsic``): the sequential containers that
``fuse_modules`` builds (ConvReLU2d, ConvBnReLU2d, LinearReLU ...).  glasstorch has no quantized or
QAT versions of them."""
from .modules import *  # noqa: F401,F403
from .modules import _FusedModule  # noqa: F401
from .modules.fused import __all__  # noqa: F401
