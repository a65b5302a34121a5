"""torch's other CPU random kernels: exponential_, geometric_, log_normal_, cauchy_,
multinomial and poisson. All draw 53-bit double uniforms u (two 32-bit outputs each, in
element order) and compute in double before casting to the tensor's dtype:

    exponential_(lambd)      -1/lambd * log1p(-u)
    geometric_(p)            ceil(log(u) / log(1 - p))
    log_normal_(mean, std)   exp(z) with z the element-wise Box-Muller normal (cache included)
    cauchy_(median, sigma)   fma(sigma, tan(pi * (u - 0.5)), median)     (fused on AVX2 builds)

multinomial and poisson follow ``MultinomialKernel.cpp`` and ``Distributions.cpp``; see their
docstrings. These kernels are in files GCC builds without FMA, so nothing else is fused.
"""

import ctypes
import ctypes.util
import math

import numpy as np

from glasstorch._rng_fma import fma64
from glasstorch._rng_normal import _elementwise, _libm


def exponential(gen, n, dtype, lambd):
    lambd = float(lambd)
    if not lambd > 0.0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd:g}")
    u = gen._uniform01(n, np.float64)
    return ((-1.0 / lambd) * _libm.log1p(-u)).astype(dtype)


def geometric(gen, n, dtype, p):
    p = float(p)
    if not 0 < p < 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={p:g}")
    u = gen._uniform01(n, np.float64)
    with np.errstate(divide="ignore"):
        return np.ceil(_libm.log(u) / math.log(1.0 - p)).astype(dtype)


def log_normal(gen, n, dtype, mean, std):
    std = float(std)
    if not std > 0.0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={std:g}")
    return _libm.exp(_elementwise(gen, n, float(mean), std)).astype(dtype)


def cauchy(gen, n, dtype, median, sigma):
    u = gen._uniform01(n, np.float64)
    t = _libm.tan(math.pi * (u - 0.5))
    return fma64(float(sigma), t, float(median)).astype(dtype)


# ---------------------------------------------------------------------- multinomial

def multinomial(gen, probs, num_samples, replacement):
    """Indices (int64) drawn from each row of a 1-d or 2-d array of weights.

    With replacement (and num_samples > 1), per row: the running sum of the weights in the
    weights' own precision (float for float16), divided by the total, the last entry forced to
    1; each sample draws a 53-bit uniform u and takes the first index whose cumulative value
    is >= u (a binary search). Otherwise torch uses the exponential trick:
    q = weights / Exp(1) noise (noise drawn for the whole array, in order, cast to the dtype),
    and takes argmax (one sample) or the top-k indices, largest first.
    """
    probs = np.asarray(probs)
    if probs.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if probs.dtype.kind != "f":
        raise RuntimeError("multinomial only supports floating-point dtypes for input, "
                           f"got: {probs.dtype}")
    num_samples = int(num_samples)
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    n_cat = probs.shape[-1]
    if not replacement and num_samples > n_cat:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without "
                           "replacement")
    rows = probs.reshape(-1, n_cat)
    if not replacement or num_samples == 1:
        out = _multinomial_exponential(gen, rows, num_samples)
    else:
        out = np.stack([_multinomial_row(gen, row, num_samples) for row in rows])
    return out.reshape(probs.shape[:-1] + (num_samples,))


def _multinomial_exponential(gen, rows, k):
    if not (np.all(np.isfinite(rows)) and np.all(rows >= 0)):
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    if np.any(rows.sum(axis=1) == 0):
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    noise = exponential(gen, rows.size, rows.dtype, 1.0).reshape(rows.shape)
    q = rows / noise
    if k == 1:
        return np.argmax(q, axis=1)[:, None].astype(np.int64)
    # torch's topk, whose order among equal values (the zero weights' zeros) is its own
    from .ops._topk_order import topk_order
    return topk_order(q, 1, k, True, True, np.argsort(-q, axis=1, kind="stable")).astype(np.int64)


