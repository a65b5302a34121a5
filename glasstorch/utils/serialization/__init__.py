"""``torch.utils.serialization``: the ``config`` that ``torch.save`` and ``torch.load`` read at each call."""
from . import config  # noqa: F401
