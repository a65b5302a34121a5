"""``torch.linalg.lstsq`` and ``torch.linalg.pinv``.

lstsq: X minimising ||A X - B|| (the minimum-norm one when A is rank deficient).

The gradient goes through the pseudo-inverse P = pinv(A), since X = P B:
    dB = P^T gX,     dA = dpinv(gX B^T)
where dpinv is the derivative of the pseudo-inverse (Golub & Pereyra), written out in ``_pinv_grad``.
"""
import numpy as np

from ._return_types import return_type
from .autograd.graph import Node
from .ops._common import _wrap, broadcast_error, needs_grad, record
from .ops.inplace import type_name

lstsq_ret = return_type("linalg_lstsq", ["solution", "residuals", "rank", "singular_values"])
_DRIVERS = ("gels", "gelsy", "gelsd", "gelss")


def _mT(x):
    return np.swapaxes(x, -1, -2) if isinstance(x, (np.ndarray, np.generic)) else x.transpose(-1, -2)


def _mH(x):
    """The conjugate transpose (the transpose for real x)."""
    if isinstance(x, (np.ndarray, np.generic)):
        return np.swapaxes(x, -1, -2).conj() if x.dtype.kind == "c" else np.swapaxes(x, -1, -2)
    return x.mH


def _pinv_grad(G, P, A, _mT=_mH):
    """d pinv(A) pulled back: the gradient for A given G = dL/dP, P = pinv(A).  The two forms are
    the same formula arranged so that the intermediate products stay as small as possible; for complex
    A every transpose is the conjugate one (torch's convention, so the node is complex-ready)."""
    m, n = A.shape[-2:]
    Pt, Gt = _mT(P), _mT(G)
    if m <= n:
        K = Gt @ P
        KPt = K @ Pt
        return -_mT(P @ K) + KPt - (A @ P) @ KPt + (Pt @ P) @ (Gt - K @ A)
    K = P @ Gt
    PtK = Pt @ K
    return -_mT(K @ P) + (Gt - A @ K) @ P @ Pt + PtK - PtK @ P @ A


class LinalgPinvBackward0(Node):
    """P = pinv(A)   ->   dA = dpinv(g)"""
    __slots__ = ()
    _complex_ready = True

    def backward(self, g):
        A, P = self.saved()
        if not isinstance(g, (np.ndarray, np.generic)):
            return (_pinv_grad(g, P, A),)      # create_graph: the same formula in Tensor ops, recorded
        return (_pinv_grad(g, P, A).astype(A.dtype, copy=False),)


_PINV_SIGNATURES = (
    "linalg_pinv(Tensor input, *, Tensor? atol=None, Tensor? rtol=None, bool hermitian=False, Tensor out=None)",
    "linalg_pinv(Tensor input, *, double? atol=None, double? rtol=None, bool hermitian=False, Tensor out=None)",
    "linalg_pinv(Tensor input, Tensor rcond, bool hermitian=False, *, Tensor out=None)",
    "linalg_pinv(Tensor input, double rcond, bool hermitian=False, *, Tensor out=None)")


def pinv(A, rcond=None, hermitian=False, *, atol=None, rtol=None):
    """Pseudo-inverse through the SVD: singular values at or below max(atol, rtol * s_max) count as 0.
    With neither given, rtol = eps * max(m, n); with only atol, rtol = 0, as torch.  The old ``rcond``
    overload is rtol = rcond with atol = 0; it does not mix with atol / rtol."""
    if rcond is not None:
        if atol is not None or rtol is not None:
            from ._arg_parser import parser_error
            given = {k: v for k, v in (("atol", atol), ("rtol", rtol)) if v is not None}
            raise parser_error(_PINV_SIGNATURES, (A, rcond), given)
        atol, rtol = 0.0, rcond
    a = A._data
    if a.ndim < 2 or a.dtype not in (np.float32, np.float64, np.complex64, np.complex128):
        raise RuntimeError(f"linalg.pinv({type_name(a.dtype)}{{{list(a.shape)}}}): expected a tensor with 2 or more "
                           "dimensions of float, double, cfloat or cdouble types")
    if a.dtype.kind not in "fc":
        raise RuntimeError("linalg.pinv(A): Expected a floating point or complex tensor as input. Got "
                           f"{type_name(a.dtype)}")
    m, n = a.shape[-2:]
    if rtol is None:
        rtol = np.finfo(a.dtype).eps * max(m, n) if atol is None else 0.0
    atol = 0.0 if atol is None else atol
    if hermitian:
        from ._linalg_errors import _square
        w, v = np.linalg.eigh(_square(A, "eigh"))
        s, left, right = np.abs(w), v, _mH(v) * np.sign(w)[..., None]
    else:
        left, s, right = np.linalg.svd(a, full_matrices=False)
    cut = np.maximum(np.asarray(atol, s.dtype), np.asarray(rtol, s.dtype) * s.max(-1, initial=0, keepdims=True))
    s_inv = np.where(s > cut, 1 / np.where(s > cut, s, 1), 0).astype(a.dtype)
    p = _mH(right) @ (s_inv[..., None] * _mH(left))
    r = _wrap(np.ascontiguousarray(p.astype(a.dtype, copy=False)))
    if needs_grad(A):
        node = LinalgPinvBackward0()
        node.save(A, r, result_at=1)
        record(node, r, A)
    return r


