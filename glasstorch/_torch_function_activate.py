"""Switching glasstorch's ``__torch_function__`` checks on and off (see ``_torch_function.py``).

``activate()`` puts checking wrappers in place of Tensor's members and of the functions of ``torch``,
``torch.nn.functional``, ``torch.linalg``, ``torch.fft`` and ``torch.special``, points glasstorch's own
references to the originals at the wrappers, and records every replacement so ``deactivate()`` can
put things back."""
import functools
import inspect
import types

from ._tensor import Tensor
from ._user_warning import skipped_by_warnings
from ._torch_function import MODES, STATE, wrap_function, dispatch, overloaded_args, _enabled


# ---- switching the checks on ------------------------------------------------------------------------
_DUNDERS = {"__add__", "__radd__", "__iadd__", "__sub__", "__rsub__", "__isub__", "__mul__", "__rmul__", "__imul__",
            "__truediv__", "__rtruediv__", "__itruediv__", "__floordiv__", "__rfloordiv__", "__ifloordiv__",
            "__mod__", "__rmod__", "__imod__", "__pow__", "__rpow__", "__ipow__", "__matmul__", "__rmatmul__",
            "__and__", "__rand__", "__iand__", "__or__", "__ror__", "__ior__", "__xor__", "__rxor__", "__ixor__",
            "__lshift__", "__rlshift__", "__ilshift__", "__rshift__", "__rrshift__", "__irshift__",
            "__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "__neg__", "__pos__", "__abs__",
            "__invert__", "__getitem__", "__setitem__", "__len__", "__contains__", "__repr__",
            "__format__", "__bool__", "__float__", "__int__", "__index__", "__complex__", "__reversed__",
            "__deepcopy__", "__reduce_ex__", "__array__", "__dlpack__", "__setstate__", "__rdiv__"}
# the method an operator dispatches as (torch's C++ operators are its methods under another name)
_OPERATOR_METHODS = {"__add__": "add", "__radd__": "add", "__iadd__": "add_", "__sub__": "sub", "__isub__": "sub_",
                     "__mul__": "mul", "__rmul__": "mul", "__imul__": "mul_", "__truediv__": "div",
                     "__itruediv__": "div_", "__rtruediv__": "__rdiv__", "__ifloordiv__": "floor_divide_",
                     "__mod__": "remainder", "__imod__": "remainder_", "__pow__": "pow", "__ipow__": "pow_",
                     "__matmul__": "matmul", "__rand__": "bitwise_and", "__ror__": "bitwise_or",
                     "__rxor__": "bitwise_xor", "__ne__": "ne", "__lt__": "lt", "__le__": "le", "__gt__": "gt",
                     "__ge__": "ge", "__neg__": "neg", "__pos__": "positive", "__abs__": "abs"}
_SKIP_METHODS = {"as_subclass", "_make_subclass", "__torch_function__", "__init_subclass__", "__new__",
                 "__init__", "__class__", "__getattribute__", "__setattr__", "__delattr__", "__dir__",
                 "__sizeof__", "__subclasshook__", "__array_wrap__", "__reduce__", "__getstate__", "_data"}
# torch.nn.functional's functions that torch writes in C++ (the others are Python: see above)
_F_BUILTIN = frozenset("""adaptive_avg_pool1d avg_pool1d avg_pool2d avg_pool3d bilinear celu_ channel_shuffle conv1d
conv2d conv3d conv_tbc conv_transpose1d conv_transpose2d conv_transpose3d cosine_similarity elu_ gelu hardshrink
hardtanh_ leaky_relu_ linear logsigmoid native_channel_shuffle one_hot pairwise_distance pdist pixel_shuffle
pixel_unshuffle prelu relu_ rrelu_ scaled_dot_product_attention selu_ softplus softshrink threshold_""".split())
# Tensor methods that torch writes in Python (torch/_tensor.py): a mode is given plain tensors among
# their ``types``, as it is for the C++ methods that take nothing but ``self`` (``x.exp()``, ``x.dim()``)
_PY_METHODS = frozenset("""__array__ __contains__ __deepcopy__ __dlpack__ __dlpack_device__ __floordiv__ __format__
__hash__ __ipow__ __iter__ __len__ __pow__ __rdiv__ __reduce_ex__ __repr__ __reversed__ __rfloordiv__ __rlshift__
__rmatmul__ __rmod__ __rpow__ __rrshift__ __rsub__ __rtruediv__ __setstate__ backward dim_order is_shared istft lu
module_load norm register_hook register_post_accumulate_grad_hook resize resize_as share_memory_ split stft storage
storage_type to_sparse_coo unflatten unique unique_consecutive""".split())
# torch's factories: no tensor argument, so no subclass takes them over, but modes do (torch.ones)
_MODE_FACTORIES = frozenset("""arange as_tensor asarray bartlett_window blackman_window empty empty_permuted
empty_strided eye full hamming_window hann_window kaiser_window linspace logspace normal ones rand randint randn
randperm range scalar_tensor sparse_coo_tensor sparse_csc_tensor sparse_csr_tensor tensor tril_indices triu_indices
zeros""".split())
_MODULES = (("glasstorch", "torch", False), ("glasstorch.nn.functional", "torch.nn.functional", True),
            ("glasstorch.linalg", "torch.linalg", False), ("glasstorch.fft", "torch.fft", False),
            ("glasstorch.special", "torch.special", False))


