"""Differences found by the sweep24l algorithms-in-tensors programs (union-find, min-label
propagation with scatter_reduce, Fenwick / segment trees, summed-area tables, searchsorted /
bucketize, run-length encoding, counting sort, sieve, sorting networks, matrix-power Fibonacci,
bit tricks).

* ``torch.repeat_interleave(repeats)`` (the one-argument overload) given a non-tensor (an int, a
  float, a list) raised an AttributeError; now torch's parser TypeError
  "repeat_interleave(): argument 'repeats' (position 1) must be Tensor, not int".
* ``out=`` sharing some, not all, of an input's memory (``torch.add(x[:-1], 1, out=x[1:])``, a prefix
  sum or sorting network written with shifted views) is torch's "unsupported operation: some elements
  of the input tensor and the written-to tensor refer to a single memory location" for the ops whose
  kernels check it (pointwise ops, cat, index_select, sort, cumsum, where, lerp ...; ``_out.py``'s
  ``_NO_PARTIAL_OVERLAP``, each checked against torch); glasstorch wrote an order-independent result.
  The same for in-place ops given a view of ``self`` as an operand (``x.clamp_(max=x[2])``,
  ``x.pow_(x[1])``, ``x.fmod_``, ``x.eq_``, ``x.lerp_``, ``x.addcmul_``, ``x <<= x[1]``, ...), which
  only ``add_`` / ``mul_`` / ``div_`` / ``copy_`` checked.

The probes that matched already (kept here so they stay matched): counting-sort decode by
``repeat_interleave`` of ``bincount``, ``scatter_reduce`` amin/amax with ``include_self``,
``searchsorted`` with ``sorter`` / ``side`` / ``out_int32``, ``unique_consecutive`` with ``dim``.
"""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from ._helpers import same_error, same_outcome


@pytest.mark.parametrize("repeats", [3, 2.5, [1, 2], (0, 1), None])
def test_repeat_interleave_counts_needs_a_tensor(repeats):
    same_error(lambda m: m.repeat_interleave(repeats))


def test_repeat_interleave_counts_errors_kept():
    same_error(lambda m: m.repeat_interleave(m.tensor(3)))            # 0-d counts
    same_error(lambda m: m.repeat_interleave(m.tensor([1.0, 2.0])))   # float counts
    same_error(lambda m: m.repeat_interleave(m.tensor([1, -2])))      # negative counts
    same_error(lambda m: m.repeat_interleave(3, 2))                   # no overload


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(0, 7), min_size=0, max_size=20))
def test_counting_sort_by_bincount(keys):
    def fn(m):
        k = m.tensor(keys, dtype=m.int64)
        cnt = m.bincount(k, minlength=3)
        return m.repeat_interleave(m.arange(cnt.numel()), cnt), m.repeat_interleave(cnt)
    same_outcome(fn)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9)), min_size=1, max_size=15),
       st.booleans())
def test_min_label_propagation_step(edges, include_self):
    e = np.array(edges, dtype=np.int64)

    def fn(m):
        src, dst = m.from_numpy(e[:, 0].copy()), m.from_numpy(e[:, 1].copy())
        labels = m.arange(10) + 100
        return (labels.scatter_reduce(0, dst, labels[src], reduce="amin", include_self=include_self),
                labels.scatter_reduce(0, dst, src, reduce="amax", include_self=include_self))
    same_outcome(fn)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(-20, 20), min_size=1, max_size=12),
       st.lists(st.integers(-25, 25), min_size=1, max_size=6), st.booleans())
def test_searchsorted_with_sorter_and_bucketize(values, queries, right):
    def fn(m):
        v = m.tensor(values)
        q = m.tensor(queries)
        s = m.argsort(v, stable=True)
        side = "right" if right else "left"
        return (m.searchsorted(v, q, sorter=s, side=side), m.searchsorted(v.sort().values, q, right=right, out_int32=True),
                m.bucketize(q, v.sort().values, right=right, out_int32=True))
    same_outcome(fn)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(0, 2), min_size=0, max_size=12))
