"""index_select / index_add / index_fill / index_copy / gather / scatter*: torch's checks, in torch's
order, and 0-d tensors (torch treats them as one position along dim 0)."""
import numpy as np
import pytest

from ._helpers import same_on_both, same_outcome

# (self shape, dim, index, source shape or value); each runs on both libraries and must give the same
# tensor or the same exception type and message
ADD = [((3,), 0, [0], ()), ((3,), 0, [0, 1], (1,)), ((2, 3), 0, [0], (3,)), ((2, 3), 0, [0], (1, 2)),
       ((2, 3), 1, [0], (2,)), ((2, 3), 1, [[0]], (2, 1)), ((2, 3), 1, [5], (2, 1)), ((2, 3), 2, [0], (2, 1)),
       ((), 0, [0], ()), ((), 0, 0, (1,)), ((), 0, [0, 0], ()), ((), 0, 0, ()), ((), -1, [0], (1,)),
       ((), 1, [0], (1,)), ((), 0, [1], ()), ((3,), 0, [-1], (1,)), ((3,), 0, [3], (1,)), ((3,), 0, 1, ()),
       ((3,), 0, 1, (1,)), ((2, 3), 1, [0, 1], (3,)), ((2, 3), 1, [0, 1], (2, 3)), ((2, 3), -1, [0, 1], (2, 2)),
       ((2, 3, 4), 1, [0], (5, 1, 6)), ((2, 3, 4), 2, [0, 1], (5, 1)), ((2, 3, 4), 1, [0, 1], (5, 2)),
       ((2, 3, 4), 1, [0, 1], ()), ((2, 3, 4), 0, [0], ()), ((2, 3), 0, [5], (1, 3)), ((2, 3), 0, [-1], (1, 3)),
       ((2, 3), 1, [-1], (2, 1)), ((3, 1), 0, [3], (1, 1)), ((2, 3, 4), 1, [3], (2, 1, 4)),
       ((2, 3, 4), 2, [4], (2, 3, 1)), ((2, 3, 4), 0, [2], (1, 3, 4)), ((0, 3), 1, [3], (0, 1)),
       ((2, 3), 1, [3, 7], (2, 2)), ((3,), 0, [0, 0], (2,))]
COPY = [((3,), 0, [0, 1], (1,)), ((2, 3), 0, [0], (3,)), ((), 0, [0], ()), ((), 0, [0, 0], ()), ((), 0, 0, (1,)),
        ((3,), 0, [-1], (1,)), ((3,), 0, [3], (1,)), ((3,), 0, [[1]], (1,)), ((2, 3), 1, [1], (3, 1)),
        ((2, 3, 4), 1, [0], (5, 1, 4)), ((2, 3, 4), 1, [0], (5, 1, 6)), ((2, 3, 4), 1, [[0]], (5, 1, 6)),
        ((2, 3, 4), 1, [0, 1], (2, 1, 4)), ((2, 3, 4), 1, [0, 1], (2, 1)), ((2, 3, 4), 1, [0, 1], ()),
        ((2, 3, 4), 1, [1], ()), ((), 0, [1], ()), ((), 0, [0], (1, 1)), ((3,), 0, [0], (1, 1)), ((3,), 0, 1, ()),
        ((3,), 0, [1], ()), ((2, 3), 0, 1, (1, 3)), ((2, 3), 0, 1, (3,)), ((), 0, [-1], ()),
        ((3,), 0, [0, 4, -5], (3,))]
FILL = [((), 0, [0], 2.0), ((), 0, 0, "t0"), ((3,), 0, [[0]], 2.0), ((3,), 0, [5], 2.0), ((3,), 0, [-4], 2.0),
        ((3,), 0, [-1], 2.0), ((2, 3), 1, [0], "t1"), ((3,), 0, [[0]], "t1"), ((), 0, [1], 1.5), ((), 0, [-1], 1.5),
        ((), 0, [0, 0], 1.5), ((3,), 0, 1, 1.0), ((3,), 0, [4, -5], 1.0)]
SELECT = [((), 0, [0, 0]), ((), 0, [1]), ((), 0, 0), ((), 0, [[0]]), ((), 0, []), ((), 0, [-1]), ((3,), 0, [[0]]),
          ((3,), 0, [3]), ((3,), 0, [-1]), ((3,), 0, 1), ((2, 3), 1, 1), ((3,), 0, [0, 4, -5]), ((), 0, [0])]


