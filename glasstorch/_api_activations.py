"""The activations torch also exposes at top level (``torch.selu``, ``torch.threshold_``,
``torch.rrelu`` ...), with torch's top-level signatures; ``nn.functional`` has the same ops."""
from .nn._ops.activation import selu as _selu, celu as _celu, prelu, selu_, celu_  # noqa: F401
from .nn._ops.threshold import threshold as _threshold, threshold_  # noqa: F401
from .nn._ops.shrink import hardshrink  # noqa: F401
from .nn._ops.rrelu import rrelu, rrelu_  # noqa: F401

__all__ = ["selu", "celu", "prelu", "selu_", "celu_", "threshold", "threshold_", "hardshrink", "rrelu", "rrelu_"]


def selu(input):
    """torch.selu: F.selu without ``inplace`` (torch keeps the two apart)."""
    return _selu(input)


def celu(input, alpha=1.0):
    """torch.celu: F.celu without ``inplace``."""
    return _celu(input, alpha)


def threshold(input, threshold, value):
    return _threshold(input, threshold, value)
