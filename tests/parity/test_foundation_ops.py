"""Parity with torch 2.13 for the foundation's ops: arithmetic, comparisons, pointwise functions,
reductions — values, dtypes, shapes, grad_fn names and gradients, on hypothesis-drawn shapes
(broadcasting, 0-d, empty) and dtypes.

Tolerances: + - * / neg abs and comparisons are bit-identical (rtol = atol = 0); transcendental
functions within 2 ulp-ish (rtol 2e-6 for float32, 1e-15 for float64); reductions rtol 1e-5 / 1e-12
(summation order differs between NumPy and torch).
"""
import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra.numpy import arrays, mutually_broadcastable_shapes

from tests.parity._helpers import same_on_both, same_result_or_error

FLOATS = [np.float32, np.float64]
INTS = [np.int64, np.int32, np.uint8, np.int8, np.int16]


def values(dtype, shape, lo=-10, hi=10, nonzero=False):
    if np.dtype(dtype).kind == "f":
        el = st.floats(lo, hi, width=32 if dtype != np.float64 else 64, allow_subnormal=False)
        if nonzero:
            el = el.filter(lambda v: abs(v) > 1e-3)
    elif np.dtype(dtype).kind == "b":
        el = st.booleans()
    else:
        info = np.iinfo(dtype)
        el = st.integers(max(info.min, lo), min(info.max, hi))
        if nonzero:
            el = el.filter(lambda v: v != 0)
    return arrays(dtype, shape, elements=el)


pair_shapes = mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, min_side=0, max_side=4)


@st.composite
def float_pair(draw, nonzero_b=False):
    shapes = draw(pair_shapes).input_shapes
    dt = draw(st.sampled_from(FLOATS))
    return draw(values(dt, shapes[0])), draw(values(dt, shapes[1], nonzero=nonzero_b))


BINARY = {
    "add": lambda t, x, y: x + y,
    "add_alpha": lambda t, x, y: t.add(x, y, alpha=2),
    "sub": lambda t, x, y: x - y,
    "mul": lambda t, x, y: x * y,
    "div": lambda t, x, y: x / y,
    "torch.mul": lambda t, x, y: t.mul(x, y),
    "method.sub": lambda t, x, y: x.sub(y),
}


@pytest.mark.parametrize("name", sorted(BINARY))
@given(data=float_pair(nonzero_b=True))
def test_binary_float(name, data):
    # values bit-identical; a broadcast input's gradient is a sum, so it gets a reduction's tolerance
    tol = 1e-5 if data[0].dtype == np.float32 else 1e-12
    same_on_both(BINARY[name], list(data), grad_rtol=tol, grad_atol=tol)


SCALAR_FORMS = {
    "a+2": lambda t, x: x + 2,
    "2+a": lambda t, x: 2 + x,
    "a-2.5": lambda t, x: x - 2.5,
    "2-a": lambda t, x: 2 - x,
    "15-a": lambda t, x: 15 - x,
    "a*3": lambda t, x: x * 3,
    "0.5*a": lambda t, x: 0.5 * x,
    "a/4": lambda t, x: x / 4,
    "a/3.0": lambda t, x: x / 3.0,
    "-a": lambda t, x: -x,
    "a**2": lambda t, x: x ** 2,
    "a**3": lambda t, x: x ** 3,
    "a.add(2)": lambda t, x: x.add(2),
    "rsub": lambda t, x: t.rsub(x, 2),
}


@pytest.mark.parametrize("name", sorted(SCALAR_FORMS))
@given(data=st.data())
def test_scalar_forms_exact(name, data):
    shape = data.draw(st.lists(st.integers(0, 4), max_size=3).map(tuple))
    dt = data.draw(st.sampled_from(FLOATS))
    same_on_both(SCALAR_FORMS[name], [data.draw(values(dt, shape))])


@given(data=st.data())
def test_reflected_division_is_reciprocal_times(data):
    # torch computes 2 / a as reciprocal(a) * 2: node MulBackward0 over ReciprocalBackward0
    dt = data.draw(st.sampled_from(FLOATS))
    x = data.draw(values(dt, data.draw(st.lists(st.integers(1, 4), max_size=2).map(tuple)), nonzero=True))
    outs = same_on_both(lambda t, a: 2 / a, [x], rtol=1e-6 if dt == np.float32 else 1e-14)


