"""Group norm's statistics, output and gradients rounded as torch's CPU kernels round them
(``group_norm_kernel.cpp``, contiguous (NCHW) path, AVX2 build), for float32 and float64 inputs.

x is viewed as (N, C, HxW) and each of its N * G groups as one row of D * HxW values (D = C / G);
fused multiply-adds where torch's build contracts them (found by experiment against torch, bit for
bit; tests/parity/test_group_norm_exact.py).

Forward (GroupNormKernelImplInternal):
  mean, var of each row: RowwiseMoments, as layer norm's (layer_norm_cpu.moments);
  rstd = 1 / sqrt(max(var, 0) + eps) with eps a double: the sum, root and quotient in float64,
  rounded once to the dtype.
  No weight and no bias: y = (x - mean) * rstd.  Otherwise, per channel, scale = rstd * w (w = 1
  when absent), bias = fma(-scale, mean, b) (b = 0 when absent), y = fma(scale, x, bias).
Backward (GroupNormBackwardKernelImplInternal), in the dtype:
  per (n, c) row of HxW values (ComputeInternalGradients): ds = sum(dy * x) by
  vec::map2_reduce_all, db = sum(dy) by vec::reduce_all: the lanes start with the first vector,
  the further whole vectors added in order, the leftovers into the first lanes, the lanes folded
  (float: the shuffle tree; double: in order); a row shorter than a vector added one by one.  The
  products are rounded before the adds in float32, fused into the leftovers' adds in float64.
  dx (GroupNormInputBackward), per (n, g): ds_g, db_g = sum over the group's D channels of
  ds * w, db * w (w = 1 when absent): lanes of W over the D // W * W first channels, each
  fma(ds_c, w_c, lane), the lanes added in order from 0, the leftover channels by fma one by one
  (where at::parallel_for runs the loop in place, one thread or one group in all, the compiled tail
  rounds its products in 16-byte blocks, 4 float / 2 double, adding them in order, and fuses only
  the last (D % W) % (16 bytes) ones);
  s = 1 / (D * HxW) rounded; c2 = fma(db_g, mean, -ds_g) * rstd * rstd * rstd * s;
  c3 = fma(-db_g * rstd, s, -c2 * mean); c1 = rstd * w_c;  dx = fma(c1, dy, c2 * x) + c3.
  dw (GammaBackward): per channel, over n in order from +0, acc = fma(fma(-db, mean, ds), rstd, acc).
  db (BetaBackward): per channel, over n in order from +0, acc + db.
Channels-last inputs: group_norm_cl.  Not reproduced: the sign bit of NaN results.
"""
import numpy as np

from . import layer_norm_cpu as _ln
from ..._runtime import get_num_threads

_fma = _ln._fma
_width = _ln._width


def forward(x, groups, w, b, eps):
    """(y, mean, rstd) of a C-contiguous (N, C, HxW) float32/float64 array; w, b: (C,) or None;
    mean, rstd: (N, G)."""
    dt = x.dtype.type
    n, c, hw = x.shape
    d = c // groups
    rows = x.reshape(n * groups, d * hw)
    mean, var = _ln.moments(rows)
    rstd = (1.0 / np.sqrt(np.maximum(var, 0).astype(np.float64) + float(eps))).astype(dt)
    if w is None and b is None:
        y = (rows - mean[:, None]) * rstd[:, None]
        return y.reshape(x.shape), mean.reshape(n, groups), rstd.reshape(n, groups)
    r3 = rstd.reshape(n, groups, 1)
    scale = r3 * w.reshape(groups, d) if w is not None else np.broadcast_to(r3, (n, groups, d))
    beta = b.reshape(groups, d) if b is not None else dt(0)
    fma = _fma(dt)
    bias = np.asarray(fma(-scale, mean.reshape(n, groups, 1), np.broadcast_to(beta, scale.shape)), dt)
    y = fma(scale.reshape(n, c, 1), x, bias.reshape(n, c, 1))
    return np.asarray(y, dt).reshape(x.shape), mean.reshape(n, groups), rstd.reshape(n, groups)


def _channel_sums(dy, x):
    """ComputeInternalGradients: (ds, db) of each (n, c) row, each (N, C)."""
    dt = x.dtype.type
    n, c, hw = x.shape
    p, q = dy.reshape(n * c, hw), x.reshape(n * c, hw)
    ds = _ln._row_sum(p * q) if dt == np.float32 else _ln._row_sum(p, q)
    return ds.reshape(n, c), _ln._row_sum(p).reshape(n, c)


