"""float32/float64 sums added up in the order torch's CPU kernels add them (ATen ``SumKernel.cpp``).

Float addition is not associative, so a sum's last bit depends on the order of the additions, and
that bit shows: a softmax row that torch sums to 0.99999994 prints as ``1.0000`` where an exact
1.0 prints as ``1.``.  NumPy adds pairwise; torch adds in these steps, for a row of n numbers:

* **lanes**: 8 float32 (4 float64) numbers are one AVX2 vector; lane j adds up elements j, j+8, ...
* **four accumulators** (instruction-level parallelism): vector i goes to accumulator i % 4; the
  vectors left over after the last group of four go to accumulator 0; then ((a0 + a1) + a2) + a3.
* **a cascade** bounds the rounding of long rows: each accumulator sums blocks of ``step`` items
  (``step`` = 2**max(4, ceil(log2 m) // 4)) and folds every block into a higher level, every
  ``step`` blocks of that into the next, over four levels; at the end the levels are added.
* the numbers after the last whole vector are added one by one to a scalar, then the lanes 0..7.

A sum of all elements of 32768 or more is cut into one chunk per thread (torch's thread count),
each summed as a row, then the chunks' sums are added as a row of their own.

glasstorch takes this order for sums and means of a whole tensor (``x.sum()``, ``x.mean()``, the
losses' reductions), whose value is what gets printed with ``.item()``, and for sums over dims that
keep the last one (``axes_sum``: a bias's gradient, ``x.sum(1)`` of a 3-d tensor), and for sums over
the last dim of a contiguous array (``inner_sums``; a strided one keeps NumPy's pairwise order,
within rounding of torch's), and for sums over any dims of a contiguous array that take in the last
one (``sandwich_sums``: ``x.sum([0, 2])`` of an (N, C, L) tensor).

All of this depends on the vector width of torch's CPU kernels: this is the AVX2 order (what torch
picks on AMD CPUs; AVX-512 machines use 16-lane vectors).  Every step is a NumPy reduction over an
axis that is not the innermost one, which NumPy adds one after another (``_seq``).
"""
import math

import numpy as np

_LEVELS = 4
_ILP = 4
_GRAIN = 32768                       # torch's GRAIN_SIZE: below it a reduction runs on one thread


def _seq(v, axis):
    """v summed along ``axis`` one item after another.  NumPy's reduce does that when lanes follow
    the axis (the items are then an outer loop); along the innermost axis it adds pairwise, so
    there the running sum (accumulate, sequential by definition) gives the order."""
    k = v.shape[axis]
    if k < 2:
        return v.take(0, axis=axis) if k else np.zeros(v.shape[:axis] + v.shape[axis + 1:], v.dtype)
    if k <= 4:                                         # a few items: plain adds cost less than a reduce
        head = (slice(None),) * axis
        r = v[head + (0,)] + v[head + (1,)]
        for i in range(2, k):
            r += v[head + (i,)]
        return r
    if math.prod(v.shape[axis + 1:]) > 1:
        return np.add.reduce(v, axis=axis)
    return np.add.accumulate(v, axis=axis).take(-1, axis=axis)


