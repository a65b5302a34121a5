"""glasstorch: PyTorch you can see through.

``import glasstorch as torch`` and write ordinary PyTorch code.  Every op is a few lines of NumPy
in ``glasstorch/ops/``, its backward right beside it.
"""
import os as _os

import numpy as _np

if int(_np.__version__.split(".")[0]) < 2:
    # NumPy 1.x promotes by value (before NEP 50): some results would come out in the wrong dtype, silently
    raise ImportError(f"glasstorch needs NumPy 2.0 or newer; this Python has NumPy {_np.__version__} "
                      f"(pip install 'numpy>=2')")

# torch never warns about inf/nan it produces (overflow, 0/0, log(-1)); NumPy would print a
# RuntimeWarning for each, so NumPy's floating-point warnings are shown only for the program's own
# NumPy code, never for glasstorch's (_fp_warnings.py)
from ._fp_warnings import install as _install_fp_warnings
_install_fp_warnings()

from ._native import tune_malloc as _tune_malloc
_tune_malloc()      # keep freed memory in the process, as torch's allocator does (see _native.py)

# the torch release glasstorch follows (programs compare it: ``torch.__version__ >= "2.0"``); glasstorch's own
# release is torch_version.GLASSTORCH_VERSION
from .torch_version import __version__  # noqa: E402

from math import e, inf, nan, pi  # noqa: E402  (torch re-exports these constants)
newaxis = None

from ._dtype import (bool_ as bool, uint8, int8, int16, int32, int64, float16, float32, float64, bfloat16, dtype,
                     complex64, complex128, uint16, uint32, uint64,
                     float8_e4m3fn, float8_e5m2, float8_e4m3fnuz, float8_e5m2fnuz, float8_e8m0fnu,
                     get_default_dtype, set_default_dtype, promote_types, finfo, iinfo)
from ._device import device, Size
from ._tensor import Tensor
from . import _tensor_math
from . import _tensor_flags  # noqa: E402,F401  (is_xla, is_sparse_csr, ... on every tensor)
from .autograd._saved_meta import install as _saved_meta  # noqa: E402  (grad_fn._saved_alpha, ...)
_saved_meta()
from .autograd.grad_mode import (no_grad, enable_grad, set_grad_enabled, is_grad_enabled, inference_mode,
                                 is_inference_mode_enabled)
from ._creation import (tensor, as_tensor, asarray, from_numpy, zeros, ones, empty, full, zeros_like, ones_like,
                        empty_like, full_like, arange, linspace, logspace, eye, FloatTensor, DoubleTensor,
                        HalfTensor, LongTensor, IntTensor, ShortTensor, CharTensor, ByteTensor, BoolTensor)
from .ops.arithmetic import (add, sub, subtract, rsub, mul, multiply, div, divide, true_divide, floor_divide, pow,
                             neg, negative, positive)
