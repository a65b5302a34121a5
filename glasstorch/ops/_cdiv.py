"""Complex division as torch's CPU kernel computes it (``c10::complex::operator/=``, NumPy's algorithm,
compiled with fused multiply-adds), for complex64 and complex128, in vector blocks and tail alike:

    (a + bi) / (c + di):   |c| >= |d|:  r = d / c,  s = 1 / fma(d, r, c),
                                        ((fma(b, r, a)) s,  (fma(-a, r, b)) s)
                           |c| <  |d|:  r = c / d,  s = 1 / fma(c, r, d),
                                        ((fma(a, r, b)) s,  (fma(b, r, -a)) s)
                           c = d = 0:   (a / |c|,  b / |d|)   (a complex inf or nan)

except the lone last element of an odd scalar tail (``_lone``), whose numerators are not fused.
NumPy's own complex division rounds differently (about 40% of complex64 quotients differ by an ulp).
Checked against torch's kernel on 100 thousand random quotients of each dtype over ten decades and on
every combination of 0, -0, 1, -2, +-inf, nan, 1e-30 and 1e30 in the four parts: equal everywhere.
"""
import numpy as np


def _fma(a, b, c, ct):
    from ..optim._functional import fma
    a, b, c = np.broadcast_arrays(np.asarray(a, ct), np.asarray(b, ct), np.asarray(c, ct))
    return np.asarray(fma(a, b, c), ct)


def _lone(x, y):
    """Where torch's complex64 loop computes a quotient on its own: the last element of a contiguous
    run's scalar tail when that tail (after the blocks of two vectors) has an odd length; the compiler
    pairs the others (complex128: no such element).  Only same-shape C-contiguous operands are
    followed; elsewhere nothing is lone (a broadcast operand's loop has lone elements not modelled)."""
    if not (x.dtype == np.complex64 and x.shape == y.shape and x.ndim and x.flags.c_contiguous
            and y.flags.c_contiguous):
        return None
    from .. import _runtime
    from ._scalar_tail import _pieces
    block = 8
    starts, ends = _pieces(x.size, x.size, _runtime.get_num_threads())
    lone = [e - 1 for s, e in zip(starts.tolist(), ends.tolist()) if (e - s) % block % 2]
    return np.array(lone, np.int64) if lone else None


def complex_divide(x, y, dtype):
    """x / y (arrays or numbers, broadcast) in the complex ``dtype``."""
    x, y = np.asarray(x, dtype), np.asarray(y, dtype)
    lone = _lone(x, y)
    x, y = np.broadcast_arrays(x, y)
    ct = np.dtype(dtype).type(0).real.dtype.type
    a, b, c, d = x.real, x.imag, y.real, y.imag
    with np.errstate(all="ignore"):
        big = np.abs(c) >= np.abs(d)
        rat = np.where(big, d / c, c / d).astype(ct)
        scl = (ct(1) / np.where(big, _fma(d, rat, c, ct), _fma(c, rat, d, ct))).astype(ct)
        re = np.where(big, _fma(b, rat, a, ct), _fma(a, rat, b, ct)) * scl
        im = np.where(big, _fma(-a, rat, b, ct), _fma(b, rat, -a, ct)) * scl
        if lone is not None:            # its numerators unfused: (a + b r) s, (b - a r) s
            fa, fb, fr, fs, fbig = (v.reshape(-1)[lone] for v in (a, b, rat, scl, big))
            re.flat[lone] = np.where(fbig, fa + fb * fr, fa * fr + fb) * fs     # (.flat: any layout)
            im.flat[lone] = np.where(fbig, fb - fa * fr, fb * fr - fa) * fs
        zero = (c == 0) & (d == 0)
        if zero.any():
            re = np.where(zero, a / np.abs(c), re)
            im = np.where(zero, b / np.abs(d), im)
    out = np.empty(x.shape, dtype)
    out.real = re
    out.imag = im
    return out
