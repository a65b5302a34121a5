"""``torch.device(...)``'s argument binding (THPDevice_pynew) and c10::Device's string parser.

torch binds ``device(Device device)`` or ``device(str type, int? index=-1)``.  A string must match
``([a-zA-Z_]+)(?::([1-9]\\d*|0))?`` exactly (so no spaces, signs or leading zeros), its index must fit
an int32 (std::stoi), and the type must be one torch knows.  The index is stored as an int8
(c10::DeviceIndex): a larger one wraps, and -1 means "no index"; ``repr`` shows it cast to uint16.
"""
import re

from ._arg_parser import is_long, parser_error

_SIGS = ("device(Device device)", "device(c10::string_view type, int64_t? index=-1)")
_TYPES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga", "maia",
          "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone")
# C's isalpha in the "C" locale: ASCII letters only
_PATTERN = re.compile(r"([A-Za-z_]+)(?::([1-9][0-9]*|0))?")
_I64 = 1 << 63
_I32_MAX = (1 << 31) - 1
_CACHE = {}


def _device_index(v):
    """static_cast<int8_t>(v), with -1 (no index) as None."""
    v = ((v + 128) & 0xFF) - 128
    return None if v == -1 else v


def parse_string(s):
    """(type, index) of a device string, raising c10's errors."""
    hit = _CACHE.get(s)
    if hit is not None:
        return hit
    if not s:
        raise RuntimeError("Device string must not be empty")
    m = _PATTERN.fullmatch(s)
    if m is None:
        raise RuntimeError(f"Invalid device string: '{s}'")
    name, idx = m.groups()
    index = None
    if idx is not None:
        if int(idx) > _I32_MAX:
            raise RuntimeError(f"Could not parse device index '{idx}' in device string '{s}'")
        index = _device_index(int(idx))
    if name not in _TYPES:
        raise RuntimeError("Expected one of " + ", ".join(_TYPES) + f" device type at start of device string: {name}")
    if name == "mkldnn":
        from ._user_warning import warn_once
        # c10/core/Device.cpp's TORCH_WARN_ONCE
        warn_once("device-mkldnn", "'mkldnn' is no longer used as device type. So torch.device('mkldnn') will be "
                  "deprecated and removed in the future. Please use other valid device types instead. (Triggered "
                  "internally at /__w/pytorch/pytorch/c10/core/Device.cpp:40.)")
    else:
        _CACHE[s] = (name, index)
    return name, index


def _checked_long(v):
    v = int(v)
    if not -_I64 <= v < _I64:
        raise ValueError("Overflow when unpacking long long")
    return v


def _from_int(v):
    # an int names an index of the current accelerator, and this build has none
    if _checked_long(v) < 0:
        raise RuntimeError("Device index must not be negative")
    raise RuntimeError("Cannot access accelerator device when none is available.")


def bind(device_cls, args, kwargs):
    """(type, index) that ``torch.device(*args, **kwargs)`` makes, or torch's error."""
    if not kwargs and len(args) == 1:
        a = args[0]
        if isinstance(a, str):
            return parse_string(a)
        if isinstance(a, device_cls):
            return a.type, a.index
        if is_long(a):
            _from_int(a)
    err = parser_error(_SIGS, args, kwargs)
    if err is not None:
        raise err
    n = len(args) + len(kwargs)
    if n == 1 and (args or "device" in kwargs):           # device(Device device)
        a = args[0] if args else kwargs["device"]
        if isinstance(a, device_cls):
            return a.type, a.index
        if is_long(a):
            _from_int(a)
        return parse_string(a)
    type_ = args[0] if args else kwargs["type"]
    index = args[1] if len(args) > 1 else kwargs.get("index")
    name, own_index = parse_string(type_)
    # the (type, index) form refuses an index in the string even when index is left out or None
    if own_index is not None:
        raise RuntimeError(f"type (string) must not include an index because index was passed explicitly: {type_}")
    if index is None:
        return name, None
    index = _checked_long(index)
    if index < 0:
        raise RuntimeError("Device index must not be negative")
    return name, _device_index(index)
