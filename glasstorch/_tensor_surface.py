"""The Tensor methods that call ops, beyond the arithmetic of ``_tensor_math.py``.

``TensorSurface`` holds linear algebra, more pointwise math and the ``new_*`` constructors, and
inherits the rest from one mixin per concept:

    _tensor_views.py    TensorViews    view, reshape, transpose, expand, split, flip, tril ...
    _tensor_index.py    TensorIndex    t[i], gather, scatter, index_*, masked_*, take, nonzero
    _tensor_reduce.py   TensorReduce   max/min, prod, var/std, norm, cumsum, all/any, sort, topk ...
    _tensor_logic.py    TensorLogic    isnan, logical_*, bitwise_* (and & | ^ ~), isclose
    _tensor_linalg.py   TensorLinalg   det, inverse, logdet, svd, matrix_power ... (torch's older names)
    _tensor_more.py     TensorMore     lgamma, digamma, logit, sinc, nansum, nanmean, ravel, ``in`` ...
    _tensor_extra.py    TensorExtra    cummax, scatter_reduce, index_put, put, quantile, cov, renorm ...
    _tensor_fill.py     TensorFill     as_strided, hsplit, addr, in-place forms (lt_, cumsum_, xlogy_ ...)
    _tensor_leftovers.py TensorLeftovers *_scatter, unsafe_split, resize_, mvlgamma, lu, lu_solve
    _tensor_legacy.py   TensorLegacy   removed / deprecated methods (solve, eig, resize, triangular_solve ...)

Each method is a one-line call of an op in ``glasstorch/ops/``; ``Tensor`` inherits them.
The op modules import ``Tensor``, so ``O`` (glasstorch/_ops_index.py) loads each on first use.
"""
from . import _ops_index as O
from ._not_given import NO_DECIMALS
from ._deprecated_overloads import rebind as _legacy_rebind    # x.addcmul_(value, t1, t2) & co
from ._deprecated_overloads import rebind_blas as _blas_rebind  # x.addmm(beta, alpha, m1, m2) & co
from ._tensor_index import TensorIndex
from ._tensor_linalg import TensorLinalg
from ._tensor_more import TensorMore
from ._tensor_logic import TensorLogic
from ._tensor_reduce import TensorReduce
from ._tensor_views import TensorViews
from ._tensor_extra import TensorExtra
from ._tensor_fill import TensorFill
from ._tensor_leftovers import TensorLeftovers
from ._tensor_legacy import TensorLegacy
from ._tensor_complex import TensorComplex
from ._tensor_sparse import TensorSparse


