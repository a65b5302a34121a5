"""Matrix products: matmul (``@``), mm, bmm, mv, dot, outer, addmm, baddbmm, tensordot, kron, einsum.

``matmul`` dispatches on the ranks as torch does, so the graph has torch's nodes: 1-d @ 1-d is
``dot``, 2-d @ 1-d ``mv``, 2-d @ 2-d ``mm``, 1-d @ 2-d is ``unsqueeze, mm, squeeze_``
(SqueezeBackward4), and anything batched folds into ``mm``/``mv``/``bmm`` and is then reshaped
back (UnsafeViewBackward0).  With no gradient to record it is one product: MKL's order for the
small ones (``_gemm_order``, ``_gemm_small``), else ``np.matmul``.
"""
import numpy as np

from ..autograd.graph import Node
from ..autograd._saved_meta import mm_meta
from . import _gemm_order, _gemm_small
from .matmul_double import _col_major, _mm_grads_graph
from ._common import GRAD, Tensor, _wrap, record, record1, needs_grad
from ._common import tensors_only
from .shape import reshape, unsqueeze, expand, contiguous, UnsafeViewBackward0, SqueezeBackward4
from .matmul_checks import _c_name, _same_dtype, _bmm_dtypes, _check_matmul, _broadcast_batch  # noqa: F401
from .matmul_checks import _mv_dtypes, _addmm_dtypes
from .._arg_parser import tp_name
from .._arg_refuse import not_a_tensor

def _T(x):
    """The transpose of the last two dims, for arrays and tensors alike."""
    return np.swapaxes(x, -1, -2) if isinstance(x, np.ndarray) else x.transpose(-1, -2)


def _record_product(node_cls, r, a, b):
    """``r = a b`` gets a ``node_cls`` when a factor needs a gradient; each factor is saved only
    when the other one needs its gradient (dA uses B, dB uses A).  Returns ``r``."""
    if needs_grad(a, b):
        node = node_cls()
        x, y = (b, a) if node_cls._saved_names[0] == "mat2" else (a, b)    # torch saves mm's mat2 first
        node.save(x if y._rg else None, y if x._rg else None)
        if node_cls is MmBackward0:         # the layouts its create_graph formulas choose by
            node.cols = (_col_major(a._data), _col_major(b._data))
            mm_meta(node, "self", a, b)
        record(node, r, a, b)
    return r


def _mat(m, a, b):
    # a backward product is torch's mm / bmm: its order where modelled
    return _gemm_small.backward_product(a, b) if isinstance(a, np.ndarray) else m.matmul(a, b)


# ---- the primitives ----------------------------------------------------------------------------
class DotBackward0(Node):
    """z = a . b   ->   da = g * b,   db = g * a"""
    __slots__ = ()
    _saved_names = ("self", "tensor")

    def backward(self, g):
        a, b = self.saved()
        return (None if b is None else g * b), (None if a is None else g * a)


def dot(input, other, *, out=None):
    tensors_only('dot', input, other)
    x, y = input._data, other._data
    if x.ndim != 1 or y.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {x.ndim}D and {y.ndim}D tensors")
    if x.shape[0] != y.shape[0]:
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{x.shape[0]}] and src [{y.shape[0]}] to "
                           f"have the same number of elements, but got {x.shape[0]} and {y.shape[0]} elements "
                           f"respectively")
    if x.dtype != y.dtype:
        raise RuntimeError(f"dot : expected both vectors to have same dtype, but found {_long_name(x)} and "
                           f"{_long_name(y)}")
    if x.dtype.kind == "b":
        raise NotImplementedError("\"dot\" not implemented for 'Bool'")
    return _record_product(DotBackward0, _wrap(np.asarray(_dot(x, y, input, other))), input, other)


_DOT_LIMIT = {"f": 8192, "d": 4096}     # from these lengths on MKL splits a dot over its threads


