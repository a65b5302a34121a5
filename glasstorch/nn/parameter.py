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
        if data.is_inference():     # a Parameter over an inference tensor is one too
            t.__dict__["_is_inference"] = True
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
    """A parameter whose shape is not known yet (lazy modules): it holds no data until
    ``materialize(shape)`` gives it an uninitialised tensor and turns it into a ``Parameter``."""
    __slots__ = ()
    cls_to_become = Parameter

    def __new__(cls, requires_grad=True, device=None, dtype=None):
        from .. import _dtype as _dt
        dt = _dt.DEFAULT.float if dtype is None else dtype
        t = Parameter.__new__(cls, _wrap(np.empty((0,), dt.np)), requires_grad)
        return t

    def __init__(self, requires_grad=True, device=None, dtype=None):
        pass

    def materialize(self, shape, device=None, dtype=None):
        """Give the parameter fresh (uninitialised) data of ``shape`` and make it a ``Parameter``."""
        np_dtype = self._data.dtype if dtype is None else dtype.np
        self._data = np.empty(tuple(shape), np_dtype)
        self.__class__ = self.cls_to_become

    def __repr__(self):
        return "<UninitializedParameter>"

    def __reduce_ex__(self, proto):
        return (UninitializedParameter, (self._rg,))

    def __deepcopy__(self, memo):
        if id(self) not in memo:
            memo[id(self)] = UninitializedParameter(self._rg)
        return memo[id(self)]
