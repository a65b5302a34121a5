"""torch's Python argument parser (torch/csrc/utils/python_arg_parser.cpp), replayed on the error path.

A torch function or Tensor method binds its arguments by trying each of its signatures (data in
``_signatures.py``) in turn.  When none takes the call, torch's ``print_error`` counts the signatures
the number of arguments could fit (not hidden); with exactly one it re-parses that one to raise its
specific message ("argument 'dim' (position 1) must be int, not float"), otherwise it raises the
"invalid combination of arguments" message of invalid_arguments.cpp (``_invalid_args.py``).

Nothing here runs for a call that glasstorch takes: callers check their arguments with an
``x.__class__ is int`` test and come here only for the rest (``parser_error``).
"""
import numpy as np

_TYPE_NAMES = {
    "Tensor": "Tensor", "Scalar": "Number", "int64_t": "int", "SymInt": "int", "double": "float",
    "complex": "complex", "TensorList": "tuple of Tensors", "IntArrayRef": "tuple of ints",
    "SymIntArrayRef": "tuple of ints", "ArrayRef<double>": "tuple of floats", "Generator": "torch.Generator",
    "bool": "bool", "Storage": "torch.Storage", "PyObject*": "object", "ScalarType": "torch.dtype",
    "Layout": "torch.layout", "MemoryFormat": "torch.memory_format", "QScheme": "torch.qscheme",
    "Device": "torch.device", "Stream": "torch.Stream", "std::string": "str", "c10::string_view": "str",
    "Dimname": "name", "DimnameList": "tuple of names", "ScalarList": "tuple of Scalars",
    "c10::List<::std::optional<Tensor>>": "tuple of Tensors",
}
# torch's should_allow_numbers_as_tensors: these bind a Python number to a Tensor parameter
_NUMBERS_AS_TENSORS = {p + s for p in ("add", "div", "divide", "mul", "multiply", "sub", "subtract",
                                       "true_divide", "floor_divide") for s in ("", "_", "_out")}
_NUMBERS_AS_TENSORS |= {"to", "_to_copy", "copy_"}
_NUMPY_NAMES = {"dim": ("axis",), "keepdim": ("keepdims",), "input": ("x", "a", "x1"), "other": ("x2",)}


def tp_name(x):
    """``Py_TYPE(x)->tp_name``: a class written in Python is its bare name (``Tensor``, ``Foo``), a C type
    its module-qualified name (``numpy.float32``, ``decimal.Decimal``; builtins bare: ``float``)."""
    t = type(x)
    static = _STATIC.get(t)
    if static is not None:
        return static
    if t.__flags__ & (1 << 9) or t.__module__ == "builtins":      # Py_TPFLAGS_HEAPTYPE
        return t.__name__
    return f"{t.__module__}.{t.__qualname__}"


def _static_names():
    """glasstorch's stand-ins for torch's C types, with the names torch's C types carry."""
    from . import _device, _dtype, _runtime
    out = {_dtype.dtype: "torch.dtype", _dtype.finfo: "torch.finfo", _device.device: "torch.device",
           _device.Size: "torch.Size", _runtime.layout: "torch.layout",
           _runtime.memory_format: "torch.memory_format"}
    for mod, name, shown in (("_dtype", "iinfo", "torch.iinfo"), ("_generator", "Generator", "torch._C.Generator"),
                             ("_C", "Generator", "torch._C.Generator"),    # what glasstorch.Generator() makes
                             ("ops.storage", "UntypedStorage", "torch.storage.UntypedStorage"),
                             ("storage", "TypedStorage", "torch.storage.TypedStorage"),
                             ("_quant_dtype", "_Quantized", "torch.dtype"),
                             ("_dtype", "_NameOnly", "torch.dtype"),     # bfloat16
                             ("_legacy_ctor", "tensortype", "torch.tensortype")):
        cls = getattr(__import__(f"glasstorch.{mod}", fromlist=[name]), name, None)
        if cls is not None:
            out[cls] = shown
    return out


