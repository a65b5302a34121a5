"""``torch.utils.hooks``: where torch keeps ``RemovableHandle``, what ``register_*_hook`` returns
(glasstorch's is in ``nn/modules/_hooks.py``)."""
from ..nn.modules._hooks import RemovableHandle  # noqa: F401
