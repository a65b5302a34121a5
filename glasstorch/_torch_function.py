"""The ``__torch_function__`` protocol: objects that are not plain tensors can take over torch functions.

When a torch function or Tensor method gets an argument whose type defines ``__torch_function__``
(a Tensor subclass, or any "tensor-like" class), torch calls
``type(arg).__torch_function__(func, types, args, kwargs)`` instead, with ``func`` the public function
(``torch.add``, ``torch.Tensor.add``, ``torch.Tensor.shape.__get__``).  ``Tensor.__torch_function__``,
the default, runs ``func`` with the protocol switched off and turns the tensors it returns into the
subclass, which is why results of a Tensor subclass keep their class.

glasstorch checks arguments only once such a class exists: ``activate()`` replaces the torch
functions (``torch.*``, ``torch.nn.functional``, ``torch.linalg``, ``torch.fft``, ``torch.special``) and
Tensor's methods and properties with checking wrappers.  It runs when a Tensor subclass with
``__torch_function__`` is defined, or when ``torch.overrides`` is imported; a program that never does
either pays nothing.
"""
import functools
import inspect
import types

from ._tensor import Tensor
from ._user_warning import skipped_by_warnings

# meta: a meta tensor exists, and calls that get one go to _meta_compute (the checks are on for it)
STATE = types.SimpleNamespace(active=False, disabled=False, disabled_subclass=False, meta=False)
MODES = []      # the torch function modes in force, innermost last (_function_mode.py)


def _disabled_torch_function_impl(func, types, args=(), kwargs=None):
    """``torch._C._disabled_torch_function_impl``: a class with this as ``__torch_function__`` (as
    ``nn.Parameter``) takes no part in the protocol."""
    with DisableTorchFunctionSubclass():
        return func(*args, **(kwargs or {}))


def _tf_of(cls):
    """``cls.__torch_function__`` when it takes part in the protocol, else None (glasstorch's own Tensor
    subclasses, Parameter and the sparse tensor, behave as plain tensors unless they define one)."""
    tf = getattr(cls, "__torch_function__", None)
    if tf is None or getattr(tf, "__func__", tf) is _disabled_torch_function_impl:
        return None
    if getattr(tf, "__func__", None) is _tensor_torch_function and \
            (cls.__module__ or "").startswith(("glasstorch", "torch.")):
        return None
    return tf


def _candidates(args, kwargs):
    for a in args:
        yield a
        if a.__class__ in (list, tuple):
            yield from a
    if kwargs:
        for a in kwargs.values():
            yield a
            if a.__class__ in (list, tuple):
                yield from a


def overloaded_args(args, kwargs=None):
    """The arguments whose types take over, in torch's order: subclasses before their bases, else
    left to right, one per type."""
    found, seen = [], set()
    for a in _candidates(args, kwargs):
        cls = a.__class__
        if cls is Tensor or cls in seen or cls in _PLAIN:
            continue
        if _tf_of(cls) is None:
            continue
        seen.add(cls)
        pos = next((i for i, b in enumerate(found) if issubclass(cls, type(b))), len(found))
        found.insert(pos, a)
    return found


_PLAIN = {int, float, bool, str, type(None), complex, slice, type(Ellipsis)}


def dispatch(public, name, over, args, kwargs, python_api=False):
    """Hand ``public(*args, **kwargs)`` to the overloading types; torch's TypeError when all decline."""
    kinds = tuple(type(a) for a in over)
    for a in over:
        tf = getattr(a, "__torch_function__")
        if not isinstance(inspect.getattr_static(type(a), "__torch_function__", None), (classmethod, staticmethod)):
            from ._user_warning import warn_once
            warn_once(("plain_tf", type(a)), "Defining your `__torch_function__` as a plain method is deprecated "
                      "and will be an error in future, please define it as a classmethod. (Triggered internally "
                      "at /__w/pytorch/pytorch/torch/csrc/utils/python_arg_parser.cpp:359.)")
        res = tf(public, kinds, tuple(args), kwargs if (kwargs or python_api) else None)  # (C++ passes None)
        if res is not NotImplemented:
            return res
    if python_api:
        raise TypeError(f"no implementation found for '{name}' on types that implement __torch_function__: "
                        f"{[type(a) for a in over]}")
    lines = "".join(f"  - tensor subclass {type(a)}\n" for a in over)
    raise TypeError(f"Multiple dispatch failed for '{name}'; all __torch_function__ handlers returned "
                    f"NotImplemented:\n\n{lines}\nFor more information, try re-running with TORCH_LOGS=not_implemented")


