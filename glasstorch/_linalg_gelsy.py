"""LAPACK's least-squares drivers that work from a QR factorisation, as torch.linalg.lstsq runs them
on the CPU: ``gelsy`` (torch's default driver) and ``gels``.  NumPy only has ``gelsd``, whose rank is
the count of singular values above ``rcond * s_max``; these two decide differently, so they are
written out here, in the input's dtype.

gelsy (dgelsy.f): A P = Q R by Householder QR with column pivoting (dgeqp3: the remaining column of
largest norm first, norms downdated as dlaqp2 does); the rank r is the largest for which the
incremental condition estimate of R[:r, :r] (dlaic1, smallest / largest singular value) stays at or
above ``rcond``; the solution is the minimum-norm one of [R11 R12] y = (Q^T b)[:r], x = P y.

gels (dgels.f): no rank decision.  A tall A is solved through its QR, a wide one (minimum norm)
through the LQ of A (the QR of A^T); a zero on the triangle's diagonal is LAPACK's ``info`` (dtrtrs),
which torch reports as "does not have full rank (error code: info)".
"""
import math

import numpy as np


def _householder(x):
    """dlarfg: (beta, tau, v) with (I - tau v v^T) x = beta e1, v[0] = 1."""
    alpha = x[0]
    xnorm = np.linalg.norm(x[1:]) if x.shape[0] > 1 else x.dtype.type(0)
    v = np.zeros_like(x)
    v[0] = 1
    if xnorm == 0:
        return alpha, x.dtype.type(0), v
    beta = -math.copysign(math.hypot(float(alpha), float(xnorm)), float(alpha))
    beta = x.dtype.type(beta)
    tau = (beta - alpha) / beta
    v[1:] = x[1:] * (x.dtype.type(1) / (alpha - beta))
    return beta, tau, v


def qr_factor(a, pivot):
    """dgeqp3 (``pivot``) / dgeqr2: returns R (min(m, n) x n, upper), the reflectors [(tau, v)] and the
    column order ``perm`` (A[:, perm] = Q R)."""
    A = np.array(a, copy=True)
    m, n = A.shape
    k = min(m, n)
    perm = np.arange(n)
    refl = []
    eps = np.finfo(A.dtype).eps / 2             # dlamch('Epsilon')
    tol3z = math.sqrt(eps)
    vn1 = np.linalg.norm(A, axis=0) if pivot else None
    vn2 = vn1.copy() if pivot else None
    for i in range(k):
        if pivot:
            p = i + int(np.argmax(vn1[i:]))     # idamax: the first of equal norms
            if p != i:
                A[:, [i, p]] = A[:, [p, i]]
                perm[[i, p]] = perm[[p, i]]
                vn1[p], vn2[p] = vn1[i], vn2[i]
        beta, tau, v = _householder(A[i:, i])
        A[i, i] = beta
        A[i + 1:, i] = 0
        if i + 1 < n and tau != 0:
            C = A[i:, i + 1:]
            C -= np.outer(v, tau * (v @ C))     # dlarf: w = C^T v, then dger's C -= v (tau w)^T
        refl.append((tau, v))
        if pivot and i + 1 < n:                 # dlaqp2's norm downdate, recomputed where it cancels
            js = np.arange(i + 1, n)
            live = vn1[js] != 0
            one = A.dtype.type(1)
            temp = np.maximum(one - (np.abs(A[i, js]) / np.where(live, vn1[js], one)) ** 2, 0)
            temp2 = temp * (vn1[js] / np.where(live, vn2[js], one)) ** 2
            redo = live & (temp2 <= tol3z)
            keep = live & ~redo
            vn1[js[keep]] *= np.sqrt(temp[keep])
            if redo.any():
                fresh = np.linalg.norm(A[i + 1:, js[redo]], axis=0) if i + 1 < m else 0
                vn1[js[redo]] = vn2[js[redo]] = fresh
    return A[:k], refl, perm


def _apply_qt(refl, b):
    """Q^T b, Q the product of the reflectors."""
    b = np.array(b, copy=True)
    for i, (tau, v) in enumerate(refl):
        if tau != 0:
            b[i:] -= np.outer(v, tau * (v @ b[i:]))
    return b


