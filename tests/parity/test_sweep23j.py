"""Parity for what the sweep23j programs (tests/programs/sweep23j_*.py: rolling windows, binning, group
statistics, missing values, categorical ranks) exposed:

- ``searchsorted`` / ``bucketize`` compare in the common dtype of boundaries and values, a Python number
  taking part as a wrapped scalar (3.5 against int64 boundaries is float32 3.5, not int 3; -1 and 300
  against uint8 boundaries wrap to 255 and 44); a bool common dtype is refused like a complex one, by
  the common dtype's name, after the shape checks.
- ``histogram`` with ``bins`` a list or a float, or Tensor bins with ``range=``: torch's parser TypeError.
- ``unique`` (flat and ``dim=``) keeps the first occurrence of a group of equal values, so -0.0 / 0.0
  come out with the sign torch gives.
- ``nan_to_num`` of a complex tensor replaces NaN / inf in the real and imaginary parts each (was returned
  unchanged); a ``nan=`` / ``posinf=`` / ``neginf=`` that is not a real number: torch's parser TypeError.
- ``var_mean`` / ``std_mean`` refuse ``out=`` (or any unknown keyword) with torch's parser message (they
  took ``out=`` silently).
- ``var_mean`` / ``std_mean`` backward: the mean's part is ``g / N`` (was ``g * (1 / N)``); var / std
  backward take the mean of the input as ``torch.mean`` sums it.
"""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from glasstorch.autograd.gradcheck import gradcheck

from ._helpers import same_error, same_on_both, same_outcome

SEQ_INT = np.array([1, 3, 5, 7], np.int64)


@pytest.mark.parametrize("value", [3.5, 3, 0.5, 7.0, 7.25, -2.5, True, 1e30])
@pytest.mark.parametrize("right", [False, True])
def test_searchsorted_python_number_promotes(value, right):
    same_on_both(lambda t, s: t.searchsorted(s, value, right=right), [SEQ_INT], grad=False)
    same_on_both(lambda t, s: t.bucketize(value, s, right=right), [SEQ_INT], grad=False)


@pytest.mark.parametrize("value", [-1, 300, 255, 4])
def test_searchsorted_int_wraps_to_uint8_boundaries(value):
    same_on_both(lambda t, s: t.searchsorted(s, value), [SEQ_INT.astype(np.uint8)], grad=False)
    same_on_both(lambda t, s: t.searchsorted(s, t.tensor(value)), [SEQ_INT.astype(np.uint8)], grad=False)


def test_searchsorted_tensor_dtypes_promote():
    seq = np.array([16777217, 3], np.int64)
    same_on_both(lambda t, s: t.searchsorted(s, t.tensor([16777216.0]), right=True), [seq], grad=False)
    same_on_both(lambda t, s: t.searchsorted(s, t.tensor(3.00000001, dtype=t.float64)),
                 [np.array([1.0, 3.0, 5.0], np.float32)], grad=False)
    same_on_both(lambda t, s: t.searchsorted(s, 3.5, sorter=t.tensor([1, 2, 0])), [np.array([5, 1, 3])], grad=False)


@pytest.mark.parametrize("expr", [
    lambda t: t.searchsorted(t.tensor([True, False]), True),
    lambda t: t.searchsorted(t.tensor([True, False]), t.tensor([True])),
    lambda t: t.bucketize(t.tensor([True]), t.tensor([True, False])),
    lambda t: t.searchsorted(t.tensor([1.0, 3.0]), 2 + 1j),
    lambda t: t.searchsorted(t.tensor([1j]), t.tensor([1.0]).double()),
    lambda t: t.searchsorted(t.tensor([[1j]]), 1.0),
    lambda t: t.searchsorted(t.tensor([[1j], [2j]]), t.tensor([[1.0]])),
    lambda t: t.searchsorted(t.tensor([[True], [False]]), t.tensor([[True]])),
    lambda t: t.searchsorted(t.tensor([1j]), 1.0, sorter=t.tensor([5])),
])
def test_searchsorted_refusals(expr):
    same_error(expr)


