"""Fixes from program sweep sweep23f (NLP data pipelines without torchtext: Counter vocabularies,
pad_sequence, packed sequences with enforce_sorted=False, collate_fns, bucketing samplers, random_split,
WeightedRandomSampler, Embedding / EmbeddingBag, label smoothing with ignore_index).

* ``pad_sequence`` given a 0-dim tensor raised Python's IndexError ("tuple index out of range"): torch
  raises RuntimeError "ArrayRef: invalid slice, N = 1; size = 0" when the first sequence is 0-dim, and
  IndexError "Dimension specified as 0 but tensor has no dimensions" when a later one is.
* ``pad_sequence`` given plain lists / arrays / None (a classic beginner slip: ``pad_sequence(list_of_id_lists)``)
  raised AttributeError: torch's TypeError "expected Tensor as element i in argument 0, but got list";
  ``padding_value`` must be a number (torch's TypeError otherwise) and is taken as a double (so -1 into a
  uint8 batch raises torch's overflow error instead of wrapping to 255); an empty list is refused before a
  bad ``padding_side``, as torch does.
* ``unpad_sequence`` took a Python list of lengths where torch fails (AttributeError on ``lengths.device``);
  ``pad_packed_sequence`` given a plain tuple named ``data`` in its AttributeError, torch ``batch_sizes``.
* ``pack_padded_sequence`` with a length beyond the padded length (a classic off-by-one: lengths counted
  with <bos>/<eos> but the batch truncated) raised NumPy's IndexError: torch does not check it, its
  slices stop at the padded length (``data`` holds fewer rows than ``batch_sizes`` says), and the
  backward then fails with torch's ``select()`` IndexError.
* ``EmbeddingBag`` / ``F.embedding_bag`` with ``per_sample_weights`` of another dtype than the weight
  (float64 weights built with NumPy) computed silently: torch's RuntimeError (after the mode check).
* ``include_last_offset=True`` with a single offset (an empty batch) crashed in NumPy's bincount: torch
  returns a (0, embedding_dim) tensor.  With indices past the last offset, torch's fast float32 kernel
  (no padding_idx) ends the last bag at that offset, while its mean still divides by the count up to the
  end of the input; its other kernels (float64, padding_idx, max mode) put those indices in the last bag.
  glasstorch did the latter everywhere; it now follows each kernel (those indices get no gradient on the
  fast path, where torch's own backward reads uninitialised memory: that gradient is compared with
  torch's on the input cut at the last offset).
* ``nll_loss`` / ``cross_entropy`` with ignored targets (padding tokens at ignore_index) summed in NumPy's
  order, a last-bit difference from torch (e.g. 2.3641078 vs 2.3641076), and the (N, C, d1...) path
  (``nll_loss2d``: token logits as (batch, classes, time)) did so even with no target ignored.  torch's
  loop skips an ignored target together with its cascade fold; as long as no fold point (a batch index
  that is a multiple of 16, over the targets' flat index) is ignored, that order is nll_sum's with zeros
  for the ignored terms, now used for both paths (values bit-exact).  Where torch skips a fold, its order
  merges two runs; following that cost about 1.4-1.8x the whole loss for small batches (over the
  performance budget), so those batches keep NumPy's order and are compared with rtol 1e-6.
"""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import glasstorch
import torch
from glasstorch.autograd.gradcheck import gradcheck

from ._helpers import same_error, same_on_both, same_result_or_error


# ---- pad_sequence --------------------------------------------------------------------------------------
@pytest.mark.parametrize("shapes", [[(), ()], [()], [(2,), ()], [(3, 2), (2,), ()]])
def test_pad_sequence_zero_dim_errors(shapes):
    same_error(lambda m: m.nn.utils.rnn.pad_sequence([m.ones(s) for s in shapes]))


