"""The math methods of ``Tensor``: operators and named methods, each a one-line call of an op.

Kept out of ``_tensor.py`` so each file stays short; ``Tensor`` inherits them.  To find the code
behind ``a * b``, follow ``__mul__`` to ``ops.arithmetic.mul``.
"""
from numpy import ndarray as _ndarray

from .ops._no_dim import KEEP as _KEEP, NO_DIM as _NO_DIM     # (a dim not given: see that file)
from .ops._div_mode import UNSET     # rounding_mode not given (div.Tensor) vs None given (div.Tensor_mode)
from ._deprecated_overloads import rebind as _legacy_rebind    # x.add_(alpha, other) & co

_ar = _cmp = _conv = _red = _un = None
add = sub = rsub = mul = div = floor_divide = pow = neg = None


def _bind():
    """Import the ops once Tensor exists (they need it); called at the end of _tensor.py."""
    global _ar, _cmp, _conv, _red, _un, add, sub, rsub, mul, div, floor_divide, pow, neg
    from .ops import arithmetic as _ar
    from .ops import comparison as _cmp
    from .ops import conversion as _conv
    from .ops import reduction as _red
    from .ops import unary as _un
    from .ops.arithmetic import add, sub, rsub, mul, div, floor_divide, pow, neg
    # the hottest operators call their op directly, without the one-line method in between (a
    # Python frame is a sizeable part of a small op's cost); the methods below say what each does
    # ``a * b`` on two float tensors with nothing to record skips even that (see fast_operator)
    from .ops._common import fast_operator
    import numpy as np
    TensorMath.__add__ = fast_operator(np.add, add)
    TensorMath.__sub__ = fast_operator(np.subtract, sub)
    TensorMath.__mul__ = fast_operator(np.multiply, mul)
    TensorMath.__truediv__ = fast_operator(np.true_divide, div)
    TensorMath.__pow__ = pow
    # x.sum(dim) and a @ b on small float tensors run their common case in one frame (ops/_hot.py);
    # TensorMath.__matmul__ comes before TensorSurface's in the MRO
    from .ops import _hot
    TensorMath.sum = _hot.sum
    TensorMath.__matmul__ = _hot.__matmul__


