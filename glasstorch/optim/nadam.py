"""``torch.optim.NAdam``: Adam with Nesterov momentum and a momentum-decay schedule.

    mu_t = beta1 * (1 - 0.5 * 0.96**(t * momentum_decay));   mu_product *= mu_t   (float32 0-d)
    m = lerp(m, g, 1 - beta1);   v = beta2 * v + (1 - beta2) g^2
    denom = sqrt(v / (1 - beta2**t)) + eps
    p = p - lr (1 - mu_t) / (1 - mu_product) * g / denom
          - lr mu_{t+1} / (1 - mu_product * mu_{t+1}) * m / denom
"""
import numpy as np

from ._blas_order import sqrt as blas_sqrt   # torch's sqrt is MKL's vsSqrt, not correctly rounded
from ._functional import addcdiv_, addcmul_, as_real, bump, fma, get_value, incr, lerp_, scalar_state, zeros_like
from . import _half_steps
from ._foreach_steps import nadam_foreach
from ._validate import check_betas, check_eps, check_lr, check_weight_decay, restore_step_tensors
from ._differentiable_more import guard, nadam_d
from .optimizer import Optimizer, _closure_loss, _lr_value

__all__ = ["NAdam", "nadam"]


class NAdam(Optimizer):
    _sparse_error = "NAdam does not support sparse gradients"

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False):
        check_lr(lr)
        check_eps(eps)
        check_betas(betas)
        check_weight_decay(weight_decay)
        if not 0.0 <= momentum_decay:
            raise ValueError(f"Invalid momentum_decay value: {momentum_decay}")
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, momentum_decay=momentum_decay,
                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize, foreach=foreach,
                        capturable=capturable, differentiable=differentiable)
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        self._fill_group_options(maximize=False, foreach=None, capturable=False, differentiable=False,
                                 decoupled_weight_decay=False)
        restore_step_tensors(self, ("step", "mu_product"))

    def _new_state(self, group, p):
        return {"step": scalar_state(0.0), "mu_product": scalar_state(1.0), "exp_avg": zeros_like(p),
                "exp_avg_sq": zeros_like(p)}

    def step(self, closure=None):
        loss = _closure_loss(closure)
        for group in self.param_groups:
            params, grads, exp_avgs, exp_avg_sqs, mu_products, state_steps = self._init_group(
                group, "exp_avg", "exp_avg_sq", "mu_product", "step")
            beta1, beta2 = group["betas"]
            hyper = dict(beta1=beta1, beta2=beta2, lr=group["lr"], weight_decay=group["weight_decay"],
                         momentum_decay=group["momentum_decay"], eps=group["eps"],
                         decoupled_weight_decay=group["decoupled_weight_decay"], maximize=group["maximize"])
            if guard("nadam", self, group, params):        # torch records the step in the graph
                nadam_d(params, grads, exp_avgs, exp_avg_sqs, mu_products, state_steps, **hyper,
                        differentiable=group["differentiable"], grad_mode=self.defaults.get("differentiable", False))
            elif group["foreach"]:                        # torch's multi-tensor arithmetic
                nadam_foreach(params, grads, exp_avgs, exp_avg_sqs, mu_products, state_steps, **hyper)
            else:
                nadam(params, grads, exp_avgs, exp_avg_sqs, mu_products, state_steps, **hyper)
        return loss


def nadam(params, grads, exp_avgs, exp_avg_sqs, mu_products, state_steps, decoupled_weight_decay=False,
          foreach=None, capturable=False, differentiable=False, has_complex=False, maximize=False, *, beta1, beta2,
          lr, weight_decay, momentum_decay, eps):
    lr = _lr_value(lr)
    for i, param in enumerate(params):
        x = as_real(param._data)           # complex: real and imaginary parts as floats
        g = as_real(grads[i]._data)
        if maximize:
            g = -g
        incr(state_steps[i])
        step = get_value(state_steps[i])
        if _half_steps.is_half(x):         # float16: torch's per-op rounding (_half_steps.py)
            _half_steps.nadam_update(x, grads[i]._data, exp_avgs[i]._data, exp_avg_sqs[i]._data, mu_products[i]._data,
                                     step, beta1=beta1, beta2=beta2, lr=lr, weight_decay=weight_decay,
                                     momentum_decay=momentum_decay, eps=eps, maximize=maximize,
                                     decoupled=decoupled_weight_decay)
            bump(mu_products[i], param, exp_avgs[i], exp_avg_sqs[i])
            continue
        bias_correction2 = 1 - beta2 ** step
        if weight_decay != 0:
            if decoupled_weight_decay:
                x *= 1 - lr * weight_decay
            else:
                g = fma(x.dtype.type(weight_decay), x, g)
        mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay)))
        mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * momentum_decay)))
        mp = mu_products[i]._data
        mp *= np.float32(mu)                        # a float32 0-d tensor times a Python number
        bump(mu_products[i])
        m, v = as_real(exp_avgs[i]._data), as_real(exp_avg_sqs[i]._data)
        lerp_(m, g, 1 - beta1)
        v *= beta2
        addcmul_(v, g, g, 1 - beta2)
        denom = blas_sqrt(v / bias_correction2)
        denom += eps
        mu_product = get_value(mu_products[i])
        mu_product_next = mu_product * mu_next
        addcdiv_(x, g, denom, -lr * (1.0 - mu) / (1.0 - mu_product))
        addcdiv_(x, m, denom, (-lr * mu_next) / (1.0 - mu_product_next))
        bump(param, exp_avgs[i], exp_avg_sqs[i])
        # torch's param changes in place once more (its second addcdiv_, and mul_ when decay is decoupled)
        param._vc[0] += 2 if weight_decay != 0 and decoupled_weight_decay else 1
