"""In-place ops on sparse COO tensors (``s.div_(2)``, ``s.sqrt_()``, ``s.copy_(other)`` ...).

A ``SparseTensor``'s dense ``_data`` is a fresh copy made on each read (``_coo.py``), so a dense
in-place method inherited from ``Tensor`` would write into that copy and change nothing.  The in-place
ops torch defines for sparse tensors are therefore methods here, writing into the stored values
``_vals`` (so ``s.values()`` taken earlier sees the change, as in torch); every other inherited
in-place method is replaced by a stub that raises torch's error (``REFUSED`` and ``install`` below),
so none can silently do nothing.  Dense tensors are untouched: all of this lives on the subclass.

No autograd history is recorded: an in-place op on a sparse tensor that has one raises.
"""
import numpy as np

from ._coo import SparseTensor, coalesce_arrays, not_on_sparse
from ._unary import ZERO_PRESERVING

# torch's zero-preserving unary in-place ops: the dense op on the values of a *coalesced* tensor
# (f(a) + f(b) is not f(a + b), so torch refuses an uncoalesced one rather than coalescing it)
UNARY_INPLACE = tuple(n for n in ZERO_PRESERVING if n not in (
    "isnan", "isinf", "isposinf", "isneginf", "signbit", "square"))      # (no in-place form / refused)

# aliases: they run, and fail, as the op they name (the message names the aten op)
ALIASES = {"absolute_": "abs_", "arcsin_": "asin_", "arcsinh_": "asinh_", "arctan_": "atan_", "arctanh_": "atanh_",
           "fix_": "trunc_", "negative_": "neg_", "multiply_": "mul_", "divide_": "div_", "true_divide_": "div_",
           "subtract_": "sub_", "swapaxes_": "transpose_", "swapdims_": "transpose_", "clip_": "clamp_"}

# inherited in-place methods that only touch metadata or autograd state: they work on sparse tensors
KEEP = ("requires_grad_", "detach_")

# the aten op torch's dispatcher names when it has no sparse kernel: one name, or a pair
# (numbers, a Tensor among the arguments).  Not listed: torch's name is 'aten::<method>'.
REFUSED = {
    "acos_": "aten::acos_", "acosh_": "aten::acosh_", "cos_": "aten::cos_", "cosh_": "aten::cosh_",
    "exp_": "aten::exp_", "exp2_": "aten::exp2_", "log_": "aten::log_", "log2_": "aten::log2_",
    "log10_": "aten::log10_", "sigmoid_": "aten::sigmoid_", "rsqrt_": "aten::rsqrt_", "reciprocal_": "aten::reciprocal_",
    "bitwise_and_": "aten::bitwise_and_.Tensor", "bitwise_or_": "aten::bitwise_or_.Tensor",
    "bitwise_xor_": "aten::bitwise_xor_.Tensor", "bitwise_left_shift_": "aten::bitwise_left_shift.Tensor_out",
    "bitwise_right_shift_": "aten::bitwise_right_shift.Tensor_out", "copysign_": "aten::copysign_.Tensor",
    "fmod_": "aten::fmod_.Tensor", "remainder_": "aten::remainder_.Tensor", "xlogy_": "aten::xlogy_.Tensor",
    "eq_": ("aten::eq_.Scalar", "aten::eq_.Tensor"), "ne_": ("aten::ne_.Scalar", "aten::ne_.Tensor"),
    "not_equal_": ("aten::ne_.Scalar", "aten::ne_.Tensor"), "ge_": ("aten::ge_.Scalar", "aten::ge_.Tensor"),
    "greater_equal_": ("aten::ge_.Scalar", "aten::ge_.Tensor"), "gt_": ("aten::gt_.Scalar", "aten::gt_.Tensor"),
    "greater_": ("aten::gt_.Scalar", "aten::gt_.Tensor"), "le_": ("aten::le_.Scalar", "aten::le_.Tensor"),
    "less_equal_": ("aten::le_.Scalar", "aten::le_.Tensor"), "lt_": ("aten::lt_.Scalar", "aten::lt_.Tensor"),
    "less_": ("aten::lt_.Scalar", "aten::lt_.Tensor"), "pow_": ("aten::pow_.Scalar", "aten::pow_.Tensor"),
    "square_": "aten::pow_.Scalar", "clamp_": ("aten::clamp_", "aten::clamp_.Tensor"),
    "clamp_min_": ("aten::clamp_min_", "aten::clamp_min_.Tensor"), "clamp_max_": ("aten::clamp_max_", "aten::clamp_max_.Tensor"),
    "lerp_": ("aten::lerp_.Scalar", "aten::lerp_.Tensor"), "fill_": ("aten::fill_.Scalar", "aten::fill_.Tensor"),
    "masked_fill_": ("aten::masked_fill_.Scalar", "aten::masked_fill_.Tensor"),
    "index_fill_": ("aten::index_fill_.int_Scalar", "aten::index_fill_.int_Tensor"),
    "scatter_": ("aten::scatter_.value", "aten::scatter_.src"), "scatter_reduce_": "aten::scatter_reduce_.two",
    "bernoulli_": ("aten::bernoulli_.float", "aten::bernoulli_.Tensor", "aten::bernoulli_.float"), "index_put_": "aten::_index_put_impl_",
    "logical_and_": "aten::logical_and.out", "logical_or_": "aten::logical_or.out", "logical_xor_": "aten::logical_xor.out",
    "logical_not_": "aten::logical_not.out", "mvlgamma_": "aten::mvlgamma.out", "polygamma_": "aten::polygamma.out",
    "as_strided_": "aten::as_strided_", "squeeze_": "aten::as_strided_", "unsqueeze_": "aten::as_strided_",
    "fill_diagonal_": "aten::as_strided", "resize_": "aten::resize_", "arccos_": "aten::acos_",
    "arccosh_": "aten::acosh_", "atan2_": "aten::atan2_", "arctan2_": "aten::atan2_", "hypot_": "aten::hypot_",
}
# torch raises these instead of the dispatcher's message
REFUSED_OTHER = {
    "apply_": (RuntimeError, "Cannot access data pointer of Tensor that doesn't have storage"),
    "share_memory_": (NotImplementedError, "Cannot access storage of SparseTensorImpl"),
    "addmm_": (RuntimeError, "addmm_sparse_dense: expected strided result tensor, got tensor with layout Sparse"),
}