class TensorSurface(TensorViews, TensorIndex, TensorReduce, TensorLogic, TensorLinalg, TensorMore, TensorExtra,
                    TensorFill, TensorLeftovers, TensorLegacy, TensorComplex, TensorSparse):
    __slots__ = ()

    # ---- linear algebra ------------------------------------------------------------------------
    def __matmul__(self, other):
        return O.matmul.matmul(self, other)

    def __rmatmul__(self, other):
        if not isinstance(other, TensorSurface):    # torch.matmul takes tensors only: the operator declines
            return NotImplemented
        return O.matmul.matmul(other, self)

    def matmul(self, other):
        return O.matmul.matmul(self, other)

    def mm(self, mat2):
        return O.matmul.mm(self, mat2)

    def bmm(self, mat2):
        return O.matmul.bmm(self, mat2)

    def mv(self, vec):
        return O.matmul.mv(self, vec)

    def dot(self, other):
        return O.matmul.dot(self, other)

    def vdot(self, other):
        return O.matmul.vdot(self, other)

    def outer(self, vec2):
        return O.matmul.outer(self, vec2)

    ger = outer

    def addmm(self, mat1, mat2, *deprecated, beta=1, alpha=1):
        if deprecated:      # x.addmm(beta, [alpha,] mat1, mat2)
            _, mat1, mat2, beta, alpha = _blas_rebind("addmm", True, (mat1, mat2) + deprecated, beta, alpha)
        return O.matmul.addmm(self, mat1, mat2, beta=beta, alpha=alpha)

    def addmv(self, mat, vec, *deprecated, beta=1, alpha=1):
        if deprecated:      # x.addmv(beta, [alpha,] mat, vec)
            _, mat, vec, beta, alpha = _blas_rebind("addmv", True, (mat, vec) + deprecated, beta, alpha)
        return O.matmul.addmv(self, mat, vec, beta=beta, alpha=alpha)

    def baddbmm(self, batch1, batch2, *deprecated, beta=1, alpha=1):
        if deprecated:      # x.baddbmm(beta, [alpha,] batch1, batch2)
            _, batch1, batch2, beta, alpha = _blas_rebind("baddbmm", True, (batch1, batch2) + deprecated, beta, alpha)
        return O.matmul.baddbmm(self, batch1, batch2, beta=beta, alpha=alpha)

    def kron(self, other):
        return O.matmul.kron(self, other)

    # ---- pointwise math ----------------------------------------------------------------------------
    def log2(self):
        return O.pointwise.log2(self)

    def log10(self):
        return O.pointwise.log10(self)

    def log1p(self):
        return O.pointwise.log1p(self)

    def expm1(self):
        return O.pointwise.expm1(self)

    def exp2(self):
        return O.pointwise.exp2(self)

    def rsqrt(self):
        return O.pointwise.rsqrt(self)

    def square(self):
        return O.pointwise.square(self)

    def tan(self):
        return O.pointwise.tan(self)

    def asin(self):
        return O.pointwise.asin(self)

    def acos(self):
        return O.pointwise.acos(self)

    def atan(self):
        return O.pointwise.atan(self)

    def sinh(self):
        return O.pointwise.sinh(self)

    def cosh(self):
        return O.pointwise.cosh(self)

    def asinh(self):
        return O.pointwise.asinh(self)

    def acosh(self):
        return O.pointwise.acosh(self)

    def atanh(self):
        return O.pointwise.atanh(self)

    arcsin, arccos, arctan, arcsinh, arccosh, arctanh = asin, acos, atan, asinh, acosh, atanh

    def erf(self):
        return O.pointwise.erf(self)

    def erfc(self):
        return O.pointwise.erfc(self)

    def erfinv(self):
        return O.pointwise.erfinv(self)

    def deg2rad(self):
        return O.pointwise.deg2rad(self)

    def rad2deg(self):
        return O.pointwise.rad2deg(self)

    def floor(self):
        return O.pointwise.floor(self)

    def ceil(self):
        return O.pointwise.ceil(self)

    def trunc(self):
        return O.pointwise.trunc(self)

    fix = trunc

    def round(self, *, decimals=NO_DECIMALS):
        return O.pointwise.round(self, decimals=decimals)

    def frac(self):
        return O.pointwise.frac(self)

    def log2_(self):
        return O.pointwise.log2_(self)

    def log10_(self):
        return O.pointwise.log10_(self)

    def log1p_(self):
        return O.pointwise.log1p_(self)

    def expm1_(self):
        return O.pointwise.expm1_(self)

    def exp2_(self):
        return O.pointwise.exp2_(self)

    def rsqrt_(self):
        return O.pointwise.rsqrt_(self)

    def square_(self):
        return O.pointwise.square_(self)

    def tan_(self):
        return O.pointwise.tan_(self)

    def erf_(self):
        return O.pointwise.erf_(self)

    def floor_(self):
        return O.pointwise.floor_(self)

    def ceil_(self):
        return O.pointwise.ceil_(self)

    def trunc_(self):
        return O.pointwise.trunc_(self)

    def round_(self, *, decimals=NO_DECIMALS):
        return O.pointwise.round_(self, decimals=decimals)

    def frac_(self):
        return O.pointwise.frac_(self)

    def sign(self):
        return O.select.sign(self)

    def sgn(self):
        return O.logical.sgn(self)

    def sign_(self):
        return O.inplace_more.sign_(self)

    def sgn_(self):
        return O.inplace_more.sgn_(self)

    def signbit(self):
        return O.logical.signbit(self)

    def clamp(self, min=None, max=None):
        return O.clamp.clamp(self, min, max)

    clip = clamp

    def clamp_(self, min=None, max=None):
        return O.clamp.clamp_(self, min, max)

    clip_ = clamp_

    def clamp_min(self, min):
        return O.clamp.clamp_min(self, min)

    def clamp_max(self, max):
        return O.clamp.clamp_max(self, max)

    def clamp_min_(self, min):
        return O.clamp.clamp_min_(self, min)

    def clamp_max_(self, max):
        return O.clamp.clamp_max_(self, max)

    def maximum(self, other):
        return O.binary_more.maximum(self, other)

    def minimum(self, other):
        return O.binary_more.minimum(self, other)

    def fmax(self, other):
        return O.binary_more.fmax(self, other)

    def fmin(self, other):
        return O.binary_more.fmin(self, other)

    def fmod(self, other):
        return O.binary_more.fmod(self, other)

    def fmod_(self, other):
        return O.binary_more.fmod_(self, other)

    def remainder(self, other):
        return O.binary_more.remainder(self, other)

    def remainder_(self, other):
        return O.binary_more.remainder_(self, other)

    def __mod__(self, other):
        return O.binary_more.remainder(self, other)

    def __rmod__(self, other):
        return O.binary_more.remainder(other, self)

    def __imod__(self, other):
        return O.binary_more.remainder_(self, other)

    def atan2(self, other):
        O.binary_more.tensors_only("atan2", self, other, method=True)
        return O.binary_more.atan2(self, other)

    def arctan2(self, other):
        O.binary_more.tensors_only("arctan2", self, other, method=True)
        return O.binary_more.atan2(self, other)

    def atan2_(self, other):
        return O.binary_more.atan2_(self, other)

    def hypot(self, other):
        O.binary_more.tensors_only("hypot", self, other, method=True)
        return O.binary_more.hypot(self, other)

    def logaddexp(self, other):
        O.binary_more.tensors_only("logaddexp", self, other, method=True)
        return O.binary_more.logaddexp(self, other)

    def xlogy(self, other):
        return O.binary_more.xlogy(self, other)

    def copysign(self, other):
        return O.binary_more.copysign(self, other)

    def lerp(self, end, weight):
        return O.ternary.lerp(self, end, weight)

    def lerp_(self, end, weight):
        return O.ternary.lerp_(self, end, weight)

    def addcmul(self, tensor1, tensor2, *deprecated, value=1):
        if deprecated:      # x.addcmul(value, tensor1, tensor2), the 0.4-era overload
            value, tensor1, tensor2 = _legacy_rebind("addcmul", True, (tensor1, tensor2) + deprecated)
        return O.ternary.addcmul(self, tensor1, tensor2, value=value)

    def addcmul_(self, tensor1, tensor2, *deprecated, value=1):
        if deprecated:
            value, tensor1, tensor2 = _legacy_rebind("addcmul_", True, (tensor1, tensor2) + deprecated)
        return O.ternary.addcmul_(self, tensor1, tensor2, value=value)

    def addcdiv(self, tensor1, tensor2, *deprecated, value=1):
        if deprecated:
            value, tensor1, tensor2 = _legacy_rebind("addcdiv", True, (tensor1, tensor2) + deprecated)
        return O.ternary.addcdiv(self, tensor1, tensor2, value=value)

    def addcdiv_(self, tensor1, tensor2, *deprecated, value=1):
        if deprecated:
            value, tensor1, tensor2 = _legacy_rebind("addcdiv_", True, (tensor1, tensor2) + deprecated)
        return O.ternary.addcdiv_(self, tensor1, tensor2, value=value)

    def softmax(self, dim=..., dtype=None):      # ...: not given, refused with torch's message
        return O.softmax.softmax(self, dim, dtype)

    def log_softmax(self, dim=..., dtype=None):
        return O.softmax.log_softmax(self, dim, dtype)

    # ---- constructors from a tensor ----------------------------------------------------------------
    # size as f(2, 3), f((2, 3)) or f(size=(2, 3)); layout and pin_memory mean nothing on the CPU
    def new_zeros(self, *args, size=None, dtype=None, device=None, requires_grad=False, layout=None,
                  pin_memory=False):
        return O.creation_more.new_zeros(self, *O.shape.or_keyword(args, size, "size", "new_zeros"), dtype=dtype,
                                         requires_grad=requires_grad, device=device)

    def new_ones(self, *args, size=None, dtype=None, device=None, requires_grad=False, layout=None,
                 pin_memory=False):
        return O.creation_more.new_ones(self, *O.shape.or_keyword(args, size, "size", "new_ones"), dtype=dtype,
                                        requires_grad=requires_grad, device=device)

    def new_empty(self, *args, size=None, dtype=None, device=None, requires_grad=False, layout=None,
                  pin_memory=False):
        return O.creation_more.new_empty(self, *O.shape.or_keyword(args, size, "size", "new_empty"), dtype=dtype,
                                         requires_grad=requires_grad, device=device)

    def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False, layout=None,
                 pin_memory=False):
        return O.creation_more.new_full(self, size, fill_value, dtype, requires_grad, device)

    def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False, **kw):
        return O.creation_more.new_tensor(self, data, dtype, requires_grad, device=device)

    def diff(self, n=1, dim=-1, prepend=None, append=None):
        return O.creation_more.diff(self, n, dim, prepend, append)

    def rot90(self, k=1, dims=(0, 1)):
        return O.creation_more.rot90(self, k, dims)

    def cross(self, other, dim=None):
        return O.creation_more.cross(self, other, dim)
