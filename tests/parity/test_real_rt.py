"""Real programs, unchanged, run on torch and on glasstorch (sgrvinod's a-PyTorch-Tutorial-to-* repositories).

Programs run: Object-Detection (SSD300 training step, detect_objects' NMS, calculate_mAP, eval.py),
Image-Captioning (Encoder / DecoderWithAttention training and eval.py's beam search),
Sequence-Labeling (LM-LSTM-CRF, the CRF partition function by log_sum_exp, Viterbi decoding, dynamic_rnn.py),
Transformers (a small Transformer trained by train.train with LabelSmoothedCE, then translate's beam search)
and Super-Resolution (train_srresnet.main, train_srgan.main).

Fixed in glasstorch:

* Warnings are shown once per place by Python's default filter, and torch's places are its own lines:
  the deprecated ``size_average``/``reduce`` warning names ``_Loss.__init__`` for every loss module, each
  functional loss's own line for those converting with ``legacy_get_string`` (l1, mse, smooth_l1,
  cross_entropy, nll, poisson_nll, multilabel_soft_margin) and ``legacy_get_enum``'s one line for the rest.
  glasstorch named one line of its own for all of them, so after the first such warning of a program the
  others were not shown (Object-Detection's ``CrossEntropyLoss(reduce=False)``, then any functional loss).
* The RNN layers' "dropout option adds dropout after all but last recurrent layer" warning named a line of
  the wrapper glasstorch puts around layers' ``__init__`` (shared by all layers; another line with
  ``device=``), where torch's names LSTM's, GRU's or RNN's ``super().__init__`` line (Sequence-Labeling's
  LSTMs): an LSTM's warning hid a later GRU's; an ``RNNBase(...)`` built directly now names the caller's line.
* ``F.kl_div`` with ``size_average``/``reduce`` no longer adds the "reduction: 'mean' divides the total loss
  ..." warning: torch gives it only when ``reduction`` itself is used (found by the tests of the above).
* Once glasstorch's ``__torch_function__`` checks are switched on (a mode, a meta tensor, a subclass), the
  F functions are called through a wrapper frame: every ``stacklevel=2`` warning of theirs (kl_div's 'mean',
  softmax's implicit dim, upsample's deprecation, ...) named the wrapper's line instead of the caller's, so
  it showed once in all; the wrapper's code now carries a file name Python's warnings step over.  The
  legacy-reduction helpers are imported into ``nn.functional`` under private names, so the switch does not
  wrap them (nor offer ``F.legacy_reduction``, which torch has not).
"""
import warnings

import numpy as np
from hypothesis import given, settings, strategies as st

import glasstorch
import torch

from ._helpers import same_error, same_on_both, same_outcome


def _warning_trace(mod, calls):
    """The warnings ``calls`` give under the default filter (each place once): category, message and place,
    a place in this file by line, one in the library by the order it first appeared."""
    places, out = {}, []
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("default")
        for call in calls:
            call(mod)
    for w in rec:
        if w.filename == __file__:
            where = ("here", w.lineno)
        else:
            where = ("library", places.setdefault((w.filename, w.lineno), len(places)))
        out.append((w.category.__name__, str(w.message), where))
    return out


def _same_warnings(calls):
    want = _warning_trace(torch, calls)
    assert _warning_trace(glasstorch, calls) == want


X = np.array([[0.2, 0.7, 0.1], [0.6, 0.3, 0.9], [0.5, 0.5, 0.4], [0.8, 0.1, 0.35]], dtype=np.float32)
T = np.array([0, 2, 1, 0])


def _t(m, a):
    return m.from_numpy(a.copy())


