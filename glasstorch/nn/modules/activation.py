"""Activation modules: each ``forward`` is one call to its functional form."""
from .. import functional as F
from ..parameter import Parameter
from .module import Module

__all__ = ["ReLU", "ReLU6", "LeakyReLU", "PReLU", "ELU", "SELU", "CELU", "GELU", "SiLU", "Mish", "Sigmoid", "Tanh",
           "Softplus", "Softsign", "Hardtanh", "Hardsigmoid", "Hardswish", "LogSigmoid", "Softmax", "LogSoftmax",
           "Softmin", "GLU", "Tanhshrink", "Threshold", "Softmax2d", "Hardshrink", "Softshrink", "RReLU"]


def _inplace_repr(self):
    return "inplace=True" if self.inplace else ""


class ReLU(Module):
    """y = max(x, 0)"""

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return F.relu(input, inplace=self.inplace)

    extra_repr = _inplace_repr


class Hardtanh(Module):
    """y = clamp(x, min_val, max_val)"""

    def __init__(self, min_val=-1.0, max_val=1.0, inplace=False):
        super().__init__()
        self.min_val, self.max_val, self.inplace = min_val, max_val, inplace
        if not max_val > min_val:
            raise AssertionError(f"max_val ({max_val}) must be greater than min_val ({min_val})")

    def forward(self, input):
        return F.hardtanh(input, self.min_val, self.max_val, self.inplace)

    def extra_repr(self):
        inplace_str = ", inplace=True" if self.inplace else ""
        return f"min_val={self.min_val}, max_val={self.max_val}{inplace_str}"


class ReLU6(Hardtanh):
    """y = clamp(x, 0, 6)"""

    def __init__(self, inplace=False):
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self):
        return _inplace_repr(self)


class LeakyReLU(Module):
    """y = x if x > 0 else negative_slope * x"""

    def __init__(self, negative_slope=1e-2, inplace=False):
        super().__init__()
        self.negative_slope, self.inplace = negative_slope, inplace

    def forward(self, input):
        return F.leaky_relu(input, self.negative_slope, self.inplace)

    def extra_repr(self):
        inplace_str = ", inplace=True" if self.inplace else ""
        return f"negative_slope={self.negative_slope}{inplace_str}"


class PReLU(Module):
    """y = x if x > 0 else a * x, with a learnt slope per channel (or one shared)."""

    def __init__(self, num_parameters=1, init=0.25, device=None, dtype=None):
        super().__init__()
        from ._factory import filled
        self.num_parameters = num_parameters
        self.init = init
        self.weight = Parameter(filled((num_parameters,), float(init), dtype))

    def reset_parameters(self):
        from ..init import constant_
        constant_(self.weight, self.init)

    def forward(self, input):
        return F.prelu(input, self.weight)

    def extra_repr(self):
        return f"num_parameters={self.num_parameters}"


class ELU(Module):
    """y = x if x > 0 else alpha (exp(x) - 1)"""

    def __init__(self, alpha=1.0, inplace=False):
        super().__init__()
        self.alpha, self.inplace = alpha, inplace

    def forward(self, input):
        return F.elu(input, self.alpha, self.inplace)

    def extra_repr(self):
        inplace_str = ", inplace=True" if self.inplace else ""
        return f"alpha={self.alpha}{inplace_str}"


class CELU(ELU):
    """y = max(0, x) + min(0, alpha (exp(x / alpha) - 1))"""

    def forward(self, input):
        return F.celu(input, self.alpha, self.inplace)


class SELU(Module):
    """y = scale (max(0, x) + min(0, alpha (exp(x) - 1)))"""

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return F.selu(input, self.inplace)

    extra_repr = _inplace_repr


class GELU(Module):
    """y = x Phi(x) (``approximate='tanh'``: the tanh approximation)"""

    def __init__(self, approximate="none"):
        super().__init__()
        self.approximate = approximate

    def forward(self, input):
        return F.gelu(input, approximate=self.approximate)

    def extra_repr(self):
        return f"approximate={self.approximate!r}"


class SiLU(Module):
    """y = x sigmoid(x)"""

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return F.silu(input, inplace=self.inplace)

    extra_repr = _inplace_repr


class Mish(SiLU):
    """y = x tanh(softplus(x))"""

    def forward(self, input):
        return F.mish(input, inplace=self.inplace)


class _NoArgs(Module):
    # each layer's own forward, not a shared class attribute: dir(layer) lists torch's names alone
    pass


