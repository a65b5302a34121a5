"""Parity of indexing: reading and writing with ints, slices, None, Ellipsis, index tensors and masks;
and the index ops (index_select, gather, scatter, masked_fill, ...)."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from ._helpers import same_on_both, same_error
import glasstorch
import torch


def arr(shape, seed=0, dtype=np.float32):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


READS = [
    lambda t, x: x[0], lambda t, x: x[-1, 1], lambda t, x: x[:, 1], lambda t, x: x[1:], lambda t, x: x[:],
    lambda t, x: x[::2], lambda t, x: x[:, 1:100], lambda t, x: x[None], lambda t, x: x[..., None],
    lambda t, x: x[0, None], lambda t, x: x[...], lambda t, x: x[:, :], lambda t, x: x[..., 0],
    lambda t, x: x[[0, 2]], lambda t, x: x[[0, 0, 1]], lambda t, x: x[t.tensor([2, -1])],
    lambda t, x: x[x > 0], lambda t, x: x[[0, 1], [1, 2]], lambda t, x: x[1:, [0, 2]],
    lambda t, x: x[t.tensor(1)], lambda t, x: x[0, 1], lambda t, x: x[None, :, None, 1],
]


@pytest.mark.parametrize("k", range(len(READS)))
def test_getitem_2d(k):
    same_on_both(READS[k], [arr((3, 4))])


@pytest.mark.parametrize("index", [(slice(None), [0, 1], 0), ([0, 1], slice(None), 0), (0, slice(None), [1, 2]),
                                   (Ellipsis, [0, 1]), ([[0], [1]], [0, 2])])
def test_getitem_3d_advanced(index):
    same_on_both(lambda t, x: x[index], [arr((2, 3, 4))])


@settings(max_examples=30)
@given(st.integers(-3, 2), st.integers(0, 3), st.integers(1, 3))
def test_getitem_slices(i, start, step):
    same_on_both(lambda t, x: x[i, start::step], [arr((3, 4))])


def test_setitem():
    def basic(t, x, v):
        y = x * 1
        y[0] = v
        y[:, 1] = 5.0
        return y
    same_on_both(basic, [arr((3, 4)), arr((4,), 1)])

    def adv(t, x, v):
        y = x * 1
        y[[0, 2]] = v
        return y
    same_on_both(adv, [arr((3, 4)), arr((4,), 1)])

    def mask(t, x):
        y = x * 1
        y[y > 0] = 0.0
        return y
    same_on_both(mask, [arr((3, 4))])

    def into_leaf(t, v):
        z = t.zeros(3)
        z[1:] = v
        return z
    same_on_both(into_leaf, [arr((2,))])


def test_setitem_views_write_through():
    for m in (torch, glasstorch):
        x = m.zeros(2, 3)
        x[0][1] = 7.0
        x[:, 2] = m.tensor([1.0, 2.0])
        assert x.tolist() == [[0.0, 7.0, 1.0], [0.0, 0.0, 2.0]]


def test_index_errors():
    same_error(lambda t: t.ones(3)[5])
    same_error(lambda t: t.ones(3)[0, 0])
    same_error(lambda t: t.tensor(1.)[0])
    same_error(lambda t: t.ones(3)[::-1])
    same_error(lambda t: t.ones(3)[t.tensor([5])])
    same_error(lambda t: t.ones(3)[t.tensor([True, False])])
    same_error(lambda t: t.ones(3, requires_grad=True).__setitem__(0, 5.))
    same_error(lambda t: t.ones(3, requires_grad=True).__setitem__([0], 5.))
    same_error(lambda t: t.ones(3).__setitem__(slice(0, 2), t.ones(3)))
    same_error(lambda t: t.ones(3).__setitem__([0, 1], t.ones(3)))


def test_index_ops():
    idx = np.array([[0, 2, 1], [2, 0, 0]])
    x = arr((3, 3))
    same_on_both(lambda t, x: x.index_select(0, t.tensor([2, 0, 2])), [x])
    same_on_both(lambda t, x: x.gather(1, t.tensor(idx)), [x])
    same_on_both(lambda t, x: t.gather(x, 0, t.tensor(idx)), [x])
    same_on_both(lambda t, x, s: x.scatter(1, t.tensor([[0], [2]]), s[:2, :1]), [x, arr((3, 3), 1)])
    same_on_both(lambda t, x: x.scatter(0, t.tensor([[1, 0, 2]]), 2.5), [x])
    same_on_both(lambda t, x, s: x.scatter_add(0, t.tensor(idx), s), [x, arr((2, 3), 1)])
    same_on_both(lambda t, x, s: x.index_add(0, t.tensor([0, 0]), s[:2], alpha=2), [x, arr((3, 3), 1)])
    same_on_both(lambda t, x: x.index_fill(1, t.tensor([0, 2]), -1.0), [x])
    same_on_both(lambda t, x: x.masked_fill(x > 0, 1.0), [x])
    same_on_both(lambda t, x, v: x.masked_fill(x > 0, v.sum()), [x, arr((2,), 1)], grad_rtol=1e-6)
    same_on_both(lambda t, x: x.masked_select(x > 0), [x])
    same_on_both(lambda t, x: t.take(x, t.tensor([0, 8, -1, 0])), [x])
    same_on_both(lambda t, x: t.where(x > 0, x, 0.0), [x])
    same_on_both(lambda t, x, y: t.where(x > y, x, y), [x, arr((3,), 1)])
    same_on_both(lambda t, x: x.nonzero(), [np.array([[0, 1], [2, 0]])], grad=False)
    same_on_both(lambda t, x: t.nonzero(x, as_tuple=True), [np.array([[0, 1], [2, 0]])], grad=False)
    same_on_both(lambda t, x: t.argwhere(x), [np.array([0, 1, 2])], grad=False)
    same_on_both(lambda t, x: t.where(x), [np.array([[0, 1], [2, 0]])], grad=False)


def test_index_ops_inplace():
    def f(t, x, s):
        y = x * 1
        y.masked_fill_(y < 0, 0.0)
        y.index_add_(0, t.tensor([1]), s[:1])
        y.scatter_(1, t.tensor([[0], [1], [2]]), 3.0)
        y.clamp_(-0.5, 0.5)
        return y
    same_on_both(f, [arr((3, 3)), arr((3, 3), 1)])
