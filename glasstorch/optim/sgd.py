"""``torch.optim.SGD``: stochastic gradient descent, with momentum, Nesterov and weight decay.

The update, per parameter p with gradient g (torch's single-tensor algorithm):

    g = -g if maximize
    g = g + weight_decay * p                      if weight_decay != 0
    b = g (first step)  or  momentum * b + (1 - dampening) * g      if momentum != 0
    g = g + momentum * b if nesterov else b       if momentum != 0
    p = p - lr * g

A sparse gradient (``nn.Embedding(sparse=True)``) goes through the same steps with torch's
sparse tensor ops (``_sgd_layouts``): weight decay then raises, as it does in torch.
"""
import numpy as np

from ..autograd.grad_mode import no_grad
from ..ops.arithmetic import add_, _axpy as _axpy_any
from .._rng_fma import fma64
from ..ops._common import _wrap
from ..ops._fma32 import _fma32_scalar, fma32_into
from .. import _blas_axpy
from .._dtype import float32, float64
from .._dtype import FROM_NP
from ._validate import check_fused
from ._functional import bump
from ._differentiable import sgd_differentiable
from . import _half_steps
from .optimizer import Optimizer, _closure_loss, _lr_value

__all__ = ["SGD", "sgd"]


class SGD(Optimizer):
    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *,
                 maximize=False, foreach=None, differentiable=False, fused=None):
        if hasattr(lr, "numel") and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                        nesterov=nesterov, maximize=maximize, foreach=foreach, differentiable=differentiable,
                        fused=fused)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)
        check_fused(fused, foreach, differentiable)

    def __setstate__(self, state):
        super().__setstate__(state)
        self._fill_group_options(nesterov=False, maximize=False, foreach=None, differentiable=False, fused=False)

    def step(self, closure=None):
        """One update of every parameter that has a gradient."""
        loss = None if closure is None else _closure_loss(closure)
        differentiable = self.defaults.get("differentiable", False)
        for group in self.param_groups:
            params, grads, bufs = [], [], []
            momentum = group["momentum"]
            # plain SGD updates single float32 numbers right here; the rest goes to sgd() below
            plain = not momentum and not group["weight_decay"] and not group["maximize"] and not differentiable
            neg_lr32 = None
            for p in group["params"]:
                g = p._grad
                if g is None:
                    continue
                if plain and p._data.dtype is _F32 and not p._data.ndim:
                    if neg_lr32 is None:
                        neg_lr32 = _neg_lr32(float(_lr_value(group["lr"])))
                    _update_one(p, g._data, neg_lr32)
                    continue
                params.append(p)
                grads.append(g)
                if momentum != 0:
                    bufs.append(self.state[p].get("momentum_buffer"))
            if not params:
                continue
            if differentiable:      # torch records the step in the graph (grad mode set from defaults)
                sgd_differentiable(params, grads, bufs, weight_decay=group["weight_decay"], momentum=momentum,
                                   lr=group["lr"], dampening=group["dampening"], nesterov=group["nesterov"],
                                   maximize=group["maximize"])
            else:
                self._sgd_fast(group, params, grads, bufs, momentum)
            if momentum != 0:
                for p, b in zip(params, bufs):
                    self.state[p]["momentum_buffer"] = b
        return loss

    @staticmethod
    def _sgd_fast(group, params, grads, bufs, momentum):
        # sgd() writes into the arrays directly, so no graph is recorded without a no_grad block
        sgd(params, grads, bufs, weight_decay=group["weight_decay"], momentum=momentum, lr=group["lr"],
            dampening=group["dampening"], nesterov=group["nesterov"], maximize=group["maximize"],
            foreach=group["foreach"], fused=group["fused"], has_sparse_grad=any(g.is_sparse for g in grads))


def _axpy(x, y, alpha, dt):
    """x + alpha * y: torch's kernel is one fused multiply-add in float64 too."""
    if dt is float64 and alpha != 1:
        x, y = np.asarray(x), np.asarray(y)
        return np.asarray(fma64(np.float64(alpha), y, x)).reshape(np.broadcast_shapes(x.shape, y.shape))
    return _axpy_any(x, y, alpha, dt)


_NEG_LR32 = {}
_F32 = np.dtype(np.float32)


def _update_one(param, g, neg_lr32):
    """One float32 number: the fused update p + (-lr) * g in Python floats, rounded once."""
    x = param._data
    x[()] = _fma32_scalar(neg_lr32, float(g), float(x))
    bump(param)


def _neg_lr32(lr):
    """-lr as float32 holds it: torch casts alpha to the parameter's float32 opmath (cached, since a
    fixed lr is converted every step)."""
    r = _NEG_LR32.get(lr)
    if r is None:
        if len(_NEG_LR32) > 64:         # a scheduler changes lr every step: keep few
            _NEG_LR32.clear()
        r = _NEG_LR32[lr] = float(np.float32(-lr))
    return r


