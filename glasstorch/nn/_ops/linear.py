"""``F.linear`` and ``F.bilinear``: y = x W^T + b.

On a 2-d input torch calls ``addmm(b, x, W.t())`` (``AddmmBackward0``, whose weight edge goes
through ``TBackward0``) or ``mm`` when there is no bias; other ranks are flattened to 2-d first
and viewed back (``ViewBackward0`` on top).
"""
import numpy as np

from ...autograd.graph import Node
from ...autograd._saved_meta import mm_meta
from ...ops._common import GRAD, Tensor, _wrap, record
from ...ops import _gemm_order
from ...ops._gemm_order import x_wt
from ...ops.inplace import type_name
from ...ops.matmul_checks import _addmm_dtypes, _same_dtype
from ...ops.views import t as _t
from ._util import reshape, view
from ..._arg_parser import tp_name


class AddmmBackward0(Node):
    """y = b + x @ Wt   ->   db = g,  dx = g @ Wt^T,  dWt = x^T @ g"""
    __slots__ = ("need",)
    # as torch: x is kept only for W's gradient, Wt only for x's (a plain input saves one tensor)
    _saved_names = ("mat1", "mat2", "attr:alpha", "attr:beta")
    alpha = beta = 1

    def backward(self, g):
        x, wt = self.saved()
        nb, nx, nw = self.need
        if nx:          # torch's formula takes mat2.t(): TBackward0 under create_graph
            gx = _gemm_order.mm(g, wt.T) if self.m is np else g @ wt.t()      # g W, as torch's mm
        return (g if nb else None, gx if nx else None, weight_grad_t(x, g) if nw else None)


class MmBackward0(Node):
    """y = x @ Wt   ->   dx = g @ Wt^T,  dWt = x^T @ g"""
    __slots__ = ("need",)
    _saved_names = ("mat2", "self")          # (torch's mm saves W^T first)

    def backward(self, g):
        wt, x = self.saved()
        nx, nw = self.need
        return (_gemm_order.mm(g, wt.T) if nx and isinstance(g, np.ndarray) else g @ wt.T if nx else None,
                weight_grad_t(x, g) if nw else None)      # (g W: torch's mm, MKL's order where modelled)


def weight_grad_t(x, g):
    """x^T g (the gradient of W^T), computed as (g^T x)^T: W's gradient in W's own row-major layout.

    torch's mm backward does the same for a column-major mat2 such as W.t(), so the weight's
    gradient reaches AccumulateGrad already laid out like the weight and is kept without a copy
    (a transposed copy of a 1024x1024 gradient costs more than a millisecond)."""
    # under create_graph x and g are Tensors: the product must stay differentiable
    if not isinstance(x, np.ndarray):
        return (g.t() @ x).t()          # the same layout choice: TBackward0 over MmBackward0, as torch
    # mm of the transposed view: small layers (a regression's Linear(k, 1)) get MKL's running sum
    return _gemm_order.mm(g.T, x).T


def _check(x, w):
    if x.dtype != w.dtype:
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {type_name(x.dtype)} and "
                           f"{type_name(w.dtype)}")
    _check_shapes(x, w)


def _check_shapes(x, w):
    if x.shape[-1] != w.shape[1]:
        rows = int(np.prod(x.shape[:-1])) if x.ndim > 1 else 1
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{x.shape[-1]} and "
                           f"{w.shape[1]}x{w.shape[0]})")


def _linear2d(input, weight, bias):
    x, w = input._data, weight._data
    if x.dtype == np.float16:
        # torch's half gemm sums in float, adds the bias there, and rounds to half once
        out = x.astype(np.float32) @ w.T.astype(np.float32)
        if bias is not None:
            out += bias._data.astype(np.float32)
        out = out.astype(np.float16)
    else:
        # a few inputs: MKL's plain sum (x_wt; its bound checked here first, this is every forward)
        out = x_wt(x, w) if 1 < x.shape[1] <= 4 else None
        if out is None:
            out = _gemm_order.mm(x, w.T)      # torch's order where modelled (complex k = 2, 3; short k)
        if bias is not None:
            out += bias._data
    r = _wrap(out)
    if GRAD.enabled and (input._rg or weight._rg or (bias is not None and bias._rg)):
        wt = _t(weight)
        if bias is not None:
            node = AddmmBackward0()
            node.need = (bias._rg, input._rg, weight._rg)
            node.save(input if weight._rg else None, wt if input._rg else None)
            mm_meta(node, "mat1", input, wt)
            record(node, r, bias, input, wt)
        else:
            node = MmBackward0()
            node.need = (input._rg, weight._rg)
            node.save(wt if input._rg else None, input if weight._rg else None)
            mm_meta(node, "self", input, wt)
            record(node, r, input, wt)
    return r


