"""``torch.linalg``: norms, inv, det, solve with gradients; qr, cholesky, svd, eigh, slogdet, pinv,
matrix_rank forward only (torch's backward for these is exotic; they give results without a graph).
"""
import numpy as np

from .autograd.graph import Node
from .ops._common import GRAD, _wrap, record, record1, needs_grad
from .ops.norms import vector_norm
from .ops.matmul import matmul, _T

__all__ = ["vector_norm", "matrix_norm", "norm", "inv", "det", "slogdet", "solve", "qr", "cholesky", "svd",
           "svdvals", "eigh", "eigvalsh", "pinv", "matrix_rank", "matmul", "cross"]


def _square(A, name):
    a = A._data
    if a.ndim < 2:
        raise RuntimeError(f"linalg.{name}: The input tensor A must have at least 2 dimensions.")
    if a.shape[-1] != a.shape[-2]:
        raise RuntimeError(f"linalg.{name}: A must be batches of square matrices, but they are {a.shape[-2]} by "
                           f"{a.shape[-1]} matrices")
    return a


class LinalgInvExBackward0(Node):
    """Y = A^-1   ->   dA = -Y^T g Y^T"""
    __slots__ = ()

    def backward(self, g):
        Y, = self.saved()
        m = self.m
        Yt = _T(Y)
        mm = (lambda p, q: p @ q) if isinstance(g, np.ndarray) else m.matmul
        return (-mm(mm(Yt, g), Yt),)


def inv(A, *, out=None):
    a = _square(A, "inv")
    try:
        y = np.linalg.inv(a)
    except np.linalg.LinAlgError:
        raise RuntimeError("linalg.inv: The diagonal element 1 is zero, the inversion could not be completed "
                           "because the input matrix is singular.") from None
    r = _wrap(y.astype(a.dtype, copy=False))
    if GRAD.enabled and A._rg:
        node = LinalgInvExBackward0()
        node.save(r, result_at=0)
        record1(node, r, A)
    return r


class LinalgDetBackward0(Node):
    """y = det(A)   ->   dA = g y A^-T"""
    __slots__ = ()

    def backward(self, g):
        A, y = self.saved()
        if isinstance(g, np.ndarray):
            return ((g * y)[..., None, None] * np.swapaxes(np.linalg.inv(A), -1, -2),)
        return ((g * y).unsqueeze(-1).unsqueeze(-1) * inv(A).mT,)


def det(A, *, out=None):
    a = _square(A, "det")
    r = _wrap(np.asarray(np.linalg.det(a)).astype(a.dtype, copy=False))
    if GRAD.enabled and A._rg:
        node = LinalgDetBackward0()
        node.save(A, r, result_at=1)
        record1(node, r, A)
    return r


def slogdet(A, *, out=None):
    s, l = np.linalg.slogdet(_square(A, "slogdet"))
    return _wrap(np.asarray(s, A._data.dtype)), _wrap(np.asarray(l, A._data.dtype))


class LinalgSolveExBackward0(Node):
    """X = A^-1 B   ->   dB = A^-T g,   dA = -dB X^T"""
    __slots__ = ("vec",)

    def backward(self, g):
        A, X = self.saved()
        if isinstance(g, np.ndarray):
            gb = np.linalg.solve(np.swapaxes(A, -1, -2), g[..., None] if self.vec else g)
            xs = X[..., None] if self.vec else X
            ga = -gb @ np.swapaxes(xs, -1, -2)
            return ga, (gb[..., 0] if self.vec else gb)
        gb = solve(A.mT, g)
        xs = X.unsqueeze(-1) if self.vec else X
        gbs = gb.unsqueeze(-1) if self.vec else gb
        return -(gbs @ xs.mT), gb