def _group_sum(v, gam, fma, inline):
    """CalcDsDb and its scalar tail: sum over the last axis (D) of v * gam, (N, G, D) -> (N, G).
    ``inline``: the kernel ran outside a parallel region (one thread, or one group in all), where
    the compiled tail loop rounds its products in blocks of 16 bytes (4 float / 2 double) before
    adding them in order, fusing only the last D % W % (16 bytes) ones."""
    dt = v.dtype.type
    k = _width(dt)
    dd = v.shape[-1]
    body = dd // k * k
    acc = np.zeros(v.shape[:2], dt)
    if body:
        lanes = np.zeros(v.shape[:2] + (k,), dt)
        for j in range(0, body, k):
            lanes = np.asarray(fma(v[..., j:j + k], gam[:, j:j + k], lanes), dt)
        for j in range(k):
            acc = acc + lanes[..., j]
    fused = body
    if inline:
        fused = dd - (dd - body) % (k // 2)
        for j in range(body, fused):
            acc = acc + v[..., j] * gam[:, j]
    for j in range(fused, dd):
        acc = np.asarray(fma(v[..., j], gam[:, j], acc), dt)
    return acc


def backward(dy, x, mean, rstd, w, groups, need):
    """(dx, dw, db) of C-contiguous (N, C, HxW) arrays (None where not needed); mean, rstd: (N, G)."""
    dt = x.dtype.type
    fma = _fma(dt)
    n, c, hw = x.shape
    d = c // groups
    ds, db = _channel_sums(dy, x)
    dx = dw = dbias = None
    m3, r3 = mean.reshape(n, groups, 1), rstd.reshape(n, groups, 1)
    if need[0]:
        gam = np.ones((groups, d), dt) if w is None else w.reshape(groups, d)
        inline = n * groups == 1 or get_num_threads() == 1     # at::parallel_for ran it in place
        ds_g = _group_sum(ds.reshape(n, groups, d), gam, fma, inline)
        db_g = _group_sum(db.reshape(n, groups, d), gam, fma, inline)
        s = dt(dt(1) / dt(d * hw))
        c2 = np.asarray(fma(db_g, mean, -ds_g), dt) * rstd * rstd * rstd * s
        c3 = np.asarray(fma(-db_g * rstd, np.broadcast_to(s, c2.shape), -c2 * mean), dt)
        c1 = (r3 * gam).reshape(n, c, 1) if w is not None else np.repeat(r3, d, axis=1)
        c2c = np.repeat(c2[:, :, None], d, axis=1)
        c3c = np.repeat(c3[:, :, None], d, axis=1)
        dx = np.asarray(fma(c1, dy, c2c * x), dt)
        dx += c3c
    if need[1]:
        inner = np.asarray(fma(-db.reshape(n, groups, d), m3, ds.reshape(n, groups, d)), dt).reshape(n, c)
        dw = _ln._fma_rows(inner, np.repeat(r3, d, axis=2).reshape(n, c), np.zeros(c, dt))
    if need[2]:
        dbias = _ln._seq_rows(db)
    return dx, dw, dbias


# ---- glasstorch's entry points ------------------------------------------------------------------------

def _params(p, dt):
    return None if p is None else np.ascontiguousarray(p._data, dt).reshape(-1)


def _as3(a, dt):
    return np.ascontiguousarray(a, dt).reshape(a.shape[0], a.shape[1], -1)


def _cl3(a, dt):
    """A channels-last (N, C, *spatial) array as C-contiguous (N, HxW, C)."""
    return np.ascontiguousarray(np.moveaxis(a, 1, -1), dt).reshape(a.shape[0], -1, a.shape[1])


def _from_cl3(a, shape):
    return np.moveaxis(a.reshape((shape[0],) + tuple(shape[2:]) + (shape[1],)), -1, 1)


def exact_layout(x):
    """Which of torch's kernels reproduce F.group_norm of the non-empty float32 / float64 array x:
    "cl" (strides like channels-last, copied so: group_norm_cl) or "contiguous" (any other layout,
    copied contiguous: this module)."""
    from ...ops.conversion import _suggested_format       # torch's suggest_memory_format
    return "contiguous" if x.ndim not in (4, 5) or _suggested_format(x) == "contiguous_format" else "cl"


def group_norm(input, groups, weight, bias, eps, node_cls):
    """F.group_norm of a non-empty float32/float64 tensor (checked already), recording a ``node_cls`` whose backward calls ``node_backward`` when a gradient is wanted."""
    from ...ops._common import GRAD, _wrap, record
    x = input._data
    dt = x.dtype.type
    cl = exact_layout(x) == "cl"
    w, b = _params(weight, dt), _params(bias, dt)
    if cl:
        from . import group_norm_cl
        y, mean, rstd = group_norm_cl.forward(_cl3(x, dt), groups, w, b, eps)
        y = _from_cl3(y, x.shape)
    else:
        y, mean, rstd = forward(_as3(x, dt), groups, w, b, eps)
        y = y.reshape(x.shape)
    r = _wrap(y)
    need = (input._rg, weight is not None and weight._rg, bias is not None and bias._rg)
    if GRAD.enabled and any(need):
        node = node_cls()
        node.xhat = node.invstd = None
        node.need, node.groups, node.eps, node.exact = need, groups, eps, (mean, rstd, cl)
        node.save(weight, input)        # the input for double backward, as torch saves it
        record(node, r, input, weight, bias)
    return r


def node_backward(g, x, w, stats, groups, need):
    """NativeGroupNormBackward0's (grad_input, grad_weight, grad_bias) of arrays g, x, w."""
    dt = x.dtype.type
    mean, rstd, cl = stats
    wv = None if w is None else np.ascontiguousarray(w, dt).reshape(-1)
    if cl:
        from . import group_norm_cl
        dx, dw, db = group_norm_cl.backward(_cl3(g, dt), _cl3(x, dt), mean, rstd, wv, groups, need)
        return (None if dx is None else _from_cl3(dx, x.shape), dw, db)
    dx, dw, db = backward(_as3(g, dt), _as3(x, dt), mean, rstd, wv, groups, need)
    return (None if dx is None else dx.reshape(x.shape), dw, db)
