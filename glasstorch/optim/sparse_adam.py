"""``torch.optim.SparseAdam``: Adam for sparse gradients (only the rows a gradient touches).

For the touched rows, in torch's order (``torch/optim/_functional.py``, ``sparse_adam``):

    g = coalesce(grad)                      (duplicate rows summed)
    m += (g - m) * (1 - beta1)              v += (g^2 - v) * (1 - beta2)
    p += -lr * sqrt(1 - beta2^t) / (1 - beta1^t) * m / (sqrt(v) + eps)

A dense gradient raises torch's error.
"""
import math

import numpy as np

from ._blas_order import sqrt as blas_sqrt
from ._functional import bump, zeros_like
from ._validate import check_betas, check_eps, check_lr
from .optimizer import Optimizer, _closure_loss

__all__ = ["SparseAdam"]


class SparseAdam(Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, maximize=False):
        check_lr(lr, strict=True)
        check_eps(eps, strict=True)
        check_betas(betas)
        defaults = dict(lr=lr, betas=betas, eps=eps, maximize=maximize)
        super().__init__(params, defaults)
        sparse_params = [[i, j] for i, g in enumerate(self.param_groups) for j, p in enumerate(g["params"])
                         if p.is_sparse]
        if sparse_params:
            raise ValueError(f"Sparse params at indices {sparse_params}: SparseAdam requires dense parameter tensors")
        complex_params = [[i, j] for i, g in enumerate(self.param_groups) for j, p in enumerate(g["params"])
                          if p.is_complex()]
        if complex_params:
            raise ValueError(f"Complex params at indices {complex_params}: SparseAdam does not support complex "
                             "parameters")

    def step(self, closure=None):
        loss = _closure_loss(closure)
        for group in self.param_groups:
            params, grads, steps = [], [], []
            for p in group["params"]:
                if p._grad is not None:
                    if not p._grad.is_sparse:
                        raise RuntimeError("SparseAdam does not support dense gradients, please consider Adam instead")
                    state = self.state[p]
                    if len(state) == 0:
                        state["step"] = 0
                        state["exp_avg"] = zeros_like(p)
                        state["exp_avg_sq"] = zeros_like(p)
                    state["step"] += 1
                    params.append(p)
                    grads.append(p._grad)
                    steps.append(state["step"])
            beta1, beta2 = group["betas"]
            sparse_adam(params, grads, [self.state[p]["exp_avg"] for p in params],
                        [self.state[p]["exp_avg_sq"] for p in params], steps, eps=group["eps"], beta1=beta1,
                        beta2=beta2, lr=float(group["lr"]), maximize=group.get("maximize", False))
        return loss


def sparse_adam(params, grads, exp_avgs, exp_avg_sqs, state_steps, *, eps, beta1, beta2, lr, maximize):
    for param, grad, exp_avg, exp_avg_sq, step in zip(params, grads, exp_avgs, exp_avg_sqs, state_steps):
        grad = grad.coalesce() if not maximize else (-grad).coalesce()
        vals = grad._vals
        if vals.size == 0:
            continue
        rows = tuple(grad._idx)
        m, v, x = exp_avg._data, exp_avg_sq._data, param._data
        f = vals.dtype.type
        old_m = m[rows]
        upd_m = (vals - old_m) * f(1 - beta1)
        m[rows] = old_m + upd_m               # exp_avg.add_(sparse): unique rows, one add each
        old_v = v[rows]
        upd_v = (vals * vals - old_v) * f(1 - beta2)
        v[rows] = old_v + upd_v
        numer = upd_m + old_m
        denom = blas_sqrt(upd_v + old_v) + f(eps)      # torch.sqrt_ is MKL's vsSqrt here
        step_size = lr * math.sqrt(1 - beta2 ** step) / (1 - beta1 ** step)
        x[rows] = x[rows] + f(-step_size) * (numer / denom)
        bump(param, exp_avg, exp_avg_sq)
