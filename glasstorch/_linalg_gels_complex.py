"""LAPACK's ``zgels`` / ``cgels`` for one complex matrix, as torch.linalg.lstsq(driver="gels") runs it on
the CPU; the real drivers are in ``_linalg_gelsy.py``.

Householder reflectors H = I - tau v v^H (zlarfg: beta real, v[0] = 1).  A tall A is factored A = Q R
(zgeqr2, H_i^H applied to the trailing columns) and x = R^-1 (Q^H b)[:n]; a wide one as A = L Q (zgelqf,
the QR of A^H with L = R^H) and x = Q^H [L^-1 b; 0].  A zero on the triangle's diagonal is LAPACK's
``info`` (ztrtrs), which torch reports as "does not have full rank (error code: info)".
"""
import math

import numpy as np


def _householder(x):
    """zlarfg: (beta, tau, v) with H^H x = beta e1, beta real, v[0] = 1."""
    alpha = complex(x[0])
    xnorm = float(np.linalg.norm(x[1:])) if x.shape[0] > 1 else 0.0
    v = np.zeros_like(x)
    v[0] = 1
    if xnorm == 0 and alpha.imag == 0:
        return alpha.real, 0j, v
    beta = -math.copysign(math.sqrt(alpha.real ** 2 + alpha.imag ** 2 + xnorm ** 2), alpha.real)
    tau = complex((beta - alpha.real) / beta, -alpha.imag / beta)
    v[1:] = x[1:] * x.dtype.type(1 / (alpha - beta))
    return beta, tau, v


def _qr(a):
    """zgeqr2: R (min(m, n) x n) and the reflectors [(tau, v)]."""
    A = np.array(a, copy=True)
    m, n = A.shape
    refl = []
    for i in range(min(m, n)):
        beta, tau, v = _householder(A[i:, i])
        A[i, i] = beta
        A[i + 1:, i] = 0
        if i + 1 < n and tau != 0:      # H_i^H = I - conj(tau) v v^H from the left
            C = A[i:, i + 1:]
            C -= np.outer(v, A.dtype.type(tau.conjugate()) * (v.conj() @ C))
        refl.append((A.dtype.type(tau), v))
    return A[:min(m, n)], refl


def _upper_solve(U, c):
    """U^-1 c, U upper triangular: back substitution."""
    y = np.zeros(c.shape, np.result_type(U, c))
    for i in range(U.shape[0] - 1, -1, -1):
        y[i] = (c[i] - U[i, i + 1:] @ y[i + 1:]) / U[i, i]
    return y


def _lower_solve(L, c):
    """L^-1 c, L lower triangular: forward substitution."""
    y = np.zeros(c.shape, np.result_type(L, c))
    for i in range(L.shape[0]):
        y[i] = (c[i] - L[i, :i] @ y[:i]) / L[i, i]
    return y


def gels(a, b):
    """(x, info) for one complex matrix ``a`` (m x n) and right-hand sides ``b`` (m x k)."""
    m, n = a.shape
    x = np.zeros((n, b.shape[1]), a.dtype)
    if m == 0 or n == 0 or not np.any(a):      # zgels: a zero A gives a zero solution
        return x, 0
    if m >= n:
        R, refl = _qr(a)
        zero = np.flatnonzero(np.diagonal(R)[:n] == 0)
        if zero.size:
            return x, int(zero[0]) + 1
        c = np.array(b, copy=True)
        for i, (tau, v) in enumerate(refl):     # Q^H b: H_1^H first
            if tau != 0:
                c[i:] -= np.outer(v, tau.conjugate() * (v.conj() @ c[i:]))
        return _upper_solve(R[:n, :n], c[:n]).astype(a.dtype, copy=False), 0
    R, refl = _qr(a.conj().T)                   # A^H = Q R, so A = L Q^H with L = R^H
    zero = np.flatnonzero(np.diagonal(R)[:m] == 0)
    if zero.size:
        return x, int(zero[0]) + 1
    z = np.zeros((n, b.shape[1]), np.result_type(a, b))
    z[:m] = _lower_solve(R[:m, :m].conj().T, b)
    for i in range(len(refl) - 1, -1, -1):    # x = Q z, Q = H_1 ... H_k: the last first
        tau, v = refl[i]
        if tau != 0:
            z[i:] -= np.outer(v, tau * (v.conj() @ z[i:]))
    return z.astype(a.dtype, copy=False), 0
