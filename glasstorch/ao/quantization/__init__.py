"""``torch.ao.quantization`` (also ``torch.quantization``): glasstorch has eager dynamic quantization,
``quantize_dynamic(model, {nn.Linear}, dtype=torch.qint8)``."""

from ._quantize import quantize_dynamic, DEPRECATED  # noqa: F401

__all__ = ["quantize_dynamic"]
