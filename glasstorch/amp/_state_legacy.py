"""torch's per-device autocast accessors from before ``torch.get_autocast_dtype(device_type)``
(``torch.get_autocast_gpu_dtype()``, ``torch.set_autocast_cpu_enabled(True)``, ...), which older
Hugging Face attention code still calls.  Each checks its argument as the C function does (a
METH_NOARGS or METH_O builtin), then gives torch's DeprecationWarning, at every call, and acts on the
state of its device."""
from . import _state
from ._state import _no_args, _one_arg, check_bool

_AT = " (Triggered internally at /__w/pytorch/pytorch/torch/csrc/autograd/init.cpp:{}.)"


def _deprecated(message, line):
    from .._user_warning import warn_at_caller
    warn_at_caller(message + _AT.format(line), DeprecationWarning)


def _getter_of(device, torch_name, line):
    name = f"get_autocast_{torch_name}_dtype"

    def getter(*args, **kwargs):
        _no_args(name, args, kwargs)
        _deprecated(f"torch.{name}() is deprecated. Please use torch.get_autocast_dtype('{device}') instead.", line)
        return _state.get_autocast_dtype(device)
    getter.__name__ = getter.__qualname__ = name
    return getter


def _is_enabled_of(device, line):
    name = f"is_autocast_{device}_enabled"

    def is_enabled(*args, **kwargs):
        _no_args(name, args, kwargs)
        _deprecated(f"torch.{name}() is deprecated. Please use torch.is_autocast_enabled('{device}') instead.", line)
        return _state.is_autocast_enabled(device)
    is_enabled.__name__ = is_enabled.__qualname__ = name
    return is_enabled


def _set_enabled_of(device, line):
    name = f"set_autocast_{device}_enabled"

    def set_enabled(*args, **kwargs):
        enabled = check_bool(_one_arg(name, args, kwargs))
        _deprecated(f"torch.{name}(enabled) is deprecated. Please use torch.set_autocast_enabled('{device}', "
                    f"enabled) instead.", line)
        _state.set_autocast_enabled(device, enabled)
    set_enabled.__name__ = set_enabled.__qualname__ = name
    return set_enabled


def _setter_of(device, torch_name, line):
    name = f"set_autocast_{torch_name}_dtype"

    def setter(*args, **kwargs):
        from .. import _dtype
        dtype = _one_arg(name, args, kwargs)
        if not isinstance(dtype, _dtype.dtype):     # THPDtype_Check: the Python types are not taken here
            from .._arg_parser import tp_name
            raise TypeError(f"dtype must be a torch.dtype (got {tp_name(dtype)})")
        _deprecated(f"torch.{name}(dtype) is deprecated. Please use torch.set_autocast_dtype('{device}', dtype) "
                    f"instead.", line)
        _state.set_autocast_dtype(device, dtype)
    setter.__name__ = setter.__qualname__ = name
    return setter


# (the line numbers are those of torch 2.13's init.cpp, part of the message)
get_autocast_cpu_dtype = _getter_of("cpu", "cpu", 1016)
get_autocast_gpu_dtype = _getter_of("cuda", "gpu", 1007)
get_autocast_ipu_dtype = _getter_of("ipu", "ipu", 1025)
get_autocast_xla_dtype = _getter_of("xla", "xla", 1034)
set_autocast_cpu_dtype = _setter_of("cpu", "cpu", 967)
set_autocast_gpu_dtype = _setter_of("cuda", "gpu", 952)
set_autocast_ipu_dtype = _setter_of("ipu", "ipu", 982)
set_autocast_xla_dtype = _setter_of("xla", "xla", 997)
is_autocast_cpu_enabled = _is_enabled_of("cpu", 883)
is_autocast_ipu_enabled = _is_enabled_of("ipu", 909)
is_autocast_xla_enabled = _is_enabled_of("xla", 935)
set_autocast_cpu_enabled = _set_enabled_of("cpu", 874)
set_autocast_ipu_enabled = _set_enabled_of("ipu", 900)
set_autocast_xla_enabled = _set_enabled_of("xla", 926)

__all__ = ["get_autocast_cpu_dtype", "get_autocast_gpu_dtype", "get_autocast_ipu_dtype", "get_autocast_xla_dtype",
           "set_autocast_cpu_dtype", "set_autocast_gpu_dtype", "set_autocast_ipu_dtype", "set_autocast_xla_dtype",
           "is_autocast_cpu_enabled", "is_autocast_ipu_enabled", "is_autocast_xla_enabled",
           "set_autocast_cpu_enabled", "set_autocast_ipu_enabled", "set_autocast_xla_enabled"]
