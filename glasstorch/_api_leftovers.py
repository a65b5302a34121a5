"""The rest of torch's top level a learner may meet, re-exported by ``glasstorch/__init__.py``:
the old LU names (``torch.lu``, ``lu_unpack``, ``lu_solve``), the ``*_scatter`` ops, ``unsafe_split`` /
``unsafe_chunk``, ``chain_matmul``, ``mvlgamma``, ``histogramdd``, ``frombuffer``, and the loss functions
torch also exposes at top level with integer reductions (``torch.kl_div(input, target, 1)``).
"""
import math
import warnings

import numpy as np

from .autograd.graph import Node
from .ops._common import GRAD, _wrap, record1
from .ops.shape import is_array
from .ops.view_scatter import (select_scatter, slice_scatter, diagonal_scatter, as_strided_scatter,  # noqa: F401
                               unsafe_split, unsafe_chunk, unsafe_split_with_sizes)
from ._linalg_lu import lu_unpack, torch_lu as lu  # noqa: F401
from ._linalg_lu_solve import torch_lu_solve as lu_solve  # noqa: F401

__all__ = ["lu", "lu_unpack", "lu_solve", "select_scatter", "slice_scatter", "diagonal_scatter", "as_strided_scatter",
           "unsafe_split", "unsafe_chunk", "unsafe_split_with_sizes", "chain_matmul", "mvlgamma", "histogramdd",
           "frombuffer", "kl_div", "binary_cross_entropy_with_logits", "margin_ranking_loss", "spmm", "segment_reduce"]


def spmm(input, mat2):
    """``torch.spmm``: ``torch.mm`` under an older name (a sparse ``input`` included: MmBackward0)."""
    from .ops.matmul import mm
    return mm(input, mat2)


def chain_matmul(*matrices, out=None):
    """Deprecated: the product of 2-d matrices in the cheapest order (``linalg.multi_dot``); one matrix
    comes back as it is."""
    from ._user_warning import warn_once
    warn_once("chain_matmul", "torch.chain_matmul is deprecated and will be removed in a future PyTorch release. "
              "Use torch.linalg.multi_dot instead, which accepts a list of two or more tensors rather than multiple "
              "parameters. (Triggered internally at /__w/pytorch/pytorch/aten/src/ATen/native/LinearAlgebra.cpp:"
              "1102.)")
    if not matrices:
        raise RuntimeError("chain_matmul(): Expected one or more matrices")
    for m in matrices:
        if m.dim() != 2:
            raise RuntimeError(f"Tensor dimension is {m.dim()}, expected 2 instead.")
    if len(matrices) == 1:
        return matrices[0].clone()
    from .linalg import multi_dot
    return multi_dot(list(matrices))


# ---- mvlgamma: log of the multivariate gamma function ---------------------------------------------
class MvlgammaBackward0(Node):
    """y = p(p-1)/4 log(pi) + sum_j lgamma(x - j/2)   ->   dx = g sum_j digamma(x - j/2)"""
    __slots__ = ("p",)

    def backward(self, g):
        x, = self.saved()
        halves = np.arange(self.p - 1, -1, -1) / 2    # torch's order: digamma(x - (p-1)/2) ... digamma(x)
        if is_array(g):
            from .ops.special_fns import _digamma_as   # digamma in x's precision, summed in it, as torch
            return (g * _digamma_as(x[..., None] - halves.astype(x.dtype)).sum(-1),)
        return (g * (x.unsqueeze(-1) - _wrap(halves.astype(x._data.dtype))).digamma().sum(-1),)


def mvlgamma(input, p, *, out=None):
    """(``out``: ops/_out.py's wrapper, as for every namespace function taking it.)"""
    from .ops.special_fns import _lgamma
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    x = input._data
    if x.dtype.kind != "f":
        from .ops._complex_refuse import refuse
        refuse("arange_cpu", x)               # torch builds its arange of halves in the input's dtype
        x = x.astype(np.float32)
    halves = (np.arange(p - 1, -1, -1) / 2).astype(x.dtype)   # torch sums lgamma(x - (p-1)/2) ... lgamma(x)
    c = x.dtype.type(p * (p - 1) / 4 * math.log(math.pi))
    from .ops._layout import contig       # torch's composite ends in sum(-1): a fresh contiguous result
    r = _wrap(contig(np.asarray(_lgamma(x[..., None] - halves).sum(-1) + c, x.dtype)))
    if GRAD.enabled and input._rg:
        node = MvlgammaBackward0()
        node.p = p
        node.save(input)
        record1(node, r, input)
    return r


# ---- histogramdd (ops/_histogramdd.py), frombuffer ------------------------------------------------
from .ops._histogramdd import histogramdd  # noqa: E402,F401
from .ops.segment_reduce import segment_reduce  # noqa: E402,F401


_WARNED_READONLY = [False]


def frombuffer(buffer, *, dtype, count=-1, offset=0, requires_grad=False):
    """A 1-d tensor sharing memory with a Python buffer (bytes, bytearray, array.array ...)."""
    return tensor_frombuffer(buffer, dtype, count, offset, requires_grad, stacklevel=3)


