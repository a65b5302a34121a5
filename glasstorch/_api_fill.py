"""More of torch's top level, re-exported by ``glasstorch/__init__.py``: ``vmap``, ``as_strided``,
the split/window/integer helpers, in-place aliases, and the layer ops torch also exposes at top
level with their ``torch.*`` signatures (``torch.conv2d``, ``torch.layer_norm``, ``torch.dropout`` ...).

The top-level layer ops call the same code as ``nn.functional``, so values and graph nodes agree;
only the argument lists differ where torch's do (``torch.batch_norm`` puts weight and bias first).
"""
import warnings

import numpy as np

from .func import vmap
from .ops.as_strided import as_strided, as_strided_
from .ops.matmul_more import addr, addbmm
from .ops.misc_fill import hsplit, vsplit, dsplit, diagflat, combinations, gcd, lcm, nextafter
from ._windows import hamming_window, hann_window, blackman_window, bartlett_window, kaiser_window
from .ops import pointwise as _pw
from ._arg_parser import tp_name


# ---- in-place aliases torch has at top level -------------------------------------------------------
arccos_, arcsin_, arctan_ = _pw.acos_, _pw.asin_, _pw.atan_
arccosh_, arcsinh_, arctanh_ = _pw.acosh_, _pw.asinh_, _pw.atanh_
fix_ = _pw.trunc_


def gcd_(input, other):
    from .ops.inplace import commit
    return commit(input, lambda: gcd(input, other), "gcd", inputs=(other,))


def lcm_(input, other):
    from .ops.inplace import commit
    return commit(input, lambda: lcm(input, other), "lcm", inputs=(other,))


def neg_(input):
    return input.neg_()


def conj_physical_(input):
    return input.conj_physical_()


negative_ = neg_


def logit_(input, eps=None):
    return input.logit_(eps)


def sinc_(input):
    return input.sinc_()


def i0_(input):
    return input.i0_()


def xlogy_(input, other):
    return input.xlogy_(other)


def ldexp_(input, other):
    return input.ldexp_(other)


def nan_to_num_(input, nan=0.0, posinf=None, neginf=None):
    return input.nan_to_num_(nan, posinf, neginf)


def zero_(input):
    return input.zero_()


def fill(input, value):
    """A new tensor of ``input``'s shape and dtype, every entry ``value`` (``FillBackward0``)."""
    from .ops.fill import fill
    return fill(input, value)


def fill_(input, value):
    return input.fill_(value)


def detach_(input):
    return input.detach_()


# ---- small creation helpers -------------------------------------------------------------------------
def scalar_tensor(s, *, dtype=None, layout=None, device=None, pin_memory=None, requires_grad=False):
    from ._creation import tensor
    from . import _dtype as _dt
    return tensor(float(s) if not isinstance(s, bool) else s, dtype=dtype or _dt.get_default_dtype(),
                  requires_grad=requires_grad)


def range(start=0, end=None, step=1, *, dtype=None, layout=None, device=None, requires_grad=False):
    """``torch.range`` (deprecated): like arange, but ``end`` is included; floats by default."""
    from ._creation import arange
    from . import _dtype as _dt
    warnings.warn("torch.range is deprecated and will be removed in a future release because its behavior is "
                  "inconsistent with Python's range builtin. Instead, use torch.arange, which produces values in "
                  "[start, end).", UserWarning, stacklevel=2)
    if end is None:
        start, end = 0, start
    dtype = dtype or _dt.get_default_dtype()
    n = int(np.floor((end - start) / step)) + 1
    return arange(n, dtype=_dt.float64).mul_(step).add_(start).to(dtype).requires_grad_(requires_grad)


def empty_strided(size, stride, *, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    """An uninitialised (here: zero) tensor with the given strides, in a buffer just large enough."""
    from ._creation import zeros
    need = 1 + sum((n - 1) * s for n, s in zip(size, stride)) if 0 not in size else 0
    r = as_strided(zeros(need, dtype=dtype), size, stride)
    r._base = None       # a fresh tensor, not a view of the helper buffer
    return r.requires_grad_(requires_grad)


def is_same_size(input, other):
    return input.shape == other.shape


def is_signed(input):
    return input.is_signed()


def is_neg(input):
    return input.__dict__.get("_is_neg", False)


def is_inference(input):
    """Whether ``input`` was made under ``torch.inference_mode()``."""
    from ._tensor import Tensor
    if not isinstance(input, Tensor):
        raise TypeError(f"is_inference(): argument 'input' (position 1) must be Tensor, not {tp_name(input)}")
    return input.is_inference()


def get_device(input):
    return -1


def split_with_sizes(input, split_sizes, dim=0):
    return input.split(list(split_sizes), dim)


# ---- layer ops at top level, torch's signatures (those torch.nn.functional shares with torch: the conv
# family, pixel/channel shuffle, avg_pool1d ... are bound to the same objects in glasstorch/__init__.py) ---
def _F():
    from .nn import functional
    return functional


def max_pool1d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    return _F().max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode)


def max_pool2d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    return _F().max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode)


def max_pool3d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    return _F().max_pool3d(input, kernel_size, stride, padding, dilation, ceil_mode)


