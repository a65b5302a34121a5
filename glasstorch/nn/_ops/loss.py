"""Loss functions: the ones torch gives their own node (``MseLossBackward0``, ``NllLossBackward0``,
``BinaryCrossEntropyBackward0`` ...) are written out here; the composites (``l1_loss``,
``cross_entropy`` ...) in ``functional`` call these and the op surface, as torch does.
"""
import warnings

import numpy as np

from ...autograd.graph import Node
from ...ops._common import GRAD, _wrap, record, broadcast_error, check_broadcast
from ...ops.inplace import can_cast, type_name
from ..._dtype import result_type
from ...ops import _libm
from ...ops._complex_refuse import not_implemented, refuse
from ...ops.shape import is_array
from ._util import get_enum, reduce, reduce_grad


def _check_sizes(input, target, stacklevel=4):
    if target.shape != input.shape:
        warnings.warn(f"Using a target size ({target.shape}) that is different to the input size ({input.shape}). "
                      "This will likely lead to incorrect results due to broadcasting. Please ensure they have the "
                      "same size.", UserWarning, stacklevel=stacklevel)


class _PointwiseLoss(Node):
    """A loss l(x, t) applied elementwise, then reduced; ``dloss`` gives dl/dx."""
    __slots__ = ("reduction", "params", "need")
    same_dtypes = False         # huber's backward refuses operands of two dtypes (its forward takes them)

    def backward(self, g):
        x, t = self.saved()
        if not isinstance(g, (np.ndarray, np.generic)):
            return self._backward_tensors(g, x, t)
        return self._backward_arrays(g, x, t)

    def _backward_arrays(self, g, x, t, need=None):
        need = self.need if need is None else need
        x, t = np.broadcast_arrays(x, t)
        if x.dtype != t.dtype:          # computed in the promoted dtype; the engine casts each back
            if self.same_dtypes:
                raise RuntimeError(f"Found dtype {type_name(t.dtype)} but expected {type_name(x.dtype)}")
            x, t = x.astype(g.dtype), t.astype(g.dtype)        # g has the forward's (promoted) dtype
        name = type(self).__name__
        if name in _KERNELS and x.dtype.kind == "f":      # torch's kernels, operation for operation
            from ._loss_kernels import kernel_grad
            k = lambda a, b: kernel_grad(name, a, b, g, self.reduction, self.params)   # noqa: E731
            return (k(x, t) if need[0] else None, k(t, x) if need[1] else None)
        gl = reduce_grad(g, x.shape, self.reduction, x.dtype)
        d = self.dloss(x, t) * gl
        # the target's: the kernel with the two swapped, as torch (+0 where x == t, not -d's -0)
        return (d if need[0] else None, self.dloss(t, x) * gl if need[1] else None)

    def _backward_tensors(self, g, x, t):
        """create_graph: torch's ``<Loss>BackwardBackward0`` (mse, smooth L1, huber: the kernel again, the
        target's with input and target swapped); other losses the same formula on Tensors."""
        from .smooth_double import _DOUBLE, loss_double
        if type(self).__name__ in _DOUBLE:
            return (loss_double(self, g, x, t) if self.need[0] else None,
                    loss_double(self, g, t, x) if self.need[1] else None)
        dloss_t = getattr(self, "dloss_t", None)
        if dloss_t is None:
            raise NotImplementedError(f"double backward of {self.name()} is not implemented in glasstorch")
        d = dloss_t(x, t)
        if self.reduction == "mean":
            g = g / max(int(np.prod(d.shape)), 1)
        d = d * g
        return (d if self.need[0] else None, -d if self.need[1] else None)


_KERNELS = {"MseLossBackward0": "mse_cpu", "SmoothL1LossBackward0": "smooth_l1_cpu", "HuberLossBackward0": "huber_cpu"}


