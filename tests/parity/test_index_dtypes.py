"""Parity of indexing corner cases met by tensor-puzzle code: error messages of bad masks and
non-broadcasting index tensors, Python bools as indices, the dtype rules of index_put / put_ /
index_copy_ / masked_scatter values, and which index dtypes each index op takes."""
import numpy as np
import pytest

from ._helpers import same_on_both, same_error


def arr(shape, seed=0, dtype=np.float32):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


X3 = arr((4, 5, 6))


@pytest.mark.parametrize("index", [
    lambda t: t.ones(4, 6, dtype=t.bool), lambda t: (slice(None), t.ones(4, 6, dtype=t.bool)),
    lambda t: (None, t.ones(3, dtype=t.bool)), lambda t: (0, t.ones(3, dtype=t.bool)),
    lambda t: (Ellipsis, t.ones(3, dtype=t.bool)), lambda t: (slice(1, 3), 0, t.ones(3, dtype=t.bool)),
    lambda t: ([0, 1], [0, 1, 2]), lambda t: (t.tensor([True, False, True, True]), [0, 1]),
    lambda t: ([0, 1], [[0, 1, 2]], [0, 1, 2, 3]), lambda t: (t.ones(4, 5, dtype=t.bool), [0, 1])])
def test_bad_index_messages(index):
    same_error(lambda t, x: x[index(t)], X3)
    same_error(lambda t: t.from_numpy(X3.copy()).__setitem__(index(t), 1.0))


@pytest.mark.parametrize("index", [True, False, (0, True), (True, 0), (True, [0, 1]), (None, True), (Ellipsis, False)])
def test_python_bool_index(index):
    same_on_both(lambda t, x: x[index] * 2, [arr((3, 4))])


@pytest.mark.parametrize("index", [True, False, (0, True), (True,), (0, [1, 2]), (slice(1, None), [1]), (None, [0]),
                                   (Ellipsis, [1]), ([0, 2],)])
def test_python_bool_setitem(index):
    """Also the grad_fn: CopySlices when ints / slices / None make a view first, else IndexPutBackward0."""
    def fn(t, x):
        y = x.clone()
        y[index] = t.tensor(7.0)
        return y
    same_on_both(fn, [arr((3, 4))])


def _put(t, index, value):
    y = t.zeros(3, 4)
    y[index(t)] = value(t)
    return y


@pytest.mark.parametrize("index,value", [
    (lambda t: t.tensor([0]), lambda t: t.ones(4).long()), (lambda t: [0], lambda t: t.ones(4).long()),
    (lambda t: (slice(None), [1]), lambda t: t.tensor(2.0).double()),
    (lambda t: t.zeros(3, 4) >= 0, lambda t: t.arange(12)), (lambda t: t.zeros(3, 4) > 0, lambda t: t.ones(12).long())])
def test_setitem_value_dtype_errors(index, value):
    same_error(lambda t: _put(t, index, value))


@pytest.mark.parametrize("index,value", [
    (lambda t: t.zeros(3, 4) >= 0, lambda t: t.tensor(1)), (lambda t: t.ones(3, dtype=t.bool), lambda t: t.tensor([2])),
    (lambda t: t.zeros(3, 4) >= 0, lambda t: t.tensor(2.0).double()), (lambda t: [0], lambda t: 5),
    (lambda t: 0, lambda t: t.ones(4).long())])
def test_setitem_value_casts(index, value):
    same_on_both(lambda t: _put(t, index, value), [], grad=False)


@pytest.mark.parametrize("op", [
    lambda t, z: z.index_put_((t.tensor([0]),), t.tensor([1, 2, 3, 4])),
    lambda t, z: z.index_put((t.tensor([0]),), t.tensor(1.0).double(), accumulate=True),
    lambda t, z: z.index_put((t.tensor([0, 1]),), t.tensor([1, 2, 3])),
    lambda t, z: t.zeros(3).long().index_put_((t.tensor([0]),), t.tensor(1.5)),
    lambda t, z: z.put_(t.tensor([0]), t.tensor([1])), lambda t, z: z.put(t.tensor([0]).int(), t.tensor([1])),
    lambda t, z: z.index_copy(0, t.tensor([0]), t.ones(1, 4).long()),
    lambda t, z: z.masked_scatter(z >= 0, t.ones(12).long()),
    lambda t, z: z.masked_scatter(t.ones(3, 4).long(), t.ones(2).long())])
def test_write_dtype_errors(op):
    same_error(lambda t: op(t, t.zeros(3, 4)))


def test_index_put_mask_scalar_fills():
    same_on_both(lambda t, z: z.index_put((z > 0,), t.tensor(3)), [arr((3, 4))], grad=False)


IDX_OPS = [
    lambda t, x, i: x.gather(0, i[None].expand(1, 4)), lambda t, x, i: x.scatter(0, i[None], 1.0),
    lambda t, x, i: x.scatter_add(0, i[None].expand(1, 4), x), lambda t, x, i: x.scatter_reduce(0, i[None], x, "sum"),
    lambda t, x, i: x.index_add(0, i, x[:1]), lambda t, x, i: x.index_fill(0, i, 1.0),
    lambda t, x, i: x.index_copy(0, i, x[:1]), lambda t, x, i: x.take(i), lambda t, x, i: x.put(i, x[0, :1]),
    lambda t, x, i: t.take_along_dim(x, i[None], 1), lambda t, x, i: t.take_along_dim(x, i),
    lambda t, x, i: x.index_select(0, i)]


@pytest.mark.parametrize("dtype", ["int32", "int16", "uint8", "float32", "bool"])
@pytest.mark.parametrize("k", range(len(IDX_OPS)))
def test_index_dtypes(k, dtype):
    def fn(t, x):
        return IDX_OPS[k](t, x, t.tensor([0]).to(getattr(t, dtype)))
    try:
        fn(__import__("torch"), __import__("torch").from_numpy(arr((3, 4))))
    except Exception:          # noqa: BLE001 - torch refuses this dtype: the same error is wanted
        same_error(lambda t: fn(t, t.from_numpy(arr((3, 4)))))
        return
    same_on_both(fn, [arr((3, 4))], grad=False)
