"""``torch.linalg.lstsq`` and ``torch.linalg.pinv``.

lstsq: X minimising ||A X - B|| (the minimum-norm one when A is rank deficient).

The gradient goes through the pseudo-inverse P = pinv(A), since X = P B:
    dB = P^T gX,     dA = dpinv(gX B^T)
where dpinv is the derivative of the pseudo-inverse (Golub & Pereyra), written out in ``_pinv_grad``.
"""
import sys

import numpy as np

from ._return_types import return_type
from .autograd.graph import MODE, Node
from .ops._common import _wrap, broadcast_error, edge, needs_grad, record
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
        from ._linalg_decomp import svd_nan_check
        svd_nan_check(a)
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
    """X = pinv(A) B,  L = sum over rows of (A X - B)^2  (torch's two differentiable outputs)
        ->  dA = dpinv(gX B^T) + 2 (gL * r) X^T,   dB = pinv(A)^T gX - 2 gL * r,   r = A X - B
    (Danskin: X minimises L, so L's gradient treats X as a constant, as torch's linalg_lstsq_backward).
    An empty residual (gelsy, wide or rank-deficient A) brings no gradient."""
    __slots__ = ("vec",)
    _nout = 2
    materialize_grads = False
    _complex_ready = True       # the transposes are conjugate ones, torch's convention

    def backward(self, grads):
        gX, gL = grads
        A, B, X = self.saved()
        if gL is not None and (gL.numel() if MODE.create else gL.size) == 0:
            gL = None
        if gX is None and gL is None:
            return None, None
        graph = MODE.create         # the formula in Tensor ops, recorded, when create_graph
        up = (lambda t: t.unsqueeze(-1)) if graph else (lambda t: t[..., None])
        b2, x2 = (up(B), up(X)) if self.vec else (B, X)
        ga = gb = None
        if gX is not None:
            g2 = up(gX) if self.vec else gX
            if graph:
                P = self.m.linalg.pinv(A)
            else:
                P = np.linalg.pinv(A.astype(np.complex128 if A.dtype.kind == "c" else np.float64)).astype(A.dtype)
            # conjugate transposes: torch's formula, complex-ready (the plain transpose for real A)
            ga, gb = _pinv_grad(g2 @ _mH(b2), P, A), _mH(P) @ g2
        if gL is not None:
            gl = gL.unsqueeze(-2) if graph else gL[..., None, :]
            r = A @ x2 - b2
            ga_l, gb_l = 2 * (gl * r) @ _mH(x2), -2 * gl * r
            ga = ga_l if ga is None else ga + ga_l
            gb = gb_l if gb is None else gb + gb_l
        if self.vec:
            gb = gb[..., 0]
        if not graph:
            ga, gb = ga.astype(A.dtype, copy=False), gb.astype(B.dtype, copy=False)
        return ga, gb


def _solution_layout(sol, m, vec):
    """torch's solution is the top n rows of LAPACK's column-major max(m, n) x k right-hand side."""
    if vec:
        return np.ascontiguousarray(sol)
    from ._linalg_chol_checks import lapack_layout
    n = sol.shape[-2]
    buf = lapack_layout(np.zeros(sol.shape[:-2] + (max(m, n), sol.shape[-1]), sol.dtype))
    buf[..., :n, :] = sol
    return buf[..., :n, :]


_LSTSQ_SIGNATURE = ("linalg_lstsq(Tensor input, Tensor b, double? rcond=None, *, c10::string_view? driver=None)",)


def _refuse_args(A, B, rcond, driver):
    """torch's parser TypeError for a non-tensor A / B, a non-number rcond or a non-string driver, with
    the arguments as the user passed them (positional or keyword)."""
    import sys
    from ._arg_parser import parser_error
    from ._arg_refuse import _call_of
    from ._tensor import Tensor
    ok = isinstance(A, Tensor) and isinstance(B, Tensor) and (driver is None or isinstance(driver, str))
    if ok and rcond is None or ok and isinstance(rcond, (float, int, np.floating, np.integer)):
        return
    call = _call_of(sys._getframe(1))
    args, kwargs = (call[2], call[3]) if call else ((A, B), {"rcond": rcond, "driver": driver})
    err = parser_error(_LSTSQ_SIGNATURE, args, {k: v for k, v in kwargs.items() if v is not None})
    if err is not None:
        raise err