def _pointwise(node_cls, input, target, reduction, loss_fn, **params):
    reduction = get_enum(reduction)
    try:
        x, t = np.broadcast_arrays(input._data, target._data)
    except ValueError:
        raise broadcast_error(input._data.shape, target._data.shape) from None
    if x.dtype.kind == "c" or t.dtype.kind == "c":
        refuse(_KERNELS[node_cls.__name__], x if x.dtype.kind == "c" else t)
    # computed in the promoted dtype (float32 with float64: float64); mse and smooth L1 return that,
    # huber writes into a tensor of the input's dtype
    dt = result_type(input, target).np if x.dtype != t.dtype else x.dtype
    out_dt = x.dtype if node_cls is HuberLossBackward0 else dt
    if not can_cast(dt, out_dt):
        raise RuntimeError(f"result type {type_name(dt)} can't be cast to the desired output type {type_name(out_dt)}")
    if dt.kind not in "fc":
        raise not_implemented(_KERNELS[node_cls.__name__], dt)
    if x.dtype != t.dtype:
        x, t = x.astype(dt), t.astype(dt)
    r = _wrap(np.asarray(reduce(loss_fn(x, t, **params), reduction), dtype=out_dt))
    if GRAD.enabled and (input._rg or target._rg):
        node = node_cls()
        node.reduction = reduction
        node.params = params
        node.need = (input._rg, target._rg)
        node.save(input, target)
        record(node, r, input, target)
    return r


class MseLossBackward0(_PointwiseLoss):
    """l = (x - t)^2   ->   dl/dx = 2 (x - t)"""
    __slots__ = ()

    def dloss(self, x, t):
        return (x - t) * x.dtype.type(2)

    def dloss_t(self, x, t):
        return (x - t) * 2


def mse_loss(input, target, reduction="mean"):
    _check_sizes(input, target)
    return _pointwise(MseLossBackward0, input, target, reduction, lambda x, t: (x - t) * (x - t))


def _smooth_l1(x, t, beta):
    z = np.abs(x - t)
    b = x.dtype.type(beta)
    if beta == 0:
        return z
    return np.where(z < b, x.dtype.type(0.5) * z * z / b, z - x.dtype.type(0.5) * b)


class SmoothL1LossBackward0(_PointwiseLoss):
    """l = 0.5 d^2 / beta where |d| < beta, |d| - beta / 2 elsewhere   ->   d / beta or sign(d)"""
    __slots__ = ()

    def dloss(self, x, t):
        d = x - t
        beta = self.params["beta"]
        if beta == 0:
            return np.sign(d)
        return np.where(d < -beta, -1, np.where(d > beta, 1, d / x.dtype.type(beta))).astype(x.dtype)

    def dloss_t(self, x, t):
        d = x - t
        beta = self.params["beta"]
        return d.sign() if beta == 0 else self.m.where(d.abs() < beta, d / beta, d.sign())


def smooth_l1_loss(input, target, reduction="mean", beta=1.0):
    _check_sizes(input, target)
    if beta == 0:       # torch's functional form calls l1_loss then: MeanBackward0 over AbsBackward0
        from ...ops.unary import abs as _abs
        from ._util import reduce_tensor
        return reduce_tensor(_abs(input - target), get_enum(reduction))
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    return _pointwise(SmoothL1LossBackward0, input, target, reduction, _smooth_l1, beta=beta)


def _huber(x, t, delta):
    z = np.abs(x - t)
    dl = x.dtype.type(delta)
    return np.where(z < dl, x.dtype.type(0.5) * z * z, dl * (z - x.dtype.type(0.5) * dl))


class HuberLossBackward0(_PointwiseLoss):
    """l = 0.5 d^2 where |d| < delta, delta (|d| - delta / 2) elsewhere   ->   d or delta sign(d)"""
    __slots__ = ()
    same_dtypes = True

    def dloss(self, x, t):
        d = x - t
        dl = x.dtype.type(self.params["delta"])
        return np.where(d < -dl, -dl, np.where(d > dl, dl, d)).astype(x.dtype)

    def dloss_t(self, x, t):
        d = x - t
        delta = self.params["delta"]
        return self.m.where(d.abs() < delta, d, d.sign() * delta)


def huber_loss(input, target, reduction="mean", delta=1.0):
    _check_sizes(input, target)
    if not delta > 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    return _pointwise(HuberLossBackward0, input, target, reduction, _huber, delta=delta)


# ---- binary cross-entropy ------------------------------------------------------------------------
class BinaryCrossEntropyBackward0(Node):
    """l = -w (t log x + (1 - t) log(1 - x))   ->   dl/dx = w (x - t) / max(x (1 - x), 1e-12)"""
    __slots__ = ("reduction", "need")

    def backward(self, g):
        from .loss_double import bce_double, bce_kernel, bce_target_grad
        x, t, w = self.saved()
        if not is_array(g):     # create_graph: torch's BinaryCrossEntropyBackwardBackward0 (loss_double.py)
            return bce_double(g, x, t, w, self.reduction, self.need)
        d = bce_kernel(g, x, t, w, self.reduction) if self.need[0] else None
        gt = None
        if self.need[1]:        # torch's composite, -logit(x) g w (/ n)
            gt = bce_target_grad(_wrap(np.asarray(g)), _wrap(x), _wrap(t), None if w is None else _wrap(w),
                                 self.reduction)._data
        return (d, gt)


