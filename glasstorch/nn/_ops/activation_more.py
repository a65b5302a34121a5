"""More of nn.functional's activations: glu, prelu, and the softmax family's wrappers (the implicit-dim
rule of F.softmax and friends on top of ops/softmax.py).  Split from activation.py for length."""
import numpy as np
from ...ops._layout import ti as _ti  # TensorIterator output strides (ops/_layout.py)

from ...autograd.graph import Node
from ...ops._common import GRAD, _wrap, record
from ...ops import softmax as _softmax
from ...ops._complex_refuse import refuse
from .activation import _sig, _unary
from .act_double import GluBackwardBackward0
from ...ops.kernel_double import kernel_backward


class GluBackward0(Node):
    """y = a s(b), [a, b] = split(x, 2, dim)   ->   da = g s(b),  db = g a s(b) (1 - s(b))"""
    __slots__ = ("dim",)

    def backward(self, g):
        x, = self.saved()
        return (kernel_backward(GluBackwardBackward0, self, g, x),)

    def kernel(self, g, x):
        """torch's glu_backward on arrays."""
        a, b = np.split(x, 2, axis=self.dim)
        s = _glu_sig(b, x, self.dim)
        # torch's kernel: (1 - s) * s * a * g, left to right
        return np.concatenate([g * s, (1 - s) * s * a * g], axis=self.dim)


def glu(input, dim=-1):
    x = input._data
    if not x.ndim:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    from ..._tensor import _wrap_dim
    dim = _wrap_dim(dim, x.ndim)
    if x.shape[dim] % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {dim} is size {x.shape[dim]}")
    if x.dtype.kind not in "f":         # glu_cpu has floating instances only (after the shape checks)
        from ...ops._complex_refuse import not_implemented
        raise not_implemented("glu_cpu", x.dtype)
    a, b = np.split(x, 2, axis=dim)
    return _unary(GluBackward0, input, a * _glu_sig(b, x, dim), input, dim=dim)


def _glu_sig(b, x, dim):
    """sigmoid(b) as glu's kernels compute it: for a contiguous float32 / float64 input, SLEEF's exp
    on the blocks (16 / 8 elements) their loop runs as vectors (``_sleef_expf.vector_mask``) -- the
    half ``b`` iterates in rows of (its size along dim) x (the dims after it), one row per index of
    the dims before -- and glibc's on the rest; otherwise the correctly rounded exp."""
    if x.dtype.char not in "fd" or not x.flags.c_contiguous or not b.size:
        return _sig(b)
    from ...ops import _sleef_expd, _sleef_expf
    from ..._runtime import get_num_threads
    d = dim % x.ndim
    length = b.size // int(np.prod(x.shape[:d], dtype=np.int64))
    f32 = x.dtype == np.float32
    mask = _sleef_expf.vector_mask(b.size, get_num_threads(), length, 16 if f32 else 8).reshape(b.shape)
    one = x.dtype.type(1)
    with np.errstate(over="ignore"):
        return one / (one + (_sleef_expf if f32 else _sleef_expd).exp_by_path(-b, mask))


class PreluKernelBackward0(Node):
    """y = x if x > 0 else w x   ->   dx = g or w g;  dw = g x where x <= 0"""
    __slots__ = ()

    def backward(self, g):
        x, w = self.saved()
        if not isinstance(x, (np.ndarray, np.generic)):   # create_graph: torch's double node (prelu_double.py)
            from .prelu_double import prelu_backward_graph
            return prelu_backward_graph(g, x, w, _prelu_kernel_backward)
        return _prelu_kernel_backward(g, x, w)


def _prelu_kernel_backward(g, x, w):
    """torch's _prelu_kernel_backward on arrays: (gx, gw), gw summed to w's shape."""
    wb = _prelu_weight(w, x)
    gx = np.where(x > 0, g, g * wb)
    gw = _wrap(np.asarray(np.where(x > 0, 0, g * x)))    # summed in torch's order (a Tensor's sum)
    if w.size == 1:
        gw = gw.sum().reshape(w.shape)
    else:
        gw = gw.sum(tuple(i for i in range(gw.dim()) if i != (1 if x.ndim > 1 else 0))).reshape(w.shape)
    return gx, gw._data


