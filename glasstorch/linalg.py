"""``torch.linalg``: norms, inv, det, slogdet, solve, cholesky, pinv, lstsq with gradients; qr, svd, eigh,
matrix_rank forward only (torch's backward for these is exotic; they give results without a graph).
"""
import numpy as np

from .autograd.graph import Node
from .ops._common import GRAD, _wrap, edge, record, record1, needs_grad
from .ops.norms import vector_norm
from .ops.matmul import matmul, vdot as _vdot, _T
from ._linalg_lstsq import lstsq, pinv as _pinv
from ._return_types import return_type
from ._linalg_half import no_half_kernel, no_low_precision
from ._typed_args import check, check_all
from ._linalg_errors import LinAlgError, check_cholesky, cholesky_factor, singular_inverse, singular_solve
from ._linalg_errors import _float_or_complex, _square  # noqa: F401  (other linalg modules use them)
from ._linalg_chol_checks import lapack_layout, solve_layout
from ._linalg_small_solve import applies, solve_array
from ._linalg_more import matrix_exp, cond, solve_triangular, householder_product, diagonal, vander  # noqa: F401
from ._linalg_complex import eig, eigvals, real_dtype, refuse_grad  # noqa: F401
from ._linalg_decomp import _forward_only, qr, svd, svdvals, eigh, eigvalsh  # noqa: F401
from ._linalg_lu import lu, lu_factor, lu_factor_ex  # noqa: F401
from ._linalg_lu_solve import lu_solve, solve_ex, inv_ex, tensorinv, tensorsolve  # noqa: F401
from ._linalg_ldl import ldl_factor, ldl_factor_ex, ldl_solve  # noqa: F401

__all__ = ["vector_norm", "matrix_norm", "norm", "inv", "det", "slogdet", "solve", "qr", "cholesky", "svd",
           "svdvals", "eigh", "eigvalsh", "pinv", "matrix_rank", "matmul", "cross", "lstsq", "matrix_power",
           "multi_dot", "vecdot", "matrix_exp", "cond", "solve_triangular", "householder_product", "diagonal",
           "vander", "eig", "eigvals", "cholesky_ex", "LinAlgError", "lu", "lu_factor", "lu_factor_ex", "lu_solve",
           "solve_ex", "inv_ex", "tensorinv", "tensorsolve", "ldl_factor", "ldl_factor_ex", "ldl_solve"]


class LinalgInvExBackward0(Node):
    """Y = A^-1   ->   dA = -Y^T g Y^T"""
    __slots__ = ()

    def backward(self, g):
        Y, = self.saved()
        m = self.m
        Yt = _T(Y)
        mm = (lambda p, q: p @ q) if isinstance(g, (np.ndarray, np.generic)) else m.matmul
        return (-mm(mm(Yt, g), Yt),)


def inv(A, *, out=None):
    a = _square(A, "inv")
    _float_or_complex(a, "inv")
    no_low_precision(a, "linalg.inv")
    try:
        # torch's inverse is solve(A, I); NumPy's inv otherwise (small real systems: torch's roundings)
        y = solve_array(a, np.broadcast_to(np.eye(a.shape[-1], dtype=a.dtype), a.shape)) if applies(a) \
            else np.linalg.inv(a)
    except np.linalg.LinAlgError:
        raise singular_inverse(a) from None
    r = _wrap(lapack_layout(y.astype(a.dtype, copy=False)))
    if GRAD.enabled and A._rg:
        node = LinalgInvExBackward0()
        node.save(r, result_at=0)
        record1(node, r, A)
    return r


class LinalgDetBackward0(Node):
    """y = det(A)   ->   dA = g y A^-T   (first order: solved with A's LU factor, _linalg_det_grad)"""
    __slots__ = ("use_t",)

    def backward(self, g):
        A, y = self.saved()
        if isinstance(g, (np.ndarray, np.generic)):
            if A.dtype.kind == "f":
                from ._linalg_det_grad import det_grad
                return (det_grad(g, y, A, self.use_t),)
            return ((g * y)[..., None, None] * np.swapaxes(np.linalg.inv(A), -1, -2),)
        if A.is_complex():      # (this node is made complex-correct by conjugating a holomorphic formula)
            return ((g * y).unsqueeze(-1).unsqueeze(-1) * inv(A).mT,)
        from ._linalg_det_grad import solve_adjoint
        return (solve_adjoint(A, g * y),)


