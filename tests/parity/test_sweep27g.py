"""Parity pins for sweep27g (Advent-of-Code style puzzle solutions written with tensors).

Fixed in glasstorch:
- binary TensorIterator ops size their operands before they look at dtypes: two tensors that do not
  broadcast raise torch's RuntimeError "The size of tensor a (3) must match the size of tensor b (2)
  at non-singleton dimension 0" (not NumPy's ValueError, nor a "not implemented for" error) in
  remainder, fmod, floor_divide, copysign, atan2/arctan2, hypot, logaddexp, logaddexp2, xlogy,
  igamma/igammac, nextafter, gcd, lcm, the bitwise and shift ops, logical_and/or/xor, their
  operators (``&``, ``|``, ``^``, ``<<``, ``>>``, ``//``, ``%`` and the in-place forms) and bool ``pow``
  (ops/_common.py ``check_pair``; ops/binary_more.py, arithmetic.py, logical.py, misc_fill.py,
  special_more.py, power.py); likewise add/sub with an ``alpha`` (and ``add_``/``sub_``), div with a
  rounding_mode (and ``div_``), addcmul/addcdiv (and their in-place forms, after addcdiv's integer
  refusal), the in-place comparisons (``eq_``, ``lt_``, ... before their complex refusal), l1_loss
  (before the bool subtraction error) and the special polynomials (before the Half refusal)
  (ops/arithmetic.py, ternary.py, inplace_fill.py, special_poly.py, nn/functional.py), and
  ``Tensor.ldexp_`` (ops/misc_math.py), the ordering comparisons of complex tensors (before their
  "lt_cpu" refusal, ops/comparison.py) and torch.binomial (sizes, then dtypes, then the Half
  refusal, after the resize warning: _rng_binomial.py);
- ``torch.binary_cross_entropy_with_logits`` (the aten op, not F.*) has no size check of its own: its
  shape errors are its kernel's broadcasting steps' ("The size of tensor a ...", "output with shape
  [..] doesn't match the broadcast shape [..]"), and a target of more dims than the input broadcasts
  the input, where F.*'s "Target size ... must be the same as input size" was raised (_api_leftovers.py);
- ``torch.isin`` refuses bool operands as torch does ("Unsupported input type encountered for
  isin(): Bool"), the elements checked before the test elements (ops/misc_more.py);
- ``torch.gcd`` runs torch's Euclid loop on C's abs and truncating %, so the most negative value
  gives torch's answers (gcd(5, -2**31) in int32 is -1, NumPy's gcd gives 1) (ops/misc_fill.py);
- ``torch.lcm`` is torch's |a / gcd * b| (0 where the gcd is 0), computed in C++'s int for narrow
  types and wrapping before the abs: lcm(2**40, 2**40 - 1) is 2**40 in int64, not NumPy's -2**40
  (ops/misc_fill.py).
"""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from tests.parity._helpers import same_error, same_on_both, same_outcome

BINARY = ["remainder", "fmod", "floor_divide", "copysign", "atan2", "arctan2", "hypot", "logaddexp",
          "logaddexp2", "xlogy", "igamma", "igammac", "nextafter", "gcd", "lcm", "bitwise_and", "bitwise_or",
          "bitwise_xor", "bitwise_left_shift", "bitwise_right_shift", "logical_and", "logical_or",
          "logical_xor", "pow", "add", "mul", "maximum", "eq"]
DTYPES = ["int64", "int32", "uint8", "float32", "float64", "bool"]


@pytest.mark.parametrize("name", BINARY)
@pytest.mark.parametrize("dtype", DTYPES)
def test_mismatched_shapes_raise_the_size_error(name, dtype):
    def fn(m):
        a = m.tensor([1, 2, 3]).to(getattr(m, dtype))
        b = m.tensor([[2, 1], [1, 1]]).to(getattr(m, dtype))
        return getattr(m, name)(a, b)
    same_outcome(fn)


