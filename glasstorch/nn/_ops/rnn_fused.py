"""Fused recurrent layers: one layer, one direction of LSTM, GRU or RNN as a single graph node.

Recording the ~12 nodes of every time step costs more than the arithmetic at small sizes, so an
unpacked layer (float32 or float64; LSTM without projections) runs its loop over time in NumPy, in
preallocated buffers, and backpropagates through time in one node.  As in torch, the input
projection x W_ih^T + b_ih of all steps is one matrix product before the loop; each step then adds
h W_hh^T + b_hh.  The LSTM's loop is ``rnn_fused_lstm.py``.  Backward (``rnn_fused_backward.py``) runs
the recurrence last step first, then forms dW_ih and dx with one product each over all steps, and
dW_hh with one too for the LSTM; GRU and RNN sum dW_hh and db_hh step by step, in the order torch's
autograd does, and so give the values of the step functions' graph bit for bit (but for a tanh
argument that the formula below rounds the other way, ~1 in 10^7).  With create_graph=True backward
re-runs the step functions of ``rnn.py`` as ops instead, so double backward still works.

GRU and RNN float32 transcendentals (float64: NumPy's own):
    tanh      1 - 2 / (e + 1),  e = exp(2x),  in float64 and rounded once: the correctly rounded
              tanh (as ``ops/_libm.py`` gives) for all but a few in 10^7 arguments, at about half the
              cost of NumPy's float64 tanh; below 2**-12 the correctly rounded tanh(x) is x itself.
    sigmoid   1 / (1 + exp(-x)), exp correctly rounded, then float32 arithmetic, as
              ``_libm.sigmoid`` and torch's CPU kernel.
"""
import numpy as np

from ..._meta import STAND_INS
from ...autograd.graph import Node
from ...ops._common import ANOMALY, GRAD, _remember_forward, _wrap, edge
from .linear import weight_grad_t
from .rnn_fused_lstm import _order, _states, lstm_forward

_F32 = np.dtype(np.float32)
_TINY = 2.0 ** -12


class _Tanh:
    """``tanh(x, out)`` for (B, N) blocks of one dtype, reusing scratch buffers; ``out`` may be ``x``."""

    def __init__(self, shape, dtype):
        self.f32 = dtype == _F32
        if self.f32:
            self.e, self.a, self.m = np.empty(shape), np.empty(shape, _F32), np.empty(shape, bool)

    def __call__(self, x, out):
        if not self.f32:
            np.tanh(x, out=out)
            return
        e, a, m = self.e, self.a, self.m
        if out is x:
            np.greater_equal(np.abs(x, out=a), _TINY, out=m)     # where the formula's value is wanted
        np.add(x, x, out=a)                            # 2x, exact (or inf, which the formula takes)
        e[...] = a
        np.exp(e, out=e)
        self.finish(e)
        if out is x:
            np.copyto(x, e, casting="same_kind", where=m)
            return
        out[...] = e                                   # rounded once to float32
        np.less(np.abs(x, out=a), _TINY, out=m)
        np.copyto(out, x, where=m)

    @staticmethod
    def finish(e):
        """e = exp(2x)  ->  1 - 2 / (e + 1) = tanh(x), in float64."""
        e += 1.0
        np.divide(2.0, e, out=e)
        np.subtract(1.0, e, out=e)


def _sigmoid_(x, e):
    """x = 1 / (1 + exp(-x)) in place; ``e`` float64 scratch of x's shape (float32 only)."""
    np.negative(x, out=x)
    if x.dtype == _F32:
        e[...] = x
        np.exp(e, out=e)
        x[...] = e
    else:
        np.exp(x, out=x)
    x += 1
    np.divide(1, x, out=x)


def _tiled(v, batch):
    """A (G,) row as a contiguous (B, G) block: adding it is a plain (not broadcast) loop."""
    return None if v is None else np.ascontiguousarray(np.broadcast_to(v, (batch, v.shape[0])))


# ---- forward loops over the projected input x (T, B, G); they return (h buffer, c buffer, cache) ------
def _gru_forward(x, h0, w, b, reverse):
    """Gates kept gate-major, (3, T, B, H), and h_n = h W_hn^T + b_hn of every step (T, B, H)."""
    t_len, batch, three = x.shape
    hid = three // 3
    hbuf, _, hs = _states(t_len, h0, reverse)
    gm, hns = np.empty((3,) + hs.shape, x.dtype), np.empty_like(hs)
    hw, rz, tmp = np.empty((batch, three), x.dtype), np.empty((batch, 2 * hid), x.dtype), np.empty_like(h0)
    bb = _tiled(b, batch)
    tanh = _Tanh((batch, hid), x.dtype)
    e = np.empty((batch, 2 * hid)) if tanh.f32 else None
    wt = w.T
    h = h0
    for ti in _order(t_len, reverse):
        xt = x[ti]
        np.matmul(h, wt, out=hw)
        if bb is not None:
            hw += bb
        np.add(xt[:, :2 * hid], hw[:, :2 * hid], out=rz)
        _sigmoid_(rz, e)
        gm[:2, ti] = rz.reshape(batch, 2, hid).transpose(1, 0, 2)
        r, z, n = gm[0, ti], gm[1, ti], gm[2, ti]
        hn = hns[ti]
        hn[...] = hw[:, 2 * hid:]
        np.multiply(r, hn, out=tmp)                         # n = tanh(x_n + r h_n)
        np.add(xt[:, 2 * hid:], tmp, out=n)
        tanh(n, n)
        h = hs[ti]                                          # h' = (h - n) z + n
        np.subtract(hbuf[ti + 1] if reverse else hbuf[ti], n, out=h)
        h *= z
        h += n
    return hbuf, None, (gm, hns)


