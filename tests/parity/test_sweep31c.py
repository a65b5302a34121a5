"""Parity pins for sweep31c (OCR and handwriting programs: CRNN + CTC, spatial transformers, attention
decoders, Graves-style stroke MDNs, CER/WER and CTC prefix beam search).

Fixed in glasstorch:
- ``torch.ops.aten.<loss>`` follows ATen's schemas: the reduction is an int defaulting to 1 (mean), not
  the top-level binding's 0 (``torch.ops.aten.ctc_loss(...)``, ``aten.hinge_embedding_loss(x, y)``,
  ``aten.kl_div``, ``aten.binary_cross_entropy_with_logits``, ``aten.cosine_embedding_loss``,
  ``aten.triplet_margin_loss``, ``aten.margin_ranking_loss`` returned unreduced losses), and the
  F-only losses take ATen's positional order (``aten.mse_loss(x, y, 0)``, ``aten.nll_loss(x, t, w, 2,
  ignore_index)``, ``aten.huber_loss(x, y, 1, delta)`` ...); ``aten.cross_entropy_loss``,
  ``aten.nll_loss2d`` / ``nll_loss_nd`` and ``aten._ctc_loss`` exist (_aten_losses.py, _op_namespaces.py);
- ``torch._ctc_loss`` exists: the unreduced, unzeroed per-entry loss and the forward variables
  ``log_alpha`` (N, T, 2 max target length + 1) (its written part: row 0 and t < input length,
  s < 2 target length + 1), log_alpha needing no grad, ``zero_infinity`` acting on the gradient
  only, ``CtcLossBackward1`` for tensor lengths, torch's argument-parser TypeErrors
  (nn/_ops/ctc_private.py, nn/_ops/ctc.py, nn/_ops/ctc_args.py, _api_sampler_ctc.py); ``torch.ctc_loss``
  given an unknown keyword or too many positional arguments raises the parser's "invalid combination of
  arguments" (it was Python's TypeError, or the extra argument was dropped) (nn/_ops/ctc_args.py);
- the CTC loss in float32 (``F.ctc_loss``, ``nn.CTCLoss``, ``torch._ctc_loss``) uses glibc's expf and logf
  bit for bit, as torch's kernel (std::exp / std::log) does: with correctly rounded exp / log it
  differed from torch in the last bit now and then (nn/_ops/ctc.py);
- ``torch.grid_sampler_2d`` / ``torch.grid_sampler_3d`` exist, with torch's int enums, its checks in
  its order (the common ones, then "expected 4D/5D input and grid") and its parser TypeErrors
  (_api_sampler_ctc.py, nn/_ops/grid_sample_3d.py);
- ``nn.LSTMCell`` / ``torch.lstm_cell`` check ``hx`` as torch does: a tensor, None or a non-tensor item is
  the argument parser's TypeError ("must be tuple of Tensors, not Tensor", "expected Tensor as element 1
  in argument 1, but got int"), a tuple of other than two is "lstm_cell expects two hidden states"
  (they were ValueErrors from unpacking, or a tensor's rows taken as (h, c)); ``torch.gru_cell`` /
  ``rnn_tanh_cell`` / ``rnn_relu_cell`` refuse a non-tensor ``hx`` with the parser's TypeError
  (nn/_ops/rnn.py, _api_more.py).
(More in test_sweep31c_more.py.)
"""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from glasstorch.autograd.gradcheck import gradcheck
from tests.parity._helpers import same_error, same_on_both, same_outcome

MODS = (torch, glasstorch)
RNG = np.random.default_rng(31)
X = RNG.standard_normal((3, 4)).astype(np.float32)
Y = RNG.standard_normal((3, 4)).astype(np.float32)
SIGN = np.sign(RNG.standard_normal((3, 4))).astype(np.float32)
P = (1 / (1 + np.exp(-X))).astype(np.float32)
T01 = (RNG.random((3, 4)) > 0.5).astype(np.float32)
CLS = np.array([1, 3, 0])
LP = (RNG.standard_normal((6, 2, 4))).astype(np.float32)
LP = (LP - np.log(np.exp(LP).sum(-1, keepdims=True))).astype(np.float32)
TG = np.array([[1, 2], [3, 3]])