@pytest.mark.parametrize("expr", [
    "R.pad_sequence([[1, 2], [3]])",
    "R.pad_sequence([np.array([1, 2]), np.array([3])], batch_first=True)",
    "R.pad_sequence((m.ones(1), None))",
    "R.pad_sequence([m.ones(1), 3])",
    "R.pad_sequence([[1]], padding_side='middle')",
    "R.pad_sequence([], padding_side='middle')",
    "R.pad_sequence([m.ones(2)], padding_value=None)",
    "R.pad_sequence([m.ones(2)], padding_value='a')",
    "R.pad_sequence([m.arange(3, dtype=m.uint8), m.arange(2, dtype=m.uint8)], padding_value=-1)",
    "R.pad_sequence([m.arange(3, dtype=m.int8), m.arange(2, dtype=m.int8)], padding_value=200)",
    "R.unpad_sequence(m.arange(6).view(2, 3), [2, 3], batch_first=True)",
    "R.pad_packed_sequence((m.ones(3), m.tensor([2, 1])))",
])
def test_rnn_utils_argument_errors(expr):
    same_error(lambda m: eval(expr, {"m": m, "R": m.nn.utils.rnn, "np": np}))


@pytest.mark.parametrize("value", [2.7, -1, True, 0, 1e10])
def test_pad_sequence_padding_value_as_double(value):
    seqs = [np.arange(3, dtype=np.int32), np.arange(1, dtype=np.int32)]
    same_result_or_error(lambda m, a, b: m.nn.utils.rnn.pad_sequence([a, b], padding_value=value), seqs,
                         grad=False)
    same_result_or_error(lambda m, a, b: m.nn.utils.rnn.pad_sequence([a, b], padding_value=m.tensor(value)),
                         seqs, grad=False)


# ---- pack_padded_sequence with lengths beyond the padded length ---------------------------------------
@settings(max_examples=25, deadline=None)
@given(st.integers(1, 4), st.integers(1, 4), st.data(), st.booleans())
def test_pack_padded_lengths_beyond_padded_length(steps, batch, data, batch_first):
    lengths = data.draw(st.lists(st.integers(1, steps + 3), min_size=batch, max_size=batch))
    shape = (batch, steps, 2) if batch_first else (steps, batch, 2)
    x = np.arange(np.prod(shape), dtype=np.float32).reshape(shape)

    def fn(m, x):
        p = m.nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=batch_first, enforce_sorted=False)
        return p.data, p.batch_sizes, p.sorted_indices, p.unsorted_indices
    same_on_both(fn, [x], grad=False)


@pytest.mark.parametrize("batch_first", [True, False])
def test_pack_padded_beyond_padded_length_backward_error(batch_first):
    shape = (3, 2, 2) if batch_first else (2, 3, 2)

    def fn(m):
        x = m.ones(shape, requires_grad=True)
        p = m.nn.utils.rnn.pack_padded_sequence(x, [2, 1, 3], batch_first=batch_first, enforce_sorted=False)
        p.data.sum().backward()
    same_error(fn)


@pytest.mark.parametrize("batch_first", [True, False])
def test_pack_padded_gradcheck(batch_first):
    x = glasstorch.randn(3, 4, 2, dtype=glasstorch.float64, requires_grad=True)
    lengths = [2, 4, 1] if batch_first else [3, 3, 1]
    pack = glasstorch.nn.utils.rnn.pack_padded_sequence

    def f(x):
        return pack(x, lengths, batch_first=batch_first, enforce_sorted=False).data
    assert gradcheck(f, (x,))


# ---- EmbeddingBag ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("wdt,pdt,mode", [("float32", "float64", "sum"), ("float64", "float32", "sum"),
                                          ("float32", "float64", "mean"), ("float32", "float16", "sum")])
def test_embedding_bag_per_sample_weights_dtype(wdt, pdt, mode):
    same_error(lambda m: m.nn.functional.embedding_bag(
        m.tensor([1, 2, 3]), m.ones(5, 2, dtype=getattr(m, wdt)), m.tensor([0, 1]), mode=mode,
        per_sample_weights=m.ones(3, dtype=getattr(m, pdt))))


