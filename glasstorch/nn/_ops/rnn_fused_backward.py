"""Backpropagation through time for the fused layers of ``rnn_fused.py``, last step first.

Each returns (dxw, dhw, dh0, dc0): the gradient of the projected input x W_ih^T + b_ih (T, B, G),
that of h W_hh^T + b_hh at every step (from which the node forms dW_hh and db_hh), and those of the
initial states.  The LSTM (torch: a oneDNN kernel with its own order) forms the per-element factors
that do not depend on the incoming gradient for all steps at once before the loop, so a step is a
few whole-block products and the matrix product with W_hh; GRU and RNN follow torch's autograd
operation by operation, so that their rounding is torch's.
"""
import numpy as np

from .rnn_fused import _order


def lstm_backward(gm, tcs, c_prev, g_out, g_h, g_c, w, reverse):
    """With c' = f c + i g and h' = o tanh(c'), gates ``gm`` gate-major (4, T, B, H) in the forward
    loop's order (i, f, o, g):
        dh = g_out[t] + dh_next;     dc = dh o (1 - tanh(c')^2) + dc_next
        d(i, f, g, o) = (dc g i(1-i), dc c f(1-f), dc i (1-g^2), dh tanh(c') o(1-o))
        dh_next = d(i, f, g, o) W_hh;     dc_next = dc f"""
    _, t_len, batch, hid = gm.shape
    i, f, o, g = gm
    s = np.subtract(1, gm[:3])                              # sigmoid'(a) = s (1 - s) of i, f, o
    s *= gm[:3]
    q = np.empty_like(gm)                                   # the factors multiplying (dc, dc, dc, dh),
    np.multiply(s[0], g, out=q[0])                          # in torch's gate order
    np.multiply(s[1], c_prev, out=q[1])
    np.multiply(g, g, out=q[2])
    np.subtract(1, q[2], out=q[2])
    q[2] *= i
    np.multiply(s[2], tcs, out=q[3])
    del s
    dc_h = np.multiply(tcs, tcs)                            # o (1 - tanh(c')^2)
    np.subtract(1, dc_h, out=dc_h)
    dc_h *= o
    dgates = np.empty((t_len, batch, 4 * hid), gm.dtype)
    dgm = dgates.reshape(t_len, batch, 4, hid).transpose(0, 2, 1, 3)   # the same memory, gate-major
    dh, dc = np.empty((batch, hid), gm.dtype), np.empty((batch, hid), gm.dtype)
    dh_next, dc_next = np.array(g_h, gm.dtype), np.array(g_c, gm.dtype)
    for t in _order(t_len, not reverse):
        np.add(g_out[t], dh_next, out=dh)
        np.multiply(dh, dc_h[t], out=dc)
        dc += dc_next
        np.multiply(q[:3, t], dc, out=dgm[t, :3])
        np.multiply(q[3, t], dh, out=dgm[t, 3])
        np.matmul(dgates[t], w, out=dh_next)
        np.multiply(dc, f[t], out=dc_next)
    return dgates, dgates, dh_next, dc_next


def gru_backward(gm, hns, h_prev, g_out, g_h, w, reverse):
    """With n = tanh(a), a = x_n + r h_n, and h' = (h - n) z + n, gates ``gm`` gate-major (3, T, B, H);
    in the order of torch's autograd on its GRU cell, so that the rounding is the same:
        dh = (g_out[t] + dh' z) + d(h W_hh^T) W_hh     (both from the step after)
        da = (dh - dh z) (1 - n^2);   dr = da h_n (1-r) r;   dz = dh (h-n) (1-z) z
        d(h W_hh^T) = (dr, dz, da r),   dxw = (dr, dz, da)"""
    _, t_len, batch, hid = gm.shape
    r, z, n = gm
    om = np.subtract(1, gm)                                # 1 - r, 1 - z, 1 - n^2
    np.multiply(n, n, out=om[2])
    np.subtract(1, om[2], out=om[2])
    h_n = np.subtract(h_prev, n)                           # h - n
    dhw, dxw = np.empty((2, t_len, batch, 3 * hid), gm.dtype)
    dgm = np.empty((3, batch, hid), gm.dtype)
    dr, dz, da = dgm
    dh, dhz, mm = (np.empty((batch, hid), gm.dtype) for _ in range(3))
    first = True
    for t in _order(t_len, not reverse):
        if first:
            np.add(g_out[t], g_h, out=dh)
            first = False
        else:
            np.add(g_out[t], dhz, out=dh)
            dh += mm
        np.multiply(dh, z[t], out=dhz)
        np.subtract(dh, dhz, out=da)
        da *= om[2, t]
        np.multiply(da, hns[t], out=dr)
        dr *= om[0, t]
        dr *= r[t]
        np.multiply(dh, h_n[t], out=dz)
        dz *= om[1, t]
        dz *= z[t]
        dxw[t].reshape(batch, 3, hid)[...] = dgm.transpose(1, 0, 2)
        da *= r[t]                                          # d h_n
        dhw[t].reshape(batch, 3, hid)[...] = dgm.transpose(1, 0, 2)
        np.matmul(dhw[t], w, out=mm)
    np.add(dhz, mm, out=dh)                                # into h0
    return dxw, dhw, dh, None


def rnn_backward(hs, g_out, g_h, w, reverse, relu):
    """da = (g_out[t] + dh_next) (1 - h'^2)   (relu: 0 where h' <= 0);   dh_next = da W_hh."""
    bits = np.dtype(f"i{hs.itemsize}")
    if relu:                                    # all bits kept where h' > 0, none (+0.0) elsewhere
        factor = np.negative(np.greater(hs, 0).astype(bits))
    else:
        factor = np.multiply(hs, hs)
        np.subtract(1, factor, out=factor)
    da = np.empty_like(hs)
    dh_next = np.array(g_h, hs.dtype)
    for t in _order(hs.shape[0], not reverse):
        dat = da[t]
        np.add(g_out[t], dh_next, dat)
        if relu:
            np.bitwise_and(dat.view(bits), factor[t], dat.view(bits))
        else:
            dat *= factor[t]
        np.matmul(dat, w, dh_next)
    return da, da, dh_next, None
