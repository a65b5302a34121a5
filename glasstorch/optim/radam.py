"""``torch.optim.RAdam``: Adam whose adaptive step is switched on (and rectified) once the
variance of the adaptive learning rate is tractable (rho_t > 5).

    m = lerp(m, g, 1 - beta1);   v = beta2 v + (1 - beta2) g^2;   m_hat = m / (1 - beta1**t)
    rho_inf = 2 / (1 - beta2) - 1;   rho_t = rho_inf - 2 t beta2**t / (1 - beta2**t)
    rho_t > 5:  p -= m_hat * lr * sqrt(1 - beta2**t) / (sqrt(v) + eps) * r_t
                r_t = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t))
    otherwise:  p -= m_hat * lr
"""
import numpy as np

from ._blas_order import sqrt as blas_sqrt   # torch's sqrt is MKL's vsSqrt, not correctly rounded
from ._functional import add_, addcmul_, as_real, bump, fma, get_value, incr, lerp_, scalar_state, zeros_like
from . import _half_steps
from ._foreach_steps import radam_foreach
from ._validate import check_betas, check_eps, check_lr, check_weight_decay, restore_step_tensors
from ._differentiable_more import guard, radam_d
from .optimizer import Optimizer, _closure_loss, _lr_value

__all__ = ["RAdam", "radam"]


class RAdam(Optimizer):
    _sparse_error = "RAdam does not support sparse gradients"

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, decoupled_weight_decay=False,
                 *, foreach=None, maximize=False, capturable=False, differentiable=False):
        check_lr(lr)
        check_eps(eps)
        check_betas(betas)
        check_weight_decay(weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, maximize=maximize, foreach=foreach,
                        capturable=capturable, decoupled_weight_decay=decoupled_weight_decay,
                        differentiable=differentiable)
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        self._fill_group_options(foreach=None, maximize=False, differentiable=False, decoupled_weight_decay=False,
                                 capturable=False)
        restore_step_tensors(self)

    def _new_state(self, group, p):
        return {"step": scalar_state(0.0), "exp_avg": zeros_like(p), "exp_avg_sq": zeros_like(p)}

    def step(self, closure=None):
        loss = _closure_loss(closure)
        for group in self.param_groups:
            params, grads, exp_avgs, exp_avg_sqs, state_steps = self._init_group(group, "exp_avg", "exp_avg_sq",
                                                                                 "step")
            beta1, beta2 = group["betas"]
            hyper = dict(beta1=beta1, beta2=beta2, lr=group["lr"], weight_decay=group["weight_decay"], eps=group["eps"],
                         maximize=group["maximize"], decoupled_weight_decay=group["decoupled_weight_decay"])
            if guard("radam", self, group, params):        # torch records the step in the graph
                radam_d(params, grads, exp_avgs, exp_avg_sqs, state_steps, **hyper,
                        differentiable=group["differentiable"], grad_mode=self.defaults.get("differentiable", False))
            elif group["foreach"]:                        # torch's multi-tensor arithmetic
                radam_foreach(params, grads, exp_avgs, exp_avg_sqs, state_steps, **hyper)
            else:
                radam(params, grads, exp_avgs, exp_avg_sqs, state_steps, **hyper)
        return loss


def radam(params, grads, exp_avgs, exp_avg_sqs, state_steps, decoupled_weight_decay=False, foreach=None,
          differentiable=False, capturable=False, has_complex=False, maximize=False, *, beta1, beta2, lr,
          weight_decay, eps):
    lr = _lr_value(lr)
    for i, param in enumerate(params):
        x = as_real(param._data)           # complex: real and imaginary parts as floats
        g = as_real(grads[i]._data)
        if maximize:
            g = -g
        incr(state_steps[i])
        step = get_value(state_steps[i])
        if _half_steps.is_half(x):         # float16: torch's per-op rounding (_half_steps.py)
            _half_steps.radam_update(x, grads[i]._data, exp_avgs[i]._data, exp_avg_sqs[i]._data, step, beta1=beta1,
                                     beta2=beta2, lr=lr, weight_decay=weight_decay, eps=eps, maximize=maximize,
                                     decoupled=decoupled_weight_decay)
            bump(param, exp_avgs[i], exp_avg_sqs[i])
            continue
        if weight_decay != 0:
            if decoupled_weight_decay:
                x *= 1 - lr * weight_decay
            else:
                g = fma(x.dtype.type(weight_decay), x, g)
        m, v = as_real(exp_avgs[i]._data), as_real(exp_avg_sqs[i]._data)
        lerp_(m, g, 1 - beta1)
        v *= beta2
        addcmul_(v, g, g, 1 - beta2)
        bias_correction1 = 1 - beta1 ** step
        bias_correction2 = 1 - beta2 ** step
        bias_corrected_exp_avg = m / bias_correction1
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
        if rho_t > 5.0:
            adaptive_lr = blas_sqrt(v)
            adaptive_lr += eps
            # torch's `number / tensor` is `tensor.reciprocal() * number`
            adaptive_lr = np.reciprocal(adaptive_lr) * (bias_correction2 ** 0.5)
            rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
            update = bias_corrected_exp_avg * lr * adaptive_lr * rect
        else:
            update = bias_corrected_exp_avg * lr
        add_(x, update, -1.0)
        bump(param, exp_avgs[i], exp_avg_sqs[i])
