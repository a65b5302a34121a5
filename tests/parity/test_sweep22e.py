"""Differences found by the sweep22e recurrent-network programs (tests/programs/sweep22e_*.py: layer
anatomy, packed bidirectional LSTM, cell loops against the layers, truncated-BPTT language model,
seq2seq toy tasks).

* ``nn.RNNCell`` / ``nn.GRUCell`` / ``nn.LSTMCell`` and ``torch.rnn_tanh_cell``, ``rnn_relu_cell``,
  ``gru_cell``, ``lstm_cell`` check their sizes as torch's kernels do before the step: "input has
  inconsistent input_size: got .. expected ..", "Input batch size .. doesn't match hidden0 (hidden1
  for LSTM's c) batch size ..", "hidden0 has inconsistent hidden_size: got .., expected .."; a 1-d
  input or hidden given to the functional cells is torch's IndexError.  glasstorch raised matmul and
  broadcasting errors instead.
* ``nn.LSTM`` on a ``PackedSequence`` checks nothing in Python (torch's code), so a mis-shaped
  ``(h0, c0)`` fails in torch's kernel: "got an incorrect number of RNN parameters" (h0 and c0 of
  different widths without proj_size), "Odd number of params or hiddens given to a bidirectional RNN",
  "Expected more hidden states in stacked_rnn", the in-place broadcasting errors of the first step
  for a wrong batch, and IndexError for 2-d states.  glasstorch ran on (a state batch larger than
  the batch gave an extra row of zeros) or raised other errors (rnn_kernel_checks.py).
* The unpacked kernels: "lstm expects two hidden states" (a 3-tuple hx raised a ValueError), a float32
  LSTM's oneDNN path refusing (h0, c0) of another dtype with its messages, "Expected sequence length to
  be larger than 0 in RNN" for an empty sequence; an empty batch runs (glasstorch crashed in a
  reshape), giving torch's shapes and grad_fns.
* ``pack_padded_sequence`` checks as torch's kernel, in its order: 1-d ``lengths`` ("'lengths' argument
  should be a 1D CPU int64 tensor ..."), "Cannot pack empty tensors.", the count, then only the last
  length > 0, then sortedness (a 0 length first with enforce_sorted=True is the sortedness error).
* ``PackedSequence(data, batch_sizes)`` wants a tensor ``batch_sizes`` (its ``.device`` is read, as torch);
  ``PackedSequence((data, batch_sizes))`` wants a pair ("Expected data to be a list or tuple of length 2").
* ``RNNBase._flat_weights`` is the list torch keeps (updated by attribute assignment, re-read at each
  forward when a weight object changed, with ``hasattr`` + ``getattr`` per weight as torch): a dropout
  parametrization on a recurrent weight (DropConnect / AWD-LSTM weight drop) is now computed as often as
  torch computes it, so the random stream and the outputs agree (glasstorch computed it once or twice,
  giving other numbers); ``_apply`` / pickling / deepcopy keep the list; a weight deleted since the
  last read reaches the kernel as torch's TypeError.
"""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import glasstorch
from glasstorch.autograd.gradcheck import gradcheck

from ._helpers import same_error, same_on_both, same_outcome

CELLS = ("RNNCell", "GRUCell", "LSTMCell")


def _cell_call(m, kind, in_feat, batch_in, batch_h, hid_h, batch_c=None, hid_c=None):
    m.manual_seed(0)
    cell = getattr(m.nn, kind)(4, 5)
    x = m.randn(batch_in, in_feat)
    h = m.zeros(batch_h, hid_h)
    if kind == "LSTMCell":
        c = m.zeros(batch_h if batch_c is None else batch_c, hid_h if hid_c is None else hid_c)
        return cell(x, (h, c))
    return cell(x, h)


@settings(max_examples=25, deadline=None)
@given(kind=st.sampled_from(CELLS), in_feat=st.sampled_from([3, 4, 6]), batch_in=st.integers(2, 3),
       batch_h=st.integers(2, 3), hid_h=st.sampled_from([4, 5, 7]))
def test_cell_size_checks(kind, in_feat, batch_in, batch_h, hid_h):
    fn = lambda m: _cell_call(m, kind, in_feat, batch_in, batch_h, hid_h)   # noqa: E731
    if (in_feat, batch_in, hid_h) == (4, batch_h, 5):
        same_outcome(lambda m: fn(m)[0] if kind == "LSTMCell" else fn(m), rtol=1e-6, atol=1e-7)
    else:
        same_error(fn)


@pytest.mark.parametrize("batch_c,hid_c", [(2, 6), (3, 5), (1, 5), (2, 4)])
def test_lstm_cell_checks_c_as_hidden1(batch_c, hid_c):
    same_error(lambda m: _cell_call(m, "LSTMCell", 4, 2, 2, 5, batch_c, hid_c))


