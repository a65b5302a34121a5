"""``torch.optim.Adagrad``: per-coordinate steps shrunk by the sum of all past squared gradients.

    clr = lr / (1 + (t - 1) * lr_decay)
    s = s + g^2                      (s starts at initial_accumulator_value)
    p = p - clr * g / (sqrt(s) + eps)

State is made in the constructor, for every parameter, as torch does.  A sparse gradient updates
only the rows it holds (``_sparse_adagrad``); weight decay with one raises torch's error.
"""
import numpy as np

from ._blas_order import sqrt as blas_sqrt
from ._functional import addcdiv_, addcmul_, as_real, bump, decay, full_like, get_value, incr, scalar_state
from . import _half_steps
from ._validate import check_eps, check_fused, check_lr, check_weight_decay
from ._differentiable_more import guard, adagrad_d
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
        """Moves each parameter's sum of squared gradients into shared memory (Hogwild training)."""
        for group in self.param_groups:
            for p in group["params"]:
                self.state[p]["sum"].share_memory_()

    def step(self, closure=None):
        loss = _closure_loss(closure)
        for group in self.param_groups:
            params, grads, state_sums, state_steps = self._init_group(group, "sum", "step")
            hyper = dict(lr=group["lr"], weight_decay=group["weight_decay"], lr_decay=group["lr_decay"],
                         eps=group["eps"], maximize=group["maximize"])
            if guard("adagrad", self, group, params):      # torch records the step in the graph
                adagrad_d(params, grads, state_sums, state_steps, **hyper, differentiable=group["differentiable"],
                          grad_mode=self.defaults.get("differentiable", False))
            else:
                adagrad(params, grads, state_sums, state_steps, **hyper, fused=group["fused"],
                        has_sparse_grad=any(g.is_sparse for g in grads))
        return loss


def adagrad(params, grads, state_sums, state_steps, fused=None, grad_scale=None, found_inf=None,
            has_sparse_grad=False, foreach=None, differentiable=False, has_complex=False, *, lr, weight_decay,
            lr_decay, eps, maximize):
    lr = _lr_value(lr)
    if fused and has_sparse_grad:
        raise RuntimeError("`fused` does not support sparse grad or complex param")
    for param, grad, state_sum, step_t in zip(params, grads, state_sums, state_steps):
        x = as_real(param._data)           # complex: real and imaginary parts as floats
        incr(step_t)
        step = get_value(step_t)
        if grad.is_sparse:
            if weight_decay != 0:
                raise RuntimeError("weight_decay option is not compatible with sparse gradients")
            _sparse_adagrad(param, -grad if maximize else grad, state_sum, lr / (1 + (step - 1) * lr_decay), eps)
            continue
        g = as_real(grad._data)
        clr = lr / (1 + (step - 1) * lr_decay)
        if _half_steps.is_half(x):         # float16: torch's per-op rounding (_half_steps.py)
            _half_steps.adagrad_update(x, g, state_sum._data, clr, weight_decay=weight_decay, eps=eps,
                                       maximize=maximize)
            bump(param, state_sum)
            continue
        if maximize:
            g = -g
        if weight_decay != 0:
            g = decay(x, g, weight_decay, param._data.dtype.kind == "c")
        s = as_real(state_sum._data)
        addcmul_(s, g, g, 1)
        std = blas_sqrt(s)          # torch.sqrt is MKL's vsSqrt here, not correctly rounded
        std += eps
        addcdiv_(x, g, std, -clr)
        bump(param, state_sum)


def _sparse_adagrad(param, grad, state_sum, clr, eps):
    """torch's sparse branch: only the rows of the coalesced gradient move (duplicates summed first,
    as the update is not linear), each through dense + sparse additions (``_arith.dense_add_``)."""
    from ..sparse._arith import dense_add_
    from ..sparse._coo import make
    g = grad.coalesce()
    if g._vals.shape[0] == 0:
        return
    vals, rows = g._vals, tuple(g._idx)
    dense_add_(state_sum, make(g._idx, vals * vals, g._size, True))
    std = blas_sqrt(state_sum._data[rows])          # state_sum.sparse_mask(grad) values, sqrt_ (MKL)
    std += std.dtype.type(eps)
    dense_add_(param, make(g._idx, vals / std, g._size, True), -clr)