@pytest.mark.parametrize("op", ["__and__", "__or__", "__xor__", "__lshift__", "__rshift__", "__mod__",
                                "__floordiv__", "__iand__", "__ior__", "__ixor__", "__ilshift__", "__irshift__",
                                "__imod__", "__ifloordiv__"])
def test_operators_with_mismatched_shapes(op):
    same_error(lambda m: getattr(m.tensor([1, 2, 3]), op)(m.tensor([2, 1])))


@pytest.mark.parametrize("name", ["gcd_", "lcm_", "bitwise_and_", "bitwise_left_shift_", "remainder_",
                                  "fmod_", "logical_or_", "copysign_"])
def test_in_place_forms_with_mismatched_shapes(name):
    same_outcome(lambda m: getattr(m.tensor([4, 6, 8]), name)(m.tensor([[2], [3]])))
    same_outcome(lambda m: getattr(m.tensor([4, 6, 8]), name)(m.tensor([2, 3])))


@pytest.mark.parametrize("name", ["gcd", "lcm", "bitwise_xor", "remainder", "logical_and", "nextafter"])
def test_broadcasting_that_works_still_works(name):
    same_outcome(lambda m: getattr(m, name)(m.tensor([[4.0], [6.0]]).long() if name != "nextafter"
                                             else m.tensor([[4.0], [6.0]]), m.tensor([3, 8, 9]).to(
                                                 m.float32 if name == "nextafter" else m.int64)))


@pytest.mark.parametrize("args", [
    ("bool", "bool"), ("bool", "int64"), ("int64", "bool"), ("bool", "complex64"), ("complex64", "bool"),
    ("int64", "int64"), ("float16", "float16"), ("uint8", "int64"), ("float32", "int64")])
def test_isin_dtypes(args):
    def fn(m):
        e = m.tensor([1, 0, 2]).to(getattr(m, args[0]))
        t = m.tensor([0, 2]).to(getattr(m, args[1]))
        return m.isin(e, t), m.isin(e, t, invert=True)
    same_outcome(fn)


@pytest.mark.parametrize("case", ["tensor_true", "true_tensor", "tensor_1j", "empty_bool"])
def test_isin_scalars_and_empty(case):
    def fn(m):
        x = m.tensor([1, 0, 2])
        if case == "tensor_true":
            return m.isin(x, True)
        if case == "true_tensor":
            return m.isin(True, x)
        if case == "tensor_1j":
            return m.isin(x, 1j)
        return m.isin(m.tensor([], dtype=m.bool), x)
    same_outcome(fn)


def test_lcm_wraps_before_abs():
    same_on_both(lambda m: (m.lcm(m.tensor([2 ** 40, 6, 0, -2 ** 63]), m.tensor([2 ** 40 - 1, -4, 0, 1])),
                            m.tensor([2 ** 40]).lcm_(m.tensor([2 ** 40 - 1]))), [], grad=False)


INT_DTYPES = {"int8": np.int8, "int16": np.int16, "int32": np.int32, "int64": np.int64, "uint8": np.uint8}


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(sorted(INT_DTYPES)), st.data())
def test_lcm_gcd_match_torch_on_every_int_dtype(dtype, data):
    info = np.iinfo(INT_DTYPES[dtype])
    vals = st.integers(int(info.min), int(info.max))
    a = np.array(data.draw(st.lists(vals, min_size=1, max_size=6)), dtype=INT_DTYPES[dtype])
    b = np.array(data.draw(st.lists(vals, min_size=len(a), max_size=len(a))), dtype=INT_DTYPES[dtype])
    same_on_both(lambda m, x, y: (m.lcm(x, y), m.gcd(x, y), m.lcm(x[:1].reshape(()), y)), [a, b], grad=False)


@pytest.mark.parametrize("dtypes", [("int8", "int64"), ("uint8", "int16"), ("int32", "int64")])
def test_lcm_promotes(dtypes):
    same_outcome(lambda m: m.lcm(m.tensor([100, -12, 7]).to(getattr(m, dtypes[0])),
                                 m.tensor([99, 18, 0]).to(getattr(m, dtypes[1]))))