def _t(m, a):
    return m.from_numpy(np.array(a, copy=True))


# ---- torch.ops.aten losses: ATen's schemas, reduction an int defaulting to mean -----------------------
ATEN_LOSSES = {
    "ctc_loss": lambda m, a: a.ctc_loss(_t(m, LP), _t(m, TG), [6, 5], [2, 2]),
    "ctc_loss.Tensor": lambda m, a: a.ctc_loss.Tensor(_t(m, LP), _t(m, TG), m.tensor([6, 5]), m.tensor([2, 1])),
    "ctc_loss sum": lambda m, a: a.ctc_loss(_t(m, LP), _t(m, TG), [6, 5], [2, 2], 0, 2),
    "ctc_loss none kw": lambda m, a: a.ctc_loss(_t(m, LP), _t(m, TG), [6, 2], [2, 2], reduction=0,
                                                zero_infinity=True),
    "margin_ranking_loss": lambda m, a: a.margin_ranking_loss(_t(m, X), _t(m, Y), _t(m, SIGN)),
    "margin_ranking_loss none": lambda m, a: a.margin_ranking_loss(_t(m, X), _t(m, Y), _t(m, SIGN), 0.5, 0),
    "cosine_embedding_loss": lambda m, a: a.cosine_embedding_loss(_t(m, X), _t(m, Y), _t(m, SIGN[:, 0])),
    "cosine_embedding_loss sum": lambda m, a: a.cosine_embedding_loss(_t(m, X), _t(m, Y), _t(m, SIGN[:, 0]), 0.1, 2),
    "bce_with_logits": lambda m, a: a.binary_cross_entropy_with_logits(_t(m, X), _t(m, T01)),
    "bce_with_logits pos_weight": lambda m, a: a.binary_cross_entropy_with_logits(
        _t(m, X), _t(m, T01), None, _t(m, P[0]), 2),
    "poisson_nll_loss": lambda m, a: a.poisson_nll_loss(_t(m, X), _t(m, np.abs(Y)), True, False, 1e-8, 1),
    "hinge_embedding_loss": lambda m, a: a.hinge_embedding_loss(_t(m, X), _t(m, SIGN)),
    "hinge_embedding_loss none": lambda m, a: a.hinge_embedding_loss(_t(m, X), _t(m, SIGN), 0.5, 0),
    "kl_div": lambda m, a: a.kl_div(_t(m, X), _t(m, P)),
    "kl_div log_target": lambda m, a: a.kl_div(_t(m, X), _t(m, Y), 2, log_target=True),
    "triplet_margin_loss": lambda m, a: a.triplet_margin_loss(_t(m, X), _t(m, Y), _t(m, P)),
    "triplet_margin_loss none": lambda m, a: a.triplet_margin_loss(_t(m, X), _t(m, Y), _t(m, P), 0.5, 1.0, 1e-6,
                                                                   True, 0),
    "mse_loss": lambda m, a: a.mse_loss(_t(m, X), _t(m, Y)),
    "mse_loss none": lambda m, a: a.mse_loss(_t(m, X), _t(m, Y), 0),
    "l1_loss sum": lambda m, a: a.l1_loss(_t(m, X), _t(m, Y), 2),
    "soft_margin_loss none": lambda m, a: a.soft_margin_loss(_t(m, X), _t(m, SIGN), 0),
    "multilabel_margin_loss": lambda m, a: a.multilabel_margin_loss(_t(m, X), m.tensor([[3, 0, -1, 1]] * 3)),
    "huber_loss delta": lambda m, a: a.huber_loss(_t(m, X), _t(m, Y), 0, 0.5),
    "smooth_l1_loss beta": lambda m, a: a.smooth_l1_loss(_t(m, X), _t(m, Y), 2, 0.3),
    "binary_cross_entropy weight": lambda m, a: a.binary_cross_entropy(_t(m, P), _t(m, T01), _t(m, Y * Y), 0),
    "nll_loss": lambda m, a: a.nll_loss(_t(m, X), _t(m, CLS)),
    "nll_loss positional": lambda m, a: a.nll_loss(_t(m, X), _t(m, CLS), None, 2, 3),
    "nll_loss2d": lambda m, a: a.nll_loss2d(_t(m, X.reshape(1, 3, 2, 2)), m.tensor([[[1, 0], [2, 2]]])),
    "nll_loss_nd none": lambda m, a: a.nll_loss_nd(_t(m, X), _t(m, CLS), None, 0),
    "cross_entropy_loss": lambda m, a: a.cross_entropy_loss(_t(m, X), _t(m, CLS)),
    "cross_entropy_loss smoothing": lambda m, a: a.cross_entropy_loss(_t(m, X), _t(m, CLS), _t(m, P[0]), 1, 0, 0.2),
    "multi_margin_loss": lambda m, a: a.multi_margin_loss(_t(m, X), _t(m, CLS)),
    "multi_margin_loss p2 none": lambda m, a: a.multi_margin_loss(_t(m, X), _t(m, CLS), 2, 0.5, None, 0),
}


