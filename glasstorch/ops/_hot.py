"""The fast paths of the hottest Tensor methods: ``x.sum(1)`` and ``a @ b``.

On small tensors an op's cost is mostly Python: each function layer, each keyword argument and
each NumPy attribute read (``x.shape`` builds a tuple, ``x.size`` an int) is a sizeable part of a
microsecond-scale NumPy call.  So these methods are bound to ``Tensor`` themselves (see
``_tensor_math._bind``, next to ``fast_operator`` for ``+ - * /``), handle the common case --
plain float32/float64 tensors, nothing to record, not large -- in one frame with one NumPy call,
and hand every other case to the op itself, which gives the same answer the slow way.

They keep the method's own name and ``self`` so that torch's argument errors, replayed from the
call on the stack (``_arg_refuse``), read as the method's.
"""
import numpy as np

from ._common import GRAD, Tensor, _BIG, _F32, _F64, _new
from .._func_captures import LEVELS as _CAPTURE_LEVELS
from .. import _func_captures as _captures
from ._no_dim import KEEP, NO_DIM
from . import _gemm_order, _gemm_small, matmul as _matmul_op, reduction as _red
from ._sum_order import inner_sums as _inner_sums

_reduce_add = np.add.reduce
_np_matmul = np.matmul
_gemm_mm = _gemm_order.mm


def _plain(r):
    """A new tensor around array ``r`` with nothing to record: ``_tensor._wrap`` outside inference mode
    (its fields written out here: a call is a sizeable part of a small op; keep the two in step)."""
    t = _new(Tensor)
    t._data = r
    t._rg = False
    t.grad_fn = t._grad = t._accum = t._base = None
    t._vc = [0]
    t._out_nr = 0
    if _CAPTURE_LEVELS:
        _captures.born(t)
    return t


def sum(self, dim=NO_DIM, keepdim=KEEP, *, dtype=None, **numpy_names):
    """Tensor.sum.  Fast path: the last dim (not the first), over rows of 8 or more of a small float
    tensor that is not a whole-tensor sum -- each row in torch's order (``_sum_order.inner_sums``; a
    strided tensor whose rows are not of unit stride (``reduction._strided_rows``): NumPy's
    ``np.add.reduce``).  Whole tensors, dims before the last, short rows (see ``reduction._sum_over``) and
    all the rest go to ``reduction.tensor_sum``.  NumPy's ``axis``/``keepdims`` come as keywords (see
    ``_numpy_keywords``)."""
    x = self._data
    if dim.__class__ is int and dtype is None and not numpy_names:
        xd = x.dtype
        if xd is _F32 or xd is _F64:
            shape = x.shape
            nd = len(shape)
            d = dim + nd if dim < 0 else dim
            n = x.size
            if 0 < d == nd - 1 and n < _BIG and shape[-1] >= 8 and shape[d] != n and \
                    (keepdim is KEEP or keepdim is False or keepdim is True):  # (else tensor_sum refuses it)
                if x.flags.c_contiguous or _red._strided_rows(x):    # each row in torch's order (four vector
                    # accumulators); unit-stride rows as contiguous ones (reduction._strided_rows)
                    rows = np.ascontiguousarray(x).reshape(-1, shape[-1])
                    r = _inner_sums(rows).reshape(shape[:-1] + ((1,) if keepdim is True else ()))
                else:
                    r = _reduce_add(x, d, None, None, keepdim)
                if self._rg or GRAD.inference:
                    return _red._summed(r, self, d, keepdim, dim)
                return _plain(r)
    if numpy_names:
        _numpy_keywords("sum", numpy_names)
    return _red.tensor_sum(self, dim, keepdim, dtype=dtype, **numpy_names)


_NUMPY_NAMES = frozenset(("axis", "keepdims"))


def _numpy_keywords(name, given):
    """Check the keywords a reduction method took past its own: torch's parser takes NumPy's ``axis`` and
    ``keepdims``, anything else is its TypeError for the call as written.  They come as ``**numpy_names``
    rather than as parameters so that the call on the stack keeps them as passed: ``np.sum(t)`` calls
    ``t.sum(axis=None, out=None)``, and torch names ``axis`` (the first that is not a parameter's own
    name), which a parameter defaulting to None would hide."""
    if not given.keys() <= _NUMPY_NAMES or given.get("keepdims", False) is None:    # keepdims=None: not a bool
        from .._arg_refuse import refuse
        bad = next((k for k in given if k not in _NUMPY_NAMES), "keepdims")
        refuse(TypeError(f"{name}() got an unexpected keyword argument '{bad}'"))


def __matmul__(self, other):
    """Tensor.__matmul__.  Fast path: two plain float tensors of one dtype and rank >= 2, nothing to
    record -- one BLAS product (``_gemm_order.mm`` for 2-d, in torch's order where modelled).
    Vectors, grads, other dtypes and shapes that do not match go to ``matmul.matmul``; a number, list
    or array is NotImplemented, as torch's operator returns."""
    if other.__class__ is Tensor and self.__class__ is Tensor and not (self._rg or other._rg or GRAD.inference):
        x = self._data
        y = other._data
        xd = x.dtype
        if xd is y.dtype and (xd is _F32 or xd is _F64):
            nx = x.ndim
            ny = y.ndim
            if nx >= 2 and ny >= 2:
                try:
                    if nx == 2 == ny:
                        return _plain(_gemm_mm(x, y))
                    # a row-major batch @ a matrix: torch's one folded mm, in MKL's order where modelled
                    r = _gemm_small.product(x, y) if ny == 2 else None
                    if r is None and not _matmul_op._folds(self, other):
                        r = _gemm_small.bmm_small(x, y)     # torch's expand + bmm: its small loop
                    if r is None:
                        r = _np_matmul(x, y)
                except ValueError:          # sizes that do not match: torch's error, from matmul
                    pass
                else:
                    if not r.flags.c_contiguous:    # torch's bmm / folded mm output, viewed: contiguous
                        from ._layout import contig
                        r = contig(r)
                    return _plain(r)
    if not isinstance(other, Tensor):
        # torch's operator turns matmul's TypeError into NotImplemented: Python's own error then, or
        # NumPy's matmul for an ndarray (which reads the tensor through __array__)
        return NotImplemented
    return _matmul_op.matmul(self, other)
