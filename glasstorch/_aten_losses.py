"""``torch.ops.aten.<loss>``: the loss operators under their ATen schemas.

ATen's loss schemas take the reduction as an int whose default is 1 (``Reduction::Mean``), and order
their arguments as the C++ op does (``aten::nll_loss(self, target, weight=None, reduction=1,
ignore_index=-100)``), unlike both ``torch.<loss>`` (whose Python binding reads that default as 0: no
reduction) and ``F.<loss>`` (string reduction, legacy ``size_average`` / ``reduce`` in between).  So
``torch.ops.aten.hinge_embedding_loss(x, y)`` is a mean and ``torch.ops.aten.mse_loss(x, y, 0)`` has no
reduction; each function here is one schema, calling glasstorch's op.  (Also the private ops
``aten._softmax`` / ``aten._log_softmax``, which a name starting with ``_`` keeps from the general lookup.)
"""
_REDUCTION = {1: "mean", 2: "sum"}


def _top():
    import glasstorch
    return glasstorch


def _F():
    from .nn import functional
    return functional


def _r(reduction):
    return _REDUCTION.get(int(reduction), "none")


# ---- those torch also has at the top level, with the same arguments ---------------------------------------
def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction=1, zero_infinity=False):
    return _top().ctc_loss(log_probs, targets, input_lengths, target_lengths, blank, reduction, zero_infinity)


def _ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, zero_infinity=False):
    return _top()._ctc_loss(log_probs, targets, input_lengths, target_lengths, blank, zero_infinity)


def margin_ranking_loss(input1, input2, target, margin=0.0, reduction=1):
    return _top().margin_ranking_loss(input1, input2, target, margin, reduction)


def cosine_embedding_loss(input1, input2, target, margin=0.0, reduction=1):
    return _top().cosine_embedding_loss(input1, input2, target, margin, reduction)


def binary_cross_entropy_with_logits(self, target, weight=None, pos_weight=None, reduction=1):
    return _top().binary_cross_entropy_with_logits(self, target, weight, pos_weight, reduction)


def poisson_nll_loss(input, target, log_input, full, eps, reduction):
    return _top().poisson_nll_loss(input, target, log_input, full, eps, reduction)


def hinge_embedding_loss(self, target, margin=1.0, reduction=1):
    return _top().hinge_embedding_loss(self, target, margin, reduction)


def kl_div(self, target, reduction=1, *, log_target=False):
    return _top().kl_div(self, target, reduction, log_target=log_target)


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2.0, eps=1e-6, swap=False, reduction=1):
    return _top().triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap, reduction)


# ---- those only F has ----------------------------------------------------------------------------------
def mse_loss(self, target, reduction=1):
    return _F().mse_loss(self, target, reduction=_r(reduction))


def l1_loss(self, target, reduction=1):
    return _F().l1_loss(self, target, reduction=_r(reduction))


def soft_margin_loss(self, target, reduction=1):
    return _F().soft_margin_loss(self, target, reduction=_r(reduction))


def multilabel_margin_loss(self, target, reduction=1):
    return _F().multilabel_margin_loss(self, target, reduction=_r(reduction))


def huber_loss(self, target, reduction=1, delta=1.0):
    return _F().huber_loss(self, target, reduction=_r(reduction), delta=delta)


def smooth_l1_loss(self, target, reduction=1, beta=1.0):
    return _F().smooth_l1_loss(self, target, reduction=_r(reduction), beta=beta)


def binary_cross_entropy(self, target, weight=None, reduction=1):
    return _F().binary_cross_entropy(self, target, weight, reduction=_r(reduction))


def nll_loss(self, target, weight=None, reduction=1, ignore_index=-100):
    return _F().nll_loss(self, target, weight, ignore_index=ignore_index, reduction=_r(reduction))


nll_loss2d = nll_loss_nd = nll_loss


def cross_entropy_loss(self, target, weight=None, reduction=1, ignore_index=-100, label_smoothing=0.0):
    return _F().cross_entropy(self, target, weight, ignore_index=ignore_index, reduction=_r(reduction),
                              label_smoothing=label_smoothing)


def multi_margin_loss(self, target, p=1, margin=1, weight=None, reduction=1):
    return _F().multi_margin_loss(self, target, p, margin, weight, reduction=_r(reduction))


# ---- private ops torch.ops.aten reaches by name (glasstorch's own ``_`` names are not looked up) ---------------
def _softmax(self, dim, half_to_float):
    return _top()._softmax(self, dim, half_to_float)


def _log_softmax(self, dim, half_to_float):
    return _top()._log_softmax(self, dim, half_to_float)


SCHEMAS = {name: globals()[name] for name in ("_softmax", "_log_softmax",
    "ctc_loss", "_ctc_loss", "margin_ranking_loss", "cosine_embedding_loss", "binary_cross_entropy_with_logits",
    "poisson_nll_loss", "hinge_embedding_loss", "kl_div", "triplet_margin_loss", "mse_loss", "l1_loss",
    "soft_margin_loss", "multilabel_margin_loss", "huber_loss", "smooth_l1_loss", "binary_cross_entropy", "nll_loss",
    "nll_loss2d", "nll_loss_nd", "cross_entropy_loss", "multi_margin_loss")}
