"""``addr`` (outer product added to a matrix), ``addbmm`` (a batch of products summed, added to a
matrix) and ``addmv`` (a matrix-vector product added to a vector), each with its own node as in torch;
they share ``addmm``'s forward (``matmul._addmm_like``)."""
import numpy as np

from ..autograd.graph import Node
from .matmul import _addmm_like, _mat, _T, mv  # noqa: F401
from .matmul_checks import _mv_dtypes


def _outer(m, a, b):
    return np.outer(a, b) if isinstance(a, np.ndarray) else m.outer(a, b)


class AddrBackward0(Node):
    """Y = beta C + alpha u v^T   ->   dC = beta g,   du = alpha g v,   dv = alpha g^T u"""
    __slots__ = ("alpha", "beta")
    _saved_names = ("attr:alpha", "attr:beta", "vec1", "vec2")

    def backward(self, g):
        u, v = self.saved()
        m = self.m
        dC = g if self.beta == 1 else g * self.beta
        du = None if v is None else _mat(m, g, v)
        dv = None if u is None else _mat(m, _T(g), u)
        if self.alpha != 1:
            du = None if du is None else du * self.alpha
            dv = None if dv is None else dv * self.alpha
        return dC, du, dv


def addr(input, vec1, vec2, *deprecated, beta=1, alpha=1, out=None):
    if deprecated:      # torch.addr(beta, input, [alpha,] vec1, vec2), the 0.4-era overloads
        from .._deprecated_overloads import rebind_blas
        input, vec1, vec2, beta, alpha = rebind_blas("addr", False, (input, vec1, vec2) + deprecated, beta, alpha)
    u, v = vec1._data, vec2._data
    if u.ndim != 1 or v.ndim != 1:
        raise RuntimeError(f"addr: Expected 1-D argument vec1, but got {u.ndim}-D" if u.ndim != 1 else
                           f"addr: Expected 1-D argument vec2, but got {v.ndim}-D")
    _check_expand(input._data.shape, (u.shape[0], v.shape[0]))
    return _addmm_like(AddrBackward0, input, vec1, vec2, np.outer(u, v), beta, alpha)


def _check_expand(shape, target):
    """torch's expand message, naming the last dim that does not fit."""
    lead = len(target) - len(shape)
    for i in reversed(range(len(target))):
        have = shape[i - lead] if i >= lead else 1
        if have != target[i] and have != 1:
            raise RuntimeError(f"The expanded size of the tensor ({target[i]}) must match the existing size ({have}) "
                               f"at non-singleton dimension {i}.  Target sizes: {list(target)}.  Tensor sizes: "
                               f"{list(shape)}")


class AddbmmBackward0(Node):
    """Y = beta C + alpha sum_b A_b B_b   ->   dC = beta g,   dA_b = alpha g B_b^T,   dB_b = alpha A_b^T g"""
    __slots__ = ("alpha", "beta")
    _saved_names = ("attr:alpha", "attr:beta", "batch1", "batch2")

    def backward(self, g):
        A, B = self.saved()
        m = self.m
        dC = g if self.beta == 1 else g * self.beta
        dA = None if B is None else _mat(m, g, _T(B))        # g broadcasts over the batch
        dB = None if A is None else _mat(m, _T(A), g)
        if self.alpha != 1:
            dA = None if dA is None else dA * self.alpha
            dB = None if dB is None else dB * self.alpha
        return dC, dA, dB


def addbmm(input, batch1, batch2, *deprecated, beta=1, alpha=1, out=None):
    if deprecated:      # torch.addbmm(beta, input, [alpha,] batch1, batch2), the 0.4-era overloads
        from .._deprecated_overloads import rebind_blas
        input, batch1, batch2, beta, alpha = rebind_blas("addbmm", False, (input, batch1, batch2) + deprecated, beta, alpha)
    x, y = batch1._data, batch2._data
    if x.ndim != 3 or y.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor" if x.ndim != 3 else "batch2 must be a 3D tensor")
    if x.shape[0] != y.shape[0]:
        raise RuntimeError(f"batch1 and batch2 must have same number of batches, got {x.shape[0]} and {y.shape[0]}")
    if x.shape[2] != y.shape[1]:
        raise RuntimeError(f"Incompatible matrix sizes for bmm ({x.shape[1]}x{x.shape[2]} and "
                           f"{y.shape[1]}x{y.shape[2]})")
    return _addmm_like(AddbmmBackward0, input, batch1, batch2, np.matmul(x, y).sum(0), beta, alpha)


__all__ = ["addr", "addbmm"]


class AddmvBackward0(Node):
    """y = beta c + alpha A v   ->   dc = beta g,   dA = alpha outer(g, v),   dv = alpha A^T g"""
    __slots__ = ("alpha", "beta")
    _saved_names = ("attr:alpha", "attr:beta", "mat", "vec")

    def backward(self, g):
        A, v = self.saved()
        m = self.m
        dC = g if self.beta == 1 else g * self.beta
        dA = None if v is None else (np.outer(g, v) if isinstance(g, (np.ndarray, np.generic)) else m.outer(g, v))
        dv = None if A is None else _mat(m, _T(A), g)
        if self.alpha != 1:
            dA = None if dA is None else dA * self.alpha
            dv = None if dv is None else dv * self.alpha
        return dC, dA, dv


def addmv(input, mat, vec, *deprecated, beta=1, alpha=1, out=None):
    if deprecated:      # torch.addmv(beta, input, [alpha,] mat, vec), the 0.4-era overloads
        from .._deprecated_overloads import rebind_blas
        input, mat, vec, beta, alpha = rebind_blas("addmv", False, (input, mat, vec) + deprecated, beta, alpha)
    A, v, c = mat._data, vec._data, input._data
    if A.ndim != 2 or v.ndim != 1 or c.ndim > 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {c.ndim}, {A.ndim}, {v.ndim}")
    if A.shape[1] != v.shape[0] or c.ndim == 1 and c.shape[0] not in (1, A.shape[0]):
        raise RuntimeError(f"size mismatch, got input ({c.shape[0] if c.ndim else 1}), mat ({A.shape[0]}x"
                           f"{A.shape[1]}), vec ({v.shape[0]})")
    _mv_dtypes(c.dtype, A, v)
    from ._gemm_small import mv as _mv, addmv_small          # MKL's gemv order where modelled
    if alpha == 1 and beta == 1:
        r = addmv_small(c, A, v)
        if r is not None:
            return _addmm_like(AddmvBackward0, input, mat, vec, r, beta, alpha, summed=True)
    return _addmm_like(AddmvBackward0, input, mat, vec, _mv(A, v), beta, alpha)
