"""``torch.optim.Adam``: adaptive moment estimation (with AMSGrad, and AdamW's decoupled decay).

Per parameter p with gradient g, at step t (torch's single-tensor algorithm):

    g = -g if maximize
    p = p * (1 - lr * wd)           if decoupled_weight_decay     else   g = g + wd * p
    m = lerp(m, g, 1 - beta1)                          # beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g * g
    v_max = max(v_max, v)                              if amsgrad (then used instead of v)
    denom = sqrt(v) / sqrt(1 - beta2**t) + eps
    p = p - lr / (1 - beta1**t) * m / denom

``step`` is a float32 0-d tensor; the bias corrections use its value as a Python float.
"""
import numpy as np

from .._tensor import Tensor
from ._blas_order import sqrt as blas_sqrt   # torch's sqrt is MKL's vsSqrt, not correctly rounded
from ._functional import addcdiv_, addcmul_, as_real, bump, decay, get_value, incr, lerp_, scalar_state, zeros_like
from ._validate import check_betas, check_eps, check_fused, check_lr, check_weight_decay, restore_step_tensors
from .optimizer import Optimizer, _closure_loss, _lr_value

__all__ = ["Adam", "adam"]


class Adam(Optimizer):
    _sparse_error = "Adam does not support sparse gradients, please consider SparseAdam instead"

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
                 foreach=None, maximize=False, capturable=False, differentiable=False, fused=None,
                 decoupled_weight_decay=False):
        if isinstance(lr, Tensor):
            if foreach and not capturable:
                raise ValueError("lr as a Tensor is not supported for capturable=False and foreach=True")
            if lr.numel() != 1:
                raise ValueError("Tensor lr must be 1-element")
        check_lr(lr)
        check_eps(eps)
        check_betas(betas)
        check_weight_decay(weight_decay)
        if not ((isinstance(betas[0], float) and isinstance(betas[1], float))
                or (isinstance(betas[0], Tensor) and isinstance(betas[1], Tensor))):
            raise ValueError("betas must be either both floats or both Tensors")
        for i in (0, 1):
            if isinstance(betas[i], Tensor):
                if not capturable and foreach:
                    raise ValueError(f"betas[{i}] as a Tensor is not supported for capturable=False and foreach=True")
                if betas[i].numel() != 1:
                    raise ValueError(f"Tensor betas[{i}] must be 1-element")
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                        maximize=maximize, foreach=foreach, capturable=capturable, differentiable=differentiable,
                        fused=fused, decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)
        check_fused(fused, foreach, differentiable)

    def __setstate__(self, state):
        super().__setstate__(state)
        self._fill_group_options(amsgrad=False, maximize=False, foreach=None, capturable=False, differentiable=False,
                                 decoupled_weight_decay=False, fused=None)
        restore_step_tensors(self)

    def _new_state(self, group, p):
        state = {"step": scalar_state(0.0), "exp_avg": zeros_like(p), "exp_avg_sq": zeros_like(p)}
        if group["amsgrad"]:
            state["max_exp_avg_sq"] = zeros_like(p)
        return state

    def step(self, closure=None):
        """One update of every parameter that has a gradient."""
        loss = _closure_loss(closure)
        for group in self.param_groups:
            params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, state_steps = self._init_group(
                group, "exp_avg", "exp_avg_sq", "max_exp_avg_sq" if group["amsgrad"] else None, "step")
            beta1, beta2 = group["betas"]
            adam(params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, state_steps, amsgrad=group["amsgrad"],
                 beta1=beta1, beta2=beta2, lr=group["lr"], weight_decay=group["weight_decay"], eps=group["eps"],
                 maximize=group["maximize"], decoupled_weight_decay=group["decoupled_weight_decay"])
        return loss


def adam(params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, state_steps, foreach=None, capturable=False,
         differentiable=False, fused=None, grad_scale=None, found_inf=None, has_complex=False, *, amsgrad, beta1,
         beta2, lr, weight_decay, eps, maximize, decoupled_weight_decay=False):
    """Functional Adam: updates ``params`` and the state lists in place."""
    lr, beta1, beta2 = _lr_value(lr), _lr_value(beta1), _lr_value(beta2)
    for i, param in enumerate(params):
        x = as_real(param._data)           # complex: real and imaginary parts updated as floats
        g = as_real(grads[i]._data)
        if maximize:
            g = -g
        step_t = state_steps[i]
        incr(step_t)
        if weight_decay != 0:
            if decoupled_weight_decay:
                x *= 1 - lr * weight_decay
            else:
                g = decay(x, g, weight_decay, param)
        m, v = as_real(exp_avgs[i]._data), as_real(exp_avg_sqs[i]._data)
        lerp_(m, g, 1 - beta1)
        v *= beta2
        addcmul_(v, g, g, 1 - beta2)
        step = get_value(step_t)
        bias_correction1 = 1 - beta1 ** step
        bias_correction2 = 1 - beta2 ** step
        step_size = lr / bias_correction1
        bias_correction2_sqrt = bias_correction2 ** 0.5
        if amsgrad:
            vmax = as_real(max_exp_avg_sqs[i]._data)
            np.maximum(vmax, v, out=vmax)
            bump(max_exp_avg_sqs[i])
            denom = blas_sqrt(vmax) / bias_correction2_sqrt
        else:
            denom = blas_sqrt(v) / bias_correction2_sqrt
        denom += eps
        addcdiv_(x, m, denom, -step_size)
        bump(param, exp_avgs[i], exp_avg_sqs[i])
