"""``torch.ao.nn.quantized.dynamic``: modules whose weights are quantized ahead of time and whose inputs are
quantized on the fly, per call."""
from .modules.linear import Linear  # noqa: F401

__all__ = ["Linear"]
