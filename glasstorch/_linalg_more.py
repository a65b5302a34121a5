"""More of ``torch.linalg``: matrix_exp (with its gradient), cond, solve_triangular, householder_product,
geqrf, cholesky_solve, diagonal, vander (eig and eigvals live in _linalg_complex)."""
import math

import numpy as np

from .autograd.graph import Node
from .ops._common import _wrap, needs_grad, record, record1
from .ops.shape import is_array
from ._typed_args import check, check_all
from ._linalg_chol_checks import (check_cholesky_inverse, check_cholesky_solve, check_householder,
                                  check_solve_triangular, lapack_layout)

_MISSING = object()

__all__ = ["matrix_exp", "cond", "solve_triangular", "householder_product", "geqrf", "cholesky_solve", "diagonal",
           "vander", "eig", "eigvals", "cholesky_inverse"]

# the largest 1-norm each Taylor degree handles to working precision (torch's table, from
# Bader, Blanes & Casas 2019); beyond the last, the matrix is scaled by 2^-s and squared s times
_THETA = {np.dtype(np.float32): ((1, 1.192092800768788e-07), (2, 5.978858893805233e-04), (4, 5.116619363445086e-02),
                                 (8, 5.800524627688768e-01), (12, 1.461661507209034e+00),
                                 (18, 3.010066362817634e+00)),
          np.dtype(np.float64): ((1, 2.220446049250313e-16), (2, 2.580956802971767e-08), (4, 3.397168839976962e-04),
                                 (8, 4.991228871115323e-02), (12, 2.996158913811580e-01),
                                 (18, 1.090863719290036e+00))}


def _taylor(a, deg):
    """sum_{k <= deg} a^k / k!, Horner style: I + a(I + a/2 (I + a/3 (...)))."""
    eye = np.broadcast_to(np.eye(a.shape[-1], dtype=a.dtype), a.shape)
    r = eye.copy()
    for k in range(deg, 0, -1):
        r = eye + (a @ r) / a.dtype.type(k)
    return r


def _expm_one(a):
    # float32 matrices are exponentiated in double and rounded once: torch's float32 result carries
    # its own rounding errors, which this stays well within
    out_dt = a.dtype
    thetas = _THETA.get(a.dtype, _THETA[np.dtype(np.float64)])
    a = a.astype(np.float64)
    norm = float(np.abs(a).sum(axis=-2).max()) if a.size else 0.0
    for deg, theta in thetas:
        if norm <= theta:
            return _taylor(a, deg).astype(out_dt)
    s = max(0, math.ceil(math.log2(norm / thetas[-1][1])))
    r = _taylor(a / 2.0 ** s, 18)
    for _ in range(s):
        r = r @ r
    return r.astype(out_dt)


def _expm(a):
    """exp of each square matrix in the batch ``a``: torch's own evaluation (_linalg_expm) for float32/64 and complex."""
    if (a.dtype in (np.float32, np.float64) or a.dtype.kind == "c") and a.size:
        from ._linalg_expm import expm
        return expm(a)
    if a.ndim == 2:
        return _expm_one(a)
    flat = a.reshape((-1,) + a.shape[-2:])
    return np.stack([_expm_one(m) for m in flat]).reshape(a.shape) if flat.shape[0] else a.copy()


class LinalgMatrixExpBackward0(Node):
    """Y = exp(A)   ->   dA = the upper right block of exp([[A^T, g], [0, A^T]])"""
    __slots__ = ()

    def backward(self, g):
        A, = self.saved()
        if not is_array(g):
            m = self.m
            At = A.mT
            top = m.cat([At, g], -1)
            bottom = m.cat([m.zeros_like(At), At], -1)
            n = A.shape[-1]
            return (m.matrix_exp(m.cat([top, bottom], -2))[..., :n, n:],)
        n = A.shape[-1]
        At = np.swapaxes(A, -1, -2)
        big = np.zeros(A.shape[:-2] + (2 * n, 2 * n), A.dtype)
        big[..., :n, :n] = At
        big[..., n:, n:] = At
        big[..., :n, n:] = g
        return (_expm(big)[..., :n, n:],)


