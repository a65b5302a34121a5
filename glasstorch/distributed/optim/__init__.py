"""``torch.distributed.optim``: the ZeRO-1 optimizer wrapper."""
from ..._sympy_import import sympy_imported as _sympy_imported  # torch imports sympy here: see there
_sympy_imported()
del _sympy_imported
from .zero_redundancy_optimizer import ZeroRedundancyOptimizer  # noqa: F401

__all__ = ["ZeroRedundancyOptimizer"]
