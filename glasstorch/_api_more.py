"""More of torch's top level, re-exported by ``glasstorch/__init__.py``: the loss functions torch exposes
with integer reductions (``torch.cosine_embedding_loss(a, b, y, 0.0, 1)``), the RNN cells as functions
(``torch.lstm_cell``), ``native_layer_norm`` / ``native_batch_norm`` / ``native_dropout`` with their
saved statistics, the deprecated norms, the ``*_copy`` forms of the view ops, and a few switches
(``set_warn_always``, ``set_flush_denormal``).  Each reuses the op glasstorch already has.
"""
import numpy as np

from ._tensor import _wrap
from .autograd.graph import Node
from .autograd.grad_mode import GRAD
from .ops._common import record1

__all__ = ["cosine_embedding_loss", "triplet_margin_loss", "hinge_embedding_loss", "poisson_nll_loss", "ctc_loss",
           "lstm_cell", "gru_cell", "rnn_tanh_cell", "rnn_relu_cell", "frobenius_norm", "nuclear_norm",
           "matrix_rank", "adjoint", "native_layer_norm", "native_batch_norm", "native_dropout", "set_warn_always",
           "is_warn_always_enabled", "set_flush_denormal", "GradScaler", "max_pool1d_with_indices", "grid_sampler",
           "affine_grid_generator", "slice_copy", "select_copy", "view_copy", "t_copy", "transpose_copy",
           "unsqueeze_copy", "squeeze_copy", "permute_copy", "expand_copy", "diagonal_copy", "detach_copy",
           "alias_copy", "unbind_copy", "split_copy", "split_with_sizes_copy", "narrow_copy", "unfold_copy",
           "as_strided_copy"]

from .amp.grad_scaler import GradScaler  # noqa: E402  (torch.GradScaler is torch.amp.GradScaler)

_REDUCTIONS = {0: "none", 1: "mean", 2: "sum"}


def _F():
    from .nn import functional
    return functional


# ---- losses: F's, with the reduction as torch's enum (0 none, 1 mean, 2 sum) -----------------------------
# The default is 0: torch's signatures say ``reduction=at::Reduction::Mean``, a default its Python argument
# parser cannot read and takes as 0, so ``torch.hinge_embedding_loss(x, y)`` does not reduce.
def cosine_embedding_loss(input1, input2, target, margin=0.0, reduction=0):
    from .nn._ops.number_args import double_arg, reduction_arg     # (the parser's order: margin first)
    margin = double_arg(margin, "cosine_embedding_loss", "margin", 4)
    return _F().cosine_embedding_loss(input1, input2, target, margin,
                                      reduction=reduction_arg(reduction, "cosine_embedding_loss", 5))


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2.0, eps=1e-6, swap=False, reduction=0):
    from .nn._ops.loss_triplet import triplet_margin_loss as op       # (without F's margin > 0 check)
    from .nn._ops.number_args import double_arg, bool_arg, reduction_arg
    fn = "triplet_margin_loss"         # the parser's order: each argument before the reduction
    margin, p = double_arg(margin, fn, "margin", 4), double_arg(p, fn, "p", 5)
    eps, swap = double_arg(eps, fn, "eps", 6), bool_arg(swap, fn, "swap", 7)
    return op(anchor, positive, negative, margin, p, eps, swap, reduction_arg(reduction, fn, 8))


def hinge_embedding_loss(input, target, margin=1.0, reduction=0):
    from .nn._ops.number_args import double_arg, reduction_arg
    margin = double_arg(margin, "hinge_embedding_loss", "margin", 3)
    return _F().hinge_embedding_loss(input, target, margin,
                                     reduction=reduction_arg(reduction, "hinge_embedding_loss", 4))


def poisson_nll_loss(input, target, log_input, full, eps, reduction):
    from .nn._ops.number_args import reduction_arg
    return _F().poisson_nll_loss(input, target, log_input, full, eps=eps,
                                 reduction=reduction_arg(reduction, "poisson_nll_loss", 6))