@pytest.mark.parametrize("mode", ["sum", "mean"])
def test_embedding_bag_include_last_offset_single_offset(mode):
    # (no backward compared: torch's fills the weight's gradient from uninitialised memory)
    w = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)
    same_on_both(lambda m, w: m.nn.functional.embedding_bag(m.tensor([1, 2, 3]), w, m.tensor([0]), mode=mode,
                                                            include_last_offset=True), [w], grad=False)
    wg = glasstorch.from_numpy(w).requires_grad_()
    glasstorch.nn.functional.embedding_bag(glasstorch.tensor([1, 2, 3]), wg, glasstorch.tensor([0]), mode=mode,
                                           include_last_offset=True).sum().backward()
    assert wg.grad.shape == (5, 3) and not wg.grad.any()


@settings(max_examples=30, deadline=None)
@given(st.data(), st.sampled_from(["sum", "mean", "max"]), st.sampled_from(["float32", "float64"]),
       st.sampled_from([None, 1, 4]), st.booleans())
def test_embedding_bag_include_last_offset_trailing(data, mode, dt, padding_idx, weighted):
    n = data.draw(st.integers(1, 7))
    idx = np.array(data.draw(st.lists(st.integers(0, 5), min_size=n, max_size=n)), np.int64)
    cuts = sorted(data.draw(st.lists(st.integers(0, n), min_size=1, max_size=4)))
    offsets = np.array([0] + cuts, np.int64)
    w = np.random.default_rng(n).standard_normal((6, 3)).astype(dt)
    psw = np.random.default_rng(1).standard_normal(n).astype(dt) if weighted and mode == "sum" else None

    def fn(m, w, *rest):
        return m.nn.functional.embedding_bag(m.from_numpy(idx), w, m.from_numpy(offsets), mode=mode,
                                             include_last_offset=True, padding_idx=padding_idx,
                                             per_sample_weights=rest[0] if rest else None)
    same_on_both(fn, [w] if psw is None else [w, psw], grad=False)


@pytest.mark.parametrize("weighted", [False, True])
def test_embedding_bag_trailing_indices_get_no_gradient(weighted):
    # torch's own backward is undefined here; its gradient on the input cut at the last offset is the truth
    rng = np.random.default_rng(3)
    w = rng.standard_normal((6, 3)).astype(np.float32)
    g = rng.standard_normal((2, 3)).astype(np.float32)
    idx, offs, psw = [1, 2, 4, 3, 5], [0, 2, 3], rng.standard_normal(5).astype(np.float32)
    wt = torch.from_numpy(w.copy()).requires_grad_()
    pt = torch.from_numpy(psw[:3].copy()).requires_grad_()
    torch.nn.functional.embedding_bag(torch.tensor(idx[:3]), wt, torch.tensor(offs), mode="sum",
                                      include_last_offset=True,
                                      per_sample_weights=pt if weighted else None).backward(torch.from_numpy(g))
    wg = glasstorch.from_numpy(w.copy()).requires_grad_()
    pg = glasstorch.from_numpy(psw.copy()).requires_grad_()
    out = glasstorch.nn.functional.embedding_bag(glasstorch.tensor(idx), wg, glasstorch.tensor(offs), mode="sum",
                                                 include_last_offset=True,
                                                 per_sample_weights=pg if weighted else None)
    out.backward(glasstorch.from_numpy(g))
    np.testing.assert_array_equal(wg.grad.numpy(), wt.grad.numpy())
    if weighted:
        np.testing.assert_array_equal(pg.grad.numpy(), np.r_[pt.grad.numpy(), 0, 0])


