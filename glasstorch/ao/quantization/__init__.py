"""``torch.ao.quantization`` (also ``torch.quantization``): glasstorch has eager dynamic quantization,
``quantize_dynamic(model, {nn.Linear}, dtype=torch.qint8)``, and module fusion (``fuse_modules``)."""

from ._quantize import quantize_dynamic, DEPRECATED  # noqa: F401
from . import fuser_method_mappings  # noqa: F401
from .stubs import QuantStub, DeQuantStub  # noqa: F401
from .fuse_modules import fuse_known_modules, fuse_modules, fuse_modules_qat  # noqa: F401
from .fuser_method_mappings import (fuse_conv_bn, fuse_conv_bn_relu, fuse_convtranspose_bn,  # noqa: F401
                                    fuse_linear_bn, get_fuser_method)

__all__ = ["quantize_dynamic", "fuse_modules", "fuse_modules_qat", "fuse_conv_bn", "fuse_conv_bn_relu",
           "fuse_convtranspose_bn", "fuse_linear_bn", "get_fuser_method", "QuantStub", "DeQuantStub"]