LOSSES = {
    "CrossEntropyLoss": lambda m, f: m.nn.CrossEntropyLoss(**f),
    "NLLLoss": lambda m, f: m.nn.NLLLoss(**f),
    "MSELoss": lambda m, f: m.nn.MSELoss(**f),
    "BCELoss": lambda m, f: m.nn.BCELoss(**f),
    "l1_loss": lambda m, f: m.nn.functional.l1_loss(_t(m, X), _t(m, X) * 2, **f),
    "mse_loss": lambda m, f: m.nn.functional.mse_loss(_t(m, X), _t(m, X) * 2, **f),
    "smooth_l1_loss": lambda m, f: m.nn.functional.smooth_l1_loss(_t(m, X), _t(m, X) * 2, **f),
    "cross_entropy": lambda m, f: m.nn.functional.cross_entropy(_t(m, X), _t(m, T), **f),
    "nll_loss": lambda m, f: m.nn.functional.nll_loss(_t(m, X), _t(m, T), **f),
    "poisson_nll_loss": lambda m, f: m.nn.functional.poisson_nll_loss(_t(m, X), _t(m, X), **f),
    "multilabel_soft_margin_loss": lambda m, f: m.nn.functional.multilabel_soft_margin_loss(_t(m, X), _t(m, X), **f),
    "kl_div": lambda m, f: m.nn.functional.kl_div(_t(m, X), _t(m, X), **f),
    "binary_cross_entropy": lambda m, f: m.nn.functional.binary_cross_entropy(_t(m, X), _t(m, X), **f),
    "binary_cross_entropy_with_logits":
        lambda m, f: m.nn.functional.binary_cross_entropy_with_logits(_t(m, X), _t(m, X), **f),
    "soft_margin_loss": lambda m, f: m.nn.functional.soft_margin_loss(_t(m, X), _t(m, X), **f),
    "multi_margin_loss": lambda m, f: m.nn.functional.multi_margin_loss(_t(m, X), _t(m, T), **f),
    "hinge_embedding_loss": lambda m, f: m.nn.functional.hinge_embedding_loss(_t(m, X), _t(m, X), **f),
    "margin_ranking_loss": lambda m, f: m.nn.functional.margin_ranking_loss(_t(m, X[:, 0]), _t(m, X[:, 1]),
                                                                          _t(m, X[:, 2]), **f),
    "cosine_embedding_loss": lambda m, f: m.nn.functional.cosine_embedding_loss(_t(m, X), _t(m, X), _t(m, X[:, 0]),
                                                                              **f),
    "triplet_margin_loss": lambda m, f: m.nn.functional.triplet_margin_loss(_t(m, X), _t(m, X), _t(m, X), **f),
    "multilabel_margin_loss": lambda m, f: m.nn.functional.multilabel_margin_loss(_t(m, X), _t(m, T * 0 - 1)
                                                                                .view(4, 1).expand(4, 3)
                                                                                .contiguous(), **f),
}
FLAGS = [{"reduce": False}, {"size_average": False}, {"size_average": True, "reduce": True}, {"reduce": True}]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(sorted(LOSSES)), st.sampled_from(range(len(FLAGS)))),
                min_size=1, max_size=7))
def test_legacy_reduction_warning_shown_once_per_torch_place(calls):
    _same_warnings([lambda m, n=n, k=k: LOSSES[n](m, FLAGS[k]) for n, k in calls])


def test_legacy_reduction_warning_after_a_loss_module():
    # Object-Detection's MultiBoxLoss builds CrossEntropyLoss(reduce=False): a functional loss's own
    # warning afterwards is still shown, as are those of each functional place
    _same_warnings([lambda m: m.nn.CrossEntropyLoss(reduce=False),
                    lambda m: m.nn.L1Loss(reduce=False),
                    lambda m: m.nn.functional.l1_loss(_t(m, X), _t(m, X), reduce=False),
                    lambda m: m.nn.functional.mse_loss(_t(m, X), _t(m, X), reduce=False),
                    lambda m: m.nn.functional.kl_div(_t(m, X), _t(m, X), reduce=False),
                    lambda m: m.nn.functional.soft_margin_loss(_t(m, X), _t(m, X), reduce=False),
                    lambda m: m.nn.functional.mse_loss(_t(m, X), _t(m, X), size_average=False)])


