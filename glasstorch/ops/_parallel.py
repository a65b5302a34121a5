"""Big arrays on every core, as torch's ``parallel_for`` does.

NumPy's loops release the GIL, so an output cut into blocks can be filled by several threads at
once, each running the same ufunc on its block.  Only arrays of ``MIN_SIZE`` elements or more are
split: handing a block to a thread costs some microseconds, which small arrays never win back.
``torch.set_num_threads`` sets how many threads take part (1: everything stays on this thread).
"""
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from .._runtime import get_num_threads

# Measured on a 16-core machine (4M-element float32 sum and multiply): the time falls to a third
# with 4-8 blocks, then rises again as Python hands out more blocks than the memory bus can feed.
MIN_SIZE = 1 << 20           # elements; below this one thread is as fast
BLOCK = 1 << 19              # the smallest block worth a thread
STEAL = 4                    # blocks per thread in split_steal
_POOL = [None, 0]            # the executor and its worker count


def _pool(workers):
    """An executor with at least ``workers`` threads (grown when more are asked for, never shrunk:
    fewer blocks simply use fewer of its threads)."""
    if _POOL[1] < workers:
        old = _POOL[0]
        _POOL[0], _POOL[1] = ThreadPoolExecutor(workers, thread_name_prefix="glasstorch"), workers
        if old is not None:
            old.shutdown(wait=False)
    return _POOL[0]