def det(A, *, out=None):
    a = _square(A, "det")
    _float_or_complex(a, "det")
    no_half_kernel(a, "lu_cpu")
    if a.dtype.kind == "f" and a.shape[-1]:
        # torch's: the LU factor's diagonal product times the pivots' sign (so -0. and exact integers
        # where LAPACK gives them; NumPy's det goes through exp(log|det|)).  A contiguous A is factored
        # as A^T (det(A^T) = det(A)): that is the column-major matrix LAPACK gets without a copy
        from ._linalg_lu import _getrf
        lu, piv, _ = _getrf(np.swapaxes(a, -1, -2) if A.is_contiguous() else a)
        swaps = (piv != np.arange(1, piv.shape[-1] + 1, dtype=piv.dtype)).sum(-1)
        d = np.where(swaps % 2 == 1, -1, 1).astype(a.dtype) * np.prod(np.diagonal(lu, 0, -2, -1), -1)
    else:
        d = np.linalg.det(a)
    r = _wrap(np.asarray(d).astype(a.dtype, copy=False))
    if GRAD.enabled and A._rg:
        node = LinalgDetBackward0()
        node.use_t = A.is_contiguous() and a.dtype.kind == "f"
        node.save(A, r, result_at=1)
        record1(node, r, A)
    return r


class LinalgSlogdetBackward0(Node):
    """(sign, y) = slogdet(A), y = log|det A|   ->   dA = g_y A^-T (the sign is piecewise constant)"""
    __slots__ = ()
    _nout = 2

    def backward(self, grads):
        g = grads[1]
        A, = self.saved()
        if isinstance(g, (np.ndarray, np.generic)):
            return (np.asarray(g)[..., None, None] * np.swapaxes(np.linalg.inv(A), -1, -2),)
        from ._linalg_det_grad import solve_adjoint
        return (solve_adjoint(A, g),)


def slogdet(A, *, out=None):
    _float_or_complex(a := _square(A, "slogdet"), "slogdet")
    no_low_precision(a, "linalg.slogdet")
    if a.dtype.kind == "f" and a.shape[-1]:      # torch's LU of A^T and its sum (_linalg_slogdet.py)
        from ._linalg_slogdet import real_slogdet
        s, l = real_slogdet(A, a)
    else:
        s, l = np.linalg.slogdet(A._data)
    dt = A._data.dtype
    outs = _wrap(np.asarray(s, dt)), _wrap(np.asarray(l, real_dtype(dt)))     # log|det| is real
    if dt.kind == "c":
        refuse_grad("LinalgSlogdetBackward0", "torch.linalg.slogdet of a complex matrix", outs, A)
    elif GRAD.enabled and A._rg:
        # one node with two outputs, as torch: both results carry it
        node = LinalgSlogdetBackward0()
        node.save(A)
        node.next_functions = (edge(A),)
        node._shape = [o._data.shape for o in outs]
        node._dtype = [dt, dt]
        for nr, o in enumerate(outs):
            o.grad_fn, o._rg, o._out_nr = node, True, nr
    return _Slogdet(*outs)


class LinalgSolveExBackward0(Node):
    """X = A^-1 B   ->   dB = A^-T g,   dA = -dB X^T   (left=False, X = B A^-1: dB = g A^-T, dA = -X^T dB)"""
    __slots__ = ("vec", "left")

    def backward(self, g):
        A, X = self.saved()
        if not self.left:       # X A = B is A^T X^T = B^T: the left formula, transposed
            if isinstance(g, (np.ndarray, np.generic)):
                gb = np.swapaxes(np.linalg.solve(A, np.swapaxes(g, -1, -2)), -1, -2)
                return -(np.swapaxes(X, -1, -2) @ gb), gb
            gb = solve(A, g.mT).mT
            return -(X.mT @ gb), gb
        if isinstance(g, (np.ndarray, np.generic)):
            gb = np.linalg.solve(np.swapaxes(A, -1, -2), g[..., None] if self.vec else g)
            xs = X[..., None] if self.vec else X
            ga = -gb @ np.swapaxes(xs, -1, -2)
            return ga, (gb[..., 0] if self.vec else gb)
        gb = solve(A.mT, g)
        xs = X.unsqueeze(-1) if self.vec else X
        gbs = gb.unsqueeze(-1) if self.vec else gb
        return -(gbs @ xs.mT), gb


