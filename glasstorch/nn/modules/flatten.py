"""``Flatten`` and ``Unflatten``."""
from .module import Module

__all__ = ["Flatten", "Unflatten"]


class Flatten(Module):
    """Merges dims start_dim..end_dim into one (a view when possible)."""

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, input):
        from ...ops.shape import flatten
        try:
            return flatten(input, self.start_dim, self.end_dim)
        except (AttributeError, TypeError):
            if hasattr(input, "_data"):
                raise
        return input.flatten(self.start_dim, self.end_dim)     # torch's: Python's own error on a non-tensor

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


def _require_tuple_int(size):
    """torch checks the new sizes when the module is built, not when it first runs."""
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"unflattened_size must be a tuple of ints, but found type {type(size).__name__}")
    for i, n in enumerate(size):
        if not isinstance(n, int):
            raise TypeError(f"unflattened_size must be tuple of ints, but found element of type "
                            f"{type(n).__name__} at pos {i}")


class Unflatten(Module):
    """Splits dim ``dim`` into ``unflattened_size``."""

    def __init__(self, dim, unflattened_size):
        super().__init__()
        _require_tuple_int(unflattened_size)
        self.dim, self.unflattened_size = dim, unflattened_size

    def forward(self, input):
        from ...ops.shape import unflatten
        return unflatten(input, self.dim, self.unflattened_size)

    def extra_repr(self):
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
