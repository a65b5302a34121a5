"""``torch.cuda`` (and ``torch.xpu``) as a CPU-only torch build has them.

Course code calls the memory counters, seeds and device queries whether or not a GPU is there;
on a CPU build torch answers some (0, [], None, an empty OrderedDict), refuses others with
"Torch not compiled with CUDA enabled", and a few fail on the missing C functions. glasstorch answers
each one alike, so such a program prints and fails where it would on a CPU-only torch.
"""
import collections
import warnings

from . import _class_paths
from ._api_legacy import OutOfMemoryError
from ._runtime import _module, _no_cuda, _zero, cuda

def _missing_c(name):
    def fn(*args, **kwargs):
        raise AttributeError(f"module 'torch._C' has no attribute '{name}'")
    return fn


def _renamed(old, new, fn):
    def wrapper(device=None):
        warnings.warn(f"`torch.cuda.{old}` has been renamed to `torch.cuda.{new}`", FutureWarning, stacklevel=2)
        return fn(device)
    return wrapper


def _reset_calls_peak(old):
    def wrapper(device=None):
        warnings.warn(f"torch.cuda.{old} now calls torch.cuda.reset_peak_memory_stats, which resets /all/ peak "
                      f"memory stats.", FutureWarning, stacklevel=2)
        return _missing_c("_cuda_resetPeakMemoryStats")()
    return wrapper


def _memory_summary(device=None, abbreviated=False):
    raise KeyError("allocated_bytes.all.current")


def _nvml(*args, **kwargs):
    raise ModuleNotFoundError("nvidia-ml-py does not seem to be installed or it can't be imported.")


def _nvtx(*args, **kwargs):
    raise RuntimeError("NVTX functions not installed. Are you sure you have a CUDA build?")


class Event:
    """A CUDA event; a CPU build has only its dummy base class."""

    def __new__(cls, *args, **kwargs):
        raise RuntimeError("Tried to instantiate dummy base class Event")


class Stream:
    def __new__(cls, *args, **kwargs):
        raise RuntimeError("torch.cuda.Stream requires CUDA support")


class device:
    """``with torch.cuda.device(i):``: made freely, refused on entering."""

    def __init__(self, device):
        from ._device import device as _device
        if isinstance(device, int) or device is None:
            self.idx = -1 if device is None else device
        else:
            d = _device(device)
            self.idx = d.index if d.index is not None else -1
        self.prev_idx = -1

    def __enter__(self):
        raise RuntimeError("PyTorch was compiled without CUDA support")

    def __exit__(self, *exc):
        return False


class device_of(device):
    def __init__(self, obj):
        super().__init__(obj.get_device() if getattr(obj, "is_cuda", False) else -1)


class StreamContext:
    def __init__(self, stream):
        self.stream = stream

    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


def stream(stream):
    """``with torch.cuda.stream(s):``: on a CPU build, a context that does nothing."""
    return StreamContext(stream)


for _cls in (Event, Stream, device, device_of, StreamContext):
    _class_paths.place(_cls, "torch.cuda")          # as torch prints them


def _legacy_type(name):
    from . import _dtype
    from ._legacy_ctor import tensortype

    def __new__(cls, *args, **kwargs):
        raise TypeError(f"type torch.cuda.{name} not available. Torch not compiled with CUDA enabled.")
    dt = getattr(_dtype, {"Float": "float32", "Double": "float64", "Half": "float16", "Long": "int64", "Int": "int32",
                          "Short": "int16", "Char": "int8", "Byte": "uint8", "Bool": "bool_"}.get(name[:-6], ""), None)
    return tensortype(name, (), {"__new__": __new__, "__module__": "torch.cuda", "_legacy_dtype": dt, "_is_cuda": True})


cuda.__dict__.update(
    memory_reserved=_zero, max_memory_reserved=_zero,
    reset_peak_memory_stats=_missing_c("_cuda_resetPeakMemoryStats"),
    reset_accumulated_memory_stats=_missing_c("_cuda_resetAccumulatedMemoryStats"),
    reset_max_memory_allocated=_reset_calls_peak("reset_max_memory_allocated"),
    reset_max_memory_cached=_reset_calls_peak("reset_max_memory_cached"),
    memory_snapshot=_missing_c("_cuda_memorySnapshot"), set_device=_missing_c("_cuda_setDevice"),
    memory_stats=lambda device=None: collections.OrderedDict(), memory_summary=_memory_summary,
    list_gpu_processes=lambda device=None: "pynvml module not found, please install nvidia-ml-py",
    get_rng_state_all=lambda: [], set_rng_state=lambda new_state, device="cuda": None,
    set_rng_state_all=lambda new_states: None, seed=lambda: None, seed_all=lambda: None, get_arch_list=lambda: [],
    get_gencode_flags=lambda: "", is_bf16_supported=lambda including_emulation=True: False,
    is_tf32_supported=lambda: False, set_stream=lambda stream: None, stream=stream,
    Event=Event, Stream=Stream, device=device, device_of=device_of, StreamContext=StreamContext,
    device_memory_used=_nvml, temperature=_nvml, power_draw=_nvml, clock_rate=_nvml, utilization=_nvml,
    nvtx=_module("torch.cuda.nvtx", range_push=_nvtx, range_pop=_nvtx, mark=_nvtx, range=_nvtx),
    OutOfMemoryError=OutOfMemoryError,
)
cuda.memory_cached = _renamed("memory_cached", "memory_reserved", _zero)
cuda.max_memory_cached = _renamed("max_memory_cached", "max_memory_reserved", _zero)
for _name in ("get_device_properties", "current_stream", "default_stream", "ipc_collect", "mem_get_info",
              "get_rng_state", "initial_seed", "set_per_process_memory_fraction", "get_per_process_memory_fraction",
              "can_device_access_peer", "get_sync_debug_mode", "current_blas_handle"):   # (_runtime refuses the rest)
    setattr(cuda, _name, _no_cuda)
for _name in ("FloatTensor", "DoubleTensor", "HalfTensor", "BFloat16Tensor", "LongTensor", "IntTensor", "ShortTensor",
              "CharTensor", "ByteTensor", "BoolTensor"):
    setattr(cuda, _name, _legacy_type(_name))

xpu = _module("torch.xpu", is_available=lambda: False, device_count=lambda: 0, manual_seed=lambda seed: None,
              manual_seed_all=lambda seed: None, synchronize=_no_cuda, empty_cache=lambda: None)
from . import _cuda_graphs  # noqa: E402,F401  (torch.cuda.CUDAGraph, graph, ...)
from . import _cudnn_flags  # noqa: E402,F401  (torch.backends.cudnn.flags / set_flags)