def matrix_exp(A):
    a = A._data
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise RuntimeError("linalg.matrix_exp: The input tensor A must have at least 2 dimensions." if a.ndim < 2
                           else f"linalg.matrix_exp: A must be batches of square matrices, but they are "
                                f"{a.shape[-2]} by {a.shape[-1]} matrices")
    if a.dtype.kind not in "fc":
        raise RuntimeError(f"linalg.matrix_exp: Expected a floating point or complex tensor as input. Got "
                           f"{A.dtype.name.capitalize() if A.dtype.name != 'int64' else 'Long'}")
    r = _wrap(np.ascontiguousarray(_expm(a)).astype(a.dtype, copy=False))
    if needs_grad(A):
        node = LinalgMatrixExpBackward0()
        node.save(A)
        record1(node, r, A)
    return r


def cond(A, p=None, *, out=None):
    """||A|| ||A^-1|| in the p-norm; p=None or 2: the ratio of the extreme singular values;
    "nuc": sum(s) * sum(1/s).  An empty matrix's condition number is 0 (NumPy leaves it undefined)."""
    from . import linalg
    from ._linalg_complex import real_dtype
    if A.dim() < 2:
        raise RuntimeError("linalg.cond: The input tensor must have at least 2 dimensions.")
    if p not in (None, 2, -2, 1, -1, math.inf, -math.inf, "fro", "nuc") or isinstance(p, bool):
        raise RuntimeError(f"linalg.cond got an invalid norm type: {p}")
    if isinstance(p, str):       # torch checks a named order's squareness before the empty case
        linalg._square(A, f"cond(ord={p})")
    if A.numel() == 0:
        return _wrap(np.zeros(A.shape[:-2], real_dtype(A._data.dtype)))
    if p in (None, 2, -2):
        # torch's composite: the extreme singular values (narrowed, so kept as dims), divided, squeezed
        s = linalg.svdvals(A)       # real, also for complex A (as torch's result)
        hi, lo = s.narrow(-1, 0, 1), s.narrow(-1, -1, 1)
        return (hi / lo if p != -2 else lo / hi).squeeze(-1)
    if p == "nuc":               # from the singular values directly (a singular A gives inf, or nan when A = 0)
        s = linalg.svdvals(A)
        return s.sum(-1) * s.reciprocal().sum(-1)
    if not isinstance(p, str):   # torch names the order as C++ prints it: 1, inf, and a float with six decimals
        linalg._square(A, f"cond(ord={p if isinstance(p, int) or math.isinf(p) else f'{p:f}'})")
    # as torch: the inverse first, a singular matrix's set to inf in place (so, as in torch, a backward
    # through these orders finds inv_ex's saved result modified), then the two norms
    inverse, info = linalg.inv_ex(A)
    inverse.masked_fill_((info > 0).unsqueeze(-1).unsqueeze(-1), math.inf)
    r = linalg.matrix_norm(A, p) * linalg.matrix_norm(inverse, p)
    return r.nan_to_num_(math.inf, math.inf, -math.inf)      # 0 * inf (a zero matrix) counts as inf


class LinalgSolveTriangularBackward0(Node):
    """X = A^-1 B (A triangular)   ->   dB = A^-T g,   dA = -(dB X^T) kept on A's triangle"""
    __slots__ = ("upper", "left", "unitriangular")

    def backward(self, g):
        A, X = self.saved()
        m = self.m
        if self.left:
            gb = solve_triangular(A.mT, g, upper=not self.upper, unitriangular=self.unitriangular) \
                if not is_array(g) else _tri_solve(np.swapaxes(A, -1, -2), g, not self.upper, True, self.unitriangular)
            ga = -(gb @ X.mT) if not is_array(g) else -(gb @ np.swapaxes(X, -1, -2))
        else:
            gb = solve_triangular(A.mT, g, upper=not self.upper, left=False, unitriangular=self.unitriangular) \
                if not is_array(g) else _tri_solve(np.swapaxes(A, -1, -2), g, not self.upper, False, self.unitriangular)
            ga = -(X.mT @ gb) if not is_array(g) else -(np.swapaxes(X, -1, -2) @ gb)
        ga = m.triu(ga, 1 if self.unitriangular else 0) if self.upper else m.tril(ga, -1 if self.unitriangular else 0)
        return ga, gb


