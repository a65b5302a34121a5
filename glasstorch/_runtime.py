"""The runtime corners of the torch namespace: ``torch.cuda``, ``torch.backends``,
``torch.accelerator``, threads, default device, ``torch.compile``, seeding entry points.

glasstorch runs on the CPU, so every availability check answers False and asking for an
accelerator raises what a CPU-only torch raises.
"""
import functools
import types

import numpy as np

from ._device import check_device, device as _device
from . import _sdp
from ._arg_refuse import not_a_tensor


def _module(name, **attrs):
    m = types.ModuleType(name)
    m.__dict__.update(attrs)
    return m


def _false(*args, **kwargs):
    return False


def _zero(*args, **kwargs):
    return 0


def _no_cuda(*args, **kwargs):
    raise AssertionError("Torch not compiled with CUDA enabled")


def _device_seed(name):
    def seed_fn(seed):
        int(seed)       # as torch.cuda's (its errors for None, "a" ...); without the device, nothing to seed
    seed_fn.__name__ = seed_fn.__qualname__ = name
    return seed_fn


cuda = _module("torch.cuda", is_available=_false, device_count=_zero, is_initialized=_false,
               current_device=_no_cuda, get_device_name=_no_cuda, set_device=_no_cuda, synchronize=_no_cuda,
               manual_seed=_device_seed("manual_seed"), manual_seed_all=_device_seed("manual_seed_all"),
               empty_cache=lambda: None,
               memory_allocated=_zero, max_memory_allocated=_zero, is_bf16_supported=_false,
               get_device_capability=_no_cuda, init=_no_cuda)
cuda.amp = _module("torch.cuda.amp")
cuda.amp.__getattr__ = lambda name: _legacy_amp("cuda", name)

mps = _module("torch.mps", is_available=_false, manual_seed=lambda seed: None, synchronize=lambda: None,
              empty_cache=lambda: None, device_count=_zero)

backends = _module("torch.backends")
backends.mps = _module("torch.backends.mps", is_available=_false, is_built=_false)
backends.cuda = _module("torch.backends.cuda", is_built=_false, **_sdp.CUDA_SWITCHES)
backends.cuda.matmul = types.SimpleNamespace(allow_tf32=False, allow_fp16_reduced_precision_reduction=True)
backends.cudnn = _module("torch.backends.cudnn", is_available=_false, enabled=True, benchmark=False,
                         deterministic=False, version=lambda: None, allow_tf32=True)
backends.mkldnn = _module("torch.backends.mkldnn", is_available=_false, enabled=False)
backends.openmp = _module("torch.backends.openmp", is_available=_false)
backends.mkl = _module("torch.backends.mkl", is_available=_false)
# the kernels glasstorch reproduces are torch's AVX2 ones (sum orders, uint8 resampling ...); libraries
# pick their path by this answer (torchvision resizes uint8 images natively only on "AVX2"/"AVX512")
backends.cpu = _module("torch.backends.cpu", get_cpu_capability=lambda: "AVX2")
from ._backends_opt_einsum import _mod as _opt_einsum_module  # noqa: E402
backends.opt_einsum = _opt_einsum_module
from ._backends_more import quantized as _quantized, nnpack as _nnpack, xnnpack as _xnnpack  # noqa: E402
backends.quantized, backends.nnpack, backends.xnnpack = _quantized, _nnpack, _xnnpack
# the MultiheadAttention / TransformerEncoder fast-path switch (glasstorch has one path; the flag is kept)
backends.mha = _module("torch.backends.mha", _is_fastpath_enabled=True)
backends.mha.get_fastpath_enabled = lambda: backends.mha._is_fastpath_enabled
backends.mha.set_fastpath_enabled = lambda value: setattr(backends.mha, "_is_fastpath_enabled", value)

cpu = _module("torch.cpu", is_available=lambda: True, device_count=lambda: 1, current_device=lambda: "cpu",
              synchronize=lambda device=None: None, is_initialized=lambda: True, set_device=lambda device: None)
cpu.amp = _module("torch.cpu.amp")
cpu.amp.__getattr__ = lambda name: _legacy_amp("cpu", name)


# what the build has, as torch reports it: glasstorch computes with NumPy (its BLAS, LAPACK and FFT),
# so MKL and OpenMP are absent as backends.mkl / backends.openmp say
has_mkl = False
has_openmp = False
has_lapack = True
has_spectral = True


def compiled_with_cxx11_abi():
    return True         # (torch's answer for its builds; glasstorch has no C++ to link against)


def init_num_threads():
    """Nothing to set up: NumPy's threads start on their own."""


def get_device_module(device=None):
    """The module of a device type (``torch.cpu``, ``torch.cuda``, ...); the current accelerator's or
    cpu's when not given."""
    from ._device import device as _device_cls
    kind = (device.type if isinstance(device, _device_cls) else str(_device_cls(device)).split(":")[0]
            if device is not None else "cpu")
    import sys
    module = {"cpu": cpu, "cuda": cuda, "mps": mps}.get(kind)
    if module is None:
        module = getattr(sys.modules["glasstorch"], kind, None)
    if module is None:
        raise RuntimeError(f"Device '{kind}' does not have a corresponding module registered as 'torch.{kind}'.")
    return module