def solve(A, B, *, left=True, out=None):
    a = _square(A, "solve")
    b = B._data
    vec = b.ndim == 1 or (b.ndim == a.ndim - 1 and b.shape == a.shape[:-1])
    try:
        x = np.linalg.solve(a, b[..., None] if vec else b)
    except np.linalg.LinAlgError:
        raise RuntimeError("torch.linalg.solve: The solver failed because the input matrix is singular.") from None
    r = _wrap((x[..., 0] if vec else x).astype(a.dtype, copy=False))
    if needs_grad(A, B):
        node = LinalgSolveExBackward0()
        node.vec = vec
        node.save(A, r, result_at=1)
        record(node, r, A, B)
    return r


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None, out=None):
    if ord == "fro":
        return vector_norm(A, 2, dim, keepdim, dtype=dtype)
    a = A._data
    r = np.linalg.norm(np.moveaxis(a, dim, (-2, -1)), ord=ord, axis=(-2, -1))
    if keepdim:
        r = np.expand_dims(r, tuple(sorted(d % a.ndim for d in dim)))
    return _wrap(np.asarray(r, a.dtype))


def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None, out=None):
    if ord is None or (isinstance(ord, (int, float)) and dim is not None and not isinstance(dim, (tuple, list))):
        return vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype)
    if isinstance(ord, str) or (dim is not None and len(dim) == 2) or (dim is None and A._data.ndim == 2):
        return matrix_norm(A, ord, (-2, -1) if dim is None else dim, keepdim, dtype=dtype)
    return vector_norm(A, ord, dim, keepdim, dtype=dtype)


def _forward_only(arrays, dtype):
    return tuple(_wrap(np.ascontiguousarray(np.asarray(x).astype(dtype, copy=False))) for x in arrays)


def qr(A, mode="reduced", *, out=None):
    from .ops.reduce_more import _ret
    q, r = np.linalg.qr(A._data, mode=mode if mode != "r" else "r") if mode != "r" else \
        (np.zeros(0, A._data.dtype), np.linalg.qr(A._data, mode="r"))
    return _QR(*_forward_only((q, r), A._data.dtype))


def cholesky(A, *, upper=False, out=None):
    a = _square(A, "cholesky")
    try:
        L = np.linalg.cholesky(a)
    except np.linalg.LinAlgError:
        raise RuntimeError("linalg.cholesky: The factorization could not be completed because the input is not "
                           "positive-definite.") from None
    return _forward_only((np.swapaxes(L, -1, -2) if upper else L,), a.dtype)[0]


def svd(A, full_matrices=True, *, driver=None, out=None):
    u, s, vh = np.linalg.svd(A._data, full_matrices=full_matrices)
    return _SVD(*_forward_only((u, s, vh), A._data.dtype))


def svdvals(A, *, driver=None, out=None):
    return _forward_only((np.linalg.svd(A._data, compute_uv=False),), A._data.dtype)[0]


def eigh(A, UPLO="L", *, out=None):
    w, v = np.linalg.eigh(_square(A, "eigh"), UPLO=UPLO)
    return _Eigh(*_forward_only((w, v), A._data.dtype))


def eigvalsh(A, UPLO="L", *, out=None):
    return _forward_only((np.linalg.eigvalsh(_square(A, "eigvalsh"), UPLO=UPLO),), A._data.dtype)[0]


def pinv(A, *, atol=None, rtol=None, hermitian=False, out=None):
    return _forward_only((np.linalg.pinv(A._data, hermitian=hermitian),), A._data.dtype)[0]


def matrix_rank(A, *, atol=None, rtol=None, hermitian=False, out=None):
    return _wrap(np.asarray(np.linalg.matrix_rank(A._data, hermitian=hermitian), np.int64))


def cross(input, other, *, dim=-1, out=None):
    from .ops.views import select
    from .ops.join import stack
    def comp(t, i):
        return select(t, dim, i)
    a = [comp(input, i) for i in range(3)]
    b = [comp(other, i) for i in range(3)]
    return stack([a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]], dim)


import collections  # noqa: E402
_QR = collections.namedtuple("qr", ["Q", "R"])
_SVD = collections.namedtuple("svd", ["U", "S", "Vh"])
_Eigh = collections.namedtuple("eigh", ["eigenvalues", "eigenvectors"])
