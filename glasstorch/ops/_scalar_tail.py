"""The unfused elements torch leaves in ``self + alpha * other`` when ``other`` is a scalar operand.

torch's CPU add kernel runs ``fmadd(other, alpha, self)`` (one rounding) over blocks of two vectors
(16 float32, 8 float64).  The rest of each inner loop goes to a scalar loop which the compiler
vectorized on its own; where ``other`` has stride 0 there (a Python number, a 0-d tensor, a
broadcast size-1 dim along the inner loop) that loop rounds the product ``alpha * other`` first:

    tail of r elements after the blocks, j = 0 .. r-1:
        j = 0                       fused
        1 <= j < 1 + W*((r-1)//W)   self + round(alpha * other)      (W = 4 float32, 2 float64)
        the rest                    fused

(measured against torch's AVX2 kernels on x86-64; tests/parity/test_scalar_operand_tail.py pins
it; AVX-512 kernels have other blocks, docs/differences.md).  Which elements are
"the tail of an inner loop" follows TensorIterator: the dims ordered by strides, coalesced where
every operand allows it; the inner loop is a row of the first coalesced dim, and it is vectorized
only where the output and ``self`` are contiguous along it and ``other`` has stride 0 (with
``self`` scalar or everything strided, torch's loop fuses every element).  With numel >= 32768
and more than one thread, ``at::parallel_for`` cuts the iteration range [0, N) into
min(threads, ceil(N / 32768)) chunks of ceil(N / chunks) elements; a chunk may start or end
mid-row, each piece being its own inner loop with its own tail.
"""
import numpy as np

from ._layout import dim_order

_GRAIN = 32768                      # at::internal::GRAIN_SIZE
_BW = {4: (16, 4), 8: (8, 2)}       # itemsize -> (block, width of the unfused groups)


def _bstrides(a, shape):
    """Element strides of ``a`` broadcast to ``shape`` (0 along broadcast dims)."""
    nd, off = len(shape), len(shape) - a.ndim
    st = [0] * nd
    it = a.itemsize
    for i, (n, s) in enumerate(zip(a.shape, a.strides)):
        st[off + i] = 0 if (n == 1 and shape[off + i] != 1) else s // it
    return st


def _order(shape, x, y, out):
    """TensorIterator's dim order (innermost first) and every operand's element strides: the output
    given (``out=``) or dense in that order (the in-place output, ``x`` itself, iterates alike)."""
    sx = _bstrides(x, shape)
    sy = _bstrides(y, shape) if isinstance(y, np.ndarray) else [0] * len(shape)
    if out is not None:
        so = _bstrides(out, shape)
        return dim_order(shape, [so, sx, sy]), (so, sx, sy)
    perm = dim_order(shape, [sx, sy])
    so, acc = [0] * len(shape), 1
    for d in perm:
        so[d] = acc
        acc *= shape[d]
    return perm, (so, sx, sy)


def _inner(shape, perm, ops):
    """(row length, whether that inner loop runs torch's vectorized-scalar loop): the first dims in
    ``perm`` that every operand lets coalesce; vectorized where out and self are contiguous along
    it and other has stride 0."""
    row = None                                  # the coalesced inner dim: (size, strides)
    for d in perm:
        n = shape[d]
        if row is None:
            row = [n, [s[d] for s in ops]]
            continue
        size, st = row
        if n == 1:
            continue
        if size == 1:
            row = [n, [s[d] for s in ops]]
            continue
        if all(s[d] == size * t for s, t in zip(ops, st)):
            row[0] = size * n
            continue
        break
    if row is None:
        return 1, False
    size, (o, a, b) = row
    return size, (o == 1 or size == 1) and (a == 1 or size == 1) and b == 0


