"""Double backward of softplus and mse_loss through torch's own nodes.

torch computes their gradients with backward kernels (``softplus_backward``, ``mse_loss_backward``),
so under ``create_graph`` the gradient hangs from ``SoftplusBackwardBackward0`` /
``MseLossBackwardBackward0`` with edges to the incoming gradient and to the saved inputs.  Writing
the first backward with recorded Tensor ops instead would differentiate exp(b x) / (exp(b x) + 1),
whose inf / inf is NaN where b x overflows: torch's second derivative there is 0.

softplus, s = sigmoid(b x):
    z = g s                        (g where b x > threshold)
    dg = softplus_backward(gg, x)  (the first backward again)
    dx = gg g s (1 - s) b          (0 where b x >= threshold)
mse_loss, smooth_l1_loss, huber_loss: z = l'(x, t) g / n (n = numel under 'mean', else 1); the
target's gradient is the same kernel with x and t swapped, on a node of its own:
    dg = sum_to(l'(x, t) gg / n),  dx = l''(x, t) (gg g) / n,  dt = -dx
    l'' = 2 (mse), (|x - t| < beta) / beta (smooth L1), (|x - t| < delta) (huber)
"""
import numpy as np

from ...autograd.graph import Node
from ...ops._common import GRAD, _wrap, record
from ...ops import _libm
from ...ops.scalar_arith import div_scalar, mul_scalar


def _arr(v):
    return v._data if hasattr(v, "_data") else np.asarray(v)


def _recording(*tensors):
    return GRAD.enabled and any(getattr(v, "_rg", False) for v in tensors)


# ---- softplus ------------------------------------------------------------------------------------
def softplus_backward_arr(g, x, beta, threshold):
    """torch's softplus_backward kernel on arrays: (g z) / (z + 1), z = exp(b x); g where b x > threshold."""
    half = x.dtype == np.float16          # torch computes half in float32
    if half:
        x, g = x.astype(np.float32), np.asarray(g, np.float32)
    bx = x * x.dtype.type(beta)
    with np.errstate(over="ignore", invalid="ignore"):   # z = inf only where bx > threshold
        from ...ops._sleef_loop import in_loop          # SLEEF's in the kernel's vector blocks, glibc's else
        z = _libm.exp(bx) if half or np.shape(g) != x.shape or not x.ndim else in_loop("exp", bx, x, g)
        dx = np.where(bx > threshold, g, g * z / (z + 1))
    return dx.astype(np.float16) if half else dx


class SoftplusBackwardBackward0(Node):
    """z = g s(b x) (g past the threshold)   ->   dg = softplus_backward(gg, x),
    dx = sigmoid_backward(gg g, s(b x)) (b x < threshold) b"""
    __slots__ = ("first",)

    def backward(self, gg):
        g, x = self.saved()
        dg, = self.first.backward(gg)
        beta, th = self.first.beta, self.first.threshold
        if self.m is np:
            x = np.asarray(x)
            dt = x.dtype.type
            bx = x * dt(beta)
            with np.errstate(over="ignore"):        # torch's sigmoid: 1 / (1 + exp(-v)), 0 where exp overflows
                s = (dt(1) / (dt(1) + _libm.exp(-bx))).astype(x.dtype, copy=False)
            a = np.asarray(gg * g, x.dtype)
            dx = a * (dt(1) - s) * s * (bx < th).astype(x.dtype) * dt(beta)
            return dg, dx
        bx = mul_scalar(x, beta)
        s = bx.sigmoid()
        return dg, mul_scalar((gg * g) * (1 - s) * s * (bx < th).to(x.dtype), beta)


def softplus_double(first, g, x):
    """The first backward under create_graph: computed on the arrays, hung from the node above."""
    r = _wrap(np.asarray(softplus_backward_arr(_arr(g), _arr(x), first.beta, first.threshold)))
    if not _recording(g, x):
        return r
    node = SoftplusBackwardBackward0()
    node.first = first
    node.save(g, x)
    return record(node, r, g, x)


