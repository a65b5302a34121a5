"""SLEEF's float64 exp (``Sleef_expd4_u10``, the AVX2 build torch links), bit for bit.

torch's float64 kernels that call ``Vectorized<double>::exp()`` (sigmoid, silu, glu, elu's backward,
softmax and log_softmax with their backwards) get it in their vector loops; their scalar loops call
glibc's ``exp``.  SLEEF's ``xexp`` (sleefsimddp.c, the ENABLE_FMA_DP branch), every multiply-add
fused (one rounding, as AVX2's FMA instruction):

    q = rint(d * R_LN2)                                        (product rounded, then to nearest even)
    s = fma(q, -L2U, d);   s = fma(q, -L2L, s)                 (ln 2 = L2U + L2L, Cody-Waite)
    s2 = s*s;  s4 = s2*s2;  s8 = s4*s4                         (plain products)
    u = POLY10(s, s2, s4, s8, c9 .. c0)                        (Estrin, below)
    u = fma(u, s, 0.5);  u = fma(u, s, 1);  u = fma(u, s, 1)
    exp(d) = (u * 2^(q >> 1)) * 2^(q - (q >> 1));   inf above d = 709.78271289338399678773454114191,
                                                    +0 below d = -1000, nan for nan

(The SLEEF source read has its inf threshold at 709.78271114955742909217217426; the library torch
links returns finite results up to log(DBL_MAX) = 709.782712893384, as the reconstruction gives
them, and inf from the next double on: measured, so this module follows the library.)

    POLY2(x, a, b)          = fma(x, a, b)
    POLY4(x, x2, a..d)      = fma(x2, POLY2(x, a, b), POLY2(x, c, d))
    POLY8(x, x2, x4, a..h)  = fma(x4, POLY4(x, x2, a..d), POLY4(x, x2, e..h))
    POLY10(x, .., x8, c9..c0) = fma(x8, POLY2(x, c9, c8), POLY8(x, x2, x4, c7..c0))

The first reduction step is exact without an fma (q * L2U fits in 53 bits for |q| < 2^11, and d - q
L2U is exact by Sterbenz's lemma), the rest go through ``_rng_fma.fma64`` (exact).  ``(u * 2^(q>>1))
* 2^(q - (q>>1))`` rounds only in its second product (the first stays normal for |q| <= 1443), as
``np.ldexp``'s single scaling does.

Verified: against ``Sleef_expd4_u10avx2`` itself (libtorch_cpu exports it; called through a small C
shim, not shipped), twice with other seeds, on 4 million arguments uniform in [-1000, 710], 4 million
uniform in [-40, 40], 2 million uniform in [-1, 1], 1 million random bit patterns, 600,000 spaced
over the windows next to both bounds, and the special values (+-0, +-inf, nan, subnormals, the
bounds and their neighbours): equal in every bit; end to end through torch 2.13's float64
``sigmoid`` (its vector loop is ``1 / (1 + exp(-x))``) on 4 million contiguous arguments over
[-750, 750] and N(0, 20^2), one thread: equal in every element (NumPy's exp: 105,154 differ).
``tests/parity/test_sleef_expd.py`` compares it with torch at test time, reading torch's vector exp
off log_softmax's backward kernel.  glibc's ``exp`` (the scalar loops') agrees with NumPy's float64
exp (``_libm.exp``) on 4 million arguments under the AVX2 pins (NumPy's AVX-512 exp is another
routine), so the scalar rest uses that.
"""
import numpy as np

from .._rng_fma import fma64 as _fma

_F64 = np.float64
_R_LN2 = 1.442695040888963407359924681001892137426645954152985934135449406931
_L2U = .69314718055966295651160180568695068359375
_L2L = .28235290563031577122588448175013436025525412068e-12
_C = (+0.2081276378237164457e-8, +0.2511210703042288022e-7, +0.2755762628169491192e-6,
      +0.2755723402025388239e-5, +0.2480158687479686264e-4, +0.1984126989855865850e-3,
      +0.1388888888914497797e-2, +0.8333333333314938210e-2, +0.4166666666666602598e-1,
      +0.1666666666666669072e+0)                                  # c9 .. c0
_HI, _LO = 709.78271289338399678773454114191, -1000.0      # (log of the largest double)


def _poly4(s, s2, a, b, c, d):
    return _fma(s2, _fma(s, a, b), _fma(s, c, d))


def expd(d):
    """SLEEF's exp of a float64 array (any shape), as a float64 array (block by block: ``_blocks``)."""
    from ._blocks import flat_blocks
    d = np.asarray(d, _F64)
    if not d.size:
        return d.copy()
    return flat_blocks(_expd_flat, d.reshape(-1), _F64).reshape(d.shape)


def _expd_flat(flat):
    lo, hi = flat.min(), flat.max()
    wild = not (_LO <= lo and hi <= _HI)                 # (NaN compares false)
    x = np.clip(flat, _LO, _HI) if wild else flat        # (the selects below decide the rest)
    if wild:
        x = np.where(np.isnan(x), 0.0, x)
    q = np.rint(x * _R_LN2)
    s = x - q * _L2U
    s = _fma(q, -_L2L, s)
    s2 = s * s
    s4 = s2 * s2
    s8 = s4 * s4
    c = _C
    u = _fma(s8, _fma(s, c[0], c[1]),
             _fma(s4, _poly4(s, s2, *c[2:6]), _poly4(s, s2, *c[6:10])))
    u = _fma(u, s, 0.5)
    u = _fma(u, s, 1.0)
    u = _fma(u, s, 1.0)
    u = np.ldexp(u, q.astype(np.int32))
    if wild:
        u = np.where(flat > _HI, np.inf, u)
        u = np.where(flat < _LO, 0.0, u)
        u = np.where(np.isnan(flat), flat, u)
    return u


def exp_by_path(x, vector):
    """exp of a float64 array as a torch loop computes it: SLEEF's where the bool array ``vector``
    (x's shape) is set -- the loop's vector blocks --, glibc's elsewhere -- its scalar rest."""
    from . import _libm
    if vector.all():
        return expd(x)
    if not vector.any():
        return _libm.exp(x)
    r = np.empty(x.shape, _F64)
    r[vector] = expd(x[vector])
    rest = ~vector
    r[rest] = _libm.exp(x[rest])
    return r


def unary_exp(x):
    """exp inside a torch float64 unary kernel (sigmoid, silu, elu's backward): SLEEF's on the blocks
    of 8 its loop runs as vectors, glibc's on the rest, for a C-contiguous array; else glibc's."""
    from . import _libm
    if x.dtype == _F64 and x.flags.c_contiguous and x.ndim:
        from .._runtime import get_num_threads
        from ._sleef_expf import vector_mask
        return exp_by_path(x, vector_mask(x.size, get_num_threads(), block=8).reshape(x.shape))
    return _libm.exp(x)
