"""``F.multilabel_margin_loss`` (its own node, as in torch), ``F.triplet_margin_with_distance_loss``
(a composite of the distance function torch calls) and ``F.feature_alpha_dropout``."""
import numpy as np

from ...autograd.graph import Node
from ...ops._common import GRAD, _wrap, record1
from ...ops.inplace import type_name
from ._util import get_enum, legacy_reduction_enum
from .sparse import np_generator


# ---- multilabel margin: l = sum_{j in targets} sum_{i not in targets} max(0, 1 - x[j] + x[i]) / C ----
def _targets(t, c):
    """Per row: the listed class indices (up to the first -1) and the mask of classes listed."""
    listed = np.cumprod(t >= 0, axis=1).astype(bool)    # a -1 ends the list
    is_target = np.zeros(t.shape, bool)
    rows = np.nonzero(listed)[0]
    is_target[rows, t[listed]] = True
    return listed, is_target


def _hinges(x, t, listed, is_target):
    """z[n, j, i] = 1 - x[n, t[n, j]] + x[n, i], and where it counts (j listed, i not a target, z > 0)."""
    xt = np.take_along_axis(x, np.where(listed, t, 0), axis=1)
    z = (x.dtype.type(1) - xt)[:, :, None] + x[:, None, :]
    return z, listed[:, :, None] & ~is_target[:, None, :] & (z > 0)


class MultilabelMarginLossBackward0(Node):
    """dl/dx[i] = (number of listed j with an active hinge at i) / C;  x[t_j] gets minus its count / C"""
    __slots__ = ("reduction", "target", "in_shape")

    def backward(self, g):
        if not isinstance(g, (np.ndarray, np.generic)):     # torch has no derivative for it (loss_double.py)
            from .loss_double import refused_double
            return refused_double(self, g, "multilabel_margin_loss_backward")
        x, = self.saved()
        x2, t, n, c = _as_rows(x, self.target)
        listed, is_target = _targets(t, c)
        _, active = _hinges(x2, t, listed, is_target)
        up = active.sum(1)                                  # each non-target i, once per active hinge
        down = np.zeros((n, c), np.int64)
        rows = np.broadcast_to(np.arange(n)[:, None], t.shape)
        np.add.at(down, (rows[listed], t[listed]), active.sum(2)[listed])
        # torch adds the step 1/C (1/(N C) for 'mean') once per hinge in x's dtype; a table of
        # running sums reproduces that rounding exactly
        step = x.dtype.type(1.0 / (n * c) if self.reduction == "mean" else 1.0 / c)
        table = np.concatenate([np.zeros(1, x.dtype), np.cumsum(np.full(c * c, step, x.dtype), dtype=x.dtype)])
        d = table[up] - table[down]
        g = np.asarray(g, x.dtype)
        d = d * (g.reshape(-1, 1) if self.reduction == "none" and g.ndim else g)
        return (d.reshape(self.in_shape),)


def _as_rows(x, t):
    x2 = x.reshape(1, -1) if x.ndim <= 1 else x
    return x2, t.reshape(x2.shape), x2.shape[0], x2.shape[1]


def _check_multilabel(x, t):
    if not ((x.ndim == 2 and x.shape[1] != 0) or (x.ndim == 1 and x.shape[0] != 0) or x.ndim == 0):
        raise RuntimeError(f"Expected non-empty vector or matrix with optional 0-dim batch size, but got: "
                           f"{list(x.shape)}")
    ok = (t.ndim <= 1 and t.size == max(x.size, 1)) if x.ndim <= 1 else t.shape == x.shape
    if not ok:
        raise RuntimeError(f"inconsistent target size: {list(t.shape)} for input of size: {list(x.shape)}")
    if x.dtype.kind != "f" or x.dtype == np.float16:
        raise NotImplementedError(f"\"multilabel_margin_loss_forward_out_frame\" not implemented for "
                                  f"'{type_name(x.dtype)}'")
    if t.dtype != np.int64:
        raise RuntimeError(f"expected scalar type Long but found {type_name(t.dtype)}")
    c = 1 if x.ndim == 0 else x.shape[-1]
    if t.size and (t.min() < -1 or t.max() >= c):
        raise RuntimeError("argument #2 'target' is out of range")


def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    reduction = legacy_reduction_enum(size_average, reduce, reduction)
    reduction = get_enum(reduction)
    x, t = input._data, target._data
    _check_multilabel(x, t)
    from ...autograd._no_forward_ad import refuse_forward_ad      # no forward formula in torch's derivatives.yaml
    refuse_forward_ad("multilabel_margin_loss_forward", input)
    x2, t2, n, c = _as_rows(x, t)
    listed, is_target = _targets(t2, c)
    z, active = _hinges(x2, t2, listed, is_target)
    # torch sums each row's hinges one by one in double and rounds the row sum to x's dtype; a
    # reduction then adds the rows in double and divides by C (and N) before rounding again
    terms = np.where(active, z, 0).reshape(n, -1).astype(np.float64)
    rows = (np.cumsum(terms, axis=1)[:, -1] if terms.shape[1] else np.zeros(n)).astype(x.dtype)
    if reduction == "none" and x.ndim == 2:
        out = rows / x.dtype.type(c)
    else:
        out = np.cumsum(rows.astype(np.float64))[-1] / c / (n if reduction == "mean" else 1)
    r = _wrap(np.asarray(out, dtype=x.dtype))
    if GRAD.enabled and input._rg:
        node = MultilabelMarginLossBackward0()
        node.reduction, node.target, node.in_shape = reduction, t, x.shape
        node.save(input)
        record1(node, r, input)
    return r


# ---- triplet loss with any distance -------------------------------------------------------------
def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None, margin=1.0,
                                      swap=False, reduction="mean"):
    """l = max(d(a, p) - d(a, n) + margin, 0), with d(p, n) for d(a, n) when smaller and ``swap``."""
    import glasstorch as g
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    a_dim, p_dim, n_dim = anchor.ndim, positive.ndim, negative.ndim
    if not (a_dim == p_dim and p_dim == n_dim):
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have the same number of "
                           f"dimensions, but got: anchor {a_dim}D, positive {p_dim}D, and negative {n_dim}D inputs")
    if distance_function is None:
        from ..functional import pairwise_distance as distance_function
    dist_pos = distance_function(anchor, positive)
    dist_neg = distance_function(anchor, negative)
    if swap:
        dist_neg = g.minimum(dist_neg, distance_function(positive, negative))
    loss = g.clamp_min(margin + dist_pos - dist_neg, 0)
    if reduction == "sum":
        return g.sum(loss)
    return g.mean(loss) if reduction == "mean" else loss


# ---- feature alpha dropout ----------------------------------------------------------------------
_SELU_ALPHA_PRIME = 1.7580993408473766     # -scale * alpha of SELU: the value a dropped channel takes


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Alpha dropout of whole channels: one draw per (sample, channel), then
    y = a (x * keep + alpha' (keep - 1)) + b as in ``alpha_dropout``."""
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    x = input._data
    if p == 0 or not training or x.size == 0:
        return input
    if p == 1:
        zero = _wrap(np.zeros((), x.dtype))
        return input.mul_(zero) if inplace else input * zero
    if x.ndim < 2:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
    keep = np_generator(None).bernoulli_scalar(x.shape[:2] + (1,) * (x.ndim - 2), 1 - p, x.dtype)
    from .alpha_noise import alpha_noise
    noise, b = alpha_noise(keep, p)
    out = input.mul_(_wrap(noise)) if inplace else input * _wrap(noise)
    return out.add_(_wrap(b))
