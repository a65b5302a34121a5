"""``torch.ao.nn.intrinsic``'s fused modules: plain ``nn.Sequential`` containers of the modules that
``torch.ao.quantization.fuse_modules`` joins (conv + relu, conv + bn, bn + relu ...).  They compute
exactly what their parts compute in order; quantization would later swap each for one fused kernel.
Each checks the types it is given (the class before any parametrization) and names them if wrong."""
from .....nn import (BatchNorm1d, BatchNorm2d, BatchNorm3d, Conv1d, Conv2d, Conv3d, LeakyReLU, Linear, ReLU,
                    Sequential, Tanh)
from .....nn.utils.parametrize import type_before_parametrizations

__all__ = ["ConvBn1d", "ConvBn2d", "ConvBn3d", "ConvBnReLU1d", "ConvBnReLU2d", "ConvBnReLU3d", "ConvReLU1d",
           "ConvReLU2d", "ConvReLU3d", "LinearReLU", "BNReLU2d", "BNReLU3d", "LinearBn1d", "LinearLeakyReLU",
           "LinearTanh"]


class _FusedModule(Sequential):
    pass


def _check(modules, expected):
    """AssertionError naming the given types unless each module's type is the one expected."""
    types = [type_before_parametrizations(m) for m in modules]
    if types != list(expected):
        names = [t.__name__ for t in types]
        listed = " and ".join(names) if len(names) == 2 else ", ".join(names[:-1]) + ", and " + names[-1]
        raise AssertionError("Incorrect types for input modules: " + listed)


def _fused(name, *expected):
    """A _FusedModule subclass whose constructor takes one module of each ``expected`` type, in order."""
    def __init__(self, *modules):
        _check(modules, expected)
        _FusedModule.__init__(self, *modules)
    parts = " and ".join(t.__name__ for t in expected)
    doc = f"A sequential container which calls the {parts} modules (replaced by one fused module in quantization)."
    return type(name, (_FusedModule,), {"__init__": __init__, "__doc__": doc, "__module__": __name__})


ConvReLU1d = _fused("ConvReLU1d", Conv1d, ReLU)
ConvReLU2d = _fused("ConvReLU2d", Conv2d, ReLU)
ConvReLU3d = _fused("ConvReLU3d", Conv3d, ReLU)
LinearReLU = _fused("LinearReLU", Linear, ReLU)
ConvBn1d = _fused("ConvBn1d", Conv1d, BatchNorm1d)
ConvBn2d = _fused("ConvBn2d", Conv2d, BatchNorm2d)
ConvBn3d = _fused("ConvBn3d", Conv3d, BatchNorm3d)
ConvBnReLU1d = _fused("ConvBnReLU1d", Conv1d, BatchNorm1d, ReLU)
ConvBnReLU2d = _fused("ConvBnReLU2d", Conv2d, BatchNorm2d, ReLU)
ConvBnReLU3d = _fused("ConvBnReLU3d", Conv3d, BatchNorm3d, ReLU)
BNReLU2d = _fused("BNReLU2d", BatchNorm2d, ReLU)
BNReLU3d = _fused("BNReLU3d", BatchNorm3d, ReLU)
LinearBn1d = _fused("LinearBn1d", Linear, BatchNorm1d)
LinearLeakyReLU = _fused("LinearLeakyReLU", Linear, LeakyReLU)
LinearTanh = _fused("LinearTanh", Linear, Tanh)