def sgd(params, d_p_list, momentum_buffer_list, *, weight_decay, momentum, lr, dampening, nesterov, maximize,
        foreach=None, fused=None, grad_scale=None, found_inf=None, has_sparse_grad=False):
    """The plain update loop; ``momentum_buffer_list`` is filled in for first steps.

    torch runs the single-tensor loop on CPU unless ``foreach=True`` is asked for; the foreach loop
    gives the same parameters, but refuses weight decay with a sparse gradient before updating
    anything, and (Nesterov, without maximize or weight decay) adds the momentum into ``.grad``."""
    lr = float(_lr_value(lr))
    neg_lr32 = _neg_lr32(lr)
    if has_sparse_grad and fused:
        raise RuntimeError("`_fused_sgd` does not support sparse gradients")
    if has_sparse_grad and foreach and weight_decay != 0:
        from ..sparse._arith import ADD_SPARSE_DENSE
        raise RuntimeError(ADD_SPARSE_DENSE)
    grad_inplace = bool(foreach) and nesterov and not maximize and weight_decay == 0
    small = _Small(lr)
    blas_fma = _blas_axpy.enabled(np.float32)     # then each update is one BLAS call: no batching
    try:
        for i, param in enumerate(params):
            if d_p_list[i].is_sparse or (momentum != 0 and momentum_buffer_list[i] is not None
                                         and momentum_buffer_list[i].is_sparse):
                _sgd_layouts(param, d_p_list[i], momentum_buffer_list, i, weight_decay=weight_decay, momentum=momentum,
                             lr=lr, dampening=dampening, nesterov=nesterov, maximize=maximize, grad_inplace=grad_inplace)
                continue
            g = d_p_list[i]._data
            x = param._data
            if x.base is not None or small.holds(x):
                small.flush()           # x's pending update (listed twice), or a view of another's, comes first
            if maximize:
                g = -g
            dt = FROM_NP[x.dtype]
            if weight_decay != 0:
                g = _axpy(g, x, weight_decay, dt)
            if momentum != 0:
                buf = momentum_buffer_list[i]
                if buf is None:
                    buf = _wrap(np.array(g, copy=True))
                    momentum_buffer_list[i] = buf
                else:
                    b = buf._data
                    if _half_steps.is_half(b):      # float16: momentum held as float32, as torch's mul_
                        _half_steps.scale_(b, momentum)
                    else:
                        np.multiply(b, b.dtype.type(momentum), out=b)
                    np.copyto(b, _axpy(b, g, 1 - dampening, dt))
                    buf._vc[0] += 1
                g = _axpy(g, buf._data, momentum, dt) if nesterov else buf._data
                if nesterov and grad_inplace:
                    d_p_list[i]._data[...] = g
                    d_p_list[i]._vc[0] += 1
            if x.ndim == 0 and dt is float32 and g.shape == ():
                _update_one(param, g, neg_lr32)
            elif dt is float32 and x.size <= _BATCH and g.shape == x.shape and x.base is None and x.flags.c_contiguous \
                    and not blas_fma:
                small.add(x, g)
                bump(param)
            elif g.shape == x.shape and dt._cat == 2:
                if dt is float32 and x.flags.c_contiguous:
                    fma32_into(x, -lr, g)          # in place, in cache-sized chunks
                else:
                    np.copyto(x, _axpy(x, g, -lr, dt))
                bump(param)
            else:
                with no_grad():
                    add_(param, _wrap(np.asarray(g)), alpha=-lr)
    finally:
        small.flush()            # (also when a later parameter raises: torch has updated the earlier ones)


_BATCH = 4096       # elements: float32 parameters up to this size are updated together


class _Small:
    """The updates p + (-lr) g of small float32 parameters (biases, small layers), made as one fma32 over
    their concatenation: NumPy's per-call cost exceeds the arithmetic on a bias.  The result is the
    same element by element; a parameter listed twice is updated twice, in turn, as torch does."""
    __slots__ = ("alpha", "xs", "gs")

    def __init__(self, lr):
        self.alpha, self.xs, self.gs = np.float32(-lr), [], []

    def holds(self, x):
        for y in self.xs:
            if y is x:
                return True
        return False

    def add(self, x, g):
        self.xs.append(x)
        self.gs.append(g)

    def flush(self):
        xs, gs = self.xs, self.gs
        if len(xs) == 1:
            np.copyto(xs[0], _axpy(xs[0], gs[0], self.alpha, float32))
        elif xs:
            flat = _axpy(np.concatenate([x.reshape(-1) for x in xs]), np.concatenate([g.reshape(-1) for g in gs]),
                         self.alpha, float32)
            start = 0
            for x in xs:
                np.copyto(x.reshape(-1), flat[start:start + x.size])
                start += x.size
        self.xs, self.gs = [], []


def _sgd_layouts(param, grad, bufs, i, *, weight_decay, momentum, lr, dampening, nesterov, maximize, grad_inplace):
    """One parameter whose gradient or momentum buffer is sparse, with torch's tensor ops step by
    step (see ``layout_add``): a sparse gradient with weight decay raises, a momentum buffer cloned
    from a sparse gradient stays sparse, and the parameter takes the sparse update entry by entry."""
    from ..sparse._arith import layout_add      # (glasstorch.sparse imports the optimizers' kernels)
    with no_grad():
        if maximize:
            grad = -grad
        if weight_decay != 0:
            grad = layout_add(grad, param, weight_decay)
        if momentum != 0:
            buf = bufs[i]
            if buf is None:
                buf = bufs[i] = grad.detach().clone()
            else:
                layout_add(buf.mul_(momentum), grad, 1 - dampening, inplace=True)
            grad = layout_add(grad, buf, momentum, inplace=grad_inplace) if nesterov else buf
        layout_add(param, grad, -lr, inplace=True)
