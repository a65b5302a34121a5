"""The rest of the Tensor methods: views, indexing, reductions, linear algebra, more math.

Each method is a one-line call of an op in ``glasstorch/ops/``; ``Tensor`` inherits them.
The op modules import ``Tensor``, so ``O`` (glasstorch/_ops_index.py) loads each on first use.
"""
from . import _ops_index as O


class TensorSurface:
    __slots__ = ()

    # ---- views and shapes --------------------------------------------------------------------
    def view(self, *shape):
        return O.shape.view(self, *shape)

    def view_as(self, other):
        return O.shape.view_as(self, other)

    def reshape(self, *shape):
        return O.shape.reshape(self, *shape)

    def reshape_as(self, other):
        return O.shape.reshape_as(self, other)

    def flatten(self, start_dim=0, end_dim=-1):
        return O.shape.flatten(self, start_dim, end_dim)

    def unflatten(self, dim, sizes):
        return O.shape.unflatten(self, dim, sizes)

    def squeeze(self, dim=None):
        return O.shape.squeeze(self, dim)

    def unsqueeze(self, dim):
        return O.shape.unsqueeze(self, dim)

    def squeeze_(self, dim=None):
        return O.inplace_more.squeeze_(self, dim)

    def unsqueeze_(self, dim):
        return O.inplace_more.unsqueeze_(self, dim)

    def expand(self, *sizes):
        return O.shape.expand(self, *sizes)

    def expand_as(self, other):
        return O.shape.expand_as(self, other)

    def broadcast_to(self, size):
        return O.shape.broadcast_to(self, size)

    def contiguous(self, memory_format=None):
        return O.shape.contiguous(self)

    def is_contiguous(self, memory_format=None):
        return self._data.flags.c_contiguous

    def sum_to_size(self, *size):
        return O.shape.sum_to_size(self, *size)

    def transpose(self, dim0, dim1):
        return O.views.transpose(self, dim0, dim1)

    swapaxes = swapdims = transpose

    def t(self):
        return O.views.t(self)

    @property
    def T(self):
        return O.views.T(self)

    @property
    def mT(self):
        return O.views.mT(self)

    @property
    def H(self):
        return O.views.T(self)

    @property
    def mH(self):
        return O.views.mT(self)

    def adjoint(self):
        return O.views.mT(self)

    def permute(self, *dims):
        return O.views.permute(self, *dims)

    def movedim(self, source, destination):
        return O.views.movedim(self, source, destination)

    moveaxis = movedim

    def narrow(self, dim, start, length):
        return O.views.narrow(self, dim, start, length)

    def select(self, dim, index):
        return O.views.select(self, dim, index)

    def diagonal(self, offset=0, dim1=0, dim2=1):
        return O.views.diagonal(self, offset, dim1, dim2)

    def diagonal_scatter(self, src, offset=0, dim1=0, dim2=1):
        return O.views.diagonal_scatter(self, src, offset, dim1, dim2)

    def unbind(self, dim=0):
        return O.views.unbind(self, dim)

    def split(self, split_size, dim=0):
        return O.views.split(self, split_size, dim)

    def chunk(self, chunks, dim=0):
        return O.views.chunk(self, chunks, dim)

    def tensor_split(self, indices_or_sections, dim=0):
        return O.views.tensor_split(self, indices_or_sections, dim)

    def stride(self, dim=None):
        return O.views.stride(self, dim)

    def storage_offset(self):
        return O.views.storage_offset(self)

    def data_ptr(self):
        return O.views.data_ptr(self)

    def untyped_storage(self):
        return O.views.untyped_storage(self)

    def repeat(self, *sizes):
        return O.join.repeat(self, *sizes)

    def tile(self, dims):
        return O.join.tile(self, dims)

    def repeat_interleave(self, repeats=None, dim=None, *, output_size=None):
        return O.join.repeat_interleave(self, repeats, dim)

    def flip(self, *dims):
        return O.join.flip(self, *dims)

    def fliplr(self):
        return O.join.fliplr(self)

    def flipud(self):
        return O.join.flipud(self)

    def roll(self, shifts, dims=None):
        return O.join.roll(self, shifts, dims)

    def tril(self, diagonal=0):
        return O.join.tril(self, diagonal)

    def triu(self, diagonal=0):
        return O.join.triu(self, diagonal)

    def tril_(self, diagonal=0):
        return O.inplace_more.tril_(self, diagonal)

    def triu_(self, diagonal=0):
        return O.inplace_more.triu_(self, diagonal)

    def diag(self, diagonal=0):
        return O.join.diag(self, diagonal)

    def diag_embed(self, offset=0, dim1=-2, dim2=-1):
        return O.join.diag_embed(self, offset, dim1, dim2)

    def trace(self):
        return O.join.trace(self)

    # ---- indexing ------------------------------------------------------------------------------
    def __getitem__(self, index):
        return O.index.getitem(self, index)

    def __setitem__(self, index, value):
        O.index.setitem(self, index, value)

    def index_select(self, dim, index):
        return O.gather.index_select(self, dim, index)

    def gather(self, dim, index, *, sparse_grad=False):
        return O.gather.gather(self, dim, index)

    def scatter(self, dim, index, src=None, *, value=None, reduce=None):
        return O.gather.scatter(self, dim, index, src, value=value, reduce=reduce)

    def scatter_(self, dim, index, src=None, *, value=None, reduce=None):
        return O.gather.scatter_(self, dim, index, src, value=value, reduce=reduce)

    def scatter_add(self, dim, index, src):
        return O.gather.scatter_add(self, dim, index, src)

    def scatter_add_(self, dim, index, src):
        return O.gather.scatter_add_(self, dim, index, src)

    def index_add(self, dim, index, source, *, alpha=1):
        return O.gather.index_add(self, dim, index, source, alpha=alpha)

    def index_add_(self, dim, index, source, *, alpha=1):
        return O.gather.index_add_(self, dim, index, source, alpha=alpha)

    def index_fill(self, dim, index, value):
        return O.gather.index_fill(self, dim, index, value)

    def index_fill_(self, dim, index, value):
        return O.gather.index_fill_(self, dim, index, value)

    def masked_fill(self, mask, value):
        return O.gather.masked_fill(self, mask, value)

    def masked_fill_(self, mask, value):
        return O.gather.masked_fill_(self, mask, value)

    def masked_select(self, mask):
        return O.gather.masked_select(self, mask)

    def take(self, index):
        return O.gather.take(self, index)

    def nonzero(self, *, as_tuple=False):
        return O.gather.nonzero(self, as_tuple=as_tuple)

    def argwhere(self):
        return O.gather.argwhere(self)

    def where(self, condition, other):
        return O.select.where(condition, self, other)

    # ---- linear algebra ------------------------------------------------------------------------
    def __matmul__(self, other):
        return O.matmul.matmul(self, other)

    def __rmatmul__(self, other):
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

    vdot = dot

    def outer(self, vec2):
        return O.matmul.outer(self, vec2)

    ger = outer

    def addmm(self, mat1, mat2, *, beta=1, alpha=1):
        return O.matmul.addmm(self, mat1, mat2, beta=beta, alpha=alpha)

    def addmv(self, mat, vec, *, beta=1, alpha=1):
        return O.matmul.addmv(self, mat, vec, beta=beta, alpha=alpha)

    def baddbmm(self, batch1, batch2, *, beta=1, alpha=1):
        return O.matmul.baddbmm(self, batch1, batch2, beta=beta, alpha=alpha)

    def kron(self, other):
        return O.matmul.kron(self, other)

    # ---- reductions ----------------------------------------------------------------------------
    def max(self, dim=None, keepdim=False):
        return O.reduce_more.max(self, dim, keepdim)

    def min(self, dim=None, keepdim=False):
        return O.reduce_more.min(self, dim, keepdim)

    def amax(self, dim=(), keepdim=False):
        return O.reduce_more.amax(self, dim, keepdim)

    def amin(self, dim=(), keepdim=False):
        return O.reduce_more.amin(self, dim, keepdim)

    def aminmax(self, *, dim=None, keepdim=False):
        return O.reduce_more.aminmax(self, dim=dim, keepdim=keepdim)

    def argmax(self, dim=None, keepdim=False):
        return O.reduce_more.argmax(self, dim, keepdim)

    def argmin(self, dim=None, keepdim=False):
        return O.reduce_more.argmin(self, dim, keepdim)

    def prod(self, dim=None, keepdim=False, *, dtype=None):
        return O.reduce_more.prod(self, dim, keepdim, dtype=dtype)

    def var(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
        return O.reduce_more.var(self, dim, unbiased, keepdim, correction=correction)

    def std(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
        return O.reduce_more.std(self, dim, unbiased, keepdim, correction=correction)

    def norm(self, p="fro", dim=None, keepdim=False, dtype=None):
        return O.reduce_more.norm(self, p, dim, keepdim, dtype)

    def dist(self, other, p=2):
        return O.reduce_more.dist(self, other, p)

    def logsumexp(self, dim, keepdim=False):
        return O.reduce_more.logsumexp(self, dim, keepdim)

    def cumsum(self, dim, *, dtype=None):
        return O.reduce_more.cumsum(self, dim, dtype=dtype)

    def cumprod(self, dim, *, dtype=None):
        return O.reduce_more.cumprod(self, dim, dtype=dtype)

    def all(self, dim=None, keepdim=False):
        return O.reduce_more.all(self, dim, keepdim)

    def any(self, dim=None, keepdim=False):
        return O.reduce_more.any(self, dim, keepdim)

    def count_nonzero(self, dim=None):
        return O.reduce_more.count_nonzero(self, dim)

    def sort(self, dim=-1, descending=False, stable=False):
        return O.sorting.sort(self, dim, descending, stable)

    def argsort(self, dim=-1, descending=False, stable=False):
        return O.sorting.argsort(self, dim, descending, stable)

    def msort(self):
        return O.sorting.msort(self)

    def topk(self, k, dim=-1, largest=True, sorted=True):
        return O.sorting.topk(self, k, dim, largest, sorted)

    def kthvalue(self, k, dim=-1, keepdim=False):
        return O.sorting.kthvalue(self, k, dim, keepdim)

    def median(self, dim=None, keepdim=False):
        return O.sorting.median(self, dim, keepdim)

    def mode(self, dim=-1, keepdim=False):
        return O.sorting.mode(self, dim, keepdim)

    def unique(self, sorted=True, return_inverse=False, return_counts=False, dim=None):
        return O.sorting.unique(self, sorted, return_inverse, return_counts, dim)

    def unique_consecutive(self, return_inverse=False, return_counts=False, dim=None):
        return O.sorting.unique_consecutive(self, return_inverse, return_counts, dim)

    def bincount(self, weights=None, minlength=0):
        return O.sorting.bincount(self, weights, minlength)

    def histc(self, bins=100, min=0, max=0):
        return O.sorting.histc(self, bins, min, max)

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

    def round(self, *, decimals=0):
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

    def round_(self, *, decimals=0):
        return O.pointwise.round_(self, decimals=decimals)

    def frac_(self):
        return O.pointwise.frac_(self)

    def sign(self):
        return O.select.sign(self)

    def sgn(self):
        return O.logical.sgn(self)

    def signbit(self):
        return O.logical.signbit(self)

    def clamp(self, min=None, max=None):
        return O.binary_more.clamp(self, min, max)

    clip = clamp

    def clamp_(self, min=None, max=None):
        return O.binary_more.clamp_(self, min, max)

    clip_ = clamp_

    def clamp_min(self, min):
        return O.binary_more.clamp_min(self, min)

    def clamp_max(self, max):
        return O.binary_more.clamp_max(self, max)

    def clamp_min_(self, min):
        return O.binary_more.clamp_min_(self, min)

    def clamp_max_(self, max):
        return O.binary_more.clamp_max_(self, max)

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
        return O.binary_more.atan2(self, other)

    arctan2 = atan2

    def atan2_(self, other):
        return O.binary_more.atan2_(self, other)

    def hypot(self, other):
        return O.binary_more.hypot(self, other)

    def logaddexp(self, other):
        return O.binary_more.logaddexp(self, other)

    def xlogy(self, other):
        return O.binary_more.xlogy(self, other)

    def copysign(self, other):
        return O.binary_more.copysign(self, other)

    def lerp(self, end, weight):
        return O.binary_more.lerp(self, end, weight)

    def lerp_(self, end, weight):
        return O.binary_more.lerp_(self, end, weight)

    def addcmul(self, tensor1, tensor2, *, value=1):
        return O.binary_more.addcmul(self, tensor1, tensor2, value=value)

    def addcmul_(self, tensor1, tensor2, *, value=1):
        return O.binary_more.addcmul_(self, tensor1, tensor2, value=value)

    def addcdiv(self, tensor1, tensor2, *, value=1):
        return O.binary_more.addcdiv(self, tensor1, tensor2, value=value)

    def addcdiv_(self, tensor1, tensor2, *, value=1):
        return O.binary_more.addcdiv_(self, tensor1, tensor2, value=value)

    def softmax(self, dim, dtype=None):
        return O.softmax.softmax(self, dim, dtype)

    def log_softmax(self, dim, dtype=None):
        return O.softmax.log_softmax(self, dim, dtype)

    # ---- tests and logic -------------------------------------------------------------------------
    def isnan(self):
        return O.logical.isnan(self)

    def isinf(self):
        return O.logical.isinf(self)

    def isfinite(self):
        return O.logical.isfinite(self)

    def isposinf(self):
        return O.logical.isposinf(self)

    def isneginf(self):
        return O.logical.isneginf(self)

    def nan_to_num(self, nan=0.0, posinf=None, neginf=None):
        return O.logical.nan_to_num(self, nan, posinf, neginf)

    def logical_and(self, other):
        return O.logical.logical_and(self, other)

    def logical_or(self, other):
        return O.logical.logical_or(self, other)

    def logical_xor(self, other):
        return O.logical.logical_xor(self, other)

    def logical_not(self):
        return O.logical.logical_not(self)

    def logical_not_(self):
        return O.logical.logical_not_(self)

    def bitwise_and(self, other):
        return O.logical.bitwise_and(self, other)

    def bitwise_or(self, other):
        return O.logical.bitwise_or(self, other)

    def bitwise_xor(self, other):
        return O.logical.bitwise_xor(self, other)

    def bitwise_not(self):
        return O.logical.bitwise_not(self)

    def __and__(self, other):
        return O.logical.bitwise_and(self, other)

    def __rand__(self, other):
        return O.logical.bitwise_and(self, other)

    def __iand__(self, other):
        return O.logical.bitwise_and_(self, other)

    def __or__(self, other):
        return O.logical.bitwise_or(self, other)

    def __ror__(self, other):
        return O.logical.bitwise_or(self, other)

    def __ior__(self, other):
        return O.logical.bitwise_or_(self, other)

    def __xor__(self, other):
        return O.logical.bitwise_xor(self, other)

    def __rxor__(self, other):
        return O.logical.bitwise_xor(self, other)

    def __ixor__(self, other):
        return O.logical.bitwise_xor_(self, other)

    def __invert__(self):
        return O.logical.bitwise_not(self)

    def __lshift__(self, other):
        return O.logical.bitwise_left_shift(self, other)

    def __rshift__(self, other):
        return O.logical.bitwise_right_shift(self, other)

    def isclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        return O.logical.isclose(self, other, rtol, atol, equal_nan)

    def allclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        return O.logical.allclose(self, other, rtol, atol, equal_nan)

    # ---- constructors from a tensor ----------------------------------------------------------------
    def new_zeros(self, *size, dtype=None, device=None, requires_grad=False, **kw):
        return O.creation_more.new_zeros(self, *size, dtype=dtype, requires_grad=requires_grad)

    def new_ones(self, *size, dtype=None, device=None, requires_grad=False, **kw):
        return O.creation_more.new_ones(self, *size, dtype=dtype, requires_grad=requires_grad)

    def new_empty(self, *size, dtype=None, device=None, requires_grad=False, **kw):
        return O.creation_more.new_empty(self, *size, dtype=dtype, requires_grad=requires_grad)

    def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False, **kw):
        return O.creation_more.new_full(self, size, fill_value, dtype, requires_grad)

    def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False, **kw):
        return O.creation_more.new_tensor(self, data, dtype, requires_grad)

    def diff(self, n=1, dim=-1, prepend=None, append=None):
        return O.creation_more.diff(self, n, dim, prepend, append)

    def rot90(self, k=1, dims=(0, 1)):
        return O.creation_more.rot90(self, k, dims)

    def cross(self, other, dim=None):
        return O.creation_more.cross(self, other, dim)

    def t_(self):
        return O.inplace_more.t_(self)

    def transpose_(self, dim0, dim1):
        return O.inplace_more.transpose_(self, dim0, dim1)
