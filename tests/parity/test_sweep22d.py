"""Differences found by the sweep22d data-analysis programs (group-by with scatter_reduce / index_add,
ranks and percentiles, binning and sorted joins, NaN-aware rolling statistics, correlation tables).

* ``nanmedian(x, dim)`` on a slice where every value is NaN: torch reports the index that GCC's
  ``std::nth_element`` (introselect, every comparison false) leaves at position 0, e.g. 9 for 12 NaNs;
  glasstorch reported 0.  (With any number in the slice the stable order was already right.)
* ``histc``: torch maps x to ``int((x - lo) * bins / (hi - lo))`` in the input's dtype without looking
  at the edges again; glasstorch used ``np.histogram`` (an exact search in float64), which put values at
  inner edges one bin off (float64 data on a grid).  Its range errors are torch's RuntimeError and text
  (``range of [-nan, -nan] is not finite``; the finiteness check before "max must be larger than min").
* ``histogram``: the checks and messages of torch's histogramdd (weight shape and dtype, bins tensor
  dtype / dim / size, bins > 0, non-finite range, "min should not exceed max"); an empty input spans
  [0, 1]; float16 data without a range is refused; outputs of an input that requires grad carry the
  NotImplemented node.
* ``histogramdd``: an empty range widens by 0.5 (glasstorch: 1), empty input spans [0, 1], density with
  weights, NaN / dimension / bins-count errors, weights summed in the input's dtype.
* ``index_add(alpha=2.5)`` on an integer tensor: torch converts alpha to the tensor's dtype first (2).
* ``quantile(x, [0.5])`` (a list q) is the argument parser's TypeError, not a comparison failure;
  a float16 input is refused ("must be either float or double dtype") as torch does.
* ``torch.segment_reduce`` (group-by over sorted runs) was missing: lengths or offsets, axis, initial,
  unsafe, and torch's backward with its quirks (SegmentReduceBackward0).
* ``cov``: fweights / aweights dtype errors name the dtype as torch does (``Float``, ``Long``, ``Bool``;
  bool fweights are refused).
"""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import glasstorch
import torch
from glasstorch.autograd.gradcheck import gradcheck

from ._helpers import same_error, same_on_both, same_outcome

NAN, INF = float("nan"), float("inf")


# ---- nanmedian on all-NaN slices --------------------------------------------------------------------
@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 120), cols=st.integers(1, 3), seed=st.integers(0, 10**6))
def test_nanmedian_all_nan_slice_index(n, cols, seed):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 4, (n, cols)).astype(np.float32)
    x[rng.random((n, cols)) < 0.3] = np.nan
    x[:, 0] = np.nan                                  # one slice all NaN
    same_on_both(lambda m, a: m.nanmedian(a, dim=0), [x])
    same_on_both(lambda m, a: m.nanmedian(a.t(), dim=1, keepdim=True), [x])


def test_nanmedian_all_nan_sizes_1_to_300():
    for n in range(1, 301, 7):
        same_on_both(lambda m, a: a.nanmedian(0), [np.full(n, np.nan, np.float64)], grad=False)


def test_nanmedian_dim_gradcheck():
    x = glasstorch.tensor([[0.3, 1.2, -0.7], [2.0, -1.1, 0.4], [0.9, 0.1, 1.5]], dtype=glasstorch.float64,
                          requires_grad=True)
    assert gradcheck(lambda a: glasstorch.nanmedian(a, dim=0).values, (x,))


# ---- histc ------------------------------------------------------------------------------------------
@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 150), bins=st.integers(1, 25), kind=st.sampled_from(["grid", "rand", "ratio"]),
       dt=st.sampled_from([np.float32, np.float64]), ranged=st.booleans(), seed=st.integers(0, 10**6))
def test_histc_bins_as_torch_computes_them(n, bins, kind, dt, ranged, seed):
    rng = np.random.default_rng(seed)
    x = {"grid": np.linspace(0, 1, n), "rand": rng.random(n),
         "ratio": rng.integers(0, 20, n) / rng.integers(1, 8)}[kind].astype(dt)
    lo, hi = (float(rng.integers(-2, 1)) / 3, float(rng.integers(1, 4)) / 3) if ranged else (0, 0)
    same_on_both(lambda m, a: m.histc(a, bins=bins, min=lo, max=hi), [x], grad=False)


