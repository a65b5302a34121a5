"""``torch.conv_tbc(input, weight, bias, pad=0)``: a 1-d convolution in (time, batch, channel) layout
(fairseq's ``ConvTBC``), with torch's kernel's arithmetic.

    input (T, B, Cin), weight (K, Cin, Cout), bias (Cout)  ->  output (T + 2 pad - K + 1, B, Cout)
    output[t] = bias + sum_k input[t + k - pad] @ weight[k]        (rows outside the input are zero)

torch fills the output with the bias, then adds one matrix product per kernel tap, in tap order
(``O.addmm_(I, W)`` over the rows that tap reaches); glasstorch makes the same ``addmm`` calls, so the
rounding is addmm's.  The backward (ConvTbcBackward0) is torch's ``conv_tbc_backward``:

    dinput[t + k - pad] += g[t] @ weight[k]^T,   dweight[k] = input_rows^T @ g_rows,   dbias = g.sum(0).sum(0)

each sum again accumulated tap by tap with addmm.
"""
import numpy as np

from .autograd.graph import Node
from .ops._common import GRAD, _wrap, needs_grad, record


def _taps(ilen, olen, kw, pad):
    """(k, input row shift, output row shift, rows) for each tap reaching the output."""
    real_pad = (olen - ilen + kw - 1) // 2
    for k in range(kw):
        i_shift, o_shift = max(0, k - real_pad), max(0, real_pad - k)
        t = min(ilen + real_pad - k, olen) - o_shift
        if t > 0:
            yield k, i_shift, o_shift, t


def _addmm_rows(c, a, b):
    """c + a @ b by glasstorch's addmm (MKL's order), on arrays."""
    from . import addmm, no_grad
    with no_grad():
        return addmm(_wrap(c), _wrap(a), _wrap(b))._data


def _forward(x, w, b, pad):
    ilen, batch, cin = x.shape
    kw, cout = w.shape[0], w.shape[2]
    olen = ilen - kw + 1 + pad * 2
    if olen < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {olen}: [{olen}, {batch}, {cout}]")
    out = np.empty((olen, batch, cout), dtype=x.dtype)
    out[...] = b                        # torch copies the bias in: cast to the input's dtype first
    for k, i_s, o_s, t in _taps(ilen, olen, kw, pad):
        rows = x[i_s:i_s + t].reshape(t * batch, cin)
        o = out[o_s:o_s + t].reshape(t * batch, cout)
        out[o_s:o_s + t] = _addmm_rows(o, rows, w[k]).reshape(t, batch, cout)
    return out


class ConvTbcBackward0(Node):
    """dI[rows of tap k] += g_rows @ W[k]^T,  dW[k] = I_rows^T @ g_rows,  db = sum over time and batch."""
    __slots__ = ("pad",)
    _saved_names = ("attr:pad", "self", "weight", "bias")

    def backward(self, g):
        x, w, b = (np.asarray(getattr(v, "_data", v)) for v in self.saved())
        g = np.asarray(getattr(g, "_data", g))
        ilen, batch, cin = x.shape
        kw, cout = w.shape[0], w.shape[2]
        olen = g.shape[0]
        dx, dw = np.zeros_like(x), np.zeros_like(w)
        for k, i_s, o_s, t in _taps(ilen, olen, kw, self.pad):
            go = g[o_s:o_s + t].reshape(t * batch, cout)
            di = dx[i_s:i_s + t].reshape(t * batch, cin)
            dx[i_s:i_s + t] = _addmm_rows(di, go, w[k].T).reshape(t, batch, cin)
        for k, i_s, o_s, t in _taps(ilen, olen, kw, self.pad):
            go = g[o_s:o_s + t].reshape(t * batch, cout)
            rows = x[i_s:i_s + t].reshape(t * batch, cin)
            dw[k] = _addmm_rows(dw[k], rows.T, go)
        from . import no_grad
        with no_grad():
            db = _wrap(np.ascontiguousarray(g)).sum(0).sum(0)._data.astype(b.dtype)
        return dx, dw, db


def conv_tbc(input, weight, bias, pad=0):
    """The convolution of ``input`` (time, batch, in) with ``weight`` (kernel, in, out), plus ``bias``."""
    x, w, b = input._data, weight._data, bias._data
    if x.ndim != 3:
        raise RuntimeError("Input must have 3 dims: time, batch, in_channel")
    if w.ndim != 3:
        raise RuntimeError("Weight tensor must have 3 dims: kernel_width, in_channels, out_channels.")
    if b.ndim != 1:
        raise RuntimeError("Bias must be 1-D")
    if x.shape[2] != w.shape[1]:
        raise RuntimeError("Input dim 2 (input channels) is not == dim 1 in the weight tensor")
    if w.shape[2] != b.shape[0]:
        raise RuntimeError("Bias size must equal dim 2 in the weight tensor (output channels).")
    if x.dtype != w.dtype:
        from ._dtype import _SCALAR_TYPES as names
        raise RuntimeError(f"self and mat2 must have the same dtype, but got {names[x.dtype.name]} and "
                           f"{names[w.dtype.name]}")
    pad = int(pad)
    r = _wrap(_forward(x, w, b, pad))
    if GRAD.enabled and needs_grad(input, weight, bias):
        node = ConvTbcBackward0()
        node.pad = pad
        node.save(input, weight, bias)
        record(node, r, input, weight, bias)
    return r
