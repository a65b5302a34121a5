"""``torch.distributed.optim``: the ZeRO-1 optimizer wrapper."""
from .zero_redundancy_optimizer import ZeroRedundancyOptimizer  # noqa: F401

__all__ = ["ZeroRedundancyOptimizer"]
