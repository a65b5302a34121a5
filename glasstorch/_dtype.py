"""dtypes (``glasstorch.float32`` ...) and torch's type-promotion rules.

Every dtype wraps one NumPy dtype.  Promotion follows torch, not NumPy: a float of any width beats
every integer (``int64 + float16 -> float16``), Python numbers are "weak" (they only choose the
category, never the width), and 0-d tensors are weaker than tensors with dimensions.
"""
import numpy as np

__all__ = ["dtype"]


class dtype:
    """A tensor element type, printed as torch prints it (``torch.float32``)."""

    __slots__ = ("name", "np", "is_floating_point", "is_complex", "is_signed", "itemsize", "_cat")

    def __init__(self, name, np_dtype, cat):
        self.name = name
        self.np = np.dtype(np_dtype)
        self._cat = cat                      # 0 bool, 1 integer, 2 floating, 3 complex
        self.is_floating_point = cat == 2
        self.is_complex = cat == 3
        self.is_signed = name not in ("uint8", "bool")
        self.itemsize = self.np.itemsize

    def __repr__(self):
        return "torch." + self.name

    def __reduce__(self):
        return (_by_name, (self.name,))

    def to_real(self):
        return _TO_REAL.get(self.name, self)

    def to_complex(self):
        if self._cat == 3:
            return self
        if self.name in _TO_COMPLEX:
            return _TO_COMPLEX[self.name]
        if self is float16:
            raise TypeError("glasstorch does not support dtype torch.complex32 (the complex form of torch.float16)")
        raise RuntimeError(f"Unknown Complex ScalarType for {_SCALAR_TYPES[self.name]}")


bool_ = dtype("bool", np.bool_, 0)
uint8 = dtype("uint8", np.uint8, 1)
int8 = dtype("int8", np.int8, 1)
int16 = dtype("int16", np.int16, 1)
int32 = dtype("int32", np.int32, 1)
int64 = dtype("int64", np.int64, 1)
float16 = dtype("float16", np.float16, 2)
float32 = dtype("float32", np.float32, 2)
float64 = dtype("float64", np.float64, 2)
complex64 = dtype("complex64", np.complex64, 3)
complex128 = dtype("complex128", np.complex128, 3)
_TO_COMPLEX = {"float32": complex64, "float64": complex128}
_TO_REAL = {"complex64": float32, "complex128": float64}



class _NameOnly(dtype):
    """A torch dtype glasstorch can name but not store: ``torch.bfloat16`` exists so that code which
    only mentions it (``autocast(dtype=torch.bfloat16, enabled=False)``, ``x.dtype == torch.bfloat16``)
    runs; making a tensor of it raises TypeError (see to_dtype)."""
    __slots__ = ()

    def __init__(self, name, itemsize, cat=2):
        self.name = name
        self.np = None
        self._cat = cat
        self.is_floating_point = cat == 2
        self.is_complex = False
        self.is_signed = cat == 2
        self.itemsize = itemsize


bfloat16 = _NameOnly("bfloat16", 2)
# torch's "barebones" unsigned types: named (kornia keys a dict on them) but not stored
uint16, uint32, uint64 = (_NameOnly(f"uint{8 * n}", n, 1) for n in (2, 4, 8))
_WIDE_UNSIGNED = (uint16, uint32, uint64)
# torch's 8-bit floats, named only (checkpoint loaders map "F8_E4M3" to one); finfo knows their limits:
# name -> (eps, max, tiny), with min = -max except for the unsigned e8m0fnu (min = tiny)
_FLOAT8 = {"float8_e4m3fn": (2.0 ** -3, 448.0, 2.0 ** -6), "float8_e5m2": (2.0 ** -2, 57344.0, 2.0 ** -14),
           "float8_e4m3fnuz": (2.0 ** -3, 240.0, 2.0 ** -7), "float8_e5m2fnuz": (2.0 ** -3, 57344.0, 2.0 ** -15),
           "float8_e8m0fnu": (1.0, 2.0 ** 127, 2.0 ** -127)}
