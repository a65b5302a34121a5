"""SLEEF's float32 exp (``Sleef_expf8_u10``, the AVX2 build torch links), bit for bit.

torch's softmax and log_softmax kernels call it through ``Vectorized<float>::exp()``; its ``torch.exp``
calls MKL's instead (within an ulp of each other: they differ in ~8% of softmax outputs). SLEEF's
routine, with every multiply-add fused (one rounding, as AVX2's FMA instruction):

    q = rint(d * (1/ln 2))                                    (float32 product, then to nearest even)
    s = fma(q, -L2U, d);   s = fma(q, -L2L, s)                (ln 2 = L2U + L2L, Cody-Waite)
    u = c0;  u = fma(u, s, c_k) for c1 .. c5                  (Horner)
    u = 1 + fma(s * s, u, s)
    exp(d) = (u * 2^(q >> 1)) * 2^(q - (q >> 1));   0 below d = -104, inf above d = 100, nan for nan

Each fused multiply-add is computed in float64, where the product of two float32 numbers is exact,
and rounded to float32; the rare element whose float64 sum landed on a float32 halfway point is
redone exactly (``_fma32._emulated``)."""
import numpy as np

from ._blocks import flat_blocks
from ._fma32 import _emulated as _fma_exact

_F32, _F64 = np.float32, np.float64
_R_LN2 = _F32(1.442695040888963407359924681001892137426645954152985934135449406931)
_L2U, _L2L = _F32(0.693145751953125), _F32(1.428606765330187045e-06)
_C = [_F32(v) for v in (0.000198527617612853646278381, 0.00139304355252534151077271, 0.00833336077630519866943359,
                        0.0416664853692054748535156, 0.166666671633720397949219, 0.5)]
_LOW29, _TIE = np.uint64(0x1FFFFFFF), np.uint64(0x10000000)


def _expf(d, fma):
    """The routine of the module docstring on a flat float32 array, with ``fma(k, a, b, c)``."""
    lo, hi = (d.min(), d.max()) if d.size else (0, 0)
    wild = not (-104 <= lo and hi <= 100)              # (NaN compares false)
    with np.errstate(over="ignore", invalid="ignore"):
        qf = np.rint(d * _R_LN2)
    if wild:
        qf = np.where(np.isfinite(qf), qf, _F32(0))     # (inf / nan inputs: the selects below decide)
    # fma(q, -L2U, d) is exact, so plain float32 gives it: q (|q| <= 150) times L2U's 16 significant
    # bits fits in 24, and d - q*L2U is exact by Sterbenz's lemma (the two are within a factor of 2)
    s = d - qf * _L2U
    s = fma(0, qf, -_L2L, s)
    u = fma(1, _C[0], s, _C[1])
    for k, c in enumerate(_C[2:]):
        u = fma(2 + k, u, s, c)
    u = _F32(1) + fma(6, s * s, u, s)
    # (u * 2^(q>>1)) * 2^(q - (q>>1)): both factors normal for |q| <= 150, so the first product is
    # exact and only the second rounds, as ldexp's single scaling does (subnormal results included)
    u = np.ldexp(u, qf.astype(np.int32))
    if wild:
        u = np.where(d < -104, _F32(0), u)
        u = np.where(d > 100, _F32(np.inf), u)
        u = np.where(np.isnan(d), d, u)
    return u


def expf(d):
    """SLEEF's exp of a float32 array (any shape), as a float32 array.  Every fused multiply-add's
    float64 sum is kept; only if one of them landed on a float32 halfway point (about one element
    in 10^8) are those elements computed again with exact rounding (block by block: ``_blocks``)."""
    d = np.asarray(d, _F32)
    return flat_blocks(_expf_block, d.reshape(-1), _F32).reshape(d.shape)


def _expf_block(flat):
    sums = np.empty((7, flat.size))          # each fused multiply-add's float64 sums, one row each
    mul, f64, f32 = np.multiply, _F64, _F32

    def fma(k, a, b, c):
        t = sums[k]
        mul(a, b, out=t, dtype=f64)
        t += c
        return t.astype(f32)
    r = _expf(flat, fma)
    low = sums.view(np.uint64)
    np.bitwise_and(low, _LOW29, out=low)
    ties = (low == _TIE).any(0)
    if ties.any():
        idx = np.nonzero(ties)[0]
        r[idx] = _expf(flat[idx], lambda k, a, b, c: _fma_exact(a, b, c))
    return r


