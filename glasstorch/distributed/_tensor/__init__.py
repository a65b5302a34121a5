"""``torch.distributed._tensor``: DTensor's old path, kept by torch for backward compatibility; its
submodules are ``torch.distributed.tensor``'s, the very modules (as torch redirects them)."""
import sys
from importlib import import_module

for _sub in ("experimental",):
    sys.modules[f"{__name__}.{_sub}"] = import_module(f"glasstorch.distributed.tensor.{_sub}")

from ..tensor import (DTensor, distribute_module, distribute_tensor, empty, full, ones, Partial,  # noqa: E402,F401
                      Placement, rand, randn, Replicate, Shard, zeros)
