"""Autocast's per-device state (``torch.is_autocast_enabled`` ...), kept apart from the context
manager so that ``import glasstorch`` can export these functions without loading the amp package.

glasstorch has no lower-precision casting, so the state only records what a program asked for:
every enabled CPU autocast region is refused (see autocast_mode.py), and these answer as torch does
outside any region."""

# the device types autocast keeps an enabled flag for (c10's get_autocast_dispatch_key_from_device_type)
_SUPPORTED = ("cpu", "cuda", "xpu", "ipu", "hpu", "xla", "privateuseone", "mps", "mtia", "maia")


def _default_dtypes():
    from .. import _dtype
    # torch's defaults: float16 on the GPUs, bfloat16 on the CPU (glasstorch names bfloat16 but
    # cannot store it, see _dtype.py)
    # (every other device type has none until one is set: reading it raises "unsupported scalarType")
    return {"cpu": _dtype.bfloat16, "cuda": _dtype.float16, "xpu": _dtype.float16, "mps": _dtype.float16,
            "hpu": _dtype.bfloat16, "mtia": _dtype.float16, "maia": _dtype.bfloat16, "xla": _dtype.bfloat16,
            "ipu": _dtype.float16, "hip": _dtype.float16, "privateuseone": _dtype.float16}


class _State:
    __slots__ = ("enabled", "dtypes", "cache", "nesting")

    def __init__(self):
        self.enabled = {}
        self.dtypes = None
        self.cache = True
        self.nesting = 0


STATE = _State()


def _device_type(device_type):
    """The type of ``at::Device(device_type)``: "cuda:0" is cuda, and a bad string raises c10's error."""
    from .._device_parse import parse_string
    return parse_string(device_type)[0]


def _check(device_type):
    t = _device_type(device_type)
    if t not in _SUPPORTED:
        raise RuntimeError("unknown device type for autocast in get_autocast_dispatch_key_from_device_type")
    return t


def _bind(signatures, args, kwargs):
    """The arguments of a call torch's parser takes, as one tuple; its TypeError otherwise."""
    from .._arg_parser import parser_error
    err = parser_error(signatures, args, kwargs)
    if err is not None:
        raise err
    names = ("device_type", "enabled", "dtype")
    return tuple(args) + tuple(kwargs[n] for n in names if n in kwargs)


def _as_dtype(d):
    from .. import _dtype
    # the parser's ScalarType also takes the Python types float, int, bool and complex
    return _dtype.to_dtype(d) if isinstance(d, type) else d


def is_autocast_enabled(*args, **kwargs):
    """is_autocast_enabled(str device_type) or is_autocast_enabled(): the flag of cuda."""
    if kwargs or len(args) != 1 or args[0].__class__ is not str:
        args = _bind(("is_autocast_enabled(c10::string_view device_type)", "is_autocast_enabled()"), args, kwargs)
    return STATE.enabled.get(_check(args[0]) if args else "cuda", False)


def set_autocast_enabled(*args, **kwargs):
    """set_autocast_enabled(str device_type, bool enabled) or set_autocast_enabled(bool enabled): cuda's."""
    if kwargs or len(args) != 2 or args[0].__class__ is not str or args[1].__class__ is not bool:
        args = _bind(("set_autocast_enabled(c10::string_view device_type, bool enabled)",
                      "set_autocast_enabled(bool enabled)"), args, kwargs)
    device_type, enabled = args if len(args) == 2 else ("cuda", args[0])
    STATE.enabled[_check(device_type)] = enabled


def get_autocast_dtype(*args, **kwargs):
    if kwargs or len(args) != 1 or args[0].__class__ is not str:
        args = _bind(("get_autocast_dtype(c10::string_view device_type)",), args, kwargs)
    if STATE.dtypes is None:
        STATE.dtypes = _default_dtypes()
    d = STATE.dtypes.get(_device_type(args[0]))
    if d is None:
        raise RuntimeError("unsupported scalarType")
    return d


def set_autocast_dtype(*args, **kwargs):
    args = _bind(("set_autocast_dtype(c10::string_view device_type, ScalarType dtype)",), args, kwargs)
    if STATE.dtypes is None:
        STATE.dtypes = _default_dtypes()
    STATE.dtypes[_device_type(args[0])] = _as_dtype(args[1])


def _no_args(name, args, kwargs):
    """CPython's errors for a METH_NOARGS function."""
    if kwargs:
        raise TypeError(f"torch.{name}() takes no keyword arguments")
    if args:
        raise TypeError(f"torch.{name}() takes no arguments ({len(args)} given)")


def _one_arg(name, args, kwargs):
    """CPython's errors for a METH_O function; its one argument."""
    if kwargs:
        raise TypeError(f"torch.{name}() takes no keyword arguments")
    if len(args) != 1:
        raise TypeError(f"torch.{name}() takes exactly one argument ({len(args)} given)")
    return args[0]


def check_bool(x, what="enabled"):
    if x.__class__ is not bool:
        from .._arg_parser import tp_name
        raise TypeError(f"{what} must be a bool (got {tp_name(x)})")
    return x


def is_autocast_cache_enabled(*args, **kwargs):
    _no_args("is_autocast_cache_enabled", args, kwargs)
    return STATE.cache


def set_autocast_cache_enabled(*args, **kwargs):
    STATE.cache = check_bool(_one_arg("set_autocast_cache_enabled", args, kwargs))


def clear_autocast_cache(*args, **kwargs):
    _no_args("clear_autocast_cache", args, kwargs)


def autocast_increment_nesting(*args, **kwargs):
    """The autocast regions entered and not left, counted after this one is added."""
    _no_args("autocast_increment_nesting", args, kwargs)
    STATE.nesting += 1
    return STATE.nesting


def autocast_decrement_nesting(*args, **kwargs):
    _no_args("autocast_decrement_nesting", args, kwargs)
    STATE.nesting -= 1
    return STATE.nesting


__all__ = ["is_autocast_enabled", "set_autocast_enabled", "get_autocast_dtype", "set_autocast_dtype",
           "is_autocast_cache_enabled", "set_autocast_cache_enabled", "clear_autocast_cache",
           "autocast_increment_nesting", "autocast_decrement_nesting"]
