"""float32 ``a*b + c`` rounded once, as torch's kernels compute it (GCC contracts their
multiply-adds into FMA instructions; NumPy has no fma).

The product of two float32 numbers is exact in float64 (24 + 24 bits <= 53), so only the addition
rounds. The float64 sum ``s`` rounded to float32 is the correctly rounded result except where ``s``
landed exactly on a float32 halfway point (its low 29 mantissa bits 1000...0) after losing part of
the exact sum, or where the result is zero or subnormal (float32 keeps fewer bits there); only
those rare elements are redone exactly, by rounding the float64 sum to odd first.
"""
import math

import numpy as np

from . import _parallel
from .._blas_axpy import axpy, fma_number_array
from .._rng_fma import _round_to_odd, two_sum

ndarray = np.ndarray
# an fma32 makes about eight passes over each block, so blocks smaller than a one-pass op's are
# worth a thread
_FMA_BLOCK = 1 << 17
_TIE = np.uint64(0x10000000)            # the 29 low bits of a float64 on a float32 halfway point
_LOW29 = np.uint64(0x1FFFFFFF)
_TINY32 = 1.1754943508222875e-38       # the smallest normal float32
_F64 = np.float64


def fma32(a, b, c):
    """Correctly rounded float32 ``a*b + c``, element-wise (broadcasting like NumPy)."""
    if np.ndim(b) == 0 and np.ndim(c) == 0:
        return np.asarray(_fma32_scalar(float(a), float(b), float(c)), np.float32)
    if np.ndim(a) == 0 and b.__class__ is ndarray and c.__class__ is ndarray and b.size >= 2 * _FMA_BLOCK \
            and b.shape == c.shape and b.flags.c_contiguous and c.flags.c_contiguous:
        parts = _parallel.parts_for(b.size, _FMA_BLOCK)
        if parts > 1:
            # a large update (an optimizer step on a big weight): blocks on several threads
            fb, fc = b.reshape(-1), c.reshape(-1)
            out = np.empty(fb.shape, np.float32)

            def block(i, j):
                out[i:j] = _fma32_arrays(a, fb[i:j], fc[i:j])
            _parallel.split_run(block, fb.size, parts)
            return out.reshape(b.shape)
    return _fma32_arrays(a, b, c)


def _fma32_arrays(a, b, c):
    r = _through_blas(a, b, c)
    if r is not None:
        return r
    return _emulated(a, b, c)


def _through_blas(a, b, c):
    """``a*b + c`` where one of ``a``, ``b`` is a number and the other a float32 array of ``c``'s
    shape (or ``c`` a number): the BLAS's fused axpy (``_blas_axpy``); None where that path does
    not apply."""
    if np.ndim(a) == 0:
        s, v = a, b
    elif np.ndim(b) == 0:
        s, v = b, a
    else:
        return None
    if v.__class__ is not ndarray or v.dtype != np.float32:
        return None
    return fma_number_array(float(s), v, c if c.__class__ is ndarray and c.ndim else float(c))


def _emulated(a, b, c):
    s = np.multiply(a, b, dtype=_F64)
    if s.shape != np.shape(c):
        s = np.add(s, c, dtype=_F64)
    else:
        np.add(s, c, out=s, dtype=_F64)
    r = s.astype(np.float32)
    # subnormal results, and zero ones whose float64 sum is not zero, are redone too: a float64 sum of
    # 0 is exact (the exact sum is a multiple of 2**-298, so a nonzero one cannot round to 0), and an
    # optimizer's zero moments and zero gradients should not send whole arrays to the slow path
    tiny = (np.abs(r) < _TINY32) & (s != 0) if r.size and np.abs(r).min() < _TINY32 else None
    bits = s.view(np.uint64) if s.ndim else s.reshape(1).view(np.uint64)
    np.bitwise_and(bits, _LOW29, out=bits)             # s is not needed after this
    suspect = bits == _TIE
    if tiny is not None:
        np.logical_or(suspect, tiny.reshape(suspect.shape), out=suspect)
    if suspect.any():
        idx = np.nonzero(suspect.reshape(-1))[0]
        pick = lambda v: np.broadcast_to(np.asarray(v, _F64), r.shape).reshape(-1)[idx]  # noqa: E731
        r.flat[idx] = _fma32_fix(pick(a) * pick(b), pick(c))      # (.flat: r may be any layout)
    return r


def _fma32_fix(p, c):
    """float32(p + c) for exact float64 products ``p``, rounding once: the float64 sum is made
    round-to-odd (its last bit records any lost part), after which rounding to float32 is exact."""
    return _round_to_odd(*two_sum(p, c)).astype(np.float32)