def _nan_argument(ai, bi, driver):
    """MKL's LAPACK refuses a NaN in A or B (its argument number: A before B), prints its xerbla line on
    stdout and returns info < 0, which torch turns into an internal assert after the whole batch ran.
    An inf passes the check.  0 where both are free of NaN."""
    bad = 4 if np.isnan(ai).any() else 6 if np.isnan(bi).any() else 0
    if bad:
        bad += driver == "gels"             # ?gels has TRANS first: A is its 5th argument, B its 7th
        routine = {"f": "S", "d": "D", "F": "C", "D": "Z"}[ai.dtype.char] + driver.upper()
        sys.stdout.write(f"\nIntel oneMKL ERROR: Parameter {bad} was incorrect on entry to {routine}.\n")
        sys.stdout.flush()
    return bad


def _per_a_element(ranks, svals, a_index, a_count):
    """The broadcast batch's ranks and singular values gathered onto A's batch (the last visit of each
    element of A wins, as torch's loop overwrites; every visit factors the same matrix)."""
    if len(ranks) == a_count:
        return ranks, svals
    r, s = [0] * a_count, [None] * a_count
    for i, j in enumerate(a_index):
        r[j], s[j] = ranks[i], svals[i]
    return r, s


def lstsq(input, b, rcond=None, *, driver=None):
    A, B = input, b                 # (torch's parser names: input, b)
    _refuse_args(A, B, rcond, driver)
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
    vec = diff == 1
    b2 = b[..., None] if vec else b
    # torch's order: the row counts, the driver, the dtype's kernel, then the batch broadcast.  The row check
    # reads b as a vector (batch) only where it is one by linalg.solve's rule: b 1-d, or of shape A.shape[:-1]
    vector_rhs = b.ndim == 1 or (vec and b.shape == a.shape[:-1])
    if a.shape[-2] != (b.shape[-1] if vector_rhs else b.shape[-2]):
        raise RuntimeError("torch.linalg.lstsq: input.size(-2) should match "
                           f"other.size({-1 if vector_rhs else -2})")
    if driver is None:
        driver = "gelsy"                        # torch's default on the CPU
    if driver not in _DRIVERS:
        raise RuntimeError("torch.linalg.lstsq: parameter `driver` should be one of (gels, gelsy, gelsd, gelss)")
    if a.dtype.kind not in "fc" or a.dtype == np.float16:
        raise RuntimeError("This function doesn't handle types other than float and double")
    try:
        batch = np.broadcast_shapes(a.shape[:-2], b2.shape[:-2])
    except ValueError:
        raise broadcast_error(a.shape[:-2], b2.shape[:-2]) from None
    if a.shape[-2] != b2.shape[-2]:     # (b one dim short of A but not a batch of vectors: refused)
        raise RuntimeError("torch.linalg.lstsq: input.size(-2) should match other.size(-1)")
    m, n = a.shape[-2:]
    k = b2.shape[-1]
    count = int(np.prod(batch, dtype=np.int64))
    # torch walks the broadcast batch with A's own batch index (batch_iterator_with_broadcasting): rank,
    # singular values and LAPACK's info are stored per element of A, not per broadcast element
    a_count = int(np.prod(a.shape[:-2], dtype=np.int64))
    a_index = np.broadcast_to(np.arange(a_count).reshape(a.shape[:-2]), batch).reshape(-1)
    aa = np.broadcast_to(a, batch + (m, n)).reshape(count, m, n)
    bb = np.broadcast_to(b2, batch + (m, k)).reshape(count, m, k)
    sols, ranks, svals = [], [], []
    if rcond is None:       # torch's default: eps(dtype) * max(m, n), for every driver that reads it
        rcond = float(np.finfo(a.dtype).eps) * max(m, n)
    from . import _linalg_gelsy
    failed = None
    for i, (ai, bi) in enumerate(zip(aa, bb)):
        sv = None
        if m and n and k:
            bad = _nan_argument(ai, bi, driver)
            if bad:
                failed = (i, bad) if failed is None else failed
                x, rank, sv = np.zeros((n, k), a.dtype), 0, np.zeros(min(m, n), np.finfo(a.dtype).dtype)
                sols.append(x)
                ranks.append(rank)
                svals.append(sv)
                continue
        if m == 0 or n == 0 or k == 0:          # torch calls no LAPACK: a zero solution, rank 0
            x, rank, sv = np.zeros((n, k), a.dtype), 0, np.zeros(min(m, n), np.finfo(a.dtype).dtype)
        elif a.dtype.kind == "c" and driver == "gelsy":
            # zgelsy: the same minimum-norm solution; the rank from the SVD (the real driver's incremental
            # condition estimate, written out in _linalg_gelsy, has no complex form here)
            x, _, rank, _ = np.linalg.lstsq(ai, bi, rcond=rcond)
        elif driver == "gelsy":
            x, rank = _linalg_gelsy.gelsy(ai, bi, rcond)
        elif driver == "gels":
            if a.dtype.kind == "c":
                from ._linalg_gels_complex import gels as zgels
                x, info = zgels(ai, bi)
            else:
                x, info = _linalg_gelsy.gels(ai, bi)
            if info:
                from ._linalg_errors import LinAlgError
                where = f"(Batch element {a_index[i]}): " if a_count > 1 else ""
                raise LinAlgError(f"torch.linalg.lstsq: {where}The least squares solution could not be computed "
                                  f"because the input matrix does not have full rank (error code: {info}).")
            rank = min(m, n)
        else:                   # gelsd / gelss: the SVD's singular values above rcond * s_max
            x, _, rank, sv = np.linalg.lstsq(ai, bi, rcond=rcond)
        sols.append(x)
        ranks.append(rank)
        svals.append(sv)
    if failed is not None:
        where = f"(Batch element {a_index[failed[0]]}): " if a_count > 1 else ""
        raise RuntimeError('false INTERNAL ASSERT FAILED at "/__w/pytorch/pytorch/aten/src/ATen/native/'
                           'BatchLinearAlgebra.cpp":1613, please report a bug to PyTorch. torch.linalg.lstsq: '
                           f"{where}Argument {failed[1]} has illegal value. Most certainly there is a bug in the "
                           "implementation calling the backend library.")
    dt = a.dtype
    real = np.finfo(dt).dtype           # residuals and singular values are real, as torch's
    sol = np.stack(sols).reshape(batch + (n, k)).astype(dt) if sols else np.zeros(batch + (n, k), dt)
    if vec:
        sol = sol[..., 0]
    # (torch reads full rank off its per-A rank tensor; an element of A no batch visited stays 0 here, where
    # torch leaves it uninitialized)
    ranks, svals = _per_a_element(ranks, svals, a_index, a_count)
    full_rank = all(r == min(m, n) for r in ranks)
    # residuals come from the drivers that factor A, and only for tall full-rank systems
    wide = np.complex128 if dt.kind == "c" else np.float64
    if driver == "gels" and (n == 0 or count == 0) and m > n:
        residuals = np.zeros(batch + (k,), real)
    elif driver != "gelsy" and m > n and full_rank and count == 0:
        residuals = np.zeros(batch + (k,), real)
    elif driver != "gelsy" and m > n and full_rank:
        residuals = np.stack([(np.abs(ai @ x - bi) ** 2).sum(-2) for ai, bi, x in
                              zip(aa.astype(wide), bb, np.stack(sols))]).reshape(batch + (k,)).astype(real)
    else:
        residuals = np.zeros(0, real)
    rank = np.asarray(ranks, np.int64).reshape(a.shape[:-2]) if driver != "gels" else np.zeros(0, np.int64)
    sv = (np.stack([np.zeros(min(m, n), real) if v is None else v for v in svals] or [np.zeros(min(m, n), real)])
          [:a_count].reshape(a.shape[:-2] + (min(m, n),)).astype(real) if driver in ("gelsd", "gelss")
          else np.zeros(0, real))
    out = _wrap(_solution_layout(sol, m, vec))
    res = _wrap(residuals)
    if needs_grad(A, B):
        node = LinalgLstsqBackward0()
        node.vec = vec
        node.save(A, B, out, result_at=2)
        node.next_functions = (edge(A), edge(B))
        node._shape = [out._data.shape, res._data.shape]
        node._dtype = [out._data.dtype, res._data.dtype]
        for nr, o in enumerate((out, res)):
            o.grad_fn, o._rg, o._out_nr = node, True, nr
    return lstsq_ret(out, res, _wrap(rank), _wrap(sv))
