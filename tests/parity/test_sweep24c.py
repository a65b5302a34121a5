"""Differences found by the sweep24c resampling-statistics programs (bootstrap intervals, permutation tests,
chi-square / KS tests, kernel density estimates, stratified sampling).

* ``multinomial(replacement=False)`` asked for more samples than there are non-zero weights: the zero
  weights' keys tie at 0 and torch's ``topk`` (libstdc++'s nth_element / partial_sort) picks among them
  in its own order; glasstorch took a stable sort (``[0., 1., 0., 1.]``, 3 samples: ``[1, 3, 2]``, not
  ``[1, 3, 0]``).  The exponential-trick top-k now goes through ``_topk_order``.
* ``randint`` / ``random_`` / ``randint_like``: torch's ``check_from_to_in_range`` refuses a ``from`` or
  ``to - 1`` out of the dtype's range (``to - 1 is out of bounds for unsigned char``; even for an empty
  result), refuses complex, and warns for float bounds past 2**digits; glasstorch wrapped silently.
* ``randperm``: ``n - 1`` must fit an integer dtype (``value cannot be converted to type uint8_t without
  overflow``), float16 / float32 cap n at 2049 / 2**24 + 1, and bool / complex have no kernel
  (NotImplementedError); checked before anything is drawn.
* ``quantile`` / ``nanquantile`` refuse a reduced dim longer than 2**24 (``quantile() input tensor is too
  large``), as torch ranks in double.
* ``searchsorted`` / ``bucketize`` with ``out=``: its dtype must be exactly int32 (``out_int32``) or int64,
  torch's message otherwise; glasstorch cast into any out.
* ``cov(correction=0.5)`` (and a bool, None, a float tensor): torch's parser refuses a non-int; glasstorch
  computed with it.
* ``x @ w.t()`` / ``mm(xc, xc.t())`` of row-major matrices with k <= 4 (cov's Gram matrix of a few
  observations, ``corrcoef`` from it): MKL adds the k products one after another, as in a linear layer's
  forward (``_gemm_order.x_wt``, measured there); ``mm`` now takes that order for this layout too
  (``cov`` of 3 observations was 1 ulp off torch's).
* ``histogram(..., weight=w, density=True)`` / ``histogramdd``: the total the counts are divided by is now
  summed in torch's order (``sum_all``; NumPy's order put weighted densities 1 ulp off).
* Weighted ``histogram`` / ``histogramdd`` of more than 200 points: torch's kernel adds the weights in one
  chunk per thread (HISTOGRAM_GRAIN_SIZE 200) into per-thread histograms, then sums those
  (``ops/_histogram_threads.py``); glasstorch added all weights in one pass (last-bit differences).
* ``x.var()`` / ``x.std()`` of a whole tensor (up to 32768 numbers, one thread in torch): torch's
  ``std_var_all_cpu`` adds the squared deviations one after another in double; NumPy's pairwise sum put
  about a quarter of float32 / float64 results 1 ulp off (a bootstrap SE printed from ``.std()``).
* Parser errors through the sparse router: ``torch.logsumexp(x, None)``, ``torch.sum(x, "a")``,
  ``torch.add(x, "a")``, ``torch.pow(x, "2")``, ``torch.logsumexp(x, 1, 3)``: the wrapper that sends sparse
  tensors to their own methods hid the user's call from the refusal machinery, so glasstorch raised
  NumPy's or Python's words (or returned a result where torch refuses).
"""
import warnings

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import glasstorch
import torch
from glasstorch.autograd.gradcheck import gradcheck

from ._helpers import MODS, same_error, same_on_both, same_outcome


# ---- multinomial without replacement: topk's order among the zero weights' keys
@pytest.mark.parametrize("probs,n", [
    ([0., 1., 0., 1.], 3), ([0., 1., 0., 1.], 4), ([[0., 1., 0., 1., 0., 0., 0.], [1., 0., 0., 0., 0., 0., 0.]], 5),
    ([0.] * 200 + [1.], 3), ([0.] * 200 + [1.], 150), ([0.2, 0.3, 0.5], 3)])
def test_multinomial_without_replacement_zero_weights(probs, n):
    def fn(m):
        m.manual_seed(0)
        return m.multinomial(m.tensor(probs), n)
    same_outcome(fn)


@settings(max_examples=15, deadline=None)
@given(st.lists(st.sampled_from([0., 0., 0.5, 1., 2.]), min_size=2, max_size=12), st.integers(0, 2 ** 16))
def test_multinomial_without_replacement_random(weights, seed):
    if sum(weights) == 0:
        weights[0] = 1.
    n = len(weights)

    def fn(m):
        g = m.Generator().manual_seed(seed)
        return m.multinomial(m.tensor(weights), n, generator=g)
    same_outcome(fn)


