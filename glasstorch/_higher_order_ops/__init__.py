"""``torch._higher_order_ops``: the control-flow operators' names (models import them for optional
paths: transformers' Mamba imports ``associative_scan`` and uses it only when asked); running them is
not implemented in glasstorch yet."""
from .associative_scan import associative_scan  # noqa: F401