def _enabled():
    return not (STATE.disabled or STATE.disabled_subclass)


def wrap_function(fn, name, python_api=False, target=None, mode_only=False, plain_types=None):
    """``fn`` behind the protocol check, as the public ``name`` (``torch.add``).  An operator hands on the
    method torch names for it (``x + y`` dispatches ``Tensor.add``): ``target``.  A factory (``torch.ones``)
    goes only to modes (``mode_only``).  A mode sees plain tensors among ``types`` where torch's function
    is Python (``plain_types``, by default ``python_api``)."""
    plain = python_api if plain_types is None else plain_types
    # a Python torch function that rearranges its arguments before its own check (einsum) says how
    tf_args = getattr(fn, "_tf_args", None)

    @functools.wraps(fn)
    def public(*args, **kwargs):
        if tf_args is not None and (MODES or _enabled()):
            args = tf_args(args)
        if MODES and not STATE.disabled:
            from ._function_mode import mode_dispatch, types_of
            func = public if target is None else getattr(Tensor, target)
            if python_api and target is None:
                args, kwargs = _as_python_api_passes(fn, args, kwargs)
            over, kinds = ((), ()) if mode_only else types_of(args, kwargs, plain)
            return mode_dispatch(func, name, args, kwargs if (kwargs or python_api) else None, kinds, over)
        if mode_only:
            return fn(*args, **kwargs)
        if _enabled():
            over = overloaded_args(args, kwargs)
            if over:
                func = public if target is None else getattr(Tensor, target)
                if python_api and target is None:
                    args, kwargs = _as_python_api_passes(fn, args, kwargs)
                return dispatch(func, name, over, args, kwargs, python_api)
        if STATE.meta:
            from . import _meta_compute
            if _meta_compute.has_meta(args, kwargs):
                return _meta_compute.call(fn, name, args, kwargs)
        try:
            return fn(*args, **kwargs)
        except TypeError as e:
            renamed = _as_public_binding_error(e, fn, public)
            if renamed is None:
                raise
            raise renamed from None
    public._tf_original = fn
    # torch's Python functions have no wrapper frame: warnings counted by stacklevel step over this one
    public.__code__ = skipped_by_warnings(public.__code__)
    return public


def _as_public_binding_error(e, fn, public):
    """None, or the error to raise instead of ``e``.  A call the original's signature refuses is reported by
    Python under the original's qualified name, which ``_keep_picklable`` suffixes with ``._tf_original``:
    the message names the public function again,
    as it reads without the wrapper.  NumPy depends on it: it retries ``__array__`` without ``copy`` only
    for "__array__() got an unexpected keyword argument 'copy'", so ``np.array(t)`` failed once any
    subclass had switched the checks on."""
    tb = e.__traceback__
    own, shown = getattr(fn, "__qualname__", None), getattr(public, "__qualname__", None)
    # raised while binding the arguments: no frame of the original's own on the traceback
    if tb is None or tb.tb_next is not None or not own or own == shown or not e.args or \
            not isinstance(e.args[0], str) or not e.args[0].startswith(own + "()"):
        return None
    return TypeError(shown + e.args[0][len(own):])


def _as_python_api_passes(fn, args, kwargs):
    """A torch function written in Python (most of ``nn.functional``) hands on its required parameters
    by position and every parameter with a default, defaults included, by keyword."""
    try:
        sig = inspect.signature(fn)
        bound = sig.bind(*args, **kwargs)
    except (TypeError, ValueError):
        return args, kwargs
    bound.apply_defaults()
    pos, kw = [], {}
    for name, value in bound.arguments.items():
        param = sig.parameters[name]
        if param.kind is param.VAR_POSITIONAL:
            pos.extend(value)
        elif param.kind is param.VAR_KEYWORD:
            kw.update(value)
        elif param.default is param.empty and param.kind is not param.KEYWORD_ONLY:
            pos.append(value)
        else:
            kw[name] = value
    return tuple(pos), kw


