"""RNN, LSTM, GRU and their cells: names, initial weights, reprs, outputs, final states and
gradients (inputs, initial states, every parameter) against torch."""
import warnings

import numpy as np
import pytest
import torch

import glasstorch
from ._helpers import assert_same_array, grad_fn_name, same_error
from ._nn_helpers import MODS, assert_same_params, build_both

R = np.random.default_rng(0)
RTOL, ATOL = 1e-5, 1e-6


def arr(*shape):
    return R.standard_normal(shape).astype(np.float32)


def _flatten(out):
    if isinstance(out, (tuple, list)):
        return [y for x in out for y in _flatten(x)]
    return [out]


def check_recurrent(factory, inputs, train=True, seed=0):
    """Build on both, run ``module(*inputs)`` (None stays None), compare every output, then
    backpropagate random gradients into all outputs and compare all gradients."""
    mt, mg = build_both(factory, seed)
    assert repr(mt) == repr(mg)
    assert_same_params(mt, mg)
    if not train:
        mt.eval(), mg.eval()
    ins = {}
    for m in MODS:
        def mk(a):
            if a is None:
                return None
            if isinstance(a, tuple):
                return tuple(mk(x) for x in a)
            return m.from_numpy(a.copy()).requires_grad_(True)
        ins[m] = [mk(a) for a in inputs]
        m.manual_seed(seed + 1)                    # dropout between layers draws from here
    outs = {m: _flatten((mt if m is torch else mg)(*ins[m])) for m in MODS}
    for a, b in zip(outs[torch], outs[glasstorch]):
        assert_same_array(a, b, RTOL, ATOL)
    rng = np.random.default_rng(1)
    ups = [rng.standard_normal(tuple(o.shape)).astype(np.float32) for o in outs[torch]]
    torch.autograd.backward(outs[torch], [torch.from_numpy(u.copy()) for u in ups])
    glasstorch.autograd.backward(outs[glasstorch], [glasstorch.from_numpy(u.copy()) for u in ups])
    for a, b in zip(_flatten(ins[torch]), _flatten(ins[glasstorch])):
        if a is not None:
            assert_same_array(a.grad, b.grad, RTOL, ATOL * 10, what="input grad")
    for (n, a), (_, b) in zip(mt.named_parameters(), mg.named_parameters()):
        assert_same_array(a.grad, b.grad, RTOL, ATOL * 10, what=f"grad of {n}")
    return mt, mg


@pytest.mark.parametrize("make,inputs", [
    (lambda nn: nn.RNN(4, 5), [arr(6, 3, 4)]),
    (lambda nn: nn.RNN(4, 5, 2, nonlinearity="relu", bias=False), [arr(6, 3, 4), arr(2, 3, 5)]),
    (lambda nn: nn.RNN(4, 5, batch_first=True, bidirectional=True), [arr(3, 6, 4)]),
    (lambda nn: nn.RNN(4, 5), [arr(6, 4), arr(1, 5)]),                                  # unbatched
    (lambda nn: nn.GRU(4, 5), [arr(6, 3, 4)]),
    (lambda nn: nn.GRU(4, 5, num_layers=2, bidirectional=True), [arr(5, 2, 4), arr(4, 2, 5)]),
    (lambda nn: nn.GRU(4, 5, batch_first=True), [arr(5, 4)]),
    (lambda nn: nn.LSTM(4, 5), [arr(6, 3, 4)]),
    (lambda nn: nn.LSTM(4, 5, num_layers=2, batch_first=True), [arr(3, 6, 4), (arr(2, 3, 5), arr(2, 3, 5))]),
    (lambda nn: nn.LSTM(4, 5, num_layers=2, bidirectional=True), [arr(6, 2, 4)]),
    (lambda nn: nn.LSTM(4, 5, bias=False), [arr(6, 4), (arr(1, 5), arr(1, 5))]),        # unbatched
    (lambda nn: nn.LSTM(4, 6, proj_size=3, num_layers=2), [arr(5, 2, 4)]),
    (lambda nn: nn.LSTM(4, 5, num_layers=3, dropout=0.4), [arr(6, 3, 4)]),              # dropout masks
    (lambda nn: nn.GRU(4, 5, num_layers=2, dropout=0.5, bidirectional=True), [arr(6, 3, 4)]),
])
def test_recurrent_layers(make, inputs):
    check_recurrent(lambda m: make(m.nn), inputs)


