"""``F.pad``'s ``pad`` argument, refused as torch's argument parser refuses a tuple of ints that holds
something else (a float, a string, ...)."""
from ..._sizes import _int_like, _type_name, unpack_error


def check_pad_ints(pad):
    """torch's parser looks at the first item alone first ("must be tuple of ints"), then unpacks the rest
    (bools pass there), counting positions from 1."""
    for i, s in enumerate(pad):
        if s.__class__ is int or _int_like(s, i > 0):
            continue
        if i == 0:
            raise TypeError(f"pad(): argument 'pad' (position 2) must be tuple of ints, but found element of type "
                            f"{_type_name(s)} at pos 0")
        raise unpack_error("pad", "pad", i, _type_name(s))