# ---- the default: Tensor.__torch_function__ ---------------------------------------------------------
class DisableTorchFunctionSubclass:
    """``torch._C.DisableTorchFunctionSubclass``: inside, functions run as on plain tensors."""

    def __enter__(self):
        self._old = STATE.disabled_subclass
        STATE.disabled_subclass = True
        return self

    def __exit__(self, *exc):
        STATE.disabled_subclass = self._old


class DisableTorchFunction(DisableTorchFunctionSubclass):
    """``torch._C.DisableTorchFunction`` (modes too; glasstorch has no modes)."""

    def __enter__(self):
        self._old_all = STATE.disabled
        STATE.disabled = True
        return super().__enter__()

    def __exit__(self, *exc):
        STATE.disabled = self._old_all
        return super().__exit__(*exc)


def _default_nowrap():
    return {Tensor._base.__get__, Tensor.grad.__get__, Tensor._grad.__get__}


def _convert(ret, cls):
    if cls is Tensor:
        return ret
    if isinstance(ret, Tensor) and not isinstance(ret, cls):
        return ret.as_subclass(cls)
    if isinstance(ret, (tuple, list)):
        return type(ret)(_convert(r, cls) for r in ret)
    return ret


def _tensor_torch_function(cls, func, types, args=(), kwargs=None):
    """Run ``func`` with the protocol off; tensors it returns become ``cls``."""
    if kwargs is None:
        kwargs = {}
    if not all(issubclass(cls, t) for t in types):
        return NotImplemented
    with DisableTorchFunctionSubclass():
        ret = func(*args, **kwargs)
        if func in _default_nowrap():
            return ret
        return _convert(ret, cls)


def as_subclass(self, cls):
    """A ``cls`` view of all of this tensor (same data, in the same graph through AliasBackward0)."""
    from .ops.index import _alias
    with DisableTorchFunction():
        r = _alias(self) if self.requires_grad else _alias(self.detach() if self.grad_fn is None else self)
    return _retype(r, cls)


def _retype(t, cls):
    try:
        t.__class__ = cls
        return t
    except TypeError:          # a subclass with slots of its own: a new object with the same fields
        new = object.__new__(cls)
        for slot in ("_data", "_rg", "grad_fn", "_grad", "_vc", "_accum", "_base", "_out_nr"):
            object.__setattr__(new, slot, getattr(t, slot))
        new.__dict__.update(t.__dict__)
        return new


def _make_subclass(cls, data, require_grad=False, **kwargs):
    """``Tensor._make_subclass``: a new leaf of class ``cls`` on ``data``'s memory."""
    with DisableTorchFunction():
        t = data.detach()
    t = _retype(t, cls)
    if require_grad:
        t.requires_grad_(True)
    return t


def _init_subclass(cls, **kwargs):
    super(Tensor, cls).__init_subclass__(**kwargs)
    if not STATE.active and _tf_of(cls) is not None:
        activate()


def activate():
    """Make every torch function and Tensor member check for ``__torch_function__``."""
    if not STATE.active:
        from ._torch_function_activate import activate as _activate
        _activate()


def deactivate():
    """Undo ``activate`` (tests use it to leave the process as they found it)."""
    from ._torch_function_activate import deactivate as _deactivate
    STATE.meta = False
    _deactivate()


def _install():
    from ._torch_function_classes import install
    install()           # tensor-like classes that are not Tensor subclasses turn the checks on too
    Tensor.__torch_function__ = classmethod(_tensor_torch_function)
    Tensor.__init_subclass__ = classmethod(_init_subclass)
    Tensor.as_subclass = as_subclass
    Tensor._make_subclass = staticmethod(_make_subclass)


_install()
