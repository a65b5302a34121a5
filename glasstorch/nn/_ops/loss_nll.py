"""nll_loss (and so cross_entropy): its node, the general path with class weights and ignored
targets, and the short path for plain class-index batches."""
import numpy as np

from ...autograd.graph import Node
from ...ops._common import GRAD, _wrap, record
from ...ops._sum_order import nll_folds_kept, nll_sum
from ...ops._complex_refuse import refuse
from ._util import get_enum, legacy_reduction
from ..._arg_refuse import not_a_tensor
from .loss import _not_differentiable


class NllLossBackward0(Node):
    """l = -w[t] x[t] (summed, or divided by sum(w[t]))   ->   dx[n, t_n] = -w[t_n] g (/ total)"""
    __slots__ = ("reduction", "total", "ignore_index")
    # torch's saved tensors, in its order (pack hooks see them so); total_weight is a 0-d tensor
    _saved_names = ("self", "target", "weight", "total_weight")

    @property
    def _saved_reduction(self):
        return _REDUCTION_ENUM[self.reduction]          # torch's at::Reduction: an int

    @property
    def _saved_ignore_index(self):
        return self.ignore_index % 2 ** 64              # torch reads it back as unsigned: -100 -> 2**64 - 100

    def backward(self, g):
        x, t, w, _ = self.saved()
        if x.ndim == 1 and t.ndim == 1:
            # torch's forward takes a one-element target for a 1-d input, its backward refuses it
            raise RuntimeError(f"size mismatch (got input: {list(x.shape)}, target: {list(t.shape)})")
        if not isinstance(g, (np.ndarray, np.generic)):
            # create_graph: the kernel's values on torch's NllLoss(2D)BackwardBackward0 (loss_double.py)
            from .loss_double import nll_double
            return (nll_double(self, g, x, t, w), None, None)
        return self._fill(x, t, w, g)

    def _fill(self, x, t, w, g):
        gx = np.zeros_like(x)
        if self.total is None:               # every target valid, no weights (see _nll_plain)
            gx[_rows(t.shape[0]), t] = -g if self.reduction == "sum" else -(g / x.dtype.type(t.shape[0]))
            return (gx, None, None)
        valid = t != self.ignore_index
        tt = np.where(valid, t, 0)
        wt = (w.reshape(-1)[tt] if w is not None else np.ones(t.shape, x.dtype)) * valid
        if self.reduction == "none":
            scale = -wt * g
        elif self.reduction == "sum":
            scale = -wt * g
        else:
            scale = -wt * (g / self.total) if self.total != 0 else -wt * g * np.nan
        # torch writes only the valid targets' entries: an ignored one stays +0 even where the
        # scale is NaN (every target ignored: total 0) or -0
        scale = np.where(valid, scale, 0).astype(x.dtype)
        # put the scale at the target class of every sample: class dim is 1 (or 0 when unbatched)
        if x.ndim == 1:
            gx[tt] = scale
        else:
            np.put_along_axis(gx, np.expand_dims(tt, 1), np.expand_dims(scale, 1), axis=1)
        return (gx, None, None)


class NllLoss2DBackward0(NllLossBackward0):
    """nll_loss on (N, C, H, W) inputs: the same formula per pixel"""
    __slots__ = ()


_REDUCTION_ENUM = {"none": 0, "mean": 1, "sum": 2}


