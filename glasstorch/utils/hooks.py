"""``torch.utils.hooks``: where torch keeps ``RemovableHandle``, what ``register_*_hook`` returns
(glasstorch's is in ``autograd/graph.py``)."""
from ..autograd.graph import RemovableHandle  # noqa: F401
