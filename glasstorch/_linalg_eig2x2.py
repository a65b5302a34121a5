"""Eigenvalues of real float32 2 x 2 matrices with LAPACK's single-precision roundings (the eigenvectors
from the same Schur form: ``_linalg_eig2x2_vec``).

NumPy's ``linalg.eig`` / ``eigvals`` work in double precision for float32 input and round the result
once, so they are more accurate than torch, whose ``sgeev`` (MKL) computes in float: the rotation
matrix [[-0.1, 2], [-2, -0.1]] has eigenvalues -0.1 +- 1.99999988j in torch (sqrt(2) * sqrt(2) in
float), not +- 2j.  For a 2 x 2 matrix ``sgeev`` is short enough to replay in float32:

* ``sgebal`` ('B'): a matrix with a zero off-diagonal element is already triangular (its eigenvalues
  are its diagonal: (a, d) when c = 0, else (d, a) after the permutation); otherwise each row is
  divided, and its column multiplied, by a power of 2 until the two 2-norms are within a factor 2
  (the diagonal counts, as in LAPACK >= 3.5);
* ``sgehrd`` leaves a 2 x 2 matrix as it is; ``slahqr`` sets a negligible subdiagonal element to 0
  (the eigenvalues are then the diagonal) and hands the 2 x 2 block to
* ``slanv2``, the standardised Schur factorisation: for real eigenvalues
  z = p + sign(p) sqrt(scale) sqrt((p / scale) p + (bcmax / scale) bcmis), p = (a - d) / 2, giving
  (d + z, d - (bcmax / z) bcmis); for complex ones a rotation equalising the diagonal, then
  (a, +- sqrt|b| sqrt|c|).

Checked against torch 2.13 (MKL) on thousands of random, integer, badly scaled, equal-diagonal, tiny
and huge matrices: bit for bit, but for some mixing elements near 2^-126 with ordinary ones.  torch's
float64 ``dgeev`` rounds differently from reference LAPACK, and larger matrices go through the Francis
QR iteration: both keep NumPy's answer.
"""
import math

import numpy as np

_F = np.float32
_ONE, _HALF, _ZERO, _TWO = _F(1), _F(0.5), _F(0), _F(2)
_EPS = _F(np.finfo(np.float32).eps)                 # slamch('P')
_SAFMIN = _F(np.finfo(np.float32).tiny)             # slamch('S')
_SAFMN2 = _F(2.0 ** int(math.log(_SAFMIN / _EPS) / math.log(2) / 2))
_SAFMX2 = _ONE / _SAFMN2
_SFMIN1 = _SAFMIN / _EPS                            # sgebal's scaling limits
_SFMAX1 = _ONE / _SFMIN1
_SFMIN2 = _SFMIN1 * _TWO
_SFMAX2 = _ONE / _SFMIN2
# sgeev scales a matrix whose largest element lies outside [SMLNUM, BIGNUM] first
_SMLNUM = _F(math.sqrt(_SAFMIN) / _EPS)
_BIGNUM = _ONE / _SMLNUM


def applies(a):
    """Whether ``a`` (a NumPy array) is a real float32 (batch of) 2 x 2 matrices this module handles."""
    return a.dtype == np.float32 and a.shape[-2:] == (2, 2)


def _sign(x, y):
    """Fortran's SIGN(x, y) as MKL's build has it: |x|, negated where y < 0 (a -0.0 counts as positive:
    torch's eigenvalues of [[-0., 1], [1, 0]] are (1, -1), as those of [[0., 1], [1, 0]])."""
    return -abs(x) if y < 0 else abs(x)


def _lapy2(x, y):
    """sqrt(x^2 + y^2) without overflow, as slapy2."""
    w, z = max(abs(x), abs(y)), min(abs(x), abs(y))
    if z == 0:
        return w
    return w * np.sqrt(_ONE + (z / w) ** 2)


def _nrm2(x, y):
    # snrm2 scales its sum of squares: a norm of 2^-126 is not 0 (in double here; it only feeds decisions)
    return _F(math.hypot(float(x), float(y)))


