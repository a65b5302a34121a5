"""``linalg.matrix_exp`` as torch evaluates it (Bader, Blanes & Casas 2019): optimised Taylor
polynomials of degree 1, 2, 4, 8, 12 or 18 picked by the matrix's 1-norm, the degree-18 one with
scaling and squaring, all in the input's dtype (float32 stays float32, so its rounding is torch's).

Two of torch's choices are kept because they show in the results:
* a batch of more than one matrix takes the degree-18 path for every matrix;
* degree 8 uses torch's coefficient x7 = (89 - sqrt(177)) / (5040 x3) (the paper has x3^2 there),
  so its error is about 1e-12 near the top of its range in float64, as torch's is.
Linear combinations add the terms left to right from zero (torch's _compute_linear_combination), and
products of matrices up to 8 x 8 add their terms in order without fused multiply-adds, as torch's
small-matrix product does (NumPy's BLAS fuses them).
"""
import numpy as np

_THETA = {np.dtype(np.float32): (1.192092800768788e-07, 5.978858893805233e-04, 5.116619363445086e-02,
                                 5.800524627688768e-01, 1.461661507209034e+00, 3.010066362817634e+00),
          np.dtype(np.float64): (2.220446049250313e-16, 2.580956802971767e-08, 3.397168839976962e-04,
                                 4.991228871115323e-02, 2.996158913811580e-01, 1.090863719290036e+00)}

# Bs = B @ [I, A, A^2, A^3(, A^6)] for degrees 12 and 18
_B12 = ((9.0198e-16, 0.46932117595418237389, -0.20099424927047284052, -0.04623946134063071740),
        (5.31597895759871264183, 1.19926790417132231573, 0.01179296240992997031, 0.01108844528519167989),
        (0.18188869982170434744, 0.05502798439925399070, 0.09351590770535414968, 0.00610700528898058230),
        (-2.0861320e-13, -0.13181061013830184015, -0.02027855540589259079, -0.00675951846863086359))
_B18 = ((0., -1.00365581030144618291e-01, -8.02924648241156932449e-03, -8.92138498045729985177e-04, 0.),
        (0., 3.97849749499645077844e-01, 1.36783778460411720168e+00, 4.98289622525382669416e-01,
         -6.37898194594723280150e-04),
        (-1.09676396052962061844e+01, 1.68015813878906206114e+00, 5.71779846478865511061e-02,
         -6.98210122488052056106e-03, 3.34975017086070470649e-05),
        (-9.04316832390810593223e-02, -6.76404519071381882256e-02, 6.75961301770459654925e-02,
         2.95552570429315521194e-02, -1.39180257516060693404e-05),
        (0., 0., -9.23364619367118555360e-02, -1.69364939002081722752e-02, -1.40086798182036094347e-05))


def _mm(a, b):
    """a @ b; for small matrices summed k = 0, 1, ... with each product rounded (torch's order)."""
    if a.dtype.kind == "c":
        return _cmm(a, b)
    if a.shape[-1] > 8:
        return a @ b
    out = a[..., :, 0, None] * b[..., None, 0, :]
    for k in range(1, a.shape[-1]):
        out = out + a[..., :, k, None] * b[..., None, k, :]
    return out


def _cmm(a, b):
    """Complex a @ b: for n = 2, 3 each product ``(ar br - ai bi) + i (ar bi + ai br)`` rounded and added
    k = 0, 1, ... (as torch's complex mm, see ops/_gemm_order.complex_k_small); larger: NumPy's BLAS."""
    if a.shape[-1] > 3:
        return a @ b
    re = im = 0
    for k in range(a.shape[-1]):
        x, y = a[..., :, k, None], b[..., None, k, :]
        re = re + (x.real * y.real - x.imag * y.imag)
        im = im + (x.real * y.imag + x.imag * y.real)
    out = np.empty(re.shape, a.dtype)
    out.real, out.imag = re, im
    return out


