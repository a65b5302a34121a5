"""Autocast's per-device state (``torch.is_autocast_enabled`` ...), kept apart from the context
manager so that ``import glasstorch`` can export these functions without loading the amp package.

glasstorch has no lower-precision casting, so the state only records what a program asked for:
every enabled autocast region is refused (see autocast_mode.py), and these answer as torch does
outside any region."""

_SUPPORTED = ("cpu", "cuda", "xpu", "mps", "hpu", "mtia", "maia", "xla", "ipu", "meta")


def _default_dtypes():
    from .. import _dtype
    # torch's defaults: float16 on the GPUs, bfloat16 on the CPU (glasstorch names bfloat16 but
    # cannot store it, see _dtype.py)
    return {"cpu": _dtype.bfloat16, "cuda": _dtype.float16, "xpu": _dtype.bfloat16, "mps": _dtype.float16,
            "hpu": _dtype.bfloat16, "mtia": _dtype.bfloat16, "maia": _dtype.bfloat16, "xla": _dtype.bfloat16,
            "ipu": _dtype.float16, "meta": _dtype.float16}


class _State:
    __slots__ = ("enabled", "dtypes", "cache", "nesting")

    def __init__(self):
        self.enabled = {}
        self.dtypes = None
        self.cache = True
        self.nesting = 0


STATE = _State()


def _check(device_type):
    if not isinstance(device_type, str):
        raise TypeError(f"is_autocast_enabled(): argument 'device_type' (position 1) must be str, not "
                        f"{type(device_type).__name__}")
    if device_type not in _SUPPORTED:
        raise RuntimeError(f"Expected one of cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, ve, fpga, "
                           f"maia, xla, lazy, vulkan, mps, meta, hpu, mtia, privateuseone device type at start of "
                           f"device string: {device_type}")
    return device_type


def is_autocast_enabled(device_type="cuda"):
    return STATE.enabled.get(_check(device_type), False)


def set_autocast_enabled(device_type, enabled):
    STATE.enabled[_check(device_type)] = bool(enabled)


def get_autocast_dtype(device_type):
    if STATE.dtypes is None:
        STATE.dtypes = _default_dtypes()
    return STATE.dtypes[_check(device_type)]


def set_autocast_dtype(device_type, dtype):
    get_autocast_dtype(device_type)
    STATE.dtypes[device_type] = dtype


def get_autocast_cpu_dtype():
    return get_autocast_dtype("cpu")


def get_autocast_gpu_dtype():
    return get_autocast_dtype("cuda")


def is_autocast_cpu_enabled():
    return is_autocast_enabled("cpu")


def is_autocast_cache_enabled():
    return STATE.cache


def set_autocast_cache_enabled(enabled):
    STATE.cache = bool(enabled)


def clear_autocast_cache():
    pass


__all__ = ["is_autocast_enabled", "set_autocast_enabled", "get_autocast_dtype", "set_autocast_dtype",
           "get_autocast_cpu_dtype", "get_autocast_gpu_dtype", "is_autocast_cpu_enabled",
           "is_autocast_cache_enabled", "set_autocast_cache_enabled", "clear_autocast_cache"]