POW = {
    "a**0.5": (lambda t, x: x.abs() ** 0.5, 2e-6),   # torch's float sqrt is not always correctly rounded
    "a**-1": (lambda t, x: x ** -1, 0),
    "a**3": (lambda t, x: x ** 3, 2e-6),
    "a**1.7": (lambda t, x: x.abs() ** 1.7, 2e-6),
    "a**b": (lambda t, x: x.abs() ** (x * 0.5), 2e-6),
    "2**a": (lambda t, x: 2 ** x, 2e-6),
    "pow(a,2)": (lambda t, x: t.pow(x, 2), 0),
}


@pytest.mark.parametrize("name", sorted(POW))
@given(data=st.data())
def test_pow(name, data):
    fn, tol = POW[name]
    dt = data.draw(st.sampled_from(FLOATS))
    x = data.draw(values(dt, data.draw(st.lists(st.integers(0, 4), max_size=2).map(tuple)), lo=-3, hi=3,
                         nonzero=True))
    rtol = tol if dt == np.float32 else (tol and 1e-13)
    # a**b with b = a/2: the gradient adds two terms that can cancel, so its last bits need an
    # absolute tolerance on the scale of the terms (float32 rounding of O(1) values)
    grad_atol = (2e-6 if dt == np.float32 else 1e-13) if name == "a**b" else 0
    same_on_both(fn, [x], rtol=rtol, atol=0, grad_rtol=max(rtol, 1e-5 if dt == np.float32 else 1e-12),
                 grad_atol=grad_atol)