# the augmented assignments (s += t ...) and item assignment: the in-place op they stand for, or its refusal
DUNDERS = {"__iadd__": "add_", "__isub__": "sub_", "__imul__": "mul_", "__itruediv__": "div_", "__idiv__": "div_",
           "__ifloordiv__": "floor_divide_", "__ipow__": "pow_", "__imod__": "remainder_", "__iand__": "bitwise_and_",
           "__ior__": "bitwise_or_", "__ixor__": "bitwise_xor_"}
REFUSED_DUNDERS = {"__ilshift__": ("aten::__ilshift__.Scalar", "aten::__ilshift__.Tensor"),
                   "__irshift__": ("aten::__irshift__.Scalar", "aten::__irshift__.Tensor")}

LEAF_INPLACE = "a leaf Variable that requires grad is being used in an in-place operation."


def _writable(s):
    """torch's check before an in-place op; glasstorch records no history for one, so a non-leaf refuses."""
    from ..autograd.grad_mode import GRAD
    if GRAD.enabled and s._rg:
        if s.grad_fn is None:
            raise RuntimeError(LEAF_INPLACE)
        raise NotImplementedError("glasstorch: autograd through an in-place op on a sparse tensor is not implemented")


def _done(s):
    s._vc[0] += 1
    return s


def _on_values_(s, name, *args, **kwargs):
    """The dense in-place op ``name`` on the stored values (it writes into the array: no copy)."""
    from .._tensor import _wrap
    getattr(_wrap(s._vals), name)(*args, **kwargs)
    return _done(s)


def _coalesce_(s):
    if not s._coal:
        s._idx, s._vals = coalesce_arrays(s._idx, s._vals, s._size)
        s._coal = True


def _unary_(name):
    def method(self, *args, **kwargs):
        if not self._coal:
            raise RuntimeError(f"{name} requires coalesced input")
        if name == "round_" and (args or kwargs):
            raise not_on_sparse("aten::round_.decimals")
        _writable(self)
        return _on_values_(self, name, *args, **kwargs)
    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"``{name}`` on the stored values of a coalesced tensor, in place."
    return method


def neg_(self):
    """-v for each stored value; any tensor, the coalesced flag kept."""
    _writable(self)
    return _on_values_(self, "neg_")


def _scalar_divisor(other, what):
    from .._tensor import Tensor
    if isinstance(other, Tensor) and other.dim() != 0:
        raise RuntimeError(f"Sparse {what} requires a scalar or zero-dim dense tensor divisor "
                           f"(got shape {list(other.shape)} for divisor)")


def div_(self, other, *, rounding_mode=None):
    """v / other for each stored value; a rounding mode coalesces first (floor(a/d) + floor(b/d) is not floor((a+b)/d))."""
    _scalar_divisor(other, "division")
    _writable(self)
    if rounding_mode is not None:
        _coalesce_(self)
    return _on_values_(self, "div_", other, rounding_mode=rounding_mode)