def _fma32_scalar(a, b, c):
    """``fma32`` for one value, in Python floats (a NumPy round trip costs more than the math)."""
    p = a * b                      # exact: two float32 significands fit in a double
    s = p + c
    # Rounding s to float32 can differ from rounding the exact sum only where s landed exactly
    # halfway between two float32 numbers (halfway points are doubles, so an exact sum on either
    # side of one cannot round across it); that is the case with a fraction of 0.5 on float32's
    # grid (2**-149 apart below the normal range).  inf and nan give nan here and pass.
    m, e = math.frexp(s)
    if (m * 16777216.0 if e >= -125 else s * 7.1362384635297994e44) % 1.0 != 0.5:
        return s
    # s is finite here, and as a halfway point it has at most 25 significant bits, so its last
    # bit is even: round to odd towards the part the float64 sum lost, if it lost any
    bb = s - p
    err = (p - (s - bb)) + (c - bb)
    if err != 0.0:
        s = math.nextafter(s, math.inf if err > 0 else -math.inf)
    return s


# ---- in place: a parameter update x <- x + alpha * g ------------------------------------------
_CHUNK = 1 << 17                 # elements per pass (measured: 32K-128K beat whole-array passes 1.3-2.5x)
_SCRATCH = []                    # free (float64, float64) scratch pairs, one taken per running chunk
_SMALL = 2.0 ** -125             # results below this (subnormal or near) are redone exactly
# below this many elements whole-array passes are as fast or faster (2-core sandbox: 262K-401K elements
# 540-725 us whole against 600-840 us in chunks; from 1M the chunks win: 3.3 ms against 1.9-2.2 ms;
# a 16-core machine's page faults favour chunks from 401K)
_INTO_MIN = 1 << 20


def fma32_into(x, alpha, g):
    """``x[...] = float32(x + alpha * g)`` rounded once, for a C-contiguous float32 ``x``, a float32 ``g``
    of its shape and ``alpha`` a number or a float32 array of that shape too (an optimizer's update).
    The same arithmetic as ``fma32``, chunk by chunk through reused scratch rows: no array as large
    as ``x`` is allocated (page faults cost more than the arithmetic on a large weight), and chunks
    run on several threads."""
    fx, fg = x.reshape(-1), np.ascontiguousarray(g).reshape(-1)
    scalar = np.ndim(alpha) == 0
    fa = float(np.float32(alpha)) if scalar else np.ascontiguousarray(alpha, np.float32).reshape(-1)
    if scalar and axpy(fx, fa, fg):
        return
    if fx.size < _INTO_MIN or np.may_share_memory(fx, fg) or not scalar and np.may_share_memory(fx, fa):
        np.copyto(x, _fma32_arrays(np.float32(alpha) if scalar else alpha, g, x))
        return
    n = fx.size

    def run(i, j):
        pair = _SCRATCH.pop() if _SCRATCH else (np.empty(_CHUNK), np.empty(_CHUNK))
        try:
            for k in range(i, j, _CHUNK):
                e = min(j, k + _CHUNK)
                _chunk(fx[k:e], fg[k:e], fa if scalar else fa[k:e], pair)
        finally:
            _SCRATCH.append(pair)
    parts = _parallel.parts_for(n, _FMA_BLOCK)
    if parts < 2:
        run(0, n)
        return
    # whole chunks per thread
    per = -(-n // parts // _CHUNK) * _CHUNK
    _parallel.split_run(lambda i, j: run(i * per, min(n, j * per)), -(-n // per), -(-n // per))


def _chunk(x, g, a, pair):
    m = x.size
    s, t = pair[0][:m], pair[1][:m]
    np.copyto(s, g)
    if a.__class__ is float:
        np.multiply(s, a, out=s)                  # exact: 24 x 24 bits fit in a double
    else:
        np.copyto(t, a)
        np.multiply(s, t, out=s)
    np.copyto(t, x)
    np.add(s, t, out=s)                           # the one rounding, to 53 bits
    np.abs(s, out=t)
    redo = t.min() < _SMALL                       # near or below float32's subnormals: redo exactly
    bits = t.view(np.uint64)
    np.bitwise_and(s.view(np.uint64), _LOW29, out=bits)
    np.bitwise_xor(bits, _TIE, out=bits)          # 0 where s sits on a float32 halfway point
    if redo or bits.min() == 0:
        np.abs(s, out=t)
        idx = np.nonzero((t < _SMALL) | ((s.view(np.uint64) & _LOW29) == _TIE))[0]
        ai = a if a.__class__ is float else a[idx].astype(_F64)
        fixed = _fma32_fix(ai * g[idx].astype(_F64), x[idx].astype(_F64))
        np.copyto(x, s, casting="same_kind")
        x[idx] = fixed
    else:
        np.copyto(x, s, casting="same_kind")
