"""Double backward of the losses with backward kernels, through torch's own nodes (derivatives.yaml,
FunctionsManual.cpp).  Under ``create_graph`` the first-order gradient keeps the kernel's values
(computed on the arrays) and hangs from ``<Kernel>BackwardBackward0``, whose formulas follow:

nll_loss_backward(g, x, t, w) (NllLoss2D for 4-d inputs):    edges g, x
    dg = nll_loss(gg, t, w, reduction, ignore_index),   dx = zeros_like(gg)
binary_cross_entropy_backward(g, x, t, w) = g (x - t) / max(x (1 - x), 1e-12) w (/ n):   edges g, x, t
    dx = (x^2 - 2 x t + t) / ((x + e)^2 (1 - x + e)^2) (gg g) w (/ n)          e = 1e-12
    dt = -gg g w / max((1 - x) x, 1e-12) (/ n)
    dg = (x - t) / ((x + e)(1 - x + e)) gg w (/ n)          (the engine sums it to g's shape)
  the target's first-order gradient is composite: -logit(x) g w (/ n)
soft_margin_loss_backward(g, x, t) = t exp(-t x) (-1/n) / (exp(-t x) + 1) g:   edges g, x
    dx = (gg g) t^2 z / (z + 1)^2 (/ n),   z = exp(-t x)
    dg = soft_margin_loss_backward(gg, x, t)   ('none'),   sum(soft_margin_loss_backward(1, x, t) gg)   (else)
binary_cross_entropy_with_logits has no kernel: torch's backward is composite, the same ops either way:
    dx = ((p t + 1 - t) sigmoid(x) - p t) g w (/ n)        (sigmoid(x) - t without pos_weight p)
    dt = (log_sigmoid(-x) - log_sigmoid(x) p) g w (/ n)     (-x g without p)

multi_margin_loss, multilabel_margin_loss and ctc_loss have no double backward in torch: their
gradient hangs from a ``NotImplemented`` node that raises when differentiated (``refused_double``).
"""
import numpy as np

from ...autograd.graph import MODE, Node
from ...ops._common import GRAD, _wrap, edge, record
from ...ops.kernel_double import hang, with_tensors
from ...ops.scalar_arith import add_scalar, div_scalar, mul_scalar

_EPS = 1e-12


def _mean(t, reduction, n):
    return div_scalar(t, n) if reduction == "mean" else t


# ---- nll_loss --------------------------------------------------------------------------------------
class NllLossBackwardBackward0(Node):
    """z = nll_loss_backward(g, x, t, w)   ->   dg = nll_loss(gg, t, w),   dx = zeros_like(gg)"""
    __slots__ = ("first", "target", "weight")

    def backward(self, gg):
        from .loss_nll import nll_loss
        f = self.first

        def second(gg):
            dg = nll_loss(gg, self.target, self.weight, None, f.ignore_index, None, f.reduction)
            from ... import zeros_like
            return dg, zeros_like(gg)
        return with_tensors(second, gg)


class NllLoss2DBackwardBackward0(NllLossBackwardBackward0):
    """z = nll_loss2d_backward(g, x, t, w)   ->   dg = nll_loss2d(gg, t, w),   dx = zeros_like(gg)"""
    __slots__ = ()


def nll_double(first, g, x, t, w):
    """NllLossBackward0's gradient under create_graph: the kernel's values, hung from torch's node."""
    from .loss_nll import NllLoss2DBackward0
    xa = x._data
    gx = first._fill(xa, t._data, None if w is None else w._data, np.asarray(g._data))[0]
    cls = NllLoss2DBackwardBackward0 if isinstance(first, NllLoss2DBackward0) else NllLossBackwardBackward0
    return hang(cls, gx, (g, x), first=first, target=t, weight=w)


# ---- binary_cross_entropy --------------------------------------------------------------------------
def bce_kernel(g, x, t, w, reduction):
    """torch's binary_cross_entropy_backward kernel on arrays: g (x - t) / max((1 - x) x, eps),
    then times w, then / n (each step rounded in x's dtype)."""
    dt = x.dtype.type
    d = np.asarray(g * (x - t), x.dtype) / np.maximum((dt(1) - x) * x, dt(_EPS))
    if w is not None:
        d = d * w
    if reduction == "mean":
        d = d / dt(x.size)
    return np.asarray(d, x.dtype)


def bce_target_grad(g, x, t, w, reduction):
    """torch's binary_cross_entropy_target_backward (composite): -logit(x) g w (/ n)."""
    r = x.logit().neg() * g
    if w is not None:
        r = r * w
    return _mean(r, reduction, t.numel())


