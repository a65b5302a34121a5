"""``torch.ao.nn.intrinsic.modules``: the fused containers."""
from .fused import *  # noqa: F401,F403
from .fused import _FusedModule  # noqa: F401