def _dot(x, y, input, other):
    """x . y as torch's MKL computes it (``optim/_blas_order.dot``, measured on AMD CPUs) for the
    float vectors whose order is modelled: contiguous, 16-byte aligned in their storage as torch's
    allocator aligns fresh tensors, shorter than MKL's threaded lengths; NumPy's dot otherwise."""
    if x.dtype.char in "fd" and x.size < _DOT_LIMIT[x.dtype.char] and x.strides[0] == x.itemsize == y.strides[0]:
        from .storage import storage_offset
        if storage_offset(input) * x.itemsize % 16 == 0 and storage_offset(other) * y.itemsize % 16 == 0:
            from ..optim._blas_order import dot as mkl_dot
            return mkl_dot(x, y)
    return np.dot(x, y)


def _long_name(x):
    from .inplace import type_name
    return type_name(x.dtype)


def vdot(input, other, *, out=None):
    """dot(conj(input), other), recorded as VdotBackward0 (ops/vdot.py)."""
    from .vdot import vdot as _vdot
    return _vdot(input, other)


class MvBackward0(Node):
    """y = A v   ->   dA = outer(g, v),   dv = A^T g"""
    __slots__ = ()
    _saved_names = ("self", "vec")

    def backward(self, g):
        A, v = self.saved()
        m = self.m
        dA = None if v is None else (np.outer(g, v) if isinstance(g, (np.ndarray, np.generic)) else m.outer(g, v))
        dv = None if A is None else _mat(m, _T(A), g)
        return dA, dv


def mv(input, vec, *, out=None):
    try:
        A, v = input._data, vec._data
    except AttributeError:          # not a tensor: torch's parser error
        not_a_tensor()
    if A.ndim != 2 or v.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {A.ndim}, {v.ndim}")
    if A.shape[1] != v.shape[0]:
        raise RuntimeError(f"size mismatch, got input ({A.shape[0]}), mat ({A.shape[0]}x{A.shape[1]}), vec "
                           f"({v.shape[0]})")
    _mv_dtypes(v.dtype, A, v)
    return _record_product(MvBackward0, _wrap(_gemm_small.mv(A, v)), input, vec)


class MmBackward0(Node):
    """Y = A B   ->   dA = g B^T,   dB = A^T g"""
    __slots__ = ("cols",)
    _saved_names = ("mat2", "self")

    def backward(self, g):
        B, A = self.saved()
        if self.m is not np and type(self) is MmBackward0:
            return _mm_grads_graph(g, A, B, self.cols, 1)
        m = self.m
        return (None if B is None else _mat(m, g, _T(B))), (None if A is None else _mat(m, _T(A), g))


def _check_mm(x, y):
    if x.shape[-1] != y.shape[-2]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({x.shape[-2]}x{x.shape[-1]} and "
                           f"{y.shape[-2]}x{y.shape[-1]})")
    _same_dtype(x, y)
    if x.dtype.kind == "b":
        raise NotImplementedError("\"addmm_impl_cpu_\" not implemented for 'Bool'")


def mm(input, mat2, *, out=None):
    if input.__class__ is not Tensor and (input.is_sparse or input.layout.name in ("sparse_csr", "sparse_csc")):
        # torch's sparse addmm (CSR, CSC too): its order, its checks
        from ..sparse._mm import sparse_mm
        return sparse_mm(input, mat2)
    try:
        x, y = input._data, mat2._data
    except AttributeError:          # not a tensor: torch's parser error
        not_a_tensor()
    if x.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if y.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    if mat2.__class__ is not Tensor and mat2.is_sparse:
        from ..sparse._mm import check_dense_sparse
        check_dense_sparse(x, mat2)
    _check_mm(x, y)
    return _record_product(MmBackward0, _wrap(_gemm_order.mm(x, y)), input, mat2)


class BmmBackward0(MmBackward0):
    """Y_b = A_b B_b   ->   dA = g B^T,   dB = A^T g   (batch by batch)"""
    __slots__ = ()


def bmm(input, mat2, *, out=None):
    try:
        x, y = input._data, mat2._data
    except AttributeError:          # not a tensor: torch's parser error
        not_a_tensor()
    if x.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if y.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    if y.shape[:2] != (x.shape[0], x.shape[2]):
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{x.shape[0]}, "
                           f"{x.shape[2]}] but got: [{y.shape[0]}, {y.shape[1]}].")
    _bmm_dtypes(x, y)
    r = _gemm_small.bmm_small(x, y)            # small products: ATen's own loop, not the BLAS
    return _record_product(BmmBackward0, _wrap(_gemm_order.matmul_nd(x, y) if r is None else r), input, mat2)


