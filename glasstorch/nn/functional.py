"""``torch.nn.functional``: the stateless forms of every layer, activation and loss.

Ops with their own autograd node live in ``nn/_ops/`` (forward beside backward); the functions
here that torch builds from other ops (``cross_entropy``, ``l1_loss``, ``dropout`` ...) compose
them the same way, so the recorded graph ends in the same node as torch's.
"""
import sys

import numpy as np

from ..ops._common import _wrap
# private: the __torch_function__ switch wraps F's public names, moving where these helpers' warnings point
from ._ops._util import get_enum as _get_enum, legacy_reduction as _legacy_reduction, \
    legacy_reduction_enum as _legacy_reduction_enum
from ._ops.linear import linear, bilinear
from ._ops.activation import (leaky_relu, elu, selu, celu, hardtanh, relu6, gelu, silu, mish, softplus, hardsigmoid,
                              hardswish, logsigmoid, glu, prelu, softmax, log_softmax, softmin, softsign)
from ._ops.loss import (mse_loss as _mse_loss, smooth_l1_loss as _smooth_l1_loss, huber_loss as _huber_loss,
                        binary_cross_entropy as _bce, binary_cross_entropy_with_logits as _bce_logits,
                        nll_loss, div_scalar)
from ._ops.loss_more import (soft_margin_loss, multi_margin_loss, poisson_nll_loss, gaussian_nll_loss,  # noqa: F401
                             hinge_embedding_loss, multilabel_soft_margin_loss)
from ._ops.conv import conv as _conv
from ._ops.pooling import (max_pool1d, max_pool2d, max_pool3d, avg_pool1d, avg_pool2d, avg_pool3d,
                           adaptive_avg_pool2d, adaptive_avg_pool3d)
from ._ops.normalization import batch_norm, layer_norm, group_norm, rms_norm
from ._ops.sparse import embedding, one_hot, dropout_mask
from ._ops.cross_entropy_parts import check_label_smoothing as _check_label_smoothing, ce_probabilities as \
    _ce_probabilities, ce_smoothing as _ce_smoothing
from ._ops.distance import cosine_similarity, pairwise_distance
from ..ops.unary import relu_  # noqa: E402  (torch.nn.functional.relu_ is torch.relu_)
from ..ops.unary import relu as _relu_op  # noqa: E402
from ..ops.pdist import pdist  # noqa: E402  (and F.pdist is torch.pdist)
from .._conv_tbc import conv_tbc  # noqa: E402,F401  (F.conv_tbc is torch.conv_tbc)
from .._tensor import Tensor  # noqa: E402,F401  (torch.nn.functional.Tensor is torch.Tensor)
from .._arg_refuse import not_a_tensor

__all__ = ["linear", "bilinear", "relu", "relu_", "relu6", "leaky_relu", "elu", "selu", "celu", "hardtanh", "gelu",
           "silu", "mish", "softplus", "hardsigmoid", "hardswish", "logsigmoid", "glu", "prelu", "sigmoid", "tanh",
           "softmax", "log_softmax", "softmin", "softsign", "tanhshrink", "mse_loss", "l1_loss", "smooth_l1_loss",
           "huber_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits", "nll_loss", "cross_entropy",
           "kl_div", "cosine_similarity", "cosine_embedding_loss", "margin_ranking_loss", "pairwise_distance", "pdist",
           "triplet_margin_loss", "conv1d", "conv2d", "max_pool1d", "max_pool2d", "avg_pool1d", "avg_pool2d",
           "adaptive_avg_pool2d", "max_pool3d", "avg_pool3d", "adaptive_avg_pool3d", "batch_norm", "layer_norm", "group_norm", "rms_norm", "embedding", "one_hot",
           "dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "normalize", "pad", "flatten", "soft_margin_loss",
           "multi_margin_loss", "poisson_nll_loss", "gaussian_nll_loss", "hinge_embedding_loss",
           "multilabel_soft_margin_loss"]


def _ops():
    import glasstorch
    return glasstorch


# ---- activations from the core op surface --------------------------------------------------------
def relu(input, inplace=False):
    # a sparse or quantized tensor stays sparse / quantized, as torch's
    if input.__class__ is not Tensor and input.__class__.__name__ in ("SparseTensor", "QTensor"):
        return input.relu_() if inplace else input.relu()
    return relu_(input) if inplace else _relu_op(input)


def sigmoid(input):
    from ..ops.unary import sigmoid as _sigmoid
    try:
        return _sigmoid(input)
    except TypeError:       # torch's F.sigmoid is ``input.sigmoid()``: a non-tensor has no such attribute
        _no_method(input, "sigmoid", user_only=True)
        raise


