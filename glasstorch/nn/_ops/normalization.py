"""Batch, layer and group normalisation, each one node as in torch (``NativeBatchNormBackward0``,
``NativeLayerNormBackward0``, ``NativeGroupNormBackward0``).

All three normalise x to xhat = (x - mean) * invstd over some axes, then apply an affine
y = xhat * w + b.  Their backward is one formula, with N the number of elements averaged:

    dx = invstd / N * (N * dxhat - sum(dxhat) - xhat * sum(dxhat * xhat)),   dxhat = g * w
"""
import numpy as np

from ...autograd.graph import Node
from ...ops._common import GRAD, _wrap, record
from ...ops.shape import is_array
from . import batch_norm_cpu as _bn_exact
from . import layer_norm_cpu as _ln_exact
from . import group_norm_cpu as _gn_exact
from ...ops._complex_refuse import refuse
from ..._arg_refuse import not_a_tensor  # noqa: E402
from .mixed_dtype import check_mixed_dtype, refuse_non_float as _refuse_non_float
from ..._vmap_inplace import once as _vmap_once


def _norm_backward(g, xhat, invstd, w_b, axes, n):
    """dx of y = xhat * w: the formula in the module docstring (``w_b`` broadcastable, or None)."""
    gh = g if w_b is None else g * w_b
    s1 = gh.sum(axis=axes, keepdims=True)
    s2 = (gh * xhat).sum(axis=axes, keepdims=True)
    n = xhat.dtype.type(n) if is_array(xhat) else float(n)
    return (invstd / n) * (gh * n - s1 - xhat * s2)


def _xhat_recorded(x, axes, eps):
    """(xhat, invstd) of the saved input as recorded ops: under create_graph the gradient is itself
    differentiated, and it depends on x through xhat and invstd too."""
    mean = x.mean(axes, keepdim=True)
    invstd = ((x - mean) ** 2).mean(axes, keepdim=True).add(eps).rsqrt()
    return (x - mean) * invstd, invstd


def _saved_stats(node, g, axes):
    """The saved weight, and xhat and invstd: arrays normally, recorded tensors under create_graph."""
    w, x = node.saved()
    if is_array(g):
        return w, node.xhat, node.invstd
    return (w,) + _xhat_recorded(x, axes, node.eps)


def _opmath(x):
    """float16 as float32: torch's layer and group norm kernels compute half inputs in float (statistics,
    normalisation and affine) and round to half once, in _affine_and_record."""
    return x.astype(np.float32) if x.dtype == np.float16 else x


def _affine_and_record(node_cls, xhat, invstd, input, weight, bias, shape=None, **fields):
    """y = xhat * w + b (w, b reshaped to ``shape`` if given); when input, weight or bias wants a
    gradient, a ``node_cls`` holding xhat, invstd, ``need`` (which of the three do) and ``fields``."""
    out = xhat
    if weight is not None:
        out = out * (weight._data if shape is None else weight._data.reshape(shape))
    if bias is not None:
        out = out + (bias._data if shape is None else bias._data.reshape(shape))
    out = np.asarray(out, input._data.dtype)
    if not input._data.size and node_cls is NativeBatchNormBackward0:     # an empty input's strides are kept
        from ..._empty_strides import strided_like
        out = strided_like(np.empty(out.shape, out.dtype), input._data)
    elif not input._data.flags.c_contiguous:      # layer_norm: contiguous; batch/group norm: x's suggested format
        from ...ops._layout import contig, contig_or_cl
        out = contig(out) if node_cls is NativeLayerNormBackward0 else contig_or_cl(out, input._data)
    r = _wrap(out)
    need = (input._rg, weight is not None and weight._rg, bias is not None and bias._rg)
    if GRAD.enabled and any(need):
        node = node_cls()
        node.xhat, node.invstd, node.need = xhat, invstd, need
        for name, value in fields.items():
            setattr(node, name, value)
        node.save(weight, input)        # the input for double backward, as torch saves it
        record(node, r, input, weight, bias)
    return r


