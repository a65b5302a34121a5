"""Numbers next to tensors, on torch and glasstorch: Python and NumPy scalars of every kind as the
other operand of elementwise ops (a NumPy integer counts as a Python int, any other NumPy scalar as a
Python float; negative and out-of-range ints in ops that compute in float), clamp / pow bounds that
do not fit an integer dtype, and the TypeError of ops that take only tensors."""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import example, given, settings, strategies as st

import glasstorch

OPS = ["add", "sub", "mul", "div", "true_divide", "floor_divide", "remainder", "fmod", "pow", "maximum", "eq", "lt",
       "xlogy", "copysign", "atan2", "bitwise_and", "clamp", "logical_and", "gcd", "ldexp", "igamma", "nextafter"]
DTYPES = ["uint8", "int8", "int32", "int64", "bool", "float16", "float32", "float64"]
NP_SCALARS = [np.int8, np.int32, np.int64, np.uint8, np.float16, np.float32, np.float64, np.bool_]


@st.composite
def case(draw):
    kind = draw(st.sampled_from(["int", "float", "bool", "numpy", "tensor0d"]))
    if kind == "int":
        other = draw(st.sampled_from([-300, -4, -1, 0, 1, 2, 3, 127, 200, 300, 70000]))
    elif kind == "float":
        other = draw(st.sampled_from([-2.5, -0.0, 0.5, 1.0, 3.0, 1e10]))
    elif kind == "bool":
        other = draw(st.booleans())
    else:
        t = draw(st.sampled_from(NP_SCALARS))
        v = draw(st.sampled_from([-3, 0, 1, 2, 5]))
        other = t(abs(v) if t in (np.uint8,) else (v > 0 if t is np.bool_ else v))
        if kind == "tensor0d":
            other = ("tensor", np.array(other))
    dtype = draw(st.sampled_from(DTYPES))
    if dtype == "float16" and isinstance(other, (int, float)) and abs(other) > 65504:
        # beyond float16's range, torch's kernels differ in whether the number becomes inf before the
        # op (xlogy, reflected mul) or is used in float32 (x * 70000): not reproduced, left out
        other = 300
    return draw(st.sampled_from(OPS)), dtype, other, draw(st.booleans()), draw(st.sampled_from([(), (3,)]))


def _outcome(m, c):
    op, dtype, other, reflected, shape = c
    base = np.array([3, 0, 200][:int(np.prod(shape))] if shape else 5).reshape(shape)
    x = m.from_numpy(base.astype(dtype) if dtype != "bool" else base.astype(bool))
    if isinstance(other, tuple):
        other = m.from_numpy(other[1].copy())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            f = getattr(m, op)
            r = f(other, x) if reflected and op not in ("clamp",) else f(x, other)
            return str(r.dtype), tuple(r.shape), r.double().numpy().tolist() if r.dtype != m.bool else r.tolist()
        except Exception as e:            # noqa: BLE001 - torch's exception is the expectation
            return type(e).__name__, str(e)


def _same(a, b):
    if len(a) != len(b) or a[:2] != b[:2]:
        return False
    if len(a) == 2:
        return True
    return np.allclose(np.array(a[2], dtype=float), np.array(b[2], dtype=float), rtol=1e-3, equal_nan=True)


@settings(max_examples=600, deadline=None)
@given(case())
# found by the explore profile: a 0-d float 0 times 2^200 (torch's std::ldexp kernel gives 0, not 0 * inf)
@example(("ldexp", "int64", ("tensor", np.array(np.float32(0))), True, (3,)))
@example(("ldexp", "uint8", ("tensor", np.array(np.float16(0))), True, (3,)))
def test_number_operands_as_torch(c):
    want, got = _outcome(torch, c), _outcome(glasstorch, c)
    assert _same(got, want), (want, got)


TENSOR_ONLY = ["m.logical_and(b, True)", "b.logical_and(True)", "b.logical_and_(True)", "m.logical_or(x, 1.0)",
               "m.logical_xor(i, 1)", "m.ldexp(x, 2)", "x.ldexp(2)", "m.igamma(x, 1.0)", "x.igamma(1.0)",
               "x.igamma_(1.0)", "m.special.gammainc(x, 1.0)", "m.igammac(x, 1)", "m.gcd(i, 2)", "i.gcd(2)",
               "m.lcm(i, 2)", "m.heaviside(x, 0.5)", "m.nextafter(x, 1.0)", "x.atan2(1.0)", "m.hypot(x, 2.0)",
               "x.maximum(1.0)", "m.fmax(x, 1.0)", "m.logical_and(1, b)", "m.polar(x, 1.0)", "m.complex(x, 1.0)",
               "m.dist(x, 1.0)", "m.cross(x, 1.0)", "m.linalg.cross(x, 1.0)", "m.dot(x, 1.0)", "m.kron(x, 2)",
               "m.bucketize(x, 1.0)", "m.maximum(x, np.float64(2))", "m.atan2(x, np.float32(1))",
               "m.clamp(u, -4)", "m.clamp(u, -256)", "m.clamp(u, min=-4, max=300)", "m.clamp(i8, -200)",
               "m.pow(u, 255)", "m.pow(u, 256)", "m.pow(i8, 128)", "m.full((2,), np.float64(2)).dtype",
               "m.full((2,), np.int32(2)).dtype", "m.full((2,), np.bool_(True)).dtype",
               # found by fuzzing: a number as input of clamp_min / clamp_max / rsub (the parser's message),
               # and clamp_min / clamp_max bounds c10 cannot convert into the dtype
               "m.clamp_min(2, x)", "m.clamp_max(-300, i)", "m.rsub(3, x)", "m.rsub(3, x, alpha=2)",
               "m.clamp_min(u, -300)", "m.clamp_min(u, -4)", "m.clamp_max(i8, 200)", "u.clamp_min(300)",
               "m.clamp_max(m.tensor([1.], dtype=m.float16), 70000)"]


