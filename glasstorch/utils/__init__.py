"""``torch.utils``: ``data`` (datasets, samplers, DataLoader), ``checkpoint`` (activation checkpointing)."""
from . import checkpoint, data, hooks
from ._swap import swap_tensors

__all__ = ["checkpoint", "data", "swap_tensors"]
from . import benchmark  # noqa: E402,F401  (torch.utils.benchmark)
