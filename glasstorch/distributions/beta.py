"""``torch.distributions.beta``: where torch keeps ``Beta`` (glasstorch's sits beside Dirichlet, in
``dirichlet.py``)."""
from .dirichlet import Beta  # noqa: F401
