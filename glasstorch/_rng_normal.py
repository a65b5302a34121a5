"""torch's CPU ``normal_`` kernel (``randn``, ``normal``, ``nn.init.normal_``), bit for bit.

torch picks one of two algorithms from the tensor alone:

* **Element-wise path** (numel < 16, or a non-contiguous tensor), any dtype: Box-Muller in
  double with a cached second sample,

      u1, u2 = two 53-bit uniforms (u1 drawn first)
      r      = sqrt(-2 * log1p(-u2)),   theta = 2*pi * u1
      return r * cos(theta)  and cache r * sin(theta) for the next element,

  then ``fma(value, std, mean)`` in double, cast to the dtype. A cached sample is used (and
  cleared) before anything is drawn, it outlives the call, and only ``manual_seed`` clears it.

* **Block path** (numel >= 16 and contiguous): fill all n elements with uniforms of the dtype,
  transform each block of 16 in place, and if n % 16 != 0 draw 16 *fresh* uniforms for the last
  16 positions and transform that block again. In a block, for j < 8:

      u1 = 1 - d[j],  u2 = d[j + 8]
      radius = sqrt(-2 * log(u1)),  theta = 2*pi * u2
      d[j] = fma(radius * cos(theta), std, mean),  d[j + 8] = fma(radius * sin(theta), std, mean)

  float64 uses libm log/cos/sin (below). float32 (AVX2 builds) uses the Cephes approximations
  ``log256_ps`` / ``sincos256_ps`` in float32 arithmetic with GCC's FMA contractions: see
  ``_rng_normal32``. float16 runs the float32 kernel and rounds to half, but draws only the
  full blocks' uniforms before the tail's 16 (no draws for the partial block).

  The transform only ever looks at one block, so both dtypes work through the tensor in chunks
  of whole blocks (``_fill_blocks``). The draws are always taken on the calling thread, chunk
  after chunk: the same stream in the same order as one big draw. Each chunk is transformed
  right after its draw, while it is still in cache; for a large tensor, when at least 2 threads
  are allowed (``set_num_threads``), by several threads at once (NumPy releases the GIL inside
  its loops), the drawing thread taking a chunk whenever the others are behind. The values do
  not depend on the thread count.
"""

import math
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from glasstorch._rng_fma import fma64
from glasstorch._rng_normal32 import _PAIRS, _block_chunk, _scale, _work

_TWO_PI = 2.0 * math.pi
_F32_CHUNK = 2 * _PAIRS           # float32 values per chunk (the fast kernel's buffer size)
_F64_CHUNK = 1 << 15              # float64 values per chunk: 2048 blocks, 256 KB
_PARALLEL_MIN = 1 << 18           # values; smaller tensors are transformed on the calling thread
_PARALLEL_THREADS = 2             # fewer threads allowed: all on the calling thread