def test_histc_float64_grid_case():
    """The sweep's failing case: 109 points of linspace(0, 1) in 9 bins (torch: 12 12 12 12 12 12 13 11 13)."""
    same_on_both(lambda m, a: m.histc(a, bins=9), [np.linspace(0, 1, 109)], grad=False)


@pytest.mark.parametrize("bins", [5, 10])
def test_histc_of_percentages(bins):
    """0.00 .. 1.00 in 10 bins: torch 10 x 9 then 11 (an exact search gives 10 10 11 9 10 11 10 9 10 11)."""
    same_on_both(lambda m, a: m.histc(a / 100, bins=bins), [np.arange(101, dtype=np.float64)], grad=False)


@pytest.mark.parametrize("vals,lo,hi", [
    ([1.0, NAN, 3.0], 0, 0), ([NAN], 0, 0), ([1.0, INF, 3.0], 0, 0), ([INF], 0, 0), ([INF, INF], 0, 0),
    ([1.0, 2.0], 0, INF), ([1.0, 2.0], 0.5, NAN), ([1.0, 2.0], INF, 1), ([1.0, 2.0], 3, 1),
])
def test_histc_range_errors(vals, lo, hi):
    same_error(lambda m: m.histc(m.tensor(vals), bins=4, min=lo, max=hi))


# ---- histogram --------------------------------------------------------------------------------------
@pytest.mark.parametrize("call", [
    lambda m: m.histogram(m.tensor([1., 2., 3.]), bins=3, weight=m.tensor([1., 2.])),
    lambda m: m.histogram(m.ones(2, 3), bins=3, weight=m.ones(3, 2).double()),
    lambda m: m.histogram(m.tensor([1., NAN]), bins=3),
    lambda m: m.histogram(m.tensor([-NAN, 2.]), bins=3),
    lambda m: m.histogram(m.tensor([1., 2.]), bins=3, range=(0., INF)),
    lambda m: m.histogram(m.tensor([1., 2.]), bins=3, range=(2., 1.)),
    lambda m: m.histogram(m.tensor([1., 2.]), bins=3, range=(1., 2., 3.)),
    lambda m: m.histogram(m.tensor([1., 2.]), bins=m.tensor([[0., 1.]])),
    lambda m: m.histogram(m.tensor([1., 2.]), bins=m.tensor([0, 1, 3])),
    lambda m: m.histogram(m.tensor([1., 2.]), bins=m.tensor([])),
    lambda m: m.histogram(m.tensor([1., 2.]), bins=m.tensor([1.])),
    lambda m: m.histogram(m.tensor([1., 2.]), bins=0),
    lambda m: m.histogram(m.tensor([1., 2.]), bins=m.tensor([1., 2.]), weight=m.tensor([1., 2.]).double()),
])
def test_histogram_errors(call):
    same_error(call)


@pytest.mark.parametrize("call", [
    lambda m: m.histogram(m.tensor([]), bins=2),
    lambda m: m.histogram(m.tensor(3.), bins=2, weight=m.tensor(2.)),
    lambda m: m.histogram(m.tensor([1., 2., 7., 3.]).reshape(2, 2), bins=m.tensor([1., 2., 2., 5.]),
                          weight=m.tensor([1., 2., 4., 8.]).reshape(4, 1)),
    lambda m: m.histogram(m.tensor([1., 2., 2.5]), bins=2, range=(2., 2.), density=True),
])
def test_histogram_values(call):
    same_outcome(lambda m: tuple(call(m)))


@pytest.mark.parametrize("call", [
    lambda m: m.histogram(m.tensor([1., 2., 7.]).half(), bins=3),
    lambda m: m.histogram(m.tensor([1., 2., 7.]).half(), bins=3, range=(0., 8.)),
    lambda m: m.histogram(m.tensor([1., 2., 7.]).half(), bins=m.tensor([0., 2., 8.]).half()),
    lambda m: m.histogram(m.tensor([]).half(), bins=3),
    lambda m: m.histogramdd(m.tensor([[1., 2.], [7., 3.]]).half(), bins=2),
    lambda m: m.histogramdd(m.tensor([[1., 2.], [7., 3.]]).half(), bins=[2, 2], range=[0., 8., 0., 4.]),
])
def test_histogram_half_needs_a_range(call):
    """torch finds the data's range with a float/double-only aminmax: float16 works given a range."""
    same_outcome(lambda m: (lambda r: (r.hist,) + (tuple(r.bin_edges) if isinstance(r.bin_edges, tuple)
                                                    else (r.bin_edges,)))(call(m)))