def _check_weight(x, w):
    """torch's checks of nll_loss's class weights: one per class (nll_loss's as a 1-d tensor,
    nll_loss2d's in any shape), then, once the kernel is picked (so after a complex input's
    refusal), in the input's dtype."""
    classes = x.shape[1] if x.ndim > 1 else x.shape[0]
    if w is not None and x.ndim > 2 and w.size != classes:
        raise RuntimeError("weight tensor should be defined either for all or no classes")
    if w is not None and x.ndim <= 2 and (w.ndim != 1 or w.size != classes):
        raise RuntimeError(f"weight tensor should be defined either for all {classes} classes or no classes but got "
                           f"weight tensor of shape: {list(w.shape)}")
    refuse("nll_loss2d_forward_out_frame" if x.ndim > 2 else "nll_loss_out_frame", x)
    if w is not None and w.dtype != x.dtype:
        from ...ops.inplace import type_name
        raise RuntimeError(f"expected scalar type {type_name(x.dtype)} but found {type_name(w.dtype)}")


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
    reduction = legacy_reduction(size_average, reduce, reduction)
    reduction = get_enum(reduction)
    try:
        x, t = input._data, target._data
        if weight is not None:
            weight._data
    except AttributeError:          # not a tensor: torch's parser error
        not_a_tensor()
    if x.ndim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {x.ndim})")
    if x.ndim > 1 and t.shape[:1] != x.shape[:1]:
        raise ValueError(f"Expected input batch_size ({x.shape[0]}) to match target batch_size ({t.shape[0] if t.ndim else 0}).")
    if x.ndim > 2 and x.ndim != 4 and t.shape != x.shape[:1] + x.shape[2:]:
        # torch's nll_loss_nd, which views 3-d and 5-d+ inputs as 4-d
        raise RuntimeError(f"Expected target size {[x.shape[0], *x.shape[2:]]}, got {list(t.shape)}")
    # autograd's check, where nll_loss_nd hands over to nll_loss_forward / nll_loss2d_forward
    _not_differentiable("nll_loss2d_forward" if x.ndim > 2 else "nll_loss_forward", weight=weight)
    # then those functions' order: the target's rank, its dtype, nll_loss2d's size
    if x.ndim <= 2 and t.ndim > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if x.ndim == 4 and t.ndim != 3:
        raise RuntimeError(f"only batches of spatial targets supported (3D tensors) but got targets of dimension: "
                           f"{t.ndim}")
    if t.dtype != np.int64 and t.dtype != np.uint8:          # int32 targets are refused too
        from ...ops.inplace import type_name
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {type_name(t.dtype)}")
    if x.ndim == 1 and t.ndim == 1 and t.shape[0] != 1:
        raise ValueError(f"For 1D input, 1D target must have size 1, but got target size: {t.shape[0]}")
    if x.ndim > 2 and t.shape != x.shape[:1] + x.shape[2:]:
        if x.ndim != 4:
            raise RuntimeError(f"Expected target size {[x.shape[0], *x.shape[2:]]}, got {list(t.shape)}")
        # (sic: torch's nll_loss2d message has " , " and no closing parenthesis)
        raise RuntimeError(f"size mismatch (got input: {list(x.shape)} , target: {list(t.shape)}")
    _check_weight(x, None if weight is None else weight._data)
    if x.ndim == 3 or x.ndim > 4:       # torch views these as 4-d and back (ViewBackward0 on top)
        from ._util import view
        n, c = x.shape[:2]
        # (an empty one as (n, c, 0, 0), whose -1 would be ambiguous)
        out = nll_loss(view(input, n, c, 1, -1) if x.size else view(input, n, c, 0, 0),
                       _wrap(t.reshape((n, 1, -1) if t.size else (n, 0, 0))), weight, None, ignore_index, None,
                       reduction)
        return view(out, *t.shape) if reduction == "none" else out
    n_classes = x.shape[1] if x.ndim > 1 else x.shape[0]
    if x.ndim == 2 and weight is None and reduction != "none" and t.dtype == np.int64 and t.size and \
            not 0 <= ignore_index < n_classes and t.view(np.uint64).max() < n_classes:
        # (seen as unsigned, a negative target is huge: one reduction checks both bounds)
        return _nll_plain(input, target, reduction)
    valid = t != ignore_index
    tt = np.where(valid, t, 0)
    bad = valid & ((t < 0) | (t >= n_classes))
    if bad.any():
        raise IndexError(f"Target {int(t[bad].flat[0])} is out of bounds.")
    w = None if weight is None else weight._data.reshape(-1)     # (nll_loss2d takes any shape of C weights)
    if x.ndim == 1:
        picked = x[tt]
    else:
        picked = np.take_along_axis(x, np.expand_dims(tt, 1), axis=1).squeeze(1)
    wt = (w[tt] if w is not None else np.ones(t.shape, x.dtype)) * valid
    losses = (-picked * wt).astype(x.dtype)
    total = 0.0
    # torch's kernels add in one order (nll_sum), nll_loss2d's over the targets' flat index; the terms of
    # ignored targets are zeros here, which nll_sum can add unless torch skipped a fold with them
    if nll_folds_kept(valid.ravel()):
        add = lambda v: nll_sum(v.ravel())          # noqa: E731
    else:
        add = lambda v: v.sum(dtype=x.dtype)        # noqa: E731
    if reduction == "none":
        # torch writes +0 for an ignored target (-x * 0 would be -0 where x > 0)
        out = losses if valid.all() else np.where(valid, losses, x.dtype.type(0))
        if x.ndim == 1:             # one sample: torch's result is 0-d, whatever the target's shape
            out = out.reshape(())
    elif reduction == "sum":
        out = np.asarray(add(losses), dtype=x.dtype)
    else:
        total = add(wt.astype(x.dtype, copy=False)) if w is not None else x.dtype.type(valid.sum())
        out = np.asarray(add(losses) / total, dtype=x.dtype) if total != 0 else np.asarray(np.nan, x.dtype)
    r = _wrap(out)
    if GRAD.enabled and input._rg:
        node = NllLoss2DBackward0() if x.ndim == 4 else NllLossBackward0()
        node.reduction = reduction
        node.total = total
        node.ignore_index = ignore_index
        # torch's total_weight: the valid targets' weight (1-d input: even unreduced), 0 for an unreduced batch
        if reduction == "mean":
            tw = total
        elif x.ndim == 1 or reduction == "sum":
            tw = add(wt.astype(x.dtype, copy=False)) if w is not None else valid.sum()
        else:
            tw = 0
        node.save(input, target, weight, _wrap(np.asarray(tw, x.dtype)))
        record(node, r, input, target, weight)
    return r


_ROWS = {}


def _rows(n):
    """0 .. n-1, kept per n: a batch size recurs every step."""
    r = _ROWS.get(n)
    if r is None:
        if len(_ROWS) > 16:
            _ROWS.clear()
        r = _ROWS[n] = np.arange(n)
    return r


def _nll_plain(input, target, reduction):
    """nll_loss of a (N, C) batch whose targets are all valid classes, without class weights (the
    common case): -sum x[n, t_n], divided by N for "mean", added up as torch's kernel adds them
    (_sum_order.nll_sum), with fewer NumPy calls than the general path."""
    x, t = input._data, target._data
    s = nll_sum(-x[_rows(t.shape[0]), t])      # in torch's order: the loss prints torch's digits
    r = _wrap(np.asarray(s if reduction == "sum" else s / x.dtype.type(t.shape[0]), x.dtype))
    if GRAD.enabled and input._rg:
        node = NllLossBackward0()
        node.reduction = reduction
        node.total = None                    # marks this path for backward
        node.ignore_index = -100
        node.save(input, target, None, _wrap(np.asarray(t.shape[0], x.dtype)))
        record(node, r, input, target, None)
    return r