def _laic1(job, x, sest, w, gamma, eps):
    """dlaic1: the estimate of the largest (job 1) / smallest (job 2) singular value of [[L, 0], [w^T,
    gamma]] from ``sest`` for L and its singular vector ``x``; returns (sestpr, s, c)."""
    alpha = float(x @ w)
    absalp, absgam, absest = abs(alpha), abs(gamma), abs(sest)
    sign = math.copysign
    if job == 1:
        if sest == 0:
            s1 = max(absgam, absalp)
            if s1 == 0:
                return 0.0, 0.0, 1.0
            s, c = alpha / s1, gamma / s1
            tmp = math.sqrt(s * s + c * c)
            return s1 * tmp, s / tmp, c / tmp
        if absgam <= eps * absest:
            tmp = max(absest, absalp)
            s1, s2 = absest / tmp, absalp / tmp
            return tmp * math.sqrt(s1 * s1 + s2 * s2), 1.0, 0.0
        if absalp <= eps * absest:
            return (absest, 1.0, 0.0) if absgam <= absest else (absgam, 0.0, 1.0)
        if absest <= eps * absalp or absest <= eps * absgam:
            if absgam <= absalp:
                tmp = absgam / absalp
                s = math.sqrt(1 + tmp * tmp)
                return absalp * s, sign(1.0, alpha) / s, (gamma / absalp) / s
            tmp = absalp / absgam
            c = math.sqrt(1 + tmp * tmp)
            return absgam * c, (alpha / absgam) / c, sign(1.0, gamma) / c
        zeta1, zeta2 = alpha / absest, gamma / absest
        b = (1 - zeta1 * zeta1 - zeta2 * zeta2) * 0.5
        c = zeta1 * zeta1
        t = c / (b + math.sqrt(b * b + c)) if b > 0 else math.sqrt(b * b + c) - b
        sine, cosine = -zeta1 / t, -zeta2 / (1 + t)
        tmp = math.sqrt(sine * sine + cosine * cosine)
        return math.sqrt(t + 1) * absest, sine / tmp, cosine / tmp
    if sest == 0:
        sine, cosine = (1.0, 0.0) if max(absgam, absalp) == 0 else (-gamma, alpha)
        s1 = max(abs(sine), abs(cosine))
        s, c = sine / s1, cosine / s1
        tmp = math.sqrt(s * s + c * c)
        return 0.0, s / tmp, c / tmp
    if absgam <= eps * absest:
        return absgam, 0.0, 1.0
    if absalp <= eps * absest:
        return (absgam, 0.0, 1.0) if absgam <= absest else (absest, 1.0, 0.0)
    if absest <= eps * absalp or absest <= eps * absgam:
        if absgam <= absalp:
            tmp = absgam / absalp
            c = math.sqrt(1 + tmp * tmp)
            return absest * (tmp / c), -(gamma / absalp) / c, sign(1.0, alpha) / c
        tmp = absalp / absgam
        s = math.sqrt(1 + tmp * tmp)
        return absest / s, -sign(1.0, gamma) / s, (alpha / absgam) / s
    zeta1, zeta2 = alpha / absest, gamma / absest
    norma = max(1 + zeta1 * zeta1 + abs(zeta1 * zeta2), abs(zeta1 * zeta2) + zeta2 * zeta2)
    test = 1 + 2 * (zeta1 - zeta2) * (zeta1 + zeta2)
    if test >= 0:
        b = (zeta1 * zeta1 + zeta2 * zeta2 + 1) * 0.5
        c = zeta2 * zeta2
        t = c / (b + math.sqrt(abs(b * b - c)))
        sine, cosine = zeta1 / (1 - t), -zeta2 / t
        sestpr = math.sqrt(t + 4 * eps * eps * norma) * absest
    else:
        b = (zeta2 * zeta2 + zeta1 * zeta1 - 1) * 0.5
        c = zeta1 * zeta1
        t = -c / (b + math.sqrt(b * b + c)) if b >= 0 else b - math.sqrt(b * b + c)
        sine, cosine = -zeta1 / t, -zeta2 / (1 + t)
        sestpr = math.sqrt(1 + t + 4 * eps * eps * norma) * absest
    tmp = math.sqrt(sine * sine + cosine * cosine)
    return sestpr, sine / tmp, cosine / tmp