class TensorMath:
    __slots__ = ()

    # ---- operators ---------------------------------------------------------------------
    def __add__(self, other):
        return add(self, other)

    def __radd__(self, other):
        if isinstance(other, _ndarray):       # torch leaves ndarray + tensor to NumPy, which refuses it
            return NotImplemented
        return add(self, other)

    def __iadd__(self, other):
        if isinstance(other, _ndarray):    # torch declines: Python falls back to a new tensor from NumPy
            return NotImplemented
        return _ar.add_(self, other)

    def __sub__(self, other):
        return sub(self, other)

    def __rsub__(self, other):
        if isinstance(other, _ndarray):
            return NotImplemented
        return rsub(self, other)

    def __isub__(self, other):
        if isinstance(other, _ndarray):
            return NotImplemented
        return _ar.sub_(self, other)

    def __mul__(self, other):
        return mul(self, other)

    def __rmul__(self, other):
        if isinstance(other, _ndarray):
            return NotImplemented
        return mul(self, other)

    def __imul__(self, other):
        if isinstance(other, _ndarray):
            return NotImplemented
        return _ar.mul_(self, other)

    def __truediv__(self, other):
        return div(self, other)

    def __rtruediv__(self, other):
        if isinstance(other, _ndarray):
            return NotImplemented
        return _ar._rdiv(self, other)

    def __itruediv__(self, other):
        if isinstance(other, _ndarray):
            return NotImplemented
        return _ar.div_(self, other)

    def __floordiv__(self, other):
        return floor_divide(self, other)

    def __rfloordiv__(self, other):
        if isinstance(other, _ndarray):
            return NotImplemented
        return floor_divide(other, self)

    def __ifloordiv__(self, other):
        if isinstance(other, _ndarray):
            return NotImplemented
        return _ar.floor_divide_(self, other)

    def __pow__(self, exponent):
        return pow(self, exponent)

    def __rpow__(self, base):
        if isinstance(base, _ndarray):
            return NotImplemented
        return pow(base, self)

    def __ipow__(self, exponent):
        if isinstance(exponent, _ndarray):
            return NotImplemented
        return _ar.pow_(self, exponent)

    def __neg__(self):
        return neg(self)

    def __pos__(self):
        return _ar.positive(self)

    def __abs__(self):
        return _un.abs(self)

    def __eq__(self, other):
        if other is None or not _comparable(other):
            return False
        return _cmp.eq(self, other)

    def __ne__(self, other):
        if other is None or not _comparable(other):
            return True
        if isinstance(other, _ndarray):     # torch declines and so does NumPy: Python's ``is not``, a bool
            return NotImplemented
        return _cmp.ne(self, other)

    def __lt__(self, other):
        if isinstance(other, _ndarray):      # torch declines and so does NumPy: Python's TypeError
            return NotImplemented
        return _cmp.lt(self, other)

    def __le__(self, other):
        if isinstance(other, _ndarray):
            return NotImplemented
        return _cmp.le(self, other)

    def __gt__(self, other):
        if isinstance(other, _ndarray):
            return NotImplemented
        return _cmp.gt(self, other)

    def __ge__(self, other):
        if isinstance(other, _ndarray):
            return NotImplemented
        return _cmp.ge(self, other)

    # ---- named arithmetic ---------------------------------------------------------------
    def add(self, other, *deprecated, alpha=1):
        if deprecated:      # x.add(alpha, other), the 0.4-era overload
            alpha, other = _legacy_rebind("add", True, (other,) + deprecated)
        return add(self, other, alpha=alpha)

    def add_(self, other, *deprecated, alpha=1):
        if deprecated:      # p.data.add_(-lr, d_p)
            alpha, other = _legacy_rebind("add_", True, (other,) + deprecated)
        return _ar.add_(self, other, alpha=alpha)

    def sub(self, other, *deprecated, alpha=1):
        if deprecated:
            alpha, other = _legacy_rebind("sub", True, (other,) + deprecated)
        return sub(self, other, alpha=alpha)

    def subtract(self, other, *, alpha=1):
        return sub(self, other, alpha=alpha)

    def sub_(self, other, *deprecated, alpha=1):
        if deprecated:
            alpha, other = _legacy_rebind("sub_", True, (other,) + deprecated)
        return _ar.sub_(self, other, alpha=alpha)

    def mul(self, other):
        return mul(self, other)

    multiply = mul

    def mul_(self, other):
        return _ar.mul_(self, other)

    def div(self, other, *, rounding_mode=UNSET):
        return div(self, other, rounding_mode=rounding_mode)

    divide = true_divide = div

    def div_(self, other, *, rounding_mode=UNSET):
        return _ar.div_(self, other, rounding_mode=rounding_mode)

    def floor_divide(self, other):
        return floor_divide(self, other)

    def floor_divide_(self, other):
        return _ar.floor_divide_(self, other)

    def pow(self, exponent):
        return pow(self, exponent)

    def pow_(self, exponent):
        return _ar.pow_(self, exponent)

    def neg(self):
        return neg(self)

    negative = neg

    def neg_(self):
        return _ar.neg_(self)

    # ---- pointwise functions ------------------------------------------------------------
    def abs(self):
        return _un.abs(self)

    absolute = abs

    def abs_(self):
        return _un.abs_(self)

    def exp(self):
        return _un.exp(self)

    def exp_(self):
        return _un.exp_(self)

    def log(self):
        return _un.log(self)

    def log_(self):
        return _un.log_(self)

    def sqrt(self):
        return _un.sqrt(self)

    def sqrt_(self):
        return _un.sqrt_(self)

    def sin(self):
        return _un.sin(self)

    def sin_(self):
        return _un.sin_(self)

    def cos(self):
        return _un.cos(self)

    def cos_(self):
        return _un.cos_(self)

    def reciprocal(self):
        return _un.reciprocal(self)

    def reciprocal_(self):
        return _un.reciprocal_(self)

    def tanh(self):
        return _un.tanh(self)

    def tanh_(self):
        return _un.tanh_(self)

    def sigmoid(self):
        return _un.sigmoid(self)

    def sigmoid_(self):
        return _un.sigmoid_(self)

    def relu(self):
        return _un.relu(self)

    def relu_(self):
        return _un.relu_(self)

    # ---- reductions --------------------------------------------------------------------
    # (axis= and keepdims= are NumPy's names, which torch also accepts; spelled out here so that
    # these hot methods need no renaming wrapper, see _numpy_names.py)
    # sum(self, dim, keepdim, *, dtype, axis, keepdims): ops/_hot.py's, bound in _bind

    def mean(self, dim=_NO_DIM, keepdim=_KEEP, *, dtype=None, **numpy_names):
        if numpy_names:     # axis=/keepdims=, or a keyword torch's parser refuses (np.mean(t) passes out=None)
            from .ops._hot import _numpy_keywords
            _numpy_keywords("mean", numpy_names)
            return _red.mean(self, dim, keepdim, dtype=dtype, **numpy_names)
        return _red.mean(self, dim, keepdim, dtype=dtype)

    # ---- comparisons --------------------------------------------------------------------
    def eq(self, other):
        return _cmp.eq(self, other)

    def ne(self, other):
        return _cmp.ne(self, other)

    def lt(self, other):
        return _cmp.lt(self, other)

    def le(self, other):
        return _cmp.le(self, other)

    def gt(self, other):
        return _cmp.gt(self, other)

    def ge(self, other):
        return _cmp.ge(self, other)

    not_equal, less, less_equal, greater, greater_equal = ne, lt, le, gt, ge

    def equal(self, other):
        return _cmp.equal(self, other)

    # ---- copies ----------------------------------------------------------------------------
    def clone(self, *, memory_format=None):
        return _conv.clone(self, memory_format=memory_format)

    def zero_(self):
        from .ops.fill import fill_
        return fill_(self, 0, _zero=True)

    def fill_(self, value):
        from .ops.fill import fill_
        return fill_(self, value)

    def copy_(self, src, non_blocking=False):
        from .ops.fill import copy_, Tensor
        if not isinstance(src, Tensor):     # torch's parser error for the user's call, where it refuses it
            from ._arg_refuse import refuse
            refuse()
        if src.__class__ is not Tensor and src.is_sparse:       # (one class test for a plain dense src)
            raise RuntimeError("copy_() between dense and sparse Tensors is not implemented! Found self type = "
                               f"{self.type()} and src type = {src.type()}")
        return copy_(self, src)


def _comparable(x):
    from ._tensor import Tensor
    return isinstance(x, (Tensor, int, float, bool)) or hasattr(x, "__float__")
