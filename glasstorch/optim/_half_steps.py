"""Optimizer updates of float16 parameters, as torch's single-tensor loops compute them.

The array kernels in ``_functional.py`` are written for float32/float64: they round a Python-number
hyperparameter to the array's dtype and fuse several of torch's ops into one NumPy expression.  For
float16 both are wrong: torch's float16 kernels compute in float32 ("opmath", the Python number held
as float32) and round to float16 once per op, so ``exp_avg_sq.mul_(0.999)`` multiplies by float32's
0.999, not float16's 0.99902, and ``lerp_``/``addcmul_``/``addcdiv_`` round once, not after each
product.  glasstorch's tensor ops already compute float16 that way, so these updates are torch's
algorithm written with them, on fresh tensors over the state arrays (the callers bump the version
counters of the real tensors once, as for the other dtypes).
"""
import numpy as np

from .._tensor import _wrap
from ..autograd.grad_mode import no_grad


def is_half(x):
    return x.dtype == np.float16


def scale_(x, s):
    """``x.mul_(s)`` of a float16 array by a Python number, as torch rounds it (in place)."""
    with no_grad():
        _wrap(x).mul_(s)
    return x


def _p_grad(x, g, weight_decay, maximize):
    """p and g as torch's single-tensor loops begin: g negated when maximizing, then plus wd * p."""
    p, grad = _wrap(x), _wrap(g)
    if maximize:
        grad = -grad
    if weight_decay != 0:
        grad = grad.add(p, alpha=weight_decay)
    return p, grad


def _adam_moments(x, g, m, v, beta1, beta2, lr, weight_decay, maximize, decoupled):
    """The moments Adam and RAdam share: maximize, weight decay (decoupled: on p), then
    ``m.lerp_(g, 1 - beta1)`` and ``v.mul_(beta2).addcmul_(g, g, value=1 - beta2)`` (under no_grad)."""
    p, grad, exp_avg, exp_avg_sq = _wrap(x), _wrap(g), _wrap(m), _wrap(v)
    if maximize:
        grad = -grad
    if weight_decay != 0:
        if decoupled:
            p.mul_(1 - lr * weight_decay)
        else:
            grad = grad.add(p, alpha=weight_decay)
    exp_avg.lerp_(grad, 1 - beta1)
    exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
    return p, exp_avg, exp_avg_sq


def adam_update(x, g, m, v, vmax, step, *, amsgrad, beta1, beta2, lr, weight_decay, eps, maximize, decoupled):
    """One step of torch's ``_single_tensor_adam`` (AdamW when ``decoupled``) on float16 arrays, in place:

        g = -g if maximize;  p *= 1 - lr*wd (decoupled)  or  g = g + wd*p
        m.lerp_(g, 1 - beta1);  v.mul_(beta2).addcmul_(g, g, value=1 - beta2)
        denom = (sqrt(v or vmax = max(vmax, v)) / sqrt(1 - beta2**step)).add_(eps)
        p.addcdiv_(m, denom, value=-lr / (1 - beta1**step))
    """
    with no_grad():
        p, exp_avg, exp_avg_sq = _adam_moments(x, g, m, v, beta1, beta2, lr, weight_decay, maximize, decoupled)
        bias_correction1 = 1 - beta1 ** step
        bias_correction2_sqrt = (1 - beta2 ** step) ** 0.5
        if amsgrad:
            top = _wrap(vmax)
            np.maximum(vmax, v, out=vmax)
            denom = (top.sqrt() / bias_correction2_sqrt).add_(eps)
        else:
            denom = (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps)
        p.addcdiv_(exp_avg, denom, value=-(lr / bias_correction1))


def rmsprop_update(x, g, v, ga, b, *, lr, alpha, eps, weight_decay, momentum, centered, maximize):
    """One step of torch's ``_single_tensor_rmsprop`` on float16 arrays (``ga``: the centred average,
    ``b``: the momentum buffer, None when unused), in place:

        g = -g if maximize;  g = g + wd*p
        v.mul_(alpha).addcmul_(g, g, value=1 - alpha)
        avg = sqrt(v - ga*ga) after ga.lerp_(g, 1 - alpha) (centred)  or  sqrt(v);  avg.add_(eps)
        b.mul_(momentum).addcdiv_(g, avg); p.add_(b, alpha=-lr)  or  p.addcdiv_(g, avg, value=-lr)
    """
    with no_grad():
        p, grad = _p_grad(x, g, weight_decay, maximize)
        square_avg = _wrap(v)
        square_avg.mul_(alpha).addcmul_(grad, grad, value=1 - alpha)
        if centered:
            grad_avg = _wrap(ga)
            grad_avg.lerp_(grad, 1 - alpha)
            avg = square_avg.addcmul(grad_avg, grad_avg, value=-1).sqrt_()
        else:
            avg = square_avg.sqrt()
        avg = avg.add_(eps)
        if momentum > 0:
            buf = _wrap(b)
            buf.mul_(momentum).addcdiv_(grad, avg)
            p.add_(buf, alpha=-lr)
        else:
            p.addcdiv_(grad, avg, value=-lr)


def adagrad_update(x, g, s, clr, *, weight_decay, eps, maximize):
    """One dense step of torch's ``_single_tensor_adagrad`` on float16 arrays, in place:
    ``s.addcmul_(g, g, value=1); p.addcdiv_(g, s.sqrt().add_(eps), value=-clr)`` (g with maximize and
    weight decay applied first)."""
    with no_grad():
        p, grad = _p_grad(x, g, weight_decay, maximize)
        state_sum = _wrap(s)
        state_sum.addcmul_(grad, grad, value=1)
        p.addcdiv_(grad, state_sum.sqrt().add_(eps), value=-clr)