def _ice_rank(R, rcond, eps):
    """dgelsy's rank: grow r while smax * rcond <= smin (incremental condition estimation)."""
    k = R.shape[0]
    smax = smin = abs(float(R[0, 0])) if k else 0.0
    if smax == 0:
        return 0
    xmin, xmax = np.ones(1), np.ones(1)
    r = 1
    while r < k:
        w, gamma = R[:r, r].astype(np.float64), float(R[r, r])
        sminpr, s1, c1 = _laic1(2, xmin, smin, w, gamma, eps)
        smaxpr, s2, c2 = _laic1(1, xmax, smax, w, gamma, eps)
        if not smaxpr * rcond <= sminpr:
            break
        xmin = np.append(s1 * xmin, c1)
        xmax = np.append(s2 * xmax, c2)
        smin, smax = sminpr, smaxpr
        r += 1
    return r


def gelsy(a, b, rcond):
    """(x, rank) for one matrix ``a`` (m x n) and right-hand sides ``b`` (m x k)."""
    m, n = a.shape
    x = np.zeros((n, b.shape[1]), a.dtype)
    if m == 0 or n == 0 or not np.any(a):
        return x, 0
    R, refl, perm = qr_factor(a, pivot=True)
    eps = float(np.finfo(a.dtype).eps) / 2
    r = _ice_rank(R, float(rcond), eps)
    if r == 0:
        return x, 0
    c = _apply_qt(refl, b)[:r]
    R1 = R[:r]
    if r == n:
        y = _upper_solve(R1[:, :r], c)
    else:                                       # dtzrzf: the minimum-norm y of [R11 R12] y = c
        Qz, Rz = np.linalg.qr(R1.T)
        y = Qz @ _upper_solve(Rz, c, transpose=True)
    x[perm] = y.astype(a.dtype, copy=False)
    return x, r


def _upper_solve(U, c, transpose=False):
    """U^-1 c (U^-T c with ``transpose``), U upper triangular: back (forward) substitution."""
    k = U.shape[0]
    y = np.zeros(c.shape, np.result_type(U, c))
    M = U.T if transpose else U
    order = range(k) if transpose else range(k - 1, -1, -1)
    for i in order:
        acc = c[i] - (M[i, :i] @ y[:i] if transpose else M[i, i + 1:] @ y[i + 1:])
        y[i] = acc / M[i, i]
    return y


def gels(a, b):
    """(x, info) for one matrix: dgels's QR (tall) or LQ (wide) solve; info > 0 names the first zero on
    the triangle's diagonal (no solution then)."""
    m, n = a.shape
    x = np.zeros((n, b.shape[1]), a.dtype)
    if m == 0 or n == 0 or not np.any(a):      # dgels: a zero A gives a zero solution
        return x, 0
    if m >= n:
        R, refl, _ = qr_factor(a, pivot=False)
        zero = np.flatnonzero(np.diagonal(R)[:n] == 0)
        if zero.size:
            return x, int(zero[0]) + 1
        return _upper_solve(R[:n, :n], _apply_qt(refl, b)[:n]).astype(a.dtype, copy=False), 0
    R, refl, _ = qr_factor(a.T, pivot=False)      # A = L Q with L = R^T
    zero = np.flatnonzero(np.diagonal(R)[:m] == 0)
    if zero.size:
        return x, int(zero[0]) + 1
    z = np.zeros((n, b.shape[1]), np.result_type(a, b))
    z[:m] = _upper_solve(R[:m, :m], b, transpose=True)
    for i in range(len(refl) - 1, -1, -1):    # x = Q z, Q = H_1 ... H_k of A^T's QR: the last first
        tau, v = refl[i]
        if tau != 0:
            z[i:] -= np.outer(v, tau * (v @ z[i:]))
    return z.astype(a.dtype, copy=False), 0
