"""``RNN``, ``LSTM``, ``GRU`` and their single-step cells.

Parameters are made empty, then ``reset_parameters`` draws every one of them, in registration
order, from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), as torch does.  For each layer and
direction the names are ``weight_ih_l{k}``, ``weight_hh_l{k}``, ``bias_ih_l{k}``, ``bias_hh_l{k}``
(``weight_hr_l{k}`` with projections), with ``_reverse`` appended for the backward direction.
The computation itself lives in ``nn/_ops/rnn.py`` (an ordinary layer: ``nn/_ops/rnn_fused.py``).
"""
import math
import numbers
import warnings

from ... import _creation
from ..parameter import Parameter
from .. import init
from .._ops import rnn as _rnn
from ..utils.rnn import PackedSequence
from .._ops.rnn_kernel_checks import check_packed_lstm_state
from .linear import _empty
from .module import Module

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]

_GATES = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}


def _check_type(name, value, kind, kind_name):
    if not isinstance(value, kind):
        raise TypeError(f"{name} should be of type {kind_name}, got: {type(value).__name__}")


class RNNBase(Module):
    """The shared constructor, checks and repr of RNN, LSTM and GRU."""

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, proj_size=0, device=None, dtype=None):
        super().__init__()
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        dirs = 2 if bidirectional else 1
        if not isinstance(dropout, numbers.Number) or isinstance(dropout, bool) or not 0 <= dropout <= 1:
            raise ValueError("dropout should be a number in range [0, 1] representing the probability of an element "
                             "being zeroed")
        if dropout > 0 and num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so non-zero "
                          f"dropout expects num_layers greater than 1, but got dropout={dropout} and "
                          f"num_layers={num_layers}", stacklevel=2)
        _check_type("bias", bias, bool, "bool")
        _check_type("batch_first", batch_first, bool, "bool")
        _check_type("input_size", input_size, int, "int")
        if input_size <= 0:
            raise ValueError("input_size must be greater than zero")
        _check_type("hidden_size", hidden_size, int, "int")
        if hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if mode not in _GATES:
            raise ValueError("Unrecognized RNN mode: " + mode)
        gate_size = _GATES[mode] * hidden_size
        real_hidden = proj_size if proj_size > 0 else hidden_size
        self._flat_weights_names = []
        self._all_weights = []
        for layer in range(num_layers):
            for direction in range(dirs):
                layer_in = input_size if layer == 0 else real_hidden * dirs
                suffix = "_reverse" if direction == 1 else ""
                shapes = [("weight_ih", (gate_size, layer_in)), ("weight_hh", (gate_size, real_hidden))]
                if bias:
                    shapes += [("bias_ih", (gate_size,)), ("bias_hh", (gate_size,))]
                if proj_size > 0:
                    shapes += [("weight_hr", (proj_size, hidden_size))]
                names = []
                for base, shape in shapes:
                    name = f"{base}_l{layer}{suffix}"
                    setattr(self, name, Parameter(_empty(shape, dtype)))
                    names.append(name)
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self._init_flat_weights()
        self.reset_parameters()

    def reset_parameters(self):
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    # ---- the weights the kernel gets, as torch keeps them ---------------------------------------
    # ``_flat_weights`` is a list, kept current by ``__setattr__``; to notice weights swapped behind its
    # back (functional_call, parametrizations, weight-drop wrappers) each forward re-reads the weights
    # (``hasattr`` then ``getattr``: a parametrized weight is computed twice per read) up to the first
    # one that is not the object read last time, and then all of them again.
    def _init_flat_weights(self):
        flat = [getattr(self, n) if hasattr(self, n) else None for n in self._flat_weights_names]
        self.__dict__["_flat_weights"] = flat
        self.__dict__["_flat_weight_refs"] = list(flat)     # strong references here, weak in torch

    def _weights_have_changed(self):
        for seen, name in zip(self.__dict__["_flat_weight_refs"], self._flat_weights_names):
            w = getattr(self, name) if hasattr(self, name) else None
            if w is not None and seen is not None and seen is not w:
                return True
        return False

    def _update_flat_weights(self):
        if self._weights_have_changed():
            self._init_flat_weights()

    def __setattr__(self, attr, value):
        names = self.__dict__.get("_flat_weights_names")
        if names is not None and attr in names and "_flat_weights" in self.__dict__:
            self._flat_weights[names.index(attr)] = value
        super().__setattr__(attr, value)

    def _apply(self, fn, recurse=True):
        self.__dict__["_flat_weight_refs"] = []
        ret = super()._apply(fn, recurse)
        self._init_flat_weights()
        return ret

    def __getstate__(self):
        self._update_flat_weights()
        state = self.__dict__.copy()
        state.pop("_flat_weight_refs", None)
        return state

    def __setstate__(self, d):
        super().__setstate__(d)
        if "_flat_weights" in d:
            self.__dict__["_flat_weight_refs"] = list(self._flat_weights)
        else:
            self._init_flat_weights()

    @property
    def all_weights(self):
        return [[getattr(self, n) for n in names] for names in self._all_weights]

    def flatten_parameters(self):
        """A cuDNN detail in torch; nothing to do here."""

    def _layer_weights(self, argument=2):
        """(w_ih, w_hh, b_ih, b_hh, w_hr) per layer and direction, None where absent.  A weight deleted
        since the list was read is refused as torch's argument parser refuses the list (the weights are
        argument 2 of ``_VF.lstm`` & co., 3 for a packed batch)."""
        for i, w in enumerate(self._flat_weights):
            if w is None:
                raise TypeError(f"expected Tensor as element {i} in argument {argument}, but got NoneType")
        out = []
        flat = dict(zip(self._flat_weights_names, self._flat_weights))
        for names in self._all_weights:
            p = dict(zip([n.split("_l")[0] for n in names], [flat[n] for n in names]))
            out.append((p["weight_ih"], p["weight_hh"], p.get("bias_ih"), p.get("bias_hh"), p.get("weight_hr")))
        return out

    # ---- argument checks, with torch's messages ----------------------------------------------
    def check_input(self, input, batch_sizes=None):
        w = self._flat_weights[0]
        if input.dtype != w.dtype:
            raise ValueError(f"RNN input dtype ({input.dtype}) does not match weight dtype ({w.dtype}). Convert "
                             f"input: input.to({w.dtype}), or convert model: model.to({input.dtype})")
        want = 2 if batch_sizes is not None else 3
        if input.dim() != want:
            raise RuntimeError(f"input must have {want} dimensions, got {input.dim()}")
        if self.input_size != input.size(-1):
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected {self.input_size}, got "
                               f"{input.size(-1)}")

    def get_expected_hidden_size(self, input, batch_sizes=None):
        if batch_sizes is not None:
            batch = int(batch_sizes[0])
        else:
            batch = input.size(0) if self.batch_first else input.size(1)
        dirs = 2 if self.bidirectional else 1
        return (self.num_layers * dirs, batch, self.proj_size if self.proj_size > 0 else self.hidden_size)

    def check_hidden_size(self, hx, expected, msg="Expected hidden size {}, got {}"):
        if tuple(hx.size()) != tuple(expected):
            raise RuntimeError(msg.format(expected, list(hx.size())))

    def check_forward_args(self, input, hidden, batch_sizes=None):
        self.check_input(input, batch_sizes)
        self.check_hidden_size(hidden, self.get_expected_hidden_size(input, batch_sizes))

    def permute_hidden(self, hx, permutation):
        if permutation is None:
            return hx
        return hx.index_select(1, permutation)

    def _forward_packed(self, packed, hx):
        """A ``PackedSequence`` in, a ``PackedSequence`` out; the hidden state in the caller's batch order."""
        data, batch_sizes, sorted_indices, unsorted_indices = packed
        sizes = batch_sizes.tolist()
        if hx is None:
            dirs = 2 if self.bidirectional else 1
            real_hidden = self.proj_size if self.proj_size > 0 else self.hidden_size
            zeros = _creation.zeros(self.num_layers * dirs, sizes[0], real_hidden, dtype=data.dtype)
            hx = (zeros, _creation.zeros(self.num_layers * dirs, sizes[0], self.hidden_size, dtype=data.dtype)) \
                if self.mode == "LSTM" else zeros
        else:
            hx = self.permute_hidden(hx, sorted_indices)
        if self.mode != "LSTM":         # torch's LSTM checks nothing for a packed batch; its kernel does
            self.check_forward_args(data, hx, batch_sizes)
        weights = self._layer_weights(argument=3)
        if self.mode == "LSTM":
            check_packed_lstm_state(hx, sizes, len(self._flat_weights), self.bias, self.num_layers,
                                    self.bidirectional, 4 * self.hidden_size)
        out, hidden = _rnn.rnn_forward_packed(self.mode, data, sizes, hx, weights, self.num_layers,
                                              self.dropout, self.training, self.bidirectional)
        return PackedSequence(out, batch_sizes, sorted_indices, unsorted_indices), \
            self.permute_hidden(hidden, unsorted_indices)

    def _zeros(self, input, size):
        batch = input.size(0) if self.batch_first else input.size(1)
        dirs = 2 if self.bidirectional else 1
        return _creation.zeros(self.num_layers * dirs, batch, size, dtype=input.dtype)

    def _run(self, input, hx):
        """``input`` is 3-d (batch_first as configured); returns (output, hidden) in the same layout."""
        if self.batch_first:
            input = input.transpose(0, 1)
        out, hidden = _rnn.rnn_forward(self.mode, input, hx, self._layer_weights(), self.num_layers, self.dropout,
                                       self.training, self.bidirectional)
        if self.batch_first:   # torch's RNN and GRU kernels transpose their output in place (TransposeBackward1)
            out = out.transpose(0, 1) if self.mode == "LSTM" else out.transpose_(0, 1)
        return out, hidden

    def _forward_single(self, input, hx, name):
        """RNN and GRU: one hidden tensor."""
        self._update_flat_weights()
        if isinstance(input, PackedSequence):
            return self._forward_packed(input, hx)
        if input.dim() not in (2, 3):
            extra = " tensor" if name == "RNN" else ""
            raise ValueError(f"{name}: Expected input to be 2D or 3D, got {input.dim()}D{extra} instead")
        batched = input.dim() == 3
        batch_dim = 0 if self.batch_first else 1
        if not batched:
            input = input.unsqueeze(batch_dim)
            if hx is not None:
                if hx.dim() != 2:
                    raise RuntimeError(f"For unbatched 2-D input, hx should also be 2-D but got {hx.dim()}-D tensor")
                hx = hx.unsqueeze(1)
        elif hx is not None and hx.dim() != 3:
            raise RuntimeError(f"For batched 3-D input, hx should also be 3-D but got {hx.dim()}-D tensor")
        if hx is None:
            hx = self._zeros(input, self.hidden_size)
        self.check_forward_args(input, hx)
        out, hidden = self._run(input, hx)
        if not batched:
            out, hidden = out.squeeze(batch_dim), hidden.squeeze(1)
        return out, hidden

    def extra_repr(self):
        s = "{input_size}, {hidden_size}"
        if self.proj_size != 0:
            s += ", proj_size={proj_size}"
        if self.num_layers != 1:
            s += ", num_layers={num_layers}"
        if self.bias is not True:
            s += ", bias={bias}"
        if self.batch_first is not False:
            s += ", batch_first={batch_first}"
        if self.dropout != 0:
            s += ", dropout={dropout}"
        if self.bidirectional is not False:
            s += ", bidirectional={bidirectional}"
        return s.format(**self.__dict__)