def adamax_update(x, g, m, u, step, *, eps, beta1, beta2, lr, weight_decay, maximize):
    """One step of torch's ``_single_tensor_adamax`` on float16 arrays, in place:
    ``m.lerp_(g, 1 - beta1); u = max(u.mul_(beta2), |g| + eps); p.addcdiv_(m, u, value=-lr / (1 - beta1**step))``."""
    with no_grad():
        p, grad = _p_grad(x, g, weight_decay, maximize)
        exp_avg, exp_inf = _wrap(m), _wrap(u)
        exp_avg.lerp_(grad, 1 - beta1)
        exp_inf.mul_(beta2)
        np.maximum(u, grad.abs().add_(eps)._data, out=u)
        p.addcdiv_(exp_avg, exp_inf, value=-(lr / (1 - beta1 ** step)))


def nadam_update(x, g, m, v, mp, step, *, beta1, beta2, lr, weight_decay, momentum_decay, eps, maximize,
                 decoupled):
    """One step of torch's ``_single_tensor_nadam`` on float16 arrays (``mp``: the float32 0-d mu product),
    in place: the moments as Adam's, ``denom = (v / (1 - beta2**step)).sqrt().add_(eps)``, then
    ``p.addcdiv_(g, denom, ...)`` and ``p.addcdiv_(m, denom, ...)`` with the momentum-schedule factors."""
    with no_grad():
        p, grad, exp_avg, exp_avg_sq = _wrap(x), _wrap(g), _wrap(m), _wrap(v)
        if maximize:
            grad = -grad
        bias_correction2 = 1 - beta2 ** step
        if weight_decay != 0:
            if decoupled:
                p.mul_(1 - lr * weight_decay)
            else:
                grad = grad.add(p, alpha=weight_decay)
        mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay)))
        mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * momentum_decay)))
        mp *= np.float32(mu)                        # a float32 0-d tensor times a Python number
        exp_avg.lerp_(grad, 1 - beta1)
        exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
        denom = exp_avg_sq.div(bias_correction2).sqrt().add_(eps)
        mu_product = float(mp)
        mu_product_next = mu_product * mu_next
        p.addcdiv_(grad, denom, value=-lr * (1.0 - mu) / (1.0 - mu_product))
        p.addcdiv_(exp_avg, denom, value=(-lr * mu_next) / (1.0 - mu_product_next))


def radam_update(x, g, m, v, step, *, beta1, beta2, lr, weight_decay, eps, maximize, decoupled):
    """One step of torch's ``_single_tensor_radam`` on float16 arrays, in place: the moments as Adam's,
    then ``p.add_(m / bc1 * lr * (sqrt(bc2) / v.sqrt().add_(eps)) * rect, alpha=-1)`` while the
    variance is tractable (rho_t > 5), else ``p.add_(m / bc1 * lr, alpha=-1)``."""
    with no_grad():
        p, exp_avg, exp_avg_sq = _adam_moments(x, g, m, v, beta1, beta2, lr, weight_decay, maximize, decoupled)
        bias_correction1 = 1 - beta1 ** step
        bias_correction2 = 1 - beta2 ** step
        bias_corrected_exp_avg = exp_avg / bias_correction1
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
        if rho_t > 5.0:
            rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
            adaptive_lr = (bias_correction2 ** 0.5) / exp_avg_sq.sqrt().add_(eps)
            p.add_(bias_corrected_exp_avg * lr * adaptive_lr * rect, alpha=-1.0)
        else:
            p.add_(bias_corrected_exp_avg * lr, alpha=-1.0)


def adadelta_update(x, g, v, u, *, lr, rho, eps, weight_decay, maximize):
    """One step of torch's ``_single_tensor_adadelta`` on float16 arrays, in place:
    ``v.mul_(rho).addcmul_(g, g, value=1 - rho); delta = (u + eps).sqrt_().div_((v + eps).sqrt_()).mul_(g);
    u.mul_(rho).addcmul_(delta, delta, value=1 - rho); p.add_(delta, alpha=-lr)``."""
    with no_grad():
        p, grad = _p_grad(x, g, weight_decay, maximize)
        square_avg, acc_delta = _wrap(v), _wrap(u)
        square_avg.mul_(rho).addcmul_(grad, grad, value=1 - rho)
        std = square_avg.add(eps).sqrt_()
        delta = acc_delta.add(eps).sqrt_()
        delta.div_(std).mul_(grad)
        acc_delta.mul_(rho).addcmul_(delta, delta, value=1 - rho)
        p.add_(delta, alpha=-lr)


def asgd_update(x, g, a, mu, eta_value, *, lambd, weight_decay, maximize):
    """The parameter and average part of torch's ``_single_tensor_asgd`` on float16 arrays (``mu``: the
    float32 0-d state, used as a 0-d tensor operand as torch does), in place:
    ``p.mul_(1 - lambd*eta); p.add_(g, alpha=-eta); ax.add_(p.sub(ax).mul_(mu))`` (or ``ax.copy_(p)`` at mu 1)."""
    with no_grad():
        p, grad = _p_grad(x, g, weight_decay, maximize)
        ax = _wrap(a)
        p.mul_(1 - lambd * eta_value)
        p.add_(grad, alpha=-eta_value)
        if float(mu) != 1:
            ax.add_(p.sub(ax).mul_(_wrap(mu)))
        else:
            ax.copy_(p)
