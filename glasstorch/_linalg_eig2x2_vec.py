"""Eigenvectors of real float32 2 x 2 matrices as torch's ``sgeev`` computes them (the eigenvalues and
the Schur form come from ``_linalg_eig2x2``).

From the Schur form T = [[a, b], [c, d]] and its Schur vectors Z (the identity turned by slahqr's
rotation [[cs, -sn], [sn, cs]], where one ran):

* ``strevc3`` solves T x = lambda x by back substitution: for the second eigenvalue d of a triangular T,
  x = (-b / (a - d), 1) (``slaln2``: a - d no smaller than eps |d|), for the first x = (1, 0); for a
  complex pair lambda = a + i w, w = sqrt|c| sqrt|b|, x = (1, i w / b) if |b| >= |c|, else (-w / c, i);
  then Z x (a matrix product: each row Z[i, 0] x0 + Z[i, 1] x1, rounded in turn), divided by its largest
  element (for a pair: by max |re| + |im|);
* ``sgebak`` multiplies row i by the balancing factor and undoes sgebal's permutation;
* ``sgeev`` scales each vector to unit 2-norm (times 1 / norm), and turns a complex one so that its
  largest component is real (``slartg``'s rotation of LAPACK >= 3.10: cs = |f| / r, sn = g / sign(r, f)).

Checked against torch 2.13 on random, integer, rounded and badly scaled matrices: bit for bit.
"""
import numpy as np

from . import _linalg_eig2x2 as _e

_F = np.float32
_ONE, _ZERO = _F(1), _F(0)
_SMLNUM_TREVC = _e._SAFMIN * (_F(2) / _e._EPS)      # strevc3's for n = 2
_SMLNUM_LALN2 = _F(2) * _e._SAFMIN
_BIGNUM_LALN2 = _ONE / _SMLNUM_LALN2


def _schur_vectors(cs, sn):
    """Z: the identity, turned by slahqr's srot with (cs, sn) where it ran one (cs + sn 0 etc. keep
    the signs of its zeros)."""
    if cs is None:
        return np.eye(2, dtype=_F)
    return np.array([[cs * _ONE + sn * _ZERO, cs * _ZERO - sn * _ONE],
                     [cs * _ZERO + sn * _ONE, cs * _ONE - sn * _ZERO]], dtype=_F)


def _times_z(z, x0, x1):
    """Z @ (x0, x1) as sgemm adds it: from 0, each product in turn (a -0. sum comes out +0.)."""
    return np.array([(_ZERO + x0 * z[i, 0]) + x1 * z[i, 1] for i in range(2)], dtype=_F)


def _largest_one(v):
    return v * (_ONE / abs(v[int(np.argmax(np.abs(v)))]))


def _rotation(f, g):
    """slartg (LAPACK >= 3.10) for finite f, g in the normal range: (cs, sn)."""
    if g == 0:
        return _ONE, _ZERO
    if f == 0:
        return _ZERO, _e._sign(_ONE, g)
    r = np.sqrt(f * f + g * g)
    return abs(f) / r, g / _e._sign(r, f)


def _real_vectors(t, z):
    a, b, _, d = t
    v1 = _largest_one(_times_z(z, _ONE, _ZERO))
    # slaln2 on the 1 x 1 system (a - d) x = -b, its denominator kept away from 0
    csr = a - d
    smin = max(_e._EPS * abs(d), _SMLNUM_TREVC, _SMLNUM_LALN2)
    if abs(csr) < smin:
        csr = smin
    rhs, scale = -b, _ONE
    if abs(csr) < 1 and abs(rhs) > 1 and abs(rhs) > _BIGNUM_LALN2 * abs(csr):
        scale = _ONE / abs(rhs)
    v2 = _largest_one(_times_z(z, (rhs * scale) / csr, scale))
    return np.stack([v1, v2], 1)


def _complex_vectors(t, z, scale):
    a, b, c, _ = t
    w = np.sqrt(abs(c)) * np.sqrt(abs(b))
    if abs(b) >= abs(c):
        re, im = _times_z(z, _ONE, _ZERO), _times_z(z, _ZERO, w / b)
    else:
        re, im = _times_z(z, -w / c, _ZERO), _times_z(z, _ZERO, _ONE)
    top = _ONE / max(abs(re[0]) + abs(im[0]), abs(re[1]) + abs(im[1]))
    re, im = re * top, im * top
    re, im = re * np.array(scale, _F), im * np.array(scale, _F)
    unit = _ONE / _e._lapy2(_e._nrm2(re[0], re[1]), _e._nrm2(im[0], im[1]))
    re, im = re * unit, im * unit
    k = int(np.argmax(re * re + im * im))
    c_, s_ = _rotation(re[k], im[k])
    re, im = c_ * re + s_ * im, c_ * im - s_ * re
    im[k] = _ZERO
    v = re.astype(np.complex64) + np.complex64(1j) * im.astype(np.complex64)
    return np.stack([v, v.conj()], 1)


def eig(a, w, v):
    """Overwrite ``w`` (complex64, (..., 2)) and ``v`` (complex64, (..., 2, 2)), NumPy's eigenvalues and
    eigenvectors of the float32 matrices ``a``, with sgeev's."""
    flat_a, flat_w, flat_v = a.reshape(-1, 2, 2), w.reshape(-1, 2), v.reshape(-1, 2, 2)
    for k in range(flat_a.shape[0]):
        f = _e.schur(flat_a[k])
        if f is None:
            continue
        t, cs, sn, scale, swapped, cscale, anrm = f
        (r1, i1), (r2, i2) = _e.values(t, cscale, anrm)
        flat_w[k] = (complex(r1, i1), complex(r2, i2))
        z = _schur_vectors(cs, sn)
        if t[2] != 0:
            flat_v[k] = _complex_vectors(t, z, scale)
            continue
        vec = _real_vectors(t, z) * np.array(scale, _F)[:, None]
        if swapped:
            vec = vec[::-1]
        for j in range(2):
            vec[:, j] = vec[:, j] * (_ONE / _e._nrm2(vec[0, j], vec[1, j]))
        flat_v[k] = vec
    return flat_w.reshape(w.shape), flat_v.reshape(v.shape)
