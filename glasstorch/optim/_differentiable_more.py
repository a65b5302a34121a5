"""``differentiable=True`` for RMSprop, Adagrad, Adadelta, NAdam, RAdam, Adamax, ASGD and Rprop: torch's
``_single_tensor_<name>`` written op for op with tensor ops, so that the step lands in the autograd
graph (hypergradients through lr and the initial point, unrolled meta-learning).  The ``differentiable``
branches (``avg.add(eps)`` not ``add_``, ``delta.clone()``, NAdam's tensor coefficients, Adamax's
``cat`` + ``amax``, Rprop's ``prev.clone()``) follow the group's flag, and the grad mode the
optimizer's defaults, as torch's ``_use_grad_for_differentiable`` does.  ``guard`` raises what torch
raises before the algorithm runs (foreach with differentiable, capturable on the CPU).

Each sqrt is MKL's (``_mkl_sqrt``), so the values are the ordinary step's, bit for bit.
"""
from .._tensor import Tensor
from ..autograd.grad_mode import set_grad_enabled
from ._blas_order import sqrt as blas_sqrt
from ._differentiable import _mkl_sqrt

__all__ = ["guard", "rmsprop_d", "adagrad_d", "adadelta_d", "nadam_d", "radam_d", "adamax_d", "asgd_d", "rprop_d"]

_DEV = "['cuda', 'xpu', 'hpu', 'privateuseone', 'xla']"
_DEV_NO_XLA = "['cuda', 'xpu', 'hpu', 'privateuseone']"
_P_S = "params and state_steps"
# per optimizer: (single-tensor message, its device list), (multi-tensor message, its device list);
# the two differ (a comma, xla) as torch's do
_CAPTURABLE = {
    "rmsprop": ((_P_S, _DEV), (_P_S, _DEV)),
    "adadelta": ((_P_S, _DEV_NO_XLA), (_P_S, _DEV_NO_XLA)),
    "nadam": (("params, mu_products and state_steps", _DEV), ("params, mu_products, and state_steps", _DEV_NO_XLA)),
    "radam": ((_P_S, _DEV), (_P_S, _DEV_NO_XLA)),
    "adamax": ((_P_S, _DEV), (_P_S, _DEV_NO_XLA)),
    "asgd": (("params, mus, etas, and state_steps", _DEV), ("params, mus, etas, and state_steps", _DEV_NO_XLA)),
    "rprop": ((_P_S, _DEV), (_P_S, _DEV)),
    "adam": ((_P_S, _DEV), (_P_S, _DEV_NO_XLA)),
}
# multi-tensor functions that refuse differentiable before returning on an empty parameter list
_FOREACH_CHECKS_FIRST = ("adagrad", "adadelta", "adamax")


def guard(name, opt, group, params):
    """torch's checks between ``_init_group`` and the update; True when the step is to be recorded
    (``differentiable`` in the group or in the defaults): the caller then runs ``<name>_d``."""
    differentiable = group.get("differentiable", False)
    capturable = group.get("capturable", False) and name in _CAPTURABLE
    if group.get("fused"):              # (fused with differentiable is refused at construction)
        pass
    elif group.get("foreach"):          # torch's _multi_tensor_<name>; Adam's checks capturable first
        if differentiable and name != "adam" and (params or name in _FOREACH_CHECKS_FIRST):
            raise AssertionError("_foreach ops don't support autograd")
        if capturable and params:
            what, devices = _CAPTURABLE[name][1]
            raise AssertionError(f"If capturable=True, {what} must be on supported devices: {devices}.")
        if differentiable and params:
            raise AssertionError("_foreach ops don't support autograd")
    elif capturable and params:         # CPU tensors are never capturable
        what, devices = _CAPTURABLE[name][0]
        raise AssertionError(f"If capturable=True, {what} must be on supported devices: {devices}.")
    return bool(differentiable or opt.defaults.get("differentiable", False))


def _to_scalar(x):
    return x.squeeze() if isinstance(x, Tensor) and x.dim() != 0 else x


def _get_value(x):
    return x.item() if isinstance(x, Tensor) else x