def floor_divide_(self, other):
    """floor(v / other) for each stored value, coalesced first."""
    _scalar_divisor(other, "floor division")
    _writable(self)
    _coalesce_(self)
    return _on_values_(self, "floor_divide_", other)


def mul_(self, other):
    """v * other (a number, or the dense element at each index) in place; torch clears the coalesced flag."""
    from ._arith import _scalar_values, mul
    if isinstance(other, SparseTensor):
        r = mul(self, other)
        self._idx, self._vals, self._coal = r._idx, r._vals, r._coal
        return _done(self)
    _writable(self)
    vals = _scalar_values(self, other, lambda v, o: v * o)
    if vals.dtype != self._vals.dtype:
        from ..ops._out import _NAMES
        raise RuntimeError(f"dtype of values ({_NAMES[vals.dtype.name]}) must match dtype of sparse tensor "
                           f"({_NAMES[self._vals.dtype.name]})")
    self._vals[...] = vals
    self._coal = False
    return _done(self)


def sub_(self, other, *, alpha=1):
    from ._arith import add_
    return add_(self, other, -alpha)


def copy_(self, src, non_blocking=False):
    """self becomes a copy of sparse ``src``: its size, indices, coalesced flag, and values cast to self's dtype."""
    if not isinstance(src, SparseTensor):
        from .._tensor import Tensor
        from .._creation import tensor
        src = src if isinstance(src, Tensor) else tensor(src)
        raise RuntimeError("copy_() between dense and sparse Tensors is not implemented! Found self type = "
                           f"{self.type()} and src type = {src.type()}")
    _writable(self)
    self._idx = src._idx.copy()
    self._vals = src._vals.astype(self._vals.dtype, copy=True)
    self._size, self._coal = src._size, src._coal
    return _done(self)


def conj_physical_(self):
    _writable(self)
    if self._vals.dtype.kind == "c":
        np.conjugate(self._vals, out=self._vals)
    return _done(self)


def ldexp_(self, other):
    """torch's composite, mul_(2 ** other), for a float32 tensor; its other paths fail as below."""
    from ..ops._out import _NAMES
    from .. import pow as _pow
    if self._vals.dtype.kind not in "fc":
        raise RuntimeError(f"ldexp can't be cast to the desired output type {_NAMES[self._vals.dtype.name]}")
    if not (other.is_floating_point() or other.is_complex()):
        raise RuntimeError("unsupported tensor layout: Sparse")
    if self._vals.dtype != np.float32:
        raise RuntimeError("full(...) is not implemented for sparse layout")
    return mul_(self, _pow(2, other))


def float_power_(self, exponent):
    """torch computes in double: a base of another dtype refuses, a double one reaches pow_ (no sparse kernel)."""
    from .._tensor import Tensor
    if self._vals.dtype.name not in ("float64", "complex128"):
        from ..ops._out import _NAMES
        want = "ComplexDouble" if self._vals.dtype.kind == "c" else "Double"
        raise RuntimeError(f"the base given to float_power_ has dtype {_NAMES[self._vals.dtype.name]} but the "
                           f"operation's result requires dtype {want}")
    raise not_on_sparse("aten::pow_.Tensor" if isinstance(exponent, Tensor) else "aten::pow_.Scalar")


_RESIZE_HELP = (" on a non-empty sparse tensor is not supported.\nYou could try the following options:\n1. If you need an "
                "empty sparse tensor of this size, call `x = torch.sparse_coo_tensor(size)`.\n2. If you need to resize "
                "this tensor, you have the following options:\n    1. For both sparse and dense dimensions, keep the "
                "number of them constant and the size of them non-shrinking, and then try the same call again.\n    2. "
                "Or, create a new sparse tensor with the correct indices and values from this sparse tensor.")


def sparse_resize_(self, size, sparse_dim, dense_dim):
    """A new size; on a tensor with entries, only growing, with the same number of sparse and dense dims."""
    size = tuple(int(n) for n in size)
    sd, dd = self._idx.shape[0], self._vals.ndim - 1
    if self._vals.shape[0]:
        if sparse_dim != sd:
            raise RuntimeError(f"changing the number of sparse dimensions (from {sd} to {sparse_dim})" + _RESIZE_HELP)
        if dense_dim != dd:
            raise RuntimeError(f"changing the number of dense dimensions (from {dd} to {dense_dim})" + _RESIZE_HELP)
        old = self._size
        if any(n < o for n, o in zip(size[:sd], old[:sd])):
            raise RuntimeError(f"shrinking the size of sparse dimensions (from {list(old[:sd])} to {list(size[:sd])})"
                               + _RESIZE_HELP)
        if any(n < o for n, o in zip(size[sd:], old[sd:])):
            raise RuntimeError(f"shrinking the size of dense dimensions (from {list(old[sd:])} to {list(size[sd:])})"
                               + _RESIZE_HELP)
        if size[sd:] != old[sd:]:
            vals = np.zeros((self._vals.shape[0],) + size[sd:], self._vals.dtype)
            vals[(slice(None),) + tuple(slice(0, o) for o in old[sd:])] = self._vals
            self._vals = vals
    else:
        self._idx = np.empty((sparse_dim, 0), np.int64)
        self._vals = np.empty((0,) + size[sparse_dim:], self._vals.dtype)
    self._size = size
    return _done(self)