float8_e4m3fn, float8_e5m2, float8_e4m3fnuz, float8_e5m2fnuz, float8_e8m0fnu = (_NameOnly(n, 1) for n in _FLOAT8)
float8_e8m0fnu.is_signed = False
_FLOAT8_TYPES = (float8_e4m3fn, float8_e5m2, float8_e4m3fnuz, float8_e5m2fnuz, float8_e8m0fnu)

ALL = (bool_, uint8, int8, int16, int32, int64, float16, float32, float64, complex64, complex128)
_NAMES = {d.name: d for d in ALL}
FROM_NP = {d.np: d for d in ALL}
# the scalar type objects too, so `FROM_NP[arr.dtype.type]` style lookups are not needed
for _d in ALL:
    FROM_NP[_d.np.type] = _d

# torch's aliases
ALIASES = {
    "float": float32, "double": float64, "half": float16, "long": int64, "int": int32,
    "short": int16, "bool": bool_, "uint8": uint8, "int8": int8, "int16": int16,
    "int32": int32, "int64": int64, "float16": float16, "float32": float32, "float64": float64,
    "complex64": complex64, "complex128": complex128, "cfloat": complex64, "cdouble": complex128,
}

# dtypes torch has and glasstorch does not (yet): asking for one names it
UNSUPPORTED = ("bfloat16", "complex32", "chalf",
               "uint16", "uint32", "uint64", "float8_e4m3fn", "float8_e5m2", "qint8", "quint8", "qint32")


def _by_name(name):
    named = {d.name: d for d in (bfloat16, uint16, uint32, uint64) + _FLOAT8_TYPES}
    return named.get(name) or _NAMES[name]


class _Default:
    """The default float dtype (``torch.set_default_dtype``)."""
    __slots__ = ("float",)

    def __init__(self):
        self.float = float32


DEFAULT = _Default()


def is_default_complex(npdt):
    """Whether NumPy dtype ``npdt`` is torch's default complex dtype (complex64 when the default float is
    float32, complex128 with float64): torch's repr leaves that dtype out, as the default float's."""
    return npdt.kind == "c" and (npdt.itemsize == 16) == (DEFAULT.float is float64)


def get_default_dtype():
    return DEFAULT.float


def set_default_dtype(d):
    if d not in (float32, float64, float16):
        # (a Python type, a name or None is not a torch.dtype at all)
        raise TypeError(("" if type(d) is dtype else "invalid dtype object: ")
                        + "only floating-point types are supported as the default type")
    DEFAULT.float = d


def _promote_pair(a, b):
    """torch.promote_types for two dtypes."""
    if a is b:
        return a
    if a._cat == 4 or b._cat == 4:          # a quantized dtype (_quant_dtype.py)
        from ._quant_dtype import promote_error
        raise promote_error(a, b)
    if a in _FLOAT8_TYPES or b in _FLOAT8_TYPES:
        raise RuntimeError("Promotion for Float8 Types is not supported, attempted to promote "
                           f"{_SCALAR_TYPES.get(a.name, a.name.capitalize())} and "
                           f"{_SCALAR_TYPES.get(b.name, b.name.capitalize())}")
    if a in _WIDE_UNSIGNED or b in _WIDE_UNSIGNED:
        # c10 gives these no rule against integers (uint64 would overflow int64): only a float wins
        if a.is_floating_point or b.is_floating_point:
            return a if a.is_floating_point else b
        raise RuntimeError("Promotion for uint16, uint32, uint64 types is not supported, attempted to promote "
                           f"{_SCALAR_TYPES[a.name]} and {_SCALAR_TYPES[b.name]}")
    if a._cat != b._cat:
        hi, lo = (a, b) if a._cat > b._cat else (b, a)
        if hi._cat == 3 and lo._cat == 2:
            # complex64 with float64 widens to complex128: the real parts promote as floats
            return _promote_pair(hi.to_real(), lo).to_complex()
        return hi
    return FROM_NP[np.promote_types(a.np, b.np)]


def promote_types(*args, **kwargs):
    if len(args) == 2 and not kwargs and args[0].__class__ is dtype and args[1].__class__ is dtype:
        return _promote_pair(*args)
    return _promote_pair(*dtype_args("promote_types(ScalarType type1, ScalarType type2)", args, kwargs))


