"""``torch.utils.data.datapipes.utils.common``: the pickling check the pipes run on user functions."""
import functools
import importlib.util
import inspect
import warnings

__all__ = ["_check_unpickable_fn", "_is_local_fn"]


def _dill_available():
    return importlib.util.find_spec("dill") is not None


def _is_local_fn(fn):
    if hasattr(fn, "__code__"):
        return fn.__code__.co_flags & inspect.CO_NESTED
    if hasattr(fn, "__qualname__"):
        return "<locals>" in fn.__qualname__
    fn_type = type(fn)
    if hasattr(fn_type, "__qualname__"):
        return "<locals>" in fn_type.__qualname__
    return False


def _check_unpickable_fn(fn):
    """A TypeError for a non-callable; a UserWarning for a local function or a lambda when dill (which
    could pickle them for worker processes) is not installed."""
    if not callable(fn):
        raise TypeError(f"A callable function is expected, but {type(fn)} is provided.")
    if isinstance(fn, functools.partial):
        fn = fn.func
    if _is_local_fn(fn) and not _dill_available():
        warnings.warn("Local function is not supported by pickle, please use "
                      "regular python function or functools.partial instead.", stacklevel=2)
        return
    if hasattr(fn, "__name__") and fn.__name__ == "<lambda>" and not _dill_available():
        warnings.warn("Lambda function is not supported by pickle, please use "
                      "regular python function or functools.partial instead.", stacklevel=2)