def solve(A, B, *, left=True, out=None):
    check("linalg_solve", "left", left)
    from ._linalg_lu_solve import check_solve_dtypes, check_solve_shapes
    check_solve_dtypes(A._data, B._data)
    a = _square(A, "solve")
    b = B._data
    # torch's vector case does not depend on ``left`` (a vector B with left=False is a shape error)
    vec = b.ndim == 1 or (b.ndim == a.ndim - 1 and b.shape == a.shape[:-1])
    check_solve_shapes(a, b, vec, left)
    no_half_kernel(a, "lu_cpu")
    try:
        if left:
            x = solve_array(a, b[..., None] if vec else b)
        else:               # X A = B  <=>  A^T X^T = B^T
            x = np.swapaxes(solve_array(a, np.swapaxes(b, -1, -2), adjoint=True), -1, -2)
    except np.linalg.LinAlgError:
        raise singular_solve(a) from None
    r = _wrap(solve_layout(x[..., 0] if vec else x, vec, left).astype(a.dtype, copy=False))
    if needs_grad(A, B):
        node = LinalgSolveExBackward0()
        node.vec, node.left = vec, left
        node.save(A, r, result_at=1)
        record(node, r, A, B)
    return r


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None, out=None):
    if ord not in ("fro", "nuc", 1, -1, 2, -2, float("inf"), float("-inf")) or isinstance(ord, bool):
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    if A.dim() < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 dimensions.")
    _matrix_norm_checks(A._data, ord, dim, dtype)
    if ord == "fro":
        return vector_norm(A, 2, dim, keepdim, dtype=dtype)
    if ord in (1, -1, float("inf"), float("-inf")):
        # torch's composite: column sums (row sums for inf) of |A|, then their max (min for negative ord)
        d0, d1 = (d % A._data.ndim for d in dim)
        if abs(ord) == float("inf"):
            d0, d1 = d1, d0
        if not keepdim and d0 < d1:
            d1 -= 1
        sums = vector_norm(A, 1.0, (d0,), keepdim, dtype=dtype)
        return sums.amax(d1, keepdim) if ord > 0 else sums.amin(d1, keepdim)
    # nuc / 2 / -2, torch's composite: svdvals of A with the two dims moved last, then sum / amax / amin
    nd = A._data.ndim
    d0, d1 = (d % nd for d in dim)
    perm = [d for d in range(nd) if d not in (d0, d1)] + [d0, d1]
    s = svdvals((A if dtype is None else A.to(dtype)).permute(perm))
    r = s.sum(-1) if ord == "nuc" else s.amax(-1) if ord == 2 else s.amin(-1)
    if keepdim:
        r = r.unsqueeze(-1).unsqueeze(-1).permute([perm.index(d) for d in range(nd)])
    return r


def _matrix_norm_checks(a, ord, dim, dtype):
    """torch's _linalg_matrix_norm_checks: float or complex A (not half for the SVD-based orders), two
    different dims, a dtype= as the norms take it."""
    from .ops.inplace import type_name
    from .ops.norms import check_norm_dtype
    if a.dtype.kind not in "fc":
        raise RuntimeError(f"linalg.matrix_norm: Expected a floating point or complex tensor as input. Got "
                           f"{type_name(a.dtype)}")
    if ord in ("nuc", 2, -2) and a.dtype == np.float16:
        raise RuntimeError("linalg.matrix_norm: Low precision dtypes not supported. Got Half")
    dim = [dim] if isinstance(dim, int) else list(dim)
    if len(dim) != 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(str(d) for d in dim)}")
    from ._tensor import _wrap_dim
    d0, d1 = (_wrap_dim(d, a.ndim) for d in dim)
    if d0 == d1:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({d0}, {d1})")
    check_norm_dtype("linalg.matrix_norm", a.dtype, dtype)


def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None, out=None):
    if ord is not None and dim is None and A._data.ndim not in (1, 2):
        raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got "
                           f"{A._data.ndim}D.")
    if ord is None or (isinstance(ord, (int, float)) and dim is not None and not isinstance(dim, (tuple, list))):
        return vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype)
    if isinstance(ord, str) or (dim is not None and len(dim) == 2) or (dim is None and A._data.ndim == 2):
        return matrix_norm(A, ord, (-2, -1) if dim is None else dim, keepdim, dtype=dtype)
    return vector_norm(A, ord, dim, keepdim, dtype=dtype)


