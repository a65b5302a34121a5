"""softmax and log_softmax along a dim (the tensor methods and ``torch.softmax``; ``nn.functional``
builds on them).  Both subtract the maximum first so ``exp`` cannot overflow.

As torch's CPU kernels: along the last dim, float32's exp is SLEEF's (``_sleef_expf``) and rows are
summed in the kernels' vector-lane order (``_softmax_order``), so softmax and log_softmax rows come out
bit for bit as torch's (log_softmax's log of the sums is SLEEF's too: ``_sleef_f32more`` / ``_f64more``);
along another dim each item is divided by the sum, its exp SLEEF's or glibc's as torch's vector loop
or scalar rest takes the position (``_softmax_order.vector_positions``).
"""
import numpy as np

from .._dtype import to_dtype
from ..autograd.graph import Node
from ._common import GRAD, _wrap, record1
from . import _libm
from .inplace import type_name
from .._tensor import Tensor, _wrap_dim


class SoftmaxBackward0(Node):
    """y = exp(x) / sum(exp(x))   ->   dx = y * (g - sum(g * y))"""
    __slots__ = ("dim",)
    _saved_names = ("result", "attr:dim")

    def backward(self, g):
        y, = self.saved()
        return (kernel_backward(SoftmaxBackwardDataBackward0, self, g, y),)

    def kernel(self, g, y):
        """torch's _softmax_backward_data on arrays."""
        d = self.dim
        if y.dtype == np.float16:
            # torch's half kernels work in float and round once: along the last dim as float32's,
            # along another the running sum s + g y unfused
            gf, yf = g.astype(np.float32), y.astype(np.float32)
            if d is None or not y.ndim or d == y.ndim - 1:
                return self.kernel(gf, yf).astype(np.float16)
            s = np.zeros_like(np.take(yf, [0], axis=d))
            for k in range(y.shape[d]):
                s = s + np.take(gf, [k], axis=d) * np.take(yf, [k], axis=d)
            return ((gf - s) * yf).astype(np.float16)
        if d is not None and y.ndim and d == y.ndim - 1 and y.dtype.char in "fd":
            from .._runtime import get_num_threads
            inline = y.dtype.char == "f" and (get_num_threads() == 1 or y.size <= y.shape[-1])  # (one row; the float64 copies never fuse)
            s = lane_dot(g, y, inline)[..., None]   # sum(g y) as the kernel adds it
        elif d is not None and y.ndim and y.dtype.char in "fd":
            # another dim: the kernel runs down the dim, s = s + g y as one multiply-add per step
            fma = fma32 if y.dtype.char == "f" else fma64
            s = np.zeros_like(np.take(y, [0], axis=d))
            for k in range(y.shape[d]):
                s = fma(np.take(g, [k], axis=d), np.take(y, [k], axis=d), s)
        else:
            s = row_sum(g * y, d) if d is not None and y.ndim else (g * y).sum(d, keepdims=True)
        return (g - s) * y


class SafeSoftmaxBackward0(SoftmaxBackward0):
    """y = softmax(x), 0 on rows of -inf (torch's _safe_softmax)   ->   dx = y * (g - sum(g * y))"""
    __slots__ = ()


class LogSoftmaxBackward0(Node):
    """y = x - log(sum(exp(x)))   ->   dx = g - exp(y) * sum(g)"""
    __slots__ = ("dim",)
    _saved_names = ("result", "attr:dim")

    def backward(self, g):
        y, = self.saved()
        return (kernel_backward(LogSoftmaxBackwardDataBackward0, self, g, y),)

    def kernel(self, g, y):
        """torch's _log_softmax_backward_data on arrays."""
        d = self.dim
        if y.dtype == np.float16:           # computed in float, rounded once (torch's half kernel)
            return self.kernel(g.astype(np.float32), y.astype(np.float32)).astype(np.float16)
        if d is not None and y.ndim and y.dtype.char in "fd":
            # g - exp(y) * sum, the multiply-subtract fused as GCC compiles torch's kernel (any dim)
            e = _kernel_exp(y) if d == y.ndim - 1 else _chunked_exp(y, d)
            return (fma32 if y.dtype.char == "f" else fma64)(-e, row_sum(g, d), g)
        s = row_sum(g, d) if d is not None and y.ndim else g.sum(d, keepdims=True)
        return g - _kernel_exp(y) * s