def ctc_loss(*args, **kwargs):
    """torch.ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction=Mean,
    zero_infinity=False), its arguments checked as torch's parser checks them."""
    from .nn._ops.ctc_args import check_ctc_args
    check_ctc_args(args, kwargs)
    return _ctc_loss(*args, **kwargs)


def _ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction=0, zero_infinity=False):
    return _F().ctc_loss(log_probs, targets, input_lengths, target_lengths, blank, _REDUCTIONS[reduction],
                         zero_infinity)


# ---- one step of a recurrent cell (what nn.LSTMCell & co. call) ------------------------------------------
def _cell(mode, input, hx, w_ih, w_hh, b_ih, b_hh):
    from .nn._ops import rnn
    return rnn.cell(mode, input, hx, w_ih, w_hh, b_ih, b_hh)


def lstm_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """(h', c') from input and hx = (h, c)."""
    return tuple(_cell("LSTM", input, hx, w_ih, w_hh, b_ih, b_hh))


def gru_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    return _cell("GRU", input, hx, w_ih, w_hh, b_ih, b_hh)


def rnn_tanh_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    return _cell("RNN_TANH", input, hx, w_ih, w_hh, b_ih, b_hh)


def rnn_relu_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    return _cell("RNN_RELU", input, hx, w_ih, w_hh, b_ih, b_hh)


# ---- deprecated norms, kept by torch for TorchScript -------------------------------------------------------
_WARNED = set()


def _deprecated(name, instead, line):
    """torch's TORCH_WARN_ONCE: once per process, unless set_warn_always(True)."""
    if name in _WARNED and not _WARN_ALWAYS[0]:
        return
    _WARNED.add(name)
    from ._user_warning import warn_at_caller
    warn_at_caller(f"at::{name} is deprecated and it is just left for JIT compatibility. It will be removed in a "
                   f"future PyTorch release. Please use `{instead}` instead (Triggered internally at "
                   f"/__w/pytorch/pytorch/aten/src/ATen/native/LinearAlgebra.cpp:{line}.)")


def frobenius_norm(input, dim, keepdim=False):
    """sqrt(sum x^2) over ``dim``: torch.norm's 2-norm (``NormBackward1``)."""
    _deprecated("frobenius_norm", "linalg.vector_norm(A, 2., dim, keepdim)", 3175)
    from .nn._ops.distance import norm
    return norm(input, 2, [dim] if isinstance(dim, int) else list(dim), keepdim)


def nuclear_norm(input, dim=None, keepdim=False):
    """The sum of the singular values (``linalg.matrix_norm(A, 'nuc')``)."""
    if isinstance(dim, bool):            # nuclear_norm(input, keepdim)
        dim, keepdim = None, dim
    _deprecated("nuclear_norm", "linalg.matrix_norm(A, 'nuc', dim, keepdim)", 3229)
    from .linalg import matrix_norm
    return matrix_norm(input, "nuc", dim=(-2, -1) if dim is None else tuple(dim), keepdim=keepdim)


def matrix_rank(input, tol=None, symmetric=False, *, out=None):
    raise RuntimeError("This function was deprecated since version 1.9 and is now removed.\nPlease use the "
                       "`torch.linalg.matrix_rank` function instead. The parameter 'symmetric' was renamed in "
                       "`torch.linalg.matrix_rank()` to 'hermitian'.")


def adjoint(input):
    """The conjugate transpose of the last two dims, as a view (``mH``)."""
    return input.adjoint()


# ---- the native normalisations: the output and the statistics backward uses -------------------------------
def native_layer_norm(input, normalized_shape, weight, bias, eps):
    """(y, mean, rstd): mean and 1/sqrt(var + eps) keep the normalised dims as size 1."""
    y = _F().layer_norm(input, normalized_shape, weight, bias, eps)
    x = input._data
    k = 1 if isinstance(normalized_shape, int) else len(normalized_shape)
    if x.size and x.dtype in (np.float32, np.float64):     # torch's RowwiseMoments (layer_norm_cpu)
        from .nn._ops.layer_norm_cpu import stats
        mean, rstd = stats(x, k, eps)
        return y, _wrap(mean), _wrap(rstd)
    axes = tuple(range(x.ndim - k, x.ndim))
    mean = x.mean(axis=axes, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)
    return y, _wrap(mean), _wrap(x.dtype.type(1) / np.sqrt(var + x.dtype.type(eps)))


