"""``torch.utils.data._utils.collate``: where torch defines ``default_collate`` and ``default_convert``."""
from .._collate import default_collate, default_convert  # noqa: F401
