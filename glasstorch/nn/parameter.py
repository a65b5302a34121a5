"""``nn.Parameter``: a leaf tensor that a Module registers as one of its parameters."""
import numpy as np

from .._tensor import Tensor, _wrap
from .._tensor_meta import _TensorMeta
from .._torch_function import _disabled_torch_function_impl

__all__ = ["Parameter", "Buffer", "UninitializedParameter", "UninitializedBuffer"]


def _user_subclass(cls):
    """A Tensor subclass defined outside glasstorch (glasstorch's own classes may be named torch.*)."""
    return cls is not Tensor and not getattr(cls, "_is_param", False) and \
        not (cls.__module__ or "").startswith(("glasstorch", "torch."))


class _ParameterMeta(_TensorMeta):
    def __instancecheck__(cls, instance):
        """A user's Tensor subclass made a Parameter keeps its class, marked ``_is_param``: it counts as one."""
        if type.__instancecheck__(cls, instance):
            return True
        return cls is Parameter and isinstance(instance, Tensor) and instance.__dict__.get("_is_param", False)


class Parameter(Tensor, metaclass=_ParameterMeta):
    """A tensor that requires grad by default and prints as ``Parameter containing:``.  Of an instance of a
    user's Tensor subclass it makes a detached instance of that subclass, marked as a parameter."""
    __slots__ = ()
    _is_param = True
    __torch_function__ = _disabled_torch_function_impl    # results of ops on it are plain tensors

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            data = _wrap(np.zeros((0,), np.float32))
        elif not isinstance(data, Tensor):          # torch calls data.detach() first
            raise AttributeError(f"'{type(data).__name__}' object has no attribute 'detach'")
        elif _user_subclass(type(data)):
            t = data.detach().requires_grad_(requires_grad)
            if type(t) is not type(data):
                raise RuntimeError(f"Creating a Parameter from an instance of type {type(data).__name__} requires "
                                   "that detach() returns an instance of the same type, but return type "
                                   f"{type(t).__name__} was found instead. To use the type as a Parameter, "
                                   "please correct the detach() semantics defined by its __torch_dispatch__() "
                                   "implementation.")
            t.__dict__["_is_param"] = True
            return t
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
            if t._data.dtype.kind not in "fc":     # torch's Parameter words it as torch.tensor(requires_grad=) does
                raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
            t.requires_grad_(True)
        return t

    def __init__(self, data=None, requires_grad=True):
        pass

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    def __reduce_ex__(self, proto):
        # torch's: torch._utils._rebuild_parameter(data, requires_grad, OrderedDict()), for a plain Parameter
        if type(self) is Parameter and not self._is_meta and not any(k.startswith("_") for k in self.__dict__
                                                                     if k not in ("_views", "_views_cap")):
            from collections import OrderedDict
            from .._utils import _rebuild_parameter
            data = _wrap(self._data)
            state = {k: v for k, v in self.__dict__.items() if k not in ("_views", "_views_cap")}
            if not state:
                return (_rebuild_parameter, (data, self._rg, OrderedDict()))
            from .._utils import _rebuild_parameter_with_state
            return (_rebuild_parameter_with_state, (data, self._rg, OrderedDict(), state))
        return (Parameter, (_wrap(self._data.copy()), self._rg))

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        if self._is_meta:                 # a meta parameter copies to a meta parameter (no data)
            from .._meta import new_meta
            memo[id(self)] = new_meta(self)
            return memo[id(self)]
        # torch's Parameter.__deepcopy__: a preserve_format clone of the data; no .grad, no attributes
        from ..ops._layout import clone
        p = Parameter(_wrap(clone(self._data)), self._rg)
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


_ALLOWED = frozenset(("size", "copy_", "is_complex", "is_floating_point", "half", "float", "double", "char", "short",
                      "int", "long", "cuda", "cpu", "to", "get_device", "requires_grad_", "materialize"))
_OPS = {"__add__": "add", "__radd__": "add", "__sub__": "sub", "__rsub__": "rsub", "__mul__": "mul",
        "__rmul__": "mul", "__truediv__": "div", "__matmul__": "matmul", "__neg__": "neg", "__pow__": "pow"}


def _refuse(cls_name, name):
    def refused(*args, **kwargs):
        raise ValueError(
            f"Attempted to use an uninitialized parameter in <method '{name}' of 'torch._C.TensorBase' objects>. "
            "This error happens when you are using a `LazyModule` or explicitly manipulating "
            f"`torch.nn.parameter.{cls_name}` objects. When using LazyModules Call `forward` with a dummy batch "
            "to initialize the parameters before calling torch functions")
    return refused


class _UninitializedTensorMixin:
    """What torch's ``UninitializedTensorMixin.__torch_function__`` refuses: calling a tensor method
    (other than the few conversions it allows), an arithmetic operator, or reading ``shape``."""
    __slots__ = ()

    def __getattribute__(self, name):
        if name[0] != "_" and name not in _ALLOWED and name not in _UninitializedTensorMixin.__dict__:
            import inspect
            import types
            if isinstance(inspect.getattr_static(Tensor, name, None), types.FunctionType):
                return _refuse(type(self).__name__, name)
        return object.__getattribute__(self, name)

    @property
    def shape(self):
        raise RuntimeError(
            "Can't access the shape of an uninitialized parameter or buffer. This error usually happens in "
            "`load_state_dict` when trying to load an uninitialized parameter into an initialized one. Call "
            "`forward` to initialize the parameters before accessing their attributes.")

    def share_memory_(self):
        raise RuntimeError("Can't share memory on an uninitialized parameter or buffer. Call `forward` to "
                           "initialize the parameters before calling `module.share_memory()`.")

    def materialize(self, shape, device=None, dtype=None):
        """Give it fresh (uninitialised) data of ``shape`` and make it a ``cls_to_become``."""
        np_dtype = self._data.dtype if dtype is None else dtype.np
        self._data = np.empty(tuple(shape), np_dtype)
        self.__class__ = self.cls_to_become

    def __repr__(self):
        return f"<{type(self).__name__}>"

    def __reduce_ex__(self, proto):
        return (type(self), (self._rg,))

    def __deepcopy__(self, memo):
        if id(self) not in memo:
            memo[id(self)] = type(self)(self._rg)
        return memo[id(self)]


for _name, _op in _OPS.items():
    setattr(_UninitializedTensorMixin, _name, lambda self, *a, _op=_op: _refuse(type(self).__name__, _op)())


class UninitializedParameter(_UninitializedTensorMixin, Parameter):
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


class UninitializedBuffer(_UninitializedTensorMixin, Tensor):
    """A buffer whose shape is not known yet (lazy norms' running stats): ``materialize(shape)``
    gives it uninitialised data and turns it into a plain ``Tensor``."""
    __slots__ = ()
    cls_to_become = Tensor

    def __new__(cls, requires_grad=False, device=None, dtype=None, persistent=True):
        from .. import _dtype as _dt
        dt = _dt.DEFAULT.float if dtype is None else dtype
        t = _wrap(np.empty((0,), dt.np))
        t.__class__ = cls
        t.__dict__["persistent"] = persistent
        t.__dict__["_is_buffer"] = True
        if requires_grad:
            t.requires_grad_(True)
        return t

    def __init__(self, requires_grad=False, device=None, dtype=None, persistent=True):
        pass

