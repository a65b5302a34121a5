"""``A @ B.T`` with eight products per entry (k == 8), float32, in the order torch's BLAS (MKL,
x86-64 wheel, AMD CPU with AVX2) adds them -- the forward of a ``Linear(8, p)`` layer.

For these shapes MKL runs a dot-product kernel: the eight products of an entry sit in the eight
lanes of one AVX register, each lane starting from +0 (a -0 product gives +0), and the register is
then summed horizontally -- the upper half onto the lower, then lanes 0 + 2 and 1 + 3, then those
two:  ``((p0 + p4) + (p2 + p6)) + ((p1 + p5) + (p3 + p7))``.  addmm adds C to that finished sum.
Measured bit for bit against torch 2.13 (1 and 2 threads) where the result has 2 or 3 rows and
at least 2 columns, or at least 4 rows and 2 to 11 columns; one row or one column (gemv), other
k, float64 and other layouts keep the paths of ``_gemm_small`` / NumPy's BLAS."""
import numpy as np

_ROWS_TERMS = 1 << 22            # products held at once: a larger result is made in row blocks


def nt_dot8(x, y):
    """``x @ y`` for a row-major float32 (m, 8) ``x`` and a transposed row-major ``y`` (8, p), in MKL's
    order where that kernel runs (see above); else None."""
    m, k = x.shape
    p = y.shape[1]
    if not (k == 8 and x.dtype == y.dtype == np.float32 and p >= 2 and (m in (2, 3) or (m >= 4 and p <= 11))):
        return None
    w = y.T                                     # (p, 8), the row-major matrix y is a view of
    out = np.empty((m, p), np.float32)
    step = max(1, _ROWS_TERMS // (8 * p))
    for r in range(0, m, step):
        lanes = x[r:r + step, None, :] * w[None, :, :]      # each product rounded into its lane
        lanes += 0.0                            # lanes start from +0: a -0 product gives +0
        half = lanes[..., :4] + lanes[..., 4:]  # the upper 128 bits onto the lower
        out[r:r + step] = (half[..., 0] + half[..., 2]) + (half[..., 1] + half[..., 3])
    return out