def tanh(input):
    from ..ops.unary import tanh as _tanh
    try:
        return _tanh(input)
    except TypeError:       # torch's F.tanh is ``input.tanh()``
        _no_method(input, "tanh", user_only=True)
        raise


def _no_method(x, name, user_only=False):
    """Raise the AttributeError of ``x.<name>`` where ``x`` is not a tensor (with ``user_only``: only
    for a call from the user's code; torch's nn.Tanh calls torch.tanh, a parser error, not F.tanh)."""
    if user_only and sys._getframe(2).f_globals.get("__name__", "").startswith("glasstorch"):
        return
    if not isinstance(x, Tensor):
        from .._arg_refuse import no_attribute
        raise no_attribute(x, name) from None


def tanhshrink(input):
    return input - tanh(input)


# ---- losses ---------------------------------------------------------------------------------------
def _sizes_as_torch(input, target):
    """torch's Python losses begin with ``target.size() == input.size()``: on a non-tensor that is Python's
    own error (an ndarray's ``size`` is an int: "'int' object is not callable")."""
    if not isinstance(target, Tensor) or not isinstance(input, Tensor):
        target.size() == input.size()


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    try:
        return _mse_loss(input, target, _legacy_reduction(size_average, reduce, reduction))
    except (AttributeError, TypeError, ValueError):
        _sizes_as_torch(input, target)
        raise


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    try:
        return _smooth_l1_loss(input, target, _legacy_reduction(size_average, reduce, reduction), beta)
    except (AttributeError, TypeError, ValueError):
        _sizes_as_torch(input, target)
        raise


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    try:
        return _huber_loss(input, target, reduction, delta)
    except (AttributeError, TypeError, ValueError):
        _sizes_as_torch(input, target)
        raise


from ._ops._util import reduce_tensor as _reduce  # noqa: E402


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """mean(|x - t|), recorded as torch does: ``MeanBackward0`` over ``AbsBackward0``."""
    from ._ops.loss import _check_sizes
    from ..ops.unary import abs as _abs
    reduction = _get_enum(_legacy_reduction(size_average, reduce, reduction))
    try:
        _sizes_as_torch(input, target)      # (an ndarray target: torch's error before any arithmetic)
        _check_sizes(input, target, 3)
        from ..ops._common import check_pair       # torch broadcasts the two first, then subtracts
        check_pair(input, target)
        return _reduce(_abs(input - target), reduction)
    except (AttributeError, TypeError, ValueError):
        _sizes_as_torch(input, target)
        raise


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    try:
        return _bce(input, target, weight, _legacy_reduction_enum(size_average, reduce, reduction))
    except (AttributeError, TypeError, ValueError):
        _sizes_as_torch(input, target)
        raise


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None, reduction="mean",
                                     pos_weight=None):
    try:
        return _bce_logits(input, target, weight, _legacy_reduction_enum(size_average, reduce, reduction), pos_weight)
    except (AttributeError, TypeError, ValueError):
        _sizes_as_torch(input, target)
        raise


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean",
                  label_smoothing=0.0):
    """log_softmax over the class dimension, then nll_loss (class indices) or -sum(p log q)
    (class probabilities); ``label_smoothing`` mixes in the uniform distribution.  As in torch, only a
    positive ``label_smoothing`` smooths (and must be <= 1): zero, negative and nan values mean none."""
    reduction = _get_enum(_legacy_reduction(size_average, reduce, reduction))
    try:
        x, t = input._data, target._data
    except AttributeError:          # not a tensor: torch's parser error
        not_a_tensor()
    class_dim = 0 if x.ndim == 1 else 1
    if t.shape == x.shape:            # torch: same shapes mean class probabilities, whatever the dtype
        if t.dtype.kind not in "fc":
            from ..ops.inplace import type_name
            raise RuntimeError(f"Expected floating point type for target with class probabilities, got "
                               f"{type_name(t.dtype)}")
        if ignore_index >= 0:
            raise RuntimeError("ignore_index is not supported for floating point target")
        return _ce_probabilities(input, target, weight, reduction, label_smoothing, class_dim)
    if label_smoothing > 0.0:         # (checked before the log_softmax, as torch)
        _check_label_smoothing(label_smoothing)
    logp = log_softmax(input, class_dim)
    nll = nll_loss(logp, target, weight, ignore_index=ignore_index, reduction=reduction)
    if not label_smoothing > 0.0:
        return nll
    return _ce_smoothing(logp, target, weight, nll, reduction, ignore_index, label_smoothing, class_dim, x.shape[class_dim])


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    legacy = size_average is not None or reduce is not None
    reduction = _legacy_reduction_enum(size_average, reduce, reduction)
    if reduction == "mean" and not legacy:     # torch gives it only for an explicit (or default) reduction
        import warnings
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the support size."
                      "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
                      "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
                      UserWarning, stacklevel=2)
    if reduction != "batchmean":
        reduction = _get_enum(reduction)
    try:
        cplx = input.is_complex() or target.is_complex()
    except AttributeError:      # a non-tensor: torch's parser error (of torch.kl_div)
        not_a_tensor()
    if cplx:
        raise RuntimeError("kl_div: Complex inputs not supported.")
    if not (input.is_floating_point() and target.is_floating_point()):
        raise RuntimeError("kl_div: Integral inputs not supported.")
    g = _ops()
    # Loss.cpp's one expression per case; its compiler makes the right operand first, which decides
    # the order the backward adds target's gradient terms in
    if log_target:
        diff = target - input
        loss = g.exp(target) * diff
    else:
        cross = target * input
        loss = g.xlogy(target, target) - cross
    if reduction == "batchmean":
        return loss.sum() / input.shape[0] if input.dim() else loss.sum()
    return _reduce(loss, reduction)


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    g = _ops()
    if getattr(input, "is_sparse", False):
        input.norm(p, dim, keepdim=True)          # torch's first step: a sparse norm over some dims refuses
    try:
        if p is None or isinstance(p, str):     # torch's input.norm(p, ...): "fro", "nuc", None (the 2-norm)
            norm = input.norm(p, dim, keepdim=True)
        else:
            norm = g.linalg.vector_norm(input, p, dim, True)
        denom = g.clamp_min(norm, eps).expand_as(input)
    except (AttributeError, TypeError):       # torch's first look at input is ``input.norm(...)``
        _no_method(input, "norm")
        raise
    if out is not None:          # spectral_norm's power iteration writes u and v in place this way
        return g.div(input, denom, out=out)
    return input / denom


def margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None, reduction="mean"):
    reduction = _get_enum(_legacy_reduction_enum(size_average, reduce, reduction))
    if input1.dim() != input2.dim() or input1.dim() != target.dim():
        raise RuntimeError(f"margin_ranking_loss : All input tensors should have same dimension but got sizes: "
                           f"input1: {input1.size()}, input2: {input2.size()}, target: {target.size()} ")
    from ..ops.scalar_arith import add_scalar       # Loss.cpp: (-target * (input1 - input2) + margin).clamp_min_(0)
    from ._ops.number_args import double_arg        # a C++ double: integer inputs give a float loss
    margin = double_arg(margin, "margin_ranking_loss", "margin", 4)
    diff = input1 - input2          # (the compiler makes `*`'s right operand first: its error comes first)
    return _reduce(add_scalar(-target * diff, margin).clamp_min_(0), reduction)


def cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None, reduction="mean"):
    g = _ops()
    reduction = _get_enum(_legacy_reduction_enum(size_average, reduce, reduction))
    from ._ops.number_args import double_arg
    margin = double_arg(margin, "cosine_embedding_loss", "margin", 4)
    # torch's own formula (not cosine_similarity): eps added to each squared norm, one sqrt
    dim = target.dim()
    if dim not in (0, 1):
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if (input1.dim(), input2.dim()) != (dim + 1, dim + 1):
        raise RuntimeError(f"{dim}D target tensor expects {dim + 1}D input tensors, but found inputs with sizes "
                           f"{list(input1.shape)} and {list(input2.shape)}.")
    # Loss.cpp's steps in its order: the order the nodes are made in is the order the backward
    # adds input1's three gradient terms; `+ EPSILON` and `- margin` are the .Scalar overloads and
    # C++'s `1 - cos` is a filled tensor minus cos (SubBackward0)
    from ..ops.scalar_arith import add_scalar, sub_scalar
    prod_sum = (input1 * input2).sum(dim)
    mag_square1 = add_scalar((input1 * input1).sum(dim), 1e-12)
    mag_square2 = add_scalar((input2 * input2).sum(dim), 1e-12)
    cos = prod_sum / (mag_square1 * mag_square2).sqrt_()
    zeros = g.zeros_like(cos)
    pos = g.empty_like(cos).fill_(1).sub_(cos)
    neg = sub_scalar(cos, margin).clamp_min_(0)
    loss = g.where(target == 1, pos, zeros) + g.where(target == -1, neg, zeros)
    return _reduce(loss, reduction)


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False, size_average=None,
                        reduce=None, reduction="mean"):
    reduction = _get_enum(_legacy_reduction_enum(size_average, reduce, reduction))
    if margin <= 0:                 # F's own check, in Python: torch.triplet_margin_loss takes any margin
        raise ValueError(f"margin must be greater than 0, got {margin}")
    from ._ops.loss_triplet import triplet_margin_loss as op
    return op(anchor, positive, negative, margin, p, eps, swap, reduction)


