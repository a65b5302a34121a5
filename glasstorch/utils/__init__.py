"""``torch.utils``: ``data`` (datasets, samplers, DataLoader), ``checkpoint`` (activation checkpointing)."""
from . import checkpoint, data, hooks
from ._swap import swap_tensors

__all__ = ["checkpoint", "data", "swap_tensors"]
from . import benchmark  # noqa: E402,F401  (torch.utils.benchmark)


def __getattr__(name):
    # ``import torch`` loads these, so ``torch.utils._pytree.register_pytree_node(...)`` works with no
    # import of its own (Hugging Face's ModelOutput does this); here they load on first use
    if name in ("_pytree", "dlpack"):
        import importlib
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'torch.utils' has no attribute {name!r}")