def _balance(a, b, c, d):
    """sgebal's scaling loop for a full 2 x 2 matrix [[a, b], [c, d]]: the scaled (b, c), and the two
    scale factors (row i was divided by scale[i], column i multiplied)."""
    scale = [_ONE, _ONE]
    noconv = True
    while noconv:
        noconv = False
        for i in range(2):
            col = _nrm2(a, c) if i == 0 else _nrm2(b, d)
            row = _nrm2(a, b) if i == 0 else _nrm2(c, d)
            ca = max(abs(a), abs(c)) if i == 0 else max(abs(b), abs(d))
            ra = max(abs(a), abs(b)) if i == 0 else max(abs(c), abs(d))
            if col == 0 or row == 0:
                continue
            g, f, s = row / _TWO, _ONE, col + row
            while not (col >= g or max(f, col, ca) >= _SFMAX2 or min(row, g, ra) <= _SFMIN2):
                f, col, ca, row, g, ra = f * _TWO, col * _TWO, ca * _TWO, row / _TWO, g / _TWO, ra / _TWO
            g = col / _TWO
            while not (g < row or max(row, ra) >= _SFMAX2 or min(f, col, g, ca) <= _SFMIN2):
                f, col, g, ca, row, ra = f / _TWO, col / _TWO, g / _TWO, ca / _TWO, row * _TWO, ra * _TWO
            if col + row >= _F(0.95) * s:
                continue
            if f < 1 and scale[i] < 1 and f * scale[i] <= _SFMIN1:
                continue
            if f > 1 and scale[i] > 1 and scale[i] >= _SFMAX1 / f:
                continue
            scale[i] = scale[i] * f
            noconv = True
            # row i divided by f, column i multiplied by f (the diagonal element is unchanged)
            if i == 0:
                b, c = b / f, c * f
            else:
                c, b = c / f, b * f
    return b, c, scale


def _lanv2(a, b, c, d):
    """slanv2: the standardised Schur form (a, b, c, d) of [[a, b], [c, d]] (c = 0 for real eigenvalues,
    else a = d and b c < 0) and its rotation (cs, sn)."""
    cs, sn = _ONE, _ZERO
    if c == 0:
        pass
    elif b == 0:
        cs, sn = _ZERO, _ONE
        a, d, b, c = d, a, -c, _ZERO
    elif a - d == 0 and _sign(_ONE, b) != _sign(_ONE, c):
        pass
    else:
        temp = a - d
        p = _HALF * temp
        bcmax = max(abs(b), abs(c))
        bcmis = min(abs(b), abs(c)) * _sign(_ONE, b) * _sign(_ONE, c)
        scale = max(abs(p), bcmax)
        z = (p / scale) * p + (bcmax / scale) * bcmis
        if z >= _F(4) * _EPS:
            # real eigenvalues
            z = p + _sign(np.sqrt(scale) * np.sqrt(z), p)
            a = d + z
            d = d - (bcmax / z) * bcmis
            tau = _lapy2(c, z)
            cs, sn = z / tau, c / tau
            b, c = b - c, _ZERO
        else:
            # complex or nearly equal real eigenvalues: rotate to equal diagonal elements
            sigma = b + c
            for _ in range(21):
                scale = max(abs(temp), abs(sigma))
                if scale >= _SAFMX2:
                    sigma, temp = sigma * _SAFMN2, temp * _SAFMN2
                elif scale <= _SAFMN2:
                    sigma, temp = sigma * _SAFMX2, temp * _SAFMX2
                else:
                    break
            p = _HALF * temp
            tau = _lapy2(sigma, temp)
            cs = np.sqrt(_HALF * (_ONE + abs(sigma) / tau))
            sn = -(p / (tau * cs)) * _sign(_ONE, sigma)
            aa, bb = a * cs + b * sn, -a * sn + b * cs
            cc, dd = c * cs + d * sn, -c * sn + d * cs
            a, b = aa * cs + cc * sn, bb * cs + dd * sn
            c, d = -aa * sn + cc * cs, -bb * sn + dd * cs
            temp = _HALF * (a + d)
            a = d = temp
            if c != 0:
                if b != 0:
                    if _sign(_ONE, b) == _sign(_ONE, c):
                        # real after all: reduce to upper triangular form
                        sab, sac = np.sqrt(abs(b)), np.sqrt(abs(c))
                        p = _sign(sab * sac, c)
                        tau = _ONE / np.sqrt(abs(b + c))
                        a, d = temp + p, temp - p
                        b, c = b - c, _ZERO
                        cs1, sn1 = sab * tau, sac * tau
                        cs, sn = cs * cs1 - sn * sn1, cs * sn1 + sn * cs1
                else:
                    b, c = -c, _ZERO
                    cs, sn = -sn, cs
    return a, b, c, d, cs, sn