def parts_for(size, block=BLOCK):
    """How many blocks an array of ``size`` elements is cut into (1: do not split); ``block``: the
    smallest block worth a thread for this work (smaller for work of many passes per element)."""
    return max(1, min(get_num_threads(), size // block))


def _in_callers_errstate(fn):
    """``fn`` to run on a pool thread under the calling thread's NumPy error state: NumPy keeps it per
    thread (a context variable), so a block computed elsewhere would otherwise warn where the caller
    had silenced it (sqrt of a negative: torch's kernels never warn)."""
    state, call = np.geterr(), np.geterrcall()     # (the call: _fp_warnings' router, for "log")

    def run(*args):
        with np.errstate(call=call, **state):
            return fn(*args)
    return run


def split_run(fn, extent, parts):
    """Call ``fn(start, stop)`` on ``parts`` contiguous ranges of ``range(extent)``, one per thread
    (this thread takes the first); exceptions propagate."""
    if parts < 2:
        fn(0, extent)
        return
    bounds = [extent * i // parts for i in range(parts + 1)]
    pool = _pool(parts - 1)
    futures = [pool.submit(_in_callers_errstate(fn), bounds[i], bounds[i + 1]) for i in range(1, parts)]
    fn(bounds[0], bounds[1])
    for f in futures:
        f.result()


def split_steal(fn, extent, parts):
    """``split_run`` for blocks whose results do not depend on where the range is cut (elementwise
    work): the range is cut into ``STEAL`` blocks per thread, taken one after another by whichever
    thread is free.  A pool thread can wake 30-100 us late (measured in a 2-core VM), and with one
    half each the late thread's half decides the time; measured on 2048x2048 float32 a * b, 2 threads:
    1.5-1.7 ms as halves, 1.1-1.3 ms as 8 blocks taken in turn."""
    if parts < 2:
        fn(0, extent)
        return
    n = min(extent, parts * STEAL)
    bounds = [extent * i // n for i in range(n + 1)]
    todo = iter(range(n))      # one shared iterator: next() on it is atomic under the GIL

    def worker():
        for i in todo:
            fn(bounds[i], bounds[i + 1])
    pool = _pool(parts - 1)
    pooled = _in_callers_errstate(worker)
    futures = [pool.submit(pooled) for _ in range(parts - 1)]
    try:
        worker()
    finally:
        for f in futures:
            f.result()


def _split_axis(shape, parts):
    """The first axis long enough to give every block a slice of it (None: none is)."""
    for ax, n in enumerate(shape):
        if n >= parts:
            return ax
    return None


def binary(ufunc, x, y):
    """``ufunc(x, y)`` for a large broadcast result, block by block on several threads."""
    shape = np.broadcast_shapes(np.shape(x), np.shape(y))
    size = 1
    for n in shape:
        size *= n
    parts = parts_for(size)
    ax = _split_axis(shape, parts)
    if parts < 2 or ax is None:
        return ufunc(x, y)
    # the result dtype, as NumPy would choose it for these operands (one element, computed once)
    first = (0,) * len(shape)
    xb = np.broadcast_to(x, shape) if x.__class__ is np.ndarray else x
    yb = np.broadcast_to(y, shape) if y.__class__ is np.ndarray else y
    probe = ufunc(xb[first] if xb.__class__ is np.ndarray else x, yb[first] if yb.__class__ is np.ndarray else y)
    out = np.empty(shape, np.asarray(probe).dtype)
    lead = (slice(None),) * ax

    def block(a, b):
        idx = lead + (slice(a, b),)
        ufunc(xb[idx] if xb.__class__ is np.ndarray else xb, yb[idx] if yb.__class__ is np.ndarray else yb,
              out=out[idx])
    split_steal(block, shape[ax], parts)
    return out


def unary(ufunc, x):
    """``ufunc(x)`` for a large array, block by block on several threads."""
    parts = parts_for(x.size)
    ax = _split_axis(x.shape, parts)
    if parts < 2 or ax is None:
        return ufunc(x)
    out = np.empty(x.shape, ufunc(x[(0,) * x.ndim]).dtype)
    lead = (slice(None),) * ax

    def block(a, b):
        idx = lead + (slice(a, b),)
        ufunc(x[idx], out=out[idx])
    split_steal(block, x.shape[ax], parts)
    return out


_SUM_BLOCKS = (1024, 512, 256)  # row pieces one BLAS dot product sums, longest first
_ONES = {}                        # dtype -> a vector of 1024 ones, made once


def _trailing_sum(x, axes, keepdims):
    """The sum over the trailing ``axes`` of a C-contiguous float32/float64 array whose rows split
    into whole blocks of 1024, 512 or 256, else None.  NumPy's pairwise sum along a row is a scalar
    loop; a matrix-vector product with ones sums each block with SIMD on BLAS's threads, and the
    blocks of a row are then added pairwise.  Measured on 2048x2048 float32: 1024-blocks run 4x
    faster than NumPy with twice torch's rounding error (256-blocks: 2x faster, torch's error)."""
    nd = x.ndim
    if x.dtype not in _ONES or not x.flags.c_contiguous or axes != tuple(range(nd - len(axes), nd)):
        return None
    row = 1
    for n in x.shape[nd - len(axes):]:
        row *= n
    for block in _SUM_BLOCKS:
        if row % block == 0 and row > block:
            break
    else:
        return None
    kept = x.shape[:nd - len(axes)]
    blocks = np.matmul(x.reshape(-1, block), _ONES[x.dtype][:block]).reshape(-1, row // block)
    out = np.add.reduce(blocks, axis=1)
    return out.reshape(kept + (1,) * len(axes) if keepdims else kept)


for _dt in (np.float32, np.float64):
    _ONES[np.dtype(_dt)] = np.ones(_SUM_BLOCKS[0], _dt)


def add_reduce(x, axes, keepdims, dtype):
    """``np.add.reduce(x, axes)`` for a large array: trailing axes through BLAS when they can be;
    else blocks along a kept axis are summed side by side; when every axis is reduced, each thread
    sums a block and the partial sums are added."""
    if x.dtype == dtype:
        out = _trailing_sum(x, axes, keepdims)
        if out is not None:
            return out
    parts = parts_for(x.size)
    if parts < 2:
        return np.add.reduce(x, axis=axes, keepdims=keepdims, dtype=dtype)
    kept = [ax for ax in range(x.ndim) if ax not in axes and x.shape[ax] >= parts]
    if kept:
        ax = kept[0]
        out = np.add.reduce(x[(slice(None),) * ax + (slice(0, 0),)], axis=axes, keepdims=True, dtype=dtype)
        out = np.empty(out.shape[:ax] + (x.shape[ax],) + out.shape[ax + 1:], out.dtype)
        lead = (slice(None),) * ax

        def block(a, b):
            idx = lead + (slice(a, b),)
            np.add.reduce(x[idx], axis=axes, keepdims=True, dtype=dtype, out=out[idx])
        split_steal(block, x.shape[ax], parts)
        return out if keepdims else out.reshape([n for i, n in enumerate(out.shape) if i not in axes])
    if len(axes) != x.ndim or not x.flags.c_contiguous:
        return np.add.reduce(x, axis=axes, keepdims=keepdims, dtype=dtype)
    flat = x.reshape(-1)
    partial = {}

    def chunk(a, b):
        partial[a] = np.add.reduce(flat[a:b], dtype=dtype)
    split_run(chunk, flat.size, parts)
    total = np.add.reduce(np.array([partial[k] for k in sorted(partial)]), dtype=dtype)
    return np.asarray(total).reshape((1,) * x.ndim) if keepdims else total