def _multinomial_row(gen, row, k):
    acc = np.float32 if row.dtype == np.float16 else row.dtype.type
    row = row.astype(acc)
    # torch checks entry by entry, ``val >= 0`` before ``isfinite``: the first bad entry decides the
    # message, and a NaN fails the first check
    bad = np.flatnonzero(~((row >= 0) & np.isfinite(row)))
    if bad.size and not row[bad[0]] >= 0:
        raise RuntimeError("invalid multinomial distribution (encountering probability "
                           "entry < 0)")
    if bad.size:
        raise RuntimeError("invalid multinomial distribution (encountering probability "
                           "entry = infinity or NaN)")
    cum = np.cumsum(row, dtype=acc)                    # sequential, in the row's precision
    total = cum[-1]
    if not total > 0:
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    cum = cum / total
    cum[-1] = 1
    u = gen._uniform01(k, np.float64)
    # first index with cum >= u  ==  count of entries with cum < u
    return np.searchsorted(cum.astype(np.float64), u, side="left").astype(np.int64)


# ---------------------------------------------------------------------- poisson

def _glibc_lgamma():
    """The C library's lgamma (CPython's math.lgamma is its own implementation)."""
    try:
        libm = ctypes.CDLL(ctypes.util.find_library("m") or "libm.so.6")
        fn = libm.lgamma
        fn.restype, fn.argtypes = ctypes.c_double, [ctypes.c_double]
        return fn
    except (OSError, AttributeError):
        return math.lgamma


_lgamma = _glibc_lgamma()


class _Uniforms:
    """53-bit uniforms handed out one at a time from batches, for rejection loops whose draw
    count is unknown in advance. ``close`` rewinds the engine so that exactly the consumed
    draws are gone, as if each had been drawn singly."""

    def __init__(self, gen):
        self._gen = gen
        self._saved = gen._get_state_np()
        self._buf, self._i, self._used = [], 0, 0

    def __call__(self):
        if self._i == len(self._buf):
            self._buf = self._gen._uniform01(max(256, 2 * len(self._buf)), np.float64).tolist()
            self._i = 0
        self._i += 1
        self._used += 1
        return self._buf[self._i - 1]

    def close(self):
        cache = self._gen._next_double_normal
        self._gen._set_state_np(self._saved)
        self._gen._random32(2 * self._used)
        self._gen._next_double_normal = cache


def _poisson_one(lam, uniform):
    """One sample, following torch's sample_poisson: Hoermann's transformed rejection (PTRS)
    for lam >= 10, otherwise multiply uniforms until the product drops to exp(-lam)."""
    if lam >= 10:
        slam, loglam = math.sqrt(lam), math.log(lam)
        b = 0.931 + 2.53 * slam
        a = -0.059 + 0.02483 * b
        invalpha = 1.1239 + 1.1328 / (b - 3.4)
        vr = 0.9277 - 3.6224 / (b - 2)
        while True:
            u = uniform() - 0.5
            v = uniform()
            us = 0.5 - abs(u)
            k = math.floor((2 * a / us + b) * u + lam + 0.43)
            if us >= 0.07 and v <= vr:
                return k
            if k < 0 or (us < 0.013 and v > us):
                continue
            if (math.log(v) + math.log(invalpha) - math.log(a / (us * us) + b)
                    <= -lam + k * loglam - _lgamma(k + 1.0)):
                return k
    if lam == 0:
        return 0
    enlam = math.exp(-lam)
    count, prod = 0, 1.0
    while True:
        prod *= uniform()
        if prod > enlam:
            count += 1
        else:
            return count


def poisson(gen, rates):
    """``torch.poisson(rates)``: one sample per element in C order, rates' dtype."""
    rates = np.asarray(rates)
    if rates.dtype.kind != "f":
        from ._tensor_random import type_name
        raise NotImplementedError(f'"poisson_cpu" not implemented for \'{type_name(rates.dtype)}\'')
    flat = rates.reshape(-1).astype(np.float64).tolist()
    if any(not lam >= 0 for lam in flat):
        raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
    uniform = _Uniforms(gen)
    try:
        out = [_poisson_one(lam, uniform) for lam in flat]
    finally:
        uniform.close()
    return np.array(out, dtype=np.float64).astype(rates.dtype).reshape(rates.shape)