def test_dropout_off_in_eval():
    check_recurrent(lambda m: m.nn.LSTM(4, 5, num_layers=2, dropout=0.5), [arr(4, 2, 4)], train=False)


@pytest.mark.parametrize("make,inputs", [
    (lambda nn: nn.RNNCell(4, 5), [arr(3, 4), arr(3, 5)]),
    (lambda nn: nn.RNNCell(4, 5, nonlinearity="relu", bias=False), [arr(3, 4)]),
    (lambda nn: nn.RNNCell(4, 5), [arr(4), arr(5)]),
    (lambda nn: nn.LSTMCell(4, 5), [arr(3, 4), (arr(3, 5), arr(3, 5))]),
    (lambda nn: nn.LSTMCell(4, 5), [arr(4)]),
    (lambda nn: nn.GRUCell(4, 5), [arr(3, 4), arr(3, 5)]),
    (lambda nn: nn.GRUCell(4, 5, bias=False), [arr(4)]),
])
def test_cells(make, inputs):
    check_recurrent(lambda m: make(m.nn), inputs)


def test_reprs_and_names():
    for make in [lambda nn: nn.LSTM(10, 20, num_layers=2, batch_first=True),
                 lambda nn: nn.GRU(3, 4, bias=False, dropout=0.2, num_layers=2, bidirectional=True),
                 lambda nn: nn.RNN(3, 4, nonlinearity="relu"), lambda nn: nn.LSTM(4, 6, proj_size=2),
                 lambda nn: nn.RNNCell(3, 4, nonlinearity="relu"), lambda nn: nn.GRUCell(3, 4, bias=False),
                 lambda nn: nn.Sequential(nn.LSTMCell(2, 3))]:
        mt, mg = build_both(lambda m: make(m.nn))
        assert repr(mt) == repr(mg)
        assert_same_params(mt, mg)
        assert list(mt.state_dict()) == list(mg.state_dict())


def test_dropout_warning():
    msgs = []
    for m in MODS:
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            m.nn.LSTM(3, 4, dropout=0.3)
        msgs.append([str(x.message) for x in w])
    assert msgs[0] == msgs[1] and msgs[0]


def test_rnn_errors():
    same_error(lambda m: m.nn.LSTM(3, 4)(m.ones(2, 2, 5)))
    same_error(lambda m: m.nn.LSTM(3, 4)(m.ones(2, 3, 3, 1)))
    same_error(lambda m: m.nn.GRU(3, 4)(m.ones(2, 3, 3, 1)))
    same_error(lambda m: m.nn.RNN(3, 4)(m.ones(2, 3, 3, 1)))
    same_error(lambda m: m.nn.RNN(3, 4)(m.ones(2, 2, 3), m.zeros(1, 3, 4)))
    same_error(lambda m: m.nn.RNN(3, 4)(m.ones(2, 2, 3), m.zeros(2, 4)))
    same_error(lambda m: m.nn.LSTM(3, 4)(m.ones(2, 2, 3), (m.zeros(1, 2, 4), m.zeros(1, 2, 5))))
    same_error(lambda m: m.nn.LSTM(3, 4)(m.ones(2, 2, 3), (m.zeros(2, 4), m.zeros(2, 4))))
    same_error(lambda m: m.nn.GRU(3, 4)(m.ones(2, 2, 3, dtype=m.float64)))
    same_error(lambda m: m.nn.RNN(3, 4, nonlinearity="sigmoid"))
    same_error(lambda m: m.nn.GRU(3, 4, proj_size=2))
    same_error(lambda m: m.nn.LSTM(3, 4, proj_size=4))
    same_error(lambda m: m.nn.LSTM(3, 0))
    same_error(lambda m: m.nn.LSTM(3, 4, dropout=2))
    same_error(lambda m: m.nn.LSTMCell(3, 4)(m.ones(2, 2, 3)))
    same_error(lambda m: m.nn.GRUCell(3, 4)(m.ones(2, 3), m.ones(1, 2, 4)))


