"""``torch.fx._compatibility.compatibility``: the decorator that marks an fx API backward compatible
(or experimental) in its docstring; libraries extending fx use it on their own tracers (PyG's)."""
import textwrap

_BACK_COMPAT_OBJECTS = {}
_MARKED_WITH_COMPATIBILITY = {}


def compatibility(is_backward_compatible):
    note = ("\n\n.. note::\n    Backwards-compatibility for this API is guaranteed.\n" if is_backward_compatible else
            "\n\n.. warning::\n    This API is experimental and is *NOT* backward-compatible.\n")

    def mark(fn):
        fn.__doc__ = textwrap.dedent(getattr(fn, "__doc__", None) or "") + note
        if is_backward_compatible:
            _BACK_COMPAT_OBJECTS.setdefault(fn)
        _MARKED_WITH_COMPATIBILITY.setdefault(fn)
        return fn
    return mark
