"""More losses: ``soft_margin_loss`` and ``multi_margin_loss`` (their own nodes, as in torch), and the
composites torch builds from other ops: ``poisson_nll_loss``, ``gaussian_nll_loss``,
``hinge_embedding_loss``, ``multilabel_soft_margin_loss``."""
import math

import numpy as np

from ...autograd.graph import Node
from ...ops._common import GRAD, _wrap, record
from ._util import get_enum, legacy_reduction, legacy_reduction_enum, reduce as _reduce_array
from ._util import reduce_tensor as _reduce


def _is_array(g):
    return isinstance(g, (np.ndarray, np.generic))


def _ops():
    import glasstorch
    return glasstorch


# ---- soft margin: l = log(1 + exp(-y x)) --------------------------------------------------------
class SoftMarginLossBackward0(Node):
    """l = log(1 + exp(-y x))   ->   dl/dx = -y s,  dl/dy = -x s,  s = sigmoid(-y x)"""
    __slots__ = ("reduction", "need")

    def backward(self, g):
        # (the target never needs one: soft_margin_loss refuses a target that requires grad)
        from .loss_double import soft_margin_double, soft_margin_kernel, with_tensors
        x, y = self.saved()
        if not _is_array(g):     # create_graph: torch's SoftMarginLossBackwardBackward0 (loss_double.py)
            return (soft_margin_double(g, x, y, self.reduction), None)
        y = np.asarray(y, x.dtype)
        return (with_tensors(lambda g, x, y: soft_margin_kernel(g, x, y, self.reduction), np.asarray(g), x, y), None)


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    reduction = legacy_reduction_enum(size_average, reduce, reduction)
    reduction = get_enum(reduction)
    if GRAD.enabled and getattr(target, "requires_grad", False):    # autograd's check, before the kernel's
        raise RuntimeError("The function 'soft_margin_loss' is not differentiable with respect to argument "
                           "'target'. This input cannot have requires_grad True.")
    xd = input._data.dtype
    if xd.kind == "b":                        # torch negates the input first, then works in its dtype
        from ...ops.arithmetic import NEG_BOOL
        raise RuntimeError(NEG_BOOL)
    if xd.kind in "iu":
        from ...ops.inplace import type_name
        from ..._dtype import result_type
        dt = result_type(input, target).np
        raise RuntimeError(f"result type {type_name(dt) if dt.kind == 'f' else 'Float'} can't be cast to the "
                           f"desired output type {type_name(xd)}")
    try:
        shape = np.broadcast_shapes(input._data.shape, target._data.shape)
    except ValueError:
        from ...ops._common import broadcast_error
        raise broadcast_error(input._data.shape, target._data.shape) from None
    if shape != input._data.shape:           # torch writes the loss into an output of the input's shape
        raise RuntimeError(f"output with shape {list(input._data.shape)} doesn't match the broadcast shape "
                           f"{list(shape)}")
    x, y = np.broadcast_arrays(input._data, target._data.astype(input._data.dtype, copy=False))
    from ...ops import _libm        # torch's composite log1p(exp(-x y)): each op rounded as torch's
    with np.errstate(over="ignore"):
        r = _wrap(np.asarray(_reduce_array(_libm.log1p_vec(_libm.exp(-x * y)), reduction), dtype=x.dtype))
    if GRAD.enabled and (input._rg or target._rg):
        node = SoftMarginLossBackward0()
        node.reduction, node.need = reduction, (input._rg, target._rg)
        node.save(input, target)
        record(node, r, input, target)
    return r


# ---- multi-class margin: l = sum_{i != y} max(0, margin - x[y] + x[i])^p w[y] / C -------------------
class MultiMarginLossBackward0(Node):
    """dl/dx[i] = p h_i^(p-1) w[y] / C for each i != y with h_i = margin - x[y] + x[i] > 0;
    x[y] gets minus their sum"""
    __slots__ = ("p", "margin", "reduction", "target", "w")

    def backward(self, g):
        x, = self.saved()
        w = self.w
        if not _is_array(g):       # torch has no derivative for it: a NotImplemented node (loss_double.py)
            from .loss_double import refused_double
            return refused_double(self, g, "multi_margin_loss_backward")
        x2 = x.reshape(-1, x.shape[-1]) if x.ndim else x.reshape(1, 1)
        n, c = x2.shape
        # torch's kernel: the step 1/(N C) ('mean') or 1/C, rounded to x's dtype, then times the upstream
        step = x.dtype.type(1.0 / (n * c) if self.reduction == "mean" else 1.0 / c)
        d = _margin_grad(x2, self.target, self.p, self.margin, w, step)
        gl = np.asarray(g, x.dtype)
        d = d * (gl.reshape(-1, 1) if self.reduction == "none" and gl.ndim else gl)
        return (d.reshape(x.shape),)