def _wrap_tensor_members():
    if "__rdiv__" not in dir(Tensor):         # torch's name for the reflected division
        rdiv = inspect.getattr_static(Tensor, "__rtruediv__")
        Tensor.__rdiv__ = types.FunctionType(rdiv.__code__, rdiv.__globals__, "__rdiv__", rdiv.__defaults__,
                                             rdiv.__closure__)
    for name in dir(Tensor):
        if name in _SKIP_METHODS or (name.startswith("__") and name not in _DUNDERS):
            continue
        member = inspect.getattr_static(Tensor, name)
        if isinstance(member, (staticmethod, classmethod)):
            continue
        if isinstance(member, property):
            _replace(Tensor, name, _wrap_property(member, name))
        elif isinstance(member, types.FunctionType):
            target = _OPERATOR_METHODS.get(name)
            target = target if target is None or hasattr(Tensor, target) else None
            python = name in _PY_METHODS or (target or name) in _PY_METHODS
            plain = python or _self_only(inspect.getattr_static(Tensor, target or name))
            w = wrap_function(member, f"torch.Tensor.{target or name}", python, target=target, plain_types=plain)
            _replace(Tensor, name, _type_error_to_not_implemented(w) if name in _BINARY_DUNDERS else w)
            _keep_picklable(member)


# torch's binary operators turn a TypeError (a tensor-like operand whose __torch_function__ declines) into
# NotImplemented, so Python goes on to the other operand's reflected method (C++'s TypeError_to_NotImplemented_,
# _tensor.py's _handle_torch_function_and_wrap_type_error_to_not_implemented)
_BINARY_DUNDERS = frozenset(n for n in _DUNDERS if n not in {
    "__neg__", "__pos__", "__abs__", "__invert__", "__getitem__", "__setitem__", "__len__", "__contains__",
    "__repr__", "__format__", "__bool__", "__float__", "__int__", "__index__", "__complex__", "__reversed__",
    "__deepcopy__", "__reduce_ex__", "__array__", "__dlpack__", "__setstate__"})


def _type_error_to_not_implemented(w):
    @functools.wraps(w)
    def op(*args, **kwargs):
        try:
            return w(*args, **kwargs)
        except TypeError:
            return NotImplemented
    op._tf_original = w._tf_original
    op.__code__ = skipped_by_warnings(op.__code__)
    return op


def _self_only(fn):
    try:
        return list(inspect.signature(fn).parameters) == ["self"]
    except (TypeError, ValueError):
        return False


def _to_mode(box, name, what, args):
    from ._function_mode import mode_dispatch, types_of
    over, kinds = types_of(args, None, True)
    return mode_dispatch(getattr(box[0], what), f"torch.Tensor.{name}.{what}", args, None, kinds, over)


def _wrap_property(prop, name):
    box = []

    def fget(self):
        if MODES and not STATE.disabled:
            return _to_mode(box, name, "__get__", (self,))
        if _enabled():
            over = overloaded_args((self,))
            if over:
                return dispatch(box[0].__get__, f"torch.Tensor.{name}.__get__", over, (self,), None)
        return prop.fget(self)

    def fset(self, value):
        if MODES and not STATE.disabled:
            return _to_mode(box, name, "__set__", (self, value))
        if _enabled():
            over = overloaded_args((self, value))
            if over:
                return dispatch(box[0].__set__, f"torch.Tensor.{name}.__set__", over, (self, value), None)
        return prop.fset(self, value)

    new = property(fget, fset if prop.fset else None, prop.fdel, prop.__doc__)
    box.append(new)
    return new


_UNDO = []      # (object, attribute or index, value before) of every replacement, for deactivate()


def _replace(owner, key, value):
    if isinstance(owner, dict):
        _UNDO.append((owner, key, owner[key]))
        owner[key] = value
    else:
        _UNDO.append((owner, key, inspect.getattr_static(owner, key) if isinstance(owner, type) else getattr(owner, key)))
        setattr(owner, key, value)