class BinaryCrossEntropyBackwardBackward0(Node):
    """z = binary_cross_entropy_backward(g, x, t, w)   ->   see the module docstring"""
    __slots__ = ("reduction", "weight")

    def backward(self, gg):
        g, x, t = self.saved()
        red, w = self.reduction, self.weight

        def second(gg, g, x, t):
            n = x.numel()
            ww = None if w is None else _wrap(np.asarray(getattr(w, "_data", w)))
            num = x * x - mul_scalar(x, 2) * t + t
            den = add_scalar(x, _EPS).pow(2) * add_scalar(1 - x, _EPS).pow(2)
            dx = num / den * (gg * g)
            dt = -gg * g
            if ww is not None:
                dx, dt = dx * ww, dt * ww
            from ... import no_grad
            with no_grad():                                   # torch clamps the denominator outside the graph
                den_t = ((1 - x) * x).clamp_min(_EPS)
            dt = dt / den_t
            dg = (x - t) / (add_scalar(x, _EPS) * add_scalar(1 - x, _EPS)) * gg
            if ww is not None:
                dg = dg * ww
            return _mean(dg, red, n), _mean(dx, red, n), _mean(dt, red, t.numel())
        return with_tensors(second, gg, g, x, t)


def bce_double(g, x, t, w, reduction, need):
    """BinaryCrossEntropyBackward0's gradients under create_graph (w: an array or None)."""
    gx = None
    if need[0]:
        gx = hang(BinaryCrossEntropyBackwardBackward0,
                  bce_kernel(np.asarray(g._data), x._data, t._data, w, reduction), (g, x, t),
                  reduction=reduction, weight=w)
    gt = bce_target_grad(g, x, t, None if w is None else _wrap(np.asarray(w)), reduction) if need[1] else None
    return gx, gt


# ---- binary_cross_entropy_with_logits -------------------------------------------------------------
def bce_logits_grads(g, x, t, w, pw, reduction, need):
    """torch's binary_cross_entropy_with_logits_backward / _target_backward, op for op (Tensors)."""
    from ... import sigmoid
    from .activation import logsigmoid
    gx = gt = None
    if need[0]:
        if pw is not None:
            pt = pw * t
            gx = (add_scalar(pt, 1) - t) * sigmoid(x) - pt       # t.add(1).sub(target).mul(...).sub(t)
        else:
            gx = sigmoid(x) - t
        gx = gx * g
        if w is not None:
            gx = gx * w
        gx = _mean(gx, reduction, x.numel())
    if need[1]:
        gt = (logsigmoid(-x) - logsigmoid(x) * pw) * g if pw is not None else -x * g
        if w is not None:
            gt = gt * w
        gt = _mean(gt, reduction, t.numel())
    return gx, gt


# ---- soft_margin_loss -----------------------------------------------------------------------------
def soft_margin_kernel(g, x, t, reduction):
    """torch's soft_margin_loss_backward: z = exp(-t x);  t z (-norm) / (z + 1) g  (Tensors)."""
    from ... import exp
    norm = 1.0 / x.numel() if reduction == "mean" else 1.0
    z = exp(-t * x)
    return mul_scalar(t * z, -norm) / add_scalar(z, 1) * g


class SoftMarginLossBackwardBackward0(Node):
    """z = soft_margin_loss_backward(g, x, t)   ->   see the module docstring"""
    __slots__ = ("reduction", "target")

    def backward(self, gg):
        g, x = self.saved()
        red, t = self.reduction, self.target

        def second(gg, g, x):
            from ... import ones_like
            tt = _wrap(np.asarray(getattr(t, "_data", t)))
            z = (x * -tt).exp()
            zp1 = add_scalar(z, 1)
            dx = _mean((gg * g) * (tt * tt) * z / (zp1 * zp1), red, x.numel())
            if red == "none":
                dg = soft_margin_double(gg, x, tt, red)
            else:
                dg = (soft_margin_double(ones_like(g), x, tt, red) * gg).sum()
            return dg, dx
        return with_tensors(second, gg, g, x)


def soft_margin_double(g, x, t, reduction):
    """soft_margin_loss_backward on tensors: the kernel's values, hung from torch's node (edges g, x)."""
    v = with_tensors(lambda g, x, t: soft_margin_kernel(g, x, t, reduction), g._data, x._data, t._data)
    return hang(SoftMarginLossBackwardBackward0, v, (g, x), reduction=reduction, target=t)


# ---- no double backward in torch ------------------------------------------------------------------
def refused_double(node, g, op):
    """``node``'s gradients under create_graph, computed as the plain backward computes them, each on a
    ``NotImplemented`` node (edges to g and to node's inputs) that raises torch's error when used."""
    from ...autograd._double_guard import NotImplemented
    create, m = MODE.create, MODE.m
    MODE.create, MODE.m = False, np
    try:
        outs = node.backward(np.asarray(g._data))
    finally:
        MODE.create, MODE.m = create, m
    src = ([edge(g)] if g._rg else []) + [e for e in node.next_functions if e[0] is not None]
    res = []
    for o in outs:
        if o is None:
            res.append(None)
            continue
        r = _wrap(np.asarray(o))
        if GRAD.enabled and src:
            nd = NotImplemented()
            nd.what, nd.message, nd.exc = None, f"derivative for aten::{op} is not implemented", RuntimeError
            record(nd, r)
            nd.next_functions = tuple(src)
        res.append(r)
    return tuple(res)


__all__ = ["nll_double", "bce_double", "bce_logits_grads", "soft_margin_double", "refused_double", "with_tensors"]
