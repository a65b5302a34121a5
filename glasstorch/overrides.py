"""``torch.overrides``: helpers for the ``__torch_function__`` protocol (see ``_torch_function.py``).

``has_torch_function(args)`` says whether any argument takes over torch functions;
``handle_torch_function(public_api, relevant_args, *args, **kwargs)`` hands a call to them (how a
Python function of one's own joins the protocol); ``is_tensor_like``; ``get_ignored_functions`` lists
the torch functions that never dispatch (factories, global settings).  Importing this module switches
the protocol's checks on (glasstorch leaves them off until a program shows it uses the protocol)."""
import functools

from . import _torch_function as _tf
from ._torch_function_activate import _MODULES
from ._tensor import Tensor

__all__ = ["get_ignored_functions", "get_overridable_functions", "get_default_nowrap_functions",
           "handle_torch_function", "has_torch_function", "has_torch_function_unary", "has_torch_function_variadic",
           "is_tensor_like", "is_tensor_method_or_property", "wrap_torch_function", "resolve_name",
           "enable_reentrant_dispatch", "TorchFunctionMode"]

# the top-level torch functions that torch never hands to __torch_function__
_IGNORED_NAMES = frozenset("""
arange are_deterministic_algorithms_enabled as_strided as_tensor asarray bartlett_window blackman_window
broadcast_shapes can_cast compile cond empty empty_permuted empty_strided eye fill fork from_file from_numpy
frombuffer full get_default_device get_default_dtype get_deterministic_debug_mode get_device_module
get_float32_matmul_precision get_num_interop_threads get_num_threads get_rng_state hamming_window hann_window
init_num_threads initial_seed is_anomaly_check_nan_enabled is_anomaly_enabled is_autocast_cache_enabled
is_autocast_cpu_enabled is_autocast_enabled is_deterministic_algorithms_warn_only_enabled is_grad_enabled
is_inference_mode_enabled is_storage is_tensor is_warn_always_enabled kaiser_window linspace load logspace
manual_seed normal ones promote_types rand rand_like randint randint_like randn randn_like randperm range
result_type save scalar_tensor seed set_anomaly_enabled set_default_device set_default_tensor_type
set_deterministic_debug_mode set_float32_matmul_precision set_flush_denormal set_num_interop_threads
set_num_threads set_printoptions set_rng_state set_warn_always sparse_coo_tensor sparse_csr_tensor tensor
sparse_csc_tensor
tril_indices triu_indices typename use_deterministic_algorithms vander vmap wait zeros
set_default_dtype get_default_dtype is_floating_point_dtype""".split())


def get_ignored_functions():
    """The torch functions that cannot be overridden by ``__torch_function__``."""
    import glasstorch
    found = {getattr(glasstorch, n) for n in _IGNORED_NAMES if n in vars(glasstorch)}
    return {getattr(f, "_tf_original", f) for f in found} | found


def get_default_nowrap_functions():
    """Functions whose results ``Tensor.__torch_function__`` leaves unconverted (``.grad``, ``._base``)."""
    return _tf._default_nowrap()


def get_overridable_functions():
    """{namespace: [functions]} of everything that dispatches (torch, torch.Tensor, torch.nn.functional ...)."""
    import importlib
    import types
    out = {}
    for modname, public, _ in _MODULES:
        mod = importlib.import_module(modname)
        fns = [f for n, f in sorted(vars(mod).items()) if not n.startswith("_") and hasattr(f, "_tf_original")]
        out[importlib.import_module(public) if public != "torch" else mod] = fns
    out[Tensor] = [v for n, v in sorted(vars(Tensor).items())
                   if isinstance(v, types.FunctionType) and hasattr(v, "_tf_original")]
    return out


def has_torch_function(relevant_args):
    """Whether any of ``relevant_args`` (an iterable) takes over torch functions."""
    return _tf._enabled() and bool(_tf.overloaded_args(tuple(relevant_args)))


def has_torch_function_unary(arg):
    return has_torch_function((arg,))


def has_torch_function_variadic(*args):
    return has_torch_function(args)


def handle_torch_function(public_api, relevant_args, *args, **kwargs):
    """Call the ``__torch_function__`` of the overloaded types among ``relevant_args`` for
    ``public_api(*args, **kwargs)``; TypeError when every one returns NotImplemented."""
    over = _tf.overloaded_args(tuple(relevant_args))
    name = f"{public_api.__module__}.{public_api.__name__}"
    return _tf.dispatch(public_api, name, over, args, kwargs, python_api=True)


def is_tensor_like(inp):
    """A tensor, or anything whose type defines ``__torch_function__``."""
    return type(inp) is Tensor or hasattr(inp, "__torch_function__")


def is_tensor_method_or_property(func):
    """Whether ``func`` is a Tensor method or a property getter (``Tensor.shape.__get__``)."""
    return func in {v for v in vars(Tensor).values() if callable(v)} or func.__name__ == "__get__"


def resolve_name(f):
    """``torch.add`` / ``torch.Tensor.add`` / ``torch.Tensor.shape.__get__`` for a dispatching function."""
    import glasstorch
    for name, v in vars(Tensor).items():
        if isinstance(v, property) and f in (v.__get__, v.__set__):
            return f"torch.Tensor.{name}.{f.__name__}"
        if v is f:
            return f"torch.Tensor.{name}"
    for modname, public, _ in _MODULES:
        mod = glasstorch if modname == "glasstorch" else __import__(modname, fromlist=["_"])
        name = getattr(f, "__name__", None)
        if name and vars(mod).get(name) is f:
            return f"{public}.{name}"
    return None


def wrap_torch_function(dispatcher):
    """Decorator: the function joins the protocol; ``dispatcher(*args, **kwargs)`` names its relevant args."""
    def inner(func):
        @functools.wraps(func)
        def wrapped(*args, **kwargs):
            relevant = dispatcher(*args, **kwargs)
            if has_torch_function(relevant):
                return handle_torch_function(wrapped, relevant, *args, **kwargs)
            return func(*args, **kwargs)
        return wrapped
    return inner


from ._function_mode import (TorchFunctionMode, BaseTorchFunctionMode, _get_current_function_mode,  # noqa: E402,F401
                             _get_current_function_mode_stack, _push_mode, _pop_mode, _pop_mode_temporarily)


class enable_reentrant_dispatch:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


_tf.activate()