# ---- hardsigmoid ---------------------------------------------------------------------------------
def hardsigmoid_double(first, g, x):
    """torch registers no derivative for hardsigmoid_backward: the gradient hangs from a
    ``NotImplemented`` node (edges to what requires grad) that raises when differentiated."""
    from ...autograd._double_guard import refused
    from ...autograd._fwd_trick import in_trick
    arr = first.kernel(_arr(g), _arr(x))
    if not _recording(g, x):
        return _wrap(np.asarray(arr))
    if in_trick():
        # forward mode (the double-backward trick) needs this linear in g: torch's forward formula,
        # hardsigmoid_backward(t, x) = t / 6 on (-3, 3), has a tangent where the reverse one has none
        import glasstorch
        slope = np.asarray(first.kernel(np.ones_like(_arr(g)), _arr(x)))
        return glasstorch.where(_wrap(slope != 0), g * _wrap(slope), 0.0)       # +0 outside, as torch's kernel
    from ...autograd._no_forward_ad import refuse_forward_ad      # forward over reverse (hessian): torch's
    refuse_forward_ad("aten::hardsigmoid_backward", g, x, fallback=True)        # fallback refuses the tangent
    return refused(arr, "derivative for aten::hardsigmoid_backward is not implemented", g, x)


# ---- mse_loss, smooth_l1_loss, huber_loss ---------------------------------------------------------
class _LossBackwardBackward(Node):
    """z = l'(a, b) g / n (a, b = input, target; target, input for the target's gradient)   ->
    dg = sum_to(l'(a, b) gg / n),  da = l''(a, b) (gg g) / n,  db = -da"""
    __slots__ = ("first",)

    def backward(self, gg):
        g, a, b = self.saved()
        first = self.first
        mean = first.reduction == "mean"
        if self.m is np:
            # full-shaped: the engine sums it to g's shape (a scalar under 'mean' / 'sum')
            dg = first._backward_arrays(np.asarray(gg), a, b, (True, False))[0]
            a, b = np.broadcast_arrays(a, b)
            w = np.asarray(gg * g, dg.dtype)
            n = dg.dtype.type(a.size)
        else:                   # recorded as torch's formulas: the kernel again (summed to g's shape),
            dg = loss_double(first, gg, a, b)       # .Scalar multiplies and divides
            if tuple(dg.shape) != tuple(g.shape):
                dg = dg.sum_to_size(g.shape)        # torch's engine: sum_to (a keepdim sum, a view)
            w = gg * g
            n = int(np.prod(np.broadcast_shapes(tuple(a.shape), tuple(b.shape))))
        da = self.second(w, a, b)
        if mean and n:
            da = da / n if self.m is np else div_scalar(da, n)
        return dg, da, -da


class MseLossBackwardBackward0(_LossBackwardBackward):
    __slots__ = ()

    def second(self, w, a, b):
        return 2 * w if self.m is np else mul_scalar(w, 2)


class SmoothL1LossBackwardBackward0(_LossBackwardBackward):
    __slots__ = ()

    def second(self, w, a, b):
        beta = self.first.params["beta"]
        if beta == 0:
            return w * 0
        if self.m is np:
            return w * (np.abs(a - b) < beta).astype(w.dtype) / w.dtype.type(beta)
        return div_scalar(w * ((a - b).abs() < beta).to(w.dtype), beta)


class HuberLossBackwardBackward0(_LossBackwardBackward):
    __slots__ = ()

    def second(self, w, a, b):
        delta = self.first.params["delta"]
        if self.m is np:
            return w * (np.abs(a - b) < delta).astype(w.dtype)
        return w * ((a - b).abs() < delta).to(w.dtype)


_DOUBLE = {"MseLossBackward0": MseLossBackwardBackward0, "SmoothL1LossBackward0": SmoothL1LossBackwardBackward0,
           "HuberLossBackward0": HuberLossBackwardBackward0}


def loss_double(first, g, a, b):
    """The first backward under create_graph for input ``a`` against ``b`` (torch computes the
    target's gradient as the same kernel with the two swapped): the kernel's values, hung from
    ``<Loss>BackwardBackward0`` with edges to g, a and b."""
    d = first._backward_arrays(np.asarray(g._data), a._data, b._data, (True, False))[0]
    r = _wrap(np.asarray(d, a._data.dtype))     # torch's kernel writes into zeros_like(a)
    if not _recording(g, a, b):
        return r
    node = _DOUBLE[type(first).__name__]()
    node.first = first
    node.save(g, a, b)
    return record(node, r, g, a, b)