def test_unbatched_cell_with_2d_hidden():
    same_error(lambda m: m.nn.GRUCell(4, 5)(m.randn(4), m.zeros(1, 5)))
    same_error(lambda m: m.nn.RNNCell(4, 5, nonlinearity="relu")(m.randn(4), m.zeros(1, 5)))


@pytest.mark.parametrize("name,chunks", [("rnn_tanh_cell", 1), ("rnn_relu_cell", 1), ("gru_cell", 3),
                                         ("lstm_cell", 4)])
@pytest.mark.parametrize("x_shape,h_shape", [((3, 4), (3, 5)), ((3, 4), (5,)), ((4,), (5,)),
                                             ((3, 6), (3, 5)), ((3, 4), (2, 5)), ((3, 4), (3, 7))])
def test_functional_cells(name, chunks, x_shape, h_shape):
    rng = np.random.default_rng(1)
    w_ih = rng.standard_normal((chunks * 5, 4)).astype(np.float32)
    w_hh = rng.standard_normal((chunks * 5, 5)).astype(np.float32)
    b = rng.standard_normal(chunks * 5).astype(np.float32)
    x = rng.standard_normal(x_shape).astype(np.float32)
    h = rng.standard_normal(h_shape).astype(np.float32)

    def fn(m, x, h, w_ih, w_hh, b1, b2):
        hx = (h, h * 0.5) if name == "lstm_cell" else h
        out = getattr(m, name)(x, hx, w_ih, w_hh, b1, b2)
        return m.cat(list(out), 1) if name == "lstm_cell" else out

    arrays = [x, h, w_ih, w_hh, b, -b]
    if x_shape == (3, 4) and h_shape == (3, 5):
        same_on_both(fn, arrays, rtol=1e-6, atol=1e-6, grad_rtol=1e-5, grad_atol=1e-5)
    else:
        same_error(lambda m: fn(m, *[m.from_numpy(a.copy()) for a in arrays]))


def test_cell_gradcheck_float64():
    g = glasstorch
    g.manual_seed(0)
    args = [g.randn(2, 3, dtype=g.float64, requires_grad=True), g.randn(2, 4, dtype=g.float64, requires_grad=True),
            g.randn(2, 4, dtype=g.float64, requires_grad=True), g.randn(16, 3, dtype=g.float64, requires_grad=True),
            g.randn(16, 4, dtype=g.float64, requires_grad=True), g.randn(16, dtype=g.float64, requires_grad=True)]
    assert gradcheck(lambda x, h, c, wi, wh, b: g.lstm_cell(x, (h, c), wi, wh, b, b), args)
    assert gradcheck(lambda x, h, wi, wh, b: g.gru_cell(x, h, wi[:12], wh[:12], b[:12], b[4:]),
                     [args[0], args[1], args[3], args[4], args[5]])


# ---- nn.LSTM on a PackedSequence with a mis-shaped (h0, c0) -------------------------------------------
STATE_CASES = {
    "h0 batch 3": lambda L, R: ((L, 3, R), (L, 3, 4)),
    "h0 batch 1": lambda L, R: ((L, 1, R), (L, 1, 4)),
    "c0 batch 3": lambda L, R: ((L, 2, R), (L, 3, 4)),
    "h0 width 5": lambda L, R: ((L, 2, 5), (L, 2, 4)),
    "c0 width 5": lambda L, R: ((L, 2, R), (L, 2, 5)),
    "one layer more": lambda L, R: ((L + 1, 2, R), (L + 1, 2, 4)),
    "one layer less": lambda L, R: ((L - 1, 2, R), (L - 1, 2, 4)),
    "two layers more": lambda L, R: ((L + 2, 2, R), (L + 2, 2, 4)),
    "2-d states": lambda L, R: ((2, R), (2, 4)),
}


