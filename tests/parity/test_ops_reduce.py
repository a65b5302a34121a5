"""Parity of reductions, sorting and counting: values, named tuples, grad_fn names, gradients (ties
included), and errors."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis.extra import numpy as hnp

from ._helpers import same_on_both, same_error

TOL = dict(rtol=2e-6, atol=1e-6)


def arr(shape, seed=0, dtype=np.float32):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


REDUCTIONS = [
    lambda t, x: x.max(), lambda t, x: x.min(), lambda t, x: x.max(0), lambda t, x: x.min(-1, keepdim=True),
    lambda t, x: t.max(x, 1), lambda t, x: x.amax(0), lambda t, x: x.amin((0, 1)), lambda t, x: x.argmax(),
    lambda t, x: x.argmin(1), lambda t, x: x.argmax(0, keepdim=True), lambda t, x: x.prod(),
    lambda t, x: x.prod(1), lambda t, x: x.var(), lambda t, x: x.std(0), lambda t, x: x.var(1, correction=0),
    lambda t, x: x.std(unbiased=False), lambda t, x: x.var(0, keepdim=True), lambda t, x: x.norm(),
    lambda t, x: x.norm(p=1, dim=0), lambda t, x: t.linalg.vector_norm(x, float("inf")),
    lambda t, x: x.norm(dim=1, keepdim=True), lambda t, x: x.logsumexp(1), lambda t, x: t.logsumexp(x, (0, 1)),
    lambda t, x: x.cumsum(0), lambda t, x: x.cumprod(1), lambda t, x: x.sort(), lambda t, x: x.sort(0, True),
    lambda t, x: x.argsort(1), lambda t, x: x.topk(2), lambda t, x: x.topk(1, 0, largest=False),
    lambda t, x: x.median(), lambda t, x: x.median(1), lambda t, x: x.kthvalue(2, 1),
    lambda t, x: (x > 0).all(), lambda t, x: (x > 0).any(1), lambda t, x: t.count_nonzero(x > 0, 0),
    lambda t, x: x.aminmax(), lambda t, x: t.maximum(x, x.flip(0)), lambda t, x: t.minimum(x, x[0]),
]


@pytest.mark.parametrize("k", range(len(REDUCTIONS)))
def test_reductions(k):
    same_on_both(REDUCTIONS[k], [arr((3, 4))], **TOL)


@settings(max_examples=20)
@given(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4))
def test_reductions_shapes(shape):
    a = arr(shape)
    same_on_both(lambda t, x: x.max(-1), [a])
    same_on_both(lambda t, x: x.amax(-1), [a])
    same_on_both(lambda t, x: x.cumsum(-1), [a], **TOL)
    same_on_both(lambda t, x: x.prod(0), [a], **TOL)
    same_on_both(lambda t, x: x.sort(-1), [a])
    same_on_both(lambda t, x: x.var(-1), [a], **TOL)


def test_ties_and_zeros():
    ties = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]], np.float32)
    same_on_both(lambda t, x: x.max(), [ties])
    same_on_both(lambda t, x: x.amax(1), [ties])
    same_on_both(lambda t, x: x.max(1), [ties])
    same_on_both(lambda t, x: t.maximum(x, x.flip(1)), [ties])
    same_on_both(lambda t, x: x.prod(), [ties])
    same_on_both(lambda t, x: x.prod(1), [ties])
    same_on_both(lambda t, x: x.sort(1), [ties])
    same_on_both(lambda t, x: x.cumprod(1), [np.array([[2.0, 0.0, 3.0]], np.float32)])



@pytest.mark.parametrize("fn", [
    lambda t, x: x.sort(), lambda t, x: x.sort(descending=True), lambda t, x: t.sort(x, 0, True),
    lambda t, x: x.argsort(-1, True), lambda t, x: t.argsort(x, 0), lambda t, x: x.msort(),
    lambda t, x: x.sort(stable=True, descending=True), lambda t, x: (x > 0).sort(1),
])
@pytest.mark.parametrize("n", [17, 40, 300])
def test_unstable_sort_orders_ties_as_torch(fn, n):
    """Beyond 16 elements torch's CPU sort(stable=False) is introsort: ties leave in its order, not input order."""
    rng = np.random.default_rng(n)
    x = rng.integers(-3, 4, (n, n // 4 + 1)).astype(np.float32)
    x[rng.random(x.shape) < 0.05] = np.nan
    same_on_both(fn, [x])


@pytest.mark.parametrize("n", [16, 17, 100, 2000, 40000])
def test_unstable_sort_of_integer_lengths(n):
    """Integer vectors as pack_padded_sequence sorts them; ascending 1-d int sorts of >= 32768 are radix (stable)."""
    x = np.random.default_rng(n).integers(0, 9, n)
    same_on_both(lambda t, x: t.sort(x, descending=True), [x], grad=False)
    same_on_both(lambda t, x: x.sort(), [x], grad=False)
    same_on_both(lambda t, x: x.view(-1, 4 if n % 4 == 0 else 1).argsort(0), [x], grad=False)

def test_counting():
    ints = np.array([3, 1, 3, 0, 1, 3])
    same_on_both(lambda t, x: x.unique(), [ints], grad=False)
    same_on_both(lambda t, x: t.unique(x, return_inverse=True, return_counts=True), [ints], grad=False)
    same_on_both(lambda t, x: t.bincount(x), [ints], grad=False)
    same_on_both(lambda t, x: t.bincount(x, minlength=6), [ints], grad=False)
    same_on_both(lambda t, x: t.histc(x, bins=4, min=-2, max=2), [arr((20,))], grad=False)
    same_on_both(lambda t, x: x.mode(), [np.array([[1, 2, 2, 1, 3], [0, 0, 5, 5, 5]])], grad=False)


def test_reduction_errors():
    same_error(lambda t: t.ones(2, 3).max(2))
    same_error(lambda t: t.ones(0).max())
    same_error(lambda t: t.ones(2, 0).max(1))
    same_error(lambda t: t.ones(2, 3).sum(2))
    same_error(lambda t: t.ones(2, 3).topk(4))


def test_nansum_nanmean():
    x = np.array([[1.0, np.nan, 3.0], [4.0, 5.0, np.nan]], np.float32)
    same_on_both(lambda t, a: t.nansum(a), [x])
    same_on_both(lambda t, a: a.nansum(1), [x])
    same_on_both(lambda t, a: t.nansum(a, dim=0, keepdim=True), [x])
    same_on_both(lambda t, a: t.nanmean(a, 0), [x], rtol=1e-6)
    same_on_both(lambda t, a: a.nanmean(dim=1, keepdim=True), [x], rtol=1e-6)
    same_on_both(lambda t, a: t.nansum(a, dtype=t.float64), [x])
    same_error(lambda t: t.nanmean(t.tensor([1, 2])))


def test_numpy_argument_names():
    """torch's argument parser takes axis= for dim= and keepdims= for keepdim=."""
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    same_on_both(lambda t, x: x.sum(axis=0, keepdims=True), [a])
    same_on_both(lambda t, x: x.mean(axis=1), [a])
    same_on_both(lambda t, x: x.argmax(axis=1), [a], grad=False)
    same_on_both(lambda t, x: t.argmax(x, axis=0), [a], grad=False)
    same_on_both(lambda t, x: tuple(x.max(axis=1)), [a])
    same_on_both(lambda t, x: t.cat([x, x], axis=0), [a])
    same_on_both(lambda t, x: t.stack([x, x], axis=1), [a])
    same_on_both(lambda t, x: x.softmax(axis=0), [a], rtol=1e-5, atol=1e-7)
    same_on_both(lambda t, x: t.softmax(x, axis=0), [a], rtol=1e-5, atol=1e-7)
    same_on_both(lambda t, x: x.std(axis=0), [a], rtol=1e-6)
    same_on_both(lambda t, x: x.cumsum(axis=1), [a])
    same_on_both(lambda t, x: (x > 1).any(axis=0), [a], grad=False)
    same_on_both(lambda t, x: t.var(x, axis=0, keepdims=True), [a], rtol=1e-6)
    same_on_both(lambda t, x: x.unsqueeze(axis=0), [a])
    same_error(lambda t: t.ones(2, 3).argmax(dim=0, axis=1))
