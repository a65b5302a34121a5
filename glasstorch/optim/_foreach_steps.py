"""RAdam and NAdam with ``foreach=True``: torch's multi-tensor loops compute the update in another order
than the single-tensor ones (the same numbers up to rounding), so glasstorch runs them as written,
parameter by parameter (every op is elementwise, so torch's grouping by dtype changes nothing), with
``_foreach_mul_`` where torch's loop multiplies by a number (float16 takes it rounded to float16):

RAdam (``_multi_tensor_radam``), after the moments as the single-tensor loop's:

    rect = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t)) if rho_t > 5 else 0
    b = 1 / ((sqrt(v) + eps) / (-sqrt(1 - beta2**t) * lr * rect / bc1)) + (-lr * (rect == 0) / bc1)
    p.addcmul_(m, b)

NAdam (``_multi_tensor_nadam``): ``denom = sqrt(v) / sqrt(1 - beta2**t) + eps`` (the single-tensor
loop: ``sqrt(v / (1 - beta2**t)) + eps``), then the two ``addcdiv_`` of the single-tensor loop.
"""
from ..autograd.grad_mode import no_grad
from ._functional import get_value, incr


def _real(t):
    from .. import view_as_real
    return view_as_real(t) if t.is_complex() else t


def _moments(p, g, m, v, *, beta1, beta2, lr, weight_decay, maximize, decoupled):
    """The gradient after maximize and weight decay; ``m``, ``v`` (and p, decoupled) updated in place."""
    if maximize:
        g = -g
    from .._foreach import _foreach_mul_        # (float16: its number rounded to float16, as torch's)
    if weight_decay != 0:
        if decoupled:
            _foreach_mul_([p], 1 - lr * weight_decay)
        else:
            g = g.add(p, alpha=weight_decay)
    m.lerp_(g, 1 - beta1)
    _foreach_mul_([v], beta2)
    v.addcmul_(g, g, value=1 - beta2)
    return g


def radam_foreach(params, grads, exp_avgs, exp_avg_sqs, state_steps, *, beta1, beta2, lr, weight_decay, eps,
                  maximize, decoupled_weight_decay):
    with no_grad():
        for p, g, m, v, step_t in zip(params, grads, exp_avgs, exp_avg_sqs, state_steps):
            p, g, m, v = _real(p), _real(g), _real(m), _real(v)
            incr(step_t)
            step = get_value(step_t)
            rho_inf = 2 / (1 - beta2) - 1
            rho_t = rho_inf - 2 * step * (beta2 ** step) / (1 - beta2 ** step)
            _moments(p, g, m, v, beta1=beta1, beta2=beta2, lr=lr, weight_decay=weight_decay, maximize=maximize,
                     decoupled=decoupled_weight_decay)
            rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5 \
                if rho_t > 5 else 0
            bc1 = 1 - beta1 ** step
            unrect_step_size = (lr * (0 if rect > 0 else 1.0) / bc1) * -1
            bias_correction2 = ((1 - beta2 ** step) ** 0.5) * (lr * rect / bc1) * -1
            buffer = v.sqrt()
            buffer.add_(eps)
            buffer.div_(bias_correction2)
            buffer.reciprocal_()
            buffer.add_(unrect_step_size)
            p.addcmul_(m, buffer)


def nadam_foreach(params, grads, exp_avgs, exp_avg_sqs, mu_products, state_steps, *, beta1, beta2, lr,
                  weight_decay, momentum_decay, eps, decoupled_weight_decay, maximize):
    with no_grad():
        for p, g, m, v, mu_product, step_t in zip(params, grads, exp_avgs, exp_avg_sqs, mu_products, state_steps):
            p, g, m, v = _real(p), _real(g), _real(m), _real(v)
            incr(step_t)
            step = get_value(step_t)
            g = _moments(p, g, m, v, beta1=beta1, beta2=beta2, lr=lr, weight_decay=weight_decay,
                         maximize=maximize, decoupled=decoupled_weight_decay)
            denom = v.sqrt()
            mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay)))
            mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * momentum_decay)))
            mu_product.mul_(mu)
            denom.div_((1 - beta2 ** step) ** 0.5)
            denom.add_(eps)
            mp = get_value(mu_product)
            p.addcdiv_(g, denom, value=(lr * (1.0 - mu) / (1.0 - mp)) * -1)
            p.addcdiv_(m, denom, value=(lr * mu_next / (1.0 - mp * mu_next)) * -1)