# ---- convolution and pooling ----------------------------------------------------------------------
def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    return _conv(input, weight, bias, stride, padding, dilation, groups, 1)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    return _conv(input, weight, bias, stride, padding, dilation, groups, 2)


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    return _conv(input, weight, bias, stride, padding, dilation, groups, 3)


def adaptive_avg_pool1d(input, output_size):
    from ._ops.pooling_avg import adaptive_avg_pool1d as _aap1d
    return _aap1d(input, output_size)


# ---- dropout --------------------------------------------------------------------------------------
def _check_p(p):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def dropout(input, p=0.5, training=True, inplace=False):
    """input * mask / (1 - p), the mask drawn with ``bernoulli_(1 - p)`` (``MulBackward0``)."""
    _check_p(p)
    if not training or p == 0.0:
        return input
    try:
        x = input._data
    except AttributeError:          # not a tensor: torch's parser error
        not_a_tensor()
    if p == 1.0:
        return input * _wrap(np.zeros((), x.dtype))
    noise = _noise_like(x, p)
    return input.mul_(_wrap(noise)) if inplace else input * _wrap(noise)


def _noise_like(x, p):
    """The dropout mask for array ``x``.  torch draws into ``empty_like(x)``, which keeps x's
    memory layout, so for a transposed ``x`` the draws fill memory order, not index order."""
    if x.ndim < 2 or x.flags.c_contiguous:
        return dropout_mask(x.shape, p, x.dtype)
    from ..ops._layout import preserve_strides      # (an expanded x: dense, in TensorIterator's dim order)
    st = preserve_strides(x)
    order = sorted(range(x.ndim), key=lambda d: -st[d])
    noise = dropout_mask(tuple(x.shape[d] for d in order), p, x.dtype)
    return noise.transpose(np.argsort(order))