def _rnn_forward(x, h0, w, b, reverse, relu):
    t_len, batch, hid = x.shape
    hbuf, _, hs = _states(t_len, h0, reverse)
    tanh = _Tanh((batch, hid), x.dtype)
    bb = _tiled(b, batch)
    wt = w.T
    h = h0
    for ti in _order(t_len, reverse):
        a = hs[ti]
        np.matmul(h, wt, out=a)
        if bb is not None:
            a += bb
        a += x[ti]
        if relu:
            np.maximum(a.dtype.type(0), a, out=a)      # (zero first: -0.0 stays -0.0, as torch's relu)
        else:
            tanh(a, a)
        h = a
    return hbuf, None, ()


def _weight_grad(hp, dhw, reverse, mode):
    """dW_hh = sum over steps of dhw_t^T h_t.  GRU and RNN: step by step, last step first, as torch's
    autograd sums them (the same rounding); LSTM (torch's oneDNN kernel): one product over all steps."""
    if mode == "LSTM":
        return weight_grad_t(hp.reshape(-1, hp.shape[-1]), dhw).T
    dhw = dhw.reshape(hp.shape[0], hp.shape[1], -1)
    order = iter(_order(hp.shape[0], not reverse))
    t = next(order)
    acc = hp[t].T @ dhw[t]
    for t in order:
        acc += hp[t].T @ dhw[t]
    return acc.T


# ---- the node ------------------------------------------------------------------------------------------
class _FusedLayer(Node):
    """(output, h_n[, c_n]) = one layer, one direction, over ``x`` (T, B, F).  Inputs in torch's order
    for its LSTM layer: x, w_ih, w_hh, b_ih, b_hh, h0, c0 (None where absent).  Saved: those, the
    output (float32 LSTM, as torch does, so an in-place change of it is caught) and the buffers."""
    __slots__ = ("mode", "reverse")
    _nout = 2

    def backward(self, grads):
        if not isinstance(grads[0], np.ndarray):
            return self._backward_by_graph(grads)
        from .rnn_fused_backward import gru_backward, lstm_backward, rnn_backward
        x, w_ih, w_hh, b_ih, b_hh, h0, c0, _, (hbuf, cbuf, cache) = self.saved()
        mode, t_len = self.mode, x.shape[0]
        before, after = (slice(1, None), slice(0, t_len)) if self.reverse else (slice(0, t_len), slice(1, None))
        hp = hbuf[before]
        if mode == "LSTM":
            dxw, dhw, dh0, dc0 = lstm_backward(*cache, cbuf[before], *grads, w_hh, self.reverse)
        elif mode == "GRU":
            dxw, dhw, dh0, dc0 = gru_backward(*cache, hp, *grads, w_hh, self.reverse)
        else:
            dxw, dhw, dh0, dc0 = rnn_backward(hbuf[after], *grads, w_hh, self.reverse, mode == "RNN_RELU")
        want = [fn is not None for fn, _ in self.next_functions]
        db_hh = None
        if want[4]:                     # as torch's per-step bias gradients, summed last step first
            steps = dhw.sum(1)
            order = iter(_order(t_len, not self.reverse))
            db_hh = steps[next(order)].copy()
            for t in order:
                db_hh += steps[t]
        dxw, dhw = dxw.reshape(-1, dxw.shape[-1]), dhw.reshape(-1, dhw.shape[-1])
        x2 = x.reshape(-1, x.shape[-1])
        return (None if not want[0] else (dxw @ w_ih).reshape(x.shape),
                None if not want[1] else weight_grad_t(x2, dxw).T,  # as torch's mm backward, then t()
                None if not want[2] else _weight_grad(hp, dhw, self.reverse, mode),
                None if not want[3] else dxw.sum(0),
                db_hh, dh0, dc0)

    def _backward_by_graph(self, grads):
        """create_graph: rebuild the layer from differentiable ops and differentiate that."""
        from ...autograd import grad as _grad
        from ...ops.join import stack
        from ...ops.views import unbind
        from .rnn import STEPS, _project
        ins = self.saved()[:7]
        x, w_ih, w_hh, b_ih, b_hh, h0, c0 = ins
        lstm = self.mode == "LSTM"
        step = STEPS[self.mode]
        xw = _project(x.reshape(-1, x.shape[-1]), w_ih, b_ih).view(x.shape[0], x.shape[1], -1)
        state, outs = ((h0, c0) if lstm else h0), []
        steps = unbind(xw, 0)
        for x_t in (reversed(steps) if self.reverse else steps):
            state = step(x_t, state, (w_ih, w_hh, b_ih, b_hh, None), True)
            outs.append(state[0] if lstm else state)
        if self.reverse:
            outs.reverse()
        wanted = [v is not None and v.requires_grad for v in ins]
        got = list(_grad([stack(outs, 0)] + (list(state) if lstm else [state]), [v for v, w in zip(ins, wanted) if w],
                         list(grads), create_graph=True, allow_unused=True))
        return tuple(got.pop(0) if want else None for want in wanted)


