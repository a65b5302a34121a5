"""``torch.autograd.Variable``, the pre-0.4 wrapper, kept for old code (``Variable(x, requires_grad=True)``).

Calling it gives a *detached* alias of the tensor (same memory, no history: ``x.detach()``) with
``requires_grad`` as asked, so ``Variable(x) is not x``; ``volatile=True`` only warns, and every tensor
is an instance of ``Variable``.
"""
import warnings


class VariableMeta(type):
    def __instancecheck__(cls, other):
        from .._tensor import Tensor
        return isinstance(other, Tensor)


class Variable(metaclass=VariableMeta):
    def __new__(cls, data=None, requires_grad=False, volatile=False, _grad_fn=None, name=None):
        from .. import _dtype, _tensor
        from .function import BackwardCFunction
        if volatile:
            warnings.warn("volatile was removed and now has no effect. Use `with torch.no_grad():` instead.",
                          UserWarning, stacklevel=2)
        if data is None:
            import numpy as np
            var = _tensor._wrap(np.empty((0,), _dtype.DEFAULT.float.np))
        elif isinstance(data, _tensor.Tensor):
            var = data.detach()
        else:
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        if _grad_fn is not None:
            if not isinstance(_grad_fn, BackwardCFunction):      # (a custom Function's node)
                raise TypeError(f"_grad_fn has to be a Function object or None, but got {type(_grad_fn).__name__}")
            raise RuntimeError("_grad_fn argument to legacy Variable constructor is no longer supported.  Instead, "
                               "please invoke your _grad_fn to produce a variable with it as the _grad_fn.")
        if requires_grad:
            if var._data.dtype.kind not in "fc":
                raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
            var.requires_grad_(True)
        if name is not None:
            var.__dict__["_legacy_name"] = name
        return var