def test_run_length_encoding(seq):
    def fn(m):
        s = m.tensor(seq, dtype=m.int64)
        vals, inv, cnt = m.unique_consecutive(s, return_inverse=True, return_counts=True)
        grid = m.stack([s, s // 2], dim=1) if seq else m.zeros(0, 2, dtype=m.int64)
        g = m.unique_consecutive(grid, return_inverse=True, return_counts=True, dim=0)
        return (vals, inv, cnt, m.repeat_interleave(vals, cnt)) + tuple(g)
    same_outcome(fn)


# ---- out= / in-place writes that share part of an input's memory (a prefix sum or sorting network
# written in place with shifted views: torch refuses rather than give an order-dependent result) -------
_OUT_OPS = {
    "add": lambda m, x: m.add(x[:4], 1, out=x[1:5]),
    "add_other": lambda m, x: m.add(m.ones(4), x[:4], out=x[1:5]),
    "sub": lambda m, x: m.sub(x[:4], x[4:], out=x[2:6]),
    "mul": lambda m, x: m.mul(x[:4], 2, out=x[1:5]),
    "div": lambda m, x: m.div(x[:4], 2, out=x[1:5]),
    "floor_divide": lambda m, x: m.floor_divide(x[:4], 2, out=x[1:5]),
    "neg": lambda m, x: m.neg(x[:4], out=x[1:5]),
    "pow": lambda m, x: m.pow(x[:4], 2, out=x[1:5]),
    "remainder": lambda m, x: m.remainder(x[:4], 2, out=x[1:5]),
    "minimum": lambda m, x: m.minimum(x[:4], x[4:], out=x[2:6]),
    "maximum": lambda m, x: m.maximum(x[1:5], x[:4], out=x[:4]),
    "clamp": lambda m, x: m.clamp(x[:4], 1, 2, out=x[1:5]),
    "exp": lambda m, x: m.exp(x[:4], out=x[1:5]),
    "lt": lambda m, x: m.lt(x[:4], 2, out=x[1:5]),
    "cumsum": lambda m, x: m.cumsum(x[:4], 0, out=x[1:5]),
    "sort": lambda m, x: m.sort(x[:4], out=(x[1:5], m.empty(4, dtype=m.long))),
    "cat": lambda m, x: m.cat([x[:2], x[2:4]], out=x[1:5]),
    "index_select": lambda m, x: m.index_select(x[:4], 0, m.tensor([0, 1, 2, 3]), out=x[1:5]),
    "where": lambda m, x: m.where(x[:4] > 1, x[:4], x[4:], out=x[1:5]),
    "lerp": lambda m, x: m.lerp(x[:4], x[4:], 0.5, out=x[1:5]),
    "atan2": lambda m, x: m.atan2(x[:4], x[4:], out=x[1:5]),
    "left_shift": lambda m, x: (lambda i: m.bitwise_left_shift(i[:4], 1, out=i[1:5]))(x.long()),
}


@pytest.mark.parametrize("op", sorted(_OUT_OPS))
def test_out_partly_overlapping_an_input(op):
    same_error(lambda m: _OUT_OPS[op](m, m.arange(1.0, 9.0)))


def _ints(x):
    """An int64 view of float64 ``x``'s own memory (its bits reinterpreted: the error comes first)."""
    return x.view(x[:0].long().dtype)


_INPLACE_OPS = {
    "clamp_max": lambda x: x.clamp_(max=x[2]), "clamp_min": lambda x: x.clamp_min_(x[2]),
    "clamp_both": lambda x: x.clamp_(x[1], x[3]), "clamp_max_": lambda x: x.clamp_max_(x[2]),
    "lerp_": lambda x: x.lerp_(x[0], 0.5), "addcmul_": lambda x: x.addcmul_(x[0], x[1]),
    "pow_": lambda x: x.pow_(x[1]), "fmod_": lambda x: x.fmod_(x[3]), "remainder_": lambda x: x.remainder_(x[3]),
    "atan2_": lambda x: x.atan2_(x[3]), "floor_divide_": lambda x: x.floor_divide_(x[3]),
    "eq_": lambda x: x.eq_(x[3]), "lt_": lambda x: x.lt_(x[3]), "hypot_": lambda x: x.hypot_(x[3]),
    "copysign_": lambda x: x.copysign_(x[3]), "xlogy_": lambda x: x.xlogy_(x[3]),
    "gcd_": lambda x: _ints(x).gcd_(_ints(x)[3]), "bitwise_and_": lambda x: _ints(x).bitwise_and_(_ints(x)[3]),
    "ilshift": lambda x: _ints(x).__ilshift__(_ints(x)[1]), "irshift": lambda x: _ints(x).__irshift__(_ints(x)[1]),
}


@pytest.mark.parametrize("op", sorted(_INPLACE_OPS))
def test_inplace_with_a_0d_view_of_itself(op):
    same_error(lambda m: _INPLACE_OPS[op](m.arange(1.0, 7.0, dtype=m.float64)))


def test_overlap_checks_leave_allowed_writes_alone():
    def fn(m):
        x = m.arange(1.0, 9.0)
        m.add(x[:4], x[4:], out=x[:4])             # the same memory as an input: allowed
        m.mul(x[4:], 3, out=x[:4])                 # disjoint views: allowed
        y = m.arange(1.0, 7.0)
        y.cumsum_(m.tensor(0))                     # a tensor dim is a number, not an operand
        z = m.arange(1.0, 7.0) / 8
        z.logit_(z[0].item())
        w = m.arange(6)
        w[2:] = m.maximum(w[2:], w[:-2])           # (the right side is computed first)
        return x, y, z, w, m.arange(8).bitwise_left_shift_(m.tensor(1))
    same_outcome(fn)