def _index(i):
    return np.array(i, dtype=np.int64)


_run = same_outcome      # fn's result on both, or torch's error on both


@pytest.mark.parametrize("shape,dim,index,src", ADD)
def test_index_add_checks(shape, dim, index, src):
    _run(lambda m: m.zeros(shape).index_add(dim, m.from_numpy(_index(index)), m.arange(float(np.prod(src)) + 1)[1:]
                                            .reshape(src).float(), alpha=2))


@pytest.mark.parametrize("shape,dim,index,src", COPY)
def test_index_copy_checks(shape, dim, index, src):
    _run(lambda m: m.zeros(shape).index_copy(dim, m.from_numpy(_index(index)), m.ones(src)))


@pytest.mark.parametrize("shape,dim,index,value", FILL)
def test_index_fill_checks(shape, dim, index, value):
    def fn(m):
        v = m.tensor(2.0) if value == "t0" else m.tensor([2.0]) if value == "t1" else value
        return m.zeros(shape).index_fill(dim, m.from_numpy(_index(index)), v)
    _run(fn)


@pytest.mark.parametrize("shape,dim,index", SELECT)
def test_index_select_checks(shape, dim, index):
    _run(lambda m: m.arange(float(np.prod(shape))).reshape(shape).index_select(dim, m.from_numpy(_index(index))))


@pytest.mark.parametrize("expr", [
    "m.zeros(()).scatter(0, m.tensor([0, 0]), m.tensor([1., 2.]))",
    "m.zeros(()).scatter_add(0, m.tensor([0, 0]), m.tensor([1., 2.]))",
    "m.zeros(()).scatter(0, m.tensor([1]), 2.)",
    "m.zeros(()).scatter(0, m.tensor(0), 2.)",
    "m.zeros(()).scatter(0, m.tensor([0]), m.tensor(4.))",
    "m.zeros(()).scatter(0, m.tensor([0, 0]), m.tensor(4.))",
    "m.zeros(2).scatter(0, m.tensor([0, 1]), m.tensor(4.))",
    "m.zeros(2).scatter(0, m.tensor(1), m.tensor([4., 5.]))",
    "m.zeros(()).scatter_add(0, m.tensor(0), m.tensor([4., 5.]))",
    "m.zeros(()).scatter_reduce(0, m.tensor(0), m.tensor(2.), 'amax')",
    "m.zeros(()).index_reduce(0, m.tensor([0]), m.tensor(2.), 'prod')",
    "m.tensor(3.).gather(0, m.tensor([0, 0]))",
    "m.tensor(3.).gather(0, m.tensor([1]))",
    "m.zeros(3).gather(0, m.tensor([-1]))",
    "m.zeros(3).gather(0, m.tensor([0, 4, -5]))",
    "m.zeros(3).scatter(0, m.tensor([-1]), 1.)",
    "m.zeros(3).scatter_add(0, m.tensor([-1]), m.ones(1))",
    "m.zeros(2, 3).scatter(1, m.tensor([[0, 1, 2, 0]]), 1.)",
])
def test_scatter_gather_zero_d_and_bounds(expr):
    _run(lambda m: eval(expr))


@pytest.mark.parametrize("op", [
    lambda t, x, s: x.scatter(0, t.tensor(0), s),
    lambda t, x, s: x.scatter(0, t.tensor([0]), s),
    lambda t, x, s: x.scatter_add(0, t.tensor([0]), s),
    lambda t, x, s: x.scatter(0, t.tensor(0), 1.5) * s,
    lambda t, x, s: x.gather(0, t.tensor([0, 0])) * s,
    lambda t, x, s: x.index_add(0, t.tensor(0), s, alpha=3),
    lambda t, x, s: x.index_copy(0, t.tensor([0]), s),
    lambda t, x, s: x.index_fill(0, t.tensor([0]), 2.0) * s,
    lambda t, x, s: x.index_select(0, t.tensor([0])) * s,
    lambda t, x, s: x.scatter_reduce(0, t.tensor(0), s, "amax"),
    lambda t, x, s: x.scatter_reduce(0, t.tensor(0), s, "prod", include_self=False),
    lambda t, x, s: x.scatter_reduce(0, t.tensor(0), s, "mean"),
])
def test_zero_d_values_and_gradients(op):
    same_on_both(op, [np.array(5.0), np.array(3.0)])
