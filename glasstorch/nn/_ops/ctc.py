"""Connectionist Temporal Classification loss (Graves et al., 2006): ``F.ctc_loss`` / ``nn.CTCLoss``.

Each target ``y`` of length S is extended with blanks, ``l' = (blank, y1, blank, y2, ..., yS, blank)``,
and the forward variable sums, in log space, over every alignment of the T input frames to l':

    alpha[t, s] = lp[t, l'_s] + logsumexp(alpha[t-1, s], alpha[t-1, s-1], alpha[t-1, s-2] if l'_s != l'_{s-2})
    nll = -logsumexp(alpha[T-1, 2S], alpha[T-1, 2S-1])

The backward variable ``beta`` runs the same recursion from the end.  As in torch's CPU kernel, the
gradient it returns for ``log_probs`` is ``exp(lp) - exp(logsumexp_{s: l'_s = c}(alpha + beta) + nll - lp)``:
it assumes ``log_probs`` come from ``log_softmax`` (the ``exp(lp)`` term cancels there).  The
recursions run over all batch entries and extended positions at once, one step per frame; the
forward in the input's dtype with torch's order of operations (float32: float32 arithmetic, glibc's
expf and logf, so the loss is torch's bit for bit), the backward in float64.
"""
import numpy as np

from ...autograd.graph import Node
from ...ops._common import GRAD, _wrap, record1
from ...ops._glibc_logf import logf as _glibc_log
from ...ops._sleef_expf import glibc_expf as _glibc_exp
from ...ops.inplace import type_name
from ._util import get_enum
from .ctc_args import check_ctc_args

_CHECK = " (while checking arguments for ctc_loss_allocate_outputs)"
_NEG_INF = -np.inf


def _lse3(a, b, c):
    """log(exp(a) + exp(b) + exp(c)) + m elementwise, m the largest (0 where all are -inf), in the
    order of torch's kernel: ((e_a + e_b) + e_c), then log, then + m.  float32 arrays are computed in
    float32 as torch's kernel does, with glibc's expf / logf bit for bit (its std::exp / std::log; both
    round the other way from the correctly rounded value now and then)."""
    m = np.maximum(np.maximum(a, b), c)
    m = np.where(m == _NEG_INF, m.dtype.type(0), m)
    with np.errstate(invalid="ignore"):
        if a.dtype == np.float32:
            e = _glibc_exp(a - m) + _glibc_exp(b - m)
            e += _glibc_exp(c - m)
            return _glibc_log(e) + m
        return np.log(np.exp(a - m) + np.exp(b - m) + np.exp(c - m)) + m


def _lengths(x, what):
    """Lengths as int64 array: a list/tuple of ints, or an integral tensor of any shape (flattened)."""
    if hasattr(x, "_data"):
        if x._data.dtype.kind not in "iu":
            raise RuntimeError(f"{what} must be integral")
        return x._data.astype(np.int64).reshape(-1)
    return np.asarray(x, dtype=np.int64).reshape(-1)


def _padded_targets(tg, tl, batch):
    """Targets as a (batch, max length) array, from padded (N, S) or concatenated (sum S) form,
    checked as torch checks them."""
    if tg.ndim not in (1, 2):
        raise RuntimeError(f"Expected 1 to 2 dimensions, but got {tg.ndim}-dimensional tensor for argument #2 "
                           f"'targets'{_CHECK}")
    for n in tl:
        if n < 0:
            raise RuntimeError(f"Expected target_lengths to have value at least 0, but got value {n}{_CHECK}")
    smax = int(tl.max()) if batch else 0
    if tg.ndim == 1:
        total = int(tl.sum())
        if tg.shape[0] != total:
            raise RuntimeError(f"Expected tensor to have size {total} at dimension 0, but got size {tg.shape[0]} "
                               f"for argument #2 'targets'{_CHECK}")
        out = np.zeros((batch, smax), np.int64)
        starts = np.concatenate([[0], np.cumsum(tl)[:-1]]) if batch else []
        for b, (p, n) in enumerate(zip(starts, tl)):
            out[b, :n] = tg[p:p + n]
        return out
    if tg.shape[0] != batch:
        raise RuntimeError(f"Expected tensor to have size {batch} at dimension 0, but got size {tg.shape[0]} for "
                           f"argument #2 'targets'{_CHECK}")
    if tg.shape[1] < smax:
        raise RuntimeError(f"Expected tensor to have size at least {smax} at dimension 1, but got size {tg.shape[1]} "
                           f"for argument #2 'targets'{_CHECK}")
    return tg[:, :smax].astype(np.int64)