def _unsafe_view(t, shape):
    """A reshape of a tensor nobody else sees (torch's ``_unsafe_view``): UnsafeViewBackward0."""
    r = _wrap(t._data.reshape(shape))
    if GRAD.enabled and t._rg:
        node = UnsafeViewBackward0()
        node.shape = t._data.shape
        record1(node, r, t)
    return r


# ---- matmul ------------------------------------------------------------------------------------
def matmul(input, other, *, out=None):
    if not isinstance(other, Tensor):
        from .._arg_refuse import refuse         # torch's parser error for the call made (x.matmul: position 1)
        refuse(TypeError(f"matmul(): argument 'other' (position 2) must be Tensor, not {tp_name(other)}"))
    if (input.__class__ is not Tensor and input.is_sparse or other.__class__ is not Tensor and other.is_sparse) \
            and input.ndim == 2 == other.ndim:
        return mm(input, other)
    if input.__class__ is not Tensor and input.is_sparse and other.ndim > 2:
        raise RuntimeError("expand is unsupported for Sparse tensors")      # torch's batched matmul expands
    if input.__class__ is not Tensor and getattr(input, "is_sparse_csr", False):
        return input @ other
    x, y = input._data, other._data
    if x.ndim == 1 and y.ndim == 1:
        return dot(input, other)            # torch's matmul of two vectors is dot: its errors, its sum
    if not (GRAD.enabled and (input._rg or other._rg)):
        # fast path: no graph, and shapes NumPy accepts are the ones torch accepts (bar dtype)
        if x.dtype == y.dtype and x.ndim and y.ndim:
            if x.dtype.kind == "b":
                _refuse_bool(x, y, _folds(input, other))
            try:
                r = _gemm_small.product(x, y)
                if r is None and x.ndim > 1 < y.ndim and x.ndim + y.ndim > 4 and not _folds(input, other):
                    r = _gemm_small.bmm_small(x, y)         # torch's expand + bmm: its small loop
                r = np.asarray(r if r is not None else _gemm_order.mm(x, y) if x.ndim == 2 == y.ndim else
                               _gemm_order.matmul_nd(x, y) if x.ndim > 1 < y.ndim else np.matmul(x, y))
            except ValueError:
                pass
            else:
                if not r.flags.c_contiguous:        # torch's mm / bmm outputs (then viewed) are contiguous
                    from ._layout import contig
                    r = contig(r)
                return _wrap(r)
        _check_matmul(x, y, _folds(input, other))
        return _wrap(np.asarray(np.matmul(x, y)))
    fold = _folds(input, other)
    _check_matmul(x, y, fold)
    dx, dy = x.ndim, y.ndim
    if dx == 2 and dy == 1:
        return mv(input, other)
    if dx == 2 and dy == 2:
        return mm(input, other)
    if dx == 1 and dy == 2:
        r = mm(unsqueeze(input, 0), other)
        return _squeeze4(r)
    if dx <= 2 and dy >= 3 and fold:
        # torch computes (b^T a^T)^T so the batched side is the one folded, then copies (CloneBackward0)
        from .views import transpose, t
        r = matmul(transpose(other, -1, -2), t(input) if dx == 2 else input)
        return contiguous(transpose(r, -1, -2)) if dx == 2 else r
    if dx >= 3 and dy <= 2 and fold:
        folded = reshape(input, -1, x.shape[-1])
        r = mv(folded, other) if dy == 1 else mm(folded, other)
        return _unsafe_view(r, x.shape[:-1] + y.shape[1:])
    return _batched(input, other)


def _refuse_bool(x, y, fold):
    """torch has no boolean matrix product; the kernel named is the one matmul dispatches to."""
    if x.ndim == 1 and y.ndim == 1:
        kernel = "dot"
    elif max(x.ndim, y.ndim) >= 3 and not fold or x.ndim >= 3 and y.ndim >= 3:
        kernel = "bmm"
    else:
        kernel = "addmv_impl_cpu" if y.ndim == 1 else "addmm_impl_cpu_"
    raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")