class LinalgCholeskyExBackward0(Node):
    """A = L L^T   ->   dA = L^-T Phi(L^T g) L^-1, Phi taking the lower triangle with its diagonal halved
    (symmetrised: 0.5 (X + tril(X, -1)^T))"""
    __slots__ = ("upper",)

    def backward(self, g):
        from ._linalg_more import solve_triangular
        from .autograd._fwd_trick import in_trick
        L, = self.saved()
        plain = isinstance(g, (np.ndarray, np.generic))
        if plain:
            g, L = _wrap(g), _wrap(L)
        if self.upper:
            L, g = L.mT, g.mT
        gA = (L.mT @ g).tril()
        # forward mode's trick wants the adjoint of torch's jvp, dL = L Phi(L^-1 dA L^-T), for any dA
        gA = 0.5 * (gA + (gA.tril(-1) if in_trick() else gA.tril(-1).mT))
        gA = solve_triangular(L.mT, gA, upper=True, left=True)
        gA = solve_triangular(L, gA, upper=False, left=False)
        return (gA._data if plain else gA,)


def cholesky(A, *, upper=False, out=None):
    check("linalg_cholesky", "upper", upper)
    return _cholesky(A, upper, "linalg.cholesky", True)[0]


def cholesky_ex(A, *, upper=False, check_errors=False, out=None):
    """``(L, info)``: ``info`` is 0 where the factorisation succeeded, else the order of the first leading
    minor that is not positive definite (``L`` then holds LAPACK's partial factor)."""
    check_all("linalg_cholesky_ex", ("upper", upper), ("check_errors", check_errors))
    return _CholeskyEx(*_cholesky(A, upper, "linalg.cholesky_ex", check_errors))


_CholeskyEx = return_type("linalg_cholesky_ex", ["L", "info"])


def _cholesky(A, upper, who, check_errors):
    a = _square(A, "cholesky")
    no_half_kernel(a, "cholesky_cpu")
    L, info = cholesky_factor(a, "linalg.cholesky")
    if check_errors:
        check_cholesky(info, who)
    # A = U^H U: the upper factor is L's conjugate transpose
    # LAPACK's column-major factor, as torch returns it
    r = _wrap(lapack_layout(np.asarray(np.swapaxes(L, -1, -2).conj() if upper else L).astype(a.dtype, copy=False)))
    if a.dtype.kind == "c":
        refuse_grad("LinalgCholeskyExBackward0", "torch.linalg.cholesky of a complex matrix", r, A)
    elif needs_grad(A):
        node = LinalgCholeskyExBackward0()
        node.upper = upper
        node.save(r, result_at=0)
        record1(node, r, A)
    return r, _wrap(info)


def pinv(A, rcond=None, hermitian=False, *, atol=None, rtol=None, out=None):
    return _pinv(A, rcond, hermitian, atol=atol, rtol=rtol)


def matrix_rank(A, tol=None, hermitian=False, *, atol=None, rtol=None, out=None):
    """The number of singular values above max(atol, rtol * s_max); rtol defaults to eps * max(m, n), or
    to 0 when atol (or the old ``tol``) is given.  atol and rtol may be tensors, one per matrix."""
    a = A._data
    if a.ndim < 2:
        raise RuntimeError("torch.linalg.matrix_rank: The input tensor input must have at least 2 dimensions.")
    if a.dtype.kind not in "fc" or a.dtype == np.float16:
        raise RuntimeError("This function doesn't handle types other than float and double")
    if tol is not None:
        atol, rtol = tol, 0.0
    if hermitian:
        _square(A, "eigh")
    if not hermitian:
        from ._linalg_decomp import svd_nan_check
        svd_nan_check(a)
    s = np.abs(np.linalg.eigvalsh(a)) if hermitian else np.linalg.svd(a, compute_uv=False)
    real = s.dtype
    atol = np.asarray(0.0 if atol is None else getattr(atol, "_data", atol), real)
    if rtol is None:        # a positive atol switches the default rtol off, matrix by matrix
        rtol = np.where(atol > 0, 0.0, np.finfo(real).eps * max(a.shape[-2:]))
    rtol = np.asarray(getattr(rtol, "_data", rtol), real)
    cut = np.maximum(atol, rtol * s.max(-1, initial=0))
    return _wrap(np.asarray((s > cut[..., None]).sum(-1), np.int64))


def matrix_power(A, n, *, out=None):
    from .ops.linalg_more import int_exponent, matrix_power as power
    return power(A, int_exponent(n, "linalg_matrix_power", 2))


