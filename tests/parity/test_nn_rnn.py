"""RNN, LSTM, GRU and their cells: names, initial weights, reprs, outputs, final states and
gradients (inputs, initial states, every parameter) against torch."""
import warnings

import numpy as np
import pytest
import torch

import glasstorch
from ._helpers import assert_same_array, same_error
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