# gradients up to this many elements follow torch's kernel bit for bit; beyond it, the emulated
# fused multiply-adds would make backward about five times slower than the plain formula
_EXACT_BACKWARD_MAX = 1 << 16


class NativeBatchNormBackward0(Node):
    """y = (x - mean) invstd w + b over every axis but the channel axis"""
    __slots__ = ("xhat", "invstd", "training", "need", "axes", "eps", "mean", "exact")

    def backward(self, g):
        if not is_array(g) and getattr(self, "given", None) is None:     # create_graph: torch's one node
            from .norm_double import norm_double
            return norm_double(self, g, "NativeBatchNormBackwardBackward0", (0, 1, 2), 5)
        axes = self.axes
        if self.exact is not None and is_array(g):
            w, x = self.saved()
            if g.size <= _EXACT_BACKWARD_MAX:
                # torch's CPU kernel, rounding for rounding (batch_norm_cpu.backward)
                mean, invstd = self.exact
                return _bn_exact.backward(g, x, mean, invstd, w, self.training, self.need)
            # large: the plain formula, within an ulp or so of torch's, several times faster than
            # emulating its fused multiply-adds
            invstd = self.invstd
            xhat = (x - self.mean) * invstd
        elif self.training:
            w, xhat, invstd = _saved_stats(self, g, axes)
        else:                       # running statistics are constants: xhat is linear in x
            w, x = self.saved()
            xhat, invstd = (self.xhat, self.invstd) if is_array(g) else ((x - _wrap(self.mean)) * _wrap(self.invstd),
                                                                         _wrap(self.invstd))
        shape = (1, -1) + (1,) * (g.ndim - 2)
        wb = None if w is None else w.reshape(shape)
        if self.training:
            n = int(np.prod(g.shape)) // g.shape[1]
            gx = _norm_backward(g, xhat, invstd, wb, axes, n) if self.need[0] else None
        else:
            gx = (g * invstd * (1 if wb is None else wb)) if self.need[0] else None
        gw = (g * xhat).sum(axis=axes) if self.need[1] else None
        gb = g.sum(axis=axes) if self.need[2] else None
        return gx, gw, gb


