"""``nn.Parameter``: a leaf tensor that a Module registers as one of its parameters."""
import numpy as np

from .._tensor import Tensor, _wrap

__all__ = ["Parameter", "Buffer", "UninitializedParameter"]


class Parameter(Tensor):
    """A tensor that requires grad by default and prints as ``Parameter containing:``."""
    __slots__ = ()
    _is_param = True

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            data = _wrap(np.zeros((0,), np.float32))
        t = object.__new__(cls)
        t._data = data._data
        t._rg = False
        t.grad_fn = None
        t._grad = None
        t._vc = data._vc           # shares storage and version with the tensor it wraps
        t._accum = None
        t._base = None
        t._out_nr = 0
        if requires_grad:
            t.requires_grad_(True)
        return t

    def __init__(self, data=None, requires_grad=True):
        pass

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    def __reduce_ex__(self, proto):
        return (Parameter, (_wrap(self._data.copy()), self._rg))

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        p = Parameter(_wrap(self._data.copy()), self._rg)
        if self._grad is not None:
            p._grad = self._grad.__deepcopy__(memo)
        memo[id(self)] = p
        return p


class Buffer(Tensor):
    """Marks a tensor to be registered as a Module buffer when assigned as an attribute."""
    __slots__ = ()

    def __new__(cls, data=None, *, persistent=True):
        if data is None:
            data = _wrap(np.zeros((0,), np.float32))
        data.__dict__["persistent"] = persistent
        data.__dict__["_is_buffer"] = True
        return data


class UninitializedParameter(Parameter):
    __slots__ = ()