def _mkl_sqrt_(x):
    """``x.sqrt_()`` (SqrtBackward0) holding MKL's values, as ``_mkl_sqrt``."""
    vals = blas_sqrt(x.detach()._data) if x.dtype.is_floating_point and x.dtype.itemsize >= 4 else None
    x.sqrt_()
    if vals is not None:
        x._data[...] = vals
    return x


def _real(*tensors):
    from .. import view_as_real
    return [view_as_real(t) for t in tensors]


def rmsprop_d(params, grads, square_avgs, grad_avgs, momentum_buffer_list, state_steps, *, lr, alpha, eps,
              weight_decay, momentum, centered, maximize, differentiable, grad_mode):
    lr = _to_scalar(lr)
    with set_grad_enabled(grad_mode):
        for i, param in enumerate(params):
            step = state_steps[i]
            grad = grads[i] if not maximize else -grads[i]
            square_avg = square_avgs[i]
            step += 1
            if weight_decay != 0:
                grad = grad.add(param, alpha=weight_decay)
            is_complex = param.is_complex()
            if is_complex:
                param, grad, square_avg = _real(param, grad, square_avg)
            square_avg.mul_(alpha).addcmul_(grad, grad, value=1 - alpha)
            if centered:
                grad_avg = grad_avgs[i]
                if is_complex:
                    (grad_avg,) = _real(grad_avg)
                grad_avg.lerp_(grad, 1 - alpha)
                avg = _mkl_sqrt_(square_avg.addcmul(grad_avg, grad_avg, value=-1))
            else:
                avg = _mkl_sqrt(square_avg)
            avg = avg.add(eps) if differentiable else avg.add_(eps)
            if momentum > 0:
                buf = momentum_buffer_list[i]
                if is_complex:
                    (buf,) = _real(buf)
                buf.mul_(momentum).addcdiv_(grad, avg)
                param.add_(buf, alpha=-lr)
            else:
                param.addcdiv_(grad, avg, value=-lr)


def adagrad_d(params, grads, state_sums, state_steps, *, lr, weight_decay, lr_decay, eps, maximize,
              differentiable, grad_mode):
    lr = _to_scalar(lr)
    with set_grad_enabled(grad_mode):
        for param, grad, state_sum, step_t in zip(params, grads, state_sums, state_steps):
            step_t += 1
            step = _get_value(step_t)
            grad = grad if not maximize else -grad
            if weight_decay != 0:
                if grad.is_sparse:
                    raise RuntimeError("weight_decay option is not compatible with sparse gradients")
                grad = grad.add(param, alpha=weight_decay)
            clr = lr / (1 + (step - 1) * lr_decay)
            if grad.is_sparse:
                _sparse_step(param, grad, state_sum, clr, eps)
                continue
            if param.is_complex():
                grad, state_sum, param = _real(grad, state_sum, param)
            state_sum.addcmul_(grad, grad, value=1)
            std = _mkl_sqrt(state_sum) + eps if differentiable else _mkl_sqrt(state_sum).add_(eps)
            param.addcdiv_(grad, std, value=-clr)


def _sparse_step(param, grad, state_sum, clr, eps):
    """Adagrad's sparse branch, torch's ops: only the rows the coalesced gradient holds move."""
    from .. import sparse_coo_tensor
    grad = grad.coalesce()      # the update is not linear: duplicate indices summed first
    grad_indices, grad_values = grad._indices(), grad._values()
    state_sum.add_(sparse_coo_tensor(grad_indices, grad_values.pow(2), grad.size()))
    std = state_sum.sparse_mask(grad)
    std_values = _mkl_sqrt_(std._values()).add_(eps)
    param.add_(sparse_coo_tensor(grad_indices, grad_values / std_values, grad.size()), alpha=-clr)


