"""``torch.optim.Adagrad``: per-coordinate steps shrunk by the sum of all past squared gradients.

    clr = lr / (1 + (t - 1) * lr_decay)
    s = s + g^2                      (s starts at initial_accumulator_value)
    p = p - clr * g / (sqrt(s) + eps)

State is made in the constructor, for every parameter, as torch does.
"""
import numpy as np

from ._functional import addcdiv_, addcmul_, bump, fma, full_like, get_value, incr, scalar_state
from ._validate import check_eps, check_fused, check_lr, check_weight_decay
from .optimizer import Optimizer, _closure_loss, _lr_value
from .._tensor import Tensor

__all__ = ["Adagrad", "adagrad"]


class Adagrad(Optimizer):
    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
                 foreach=None, *, maximize=False, differentiable=False, fused=None):
        check_lr(lr)
        if not 0.0 <= lr_decay:
            raise ValueError(f"Invalid lr_decay value: {lr_decay}")
        check_weight_decay(weight_decay)
        if not 0.0 <= initial_accumulator_value:
            raise ValueError(f"Invalid initial_accumulator_value value: {initial_accumulator_value}")
        check_eps(eps)
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, foreach=foreach, maximize=maximize,
                        differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)
        check_fused(fused, foreach, differentiable)
        for group in self.param_groups:
            for p in group["params"]:
                state = self.state[p]
                state["step"] = scalar_state(0.0)
                state["sum"] = full_like(p, initial_accumulator_value)

    def __setstate__(self, state):
        super().__setstate__(state)
        self._fill_group_options(foreach=None, maximize=False, differentiable=False, fused=None)
        for s in self.state.values():
            if "step" in s and not isinstance(s["step"], Tensor):
                s["step"] = scalar_state(float(s["step"]))

    def share_memory(self):
        pass

    def step(self, closure=None):
        loss = _closure_loss(closure)
        for group in self.param_groups:
            params, grads, state_sums, state_steps = self._init_group(group, "sum", "step")
            adagrad(params, grads, state_sums, state_steps, lr=group["lr"], weight_decay=group["weight_decay"],
                    lr_decay=group["lr_decay"], eps=group["eps"], maximize=group["maximize"])
        return loss


def adagrad(params, grads, state_sums, state_steps, fused=None, grad_scale=None, found_inf=None,
            has_sparse_grad=False, foreach=None, differentiable=False, has_complex=False, *, lr, weight_decay,
            lr_decay, eps, maximize):
    lr = _lr_value(lr)
    for param, grad, state_sum, step_t in zip(params, grads, state_sums, state_steps):
        x = param._data
        g = grad._data
        incr(step_t)
        step = get_value(step_t)
        if maximize:
            g = -g
        if weight_decay != 0:
            g = fma(x.dtype.type(weight_decay), x, g)
        clr = lr / (1 + (step - 1) * lr_decay)
        s = state_sum._data
        addcmul_(s, g, g, 1)
        std = np.sqrt(s)
        std += eps
        addcdiv_(x, g, std, -clr)
        bump(param, state_sum)