def sparse_resize_and_clear_(self, size, sparse_dim, dense_dim):
    size = tuple(int(n) for n in size)
    self._idx = np.empty((sparse_dim, 0), np.int64)
    self._vals = np.empty((0,) + size[sparse_dim:], self._vals.dtype)
    self._size, self._coal = size, True
    return _done(self)


def resize_as_(self, other, *, memory_format=None):
    if not isinstance(other, SparseTensor):
        raise not_on_sparse("aten::resize_")
    return sparse_resize_(self, other._size, other.sparse_dim(), other.dense_dim())


def map_(self, other, callable):
    if not isinstance(other, SparseTensor):
        raise TypeError(f"map_: expected {self.type()} for 'other' (got {other.type()})")
    raise RuntimeError("Cannot access data pointer of Tensor that doesn't have storage")


def map2_(self, x, y, callable):
    for name, other in (("x", x), ("y", y)):
        if not isinstance(other, SparseTensor):
            raise TypeError(f"map2_: expected {self.type()} for argument '{name}' (got {other.type()})")
    raise RuntimeError("Cannot access data pointer of Tensor that doesn't have storage")


def addr_(self, vec1, vec2, *, beta=1, alpha=1):
    """torch checks the vectors (outer's checks), then adds a dense outer product: sparse + dense refuses."""
    for name, v in (("self", vec1), ("vec2", vec2)):
        if v.dim() != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {v.dim()}-D")
    raise RuntimeError("add(sparse, dense) is not supported. Use add(dense, sparse) instead.")


_zero = SparseTensor.zero_


def zero_(self):
    """no entries left (nnz 0, coalesced)."""
    _writable(self)
    return _zero(self)


def _refuse(name, op):
    from .._tensor import Tensor

    def method(self, *args, **kwargs):
        if isinstance(op, tuple):
            # (numbers, a Tensor[, nothing given]): with nothing given torch's parser picks the Tensor overload
            given = [a for a in args + tuple(kwargs.values()) if a is not None]
            if not given:
                raise not_on_sparse(op[-1])
            raise not_on_sparse(op[any(isinstance(a, Tensor) for a in given)])
        raise not_on_sparse(op)
    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"``{name}``: torch has no sparse kernel for it and raises."
    return method


def _refuse_other(name, exc, msg):
    def method(self, *args, **kwargs):
        raise exc(msg)
    method.__name__ = method.__qualname__ = name
    return method


def install():
    """The methods above on SparseTensor, then a refusing stub for every other in-place method a sparse
    tensor would inherit from Tensor (so none can write into the throw-away dense copy)."""
    from .._tensor import Tensor
    for name in UNARY_INPLACE:
        setattr(SparseTensor, name + "_", _unary_(name + "_"))
    for fn in (zero_, map_, map2_, addr_, neg_, div_, floor_divide_, mul_, sub_, copy_, conj_physical_, ldexp_, float_power_, sparse_resize_,
               sparse_resize_and_clear_, resize_as_):
        setattr(SparseTensor, fn.__name__, fn)
    for name, op in REFUSED.items():
        setattr(SparseTensor, name, _refuse(name, op))
    for name, (exc, msg) in REFUSED_OTHER.items():
        setattr(SparseTensor, name, _refuse_other(name, exc, msg))
    for alias, name in ALIASES.items():
        setattr(SparseTensor, alias, getattr(SparseTensor, name))
    for name, target in DUNDERS.items():
        setattr(SparseTensor, name, getattr(SparseTensor, target))
    for name, op in REFUSED_DUNDERS.items():
        setattr(SparseTensor, name, _refuse(name, op))
    SparseTensor.__setitem__ = _refuse_other("__setitem__", TypeError, "Cannot assign to a sparse tensor")
    for name in dir(Tensor):      # the safety net: any in-place method not handled above refuses
        if name.endswith("_") and not name.startswith("__") and name not in KEEP and name not in SparseTensor.__dict__:
            setattr(SparseTensor, name, _refuse(name, f"aten::{name}"))


install()
