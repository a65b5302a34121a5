"""``torch.svd_lowrank`` / ``torch.pca_lowrank``: randomized SVD (Halko, Martinsson and Tropp, 2009).

A random Gaussian test matrix ``R`` (n x q) is pushed through ``A``; the QR factor of ``A R`` spans
(approximately) the range of ``A``, and ``niter`` power iterations ``Q <- qr(A qr(A^H Q))`` sharpen it.
Then ``A ~ Q (Q^H A)`` and the small matrix ``B = Q^H A`` (q x n) gets an exact SVD.  ``R`` is drawn
with ``torch.randn`` from the global generator, exactly as torch draws it, so a fixed seed gives the
same subspace.  ``pca_lowrank`` centres the columns first.
"""
from ._random_api import randn

__all__ = ["svd_lowrank", "pca_lowrank"]


def _floating(A):
    import glasstorch
    return A.dtype if A.is_floating_point() else glasstorch.float32


def _approximate_basis(A, q, niter, M):
    """Q with q orthonormal columns such that Q Q^H (A - M) ~ A - M (Algorithm 4.4)."""
    from . import linalg
    R = randn(A.shape[-1], q, dtype=_floating(A) if not A.is_complex() else A.dtype)
    X = A.matmul(R)
    if M is not None:
        X = X - M.matmul(R)
    Q = linalg.qr(X).Q
    for _ in range(niter):
        X = A.mH.matmul(Q)
        if M is not None:
            X = X - M.mH.matmul(Q)
        Q = linalg.qr(X).Q
        X = A.matmul(Q)
        if M is not None:
            X = X - M.matmul(Q)
        Q = linalg.qr(X).Q
    return Q


def svd_lowrank(A, q=6, niter=2, M=None):
    """(U, S, V) with A - M ~ U diag(S) V^H, of rank q (Algorithm 5.1)."""
    from . import linalg
    q = 6 if q is None else q
    niter = 2 if niter is None else niter
    m, n = A.shape[-2:]
    if M is not None:
        M = M.broadcast_to(A.size())
    if m < n:                       # work on the tall matrix: the basis then lives in the smaller space
        A = A.mH
        if M is not None:
            M = M.mH
    Q = _approximate_basis(A, q, niter, M)
    B = Q.mH.matmul(A)
    if M is not None:
        B = B - Q.mH.matmul(M)
    U, S, Vh = linalg.svd(B, full_matrices=False)
    V = Vh.mH
    U = Q.matmul(U)
    if m < n:
        U, V = V, U
    return U, S, V


def pca_lowrank(A, q=None, center=True, niter=2):
    """(U, S, V) of the centred A: V's columns are the principal directions, S**2 / (m - 1) the variances."""
    m, n = A.shape[-2:]
    if q is None:
        q = min(6, m, n)
    elif not (q >= 0 and q <= min(m, n)):
        raise ValueError(f"q(={q}) must be non-negative integer and not greater than min(m, n)={min(m, n)}")
    if not (niter >= 0):
        raise ValueError(f"niter(={niter}) must be non-negative integer")
    if not center:
        return svd_lowrank(A, q, niter=niter, M=None)
    C = A.mean(dim=(-2,), keepdim=True)
    return svd_lowrank(A - C, q, niter=niter, M=None)