def dtype_args(signature, args, kwargs):
    """The two dtypes of a call torch's parser binds to ``signature`` (two ScalarType parameters, which
    take Python's float, int, bool and complex too), in parameter order; else torch's TypeError."""
    from ._arg_parser import parser_error, _parsed
    err = parser_error((signature,), args, kwargs)
    if err is not None:
        raise err
    names = [p.name for p in _parsed(signature).params]
    return [to_dtype(x) if isinstance(x, type) else x for x in list(args) + [kwargs[n] for n in names[len(args):]]]


def _combine(higher, lower):
    """Combine the result of a stronger priority class with a weaker one (torch's rule)."""
    if higher is None:
        return lower
    if lower is None:
        return higher
    if higher._cat == 3:
        return higher
    if lower._cat == 3:
        # a weaker complex operand keeps a float operand's width; over integers it wins outright
        return higher.to_complex() if higher._cat == 2 else lower
    if higher._cat == 2:
        return higher
    if higher is bool_ or lower._cat == 2:
        return _promote_pair(higher, lower)
    return higher


def scalar_dtype(x):
    """The dtype a Python number gets when it stands alone (``torch.tensor(x)``)."""
    t = type(x)
    if t is bool:
        return bool_
    if t is int:
        return int64
    if t is float:
        return DEFAULT.float
    if t is complex:
        return DEFAULT.float.to_complex()
    if isinstance(x, np.generic):
        return FROM_NP[x.dtype]
    if isinstance(x, (bool, np.bool_)):
        return bool_
    if isinstance(x, int):
        return int64
    if isinstance(x, float):
        return DEFAULT.float
    if isinstance(x, complex):
        return DEFAULT.float.to_complex()
    from ._arg_refuse import refused        # torch's parser error for the user's call, where it has one
    raise refused(TypeError(f"unsupported scalar type {type(x).__name__}"))


def number_dtype(x):
    """The dtype of a number an op takes as torch's ``Scalar`` (``t * x``, ``full(size, x)``): a NumPy
    scalar counts as the Python number torch's parser turns it into: an integer type as ``int``, any
    other (``float64``, ``float16``, ``bool_``, even complex) as ``float``."""
    if isinstance(x, np.generic):
        return int64 if isinstance(x, np.integer) else DEFAULT.float
    return scalar_dtype(x)


def int_overflow(x):
    """The OverflowError torch's parser raises for a Python int that fits neither int64 nor uint64."""
    return OverflowError("can't convert negative int to unsigned" if x < 0 else "int too big to convert")


def result_type(*operands):
    """The dtype of an elementwise op over tensors and Python numbers, as torch computes it."""
    from ._tensor import Tensor
    dim = zero = wrapped = None
    for x in operands:
        if isinstance(x, Tensor):
            d = x.dtype
            if x._data.ndim:
                dim = d if dim is None else _promote_pair(dim, d)
            else:
                zero = d if zero is None else _promote_pair(zero, d)
        else:
            if x.__class__ is int and not -2 ** 63 <= x < 2 ** 64:
                raise int_overflow(x)
            d = number_dtype(x)
            wrapped = d if wrapped is None else _promote_pair(wrapped, d)
    return _combine(dim, _combine(zero, wrapped))


def to_dtype(d):
    """Accept a glasstorch dtype, a NumPy dtype, a Python type or a name; return a glasstorch dtype."""
    if type(d) is dtype:
        return d
    if type(d) is _NameOnly:
        raise TypeError(f"glasstorch does not support dtype {d!r} yet (it has "
                        f"{', '.join(repr(x) for x in ALL)})")
    if d is None:
        return None
    if d is float:
        return float64
    if d is int:
        return int64
    if d is bool:
        return bool_
    if isinstance(d, str):
        name = d[6:] if d.startswith("torch.") else d
        if name in ALIASES:
            return ALIASES[name]
        if name in UNSUPPORTED:
            raise TypeError(f"glasstorch does not support dtype torch.{name} yet")
        from ._arg_refuse import refused
        raise refused(TypeError(f"unknown dtype {d!r}"))
    try:
        return FROM_NP[np.dtype(d)]
    except (TypeError, KeyError, ValueError):     # (ValueError: np.dtype read a `.dtype` it cannot take)
        from ._arg_refuse import refused      # torch's parser message where the call is one it parses
        raise refused(TypeError(f"glasstorch does not support dtype {d!r}")) from None