def _margin_terms(x, target, margin):
    rows = np.arange(x.shape[0])
    h = margin - x[rows, target][:, None] + x
    h[rows, target] = 0
    return h


def _margin_grad(x, target, p, margin, w, step):
    """Per active hinge: step (p = 1) or 2 step z (p = 2), times w[y]; x[y] gets 0 minus their running sum."""
    h = _margin_terms(x, target, margin)
    d = np.where(h > 0, (x.dtype.type(2) * step) * h if p == 2 else step, 0).astype(x.dtype)
    if w is not None:
        d = d * w[target][:, None]
    rows = np.arange(x.shape[0])
    d[rows, target] = 0
    d[rows, target] = x.dtype.type(0) - np.cumsum(d, axis=1, dtype=x.dtype)[:, -1]
    return d


def _check_multi_margin(x, target, weight):
    """torch's checks, in its order: weight without a gradient, input 0/1/2-d and not empty, one target
    per sample, one weight per class, a float/double kernel, then Long targets and weights of x's dtype."""
    from ...ops._complex_refuse import not_implemented
    from ...ops.inplace import type_name
    if weight is not None and weight.requires_grad and GRAD.enabled:
        raise RuntimeError("The function 'multi_margin_loss' is not differentiable with respect to argument "
                           "'weight'. This input cannot have requires_grad True.")
    if not ((x.ndim == 2 and x.shape[1] != 0) or (x.ndim == 1 and x.shape[0] != 0) or x.ndim == 0):
        raise RuntimeError(f"Expected non-empty vector or matrix with optional 0-dim batch size, but got: "
                           f"{list(x.shape)}")
    nframe, dim = (x.shape[0], x.shape[1]) if x.ndim == 2 else (1, max(x.size, 1))
    if target.dim() > 1 or target.numel() != nframe:
        raise RuntimeError(f"multi_margin_loss: target tensor should be 1-D with size equal to the number of "
                           f"input samples (batch size). Expected target size [{nframe}], but got "
                           f"{list(target.shape)}. Input has shape {list(x.shape)}.")
    if weight is not None and weight.numel() != dim:
        raise RuntimeError(f"inconsistent weight size, expected {dim} but got {list(weight.shape)}")
    if x.dtype.kind != "f" or x.dtype == np.float16:
        raise not_implemented("multi_margin_loss_cpu_kernel", x.dtype)
    if target._data.dtype != np.int64:
        raise RuntimeError(f"expected scalar type Long but found {type_name(target._data.dtype)}")
    if weight is not None and weight._data.dtype != x.dtype:
        raise RuntimeError(f"expected scalar type {type_name(x.dtype)} but found {type_name(weight._data.dtype)}")


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None, reduce=None,
                      reduction="mean"):
    reduction = legacy_reduction_enum(size_average, reduce, reduction)
    reduction = get_enum(reduction)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    if weight is not None and weight.dim() != 1:
        raise ValueError("weight must be one-dimensional")
    from .number_args import scalar_arg
    p, margin = scalar_arg(p, "multi_margin_loss", "p", 3), scalar_arg(margin, "multi_margin_loss", "margin", 4)
    x = input._data
    from ...autograd._no_forward_ad import refuse_forward_ad      # no forward formula in torch's derivatives.yaml
    refuse_forward_ad("multi_margin_loss", input, weight)       # (a dual weight: this, not "not differentiable")
    _check_multi_margin(x, target, weight)
    from ...ops._scalar_cast import checked_scalar      # the kernel's margin.to<scalar_t>()
    margin = x.dtype.type(checked_scalar(margin, x.dtype))
    t = target._data.reshape(-1)
    x2 = x.reshape(-1, x.shape[-1]) if x.ndim else x.reshape(1, 1)
    if t.size and (t.min() < 0 or t.max() >= x2.shape[1]):
        raise RuntimeError("target out of range")
    w = None if weight is None else weight._data
    # torch's kernel: each row's hinges summed one by one in x's dtype and divided by C there; the rows
    # of a reduction (or of a 1-d input) are then added in double, and divided by N for 'mean'
    h = np.maximum(_margin_terms(x2, t, margin), 0)
    per = (h * h if p == 2 else h)
    if w is not None:
        per = per * w[t][:, None]
    per = np.cumsum(per, axis=1, dtype=x.dtype)[:, -1] / x.dtype.type(x2.shape[1])
    if reduction == "none" and x.ndim == 2:
        out = per
    else:
        out = np.cumsum(per, dtype=np.float64)[-1] if per.size else np.float64(0)
        out = out / per.size if reduction == "mean" else out
    r = _wrap(np.asarray(out, dtype=x.dtype))
    if GRAD.enabled and input._rg:
        node = MultiMarginLossBackward0()
        node.p, node.margin, node.reduction, node.target, node.w = p, margin, reduction, t, w
        node.save(input)
        record(node, r, input)
    return r