def _grad_fns(m, fn):
    x = m.tensor([[1., 2.], [0.5, 3.]], requires_grad=True)
    r = fn(m, x)
    outs = [r.hist] + (list(r.bin_edges) if isinstance(r.bin_edges, tuple) else [r.bin_edges])
    return [(o.requires_grad, type(o.grad_fn).__name__) for o in outs]


@pytest.mark.parametrize("fn", [
    lambda m, x: m.histogram(x.reshape(-1), bins=2),
    lambda m, x: m.histogram(x.reshape(-1), bins=m.tensor([0., 1., 3.])),
    lambda m, x: m.histogramdd(x, bins=[2, 3]),
])
def test_histogram_outputs_carry_not_implemented(fn):
    assert _grad_fns(torch, fn) == _grad_fns(glasstorch, fn)
    same_error(lambda m: fn(m, m.tensor([[1., 2.], [0.5, 3.]], requires_grad=True)).hist.sum().backward())


def test_histogramdd_bin_edges_backward_message():
    same_error(lambda m: m.histogramdd(m.tensor([[1., 2.]], requires_grad=True), bins=[2, 2]).bin_edges[1]
               .sum().backward())


# ---- histogramdd ------------------------------------------------------------------------------------
@pytest.mark.parametrize("call", [
    lambda m: m.histogramdd(m.tensor([[1., 2.], [1., 3.]]), bins=[2, 2]),
    lambda m: m.histogramdd(m.tensor([[1., 2.], [1., 3.]]), bins=2, weight=m.tensor([1., 2.]), density=True),
    lambda m: m.histogramdd(m.zeros(0, 2), bins=[2, 2]),
    lambda m: m.histogramdd(m.tensor([[0.3, 0.1], [0.7, 0.9], [0.5, 0.5], [1.0, 0.2]]).double(), bins=[2, 3],
                            range=[0., 1., 0., 1.], weight=m.tensor([0.1, 0.2, 0.3, 0.4]).double()),
    lambda m: m.histogramdd(m.ones(2, 2, 2), bins=(2, 3), weight=m.ones(2, 2)),
    lambda m: m.histogramdd(m.tensor([[1., 2.]]), bins=[m.tensor([0., 1.]), m.tensor([0., 3.])]),
    lambda m: m.histogramdd(m.tensor([[1., 2.]]), bins=2),
    lambda m: m.histogramdd(m.tensor([1., 2.]), bins=2),
    lambda m: m.histogramdd(m.tensor([[1., 2.]]), bins=[2]),
    lambda m: m.histogramdd(m.tensor([[1., 2.]]), bins=[m.tensor([0., 1.])]),
    lambda m: m.histogramdd(m.tensor([[1., 2.]]), bins=[2, 2], range=[0., 1.]),
    lambda m: m.histogramdd(m.tensor([[1., 2.]]), bins=[2, 2], range=[1., 0., 0., 1.]),
    lambda m: m.histogramdd(m.tensor([[1., 2.]]), bins=[2, 0]),
    lambda m: m.histogramdd(m.tensor([[1, 2]]), bins=[2, 2]),
    lambda m: m.histogramdd(m.tensor([[1., NAN]]), bins=[2, 2]),
    lambda m: m.histogramdd(m.tensor([[1., 2.]]), bins=[2, 2], weight=m.tensor([1., 2.])),
    lambda m: m.histogramdd(m.ones(2, 2, 2), bins=2, weight=m.ones(4)),
    lambda m: m.histogramdd(m.tensor([[1., 2.]]), bins=[m.tensor([0., 1.]), m.tensor([0, 1])]),
])
def test_histogramdd(call):
    same_outcome(lambda m: (call(m).hist,) + tuple(call(m).bin_edges))


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 60), b0=st.integers(1, 6), b1=st.integers(1, 6), seed=st.integers(0, 10**6))
def test_histogramdd_random(n, b0, b1, seed):
    rng = np.random.default_rng(seed)
    x = (rng.integers(0, 12, (n, 2)) / 4).astype(np.float32)
    w = rng.random(n).astype(np.float32)
    same_on_both(lambda m, a, wt: (lambda r: (r.hist,) + tuple(r.bin_edges))(m.histogramdd(a, bins=[b0, b1],
                                                                                           weight=wt)), [x, w],
                 grad=False)


