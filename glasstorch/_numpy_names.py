"""NumPy's argument names, accepted where torch's own functions accept them.

torch's argument parser takes ``axis`` for ``dim`` and ``keepdims`` for ``keepdim`` (also ``x``/``a``/
``x1`` for ``input`` and ``x2`` for ``other``, which code hardly ever uses) in every function and method
it binds from C++, so code written NumPy-style (``y_hat.argmax(axis=1)``, ``X.sum(axis=0,
keepdims=True)``) runs on torch.  glasstorch's functions name their parameters as torch's do;
``accept_numpy_names`` puts the renaming in front of those that take ``dim`` or ``keepdim``.  The
wrapper only looks at keyword arguments, so a call pays one extra function call and nothing else;
the arithmetic methods (``add``, ``mul`` ...) are left unwrapped so that they pay nothing.
"""
import functools
import inspect

from ._class_paths import is_ours

_ALIASES = (("axis", "dim"), ("keepdims", "keepdim"))

# methods and functions torch implements in Python: they take no NumPy names there either (size and
# stride are left out too: cheap, called everywhere, and never given axis=)
_PYTHON_LEVEL = {"size", "stride", "split", "transpose", "unique", "stft", "istft", "norm", "lu", "unique_consecutive",
                 "backward", "register_hook", "align_to", "refine_names", "rename", "unflatten",
                 "chain_matmul", "einsum", "meshgrid", "tensordot", "cdist", "atleast_1d", "atleast_2d",
                 "atleast_3d", "broadcast_tensors", "block_diag", "cartesian_prod", "split_with_sizes"}


def accept_numpy_names(fn):
    """``fn``, or a wrapper that renames NumPy-style keyword arguments to ``fn``'s own names."""
    if getattr(fn, "_numpy_names", False):
        return fn
    # the code object gives the parameter names far faster than inspect.signature (this runs for
    # about a thousand functions at import time)
    code = getattr(inspect.unwrap(fn), "__code__", None)
    if code is None or code.co_flags & inspect.CO_VARKEYWORDS:
        return fn
    params = code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]
    renames = {alias: name for alias, name in _ALIASES if name in params and alias not in params}
    if not renames:
        return fn

    @functools.wraps(fn)
    def call(*args, **kwargs):
        given = kwargs      # the call as written stays in ``kwargs``: a refusal replays that one
        if kwargs:
            hit = renames.keys() & kwargs.keys()
            if hit:
                given = dict(kwargs)
            for alias in hit:
                name = renames[alias]
                if name in kwargs:        # torch then rejects the NumPy spelling, in its parser's words
                    from ._arg_refuse import refusal
                    raise refusal() or TypeError(f"{fn.__name__}() got an unexpected keyword argument '{alias}'")
                given[name] = given.pop(alias)
        try:
            return fn(*args, **given)
        except TypeError as e:
            if e.__traceback__.tb_next is None:     # Python refused the arguments (fn never ran): torch's
                from ._arg_refuse import refusal    # parser words that its own way, where it is known
                err = refusal()
                if err is not None:
                    raise err from None
            raise
    call._numpy_names = True
    return call


def install_on_class(cls):
    """Wrap the public methods of ``cls`` (inherited ones too) that take ``dim`` or ``keepdim``."""
    for name in dir(cls):
        if name.startswith("_") or name in _PYTHON_LEVEL:
            continue
        fn = inspect.getattr_static(cls, name)
        if inspect.isfunction(fn):
            wrapped = accept_numpy_names(fn)
            if wrapped is not fn:
                setattr(cls, name, wrapped)


def install_in_namespace(ns, names=None):
    """Wrap the public functions of namespace dict ``ns`` (those in ``names`` when given)."""
    for name in list(ns if names is None else names):
        fn = ns.get(name)
        if name.startswith("_") or name in _PYTHON_LEVEL or not inspect.isfunction(fn):
            continue
        if is_ours(fn):
            ns[name] = accept_numpy_names(fn)