def _tri_solve(a, b, upper, left, unit):
    """Substitution, row by row as LAPACK's trsm: x_i = (b_i - sum_k a_ik x_k) / a_ii, so the structural
    zeros of a triangular solve stay exact zeros (0 / a_ii keeps its sign: -0.0 for a negative a_ii)
    and a zero pivot gives inf / nan instead of an error.  X A = B is solved as A^T X^T = B^T."""
    if not left:
        return np.swapaxes(_tri_solve(np.swapaxes(a, -1, -2), np.swapaxes(b, -1, -2), not upper, True, unit), -1, -2)
    n = a.shape[-1]
    if a.shape[:-2] != b.shape[:-2]:
        batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
        a, b = np.broadcast_to(a, batch + a.shape[-2:]), np.broadcast_to(b, batch + b.shape[-2:])
    x = np.array(b, dtype=b.dtype)                   # a writable copy, solved in place
    diag = None if unit else np.diagonal(a, 0, -2, -1)[..., None]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for i in (range(n - 1, -1, -1) if upper else range(n)):
            lo, hi = (i + 1, n) if upper else (0, i)
            xi = x[..., i, :]
            if hi > lo:
                xi -= np.matmul(a[..., i:i + 1, lo:hi], x[..., lo:hi, :])[..., 0, :]
            if diag is not None:
                xi /= diag[..., i, :]
    return x


def solve_triangular(A, B=_MISSING, *, upper=_MISSING, left=True, unitriangular=False, out=None):
    """X with A X = B (X A = B when not left) for triangular A; X takes A's dtype, as torch's."""
    missing = [f'"{n}"' for n, v in (("B", B), ("upper", upper)) if v is _MISSING]
    if missing:
        raise TypeError(f"linalg_solve_triangular() missing {len(missing)} required positional "
                        f"argument{'s' if len(missing) == 1 else ''}: {', '.join(missing)}")
    check_all("linalg_solve_triangular", ("upper", upper), ("left", left), ("unitriangular", unitriangular))
    a, b = A._data, B._data
    check_solve_triangular(a, b, left)
    r = _wrap(lapack_layout(_tri_solve(a, b.astype(a.dtype, copy=False), upper, left, unitriangular)))
    if needs_grad(A, B):
        node = LinalgSolveTriangularBackward0()
        node.upper, node.left, node.unitriangular = upper, left, unitriangular
        node.save(A, r, result_at=1)
        record(node, r, A, B)
    return r


def _chol_solve(b, L, upper):
    """(L L^H)^-1 b (U^H U when upper) by two triangular solves (L^H: the conjugate transpose)."""
    LH = np.swapaxes(L, -1, -2).conj() if L.dtype.kind == "c" else np.swapaxes(L, -1, -2)
    if upper:
        return _tri_solve(L, _tri_solve(LH, b, False, True, False), True, True, False)
    return _tri_solve(LH, _tri_solve(L, b, False, True, False), True, True, False)


class CholeskySolveBackward0(Node):
    """X = (L L^H)^-1 B   ->   dB = (L L^H)^-1 g,   dL = -(S + S^H) L with S = dB X^H (L^H (S + S^H) upper)"""
    __slots__ = ("upper",)
    _complex_ready = True         # torch's complex convention already (mH): no conjugated twin

    def backward(self, g):
        import glasstorch as t
        B, L, X = self.saved()
        plain = is_array(g)
        if plain:
            g, L, X = _wrap(g), _wrap(L), _wrap(X)
        gb = cholesky_solve(g, L, self.upper)
        common = gb @ X.mH
        common = common + common.mH
        gl = -(L @ common) if self.upper else -(common @ L)
        _ = t
        return (gb._data, gl._data) if plain else (gb, gl)


def cholesky_solve(B, L, upper=False, *, out=None):
    """X with (L L^H) X = B, from the Cholesky factor L (U^H U when upper)."""
    check("cholesky_solve", "upper", upper, position=3)
    check_cholesky_solve(B._data, L._data)
    r = _wrap(lapack_layout(_chol_solve(B._data, L._data, upper).astype(B._data.dtype, copy=False)))
    if needs_grad(B, L):
        node = CholeskySolveBackward0()
        node.upper = upper
        node.save(B, L, r, result_at=2)
        record(node, r, B, L)
    return r


class CholeskyInverseBackward0(Node):
    """Y = (L L^H)^-1   ->   dL = -Y (g + g^H) Y L  (-L Y (g + g^H) Y when upper)"""
    __slots__ = ("upper",)
    _complex_ready = True         # torch's complex convention already (mH): no conjugated twin

    def backward(self, g):
        L, Y = self.saved()
        plain = is_array(g)
        if plain:
            g, L, Y = _wrap(g), _wrap(L), _wrap(Y)
        common = Y @ ((g + g.mH) @ Y)
        gl = -(L @ common) if self.upper else -(common @ L)
        return (gl._data if plain else gl,)


