"""``torch.ao``: architecture optimization; glasstorch has dynamic quantization of ``nn.Linear``
(``torch.ao.quantization.quantize_dynamic``)."""
from . import nn, quantization  # noqa: F401
