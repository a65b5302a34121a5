"""The one-frame fast paths of ``x.sum(dim)``, ``a @ b`` and ``a * b`` (ops/_hot.py, _common.fast_operator)
give what torch gives, and so does every case they hand on: other dims, whole-tensor sums, grads,
inference mode, other dtypes, shapes that do not match.

Sums over rows of 8 or more and BLAS products are NumPy's order, not torch's (docs/differences.md):
their values (and gradients) are compared within rtol 1e-6, atol 1e-5 (sums: a row that cancels keeps
few bits) or 1e-5 (products); dtype, shape and grad_fn exactly, and the values bit for bit where the
order is torch's (elementwise ops, ``x.t() @ y``)."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from tests.parity._helpers import same_on_both, same_error, same_outcome


def _arr(shape, dtype="float32", seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


# ---- x.sum(dim) ------------------------------------------------------------------------------
_SUM_SHAPES = [(64, 64), (3, 4, 8), (5, 1, 9), (1, 9), (2, 7), (6, 3), (0, 8), (8, 0), (9,), (4, 16)]


@pytest.mark.parametrize("shape", _SUM_SHAPES)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("grad", [False, True])
def test_sum_over_each_dim(shape, dtype, grad):
    a = _arr(shape, dtype)
    for d in range(-len(shape), len(shape)):
        for keep in (False, True):
            same_on_both(lambda m, x: x.sum(d, keep), [a], grad=grad, rtol=1e-6, atol=1e-5)
            same_on_both(lambda m, x: x.sum(d), [a], grad=grad, rtol=1e-6, atol=1e-5)
            same_on_both(lambda m, x: x.sum(dim=d, keepdim=keep), [a], grad=grad, rtol=1e-6, atol=1e-5)
            same_on_both(lambda m, x: x.sum(axis=d, keepdims=keep), [a], grad=grad, rtol=1e-6, atol=1e-5)


@settings(max_examples=40, deadline=None)
@given(shape=st.lists(st.integers(1, 12), min_size=2, max_size=4), seed=st.integers(0, 2**31 - 1),
       data=st.data())
def test_sum_random_shapes(shape, seed, data):
    a = _arr(tuple(shape), "float32", seed)
    d = data.draw(st.integers(-len(shape), len(shape) - 1))
    same_on_both(lambda m, x: x.sum(d), [a], rtol=1e-6, atol=1e-5)


@pytest.mark.parametrize("call", [
    lambda m, x: x.sum(2), lambda m, x: x.sum(-3), lambda m, x: x.sum(1.0), lambda m, x: x.sum(True),
    lambda m, x: x.sum(keepdim=True), lambda m, x: x.sum(1, dtype=m.int32, axis=0),
])
def test_sum_errors(call):
    same_error(lambda m: call(m, m.ones(3, 8)))


@pytest.mark.parametrize("dtype", ["int64", "int32", "bool", "float16"])
def test_sum_other_dtypes(dtype):
    a = (np.arange(48).reshape(4, 12) % 3).astype(dtype)
    same_on_both(lambda m, x: x.sum(1), [a], grad=False)
    same_on_both(lambda m, x: x.sum(-1, True), [a], grad=False)


def test_sum_dtype_argument_and_views():
    a = _arr((6, 16))
    same_on_both(lambda m, x: x.sum(1, dtype=m.float64), [a], rtol=1e-12)
    same_on_both(lambda m, x: x.t().sum(1), [a], rtol=1e-6)
    same_on_both(lambda m, x: x[:, ::2].sum(1), [a], rtol=1e-6)


def test_sum_without_grad_mode_and_in_inference_mode():
    a = _arr((4, 16))
    for mode in ("no_grad", "inference_mode"):
        def fn(m):
            x = m.from_numpy(a.copy()).requires_grad_(True)
            with getattr(m, mode)():
                r = x.sum(1)
            return r, m.tensor(r.requires_grad), m.tensor(r.is_inference())
        same_outcome(fn, rtol=1e-6)


# ---- a @ b -------------------------------------------------------------------------------------
_MM_SHAPES = [((4, 5), (5, 3)), ((64, 64), (64, 64)), ((2, 4, 5), (5, 3)), ((4, 5), (3, 5, 2)),
              ((2, 3, 4), (2, 4, 5)), ((2, 1, 3, 4), (5, 4, 2)), ((0, 5), (5, 3)), ((4, 0), (0, 3)),
              ((5,), (5, 3)), ((4, 5), (5,)), ((5,), (5,)), ((2, 4, 5), (5,))]


@pytest.mark.parametrize("sa,sb", _MM_SHAPES)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("grad", [False, True])
def test_matmul_shapes(sa, sb, dtype, grad):
    a, b = _arr(sa, dtype, 1), _arr(sb, dtype, 2)
    same_on_both(lambda m, x, y: x @ y, [a, b], grad=grad, rtol=1e-5, atol=1e-5)


def test_matmul_transposed_is_torchs_order():
    a, b = _arr((7, 4), "float32", 3), _arr((7, 4), "float32", 4)
    same_on_both(lambda m, x, y: x.t() @ y, [a, b], grad=False)      # _gemm_order.t_mm: bit for bit
    same_on_both(lambda m, x, y: x.t() @ y, [a, b], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("sa,sb", [((3, 4), (5, 6)), ((2, 3, 4), (3, 5, 6)), ((2, 3, 4), (5, 6)), ((3,), (4, 2))])
def test_matmul_errors(sa, sb):
    same_error(lambda m: m.ones(*sa) @ m.ones(*sb))


def test_matmul_mixed_and_integer_dtypes():
    same_error(lambda m: m.ones(2, 3) @ m.ones(3, 2, dtype=m.float64))
    same_on_both(lambda m, x, y: x @ y, [np.arange(6).reshape(2, 3), np.arange(6).reshape(3, 2)], grad=False)
    same_error(lambda m: m.ones(2, 3, dtype=m.bool) @ m.ones(3, 2, dtype=m.bool))

def test_matmul_with_what_is_not_a_tensor():
    # torch's operator returns NotImplemented: NumPy's matmul for an array, Python's TypeError otherwise
    same_outcome(lambda m: m.ones(2, 3) @ np.ones((3, 2), np.float32))
    same_error(lambda m: m.ones(2, 3, requires_grad=True) @ np.ones((3, 2), np.float32))
    same_error(lambda m: m.ones(2, 3) @ 3)
    same_error(lambda m: m.ones(2, 3) @ [1.0, 2.0, 3.0])
    same_error(lambda m: m.matmul(m.ones(2, 3), [1.0, 2.0, 3.0]))


def test_matmul_in_inference_mode_and_no_grad():
    a, b = _arr((3, 4)), _arr((4, 2))
    for mode in ("no_grad", "inference_mode"):
        def fn(m):
            x, y = m.from_numpy(a.copy()).requires_grad_(True), m.from_numpy(b.copy())
            with getattr(m, mode)():
                r = x @ y
            return r, m.tensor(r.requires_grad), m.tensor(r.is_inference())
        same_outcome(fn, rtol=1e-5)


# ---- a * b, a + b, a - b, a / b ----------------------------------------------------------------
@pytest.mark.parametrize("op", [lambda x, y: x * y, lambda x, y: x + y, lambda x, y: x - y, lambda x, y: x / y])
@pytest.mark.parametrize("sa,sb", [((64, 64), (64,)), ((3, 1), (1, 4)), ((), ()), ((1,), (1,)), ((5,), ()),
                                   ((2, 3), (2, 3)), ((0, 3), (3,))])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("grad", [False, True])
def test_elementwise_operators(op, sa, sb, dtype, grad):
    a, b = _arr(sa, dtype, 5), _arr(sb, dtype, 6)
    same_on_both(lambda m, x, y: op(x, y), [a, b], grad=grad)
    same_on_both(lambda m, x, y: (x * y + y) * x - y, [a, b], grad=grad)


def test_elementwise_operator_errors_and_promotion():
    same_error(lambda m: m.ones(2, 3) * m.ones(4))
    same_on_both(lambda m, x, y: x * y, [_arr((3,), "float32"), _arr((3,), "float64")], grad=False)
    same_on_both(lambda m, x, y: x * y, [_arr((3,), "float32"), _arr((), "float64")], grad=False)