def native_batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps):
    """(y, save_mean, save_invstd): the batch's mean and 1/sqrt(biased var + eps) when training; in
    evaluation (running statistics used) both are empty."""
    x = input._data
    if training:
        axes = (0,) + tuple(range(2, x.ndim))
        mean = x.mean(axis=axes)        # before batch_norm updates the running statistics
        var = ((x - mean.reshape((1, -1) + (1,) * (x.ndim - 2))) ** 2).mean(axis=axes)
        stats = mean, x.dtype.type(1) / np.sqrt(var + x.dtype.type(eps))
    else:
        stats = np.zeros(0, x.dtype), np.zeros(0, x.dtype)
    y = _F().batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)
    return y, _wrap(stats[0]), _wrap(stats[1])


class NativeDropoutBackward0(Node):
    """y = x * mask * scale   ->   dx = g * mask * scale"""
    __slots__ = ("mask", "scale")

    def backward(self, g):
        return (g * (self.mask * self.scale).astype(g.dtype),) if isinstance(g, np.ndarray) else \
            (g * _wrap((self.mask * self.scale).astype(g._data.dtype)),)


def native_dropout(input, p, train):
    """(input * mask / (1 - p), mask); out of training (train=False) the input unchanged and an all-True mask."""
    x = input._data
    if train is None or train:
        from .nn._ops.sparse import dropout_mask
        noise = dropout_mask(x.shape, p, x.dtype) if p < 1 else np.zeros(x.shape, x.dtype)
        # torch scales the gradient only for train=True (train=None: forward scaled, backward not)
        mask, scale = noise != 0, (1.0 if train is None else 0.0 if p == 1 else 1.0 / (1.0 - p))
        y = x * noise
    else:
        mask, scale, y = np.ones(x.shape, bool), 1.0, x.copy()
    out = _wrap(np.asarray(y, x.dtype))
    if GRAD.enabled and input._rg:
        node = NativeDropoutBackward0()
        node.mask, node.scale = mask, scale
        record1(node, out, input)
    return out, _wrap(mask)


# ---- switches ------------------------------------------------------------------------------------------------
_WARN_ALWAYS = [False]


def set_warn_always(b):
    """Warnings torch gives once per process are given every time (glasstorch keeps the flag only)."""
    _WARN_ALWAYS[0] = bool(b)


def is_warn_always_enabled():
    return _WARN_ALWAYS[0]


def set_flush_denormal(mode):
    """torch's answer on an x86 CPU with SSE3: the mode is supported (True).  NumPy has no such switch, so
    glasstorch still computes with subnormal numbers.  Its C++ binding takes a bool only."""
    if mode.__class__ is not bool:
        from ._arg_parser import tp_name
        raise RuntimeError(f"flush_denormal expects a bool, but got {tp_name(mode)}")
    return True


# ---- F's ops under their ATen names ----------------------------------------------------------------------
def max_pool1d_with_indices(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    return _F().max_pool1d(input, kernel_size, stride or None, padding, dilation, ceil_mode, return_indices=True)


_INTERP = {0: "bilinear", 1: "nearest", 2: "bicubic"}
_PADDING = {0: "zeros", 1: "border", 2: "reflection"}


def grid_sampler(input, grid, interpolation_mode, padding_mode, align_corners):
    return _F().grid_sample(input, grid, _INTERP[interpolation_mode], _PADDING[padding_mode], align_corners)


def affine_grid_generator(theta, size, align_corners):
    return _F().affine_grid(theta, list(size), align_corners)


from ._api_copies import (slice_copy, select_copy, view_copy, t_copy, transpose_copy, unsqueeze_copy,  # noqa: E402
                          squeeze_copy, permute_copy, expand_copy, diagonal_copy, detach_copy, alias_copy,
                          unbind_copy, split_copy, split_with_sizes_copy, narrow_copy, unfold_copy, as_strided_copy)