def _cascade(v, levels=_LEVELS, power=None, top=None):
    """ATen's multi_row_sum: v has shape (B, m, *lanes); sum over m as torch's cascade of ``levels``
    levels (``power``: log2 of its block size, by default from m).  ``top``: what the top level
    holds before the first fold (nll_loss puts its first term there)."""
    m = v.shape[1]
    if power is None:
        power = max(4, ((m - 1).bit_length() if m > 1 else 0) // levels)
    step = 1 << power
    nb = m // step
    if not nb:                                         # no whole block: all items stay in level 0
        total = _seq(v, 1)
        return total if top is None else total + top
    lanes = v.shape[2:]
    items = v[:, :nb * step].reshape((v.shape[0], nb, step) + lanes)
    if math.prod(lanes) < 64:
        # few lanes: the blocks' items moved to the front, so that NumPy adds whole rows of lanes at a
        # time (many lanes, as in a sum over an outer dim, are long enough rows already)
        blocks = _seq(np.ascontiguousarray(np.moveaxis(items, 2, 1)), 1)
    else:
        blocks = _seq(items, 2)
    if nb < step and top is None:
        # fewer than `step` blocks (a batch under 256): nothing folds past the first level, so the
        # loop below comes to (tail + blocks' sum) + 0 (a sum of -0.0 ends as +0.0 there too)
        total = _seq(blocks, 1)
        if nb * step < m:
            total = _seq(v[:, nb * step:], 1) + total
        return total + 0.0
    total = _seq(v[:, nb * step:], 1)                  # the items after the last whole block
    level = blocks
    for _ in range(levels - 2):                        # the middle levels: groups of `step` folds
        ng = level.shape[1] // step
        total = total + _seq(level[:, ng * step:], 1)
        if not ng:                                     # nothing reaches the levels above
            level = level[:, :0]
            break
        level = _seq(level[:, :ng * step].reshape((v.shape[0], ng, step) + lanes), 2)
    if top is not None:
        level = np.concatenate([top[:, None], level], axis=1)
    return total + _seq(level, 1)                      # the top level takes the rest, unbounded


def _row_sum(v):
    """ATen's row_sum: v (B, n, *lanes) summed over n with four interleaved accumulators."""
    B, n = v.shape[:2]
    g = n // _ILP
    if not g:                                           # fewer than four: all go to accumulator 0
        return _seq(v, 1)
    part = _cascade(v[:, :g * _ILP].reshape((B, g, _ILP) + v.shape[2:]))   # (B, 4, *lanes)
    for i in range(g * _ILP, n):                        # leftovers go to accumulator 0, in order
        part[:, 0] += v[:, i]
    return ((part[:, 0] + part[:, 1]) + part[:, 2]) + part[:, 3]


def inner_sums(x):
    """Sums of the rows of a C-contiguous (B, n) float32/float64 array, as torch sums each row."""
    B, n = x.shape
    w = 32 // x.itemsize
    if n < w:                                           # shorter than a vector: scalar code
        return (_row_sum(x) if n > 1 else x.sum(1)) + 0.0
    nv = n // w
    g = nv // _ILP
    if g >= 16 or B < 2:             # rows of 512 float32 / 256 float64 or more, or a single row
        acc = _row_sum(x[:, :nv * w].reshape(B, nv, w))  # (B, w): one vector per row
        if nv * w < n:
            acc = np.concatenate([x[:, nv * w:], acc], axis=1)
        return np.add.accumulate(acc, axis=1)[:, -1] + 0.0
    # Fewer than 16 groups of four vectors, the common case: row_sum's cascade is one level and its
    # four accumulators plain running sums.  With the rows turned into columns every step is a
    # NumPy reduction over the outer axis, which adds one item after another across all B rows at
    # once (a 64x64 sum(1) in three reductions instead of a dozen small calls; B > 1, else NumPy
    # would see one contiguous column and add it pairwise).
    xt = np.ascontiguousarray(x.T)                      # (n, B)
    if g:
        part = np.add.reduce(xt[:g * _ILP * w].reshape(g, _ILP, w, B), axis=0) if g > 1 else \
            xt[:_ILP * w].reshape(_ILP, w, B)          # xt is our own copy: += may write it
        for i in range(g * _ILP, nv):                   # leftover vectors go to accumulator 0
            part[0] += xt[i * w:(i + 1) * w]
        acc = np.add.reduce(part, axis=0)               # ((a0 + a1) + a2) + a3
    else:
        acc = np.add.reduce(xt[:nv * w].reshape(nv, w, B), axis=0)
    # a scalar starting at 0 takes the elements past the last vector, then the lanes in order
    if nv * w < n:
        acc = np.concatenate([xt[nv * w:], acc], axis=0)
    return np.add.reduce(acc, axis=0, initial=0.0)


def outer_sums(x):
    """Sums over axis 0 of a C-contiguous (n, c) float32/float64 array, as torch reduces an outer dim
    (``vectorized_outer_sum`` / ``scalar_outer_sum``): each column is summed down its n numbers on its
    own; the columns in whole groups of four accumulators (four vectors of lanes, or four scalars
    when a row is shorter than one vector) take the plain cascade, the columns after them the
    four-accumulator ``row_sum``.  Checked bit for bit against torch for n up to 100,000, c up to
    10,000, 1 to 3 threads (torch splits an outer reduction over columns, so threads do not change it)."""
    return _outer_sums_batched(x.reshape((1,) + x.shape))[0]


def _outer_sums_batched(v):
    """``outer_sums`` of each (n, c) slice of a C-contiguous (B, n, c) array: a (B, c) array."""
    B, n, c = v.shape
    lanes = 32 // v.itemsize
    group = 4 * lanes if c >= lanes else 4
    g = c // group * group
    if g == c:
        return _cascade(v)
    out = np.empty((B, c), v.dtype)
    if g:
        out[:, :g] = _cascade(v[:, :, :g])
    out[:, g:] = _row_sum(v[:, :, g:])
    return out


def block_sum(x, first, last):
    """``x`` summed over its axes ``first`` .. ``last`` (a block of neighbouring axes that leaves at
    least one axis after it) in torch's order, or None where not modelled: not float32/float64, not
    C-contiguous, fewer than two numbers per sum, or a single column left (a whole sum: ``total``).
    torch's reduction moves the reduced (coalesced) axis innermost in its loop, so for every index of
    the axes before the block it adds a (n, c) slice down its columns as ``outer_sums`` does (an
    ``x.sum(1)`` of a (B, n, c) tensor, the gradient of a tensor broadcast along a middle axis)."""
    shape = x.shape
    B = math.prod(shape[:first])
    n = math.prod(shape[first:last + 1])
    c = math.prod(shape[last + 1:])
    if x.dtype.char not in "fd" or not x.flags.c_contiguous or n < 2 or c < 2 or B < 1:
        return None
    # torch's accumulators start at +0, so a column of -0.0 sums to +0.0
    return (_outer_sums_batched(x.reshape(B, n, c)) + 0.0).reshape(shape[:first] + shape[last + 1:])


def axes_sum(x, axes):
    """``x`` summed over ``axes`` (any set that keeps the last axis, e.g. a (B, C, H, W) gradient down to
    a (1, C, 1, W) weight) in torch's order, or None where not modelled.  torch drops size-1 axes,
    merges neighbouring axes of one kind and loops over the reduced ones innermost, smallest stride
    first: with one reduced group that is ``block_sum``; with more, each row of the innermost group
    R0 is added by the scalar four-accumulator ``row_sum``, and the rows' sums go into the result one
    after another, in the C order of the other reduced groups."""
    if x.dtype.char not in "fd" or not x.flags.c_contiguous:
        return None
    groups = []                                          # [reduced, size]
    for i, n in enumerate(x.shape):
        if n == 1:
            continue
        if groups and groups[-1][0] == (i in axes):
            groups[-1][1] *= n
        else:
            groups.append([i in axes, n])
    if len(groups) < 2 or groups[-1][0]:
        return None
    out_shape = tuple(n for i, n in enumerate(x.shape) if i not in axes)
    red = [i for i, g in enumerate(groups) if g[0]]
    v = x.reshape([g[1] for g in groups])
    if len(red) == 1:
        r = red[0]
        out = block_sum(v, r, r)
        return None if out is None else out.reshape(out_shape)
    keep = [i for i, g in enumerate(groups) if not g[0]]
    r0, c = red[-1], groups[-1][1]
    v = np.ascontiguousarray(v.transpose(keep[:-1] + red + [keep[-1]]))
    k, n = math.prod(groups[i][1] for i in red[:-1]), groups[r0][1]
    rows = _row_sum(v.reshape(-1, n, c)).reshape(-1, k, c)
    return (_seq(rows, 1) + 0.0).astype(x.dtype, copy=False).reshape(out_shape)


def _per_thread(flat, threads, row, identity):
    """``row`` (a reduction of a 1-D array) over ``flat`` as torch's two-pass reduction splits it:
    from 32768 elements each of ``threads`` threads reduces one chunk into its slot (unused slots
    keep ``identity``), then the slots are reduced as a row of their own."""
    n = flat.size
    if n < _GRAIN or threads < 2:
        return row(flat)
    used = min(threads, -(-n // _GRAIN))
    chunk = -(-n // used)
    parts = np.full(threads, identity, flat.dtype)
    for t in range(used):
        parts[t] = row(flat[t * chunk:(t + 1) * chunk])
    return row(parts)


def _row_total(flat):
    r = _short_row_total(flat)
    return inner_sums(flat.reshape(1, -1))[0] if r is None else r


def _short_row_total(flat):
    """``inner_sums`` of one row of 512 to 8191 float32 (256 to 4095 float64), the sum of a small
    tensor, in fewer NumPy calls: row_sum's four accumulators side by side as 4 x w lanes, each lane
    a cascade of one level (under 16 blocks of 16 items); None outside that range."""
    w = 32 // flat.itemsize
    nv = flat.size // w
    g = nv // _ILP
    nb = g // 16
    if not 0 < nb < 16:
        return None
    v = flat[:g * _ILP * w].reshape(g, _ILP * w)
    # each block's 16 items moved to the front: NumPy then adds whole rows of nb * 4w lanes, in order
    blocks = np.add.reduce(np.ascontiguousarray(v[:nb * 16].reshape(nb, 16, _ILP * w).transpose(1, 0, 2)), axis=0)
    total = np.add.reduce(blocks, axis=0) if nb > 1 else blocks[0]
    if nb * 16 < g:
        total = (np.add.reduce(v[nb * 16:], axis=0) if g - nb * 16 > 1 else v[nb * 16]) + total
    part = (total + 0.0).reshape(_ILP, w)
    for i in range(g * _ILP, nv):                       # leftover vectors go to accumulator 0, in order
        part[0] += flat[i * w:(i + 1) * w]
    acc = ((part[0] + part[1]) + part[2]) + part[3]
    if nv * w < flat.size:
        acc = np.concatenate([flat[nv * w:], acc])
    return np.add.accumulate(acc)[-1] + 0.0


def full_sum(flat, threads):
    """The sum of a contiguous 1-D array as torch.sum() with ``threads`` threads: a 0-d array."""
    return _per_thread(flat, threads, _row_total, 0)


def _memory_order(x):
    """x as a contiguous 1-D array in the order torch walks it (memory order), or None where torch's
    order depends on a layout this does not model (strided slices, broadcast views)."""
    if x.flags.c_contiguous:
        return x.reshape(-1)
    y = x.transpose(sorted(range(x.ndim), key=lambda a: -x.strides[a]))
    return y.reshape(-1) if y.flags.c_contiguous else None


def total(x, threads):
    """``x.sum()`` of a float32/float64 array in torch's order (a 0-d array), or None (see _memory_order)."""
    flat = _memory_order(x)
    return None if flat is None else full_sum(flat, threads)


def _row_product(flat):
    """ATen's vectorised inner reduction for products (binary_kernel_reduce_vec): four vectors of
    lanes multiply down the row in steps of 4 x 8 elements, are combined (a0 a1)(a2 a3), then the lanes
    are multiplied in order, then the elements after the last whole step, one by one."""
    w = 32 // flat.itemsize
    count = flat.size // (4 * w)
    out = flat.dtype.type(1)
    if count:
        acc = np.multiply.reduce(flat[:count * 4 * w].reshape(count, 4, w), axis=0)
        lanes = (acc[0] * acc[1]) * (acc[2] * acc[3])
        out = out * np.multiply.accumulate(lanes)[-1]
    rest = flat[count * 4 * w:]
    return np.multiply.accumulate(np.concatenate([[out], rest]))[-1] if rest.size else out


def total_product(x, threads):
    """``x.prod()`` of a float32/float64 array in torch's order, or None (see _memory_order)."""
    flat = _memory_order(x)
    return None if flat is None else _per_thread(flat, threads, _row_product, 1)


def nll_sum(terms):
    """The sum of nll_loss's terms -x[b, t_b] (a 1-D array, batch order) as torch's nll_loss adds
    them: each term goes into level 0 of an eight-level cascade, which is folded upwards whenever
    the batch index is a multiple of the block size (so the first term goes straight to the top);
    the levels are then added from the bottom."""
    n = terms.size
    if n < 2:
        return terms.sum(dtype=terms.dtype) + 0.0
    if n <= 256:
        # the common batch: blocks of 16 fold into level 1 only, so the sum is ((tail + level 1) + first)
        # (running sums are sequential by definition: accumulate, not NumPy's pairwise reduce)
        u = terms[1:]
        nb = (n - 1) >> 4
        total = np.add.accumulate(u[nb << 4:])[-1] if (n - 1) & 15 else terms.dtype.type(0)
        if nb:
            blocks = np.add.accumulate(u[:nb << 4].reshape(nb, 16), axis=1)[:, -1]
            total = total + np.add.accumulate(blocks)[-1]
        return (total + terms[0]) + 0.0
    power = max(4, (n - 1).bit_length() // 8)
    return _cascade(terms[1:].reshape(1, n - 1), levels=8, power=power, top=terms[:1])[0] + 0.0


def nll_folds_kept(valid):
    """Whether nll_sum also gives torch's sum of a batch with ignored targets (``valid`` false): torch's loop
    skips an ignored target outright, its fold included, so the order stays nll_sum's (with zero terms in
    their place) as long as no fold point, a batch index that is a multiple of the block size, is ignored
    (index 0 aside: its fold only moves its term to the top).  A skipped fold merges two runs; following
    that costs more than the loss itself, so callers add those in NumPy's order (equal within rounding)."""
    n = valid.size
    step = 1 << max(4, (n - 1).bit_length() // 8)
    return bool(valid[step::step].all())


def sandwich_sums(x, axes):
    """A sum of a C-contiguous float32/float64 array over ``axes`` that include its last dim of size > 1
    (``x.sum([0, 2])`` of an (N, C, L) tensor, a per-channel statistic; ``x.sum([1, 3])``), as torch adds
    it: dims of size 1 left out, the trailing run of reduced dims is one row per output position, summed
    as ``inner_sums`` does; those row sums go into the output one after another, over the other reduced
    dims in C order.  Where the last dim is kept, ``axes_sum``'s order; a flat array (no positions kept
    or none reduced): None (measured bit for bit against torch's AVX2 kernels)."""
    if not x.size:
        return None
    dims = [(n, i in axes) for i, n in enumerate(x.shape) if n != 1]
    if not dims or all(r for _, r in dims) or not any(r for _, r in dims):
        return None
    t = len(dims) - len("".join("R" if r else "K" for _, r in dims).rstrip("R"))
    if not t:                                           # the last dim is kept
        return axes_sum(x, axes)
    inner = dims[:len(dims) - t]
    b = math.prod(n for n, _ in dims[len(dims) - t:])
    rows = inner_sums(x.reshape(-1, b)).reshape([n for n, _ in inner])
    outer = [i for i, (_, r) in enumerate(inner) if r]
    keep = [i for i, (_, r) in enumerate(inner) if not r]
    v = np.ascontiguousarray(rows.transpose(outer + keep)).reshape(-1, math.prod(inner[i][0] for i in keep))
    return np.add.reduce(v, axis=0, initial=0.0)     # one outer index after another (an outer axis)
