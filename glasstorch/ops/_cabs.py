"""Complex kernels rounded as torch's CPU kernels round them: |z|, sgn(z) (and its gradient), a * b.

Measured against torch 2.13's AVX2 build (what this CPU runs; an AVX-512 build would take other
vector steps).  Subnormal |z| (below 2.2e-308) may still differ from SLEEF by an ulp.

torch computes ``abs`` of complex64/complex128 with SLEEF's ``hypot`` (0.5 ulp): the correctly rounded
sqrt(re^2 + im^2).  NumPy's ``np.abs`` on complex arrays is not correctly rounded (about a third of
random inputs come out one ulp off), so glasstorch computes it here:

    complex64:   hypot in float64, rounded once to float32 (exact but for float halfway cases
                 closer than 2^-29 relative: none in millions of random inputs)
    complex128:  r = hypot(a, b) (libm, < 1 ulp), then one Newton correction r + (s - r^2) / (2r)
                 with s - r^2 computed in double-double (Dekker's two-product and two-sum), after
                 scaling by a power of two so that the squares neither overflow nor underflow.
"""
import numpy as np

from .._rng_fma import two_product, two_sum
from ..autograd.graph import Node

def _hypot64(a, b):
    a, b = np.abs(a), np.abs(b)
    with np.errstate(all="ignore"):
        r = np.hypot(a, b)
        m = np.maximum(a, b)
        ok = np.isfinite(r) & (np.minimum(a, b) > 0)
        if not ok.any():
            return r
        e = np.frexp(np.where(ok, m, 1.0))[1]
        sa, sb = np.ldexp(a, -e), np.ldexp(b, -e)
        sr = np.hypot(sa, sb)                       # in range: a subnormal r would be too coarse to correct
        a2, a2e = two_product(sa, sa)
        b2, b2e = two_product(sb, sb)
        r2, r2e = two_product(sr, sr)
        s, se = two_sum(a2, b2)                     # a2 + b2 = s + se exactly
        # s - r2 is exact (Sterbenz: r2 is within a few ulps of s); the low parts are added after
        resid = (s - r2) + ((se + a2e + b2e) - r2e)
        fixed = np.ldexp(sr + resid / (2 * sr), e)
    return np.where(ok, fixed, r)


def complex_abs_values(z):
    """|z| for a complex NumPy array: a float32 array for complex64, float64 for complex128."""
    z = np.asarray(z)
    if z.dtype == np.complex64:
        with np.errstate(all="ignore"):
            return np.hypot(z.real.astype(np.float64), z.imag.astype(np.float64)).astype(np.float32)
    return _hypot64(z.real, z.imag)


def scalar_abs_values(z):
    """|z| as C++'s std::abs rounds it (what torch's scalar code and its reductions run): glibc's
    hypot, which NumPy's float64 hypot is; for complex64 the same as ``complex_abs_values``."""
    z = np.asarray(z)
    if z.dtype == np.complex128:
        with np.errstate(all="ignore"):
            return np.hypot(z.real, z.imag)
    return complex_abs_values(z)


def abs_kernel_values(z):
    """torch.abs of a complex array: its AVX2 kernel takes 4 complex128 numbers a step with SLEEF's
    correctly rounded hypot and leaves the rest of each contiguous run (n % 4) to the scalar
    std::abs (glibc's hypot, an ulp away for ~0.6% of inputs); a run is the whole tensor in memory
    order when it is dense (any permutation of a contiguous one), else each row along a unit-stride
    (or broadcast) last or first dim; any other layout runs scalar code throughout.  complex64: the
    two hypots agree."""
    z = np.asarray(z)
    if z.dtype != np.complex128 or z.size == 0:
        return complex_abs_values(z)
    perm = sorted(range(z.ndim), key=lambda d: -z.strides[d])
    zp = z.transpose(perm)
    if zp.flags.c_contiguous:           # dense (any permutation): TensorIterator coalesces it to one run
        flat = zp.reshape(-1)
        out = complex_abs_values(flat)
        left = flat.size % 4
        if left:
            out[-left:] = scalar_abs_values(flat[-left:])
        return out.reshape(zp.shape).transpose(np.argsort(perm))
    inner = next((d for d in (z.ndim - 1, 0) if z.strides[d] in (z.itemsize, 0)), None)
    if inner is None:
        return scalar_abs_values(z)
    zm = np.moveaxis(z, inner, -1)
    out = complex_abs_values(zm)
    left = zm.shape[-1] % 4
    if left:
        out[..., -left:] = scalar_abs_values(zm[..., -left:])
    return np.moveaxis(out, -1, inner)


def complex_sgn_values(z, mag=None):
    """sgn(z) = z / |z| (0 where |z| = 0), as torch's kernel: each part divided by the correctly rounded
    |z| as a real number (NumPy's complex-by-complex division rounds differently)."""
    z = np.asarray(z)
    mag = complex_abs_values(z) if mag is None else mag
    out = np.zeros(z.shape, z.dtype)
    nz = mag != 0
    with np.errstate(all="ignore"):
        np.divide(z.real, mag, out=out.real, where=nz)
        np.divide(z.imag, mag, out=out.imag, where=nz)
        n = z.size
        left = n % _STEP[z.dtype] if z.dtype in _STEP else 0
        if left:            # the scalar code after the last vector step multiplies by 1/|z|
            flat, zf, mf = out.reshape(-1), z.reshape(-1)[n - left:], mag.reshape(-1)[n - left:]
            inv = np.reciprocal(mf)
            tail = np.empty(left, z.dtype)
            tail.real, tail.imag = zf.real * inv, zf.imag * inv
            flat[n - left:] = np.where(mf != 0, tail, 0)
            out = flat.reshape(z.shape)
    return out