def normal(gen, n, dtype, mean, std, contiguous, out=None):
    """n normal samples (flat) for a tensor of the given dtype; see the module docstring.
    ``out``: a flat array of n values of that dtype to fill (and return) instead of a new one."""
    std = float(std)
    if not std >= 0.0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
    dtype = np.dtype(dtype)
    if n < 16 or not contiguous:
        values = _elementwise(gen, n, float(mean), std)
        if out is None:
            return values.astype(dtype)
        out[...] = values
        return out
    if out is None:
        out = np.empty(n, dtype=dtype)
    if dtype == np.float32:
        mean, std = np.float32(mean), np.float32(std)

        def transform(raw, dst):
            _block_chunk(raw, dst, mean, std, _work(len(dst) // 2))
        # On several threads the float32 chunks are twice as large: each NumPy call then works
        # longer per hold of the GIL, which is what limits the threads (measured on 16 cores:
        # 1M values in 11 ms against 15 ms). On one thread the chunk stays small enough for the
        # core's cache (there, chunks of four times the size took 35 ms against 21).
        _fill_blocks(out, gen._random32, transform, _F32_CHUNK, 2 * _F32_CHUNK)
    elif dtype == np.float64:
        mean = float(mean)

        def transform(u, dst):
            _f64_chunk(u, dst, mean, std)
        _fill_blocks(out, lambda k: gen._uniform01(k, np.float64), transform, _F64_CHUNK)
    elif dtype == np.float16:
        # float16 runs the float32 kernel on a float buffer and rounds to half; unlike float32 it
        # draws no uniforms for the partial block before the tail's 16 fresh ones
        buf = np.empty(n, dtype=np.float32)
        mean, std = np.float32(mean), np.float32(std)

        def transform(raw, dst):
            _block_chunk(raw, dst, mean, std, _work(len(dst) // 2))
        _fill_blocks(buf, gen._random32, transform, _F32_CHUNK, 2 * _F32_CHUNK, skip_partial=False)
        out[...] = buf
    else:
        raise NotImplementedError(f"normal_ for dtype {dtype}")
    return out


def _fill_blocks(out, draw, transform, chunk, threaded_chunk=None, skip_partial=True):
    """The block path over ``out``: ``draw(k)`` takes the generator's draws for k values,
    ``transform(drawn, dst)`` turns them into dst (whole blocks). Full blocks go in chunks of
    ``chunk`` values; then, if n % 16, the partial block's draws are skipped (``skip_partial``) and 16 fresh ones
    transformed over the last 16 positions (after everything else: they overlap).

    With several threads, this thread draws every chunk in turn and hands most of them to pool
    threads, transforming one in ``threads`` itself; chunks are then ``threaded_chunk`` values
    if given."""
    n = len(out)
    full = n - n % 16
    threads = _threads_for(full, -(-full // chunk))
    if threads > 1 and threaded_chunk:
        chunk = threaded_chunk
    spans = [(a, min(a + chunk, full)) for a in range(0, full, chunk)]
    threads = min(threads, len(spans))          # (larger chunks: maybe fewer than threads)
    pool = _executor(threads - 1) if threads > 1 else None
    futures, busy = [], 0
    try:
        for a, b in spans:
            drawn = draw(b - a)
            # The pool takes a chunk while each of its threads has at most one waiting; when it
            # is behind, this thread transforms the chunk itself (it also draws, so a fixed
            # share would leave one side idle).
            while busy < len(futures) and futures[busy].done():
                busy += 1
            if pool is not None and len(futures) - busy < 2 * (threads - 1):
                futures.append(pool.submit(transform, drawn, out[a:b]))
            else:
                transform(drawn, out[a:b])
    finally:
        for f in futures:
            f.result()
    if n % 16:
        if skip_partial:
            draw(n - full)
        transform(draw(16), out[n - 16:])


# ---------------------------------------------------------------------- threads

_POOL = {"pid": None, "size": 0, "executor": None}


def _threads_for(values, chunks):
    """How many threads transform a block path of ``values`` values in ``chunks`` chunks."""
    if values < _PARALLEL_MIN:
        return 1
    from glasstorch._runtime import get_num_threads
    threads = min(get_num_threads(), chunks)
    return threads if threads >= _PARALLEL_THREADS else 1


def _executor(workers):
    """A thread pool with at least ``workers`` threads, shared by all calls."""
    pool = _POOL
    if pool["pid"] != os.getpid() or pool["size"] < workers:
        # (a forked child inherits the executor but not its threads: it starts a fresh one)
        if pool["pid"] == os.getpid():
            pool["executor"].shutdown(wait=False)
        pool.update(pid=os.getpid(), size=workers,
                    executor=ThreadPoolExecutor(workers, thread_name_prefix="glasstorch-rng"))
    return pool["executor"]


# ---------------------------------------------------------------------- element-wise path

def _elementwise(gen, n, mean, std):
    """Box-Muller in double with the generator's cached sample; returns float64."""
    out = np.empty(n, dtype=np.float64)
    start = 0
    if n and gen._next_double_normal is not None:
        out[0] = gen._next_double_normal
        gen._next_double_normal = None
        start = 1
    todo = n - start
    pairs = (todo + 1) // 2
    if pairs:
        u = gen._uniform01(2 * pairs, np.float64).reshape(pairs, 2)
        radius = np.sqrt(-2.0 * _libm.log1p(-u[:, 1]))
        theta = _TWO_PI * u[:, 0]
        both = np.empty((pairs, 2), dtype=np.float64)
        both[:, 0] = radius * _libm.cos(theta)
        both[:, 1] = radius * _libm.sin(theta)
        both = both.reshape(-1)
        out[start:] = both[:todo]
        if todo % 2:                       # the last sine waits for the next call
            gen._next_double_normal = float(both[-1])
    return _scale(out, mean, std, fma64)


# ---------------------------------------------------------------------- float64 blocks

def _f64_chunk(u, dst, mean, std):
    """Transform whole blocks of uniforms ``u`` into ``dst`` (same length)."""
    u = u.reshape(-1, 16)
    radius = np.subtract(1.0, u[:, :8])                 # u1 = 1 - d[j] (exact)
    _libm.log(radius, out=radius)
    radius *= -2.0
    np.sqrt(radius, out=radius)
    theta = np.multiply(u[:, 8:], _TWO_PI)
    cos = _libm.cos(theta)
    sin = _libm.sin(theta, out=theta)
    cos *= radius
    sin *= radius
    rows = dst.reshape(-1, 16)
    if std == 1:                                        # fma(v, 1, mean) = v + mean
        np.add(cos, mean, out=rows[:, :8])
        np.add(sin, mean, out=rows[:, 8:])
    else:
        rows[:, :8] = fma64(cos, std, mean)
        rows[:, 8:] = fma64(sin, std, mean)


# ---------------------------------------------------------------------- libm

class _Libm:
    """Double-precision log / log1p / cos / sin / tan / exp that agree with the C library torch
    calls, as ``f(x, out=None)``.

    NumPy's ufuncs call the C library on most builds, but some builds (AVX-512 ones, for some
    functions) swap in their own SIMD versions, which can differ in the last bit. The first use
    compares NumPy against Python's ``math`` module (a thin wrapper over the C library) on a
    fixed sample; a function that disagrees is replaced by ``math`` element by element (slow,
    exact), or for log first by ``_log_via_long_double`` if that one agrees."""

    def __init__(self):
        self._funcs = None

    def _pick(self):
        sample = np.linspace(1e-6, 1.0, 4001)
        sample = np.concatenate([sample, sample * _TWO_PI, 1.0 - sample, -sample * 0.999])
        funcs = {}
        for name, domain in (("log", sample[sample > 0]), ("log1p", sample[sample > -1]),
                             ("cos", sample), ("sin", sample), ("tan", sample * 0.5),
                             ("exp", sample * 8.0)):
            exact = getattr(math, name)
            want = np.array([exact(v) for v in domain.tolist()])
            options = [getattr(np, name)] + ([_log_via_long_double] if name == "log" else [])
            funcs[name] = next((f for f in options if np.array_equal(f(domain), want)),
                               _elementwise_call(exact))
        self._funcs = funcs

    def __getattr__(self, name):
        if self._funcs is None:
            self._pick()
        return self._funcs[name]


def _elementwise_call(fn):
    """``fn`` (a ``math`` function) over an array, as a ufunc-like ``f(x, out=None)``."""
    def call(x, out=None):
        x = np.asarray(x, dtype=np.float64)
        vals = np.fromiter(map(fn, x.ravel().tolist()), np.float64, count=x.size)
        if out is None:
            return vals.reshape(x.shape)
        out[...] = vals.reshape(x.shape)
        return out
    return call


def _log_via_long_double(x, out=None):
    """The C library's log without calling it element by element (when NumPy's differs).

    glibc's log is within 0.519 ulp of the true value, so it returns the nearest double unless
    the true value lies within 0.019 ulp of a halfway point between two doubles. logl (long
    double, about 2**-63 relative error) rounded to double gives that nearest double; the few
    results closer than 0.03 ulp to a halfway point (about 6%) are recomputed with math.log."""
    shape = np.shape(x)
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    wide = np.log(x.astype(np.longdouble))
    y = wide.astype(np.float64)
    off = np.subtract(wide, y, dtype=np.longdouble).astype(np.float64)   # exact, tiny
    np.abs(off, out=off)
    bits = y.view(np.int64)
    ulp = (bits & 0x7FF0000000000000).view(np.float64) * 2.0 ** -52      # (normal y)
    near = off > 0.47 * ulp
    near |= (bits & 0xFFFFFFFFFFFFF) == 0          # a power of two: a smaller gap below it
    idx = np.flatnonzero(near)
    y[idx] = np.fromiter(map(math.log, x[idx].tolist()), np.float64, count=idx.size)
    if out is None:
        return y.reshape(shape)
    out[...] = y.reshape(shape)
    return out


_libm = _Libm()
