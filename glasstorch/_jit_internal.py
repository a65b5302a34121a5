"""``torch._jit_internal``: the TorchScript markers that libraries import from it.

glasstorch runs no TorchScript, so the markers only label functions as torch's do (pyro's ``PyroModule``
takes ``_copy_to_script_wrapper`` from here; without it pyro warns and falls back to a no-op)."""
from .jit import is_scripting  # noqa: F401  (torch._jit_internal defines it; torch.jit re-exports it)
from ._jit_overload import (_overload, _overload_method, _get_fn_overloads,  # noqa: F401
                            _clear_fn_overloads, _check_overload_body, _qualified_name)


class FunctionModifiers:
    """Used to denote the behavior of a function in TorchScript. See export() and ignore() for details."""

    UNUSED = "unused (ignored and replaced with raising of an exception)"
    IGNORE = "ignore (leave as a call to Python, cannot be torch.jit.save'd)"
    EXPORT = "export (compile this function even if nothing calls it)"
    DEFAULT = "default (compile if called from an exported function / forward)"
    COPY_TO_SCRIPT_WRAPPER = "if this method is not scripted, copy the python method onto the scripted model"
    _DROP = "_drop (function is fully ignored, declaration can be unscriptable)"


def _copy_to_script_wrapper(fn):
    """Marks ``fn`` (a module method) to be copied onto a scripted module; returns ``fn`` itself."""
    fn._torchscript_modifier = FunctionModifiers.COPY_TO_SCRIPT_WRAPPER
    return fn


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    raise AttributeError(f"module 'torch._jit_internal' has no attribute '{name}': torch._jit_internal.{name} is "
                         f"not implemented in glasstorch yet")


class BroadcastingListCls:
    """``BroadcastingList2[float]`` in a TorchScript signature: a value or a list of that many; indexing gives
    None, as torch's does outside the compiler."""

    def __getitem__(self, types):
        return


BroadcastingList1 = BroadcastingListCls()
BroadcastingList2 = BroadcastingList3 = BroadcastingList4 = BroadcastingList5 = BroadcastingList6 = \
    BroadcastingList1
