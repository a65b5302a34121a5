"""torch's refusals of complex input to ops that are defined on real numbers only.

NumPy orders complex numbers lexicographically and has complex floor, sign, maximum ..., so without
these checks ``x < y``, ``x.max()`` or ``x.clamp(0, 1)`` would quietly answer where torch raises.
Callers make the check where the op already leaves its float fast path (or where NumPy already
failed), so real tensors pay nothing for it.
"""
_NAMES = {8: "ComplexFloat", 16: "ComplexDouble"}


def name_of(npdt):
    """torch's scalar-type name of a complex NumPy dtype."""
    return _NAMES[npdt.itemsize]


def is_complex(x):
    """True for a complex NumPy array (anything without a complex dtype is not)."""
    dt = getattr(x, "dtype", None)
    return dt is not None and dt.kind == "c"


def not_implemented(kernel, npdt):
    """torch's dispatch error for a kernel with no instance for ``npdt`` (complex, or any dtype)."""
    from .inplace import type_name
    return NotImplementedError(f"\"{kernel}\" not implemented for '{type_name(npdt)}'")


def refuse(kernel, x):
    """Raise torch's dispatch error for ``kernel`` when array ``x`` is complex."""
    if x.dtype.kind == "c":
        raise not_implemented(kernel, x.dtype)


def refuse_dt(kernel, dt, bools=False):
    """Raise torch's dispatch error when the op's common glasstorch dtype ``dt`` is complex (or, for a
    kernel with no bool instance, ``bools``, bool)."""
    if dt._cat == 3 or (bools and dt._cat == 0):
        raise not_implemented(kernel, dt.np)


def refuse_msg(exc, message, x):
    """Raise ``exc(message)`` when array ``x`` is complex (ops with a hand-written check in torch)."""
    if x.dtype.kind == "c":
        raise exc(message)


def refuse_complex_reduction(kernel, name, x, needs_grad, dispatched=None, bools=False):
    """A reduction that torch skips for an empty input (and some for a 0-d one, which they copy): where
    the kernel runs (``dispatched``, by default: x is not empty), a complex ``x`` (a bool one too, with
    ``bools``) is ``kernel``'s dispatch error; where it does not, a complex one that requires grad is
    autograd's refusal of complex outputs for ``name``."""
    dispatched = x.size > 0 if dispatched is None else dispatched
    if dispatched and (x.dtype.kind == "c" or bools and x.dtype.kind == "b"):
        raise not_implemented(kernel, x.dtype)
    if x.dtype.kind == "c" and needs_grad:
        raise RuntimeError(f"{name} does not support automatic differentiation for outputs with complex dtype.")


def refuse_aminmax(x, dim):
    """aminmax's refusal of complex input, after a bad dim's IndexError; a 0-d input reduced along a dim
    takes a path of its own, with its own message."""
    if dim is not None:
        from .._tensor import _wrap_dim
        _wrap_dim(dim, x.ndim)
    if x.dtype.kind == "c":
        if dim is not None and x.ndim == 0:
            raise RuntimeError(f"aminmax not implemented for {name_of(x.dtype)}")
        raise not_implemented("aminmax_cpu", x.dtype)
