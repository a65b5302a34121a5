"""Exact fused multiply-add, emulated with NumPy.

torch's CPU kernels are built with GCC on x86 with FMA enabled, so an expression like
``x * (to - from) + from`` is computed as one fused multiply-add: the product is *not*
rounded before the addition,

    fma(a, b, c) = round(a * b + c)        (one rounding, of the exact value)

NumPy has no fma ufunc (and Python 3.11 has no ``math.fma``), so this module builds one from
error-free transformations. Everything is vectorised; nothing loops over elements in Python.

float64:  Boldo & Melquiond, "Emulation of FMA and correctly rounded sums: proved algorithms
          using rounding to odd" (IEEE Trans. Computers, 2008):
              (uh, ul) = two_product(a, b)         a*b = uh + ul exactly
              (th, tl) = two_sum(c, uh)            c + uh = th + tl exactly
              v        = round_to_odd(tl + ul)
              result   = round(th + v)
          Exact unless an intermediate overflows or underflows (|a*b| < 2**-969); the random
          kernels never get there.

float32:  a*b of two float32 values is exact in float64 (24 + 24 bits <= 53), so only the
          addition rounds. Rounding that float64 sum to float32 again is "double rounding",
          which goes wrong exactly when the float64 sum lands on a float32 halfway point while
          the true sum was not there. Rounding the float64 sum *to odd* instead makes the second
          rounding correct (53 >= 24 + 2 bits), and only those rare halfway sums need fixing.
"""

import math as _math
import struct as _struct

import numpy as np

from glasstorch._blas_axpy import fma_number_array

_SPLITTER = 134217729.0          # 2**27 + 1: Veltkamp split of a double into two 26-bit halves
_F32_TIE_MASK = np.int64(0x1FFFFFFF)    # the 29 float64 mantissa bits that float32 drops
_F32_TIE_BITS = np.int64(0x10000000)    # ... and their pattern at a float32 halfway point
_FEW = 8                                # fma64 of at most this many numbers runs on Python floats


def two_sum(a, b):
    """s + e == a + b exactly, with s = round(a + b) (Knuth; no ordering of |a|, |b| needed)."""
    s = a + b
    bb = s - a
    e = (a - (s - bb)) + (b - bb)
    return s, e


def _split(a):
    """a == hi + lo with hi, lo holding at most 26 significant bits each (Veltkamp)."""
    t = a * _SPLITTER
    hi = t - (t - a)
    return hi, a - hi


def two_product(a, b):
    """p + e == a * b exactly, with p = round(a * b) (Dekker)."""
    p = a * b
    ah, al = _split(a)
    bh, bl = _split(b)
    e = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    return p, e


def _round_to_odd(s, e):
    """Round the exact value s + e (s = round(s + e)) to odd: if inexact and s has an even
    last bit, step s one ulp towards e. The last bit then records "something was lost"."""
    s = np.array(s, dtype=np.float64, copy=True, ndmin=1)
    bits = s.view(np.int64)
    fix = (e != 0) & ((bits & 1) == 0)
    if np.any(fix):
        # In sign-magnitude order, +1 on the bits moves away from zero, -1 towards it.  (A whole-array
        # add: fix is often half the elements, where boolean indexing costs twice as much.)
        bits += np.where(fix, np.where(np.signbit(e) == np.signbit(s), 1, -1), 0)
    return s


def _fma64_float(a, b, c):
    """``fma64`` of three Python floats: the same steps in float arithmetic (a NumPy call costs more
    than all of them), the round to odd on the bits of the double."""
    uh, ul = two_product(a, b)
    th, tl = two_sum(c, uh)
    s, e = two_sum(tl, ul)
    if e != 0:
        bits = _struct.unpack("<q", _struct.pack("<d", s))[0]
        if bits & 1 == 0:
            away = (_math.copysign(1.0, e) < 0) == (_math.copysign(1.0, s) < 0)
            s = _struct.unpack("<d", _struct.pack("<q", bits + (1 if away else -1)))[0]
    r = th if s == 0 else th + s
    if _math.isfinite(r):
        return r
    # an infinite or NaN operand makes the error terms NaN: the plain sum is then the answer, except
    # that a finite product that overflows its rounding still leaves an infinite c as it is
    return c if _math.isinf(c) and _math.isfinite(a) and _math.isfinite(b) else a * b + c


