"""``torch.optim.Adadelta``: steps sized by the ratio of running RMS of updates and gradients.

    v = rho * v + (1 - rho) * g^2
    delta = sqrt(u + eps) / sqrt(v + eps) * g
    u = rho * u + (1 - rho) * delta^2
    p = p - lr * delta
"""

from ._blas_order import sqrt as blas_sqrt   # torch's sqrt is MKL's vsSqrt, not correctly rounded
from ._functional import add_, addcmul_, as_real, bump, decay, incr, scalar_state, zeros_like
from . import _half_steps
from ._validate import check_eps, check_lr, check_weight_decay, restore_step_tensors
from ._differentiable_more import guard, adadelta_d
from .optimizer import Optimizer, _closure_loss, _lr_value

__all__ = ["Adadelta", "adadelta"]


class Adadelta(Optimizer):
    _sparse_error = "Adadelta does not support sparse gradients"

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *, capturable=False,
                 maximize=False, differentiable=False):
        check_lr(lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        check_eps(eps)
        check_weight_decay(weight_decay)
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize, capturable=capturable,
                        foreach=foreach, differentiable=differentiable)
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        self._fill_group_options(foreach=None, maximize=False, differentiable=False, capturable=False)
        restore_step_tensors(self)

    def _new_state(self, group, p):
        return {"step": scalar_state(0.0), "square_avg": zeros_like(p), "acc_delta": zeros_like(p)}

    def step(self, closure=None):
        loss = _closure_loss(closure)
        for group in self.param_groups:
            params, grads, square_avgs, acc_deltas, state_steps = self._init_group(group, "square_avg", "acc_delta",
                                                                                  "step")
            hyper = dict(lr=group["lr"], rho=group["rho"], eps=group["eps"], weight_decay=group["weight_decay"],
                         maximize=group["maximize"])
            if guard("adadelta", self, group, params):     # torch records the step in the graph
                adadelta_d(params, grads, square_avgs, acc_deltas, state_steps, **hyper,
                           differentiable=group["differentiable"], grad_mode=self.defaults.get("differentiable", False))
            else:
                adadelta(params, grads, square_avgs, acc_deltas, state_steps, **hyper)
        return loss


def adadelta(params, grads, square_avgs, acc_deltas, state_steps, capturable=False, foreach=None,
             differentiable=False, has_complex=False, *, lr, rho, eps, weight_decay, maximize):
    lr = _lr_value(lr)
    for param, grad, square_avg, acc_delta, step in zip(params, grads, square_avgs, acc_deltas, state_steps):
        x = as_real(param._data)           # complex: real and imaginary parts as floats
        g = as_real(grad._data)
        incr(step)
        if _half_steps.is_half(x):         # float16: torch's per-op rounding (_half_steps.py)
            _half_steps.adadelta_update(x, g, square_avg._data, acc_delta._data, lr=lr, rho=rho, eps=eps,
                                        weight_decay=weight_decay, maximize=maximize)
            bump(param, square_avg, acc_delta)
            continue
        if maximize:
            g = -g
        if weight_decay != 0:
            g = decay(x, g, weight_decay, param._data.dtype.kind == "c")
        v, u = as_real(square_avg._data), as_real(acc_delta._data)
        v *= rho
        addcmul_(v, g, g, 1 - rho)
        std = blas_sqrt(v + x.dtype.type(eps))
        delta = blas_sqrt(u + x.dtype.type(eps))
        delta /= std
        delta *= g
        u *= rho
        addcmul_(u, delta, delta, 1 - rho)
        if param._data.dtype.kind == "c":    # torch adds a complex delta: product and sum rounded apart
            x += x.dtype.type(-lr) * delta
        else:
            add_(x, delta, -lr)
        bump(param, square_avg, acc_delta)