def vector_mask(n, threads, length=None, block=16):
    """Which of the n elements (in iteration order) torch's elementwise loop sends through its vector
    path: the iteration runs in inner loops of ``length`` elements (default: all n), cut into
    ``at::parallel_for`` chunks when n >= 32768 and threads > 1; each piece runs blocks of two
    vectors (``block``: 16 float32, 8 float64) as vectors and the rest one by one."""
    from ._scalar_tail import _pieces
    starts, ends = _pieces(n, max(length or n, 1), threads)
    mask = np.zeros(n, bool)
    for s, e in zip(starts.tolist(), ends.tolist()):
        mask[s:s + (e - s) // block * block] = True
    return mask


def exp_by_path(x, vector):
    """exp of a float32 array as a torch loop computes it: SLEEF's where the bool array ``vector``
    (x's shape) is set -- the loop's vector blocks --, glibc's elsewhere -- its scalar rest."""
    if vector.all():
        return expf(x)
    if not vector.any():
        return glibc_expf(x)
    r = np.empty(x.shape, _F32)
    r[vector] = expf(x[vector])
    rest = ~vector
    r[rest] = glibc_expf(x[rest])
    return r


def exp_as_unary_loop(x, threads):
    """exp of a contiguous float32 array as a torch unary kernel that calls ``Vectorized::exp`` gets
    it (``vector_mask`` over the whole array)."""
    return exp_by_path(x, vector_mask(x.size, threads).reshape(x.shape))


def unary_exp(x):
    """exp inside a torch float32 unary kernel (sigmoid, silu): ``exp_as_unary_loop`` for a
    C-contiguous float32 array at the thread count torch splits with; float64 as ``_sleef_expd``'s;
    else correctly rounded."""
    if x.dtype == _F64:
        from . import _sleef_expd
        return _sleef_expd.unary_exp(x)
    if x.dtype == _F32 and x.flags.c_contiguous and x.ndim:
        from .._runtime import get_num_threads
        return exp_as_unary_loop(x, get_num_threads())
    from . import _libm
    return _libm.exp(x)


# ---- glibc's expf: the scalar loops' exp ------------------------------------------------------------
# glibc 2.28+ (the algorithm of ARM's optimized-routines): in double precision, with a 32-entry table
# of 2^(i/32):  z = x * 32/ln 2;  k = round(z) (by adding 1.5 * 2^52);  r = z - k;
# exp(x) = 2^(k/32) (C0 r^3 + C1 r^2 + C2 r + 1), rounded once to float32.  Checked against the C
# library's expf through ctypes on 2.5 million arguments: equal in all of them (the correctly rounded
# exp differs in about 6 in 10^4).
_G_N = 32
_G_INV = float.fromhex("0x1.71547652b82fep+0") * _G_N
_G_C0 = float.fromhex("0x1.c6af84b912394p-5") / _G_N ** 3
_G_C1 = float.fromhex("0x1.ebfce50fac4f3p-3") / _G_N ** 2
_G_C2 = float.fromhex("0x1.62e42ff0c52d6p-1") / _G_N
_G_SHIFT = float.fromhex("0x1.8p+52")
_G_TAB = None


def _glibc_table():
    """tab[i] = the bits of 2^(i/32), correctly rounded, less i << 47 (so that adding k << 47 to
    tab[k mod 32] gives 2^(k/32))."""
    global _G_TAB
    if _G_TAB is None:
        from decimal import Decimal, localcontext
        with localcontext() as ctx:
            ctx.prec = 60
            vals = [float(Decimal(2) ** (Decimal(i) / _G_N)) for i in range(_G_N)]
        _G_TAB = np.array(vals).view(np.uint64) - (np.arange(_G_N, dtype=np.uint64) << np.uint64(47))
    return _G_TAB


def glibc_expf(x):
    """glibc's float32 exp of a float32 array, as torch's scalar loops get it."""
    x = np.asarray(x, _F32)
    xd = x.astype(_F64)
    with np.errstate(over="ignore", invalid="ignore"):
        z = xd * _G_INV
        kd = z + _G_SHIFT
        ki = kd.view(np.uint64)
        r = z - (kd - _G_SHIFT)
        t = _glibc_table()[(ki & np.uint64(_G_N - 1)).astype(np.intp)] + (ki << np.uint64(47))
        y = (_G_C0 * r + _G_C1) * (r * r) + (_G_C2 * r + 1.0)
        y = (y * t.view(_F64)).astype(_F32)
    if not np.abs(xd).max(initial=0.0) < 88.0:          # (|x| >= 88 somewhere, or a NaN)
        y = np.where(x > float.fromhex("0x1.62e42ep6"), _F32(np.inf), y)
        y = np.where(x < float.fromhex("-0x1.9fe368p6"), _F32(0), y)
        y = np.where(np.isnan(x), x, y)
    return y