@pytest.mark.parametrize("name", sorted(ATEN_LOSSES))
def test_aten_loss_schema(name):
    same_outcome(lambda m: ATEN_LOSSES[name](m, m.ops.aten))


def test_top_level_losses_keep_their_unreduced_default():
    same_outcome(lambda m: (m.hinge_embedding_loss(_t(m, X), _t(m, SIGN)), m.kl_div(_t(m, X), _t(m, P)),
                            m.ctc_loss(_t(m, LP), _t(m, TG), [6, 5], [2, 2])))


# ---- torch._ctc_loss ------------------------------------------------------------------------------------
CTC_GRAD = dict(grad_rtol=1e-4, grad_atol=1e-6)     # torch's gradient kernel works in float32, glasstorch's in float64


def _written(alpha, il, tl):
    """The part of log_alpha torch's kernel writes: row 0, and t < il, s < 2 tl + 1."""
    a = alpha.detach().numpy()
    keep = np.zeros(a.shape, bool)
    keep[:, 0] = True
    for b, (i, n) in enumerate(zip(il, tl)):
        if i > 0:
            keep[b, 1:i, :2 * n + 1] = True
    return np.where(keep, a, 0)


def _private(m, lp, tg, il, tl, tensors=False, **kw):
    lens = (m.tensor(il), m.tensor(tl)) if tensors else (il, tl)
    nll, alpha = m._ctc_loss(lp, _t(m, tg), *lens, **kw)
    return nll, m.from_numpy(_written(alpha, il, tl)), tuple(alpha.shape), str(alpha.dtype), alpha.requires_grad, \
        alpha.grad_fn is None


@pytest.mark.parametrize("tensors", [False, True])
@pytest.mark.parametrize("il, tl", [([6, 5], [2, 2]), ([6, 2], [2, 2]), ([0, 5], [0, 1]), ([3, 6], [0, 1])])
def test_private_ctc_loss(il, tl, tensors):
    same_on_both(lambda m, lp: _private(m, lp, TG, il, tl, tensors), [LP], **CTC_GRAD)


def test_private_ctc_loss_float64_concatenated_targets_and_blank():
    same_on_both(lambda m, lp: _private(m, lp, np.array([1, 2, 0]), [6, 4], [2, 1], blank=3), [LP.astype(np.float64)],
                 grad_rtol=1e-12, grad_atol=1e-14)


@pytest.mark.parametrize("zero_infinity", [False, True])
def test_private_ctc_loss_zero_infinity_acts_on_the_gradient(zero_infinity):
    def fn(m):
        x = _t(m, LP).requires_grad_(True)
        nll, _ = m._ctc_loss(x, _t(m, TG), [6, 2], [2, 2], 0, zero_infinity)
        nll.sum().backward()
        return nll.detach(), x.grad
    same_outcome(fn, rtol=1e-4, atol=1e-6)      # (the loss itself is pinned exactly above)


