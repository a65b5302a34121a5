"""Tensor-like classes switch the ``__torch_function__`` checks on before their body runs.

torch's protocol is not limited to Tensor subclasses: any class with a ``__torch_function__`` (linear_operator's
``LinearOperator``, a plain object) takes over ``torch.add(obj, x)``, ``torch.matmul(x, obj)`` ...  glasstorch's
checks are off until such a class exists (``_torch_function.py``), and turning them on replaces ``torch.add``
with a checking wrapper.  Such classes register handlers by function in their body
(``@_implements(torch.add)``) and later look up the function torch hands them, so the checks must be on
before the body reads ``torch.add``: the hook looks at the body's names (a ``__torch_function__`` assignment
or def puts the name there) before it runs.  glasstorch's own classes (Parameter, fx's Proxy) are left out,
as ``_tf_of`` leaves them out of dispatch (and real torch's, where a program imports both).
"""
import builtins

from ._torch_function import STATE, activate
from ._user_warning import skipped_by_warnings

_ORIGINAL = builtins.__build_class__


def _build_class(func, name, *bases, **kwds):
    if not STATE.active and "__torch_function__" in func.__code__.co_names and not _own(func.__globals__):
        activate()
    return _ORIGINAL(func, name, *bases, **kwds)


def _own(globals_):
    """A class of glasstorch's own, or of real torch imported beside it (its Tensor, fx's Proxy ...: not
    tensor-likes for glasstorch's functions), as ``_tf_of`` leaves them out of dispatch."""
    name = str(globals_.get("__name__", ""))
    return name == "torch" or name.startswith(("glasstorch", "torch."))


# warnings raised while a class is built (``__init_subclass__`` with stacklevel=2) name the class statement
_build_class.__code__ = skipped_by_warnings(_build_class.__code__)


def install():
    """Route every class statement through the check (one tuple lookup a class until the checks are on)."""
    if builtins.__build_class__ is _ORIGINAL:
        builtins.__build_class__ = _build_class