def _folds(input, other):
    """torch's ``should_fold``: a batched @ matrix-or-vector product (either order) becomes one mm/mv
    on the batched side flattened to 2-d when the other factor requires grad, or when the flattening
    needs no copy (and the 2-d side is not the left factor); otherwise it goes through bmm, which
    shows in the graph and in the error message of mismatched sizes."""
    x, y = input._data, other._data
    larger = x.ndim >= y.ndim
    if not (max(x.ndim, y.ndim) >= 3 and min(x.ndim, y.ndim) <= 2):
        return False
    t1 = x if larger else np.swapaxes(y, -1, -2)
    if (other if larger else input)._rg:
        return True
    if x.ndim == 2:
        return False
    if t1.size == 0:
        return True
    st, sh = [s // t1.itemsize for s in t1.strides], t1.shape
    return all(st[i] == st[i + 1] * sh[i + 1] for i in range(t1.ndim - 2))


def _squeeze4(r):
    """matmul's in-place ``squeeze_(0)`` after a 1-d @ 2-d product: SqueezeBackward4."""
    out = _wrap(r._data.reshape(r._data.shape[1:]))
    node = SqueezeBackward4()
    node.shape = r._data.shape
    return record1(node, out, r)


def _batched(a, b):
    x, y = a._data, b._data
    a2 = unsqueeze(a, 0) if x.ndim == 1 else a
    b2 = unsqueeze(b, -1) if y.ndim == 1 else b
    batch = _broadcast_batch(a2._data.shape[:-2], b2._data.shape[:-2])
    n, k = a2._data.shape[-2:]
    m = b2._data.shape[-1]
    B = int(np.prod(batch))
    ea = expand(a2, batch + (n, k))          # torch expands even to the same shape (ExpandBackward0)
    eb = expand(b2, batch + (k, m))
    r = bmm(reshape(ea, B, n, k), reshape(eb, B, k, m))
    if y.ndim == 1:                          # torch drops the vector's column first (SqueezeBackward1)
        from .shape import squeeze
        r = squeeze(r, -1)
    shape = batch + ((n,) if x.ndim > 1 else ()) + ((m,) if y.ndim > 1 else ())
    return _unsafe_view(r, shape)


# ---- fused products ----------------------------------------------------------------------------
class AddmmBackward0(Node):
    """Y = beta C + alpha A B   ->   dC = beta g,   dA = alpha g B^T,   dB = alpha A^T g"""
    __slots__ = ("alpha", "beta", "cols")
    _saved_names = ("attr:alpha", "attr:beta", "mat1", "mat2")

    def backward(self, g):
        A, B = self.saved()
        m = self.m
        if m is not np and type(self) is AddmmBackward0:
            from .scalar_arith import mul_scalar
            return ((g if self.beta == 1 else mul_scalar(g, self.beta)),) + _mm_grads_graph(g, A, B, self.cols,
                                                                                             self.alpha)
        dC = g if self.beta == 1 else g * self.beta
        dA = None if B is None else _mat(m, g, _T(B))
        dB = None if A is None else _mat(m, _T(A), g)
        if self.alpha != 1:
            dA = None if dA is None else dA * self.alpha
            dB = None if dB is None else dB * self.alpha
        return dC, dA, dB


def addmm(input, mat1, mat2, *deprecated, beta=1, alpha=1, out=None):
    if deprecated:      # torch.addmm(beta, input, [alpha,] mat1, mat2), the 0.4-era overloads
        from .._deprecated_overloads import rebind_blas
        input, mat1, mat2, beta, alpha = rebind_blas("addmm", False, (input, mat1, mat2) + deprecated, beta, alpha)
    x, y = mat1._data, mat2._data
    if x.ndim != 2 or y.ndim != 2:
        raise RuntimeError("mat1 must be a matrix, got " + str(x.ndim) + "-D tensor" if x.ndim != 2 else
                           "mat2 must be a matrix, got " + str(y.ndim) + "-D tensor")
    _addmm_dtypes(input._data.dtype, x, y)
    _check_mm(x, y)
    if alpha == 1 and beta == 1:      # short k: MKL's small kernel, C added first or last by layout
        r = _gemm_small.addmm_small(input._data, x, y)
        if r is not None:
            return _addmm_like(AddmmBackward0, input, mat1, mat2, r, beta, alpha, x.dtype, summed=True)
    return _addmm_like(AddmmBackward0, input, mat1, mat2, _opmath(x) @ _opmath(y), beta, alpha, x.dtype)


def _opmath(a):
    """float16 operands as float32: torch's CPU gemm sums half products in float (its opmath type), adds
    alpha, beta and C there too, and rounds to half once at the end."""
    return a.astype(np.float32) if a.dtype == np.float16 else a


def _addmm_like(node_cls, input, a, b, prod, beta, alpha, dtype=None, summed=False):
    """beta C + alpha prod, in prod's dtype (float32 for a half product: see _opmath), as ``dtype``
    (``summed``: ``prod`` already holds C + prod)."""
    c = input._data
    if prod.dtype != c.dtype and c.dtype == np.float16:
        c = c.astype(prod.dtype)
    target = prod.shape
    try:
        np.broadcast_to(c, target)
        fits = True
    except ValueError:
        fits = False
    if not fits:                         # torch expands the input to the product's shape: its error
        from .shape import expand
        expand(input, *target)
    res = prod if alpha == 1 else prod * alpha
    if beta != 0 and not summed:
        res = res + (c if beta == 1 else c * beta)
    r = _wrap(np.asarray(res, dtype=prod.dtype if dtype is None else dtype))
    if needs_grad(input, a, b):
        node = node_cls()
        node.alpha, node.beta = alpha, beta
        if node_cls is AddmmBackward0:
            node.cols = (_col_major(a._data), _col_major(b._data))
            mm_meta(node, "mat1", a, b)
        node.save(a if b._rg else None, b if a._rg else None)
        record(node, r, input, a, b)
    return r


class BaddbmmBackward0(AddmmBackward0):
    """Y_b = beta C_b + alpha A_b B_b   ->   as addmm, batch by batch"""
    __slots__ = ()
    _saved_names = ("attr:alpha", "attr:beta", "batch1", "batch2")


def baddbmm(input, batch1, batch2, *deprecated, beta=1, alpha=1, out=None):
    if deprecated:      # torch.baddbmm(beta, input, [alpha,] batch1, batch2), the 0.4-era overloads
        from .._deprecated_overloads import rebind_blas
        input, batch1, batch2, beta, alpha = rebind_blas("baddbmm", False, (input, batch1, batch2) + deprecated, beta, alpha)
    x, y = batch1._data, batch2._data
    if x.ndim != 3 or y.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor" if x.ndim != 3 else "batch2 must be a 3D tensor")
    if y.shape[:2] != (x.shape[0], x.shape[2]):
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{x.shape[0]}, "
                           f"{x.shape[2]}] but got: [{y.shape[0]}, {y.shape[1]}].")
    if input._data.dtype != x.dtype:
        raise RuntimeError(f"Input dtypes must be the same, got: input {_c_name(input._data.dtype)}, batch1: "
                           f"{_c_name(x.dtype)}, batch2: {_c_name(y.dtype)}")
    _bmm_dtypes(x, y)
    prod = _gemm_small.bmm_small(x, y)          # small products: ATen's own loop (then beta C + alpha prod)
    return _addmm_like(BaddbmmBackward0, input, batch1, batch2, np.matmul(_opmath(x), _opmath(y)) if prod is None
                       else prod, beta, alpha, x.dtype)


__all__ = ["matmul", "mm", "bmm", "mv", "dot", "vdot", "outer", "ger", "addmm", "addmv", "baddbmm", "tensordot",
           "kron"]


from .matmul_more import addmv, AddmvBackward0  # noqa: E402,F401  (defined there, built on _addmm_like)
from .matmul_products import outer, ger, tensordot, kron  # noqa: E402,F401  (products built from the ops above)