_SELU_ALPHA_PRIME = 1.7580993408473766     # -scale * alpha of SELU: the value a dropped unit takes


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Dropout that keeps SELU's mean and variance: dropped units become -alpha', then
    y = a (x * keep + alpha' (keep - 1)) + b, with a and b restoring mean 0 and variance 1."""
    _check_p(p)
    if not training or p == 0.0:
        return input
    if p == 1.0:
        return input * _wrap(np.zeros((), input._data.dtype))
    x = input._data
    from ._ops.alpha_noise import alpha_noise
    drawn = x if x.dtype.kind in "fc" else x.astype(np.float32)     # integers: alpha_noise refuses them
    keep = (_noise_like(drawn, p) != 0).astype(x.dtype)      # the 0/1 draws, before dropout's scaling
    noise, b = alpha_noise(keep, p)
    out = input.mul_(_wrap(noise)) if inplace else input * _wrap(noise)
    return out.add_(_wrap(b)) if inplace else out + _wrap(b)


# ---- shapes ---------------------------------------------------------------------------------------
def flatten(input, start_dim=1, end_dim=-1):
    from ..ops.shape import flatten as _flatten
    return _flatten(input, start_dim, end_dim)


def pad(input, pad, mode="constant", value=None):
    """Pad the last len(pad) // 2 dimensions: ``pad = (left_last, right_last, left_prev, ...)``."""
    from ._ops.padding import pad as _pad
    return _pad(input, pad, mode, value)


# ---- attention ------------------------------------------------------------------------------------
from ._ops.attention import scaled_dot_product_attention, multi_head_attention_forward  # noqa: E402

__all__ += ["scaled_dot_product_attention", "multi_head_attention_forward"]


# ---- transposed convolution, resampling, folding --------------------------------------------------
from ._ops.conv_transpose import conv_transpose1d, conv_transpose2d, conv_transpose3d  # noqa: E402
from ._ops.upsample import interpolate, upsample, upsample_nearest, upsample_bilinear  # noqa: E402
from ._ops.fold import unfold, fold  # noqa: E402

__all__ += ["conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "interpolate", "upsample", "upsample_nearest", "upsample_bilinear", "unfold", "fold"]


# ---- bags of embeddings ---------------------------------------------------------------------------
from ._ops.embedding_bag import embedding_bag  # noqa: E402

__all__ += ["embedding_bag"]

# ---- sampling grids -------------------------------------------------------------------------------
from ._ops.grid_sample import affine_grid, grid_sample  # noqa: E402

__all__ += ["affine_grid", "grid_sample"]
from ._ops.pixel_shuffle import pixel_shuffle, pixel_unshuffle, channel_shuffle  # noqa: E402
from ._ops.threshold import threshold, threshold_  # noqa: E402

__all__ += ["pixel_shuffle", "pixel_unshuffle", "channel_shuffle", "threshold", "threshold_"]
from ._ops.adaptive_max import adaptive_max_pool1d, adaptive_max_pool2d, max_unpool1d, max_unpool2d  # noqa: E402

__all__ += ["adaptive_max_pool1d", "adaptive_max_pool2d", "max_unpool1d", "max_unpool2d"]
from ._ops.pool3d_more import adaptive_max_pool3d, max_unpool3d  # noqa: E402
__all__ += ["adaptive_max_pool3d", "max_unpool3d"]
from ._ops.instance_norm import instance_norm, local_response_norm  # noqa: E402

__all__ += ["instance_norm", "local_response_norm"]

# ---- in-place activations, shrinkage, randomized leaky ReLU -----------------------------------------------
from ._ops.activation_inplace import elu_, selu_, celu_, leaky_relu_, hardtanh_  # noqa: E402
from ._ops.shrink import hardshrink, softshrink  # noqa: E402
from ._ops.rrelu import rrelu as _rrelu, rrelu_  # noqa: E402


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    return rrelu_(input, lower, upper, training) if inplace else _rrelu(input, lower, upper, training)


__all__ += ["elu_", "selu_", "celu_", "leaky_relu_", "hardtanh_", "hardshrink", "softshrink", "rrelu", "rrelu_"]

# ---- sequence losses ---------------------------------------------------------------------------------------
from ._ops.ctc import ctc_loss  # noqa: E402
from ._ops.gumbel import gumbel_softmax  # noqa: E402

__all__ += ["ctc_loss", "gumbel_softmax"]
from ._ops.feature_dropout import dropout1d, dropout2d, dropout3d  # noqa: E402  (whole-channel dropout)
from ._ops.lp_pool import lp_pool1d, lp_pool2d, lp_pool3d  # noqa: E402

__all__ += ["dropout3d", "lp_pool1d", "lp_pool2d", "lp_pool3d"]

# ---- multilabel margin, triplet with any distance, channel alpha dropout ------------------------------------
from ._ops.loss_multilabel import (multilabel_margin_loss, triplet_margin_with_distance_loss,  # noqa: E402
                                   feature_alpha_dropout)

__all__ += ["multilabel_margin_loss", "triplet_margin_with_distance_loss", "feature_alpha_dropout"]

# ---- fractional max pooling; the *_with_indices forms; native_channel_shuffle ------------------------------
from ._ops.fractional_pool import (fractional_max_pool2d, fractional_max_pool3d,  # noqa: E402
                                   fractional_max_pool2d_with_indices, fractional_max_pool3d_with_indices)
from ._ops.pool_aliases import (max_pool1d_with_indices, max_pool2d_with_indices,  # noqa: E402,F401
                                max_pool3d_with_indices, adaptive_max_pool1d_with_indices,
                                adaptive_max_pool2d_with_indices, adaptive_max_pool3d_with_indices,
                                native_channel_shuffle)

__all__ += ["fractional_max_pool2d", "fractional_max_pool3d", "native_channel_shuffle"]

from .._fn_names import install as _install_names, F_NAMES as _F_NAMES  # noqa: E402
_install_names(globals(), _F_NAMES)      # torch's __name__ on every function (F.logsigmoid: 'log_sigmoid')

# ---- linear + cross entropy in one call (torch 2.13) -------------------------------------------------------
from ._ops.linear_cross_entropy import linear_cross_entropy  # noqa: E402

__all__ += ["linear_cross_entropy"]

from ._ops.non_tensor_input import install as _guard_inputs  # noqa: E402
_guard_inputs(globals())     # torch's error for a non-tensor input to the spatial ops (interpolate, unfold, ...)
from .._bind_errors import install as _bind_errors  # noqa: E402
_bind_errors(globals(), None, list(globals()))     # F.linear(x) etc.: torch's parser error, as builtins give