def binary_cross_entropy(input, target, weight=None, reduction="mean"):
    reduction = get_enum(reduction)
    if target.shape != input.shape:
        raise ValueError(f"Using a target size ({target.shape}) that is different to the input size "
                         f"({input.shape}) is deprecated. Please ensure they have the same size.")
    if weight is not None:          # torch's Python: the weight expanded to broadcast_shapes(target, weight)
        from ...ops.broadcast import broadcast_shapes
        new_size = broadcast_shapes(target.size(), weight.size())
        weight = weight.expand(new_size)
    _not_differentiable("binary_cross_entropy", weight=weight)
    x, t = input._data, target._data
    if x.dtype.kind == "c" or t.dtype.kind == "c":
        _bce_complex(x, t)
    if t.dtype != x.dtype:
        raise RuntimeError(f"Found dtype {type_name(t.dtype)} but expected {type_name(x.dtype)}")
    if x.dtype.kind not in "fc":
        raise not_implemented("binary_cross_entropy", x.dtype)
    _check_bce_range(x, t)
    lo = x.dtype.type(-100)
    with np.errstate(divide="ignore"):
        loss = -(t * np.maximum(_bce_log(x), lo) + (1 - t) * np.maximum(np.log1p(-x), lo))
    w = None
    if weight is not None:          # torch's loss.mul_(weight): in place, so the weight cannot widen it
        if np.broadcast_shapes(x.shape, weight._data.shape) != x.shape:
            raise RuntimeError(f"output with shape {list(x.shape)} doesn't match the broadcast shape "
                               f"{list(np.broadcast_shapes(x.shape, weight._data.shape))}")
        w = np.broadcast_to(weight._data, x.shape)
        loss = loss * w
    r = _wrap(np.asarray(reduce(loss.astype(x.dtype), reduction), dtype=x.dtype))
    if GRAD.enabled and (input._rg or target._rg):
        node = BinaryCrossEntropyBackward0()
        node.reduction = reduction
        node.need = (input._rg, target._rg)
        node.save(input, target, w)
        record(node, r, input, target)      # (edges to the differentiable inputs only, as torch's node)
    return r


def _bce_log(x):
    """torch's bce kernel is a scalar loop calling std::log / std::log1p: glibc's logf / log1pf for
    float32, not the correctly rounded values (~4% of float32 losses differ by an ulp).  NumPy's
    float32 / float64 log1p and float64 log are glibc's (see ops/_sleef_loop.py); its float32 log is not."""
    if x.dtype == np.float32:
        from ...ops._glibc_logf import logf
        return logf(x)
    return _libm.log(x)


def _check_bce_range(x, t):
    """torch's kernel checks each element in turn, its input then its target (NaN fails both): the
    first bad element names which one is out of [0, 1]."""
    bad_x, bad_t = ~((x >= 0) & (x <= 1)), ~((t >= 0) & (t <= 1))
    bad = (bad_x | bad_t).ravel()
    if bad.any():
        first = int(np.argmax(bad))
        what = "input" if bad_x.ravel()[first] else "target"
        raise RuntimeError(f"all elements of {what} should be between 0 and 1")


def _not_differentiable(fn, **args):
    """torch's autograd check, before the kernel runs: these arguments have no derivative."""
    for name, v in args.items():
        if GRAD.enabled and getattr(v, "requires_grad", False):
            raise RuntimeError(f"The function '{fn}' is not differentiable with respect to argument '{name}'. "
                               "This input cannot have requires_grad True.")


def _bce_complex(x, t):
    from ...ops.inplace import type_name
    if x.dtype != t.dtype:
        raise RuntimeError(f"Found dtype {type_name(t.dtype)} but expected {type_name(x.dtype)}")
    refuse("binary_cross_entropy", x)