def _check_features(c, running_mean, running_var, weight, bias, training):
    """torch's checks (``_batch_norm_impl_index``), in its order: each given tensor has one entry per channel."""
    for name, v in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight),
                    ("bias", bias)):
        if v is None:
            if not training and name.startswith("running"):
                raise RuntimeError(f"{name} must be defined in evaluation mode")
        elif v._data.size != c:
            raise RuntimeError(f"{name} should contain {c} elements not {v._data.size}")


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5,
               *, _verify=True):
    # _verify=False: the native kernel's path (instance_norm), which skips F.batch_norm's size check
    x = input._data
    if training:
        n = x.shape[0] * int(np.prod(x.shape[2:]))     # (not x.size // C: C may be 0)
        if n <= 1 and _verify:
            raise ValueError(f"Expected more than 1 value per channel when training, got input size {input.shape}")
    if x.ndim < 2:      # torch counts no features here, then fails to read the size of dimension 1
        _check_features(0, running_mean, running_var, weight, bias, training)
        raise IndexError("Dimension out of range (expected to be in range of [-1, 0], but got 1)")
    _check_features(x.shape[1], running_mean, running_var, weight, bias, training)
    if (running_mean is None) != (running_var is None):
        raise ValueError("running_mean and running_var must either both be None or neither be None")
    if x.size:          # torch: the dtype dispatch first, then the parameters' dtypes
        _refuse_non_float("batch_norm", x)
        check_mixed_dtype(input, weight, bias, running_mean, running_var)
    if training and running_mean is not None and not _vmap_once((running_mean, running_var), input):
        running_mean = running_var = None     # a later vmap entry: torch updated these once, for the whole batch
    if x.size == 0 or x.dtype not in (np.float32, np.float64):
        return _batch_norm_generic(input, running_mean, running_var, weight, bias, training, momentum, eps)
    dt = x.dtype.type
    axes = (0,) + tuple(range(2, x.ndim))
    shape = (1, -1) + (1,) * (x.ndim - 2)
    w = None if weight is None else weight._data.reshape(-1).astype(dt, copy=False)
    b = None if bias is None else bias._data.reshape(-1).astype(dt, copy=False)
    if training:
        lay, rows = _bn_exact.layout(x)
        if lay is None:                 # other strides: torch's generic path, approximated by the contiguous one
            lay, rows = _bn_exact.layout(np.ascontiguousarray(x))
            mean, var_sum = _bn_exact.train_stats(np.ascontiguousarray(x), lay, rows)
        else:
            mean, var_sum = _bn_exact.train_stats(x, lay, rows)
        invstd = _bn_exact.train_invstd(var_sum, n, eps)
        if running_mean is not None or running_var is not None:
            _bn_exact.update_running(None if running_mean is None else running_mean._data,
                                     None if running_var is None else running_var._data, mean, var_sum, n, momentum)
            for r in (running_mean, running_var):
                if r is not None:
                    r._vc[0] += 1
        bw_stats = (mean, invstd)
    else:
        mean = running_mean._data.reshape(-1).astype(dt)        # copies: later steps update them in place
        rv = running_var._data.reshape(-1)
        invstd = _bn_exact.eval_invstd(rv, eps, dt)
        bw_stats = (mean, _bn_exact.backward_invstd(rv, eps, dt))
    out = _bn_exact.output(x, mean, invstd, w, b)
    if not x.flags.c_contiguous:
        from ...ops._layout import contig_or_cl
        out = contig_or_cl(out, x)
    r = _wrap(out)
    need = (input._rg, weight is not None and weight._rg, bias is not None and bias._rg)
    if GRAD.enabled and any(need):
        node = NativeBatchNormBackward0()
        node.need, node.training, node.axes, node.eps = need, training, axes, eps
        node.mean, node.invstd, node.xhat, node.exact = mean.reshape(shape), invstd.reshape(shape), None, bw_stats
        node.save(weight, input)        # the input for double backward, as torch saves it
        record(node, r, input, weight, bias)
    return r


def _batch_norm_generic(input, running_mean, running_var, weight, bias, training, momentum, eps):
    """Other dtypes (and empty inputs): the textbook formulas in the input's dtype."""
    x = input._data
    refuse("batch_norm", x)
    if x.dtype == np.float16 and x.ndim >= 2 and x.size:
        from .batch_norm_half import batch_norm_half
        return batch_norm_half(input, running_mean, running_var, weight, bias, training, momentum, eps)
    axes = (0,) + tuple(range(2, x.ndim))
    shape = (1, -1) + (1,) * (x.ndim - 2)
    t = x.dtype.type
    if training:
        n = int(np.prod(x.shape[:1] + x.shape[2:]))
        mean = x.mean(axis=axes, keepdims=True)
        var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)
        if running_mean is not None:
            m = t(momentum)
            rm, rv = running_mean._data, running_var._data
            rm *= (1 - m)
            rm += m * mean.reshape(-1)
            rv *= (1 - m)
            rv += m * var.reshape(-1) * t(n / (n - 1))
            running_mean._vc[0] += 1
            running_var._vc[0] += 1
    else:
        mean = running_mean._data.reshape(shape)
        var = running_var._data.reshape(shape)
    invstd = t(1) / np.sqrt(var + t(eps))
    xhat = (x - mean) * invstd
    return _affine_and_record(NativeBatchNormBackward0, xhat, invstd, input, weight, bias, shape, training=training,
                              axes=axes, eps=eps, mean=mean, exact=None)