# ---------------------------------------------------------------------- randperm

_SMALL_PERM = 1024                # up to this a plain Python loop beats the vectorised replay


def apply_swaps(targets, n):
    """The result of ``for i in range(n - 1): swap(r[i], r[targets[i]])`` on r = [0, ..., n-1]
    (int64), for targets[i] >= i and n < 2**31, without a serial loop over n.
    ``targets`` must be a uint64 array of n - 1 values; it is overwritten.

    Step i finalises position i (later steps only touch positions > i). Write A(p) for the
    value at position p just before step p. Step i takes the value sitting at t = targets[i]:

        r[i] = A(k)   where k is the previous step with target t, if there is one,
        r[i] = t      otherwise (nobody has touched position t yet).

    A itself follows the same rule: A(p) = A(parent(p)) with parent(p) the last step before p
    that targeted p, and A(p) = p if there is none. Following the parent links (which point
    to smaller positions) reaches a root, whose value is its own index.

    Vectorised: one sort of the packed keys (target << 32 | step) groups the steps by target
    in step order, which gives every step's previous step and every position's parent; the
    roots come from ``_follow_parents``. Small n just runs the loop.
    """
    m = n - 1
    if n <= _SMALL_PERM:
        r = list(range(n))
        for i, t in enumerate(targets.tolist()):
            r[i], r[t] = r[t], r[i]
        return np.array(r, dtype=np.int64)
    # Index arrays are int64 (NumPy gathers and scatters fastest with intp indices); values
    # that are only stored live in int32 arrays, which halves the memory the scatters touch.
    key = targets
    key <<= np.uint64(32)
    key |= np.arange(m, dtype=np.uint64)
    key.sort()
    key = key.view(np.int64)
    step = key & 0xFFFFFFFF                              # steps, grouped by target
    tgt = key >> 32                                      # their (ascending) targets
    first = np.empty(m, dtype=np.bool_)                  # first step of its target's group
    first[0] = True
    np.not_equal(tgt[1:], tgt[:-1], out=first[1:])

    # parent(p) for each targeted position p, read at the end of p's group: its last step,
    # unless that is step p itself (t_p = p), whose predecessor in the group is then wanted.
    ends = np.flatnonzero(np.append(first[1:], True))
    parent = step[ends]
    pos = tgt[ends]
    own = np.flatnonzero(parent == pos)
    parent[own] = np.where(first[ends[own]], -1, step[ends[own] - 1])
    has = np.flatnonzero(parent >= 0)                    # (indices beat boolean masks)
    todo, link = pos[has], parent[has]

    value = _follow_parents(todo, link, n)

    vals = tgt.astype(np.int32)                          # first in the group: r[i] = t
    later = np.flatnonzero(~first)
    vals[later] = np.take(value, step[later - 1])        # else A(previous step in group)
    out = np.empty(n, dtype=np.int32)
    out[step] = vals
    out[m] = value[m]                                    # the last position is never a step
    return out.astype(np.int64)


def _follow_parents(nodes, parents, n):
    """A over 0..n-1 (int32): A(p) = p for roots, else A(parent(p)); ``nodes`` (ascending) are
    the positions that have a parent, ``parents`` their parents (each smaller than its node).

    Pointer jumping (A <- A[A] until every pointer reaches a root) visits each node about
    twice. Going through the positions in blocks, in ascending order, does better: a parent in
    an earlier block already holds its final value, so one lookup settles most nodes, and
    only those whose parent lies in the same block need jumping."""
    value = np.arange(n, dtype=np.int32)
    block = max(1 << 14, n // 64)
    cuts = np.searchsorted(nodes, np.arange(block, n, block))
    for todo, link in zip(np.split(nodes, cuts), np.split(parents, cuts)):
        if not todo.size:
            continue
        value[todo] = np.take(value, link)
        inner = link >= todo[0]                          # parent in this block: not final
        todo, link = todo[inner], link[inner]
        while todo.size:
            up = np.take(value, link)
            more = up != link                            # link was not a root yet
            value[todo] = up
            todo, link = todo[more], up[more]
    return value
