"""Recurrent cells record torch's graph, node for node (RNN.cpp's cell steps), against torch.

torch's CPU cells compute ``linear_hh(h).add_(linear_ih(x))`` (the h-projection first: it is the
object of ``add_``), split the gates with ``unsafe_chunk`` and apply ``sigmoid_`` / ``tanh_`` in place
on the pieces; GRU projects x first and ends with ``(h - n).mul_(z).add_(n)``.  Fixed in glasstorch:
the cells used ``chunk`` (SplitBackward0), out-of-place gates, the x-projection first and one shared
``TBackward0`` for every step, so ``grad_fn`` graphs and the order gradient terms were added in
differed; ``unsafe_split`` / ``unsafe_chunk`` returned copies where torch's pieces share the input's
memory; a float32 LSTM on a batch_first input lacked the CloneBackward0 of oneDNN's dense input.

Values are compared with a tolerance: torch's matrix products are MKL's, whose summation order
glasstorch does not model (docs/differences.md).
"""
import numpy as np
import pytest
import torch

import glasstorch

from ._helpers import graph_names

MODS = (torch, glasstorch)
TOL = {np.float32: dict(rtol=2e-5, atol=2e-6), np.float64: dict(rtol=1e-11, atol=1e-12)}


def _cell(m, kind, bias):
    if kind == "lstm":
        return m.nn.LSTMCell(5, 4, bias=bias)
    if kind == "gru":
        return m.nn.GRUCell(5, 4, bias=bias)
    return m.nn.RNNCell(5, 4, bias=bias, nonlinearity=kind)


def _unroll(m, kind, bias, dt, batched):
    m.manual_seed(3)
    cell = _cell(m, kind, bias).to(getattr(m, np.dtype(dt).name))
    shape = (3, 2, 5) if batched else (3, 5)
    x = m.from_numpy(np.random.default_rng(0).standard_normal(shape).astype(dt)).requires_grad_()
    h = m.from_numpy(np.random.default_rng(1).standard_normal(shape[1:-1] + (4,)).astype(dt)).requires_grad_()
    state = (h, h * 0.5) if kind == "lstm" else h
    outs = []
    for t in range(3):
        state = cell(x[t], state)
        outs.append(state[0] if kind == "lstm" else state)
    loss = sum((o * (i + 1)).sum() for i, o in enumerate(outs))
    if kind == "lstm":
        loss = loss + state[1].sum()
    loss.backward()
    grads = [x.grad, h.grad] + [p.grad for p in cell.parameters()]
    return graph_names(loss), [o.detach().numpy() for o in outs], [g.numpy() for g in grads]


@pytest.mark.parametrize("kind", ["lstm", "gru", "tanh", "relu"])
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("dt", [np.float32, np.float64])
@pytest.mark.parametrize("batched", [True, False])
def test_cell_graph(kind, bias, dt, batched):
    (nt, vt, gt_), (ng, vg, gg) = (_unroll(m, kind, bias, dt, batched) for m in MODS)
    assert ng == nt
    for a, b in zip(vt + gt_, vg + gg):
        np.testing.assert_allclose(b, a, **TOL[dt])


FUNCTIONAL = {
    "lstm_cell": lambda m, x, h, w: m.lstm_cell(x, (h, h), *w),
    "gru_cell": lambda m, x, h, w: m.gru_cell(x, h, *w),
    "rnn_tanh_cell": lambda m, x, h, w: m.rnn_tanh_cell(x, h, *w),
    "rnn_relu_cell": lambda m, x, h, w: m.rnn_relu_cell(x, h, *w),
}


@pytest.mark.parametrize("name", sorted(FUNCTIONAL))
def test_functional_cells(name):
    chunks = {"lstm_cell": 4, "gru_cell": 3}.get(name, 1)
    rng = np.random.default_rng(5)
    arrays = [rng.standard_normal(s) for s in [(2, 3), (2, 4), (chunks * 4, 3), (chunks * 4, 4), (chunks * 4,),
                                                (chunks * 4,)]]
    got = []
    for m in MODS:
        x, h, *w = (m.from_numpy(a.copy()).requires_grad_() for a in arrays)
        out = FUNCTIONAL[name](m, x, h, w)
        y = out[0] * 2 + out[1] if isinstance(out, tuple) else out
        y.sum().backward()
        got.append((graph_names(y), y.detach().numpy(), [v.grad.numpy() for v in [x, h, *w]]))
    assert got[1][0] == got[0][0]
    for a, b in zip([got[0][1]] + got[0][2], [got[1][1]] + got[1][2]):
        np.testing.assert_allclose(b, a, rtol=1e-11, atol=1e-12)


def test_cell_second_derivative():
    """The in-place gates differentiate twice as torch's (double backward through sigmoid_ / tanh_)."""
    got = []
    for m in MODS:
        m.manual_seed(0)
        cell = m.nn.GRUCell(3, 2).double()
        x = m.arange(6.0, dtype=m.float64).reshape(2, 3).div(7).requires_grad_()
        h = cell(x, cell(x))
        (g,) = m.autograd.grad(h.pow(2).sum(), x, create_graph=True)
        (gg,) = m.autograd.grad(g.sin().sum(), x)
        got.append((graph_names(g), g.detach().numpy(), gg.numpy()))
    assert got[1][0] == got[0][0]
    np.testing.assert_allclose(got[1][1], got[0][1], rtol=1e-11)
    np.testing.assert_allclose(got[1][2], got[0][2], rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "RNN"])
def test_packed_and_projected_layers(kind):
    """Packed batches and LSTM projections run the cells step by step, as torch's CPU layers do."""
    got = []
    for m in MODS:
        m.manual_seed(1)
        kw = {"proj_size": 2} if kind == "LSTM" else {}
        net = getattr(m.nn, kind)(3, 4, **kw).double()
        x = m.randn(4, 3, 3, dtype=m.float64, requires_grad=True)
        packed = m.nn.utils.rnn.pack_padded_sequence(x, [4, 2, 1], enforce_sorted=True)
        out, _ = net(packed)
        out.data.sum().backward()
        got.append((graph_names(out.data), out.data.detach().numpy(), x.grad.numpy()))
    assert got[1][0] == got[0][0]
    np.testing.assert_allclose(got[1][1], got[0][1], rtol=1e-11, atol=1e-12)
    np.testing.assert_allclose(got[1][2], got[0][2], rtol=1e-11, atol=1e-12)


def test_lstm_batch_first_clone():
    got = []
    for m in MODS:
        m.manual_seed(2)
        net = m.nn.LSTM(3, 4, batch_first=True)
        x = m.randn(2, 5, 3, requires_grad=True)
        out, _ = net(x)
        got.append(graph_names(out))
    assert "CloneBackward0" in got[0] and got[1] == got[0]


@pytest.mark.parametrize("split", [lambda m, x: x.unsafe_chunk(2, 1), lambda m, x: m.unsafe_split(x, 3, 1),
                                   lambda m, x: x.unsafe_split_with_sizes([1, 3], 1)])
def test_unsafe_pieces_share_memory(split):
    """The pieces share the input's memory but are not views: writing one writes the input, and
    neither's version counter moves with the other's."""
    got = []
    for m in MODS:
        x = m.arange(12.0).reshape(3, 4)
        pieces = split(m, x)
        pieces[0].mul_(10)
        got.append((x.numpy().copy(), pieces[0]._base is None, x._version, pieces[0]._version,
                    pieces[0].data_ptr() == x.data_ptr()))
    assert got[1][1:] == got[0][1:]
    np.testing.assert_array_equal(got[1][0], got[0][0])
