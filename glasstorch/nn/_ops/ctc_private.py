"""``torch._ctc_loss``: the op under ``F.ctc_loss``, returning the per-entry loss without reduction or
zeroing, and the forward variables it was computed from.

    neg_log_likelihood[b] = -log p(target_b | log_probs[:, b])           (N,)
    log_alpha[b, t, s]    = alpha[t, s] of ctc.py's recursion            (N, T, 2 max(target_lengths) + 1)

``zero_infinity`` only zeroes the gradient of an infinite loss (``F.ctc_loss`` zeroes the loss
itself).  log_alpha needs no grad.  torch's kernel fills row t = 0 with -inf, then writes alpha for
t < input_length and s < 2 target_length + 1 only; the rest of its ``at::empty`` buffer is never
written, so its values are unspecified (here: zeros, as glasstorch's ``torch.empty``).  The
Tensor-lengths overload names its node ``CtcLossBackward1``.
"""
import numpy as np

from ...ops._common import _wrap
from .ctc import CtcLossBackward0, _ctc_nll, _lengths
from .ctc_args import check_ctc_args

_NAMES = ("log_probs", "targets", "input_lengths", "target_lengths", "blank", "zero_infinity")


class CtcLossBackward1(CtcLossBackward0):
    """CtcLossBackward0's formula; torch's node for the ``_ctc_loss.Tensor`` overload."""
    __slots__ = ()


def _ctc_loss(*args, **kwargs):
    check_ctc_args(args, kwargs, fn="_ctc_loss")
    full = dict(zip(_NAMES, args), **kwargs)
    log_probs, targets = full["log_probs"], full["targets"]
    blank, zero_infinity = int(full.get("blank", 0)), full.get("zero_infinity", False)
    tensor_lengths = hasattr(full["input_lengths"], "_data")
    il = _lengths(full["input_lengths"], "input_lengths")
    tl = _lengths(full["target_lengths"], "target_lengths")
    from ...autograd._no_forward_ad import refuse_forward_ad      # no forward formula in torch's derivatives.yaml
    refuse_forward_ad("_ctc_loss", log_probs)
    nll, la = _ctc_nll(log_probs, targets, il, tl, blank, zero_infinity,
                       CtcLossBackward1 if tensor_lengths else CtcLossBackward0, with_alpha=True)
    T, N, L = la.shape
    alpha = np.zeros((N, T, L), la.dtype)
    alpha[:, 0] = -np.inf
    for b in range(N):
        if il[b] > 0:          # (an entry without frames keeps its -inf row: torch's kernel skips it)
            alpha[b, 0] = la[0, b]
            alpha[b, 1:il[b], :2 * tl[b] + 1] = la[1:il[b], b, :2 * tl[b] + 1]
    return nll, _wrap(alpha)


__all__ = ["_ctc_loss"]