def test_private_ctc_loss_through_aten_and_overloads():
    same_on_both(lambda m, lp: m.ops.aten._ctc_loss(lp, _t(m, TG), [6, 5], [2, 2])[0], [LP], **CTC_GRAD)
    same_on_both(lambda m, lp: m.ops.aten._ctc_loss.Tensor(lp, _t(m, TG), m.tensor([6, 5]), m.tensor([2, 2]))[0],
                 [LP], **CTC_GRAD)
    same_on_both(lambda m, lp: m._ctc_loss(log_probs=lp, targets=_t(m, TG), input_lengths=[6, 5],
                                           target_lengths=[2, 2], zero_infinity=True)[0], [LP], **CTC_GRAD)


@pytest.mark.parametrize("call", [
    lambda m: m._ctc_loss(_t(m, LP[:, 0]), _t(m, TG[0]), [6], [2]),
    lambda m: m._ctc_loss(_t(m, LP), _t(m, TG), m.tensor([6, 5]), [2, 2]),
    lambda m: m._ctc_loss(_t(m, LP), _t(m, TG), [6, 5], [2, 2], reduction=1),
    lambda m: m._ctc_loss(_t(m, LP), _t(m, TG), [6, 5], [2, 2], 0, 1),
    lambda m: m._ctc_loss(_t(m, LP), _t(m, TG), [6, 5.0], [2, 2]),
    lambda m: m._ctc_loss(_t(m, LP), _t(m, TG), [6, 7], [2, 2]),
    lambda m: m._ctc_loss(_t(m, LP), _t(m, TG), [6, 5], [2, 3]),
    lambda m: m._ctc_loss(_t(m, LP), _t(m, TG), [6, 5], [2, 2], 4),
    lambda m: m._ctc_loss(_t(m, LP).half(), _t(m, TG), [6, 5], [2, 2]),
    lambda m: m._ctc_loss(_t(m, LP)[:0], _t(m, TG), [0, 0], [0, 0]),
    lambda m: m._ctc_loss(_t(m, LP), _t(m, TG), [6, 5], [2, 2], 0, False, True),
    lambda m: m._ctc_loss(_t(m, LP), _t(m, TG), [6, 5], [2, 2], foo=1),
    lambda m: m._ctc_loss(_t(m, LP), _t(m, TG), [6, 5], [2, 2], blank=0.5),
    lambda m: m._ctc_loss(_t(m, LP), _t(m, TG), (6, 5), m.tensor([2, 2])),
    lambda m: m.ctc_loss(_t(m, LP), _t(m, TG), [6, 5], [2, 2], 0, 1, False, True),
    lambda m: m.ctc_loss(_t(m, LP), _t(m, TG), [6, 5], [2, 2], foo=1),
])
def test_private_ctc_loss_errors(call):
    same_error(call)


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 7), st.lists(st.tuples(st.integers(0, 7), st.integers(0, 3)), min_size=1, max_size=4),
       st.integers(0, 2**31 - 1))
def test_private_ctc_loss_random(T, entries, seed):
    rng = np.random.default_rng(seed)
    il = [min(i, T) for i, _ in entries]
    tl = [n for _, n in entries]
    lp = rng.standard_normal((T, len(entries), 5)).astype(np.float32)
    lp = (lp - np.log(np.exp(lp).sum(-1, keepdims=True))).astype(np.float32)
    tg = rng.integers(1, 5, (len(entries), 3))
    same_on_both(lambda m, x: _private(m, x, tg, il, tl), [lp], **CTC_GRAD)


def test_ctc_forward_rounds_as_glibc():
    # thousands of float32 exp / log calls: glibc's expf / logf round differently from the correctly
    # rounded value in ~0.1% / ~0.7% of them, and torch's kernel gets its std::exp / std::log from glibc
    rng = np.random.default_rng(2002425123)
    T, N, C, S = 40, 32, 6, 9
    lp = rng.standard_normal((T, N, C)).astype(np.float32)
    lp = (lp - np.log(np.exp(lp).sum(-1, keepdims=True))).astype(np.float32)
    tg = rng.integers(1, C, (N, S))
    il = rng.integers(2 * S, T + 1, N).tolist()
    tl = rng.integers(0, S + 1, N).tolist()
    same_on_both(lambda m, x: m.nn.functional.ctc_loss(x, _t(m, tg), il, tl, reduction="none"), [lp], grad=False)
    same_on_both(lambda m, x: _private(m, x, tg, il, tl), [lp], grad=False)