class _LazyStatic(dict):
    def get(self, key, default=None):
        if not self:
            self.update(_static_names())
        return dict.get(self, key, default)


_STATIC = _LazyStatic()


class Param:
    """One parameter of a signature string: ``"IntArrayRef[1]? dim=None"``."""
    __slots__ = ("type", "name", "optional", "allow_none", "keyword_only", "size", "default")

    def __init__(self, fmt, keyword_only):
        type_str, name = fmt.split(" ", 1)
        self.allow_none = "?" in type_str
        type_str = type_str.replace("?", "")
        self.size = 0
        if "[" in type_str:
            type_str, size = type_str[:-1].split("[")
            self.size = int(size)
        self.type, self.keyword_only = type_str, keyword_only
        self.name, _, self.default = name.partition("=")
        self.optional = bool(_)
        if self.default == "None":
            self.allow_none = True
        if type_str not in _TYPE_NAMES:
            raise ValueError(f"unknown parameter type {type_str!r} in {fmt!r}")

    def type_name(self):
        return _TYPE_NAMES[self.type]


class Signature:
    """A parsed signature string: ``"sum(IntArrayRef[1]? dim, bool keepdim=False, *, ScalarType? dtype=None)"``."""

    def __init__(self, raw):
        self.raw = raw
        self.name, rest = raw.split("(", 1)
        body, _, tail = rest.rpartition(")")
        self.hidden = tail in ("|hidden", "|deprecated")
        self.params, kw_only = [], False
        for piece in (body.split(", ") if body else []):
            if piece == "*":
                kw_only = True
            else:
                self.params.append(Param(piece, kw_only))
        self.min_args = sum(not p.optional for p in self.params)
        self.max_args = len(self.params)
        self.max_pos_args = sum(not p.keyword_only for p in self.params)
        self.numbers_as_tensors = self.name in _NUMBERS_AS_TENSORS

    def printed(self):
        """FunctionSignature::toString, as the error message lists it."""
        parts, kw = [], False
        for p in self.params:
            if p.keyword_only and not kw:
                parts.append("*")
                kw = True
            parts.append(f"{p.type_name()} {p.name}" + (f" = {p.default}" if p.optional else ""))
        return "(" + ", ".join(parts) + ")"


# ---- the checks of FunctionParameter::check --------------------------------------------------------
def _tensor_cls():
    from ._tensor import Tensor
    return Tensor


def is_long(x):
    """THPUtils_checkLong: a Python or NumPy integer, not a bool."""
    return isinstance(x, (int, np.integer)) and not isinstance(x, bool)


def is_index(x):
    """THPUtils_checkIndex: an int that is not a bool, or an object whose ``__index__`` works."""
    if isinstance(x, bool):
        return False
    if is_long(x):
        return True
    if not hasattr(type(x), "__index__"):
        return False
    try:
        x.__index__()
    except Exception:
        return False
    return True


def _is_double(x):
    return isinstance(x, (float, int, np.floating, np.integer))


def _is_scalar(x):
    return _is_double(x) or isinstance(x, (complex, np.complexfloating, np.bool_))


def _int_list(x, size):
    if isinstance(x, (tuple, list)):
        return len(x) == 0 or is_index(x[0])
    return size > 0 and (is_long(x) or _int_tensor(x, one_element=True))


def _int_tensor(x, one_element=False):
    T = _tensor_cls()
    if not isinstance(x, T) or x._data.dtype.kind not in "iu":
        return False
    return x._data.size == 1 if one_element else (x._data.ndim == 0 and not x.requires_grad)


