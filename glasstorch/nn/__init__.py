"""``torch.nn``: neural-network building blocks."""
from .parameter import Parameter, Buffer, UninitializedParameter

__all__ = ["Parameter", "Buffer", "UninitializedParameter"]
