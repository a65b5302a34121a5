"""``torch.device`` and ``torch.Size``.

glasstorch computes on the CPU only.  Asking for CUDA or MPS raises the error a CPU-only build of
torch raises, so course code that checks ``torch.cuda.is_available()`` first runs unchanged.
"""

__all__ = ["device", "Size"]

class device:
    """A device name with an optional index: ``device('cpu')``, ``device('cuda', 0)``."""

    __slots__ = ("type", "index")

    def __init__(self, *args, **kwargs):
        if len(args) == 1 and not kwargs and args[0].__class__ is device:
            self.type, self.index = args[0].type, args[0].index
            return
        from ._device_parse import bind
        self.type, self.index = bind(device, args, kwargs)

    def __repr__(self):
        if self.index is None:
            return f"device(type='{self.type}')"
        # torch prints the int8 index cast to uint16 (a wrapped index of 128 and up shows as 65408...)
        return f"device(type='{self.type}', index={self.index & 0xFFFF})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other):
        # as torch: a device equals only a device (``x.device == "cpu"`` is False there too)
        return isinstance(other, device) and self.type == other.type and self.index == other.index

    def __hash__(self):
        return hash((self.type, self.index))

    def __reduce__(self):
        return (device, (self.type,) if self.index is None else (self.type, self.index))

    def __enter__(self):
        """``with torch.device('meta'):`` factories (and the layers built inside) make meta tensors
        (see ``_meta.py``); inside a CUDA one, a factory given no device raises torch's CPU-build error
        (``_meta_factories.py``)."""
        DEFAULT_STACK.append(self)
        return self

    def __exit__(self, *exc):
        DEFAULT_STACK.pop()


# the devices of the enclosing ``with torch.device(...)`` blocks, innermost last, above the one
# ``torch.set_default_device`` chose (``DEFAULT_STACK[0]``)
DEFAULT_STACK = []


CPU = device("cpu")
DEFAULT_STACK.append(CPU)


def check_device(d):
    """Accept cpu; raise torch's CPU-build error for the accelerators; return the device."""
    if d is None:
        return CPU
    if d.__class__ is device:
        dv = d
    elif isinstance(d, str):
        if d == "cpu":
            return CPU
        dv = device(d)
    else:
        dv = device(d)
    if dv.type == "cpu":
        return CPU
    if dv.type == "cuda":
        raise AssertionError("Torch not compiled with CUDA enabled")
    if dv.type == "mps":
        raise RuntimeError("PyTorch is not linked with support for mps devices")
    raise RuntimeError(f"glasstorch computes on the CPU only; device '{dv}' is not available")


class Size(tuple):
    """A tensor's shape: a tuple that prints as ``torch.Size([2, 3])``."""

    __slots__ = ()

    def __new__(cls, *sizes, **kwargs):
        if kwargs:
            raise TypeError("tuple() takes no keyword arguments")
        self = tuple.__new__(cls, *sizes)          # tuple's own errors for two arguments, or a non-iterable
        for s in self:                       # the common case: plain ints within int64
            if s.__class__ is not int or not -_I64 <= s < _I64:
                return tuple.__new__(cls, [_size_item(s, i) for i, s in enumerate(self)])
        return self

    def __repr__(self):
        return "torch.Size([" + ", ".join(str(s) for s in self) + "])"

    __str__ = __repr__

    def numel(self):
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, i):
        r = tuple.__getitem__(self, i)
        return tuple.__new__(Size, r) if isinstance(i, slice) else r

    def __add__(self, other):
        if not isinstance(other, tuple):
            raise TypeError(f"can only concatenate tuple (not {type(other).__name__}) to torch.Size")
        return Size(tuple.__add__(self, other))

    def __radd__(self, other):
        return Size(tuple(other) + tuple(self))

    def __mul__(self, n):
        return tuple.__new__(Size, tuple.__mul__(self, n))

    __rmul__ = __mul__

    def __reduce__(self):
        return (Size, (tuple(self),))


_I64 = 1 << 63


def _size_item(s, i):
    """One entry of ``torch.Size(sizes)`` as torch reads it: a NumPy integer is kept as it is, a bool, a
    one-element integer tensor or anything with ``__index__`` becomes an int, anything else is refused."""
    import numpy as np
    from ._arg_parser import tp_name
    from ._tensor import Tensor
    if isinstance(s, np.integer):
        return s
    if isinstance(s, Tensor):
        ok = s.numel() == 1 and s.dtype.is_floating_point is False and not s.dtype.is_complex
        v = int(s.item()) if ok else None
    elif isinstance(s, (float, complex, np.bool_)) or not hasattr(type(s), "__index__"):
        v = None
    else:
        v = s.__index__()
    if v is None:
        raise TypeError(f"torch.Size() takes an iterable of 'int' (item {i} is '{tp_name(s)}')")
    if not -_I64 <= v < _I64:
        raise ValueError("Overflow when unpacking long long")
    return v