def adadelta_d(params, grads, square_avgs, acc_deltas, state_steps, *, lr, rho, eps, weight_decay, maximize,
               differentiable, grad_mode):
    from .. import view_as_complex
    lr = _to_scalar(lr)
    with set_grad_enabled(grad_mode):
        for param, grad, square_avg, acc_delta, step in zip(params, grads, square_avgs, acc_deltas, state_steps):
            step += 1
            grad = grad if not maximize else -grad
            if weight_decay != 0:
                grad = grad.add(param, alpha=weight_decay)
            if param.is_complex():
                square_avg, acc_delta, grad = _real(square_avg, acc_delta, grad)
            square_avg.mul_(rho).addcmul_(grad, grad, value=1 - rho)
            std = _mkl_sqrt_(square_avg.add(eps))
            delta = _mkl_sqrt_(acc_delta.add(eps))
            if differentiable:
                delta = delta.clone()
            delta.div_(std).mul_(grad)
            acc_delta.mul_(rho).addcmul_(delta, delta, value=1 - rho)
            if param.is_complex():
                delta = view_as_complex(delta)
            param.add_(delta, alpha=-lr)


def nadam_d(params, grads, exp_avgs, exp_avg_sqs, mu_products, state_steps, *, beta1, beta2, lr, weight_decay,
            momentum_decay, eps, decoupled_weight_decay, maximize, differentiable, grad_mode):
    lr = _to_scalar(lr)
    with set_grad_enabled(grad_mode):
        for i, param in enumerate(params):
            grad = grads[i] if not maximize else -grads[i]
            exp_avg, exp_avg_sq, mu_product, step_t = exp_avgs[i], exp_avg_sqs[i], mu_products[i], state_steps[i]
            if param.is_complex():
                param, grad, exp_avg, exp_avg_sq = _real(param, grad, exp_avg, exp_avg_sq)
            step_t += 1
            step = _get_value(step_t)
            bias_correction2 = 1 - beta2 ** step
            if weight_decay != 0:
                if decoupled_weight_decay:
                    param.mul_(1 - lr * weight_decay)
                else:
                    grad = grad.add(param, alpha=weight_decay)
            mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay)))
            mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * momentum_decay)))
            mu_product *= mu
            exp_avg.lerp_(grad, 1 - beta1)
            exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
            denom = _mkl_sqrt(exp_avg_sq.div(bias_correction2))
            if differentiable:
                # torch keeps the coefficients tensors (mu_product's float32 arithmetic) to track them
                denom = denom.add(eps)
                mu_product_next = mu_product * mu_next
                grad = grad * (-lr * (1.0 - mu) / (1.0 - mu_product))
                exp_avg = exp_avg * (-lr * mu_next / (1.0 - mu_product_next))
                param.addcdiv_(grad, denom)
                param.addcdiv_(exp_avg, denom)
            else:
                mu_product_next = _get_value(mu_product) * mu_next
                denom.add_(eps)
                param.addcdiv_(grad, denom, value=(-lr * (1.0 - mu) / (1.0 - _get_value(mu_product))))
                param.addcdiv_(exp_avg, denom, value=(-lr * mu_next) / (1.0 - mu_product_next))


def radam_d(params, grads, exp_avgs, exp_avg_sqs, state_steps, *, beta1, beta2, lr, weight_decay, eps,
            decoupled_weight_decay, maximize, differentiable, grad_mode):
    lr = _to_scalar(lr)
    with set_grad_enabled(grad_mode):
        for i, param in enumerate(params):
            grad = grads[i] if not maximize else -grads[i]
            exp_avg, exp_avg_sq, step_t = exp_avgs[i], exp_avg_sqs[i], state_steps[i]
            if param.is_complex():
                param, grad, exp_avg, exp_avg_sq = _real(param, grad, exp_avg, exp_avg_sq)
            step_t += 1
            step = _get_value(step_t)
            if weight_decay != 0:
                if decoupled_weight_decay:
                    param.mul_(1 - lr * weight_decay)
                else:
                    grad = grad.add(param, alpha=weight_decay)
            exp_avg.lerp_(grad, 1 - beta1)
            exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
            bias_correction1 = 1 - beta1 ** step
            bias_correction2 = 1 - beta2 ** step
            bias_corrected_exp_avg = exp_avg / bias_correction1
            rho_inf = 2 / (1 - beta2) - 1
            rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
            if rho_t > 5.0:
                exp_avg_sq_sqrt = _mkl_sqrt(exp_avg_sq)
                exp_avg_sq_sqrt = exp_avg_sq_sqrt.add(eps) if differentiable else exp_avg_sq_sqrt.add_(eps)
                adaptive_lr = (bias_correction2 ** 0.5) / exp_avg_sq_sqrt
                rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
                param.add_(bias_corrected_exp_avg * lr * adaptive_lr * rect, alpha=-1.0)
            else:
                param.add_(bias_corrected_exp_avg * lr, alpha=-1.0)


