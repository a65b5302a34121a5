"""``torch._inductor``, as far as eager scripts touch it: the ``config`` flags they set before calling
``torch.compile``.  glasstorch compiles nothing, so nothing reads these flags."""
from . import config  # noqa: F401
