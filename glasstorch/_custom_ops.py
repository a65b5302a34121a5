"""``torch._custom_ops``: the older custom-operator API.  Only ``get_ctx`` (the ctx of the fake
implementation running now) is here; programs such as torchvision call it inside their fake kernels.
The rest (``custom_op``, ``impl``, ``impl_abstract`` ...) is ``torch.library``'s job in glasstorch."""
from .library import get_ctx  # noqa: F401

__all__ = ["get_ctx"]
