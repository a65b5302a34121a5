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
from ._gemm_small import running_sum

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
    if k:
        terms[0] += 0.0                              # MKL's sum starts from +0: never a -0 result
    return _seq(terms, 0)


def mm(x, y):
    """``x @ y`` for 2-d arrays: where ``x`` is a transposed view (``g.t() @ x``, F-contiguous) in the order
    torch gets (``t_mm``), else NumPy's BLAS."""
    if x.shape[-1] != y.shape[0]:
        # sizes that do not match: NumPy's ValueError, which the callers turn into torch's error (the
        # kernels below index by x's k alone, and would broadcast or cut the other operand instead)
        return x @ y
    if x.ndim == 2 == y.ndim and x.shape[1] == 1 == y.shape[0] and x.shape[0] > 1 < y.shape[1] \
            and x.dtype == y.dtype and x.dtype.char in "fd":
        # k == 1 (an outer product): MKL writes each product itself, not 0 + product, so a -0 stays -0
        # (measured: every layout, both dtypes, m and p from 2 to 200; gemv's m == 1 or p == 1 give +0)
        return x * y
    if x.flags.f_contiguous and x.ndim == 2 == y.ndim:
        r = t_mm(x.T, y)
        if r is not None:
            return r
    if y.flags.f_contiguous and x.flags.c_contiguous and x.ndim == 2 == y.ndim and 1 < y.shape[0] <= 4:
        # ``x @ w.t()`` of row-major x and w (a Gram matrix ``xc @ xc.t()``, cov's): a linear layer's layout
        r = x_wt(x, y.T)
        if r is not None:
            return r
    if x.dtype.kind == "c" and x.ndim == 2 == y.ndim and x.shape[1] in (2, 3) and x.shape[0] > 1 < y.shape[1] \
            and x.dtype == y.dtype:
        return complex_k_small(x, y)
    r = running_sum(x, y) if x.ndim == 2 == y.ndim else None       # short k: MKL's small kernel
    return x @ y if r is None else r


def complex_k_small(x, y):
    """A complex ``x @ y`` with k = 2 or 3 (a 2x2 gate, a 3-vector): MKL rounds each complex product
    ``(ar br - ai bi) + i (ar bi + ai br)`` and adds the k of them in turn, no FMA (measured for
    complex64/128, every layout; mm for m, p >= 2 -- m == 1 or p == 1 go through gemv and keep NumPy's
    BLAS --, bmm and broadcast batches for every m, p).  Batch dims broadcast as np.matmul's."""
    xr, xi = x.real[..., :, :, None], x.imag[..., :, :, None]
    yr, yi = y.real[..., None, :, :], y.imag[..., None, :, :]
    re = xr * yr - xi * yi                          # (..., m, k, p): every product, rounded
    im = xr * yi + xi * yr
    re = re[..., 0, :] + re[..., 1, :] if x.shape[-1] == 2 else (re[..., 0, :] + re[..., 1, :]) + re[..., 2, :]
    im = im[..., 0, :] + im[..., 1, :] if x.shape[-1] == 2 else (im[..., 0, :] + im[..., 1, :]) + im[..., 2, :]
    out = np.empty(re.shape, x.dtype)
    out.real, out.imag = re, im
    return out


def matmul_nd(x, y):
    """``np.matmul(x, y)`` (both at least 2-d), with torch's order for complex k = 2, 3 products: a batch
    against a matrix folds into one mm (its rows all together), which keeps gemv's order for p == 1."""
    if x.dtype.kind == "c" and x.dtype == y.dtype and x.shape[-1] in (2, 3) and \
            not (y.ndim == 2 and (y.shape[1] == 1 or x.size == x.shape[-1])):
        return complex_k_small(x, y)
    return np.matmul(x, y)


def x_wt(x, w):
    """``x @ w.T`` for a row-major (n, k) ``x`` and (p, k) ``w`` -- a linear layer's forward -- where MKL
    adds the k products one after another (k <= 3 with p <= 8, k == 4 with p <= 3, measured as above);
    else None.  torch's addmm adds the bias to this sum afterwards."""
    n, k = x.shape
    p = w.shape[0]
    if not (1 < k <= 3 and p <= 8 or k == 4 and p <= 3) or x.dtype != w.dtype or x.dtype.char not in "fd":
        return None
    out = x[:, :1] * w[:, 0]
    out += 0.0                                # the sum starts from +0
    for i in range(1, k):
        out += x[:, i:i + 1] * w[:, i]        # each product rounded, then added in turn
    return out