@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("num_layers", [1, 2])
@pytest.mark.parametrize("proj", [0, 2])
@pytest.mark.parametrize("case", sorted(STATE_CASES))
def test_packed_lstm_state_errors(bidirectional, num_layers, proj, case):
    dirs = 2 if bidirectional else 1
    h_shape, c_shape = STATE_CASES[case](num_layers * dirs, proj or 4)

    def fn(m):
        m.manual_seed(0)
        lstm = m.nn.LSTM(3, 4, num_layers=num_layers, bidirectional=bidirectional, proj_size=proj)
        packed = m.nn.utils.rnn.pack_sequence([m.randn(3, 3), m.randn(2, 3)])
        out, (h, c) = lstm(packed, (m.zeros(*h_shape), m.zeros(*c_shape)))
        return out.data

    same_outcome(fn, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("bias", [True, False])
def test_packed_lstm_good_state_unsorted(bias):
    def fn(m):
        m.manual_seed(0)
        lstm = m.nn.LSTM(3, 4, num_layers=2, bidirectional=True, bias=bias)
        packed = m.nn.utils.rnn.pack_sequence([m.randn(2, 3), m.randn(4, 3), m.randn(3, 3)], enforce_sorted=False)
        out, (h, c) = lstm(packed, (m.randn(4, 3, 4), m.randn(4, 3, 4)))
        return m.cat([out.data.flatten(), h.flatten(), c.flatten()])

    same_outcome(fn, rtol=1e-5, atol=1e-6)


# ---- the unpacked kernels' own checks; empty sequences and batches -------------------------------------
@pytest.mark.parametrize("kind", ["RNN", "GRU", "LSTM"])
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("shape", [(0, 2, 3), (5, 0, 3), (0, 3)])
def test_empty_sequence_or_batch(kind, batch_first, bidirectional, shape):
    if batch_first and len(shape) == 3:
        shape = (shape[1], shape[0], shape[2])

    def fn(m):
        m.manual_seed(0)
        layer = getattr(m.nn, kind)(3, 4, num_layers=2, batch_first=batch_first, bidirectional=bidirectional)
        x = m.randn(*shape, requires_grad=True)
        out, h = layer(x)
        h = h if kind == "LSTM" else (h,)
        (out.sum() + sum(s.sum() for s in h)).backward()
        return (out, *h, x.grad, layer.weight_hh_l0.grad)

    same_outcome(fn)


@pytest.mark.parametrize("dtype", ["float16", "int8", "uint8", "int16", "int32", "int64", "bool", "float64"])
@pytest.mark.parametrize("which", ["h0", "c0"])
def test_lstm_onednn_state_dtype(dtype, which):
    def fn(m):
        m.manual_seed(0)
        lstm = m.nn.LSTM(3, 4)
        odd = m.zeros(1, 2, 4, dtype=getattr(m, dtype))
        hx = (odd, m.zeros(1, 2, 4)) if which == "h0" else (m.zeros(1, 2, 4), odd)
        return lstm(m.randn(5, 2, 3), hx)[0]

    same_outcome(fn)


@pytest.mark.parametrize("packed", [False, True])
def test_lstm_wants_two_hidden_states(packed):
    def fn(m):
        lstm = m.nn.LSTM(3, 4)
        x = m.nn.utils.rnn.pack_sequence([m.randn(3, 3), m.randn(2, 3)]) if packed else m.randn(5, 2, 3)
        return lstm(x, (m.zeros(1, 2, 4),) * 3)[1][0]

    same_outcome(fn)


# ---- pack_padded_sequence checks, in the kernel's order; PackedSequence's constructor ---------------------
@pytest.mark.parametrize("shape,lengths,enforce_sorted", [
    ((3, 2, 1), [0, 3], True), ((3, 2, 1), [3, 0], True), ((3, 2, 1), [3, -1], True),
    ((3, 2, 1), [3, 0, 2], True), ((3, 2, 1), [3], True), ((0, 2, 1), [1, 1], True), ((3, 0, 1), [], True),
    ((3, 2, 1), [0, 3], False), ((3, 2, 1), [2, 3], True), ((3, 2, 1), [2.7, 1.2], True), ((3,), [3], True),
    ((3, 2, 1), "0-d", True), ((3, 2, 1), "2-d", True), ((3, 2, 1), "2-d", False)])
@pytest.mark.parametrize("batch_first", [False, True])
def test_pack_padded_sequence_checks(shape, lengths, enforce_sorted, batch_first):
    def fn(m):
        m.manual_seed(0)
        lens = {"0-d": m.tensor(3), "2-d": m.tensor([[3, 2]])}.get(lengths, lengths)
        x = m.randn(*shape)
        x = x.transpose(0, 1) if batch_first and x.dim() > 1 else x
        p = m.nn.utils.rnn.pack_padded_sequence(x, lens, batch_first=batch_first, enforce_sorted=enforce_sorted)
        return p.data, p.batch_sizes

    same_outcome(fn)


@pytest.mark.parametrize("form", ["list sizes", "pair", "triple", "tensor only", "star", "keywords"])
def test_packed_sequence_constructor(form):
    def fn(m):
        p = m.nn.utils.rnn.pack_sequence([m.ones(2, 1), m.ones(1, 1)])
        P = m.nn.utils.rnn.PackedSequence
        q = {"list sizes": lambda: P(p.data, [2, 1]), "pair": lambda: P((p.data, p.batch_sizes)),
             "triple": lambda: P((p.data, p.batch_sizes, None)), "tensor only": lambda: P(p.data),
             "star": lambda: P(*p),
             "keywords": lambda: P(data=p.data, batch_sizes=p.batch_sizes, sorted_indices=m.tensor([1, 0]))}[form]()
        return q.data, q.batch_sizes, q.unsorted_indices if q.unsorted_indices is not None else m.zeros(0)

    same_outcome(fn)


# ---- the layer's weight list (_flat_weights), re-read as torch re-reads it ----------------------------
def _counting(m, p):
    class Drop(m.nn.Module):
        calls = 0

        def forward(self, w):
            type(self).calls += 1
            return m.nn.functional.dropout(w, p, self.training)
    return Drop


# (torch's own oneDNN LSTM takes about a second for some of these, so LSTM runs only a few of them)
@pytest.mark.parametrize("kind,names", [(k, n) for k in ("RNN", "GRU") for n in (
    ("weight_hh_l0",), ("weight_ih_l0",), ("weight_hh_l0", "bias_ih_l1_reverse"))] + [("LSTM", ("weight_hh_l0",))])
@pytest.mark.parametrize("packed", [False, True])
def test_parametrized_weights_read_as_torch(kind, names, packed):
    """A dropout parametrization (DropConnect) is computed as often as torch computes it (so the random
    stream and the weights the kernel gets agree): twice to see a change, twice more to re-read."""
    def fn(m):
        m.manual_seed(0)
        layer = getattr(m.nn, kind)(3, 4, num_layers=2, bidirectional=True)
        Drop = _counting(m, 0.5)
        for n in names:
            m.nn.utils.parametrize.register_parametrization(layer, n, Drop())
        x = m.randn(5, 2, 3)
        if packed:
            x = m.nn.utils.rnn.pack_padded_sequence(x, [5, 3])
        outs = []
        for _ in range(2):
            out = layer(x)[0]
            outs.append(out.data if packed else out)
        return (*outs, m.tensor(Drop.calls), m.rand(2))

    same_outcome(fn, rtol=1e-6, atol=1e-7)


def test_weight_set_each_forward_and_stale_list():
    def fn(m):
        m.manual_seed(0)
        lstm = m.nn.LSTM(3, 4, num_layers=2)
        raw = lstm.weight_hh_l0.detach().clone()
        del lstm._parameters["weight_hh_l0"]
        x = m.randn(4, 2, 3)
        lstm.weight_hh_l0 = raw * 2                 # a plain tensor, as weight-drop wrappers set it
        a = lstm(x)[0]
        del lstm.weight_hh_l1                       # torch keeps using the weight it last read
        b = lstm(x)[0]
        lstm.weight_hh_l0 = m.nn.Parameter(m.zeros(16, 4))
        c = lstm(x)[0]
        return a, b, c, lstm._flat_weights[1], m.tensor(len(lstm._flat_weights))

    same_outcome(fn, rtol=1e-6, atol=1e-7)


def test_functional_call_copy_and_pickle():
    import copy
    import io
    import pickle

    def fn(m):
        m.manual_seed(0)
        gru = m.nn.GRU(3, 4, num_layers=2)
        x = m.randn(4, 2, 3)
        params = {k: v * 0.5 for k, v in gru.named_parameters()}
        a = m.func.functional_call(gru, params, (x,))[0]
        b = gru(x)[0]
        c = copy.deepcopy(gru)
        buf = io.BytesIO()
        pickle.dump(gru, buf)
        d = pickle.loads(buf.getvalue())
        keys = sorted(k for k in d.__dict__ if "flat" in k)
        assert keys == ["_flat_weight_refs", "_flat_weights", "_flat_weights_names"], keys
        assert c._flat_weights[0] is c.weight_ih_l0 and d._flat_weights[0] is d.weight_ih_l0
        return a, b, c(x)[0], d(x)[0], gru.double()(x.double())[0], gru._flat_weights[3]

    same_outcome(fn, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("kind", ["GRU", "LSTM"])
@pytest.mark.parametrize("packed", [False, True])
def test_deleted_weight_reaches_the_kernel(kind, packed):
    def fn(m):
        m.manual_seed(0)
        layer = getattr(m.nn, kind)(3, 4, num_layers=2)
        del layer.weight_hh_l1
        layer.weight_hh_l0 = m.nn.Parameter(m.zeros_like(layer.weight_hh_l0))   # the list is read again
        x = m.randn(4, 2, 3)
        return layer(m.nn.utils.rnn.pack_padded_sequence(x, [4, 2]) if packed else x)[0]

    same_outcome(fn)
