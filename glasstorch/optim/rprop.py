"""``torch.optim.Rprop``: resilient backpropagation; only the sign of the gradient is used.

Per element: if g * prev > 0 the step size grows by etaplus, if < 0 it shrinks by etaminus (and
that gradient is then treated as 0), clamped to [step_size_min, step_size_max];
p = p - sign(g) * step_size;  prev = g.
"""
import numpy as np

from ._functional import as_real, bump, full_like, incr, scalar_state, zeros_like
from ._validate import check_lr, restore_step_tensors
from ._differentiable_more import guard, rprop_d
from .optimizer import Optimizer, _closure_loss, _lr_value

__all__ = ["Rprop", "rprop"]


class Rprop(Optimizer):
    _sparse_error = "Rprop does not support sparse gradients"

    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *, capturable=False, foreach=None,
                 maximize=False, differentiable=False):
        check_lr(lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = dict(lr=lr, etas=etas, step_sizes=step_sizes, foreach=foreach, maximize=maximize,
                        differentiable=differentiable, capturable=capturable)
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        self._fill_group_options(foreach=None, maximize=False, differentiable=False, capturable=False)
        restore_step_tensors(self)

    def _new_state(self, group, p):
        lr = _lr_value(group["lr"])
        # a complex parameter is two independent reals: the imaginary part's step size is lr too
        return {"step": scalar_state(0.0), "prev": zeros_like(p),
                "step_size": full_like(p._grad, complex(lr, lr) if p.is_complex() else lr)}

    def step(self, closure=None):
        loss = _closure_loss(closure)
        for group in self.param_groups:
            params, grads, prevs, step_sizes, state_steps = self._init_group(group, "prev", "step_size", "step")
            etaminus, etaplus = group["etas"]
            step_size_min, step_size_max = group["step_sizes"]
            hyper = dict(step_size_min=step_size_min, step_size_max=step_size_max, etaminus=etaminus, etaplus=etaplus,
                         maximize=group["maximize"])
            if guard("rprop", self, group, params):        # torch records the step in the graph
                rprop_d(params, grads, prevs, step_sizes, state_steps, **hyper,
                        differentiable=group["differentiable"], grad_mode=self.defaults.get("differentiable", False))
            else:
                rprop(params, grads, prevs, step_sizes, state_steps, **hyper)
        return loss


def rprop(params, grads, prevs, step_sizes, state_steps, foreach=None, capturable=False, maximize=False,
          differentiable=False, has_complex=False, *, step_size_min, step_size_max, etaminus, etaplus):
    for i, param in enumerate(params):
        x = as_real(param._data)           # complex: real and imaginary parts as floats
        g = as_real(grads[i]._data)
        if maximize:
            g = -g
        incr(state_steps[i])
        prev, size = as_real(prevs[i]._data), as_real(step_sizes[i]._data)
        sign = np.sign(g * prev)
        dt = sign.dtype.type
        factor = np.where(sign > 0, dt(etaplus), np.where(sign < 0, dt(etaminus), np.where(sign == 0, dt(1), sign)))
        size *= factor
        np.clip(size, dt(step_size_min), dt(step_size_max), out=size)
        g = np.where(factor == dt(etaminus), dt(0), g)
        x -= np.sign(g) * size
        np.copyto(prev, g)
        bump(param, prevs[i], step_sizes[i])