@pytest.mark.parametrize("expr", TENSOR_ONLY)
def test_tensor_only_ops_and_bounds(expr):
    def run(m):
        x = m.tensor([1., 2., 3.])
        i = m.tensor([4, 6, 8])
        b = m.tensor([True, False, True])
        u = m.tensor([3, 200], dtype=m.uint8)
        i8 = m.tensor([3, -100], dtype=m.int8)
        try:
            return repr(eval(expr))
        except Exception as e:            # noqa: BLE001
            return f"{type(e).__name__}: {e}"
    assert run(glasstorch) == run(torch)


# ldexp of a float input and an integer exponent is torch's std::ldexp kernel (in double, no 2^k overflow,
# k kept to its low 32 bits), writing an empty_like(input) output that is resized with a warning
LDEXP = ["m.ldexp(m.tensor(0.), m.tensor([3, 0, 200]))", "m.ldexp(m.tensor([1e-30, 2.]), m.tensor([200, -200]))",
         "m.ldexp(m.tensor([1e-3, 2.], dtype=m.float16), m.tensor([20, -20]))",
         "m.ldexp(m.tensor([1e-3, 2.], dtype=m.float16), m.tensor([20, 236], dtype=m.uint8))",
         "m.ldexp(m.tensor([1., 2.]), m.tensor([2**40, -2**40]))", "m.ldexp(m.tensor([[1.], [2.]]), m.tensor([3, 4]))",
         "m.ldexp(m.tensor(1.5, dtype=m.float64), m.tensor([3, 4]))", "m.ldexp(m.empty(0, 1), m.tensor([3, 4]))",
         "m.ldexp(m.tensor([1e-3, 3], dtype=m.float16), m.tensor([20., 2.5]))",
         "m.ldexp(m.tensor([1, 3]), m.tensor([20., 2.5], dtype=m.float16))",
         "m.ldexp(m.tensor([1+1j, 3], dtype=m.complex128), m.tensor([20, 2]))",
         "m.ldexp(m.ones(2), m.tensor([1, 2]), out=m.empty(2, dtype=m.long))",
         "m.tensor([1, 2]).ldexp_(m.tensor([3, 200]))", "m.tensor(2.).ldexp_(m.tensor([3, 20]))",
         "m.tensor([1., 2.]).ldexp_(m.tensor([3, 200]))", "m.ones(2).ldexp_(m.tensor([True, False]))"]


@pytest.mark.parametrize("expr", LDEXP)
def test_ldexp_integer_exponent_kernel(expr):
    def run(m):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            try:
                out = repr(eval(expr)).replace("glasstorch", "torch")
            except Exception as e:            # noqa: BLE001
                out = f"{type(e).__name__}: {e}"
        return out, [str(x.message) for x in w]
    assert run(glasstorch) == run(torch)


def test_ldexp_gradcheck():
    # (a negative integer exponent has a zero gradient in torch too: its derivative takes pow(2, k) in integers)
    x = glasstorch.tensor([1.5, -2., 3.], dtype=glasstorch.float64, requires_grad=True)
    assert glasstorch.autograd.gradcheck(lambda a: glasstorch.ldexp(a, glasstorch.tensor([3, 0, 1])), (x,))
    k = glasstorch.tensor([0.5, -2., 1.], dtype=glasstorch.float64, requires_grad=True)
    assert glasstorch.autograd.gradcheck(lambda a, b: glasstorch.ldexp(a, b), (x, k))


def test_div_of_a_number_by_a_tensor_divides():
    # torch.div(number, t) wraps the number and divides (DivBackward0, exact quotients); only the operator
    # ``number / t`` is reciprocal(t) * number.  (Found by fuzzing: div(-300, 0j) is -inf+nanj, not nan+nanj.)
    from ._helpers import same_on_both
    a = np.random.default_rng(0).uniform(0.1, 3, 50).astype(np.float32)
    same_on_both(lambda t, x: t.div(3., x), [a])
    same_on_both(lambda t, x: t.true_divide(3, x), [a.astype(np.float64)])
    same_on_both(lambda t, x: 3. / x, [a])
    want, got = (repr(m.div(-300, m.tensor([3, 0, 200], dtype=m.complex64))) for m in (torch, glasstorch))
    assert got == want
    x = glasstorch.tensor([0.5, 1.5], dtype=glasstorch.float64, requires_grad=True)
    assert glasstorch.autograd.gradcheck(lambda a: glasstorch.div(3., a), (x,))