def _alphas(lp, ext, skip, valid, il, tl):
    """Forward variables (T, N, L) and the negative log-likelihood (N,)."""
    T, N, L = lp.shape[0], ext.shape[0], ext.shape[1]
    em = np.take_along_axis(lp, np.broadcast_to(ext, (T, N, L)), axis=2)    # lp[t, b, l'_s]
    dt = lp.dtype
    la = np.full((T, N, L), _NEG_INF, dt)
    if T:
        la[0, :, 0] = em[0, :, 0]
        if L > 1:                                                             # (no target has a label: L = 1)
            la[0, :, 1] = np.where(tl > 0, em[0, :, 1], _NEG_INF)
    for t in range(1, T):
        prev = la[t - 1]
        a2 = np.concatenate([np.full((N, 1), _NEG_INF, dt), prev[:, :-1]], axis=1)
        a3 = np.where(skip, np.concatenate([np.full((N, 2), _NEG_INF, dt), prev[:, :-2]], axis=1)[:, :L], _NEG_INF)
        la[t] = np.where(valid, _lse3(prev, a2, a3) + em[t], _NEG_INF)
    rows = np.arange(N)
    last = la[np.maximum(il - 1, 0), rows]                                    # (N, L) at each entry's last frame
    l1 = last[rows, 2 * tl]
    l2 = np.where(tl > 0, last[rows, np.maximum(2 * tl - 1, 0)], _NEG_INF)
    ll = _lse3(l1, l2, np.full(N, _NEG_INF, dt))
    ll = np.where(il == 0, np.where(tl == 0, 0.0, _NEG_INF), ll)              # no frames: only the empty target
    return la, em, -ll


def _betas(em, ext, valid, il, tl):
    """Backward variables (T, N, L): beta[t, s] scores the frames t..il-1 starting from l'_s."""
    T, N, L = em.shape
    rows = np.arange(N)
    skip_next = np.zeros((N, L), bool)
    skip_next[:, :-2] = ext[:, 2:] != ext[:, :-2]
    lb = np.full((T, N, L), _NEG_INF)
    for t in range(T - 1, -1, -1):
        start = np.full((N, L), _NEG_INF)                                     # t is an entry's last frame
        start[rows, 2 * tl] = em[t, rows, 2 * tl]
        start[rows, np.maximum(2 * tl - 1, 0)] = np.where(tl > 0, em[t, rows, np.maximum(2 * tl - 1, 0)],
                                                          start[rows, np.maximum(2 * tl - 1, 0)])
        if t + 1 < T:
            nxt = lb[t + 1]
            b2 = np.concatenate([nxt[:, 1:], np.full((N, 1), _NEG_INF)], axis=1)
            b3 = np.where(skip_next, np.concatenate([nxt[:, 2:], np.full((N, 2), _NEG_INF)], axis=1)[:, :L], _NEG_INF)
            step = np.where(valid, _lse3(nxt, b2, b3) + em[t], _NEG_INF)
        else:
            step = start
        lb[t] = np.where((t == il - 1)[:, None], start, np.where((t < il - 1)[:, None], step, _NEG_INF))
    return lb


class CtcLossBackward0(Node):
    """nll = -log sum over alignments   ->   d lp[t, b, c] = g_b (exp(lp) - exp(lcab + nll_b - lp))
    for t < input_length_b (0 after), lcab = logsumexp of alpha + beta over the positions labelled c"""
    __slots__ = ("lp", "ext", "valid", "il", "tl", "la", "em", "nll", "zero_infinity", "dtype")

    def backward(self, g):
        if not isinstance(g, (np.ndarray, np.generic)):     # torch has no derivative for it
            from .loss_double import refused_double
            return refused_double(self, g, "_ctc_loss_backward")
        lp, ext, il = self.lp, self.ext, self.il
        T, N, C = lp.shape
        lb = _betas(self.em, ext, self.valid, il, self.tl)
        ab = self.la + lb
        m = ab.max(axis=2, keepdims=True)
        m = np.where(m == _NEG_INF, 0.0, m)
        acc = np.zeros((T, N, C))
        t_i, b_i, s_i = np.indices(ab.shape)
        with np.errstate(invalid="ignore"):
            np.add.at(acc, (t_i, b_i, np.broadcast_to(ext, ab.shape)), np.exp(ab - m))
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            lcab = np.log(acc) + m
            grad = (np.exp(lp) - np.exp(lcab + self.nll[None, :, None] - lp)) * np.asarray(g, np.float64)[None, :, None]
        keep = np.arange(T)[:, None] < il[None, :]                            # frames past an entry's length get 0
        if self.zero_infinity:
            keep = keep & ~np.isinf(self.nll)[None, :]
        grad = np.where(keep[:, :, None], grad, 0.0)
        return (grad.astype(self.dtype),)