def test_lstm_double_backward():
    """create_graph through the fused LSTM layer re-runs it as ops; compare with torch."""
    x0 = arr(4, 2, 3)
    res = []
    for m in MODS:
        m.manual_seed(0)
        lstm = m.nn.LSTM(3, 4, bidirectional=True)
        x = m.from_numpy(x0.copy()).requires_grad_(True)
        out, (h, c) = lstm(x)
        gx, = m.autograd.grad((out * out).sum() + c.sum(), x, create_graph=True)
        (gx * gx).sum().backward()
        res.append([gx.detach().numpy().copy(), x.grad.numpy().copy()] +
                   [p.grad.numpy().copy() for p in lstm.parameters()])
    for a, b in zip(*res):
        np.testing.assert_allclose(b, a, RTOL, 1e-5)



# ---- the fused layers (nn/_ops/rnn_fused.py): dtypes, directions, extreme gates, the graph ----------
F64 = {torch.nn: torch.float64, glasstorch.nn: glasstorch.float64}


def arr64(*shape):
    return R.standard_normal(shape)


@pytest.mark.parametrize("make,inputs", [
    (lambda nn: nn.LSTM(4, 5, dtype=F64[nn]), [arr64(6, 3, 4)]),
    (lambda nn: nn.GRU(4, 5, bidirectional=True, dtype=F64[nn]), [arr64(6, 3, 4), arr64(2, 3, 5)]),
    (lambda nn: nn.RNN(4, 5, nonlinearity="relu", dtype=F64[nn]), [arr64(6, 3, 4)]),
    (lambda nn: nn.LSTM(4, 5, bidirectional=True), [arr(6, 3, 4), (arr(2, 3, 5), arr(2, 3, 5))]),
    (lambda nn: nn.RNN(4, 5, bidirectional=True, bias=False), [arr(6, 3, 4), arr(2, 3, 5)]),
    (lambda nn: nn.LSTM(4, 5), [arr(6, 3, 4) * 30]),                   # saturated gates
    (lambda nn: nn.GRU(4, 5), [arr(6, 3, 4) * 30]),
    (lambda nn: nn.LSTM(4, 5, bias=False), [np.zeros((6, 3, 4), np.float32)]),     # exact zeros
    (lambda nn: nn.GRU(4, 5, bias=False), [arr(6, 3, 4) * 1e-9]),      # tanh of tiny arguments
    (lambda nn: nn.LSTM(4, 5), [arr(1, 1, 4)]),                        # one step, batch of one
])
def test_fused_layers(make, inputs):
    check_recurrent(lambda m: make(m.nn), inputs)


@pytest.mark.parametrize("kind", ["GRU", "RNN"])
def test_gru_rnn_double_backward(kind):
    """create_graph through the fused GRU / RNN layers re-runs them as ops; compare with torch."""
    x0 = arr(4, 2, 3)
    res = []
    for m in MODS:
        m.manual_seed(0)
        net = getattr(m.nn, kind)(3, 4, bidirectional=True)
        x = m.from_numpy(x0.copy()).requires_grad_(True)
        out, h = net(x)
        gx, = m.autograd.grad((out * out).sum() + h.sum(), x, create_graph=True)
        (gx * gx).sum().backward()
        res.append([gx.detach().numpy().copy(), x.grad.numpy().copy()] +
                   [p.grad.numpy().copy() for p in net.parameters()])
    for a, b in zip(*res):
        np.testing.assert_allclose(b, a, RTOL, 1e-5)


@pytest.mark.parametrize("make", [lambda nn: nn.LSTM(3, 4), lambda nn: nn.LSTM(3, 4, bias=False),
                                  lambda nn: nn.LSTM(3, 4, dtype=F64[nn]), lambda nn: nn.GRU(3, 4),
                                  lambda nn: nn.RNN(3, 4, nonlinearity="relu")])
def test_fused_layer_graph(make):
    """The layer node's name (and for the float32 LSTM, torch's oneDNN node, its inputs) as torch's;
    backward twice with retain_graph; an in-place change of a float32 LSTM output, which torch's
    node saves, is caught with torch's message."""
    res = []
    for m in MODS:
        m.manual_seed(0)
        net = make(m.nn)
        dt = next(net.parameters()).dtype
        x = m.ones(5, 2, 3, dtype=dt).requires_grad_(True)
        h0 = m.zeros(1, 2, 4, dtype=dt).requires_grad_(True)
        lstm = isinstance(net, m.nn.LSTM)
        out, h = net(x, (h0, h0 * 2) if lstm else h0)
        fn = out.grad_fn
        names = [type(fn).__name__, grad_fn_name(h[0] if lstm else h)]
        if type(fn).__name__ == "MkldnnRnnLayerBackward0":
            names.append([None if n is None else type(n).__name__ for n, _ in fn.next_functions])
        loss = (out * out).sum()
        loss.backward(retain_graph=True)
        loss.backward()
        res.append((names, [x.grad, h0.grad] + [p.grad for p in net.parameters()]))
    assert res[0][0] == res[1][0]
    for a, b in zip(res[0][1], res[1][1]):
        assert_same_array(a, b, RTOL, ATOL * 10)

    def inplace(m):
        m.manual_seed(0)
        out, _ = make(m.nn)(m.ones(5, 2, 3))
        out.mul_(2)
        out.sum().backward()
    if res[0][0][0] == "MkldnnRnnLayerBackward0":
        same_error(inplace)