class MkldnnRnnLayerBackward0(_FusedLayer):
    """A float32 LSTM layer: torch runs it with oneDNN and names its node so."""
    __slots__ = ()
    _nout = 3


class _LstmStack(_FusedLayer):
    __slots__ = ()
    _nout = 3


class StackBackward0(_FusedLayer):
    """GRU and RNN layers (and float64 LSTM): torch's output there is a stack of the steps' states,
    so its grad_fn is ``StackBackward0``; this node stands for the whole loop under that name."""
    __slots__ = ()


_LstmStack.__name__ = _LstmStack.__qualname__ = "StackBackward0"


def fused_layer(mode, seq, state, weights, reverse):
    """One layer, one direction over ``seq`` (T, B, F): (output (T, B, H), state), the state a pair
    (h, c) for LSTM.  ``weights``: (w_ih, w_hh, b_ih, b_hh, None)."""
    w_ih, w_hh, b_ih, b_hh, _ = weights
    lstm = mode == "LSTM"
    h0, c0 = state if lstm else (state, None)
    onednn = lstm and seq._data.dtype == _F32 and not STAND_INS[0]     # (a meta LSTM runs without oneDNN)
    if onednn and not seq.is_contiguous():
        seq = seq.contiguous()        # oneDNN takes a dense input: batch_first's transposed view is cloned
    x = seq._data
    t_len, batch = x.shape[0], x.shape[1]
    x2 = x.reshape(t_len * batch, x.shape[2])
    w, b = w_hh._data, None if b_hh is None else b_hh._data
    if lstm:
        hbuf, cbuf, cache = lstm_forward(x2, t_len, h0._data, c0._data, w_ih._data, w,
                                         None if b_ih is None else b_ih._data, b, reverse)
    else:
        xw = x2 @ w_ih._data.T                              # the input projection of every step
        if b_ih is not None:
            xw += b_ih._data
        xw = xw.reshape(t_len, batch, -1)
        if mode == "GRU":
            hbuf, cbuf, cache = _gru_forward(xw, h0._data, w, b, reverse)
        else:
            hbuf, cbuf, cache = _rnn_forward(xw, h0._data, w, b, reverse, mode == "RNN_RELU")
    last = 0 if reverse else t_len                         # where the final state is in the buffers
    out = hbuf[:t_len].copy() if reverse else hbuf[1:].copy()
    results = [_wrap(out), _wrap(hbuf[last].copy())]
    if lstm:
        results.append(_wrap(cbuf[last].copy()))
    ins = (seq, w_ih, w_hh, b_ih, b_hh, h0, c0)
    if GRAD.enabled and any(v is not None and v._rg for v in ins):
        mkldnn = onednn
        node = (MkldnnRnnLayerBackward0 if mkldnn else _LstmStack if lstm else StackBackward0)()
        node.mode, node.reverse = mode, reverse
        node.save(*ins, results[0] if mkldnn else None, (hbuf, cbuf, cache), result_at=7)
        node.next_functions = tuple(edge(v) if v is not None else (None, 0) for v in ins)
        node._shape = [r._data.shape for r in results]
        node._dtype = [r._data.dtype for r in results]
        for nr, r in enumerate(results):
            r.grad_fn, r._rg, r._out_nr = node, True, nr
        if ANOMALY.enabled:
            _remember_forward(node)
    return results[0], (tuple(results[1:]) if lstm else results[1])


def can_fuse(mode, seq, state, weights):
    """Unpacked layers in float32/float64 (LSTM without projections), all operands of one dtype."""
    dt = seq._data.dtype
    if weights[4] is not None or dt not in (_F32, np.float64) or seq._data.size == 0:
        return False
    ops = [v for v in weights[:4] if v is not None] + (list(state) if mode == "LSTM" else [state])
    return all(v._data.dtype == dt for v in ops)