def _ctc_nll(log_probs, targets, il, tl, blank, zero_infinity, node_cls=CtcLossBackward0, with_alpha=False):
    """Per-entry negative log-likelihood (N,) of batched (T, N, C) log-probabilities (and, ``with_alpha``,
    the forward variables (T, N, 2 max(tl) + 1) in the input's dtype: torch._ctc_loss's log_alpha)."""
    x = log_probs._data
    if x.dtype.kind != "f" or x.dtype.itemsize < 4:
        raise NotImplementedError(f"\"ctc_loss_cpu\" not implemented for '{type_name(x.dtype)}'")
    if x.size == 0:        # torch's kernel checks this right after its dtype dispatch, before any shape check
        raise RuntimeError("log_probs tensor must not be empty")
    if x.ndim != 3:
        raise RuntimeError(f"Expected 3-dimensional tensor, but got {x.ndim}-dimensional tensor for argument #1 "
                           f"'log_probs'{_CHECK}")
    T, N, C = x.shape
    if not 0 <= blank < C:
        raise RuntimeError("blank must be in label range")
    if il.shape[0] != N:
        raise RuntimeError("input_lengths must be of size batch_size")
    if tl.shape[0] != N:
        raise RuntimeError("target_lengths must be of size batch_size")
    tg = _padded_targets(targets._data, tl, N)
    for n in il:
        if n < 0:
            raise RuntimeError(f"Expected input_lengths to have value at least 0, but got value {n}{_CHECK}")
        if n > T:
            raise RuntimeError(f"Expected input_lengths to have value at most {T}, but got value {n}{_CHECK}")
    L = 2 * tg.shape[1] + 1
    ext = np.full((N, L), blank, np.int64)
    ext[:, 1::2] = tg
    skip = np.zeros((N, L), bool)
    skip[:, 2:] = ext[:, 2:] != ext[:, :-2]
    valid = np.arange(L)[None, :] < (2 * tl + 1)[:, None]
    lp = x.astype(np.float64)
    # the loss in the input's dtype, as torch's kernel; backward runs in float64 from these alphas
    la, em, nll = _alphas(x if x.dtype == np.float32 else lp, ext, skip, valid, il, tl)
    out = _wrap(nll.astype(x.dtype))
    if GRAD.enabled and log_probs._rg:
        node = node_cls()
        node.lp, node.ext, node.valid, node.il, node.tl = lp, ext, valid, il, tl
        node.la, node.em, node.nll = la.astype(np.float64), em.astype(np.float64), nll.astype(np.float64)
        node.zero_infinity, node.dtype = zero_infinity, x.dtype
        record1(node, out, log_probs)
    return (out, la) if with_alpha else out


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean", zero_infinity=False):
    """The CTC loss of (T, N, C) or unbatched (T, C) log-probabilities against padded (N, S) or
    concatenated targets; ``mean`` divides each loss by its target length (at least 1), then averages."""
    import glasstorch as g
    reduction = get_enum(reduction)
    check_ctc_args((log_probs, targets, input_lengths, target_lengths, blank, 1, zero_infinity))
    il = _lengths(input_lengths, "input_lengths")
    tl = _lengths(target_lengths, "target_lengths")
    from ...autograd._no_forward_ad import refuse_forward_ad      # no forward formula in torch's derivatives.yaml
    refuse_forward_ad("_ctc_loss", log_probs)
    batched = log_probs.dim() == 3
    lp = log_probs if batched else log_probs.unsqueeze(1)
    res = _ctc_nll(lp, targets, il, tl, blank, zero_infinity)
    if zero_infinity:
        res = g.where(res == float("inf"), g.zeros((), dtype=res.dtype), res)
    if reduction == "mean":
        return (res / g.tensor(tl.tolist(), dtype=res.dtype).clamp_min(1)).mean()
    if reduction == "sum":
        return res.sum()
    return res if batched else res.squeeze(0)