def test_searchsorted_bool_mixed_with_int_is_fine():
    same_outcome(lambda t: t.searchsorted(t.tensor([True, False]), t.tensor([1])))
    same_outcome(lambda t: t.bucketize(True, t.tensor([1, 2])))


@pytest.mark.parametrize("expr", [
    lambda t: t.histogram(t.tensor([1.0, 2.0, 3.0]), bins=[1.0, 2.0, 3.0]),
    lambda t: t.histogram(t.tensor([1.0, 2.0, 3.0]), [1.0, 2.0, 3.0]),
    lambda t: t.histogram(t.tensor([1.0, 2.0, 3.0]), 2.0),
    lambda t: t.tensor([1.0, 2.0, 3.0]).histogram([1.0, 2.0, 3.0]),
    lambda t: t.tensor([1.0, 2.0, 3.0]).histogram(bins=2.5),
    lambda t: t.histogram(t.tensor([1.0, 2.0, 3.0]), bins=t.tensor([1.0, 3.0]), range=(0.0, 1.0)),
])
def test_histogram_parser_errors(expr):
    same_error(expr)


def test_histogram_still_takes_ints_and_edges():
    x = np.array([1.0, 2.5, 3.0, 0.2], np.float32)
    same_on_both(lambda t, a: t.histogram(a, bins=np.int64(3)), [x], grad=False)
    same_on_both(lambda t, a: t.histogram(a, 2, range=(0, 4)), [x], grad=False)
    same_on_both(lambda t, a: t.histogram(a, bins=t.tensor([0.0, 1.0, 3.0])), [x], grad=False)


@pytest.mark.parametrize("vals", [[1.0, 1.0, -0.0, 0.0], [0.0, -0.0], [-0.0, 0.0, -0.0], [2.0, 0.0, 1.0, -0.0, 0.0]])
def test_unique_keeps_first_signed_zero(vals):
    x = np.array(vals, np.float32)
    same_on_both(lambda t, a: t.unique(a, return_inverse=True, return_counts=True), [x], grad=False)
    same_on_both(lambda t, a: t.unique(a, sorted=False), [x], grad=False)
    same_on_both(lambda t, a: t.unique(a, dim=0, return_inverse=True, return_counts=True), [x], grad=False)
    same_on_both(lambda t, a: t.unique(t.stack([a, a * 0 + 1], 1), dim=0, return_counts=True), [x], grad=False)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from([0.0, -0.0, 1.0, -2.5, float("nan"), float("inf")]), min_size=0, max_size=12))
def test_unique_flat_hypothesis(vals):
    x = np.array(vals, np.float64)
    same_on_both(lambda t, a: t.unique(a, return_inverse=True, return_counts=True), [x], grad=False)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 6), st.integers(1, 3), st.integers(0, 2 ** 32 - 1), st.sampled_from([0, 1, -1]))
def test_unique_dim_hypothesis(rows, cols, seed, dim):
    x = np.random.default_rng(seed).choice(np.array([0.0, -0.0, 1.0, 2.0], np.float32), size=(rows, cols))
    same_on_both(lambda t, a: t.unique(a, dim=dim, return_inverse=True, return_counts=True), [x], grad=False)
    same_on_both(lambda t, a: t.unique(a.long(), dim=dim, return_inverse=True, return_counts=True), [x], grad=False)


MOMENTS = [
    lambda t, a: t.std_mean(a, 0, correction=0),
    lambda t, a: t.var_mean(a, 0),
    lambda t, a: t.var_mean(a, 0)[1] * 3,
    lambda t, a: t.std_mean(a, (0, 1), correction=2)[1],
    lambda t, a: t.std_mean(a),
    lambda t, a: t.var_mean(a, dim=1, keepdim=True)[1],
]


