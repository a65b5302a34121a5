"""More Tensor methods: ``as_strided``, the split/product helpers, and in-place forms of ops the
other mixins have out of place (``x.lt_(0)``, ``x.cumsum_(0)``, ``x.xlogy_(y)`` ...).

Each is a one-line call of an op; an in-place form runs the op on ``x`` and stores the result
into ``x`` (``ops.inplace.commit``), so its graph node is the out-of-place op's, as in torch.
"""
from . import _ops_index as O
from ._deprecated_overloads import rebind_blas as _blas_rebind  # x.addmm_(beta, alpha, m1, m2) & co
from .ops._div_mode import UNSET     # rounding_mode not given vs None given (see there)


def _ip(self, op, *args, **kwargs):
    """``self`` = op(self, *args), in place, recorded with op's node."""
    from .ops.inplace import commit
    from .ops.inplace_more import original
    name = op.__name__      # (a tensor given for cumsum_'s dim or logit_'s eps is read as a number)
    inputs = () if name in ("cumsum", "cumprod", "logit", "nan_to_num") else args
    return commit(self, lambda: op(original(self), *args, **kwargs), name, inputs=inputs)


def _ip_product(self, op, a, b, out_shape, **kwargs):
    """An in-place fused product: torch resizes no ``self``, a product of another shape is refused."""
    x, y = a._data, b._data
    shape = out_shape(self._data, x, y)
    if shape is not None and self._data.dtype == x.dtype == y.dtype and tuple(self._data.shape) != shape:
        raise RuntimeError(f"Bad in-place call: input tensor size {list(self._data.shape)} and output tensor size "
                           f"{list(shape)} should match")
    return _ip(self, op, a, b, **kwargs)


def _mm_shape(s, x, y):
    return (x.shape[0], y.shape[1]) if x.ndim == 2 == y.ndim and x.shape[1] == y.shape[0] else None


def _mv_shape(s, x, y):
    ok = x.ndim == 2 and y.ndim == 1 and s.ndim <= 1 and x.shape[1] == y.shape[0]
    return (x.shape[0],) if ok else None


def _bmm_shape(s, x, y):
    ok = x.ndim == 3 == y.ndim and x.shape[0] == y.shape[0] and x.shape[2] == y.shape[1]
    return (x.shape[0], x.shape[1], y.shape[2]) if ok else None


def _np():
    import numpy
    return numpy


def _no_grad_map(self, name, *others):
    """torch refuses apply_ / map_ / map2_ when any tensor involved requires grad."""
    if self._rg or any(o._rg for o in others):
        raise RuntimeError(f"Can't call {name}() on Variable that requires grad. Use var.detach().{name}() instead.")


def _g():
    import glasstorch
    return glasstorch