@pytest.mark.parametrize("dtype", sorted(INT_DTYPES))
def test_gcd_lcm_at_the_most_negative_value(dtype):
    lo = int(np.iinfo(INT_DTYPES[dtype]).min)
    a = np.array([5, lo, lo, 0, lo, 6, 4 if lo == 0 else -4], dtype=INT_DTYPES[dtype])
    b = np.array([lo, 0, lo, lo, 3, lo, 0], dtype=INT_DTYPES[dtype])
    same_on_both(lambda m, x, y: (m.gcd(x, y), m.lcm(x, y), x.clone().gcd_(y)), [a, b], grad=False)


MISMATCH_CASES = {
    "add_alpha": lambda m, a, b: m.add(a, b, alpha=2),
    "add_alpha_": lambda m, a, b: a.clone().add_(b, alpha=2),
    "sub_alpha": lambda m, a, b: m.sub(a, b, alpha=2),
    "sub_alpha_": lambda m, a, b: a.clone().sub_(b, alpha=2),
    "div_floor": lambda m, a, b: m.div(a, b, rounding_mode="floor"),
    "div_trunc": lambda m, a, b: m.div(a, b, rounding_mode="trunc"),
    "div_floor_": lambda m, a, b: a.clone().div_(b, rounding_mode="floor"),
    "addcmul": lambda m, a, b: m.addcmul(a, b, b),
    "addcmul_3": lambda m, a, b: m.addcmul(a, a, b, value=2),
    "addcmul_": lambda m, a, b: a.clone().addcmul_(b, b),
    "addcdiv": lambda m, a, b: m.addcdiv(a, b, b),
    "addcdiv_": lambda m, a, b: a.clone().addcdiv_(b, b),
    "eq_": lambda m, a, b: a.clone().eq_(b),
    "lt_": lambda m, a, b: a.clone().lt_(b),
    "ge_rev": lambda m, a, b: b.clone().ge_(a),
    "l1_loss": lambda m, a, b: m.nn.functional.l1_loss(a, b),
    "chebyshev_t": lambda m, a, b: m.special.chebyshev_polynomial_t(a, b),
    "hermite_h": lambda m, a, b: m.special.hermite_polynomial_h(a, b),
}


@pytest.mark.parametrize("name", sorted(MISMATCH_CASES))
@pytest.mark.parametrize("dtype", ["int64", "float32", "float16", "bool", "uint8", "complex64"])
def test_more_ops_size_their_operands_first(name, dtype):
    fn = MISMATCH_CASES[name]
    same_outcome(lambda m: fn(m, m.tensor([1, 2, 3]).to(getattr(m, dtype)), m.tensor([2, 1]).to(getattr(m, dtype))))


@pytest.mark.parametrize("name", sorted(MISMATCH_CASES))
def test_more_ops_that_broadcast_still_work(name):
    fn = MISMATCH_CASES[name]
    same_outcome(lambda m: fn(m, m.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), m.tensor([2.0, 1.0, 3.0])))


@pytest.mark.parametrize("shapes", [((3,), (2,)), ((2,), (2, 1)), ((3,), (3,)), ((2, 3), (3,))])
def test_ldexp_inplace_sizes(shapes):
    same_outcome(lambda m: m.ones(*shapes[0]).ldexp_(m.ones(*shapes[1], dtype=m.int64)))