def vecdot(x, y, *, dim=-1, out=None):
    """sum over ``dim`` of conj(x) * y (the conjugate only for complex x)."""
    from .ops.inplace import type_name
    _float_or_complex(x._data, "vecdot")
    if x._data.dtype != y._data.dtype:
        raise RuntimeError(f"linalg.vecdot: Expected x and y to have the same dtype, but found x of type "
                           f"{type_name(x._data.dtype)} and y of type {type_name(y._data.dtype)} instead")
    if x.dim() == 1 and y.dim() == 1:       # as torch: two vectors take vdot (BLAS's order; ``dim`` unused)
        return _vdot(x, y)
    return ((x.conj() if x.is_complex() else x) * y).sum(dim)


def multi_dot(tensors, *, out=None):
    """A_1 A_2 ... A_k, multiplied in the order that needs the fewest scalar products (the classic
    matrix-chain order, as torch); a 1-d first or last factor is a row or column vector."""
    n = len(tensors)
    if n < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {n}")
    first_vec, last_vec = tensors[0].dim() == 1, tensors[-1].dim() == 1
    ts = list(tensors)
    if first_vec:
        ts[0] = ts[0].unsqueeze(0)
    if last_vec:
        ts[-1] = ts[-1].unsqueeze(-1)
    for i, t in enumerate(ts):
        if t.dim() != 2:
            which = "first" if i == 0 else "last" if i == n - 1 else None
            if which:
                raise RuntimeError(f"multi_dot(): the {which} tensor must be 1D or 2D but got {tensors[i].dim()}D")
            raise RuntimeError(f"multi_dot(): tensor {i} must be 2D but got {t.dim()}D")
    for i in range(n - 1):          # as torch: factor i + 1's dtype (against factor 0's), then the pair's shapes
        if ts[i + 1]._data.dtype != ts[0]._data.dtype:
            from .ops.matmul_checks import _c_name
            raise RuntimeError(f"multi_dot(): all tensors must have be the same dtype but tensor 0 is "
                               f"{_c_name(ts[0]._data.dtype)} and tensor {i + 1} {_c_name(ts[i + 1]._data.dtype)}")
        if ts[i].shape[1] != ts[i + 1].shape[0]:
            raise RuntimeError(f"multi_dot(): tensors {i} and {i + 1} with shapes {list(tensors[i].shape)} and "
                               f"{list(tensors[i + 1].shape)} cannot be multiplied")
    if n == 2:
        r = matmul(ts[0], ts[1])
    else:
        dims = [ts[0].shape[0]] + [t.shape[1] for t in ts]
        r = _chain(ts, _chain_order(dims), 0, n - 1)
    shape = tuple(r.shape)          # torch ends with a view, which also drops the vectors' unit dims
    return r.view(shape[int(first_vec):len(shape) - int(last_vec)])


def _chain_order(p):
    """split[i][j]: where the cheapest product of factors i..j splits (dynamic programming)."""
    n = len(p) - 1
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j] = None
            for k in range(i, j):
                c = cost[i][k] + cost[k + 1][j] + p[i] * p[k + 1] * p[j + 1]
                if cost[i][j] is None or c < cost[i][j]:
                    cost[i][j], split[i][j] = c, k
    return split


def _chain(ts, split, i, j):
    if i == j:
        return ts[i]
    k = split[i][j]
    return matmul(_chain(ts, split, i, k), _chain(ts, split, k + 1, j))


from ._linalg_cross import cross, LinalgCrossBackward0  # noqa: E402,F401


_Slogdet = return_type("linalg_slogdet", ["sign", "logabsdet"])

# out=: every public function that takes it writes its result there, as in the torch namespace
# (torch.linalg.qr(A, out=(Q, R)) fills Q and R and returns torch.return_types.linalg_qr_out)
from .ops._out import wrap_namespace as _wrap_out  # noqa: E402
from ._linalg_out import check_out as _check_out  # noqa: E402
# torch.linalg's functions are builtins named linalg_<name> (torch.linalg.det.__name__ == 'linalg_det'),
# and their argument errors name them so: "linalg_det() got an unexpected keyword argument 'x'"
from ._fn_names import prefixed as _prefixed  # noqa: E402
_prefixed(globals(), "linalg_", __all__)
_wrap_out(globals(), _check_out)
# a call Python cannot bind is refused with torch's parser error (linalg_<name>)
from ._bind_errors import install as _bind_errors  # noqa: E402
_bind_errors(globals(), "linalg_", __all__)

from ._pickle_paths import settle as _settle_pickle_paths  # noqa: E402  (pickle finds each function)
_settle_pickle_paths(globals())