# ---- randint / random_ bounds
@pytest.mark.parametrize("low,high,dtype", [
    (0, 300, "uint8"), (0, 256, "uint8"), (-1, 3, "uint8"), (-129, 3, "int8"), (0, 129, "int8"), (0, 128, "int8"),
    (0, 2 ** 16, "int16"), (0, 2 ** 31 + 1, "int32"), (-2 ** 40, 3, "int32"), (0, 70000, "float16"), (0, 3, "bool"),
    (0, 2, "bool"), (3, 3, "uint8"), (300, 3, "uint8"), (0, 3, "complex64")])
def test_randint_bounds(low, high, dtype):
    def fn(m):
        m.manual_seed(0)
        return m.randint(low, high, (2,), dtype=getattr(m, dtype)), m.randint(low, high, (0,), dtype=getattr(m, dtype))
    same_outcome(fn)


def test_random_bounds_in_place_and_like():
    same_outcome(lambda m: m.empty(2, dtype=m.uint8).random_(0, 300))
    same_outcome(lambda m: m.empty(2, dtype=m.uint8).random_(300))
    same_outcome(lambda m: m.empty(2, dtype=m.int8).random_(-200, 3))
    same_outcome(lambda m: m.randint_like(m.empty(2, dtype=m.uint8), 300))
    same_outcome(lambda m: m.randint(0, 300, (2,), out=m.empty(2, dtype=m.uint8)))


@pytest.mark.parametrize("low,high,dtype", [(0, 2 ** 24 + 2, "float32"), (-2 ** 25, 0, "float32"),
                                            (0, 2 ** 60, "float64"), (0, 2 ** 11 + 2, "float16"), (-5, 5, "float32")])
def test_randint_float_precision_warning(low, high, dtype):
    got = {}
    for m in MODS:
        m.manual_seed(0)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            r = m.randint(low, high, (3,), dtype=getattr(m, dtype))
        # (the values: glasstorch draws torch's only while the bounds stay within float32's 2**24 or so)
        got[m] = (r.numpy().tolist() if dtype != "float64" else r.shape, [(w.category.__name__, str(w.message))
                                                                          for w in caught])
    assert got[torch] == got[glasstorch]


# ---- randperm's dtype checks
@pytest.mark.parametrize("n,dtype", [(300, "int8"), (128, "int8"), (129, "int8"), (257, "uint8"), (256, "uint8"),
                                     (3000, "float16"), (2050, "float16"), (2049, "float16"), (2 ** 24 + 2, "float32"),
                                     (2 ** 15 + 1, "int16"), (2 ** 32 + 5, "int32"), (0, "bool"), (3, "bool"),
                                     (3, "complex64"), (0, "int8"), (-1, "uint8")])
def test_randperm_dtype_checks(n, dtype):
    def fn(m):
        m.manual_seed(0)
        return m.randperm(n, dtype=getattr(m, dtype)), m.rand(2)      # nothing drawn when refused
    same_outcome(fn)


def test_randperm_out_dtype_checks():
    same_outcome(lambda m: m.randperm(300, out=m.empty(0, dtype=m.uint8)))
    same_outcome(lambda m: m.randperm(3, out=m.empty(0, dtype=m.bool)))


# ---- quantile's size limit
def test_quantile_too_large():
    x = np.zeros(2 ** 24 + 1, np.float32)
    same_error(lambda m, a: m.quantile(m.from_numpy(a), 0.5), x)
    same_error(lambda m, a: m.nanquantile(m.from_numpy(a).view(1, -1), m.tensor([0.1, 0.9]), dim=1, keepdim=True), x)
    same_error(lambda m, a: m.quantile(m.from_numpy(a), 1.5), x)          # the q checks come first


@settings(max_examples=6, deadline=None)
@given(st.integers(1, 30), st.floats(0, 1), st.sampled_from(["linear", "lower", "higher", "nearest", "midpoint"]))
def test_quantile_modes_and_gradcheck(n, q, mode):
    x = np.random.default_rng(n).standard_normal((3, n))
    same_on_both(lambda m, a: m.quantile(a, q, dim=1, interpolation=mode), [x])
    same_on_both(lambda m, a: m.quantile(a, m.tensor([0.25, q], dtype=a.dtype), dim=0, interpolation=mode), [x])
    xt = glasstorch.from_numpy(x.copy()).requires_grad_()
    assert gradcheck(lambda a: glasstorch.quantile(a, q, dim=1, interpolation=mode), (xt,))


