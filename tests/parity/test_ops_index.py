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


def test_search_and_membership():
    seq = np.array([1, 3, 5, 7, 9])
    same_on_both(lambda t, s: t.searchsorted(s, t.tensor([3, 6, 9])), [seq], grad=False)
    same_on_both(lambda t, s: t.searchsorted(s, t.tensor([3, 6, 9]), right=True), [seq], grad=False)
    same_on_both(lambda t, s: t.searchsorted(s, 4), [seq], grad=False)
    same_on_both(lambda t, s: t.searchsorted(s, t.tensor([[3, 0], [10, 5]]), side="right", out_int32=True), [seq],
                 grad=False)
    same_on_both(lambda t, s: t.searchsorted(s, t.tensor([[3, 6], [1, 5]])), [np.array([[1, 3, 5], [2, 4, 6]])],
                 grad=False)
    same_on_both(lambda t, s: t.bucketize(t.tensor([[1, 6], [3, 9]]), s), [seq], grad=False)
    same_on_both(lambda t, s: t.bucketize(t.tensor([1.0, 6.0]), s, right=True), [seq.astype(np.float32)], grad=False)
    same_on_both(lambda t, s: t.isin(t.tensor([[1, 2], [3, 4]]), s), [seq], grad=False)
    same_on_both(lambda t, s: t.isin(s, 3, invert=True), [seq], grad=False)
    same_error(lambda t: t.searchsorted(t.tensor([[1, 2]]), t.tensor([1, 2, 3])))
    same_error(lambda t: t.searchsorted(t.tensor([1, 2]), t.tensor([1]), side="middle"))
    same_error(lambda t: t.bucketize(t.tensor([1]), t.tensor([[1, 2]])))


def test_index_helpers():
    for args in [(3, 3), (4, 3, -1), (3, 4, 1), (2, 5, 2)]:
        same_on_both(lambda t: t.triu_indices(*args), [], grad=False)
        same_on_both(lambda t: t.tril_indices(*args), [], grad=False)
    same_on_both(lambda t: t.tril_indices(3, 3, dtype=t.int32), [], grad=False)
    a = np.array([[10.0, 30.0, 20.0], [60.0, 40.0, 50.0]], np.float32)
    same_on_both(lambda t, x: t.take_along_dim(x, t.argsort(x, dim=1), dim=1), [a])
    same_on_both(lambda t, x: x.take_along_dim(t.argmax(x, 1, keepdim=True), 1), [a])
    same_on_both(lambda t, x: t.take_along_dim(x, t.tensor([0, 5])), [a])
    same_on_both(lambda t, x: t.take_along_dim(x, t.tensor([[0, 1, 1]]), 0), [a])
    same_error(lambda t: t.take_along_dim(t.ones(2, 3), t.tensor([[0, 1]]), 0))
    same_on_both(lambda t, x: t.inner(x, x), [a], rtol=1e-6)
    same_on_both(lambda t, x: t.inner(x[0], x[1]), [a], rtol=1e-6)
    same_on_both(lambda t, x: x.ravel(), [a.T.copy()])
    same_on_both(lambda t, x: t.ravel(x.t()), [a])


def test_range_and_contains():
    """A Python range indexes like a list; ``in`` asks whether any element equals the value."""
    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    same_on_both(lambda t, x: x[range(3), [0, 1, 2]], [a])
    same_on_both(lambda t, x: x[:, range(0, 4, 2)], [a])
    for m in (torch, glasstorch):
        t = m.arange(12).reshape(3, 4)
        t[range(2)] = 0
        assert t.tolist() == [[0] * 4, [0] * 4, [8, 9, 10, 11]]
        assert (5 in m.tensor([1, 5])) and (7 not in m.tensor([1, 5])) and (m.tensor(1) in m.tensor([1, 5]))
    same_error(lambda t: "a" in t.tensor([1, 2]))


def _write(dst, src):
    """x = arange(12).reshape(3, 4); x<dst> = x<src> (both given as index strings); returns x."""
    def fn(m):
        x = m.arange(12.).reshape(3, 4)
        env = {"x": x}
        exec(f"x{dst} = x{src}", env)
        return x
    return fn


# A value sharing memory with the written view: copy_ refuses a partial overlap of dense tensors (full is a
# no-op, a strided slice is not judged); index_put_ refuses any overlap, before the shape check.
@pytest.mark.parametrize("dst,src", [
    ("[0:2]", "[1:3]"), ("[0:2]", "[0:2]"), ("[:, 0:2]", "[:, 1:3]"), ("[0, 0:3]", "[0, 1:4]"), ("[1:]", "[:2]"),
    ("[None, 0:2]", "[1:3]"), ("[0:2, 0]", "[0:2, 1]"), ("[1]", ".view(-1)[2:6]"), ("[0:2]", "[1]"),
    ("[[0, 1]]", "[1:3]"), ("[[0, 1]]", "[2]"), ("[[0, 1]]", "[:, 0:1]"), ("[0, [0, 1]]", "[1, 0:2]"),
    ("[1:, [0, 1]]", "[0, 0:2]"), ("[x > 5]", "[0, 0:1]"), ("[x > 5]", "[0, 0:6]"), ("[x > 5]", ".view(-1)[0:6]"),
])
def test_setitem_overlapping_value(dst, src):
    from ._helpers import same_outcome
    same_outcome(_write(dst, src))