class NativeLayerNormBackward0(Node):
    """y = (x - mean) invstd w + b over the last len(normalized_shape) axes"""
    __slots__ = ("xhat", "invstd", "need", "axes", "eps", "exact")

    def backward(self, g):
        if not is_array(g) and getattr(self, "given", None) is None:     # create_graph: torch's one node
            from .norm_double import norm_double
            return norm_double(self, g, "NativeLayerNormBackwardBackward0", (0, 1, 4), 6, 5)
        axes = self.axes
        if self.exact is not None and is_array(g):      # torch's kernel (layer_norm_cpu.backward)
            w, x = self.saved()
            return _ln_exact.node_backward(g, x, w, self.exact, self.need, axes)
        w, xhat, invstd = _saved_stats(self, g, axes)
        n = int(np.prod([g.shape[a] for a in axes]))
        gx = _norm_backward(g, xhat, invstd, w, axes, n) if self.need[0] else None
        lead = tuple(range(g.ndim - len(axes)))
        gw = (g * xhat).sum(axis=lead) if self.need[1] else None
        gb = g.sum(axis=lead) if self.need[2] else None
        return gx, gw, gb


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    try:
        x = input._data
    except AttributeError:          # not a tensor: torch's parser error
        not_a_tensor()
    if isinstance(normalized_shape, int):
        normalized_shape = (normalized_shape,)
    normalized_shape = tuple(normalized_shape)
    check_mixed_dtype(input, weight, bias)
    k = len(normalized_shape)
    if not k:
        raise RuntimeError("Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one "
                           "element, but got normalized_shape = []")
    if x.shape[x.ndim - k:] != normalized_shape:
        raise RuntimeError(f"Given normalized_shape={list(normalized_shape)}, expected input with shape "
                           f"[*, {', '.join(str(s) for s in normalized_shape)}], but got input of size{list(input.shape)}")
    for name, p in (("weight", weight), ("bias", bias)):
        if p is not None and tuple(p.shape) != normalized_shape:
            raise RuntimeError(f"Expected {name} to be of same shape as normalized_shape, but got {name} of shape "
                               f"{list(p.shape)} and normalized_shape = {list(normalized_shape)}")
    _refuse_non_float("LayerNormKernelImpl", x)
    axes = tuple(range(x.ndim - k, x.ndim))
    if x.size and x.dtype in (np.float32, np.float64):      # torch's kernel, rounding for rounding
        return _ln_exact.layer_norm(input, weight, bias, eps, k, NativeLayerNormBackward0)
    x = _opmath(x)
    t = x.dtype.type
    mean = x.mean(axis=axes, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)
    invstd = t(1) / np.sqrt(var + t(eps))
    xhat = (x - mean) * invstd
    return _affine_and_record(NativeLayerNormBackward0, xhat, invstd, input, weight, bias, axes=axes, eps=eps,
                              exact=None)


