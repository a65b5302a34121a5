"""torch's argument checks for the Cholesky-based solvers (cholesky_solve, cholesky_inverse,
linalg.solve_triangular), in torch's order, with torch's messages: ranks, square factors,
matching dtypes and matrix sizes, broadcastable batch dimensions, then the kernel's dtype
dispatch (no integer or Half kernels).  Also the column-major layout torch gives LAPACK results
(lapack_layout, solve_layout), used by the cholesky family, solvers, inv, qr, svd, eigh, lu_factor, lstsq."""
import numpy as np


def type_name(npdt):
    """torch's short scalar-type name (``Float``, ``Long`` ...); ops.inplace is imported late, as this
    module loads while glasstorch._tensor is still being built."""
    from .ops.inplace import type_name as name
    return name(npdt)


def no_kernel(a, kernel):
    """The dispatch error of a LAPACK-backed kernel given an integer, bool or Half array."""
    if a.dtype.kind not in "fc" or a.dtype == np.float16:
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{type_name(a.dtype)}'")


def broadcast_batch(b_shape, a_shape):
    """The broadcast batch shape of b and A (torch's infer_size, b as "tensor a"), as matmul's."""
    from .ops.matmul_checks import _broadcast_batch
    return _broadcast_batch(b_shape[:-2], a_shape[:-2])


def _square(a, prefix):
    if a.shape[-1] != a.shape[-2]:
        raise RuntimeError(f"{prefix}A must be batches of square matrices, but they are "
                           f"{a.shape[-2]} by {a.shape[-1]} matrices")


def check_cholesky_solve(b, a):
    """b: the right-hand sides, a: the Cholesky factor (NumPy arrays)."""
    if b.ndim < 2:
        raise RuntimeError(f"b should have at least 2 dimensions, but has {b.ndim} dimensions instead")
    if a.ndim < 2:
        raise RuntimeError(f"u should have at least 2 dimensions, but has {a.ndim} dimensions instead")
    if b.dtype != a.dtype:
        raise RuntimeError(f"Expected b and A to have the same dtype, but found b of type {type_name(b.dtype)} "
                           f"and A of type {type_name(a.dtype)} instead.")
    _square(a, "")
    if a.shape[-1] != b.shape[-2]:
        raise RuntimeError(f"Incompatible matrix sizes for cholesky_solve: each A matrix is {a.shape[-2]} by "
                           f"{a.shape[-1]} but each b matrix is {b.shape[-2]} by {b.shape[-1]}")
    broadcast_batch(b.shape, a.shape)
    no_kernel(b, "cholesky_solve_cpu")


def check_cholesky_inverse(a):
    if a.ndim < 2:
        raise RuntimeError("cholesky_inverse: The input tensor A must have at least 2 dimensions.")
    _square(a, "cholesky_inverse: ")
    no_kernel(a, "cholesky_inverse_out_cpu")
    zero = np.diagonal(a, 0, -2, -1) == 0         # LAPACK's potri stops at the factor's first zero pivot
    if zero.any():
        from ._linalg_lu_solve import _first_failure
        info = np.where(zero.any(-1), zero.argmax(-1) + 1, 0)
        raise _first_failure(info, lambda where, k: f"cholesky_inverse: {where}The diagonal element {k} is zero, the "
                                                    f"inversion could not be completed because the input matrix is "
                                                    f"singular.")


def check_householder(a, tau):
    """torch's checks of linalg.householder_product, in its order: ranks and sizes, tau's batch, dtypes."""
    who = "torch.linalg.householder_product: "
    if a.ndim < 2:
        raise RuntimeError(who + "input must have at least 2 dimensions.")
    if a.shape[-2] < a.shape[-1]:
        raise RuntimeError(who + "input.shape[-2] must be greater than or equal to input.shape[-1]")
    if a.shape[-1] < (tau.shape[-1] if tau.ndim else 1):
        raise RuntimeError(who + "input.shape[-1] must be greater than or equal to tau.shape[-1]")
    if a.ndim - tau.ndim != 1:
        raise RuntimeError(f"{who}Expected tau to have one dimension less than input, but got tau.ndim equal to "
                           f"{tau.ndim} and input.ndim is equal to {a.ndim}")
    if a.ndim > 2 and tau.shape[:-1] != a.shape[:-2]:
        raise RuntimeError(f"{who}Expected batch dimensions of tau to be equal to input.shape[:-2], but got "
                           f"{list(tau.shape[:-1])}")
    if tau.dtype != a.dtype:
        raise RuntimeError(f"{who}tau dtype {type_name(tau.dtype)} does not match input dtype {type_name(a.dtype)}")
    no_kernel(a, "orgqr_cpu")


def check_solve_triangular(a, b, left):
    """Ranks, a square A, sizes of A X = B (X A = B when not left), batch broadcast, A's dtype."""
    for name, x in (("A", a), ("B", b)):
        if x.ndim < 2:
            raise RuntimeError(f"linalg.solve_triangular: The input tensor {name} must have at least 2 dimensions.")
    _square(a, "linalg.solve_triangular: ")
    if a.shape[-1] != (b.shape[-2] if left else b.shape[-1]):
        eq = "AX = B" if left else "XA = B"
        raise RuntimeError(f"linalg.solve_triangular: Incompatible shapes of A and B for the equation {eq} "
                           f"({a.shape[-2]}x{a.shape[-1]} and {b.shape[-2]}x{b.shape[-1]})")
    broadcast_batch(b.shape, a.shape)
    no_kernel(a, "triangular_solve_cpu")


def lapack_layout(r):
    """torch's layout for a LAPACK result: each matrix column-major (strides (1, rows)), batches in C
    order, as LAPACK writes them; so ``L.view(-1)`` of a factor raises as in torch and ``L.is_contiguous()``
    is False (a single row or column is contiguous either way)."""
    if r.ndim < 2:
        return r
    m, n = r.shape[-2:]
    strides, step = [1, max(m, 1)], max(m, 1) * max(n, 1)      # torch counts a size-0 or size-1 dim as 1
    for d in reversed(r.shape[:-2]):
        strides.insert(0, step)
        step *= max(d, 1)
    out = np.ndarray(r.shape, r.dtype, buffer=np.empty(r.size, r.dtype),
                     strides=tuple(s * r.itemsize for s in strides))
    out[...] = r
    return out


def solve_layout(x, vec, left):
    """torch's layout for ``linalg.solve``'s result: LAPACK's column-major (a batch of vectors too, its
    last batch dim taken as the rows); ``left=False`` solves the transposed system, so row-major."""
    return lapack_layout(x) if left or vec else np.ascontiguousarray(x)
