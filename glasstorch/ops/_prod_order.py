"""``prod`` of float16/float32/float64 arrays in torch's CPU order and precision.

ATen's prod kernel (``binary_kernel_reduce_vec``) multiplies in the tensor's own dtype: a float16
product is rounded to float16 after every multiply.  NumPy's reduce along a contiguous axis keeps a
float32 running product for float16 instead, so its result can differ from torch's in the third
significant digit; ``np.multiply.accumulate`` (and a reduce along a non-contiguous axis) round at
every step, so those are what this module uses.

The order is the kernel's:

- along a dim that is contiguous in memory (a row), ``vectorized_reduction``: from 4 x w elements
  (w = 32 bytes / itemsize lanes), four vectors multiply down the row, are combined as (a0 a1)(a2 a3),
  their lanes are multiplied in order into the output, then the elements after the last whole step one
  by one (``_sum_order._row_product``, here for many rows at once);
- along any other dim, each output multiplies its elements one after another (an outer reduction);
- over a whole strided tensor, the rows (its innermost contiguous run) are reduced into one running
  product in memory order; without a contiguous innermost dim, element by element in memory order.
"""
import numpy as np

from . import _sum_order


def _rows(rows):
    """The product of each row of the 2-D array ``rows`` (as ``_sum_order._row_product`` does one)."""
    r, n = rows.shape
    w = 32 // rows.itemsize
    count = n // (4 * w)
    if not count:
        return np.multiply.accumulate(rows, axis=1)[:, -1]
    blocks = rows[:, :count * 4 * w].reshape(r, count, 4 * w)
    acc = np.multiply.accumulate(blocks, axis=1)[:, -1].reshape(r, 4, w)
    lanes = (acc[:, 0] * acc[:, 1]) * (acc[:, 2] * acc[:, 3])
    seq = np.concatenate([lanes, rows[:, count * 4 * w:]], axis=1)
    return np.multiply.accumulate(seq, axis=1)[:, -1]


def _row_steps(rows):
    """The factors that a row's reduction multiplies into the running output, in order: its lanes'
    product (when the row has a whole vector step), then its remaining elements."""
    r, n = rows.shape
    w = 32 // rows.itemsize
    count = n // (4 * w)
    if not count:
        return rows
    head = _rows(rows[:, :count * 4 * w])
    return np.concatenate([head[:, None], rows[:, count * 4 * w:]], axis=1)


def _factors(flat, length, s, e):
    """The factors that the elements ``flat[s:e]`` (memory order, in rows of ``length``) multiply into
    a running product, in order: each row, or piece of a row at either end, as ``_row_steps``."""
    out = []
    a = min(e, -(-s // length) * length)
    if a > s:
        out.append(_row_steps(flat[s:a][None]).ravel())
    b = max(a, e // length * length)
    if b > a:
        out.append(_row_steps(flat[a:b].reshape(-1, length)).ravel())
    if e > b:
        out.append(_row_steps(flat[b:e][None]).ravel())
    return np.concatenate(out)


def _row_length(y):
    """The length of the rows that ATen's iterator reduces one at a time: the innermost dims of ``y``
    (dims of size 1 dropped, sorted outermost first) that coalesce into one contiguous run; 1 where the
    innermost dim is not contiguous (then element by element)."""
    length, stride = 1, y.itemsize
    for n, st in zip(reversed(y.shape), reversed(y.strides)):
        if st != stride:
            break
        length, stride = length * n, stride * n
    return length


def _iteration_order(x):
    """The dims of size > 1, outermost first, in the order ATen's TensorIterator walks them: an
    insertion sort by stride (innermost first, from the last dim) in which a comparison with a
    broadcast (stride 0) dim is undecided and leaves the pair as it is."""
    perm = [a for a in reversed(range(x.ndim)) if x.shape[a] != 1]
    for i in range(1, len(perm)):
        j = i
        for k in range(i - 1, -1, -1):
            s0, s1 = x.strides[perm[k]], x.strides[perm[j]]
            if s0 and s1 and s0 < s1:
                break
            if s0 and s1 and (s0 > s1 or x.shape[perm[k]] > x.shape[perm[j]]):
                perm[k], perm[j] = perm[j], perm[k]
                j = k
    return perm[::-1]


def total(x, threads):
    """``x.prod()`` (a 0-d array) of a float16/32/64 array in torch's order."""
    if not x.size:
        return np.ones((), x.dtype)
    r = _sum_order.total_product(x, threads)
    if r is not None:
        return np.asarray(r, x.dtype)
    order = _iteration_order(x)
    y = x.transpose(order + [a for a in range(x.ndim) if a not in order])[(Ellipsis,) + (0,) * (x.ndim - len(order))]
    length = _row_length(y)
    flat = np.ascontiguousarray(y).reshape(-1)
    n = flat.size
    if n < _sum_order._GRAIN or threads < 2:
        return np.asarray(np.multiply.accumulate(_factors(flat, length, 0, n))[-1], x.dtype)
    # torch's two-pass reduction: each thread's share of the elements into its slot, then the slots
    used = min(threads, -(-n // _sum_order._GRAIN))
    chunk = -(-n // used)
    parts = np.ones(threads, x.dtype)
    for t in range(used):
        parts[t] = np.multiply.accumulate(_factors(flat, length, t * chunk, min(n, (t + 1) * chunk)))[-1]
    return np.asarray(_sum_order._row_product(parts), x.dtype)


def along(x, d, keepdim, threads):
    """``x.prod(d, keepdim)`` of a float16/32/64 array (ndim >= 1) in torch's order (C-contiguous)."""
    n = x.shape[d]
    shape = x.shape[:d] + ((1,) if keepdim else ()) + x.shape[d + 1:]
    if not x.size or n == 1:
        return np.prod(x, axis=d, keepdims=keepdim)
    if x.size == n:                              # one output: the whole-tensor reduction
        return total(x, threads).reshape(shape)
    if x.strides[d] == x.itemsize:
        rows = np.moveaxis(x, d, -1).reshape(-1, n)
        return np.ascontiguousarray(_rows(rows)).reshape(shape)
    return np.ascontiguousarray(np.multiply.accumulate(x, axis=d).take(-1, axis=d)).reshape(shape)


def values(x, d, keepdim, odt, threads):
    """``prod`` of the array ``x`` into dtype ``odt``: over everything (``d`` None) or along dim ``d``.
    Floating results in torch's order and precision, from the input cast first (as torch's ``dtype=``
    does); integers, bools and complex with NumPy (their order does not matter or is not modelled)."""
    if np.dtype(odt).char not in "efd" or (d is not None and not x.ndim):
        return np.prod(x, axis=d if x.ndim else None, keepdims=keepdim, dtype=odt)
    xf = x if x.dtype == odt else x.astype(odt)
    return total(xf, threads) if d is None else along(xf, d, keepdim, threads)
