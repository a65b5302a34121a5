"""``linalg.slogdet`` of a real float matrix as torch computes it (``_linalg_slogdet_out``).

torch factors A by LU (a contiguous A as A^T: det(A^T) = det(A), and A^T is the column-major
matrix LAPACK takes without a copy), then

    sign      = (-1)^(row swaps) * prod(sign(diag U))
    logabsdet = sum(log|diag U|)        (a contiguous row, summed in torch's order)

so log|det A| is the sum of the logs of A^T's pivots: NumPy's slogdet (which factors A) differs in
the last bit, and so does log(abs(det(A)))."""
import numpy as np


def real_slogdet(A, a):
    """(sign, logabsdet) arrays of the real float array ``a`` (..., n, n), n > 0, the data of ``A``."""
    from ._linalg_lu import _getrf
    from .ops._sum_order import inner_sums
    from .ops._libm import log           # torch's float32 log (SLEEF's, correctly rounded), not NumPy's
    lu, piv, _ = _getrf(np.swapaxes(a, -1, -2) if A.is_contiguous() else a)
    lu = lu.reshape(a.shape)
    n = a.shape[-1]
    diag = np.diagonal(lu, 0, -2, -1)
    swaps = (piv != np.arange(1, n + 1, dtype=piv.dtype)).sum(-1).reshape(a.shape[:-2])
    sign = np.where(swaps % 2 == 1, -1, 1).astype(a.dtype) * np.prod(np.sign(diag), -1)
    with np.errstate(divide="ignore"):          # a zero pivot: log 0 = -inf, as torch
        logs = np.ascontiguousarray(log(np.abs(diag))).reshape(-1, n)
    return sign.astype(a.dtype), inner_sums(logs).astype(a.dtype).reshape(a.shape[:-2])