def linear(input, weight, bias=None):
    """y = x W^T + b over the last dimension of ``input``."""
    try:
        x, w = input._data, weight._data
        bdt = None if bias is None else bias._data.dtype
    except AttributeError:
        _argument_types(input, weight, bias)
        raise
    if w.ndim != 2 or x.ndim == 0 or (bias is not None and x.ndim != 2 and bias._data.shape != w.shape[:1]) or \
            (x.ndim > 2 and x.shape[-1] != w.shape[1] and not x.flags.c_contiguous):   # matmul's error, not mm's
        return _odd_linear(input, weight, bias)
    if x.ndim != 2 and not x.flags.c_contiguous:
        return _strided_linear(input, weight, bias)
    if bias is None:                     # matmul -> mm: its shape check, then its dtype check
        _check_shapes(x, w)
        _same_dtype(x, w)
    else:                                # addmm(bias, x, W.t()): the bias is checked against W first
        _addmm_dtypes(bdt, x, w)
    _check(x, w)
    if x.dtype.kind == "b":
        raise NotImplementedError("\"addmm_impl_cpu_\" not implemented for 'Bool'")
    if bias is not None and bias._data.shape != w.shape[:1]:
        # torch adds the bias to the product of the input seen as 2-d (addmm): it must expand to that
        from ...ops.shape import expand
        rows = x.shape[0] if x.ndim == 2 else int(np.prod(x.shape[:-1]))
        expand(bias, rows, w.shape[0])
    if x.ndim == 2:
        return _linear2d(input, weight, bias)
    lead = x.shape[:-1]
    if bias is None and GRAD.enabled and (input._rg or weight._rg):
        # torch: matmul(x, W.t()) folds to mm, then _unsafe_view (or squeeze_ after a 1-d input's unsqueeze)
        from ...ops.matmul import _unsafe_view, _squeeze4
        from ...ops.shape import unsqueeze
        if x.ndim == 1:
            return _squeeze4(_linear2d(unsqueeze(input, 0), weight, None))
        return _unsafe_view(_linear2d(reshape(input, -1, x.shape[-1]), weight, None), lead + (w.shape[0],))
    flat = view(input, -1, x.shape[-1]) if x.ndim != 1 else view(input, 1, x.shape[-1])
    out = _linear2d(flat, weight, bias)
    return view(out, *lead, w.shape[0])


def _strided_linear(input, weight, bias):
    """A non-contiguous input of other than 2 dims: torch's ``matmul(x, W.t())``, then the bias added in
    place.  So matmul's errors and graph (UnsafeViewBackward0 where it folds), and a bias of another
    dtype cast into the product's.  Without a graph, the values of the products torch runs: one mm of
    the flattened copy where matmul folds; else its bmm, ATen's own loop when small, or a gemm per
    batch, whose rows are those of one gemm over all of them (measured against MKL)."""
    x, w = input._data, weight._data
    if (GRAD.enabled and (input._rg or weight._rg or (bias is not None and bias._rg))) or x.ndim < 3 or \
            x.dtype.char not in "fd" or w.dtype != x.dtype or (bias is not None and bias._data.dtype != x.dtype):
        return _odd_linear(input, weight, bias)
    from ...ops._gemm_small import bmm_small
    from ...ops.matmul import _folds
    out = None if _folds(input, _t(weight)) else bmm_small(x, w.T)
    if out is None:
        out = _linear2d(reshape(input, -1, x.shape[-1]), weight, None)._data.reshape(x.shape[:-1] + w.shape[:1])
    if not out.flags.c_contiguous:          # (the loop's product follows the input's layout; bmm's is contiguous)
        from ...ops._layout import contig
        out = contig(out)
    if bias is not None:
        out += bias._data
    return _wrap(out)


def _odd_linear(input, weight, bias):
    """torch's composite (aten linear) for the shapes the fast path leaves out: a weight that is not
    2-d, a 0-d argument, or a bias other than (out,) on a non-2-d input.  A 2-d input goes to
    addmm(b, x, W.t()); a contiguous one whose bias has a single non-1 dim is flattened to 2-d for
    addmm and viewed back; anything else is matmul(x, W.t()) plus the bias added in place."""
    import glasstorch as g
    if input.dim() == 0 or weight.dim() == 0:
        raise RuntimeError(f"both arguments to linear need to be at least 1D, but they are {input.dim()}D and "
                           f"{weight.dim()}D")
    wt = weight.t()                      # torch's t() error for a weight of 3 or more dims
    if bias is not None:
        if input.dim() == 2:
            return g.addmm(bias, input, wt)
        if input.is_contiguous() and (bias.dim() == 1 or sum(s != 1 for s in bias.shape) == 1):
            lead = tuple(input.shape[:-1])
            flat = input.reshape(int(np.prod(lead)), input.shape[-1])
            out = g.addmm(bias, flat, wt)
            return out.view(*lead, out.shape[-1])
    out = g.matmul(input, wt)
    return out if bias is None else out.add_(bias)


def _argument_types(input, weight, bias):
    """torch's TypeError for an argument of linear that is not a tensor."""
    for pos, (name, v) in enumerate((("input", input), ("weight", weight), ("bias", bias)), 1):
        if not (isinstance(v, Tensor) or (name == "bias" and v is None)):
            raise TypeError(f"linear(): argument '{name}' (position {pos}) must be Tensor, not {tp_name(v)}")


def bilinear(input1, input2, weight, bias=None):
    """y_k = x1^T A_k x2 + b_k: torch's composite, _trilinear of the flattened inputs (trilinear.py)."""
    from .trilinear import bilinear_trilinear
    if input1.dim() != input2.dim():                  # torch's checks, in its order
        raise RuntimeError(f"bilinear(): input dimensions do not match: got {input1.dim()} and {input2.dim()}")
    for i in range(input1.dim() - 1):
        if input1.shape[i] != input2.shape[i]:
            raise RuntimeError(f"bilinear(): input batch dimensions do not match at dim {i}: got {input1.shape[i]} "
                               f"and {input2.shape[i]}")
    for k, x in ((1, input1), (2, input2)):
        if weight.dim() > k and x.shape[-1] != weight.shape[k]:
            raise RuntimeError(f"bilinear(): input{k} size does not match weight size: got {x.shape[-1]} but "
                               f"expected {weight.shape[k]}")
    if bias is not None and bias.dim() and weight.dim() and bias.shape[0] != weight.shape[0]:
        raise RuntimeError(f"bilinear(): bias size does not match weight size: got {bias.shape[0]} but expected "
                           f"{weight.shape[0]}")
    out = bilinear_trilinear(input1, input2, weight)
    return out if bias is None else out + bias
