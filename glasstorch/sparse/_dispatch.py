"""Sparse tensors through torch's function forms (``torch.relu(s)``, ``torch.add(s, s)`` ...), and the ops
torch refuses on sparse tensors.

The dense functions know nothing of sparse tensors: handed one, they would read its dense copy and
return a strided result.  ``install`` replaces each name of ``ROUTED`` in the glasstorch namespace by
a thin wrapper, ``if input.__class__ is SparseTensor: return <the SparseTensor method>``, so a dense
call pays one class test and one extra call.  The methods the dense ``Tensor`` class would lend a
sparse tensor for an op torch has no sparse kernel for (``REFUSED``) raise torch's error instead.
"""

from ._coo import SparseTensor, make, not_on_sparse
from ._unary import ZERO_PRESERVING
from ._inplace import UNARY_INPLACE, _refuse, _refuse_other

# ops torch has no sparse kernel for: method -> the aten op its dispatcher names (a pair: numbers, Tensor)
REFUSED = {
    **{n: f"aten::{n}" for n in ("sigmoid", "exp", "log", "cos", "exp2", "angle", "cosh", "acos", "acosh", "log2",
                                 "log10", "reciprocal", "rsqrt", "logit", "sinc", "lgamma", "digamma", "erfc", "i0",
                                 "max", "min", "amax", "amin", "argmax", "argmin", "nonzero", "prod", "median", "all",
                                 "flip", "roll", "view", "cumsum", "cumprod", "topk", "tril", "triu", "trace",
                                 "bitwise_not", "int_repr")},
    "arccos": "aten::acos", "arccosh": "aten::acosh", "clamp": ("aten::clamp", "aten::clamp.Tensor"),
    "clip": ("aten::clamp", "aten::clamp.Tensor"), "clamp_min": ("aten::clamp_min", "aten::clamp_min.Tensor"),
    "clamp_max": ("aten::clamp_max", "aten::clamp_max.Tensor"),
    "mean": "aten::mean.dim", "std": "aten::std.correction", "var": "aten::var.correction",
    "logsumexp": "aten::logsumexp.out", "sort": "aten::sort.stable", "logical_not": "aten::logical_not.out",
    "narrow": "aten::as_strided", "squeeze": "aten::as_strided", "view_as": "aten::view", "unflatten": "aten::view",
    "isfinite": "aten::ne.Scalar", "diag": "aten::diagonal_copy",
    **{n: (f"aten::{n}.Scalar", f"aten::{n}.Tensor") for n in ("gt", "ge", "lt", "le", "eq", "ne")},
    **{f"__{n}__": (f"aten::{n}.Scalar", f"aten::{n}.Tensor") for n in ("gt", "ge", "lt", "le", "eq", "ne")},
    "greater": ("aten::gt.Scalar", "aten::gt.Tensor"), "greater_equal": ("aten::ge.Scalar", "aten::ge.Tensor"),
    "less": ("aten::lt.Scalar", "aten::lt.Tensor"), "less_equal": ("aten::le.Scalar", "aten::le.Tensor"),
    "not_equal": ("aten::ne.Scalar", "aten::ne.Tensor"),
    "fmod": "aten::fmod.Tensor", "remainder": "aten::remainder.Tensor", "__mod__": "aten::remainder.Tensor",
    "bitwise_and": "aten::bitwise_and.Tensor", "__and__": "aten::bitwise_and.Tensor",
}
# torch raises a RuntimeError of its own for these
REFUSED_RUNTIME = {
    **{n: "reshape is not implemented for sparse tensors" for n in ("reshape", "reshape_as", "flatten")},
    **{n: "expand is unsupported for Sparse tensors" for n in ("expand", "expand_as", "repeat")},
}

# the glasstorch functions a sparse first argument routes to the SparseTensor method of the same name
ROUTED = (ZERO_PRESERVING + tuple(n + "_" for n in UNARY_INPLACE) + tuple(REFUSED) + tuple(REFUSED_RUNTIME)
          + ("neg", "negative", "add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide",
             "floor_divide", "sum", "pow", "clone", "positive", "neg_", "zeros_like", "empty_like", "ones_like",
             "full_like", "rand_like", "randn_like", "randint_like", "unbind", "norm"))