class TensorFill:
    __slots__ = ()

    # ---- views ---------------------------------------------------------------------------------
    def as_strided(self, size, stride, storage_offset=None):
        from .ops.as_strided import as_strided
        return as_strided(self, size, stride, storage_offset)

    def as_strided_(self, size, stride, storage_offset=None):
        from .ops.as_strided import as_strided_
        return as_strided_(self, size, stride, storage_offset)

    def hsplit(self, indices_or_sections):
        return _g().hsplit(self, indices_or_sections)

    def vsplit(self, indices_or_sections):
        return _g().vsplit(self, indices_or_sections)

    def dsplit(self, indices_or_sections):
        return _g().dsplit(self, indices_or_sections)

    def split_with_sizes(self, split_sizes, dim=0):
        return O.views.split(self, list(split_sizes), dim)

    def diagflat(self, offset=0):
        return _g().diagflat(self, offset)

    def swapaxes_(self, axis0, axis1):
        return O.inplace_more.transpose_(self, axis0, axis1)

    def swapdims_(self, dim0, dim1):
        return O.inplace_more.transpose_(self, dim0, dim1)

    # ---- products ------------------------------------------------------------------------------
    def addr(self, vec1, vec2, *deprecated, beta=1, alpha=1):
        if deprecated:      # x.addr(beta, [alpha,] vec1, vec2)
            _, vec1, vec2, beta, alpha = _blas_rebind("addr", True, (vec1, vec2) + deprecated, beta, alpha)
        return _g().addr(self, vec1, vec2, beta=beta, alpha=alpha)

    def addbmm(self, batch1, batch2, *deprecated, beta=1, alpha=1):
        if deprecated:      # x.addbmm(beta, [alpha,] batch1, batch2)
            _, batch1, batch2, beta, alpha = _blas_rebind("addbmm", True, (batch1, batch2) + deprecated, beta, alpha)
        return _g().addbmm(self, batch1, batch2, beta=beta, alpha=alpha)

    def addr_(self, vec1, vec2, *deprecated, beta=1, alpha=1):
        if deprecated:      # x.addr_(beta, [alpha,] vec1, vec2)
            _, vec1, vec2, beta, alpha = _blas_rebind("addr_", True, (vec1, vec2) + deprecated, beta, alpha)
        return _ip(self, _g().addr, vec1, vec2, beta=beta, alpha=alpha)

    def addbmm_(self, batch1, batch2, *deprecated, beta=1, alpha=1):
        if deprecated:      # x.addbmm_(beta, [alpha,] batch1, batch2)
            _, batch1, batch2, beta, alpha = _blas_rebind("addbmm_", True, (batch1, batch2) + deprecated, beta, alpha)
        return _ip(self, _g().addbmm, batch1, batch2, beta=beta, alpha=alpha)

    def addmm_(self, mat1, mat2, *deprecated, beta=1, alpha=1):
        if deprecated:      # x.addmm_(beta, [alpha,] mat1, mat2)
            _, mat1, mat2, beta, alpha = _blas_rebind("addmm_", True, (mat1, mat2) + deprecated, beta, alpha)
        return _ip_product(self, _g().addmm, mat1, mat2, _mm_shape, beta=beta, alpha=alpha)

    def addmv_(self, mat, vec, *deprecated, beta=1, alpha=1):
        if deprecated:      # x.addmv_(beta, [alpha,] mat, vec)
            _, mat, vec, beta, alpha = _blas_rebind("addmv_", True, (mat, vec) + deprecated, beta, alpha)
        return _ip_product(self, _g().addmv, mat, vec, _mv_shape, beta=beta, alpha=alpha)

    def baddbmm_(self, batch1, batch2, *deprecated, beta=1, alpha=1):
        if deprecated:      # x.baddbmm_(beta, [alpha,] batch1, batch2)
            _, batch1, batch2, beta, alpha = _blas_rebind("baddbmm_", True, (batch1, batch2) + deprecated, beta, alpha)
        return _ip_product(self, _g().baddbmm, batch1, batch2, _bmm_shape, beta=beta, alpha=alpha)

    # ---- integer and bit helpers ---------------------------------------------------------------
    def gcd(self, other):
        return _g().gcd(self, other)

    def lcm(self, other):
        return _g().lcm(self, other)

    def gcd_(self, other):
        return _g().gcd_(self, other)

    def lcm_(self, other):
        return _g().lcm_(self, other)

    def nextafter(self, other):
        return _g().nextafter(self, other)

    def nextafter_(self, other):
        return _ip(self, _g().nextafter, other)

    # ---- predicates ----------------------------------------------------------------------------
    def is_same_size(self, other):
        return self.shape == other.shape

    def is_neg(self):
        return self.__dict__.get("_is_neg", False)     # the negative bit: only imag of a conj view sets it

    def is_nonzero(self):
        return _g().is_nonzero(self)

    def new_empty_strided(self, size, stride, *, dtype=None, device=None, requires_grad=False, layout=None,
                          pin_memory=False):
        return _g().empty_strided(size, stride, dtype=dtype or self.dtype, requires_grad=requires_grad)

    def apply_(self, callable):
        """Each element replaced by ``callable(element)``, one Python call per element (CPU only in torch too)."""
        _no_grad_map(self, "apply_")
        vals = [callable(v) for v in self._data.ravel().tolist()]
        self._data[...] = _np().asarray(vals, self._data.dtype).reshape(self._data.shape)
        self._vc[0] += 1
        return self

    def map_(self, tensor, callable):
        """Each element replaced by ``callable(self_element, other_element)``, ``tensor`` broadcast to self."""
        np = _np()
        _no_grad_map(self, "map_", tensor)
        other = tensor.expand(self.shape)._data
        vals = [callable(a, b) for a, b in zip(self._data.ravel().tolist(), other.ravel().tolist())]
        self._data[...] = np.asarray(vals, self._data.dtype).reshape(self._data.shape)
        self._vc[0] += 1
        return self

    def map2_(self, x, y, callable):
        """Each element replaced by ``callable(self_element, x_element, y_element)``, x and y broadcast."""
        np = _np()
        _no_grad_map(self, "map2_", x, y)
        xs, ys = x.expand(self.shape)._data, y.expand(self.shape)._data
        vals = [callable(a, b, c) for a, b, c in zip(self._data.ravel().tolist(), xs.ravel().tolist(),
                                                     ys.ravel().tolist())]
        self._data[...] = np.asarray(vals, self._data.dtype).reshape(self._data.shape)
        self._vc[0] += 1
        return self

    def positive(self):
        return _g().positive(self)

    # ---- in-place comparisons (1/0 in self's dtype) --------------------------------------------
    def eq_(self, other):
        return O.inplace_fill.eq_(self, other)

    def ne_(self, other):
        return O.inplace_fill.ne_(self, other)

    def lt_(self, other):
        return O.inplace_fill.lt_(self, other)

    def le_(self, other):
        return O.inplace_fill.le_(self, other)

    def gt_(self, other):
        return O.inplace_fill.gt_(self, other)

    def ge_(self, other):
        return O.inplace_fill.ge_(self, other)

    not_equal_, less_, less_equal_, greater_, greater_equal_ = ne_, lt_, le_, gt_, ge_

    def fill_diagonal_(self, fill_value, wrap=False):
        return O.inplace_fill.fill_diagonal_(self, fill_value, wrap)

    # ---- in-place forms of pointwise math ------------------------------------------------------
    def acos_(self):
        return O.pointwise.acos_(self)

    def asin_(self):
        return O.pointwise.asin_(self)

    def atan_(self):
        return O.pointwise.atan_(self)

    def acosh_(self):
        return O.pointwise.acosh_(self)

    def asinh_(self):
        return O.pointwise.asinh_(self)

    def atanh_(self):
        return O.pointwise.atanh_(self)

    arccos_, arcsin_, arctan_, arccosh_, arcsinh_, arctanh_ = acos_, asin_, atan_, acosh_, asinh_, atanh_

    def sinh_(self):
        return O.pointwise.sinh_(self)

    def cosh_(self):
        return O.pointwise.cosh_(self)

    def erfc_(self):
        return O.pointwise.erfc_(self)

    def erfinv_(self):
        return O.pointwise.erfinv_(self)

    def deg2rad_(self):
        return O.pointwise.deg2rad_(self)

    def rad2deg_(self):
        return O.pointwise.rad2deg_(self)

    def fix_(self):
        return O.pointwise.trunc_(self)

    def absolute_(self):
        return self.abs_()

    def negative_(self):
        return self.neg_()

    def lgamma_(self):
        return _ip(self, O.special_fns.lgamma)

    def digamma_(self):
        return _ip(self, O.special_fns.digamma)

    def polygamma_(self, n):
        return _ip(self, lambda x: O.special_fns.polygamma(n, x, _node=O.special_fns.PolygammaBackward1))

    def logit_(self, eps=None):
        return _ip(self, O.special_fns.logit, eps)

    def sinc_(self):
        return _ip(self, O.special_fns.sinc)

    def i0_(self):
        return _ip(self, O.special_more.i0)

    def heaviside_(self, values):
        return _ip(self, O.special_fns.heaviside, values)

    def igamma_(self, other):
        return _ip(self, O.special_more.igamma, other)

    def igammac_(self, other):
        return _ip(self, O.special_more.igammac, other)

    def nan_to_num_(self, nan=0.0, posinf=None, neginf=None):
        return _ip(self, O.logical.nan_to_num, nan, posinf, neginf)

    def xlogy_(self, other):
        return _ip(self, O.binary_more.xlogy, other)

    def hypot_(self, other):
        O.binary_more.tensors_only("hypot_", self, other, method=True)
        return _ip(self, O.binary_more.hypot, other)

    def copysign_(self, other):
        return _ip(self, O.binary_more.copysign, other)

    def arctan2_(self, other):
        return O.binary_more.atan2_(self, other, "arctan2_")

    def ldexp_(self, other):
        return O.misc_math.ldexp_(self, other)

    def float_power_(self, exponent):
        return O.misc_math.float_power_(self, exponent)

    def cumsum_(self, dim, *, dtype=None):
        return _ip(self, O.cumulative.cumsum, dim, dtype=dtype)

    def cumprod_(self, dim, *, dtype=None):
        return _ip(self, O.cumulative.cumprod, dim, dtype=dtype)

    # ---- the arithmetic aliases ----------------------------------------------------------------
    def subtract_(self, other, *, alpha=1):
        return self.sub_(other, alpha=alpha)

    def multiply_(self, other):
        return self.mul_(other)

    def divide_(self, other, *, rounding_mode=UNSET):
        return self.div_(other, rounding_mode=rounding_mode)

    def true_divide_(self, other):
        return self.div_(other)

    # ---- logical and bitwise in place ----------------------------------------------------------
    def logical_and_(self, other):
        return _ip(self, O.logical.logical_and, other)

    def logical_or_(self, other):
        return _ip(self, O.logical.logical_or, other)

    def logical_xor_(self, other):
        return _ip(self, O.logical.logical_xor, other)

    def bitwise_and_(self, other):
        return _ip(self, O.logical.bitwise_and, other)

    def bitwise_or_(self, other):
        return _ip(self, O.logical.bitwise_or, other)

    def bitwise_xor_(self, other):
        return _ip(self, O.logical.bitwise_xor, other)

    def bitwise_not_(self):
        return _ip(self, O.logical.bitwise_not)

    def bitwise_left_shift(self, other):
        return O.logical.bitwise_left_shift(self, other)

    def bitwise_right_shift(self, other):
        return O.logical.bitwise_right_shift(self, other)

    def bitwise_left_shift_(self, other):
        return _ip(self, O.logical.bitwise_left_shift, other)

    def bitwise_right_shift_(self, other):
        return _ip(self, O.logical.bitwise_right_shift, other)
