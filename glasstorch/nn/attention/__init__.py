"""``torch.nn.attention``: choose the kernels of ``F.scaled_dot_product_attention`` (``sdpa_kernel``).
The switches live in ``glasstorch/_sdp.py``, shared with ``torch.backends.cuda.enable_*_sdp``."""
from ..._sdp import SDPBackend, sdpa_kernel, _cur_sdpa_kernel_backends  # noqa: F401

__all__ = ["SDPBackend", "sdpa_kernel", "WARN_FOR_UNFUSED_KERNELS"]

WARN_FOR_UNFUSED_KERNELS = False