def _legacy_amp(device_type, name):
    """torch.cuda.amp.GradScaler / autocast and torch.cpu.amp.autocast: the deprecated spellings of
    torch.amp's classes with the device fixed (loaded on first use, so amp stays out of startup)."""
    from .amp import _legacy
    try:
        return getattr(_legacy, device_type + "_" + name)
    except AttributeError:
        raise AttributeError(f"module 'torch.{device_type}.amp' has no attribute '{name}'") from None


_MATMUL_PRECISION = ["highest"]


def set_float32_matmul_precision(precision):
    """Recorded only: glasstorch's float32 matmul is always full float32 ("highest")."""
    if not isinstance(precision, str):
        raise RuntimeError(f"set_float32_matmul_precision expects a str, but got {type(precision).__name__}")
    if precision not in ("highest", "high", "medium"):
        import warnings
        warnings.warn(f"{precision} is not one of 'highest', 'high', or 'medium'; the current"
                      f"setFloat32MatmulPrecision call has no effect.")
        return
    _MATMUL_PRECISION[0] = precision
    backends.cuda.matmul.allow_tf32 = precision != "highest"


def get_float32_matmul_precision():
    return _MATMUL_PRECISION[0]


accelerator = _module("torch.accelerator", is_available=_false, device_count=_zero,
                      current_accelerator=lambda check_available=False: None)


class _Threads:
    __slots__ = ("n", "interop")

    def __init__(self):
        self.n = None
        import os
        self.interop = os.cpu_count() or 1        # torch's default: the machine's hardware threads


_THREADS = _Threads()


def _blas_limits():
    try:
        from threadpoolctl import threadpool_info  # optional; present when the test extra is installed
        return threadpool_info()
    except Exception:
        return None


def set_num_threads(n):
    """Sets the thread count of NumPy's BLAS (and of glasstorch's parallel kernels)."""
    n = _thread_count("set_num_threads", n)
    _THREADS.n = n
    from ._native import set_blas_threads
    set_blas_threads(n)


def get_num_threads():
    """torch's intra-op thread count: set_num_threads's, else MKL_NUM_THREADS or OMP_NUM_THREADS
    (torch's MKL build caps either at the cores), else the usable cores.  It decides how torch
    splits a large sum, so the sums here follow it."""
    if _THREADS.n is not None:
        return _THREADS.n
    return _default_threads()


@functools.lru_cache(maxsize=1)
def _default_threads():
    # read once, as torch reads them when its thread pool starts (a syscall and two lookups were
    # 7 us of every float sum)
    import os
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    for var in ("MKL_NUM_THREADS", "OMP_NUM_THREADS"):
        env = os.environ.get(var, "").split(",")[0].strip()
        if env.isdigit() and int(env) > 0:
            return min(int(env), cores)
    return cores


def set_num_interop_threads(n):
    _THREADS.interop = _thread_count("set_num_interop_threads", n)


def _thread_count(name, n):
    """torch's C++ binding: an int (THPUtils_checkLong: a Python int, not a bool, or a NumPy integer),
    then positive; a string, float or tensor is refused, not converted."""
    if n.__class__ is bool or not isinstance(n, (int, np.integer)):
        from ._arg_parser import tp_name
        raise RuntimeError(f"{name} expects an int, but got {tp_name(n)}")
    if n <= 0:
        raise RuntimeError(f"{name} expects a positive integer")
    return int(n)


def get_num_interop_threads():
    return _THREADS.interop


def set_default_device(device):
    from ._device import DEFAULT_STACK
    from ._meta import is_meta_device
    # torch takes any device here (a CUDA one too on a CPU build): the factories raise when they use it
    DEFAULT_STACK[0] = _device("meta") if is_meta_device(device) else _default_device(device)


def _default_device(d):
    from ._device import CPU
    if d is None:               # torch: back to the CPU
        return CPU
    d = d if isinstance(d, _device) else _device(d)
    return CPU if d.type == "cpu" else d


def get_default_device():
    from ._device import DEFAULT_STACK
    d = DEFAULT_STACK[-1]
    if d.index is None and d.type not in ("cpu", "meta"):
        # torch finds the index by making an empty tensor there: on a CPU build, the accelerator's error
        check_device(d)
    return d


def is_tensor(obj):
    from ._tensor import Tensor
    return isinstance(obj, Tensor)


def is_storage(obj):
    from .storage import TypedStorage, UntypedStorage
    return type(obj) in (TypedStorage, UntypedStorage)


def numel(input):
    try:
        return input.numel()
    except AttributeError:      # a non-tensor: torch's parser error
        not_a_tensor()