@pytest.mark.parametrize("mode", ["sum", "mean"])
def test_embedding_bag_include_last_offset_gradcheck(mode):
    # float64 takes torch's general kernel: the indices past the last offset belong to the last bag
    w = glasstorch.randn(6, 3, dtype=glasstorch.float64, requires_grad=True)
    idx, offs = glasstorch.tensor([1, 2, 4, 3, 5]), glasstorch.tensor([0, 2, 3])
    assert gradcheck(lambda w: glasstorch.nn.functional.embedding_bag(idx, w, offs, mode=mode,
                                                                      include_last_offset=True), (w,))


# ---- nll_loss / cross_entropy with ignored targets ------------------------------------------------------
def _targets(data, n, c, keep_folds):
    y = np.array(data.draw(st.lists(st.integers(0, c - 1), min_size=n, max_size=n)), np.int64)
    ignored = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)), bool)
    if keep_folds:
        ignored[16::16] = False
    y[ignored] = -100
    return y


@settings(max_examples=40, deadline=None)
@given(st.data(), st.integers(1, 300), st.sampled_from(["mean", "sum"]), st.booleans(), st.floats(0, 0.3))
def test_cross_entropy_ignore_index_bit_exact(data, n, reduction, weighted, smoothing):
    c = 5
    y = _targets(data, n, c, keep_folds=True)
    x = (np.random.default_rng(n).standard_normal((n, c)) * 3).astype(np.float32)
    w = np.random.default_rng(1).random(c).astype(np.float32)

    def fn(m, x):
        return m.nn.functional.cross_entropy(x, m.from_numpy(y), weight=m.from_numpy(w) if weighted else None,
                                             reduction=reduction, label_smoothing=smoothing)
    if smoothing == 0:
        # (log_softmax's backward can differ from torch's in the last bit: gradients within rounding)
        same_on_both(fn, [x], grad_rtol=1e-6, grad_atol=1e-7)
        same_on_both(lambda m, x: m.nn.functional.nll_loss(x, m.from_numpy(y), reduction=reduction), [x])
    else:        # (the smoothing term has its own reduction, not bit-exact for every batch)
        same_on_both(fn, [x], rtol=1e-6, atol=1e-7)


@settings(max_examples=30, deadline=None)
@given(st.data(), st.integers(1, 6), st.sampled_from([1, 5, 16, 24]), st.sampled_from(["mean", "sum"]),
       st.booleans())
def test_cross_entropy_nct_layout_bit_exact(data, batch, steps, reduction, weighted):
    c = 4
    y = _targets(data, batch * steps, c, keep_folds=True).reshape(batch, steps)
    x = (np.random.default_rng(steps).standard_normal((batch, c, steps)) * 3).astype(np.float32)
    w = np.random.default_rng(2).random(c).astype(np.float32)
    same_on_both(lambda m, x: m.nn.functional.nll_loss(x, m.from_numpy(y), reduction=reduction,
                                                       weight=m.from_numpy(w) if weighted else None), [x])


@settings(max_examples=20, deadline=None)
@given(st.data(), st.integers(17, 300))
def test_cross_entropy_skipped_fold_close(data, n):
    # an ignored target at a fold point: NumPy's order, within rounding of torch's
    y = _targets(data, n, 5, keep_folds=False)
    y[16] = -100
    x = (np.random.default_rng(n).standard_normal((n, 5)) * 3).astype(np.float32)
    same_on_both(lambda m, x: m.nn.functional.cross_entropy(x, m.from_numpy(y)), [x], rtol=1e-6, atol=1e-7)


def test_cross_entropy_ignore_index_gradcheck():
    x = glasstorch.randn(40, 5, dtype=glasstorch.float64, requires_grad=True)
    y = glasstorch.tensor([i % 5 if i % 3 else -100 for i in range(40)])
    w = glasstorch.rand(5, dtype=glasstorch.float64)
    assert gradcheck(lambda x: glasstorch.nn.functional.cross_entropy(x, y, weight=w, label_smoothing=0.1), (x,))
    assert gradcheck(lambda x: glasstorch.nn.functional.nll_loss(x.view(4, 10, 5).transpose(1, 2), y.view(4, 10)),
                     (x,))
