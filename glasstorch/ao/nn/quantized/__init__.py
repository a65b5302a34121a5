"""``torch.ao.nn.quantized``: glasstorch has the dynamic modules (``quantized.dynamic.Linear``)."""
from . import dynamic  # noqa: F401
