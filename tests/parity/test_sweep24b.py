"""Parity for what the sweep24b programs (tests/programs/sweep24b_*.py: tic-tac-toe / connect-four,
2048, sudoku and N-queens, minesweeper and the 15-puzzle, MCTS and bitboards) exposed:

* ``torch.where`` with a Python number checks that the number fits the result dtype
  (``where(c, int8_board, 300)`` is torch's "value cannot be converted to type int8_t without
  overflow"), except for float16, whose one-element scalar fill is unchecked (too big -> inf);
* ``full`` / ``fill_`` / ``new_full`` into a one-element float16 tensor take any number (1e6 -> inf,
  65519 -> 65504) as torch's scalar fill does; larger float16 tensors still raise;
* ``torch.flip(x, 0)`` and ``flip(dims=0)`` are torch's parser TypeError (``x.flip(0, 1)`` still
  works), and ``torch.rot90(x, 1, 0)`` is torch's TypeError rather than Python's "not iterable";
* ``add`` / ``sub`` with ``alpha`` on int8 / uint8 / int16 / int32 tensors and a Python number keep the
  tensor's dtype (they went to int64), wrap in it, and check ``alpha`` fits it (torch's overflow error);
  ``torch.add(2, x, alpha=3)`` (a number as ``input``) is ``2 + 3 * x`` as in torch, not a TypeError;
* ``scatter`` / ``scatter_`` with a number ``value`` check it fits the dtype (torch's RuntimeError, not
  NumPy's OverflowError; uint8 -1 -> 255; float32 1e39 and float16 1e6 raise as in torch);
* ``masked_fill`` / ``index_fill`` with a 0-d tensor value read it as a number and check it fits
  (``masked_fill(mask, torch.tensor(300))`` on int8 raised nothing; torch's overflow error)."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import glasstorch
from glasstorch.autograd.gradcheck import gradcheck

from ._helpers import same_on_both, same_outcome

I8 = np.array([1, -2, 3], dtype=np.int8)
COND = np.array([True, False, True])


@settings(max_examples=25, deadline=None)
@given(v=st.one_of(st.integers(-300, 300), st.sampled_from([127, 128, -128, -129, 255, 256, -256, 3.5, 1e39,
                                                            float("nan"), float("inf"), True])),
       dtype=st.sampled_from(["int8", "uint8", "int16", "float16", "float32"]),
       swap=st.booleans())
def test_where_python_scalar_must_fit_result_dtype(v, dtype, swap):
    b = I8.astype(dtype)
    fn = (lambda m: m.where(m.from_numpy(COND), v, m.from_numpy(b))) if swap else \
        (lambda m: m.where(m.from_numpy(COND), m.from_numpy(b), v))
    same_outcome(fn)


def test_where_tensor_value_and_method_form():
    same_outcome(lambda m: m.where(m.from_numpy(COND), m.from_numpy(I8), m.tensor(300)))   # tensors wrap
    same_outcome(lambda m: m.from_numpy(I8).where(m.from_numpy(COND), 300))
    same_outcome(lambda m: m.from_numpy(I8).where(m.from_numpy(COND), -1))
    same_outcome(lambda m: m.where(m.from_numpy(COND), 300, 1))


def test_where_scalar_gradient_unchanged():
    x = np.array([0.5, -1.5, 2.0])
    same_on_both(lambda m, t: m.where(m.from_numpy(COND), t, 0.25), [x])
    t = glasstorch.tensor(x, requires_grad=True)
    assert gradcheck(lambda t: glasstorch.where(glasstorch.from_numpy(COND), t * t, -3.0), (t,))


@pytest.mark.parametrize("value", [1e6, -1e300, 65519.0, 65520.0, 10 ** 6, float("nan")])
@pytest.mark.parametrize("make", [
    lambda m, v: m.full((1,), v, dtype=m.float16),
    lambda m, v: m.full((), v, dtype=m.float16),
    lambda m, v: m.full((1, 1), v, dtype=m.float16, requires_grad=True),
    lambda m, v: m.full((3,), v, dtype=m.float16),
    lambda m, v: m.zeros(1, dtype=m.float16).fill_(v),
    lambda m, v: m.zeros(2, dtype=m.float16).fill_(v),
    lambda m, v: m.zeros(2, dtype=m.float16).new_full((1,), v),
    lambda m, v: m.full_like(m.zeros(1, dtype=m.float16), v),
    lambda m, v: m.full((1,), v),
    lambda m, v: m.full((1,), v, dtype=m.int8),
    lambda m, v: m.zeros(1, dtype=m.int16).fill_(v),
])
def test_one_element_float16_fill_is_unchecked(make, value):
    same_outcome(lambda m: make(m, value))


X23 = np.arange(6).reshape(2, 3)


@pytest.mark.parametrize("fn", [
    lambda m, x: m.flip(x, 0),
    lambda m, x: m.flip(x, 0, 1),
    lambda m, x: m.flip(x, dims=0),
    lambda m, x: m.flip(x, 5),
    lambda m, x: m.flip(x, [0.5]),
    lambda m, x: m.flip(x, (0,)),
    lambda m, x: m.flip(x, dims=[1, 0]),
    lambda m, x: x.flip(0),
    lambda m, x: x.flip(0, 1),
    lambda m, x: x.flip(-1),
    lambda m, x: x.flip(0, 0),
    lambda m, x: x.flip(5),
    lambda m, x: x.flip(dims=0),
    lambda m, x: x.flip([0], 1),
    lambda m, x: m.fliplr(x),
    lambda m, x: m.flipud(x),
    lambda m, x: m.fliplr(x[0]),
    lambda m, x: m.rot90(x, 1, 0),
    lambda m, x: x.rot90(1, 0),
    lambda m, x: m.rot90(x, 1, [1, 0]),
    lambda m, x: m.rot90(x, 1.0),
])
def test_flip_and_rot90_dims_argument(fn):
    same_outcome(lambda m: fn(m, m.from_numpy(X23.copy())))


def test_flip_gradients_through_method_and_function():
    x = np.random.default_rng(0).standard_normal((2, 3))
    same_on_both(lambda m, t: t.flip(0, 1) * m.flip(t, (1,)) + t.cumsum(1), [x])
    t = glasstorch.tensor(x, requires_grad=True)
    assert gradcheck(lambda t: t.flip(1).cumsum(0) * glasstorch.fliplr(t), (t,))


INT_DTYPES = ["int8", "uint8", "int16", "int32", "int64"]


@settings(max_examples=40, deadline=None)
@given(dtype=st.sampled_from(INT_DTYPES), other=st.integers(-300, 300),
       alpha=st.one_of(st.integers(-300, 300), st.sampled_from([2 ** 31, 1.5, True])),
       op=st.sampled_from(["add", "sub", "add_", "sub_", "fn_add", "fn_sub"]))
def test_integer_add_sub_alpha_with_number(dtype, other, alpha, op):
    x = np.array([1, -3, 100, 7]).astype(dtype)

    def fn(m):
        t = m.from_numpy(x.copy())
        if op.startswith("fn_"):
            return getattr(m, op[3:])(t, other, alpha=alpha)
        return getattr(t, op)(other, alpha=alpha)
    same_outcome(fn)


@pytest.mark.parametrize("fn", [
    lambda m, t: m.add(2, t, alpha=3),
    lambda m, t: m.add(2.5, t, alpha=-0.5),
    lambda m, t: m.add(m.tensor(2.0, dtype=m.float64), t, alpha=3),
    lambda m, t: m.sub(2, t, alpha=2),
    lambda m, t: t.add(m.tensor(2.0, dtype=m.float64), alpha=m.tensor(3)),
])
def test_number_input_add_with_alpha(fn):
    x = np.array([0.1, 0.7, -1.3])
    same_on_both(fn, [x])
    same_on_both(fn, [x.astype(np.float32)])
    same_outcome(lambda m: fn(m, m.tensor([1, 2, 3], dtype=m.int8)))
    t = glasstorch.tensor(x, requires_grad=True)
    assert gradcheck(lambda t: fn(glasstorch, t), (t,))


@pytest.mark.parametrize("dtype", ["int8", "uint8", "int64", "bool", "float16", "float32"])
@pytest.mark.parametrize("value", [900, -1, 2.7, 1e6, 1e39, float("nan"), 2 ** 63, True])
@pytest.mark.parametrize("reduce", [None, "add", "multiply"])
def test_scatter_number_value_must_fit(dtype, value, reduce):
    x = np.array([0, 1, 2]).astype(dtype)
    kw = {} if reduce is None else {"reduce": reduce}
    same_outcome(lambda m: m.from_numpy(x.copy()).scatter(0, m.tensor([0, 2]), value, **kw))
    same_outcome(lambda m: m.from_numpy(x.copy()).scatter_(0, m.tensor([0, 0]), value=value, **kw))
    same_outcome(lambda m: m.from_numpy(x.copy()).scatter(0, m.tensor([], dtype=m.int64), value))


def test_scatter_number_value_gradient():
    x = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]])
    same_on_both(lambda m, t: t.scatter(1, m.tensor([[0], [2]]), 4.0), [x])
    t = glasstorch.tensor(x, requires_grad=True)
    assert gradcheck(lambda t: (t * t).scatter(1, glasstorch.tensor([[0], [2]]), 4.0), (t,))


@pytest.mark.parametrize("dtype", ["int8", "uint8", "bool", "float16", "float32"])
@pytest.mark.parametrize("value", [(300, "int64"), (2.5, "float32"), (-1, "int64"), (1e6, "float32"),
                                   (1e39, "float64"), (float("nan"), "float32"), (True, "bool"), (5, "int8")])
@pytest.mark.parametrize("op", ["masked_fill", "index_fill_"])
def test_zero_dim_tensor_fill_value_must_fit(dtype, value, op):
    x = np.array([0, 1, 2]).astype(dtype)
    v = np.array(value[0]).astype(value[1])

    def fn(m):
        t, val = m.from_numpy(x.copy()), m.from_numpy(v.copy())
        if op.startswith("masked"):
            return getattr(t, op)(m.tensor([True, False, True]), val)
        return getattr(t, op)(0, m.tensor([0, 2]), val)
    same_outcome(fn)


def test_masked_fill_tensor_value_gradient():
    x = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]])
    mask = np.array([[True, False, True], [False, False, True]])
    same_on_both(lambda m, t, v: t.masked_fill(m.from_numpy(mask), v), [x, np.array(3.0)])
    t, v = glasstorch.tensor(x, requires_grad=True), glasstorch.tensor(3.0, dtype=glasstorch.float64,
                                                                         requires_grad=True)
    assert gradcheck(lambda t, v: (t * t).masked_fill(glasstorch.from_numpy(mask), v * 2), (t, v))