def test_legacy_reduction_warning_places_with_torch_function_active():
    # glasstorch turns its __torch_function__ checks on at the first mode (or meta tensor, or subclass) and
    # wraps F's public functions then: its warning helpers are not among them, so no wrapper frame moves
    # the place the warnings name, inside a mode or after it
    def in_mode(call):
        def run(m):
            class Through(m.overrides.TorchFunctionMode):
                def __torch_function__(self, func, types, args=(), kwargs=None):
                    return func(*args, **(kwargs or {}))
            with Through():
                call(m)
        return run
    calls = [lambda m: m.nn.functional.l1_loss(_t(m, X), _t(m, X), reduce=False),
             lambda m: m.nn.functional.mse_loss(_t(m, X), _t(m, X), reduce=False),
             lambda m: m.nn.functional.kl_div(_t(m, X), _t(m, X), reduce=False),
             lambda m: m.nn.functional.soft_margin_loss(_t(m, X), _t(m, X), reduce=False),
             lambda m: m.nn.MSELoss(size_average=False)]
    _same_warnings([in_mode(c) for c in calls])
    _same_warnings(calls)
    assert not hasattr(glasstorch.nn.functional, "legacy_reduction") and \
        not hasattr(torch.nn.functional, "legacy_reduction")


def test_warnings_name_the_callers_line_once_the_torch_function_checks_are_on():
    # F.kl_div's 'mean' warning, softmax's implicit dim, upsample's deprecation (stacklevel=2 in torch):
    # after a mode switched glasstorch's checks on they named its wrapper's line, and showed once in all
    from glasstorch import _torch_function
    was_on = _torch_function.STATE.active
    try:
        for m in (torch, glasstorch):
            class Through(m.overrides.TorchFunctionMode):
                def __torch_function__(self, func, types, args=(), kwargs=None):
                    return func(*args, **(kwargs or {}))
            with Through():
                m.ones(1) + 1
        calls = [lambda m: m.nn.functional.kl_div(_t(m, X), _t(m, X)),
                 lambda m: m.nn.functional.kl_div(_t(m, X), _t(m, X), log_target=True),
                 lambda m: m.nn.functional.softmax(_t(m, X)),
                 lambda m: m.nn.functional.log_softmax(_t(m, X)),
                 lambda m: m.nn.functional.upsample(_t(m, X).view(1, 4, 3), scale_factor=2)]
        trace = _warning_trace(glasstorch, calls)
        assert [w[2][0] for w in trace] == ["here"] * 5
        _same_warnings(calls)
    finally:
        if not was_on:
            _torch_function.deactivate()


def test_legacy_reduction_values_unchanged():
    for name in ("l1_loss", "cross_entropy", "kl_div", "soft_margin_loss", "multilabel_margin_loss"):
        for flags in FLAGS:
            same_outcome(lambda m, name=name, flags=flags: LOSSES[name](m, flags))


RNNS = {
    "LSTM": lambda m: m.nn.LSTM(2, 3, dropout=0.5),
    "LSTM_device": lambda m: m.nn.LSTM(2, 3, dropout=0.5, device="cpu"),
    "LSTM_other": lambda m: m.nn.LSTM(2, 4, dropout=0.25, batch_first=True),
    "GRU": lambda m: m.nn.GRU(2, 3, dropout=0.5),
    "RNN": lambda m: m.nn.RNN(2, 3, dropout=0.5),
    "RNN_relu": lambda m: m.nn.RNN(2, 3, dropout=0.5, nonlinearity="relu"),
    "RNNBase": lambda m: m.nn.RNNBase("LSTM", 2, 3, dropout=0.5),
    "two_layers": lambda m: m.nn.GRU(2, 3, num_layers=2, dropout=0.5),
}


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from(sorted(RNNS)), min_size=1, max_size=6))
def test_rnn_dropout_warning_names_each_layers_init(names):
    _same_warnings([RNNS[n] for n in names])