@pytest.mark.parametrize("fn", MOMENTS)
def test_var_mean_std_mean_backward_float32(fn):
    x = np.random.default_rng(0).standard_normal((6, 4)).astype(np.float32)
    same_on_both(fn, [x])


@pytest.mark.parametrize("shape,dim", [((6, 4), 0), ((6, 4), 1), ((3, 40), 0), ((4, 5, 6), 1), ((4, 5, 6), -1),
                                       ((64, 33), 0), ((7,), 0)])
@pytest.mark.parametrize("op", ["var", "std", "var_mean", "std_mean"])
def test_var_std_backward_mean_in_torch_order(shape, dim, op):
    x = np.random.default_rng(1).standard_normal(shape).astype(np.float32)
    same_on_both(lambda t, a: getattr(t, op)(a, dim), [x])


def test_var_std_float64_values_to_last_bit():
    # float64 var/std: torch's Welford pass vs glasstorch's two passes can differ in the last bit
    x = np.random.default_rng(2).standard_normal((6, 4))
    for fn in MOMENTS[:2] + [lambda t, a: a.unfold(0, 3, 1).std(-1)]:
        same_on_both(fn, [x], rtol=1e-15, atol=1e-16)


@pytest.mark.parametrize("fn", [
    lambda a: glasstorch.std_mean(a, 0),
    lambda a: glasstorch.var_mean(a, 1, keepdim=True),
    lambda a: glasstorch.std(a, 1, correction=0),
    lambda a: glasstorch.var(a, 0),
])
def test_gradcheck_moments(fn):
    a = glasstorch.from_numpy(np.random.default_rng(3).uniform(-1, 1, (4, 3))).requires_grad_()
    assert gradcheck(fn, (a,))



NONFINITE_C = np.array([complex(np.nan, np.inf), complex(-np.inf, 2), 1 + 1j, complex(3, np.nan)])


@pytest.mark.parametrize("dt", [np.complex64, np.complex128])
@pytest.mark.parametrize("kw", [{}, {"nan": 1.5, "posinf": 2.0, "neginf": -3.0}])
def test_nan_to_num_complex(dt, kw):
    same_on_both(lambda t, a: t.nan_to_num(a, **kw), [NONFINITE_C.astype(dt)])
    same_on_both(lambda t, a: a.clone().nan_to_num_(**kw), [NONFINITE_C.astype(dt)], grad=False)


@pytest.mark.parametrize("expr", [
    lambda t: t.nan_to_num(t.tensor([1.0]), nan=1j),
    lambda t: t.nan_to_num(t.tensor([1.0]), nan="a"),
    lambda t: t.nan_to_num(t.tensor([1, 2]), nan=1j),
    lambda t: t.tensor([1.0]).nan_to_num(neginf=1j),
    lambda t: t.tensor([float("nan")]).nan_to_num_(nan="x"),
    lambda t: t.nan_to_num_(t.tensor([float("nan")]), nan=1j),
])
def test_nan_to_num_parser_errors(expr):
    same_error(expr)


def test_nan_to_num_numpy_numbers():
    x = np.array([np.nan, np.inf, -np.inf], np.float32)
    same_on_both(lambda t, a: t.nan_to_num(a, nan=np.float32(2.5), posinf=np.int64(7), neginf=True), [x])


@pytest.mark.parametrize("expr", [
    lambda t: t.std_mean(t.tensor([1.0, 2.0]), out=(t.empty(()), t.empty(()))),
    lambda t: t.var_mean(t.tensor([1.0, 2.0]), 0, out=(t.empty(()), t.empty(()))),
    lambda t: t.std_mean(t.tensor([1.0, 2.0]), foo=1),
    lambda t: t.tensor([1.0, 2.0]).var_mean(out=1),
])
def test_var_mean_std_mean_take_no_out(expr):
    same_error(expr)
