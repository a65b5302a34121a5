"""p-norms as torch's generic CPU reduction (``binary_kernel_reduce`` with NormOneOps / NormTwoOps /
NormOps) computes them: every p except 0 and inf, and p = 2 unless the reduction is over the
contiguous innermost dim (that one is vectorised: ``_norm_order.norm2_lastdim``).

Each output adds its terms one after another, from 0, in the input's memory order, in the input's
own precision (float for float32):

    p = 1: acc + |x|          p = 2: acc + x * x, then sqrt           other p: acc + pow(|x|, p),
                                                                      then pow(acc, 1 / p)

with the C library's pow (glibc's powf for float32: ``pdist._cpow``) and 1 / p rounded to the
dtype first.  A reduction to a single number over 32768 or more elements is split into one chunk
per thread (torch's ``parallel_for``), whose sums are added from 0 in thread order.
NumPy's pairwise sum gave another last bit in ~70% of p = 1 norms.
"""
import numpy as np

from ._sum_order import _GRAIN


def _rows(a, axes):
    """a as (outputs, k): the reduced axes last, in the order torch's iterator walks them (largest
    stride outermost), the kept axes first in their own order."""
    keep = [i for i in range(a.ndim) if i not in axes]
    red = sorted(axes, key=lambda i: (-abs(a.strides[i]), i))
    v = a.transpose(keep + red)
    k = int(np.prod([a.shape[i] for i in red])) if red else 1
    return v.reshape(-1, k)


def _seq_sum(terms):
    """Row sums of a 2-D array, one term after another from 0 (0 + -0 = +0, as the kernel's acc)."""
    if terms.shape[1] == 0:
        return np.zeros(terms.shape[0], terms.dtype)
    return np.add.accumulate(terms, axis=1)[:, -1] + terms.dtype.type(0)


def _reduce_rows(x, p):
    """acc for each row of x (float32/float64, rows = outputs)."""
    if p == 1:
        return _seq_sum(np.abs(x))
    if p == 2:
        return _seq_sum(x * x)          # (not contracted to a fused multiply-add: measured)
    from .pdist import _cpow
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return _seq_sum(_cpow(np.abs(x), x.dtype.type(p)))


def _finish(acc, p):
    if p == 1:
        return acc
    if p == 2:
        return np.sqrt(acc)
    from .pdist import _cpow
    dt = acc.dtype.type
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return _cpow(acc, dt(1) / dt(p))


def seq_norm(a, p, axes, threads):
    """The p-norm of the float32/float64 array ``a`` over ``axes`` (a tuple, all axes when empty), as an
    array of the kept axes' shape (no keepdim)."""
    axes = tuple(axes) if axes else tuple(range(a.ndim))
    rows = _rows(a, axes)
    if rows.shape[0] == 1 and rows.shape[1] >= _GRAIN and threads > 1:
        flat = rows[0]
        n = flat.size
        used = min(threads, -(-n // _GRAIN))
        chunk = -(-n // used)
        parts = np.zeros((1, threads), a.dtype)
        for t in range(used):
            parts[0, t] = _reduce_rows(flat[None, t * chunk:(t + 1) * chunk], p)[0]
        acc = _seq_sum(parts)
    else:
        acc = _reduce_rows(rows, p)
    kept = tuple(s for i, s in enumerate(a.shape) if i not in axes)
    return np.asarray(_finish(acc, p), a.dtype).reshape(kept)


def lastdim_rows(a, axes):
    """``a`` as (outputs, k) contiguous rows when torch's iterator sees the reduction as one contiguous
    innermost run (``is_reduce_lastdim``: the reduced dims of size > 1 merge into one, of stride 1),
    else None."""
    axes = tuple(axes) if axes else tuple(range(a.ndim))
    red = sorted((i for i in axes if a.shape[i] != 1), key=lambda i: abs(a.strides[i]))
    if not red or a.strides[red[0]] != a.itemsize:
        return None
    for lo, hi in zip(red, red[1:]):
        if a.strides[hi] != a.strides[lo] * a.shape[lo]:
            return None
    return np.ascontiguousarray(_rows(a, axes))
