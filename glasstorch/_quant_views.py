"""The view ops of per-tensor quantized tensors beyond those of _quant.py, and torch's function forms.

torch runs a view op of a per-tensor quantized tensor on its integers and keeps the scale and zero point:
``q.chunk(2)``, ``q.unbind()``, ``q.split(...)`` and ``q.tensor_split(...)`` give tuples of quantized
tensors, ``q.movedim(...)``, ``q.flip(0)``, ``q.unflatten(...)`` ... a quantized tensor; ``relu`` (and ``relu_``,
``F.relu``, ``nn.ReLU``) too, as max(q, zero_point).  The function
forms (``torch.reshape(q, ...)``, ``torch.chunk(q, 2)``, ``torch.int_repr(q)``) do the same: ``install``
wraps each name of ``ROUTED`` in the glasstorch namespace so that a quantized first argument goes to the
QTensor method (a dense call pays one class test).  Per-channel tensors keep glasstorch's dense fallback
(torch slices or drops their per-channel parameters, or refuses the strides: see docs/differences.md).
"""

import numpy as np

from ._quant import QTensor, _view_op, not_on_backend, per_tensor_affine
from ._tensor import Tensor, _wrap

TUPLE_VIEWS = ("chunk", "split", "unbind", "tensor_split", "split_with_sizes")
SINGLE_VIEWS = ("movedim", "moveaxis", "swapaxes", "swapdims", "unflatten", "expand_as", "flip", "unfold",
                "as_strided", "diagonal")
# function forms whose quantized first argument goes to the QTensor method
ROUTED = TUPLE_VIEWS + SINGLE_VIEWS + ("reshape", "flatten", "transpose", "squeeze", "unsqueeze", "select", "narrow",
                                       "permute", "t", "clone", "detach", "int_repr", "dequantize", "roll",
                                       "relu", "relu_")


def _tuple_view_op(name):
    base = getattr(Tensor, name)

    def op(self, *args, **kwargs):
        if self._scheme is not per_tensor_affine:
            return base(self, *args, **kwargs)
        return tuple(self._like(part._data) for part in getattr(_wrap(self._q), name)(*args, **kwargs))
    op.__name__ = name
    return op


for _n in TUPLE_VIEWS:
    if hasattr(Tensor, _n):
        setattr(QTensor, _n, _tuple_view_op(_n))
for _n in SINGLE_VIEWS:
    if hasattr(Tensor, _n):
        setattr(QTensor, _n, _view_op(_n))


def _roll(self, *args, **kwargs):
    raise not_on_backend("aten::roll")      # no QuantizedCPU kernel


QTensor.roll = _roll


def _relu(self):
    """relu of a per-tensor quantized tensor, on its integers: q' = max(q, zero_point), same qparams."""
    self._per_tensor_only()
    return self._like(np.maximum(self._q, np.asarray(self._zp).astype(self._q.dtype)))


def _relu_(self):
    """In place: the integers change, so the cached float values go."""
    self._q, self._deq = _relu(self)._q, None
    return self


QTensor.relu, QTensor.relu_ = _relu, _relu_


def int_repr(input):
    """torch.int_repr(q): the stored integers (a plain tensor has no kernel for it, as in torch)."""
    return input.int_repr()


def _routed(name, dense_fn):
    """``dense_fn``, sending a quantized first argument to the QTensor method of the same name."""
    from ._routing import routed
    return routed(QTensor, name, dense_fn, getattr(QTensor, name))


def install(namespace):
    """Wrap each routed function of ``namespace`` (the glasstorch module's globals); add ``int_repr``."""
    namespace.setdefault("int_repr", int_repr)
    for name in ROUTED:
        dense_fn = namespace.get(name)
        if dense_fn is not None and hasattr(QTensor, name) and not getattr(dense_fn, "_quant_routed", False):
            fn = _routed(name, dense_fn)
            fn._quant_routed = True
            namespace[name] = fn
    # torch.nn.functional.relu_ is torch.relu_: the routed one serves both
    from .nn import functional as F
    routed = namespace.get("relu_")
    if routed is not None and getattr(routed, "__wrapped__", None) is F.relu_:
        F.relu_ = routed