class Sigmoid(_NoArgs):
    """y = 1 / (1 + exp(-x))"""

    def forward(self, input):
        return F.sigmoid(input)


class Tanh(_NoArgs):
    """y = tanh(x)"""

    def forward(self, input):
        return F.tanh(input)


class Softsign(_NoArgs):
    """y = x / (1 + |x|)"""

    def forward(self, input):
        return F.softsign(input)


class LogSigmoid(_NoArgs):
    """y = log(sigmoid(x))"""

    def forward(self, input):
        return F.logsigmoid(input)


class Tanhshrink(_NoArgs):
    """y = x - tanh(x)"""

    def forward(self, input):
        return F.tanhshrink(input)


class Hardsigmoid(SELU):
    """y = clamp(x / 6 + 1/2, 0, 1)"""

    def forward(self, input):
        return F.hardsigmoid(input, self.inplace)

    def extra_repr(self):                   # torch prints no arguments, not even inplace=True
        return ""


class Hardswish(SELU):
    """y = x hardsigmoid(x)"""

    def forward(self, input):
        return F.hardswish(input, self.inplace)

    extra_repr = Hardsigmoid.extra_repr


class Hardshrink(Module):
    """y = x where |x| > lambd, else 0"""
    __constants__ = ["lambd"]

    def __init__(self, lambd=0.5):
        super().__init__()
        self.lambd = lambd

    def forward(self, input):
        return F.hardshrink(input, self.lambd)

    def extra_repr(self):
        return f"{self.lambd}"


class Softshrink(Hardshrink):
    """y = x - lambd (x > lambd), x + lambd (x < -lambd), else 0"""

    def forward(self, input):
        return F.softshrink(input, self.lambd)


class RReLU(Module):
    """y = x if x >= 0 else a x, a ~ U(lower, upper) in training and (lower + upper) / 2 in eval"""
    __constants__ = ["lower", "upper", "inplace"]

    def __init__(self, lower=1.0 / 8, upper=1.0 / 3, inplace=False):
        super().__init__()
        self.lower, self.upper, self.inplace = lower, upper, inplace

    def forward(self, input):
        return F.rrelu(input, self.lower, self.upper, self.training, self.inplace)

    def extra_repr(self):
        inplace_str = ", inplace=True" if self.inplace else ""
        return f"lower={self.lower}, upper={self.upper}{inplace_str}"


class Softplus(Module):
    """y = log(1 + exp(beta x)) / beta (x itself where beta x > threshold)"""

    def __init__(self, beta=1.0, threshold=20.0):
        super().__init__()
        self.beta, self.threshold = beta, threshold

    def forward(self, input):
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self):
        return f"beta={self.beta}, threshold={self.threshold}"


class _DimModule(Module):
    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def extra_repr(self):
        return f"dim={self.dim}"


class Softmax(_DimModule):
    """y_i = exp(x_i) / sum_j exp(x_j) along ``dim``"""

    def forward(self, input):
        return F.softmax(input, self.dim, _stacklevel=5)


class LogSoftmax(_DimModule):
    """y_i = x_i - log sum_j exp(x_j) along ``dim``"""

    def forward(self, input):
        return F.log_softmax(input, self.dim, _stacklevel=5)


class Softmin(_DimModule):
    """y = softmax(-x) along ``dim``"""

    def forward(self, input):
        return F.softmin(input, self.dim, _stacklevel=5)


class GLU(Module):
    """y = a sigmoid(b), where [a, b] = x split in half along ``dim``"""

    def __init__(self, dim=-1):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return F.glu(input, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class Threshold(Module):
    """y = x if x > threshold else value"""
    __constants__ = ["threshold", "value", "inplace"]

    def __init__(self, threshold, value, inplace=False):
        super().__init__()
        self.threshold, self.value, self.inplace = threshold, value, inplace

    def forward(self, input):
        return F.threshold(input, self.threshold, self.value, self.inplace)

    def extra_repr(self):
        inplace_str = ", inplace=True" if self.inplace else ""
        return f"threshold={self.threshold}, value={self.value}{inplace_str}"


class Softmax2d(Module):
    """Softmax over the channels at every spatial location: input (N, C, H, W) or (C, H, W)."""

    def forward(self, input):
        if input.dim() not in (3, 4):
            raise ValueError(f"Softmax2d: expected input to be 3D or 4D, got {input.dim()}D instead")
        return F.softmax(input, -3, _stacklevel=5)