def check(sig, p, x):
    """Whether ``x`` binds to parameter ``p`` (FunctionParameter::check); a failed TensorList raises."""
    t = p.type
    T = _tensor_cls()
    if t == "Tensor":
        return isinstance(x, T) or (sig.numbers_as_tensors and _is_scalar(x))
    if t in ("Scalar", "complex", "double"):
        if (t == "Scalar" and _is_scalar(x)) or (t != "double" and isinstance(x, complex)) or _is_double(x):
            return True
        return isinstance(x, T) and x._data.ndim == 0 and not x.requires_grad
    if t == "int64_t":
        return is_long(x) or _int_tensor(x)
    if t == "SymInt":
        return is_index(x)
    if t in ("IntArrayRef", "SymIntArrayRef"):
        if isinstance(x, (tuple, list)):
            return len(x) == 0 or is_index(x[0])
        return p.size > 0 and (is_index(x) if t == "SymIntArrayRef" else _int_list(x, p.size))
    if t in ("TensorList", "c10::List<::std::optional<Tensor>>"):
        if not isinstance(x, (tuple, list)):
            return False
        for i, v in enumerate(x):
            if not isinstance(v, T) and not (v is None and t != "TensorList"):
                raise TypeError(f"expected Tensor as element {i} in argument {sig.params.index(p)}, "
                                f"but got {tp_name(v)}")
        return True
    if t == "ArrayRef<double>":
        return isinstance(x, (tuple, list)) and (not x or isinstance(x[0], (float, int, complex)))
    if t == "ScalarList":
        return isinstance(x, (tuple, list)) and all(_is_scalar(v) for v in x)
    if t == "bool":
        return x.__class__ is bool
    if t == "PyObject*":
        return True
    if t in ("std::string", "c10::string_view"):
        return isinstance(x, str)
    if t == "Device":
        return is_long(x) or isinstance(x, str) or tp_name(x) == "torch.device"
    if t == "ScalarType":
        return tp_name(x) == "torch.dtype" or any(x is t for t in (float, int, bool, complex))
    return tp_name(x) == {"Generator": "torch._C.Generator", "Layout": "torch.layout",
                          "MemoryFormat": "torch.memory_format"}.get(t, "torch." + t)


# ---- FunctionSignature::parse and PythonArgParser::print_error -----------------------------------------
def _extra_args(sig, nargs):
    if sig.min_args != sig.max_pos_args:
        return TypeError(f"{sig.name}() takes from {sig.min_args} to {sig.max_pos_args} positional arguments "
                         f"but {nargs} were given")
    return TypeError(f"{sig.name}() takes {sig.max_pos_args} positional argument"
                     f"{'' if sig.max_pos_args == 1 else 's'} but {nargs} {'was' if nargs == 1 else 'were'} given")


def _missing_args(sig, idx):
    missing = [f'"{p.name}"' for p in sig.params[idx:] if not p.optional]
    return TypeError(f"{sig.name}() missing {len(missing)} required positional argument"
                     f"{'s' if len(missing) == 1 else ''}: {', '.join(missing)}")


def _extra_kwargs(sig, kwargs, nargs):
    # torch's find_param matches a parameter's own name only: a NumPy alias (axis, keepdims) that did
    # bind is named here when another keyword is wrong (np.max(x, axis=0) passes out=None too)
    names = [p.name for p in sig.params]
    for key in kwargs:
        idx = names.index(key) if key in names else -1
        if idx < 0:
            return TypeError(f"{sig.name}() got an unexpected keyword argument '{key}'")
        if idx < nargs:
            return TypeError(f"{sig.name}() got multiple values for argument '{key}'")
    return TypeError("invalid keyword arguments")


def _failed_idx(p, x):
    """The item of a sequence that made an int-list check fail (``failed_idx``: its first), or -1."""
    if p.type in ("IntArrayRef", "SymIntArrayRef") and isinstance(x, (tuple, list)) and x and not is_index(x[0]):
        return 0
    return -1