def adaptive_max_pool1d(input, output_size):
    """Values and indices, always (the functional form returns indices only when asked)."""
    return _F().adaptive_max_pool1d(input, output_size, return_indices=True)


def batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps, cudnn_enabled):
    return _F().batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)


def instance_norm(input, weight, bias, running_mean, running_var, use_input_stats, momentum, eps, cudnn_enabled):
    from .nn._ops.instance_norm import _instance_norm
    return _instance_norm(input, running_mean, running_var, weight, bias, use_input_stats, momentum, eps)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05, cudnn_enable=True):
    return _F().layer_norm(input, normalized_shape, weight, bias, eps)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-05, cudnn_enabled=True):
    return _F().group_norm(input, num_groups, weight, bias, eps, _verify=False)


def rms_norm(input, normalized_shape, weight=None, eps=None):
    return _F().rms_norm(input, normalized_shape, weight, eps)


def dropout(input, p, train):
    return _F().dropout(input, p, train)


def dropout_(input, p, train):
    return _F().dropout(input, p, train, inplace=True)


def alpha_dropout(input, p, train):
    return _F().alpha_dropout(input, p, train)


def alpha_dropout_(input, p, train):
    return _F().alpha_dropout(input, p, train, inplace=True)


def feature_dropout(input, p, train):
    from .nn._ops.feature_dropout import _feature_dropout
    return _feature_dropout(input, p, train, False)


def feature_dropout_(input, p, train):
    from .nn._ops.feature_dropout import _feature_dropout
    return _feature_dropout(input, p, train, True)


def feature_alpha_dropout(input, p, train):
    return _F().feature_alpha_dropout(input, p, train)


def feature_alpha_dropout_(input, p, train):
    return _F().feature_alpha_dropout(input, p, train, inplace=True)


def embedding(weight, input, padding_idx=-1, scale_grad_by_freq=False, sparse=False):
    # the native op takes padding_idx as it is: an id no index can equal (negative, or past the table)
    # just means no padding row -- F.embedding's range assertion and wrapping happen before it
    rows = weight._data.shape[0] if getattr(getattr(weight, "_data", None), "ndim", 0) else 0
    pad = padding_idx if isinstance(padding_idx, int) and 0 <= padding_idx < rows else None
    return _F().embedding(input, weight, pad, scale_grad_by_freq=scale_grad_by_freq, sparse=sparse)


def embedding_renorm_(input, indices, max_norm, norm_type):
    """w[i] *= max_norm / (||w[i]||_p + 1e-7) for each distinct row i of ``indices`` whose p-norm exceeds
    max_norm, in place.  torch has no derivative for it: a result that requires grad gets an
    EmbeddingRenormBackward0 whose backward raises."""
    from .nn._ops.embedding_checks import check_renorm
    from .nn._ops.embedding_bag import renorm_rows
    from .ops.inplace import check_inplace
    check_inplace(input)
    w = input._data
    if w.ndim != 2:
        raise RuntimeError(f"Expected 2-dimensional tensor, but got {w.ndim}-dimensional tensor for argument #1 "
                           "'self' (while checking arguments for embedding_renorm_)")
    check_renorm(indices._data, w)
    renorm_rows(input, indices._data.reshape(-1), max_norm, norm_type)
    from .ops._common import GRAD
    if GRAD.enabled and input.requires_grad:
        from .autograd._double_guard import NotImplemented, refused
        node_cls = type("EmbeddingRenormBackward0", (NotImplemented,),
                        {"__slots__": (), "name": lambda self: "EmbeddingRenormBackward0"})
        r = refused(w, "the derivative for 'embedding_renorm' is not implemented.", input,
                    exc=NotImplementedError, node_cls=node_cls)
        input.grad_fn, input._out_nr = r.grad_fn, 0
    return input


def constant_pad_nd(input, pad, value=0):
    from .nn._ops.padding import pad_with, _scalar_value
    return pad_with(input, pad, "constant", value, _scalar_value)


__all__ = [
    "vmap", "as_strided", "as_strided_", "addr", "addbmm", "hsplit", "vsplit", "dsplit", "diagflat", "combinations",
    "gcd", "lcm", "gcd_", "lcm_", "nextafter", "hamming_window", "hann_window", "blackman_window", "bartlett_window",
    "kaiser_window", "arccos_", "arcsin_", "arctan_", "arccosh_", "arcsinh_", "arctanh_", "fix_", "neg_", "conj_physical_",
    "negative_", "logit_", "sinc_", "i0_", "xlogy_", "ldexp_", "nan_to_num_", "zero_", "fill", "fill_", "detach_", "scalar_tensor", "range", "empty_strided", "is_same_size",
    "is_signed", "is_neg", "is_inference", "get_device", "split_with_sizes",
    "max_pool1d",
    "max_pool2d", "max_pool3d", "adaptive_max_pool1d", "batch_norm",
    "instance_norm", "layer_norm", "group_norm", "rms_norm", "dropout", "dropout_", "alpha_dropout",
    "alpha_dropout_", "feature_dropout", "feature_dropout_", "feature_alpha_dropout", "feature_alpha_dropout_",
    "embedding", "embedding_renorm_",
    "constant_pad_nd",
]
