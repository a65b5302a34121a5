"""The size arguments of tensor creators: ``zeros(2, 3)``, ``zeros((2, 3))``, ``zeros(size=(2, 3))``,
checked and refused as torch's argument parser refuses them."""
import numpy as np

from ._tensor import Tensor


def _size(size):
    if len(size) == 1 and isinstance(size[0], (tuple, list)) or len(size) == 1 and hasattr(size[0], "__len__"):
        size = tuple(size[0])
    out = []
    for s in size:
        if isinstance(s, Tensor):
            s = int(s)
        if not isinstance(s, (int, np.integer)) or isinstance(s, bool):
            raise TypeError(f"empty(): argument 'size' must be tuple of ints, but found element of type "
                            f"{type(s).__name__} at pos {len(out)}")
        out.append(int(s))
    for s in out:
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {out}")
    return tuple(out)


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