# ---- composites ----------------------------------------------------------------------------------
def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8, reduce=None,
                     reduction="mean"):
    """exp(x) - t x (log_input) or x - t log(x + eps); ``full`` adds Stirling's t log t - t + log(2 pi t)/2
    where t > 1."""
    g = _ops()
    reduction = legacy_reduction(size_average, reduce, reduction)
    if reduction not in ("none", "mean", "sum"):     # torch's own check (a non-string: its TypeError)
        raise ValueError(reduction + " is not a valid value for reduction")
    # Loss.cpp's expressions, each binary operator's right operand made first (as its compiler does:
    # the order the backward adds a tensor's gradient terms in); numbers enter as .Scalar overloads
    from ...ops.scalar_arith import add_scalar, mul_scalar
    if log_input:
        cross = target * input
        loss = g.exp(input) - cross
    else:
        cross = target * g.log(add_scalar(input, eps))
        loss = input - cross
    if full:
        half_log = mul_scalar(g.log(mul_scalar(target, 2 * math.pi)), 0.5)
        stirling = (target * g.log(target) - target) + half_log
        loss += stirling.masked_fill(target <= 1, 0)
    return _reduce(loss, reduction)


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    """(log(var) + (x - t)^2 / var) / 2, var clamped below at eps (without a gradient through the clamp)."""
    g = _ops()
    if isinstance(var, (int, float)):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = var * g.ones_like(input)
    elif bool(g.any(var < 0)):
        raise ValueError("var has negative entry/entries")
    if var.size() != input.size():
        # homoscedastic: var one dim short, or of size 1 in the one dim where it differs from input
        if input.size()[:-1] == var.size():
            var = g.unsqueeze(var, -1)
        elif not (input.ndim == var.ndim and sum(v for i, v in zip(input.size(), var.size()) if i != v) == 1):
            raise ValueError("var is of incorrect size")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    var = var.clone()
    with g.no_grad():
        var.clamp_(min=eps)
    loss = 0.5 * (g.log(var) + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None, reduction="mean"):
    """x where y = 1, max(0, margin - x) where y = -1."""
    g = _ops()
    reduction = legacy_reduction_enum(size_average, reduce, reduction)
    reduction = get_enum(reduction)
    from .number_args import double_arg
    margin = double_arg(margin, "hinge_embedding_loss", "margin", 3)
    zeros = g.zeros_like(input)
    # torch's C++ ``margin - self`` is empty_like(self).fill_(margin).sub_(self) (SubBackward0): it keeps
    # self's dtype, so an integer input gives an integer loss (and 'mean' then refuses it)
    margin_clamp = g.full_like(input, margin).sub_(input).clamp_min_(0)
    loss = g.where(target != 1, margin_clamp, zeros) + g.where(target != -1, input, zeros)
    return _reduce(loss, reduction)


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """-(y log sigmoid(x) + (1 - y) log sigmoid(-x)), averaged over the classes."""
    from .activation import logsigmoid
    reduction = legacy_reduction(size_average, reduce, reduction)
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    class_dim = input.dim() - 1
    loss = loss.sum(dim=class_dim) / input.size(class_dim)
    if reduction not in ("none", "mean", "sum"):        # torch's own check, after the arithmetic
        raise ValueError(reduction + " is not valid")
    return _reduce(loss, reduction)