def _div(self, other, *, rounding_mode=None):
    """s / other; with a rounding mode, on the coalesced values (as ``div_``)."""
    from ._arith import div
    if rounding_mode is None:
        return div(self, other)
    return self.coalesce().clone().div_(other, rounding_mode=rounding_mode)


def floor_divide(self, other):
    return self.coalesce().clone().floor_divide_(other)


def positive(self):
    return self


def unbind(self, dim=0):
    """the sparse slices along ``dim`` (each as ``select``; its autograd node, where torch's is UnbindBackward0)."""
    return tuple(self.select(dim, i) for i in range(self.size(dim)))


def zeros_like(self, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None,
               pin_memory=False):
    """An empty (nnz 0) coalesced tensor of the same size and sparse/dense split (``empty_like`` too)."""
    import numpy as np
    sd = self._idx.shape[0]
    vd = self._vals.dtype if dtype is None else dtype.np
    return make(np.empty((sd, 0), np.int64), np.empty((0,) + self._size[sd:], vd), self._size, True,
                bool(requires_grad))


def norm(self, p="fro", dim=None, keepdim=False, dtype=None):
    """torch's norm_sparse reduces over every dimension or none: a partial ``dim`` raises."""
    if dim is not None:
        nd = len(self._size)
        dims = [dim] if isinstance(dim, int) else list(dim)
        if dims and sorted(d % nd if nd else d for d in dims) != list(range(nd)):
            raise RuntimeError("norm_sparse currently only supports full reductions, so 'dim' must either be "
                               "empty or contain all dimensions of the input")
    from .._tensor import Tensor
    return Tensor.norm(self, p, dim, keepdim, dtype)


def _install_methods():
    SparseTensor.norm = norm
    for name, op in REFUSED.items():
        setattr(SparseTensor, name, _refuse(name, op))
    for name, msg in REFUSED_RUNTIME.items():
        setattr(SparseTensor, name, _refuse_other(name, RuntimeError, msg))
    SparseTensor.negative = SparseTensor.neg
    SparseTensor.subtract = SparseTensor.sub
    SparseTensor.multiply = SparseTensor.mul
    SparseTensor.div = SparseTensor.divide = SparseTensor.true_divide = _div
    SparseTensor.floor_divide = SparseTensor.__floordiv__ = floor_divide
    SparseTensor.positive = positive
    SparseTensor.unbind = unbind
    SparseTensor.zeros_like = SparseTensor.empty_like = zeros_like          # (function forms only: see ROUTED)
    SparseTensor.ones_like = SparseTensor.full_like = _refuse("ones_like", "aten::fill_.Scalar")
    SparseTensor.rand_like = _refuse("rand_like", "aten::uniform_")
    SparseTensor.randn_like = _refuse("randn_like", "aten::normal_")
    SparseTensor.randint_like = _refuse("randint_like", "aten::random_.from")


def _routed(name, dense_fn, method):
    """``dense_fn``, sending a sparse first argument to ``method`` (``_routing.routed``)."""
    from .._routing import routed
    return routed(SparseTensor, name, dense_fn, method)


def install(namespace):
    """Wrap each routed function of ``namespace`` (the glasstorch module's globals).  (``F.relu`` checks
    for a sparse input itself: nn modules hold it, and pickling needs it to stay the one object.)"""
    from ..nn import functional as F
    _install_methods()
    from ._mm_more import install as _mm_more
    _mm_more(namespace)        # torch.hspmm / smm / sspaddmm, Tensor.sparse_mask
    for name in ROUTED:
        dense_fn = namespace.get(name)
        if dense_fn is not None and not getattr(dense_fn, "_sparse_routed", False):
            fn = _routed(name, dense_fn, getattr(SparseTensor, name))
            fn._sparse_routed = True
            namespace[name] = fn
            if getattr(F, name, None) is dense_fn:        # torch.relu_ is F.relu_: one object here too
                setattr(F, name, fn)
