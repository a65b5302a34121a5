"""Which kernels ``F.scaled_dot_product_attention`` may use: ``torch.nn.attention`` and the
``torch.backends.cuda`` switches (a leaf module, so ``_runtime`` can import it early).

torch keeps one switch per backend (flash, memory-efficient, math, cuDNN, overrideable); the
``torch.backends.cuda.enable_*_sdp`` functions and the ``sdpa_kernel`` context manager flip them.
On the CPU only the flash and math kernels exist, so with both off attention has no kernel and
raises torch's error.  glasstorch computes attention one way whichever kernel is chosen (the math
formula), so the switches change which calls fail, never the numbers.
"""
import contextlib
import enum
import warnings

class SDPBackend(enum.Enum):
    """The backends of scaled dot product attention (torch's ``_SDPBackend`` values)."""
    ERROR = -1
    MATH = 0
    FLASH_ATTENTION = 1
    EFFICIENT_ATTENTION = 2
    CUDNN_ATTENTION = 3
    OVERRIDEABLE = 4

    def __int__(self):
        return self.value

    __index__ = __int__


# the switches, in the order torch lists the enabled backends (its default priority order)
_ENABLED = {SDPBackend.CUDNN_ATTENTION: True, SDPBackend.FLASH_ATTENTION: True,
            SDPBackend.EFFICIENT_ATTENTION: True, SDPBackend.MATH: True, SDPBackend.OVERRIDEABLE: True}


def _cur_sdpa_kernel_backends(with_priority=False):
    return [b for b, on in _ENABLED.items() if on]


def _check_cpu_kernel():
    """Called by scaled_dot_product_attention: the CPU needs the flash or the math kernel."""
    if not (_ENABLED[SDPBackend.FLASH_ATTENTION] or _ENABLED[SDPBackend.MATH]):
        raise RuntimeError("No viable backend for scaled_dot_product_attention was found. This is likely due to "
                           "turning off both the math kernel and the fused kernels.")


def _set_enabled(backends):
    for b in _ENABLED:
        _ENABLED[b] = b in backends


@contextlib.contextmanager
def sdpa_kernel(backends, set_priority=False):
    """Within the block, only ``backends`` (one SDPBackend or a list) may run attention; the
    previous switches come back on exit."""
    if not isinstance(backends, (list, SDPBackend)):
        raise AssertionError("Backend must be an instance of SDPBackend or a list of SDPBackend instances, got "
                             f"{type(backends).__name__}")
    if isinstance(backends, SDPBackend):
        backends = [backends]
    previous = _cur_sdpa_kernel_backends()
    try:
        _set_enabled(list(dict.fromkeys(backends)))
        yield {}
    finally:
        _set_enabled(previous)


# ---- torch.backends.cuda's switches (the same state) ----------------------------------------------

def _flag(backend):
    def enabled():
        return _ENABLED[backend]

    def enable(enabled):
        _ENABLED[backend] = bool(enabled)
    return enabled, enable


flash_sdp_enabled, enable_flash_sdp = _flag(SDPBackend.FLASH_ATTENTION)
mem_efficient_sdp_enabled, enable_mem_efficient_sdp = _flag(SDPBackend.EFFICIENT_ATTENTION)
math_sdp_enabled, enable_math_sdp = _flag(SDPBackend.MATH)
cudnn_sdp_enabled, enable_cudnn_sdp = _flag(SDPBackend.CUDNN_ATTENTION)


def is_flash_attention_available():
    return False


@contextlib.contextmanager
def sdp_kernel(enable_flash=True, enable_math=True, enable_mem_efficient=True, enable_cudnn=True):
    """Deprecated form of ``sdpa_kernel`` taking one flag per backend.  torch's ``@deprecated`` sits
    under ``@contextmanager``: the call warns, before any ``with``, from contextlib's frame."""
    warnings.warn("`torch.backends.cuda.sdp_kernel()` is deprecated. In the future, this context manager will be "
                  "removed. Please see `torch.nn.attention.sdpa_kernel()` for the new context manager, with updated "
                  "signature.", FutureWarning, stacklevel=2)
    return _sdp_kernel(enable_flash, enable_math, enable_mem_efficient, enable_cudnn)


def _sdp_kernel(enable_flash, enable_math, enable_mem_efficient, enable_cudnn):
    chosen = [b for b, on in ((SDPBackend.FLASH_ATTENTION, enable_flash), (SDPBackend.EFFICIENT_ATTENTION,
              enable_mem_efficient), (SDPBackend.MATH, enable_math), (SDPBackend.CUDNN_ATTENTION, enable_cudnn)) if on]
    with sdpa_kernel(chosen) as context:
        yield context


CUDA_SWITCHES = dict(flash_sdp_enabled=flash_sdp_enabled, enable_flash_sdp=enable_flash_sdp,
                     mem_efficient_sdp_enabled=mem_efficient_sdp_enabled,
                     enable_mem_efficient_sdp=enable_mem_efficient_sdp, math_sdp_enabled=math_sdp_enabled,
                     enable_math_sdp=enable_math_sdp, cudnn_sdp_enabled=cudnn_sdp_enabled,
                     enable_cudnn_sdp=enable_cudnn_sdp, is_flash_attention_available=is_flash_attention_available,
                     sdp_kernel=sdp_kernel)
