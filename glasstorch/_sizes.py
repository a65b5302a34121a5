"""The size arguments of tensor creators: ``zeros(2, 3)``, ``zeros((2, 3))``, ``zeros(size=(2, 3))``,
checked and refused as torch's argument parser refuses them."""
import numpy as np

from ._tensor import Tensor


def _type_name(x):
    """A type's name as torch's argument parser prints it (``float``, ``Tensor``, ``numpy.ndarray``, ``Foo``)."""
    from ._arg_parser import tp_name
    return tp_name(x)


def unpack_error(fn, arg, pos, type_name):
    """torch's TypeError for item ``pos`` (from 0) of a tuple-of-ints argument that is not an int."""
    return TypeError(f"{fn}(): argument '{arg}' failed to unpack the object at pos {pos + 1} with error "
                     f"\"type must be tuple of ints,but got {type_name}\"")


def _int_like(s, in_sequence):
    """An int for a size: ints, NumPy integers, one-element integer tensors; bools only inside a sequence."""
    if isinstance(s, bool):
        return in_sequence
    if isinstance(s, (int, np.integer)):
        return True
    return isinstance(s, Tensor) and s._data.size == 1 and s._data.dtype.kind in "iu"


def _size(size, fn="empty", arg="size"):
    """The shape given by a creator's positional arguments: ``zeros(2, 3)`` passes ``(2, 3)``, ``zeros((2, 3))``
    passes ``((2, 3),)``; refused as torch's argument parser refuses it (``fn``: the function's name)."""
    out = int_list(size, fn, arg)
    for s in out:
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {out}")
    return tuple(out)


def int_list(size, fn, arg="size"):
    """The ints of a ``tuple of ints`` argument given as ``f(2, 3)`` or ``f((2, 3))`` (see ``_size``)."""
    seq = size[0] if len(size) == 1 and isinstance(size[0], (tuple, list)) else size
    for s in seq:             # the common case, plain ints, without the checks below
        if s.__class__ is not int:
            break
    else:
        return list(seq)
    try:
        return _int_list_slow(size, fn, arg)
    except TypeError as e:      # torch's parser, replayed on the whole call, has the last word
        from ._arg_refuse import refusal
        err = refusal()
        if err is not None:
            raise err from None
        try:                    # it took them: objects with __index__ (bools only inside a list)
            return [s if isinstance(s, bool) else s.__index__() for s in seq]
        except Exception:
            raise e from None


def _int_list_slow(size, fn, arg):
    if len(size) == 1:
        s = size[0]
        if isinstance(s, (tuple, list)):
            seq = list(s)
            if seq and not _int_like(seq[0], False):      # the parser checks the first item (no bool)
                raise TypeError(f"{fn}(): argument '{arg}' (position 1) must be tuple of ints, but found element "
                                f"of type {_type_name(seq[0])} at pos 0")
        elif _int_like(s, False):
            seq = [s]
        else:
            raise TypeError(f"{fn}(): argument '{arg}' (position 1) must be tuple of ints, not {_type_name(s)}")
    else:
        seq = list(size)
        if seq and not _int_like(seq[0], False):
            raise TypeError(f"{fn}() takes 1 positional argument but {len(seq)} were given")
    out = []
    for i, s in enumerate(seq):
        if not _int_like(s, True):
            raise unpack_error(fn, arg, i, _type_name(s))
        out.append(int(s))
    return out


_SIZE_OVERLOADS = ("(tuple of ints size, *, torch.Generator generator, Tensor out = None, torch.dtype dtype = None, "
                   "torch.layout layout = None, torch.device device = None, bool pin_memory = False, "
                   "bool requires_grad = False)",
                   "(tuple of ints size, *, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, "
                   "torch.device device = None, bool pin_memory = False, bool requires_grad = False)")


def _size_kw(args, size, fn):
    """The sizes of ``zeros(2, 3)`` / ``zeros((2, 3))``, or of ``zeros(size=(2, 3))`` as torch allows;
    no size at all is torch's TypeError (``torch.zeros(())`` is the 0-d tensor)."""
    if size is None:
        if not args:
            if fn in ("rand", "randn"):        # their overloads take a generator: the parser lists them
                raise TypeError(f"{fn}() received an invalid combination of arguments - got (), but expected one "
                                f"of:\n" + "".join(f" * {o}\n" for o in _SIZE_OVERLOADS))
            raise TypeError(f'{fn}() missing 1 required positional arguments: "size"')
        return args
    if args:
        raise TypeError(f"{fn}() got multiple values for argument 'size'")
    return (size,)
