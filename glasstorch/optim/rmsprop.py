"""``torch.optim.RMSprop``: divide the gradient by a running root mean square of its values.

    v = alpha * v + (1 - alpha) * g^2
    centered:  g_avg = lerp(g_avg, g, 1 - alpha);   avg = sqrt(v - g_avg^2) + eps
    otherwise: avg = sqrt(v) + eps
    momentum > 0:  b = momentum * b + g / avg;   p = p - lr * b
    otherwise:     p = p - lr * g / avg
"""

from ._blas_order import sqrt as blas_sqrt   # torch's sqrt is MKL's vsSqrt, not correctly rounded
from ._functional import add_, addcdiv_, addcmul_, as_real, bump, decay, incr, lerp_, scalar_state, zeros_like
from . import _half_steps
from ._validate import check_eps, check_lr, check_weight_decay, restore_step_tensors
from ._differentiable_more import guard, rmsprop_d
from .optimizer import Optimizer, _closure_loss, _lr_value

__all__ = ["RMSprop", "rmsprop"]


class RMSprop(Optimizer):
    _sparse_error = "RMSprop does not support sparse gradients"

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        check_lr(lr)
        check_eps(eps)
        if not 0.0 <= momentum:
            raise ValueError(f"Invalid momentum value: {momentum}")
        check_weight_decay(weight_decay)
        if not 0.0 <= alpha:
            raise ValueError(f"Invalid alpha value: {alpha}")
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered, weight_decay=weight_decay,
                        capturable=capturable, foreach=foreach, maximize=maximize, differentiable=differentiable)
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        self._fill_group_options(momentum=0, centered=False, foreach=None, maximize=False, differentiable=False,
                                 capturable=False)
        restore_step_tensors(self)

    def _new_state(self, group, p):
        state = {"step": scalar_state(0.0), "square_avg": zeros_like(p)}
        if group["momentum"] > 0:
            state["momentum_buffer"] = zeros_like(p)
        if group["centered"]:
            state["grad_avg"] = zeros_like(p)
        return state

    def step(self, closure=None):
        loss = _closure_loss(closure)
        for group in self.param_groups:
            params, grads, square_avgs, bufs, grad_avgs, state_steps = self._init_group(
                group, "square_avg", "momentum_buffer" if group["momentum"] > 0 else None,
                "grad_avg" if group["centered"] else None, "step")
            hyper = dict(lr=group["lr"], alpha=group["alpha"], eps=group["eps"], weight_decay=group["weight_decay"],
                         momentum=group["momentum"], centered=group["centered"], maximize=group["maximize"])
            if guard("rmsprop", self, group, params):      # torch records the step in the graph
                rmsprop_d(params, grads, square_avgs, grad_avgs, bufs, state_steps, **hyper,
                          differentiable=group["differentiable"], grad_mode=self.defaults.get("differentiable", False))
            else:
                rmsprop(params, grads, square_avgs, grad_avgs, bufs, state_steps, **hyper)
        return loss


def rmsprop(params, grads, square_avgs, grad_avgs, momentum_buffer_list, state_steps, foreach=None, maximize=False,
            differentiable=False, capturable=False, has_complex=False, *, lr, alpha, eps, weight_decay, momentum,
            centered):
    lr = _lr_value(lr)
    for i, param in enumerate(params):
        x = as_real(param._data)           # complex: real and imaginary parts as floats
        g = as_real(grads[i]._data)
        if _half_steps.is_half(x):         # float16: torch's per-op rounding (_half_steps.py)
            incr(state_steps[i])
            _half_steps.rmsprop_update(
                x, g, square_avgs[i]._data, grad_avgs[i]._data if centered else None,
                momentum_buffer_list[i]._data if momentum > 0 else None, lr=lr, alpha=alpha, eps=eps,
                weight_decay=weight_decay, momentum=momentum, centered=centered, maximize=maximize)
            bump(param, square_avgs[i], *([grad_avgs[i]] if centered else []),
                 *([momentum_buffer_list[i]] if momentum > 0 else []))
            continue
        if maximize:
            g = -g
        incr(state_steps[i])
        if weight_decay != 0:
            g = decay(x, g, weight_decay, param._data.dtype.kind == "c")
        v = as_real(square_avgs[i]._data)
        v *= alpha
        addcmul_(v, g, g, 1 - alpha)
        if centered:
            ga = as_real(grad_avgs[i]._data)
            lerp_(ga, g, 1 - alpha)
            bump(grad_avgs[i])
            avg = blas_sqrt(addcmul_(v.copy(), ga, ga, -1))
        else:
            avg = blas_sqrt(v)
        avg += eps
        if momentum > 0:
            b = as_real(momentum_buffer_list[i]._data)
            b *= momentum
            addcdiv_(b, g, avg)
            bump(momentum_buffer_list[i])
            add_(x, b, -lr)
        else:
            addcdiv_(x, g, avg, -lr)
        bump(param, square_avgs[i])
