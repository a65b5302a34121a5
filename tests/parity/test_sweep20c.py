"""Differences found by the sweep20c text-generation programs (KV-cache GPT, sampling filters, beam
search, logits processors, speculative decoding, a tensor BPE tokenizer with perplexity).

* ``torch.unique`` (no ``dim``) keeps every NaN as a value of its own -- its sort-based kernel compares
  with ``==`` -- with its own count and inverse index; glasstorch merged them (NumPy's ``equal_nan``).
* ``torch.searchsorted`` / ``bucketize`` run torch's binary search, ``not (b[mid] >= v)`` (``right``:
  ``not (b[mid] > v)``) moving right: a NaN value lands at the end, and a NaN boundary met on the way
  sends the search right; glasstorch used NumPy's searchsorted, which orders NaN last.
* ``torch.searchsorted`` with a 0-d value and boundaries that are not 1-d, and with 0-d boundaries,
  raises torch's own messages.
* ``torch.lerp`` is torch's fused multiply-add from the nearer end, fma(w, b - a, a) for |w| < 0.5 and
  fma(w - 1, b - a, b) otherwise (float16 in float32, rounded once); glasstorch rounded the product
  first, a last-bit difference in about one element in five (a mixture of draft and target
  distributions, an EMA of weights).
* Tensor operators decline an operand they cannot take (torch turns the TypeError into NotImplemented):
  ``[pad_id] * (max_len - n)`` with a 0-d integer tensor repeats the list, ``"ab" * t`` the string,
  and ``t + [1]``, ``t * None`` raise Python's "unsupported operand type(s)" message; glasstorch
  raised "unsupported scalar type list" from inside the op.  ``'a' @ t`` declines too (``__rmatmul__``
  passed any operand to matmul: an AttributeError), and ``F.l1_loss`` with an ndarray target raises
  torch's error before any arithmetic (``t - ndarray`` now goes to NumPy, as in torch).
"""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import glasstorch
from glasstorch.autograd.gradcheck import gradcheck

from ._helpers import same_error, same_on_both

NAN = float("nan")


# ---- unique with NaN ----------------------------------------------------------------------------------
@pytest.mark.parametrize("vals", [[3.0, NAN, 1.0, NAN, 3.0], [NAN, NAN], [NAN, -0.0, 0.0, float("inf"), NAN],
                                  [2.0, 1.0, 2.0]])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
def test_unique_keeps_each_nan(vals, dtype):
    a = np.array(vals, dtype)
    same_on_both(lambda m, x: m.unique(x, return_inverse=True, return_counts=True), [a], grad=False)
    same_on_both(lambda m, x: x.unique(), [a], grad=False)
    same_on_both(lambda m, x: m.unique(x.view(1, -1), sorted=False, return_counts=True), [a], grad=False)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from([-1.0, 0.0, 2.0, NAN, float("inf")]), min_size=0, max_size=12))
def test_unique_fuzz(vals):
    a = np.array(vals, np.float32)
    same_on_both(lambda m, x: m.unique(x, return_inverse=True, return_counts=True), [a], grad=False)


# ---- searchsorted: torch's binary search ------------------------------------------------------------
@pytest.mark.parametrize("side", ["left", "right"])
@pytest.mark.parametrize("seq,vals", [
    ([-1.0, 1.0, 1.0, 2.0, NAN], [-1.0, 1.0, NAN, 2.0, 5.0]),
    ([NAN], [NAN, 0.0]),
    ([0.0, NAN, NAN, 3.0], [-1.0, 0.0, 3.0, 4.0]),
    ([0.1, 0.5, 0.9], [0.5, 0.0, 1.0, NAN]),
])
def test_searchsorted_nan(seq, vals, side):
    s, v = np.array(seq, np.float32), np.array(vals, np.float32)
    same_on_both(lambda m, b, x: m.searchsorted(b, x, side=side), [s, v], grad=False)
    same_on_both(lambda m, b, x: m.searchsorted(b.repeat(2, 1), x.repeat(2, 1), right=side == "right"),
                 [s, v], grad=False)
    same_on_both(lambda m, b, x: m.bucketize(x, b, right=side == "right"), [s, v], grad=False)


@settings(max_examples=60, deadline=None)
@given(seq=st.lists(st.sampled_from([-2.0, 0.0, 0.5, 3.0, NAN]), min_size=0, max_size=9),
       vals=st.lists(st.sampled_from([-3.0, 0.0, 0.5, 1.0, 3.0, 4.0, NAN]), min_size=1, max_size=6),
       right=st.booleans(), sort=st.booleans(), int32=st.booleans())
def test_searchsorted_fuzz(seq, vals, right, sort, int32):
    s, v = np.array(seq, np.float64), np.array(vals, np.float64)
    if sort:
        same_on_both(lambda m, b, x: m.searchsorted(b, x, right=right, sorter=m.argsort(b, stable=True),
                                                    out_int32=int32), [s, v], grad=False)
    else:
        same_on_both(lambda m, b, x: m.searchsorted(b.sort().values, x, right=right, out_int32=int32), [s, v],
                     grad=False)


def test_searchsorted_scalar_and_nucleus_cutoff():
    cum = np.cumsum(np.array([[0.5, 0.3, 0.2], [0.9, 0.05, 0.05]], np.float32), axis=-1)
    same_on_both(lambda m, c: m.searchsorted(c, m.full((2, 1), 0.7)), [cum], grad=False)
    same_on_both(lambda m, c: m.searchsorted(c[0], 0.7, right=True), [cum], grad=False)
    same_on_both(lambda m, c: m.searchsorted(c[0], m.tensor(0.8)), [cum], grad=False)