# ---- index_add alpha, cov weights -------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8"])
@pytest.mark.parametrize("alpha", [2.5, -2.5, 2.9, 3])
def test_index_add_alpha_converted_to_int_dtype(dtype, alpha):
    if dtype == "uint8" and alpha < 0:
        alpha = -alpha
    src = np.array([[5, 4], [1, 7]], dtype=dtype)
    same_on_both(lambda m, s: m.zeros(3, 2, dtype=s.dtype).index_add(0, m.tensor([0, 2]), s, alpha=alpha),
                 [src], grad=False)
    same_on_both(lambda m, s: m.zeros(3, dtype=s.dtype).index_add_(0, m.tensor([0, 0]), s[:, 0], alpha=alpha),
                 [src], grad=False)


def test_index_add_float_alpha_grad():
    same_on_both(lambda m, x, s: x.index_add(0, m.tensor([1, 1, 0]), s, alpha=0.5),
                 [np.ones((2, 3), np.float32), np.arange(9, dtype=np.float32).reshape(3, 3)])


@pytest.mark.parametrize("kw", [
    {"fweights": lambda m: m.tensor([1., 1., 2.])}, {"fweights": lambda m: m.tensor([1., 1., 2.]).double()},
    {"fweights": lambda m: m.tensor([True, True, False])}, {"aweights": lambda m: m.tensor([1, 1, 2])},
    {"aweights": lambda m: m.tensor([1, 1, 2], dtype=m.uint8)}, {"aweights": lambda m: m.tensor([1, 1, 2], dtype=m.int16)},
])
def test_cov_weight_dtype_errors(kw):
    same_error(lambda m: m.cov(m.tensor([[1., 2., 4.]]), **{k: v(m) for k, v in kw.items()}))


def test_cov_weights_values_and_grad():
    """The final X W X^T is a matmul: torch's BLAS and NumPy's sum the 4 products in different orders, so
    values may differ in the last bit (compared at 2 ulp; glasstorch keeps NumPy's fast matmul)."""
    same_on_both(lambda m, x, a: m.cov(x, fweights=m.tensor([2, 1, 3, 1]), aweights=a, correction=2),
                 [np.array([[1., 2., 4., 0.5], [2., 0., 1., 3.]]), np.array([0.5, 0.2, 0.3, 0.9])], rtol=5e-16,
                 grad_rtol=1e-14, grad_atol=1e-16)
    x = glasstorch.tensor([[1., 2., 4., 0.5], [2., 0., 1., 3.]], dtype=glasstorch.float64, requires_grad=True)
    a = glasstorch.tensor([0.5, 0.2, 0.3, 0.9], dtype=glasstorch.float64, requires_grad=True)
    assert gradcheck(lambda x, a: glasstorch.cov(x, fweights=glasstorch.tensor([2, 1, 3, 1]), aweights=a), (x, a))


# ---- quantile's q of a wrong type -----------------------------------------------------------------
@pytest.mark.parametrize("call", [
    lambda m: m.quantile(m.tensor([1., 2.]), [0.5]),
    lambda m: m.nanquantile(m.tensor([1., 2.]), [0.5, 0.2], dim=0),
    lambda m: m.tensor([1., 2.]).quantile((0.5,)),
    lambda m: m.tensor([1., 2.]).nanquantile("a"),
])
def test_quantile_q_list_is_a_parser_error(call):
    same_error(call)


@pytest.mark.parametrize("call", [
    lambda m: m.quantile(m.tensor([1., 2.]).half(), 0.5),
    lambda m: m.nanquantile(m.tensor([1., 2.]).half(), m.tensor([0.5]).half()),
    lambda m: m.tensor([1., 2.]).half().quantile(0.5, dim=0),
])
def test_quantile_refuses_half(call):
    same_error(call)


def test_quantile_q_numpy_float_and_bool():
    same_outcome(lambda m: (m.quantile(m.tensor([1., 2., 4.]), np.float64(0.3)), m.quantile(m.tensor([1., 2.]), True)))


# ---- segment_reduce (was missing) ---------------------------------------------------------------
_REDUCES = ["sum", "mean", "max", "min", "prod", "amax", "amin"]


@settings(max_examples=40, deadline=None)
@given(lens=st.lists(st.integers(0, 6), min_size=1, max_size=6), reduce=st.sampled_from(_REDUCES),
       initial=st.sampled_from([None, 0.5, -2.0]), cols=st.integers(0, 2), ties=st.booleans(),
       seed=st.integers(0, 10**6))