# ---- searchsorted / bucketize out=
@pytest.mark.parametrize("out_dtype,out_int32", [("int32", False), ("int64", True), ("int16", False), ("float32", False),
                                                 ("int32", True), ("int64", False)])
def test_searchsorted_out_dtype(out_dtype, out_int32):
    same_outcome(lambda m: m.searchsorted(m.tensor([1., 2.]), m.tensor([1.5]), out_int32=out_int32,
                                          out=m.empty(1, dtype=getattr(m, out_dtype))))
    same_outcome(lambda m: m.searchsorted(m.tensor([1., 2.]), 1.0, right=True, out_int32=out_int32,
                                          out=m.empty(1, dtype=getattr(m, out_dtype))))
    same_outcome(lambda m: m.bucketize(m.tensor([1.]), m.tensor([1., 2.]), out_int32=out_int32,
                                       out=m.empty(1, dtype=getattr(m, out_dtype))))


def test_searchsorted_out_checks_order():
    # the boundaries / values shape check comes before the out dtype check
    same_outcome(lambda m: m.searchsorted(m.tensor([[1., 2.]]), m.tensor([1.]), out=m.empty(1, dtype=m.int16)))


# ---- cov's correction is an int
@pytest.mark.parametrize("corr", [0.5, True, None, "a", 2.0])
def test_cov_correction_must_be_int(corr):
    x = np.array([[1., 2.], [3., 5.]], np.float32)
    same_error(lambda m, a: m.cov(m.from_numpy(a), correction=corr), x)
    same_error(lambda m, a: m.from_numpy(a).cov(correction=corr), x)


def test_cov_correction_int_forms():
    x = np.array([[1., 2., 4.], [3., 5., 1.]])
    same_on_both(lambda m, a: m.cov(a, correction=np.int64(0)), [x])
    same_on_both(lambda m, a: m.cov(a, correction=m.tensor(2)), [x])
    same_error(lambda m, a: m.cov(m.from_numpy(a), correction=m.tensor(0.5)), x)
    same_error(lambda m, a: m.cov(m.from_numpy(a), correction=m.tensor([1])), x)
    xt = glasstorch.from_numpy(x.copy()).requires_grad_()
    assert gradcheck(lambda a: glasstorch.cov(a, correction=0, aweights=glasstorch.tensor([1., 2., .5],
                                                                                           dtype=glasstorch.float64)),
                     (xt,))


# ---- parser errors behind the sparse router
def test_routed_functions_parser_errors():
    x = np.array([[1., 2.], [3., 5.]], np.float32)
    same_error(lambda m, a: m.logsumexp(m.from_numpy(a), None), x)
    same_error(lambda m, a: m.logsumexp(m.from_numpy(a), dim=None), x)
    same_error(lambda m, a: m.from_numpy(a).logsumexp(dim=None), x)
    same_error(lambda m, a: m.logsumexp(m.from_numpy(a), 1, 3), x)
    same_error(lambda m, a: m.sum(m.from_numpy(a), "a"), x)
    same_error(lambda m, a: m.sum(m.from_numpy(a), dim=1.5), x)
    same_error(lambda m, a: m.sum(m.from_numpy(a), 1, keepdim=None), x)
    same_error(lambda m, a: m.add(m.from_numpy(a), "a"), x)
    same_error(lambda m, a: m.mul(m.from_numpy(a), None), x)
    same_error(lambda m, a: m.pow(m.from_numpy(a), "2"), x)
    # the gradient g * exp(x - y) is torch's formula; float32 exp may differ from torch's (SLEEF) in the last bit
    same_on_both(lambda m, a: m.logsumexp(a, (0, 1)), [x], grad_rtol=2e-7)


# ---- small Gram matrices x @ w.t() in MKL's order (cov, corrcoef)
@settings(max_examples=20, deadline=None)
@given(st.integers(1, 9), st.integers(2, 4), st.integers(1, 8), st.sampled_from([np.float32, np.float64]),
       st.integers(0, 2 ** 16))
def test_mm_x_wt_small_k(n, k, p, dtype, seed):
    p = min(p, 3) if k == 4 else p          # the widths measured (_gemm_order.x_wt); wider ones keep NumPy's BLAS
    rng = np.random.default_rng(seed)
    x, w = rng.standard_normal((n, k)).astype(dtype), rng.standard_normal((p, k)).astype(dtype)
    # the forward is exact; the backward's products (other layouts) keep NumPy's BLAS order: within rounding
    tol = dict(grad_rtol=2e-6, grad_atol=1e-6) if dtype == np.float32 else dict(grad_rtol=1e-14, grad_atol=1e-14)
    same_on_both(lambda m, a, b: m.mm(a, b.t()), [x, w], **tol)
    same_on_both(lambda m, a, b: a @ b.t(), [x, w], **tol)


