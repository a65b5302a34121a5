"""``LayerNorm``, ``GroupNorm``, ``RMSNorm`` (batch norms live in ``batchnorm.py``, as in torch)."""
from ..parameter import Parameter
from ._factory import filled
from .. import functional as F
from .. import init
from .module import Module

__all__ = ["LayerNorm", "GroupNorm", "RMSNorm"]


def _affine_params(module, args, affine, bias, dtype):
    """``weight`` (ones) then ``bias`` (zeros) as Parameters, made as ``torch.empty(*args)``; None where
    switched off."""
    if affine:
        module.weight = Parameter(filled(args, 1.0, dtype))
        if bias:
            module.bias = Parameter(filled(args, 0.0, dtype))
        else:
            module.register_parameter("bias", None)
    else:
        module.register_parameter("weight", None)
        module.register_parameter("bias", None)


def _reset_affine(module):
    """``reset_parameters()``: weight back to ones, bias to zeros (where they exist)."""
    if module.weight is not None:
        init.ones_(module.weight)
    if getattr(module, "bias", None) is not None:
        init.zeros_(module.bias)


class LayerNorm(Module):
    """y = (x - E[x]) / sqrt(Var[x] + eps) * gamma + beta over the last dims ``normalized_shape``"""

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True, device=None, dtype=None):
        super().__init__()
        if isinstance(normalized_shape, int):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(normalized_shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        _affine_params(self, (self.normalized_shape,), elementwise_affine, bias, dtype)

    reset_parameters = _reset_affine

    def forward(self, input):
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, "
                f"bias={self.bias is not None}")


class GroupNorm(Module):
    """Normalises each group of channels of each sample, then an affine per channel."""

    def __init__(self, num_groups, num_channels, eps=1e-5, affine=True, device=None, dtype=None, *, bias=True):
        super().__init__()
        if num_channels % num_groups != 0:
            raise ValueError(f"num_channels ({num_channels}) must be divisible by num_groups ({num_groups})")
        self.num_groups, self.num_channels, self.eps, self.affine = num_groups, num_channels, eps, affine
        _affine_params(self, (num_channels,), affine, bias, dtype)

    reset_parameters = _reset_affine

    def forward(self, input):
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return "{num_groups}, {num_channels}, eps={eps}, affine={affine}, bias={use_bias}".format(
            **self.__dict__, use_bias=self.bias is not None)


class RMSNorm(Module):
    """y = x / sqrt(mean(x^2) + eps) * gamma over the last dims ``normalized_shape``"""

    def __init__(self, normalized_shape, eps=None, elementwise_affine=True, device=None, dtype=None):
        super().__init__()
        if isinstance(normalized_shape, int):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(normalized_shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        if elementwise_affine:
            self.weight = Parameter(filled((self.normalized_shape,), 1.0, dtype))
        else:
            self.register_parameter("weight", None)

    reset_parameters = _reset_affine

    def forward(self, x):
        return F.rms_norm(x, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self):
        return "{normalized_shape}, eps={eps}, elementwise_affine={elementwise_affine}".format(**self.__dict__)


# torch defines LocalResponseNorm in normalization.py; ours sits beside the instance norms
from .instancenorm import LocalResponseNorm  # noqa: E402,F401