def _keep_picklable(fn):
    """pickle finds a function by its module and qualified name, which now lead to the wrapper: an
    original still held somewhere is reached as ``<wrapper>._tf_original``."""
    import sys
    found = sys.modules.get(getattr(fn, "__module__", None) or "")
    try:
        for part in fn.__qualname__.split("."):
            found = getattr(found, part)
    except (AttributeError, TypeError):
        return
    if found is not fn and getattr(found, "_tf_original", None) is fn:
        _replace(fn, "__qualname__", fn.__qualname__ + "._tf_original")


def _sweep_references(wrapped):
    """glasstorch's own modules took the originals by import (``from .functional import relu``) and as
    defaults (``activation=F.relu``): they get the wrappers, so identity checks still hold."""
    import sys
    for name, mod in list(sys.modules.items()):
        if not name.startswith("glasstorch") or not isinstance(mod, types.ModuleType):
            continue
        space = vars(mod)
        for key, val in list(space.items()):
            if id(val) in wrapped and wrapped[id(val)][0] is val:
                _replace(space, key, wrapped[id(val)][1])
            funcs = [val] if isinstance(val, types.FunctionType) else \
                [v for v in vars(val).values() if isinstance(v, types.FunctionType)] if isinstance(val, type) else []
            # a wrapped __init__ (nn/modules/_factory.py) keeps the defaults on the function it wraps
            funcs += [f.__wrapped__ for f in funcs if isinstance(getattr(f, "__wrapped__", None), types.FunctionType)]
            for f in funcs:
                if f.__defaults__ and any(id(d) in wrapped for d in f.__defaults__):
                    _replace(f, "__defaults__", tuple(wrapped[id(d)][1] if id(d) in wrapped and wrapped[id(d)][0] is d
                                                      else d for d in f.__defaults__))


def _not_torch_function(fn):
    """A function someone else put on torch's module (fastai: ``torch.as_subclass = Tensor.as_subclass``)
    is not one of torch's own, which alone check ``__torch_function__``; nor is a Tensor method that never
    checks (``as_subclass``), wherever it is put."""
    if not (getattr(fn, "__module__", None) or "glasstorch").startswith("glasstorch"):
        return True
    from . import _torch_function as tf
    return fn is tf.as_subclass or fn is tf._make_subclass


def activate():
    """Make every torch function and Tensor member check for ``__torch_function__`` (see the module doc)."""
    if STATE.active:
        return
    STATE.active = True
    import importlib
    from .overrides import _IGNORED_NAMES
    _wrap_tensor_members()
    wrapped = {}
    for modname, public, python_api in _MODULES:
        mod = importlib.import_module(modname)
        for name, fn in list(vars(mod).items()):
            if name.startswith("_") or not isinstance(fn, (types.FunctionType, types.BuiltinFunctionType)):
                continue
            if hasattr(fn, "_tf_original") or _not_torch_function(fn):
                continue
            factory = public == "torch" and name in _IGNORED_NAMES
            if factory and name not in _MODE_FACTORIES:
                continue
            if public == "torch.nn.functional" and name in ("has_torch_function", "handle_torch_function"):
                continue
            fname, full = name, f"{public}.{name}"
            if public == "torch.nn.functional" and name in _F_BUILTIN:
                full = f"torch.nn.{name}"
            elif public in ("torch.linalg", "torch.fft", "torch.special"):   # torch's C++ names: linalg_norm
                fname = f"{public[6:]}_{name}"
                full = f"{public}.{fname}"
            w = wrapped[id(fn)][1] if id(fn) in wrapped else \
                wrap_function(fn, full, python_api and name not in _F_BUILTIN, mode_only=factory)
            w.__name__ = fname
            wrapped[id(fn)] = (fn, w)
            _replace(mod, name, w)
    _sweep_references(wrapped)
    members = {id(old): (old, inspect.getattr_static(Tensor, key)) for owner, key, old in _UNDO
               if owner is Tensor and isinstance(old, types.FunctionType)}
    from ._torch_function_sweep_users import sweep
    sweep({**wrapped, **members}, _UNDO)      # the program's own sets of torch functions
    for fn, _ in wrapped.values():
        _keep_picklable(fn)


def deactivate():
    """Undo ``activate`` (tests use it to leave the process as they found it)."""
    from ._torch_function_sweep_users import SET_SWAP, undo_swap
    while _UNDO:
        owner, key, old = _UNDO.pop()
        if key is SET_SWAP:
            undo_swap(owner, old)
        elif isinstance(owner, dict):
            owner[key] = old
        else:
            setattr(owner, key, old)
    STATE.active = False