def _comb(mats, coeffs):
    """sum_j c_j M_j, added left to right from zero, each c_j rounded to the matrices' dtype."""
    out = np.zeros_like(mats[0])
    for m, c in zip(mats, coeffs):
        out = out + m * m.dtype.type(c)
    return out


def _powers(a, k):
    """The first k of [I, A, A^2, A^3, A^6]."""
    ps = [np.broadcast_to(np.eye(a.shape[-1], dtype=a.dtype), a.shape).copy(), a]
    if k > 2:
        ps.append(_mm(a, a))
    if k > 3:
        ps.append(_mm(a, ps[2]))
    if k > 4:
        ps.append(_mm(ps[3], ps[3]))
    return ps


def _t1(a):
    eye, a1 = _powers(a, 2)
    return eye + a1


def _t2(a):
    eye, a1, a2 = _powers(a, 3)
    return (eye + a1) + a2 / a.dtype.type(2)


def _t4(a):
    eye, a1, a2 = _powers(a, 3)
    p = _mm(a2, _comb([eye, a1, a2], (1 / 2.0, 1 / 6.0, 1 / 24.0)))
    return _comb([eye, a1, a2, p], (1., 1., 0., 1.))


def _t8(a):
    f = a.real.dtype.type
    s = float(f(0.1330413469565007072504e+2))   # sqrt(177), rounded to the dtype as torch's constant is
    x3 = float(f(2. / 3.))
    x1, x2 = f(x3 * ((1. + s) / 88.)), f(x3 * ((1. + s) / 352.))
    x4, x5 = f((-271. + 29. * s) / (315. * x3)), f((-11. + 11. * s) / (1260. * x3))
    x6, x7 = f((-99. + 11. * s) / (5040. * x3)), f((89. - s) / (5040. * x3))
    y2 = f((857. - 58. * s) / 630.)
    eye, a1, a2 = _powers(a, 3)
    a4 = _mm(a2, _comb([a1, a2], (x1, x2)))
    a8 = _mm(_comb([a2, a4], (x3, 1.)), _comb([eye, a1, a2, a4], (x4, x5, x6, x7)))
    return _comb([eye, a1, a2, a4, a8], (1., 1., y2, 0., 1.))


def _t12(a):
    b = [_comb(_powers(a, 4), row) for row in _B12]
    b2 = b[2] + _mm(b[3], b[3])                    # A^6 of the scheme
    return b[0] + _mm(b[1] + b2, b2)


def _t18(a):
    b = [_comb(_powers(a, 5), row) for row in _B18]
    b3 = b[3] + _mm(b[0], b[4])                    # A^9 of the scheme
    return b[1] + _mm(b[2] + b3, b3)


def expm(a):
    """exp of each square float32/float64/complex matrix of ``a`` (..., n, n)."""
    n = a.shape[-1]
    if n == 0:
        return a.copy()
    if n == 1:
        from .ops._libm import exp
        return exp(a)
    dt = a.dtype
    rdt = a.real.dtype                           # complex matrices use their real type's thresholds
    th = [rdt.type(t) for t in _THETA[rdt]]
    a3 = a.reshape((-1, n, n))
    norm = np.abs(a3).sum(-2).max(-1)
    res = np.empty_like(a3)
    if a3.shape[0] == 1:
        for i, fn in enumerate((_t1, _t2, _t4, _t8, _t12)):
            lo = rdt.type(-1) if i == 0 else th[i - 1]
            sel = np.nonzero((lo < norm) & (norm <= th[i]))[0]
            if sel.size:
                res[sel] = fn(a3[sel])
        big = np.nonzero(norm >= th[4])[0]
    else:
        big = np.arange(a3.shape[0])
    if big.size:
        s = np.maximum(0, np.ceil(np.log2(norm[big] / th[5]))).astype(np.int64)
        r = _t18(a3[big] / (2 ** s).astype(rdt)[:, None, None])
        for k, i in enumerate(big):
            m = r[k]
            for _ in range(s[k]):
                m = _mm(m, m)
            res[i] = m
    return res.reshape(a.shape)