@pytest.mark.parametrize("op", ["+", "-", "*", "/", "//", "**"])
@given(data=st.data())
def test_integer_and_mixed_promotion(op, data):
    """Type promotion: int op int, int op float scalar, bool, and 0-d tensors of other dtypes."""
    shape = data.draw(st.lists(st.integers(0, 3), max_size=2).map(tuple))
    dta = data.draw(st.sampled_from(INTS + FLOATS))
    a = data.draw(values(dta, shape, lo=1, hi=5, nonzero=True))
    other_kind = data.draw(st.sampled_from(["int", "float", "bool", "tensor0d", "tensor"]))
    if other_kind == "int":
        b = data.draw(st.integers(1, 3))
    elif other_kind == "float":
        b = data.draw(st.sampled_from([0.5, 2.5, 3.0]))
    elif other_kind == "bool":
        b = True
    else:
        dtb = data.draw(st.sampled_from(INTS + FLOATS))
        b = data.draw(values(dtb, () if other_kind == "tensor0d" else shape, lo=1, hi=3, nonzero=True))
    fn = {"+": lambda t, x, y: x + y, "-": lambda t, x, y: x - y, "*": lambda t, x, y: x * y,
          "/": lambda t, x, y: x / y, "//": lambda t, x, y: x // y, "**": lambda t, x, y: x ** y}[op]
    tol = 2e-6 if op == "**" else 0
    same_result_or_error(fn, [a, b], grad=False, rtol=tol)


UNARY = {
    "abs": (lambda t, x: x.abs(), 0, None),
    "torch.abs": (lambda t, x: t.abs(x), 0, None),
    "neg": (lambda t, x: t.neg(x), 0, None),
    "exp": (lambda t, x: x.exp(), 2e-6, None),
    "log": (lambda t, x: x.abs().log(), 2e-6, None),
    "sqrt": (lambda t, x: t.sqrt(x.abs()), 2e-6, None),   # torch's sqrt is within 1 ulp, not exact
    "sin": (lambda t, x: x.sin(), 2e-6, None),
    "cos": (lambda t, x: t.cos(x), 2e-6, None),
    "tanh": (lambda t, x: x.tanh(), 2e-6, None),
    "sigmoid": (lambda t, x: t.sigmoid(x), 2e-6, None),
    "relu": (lambda t, x: t.relu(x), 0, None),
    "relu_method": (lambda t, x: x.relu(), 0, None),
    "reciprocal": (lambda t, x: x.reciprocal(), 2e-7, None),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@given(data=st.data())
def test_unary(name, data):
    fn, tol, _ = UNARY[name]
    dt = data.draw(st.sampled_from(FLOATS))
    shape = data.draw(st.lists(st.integers(0, 5), max_size=3).map(tuple))
    x = data.draw(values(dt, shape, lo=-4, hi=4, nonzero=True))
    rtol = tol if dt == np.float32 else (tol and 1e-14)
    # a gradient like 1 - tanh(x)**2 cancels: one ulp in the output moves it by ~1e-7 absolute
    same_on_both(fn, [x], rtol=rtol, atol=0, grad_rtol=rtol and max(rtol, 1e-6),
                 grad_atol=(rtol and (1e-6 if dt == np.float32 else 1e-14)))


@pytest.mark.parametrize("fn", [lambda t, x: x.abs(), lambda t, x: t.exp(x), lambda t, x: x.sqrt(),
                                lambda t, x: x.relu(), lambda t, x: t.sigmoid(x), lambda t, x: x.tanh()])
@given(data=st.data())
def test_unary_on_integers(fn, data):
    """Integer inputs: abs/relu stay integer, transcendental functions give float32."""
    dt = data.draw(st.sampled_from(INTS))
    x = data.draw(values(dt, data.draw(st.lists(st.integers(0, 4), max_size=2).map(tuple)), lo=0, hi=9))
    same_on_both(fn, [x], grad=False, rtol=2e-6)


REDUCE = {
    "sum": lambda t, x: x.sum(),
    "torch.sum": lambda t, x: t.sum(x),
    "mean": lambda t, x: x.mean(),
    "sum0": lambda t, x: x.sum(0),
    "sum-1k": lambda t, x: x.sum(dim=-1, keepdim=True),
    "mean0": lambda t, x: x.mean(0),
    "mean-1k": lambda t, x: t.mean(x, dim=-1, keepdim=True),
    "sum(0,1)": lambda t, x: x.sum((0, 1)) if x.dim() >= 2 else x.sum(0),
}


@pytest.mark.parametrize("name", sorted(REDUCE))
@given(data=st.data())
def test_reductions(name, data):
    dt = data.draw(st.sampled_from(FLOATS))
    shape = data.draw(st.lists(st.integers(1, 5), min_size=1, max_size=3).map(tuple))
    x = data.draw(values(dt, shape))
    tol = 1e-5 if dt == np.float32 else 1e-12
    same_on_both(REDUCE[name], [x], rtol=tol, atol=tol)


@given(data=st.data())
def test_sum_of_integers_and_bool_is_int64(data):
    dt = data.draw(st.sampled_from(INTS + [np.bool_]))
    x = data.draw(values(dt, data.draw(st.lists(st.integers(0, 4), max_size=3).map(tuple)), lo=0, hi=5))
    same_on_both(lambda t, a: a.sum(), [x], grad=False)


COMPARE = {"eq": lambda t, x, y: x == y, "ne": lambda t, x, y: x != y, "lt": lambda t, x, y: x < y,
           "le": lambda t, x, y: t.le(x, y), "gt": lambda t, x, y: x.gt(y), "ge": lambda t, x, y: x >= y}


@pytest.mark.parametrize("name", sorted(COMPARE))
@given(data=float_pair())
def test_comparisons(name, data):
    x, y = data
    y = np.where(np.random.default_rng(0).random(y.shape) < 0.3, 1.0, y).astype(y.dtype)
    same_on_both(COMPARE[name], [x, y], grad=True)


def test_mixed_graph():
    """A small expression mixing everything; gradients reach both leaves through shared nodes."""
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((3, 4)).astype(np.float32), rng.standard_normal((4,)).astype(np.float32)
    same_on_both(lambda t, x, y: ((x * y).sigmoid() + (x - y).tanh() * x / (y.abs() + 1)).mean(), [a, b],
                 rtol=1e-6, atol=1e-7)