def _cmul(a, b):
    """a * b as torch's vectorised complex kernel: (ac - bd) + (ad + bc)i, each product rounded (NumPy's
    complex multiply fuses some of them and differs in the last bit for about half the inputs)."""
    out = np.empty(np.broadcast(a, b).shape, np.result_type(a, b))
    out.real = a.real * b.real - a.imag * b.imag
    out.imag = a.real * b.imag + a.imag * b.real
    return out


class SgnBackward0(Node):
    """s = sgn(z) = z / |z|   ->   dz = (g - s^2 conj(g)) / (2 |z|)  (0 at z = 0), torch's formula and order"""
    __slots__ = ()
    _saved_names = ("self", "result")
    _complex_ready = True

    def backward(self, g):
        z, s = self.saved()
        if not isinstance(z, (np.ndarray, np.generic)):     # create_graph: the same formula in tensor ops
            mag = z.abs()
            return (((g - (s * s) * g.conj()) / (2 * mag)).masked_fill(mag == 0, 0),)
        g = np.asarray(g)
        mag = complex_abs_values(z)
        with np.errstate(all="ignore"):
            out = (g - _cmul(_cmul(s, s), g.conj())) / (2 * mag)
        return (np.where(mag == 0, out.dtype.type(0), out),)


# torch's AVX2 complex kernels take two vectors a step (8 complex64, 4 complex128 numbers) and leave the
# rest of a contiguous run to scalar code, compiled with fused multiply-adds (as NumPy's multiply)
_STEP = {np.dtype(np.complex64): 8, np.dtype(np.complex128): 4}


def complex_multiply(x, y):
    """x * y for complex arrays as torch's CPU kernel rounds it: the plain formula over whole vector steps
    of a contiguous (or scalar-broadcast) run, NumPy's fused multiply for the leftover elements;
    broadcasting along inner dims runs row by row (``_rows``)."""
    if x.__class__ is not np.ndarray and y.__class__ is np.ndarray:
        x = np.asarray(x, y.dtype)            # a number: cast to the tensor's dtype, a one-element operand
    elif y.__class__ is not np.ndarray and x.__class__ is np.ndarray:
        y = np.asarray(y, x.dtype)
    if not (x.__class__ is np.ndarray and y.__class__ is np.ndarray and x.dtype == y.dtype):
        return np.multiply(x, y)
    step = _STEP.get(x.dtype)
    if step is None:
        return np.multiply(x, y)
    scalar = x.shape != y.shape
    if not scalar:
        a, b = x.reshape(-1), y.reshape(-1)
    elif y.size == 1 and y.ndim <= x.ndim:
        a, b = x.reshape(-1), y.reshape(())
    elif x.size == 1 and x.ndim <= y.ndim:
        a, b = x.reshape(()), y.reshape(-1)
    else:
        return _rows(x, y, step)
    out = np.multiply(a, b)
    plain = _plain(out.size, scalar, step)
    if plain.any():
        ah = a[plain] if a.ndim else a
        bh = b[plain] if b.ndim else b
        out[plain] = _cmul(ah, bh)
    return out.reshape(np.broadcast_shapes(x.shape, y.shape))


def _plain(n, scalar, step):
    """Which of a run of n products torch's kernel rounds plainly (no fused multiply-add)."""
    head = n - n % step
    left = n - head
    # the leftover, as the compiler's code for it rounds (measured, AVX2 build): complex128 fused
    # throughout; complex64 fused by pairs with an odd last one plain, or against a one-element operand
    # plain but for a fused run of four after the first when five or more are left
    plain = np.zeros(n, bool)
    plain[:head] = True
    if step == 8:
        if scalar:
            plain[head:] = True
            if left >= 5:
                plain[head + 1:head + 5] = False
        elif left % 2:
            plain[-1] = True
    return plain


def _rows(x, y, step):
    """Broadcasting along inner dims: TensorIterator loops over the last dim row after row, so each row
    is a run of its own, with an operand broadcast along that dim a one-element operand of the run
    (the outer product x[:, None] * y).  Other layouts: NumPy whole."""
    shape = np.broadcast_shapes(x.shape, y.shape)
    n = shape[-1] if shape else 1
    sx, sy = (v.ndim == 0 or v.shape[-1] == 1 for v in (x, y))
    if n <= 1 or (sx and sy) or not (x.flags.c_contiguous and y.flags.c_contiguous):
        return np.multiply(x, y)
    out = _cmul(x, y)                                   # most of a row is plain: all of it first
    fused = ~_plain(n, sx or sy, step)
    if fused.any():                                     # then the leftovers the scalar code fuses
        xb, yb = np.broadcast_to(x, shape), np.broadcast_to(y, shape)
        out[..., fused] = np.multiply(xb[..., fused], yb[..., fused])
    return out