class finfo:
    """Machine limits of a floating dtype, as ``torch.finfo``."""

    def __init__(self, type=None):
        if type is bfloat16:                   # a name-only dtype, but its limits are known
            self.dtype, self.bits, self.eps, self.resolution = "bfloat16", 16, 2.0 ** -7, 0.01
            self.max = float.fromhex("0x1.fep127")
            self.min = -self.max
            self.tiny = self.smallest_normal = 2.0 ** -126
            return
        if type in _FLOAT8_TYPES:
            self.dtype, self.bits, self.resolution = type.name, 8, 1.0
            self.eps, self.max, self.tiny = _FLOAT8[type.name]
            self.min = self.tiny if type is float8_e8m0fnu else -self.max
            self.smallest_normal = self.tiny
            return
        d = to_dtype(type) if type is not None else DEFAULT.float
        d = d.to_real()                        # torch.finfo(complex64) describes float32
        if not d.is_floating_point:
            raise TypeError("torch.finfo() requires a floating point input type. Use torch.iinfo to handle 'torch.finfo'")
        fi = np.finfo(d.np)
        self.dtype = d.name
        self.bits = fi.bits
        self.eps = float(fi.eps)
        self.max = float(fi.max)
        self.min = float(fi.min)
        self.tiny = float(fi.tiny)
        self.smallest_normal = self.tiny
        self.resolution = 10.0 ** -int(fi.precision)    # as torch: 1e-06, not float32(1e-6)

    def __repr__(self):
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, eps={self.eps:g}, "
                f"smallest_normal={self.tiny:g}, tiny={self.tiny:g}, dtype={self.dtype})")


class iinfo:
    """Limits of an integer dtype, as ``torch.iinfo``."""

    def __init__(self, type):
        if type in _WIDE_UNSIGNED:             # name-only dtypes, but their limits are known
            self.dtype, self.bits, self.min, self.max = type.name, type.itemsize * 8, 0, 2 ** (type.itemsize * 8) - 1
            return
        d = to_dtype(type)
        if d.is_floating_point or d.is_complex:
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo to handle 'torch.iinfo'")
        if d is bool_:
            raise TypeError("torch.bool is not supported by torch.iinfo")
        ii = np.iinfo(d.np)
        self.dtype = d.name
        self.bits = d.itemsize * 8
        self.max = int(ii.max)
        self.min = int(ii.min)

    def __repr__(self):
        # torch formats the limits with %g: iinfo(min=-2.14748e+09, max=2.14748e+09, dtype=int32)
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"


# torch 2.13's ``x.grad = g`` check names g's C++ type and x's ScalarType
_CPP = {"float16": "c10::Half", "float32": "float", "float64": "double", "int64": "long int", "int32": "int",
        "int16": "short int", "int8": "signed char", "uint8": "unsigned char", "bool": "bool",
        "complex64": "c10::complex<float>", "complex128": "c10::complex<double>"}
_SCALAR_TYPES = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long", "int32": "Int",
                 "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool",
                 "complex64": "ComplexFloat", "complex128": "ComplexDouble",
                 "uint16": "UInt16", "uint32": "UInt32", "uint64": "UInt64"}


def grad_dtype_message(got, want):
    return (f"attempting to assign a gradient with dtype '{_CPP[got.name]}' to a tensor with grad_dtype "
            f"'{_SCALAR_TYPES[want.name]}'. The gradient must match the tensor's grad_dtype (defaults to the "
            "tensor's dtype). You can set the tensor's grad_dtype attribute with a specific dtype, or None to allow "
            "any dtype. Set grad_dtype with caution. Diverging the dtypes of a tensor and its gradient may break "
            "downstream systems that assume they match.")
