"""``torch.signal``: signal-processing helpers; so far the ``windows`` family."""
from . import windows  # noqa: F401

__all__ = ["windows"]
