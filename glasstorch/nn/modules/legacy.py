"""Legacy layers torch still exports: ``CrossMapLRN2d`` (torch.nn.modules.normalization), and the
deprecated ``NLLLoss2d`` (torch.nn.modules.loss) and ``Container`` (torch.nn.modules.container),
which warn with a FutureWarning when made, as torch's ``@deprecated`` classes do (see _class_paths.py
for their torch paths)."""
import warnings

from ._functions import CrossMapLRN2d as _cross_map_lrn2d
from .loss import NLLLoss
from .module import Module

__all__ = ["CrossMapLRN2d", "NLLLoss2d", "Container"]


class CrossMapLRN2d(Module):
    """y_c = x_c * (k + alpha / size * sum of x^2 over nearby channels)^(-beta), on 4-d input"""

    def __init__(self, size, alpha=1e-4, beta=0.75, k=1):
        super().__init__()
        self.size = size
        self.alpha = alpha
        self.beta = beta
        self.k = k

    def forward(self, input):
        return _cross_map_lrn2d.apply(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self):
        return "{size}, alpha={alpha}, beta={beta}, k={k}".format(**self.__dict__)


class _Deprecated:
    """Warn on construction (and on subclassing), as ``typing_extensions.deprecated`` does for a class."""
    __deprecated__ = ""

    def __new__(cls, *args, **kwargs):
        warnings.warn(cls._message, FutureWarning, stacklevel=2)
        return super().__new__(cls)

    def __init_subclass__(cls, **kwargs):
        if "_message" not in vars(cls):
            warnings.warn(cls._message, FutureWarning, stacklevel=2)
        super().__init_subclass__(**kwargs)


class NLLLoss2d(_Deprecated, NLLLoss):
    _message = ("`NLLLoss2d` has been deprecated. Please use `NLLLoss` instead as a drop-in replacement and see "
                "https://pytorch.org/docs/main/nn.html#torch.nn.NLLLoss for more details.")
    __deprecated__ = _message

    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
        super().__init__(weight, size_average, ignore_index, reduce, reduction)


class Container(_Deprecated, Module):
    _message = ("`nn.Container` is deprecated. All of its functionality is now implemented in `nn.Module`. "
                "Subclass that instead.")
    __deprecated__ = _message

    def __init__(self, **kwargs):
        super().__init__()
        for key, value in kwargs.items():
            self.add_module(key, value)
