"""The first-order gradient of ``linalg.det`` as torch computes it.

    dA = g det(A) A^-T      solved, not inverted:  A^T X = diag(g det(A))

torch reuses the LU factor of the forward (of A^T when A is contiguous and real, so that LAPACK
gets it without a copy; of A otherwise, solved with the adjoint) and replaces a zero pivot by the
dtype's eps, so a singular matrix gets a finite gradient (all zeros where det(A) is exactly 0)
instead of an error.
"""
import numpy as np

from ._linalg_lu import _getrf
from ._linalg_lu_solve import _getrs


def det_grad(g, det, a, use_t):
    """dA for the float array ``a`` (..., n, n), its determinant ``det`` and upstream ``g``."""
    n = a.shape[-1]
    if a.size == 0:
        return np.zeros_like(a)
    lu, piv, _ = _getrf(np.swapaxes(a, -1, -2) if use_t else a)
    idx = np.arange(n)
    diag = lu[..., idx, idx]
    lu[..., idx, idx] = np.where(diag == 0, np.finfo(a.dtype).eps, diag)
    d = np.zeros(a.shape, a.dtype)
    d[..., idx, idx] = np.asarray(g * det, a.dtype)[..., None]
    return _getrs(lu, piv, d, adjoint=not use_t)


def solve_adjoint(A, v):
    """The det / slogdet gradient under create_graph, as torch computes it when grad mode is on:
    linalg_solve(A^H, diag_embed(v).mT) (v = g det(A), or g for log|det|), so that it hangs from
    LinalgSolveExBackward0 and differentiates as a solve."""
    from . import diag_embed
    from .linalg import solve
    n = A.shape[-1]
    return solve(A.mH, diag_embed(v.unsqueeze(-1).expand(*v.shape, n)).mT)
