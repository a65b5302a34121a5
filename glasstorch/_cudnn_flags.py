"""``torch.backends.cudnn.set_flags`` / ``flags``: set cuDNN's switches (for a block, with ``flags``)
and give back the previous ones.  A CPU build keeps the switches though nothing reads them; its
benchmark limit is None (it lives on the CUDA device), and the fp32 precision and depthwise-kernel
choices read back as ``'none'`` and ``'auto'``."""
from contextlib import contextmanager

from ._runtime import backends

_cudnn = backends.cudnn
_cudnn.benchmark_limit = None


def set_flags(_enabled=None, _benchmark=None, _benchmark_limit=None, _deterministic=None, _allow_tf32=None,
              _fp32_precision="none", _depthwise_kernel=None):
    orig = (_cudnn.enabled, _cudnn.benchmark, None, _cudnn.deterministic, _cudnn.allow_tf32, "none", "auto")
    for name, value in (("enabled", _enabled), ("benchmark", _benchmark), ("deterministic", _deterministic),
                        ("allow_tf32", _allow_tf32)):
        if value is not None:
            setattr(_cudnn, name, value)
    return orig


@contextmanager
def flags(enabled=False, benchmark=False, benchmark_limit=10, deterministic=False, allow_tf32=True,
          fp32_precision="none", depthwise_kernel="auto"):
    orig = set_flags(enabled, benchmark, benchmark_limit, deterministic, allow_tf32, fp32_precision, depthwise_kernel)
    try:
        yield
    finally:
        set_flags(*orig)


_cudnn.set_flags = set_flags
_cudnn.flags = flags