BCE_ATEN = {
    "3v2": lambda m: m.binary_cross_entropy_with_logits(m.ones(3), m.ones(2)),
    "2v3": lambda m: m.binary_cross_entropy_with_logits(m.ones(2), m.ones(3)),
    "target_smaller": lambda m: m.binary_cross_entropy_with_logits(m.ones(2, 3), m.ones(3)),
    "target_larger": lambda m: m.binary_cross_entropy_with_logits(m.tensor([0.5, -1.0, 2.0]), m.ones(2, 3), reduction=0),
    "target_larger_sum": lambda m: m.binary_cross_entropy_with_logits(m.tensor([0.5, -1.0, 2.0]), m.ones(2, 3), reduction=2),
    "weight_bad": lambda m: m.binary_cross_entropy_with_logits(m.ones(3), m.ones(3), m.ones(2)),
    "weight_grows": lambda m: m.binary_cross_entropy_with_logits(m.ones(3), m.ones(3), m.ones(2, 3)),
    "weight_ok": lambda m: m.binary_cross_entropy_with_logits(m.tensor([0.5, -1.0, 2.0]), m.tensor([1.0, 0.0, 1.0]),
                                                              m.tensor([1.0, 2.0, 0.5]), reduction=2),
    "pos_weight_bad": lambda m: m.binary_cross_entropy_with_logits(m.ones(3), m.ones(2), pos_weight=m.ones(3)),
    "pos_weight_grows": lambda m: m.binary_cross_entropy_with_logits(m.ones(3), m.ones(3), pos_weight=m.ones(2, 3)),
    "pos_weight_ok": lambda m: m.binary_cross_entropy_with_logits(m.tensor([0.5, -1.0, 2.0]), m.tensor([1.0, 0.0, 1.0]),
                                                                  pos_weight=m.tensor([2.0, 1.0, 3.0]), reduction=1),
}


@pytest.mark.parametrize("name", sorted(BCE_ATEN))
def test_aten_bce_with_logits_sizes(name):
    same_outcome(BCE_ATEN[name], rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("reduction", [0, 1, 2])
def test_aten_bce_with_logits_broadcast_target_gradients(reduction):
    x = np.array([0.5, -1.0, 2.0])
    t = np.array([[1.0, 0.0, 0.5], [0.0, 1.0, 1.0]])
    same_on_both(lambda m, a, b: m.binary_cross_entropy_with_logits(a, b, reduction=reduction), [x, t],
                 grad=False, rtol=1e-12, atol=1e-12)

    def through_input(m):       # torch's backward cannot fit the target-shaped gradient into the input
        a = m.tensor(x, requires_grad=True)
        m.binary_cross_entropy_with_logits(a, m.tensor(t), reduction=reduction).sum().backward()
    same_error(through_input)


@pytest.mark.parametrize("op", ["lt", "le", "gt", "ge", "less", "greater_equal"])
@pytest.mark.parametrize("shapes", [((3,), (2,)), ((2, 1), (3,)), ((2,), (2,))])
def test_complex_ordering_sizes_before_refusal(op, shapes):
    same_outcome(lambda m: getattr(m, op)(m.ones(*shapes[0], dtype=m.complex64), m.ones(*shapes[1], dtype=m.complex64)))


BINOMIAL = {
    "half_mismatch": lambda m: m.binomial(m.ones(3, dtype=m.float16), m.ones(2, dtype=m.float16)),
    "half": lambda m: m.binomial(m.ones(3, dtype=m.float16), m.ones(3, dtype=m.float16)),
    "half_grows": lambda m: m.binomial(m.ones(3, dtype=m.float16), m.ones(2, 3, dtype=m.float16)),
    "dtypes_mismatch": lambda m: m.binomial(m.ones(3), m.ones(2, dtype=m.float64)),
    "dtypes_grows": lambda m: m.binomial(m.ones(3), m.ones(2, 3, dtype=m.float64)),
    "dtypes": lambda m: m.binomial(m.ones(3), m.ones(3, dtype=m.float64)),
    "long": lambda m: m.binomial(m.ones(3, dtype=m.int64), m.ones(2)),
}


@pytest.mark.filterwarnings("ignore:An output with one or more elements was resized")
@pytest.mark.parametrize("name", sorted(BINOMIAL))
def test_binomial_checks_in_torch_order(name):
    same_error(BINOMIAL[name])
