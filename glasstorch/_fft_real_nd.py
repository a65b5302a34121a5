"""``fftn`` / ``ifftn`` (and ``fft2`` / ``ifft2``) of a real input: torch promotes it to complex and runs
a C2C transform, whose result for real data is conjugate-symmetric, X[k] = conj(X[-k mod n]) over
the transformed axes, with exactly zero imaginary parts at the self-conjugate bins (every index 0 or
n/2): torch's kernels keep those zeros, so ``print(torch.fft.fft2(real))`` shows ``+0.0000j`` there.
NumPy's mixed-radix C2C leaves rounding residue (~1e-17) in them, which changes the printed format.

The symmetry is restored by averaging the spectrum with its conjugate mirror,
X <- (X[k] + conj(X[-k])) / 2: at a self-conjugate bin the imaginary parts cancel exactly and the
real part is kept bit for bit; elsewhere the change is at the rounding level the C2C already has.
A 1-d input is left as the C2C gives it: torch's kernel for a single unbatched transform keeps
rounding residue at the Nyquist bin of some lengths (20, 22, 26, ...), as NumPy's does.
"""
import numpy as np


def hermitian_of_real(y, axes):
    """``y`` (the C2C transform of a real array along ``axes``) made exactly conjugate-symmetric."""
    if y.size == 0:
        return y
    mirror = y
    for a in axes:                      # -k mod n along each transformed axis
        mirror = np.roll(np.flip(mirror, a), 1, a)
    return ((y + mirror.conj()) * 0.5).astype(y.dtype, copy=False)


def c2c_of_real(run_c2c, input, x, dims, sizes, mode, forward):
    """``run_c2c`` on the promoted real input, its values then made conjugate-symmetric (the node and
    its gradient are the C2C's, as torch's)."""
    r = run_c2c(input, x, dims, sizes, mode, forward)
    if x.ndim < 2:
        return r
    r._data[...] = hermitian_of_real(r._data, tuple(dims))
    return r
