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