def is_floating_point(input):
    return input.is_floating_point()


def is_complex(input):
    return input.is_complex()


def is_nonzero(input):
    if input.numel() != 1:
        if input.numel() == 0:
            raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
    return bool(input)


class layout:
    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return "torch." + self.name


strided = layout("strided")


class memory_format:
    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return "torch." + self.name


contiguous_format = memory_format("contiguous_format")
preserve_format = memory_format("preserve_format")
channels_last = memory_format("channels_last")
channels_last_3d = memory_format("channels_last_3d")


_DYNAMO_PATCHED = False


def compile(model=None, *, fullgraph=False, dynamic=None, backend="inductor", mode=None, options=None,
            disable=False):
    """glasstorch has no compiler: the result runs eagerly, a module wrapped in an ``OptimizedModule``
    and a function in a wrapper, as torch returns them (see ``_dynamo/eval_frame.py``)."""
    kw = dict(fullgraph=fullgraph, dynamic=dynamic, backend=backend, mode=mode, options=options, disable=disable)
    if model is None:
        def decorate(model):
            if model is None:
                raise RuntimeError("Model can't be None")
            return compile(model, **kw)
        return decorate
    if mode is not None and options is not None:
        raise RuntimeError("Either mode or options can be specified, but both can't be specified at the same time.")
    from ._dynamo import exc
    if backend == "inductor":          # (disabled or not) its wrapper reads the mode's options first
        if mode is not None and mode not in exc.INDUCTOR_MODES:
            raise RuntimeError(f"Unrecognized mode={mode}, should be one of: {', '.join(exc.INDUCTOR_MODES)}")
    elif isinstance(backend, str) and backend not in exc.BACKENDS:
        raise exc.InvalidBackend(backend)
    if not disable and not _DYNAMO_PATCHED:
        # the first torch.compile of a process runs Dynamo's patcher, which switches distribution
        # argument validation off for the process: afterwards a bad Normal(0, -1) raises nothing in torch
        from .distributions import Distribution
        Distribution.set_default_validate_args(False)
        globals()["_DYNAMO_PATCHED"] = True
    if not callable(model):
        raise AssertionError(f"A callable function is expected, but {type(model)} is provided.")
    from ._dynamo.eval_frame import compile_callable
    return compile_callable(model, "eager" if disable else backend)


def manual_seed(seed):
    from . import random
    return random.manual_seed(seed)


def seed():
    from . import random
    return random.seed()


def initial_seed():
    from . import random
    return random.initial_seed()


_DETERMINISTIC = [False, False]     # [mode, warn_only]; every glasstorch op is deterministic anyway


def use_deterministic_algorithms(mode, *, warn_only=False):
    for name, v in (("'mode' (position 1)", mode), ("'warn_only'", warn_only)):
        if type(v) is not bool:
            raise TypeError(f"_set_deterministic_algorithms(): argument {name} must be bool, not {type(v).__name__}")
    _DETERMINISTIC[:] = [mode, warn_only]


def are_deterministic_algorithms_enabled():
    return _DETERMINISTIC[0]


def is_deterministic_algorithms_warn_only_enabled():
    return _DETERMINISTIC[1]


def get_deterministic_debug_mode():
    """0 ("default"): off; 1 ("warn"): on with warn_only; 2 ("error"): on."""
    return (1 if _DETERMINISTIC[1] else 2) if _DETERMINISTIC[0] else 0


def set_deterministic_debug_mode(debug_mode):
    if isinstance(debug_mode, str):
        names = {"default": 0, "warn": 1, "error": 2}
        if debug_mode not in names:
            raise RuntimeError("invalid value of debug_mode, expected one of `default`, `warn`, `error`, but got "
                               f"{debug_mode}")
        debug_mode = names[debug_mode]
    elif not isinstance(debug_mode, int):
        raise TypeError(f"debug_mode must be str or int, but got {type(debug_mode)}")
    if debug_mode not in (0, 1, 2):
        raise RuntimeError(f"invalid value of debug_mode, expected 0, 1, or 2, but got {debug_mode}")
    use_deterministic_algorithms(debug_mode != 0, warn_only=debug_mode == 1)


def typename(obj):
    """A tensor's type string (``torch.FloatTensor``); for anything else the dotted path of the object
    itself when it has a name (a class, a function, a generator), else of its class, without
    ``builtins.``: ``torch.nn.modules.linear.Linear`` for a Linear and for the Linear class alike."""
    from ._tensor import Tensor
    if isinstance(obj, Tensor):
        return obj.type()
    named = obj if hasattr(obj, "__qualname__") or hasattr(obj, "__name__") else type(obj)
    module = getattr(named, "__module__", None) or ""
    name = getattr(named, "__qualname__", None) or named.__name__
    return name if module in ("", "builtins") else f"{module}.{name}"


version = _module("torch.version", __version__="2.13.0+cpu", cuda=None, hip=None, debug=False, git_version="glasstorch")
_ = np