class NativeGroupNormBackward0(Node):
    """y = xhat w + b, with xhat normalised within each group of channels of each sample"""
    __slots__ = ("xhat", "invstd", "need", "groups", "eps", "exact")

    def backward(self, g):
        n, c = g.shape[:2]
        if self.need[2] and self.saved()[0] is None:    # torch: the bias's gradient needs the weight's options
            raise RuntimeError("tensor does not have a device")
        if getattr(self, "exact", None) is not None and is_array(g):   # torch's kernel (group_norm_cpu)
            w, x = self.saved()
            return _gn_exact.node_backward(g, x, w, self.exact, self.groups, self.need)
        if is_array(g):
            w, _ = self.saved()
            xh, invstd = self.xhat.reshape(n, self.groups, -1), self.invstd
        else:
            w, x = self.saved()
            xh, invstd = _xhat_recorded(x.reshape(n, self.groups, -1), (2,), self.eps)
        xhat = xh.reshape(g.shape)
        shape = (1, -1) + (1,) * (g.ndim - 2)
        gx = None
        if self.need[0]:
            gh = g if w is None else g * w.reshape(shape)
            gg = gh.reshape(n, self.groups, -1)
            gx = _norm_backward(gg, xh, invstd, None, (2,), gg.shape[2]).reshape(g.shape)
        axes = (0,) + tuple(range(2, g.ndim))
        if not is_array(g):      # torch's recorded form: summed per group, then viewed as (C,)
            grouped = lambda t: t.reshape(n, self.groups, c // self.groups, -1).sum((0, 3)).reshape(c)
            gw = grouped(g * xhat) if self.need[1] else None
            gb = grouped(g) if self.need[2] else None
            return gx, gw, gb
        gw = (g * xhat).sum(axis=axes) if self.need[1] else None
        gb = g.sum(axis=axes) if self.need[2] else None
        return gx, gw, gb


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5, *, _verify=True):
    # _verify=False: torch.group_norm, which skips F.group_norm's size check
    x = input._data
    if x.ndim < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received {x.ndim}")
    if _verify:
        size = [x.shape[0] * x.shape[1] // num_groups, num_groups] + list(x.shape[2:])
        if size[0] * int(np.prod(size[2:], dtype=np.int64)) == 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got input size {size}")
    n, c = x.shape[:2]
    if c % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by num_groups, but got input of "
                           f"shape {list(x.shape)} and num_groups={num_groups}")
    for name, p in (("weight", weight), ("bias", bias)):     # torch's bias message shows the weight's shape
        if p is not None and (p.dim() != 1 or p.numel() != c):
            shown = [0] if weight is None else list(weight.shape)
            raise RuntimeError(f"Expected {name} to be a vector of size equal to the number of channels in input, but "
                               f"got {name} of shape {shown} and input of shape {list(x.shape)}")
    check_mixed_dtype(input, weight, bias)
    _refuse_non_float("GroupNormKernelImpl", x)
    if x.size and x.dtype in (np.float32, np.float64):     # torch's kernels, bit for bit (group_norm_cpu)
        return _gn_exact.group_norm(input, num_groups, weight, bias, eps, NativeGroupNormBackward0)
    x = _opmath(x)
    t = x.dtype.type
    xg = x.reshape(n, num_groups, -1)
    mean = xg.mean(axis=2, keepdims=True)
    var = ((xg - mean) ** 2).mean(axis=2, keepdims=True)
    invstd = t(1) / np.sqrt(var + t(eps))
    xhat = ((xg - mean) * invstd).reshape(x.shape)
    shape = (1, -1) + (1,) * (x.ndim - 2)
    return _affine_and_record(NativeGroupNormBackward0, xhat, invstd, input, weight, bias, shape, groups=num_groups,
                              eps=eps)


def rms_norm(input, normalized_shape, weight=None, eps=None):
    """y = x rsqrt(mean(x^2) + eps) w, composed from ops as torch's CPU composite does (MulBackward0 over
    RsqrtBackward0 over AddBackward1 over MeanBackward1 over PowBackward0), in the input's opmath
    dtype (float16 upcast to float32, the result cast back after the weight)."""
    from ...ops.arithmetic import mul, pow as _pow
    from ...ops.pointwise import rsqrt
    from ...ops.scalar_arith import add_scalar
    from ._util import mean_of
    from .rms_norm_checks import check_rms_norm
    normalized_shape = check_rms_norm(input, normalized_shape, weight)
    x = input._data
    up = input.float() if x.dtype == np.float16 else input
    if eps is None:
        eps = float(np.finfo(up._data.dtype).eps)
    dims = tuple(range(x.ndim - len(normalized_shape), x.ndim))
    out = mul(up, rsqrt(add_scalar(mean_of(_pow(up, 2), dims, True), eps)))
    if weight is not None:
        out = mul(out, weight)
    return out.type_as(input) if up is not input else out
