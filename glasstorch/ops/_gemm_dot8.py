"""``A @ B.T`` with eight products per entry (k == 8), float32, in the order torch's BLAS (MKL,
x86-64 wheel, AMD CPU with AVX2) adds them -- the forward of a ``Linear(8, p)`` layer.

For these shapes MKL runs a dot-product kernel: the eight products of an entry sit in the eight
lanes of one AVX register, each lane starting from +0 (a -0 product gives +0), and the register is
then summed horizontally -- the upper half onto the lower, then lanes 0 + 2 and 1 + 3, then those
two:  ``((p0 + p4) + (p2 + p6)) + ((p1 + p5) + (p3 + p7))``.  addmm adds C to that finished sum.
Measured bit for bit against torch 2.13 (1 and 2 threads) where the result has 2 or 3 rows and
at least 2 columns, or at least 4 rows and 2 to 11 columns; one row or one column (gemv), other
k, float64 and other layouts keep the paths of ``_gemm_small`` / NumPy's BLAS.  With two or three
columns the same register runs over longer rows block by block (``nt_dot_blocks``)."""
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
        out[r:r + step] = _register_sums(x[r:r + step], w, 1)
    return out


def _register_sums(xr, w, nb):
    """Each entry's AVX register over the first ``nb`` blocks of eight products, summed horizontally:
    (rows of ``xr``, rows of ``w``) numbers."""
    lanes = xr[:, None, :8] * w[None, :, :8]   # each product rounded into its lane
    lanes += 0.0                                # lanes start from +0: a -0 product gives +0
    for b in range(1, nb):
        lanes += xr[:, None, 8 * b:8 * b + 8] * w[None, :, 8 * b:8 * b + 8]
    half = lanes[..., :4] + lanes[..., 4:]      # the upper 128 bits onto the lower
    return (half[..., 0] + half[..., 2]) + (half[..., 1] + half[..., 3])


def nt_dot_blocks(x, y):
    """``x @ y`` for a row-major float32 (m, k) ``x`` (m >= 2) and a transposed row-major ``y`` (k, p)
    with p of 2 or 3 and k > 8 a multiple of 4 -- the forward of a ``Linear(k, 2)`` classifier head --
    in the order of MKL's dot-product kernel there; else None.

    The kernel keeps one AVX register of eight lanes per entry, from +0: block by block of eight, each
    lane adds its rounded product (no FMA); the register is summed horizontally as for k == 8, and
    the last four products (k % 8 == 4) are then added to that sum one at a time:

        lane_j = (((0 + p_j) + p_{8+j}) + p_{16+j}) + ...;  s = ((l0 + l4) + (l2 + l6)) + ((l1 + l5) + (l3 + l7))
        s = (((s + p_{k-4}) + p_{k-3}) + p_{k-2}) + p_{k-1}

    Measured bit for bit against torch 2.13 (1 and 2 threads, m 2 to 3,000, k 12 to 4,096).  Other k
    (a tail of 1 to 3 or 5 to 7 products) and wider results take other kernels, not modelled here."""
    m, k = x.shape
    p = y.shape[1]
    if not (x.dtype == y.dtype == np.float32 and m >= 2 and p in (2, 3) and k > 8 and k % 4 == 0):
        return None
    w = y.T                                     # (p, k), the row-major matrix y is a view of
    out = np.empty((m, p), np.float32)
    nb = k // 8
    step = max(1, _ROWS_TERMS // (8 * p))
    for r in range(0, m, step):
        xr = x[r:r + step]
        s = _register_sums(xr, w, nb)
        for t in range(8 * nb, k):
            s += xr[:, None, t] * w[None, :, t]
        out[r:r + step] = s
    return out