from .ops.unary import abs, absolute, exp, log, sqrt, sin, cos, reciprocal, tanh, sigmoid, relu
from .ops.unary import abs_, exp_, log_, sqrt_, sin_, cos_, reciprocal_, tanh_, sigmoid_, relu_
from .ops.reduction import sum, mean
from .ops.comparison import eq, ne, lt, le, gt, ge, equal, not_equal, less, less_equal, greater, greater_equal
from .ops.conversion import clone
from .ops.shape import expand, unsqueeze, sum_to_size
from .ops.select import where, sign
from ._api import *  # noqa: F401,F403  (the wider op surface)
from ._random_api import *  # noqa: F401,F403  (random numbers)
from ._api_fill import *  # noqa: F401,F403  (vmap, as_strided, windows, top-level layer ops ...)
from ._api_leftovers import *  # noqa: F401,F403  (torch.lu, *_scatter, chain_matmul, mvlgamma ...)
from ._api_sk import _assert  # noqa: F401,E402  (torch._assert, the traceable assert)
from ._sparse_index_conv import _convert_indices_from_coo_to_csr, _convert_indices_from_csr_to_coo  # noqa: F401,E402
from .ops.segment_reduce import segment_reduce as _segment_reduce  # noqa: F401,E402  (torch's alias, same function)
from ._api_more import *  # noqa: F401,F403  (loss/cell functions, native_* norms, *_copy views ...)
from ._api_sampler_ctc import *  # noqa: F401,F403  (grid_sampler_2d / _3d, _ctc_loss)
from ._api_conv_softmax import *  # noqa: F401,F403  (convolution, _softmax, _log_softmax)
from ._api_legacy import *  # noqa: F401,F403  (removed and deprecated names, sym_*, nonzero_static ...)
from ._storage_file import from_file  # noqa: F401,E402  (torch.from_file)
from ._foreach import *  # noqa: F401,F403  (torch._foreach_add_, _foreach_mul ... : per-tensor loops)
from ._cuda_cpu import xpu  # noqa: F401  (and torch.cuda's answers on a CPU-only build)
from ._stream_event import Stream, Event  # noqa: F401,E402  (torch.Stream / torch.Event on the host)
from . import _accelerator_api  # noqa: F401,E402  (the rest of torch.accelerator, without one)
from .ops.complex_ops import (complex, polar, view_as_complex, view_as_real, real, imag, angle, conj,  # noqa: F401
                              conj_physical, resolve_conj, resolve_neg, is_conj, is_neg)
from ._stft import stft, istft  # noqa: E402,F401
from ._weight_norm_api import norm_except_dim, _weight_norm, _weight_norm_interface  # noqa: E402,F401
from ._numpy_names import install_in_namespace as _numpy_names
_numpy_names(globals())     # torch.sum(x, axis=0, keepdims=True): NumPy's names, as torch accepts
from . import autograd, _printing
from .autograd.anomaly_mode import is_anomaly_enabled, is_anomaly_check_nan_enabled
from ._printing import set_printoptions  # (torch has no top-level get_printoptions)
from ._runtime import (cuda, backends, accelerator, mps, set_num_threads, get_num_threads, set_num_interop_threads,
                       get_num_interop_threads, set_default_device, get_default_device, is_tensor, is_storage,
                       numel, is_floating_point, is_complex, is_nonzero, strided, layout, memory_format,
                       contiguous_format, preserve_format, channels_last, channels_last_3d, compile, manual_seed,
                       seed, initial_seed, use_deterministic_algorithms, are_deterministic_algorithms_enabled,
                       is_deterministic_algorithms_warn_only_enabled, get_deterministic_debug_mode,
                       set_deterministic_debug_mode,
                       typename, version, cpu, set_float32_matmul_precision, get_float32_matmul_precision,
                       has_mkl, has_openmp, has_lapack, has_spectral, compiled_with_cxx11_abi, init_num_threads,
                       get_device_module)
from .amp._state import (is_autocast_enabled, set_autocast_enabled, get_autocast_dtype, set_autocast_dtype,
                         is_autocast_cache_enabled, set_autocast_cache_enabled, clear_autocast_cache,
                         autocast_increment_nesting, autocast_decrement_nesting)
from .amp._state_legacy import *      # noqa: F401,F403 - torch's deprecated per-device accessors
from .amp.autocast_mode import autocast

float = float32
double = float64
half = float16
long = int64
int = int32
short = int16
cfloat = complex64
cdouble = complex128

_engine_ns = None


from .ops.creation_more import result_type  # noqa: E402,F811  (with torch's parser errors)


def detach(input):
    return input.detach()


def is_grad_enabled_():
    return is_grad_enabled()


# submodules load on first use, so `import glasstorch` stays quick
_LAZY = {"nn", "optim", "distributions", "serialization", "utils", "random", "linalg", "testing", "special",
         "fft", "func", "amp", "jit", "onnx", "hub", "library", "overrides", "types", "multiprocessing",
         "profiler", "export", "_C", "storage", "distributed", "signal", "compiler", "_dynamo", "ao",
         "quantization", "fx", "quasirandom", "_tensor_str", "futures", "functional", "masked"}
