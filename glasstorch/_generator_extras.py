"""The rest of ``torch.Generator``'s methods on CPU: ``clone_state`` (a new generator at the same point of the
stream) and the CUDA-only offset / graph-safe calls, which a CPU generator refuses with torch's errors.

These are C methods in torch (METH_NOARGS / METH_O), so a wrong argument count or a keyword is refused
with CPython's messages for those, named ``Generator.<method>``.
"""
import numpy as np


def _args(name, args, kwargs, n):
    if kwargs:
        raise TypeError(f"Generator.{name}() takes no keyword arguments")
    if len(args) != n:
        want = "no arguments" if n == 0 else "exactly one argument"
        raise TypeError(f"Generator.{name}() takes {want} ({len(args)} given)")


def clone_state(self, *args, **kwargs):
    """A new generator whose stream continues from this one's present state (seed and normal caches included)."""
    _args("clone_state", args, kwargs, 0)
    new = type(self).__new__(type(self))
    new._engine = np.random.MT19937(0)
    new._engine.state = self._engine.state
    new._initial_seed = self._initial_seed
    new._fresh = self._fresh
    new._next_double_normal = self._next_double_normal
    new._next_float_normal = self._next_float_normal
    return new


def _offset_arg(value):
    if not isinstance(value, (int, np.integer)):
        raise RuntimeError(f"manual_offset expected a long, but got {type(value).__name__}")
    if not -(2 ** 63) <= int(value) < 2 ** 64:
        raise ValueError("Overflow when unpacking long long")


def get_offset(self, *args, **kwargs):
    """CUDA's Philox offset; a CPU (MT19937) generator has none."""
    _args("get_offset", args, kwargs, 0)
    raise RuntimeError("CPU Generator does not use offset")


def set_offset(self, *args, **kwargs):
    _args("set_offset", args, kwargs, 1)
    _offset_arg(args[0])
    raise RuntimeError("CPU Generator does not use offset")


def graphsafe_get_state(self, *args, **kwargs):
    """CUDA-graph state sharing; not offered by a CPU generator."""
    _args("graphsafe_get_state", args, kwargs, 0)
    raise NotImplementedError("graphsafe_get_state is not supported in this Generator")


def graphsafe_set_state(self, *args, **kwargs):
    _args("graphsafe_set_state", args, kwargs, 1)
    from ._generator import Generator
    from ._sizes import _type_name
    if not isinstance(args[0], Generator):
        raise TypeError(f"expected a Generator, but got {_type_name(args[0])}")
    raise NotImplementedError("graphsafe_set_state is not supported in this Generator")


def attach(cls):
    for f in (clone_state, get_offset, set_offset, graphsafe_get_state, graphsafe_set_state):
        setattr(cls, f.__name__, f)
