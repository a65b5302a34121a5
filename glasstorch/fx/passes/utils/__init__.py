"""``torch.fx.passes.utils``: helpers for graph passes (``matcher_utils``)."""
from . import matcher_utils  # noqa: F401