def fma64(a, b, c):
    """Correctly rounded a*b + c in float64, element-wise (broadcasting like NumPy)."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    c = np.asarray(c, dtype=np.float64)
    if (a.ndim == 0) != (b.ndim == 0) and (c.ndim == 0 or c.shape == (b if a.ndim == 0 else a).shape):
        # a number times an array: the BLAS's fused axpy where it is checked (_blas_axpy)
        s, v = (a, b) if a.ndim == 0 else (b, a)
        r = fma_number_array(float(s), v, c if c.ndim else float(c))
        if r is not None:
            return r
    if a.size <= _FEW and b.size <= _FEW and c.size <= _FEW:    # a handful of numbers (LBFGS on 2 parameters)
        shapes = {x.shape for x in (a, b, c) if x.ndim}     # the result is at least 1-d, as below
        shape = (shapes.pop() if shapes else (1,)) if len(shapes) <= 1 else np.broadcast_shapes(*shapes)
        size = _math.prod(shape)
        abc = zip(*(x.ravel().tolist() if x.shape == shape else [float(x)] * size if x.ndim == 0 else
                    np.broadcast_to(x, shape).ravel().tolist() for x in (a, b, c)))
        return np.array([_fma64_float(x, y, z) for x, y, z in abc], np.float64).reshape(shape)
    uh, ul = two_product(a, b)
    th, tl = two_sum(c, uh)
    v = _round_to_odd(*two_sum(tl, ul))
    # v == 0 means th is the exact result; adding a +0 would turn a -0 (a*b = -0, c = -0) to +0
    r = np.where(v == 0, th, th + v)
    finite = np.isfinite(r)
    if not finite.all():
        # an infinite or NaN operand makes the error terms NaN: the plain sum is then the answer,
        # except that a finite product that overflows its rounding still leaves an infinite c as it is
        keep_c = np.isinf(c) & np.isfinite(a) & np.isfinite(b)
        r = np.where(finite, r, np.where(keep_c, c, a * b + c))
    return r


def fmaf(a, b, c):
    """Correctly rounded float32 a*b + c. Inputs are float32 values (any float dtype holding
    float32-representable numbers); the result is a float32 array."""
    if np.ndim(b) == 0 and np.ndim(c) == 0 and np.ndim(a) > 0:
        return _fmaf_scalar_bc(np.asarray(a), float(b), float(c))
    p = np.asarray(a, dtype=np.float64) * np.asarray(b, dtype=np.float64)     # exact
    return _round_sum_to_f32(p, np.asarray(c, dtype=np.float64))


_CHUNK = 65536


def _fmaf_scalar_bc(a, b, c):
    """``fmaf`` for an array a and scalars b, c (e.g. ``uniform_``'s x * width + low): the BLAS's
    fused axpy where it is checked (``_blas_axpy``), else the same arithmetic as
    ``_round_sum_to_f32``, chunk by chunk through reused buffers."""
    if a.dtype == np.float32:
        r = fma_number_array(b, a, c)
        if r is not None:
            return r
    flat = a.reshape(-1)
    out = np.empty(flat.shape, dtype=np.float32)
    m = min(_CHUNK, flat.size)
    s, mag = np.empty(m), np.empty(m)
    tie, flag, tiny = np.empty(m, np.int64), np.empty(m, np.bool_), np.empty(m, np.bool_)
    for i in range(0, flat.size, _CHUNK):
        x = flat[i:i + _CHUNK]
        k = x.size
        sk, bits, fk = s[:k], s[:k].view(np.int64), flag[:k]
        np.multiply(x, b, out=sk, dtype=np.float64)          # exact: 24 + 24 bits
        np.add(sk, c, out=sk)
        np.bitwise_and(bits, _F32_TIE_MASK, out=tie[:k])
        np.equal(tie[:k], _F32_TIE_BITS, out=fk)             # float32 halfway points
        np.abs(sk, out=mag[:k])
        np.less(mag[:k], 2.0 ** -125, out=tiny[:k])          # float32 subnormals
        np.logical_or(fk, tiny[:k], out=fk)
        if fk.any():
            idx = np.flatnonzero(fk)
            p = x[idx].astype(np.float64) * b
            sk[idx] = _round_to_odd(*two_sum(p, np.full_like(p, c)))
        np.copyto(out[i:i + k], sk, casting="unsafe")
    return out.reshape(a.shape)


def _round_sum_to_f32(p, c, check_tiny=True, check_ties=True):
    """float32(p + c) with a single rounding, for float64 p and c whose exact sum fits in
    float64's exponent range (true for a float32 product plus a float32). Callers that know
    p + c is exact in float64 may pass check_ties=False: one rounding is then all there is."""
    s = p + c
    if not check_ties:
        return s.astype(np.float32)
    suspect = (s.view(np.int64) & _F32_TIE_MASK) == _F32_TIE_BITS
    if check_tiny:
        # float32 subnormals drop more bits, so their halfway points sit elsewhere.
        suspect |= np.abs(s) < 2.0 ** -125
    if np.any(suspect):
        p, c = np.broadcast_arrays(p, c)
        s[suspect] = _round_to_odd(*two_sum(p[suspect], c[suspect]))
    return s.astype(np.float32)