SPECIAL = np.array([0.0, -0.0, 1e-30, -1e-30, 3e-9, 2 ** -13, 20.0, -20.0, -50.0, -87.0, -88.0, -100.0, 100.0,
                    np.inf, -np.inf], np.float32)
# sigmoid: where the value does not hang on exp's last bit (0.5, 1, and oneDNN's exact 0 for the LSTM)
SPECIAL_SIG = np.array([0.0, -0.0, 1e-30, -1e-30, 3e-9, 20.0, -87.0, -88.0, -100.0, 100.0, np.inf, -np.inf],
                       np.float32)


@pytest.mark.parametrize("kind", ["LSTM-tanh", "LSTM-sigmoid", "RNN", "GRU"])
def test_fused_gate_functions_at_special_values(kind):
    """One step from a zero state with unit input, so each unit's gate pre-activation is its W_ih
    entry: tanh and sigmoid at zeros, tiny, huge and infinite arguments come out exactly as torch's
    (signed zeros included), e.g. LSTM c = sigmoid(100) tanh(a) = tanh(a), h = tanh(c)."""
    vals = SPECIAL_SIG if kind == "LSTM-sigmoid" else SPECIAL
    n = len(vals)
    big = np.full(n, 100.0, np.float32)
    rows = {"LSTM-tanh": [big, big, vals, big], "LSTM-sigmoid": [vals, big, big, big],
            "RNN": [vals], "GRU": [-big, -big, vals]}[kind]             # GRU: r = z = 0, h' = tanh(a)
    res = []
    for m in MODS:
        net = getattr(m.nn, kind.split("-")[0])(1, n)
        with m.no_grad():
            for name, p in net.named_parameters():
                p.zero_()
            net.weight_ih_l0.copy_(m.from_numpy(np.concatenate(rows)[:, None]))
        out, h = net(m.ones(1, 1, 1))
        res.append([out] + (list(h) if isinstance(h, tuple) else [h]))
    for a, b in zip(*res):
        assert_same_array(a.detach(), b.detach(), what=kind)


# ---- PackedSequence ---------------------------------------------------------------------------------
PACKED_CASES = [
    (lambda nn: nn.LSTM(3, 4, num_layers=2, bidirectional=True), False, True),
    (lambda nn: nn.GRU(3, 4, batch_first=True), True, True),
    (lambda nn: nn.RNN(3, 4, nonlinearity="relu", bidirectional=True, batch_first=True), True, False),
    (lambda nn: nn.LSTM(3, 5, proj_size=2), False, False),
]