from . import __future__  # noqa: E402  (torch.__future__'s module-conversion switches: tiny, so eager)
from . import __config__  # noqa: E402  (torch.__config__: the build's summary, read at import by libraries)
import pickle as _pickle  # noqa: E402  (torch.save's default pickle_module)


# the stand-ins carry torch's own signatures: libraries probe them (`"weights_only" in
# inspect.signature(torch.load).parameters`) before choosing how to call them
def save(obj, f, pickle_module=_pickle, pickle_protocol=2, _use_new_zipfile_serialization=True,
         _disable_byteorder_record=False):
    from .serialization import save as _save
    return _save(obj, f, pickle_module, pickle_protocol, _use_new_zipfile_serialization,
                 _disable_byteorder_record)


def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None, **pickle_load_args):
    from .serialization import load as _load
    return _load(f, map_location, pickle_module, weights_only=weights_only, mmap=mmap, **pickle_load_args)


def from_dlpack(ext_tensor):
    from .utils.dlpack import from_dlpack as _from_dlpack
    return _from_dlpack(ext_tensor)


# the 0.4-era LAPACK names torch has since removed (torch.linalg replaced them)
_REMOVED = frozenset(("gels", "gesv", "potrf", "potrs", "potri", "trtrs", "btrifact", "btrifact_with_info",
                      "btrisolve", "btriunpack", "pstrf"))


def __getattr__(name):
    """Name the missing torch API instead of failing obscurely (never falls back to real torch)."""
    if name.startswith("__"):
        raise AttributeError(name)
    if name in _LAZY:
        import importlib
        try:
            return importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as e:
            if e.name != f"{__name__}.{name}":
                raise
    if name in ("TypedStorage", "UntypedStorage"):
        from . import storage
        return getattr(storage, name)
    if name.endswith("Storage"):           # FloatStorage & co, the legacy typed storages
        from . import _legacy_storage
        if name in _legacy_storage.__all__:
            return getattr(_legacy_storage, name)
    if name in ("ScriptModule", "ScriptObject"):      # torch._C's, exported at the top as well
        from . import _C_script
        return getattr(_C_script, name)
    if name == "PyTorchFileReader":        # torch._C.PyTorchFileReader, exported at the top as well
        from ._file_reader import PyTorchFileReader
        return PyTorchFileReader
    if name == "TracingState":             # torch._C.TracingState, exported at the top as well
        from ._tracing_state import TracingState
        return TracingState
    sm = globals().get("_api_sm")          # (None while glasstorch itself is importing)
    if sm is not None and name in sm.LAZY:   # torch.Storage, torch.DispatchKey ... (torch._C's, torch.jit's)
        return sm.lazy(name)
    if name == "torch":                    # torch.torch is torch itself (kornia's docstrings use it)
        return _sys.modules[__name__]
    if name == "Future":                   # torch._C.Future, the base of torch.futures.Future
        from .futures import _CFuture
        return _CFuture
    if name in ("SymInt", "SymFloat", "SymBool"):
        from . import types
        return getattr(types, name)
    if name in _REMOVED:     # gone from torch itself: its own message (old code probes with hasattr/except)
        raise AttributeError(f"module 'torch' has no attribute '{name}'")
    raise AttributeError(f"module 'torch' has no attribute '{name}': torch.{name} is not implemented in "
                         f"glasstorch yet")


# the namespace backward formulas use while create_graph=True records a graph of the backward
from . import _tensor as _tensor_module  # noqa: E402
import sys as _sys  # noqa: E402
_tensor_module.ops_namespace = _sys.modules[__name__]

from ._quant_dtype import (qint8, quint8, qint32, quint4x2, quint2x4, qscheme, per_tensor_affine,  # noqa: E402,F401
                           per_channel_affine, per_tensor_symmetric, per_channel_symmetric,
                           per_channel_affine_float_qparams)
