"""The fused LSTM layer's forward loop over time (the node is in ``rnn_fused.py``, backward in
``rnn_fused_backward.lstm_backward``).

The loop is shaped to pass over memory as few times per step as it can, because at the sizes people
train LSTMs on a CPU the elementwise work costs as much as the matrix product:

  * the gates are kept in the order (i, f, o, g), gate-major (4, T, B, H), so the three sigmoid gates
    are one block and each gate of a step is a contiguous (B, H) array;
  * the rows of W_ih, W_hh and of the biases that feed i, f, o are negated once before the loop, so
    the products give -a where the sigmoid wants exp(-a) (negating is exact: the same numbers as
    negating afterwards);
  * the input projection x W_ih^T (+ bias) of every step is one product per gate before the loop,
    written gate-major, so a step adds it while moving its own product into gate-major order.

    sigmoid(a) = 1 / (1 + exp(-a));   c' = f c + i g,   h' = o tanh(c')

float32: torch runs the layer with oneDNN, whose exp and tanh are its own approximations, so values
agree with torch's to a few units in the last place (not bit for bit).  Measured on random gates,
oneDNN's tanh is the correctly rounded one in ~94% of arguments, so tanh goes through float64
(``_Tanh64``); its sigmoid matches this float32 formula in ~47% (its own formula, 11 passes instead of
4, reached ~70%: not worth the time at this tolerance).  oneDNN's exp gives 0 below
2**-125.5, which makes its sigmoid exactly 0 for a < -125.5 ln 2, kept here.  Its bias is
b_ih + b_hh, added here to the input projection.  float64: torch's autograd ops, whose order of
additions, (h W_hh^T + b_hh) + (x W_ih^T + b_ih), is kept.
"""
import numpy as np

_F32 = np.dtype(np.float32)
_FLUSH = np.float32(2 ** 125.5)     # exp(-a) above this: oneDNN's sigmoid(a) is 0
_ORDER = [0, 1, 3, 2]               # internal gate k is torch's gate _ORDER[k] (torch: i, f, g, o)


def _tanh(x, out):
    np.tanh(x, out=out)


class _Tanh64:
    """float32 tanh through NumPy's float64 one, rounded once: oneDNN's float32 tanh agrees with
    that correctly rounded value in ~94% of arguments, with NumPy's float32 tanh in ~65%."""

    def __init__(self, shape):
        self.buf = np.empty(shape)

    def __call__(self, x, out):
        buf = self.buf
        buf[...] = x
        np.tanh(buf, out=buf)
        np.copyto(out, buf, casting="same_kind")


def _may_flush(xg, wt, h0):
    """Whether some sigmoid argument can fall below -125.5 ln 2 (~ -86.99), where oneDNN's sigmoid is 0:
    |a| <= |x W_ih^T + b| + max|h| sum_j |W_hh[row, j]|, and |h| <= 1 after the first step (h = o tanh(c)).
    Checking the bound once spares every step two passes."""
    h_max = max(1.0, float(np.abs(h0).max(initial=0)))
    bound = max(-xg[:3].min(), xg[:3].max()) + h_max * np.abs(wt[:3]).sum(1).max()
    return not bound < 86.9             # (NaN and inf included)


def _gate_rows(v, hid):
    """Rows of a (4H, ...) weight or (4H,) bias as (4, H, ...) in the order (i, f, o, g), the
    sigmoid gates' rows negated (a new array)."""
    blocks = v.reshape((4, hid) + v.shape[1:])[_ORDER]
    np.negative(blocks[:3], out=blocks[:3])
    return blocks


def _order(t_len, reverse):
    return range(t_len - 1, -1, -1) if reverse else range(t_len)


def _states(t_len, s0, reverse):
    """A (T+1, B, H) buffer: the state before the first step taken, then each step's; and its views
    ``before`` / ``after`` (T, B, H): the state each step starts from / ends with, indexed by time."""
    buf = np.empty((t_len + 1,) + s0.shape, s0.dtype)
    if reverse:
        buf[t_len] = s0
        return buf, buf[1:], buf[:t_len]
    buf[0] = s0
    return buf, buf[:t_len], buf[1:]


def lstm_forward(x2, t_len, h0, c0, w_ih, w_hh, b_ih, b_hh, reverse):
    """One direction over ``x2`` (T*B, F), the steps' rows one after another.  Returns the h and c
    buffers (as ``_states``) and the cache backward needs: the activated gates gate-major
    (4, T, B, H) in the order (i, f, o, g), and tanh(c') of every step (T, B, H)."""
    batch, hid = h0.shape
    dt = x2.dtype
    f32 = dt == _F32
    wi = _gate_rows(w_ih, hid)
    xg = np.empty((4, t_len * batch, hid), dt)
    for k in range(4):
        np.matmul(x2, wi[k].T, out=xg[k])
    b_step = None
    if f32 and b_ih is not None:                        # oneDNN's one bias, b_ih + b_hh
        xg += _gate_rows(b_ih + b_hh, hid)[:, None, :]
    elif b_ih is not None:
        xg += _gate_rows(b_ih, hid)[:, None, :]
        b_step = np.ascontiguousarray(np.broadcast_to(_gate_rows(b_hh, hid)[:, None, :], (4, batch, hid)))
    xg = xg.reshape(4, t_len, batch, hid)
    wt = np.ascontiguousarray(_gate_rows(w_hh, hid).transpose(0, 2, 1))      # (4, H_in, H): a product per gate
    hbuf, _, hs = _states(t_len, h0, reverse)
    cbuf, _, cs = _states(t_len, c0, reverse)
    gm, tcs = np.empty((4, t_len, batch, hid), dt), np.empty_like(hs)
    tmp = np.empty((batch, hid), dt)
    flush = np.empty((3, batch, hid), bool) if f32 and _may_flush(xg, wt, h0) else None
    tanh = _Tanh64((batch, hid)) if f32 else _tanh
    h, c = h0, c0
    for ti in _order(t_len, reverse):
        a = gm[:, ti]
        np.matmul(h, wt, out=a)                         # h W_hh^T, gate-major
        if b_step is not None:
            a += b_step
        a += xg[:, ti]                                  # (-a_i, -a_f, -a_o, a_g)
        s = a[:3]
        np.exp(s, out=s)
        if flush is not None:
            np.greater(s, _FLUSH, out=flush)
        s += 1
        np.reciprocal(s, out=s)
        if flush is not None:
            np.copyto(s, 0, where=flush)
        i, f, o, g = a
        tanh(g, g)
        cn = cs[ti]
        np.multiply(f, c, out=cn)
        np.multiply(i, g, out=tmp)
        cn += tmp
        tc = tcs[ti]
        tanh(cn, tc)
        h = np.multiply(o, tc, out=hs[ti])
        c = cn
    return hbuf, cbuf, (gm, tcs)
