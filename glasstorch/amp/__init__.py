"""``torch.amp``: mixed precision.  GradScaler works (on the CPU, as torch's does); autocast
regions are accepted when disabled and refused when they would cast (see autocast_mode.py)."""
from .autocast_mode import autocast, custom_bwd, custom_fwd, is_autocast_available
from .grad_scaler import GradScaler

__all__ = ["autocast", "custom_bwd", "custom_fwd", "is_autocast_available", "GradScaler"]
