"""Padding layers: ConstantPad, ZeroPad, ReflectionPad, ReplicationPad and CircularPad in 1, 2 and 3
dims, each a call of ``F.pad`` with the padding widths stored as a tuple (left, right, top, ...)."""
from .. import functional as F
from .module import Module

__all__ = [f"{kind}Pad{n}d" for kind in ("Constant", "Zero", "Reflection", "Replication", "Circular")
           for n in (1, 2, 3)]


def _widths(padding, n):
    return tuple(padding) if isinstance(padding, (tuple, list)) else (padding,) * (2 * n)


class _PadNd(Module):
    _mode = "constant"
    _n = 1

    def __init__(self, padding):
        super().__init__()
        self.padding = _widths(padding, self._n)

    def forward(self, input):
        return F.pad(input, self.padding, self._mode)

    def extra_repr(self):
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    def __init__(self, padding, value):
        super().__init__(padding)
        self.value = value

    def forward(self, input):
        return F.pad(input, self.padding, "constant", self.value)

    def extra_repr(self):
        return f"padding={self.padding}, value={self.value}"


class _ReflectionPadNd(_PadNd):
    _mode = "reflect"


class _ReplicationPadNd(_PadNd):
    _mode = "replicate"


class _CircularPadNd(_PadNd):
    _mode = "circular"


def _own_init(name, init):
    """``init`` as the class's own ``__init__``: a missing argument's TypeError names the class, as torch's
    ``ConstantPad2d.__init__() missing 1 required positional argument`` does."""
    init.__name__ = "__init__"
    init.__qualname__ = f"{name}.__init__"
    return init


def _make(kind, n):
    name = f"{kind}Pad{n}d"
    if kind == "Constant":
        base, init = _ConstantPadNd, _own_init(name, lambda self, padding, value:
                                               _ConstantPadNd.__init__(self, padding, value))
    else:
        base, init = globals()[f"_{kind}PadNd"], _own_init(name, lambda self, padding: _PadNd.__init__(self, padding))
    body = {"_n": n, "__init__": init, "__doc__": f"{kind} padding of the last {n} dim(s) (see F.pad)."}
    return type(name, (base,), body)


for _kind in ("Constant", "Reflection", "Replication", "Circular"):
    for _n in (1, 2, 3):
        globals()[f"{_kind}Pad{_n}d"] = _make(_kind, _n)
for _n in (1, 2, 3):
    # ZeroPad is a ConstantPad with value 0 (torch makes it a subclass)
    globals()[f"ZeroPad{_n}d"] = type(f"ZeroPad{_n}d", (globals()[f"ConstantPad{_n}d"],), {
        "__init__": _own_init(f"ZeroPad{_n}d", lambda self, padding: _ConstantPadNd.__init__(self, padding, 0.0)),
        "extra_repr": lambda self: f"{self.padding}",
        "__doc__": f"Zero padding of the last {_n} dim(s) (see F.pad)."})
for _name in __all__:
    globals()[_name].__module__ = __name__