def _prelu_weight(w, x):
    if w.size == 1 or x.ndim < 2:
        return w.reshape(()) if w.size == 1 else w
    return w.reshape((1, -1) + (1,) * (x.ndim - 2))


def prelu(input, weight):
    x, w = input._data, weight._data
    # torch's checks, in its order: one dtype, a 0-d input only with a single weight, the channel
    # count, then the kernel's dtypes (floating only)
    if x.dtype != w.dtype:
        from ...ops.inplace import type_name
        raise RuntimeError(f"prelu: Type promoting not supported. Got {type_name(x.dtype)} and {type_name(w.dtype)}")
    channels = x.shape[1] if x.ndim >= 2 else 1
    if w.size != 1:
        if not x.ndim:
            raise RuntimeError("Not allow zero-dim input tensor.")
        if w.size != channels:
            raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found parameter numbers = "
                               f"{w.size} and channel size = {channels}.")
    if x.dtype.kind not in "fc":
        from ...ops._complex_refuse import not_implemented
        raise not_implemented("prelu_cpu", x.dtype)
    refuse("prelu_cpu", x)
    if x.ndim != w.ndim:            # torch's prelu views the weight as (1, C, 1, ...) first (ViewBackward0)
        from ...ops.shape import reshape
        weight = reshape(weight, (1, w.size) + (1,) * (x.ndim - 2) if x.ndim > 1 else (1,) * x.ndim)
        w = weight._data
    r = _wrap(_ti(np.where(x > 0, x, x * _prelu_weight(w, x)).astype(x.dtype), x, w))
    if GRAD.enabled and (input._rg or weight._rg):
        node = PreluKernelBackward0()
        node.save(input, weight)
        record(node, r, input, weight)
    return r


# ---- softmax family: the kernels of ops/softmax.py (torch.softmax and the tensor methods), plus
# nn.functional's implicit-dim rule -----------------------------------------------------------------
def _softmax_dim(ndim, dim, name, stacklevel):
    # torch's _get_softmax_dim: the warning points at the caller of F.softmax (stacklevel 3; modules pass 5)
    if dim is None:
        import warnings
        warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include "
                      "dim=X as an argument.", UserWarning, stacklevel=stacklevel)
        dim = 0 if ndim in (0, 1, 3) else 1
    return dim


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    try:
        nd = input._data.ndim
    except AttributeError:      # torch's F.softmax calls ``input.softmax(dim)``
        from ..._arg_refuse import no_attribute
        raise no_attribute(input, "softmax") from None
    return _softmax.softmax(input, _softmax_dim(nd, dim, "softmax", _stacklevel), dtype)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    try:
        nd = input._data.ndim
    except AttributeError:      # torch's F.log_softmax calls ``input.log_softmax(dim)``
        from ..._arg_refuse import no_attribute
        raise no_attribute(input, "log_softmax") from None
    return _softmax.log_softmax(input, _softmax_dim(nd, dim, "log_softmax", _stacklevel), dtype)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    from ...ops.arithmetic import neg
    from ...sparse._coo import SparseTensor
    x = input.neg() if isinstance(input, SparseTensor) else neg(input)     # (-s stays sparse: softmax refuses it)
    return _softmax.softmax(x, _softmax_dim(input._data.ndim, dim, "softmin", _stacklevel), dtype)


def softsign(input):
    from ...ops.arithmetic import div
    from ...ops.unary import abs as _abs
    try:
        a = _abs(input)
    except (AttributeError, TypeError):     # torch's F.softsign is ``input / (input.abs() + 1)``
        if hasattr(input, "_data"):
            raise
        from ..._arg_refuse import no_attribute
        raise no_attribute(input, "abs") from None
    return div(input, a + 1)