@pytest.mark.parametrize("make,batch_first,with_hx", PACKED_CASES)
@pytest.mark.parametrize("enforce_sorted", [False, True])
def test_packed_sequences_through_recurrent_layers(make, batch_first, with_hx, enforce_sorted):
    """pack_padded_sequence -> RNN -> pad_packed_sequence: outputs, final states and all gradients."""
    lengths = [5, 3, 3, 1] if enforce_sorted else [3, 5, 1, 3]
    x0 = arr(4, 5, 3) if batch_first else arr(5, 4, 3)
    res = []
    for m in MODS:
        m.manual_seed(0)
        rnn = make(m.nn)
        x = m.from_numpy(x0.copy()).requires_grad_(True)
        packed = m.nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=batch_first,
                                                      enforce_sorted=enforce_sorted)
        hx = None
        if with_hx:
            dirs = 2 if rnn.bidirectional else 1
            h0 = m.from_numpy(np.linspace(-1, 1, rnn.num_layers * dirs * 4 * 4, dtype=np.float32)
                              .reshape(rnn.num_layers * dirs, 4, 4)).requires_grad_(True)
            hx = (h0, h0 * 0.5) if isinstance(rnn, m.nn.LSTM) else h0
        out, h = rnn(packed, hx)
        assert type(out).__name__ == "PackedSequence"
        padded, lens = m.nn.utils.rnn.pad_packed_sequence(out, batch_first=batch_first, total_length=6)
        states = list(h) if isinstance(h, tuple) else [h]
        loss = (padded * padded).sum() + sum((s * s.detach().sign()).sum() for s in states)
        loss.backward()
        res.append([out.data, out.batch_sizes, padded, lens, *states, x.grad] +
                   ([hx[0].grad if isinstance(hx, tuple) else hx.grad] if with_hx else []) +
                   [p.grad for p in rnn.parameters()])
        res[-1].append(grad_fn_name(padded))
    *arrays_t, name_t = res[0]
    *arrays_g, name_g = res[1]
    assert name_t == name_g
    for a, b in zip(arrays_t, arrays_g):
        assert_same_array(a, b, RTOL, 1e-5)


def test_pack_and_pad_helpers():
    seqs = [arr(4, 2), arr(2, 2), arr(3, 2)]
    res = []
    for m in MODS:
        ts = [m.from_numpy(s.copy()).requires_grad_(True) for s in seqs]
        p = m.nn.utils.rnn.pack_sequence(ts, enforce_sorted=False)
        padded, lens = m.nn.utils.rnn.pad_packed_sequence(p, batch_first=True, padding_value=-1.0)
        (padded * m.arange(8.0).view(1, 4, 2)).sum().backward()
        back = m.nn.utils.rnn.unpack_sequence(p)
        res.append([p.data, p.batch_sizes, p.sorted_indices, p.unsorted_indices, padded, lens] +
                   [t.grad for t in ts] + back +
                   m.nn.utils.rnn.unpad_sequence(padded, lens, batch_first=True) + [p.to(m.float64).data])
        res[-1].append((repr(m.nn.utils.rnn.pack_sequence([m.tensor([1, 2, 3]), m.tensor([4, 5])])),
                        grad_fn_name(p.data), grad_fn_name(padded)))
    *arrays_t, names_t = res[0]
    *arrays_g, names_g = res[1]
    assert names_t == names_g
    for a, b in zip(arrays_t, arrays_g):
        assert_same_array(a, b)


def test_pack_padded_sequence_errors():
    pack = lambda m, *a, **k: m.nn.utils.rnn.pack_padded_sequence(*a, **k)    # noqa: E731
    same_error(lambda m: pack(m, m.ones(3, 2, 1), [1, 3]))
    same_error(lambda m: pack(m, m.ones(3, 2, 1), [2, 0], enforce_sorted=False))
    same_error(lambda m: m.nn.utils.rnn.pad_packed_sequence(pack(m, m.ones(3, 2, 1), [3, 2]), total_length=2))
    same_error(lambda m: m.nn.LSTM(2, 3)(pack(m, m.ones(3, 2, 1), [3, 2])))
    same_error(lambda m: m.nn.GRU(2, 3)(pack(m, m.ones(3, 2, 1), [3, 2])))
    same_error(lambda m: m.nn.GRU(1, 3)(pack(m, m.ones(3, 2, 1), [3, 2]), m.zeros(1, 3, 3)))


def test_pack_padded_sequence_orders_equal_lengths_as_torch():
    """More than 16 sequences with equal lengths: torch's unstable sort(lengths, descending=True) decides the
    packed order, and inter-layer dropout then masks the packed rows in that order."""
    lengths = np.random.default_rng(5).integers(1, 7, 24)
    res = []
    for m in MODS:
        m.manual_seed(0)
        rnn = m.nn.GRU(2, 3, num_layers=2, dropout=0.5, batch_first=True)
        x = m.from_numpy(arr(24, 6, 2) if not res else res[0][-1])
        p = m.nn.utils.rnn.pack_padded_sequence(x, m.from_numpy(lengths), batch_first=True, enforce_sorted=False)
        out, h = rnn(p)
        res.append([p.sorted_indices, p.unsorted_indices, p.data, out.data, h, x.numpy().copy()])
    for a, b in zip(res[0], res[1]):
        assert_same_array(a, b, RTOL, ATOL)