def parse(sig, args, kwargs, raise_exception):
    """FunctionSignature::parse: the bound ``{param: value}`` if ``sig`` takes the call, else None (or,
    with ``raise_exception``, the TypeError torch raises for it)."""
    nargs, remaining = len(args), len(kwargs)
    varargs_ok = sig.max_pos_args == 1 and sig.params[0].type in ("IntArrayRef", "SymIntArrayRef")
    if nargs > sig.max_pos_args and not varargs_ok:
        if raise_exception:
            raise _extra_args(sig, nargs)
        return None
    arg_pos, bound = 0, {}
    for i, p in enumerate(sig.params):
        obj, is_kwd, present = None, False, False
        if arg_pos < nargs:
            if p.keyword_only:
                if raise_exception:
                    raise _extra_args(sig, nargs)
                return None
            obj, present = args[arg_pos], True
        else:
            for key in (p.name,) + _NUMPY_NAMES.get(p.name, ()):
                if key in kwargs:
                    obj, present = kwargs[key], True
                    break
            is_kwd = True
        eligible = varargs_ok and arg_pos == 0 and not is_kwd
        if (not present and p.optional) or (present and obj is None and p.allow_none):
            pass
        elif not present:
            if raise_exception:
                raise _missing_args(sig, i)
            return None
        elif check(sig, p, obj):
            bound[p] = obj
        elif eligible and (nargs == 0 or is_index(args[0])):     # view(2, 3) as view((2, 3))
            bound[p] = tuple(args)
            arg_pos = nargs
            continue
        elif not raise_exception:
            return None
        elif eligible and nargs > 1:
            raise _extra_args(sig, nargs)
        elif is_kwd:
            raise TypeError(f"{sig.name}(): argument '{p.name}' must be {p.type_name()}, not {tp_name(obj)}")
        elif _failed_idx(p, obj) >= 0:
            raise TypeError(f"{sig.name}(): argument '{p.name}' (position {arg_pos + 1}) must be {p.type_name()}, "
                            f"but found element of type {tp_name(obj[0])} at pos 0")
        else:
            raise TypeError(f"{sig.name}(): argument '{p.name}' (position {arg_pos + 1}) must be {p.type_name()}, "
                            f"not {tp_name(obj)}")
        if not is_kwd:
            arg_pos += 1
        elif present:
            remaining -= 1
    if arg_pos < nargs:         # view((2, 3), 4): the list took the first positional only
        if raise_exception:
            raise _extra_args(sig, nargs)
        return None
    if remaining > 0:
        if raise_exception:
            raise _extra_kwargs(sig, kwargs, nargs)
        return None
    return bound


def _unpack(sig, bound):
    """After binding, the items of an int list are unpacked one by one (bools pass, as ints); the
    generated C++ reads its arguments last first (GCC evaluates call arguments right to left)."""
    for p, v in reversed(list(bound.items())):
        if p.type in ("IntArrayRef", "SymIntArrayRef") and isinstance(v, (tuple, list)):
            for i, item in enumerate(v):
                if not (is_index(item) or isinstance(item, bool)):
                    return TypeError(f"{sig.name}(): argument '{p.name}' failed to unpack the object at pos "
                                     f"{i + 1} with error \"type must be tuple of ints,but got {tp_name(item)}\"")
    return None


def parser_error(signatures, args, kwargs=None):
    """The TypeError torch's parser raises for ``args``/``kwargs`` (not counting ``self``) given the
    signature strings ``signatures``, or None if one of them takes the call."""
    from ._invalid_args import format_invalid_args
    kwargs = kwargs or {}
    sigs = [_parsed(s) for s in signatures]
    try:
        if len(sigs) == 1:
            return _unpack(sigs[0], parse(sigs[0], args, kwargs, True))
        for s in sigs:
            bound = parse(s, args, kwargs, False)
            if bound is not None:
                return _unpack(s, bound)
        n = len(args) + len(kwargs)
        plausible = [s for s in sigs if s.min_args <= n <= s.max_args and not s.hidden]
        if len(plausible) == 1:
            parse(plausible[0], args, kwargs, True)
    except TypeError as e:
        return e
    options = [s.printed() for s in sigs if not s.hidden]
    return TypeError(format_invalid_args(args, kwargs, sigs[0].name + "()", options))


_CACHE = {}


def _parsed(raw):
    sig = _CACHE.get(raw)
    if sig is None:
        sig = _CACHE[raw] = Signature(raw)
    return sig