def _pieces(n, length, threads):
    """Starts and ends of the inner loops over [0, n): rows of ``length``, cut at chunk bounds."""
    if n >= _GRAIN and threads > 1:
        k = min(threads, -(-n // _GRAIN))
        cs = -(-n // k)
        bounds = [(b, min(n, b + cs)) for b in range(0, n, cs)]
    else:
        bounds = [(0, n)]
    starts, ends = [], []
    for b, e in bounds:
        first = -(-b // length) * length
        s = np.arange(first, e, length, dtype=np.int64)
        if first != b:
            s = np.concatenate(([b], s))
        starts.append(s)
        ends.append(np.minimum((s // length + 1) * length, e))
    return np.concatenate(starts), np.concatenate(ends)


def unfused_positions(shape, perm, ops, itemsize, threads):
    """Iteration-order indices (into [0, numel)) where torch rounds ``alpha * other`` first; None
    when every element is fused."""
    block, width = _BW[itemsize]
    n = 1
    for s in shape:
        n *= s
    if n < 3:
        return None
    length, vec = _inner(shape, perm, ops)
    if not vec or length < 3:
        return None
    starts, ends = _pieces(n, length, threads)
    m = ends - starts
    r = m % block
    count = width * ((r - 1) // width)
    keep = (r >= 1) & (count > 0)
    if not keep.any():
        return None
    first = (starts + m - r + 1)[keep]
    count = count[keep]
    idx = np.repeat(first - np.cumsum(count) + count, count) + np.arange(int(count.sum()))
    return idx


def fix(r, x, y, alpha, np_dt, threads, out=None):
    """Overwrite in ``r`` (the fused ``x + alpha * y``, of the broadcast shape) the elements torch
    computes unfused: ``x + round(alpha * y)`` in ``np_dt``.  ``out``: the array an ``out=`` call
    writes (its layout drives torch's loop), where it has ``r``'s shape and dtype."""
    shape = r.shape
    if not isinstance(x, np.ndarray) or x.dtype != np_dt or min(x.strides, default=0) < 0:
        return r
    if isinstance(y, np.ndarray) and y.ndim and y.dtype != np_dt:
        return r
    if out is not None and (out.shape != shape or out.dtype != np_dt or min(out.strides, default=0) < 0):
        out = None
    perm, ops = _order(shape, x, y, out)
    idx = unfused_positions(shape, perm, ops, np_dt.itemsize, threads)
    if idx is None:
        return r
    perm = perm[::-1]                                   # outermost first: the iteration's C order
    it_shape = tuple(shape[d] for d in perm)
    pos = np.unravel_index(idx, it_shape)
    at = [None] * len(shape)
    for k, d in enumerate(perm):
        at[d] = pos[k]
    at = tuple(at)
    xs = np.broadcast_to(x, shape)[at]
    a = np_dt.type(alpha)
    ys = np.broadcast_to(np.asarray(y, np_dt), shape)[at]
    if not r.flags.writeable or np.may_share_memory(r, x) or (isinstance(y, np.ndarray) and np.may_share_memory(r, y)):
        r = np.array(r, copy=True, order="K")
    r[at] = xs + a * ys                 # a * ys rounded in np_dt, then the sum: two roundings
    return r


def after_fma(r, x, y, alpha, out=None):
    """``r`` = fused ``x + alpha * y``; where ``y`` is a scalar operand (a number, 0-d, a stride-0
    dim), the elements torch computes unfused are redone so.  A full ``y``: ``r`` untouched."""
    if y.__class__ is np.ndarray and y.shape == r.shape and 0 not in y.strides:
        return r
    from .._runtime import get_num_threads
    return fix(r, x, y, alpha, r.dtype, get_num_threads(), out)


def loop_vector_mask(arrays, threads, block=None):
    """For an elementwise kernel over same-shape ``arrays`` (its inputs; the output is laid out like
    TensorIterator makes it), a bool array of that shape: True where ``cpu_kernel_vec`` runs the
    element in its vector loop (blocks of two vectors, 16 float32 / 8 float64, of each inner row),
    False where its scalar loop takes it (the rest of each row, or every element when some operand
    is neither contiguous nor a broadcast scalar along the inner dim).  ``block``: the elements of two
    vectors, when the kernel's vectors are not of ``arrays``' dtype (float16 ones: 32)."""
    a0 = arrays[0]
    shape = a0.shape
    n = a0.size
    if not a0.ndim:
        return np.zeros(shape, bool)
    sts = [_bstrides(a, shape) for a in arrays]
    perm = dim_order(shape, sts)
    out, acc = [0] * len(shape), 1
    for d in perm:
        out[d] = acc
        acc *= shape[d]
    ops = [out] + sts
    row = None                                  # (size, strides) of the coalesced inner dim
    for d in perm:
        if shape[d] == 1:
            continue
        if row is None:
            row = [shape[d], [s[d] for s in ops]]
        elif all(s[d] == row[0] * t for s, t in zip(ops, row[1])):
            row[0] *= shape[d]
        else:
            break
    block = block or (16 if a0.itemsize == 4 else 8)
    it = np.zeros(n, bool)
    # vectorized where every operand is contiguous along the inner row, or one input is a
    # broadcast scalar there (cpu_kernel_vec's is_contiguous_scalar cases)
    if row is None or row[1][0] == 1 and (all(t == 1 for t in row[1][1:]) or
                                          (len(row[1]) > 2 and sorted(row[1][1:])[1:] == [1] * (len(row[1]) - 2)
                                           and 0 in row[1][1:])):
        length = row[0] if row else 1
        starts, ends = _pieces(n, length, threads)
        for s, e in zip(starts.tolist(), ends.tolist()):
            it[s:s + (e - s) // block * block] = True
    # iteration order (perm innermost first) back to the arrays' logical positions
    order = np.arange(n).reshape([shape[d] for d in reversed(perm)])
    inv = np.argsort(list(reversed(perm)))
    return it[order.transpose(inv).reshape(-1)].reshape(shape) if n else it.reshape(shape)


def split_by_loop(mask, operands):
    """``mask`` (elements whose answer depends on which of ``cpu_kernel_vec``'s loops takes them: its
    Vectorized lambda and its scalar one often test bounds differently, ``lo < x < hi`` against
    ``x <= lo || x >= hi``, so a nan, a signed zero or an end of a domain gets two answers) split into
    (those the vector loop takes, those the scalar loop takes), for a kernel over ``operands``
    (broadcastable to mask's shape) at torch's thread count; None when mask selects nothing."""
    if not mask.any():
        return None
    from .._runtime import get_num_threads
    vec = loop_vector_mask([np.broadcast_to(a, mask.shape) for a in operands], get_num_threads())
    return mask & vec, mask & ~vec