def test_segment_reduce_values_and_grad(lens, reduce, initial, cols, ties, seed):
    rng = np.random.default_rng(seed)
    n = sum(lens)
    shape = (n,) if cols == 0 else (n, cols)
    x = (rng.integers(-2, 3, shape) if ties else rng.standard_normal(shape)).astype(np.float32)
    same_on_both(lambda m, a: m.segment_reduce(a, reduce, lengths=m.tensor(lens), initial=initial), [x])


def test_segment_reduce_offsets_and_batched_lengths():
    same_on_both(lambda m, a: m.segment_reduce(a, "sum", offsets=m.tensor([1, 2, 5])),
                 [np.arange(1, 6, dtype=np.float32)])
    same_on_both(lambda m, a: m.segment_reduce(a, "max", lengths=m.tensor([[2, 4], [3, 3]]), axis=1),
                 [np.arange(24, dtype=np.float64).reshape(2, 6, 2)])
    same_on_both(lambda m, a: m.segment_reduce(a, "sum", lengths=m.tensor([2, 1]), unsafe=True),
                 [np.arange(1, 4, dtype=np.float32)])


@pytest.mark.parametrize("lens", [[700, 300], [3] * 200 + [400]])
@pytest.mark.parametrize("reduce", ["sum", "mean", "prod"])
def test_segment_reduce_adds_in_order(lens, reduce):
    """float32 sums of long runs round as torch's item-by-item loop rounds them."""
    x = np.random.default_rng(5).standard_normal((sum(lens), 2)).astype(np.float32)
    x = 1 + x / 100 if reduce == "prod" else x * 100
    same_on_both(lambda m, a: m.segment_reduce(a, reduce, lengths=m.tensor(lens), initial=0.5), [x], grad=False)


def test_segment_reduce_quirks():
    """max/min share a positive gradient among ties but not a negative one; NaN takes the gradient;
    prod's zero takes g times the others from ``initial``."""
    same_on_both(lambda m, a: m.segment_reduce(a, "max", lengths=m.tensor([3, 3])) * m.tensor([-1., 2.]),
                 [np.array([3., 3., 1., 5., 5., 2.], np.float32)])
    same_on_both(lambda m, a: m.segment_reduce(a, "max", lengths=m.tensor([3, 3])),
                 [np.array([3., np.nan, 3., 5., 5., 2.], np.float32)])
    same_on_both(lambda m, a: m.segment_reduce(a, "prod", lengths=m.tensor([3, 1, 3]), initial=2.),
                 [np.array([3., 0., 2., 5., 0., 0., 4.], np.float32)])


@pytest.mark.parametrize("reduce", ["sum", "mean", "max", "min", "prod"])
def test_segment_reduce_gradcheck(reduce):
    x = glasstorch.tensor([[0.3, 1.2], [-0.7, 2.0], [-1.1, 0.4], [0.9, 0.1], [1.5, -0.2]], dtype=glasstorch.float64,
                          requires_grad=True)
    lengths = glasstorch.tensor([2, 0, 3])
    assert gradcheck(lambda a: glasstorch.segment_reduce(a, reduce, lengths=lengths, initial=1.25), (x,))


@pytest.mark.parametrize("call", [
    lambda m: m.segment_reduce(m.arange(5.), "sum", lengths=m.tensor([2, 2])),
    lambda m: m.segment_reduce(m.arange(5.), "sum", lengths=m.tensor([6, -1])),
    lambda m: m.segment_reduce(m.arange(5.), "avg", lengths=m.tensor([2, 3])),
    lambda m: m.segment_reduce(m.arange(5.), "sum"),
    lambda m: m.segment_reduce(m.arange(5.), "sum", lengths=m.tensor([2, 3]), axis=1),
    lambda m: m.segment_reduce(m.arange(5.), "sum", lengths=m.tensor([2., 3.])),
    lambda m: m.segment_reduce(m.arange(5.), "sum", indices=m.tensor([0, 0, 1, 1, 1])),
    lambda m: m.segment_reduce(m.arange(5.), "sum", lengths=m.tensor([[2, 3]])),
    lambda m: m.segment_reduce(m.arange(3), "sum", lengths=m.tensor([2, 1])),
    lambda m: m.segment_reduce(m.arange(12.).reshape(2, 6), "sum", lengths=m.tensor([[2, 4], [3, 3]])),
    lambda m: m.segment_reduce(m.arange(12.).reshape(2, 6), "sum", lengths=m.tensor([2, 4]), axis=1),
])
def test_segment_reduce_errors(call):
    same_error(call)
