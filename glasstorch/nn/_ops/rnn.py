"""Recurrent cells and the loop over time, built from differentiable ops.

The step functions here have no backward of their own: each step is ``addmm``, additions,
``sigmoid``/``tanh`` and products, so autograd records the unrolled graph and gradients flow through
time by themselves (backpropagation through time is just backward on that graph).  As in torch's CPU
kernel the input projection ``x W_ih^T + b_ih`` of a whole sequence is one matrix product before the
loop; only ``h W_hh^T + b_hh`` is computed per step.  The cells, packed batches and LSTM projections
run these; an ordinary layer runs the same math fused into one node (``rnn_fused.py``).

Gate layouts (rows of ``W_ih`` / ``W_hh``), as torch:
    LSTM: i, f, g, o        c' = f c + i g,   h' = o tanh(c')
    GRU:  r, z, n           n = tanh(x_n + r (h_n)),   h' = (h - n) z + n
    RNN:  one block         h' = tanh(x + h)  (or relu)
"""
import numpy as np

from ...ops.matmul import addmm, mm
from ...ops.unary import relu, tanh
from ...ops.views import t, unbind
from ...ops.view_scatter import unsafe_chunk
from ...ops.join import cat, stack
from .rnn_fused import can_fuse, fused_layer
from .rnn_kernel_checks import check_unpacked


def _project(x, w, b):
    """x @ w^T (+ b) for a 2-d ``x``."""
    return mm(x, t(w)) if b is None else addmm(b, x, t(w))


# ---- one step of each cell, as torch's RNN.cpp writes it -----------------------------------------
# ``x`` is the step's input, or (``pre``) its projection x W_ih^T + b_ih already made for the whole
# sequence.  The projections are made in C++'s order (for LSTM and RNN the h-projection first, the
# object of ``.add_``; for GRU the x-projection first) and the gates are updated in place on
# ``unsafe_chunk``'s pieces, so the graph, and the order gradient terms are added in, are torch's.
def _ih(x, p, pre):
    return x if pre else _project(x, p[0], p[2])


def rnn_tanh_step(x, h, p, pre=False):
    hw = _project(h, p[1], p[3])
    return tanh(hw.add_(_ih(x, p, pre)))


def rnn_relu_step(x, h, p, pre=False):
    hw = _project(h, p[1], p[3])
    return relu(hw.add_(_ih(x, p, pre)))


def lstm_step(x, state, p, pre=False):
    h, c = state
    gates = _project(h, p[1], p[3])
    i, f, g, o = unsafe_chunk(gates.add_(_ih(x, p, pre)), 4, 1)
    i, f, g, o = i.sigmoid_(), f.sigmoid_(), g.tanh_(), o.sigmoid_()
    c = (f * c).add_(i * g)
    h = o * tanh(c)
    if p[4] is not None:                       # LSTM with projections: h' = h W_hr^T
        h = mm(h, t(p[4]))
    return h, c


def gru_step(x, h, p, pre=False):
    x_r, x_z, x_n = unsafe_chunk(_ih(x, p, pre), 3, 1)
    h_r, h_z, h_n = unsafe_chunk(_project(h, p[1], p[3]), 3, 1)
    r = h_r.add_(x_r).sigmoid_()
    z = h_z.add_(x_z).sigmoid_()
    n = x_n.add(h_n.mul_(r)).tanh_()
    return (h - n).mul_(z).add_(n)


STEPS = {"RNN_TANH": rnn_tanh_step, "RNN_RELU": rnn_relu_step, "LSTM": lstm_step, "GRU": gru_step}


# ---- the cells as functions (RNNCell, LSTMCell, GRUCell) -----------------------------------------
def _check_cell_sizes(input, hiddens, w_ih, w_hh):
    """torch's checks before a cell step: the input's features match W_ih, then each hidden's batch
    matches the input's and its features match W_hh (``hidden0``, ``hidden1`` for LSTM's h and c)."""
    if input.size(1) != w_ih.size(1):
        raise RuntimeError(f"input has inconsistent input_size: got {input.size(1)} expected {w_ih.size(1)}")
    for label, h in enumerate(hiddens):
        if input.size(0) != h.size(0):
            raise RuntimeError(f"Input batch size {input.size(0)} doesn't match hidden{label} batch size "
                               f"{h.size(0)}")
        if h.size(1) != w_hh.size(1):
            raise RuntimeError(f"hidden{label} has inconsistent hidden_size: got {h.size(1)}, expected "
                               f"{w_hh.size(1)}")


_CELL_NAMES = {"GRU": "gru_cell", "RNN_TANH": "rnn_tanh_cell", "RNN_RELU": "rnn_relu_cell"}


