"""``torch.utils``: ``data`` (datasets, samplers, DataLoader), ``checkpoint`` (activation checkpointing)."""
from . import checkpoint, data

__all__ = ["checkpoint", "data"]
from . import benchmark  # noqa: E402,F401  (torch.utils.benchmark)
