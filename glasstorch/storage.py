"""``torch.storage``: where torch keeps ``UntypedStorage`` (glasstorch's is in ``ops/storage.py``)."""
from .ops.storage import UntypedStorage  # noqa: F401
