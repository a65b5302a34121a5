"""``torch.optim.ASGD``: SGD whose iterates are also averaged (the average lives in ``ax``).

    p = p * (1 - lambd * eta) - eta * g
    ax = ax + mu * (p - ax)          (ax = p while mu == 1)
    eta = lr / (1 + lambd * lr * t)**alpha;   mu = 1 / max(1, t - t0)    (float32 0-d tensors)
"""
import numpy as np

from ._functional import add_, as_real, bump, fma, get_value, incr, scalar_state, zeros_like
from . import _half_steps
from ._asgd_foreach import asgd_foreach
from ._validate import check_lr, check_weight_decay
from ._differentiable_more import guard, asgd_d
from .optimizer import Optimizer, _closure_loss, _lr_value
from .._tensor import Tensor

__all__ = ["ASGD", "asgd"]


class ASGD(Optimizer):
    _sparse_error = "ASGD does not support sparse gradients"

    def __init__(self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0, foreach=None,
                 maximize=False, differentiable=False, capturable=False):
        check_lr(lr)
        check_weight_decay(weight_decay)
        defaults = dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay, foreach=foreach,
                        maximize=maximize, differentiable=differentiable, capturable=capturable)
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        self._fill_group_options(foreach=None, maximize=False, differentiable=False, capturable=False)
        for s in self.state.values():
            for key in ("step", "eta", "mu"):
                if key in s and not isinstance(s[key], Tensor):
                    s[key] = scalar_state(float(s[key]))

    def _new_state(self, group, p):
        return {"step": scalar_state(0.0), "eta": scalar_state(_lr_value(group["lr"])), "mu": scalar_state(1.0),
                "ax": zeros_like(p)}

    def step(self, closure=None):
        loss = _closure_loss(closure)
        for group in self.param_groups:
            params, grads, mus, axs, etas, state_steps = self._init_group(group, "mu", "ax", "eta", "step")
            hyper = dict(lambd=group["lambd"], lr=group["lr"], t0=group["t0"], alpha=group["alpha"],
                         weight_decay=group["weight_decay"], maximize=group["maximize"])
            if group["foreach"] and not guard("asgd", self, group, params):
                asgd_foreach(params, grads, axs, mus, etas, state_steps, **hyper)    # its own rounding
                continue
            if guard("asgd", self, group, params):         # torch records the step in the graph
                asgd_d(params, grads, axs, mus, etas, state_steps, **hyper, differentiable=group["differentiable"],
                       grad_mode=self.defaults.get("differentiable", False))
            else:
                asgd(params, grads, axs, mus, etas, state_steps, **hyper)
        return loss


def asgd(params, grads, axs, mus, etas, state_steps, foreach=None, maximize=False, differentiable=False,
         capturable=False, has_complex=False, *, lambd, lr, t0, alpha, weight_decay):
    lr = _lr_value(lr)
    for i, param in enumerate(params):
        x = as_real(param._data)           # complex: real and imaginary parts as floats
        g = as_real(grads[i]._data)
        if maximize:
            g = -g
        step_t, eta, mu, ax = state_steps[i], etas[i], mus[i], axs[i]
        incr(step_t)
        eta_value = get_value(eta)
        if _half_steps.is_half(x):         # float16: torch's per-op rounding (_half_steps.py)
            _half_steps.asgd_update(x, g, ax._data, mu._data, eta_value, lambd=lambd,
                                    weight_decay=weight_decay, maximize=False)
        else:
            if weight_decay != 0:
                g = fma(x.dtype.type(weight_decay), x, g)
            x *= 1 - lambd * eta_value
            add_(x, g, -eta_value)
            a = as_real(ax._data)
            if get_value(mu) != 1:
                a += (x - a) * mu._data.astype(x.dtype)
            else:
                np.copyto(a, x)
        step = get_value(step_t)
        eta._data[...] = lr / ((1 + lambd * lr * step) ** alpha)
        mu._data[...] = 1 / max(1, step - t0)
        bump(param, ax, eta, mu)
        param._vc[0] += 1               # torch's param.mul_ then param.add_: two versions