class LinalgLstsqBackward0(Node):
    """X = pinv(A) B   ->   dB = pinv(A)^T g,   dA = dpinv(g B^T)"""
    __slots__ = ("vec",)

    def backward(self, g):
        A, B = self.saved()
        graph = not isinstance(g, (np.ndarray, np.generic))
        g2 = g[..., None] if self.vec else g
        b2 = B[..., None] if self.vec else B
        if graph:       # create_graph: pinv and the formula in Tensor ops, so the gradient is recorded
            P = self.m.linalg.pinv(A)
            ga, gb = _pinv_grad(g2 @ _mT(b2), P, A, _mT), _mT(P) @ g2
            return ga, (gb[..., 0] if self.vec else gb)
        P = np.linalg.pinv(A.astype(np.float64)).astype(A.dtype)
        ga = _pinv_grad(g2 @ _mT(b2), P, A, _mT)
        gb = _mT(P) @ g2
        return ga.astype(A.dtype, copy=False), (gb[..., 0] if self.vec else gb).astype(B.dtype, copy=False)


def _solution_layout(sol, m, vec):
    """torch's solution is the top n rows of LAPACK's column-major max(m, n) x k right-hand side."""
    if vec:
        return np.ascontiguousarray(sol)
    from ._linalg_chol_checks import lapack_layout
    n = sol.shape[-2]
    buf = lapack_layout(np.zeros(sol.shape[:-2] + (max(m, n), sol.shape[-1]), sol.dtype))
    buf[..., :n, :] = sol
    return buf[..., :n, :]


def lstsq(A, B, rcond=None, *, driver=None):
    a, b = A._data, B._data
    if a.ndim < 2:
        raise RuntimeError("torch.linalg.lstsq: input must have at least 2 dimensions.")
    if b.ndim < 1:
        raise RuntimeError("torch.linalg.lstsq: other must have at least 1 dimension.")
    if a.dtype != b.dtype:
        raise RuntimeError(f"torch.linalg.lstsq: Expected input and other to have the same dtype, but got input's "
                           f"dtype {type_name(a.dtype)} and other's dtype {type_name(b.dtype)}")
    diff = a.ndim - b.ndim
    if diff not in (0, 1):
        raise RuntimeError("torch.linalg.lstsq: input.dim() must be greater or equal to other.dim() and "
                           "(input.dim() - other.dim()) <= 1")
    if a.dtype.kind != "f" or a.dtype == np.float16:
        raise RuntimeError("This function doesn't handle types other than float and double")
    if driver is None:
        driver = "gelsy"                        # torch's default on the CPU
    if driver not in _DRIVERS:
        raise RuntimeError("torch.linalg.lstsq: parameter `driver` should be one of (gels, gelsy, gelsd, gelss)")
    vec = diff == 1
    b2 = b[..., None] if vec else b
    try:
        batch = np.broadcast_shapes(a.shape[:-2], b2.shape[:-2])
    except ValueError:
        raise broadcast_error(a.shape[:-2], b2.shape[:-2]) from None
    if a.shape[-2] != b2.shape[-2]:
        raise RuntimeError("torch.linalg.lstsq: input.size(-2) should match "
                           f"other.size({-1 if vec else -2})")
    m, n = a.shape[-2:]
    k = b2.shape[-1]
    aa = np.broadcast_to(a, batch + (m, n)).reshape(-1, m, n)
    bb = np.broadcast_to(b2, batch + (m, k)).reshape(-1, m, k)
    sols, ranks, svals, res = [], [], [], []
    for ai, bi in zip(aa, bb):
        x, r, rank, sv = np.linalg.lstsq(ai, bi, rcond=rcond)
        sols.append(x)
        ranks.append(rank)
        svals.append(sv)
        res.append(r)
    dt = a.dtype
    sol = np.stack(sols).reshape(batch + (n, k)).astype(dt) if sols else np.zeros(batch + (n, k), dt)
    if vec:
        sol = sol[..., 0]
    full_rank = all(r == min(m, n) for r in ranks)
    # residuals come from the drivers that factor A, and only for tall full-rank systems
    if driver != "gelsy" and m > n and full_rank:
        residuals = np.stack([((ai @ x - bi) ** 2).sum(-2) for ai, bi, x in
                              zip(aa.astype(np.float64), bb, np.stack(sols))]).reshape(batch + (k,)).astype(dt)
    else:
        residuals = np.zeros(0, dt)
    rank = np.asarray(ranks, np.int64).reshape(batch) if driver != "gels" else np.zeros(0, np.int64)
    sv = (np.stack(svals).reshape(batch + (min(m, n),)).astype(dt) if driver in ("gelsd", "gelss")
          else np.zeros(0, dt))
    out = _wrap(_solution_layout(sol, m, vec))
    if needs_grad(A, B):
        node = LinalgLstsqBackward0()
        node.vec = vec
        node.save(A, B)
        record(node, out, A, B)
    return lstsq_ret(out, _wrap(residuals), _wrap(rank), _wrap(sv))