def cholesky_inverse(L, upper=False, *, out=None):
    """(L L^H)^-1 from the Cholesky factor L (U^H U when upper)."""
    check("cholesky_inverse", "upper", upper, position=2)
    a = L._data
    check_cholesky_inverse(a)
    eye = np.broadcast_to(np.eye(a.shape[-1], dtype=a.dtype), a.shape)
    r = _wrap(lapack_layout(_chol_solve(eye, a, upper).astype(a.dtype, copy=False)))
    if needs_grad(L):
        node = CholeskyInverseBackward0()
        node.upper = upper
        node.save(L, r, result_at=1)
        record1(node, r, L)
    return r


from ._linalg_geqrf import geqrf  # noqa: E402  (complex, empty and autograd cases there)


class LinalgHouseholderProductBackward0(Node):
    """Q = H_1 ... H_k   ->   dA, dtau: the reflector products differentiated step by step (the forward
    replayed with a graph, then autograd.grad through it)"""
    __slots__ = ()
    _complex_ready = True       # autograd.grad already answers in torch's complex convention

    def backward(self, g):
        import glasstorch as t
        A, tau = self.saved()
        plain = is_array(g)
        if not plain:       # create_graph: the forward replayed on the saved tensors themselves, recorded
            a, tt = (x if x.requires_grad else x.detach().requires_grad_(True) for x in (A, tau))
            with t.enable_grad():
                return t.autograd.grad(_householder(a, tt), (a, tt), g, allow_unused=True, create_graph=True)
        a = (_wrap(A) if plain else A.detach()).requires_grad_(True)
        tt = (_wrap(tau) if plain else tau.detach()).requires_grad_(True)
        with t.enable_grad():
            q = _householder(a, tt)
            ga, gt = t.autograd.grad(q, (a, tt), _wrap(g) if plain else g, allow_unused=True)
        if plain:       # (column-major, as torch's formula gives it)
            return (None if ga is None else lapack_layout(ga._data)), (None if gt is None else gt._data)
        return ga, gt


def householder_product(A, tau, *, out=None):
    """Q = H_1 H_2 ... H_k, H_i = I - tau_i v_i v_i^T with v_i column i of A below the diagonal and a
    1 on it: the first n columns of the product."""
    import glasstorch as t
    check_householder(A._data, tau._data)
    with t.no_grad():
        r = _wrap(lapack_layout(_householder(A, tau)._data))     # column-major, as LAPACK's orgqr writes it
    if needs_grad(A, tau):
        node = LinalgHouseholderProductBackward0()
        node.save(A, tau)
        record(node, r, A, tau)
    return r


def _householder(A, tau):
    import glasstorch as t
    m, n = A.shape[-2], A.shape[-1]
    k = tau.shape[-1]
    if m < n:
        raise RuntimeError("torch.linalg.householder_product: input.shape[-2] must be greater than or equal to "
                           "input.shape[-1]")
    if k > n:
        raise RuntimeError("torch.linalg.householder_product: input.shape[-1] must be greater than or equal to "
                           "tau.shape[-1]")
    eye = t.eye(m, dtype=A.dtype)
    Q = eye[:, :n].expand(*A.shape[:-2], m, n)
    unit = t.zeros(m, dtype=A.dtype)
    for i in range(k - 1, -1, -1):          # Q = H_i Q, last reflector first
        below = (t.arange(m) > i).to(A.dtype)
        v = A[..., :, i] * below + unit.index_fill(0, t.tensor([i]), 1.0)
        vh = v.conj() if A.is_complex() else v
        w = (vh.unsqueeze(-2) @ Q).squeeze(-2)                  # v^H Q
        Q = Q - tau[..., i, None, None] * v.unsqueeze(-1) * w.unsqueeze(-2)
    return Q


def diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    return A.diagonal(offset=offset, dim1=dim1, dim2=dim2)


def vander(x, *, N=None):
    """Columns x^0, x^1, ..., x^(N-1) (increasing powers, as torch.linalg.vander)."""
    import glasstorch as t
    n = (x.shape[-1] if x.dim() else 0) if N is None else N    # a 0-dim x has no size to take: torch's error
    if n < 1:
        raise RuntimeError("N must be greater than 1.")
    if n == 1:
        return t.ones_like(x).unsqueeze(-1)
    return t.cat([t.ones_like(x).unsqueeze(-1), x.unsqueeze(-1).expand(*x.shape, n - 1).cumprod(-1)], -1)


from ._linalg_complex import eig, eigvals  # noqa: E402,F401  (torch.linalg's names, kept here)