from ._quant import quantize_per_tensor, quantize_per_channel, dequantize  # noqa: E402,F401
from ._quant_dynamic import quantize_per_tensor_dynamic  # noqa: E402,F401
from ._quant_fake import fake_quantize_per_tensor_affine, fake_quantize_per_channel_affine  # noqa: E402,F401
from ._quant_fake_learnable import (_fake_quantize_learnable_per_tensor_affine,  # noqa: E402,F401
                                   _fake_quantize_learnable_per_channel_affine)
from ._int_mm import _int_mm  # noqa: E402,F401
from ._shim import install_as_torch, uninstall_as_torch  # noqa: E402
from .sparse import sparse_coo_tensor, sparse_coo, sparse_csr  # noqa: E402,F401  (and the torch.sparse module)
from .sparse import sparse_csr_tensor  # noqa: E402,F401
from .sparse import sparse_csc, sparse_csc_tensor  # noqa: E402,F401
from .sparse._compressed_ctor import sparse_compressed_tensor  # noqa: E402,F401
from ._api_sm import *  # noqa: E402,F401,F403  (copies of accessors, q_scale ..., AcceleratorError)
from . import _api_sm  # noqa: E402  (its LAZY names: __getattr__ above)
from ._quant_pool import quantized_max_pool1d, quantized_max_pool2d, quantized_max_pool3d  # noqa: E402,F401
from ._quant_batch_norm import quantized_batch_norm  # noqa: E402,F401
from ._conv_tbc import conv_tbc  # noqa: E402,F401
from ._cond import cond  # noqa: E402,F401
from ._while_loop import while_loop  # noqa: E402,F401
from ._ipython import load_ipython_extension, unload_ipython_extension  # noqa: E402  (%load_ext glasstorch)

# out=: every public function that takes it writes its result there (methods keep the direct path)
from .ops._out_added import install as _out_added  # noqa: E402  (softmax, prod(dim), take, narrow_copy)
_out_added(globals())
from .ops._out import wrap_namespace as _wrap_out  # noqa: E402
_wrap_out(globals())

# the factories make meta tensors for device='meta' and inside `with torch.device('meta'):`
from ._meta_factories import install as _meta_factories  # noqa: E402
_meta_factories(globals())

# every class shows torch's path for it, glasstorch.nn.modules.linear.Linear (see _class_paths.py)
from . import _class_paths  # noqa: E402
_class_paths.install()

# the layer ops torch.nn.functional shares with torch (torch.conv2d is F.conv2d): one object each here too
from .nn import functional as _functional  # noqa: E402
for _name in ("conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "avg_pool1d",
              "adaptive_avg_pool1d", "bilinear", "channel_shuffle", "native_channel_shuffle", "cosine_similarity",
              "pairwise_distance", "pdist", "pixel_shuffle", "pixel_unshuffle", "conv_tbc"):
    globals()[_name] = getattr(_functional, _name)
del _name

# public functions and Tensor methods carry torch's __name__, aliases included (see _fn_names.py)
from . import _fn_names  # noqa: E402
_fn_names.install(globals(), _fn_names.TORCH_NAMES)
_fn_names.install(Tensor)

# a sparse first argument goes to the SparseTensor method: torch.relu(s), torch.add(s, s) stay sparse (sparse/_dispatch.py)
from .sparse._dispatch import install as _sparse_dispatch  # noqa: E402
_sparse_dispatch(globals())
# a per-tensor quantized first argument goes to the QTensor view method: torch.reshape(q, ...) stays quantized
from ._quant_views import install as _quant_views  # noqa: E402
_quant_views(globals())

# every public function pickles by reference, the wrappers above included (see _pickle_paths.py)
from ._pickle_paths import settle as _settle_pickle_paths  # noqa: E402
_settle_pickle_paths(globals())
_settle_pickle_paths(vars(_functional))

# `import torch` imports torch.jit, whose tracer-warning filters go in then: added later (on first
# use of torch.jit), they would reset Python's once-per-location registry and repeat a warning
from . import jit as _jit_eager  # noqa: E402,F401
