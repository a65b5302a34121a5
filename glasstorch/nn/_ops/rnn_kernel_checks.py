"""What torch's recurrent kernels (``_VF.lstm`` / ``gru`` / ``rnn_tanh`` ...) refuse, with their messages.

The modules check sizes in Python first (rnn.py); these are the kernels' own checks, which a program
meets where the Python checks stop short:

* ``lstm`` wants exactly two hidden states;
* a float32 LSTM without projections runs on oneDNN, which takes only float32 (h0, c0): other dtypes
  fail in its dtype table or its primitive;
* the native loop wants a sequence of at least one step (an empty batch is fine);
* ``nn.LSTM`` checks nothing in Python for a ``PackedSequence`` (``nn.RNN`` and ``nn.GRU`` do), so a
  wrong ``(h0, c0)`` fails where the packed kernel first trips over it:
  1. ``h0.size(2) != c0.size(2)`` decides whether the layer has projections (``size(2)`` of a 2-d
     state is an IndexError);
  2. the weights are grouped per layer: 4 (2 without biases), plus ``weight_hr`` with projections;
  3. the states are split per layer (and paired per direction);
  4. the first step adds ``h0 W_hh^T`` in place to the projected input of the first
     ``batch_sizes[0]`` sequences, then multiplies the forget gate by ``c0``: the batch sizes must
     agree there.
"""
import numpy as np

__all__ = ["check_lstm_hx", "check_unpacked", "check_packed_lstm_state"]

_ONEDNN_REJECTS = {np.dtype(np.float16): "could not create a primitive descriptor for the LSTM forward propagation "
                                         "primitive. Run workload with environment variable ONEDNN_VERBOSE=all to get "
                                         "additional diagnostic information.",
                   np.dtype(np.int8): "itensor_view_from_dense expects float, bfloat16 or half tensor input",
                   np.dtype(np.uint8): "itensor_view_from_dense expects float, bfloat16 or half tensor input"}


def check_lstm_hx(hx):
    if len(hx) != 2:
        raise RuntimeError("lstm expects two hidden states")


def check_unpacked(mode, input, hx):
    """``input`` (T, B, F) of an unpacked layer, ``hx`` its state (a pair for LSTM)."""
    if mode == "LSTM":
        check_lstm_hx(hx)
        x = input._data
        if x.dtype == np.float32 and x.size and hx[0].size(2) == hx[1].size(2):      # oneDNN's path
            for s in hx:
                if s._data.dtype != np.float32:
                    raise RuntimeError(_ONEDNN_REJECTS.get(s._data.dtype, "get_mkldnn_dtype: unsupported data type"))
    if input.size(0) == 0:
        raise RuntimeError("Expected sequence length to be larger than 0 in RNN")


def check_packed_lstm_state(hx, batch_sizes, n_weights, bias, num_layers, bidirectional, gate_size):
    """Raise as torch's packed LSTM kernel does for a mis-shaped ``hx = (h0, c0)``."""
    check_lstm_hx(hx)
    h0, c0 = hx
    has_proj = h0.size(2) != c0.size(2)
    if n_weights % ((4 if bias else 2) + has_proj):
        raise RuntimeError("got an incorrect number of RNN parameters")
    layers = h0.size(0)
    if bidirectional:
        if layers % 2:
            raise RuntimeError("Odd number of params or hiddens given to a bidirectional RNN")
        layers //= 2
    if layers != num_layers:
        raise RuntimeError("Expected more hidden states in stacked_rnn")
    first = batch_sizes[0]
    hb, cb = h0.size(1), c0.size(1)
    if hb != first:                      # gates = (h0 W_hh^T).add_(x W_ih^T + b): in place on h0's rows
        if hb == 1:
            raise RuntimeError(f"output with shape [1, {gate_size}] doesn't match the broadcast shape "
                               f"[{first}, {gate_size}]")
        if first != 1:
            raise RuntimeError(f"The size of tensor a ({hb}) must match the size of tensor b ({first}) at "
                               f"non-singleton dimension 0")
    if hb != cb and cb != 1 and hb != 1:  # forget_gate * c0
        raise RuntimeError(f"The size of tensor a ({hb}) must match the size of tensor b ({cb}) at "
                           f"non-singleton dimension 0")
