"""The deprecated device-specific spellings: ``torch.cuda.amp.GradScaler(...)`` is
``torch.amp.GradScaler("cuda", ...)``, ``torch.cpu.amp.GradScaler(...)`` is ``torch.amp.GradScaler("cpu", ...)``,
``torch.cpu.amp.autocast(...)`` is ``torch.amp.autocast("cpu", ...)``; each warns as torch does."""
import warnings

from .autocast_mode import autocast, custom_bwd, custom_fwd
from .grad_scaler import GradScaler


def _deprecated(old, new):
    warnings.warn(f"`{old}(args...)` is deprecated. Please use `{new}` instead.", FutureWarning, stacklevel=3)


class cuda_GradScaler(GradScaler):
    def __init__(self, init_scale=2.0 ** 16, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000,
                 enabled=True):
        _deprecated("torch.cuda.amp.GradScaler", "torch.amp.GradScaler('cuda', args...)")
        super().__init__("cuda", init_scale, growth_factor, backoff_factor, growth_interval, enabled)


class cpu_GradScaler(GradScaler):
    def __init__(self, init_scale=2.0 ** 16, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000,
                 enabled=True):
        _deprecated("torch.cpu.amp.GradScaler", "torch.amp.GradScaler('cpu', args...)")
        super().__init__("cpu", init_scale, growth_factor, backoff_factor, growth_interval, enabled)


class cuda_autocast(autocast):
    def __init__(self, enabled=True, dtype=None, cache_enabled=True):
        _deprecated("torch.cuda.amp.autocast", "torch.amp.autocast('cuda', args...)")
        super().__init__("cuda", dtype=dtype, enabled=enabled, cache_enabled=cache_enabled)


class cpu_autocast(autocast):
    def __init__(self, enabled=True, dtype=None, cache_enabled=True):
        _deprecated("torch.cpu.amp.autocast", "torch.amp.autocast('cpu', args...)")
        super().__init__("cpu", dtype=dtype, enabled=enabled, cache_enabled=cache_enabled)


cuda_GradScaler.__name__ = cuda_GradScaler.__qualname__ = "GradScaler"
cpu_GradScaler.__name__ = cpu_GradScaler.__qualname__ = "GradScaler"
cuda_autocast.__name__ = cuda_autocast.__qualname__ = cpu_autocast.__name__ = cpu_autocast.__qualname__ = "autocast"
for _cls in (cuda_GradScaler, cpu_GradScaler, cuda_autocast, cpu_autocast):
    _cls.__init__.__qualname__ = _cls.__qualname__ + ".__init__"     # (Python's errors name it)
cuda_custom_fwd, cuda_custom_bwd = custom_fwd, custom_bwd