def _prepare(input, dim, dtype, name):
    if dim is ...:          # the default that marks "not given" (torch's parser words this error its own way)
        raise TypeError(f'{name}() missing 1 required positional arguments: "dim"')
    if dim is None:
        from .._arg_refuse import refused
        raise refused(TypeError(f"{name}(): argument 'dim' must be int, not NoneType"))
    if input.__class__ is not Tensor and getattr(input, "layout", None) is not None \
            and input.layout.name != "strided":
        _refuse_sparse(input, dim, name)
    try:
        x = input._data
    except AttributeError:          # not a tensor: torch's parser error
        not_a_tensor()
    if dtype is not None:
        x = x.astype(to_dtype(dtype).np)
    d = _wrap_dim(dim, x.ndim)           # (the dim first; the dtype only matters when there are elements)
    if x.dtype.kind != "f" and x.size:      # (torch's kernel for the last dim, or its general one)
        kernel = f"{name}_lastdim_kernel_impl" if x.ndim < 2 or d == x.ndim - 1 else f"{name}_kernel_impl"
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{type_name(x.dtype)}'")
    return x, d


def _refuse_sparse(input, dim, name):
    """torch has no dense-softmax kernel for sparse layouts (``torch.sparse.softmax`` is the sparse one):
    its dispatcher error; a compressed matrix's dim is checked first."""
    from ..sparse._coo import not_on_sparse
    if input.layout.name == "sparse_coo":
        raise not_on_sparse(f"aten::_{name}")
    _wrap_dim(dim, input.dim())
    raise not_on_sparse(f"aten::_{name}.out", "SparseCsrCPU")


def _shifted(x, d):
    if x.ndim == 0:
        return x - x
    # an infinite maximum is subtracted as it is: a row holding +inf gives nan throughout, as in torch
    m = np.max(x, axis=d, keepdims=True) if x.size else np.zeros((1,) * x.ndim, x.dtype)
    return x - m


def _middle_dim_exp(s, d):
    """exp of the shifted input as softmax over a middle dim gets it: SLEEF's at the positions its
    vector loop takes (``vector_positions``, one float32 / float64 vector at a time), glibc's elsewhere."""
    if s.dtype.char not in "fd" or not s.size:
        return _libm.exp(s)
    from .._runtime import get_num_threads
    outer = int(np.prod(s.shape[:d]))
    inner = int(np.prod(s.shape[d + 1:]))
    f32 = s.dtype == np.float32
    vec = vector_positions(outer, inner, get_num_threads(), 8 if f32 else 4)
    every = np.broadcast_to(vec[:, None, :], (outer, s.shape[d], inner)).reshape(s.shape)
    return (_sleef_expf if f32 else _sleef_expd).exp_by_path(s, every)


def _kernel_exp(x):
    """exp as torch's softmax kernels compute it: SLEEF's for float32 / float64 (``_sleef_expf``,
    ``_sleef_expd``), NumPy's else."""
    if x.dtype == np.float64:
        return _sleef_expd.expd(x)
    return _sleef_expf.expf(x) if x.dtype == np.float32 else _libm.exp(x)


from ._layout import contig_of  # noqa: E402
from ._softmax_order import lane_dot, row_sum, vector_positions  # noqa: E402
from . import _sleef_expd, _sleef_expf, _sleef_f32more, _sleef_f64more  # noqa: E402
from ._fma32 import fma32  # noqa: E402
from .._rng_fma import fma64  # noqa: E402
from .._arg_refuse import not_a_tensor  # noqa: E402
from ._complex_refuse import refuse_complex_reduction  # noqa: E402  (an empty complex input's grad)
from .kernel_double import (LogSoftmaxBackwardDataBackward0, SoftmaxBackwardDataBackward0,  # noqa: E402
                            kernel_backward)