def tensor_frombuffer(buffer, dtype, count, offset, requires_grad, stacklevel):
    """frombuffer's work (torch.asarray's too), its read-only warning ``stacklevel`` frames up."""
    from ._dtype import to_dtype
    dt = to_dtype(dtype).np
    try:
        view = memoryview(buffer)
    except TypeError:
        raise ValueError("object does not implement Python buffer protocol.") from None
    if not view.c_contiguous:           # torch asks for a contiguous buffer (PyBUF_SIMPLE)
        raise RuntimeError("could not retrieve buffer from object")
    if view.readonly and not _WARNED_READONLY[0]:
        _WARNED_READONLY[0] = True      # torch warns once per program, before its length checks
        warnings.warn("The given buffer is not writable, and PyTorch does not support non-writable tensors. This "
                      "means you can write to the underlying (supposedly non-writable) buffer using the tensor. You "
                      "may want to copy the buffer to protect its data or make it writable before converting it to a "
                      "tensor. This type of warning will be suppressed for the rest of this program. (Triggered "
                      "internally at /__w/pytorch/pytorch/torch/csrc/utils/tensor_new.cpp:1556.)", UserWarning,
                      stacklevel=stacklevel)
    n, item = view.nbytes, dt.itemsize
    if n <= 0 or count == 0:
        raise ValueError(f"both buffer length ({n}) and count ({count}) must not be 0")
    if offset < 0 or offset >= n:
        raise ValueError(f"offset ({offset} bytes) must be non-negative and no greater than buffer length ({n} "
                         f"bytes) minus 1")
    if count <= 0 and (n - offset) % item:
        raise ValueError(f"buffer length ({n - offset} bytes) after offset ({offset} bytes) must be a multiple of "
                         f"element size ({item})")
    if count > 0 and count * item > n - offset:
        raise ValueError(f"requested buffer length ({count} * {item} bytes) after offset ({offset} bytes) must not "
                         f"be greater than actual buffer length ({n} bytes)")
    if requires_grad and dt.kind not in "fc":       # (the factories' message, not requires_grad_'s)
        raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
    t = _wrap(np.frombuffer(buffer, dt, count if count > 0 else -1, offset))
    return t.requires_grad_(True) if requires_grad else t


# ---- loss functions at top level: reduction as an integer (0 none, 1 mean, 2 sum) -------------------
# defaulting to 0: torch's parser reads its ``reduction=at::Reduction::Mean`` default as 0 (no reduction);
# the int is bound by nn/_ops/number_args.reduction_arg (any other integer: no reduction either)


def kl_div(input, target, reduction=0, *, log_target=False):
    from .nn.functional import kl_div as f
    with warnings.catch_warnings():    # F.kl_div's 'mean' warning is about the string API only
        warnings.simplefilter("ignore")
        from .nn._ops.number_args import reduction_arg
        return f(input, target, reduction=reduction_arg(reduction, "kl_div", 3), log_target=log_target)


def binary_cross_entropy_with_logits(input, target, weight=None, pos_weight=None, reduction=0):
    """The aten op, which (unlike F.binary_cross_entropy_with_logits) has no size check of its own: its
    kernel's steps broadcast, log_sigmoid(x) *= (pos_weight - 1) * t + 1, then (1 - t).mul_(x).sub_(...),
    then loss *= weight, so a shape error is the first of those steps' errors, and a target of more
    dims than the input takes the input broadcast to its shape."""
    from .nn.functional import binary_cross_entropy_with_logits as f
    from .ops._common import Tensor
    if isinstance(input, Tensor) and isinstance(target, Tensor):
        ti, tt = tuple(input.shape), tuple(target.shape)
        if pos_weight is not None:
            _into(ti, _bshape(tuple(pos_weight.shape), tt))
        _into(tt, ti)
        if weight is not None:
            _into(tt, tuple(weight.shape))
        if ti != tt:
            input = input.expand(tt)
            if input.requires_grad:     # torch's derivative writes the target-shaped gradient into the input's
                input.register_hook(lambda g: _into(ti, tt))
    from .nn._ops.number_args import reduction_arg
    return f(input, target, weight, reduction=reduction_arg(reduction, "binary_cross_entropy_with_logits", 5),
             pos_weight=pos_weight)


def _bshape(a, b):
    from .ops._common import check_broadcast
    return check_broadcast(a, b)


def _into(out, other):
    """An in-place step's check: ``other`` broadcasts with ``out`` and leaves its shape as it is."""
    shape = _bshape(out, other)
    if tuple(shape) != out:
        raise RuntimeError(f"output with shape {list(out)} doesn't match the broadcast shape {list(shape)}")


def margin_ranking_loss(input1, input2, target, margin=0.0, reduction=0):
    from .nn.functional import margin_ranking_loss as f
    from .nn._ops.number_args import double_arg, reduction_arg     # (the parser's order: margin first)
    margin = double_arg(margin, "margin_ranking_loss", "margin", 4)
    return f(input1, input2, target, margin, reduction=reduction_arg(reduction, "margin_ranking_loss", 5))
