"""``torch.optim.Adamax``: Adam with the infinity norm in place of the second moment.

    g = -g if maximize;   g = g + wd * p  if wd != 0
    m = lerp(m, g, 1 - beta1)
    u = max(beta2 * u, |g| + eps)
    p = p - lr / (1 - beta1**t) * m / u
"""
import numpy as np

from ._functional import addcdiv_, as_real, bump, decay, get_value, incr, lerp_, scalar_state, zeros_like
from . import _half_steps
from ._validate import check_betas, check_eps, check_lr, check_weight_decay, restore_step_tensors
from ._differentiable_more import guard, adamax_d
from .optimizer import Optimizer, _closure_loss, _lr_value

__all__ = ["Adamax", "adamax"]


class Adamax(Optimizer):
    _sparse_error = "Adamax does not support sparse gradients"

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, foreach=None, *,
                 maximize=False, differentiable=False, capturable=False):
        check_lr(lr)
        check_eps(eps)
        check_betas(betas)
        check_weight_decay(weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, foreach=foreach, maximize=maximize,
                        differentiable=differentiable, capturable=capturable)
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        self._fill_group_options(foreach=None, maximize=False, differentiable=False, capturable=False)
        restore_step_tensors(self)

    def _new_state(self, group, p):
        return {"step": scalar_state(0.0), "exp_avg": zeros_like(p), "exp_inf": zeros_like(p)}

    def step(self, closure=None):
        loss = _closure_loss(closure)
        for group in self.param_groups:
            params, grads, exp_avgs, exp_infs, state_steps = self._init_group(group, "exp_avg", "exp_inf", "step")
            beta1, beta2 = group["betas"]
            hyper = dict(eps=group["eps"], beta1=beta1, beta2=beta2, lr=group["lr"], weight_decay=group["weight_decay"],
                         maximize=group["maximize"])
            if guard("adamax", self, group, params):       # torch records the step in the graph
                adamax_d(params, grads, exp_avgs, exp_infs, state_steps, **hyper,
                         differentiable=group["differentiable"], grad_mode=self.defaults.get("differentiable", False))
            else:
                adamax(params, grads, exp_avgs, exp_infs, state_steps, **hyper)
        return loss


def adamax(params, grads, exp_avgs, exp_infs, state_steps, foreach=None, maximize=False, differentiable=False,
           capturable=False, has_complex=False, *, eps, beta1, beta2, lr, weight_decay):
    lr = _lr_value(lr)
    for i, param in enumerate(params):
        x = as_real(param._data)           # complex: real and imaginary parts as floats
        g = as_real(grads[i]._data)
        if _half_steps.is_half(x):         # float16: torch's per-op rounding (_half_steps.py)
            incr(state_steps[i])
            _half_steps.adamax_update(x, g, exp_avgs[i]._data, exp_infs[i]._data, get_value(state_steps[i]), eps=eps,
                                      beta1=beta1, beta2=beta2, lr=lr, weight_decay=weight_decay, maximize=maximize)
            bump(param, exp_avgs[i], exp_infs[i])
            continue
        if maximize:
            g = -g
        incr(state_steps[i])
        if weight_decay != 0:
            g = decay(x, g, weight_decay, param._data.dtype.kind == "c")
        m, u = as_real(exp_avgs[i]._data), as_real(exp_infs[i]._data)
        lerp_(m, g, 1 - beta1)
        u *= beta2
        np.maximum(u, np.abs(g) + x.dtype.type(eps), out=u)
        clr = lr / (1 - beta1 ** get_value(state_steps[i]))
        addcdiv_(x, m, u, -clr)
        bump(param, exp_avgs[i], exp_infs[i])