class RNN(RNNBase):
    """h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)   (``nonlinearity='relu'``: relu)

    Shape: input (L, N, H_in) ((N, L, H_in) with batch_first, or (L, H_in) unbatched), h_0
    (D*num_layers, N, H_out); returns output (L, N, D*H_out) and h_n (D*num_layers, N, H_out).
    """

    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        if len(args) > 3:
            self.nonlinearity = args[3]
            args = args[:3] + args[4:]
        else:
            self.nonlinearity = kwargs.pop("nonlinearity", "tanh")
        if self.nonlinearity == "tanh":
            mode = "RNN_TANH"
        elif self.nonlinearity == "relu":
            mode = "RNN_RELU"
        else:
            raise ValueError(f"Unknown nonlinearity '{self.nonlinearity}'. Select from 'tanh' or 'relu'.")
        super().__init__(mode, *args, **kwargs)

    def forward(self, input, hx=None):
        return self._forward_single(input, hx, "RNN")


class GRU(RNNBase):
    """r = s(W_ir x + b_ir + W_hr h + b_hr), z likewise, n = tanh(W_in x + b_in + r (W_hn h + b_hn)),
    h' = (1 - z) n + z h.  Shapes as ``RNN``."""

    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        super().__init__("GRU", *args, **kwargs)

    def forward(self, input, hx=None):
        return self._forward_single(input, hx, "GRU")