def adamax_d(params, grads, exp_avgs, exp_infs, state_steps, *, eps, beta1, beta2, lr, weight_decay, maximize,
             differentiable, grad_mode):
    from .. import amax, cat, maximum
    lr = _to_scalar(lr)
    with set_grad_enabled(grad_mode):
        for i, param in enumerate(params):
            grad = grads[i] if not maximize else -grads[i]
            exp_avg, exp_inf, step_t = exp_avgs[i], exp_infs[i], state_steps[i]
            step_t += 1
            if weight_decay != 0:
                grad = grad.add(param, alpha=weight_decay)
            if param.is_complex():
                param, grad, exp_avg, exp_inf = _real(param, grad, exp_avg, exp_inf)
            exp_avg.lerp_(grad, 1 - beta1)
            if not differentiable:
                maximum(exp_inf.mul_(beta2), grad.abs().add_(eps), out=exp_inf)
            else:
                norm_buf = cat([exp_inf.mul_(beta2).unsqueeze(0), grad.abs().add_(eps).unsqueeze_(0)], 0)
                exp_inf.copy_(amax(norm_buf, 0, keepdim=False))
            bias_correction = 1 - beta1 ** _get_value(step_t)
            clr = lr / bias_correction
            param.addcdiv_(exp_avg, exp_inf, value=-clr)


def asgd_d(params, grads, axs, mus, etas, state_steps, *, lambd, lr, t0, alpha, weight_decay, maximize,
           differentiable, grad_mode):
    from .. import as_tensor
    lr = _to_scalar(lr)
    with set_grad_enabled(grad_mode):
        for i, param in enumerate(params):
            grad = grads[i] if not maximize else -grads[i]
            mu, ax, eta, step_t = mus[i], axs[i], etas[i], state_steps[i]
            if param.is_complex():
                grad, param, ax = _real(grad, param, ax)
            step_t += 1
            if weight_decay != 0:
                grad = grad.add(param, alpha=weight_decay)
            eta_value = _get_value(eta)
            param.mul_(1 - lambd * eta_value)
            param.add_(grad, alpha=-eta_value)
            if mu.item() != 1:
                ax.add_(param.sub(ax).mul_(mu))
            else:
                ax.copy_(param)
            step = _get_value(step_t)
            eta.copy_(as_tensor(lr / ((1 + lambd * lr * step) ** alpha)))
            mu.copy_(as_tensor(1 / max(1, step - t0)))


def rprop_d(params, grads, prevs, step_sizes, state_steps, *, step_size_min, step_size_max, etaminus, etaplus,
            maximize, differentiable, grad_mode):
    from .. import preserve_format
    with set_grad_enabled(grad_mode):
        for i, param in enumerate(params):
            grad = grads[i] if not maximize else -grads[i]
            prev, step_size, step = prevs[i], step_sizes[i], state_steps[i]
            step += 1
            if param.is_complex():
                grad, prev, param, step_size = _real(grad, prev, param, step_size)
            sign = grad.mul(prev.clone()).sign() if differentiable else grad.mul(prev).sign()
            sign[sign.gt(0)] = etaplus
            sign[sign.lt(0)] = etaminus
            sign[sign.eq(0)] = 1
            step_size.mul_(sign).clamp_(step_size_min, step_size_max)
            grad = grad.clone(memory_format=preserve_format)
            grad[sign.eq(etaminus)] = 0
            param.addcmul_(grad.sign(), step_size, value=-1)
            prev.copy_(grad)