def _hidden_pair(hx):
    """lstm_cell's ``TensorList hx`` as torch's parser takes it (a tuple or list of Tensors), then its
    "two hidden states" check."""
    from ..._tensor import Tensor
    from ..._arg_parser import tp_name
    if not isinstance(hx, (tuple, list)):
        raise TypeError(f"lstm_cell(): argument 'hx' (position 2) must be tuple of Tensors, not {tp_name(hx)}")
    for i, h in enumerate(hx):
        if not isinstance(h, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 1, but got {tp_name(h)}")
    if len(hx) != 2:
        raise RuntimeError("lstm_cell expects two hidden states")
    return tuple(hx)


def cell(mode, input, hx, w_ih, w_hh, b_ih, b_hh):
    """One step on a 2-d batch; ``hx`` is a tensor, or ``(h, c)`` for LSTM."""
    if mode == "LSTM":
        hx = _hidden_pair(hx)
    else:                           # the parser's check of gru_cell's / rnn_*_cell's ``Tensor hx``
        from ..._tensor import Tensor
        if not isinstance(hx, Tensor):
            from ..._arg_parser import tp_name
            raise TypeError(f"{_CELL_NAMES[mode]}(): argument 'hx' (position 2) must be Tensor, not {tp_name(hx)}")
    _check_cell_sizes(input, hx if mode == "LSTM" else (hx,), w_ih, w_hh)
    return STEPS[mode](input, hx, (w_ih, w_hh, b_ih, b_hh, None))


# ---- the fused layer: the same math, one node for the whole sequence (rnn_fused.py) ---------------------
# Recording ~12 nodes per time step costs more than the arithmetic at small sizes, so an unpacked layer
# runs its loop in NumPy and backpropagates through time in one node.  Off: the step functions above.
FUSED = True


# ---- a whole sequence ------------------------------------------------------------------------------
def run_direction(mode, seq, state, weights, reverse):
    """Run one layer in one direction over ``seq`` (T, B, F); returns (outputs (T, B, H), state)."""
    if FUSED and can_fuse(mode, seq, state, weights):
        return fused_layer(mode, seq, state, weights, reverse)
    w_ih, w_hh, b_ih, b_hh, w_hr = weights
    t_len, batch = seq.shape[0], seq.shape[1]
    if seq._data.dtype == np.float16:
        # torch's linear on the (T, B, F) input: addmm when it is contiguous, else matmul and then the bias
        # (batch_first's transposed view), which in half rounds twice
        from .linear import linear
        xw = linear(seq, w_ih, b_ih)
    else:
        xw = _project(seq.reshape(t_len * batch, seq.shape[2]), w_ih, b_ih).view(t_len, batch, w_ih.shape[0])
    step = STEPS[mode]
    outs = []
    for x_t in (reversed(unbind(xw, 0)) if reverse else unbind(xw, 0)):
        state = step(x_t, state, weights, True)
        outs.append(state[0] if mode == "LSTM" else state)
    if reverse:
        outs.reverse()
    return stack(outs, 0), state


def _projections_without_onednn():
    # torch's lstm_input: a float32 LSTM would run on oneDNN, which has no projections (TORCH_WARN_ONCE,
    # shown at the nn module's line that called the kernel, as torch shows rnn.py's ``_VF.lstm(``)
    from ..._user_warning import WARNED
    if "lstm_proj_onednn" not in WARNED:
        WARNED.add("lstm_proj_onednn")
        import warnings
        warnings.warn("LSTM with projections is not supported with oneDNN. Using default implementation. "
                      "(Triggered internally at /__w/pytorch/pytorch/aten/src/ATen/native/RNN.cpp:1512.)",
                      UserWarning, stacklevel=3)


def rnn_forward(mode, input, hx, layer_weights, num_layers, dropout, training, bidirectional):
    """The multi-layer loop of ``_VF.rnn_tanh`` / ``lstm`` / ``gru`` on a (T, B, F) input.

    ``hx`` is (L*D, B, H) (a pair for LSTM); ``layer_weights[layer * D + direction]`` holds
    (w_ih, w_hh, b_ih, b_hh, w_hr).  Returns (output (T, B, D*H), h_n) or (output, (h_n, c_n)).
    """
    check_unpacked(mode, input, hx)
    dirs = 2 if bidirectional else 1
    lstm = mode == "LSTM"
    if lstm and input._data.dtype == np.float32 and input._data.size and hx[0].size(2) != hx[1].size(2):
        _projections_without_onednn()
    if lstm and input._data.dtype == np.float32 and layer_weights[0][4] is None and input._data.size:
        hs, cs = ([s[k] for k in range(num_layers * dirs)] for s in hx)     # torch's oneDNN path: select
    else:
        hs = unbind(hx[0], 0) if lstm else unbind(hx, 0)
        cs = unbind(hx[1], 0) if lstm else None
    run = lambda x, state, w, reverse: run_direction(mode, x, state, w, reverse)   # noqa: E731
    return _layers(run, input, hs, cs, layer_weights, num_layers, dirs, lstm, dropout, training, 2)


def _layers(run, layer_input, hs, cs, layer_weights, num_layers, dirs, lstm, dropout, training, feature_dim):
    """Stack the layers: each direction of a layer runs over the previous layer's output (the two
    directions concatenated along ``feature_dim``), with dropout between layers when training."""
    from .. import functional as F
    h_n, c_n = [], []
    for layer in range(num_layers):
        outs = []
        for d in range(dirs):
            k = layer * dirs + d
            out, state = run(layer_input, (hs[k], cs[k]) if lstm else hs[k], layer_weights[k], d == 1)
            outs.append(out)
            if lstm:
                h_n.append(state[0])
                c_n.append(state[1])
            else:
                h_n.append(state)
        layer_input = outs[0] if dirs == 1 else cat(outs, feature_dim)
        if dropout != 0 and training and layer < num_layers - 1:
            layer_input = F.dropout(layer_input, dropout, True)
    if lstm:
        return layer_input, (stack(h_n, 0), stack(c_n, 0))
    return layer_input, stack(h_n, 0)


# ---- a packed batch: sequences of different lengths, longest first ---------------------------------
def _rows(state, lo, hi, lstm):
    return (state[0][lo:hi], state[1][lo:hi]) if lstm else state[lo:hi]


def _cat_rows(parts, lstm):
    if len(parts) == 1:
        return parts[0]
    if lstm:
        return cat([p[0] for p in parts], 0), cat([p[1] for p in parts], 0)
    return cat(parts, 0)


def run_direction_packed(mode, data, batch_sizes, state, weights, reverse):
    """One layer in one direction over packed ``data`` (N, F).  At step t only the first
    batch_sizes[t] sequences are still running; a sequence's final state is its state at its last step."""
    w_ih, b_ih = weights[0], weights[2]
    lstm = mode == "LSTM"
    step = lstm_step if lstm else STEPS[mode]
    xw = _project(data, w_ih, b_ih)
    offsets = np.concatenate([[0], np.cumsum(batch_sizes)]).tolist()
    outs = [None] * len(batch_sizes)
    if not reverse:
        finished = []                          # rows that stopped, the shortest sequences last
        h = state
        for ti, bs in enumerate(batch_sizes):
            running = (h[0] if lstm else h).shape[0]
            if bs < running:
                finished.append(_rows(h, bs, running, lstm))
                h = _rows(h, 0, bs, lstm)
            h = step(xw[offsets[ti]:offsets[ti + 1]], h, weights, True)
            outs[ti] = h[0] if lstm else h
        final = _cat_rows([h] + finished[::-1], lstm)
    else:
        # backwards in time the batch grows: a sequence joins with its initial state at its last step
        h = _rows(state, 0, batch_sizes[-1], lstm)
        for ti in range(len(batch_sizes) - 1, -1, -1):
            bs = batch_sizes[ti]
            running = (h[0] if lstm else h).shape[0]
            if bs > running:
                h = _cat_rows([h, _rows(state, running, bs, lstm)], lstm)
            h = step(xw[offsets[ti]:offsets[ti + 1]], h, weights, True)
            outs[ti] = h[0] if lstm else h
        final = h
    return cat(outs, 0), final


def rnn_forward_packed(mode, data, batch_sizes, hx, layer_weights, num_layers, dropout, training, bidirectional):
    """``rnn_forward`` for a packed batch: ``data`` (N, F), ``batch_sizes`` a list of ints, ``hx``
    (L*D, B, H) in sorted order.  Returns (output data (N, D*H), h_n) or (output data, (h_n, c_n))."""
    dirs = 2 if bidirectional else 1
    lstm = mode == "LSTM"
    hs = unbind(hx[0], 0) if lstm else unbind(hx, 0)
    cs = unbind(hx[1], 0) if lstm else None
    run = lambda x, state, w, reverse: run_direction_packed(mode, x, batch_sizes, state, w, reverse)   # noqa: E731
    return _layers(run, data, hs, cs, layer_weights, num_layers, dirs, lstm, dropout, training, 1)


__all__ = ["cell", "rnn_forward", "rnn_forward_packed", "lstm_step", "gru_step", "rnn_tanh_step", "rnn_relu_step"]