class LSTM(RNNBase):
    """i, f, g, o = s(.), s(.), tanh(.), s(.) of x W_ih^T + b_ih + h W_hh^T + b_hh;
    c' = f c + i g;  h' = o tanh(c')   (then h' W_hr^T with ``proj_size``).

    Returns output and the pair (h_n, c_n)."""

    def __init__(self, *args, **kwargs):
        super().__init__("LSTM", *args, **kwargs)

    def get_expected_cell_size(self, input, batch_sizes=None):
        if batch_sizes is not None:
            batch = int(batch_sizes[0])
        else:
            batch = input.size(0) if self.batch_first else input.size(1)
        dirs = 2 if self.bidirectional else 1
        return (self.num_layers * dirs, batch, self.hidden_size)

    def check_forward_args(self, input, hidden, batch_sizes=None):
        self.check_input(input, batch_sizes)
        self.check_hidden_size(hidden[0], self.get_expected_hidden_size(input, batch_sizes),
                               "Expected hidden[0] size {}, got {}")
        self.check_hidden_size(hidden[1], self.get_expected_cell_size(input, batch_sizes),
                               "Expected hidden[1] size {}, got {}")

    def permute_hidden(self, hx, permutation):
        if permutation is None:
            return hx
        return hx[0].index_select(1, permutation), hx[1].index_select(1, permutation)

    def forward(self, input, hx=None):
        self._update_flat_weights()
        if isinstance(input, PackedSequence):
            return self._forward_packed(input, hx)
        if input.dim() not in (2, 3):
            raise ValueError(f"LSTM: Expected input to be 2D or 3D, got {input.dim()}D instead")
        batched = input.dim() == 3
        batch_dim = 0 if self.batch_first else 1
        if not batched:
            input = input.unsqueeze(batch_dim)
        if hx is None:
            real_hidden = self.proj_size if self.proj_size > 0 else self.hidden_size
            hx = (self._zeros(input, real_hidden), self._zeros(input, self.hidden_size))
        else:
            want = 3 if batched else 2
            if hx[0].dim() != want or hx[1].dim() != want:
                kind = "batched 3-D input, hx and cx should also be 3-D" if batched else \
                    "unbatched 2-D input, hx and cx should also be 2-D"
                raise RuntimeError(f"For {kind} but got ({hx[0].dim()}-D, {hx[1].dim()}-D) tensors")
            if not batched:
                hx = (hx[0].unsqueeze(1), hx[1].unsqueeze(1))
        self.check_forward_args(input, hx)
        out, (h, c) = self._run(input, hx)
        if not batched:
            out, h, c = out.squeeze(batch_dim), h.squeeze(1), c.squeeze(1)
        return out, (h, c)


from .rnn_cell import RNNCellBase, RNNCell, LSTMCell, GRUCell  # noqa: E402,F401  (their old home)
