"""``torch.distributions.exponential``: where torch keeps ``Exponential`` (glasstorch's sits beside
Gamma, in ``gamma.py``)."""
from .gamma import Exponential  # noqa: F401