def softmax(input, dim=..., dtype=None, *, _stacklevel=3):
    x, d = _prepare(input, dim, dtype, "softmax")
    if x.dtype.kind != "f":                 # (empty: nothing to compute, torch returns it as it is)
        refuse_complex_reduction("", "_softmax", x, GRAD.enabled and input._rg, False)
        return _wrap(x.copy())
    w = x.astype(np.float32) if x.dtype == np.float16 else x      # half works in float32, as torch
    with np.errstate(invalid="ignore", over="ignore"):
        if x.dtype.char in "fd" and x.ndim and d == x.ndim - 1:
            # the last dim: SLEEF's exp, torch's lane order, then times the reciprocal of the sum
            e = _kernel_exp(_shifted(w, d))
            y = e * (w.dtype.type(1) / row_sum(e, d))
        elif x.dtype.char in "fd" and x.ndim:
            e = _middle_dim_exp(_shifted(w, d), d)               # another dim: each item over the sum
            y = e / row_sum(e, d)
        else:
            e = _libm.exp(_shifted(w, d))
            y = e * (w.dtype.type(1) / np.sum(e, axis=d if x.ndim else None, keepdims=True))
    r = _wrap(contig_of(np.asarray(y, x.dtype), input._data))     # torch's softmax output: contiguous
    if GRAD.enabled and input._rg:
        node = SoftmaxBackward0()
        node.dim = d if x.ndim else None
        node.save(r, result_at=0)
        record1(node, r, input)
    return r


def _log_softmax_plain(x, d):
    """log_softmax of a float32/float64 array: the general path's arithmetic, step for step, in fewer
    NumPy calls (this is every classifier's loss)."""
    with np.errstate(over="ignore", invalid="ignore"):     # (inf - inf; numbers near the dtype's range)
        s = x - x.max(axis=d, keepdims=True)
    if d == x.ndim - 1:
        return s - _kernel_log(row_sum(_kernel_exp(s), d))
    return s - _kernel_log(row_sum(_chunked_exp(s, d), d))


def _kernel_log(v):
    """log of the row sums as torch's log_softmax kernels take it: ``vec::map`` of ``Vectorized::log``
    over them, the partial last vector included, so SLEEF's on every row."""
    if v.dtype == np.float32:
        return _sleef_f32more.logf(v)
    return _sleef_f64more.logd(v) if v.dtype == np.float64 else _libm.log(v)


def _chunked_exp(s, d):
    """exp as log_softmax over another dim gets it (``serial_vec_logsoftmax_range``): the kernel cuts
    the inner positions into chunks of a multiple of one vector (8 float32, 4 float64) and runs each
    chunk's whole vectors with SLEEF's exp, the rest one by one with glibc's: so SLEEF's exactly at
    the inner positions below inner // W * W, whatever the chunking and the threads."""
    inner = int(np.prod(s.shape[d + 1:]))
    f32 = s.dtype == np.float32
    w = 8 if f32 else 4
    vec = np.broadcast_to(np.arange(inner) < inner // w * w, (s.size // inner, inner)).reshape(s.shape)
    return (_sleef_expf if f32 else _sleef_expd).exp_by_path(s, vec)


def log_softmax(input, dim=..., dtype=None, *, _stacklevel=3):
    x, d = _prepare(input, dim, dtype, "log_softmax")
    if x.dtype.kind != "f":                 # (empty: nothing to compute, torch returns it as it is)
        refuse_complex_reduction("", "_log_softmax", x, GRAD.enabled and input._rg, False)
        return _wrap(x.copy())
    if x.dtype.char in "fd" and x.ndim and x.size:
        return _log_softmax_result(_log_softmax_plain(x, d), d, input)
    w = x.astype(np.float32) if x.dtype == np.float16 else x
    with np.errstate(invalid="ignore", divide="ignore"):
        s = _shifted(w, d)
        lse = np.sum(_libm.exp(s), axis=d if x.ndim else None, keepdims=True)
        if x.dtype == np.float16 and x.ndim and d == x.ndim - 1:
            # torch's last-dim half kernel keeps the sum, then its log, in half
            lse = _libm.log(lse.astype(np.float16).astype(np.float32)).astype(np.float16).astype(np.float32)
        else:
            lse = _libm.log(lse)
        y = s - lse
    return _log_softmax_result(np.asarray(y, x.dtype), d if x.ndim else None, input)


def _log_softmax_result(y, d, input):
    r = _wrap(contig_of(y, input._data))
    if GRAD.enabled and input._rg:
        node = LogSoftmaxBackward0()
        node.dim = d
        node.save(r, result_at=0)
        record1(node, r, input)
    return r


__all__ = ["softmax", "log_softmax"]
