"""Top-level torch names that glasstorch lacked: each a thin front for an existing method or a constant
answer of a CPU-only build (``torch.is_vulkan_available``), with torch's argument errors.

* the ``*_copy`` forms of ``view_as_real`` / ``view_as_complex`` (node ``ViewAsRealBackward0_copy``, see
  ``_api_copies``) and of the sparse accessors (``values_copy``, ``crow_indices_copy`` ...): a new tensor.
  torch has no COO kernel for any of them (NotImplementedError from its dispatcher);
* ``q_scale``, ``q_zero_point``, ``q_per_channel_scales``, ``q_per_channel_zero_points``,
  ``q_per_channel_axis``, ``resize_as_``: the Tensor methods as functions;
* ``AcceleratorError`` (a RuntimeError) and ``FatalError``, the exceptions torch's C++ core raises;
* ``Storage`` (torch's alias of ``FloatStorage``), ``JITException`` (``torch.jit.Error``), ``DispatchKey``,
  ``DispatchKeySet``, ``DisableTorchFunction``, ``DisableTorchFunctionSubclass`` (``torch._C``'s);
* ``thread_safe_generator()``: a thread worker's generator, else None (the global generator);
* ``Tag``, the operator tags (``_tag.py``).
"""
import numpy as np

from ._tag import Tag  # noqa: F401
from ._tensor import Tensor, _wrap

__all__ = ["view_as_real_copy", "view_as_complex_copy", "values_copy", "indices_copy", "crow_indices_copy",
           "col_indices_copy", "ccol_indices_copy", "row_indices_copy", "is_vulkan_available",
           "cudnn_is_acceptable", "q_scale", "q_zero_point", "q_per_channel_scales", "q_per_channel_zero_points",
           "q_per_channel_axis", "resize_as_", "AcceleratorError", "FatalError", "thread_safe_generator", "Tag"]

# names of lazily imported modules' objects (torch._C, torch.jit, the legacy storages): glasstorch's module
# __getattr__ asks ``lazy`` for them, so importing glasstorch does not import those modules
LAZY = {"Storage": ("_legacy_storage", "FloatStorage"), "JITException": ("jit", "Error"),
        "DispatchKey": ("_C", "DispatchKey"), "DispatchKeySet": ("_C", "DispatchKeySet"),
        "DisableTorchFunction": ("_C", "DisableTorchFunction"),
        "DisableTorchFunctionSubclass": ("_C", "DisableTorchFunctionSubclass")}


def lazy(name):
    import importlib
    module, attr = LAZY[name]
    return getattr(importlib.import_module("glasstorch." + module), attr)


class AcceleratorError(RuntimeError):
    """What a failed accelerator call raises (glasstorch has none, so only user code raises it)."""
    __module__ = "glasstorch"


class FatalError(Exception):
    """torch's error for an unrecoverable failure of its C++ core."""
    __module__ = "glasstorch"


def view_as_real_copy(input):
    from . import view_as_real
    from ._api_copies import _copy
    return _copy(view_as_real(input))


def view_as_complex_copy(input):
    from . import view_as_complex
    from ._api_copies import _copy
    if input.requires_grad:
        # torch's autograd rejects the complex output of this non-view op before running it
        raise RuntimeError("view_as_complex_copy does not support automatic differentiation for outputs with "
                           "complex dtype.")
    return _copy(view_as_complex(input))


def _no_sparse_kernel(op):
    return NotImplementedError(
        f"Could not run 'aten::{op}' with arguments from the 'SparseCPU' backend. This could be because the "
        "operator doesn't exist for this backend, or was omitted during the selective/custom build process (if "
        "using custom build). If you are a Facebook employee using PyTorch on mobile, please visit "
        f"https://fburl.com/ptmfixes for possible resolutions. 'aten::{op}' is only available for these backends: "
        "[CPU, CUDA, HIP, MPS, IPU, XPU, HPU, VE, MTIA, MAIA, PrivateUse1, PrivateUse2, PrivateUse3, Meta, ...].")


def _accessor_copy(input, name):
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}_copy(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if input.is_sparse:         # no COO kernel for any of them
        raise _no_sparse_kernel(f"{name}_copy")
    return _wrap(np.array(getattr(input, name)()._data, order="C", copy=True))


def values_copy(input):
    return _accessor_copy(input, "values")


def indices_copy(input):
    return _accessor_copy(input, "indices")


def crow_indices_copy(input):
    return _accessor_copy(input, "crow_indices")


def col_indices_copy(input):
    return _accessor_copy(input, "col_indices")


def ccol_indices_copy(input):
    return _accessor_copy(input, "ccol_indices")


def row_indices_copy(input):
    return _accessor_copy(input, "row_indices")


def is_vulkan_available():
    return False


def cudnn_is_acceptable(input):
    """Whether cuDNN could run on ``input``: never on a CPU tensor."""
    if not isinstance(input, Tensor):
        raise TypeError(f"cudnn_is_acceptable(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    return False


def q_scale(input):
    return input.q_scale()


def q_zero_point(input):
    return input.q_zero_point()


def q_per_channel_scales(input):
    return input.q_per_channel_scales()


def q_per_channel_zero_points(input):
    return input.q_per_channel_zero_points()


def q_per_channel_axis(input):
    return input.q_per_channel_axis()


def resize_as_(input, the_template, *, memory_format=None):
    return input.resize_as_(the_template, memory_format=memory_format)


def thread_safe_generator():
    """The generator of the DataLoader thread worker this runs in; None elsewhere (the global RNG)."""
    from .utils.data import get_worker_info
    info = get_worker_info()
    if info is not None and getattr(info, "worker_method", None) == "thread" and info.rng is not None:
        return info.rng.torch_generator
    return None