@settings(max_examples=10, deadline=None)
@given(st.integers(2, 4), st.integers(2, 4), st.integers(0, 2 ** 16))
def test_cov_corrcoef_few_observations(rows, obs, seed):
    x = np.round(np.random.default_rng(seed).standard_normal((rows, obs)) * 4) / 4
    # values exact; gradients within rounding (the backward's products keep NumPy's BLAS order)
    for c in (0, 1):
        same_on_both(lambda m, a: m.cov(a, correction=c), [x], grad_rtol=1e-13, grad_atol=1e-14)
    same_on_both(lambda m, a: m.corrcoef(a), [x], grad_rtol=1e-13, grad_atol=1e-14)
    xt = glasstorch.from_numpy(x.copy()).requires_grad_()
    assert gradcheck(lambda a: glasstorch.cov(a), (xt,))


# ---- histogram densities: the total in torch's order
@settings(max_examples=20, deadline=None)
@given(st.integers(1, 60), st.integers(1, 12), st.sampled_from([np.float32, np.float64]), st.integers(0, 2 ** 16))
def test_histogram_weighted_density(n, bins, dtype, seed):
    rng = np.random.default_rng(seed)
    x, w = rng.standard_normal(n).astype(dtype), rng.random(n).astype(dtype)
    edges = np.sort(rng.choice(np.linspace(-2, 2, 41), bins + 1, replace=False)).astype(dtype)
    same_on_both(lambda m, a, b, e: tuple(m.histogram(a, bins=e, weight=b, density=True)), [x, w, edges], grad=False)
    same_on_both(lambda m, a, b: tuple(m.histogram(a, bins=bins, range=(-1., 1.5), weight=b, density=True)), [x, w],
                 grad=False)

    def dd(m, a, b):
        r = m.histogramdd(a.view(-1, 1).repeat(1, 2) * m.tensor([1., -1.], dtype=a.dtype), bins=[bins, 3], weight=b,
                          density=True)
        return (r.hist,) + tuple(r.bin_edges)
    same_on_both(dd, [x, w], grad=False)


# ---- whole-tensor var / std: squared deviations added in order, in double
@settings(max_examples=15, deadline=None)
@given(st.sampled_from([2, 5, 13, 100, 1000, 6000]), st.sampled_from([np.float32, np.float64]), st.integers(0, 1),
       st.integers(0, 2 ** 16))
def test_whole_tensor_var_std(n, dtype, correction, seed):
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal(n) * rng.choice([1., 100.]) + rng.choice([0., 5.])).astype(dtype)
    same_on_both(lambda m, a: m.var(a, correction=correction), [x])
    same_on_both(lambda m, a: a.std(), [x])
    if n % 2 == 0:
        same_on_both(lambda m, a: a.view(-1, 2).std(unbiased=False), [x], grad=False)
        same_on_both(lambda m, a: m.var(a.view(2, -1), dim=(0, 1), keepdim=True), [x], grad=False)
    xt = glasstorch.from_numpy(x[:13].astype(np.float64)).requires_grad_()
    assert gradcheck(lambda a: glasstorch.std(a, correction=correction), (xt,))


# ---- weighted histograms: per-thread chunks, then summed
@settings(max_examples=8, deadline=None)
@given(st.sampled_from([150, 200, 201, 300, 401, 1000]), st.sampled_from([np.float32, np.float64]),
       st.integers(0, 2 ** 16))
def test_histogram_weights_thread_chunks(n, dtype, seed):
    rng = np.random.default_rng(seed)
    x, w = rng.standard_normal(n).astype(dtype), rng.random(n).astype(dtype)
    edges = np.array([-3., -1., -.5, 0., .5, 1., 3.], dtype)
    same_on_both(lambda m, a, b, e: tuple(m.histogram(a, bins=e, weight=b)), [x, w, edges], grad=False)
    same_on_both(lambda m, a, b: m.histogram(a, bins=5, weight=b - 0.5).hist, [x, w], grad=False)

    def dd(m, a, b):
        return m.histogramdd(m.stack([a, a.flip(0)], 1), bins=[4, 3], weight=b).hist
    same_on_both(dd, [x, w], grad=False)