@pytest.mark.parametrize("make", [
    lambda m: m.searchsorted(m.tensor([[0.1, 0.5, 0.9]]), 0.6),
    lambda m: m.searchsorted(m.tensor([[0.1, 0.5]]), m.tensor(0.6)),
    lambda m: m.searchsorted(m.tensor(0.5), m.tensor([0.6])),
    lambda m: m.searchsorted(m.tensor(0.5), 0.6),
    lambda m: m.searchsorted(m.tensor(0.5), m.tensor(0.6)),
    lambda m: m.searchsorted(m.tensor([[0.1, 0.5]]), m.tensor([0.6])),
])
def test_searchsorted_errors(make):
    same_error(make)


# ---- lerp: one fused multiply-add ----------------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 40), w=st.sampled_from([0.0, 0.3, 0.49, 0.5, 0.7, 1.0, -0.25, 1.5, "tensor"]),
       dtype=st.sampled_from([np.float32, np.float64, np.float16]), seed=st.integers(0, 2 ** 16))
def test_lerp_fused(n, w, dtype, seed):
    rng = np.random.default_rng(seed)
    a, b = rng.standard_normal(n).astype(dtype), rng.standard_normal(n).astype(dtype)
    if w == "tensor":
        wt = (rng.random(n) * 2 - 0.5).astype(dtype)
        same_on_both(lambda m, x, y, z: m.lerp(x, y, z), [a, b, wt])
        same_on_both(lambda m, x, y, z: x.clone().lerp_(y, z), [a, b, wt])
    else:
        same_on_both(lambda m, x, y: m.lerp(x, y, w), [a, b])
        same_on_both(lambda m, x, y: x.lerp(y, w), [a, b])


def test_lerp_infinities_and_ends():
    a = np.array([np.inf, 1.0, -np.inf, 2.0, 0.0], np.float64)
    # (not b = -0.0 with w = 1: torch's vector loop gives -0.0 there, its scalar tail +0.0; see the report)
    b = np.array([1.0, np.inf, -np.inf, np.nan, 0.0], np.float64)
    for w in (0.0, 0.25, 0.75, 1.0):
        same_on_both(lambda m, x, y: m.lerp(x, y, w), [a, b], grad=False)
        same_on_both(lambda m, x, y: m.lerp(x, y, w), [a.astype(np.float32), b.astype(np.float32)], grad=False)


def test_lerp_gradcheck():
    rng = np.random.default_rng(3)
    a, b = (glasstorch.tensor(rng.standard_normal(6), dtype=glasstorch.float64, requires_grad=True) for _ in range(2))
    w = glasstorch.tensor(rng.random(6) * 1.5 - 0.25, dtype=glasstorch.float64, requires_grad=True)
    assert gradcheck(lambda x, y, z: glasstorch.lerp(x, y, z), (a, b, w))
    assert gradcheck(lambda x, y: glasstorch.lerp(x, y, 0.7), (a, b))


# ---- operators decline what they cannot take -----------------------------------------------------------
_DECLINED = ["t.tensor(3) * [1, 2]", "t.tensor([3]) * (1, 2)", "t.tensor(2) * 'ab'", "[0] * (t.tensor(5) - 2)",
             "(1, 2) * t.tensor(2)", "'ab' * t.tensor(2)", "b'x' * t.tensor(3)", "t.tensor(True) * [1]",
             "t.tensor(3.) * [1, 2]", "[1, 2] * t.tensor([1, 2])", "t.tensor(3) + [1, 2]", "[1, 2] + t.tensor(3)",
             "'ab' + t.tensor(1)", "t.tensor(2) * None", "None * t.tensor(2)", "t.tensor([2]) - [1]",
             "[1] - t.tensor([2])", "t.tensor([2.]) / [2]", "[4] / t.tensor([2])", "t.tensor([2]) // 'a'",
             "'a' // t.tensor([2])", "t.tensor([2]) ** [2]", "[2] ** t.tensor([2])", "t.tensor([2]) % [2]",
             "[2] % t.tensor([2])", "t.tensor([2]) & [1]", "[1] | t.tensor([2])", "t.tensor([2]) << 'a'",
             "t.tensor([2]) < 'a'", "'a' >= t.tensor([2])", "t.ones(2, 2) @ 'a'", "'a' @ t.ones(2, 2)",
             "t.tensor(2) * object()", "t.tensor([1., 2.]) * 2", "3 - t.tensor([1, 2])", "t.tensor(7) // 2"]


@pytest.mark.parametrize("expr", _DECLINED)
def test_operators_decline(expr):
    import torch
    from ._helpers import eval_outcome
    want = eval_outcome(expr, {"t": torch})
    got = eval_outcome(expr, {"t": glasstorch})
    assert (got[0].replace("glasstorch", "torch"), got[1]) == want


def test_inplace_operators_decline():
    import torch
    from ._helpers import eval_outcome
    for stmt in ("x *= [1]", "x += 'a'", "x -= None", "x /= [2]", "x //= 'a'", "x **= [1]", "x %= [1]",
                 "x &= [1]", "x <<= [1]"):
        outs = []
        for m in (torch, glasstorch):
            env = {"x": m.tensor([1, 2])}
            outs.append(eval_outcome(f"exec({stmt!r})", {"exec": lambda s, env=env: exec(s, {}, env)}))
        assert outs[0] == outs[1], stmt