def test_rnn_dropout_warning_lstm_then_gru_then_rnn():
    # Sequence-Labeling's LSTM(..., dropout=0.5, num_layers=1): the GRU's and RNN's warnings still show
    _same_warnings([RNNS["LSTM"], RNNS["LSTM_device"], RNNS["GRU"], RNNS["RNN"], RNNS["RNN_relu"], RNNS["LSTM"]])


def test_rnn_base_built_directly_warns_at_the_callers_line():
    calls = [lambda m: m.nn.RNNBase("GRU", 2, 3, dropout=0.5),
             lambda m: m.nn.RNNBase("LSTM", 2, 3, dropout=0.5)]
    trace = _warning_trace(glasstorch, calls)
    assert [w[2][0] for w in trace] == ["here", "here"]
    _same_warnings(calls)


# behaviour the programs rely on, pinned while checking them


def test_uint8_mask_index_warns_and_selects():
    # detect_objects: class_decoded_locs[1 - suppress] with suppress a uint8 tensor
    def fn(m):
        s = m.tensor([0, 1, 0, 1], dtype=m.uint8)
        return m.arange(8.).view(4, 2)[1 - s], m.max(s, m.tensor([True, False, False, True]))
    same_outcome(fn)
    calls = [lambda m: m.arange(8.).view(4, 2)[m.tensor([0, 1, 0, 1], dtype=m.uint8)]]
    assert [(c, msg) for c, msg, _ in _warning_trace(glasstorch, calls)] == \
        [(c, msg) for c, msg, _ in _warning_trace(torch, calls)]


def test_packed_sequence_unpacked_into_two_names():
    # the programs' `scores, _ = pack_padded_sequence(...)`, written for a 2-field PackedSequence
    def fn(m):
        scores, _ = m.nn.utils.rnn.pack_padded_sequence(m.ones(3, 4, 2), [4, 2, 1], batch_first=True)
    same_error(fn)


@settings(max_examples=20, deadline=None)
@given(st.integers(2, 5), st.integers(1, 4), st.floats(0.0, 0.5))
def test_label_smoothed_cross_entropy(n, c_extra, eps):
    # Transformers' LabelSmoothedCE: scatter(dim, index, value=1.) one-hot, smoothed, times log_softmax
    rng = np.random.default_rng(n * 10 + c_extra)
    c = c_extra + 2
    x = rng.standard_normal((n, c)).astype(np.float32)
    idx = rng.integers(0, c, (n, 1))

    def fn(m, x):
        tv = m.zeros_like(x).scatter(dim=1, index=m.from_numpy(idx.copy()), value=1.)
        tv = tv * (1. - eps) + eps / tv.size(1)
        return m.mean((-1 * tv * m.nn.functional.log_softmax(x, dim=1)).sum(dim=1))
    same_on_both(fn, [x], rtol=1e-6, atol=1e-7)


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 4), st.integers(2, 5), st.integers(0, 2 ** 16))
def test_crf_partition_and_viterbi_step(b, k, seed):
    # Sequence-Labeling: log_sum_exp over the previous tag, written into a zeros buffer slice, then
    # ViterbiDecoder's max over it and the gather of back-pointers
    rng = np.random.default_rng(seed)
    s = rng.standard_normal((b, 3, k, k)).astype(np.float32)

    def fn(m, s):
        acc = m.zeros(b, k)
        acc[:b] = s[:b, 0, 0, :]
        for t in (1, 2):
            z = s[:b, t, :, :] + acc[:b].unsqueeze(2)
            mx, _ = m.max(z, 1)
            acc[:b] = mx + m.log(m.sum(m.exp(z - mx.unsqueeze(1).expand_as(z)), 1))
        best, ptr = m.max(s[:, 1] + acc.detach().unsqueeze(2), dim=1)
        return acc, best, m.gather(ptr, 1, m.zeros(b, 1, dtype=m.long))
    same_on_both(fn, [s], rtol=1e-6, atol=1e-6)