class BinaryCrossEntropyWithLogitsBackward0(Node):
    """l = w ((1 - t) x + (1 + (p - 1) t) softplus(-x))   ->   dl/dx = w ((1 - t) - lw s(-x))"""
    __slots__ = ("reduction", "need")

    def backward(self, g):
        # torch's backward is composite: the same ops, recorded or not (loss_double.py)
        from .loss_double import bce_logits_grads
        x, t, w, pw = self.saved()
        plain = is_array(g)
        wrap = (lambda a: _wrap(np.asarray(a))) if plain else (lambda a: a)
        w, pw = (None if a is None else _wrap(np.asarray(a)) for a in (w, pw))
        out = bce_logits_grads(wrap(g), wrap(x), wrap(t), w, pw, self.reduction, self.need)
        if plain:
            out = tuple(None if o is None else o._data for o in out)
        return out


def _check_bce_weight_shapes(shape, weight, pos_weight):
    """torch's composite computes ``log_sigmoid(x).mul_((pos_weight - 1).mul(t).add_(1))`` and then
    ``loss.mul_(weight)``: both weights must broadcast, and in place, to the input's shape."""
    for w, other in ((pos_weight, shape), (weight, None)):
        if w is None:
            continue
        b = check_broadcast(w.shape, other) if other is not None else w.shape      # (pos_weight - 1).mul(t)
        full = check_broadcast(shape, b)
        if full != shape:
            raise RuntimeError(f"output with shape {list(shape)} doesn't match the broadcast shape {list(full)}")


def binary_cross_entropy_with_logits(input, target, weight=None, reduction="mean", pos_weight=None):
    reduction = get_enum(reduction)
    if target.shape != input.shape:
        raise ValueError(f"Target size ({target.shape}) must be the same as input size ({input.shape})")
    _not_differentiable("binary_cross_entropy_with_logits", weight=weight, pos_weight=pos_weight)
    x, t = input._data, target._data
    refuse("log_sigmoid_cpu", x)
    if x.dtype.kind not in "f":
        raise not_implemented("log_sigmoid_cpu", x.dtype)
    # torch forms (1 - t) * x in place in a tensor of the target's dtype: the loss takes that dtype
    out_dt = t.dtype
    if out_dt.kind == "b":
        from ...ops.arithmetic import SUB_BOOLS
        raise RuntimeError(SUB_BOOLS)
    if out_dt.kind != "f":
        raise RuntimeError(f"result type {type_name(result_type(input, target).np)} can't be cast to the desired "
                           f"output type {type_name(out_dt)}")
    _check_bce_weight_shapes(x.shape, weight, pos_weight)
    with np.errstate(over="ignore"):
        # torch's composite, step by step: log_sigmoid(x) in x's dtype (its kernel's formula), times
        # (pos_weight - 1) t + 1 in place, then (1 - t).mul_(x).sub_(log_sigmoid) in the target's dtype
        from ...ops._sleef_loop import by_path      # (log_sigmoid's kernel: SLEEF's exp, log1p everywhere)
        log_sig = np.minimum(x, 0) - by_path("log1p", by_path("exp", -np.abs(x), True), True)
        if pos_weight is not None:
            log_sig = (log_sig * ((pos_weight._data - 1) * t + 1)).astype(x.dtype, copy=False)
        loss = ((1 - t) * x).astype(out_dt, copy=False) - log_sig
    if weight is not None:
        loss = loss * weight._data
    r = _wrap(np.asarray(reduce(loss.astype(out_dt), reduction), dtype=out_dt))
    if GRAD.enabled and (input._rg or target._rg):
        node = BinaryCrossEntropyWithLogitsBackward0()
        node.reduction = reduction
        node.need = (input._rg, target._rg)
        node.save(input, target, None if weight is None else weight._data,
                  None if pos_weight is None else pos_weight._data)
        record(node, r, input, target)      # (edges to the differentiable inputs only, as torch's node)
    return r


from .loss_nll import NllLossBackward0, NllLoss2DBackward0, nll_loss  # noqa: E402,F401  (its own file)


class DivBackward1(Node):
    """y = x / c (a Python number)   ->   dx = g / c"""
    __slots__ = ("c",)

    def backward(self, g):
        return (g / self.c,)


def div_scalar(input, c):
    """``x / c`` through the ``.Scalar`` overload, as torch's C++ composites record it."""
    x = input._data
    r = _wrap(np.asarray(x / x.dtype.type(c), dtype=x.dtype))
    if GRAD.enabled and input._rg:
        node = DivBackward1()
        node.c = x.dtype.type(c)
        record(node, r, input)
    return r