def test_gradcheck_private_ctc_loss():
    x = glasstorch.from_numpy(RNG.standard_normal((5, 2, 4))).requires_grad_(True)
    tg = glasstorch.tensor([[1, 2], [3, 3]])
    assert gradcheck(lambda z: glasstorch._ctc_loss(z.log_softmax(-1), tg, [5, 5], [2, 2])[0], (x,))
    assert gradcheck(lambda z: glasstorch._ctc_loss(z.log_softmax(-1), tg, glasstorch.tensor([5, 4]),
                                                    glasstorch.tensor([2, 1]))[0], (x,))


# ---- torch.grid_sampler_2d / grid_sampler_3d --------------------------------------------------------------
IMG = RNG.standard_normal((2, 3, 4, 5)).astype(np.float32)
GRID = (RNG.random((2, 3, 4, 2)) * 2.4 - 1.2).astype(np.float32)
VOL = RNG.standard_normal((1, 2, 3, 4, 2)).astype(np.float32)
GRID3 = (RNG.random((1, 2, 2, 3, 3)) * 2.4 - 1.2).astype(np.float32)


@pytest.mark.parametrize("mode", [0, 1, 2])
@pytest.mark.parametrize("padding", [0, 1, 2])
@pytest.mark.parametrize("align", [False, True])
def test_grid_sampler_2d(mode, padding, align):
    same_on_both(lambda m, x, g: m.grid_sampler_2d(x, g, mode, padding, align), [IMG, GRID], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("mode", [0, 1])
@pytest.mark.parametrize("padding", [0, 1, 2])
@pytest.mark.parametrize("align", [False, True])
def test_grid_sampler_3d(mode, padding, align):
    same_on_both(lambda m, x, g: m.grid_sampler_3d(x, g, mode, padding, align), [VOL, GRID3], rtol=1e-5, atol=1e-6)


def test_grid_sampler_keywords_and_aten():
    same_on_both(lambda m, x, g: m.grid_sampler_2d(input=x, grid=g, interpolation_mode=0, padding_mode=1,
                                                   align_corners=True), [IMG, GRID], rtol=1e-5, atol=1e-6)
    same_on_both(lambda m, x, g: m.ops.aten.grid_sampler_3d(x, g, 1, 0, False), [VOL, GRID3])
    same_on_both(lambda m, x, g: m.grid_sampler_2d(x.double(), g.double(), 0, 2, False), [IMG, GRID],
                 rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("call", [
    lambda m: m.grid_sampler_2d(_t(m, VOL), _t(m, GRID3), 0, 0, False),
    lambda m: m.grid_sampler_3d(_t(m, IMG), _t(m, GRID), 0, 0, False),
    lambda m: m.grid_sampler_3d(_t(m, VOL), _t(m, GRID3), 2, 0, False),
    lambda m: m.grid_sampler_2d(_t(m, IMG), _t(m, GRID3), 0, 0, False),
    lambda m: m.grid_sampler_2d(_t(m, IMG), _t(m, GRID[:1]), 0, 0, False),
    lambda m: m.grid_sampler_2d(_t(m, IMG), _t(m, GRID).double(), 0, 0, False),
    lambda m: m.grid_sampler_2d(_t(m, IMG).long(), _t(m, GRID), 0, 0, False),
    lambda m: m.grid_sampler_2d(_t(m, IMG), _t(m, GRID), "bilinear", 0, False),
    lambda m: m.grid_sampler_2d(_t(m, IMG), _t(m, GRID), 0, 1.0, False),
    lambda m: m.grid_sampler_3d(_t(m, VOL), _t(m, GRID3), 0, 0, 1),
])
def test_grid_sampler_errors(call):
    same_error(call)


def test_gradcheck_grid_sampler_2d():
    x = glasstorch.from_numpy(IMG[:1, :2].astype(np.float64)).requires_grad_(True)
    g = glasstorch.from_numpy(GRID[:1, :2].astype(np.float64) * 0.9).requires_grad_(True)
    assert gradcheck(lambda a, b: glasstorch.grid_sampler_2d(a, b, 0, 1, False), (x, g))


@pytest.mark.parametrize("call", [
    lambda m, x: m._ctc_loss(x, _t(m, TG), [6, 5], [2, 2]),
    lambda m, x: m.grid_sampler_2d(x[:, :2].reshape(1, 2, 6, 2), m.zeros(1, 2, 2, 2), 0, 0, False),
])
def test_forward_ad_is_refused(call):
    def fn(m):
        fwd = m.autograd.forward_ad
        with fwd.dual_level():
            x = fwd.make_dual(_t(m, LP), _t(m, np.ones_like(LP)))
            return call(m, x)
    same_error(fn)


# ---- the recurrent cells' hidden-state arguments ---------------------------------------------------------
def _h(m, *shape):
    return m.zeros(*shape)


@pytest.mark.parametrize("call", [
    lambda m: m.nn.LSTMCell(4, 6)(m.ones(2, 4), (_h(m, 2, 6),)),
    lambda m: m.nn.LSTMCell(4, 6)(m.ones(2, 4), (_h(m, 2, 6),) * 3),
    lambda m: m.nn.LSTMCell(4, 6)(m.ones(2, 4), ()),
    lambda m: m.nn.LSTMCell(4, 6)(m.ones(2, 4), _h(m, 2, 6)),
    lambda m: m.nn.LSTMCell(4, 6)(m.ones(2, 4), (_h(m, 6), _h(m, 6))),
    lambda m: m.nn.LSTMCell(4, 6)(m.ones(2, 4), (_h(m, 2, 6), 0)),
    lambda m: m.nn.LSTMCell(4, 6)(m.ones(4), (_h(m, 6),)),
    lambda m: m.lstm_cell(m.ones(2, 4), (_h(m, 2, 4),), m.ones(16, 4), m.ones(16, 4)),
    lambda m: m.lstm_cell(m.ones(2, 4), [_h(m, 2, 4)] * 3, m.ones(16, 4), m.ones(16, 4)),
    lambda m: m.lstm_cell(m.ones(2, 4), _h(m, 2, 4), m.ones(16, 4), m.ones(16, 4)),
    lambda m: m.lstm_cell(m.ones(2, 4), None, m.ones(16, 4), m.ones(16, 4)),
    lambda m: m.lstm_cell(m.ones(2, 4), (_h(m, 2, 4), None), m.ones(16, 4), m.ones(16, 4)),
    lambda m: m.lstm_cell(m.ones(2, 4), (np.zeros((2, 4), np.float32), _h(m, 2, 4)), m.ones(16, 4), m.ones(16, 4)),
    lambda m: m.gru_cell(m.ones(2, 4), (_h(m, 2, 4),), m.ones(12, 4), m.ones(12, 4)),
    lambda m: m.gru_cell(m.ones(2, 4), [_h(m, 2, 4)], m.ones(12, 4), m.ones(12, 4)),
    lambda m: m.rnn_tanh_cell(m.ones(2, 4), None, m.ones(4, 4), m.ones(4, 4)),
    lambda m: m.rnn_relu_cell(m.ones(2, 4), 1.0, m.ones(4, 4), m.ones(4, 4)),
])
def test_cell_hidden_state_errors(call):
    same_error(call)


@pytest.mark.parametrize("call", [
    lambda m, x: m.nn.LSTMCell(4, 3)(x, [x[:, :3] * 0.5, x[:, 1:] * 0.1]),
    lambda m, x: m.nn.LSTMCell(4, 3)(x[0], (x[0, :3],) * 3),          # unbatched: torch's forward takes the first two
    lambda m, x: m.lstm_cell(x, [x[:, :2], x[:, 2:]], m.ones(8, 4) * 0.1, m.ones(8, 2) * 0.2),
    lambda m, x: m.gru_cell(x, x[:, :2], m.ones(6, 4) * 0.1, m.ones(6, 2) * 0.2),
])
def test_cell_hidden_state_forms(call):
    def fn(m, x):
        m.manual_seed(0)
        return call(m, x)
    same_on_both(fn, [X[:2]], rtol=1e-6, atol=1e-7)
