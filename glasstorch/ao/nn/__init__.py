"""``torch.ao.nn``: quantized modules and the fused containers of ``intrinsic``."""
from . import intrinsic, quantized  # noqa: F401
