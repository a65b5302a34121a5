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
from ._differentiable import adam_differentiable
from . import _half_steps
from ._differentiable_more import guard
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
            guard("adam", self, group, params)      # torch's foreach / capturable refusals
            # torch records a differentiable step in the graph (grad mode set from defaults)
            run = adam_differentiable if self.defaults.get("differentiable", False) else adam
            run(params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, state_steps, amsgrad=group["amsgrad"],
                beta1=beta1, beta2=beta2, lr=group["lr"], weight_decay=group["weight_decay"], eps=group["eps"],
                maximize=group["maximize"], decoupled_weight_decay=group["decoupled_weight_decay"])
        return loss


def adam(params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, state_steps, foreach=None, capturable=False,
         differentiable=False, fused=None, grad_scale=None, found_inf=None, has_complex=False, *, amsgrad, beta1,
         beta2, lr, weight_decay, eps, maximize, decoupled_weight_decay=False):
    """Functional Adam: updates ``params`` and the state lists in place.

    Every step of the update is element by element, so small real parameters of one dtype and one
    step count are updated together, as one concatenated array (``_together``): the same numbers,
    without paying NumPy's per-call cost a dozen times per parameter."""
    lr, beta1, beta2 = _lr_value(lr), _lr_value(beta1), _lr_value(beta2)
    hyper = dict(amsgrad=amsgrad, beta1=beta1, beta2=beta2, lr=lr, weight_decay=weight_decay, eps=eps,
                 maximize=maximize, decoupled=decoupled_weight_decay)
    batches = {}
    # parameters that share memory (views, one array twice) are updated one after another, in order, as
    # torch does: each reads what the one before it wrote
    together = len({id(p._data) for p in params}) == len(params) and all(p._data.base is None for p in params)
    for i, param in enumerate(params):
        step_t = state_steps[i]
        incr(step_t)
        step = get_value(step_t)
        x = param._data
        if together and x.size < _TOGETHER and x.dtype.kind == "f" and grads[i]._data.dtype is x.dtype \
                and not _half_steps.is_half(x):
            batches.setdefault((x.dtype, step), []).append(i)
            continue
        vmax = as_real(max_exp_avg_sqs[i]._data) if amsgrad else None
        update = _half_steps.adam_update if _half_steps.is_half(x) else _update
        args = (as_real(x), as_real(grads[i]._data), as_real(exp_avgs[i]._data), as_real(exp_avg_sqs[i]._data), vmax,
                step) + (() if update is _half_steps.adam_update else (x.dtype.kind == "c",))
        update(*args, **hyper)
    for (_, step), idx in batches.items():
        _together(idx, step, params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, hyper)
    decayed = weight_decay != 0 and decoupled_weight_decay        # (torch's param.mul_ first: one more version)
    for i in range(len(params)):
        bump(params[i], exp_avgs[i], exp_avg_sqs[i], *([max_exp_avg_sqs[i]] if amsgrad else []))
        if decayed:
            params[i]._vc[0] += 1


_TOGETHER = 1 << 15          # parameters smaller than this are updated in one concatenated array


def _together(idx, step, params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, hyper):
    """``_update`` of the parameters ``idx`` at once: their arrays concatenated, updated, copied back."""
    if len(idx) == 1:
        i = idx[0]
        _update(params[i]._data, grads[i]._data, exp_avgs[i]._data, exp_avg_sqs[i]._data,
                max_exp_avg_sqs[i]._data if hyper["amsgrad"] else None, step, False, **hyper)
        return
    lists = [params, exp_avgs, exp_avg_sqs] + ([max_exp_avg_sqs] if hyper["amsgrad"] else [])
    flat = [np.concatenate([ts[i]._data.ravel() for i in idx]) for ts in lists]
    g = np.concatenate([grads[i]._data.ravel() for i in idx])
    _update(flat[0], g, flat[1], flat[2], flat[3] if hyper["amsgrad"] else None, step, False, **hyper)
    start = 0
    for i in idx:
        a = params[i]._data
        end = start + a.size
        for ts, f in zip(lists, flat):
            d = ts[i]._data
            d[...] = f[start:end].reshape(d.shape)
        start = end


def _update(x, g, m, v, vmax, step, is_complex, *, amsgrad, beta1, beta2, lr, weight_decay, eps, maximize,
            decoupled):
    """One Adam update of the real arrays ``x`` (parameter), ``m``, ``v``, ``vmax``, in place."""
    if maximize:
        g = -g
    if weight_decay != 0:
        if decoupled:
            x *= 1 - lr * weight_decay
        else:
            g = decay(x, g, weight_decay, is_complex)
    lerp_(m, g, 1 - beta1)
    v *= beta2
    addcmul_(v, g, g, 1 - beta2)
    bias_correction1 = 1 - beta1 ** step
    bias_correction2 = 1 - beta2 ** step
    step_size = lr / bias_correction1
    bias_correction2_sqrt = bias_correction2 ** 0.5
    if amsgrad:
        np.maximum(vmax, v, out=vmax)
        denom = blas_sqrt(vmax) / bias_correction2_sqrt
    else:
        denom = blas_sqrt(v) / bias_correction2_sqrt
    denom += eps
    addcdiv_(x, m, denom, -step_size)
