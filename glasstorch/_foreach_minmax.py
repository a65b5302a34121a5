"""``torch._foreach_maximum_`` / ``_foreach_minimum_`` on one tensor of the list (Tensor has no
``maximum_`` method to call, as torch's Tensor has none).

torch's loop writes ``maximum(t, other)`` into ``t`` like any in-place op (a leaf that requires grad
is refused, the version goes up).  Against a tensor list its graph gets ``MaximumBackward0``; against
a number (Scalar / ScalarList / a 0-d tensor) torch's autograd has no formula: the node is
``NotImplemented``, whose backward raises "derivative for _foreach_maximum_ is not implemented".  A
result of a floating type going into an integer tensor is refused with the C++ type's name.
"""
from .autograd.grad_mode import no_grad

_CPP = {"int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
        "bool": "bool"}


def inplace_minmax(m, op, t, o):
    from ._tensor import Tensor
    from .ops.inplace import commit, type_name
    from .ops.inplace_more import original
    if isinstance(o, Tensor):     # (the node saves a copy of t's old values: original())
        return commit(t, lambda: getattr(m, op)(original(t), o), op, grad_inputs=(o,))
    o = m.tensor(o, dtype=m.result_type(t, o))
    if o.dtype.is_floating_point and not t.dtype.is_floating_point:
        raise RuntimeError(f"result type {type_name(o._data.dtype)} can't be cast to the desired output type "
                           f"{_CPP.get(str(t._data.dtype), str(t._data.dtype))}")

    def compute():
        from .ops._no_derivative import NotImplemented
        from .ops._common import GRAD, record
        with no_grad():
            r = getattr(m, op)(t, o)
        if GRAD.enabled and t.requires_grad:
            node = NotImplemented()
            node.msg = f"derivative for _foreach_{op}_ is not implemented"
            record(node, r, t)
        return r
    return commit(t, compute, op)