_SMLNUM_HQR = _SAFMIN * (_F(2) / _EPS)       # slahqr's for a block of order 2


def _negligible(a, b, c, d):
    """slahqr's deflation test of the subdiagonal element c (Ahues & Kressner's criterion)."""
    if abs(c) <= _SMLNUM_HQR:
        return True
    tst = abs(a) + abs(d)
    if abs(c) > _EPS * tst:
        return False
    ab, ba = max(abs(c), abs(b)), min(abs(c), abs(b))
    aa, bb = max(abs(d), abs(a - d)), min(abs(d), abs(a - d))
    s = aa + ab
    return ba * (ab / s) <= max(_SMLNUM_HQR, _EPS * (bb * (aa / s)))


def _lascl(values, cfrom, cto):
    """slascl: ``values`` multiplied by cto / cfrom, in steps that neither overflow nor underflow."""
    smlnum = _SAFMIN
    bignum = _ONE / smlnum
    done = False
    while not done:
        cfrom1 = cfrom * smlnum
        if cfrom1 == cfrom:             # cfrom is inf: one multiplication by a nan or 0
            mul, done = cto / cfrom, True
        else:
            cto1 = cto / bignum
            if cto1 == cto:             # cto is 0 or inf
                mul, done, cfrom = cto, True, _ONE
            elif abs(cfrom1) > abs(cto) and cto != 0:
                mul, done, cfrom = smlnum, False, cfrom1
            elif abs(cto1) > abs(cfrom):
                mul, done, cto = bignum, False, cto1
            else:
                mul, done = cto / cfrom, True
        values = [v * mul for v in values]
    return values


def schur(m):
    """sgeev's way to the real Schur form of one float32 matrix ``m``: (t, cs, sn, scale, swapped, cscale,
    anrm), t = (a, b, c, d) the Schur form, (cs, sn) the rotation slahqr applied to the Schur vectors
    (None, None where none ran: they stay the identity), ``scale`` the
    balancing, ``swapped`` whether sgebal's permutation swapped the two rows, ``cscale`` the factor the
    matrix was scaled to (None if not) from its largest element ``anrm``; None for a non-finite matrix."""
    a, b, c, d = (_F(v) for v in m.ravel())
    anrm = max(abs(a), abs(b), abs(c), abs(d))
    if not np.isfinite(anrm):
        return None
    # a matrix with its largest element outside [SMLNUM, BIGNUM] is scaled into it first, its
    # eigenvalues scaled back at the end
    cscale = _SMLNUM if 0 < anrm < _SMLNUM else _BIGNUM if anrm > _BIGNUM else None
    if cscale is not None:
        a, b, c, d = _lascl([a, b, c, d], anrm, cscale)
    scale, swapped, cs, sn = [_ONE, _ONE], False, None, None
    if c == 0:                  # triangular: sgebal isolates both eigenvalues, no QR step runs
        pass
    elif b == 0:                # lower triangular: sgebal swaps the rows and columns
        a, b, c, d, swapped = d, c, _ZERO, a, True
    else:
        b, c, scale = _balance(a, b, c, d)
        if _negligible(a, b, c, d):
            c = _ZERO           # deflated: no rotation either
        else:
            a, b, c, d, cs, sn = _lanv2(a, b, c, d)
    return (a, b, c, d), cs, sn, scale, swapped, cscale, anrm


def values(t, cscale, anrm):
    """The eigenvalues ((re1, im1), (re2, im2)) of the standardised Schur form ``t``, scaled back."""
    a, b, c, d = t
    im = np.sqrt(abs(b)) * np.sqrt(abs(c)) if c != 0 else _ZERO
    r1, r2, i1, i2 = a, d, im, -im if c != 0 else _ZERO
    if cscale is not None:
        r1, r2 = _lascl([r1, r2], cscale, anrm)
        i1, i2 = _lascl([i1, i2], cscale, anrm)
    return (r1, i1), (r2, i2)


def eigvals(a, w):
    """Overwrite ``w`` (complex64, shape (..., 2)), NumPy's eigenvalues of ``a``, with sgeev's (their
    order is LAPACK's in both)."""
    flat_a = a.reshape(-1, 2, 2)
    flat_w = w.reshape(-1, 2)
    for k in range(flat_a.shape[0]):
        f = schur(flat_a[k])
        if f is not None:
            (r1, i1), (r2, i2) = values(f[0], f[5], f[6])
            flat_w[k] = (complex(r1, i1), complex(r2, i2))
    return flat_w.reshape(w.shape)
