"""Small matrix products in the order torch's BLAS (MKL, x86-64 wheel, AMD CPU) adds them.

For small products MKL does not run its blocked, FMA-using kernel: each entry of ``A @ B`` is the
plain running sum ``((a0 b0 + a1 b1) + a2 b2) + ...`` of rounded products, in the order of k.
Found by comparing torch's ``mm`` with that sum bit for bit, shape by shape, for an ``A`` that is a
transposed view of a row-major matrix and a row-major ``B`` -- the layout of a linear layer's
weight gradient, ``grad.t().mm(input)``.  Which result widths ``p`` take this path depends on the
number of rows ``m`` and on the dtype (vector-width remainders); the widths below are the ones
measured to agree (every k tried from 1 to 70,000, 1 and 2 threads).  Other shapes and layouts
keep NumPy's BLAS (last-bit differences, see docs/differences.md).

The running sum costs one product array of k x m x p numbers and one NumPy reduction over its
first axis (NumPy adds that axis one item after another: ``_sum_order._seq``)."""
import numpy as np

from ._sum_order import _seq

_MAX_TERMS = 1 << 22            # k * m * p products held at once; larger products use BLAS


def _sequential(m, p, dtype):
    """Whether torch's ``A.t() @ B`` of an m x p result is the running sum (see above)."""
    if m == 1:
        return True
    if dtype == np.float32:
        return (p <= 5 or p % 4 == 0) if m <= 3 else p in (1, 2, 3, 4, 8)
    return (p <= 2 or p % 2 == 0) if m <= 3 else p in (1, 2, 4, 6, 8, 10)


def t_mm(a, b):
    """``a.T @ b`` for C-contiguous float32/float64 ``a`` (k, m) and ``b`` (k, p), in torch's order
    where that order is modelled, else None."""
    k, m = a.shape
    p = b.shape[1]
    if not (a.dtype == b.dtype and a.dtype.char in "fd" and a.flags.c_contiguous and b.flags.c_contiguous
            and _sequential(m, p, a.dtype) and k * m * p <= _MAX_TERMS):
        return None
    terms = np.empty((k, m, p), a.dtype)             # C order: _seq adds along the first axis in turn
    np.multiply(a[:, :, None], b[:, None, :], out=terms)
    return _seq(terms, 0)


def mm(x, y):
    """``x @ y`` for 2-d arrays: where ``x`` is a transposed view (``g.t() @ x``, F-contiguous) in the order
    torch gets (``t_mm``), else NumPy's BLAS."""
    if x.flags.f_contiguous and x.ndim == 2 == y.ndim:
        r = t_mm(x.T, y)
        if r is not None:
            return r
    return x @ y


def x_wt(x, w):
    """``x @ w.T`` for a row-major (n, k) ``x`` and (p, k) ``w`` -- a linear layer's forward -- where MKL
    adds the k products one after another (k <= 3 with p <= 8, k == 4 with p <= 3, measured as above);
    else None.  torch's addmm adds the bias to this sum afterwards."""
    n, k = x.shape
    p = w.shape[0]
    if not (1 < k <= 3 and p <= 8 or k == 4 and p <= 3) or x.dtype != w.dtype or x.dtype.char not in "fd":
        return None
    out = x[:, :1] * w[:, 0]
    for i in range(1, k):
        out += x[:, i:i + 1] * w[:, i]        # each product rounded, then added in turn
    return out
