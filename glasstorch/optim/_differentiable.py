"""The ``differentiable=True`` steps: torch's single-tensor algorithms written with tensor ops and run
with grad mode on, so the update is recorded in the autograd graph (hypergradients through a step,
unrolled meta-learning).  The fast array kernels of the optimizers write into the arrays behind
autograd's back, which is right for the ordinary step (torch runs it under no_grad) but loses the
graph here.

SGD, per parameter p with gradient g:

    g = -g if maximize
    g = g + wd * p                                  (wd a tensor requiring grad: g.addcmul_(p.clone(), wd))
    b = g.detach().clone() (first step)  or  b.mul_(momentum).add_(g, alpha=1 - dampening)
    g = g + momentum * b if nesterov else b
    p.add_(g, alpha=-lr)                            (lr a tensor requiring grad: p.addcmul_(g, lr, value=-1))
"""
from .._tensor import Tensor
from ._blas_order import sqrt as blas_sqrt   # torch's sqrt is MKL's vsSqrt, not correctly rounded
from ..autograd.grad_mode import set_grad_enabled

__all__ = ["adam_differentiable", "sgd_differentiable"]


def sgd_differentiable(params, grads, bufs, *, weight_decay, momentum, lr, dampening, nesterov, maximize):
    """torch's ``_single_tensor_sgd``; ``bufs`` is filled in for first steps."""
    if isinstance(lr, Tensor) and lr.numel() == 1 and not lr.requires_grad:
        lr = lr.item()
    with set_grad_enabled(True):
        for i, param in enumerate(params):
            grad = -grads[i] if maximize else grads[i]
            if isinstance(weight_decay, Tensor) and weight_decay.requires_grad:
                grad = grad.addcmul_(param.clone(), weight_decay)
            elif weight_decay != 0:
                grad = grad.add(param, alpha=weight_decay)
            if momentum != 0:
                buf = bufs[i]
                if buf is None:
                    buf = bufs[i] = grad.detach().clone()
                else:
                    buf.mul_(momentum).add_(grad, alpha=1 - dampening)
                grad = grad.add(buf, alpha=momentum) if nesterov else buf
            if isinstance(lr, Tensor):
                param.addcmul_(grad, lr, value=-1)
            else:
                param.add_(grad, alpha=-lr)


def _mkl_sqrt(x):
    """``x.sqrt()`` in the graph (SqrtBackward0, which saves the result) holding MKL's vsSqrt/vdSqrt
    values, which torch's sqrt returns and glasstorch's ``torch.sqrt`` does not (docs/differences.md):
    the optimizers' steps are torch's bit for bit."""
    y = x.sqrt()
    if y.dtype.is_floating_point and y.dtype.itemsize >= 4:
        y._data[...] = blas_sqrt(x.detach()._data)
    return y


def adam_differentiable(params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, state_steps, *, amsgrad, beta1,
                        beta2, lr, weight_decay, eps, maximize, decoupled_weight_decay):
    """torch's ``_single_tensor_adam`` on its differentiable branch: the bias corrections are float32
    tensor arithmetic on the step tensor, and

        denom = sqrt(v) / (sqrt(1 - beta2**t) * -(lr / (1 - beta1**t))) + eps / -(lr / (1 - beta1**t))
        p.addcdiv_(m.clone(), denom)

    (amsgrad: v_max = maximum(v_max.clone(), v) copied into v_max, used for v)."""
    from .. import maximum, square, view_as_complex, view_as_real
    if isinstance(lr, Tensor) and lr.dim() != 0:
        lr = lr.squeeze()
    with set_grad_enabled(True):
        for i, param in enumerate(params):
            grad = -grads[i] if maximize else grads[i]
            exp_avg, exp_avg_sq, step_t = exp_avgs[i], exp_avg_sqs[i], state_steps[i]
            step_t += 1
            if weight_decay != 0:
                if decoupled_weight_decay:
                    param.mul_(1 - lr * weight_decay)
                elif isinstance(weight_decay, Tensor) and weight_decay.requires_grad:
                    grad = grad.addcmul_(param.clone(), weight_decay)
                else:
                    grad = grad.add(param, alpha=weight_decay)
            is_complex = param.is_complex()
            if is_complex:
                grad, exp_avg, exp_avg_sq = view_as_real(grad), view_as_real(exp_avg), view_as_real(exp_avg_sq)
                if amsgrad:
                    max_exp_avg_sqs[i] = view_as_real(max_exp_avg_sqs[i])
                param = view_as_real(param)
            b1 = beta1.to(dtype=param.dtype) if isinstance(beta1, Tensor) else beta1
            exp_avg.lerp_(grad, 1 - b1)
            if isinstance(beta2, Tensor) and beta2.requires_grad:
                exp_avg_sq.lerp_(square(grad), weight=1 - beta2)
            else:
                exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
            step = step_t
            bias_correction1 = 1 - beta1 ** (step.clone() if isinstance(beta1, Tensor) and beta1.requires_grad
                                             else step)
            bias_correction2 = 1 - beta2 ** (step.clone() if isinstance(beta2, Tensor) and beta2.requires_grad
                                             else step)
            step_size = lr / bias_correction1
            step_size_neg = step_size.neg()
            bias_correction2_sqrt = _mkl_sqrt(bias_correction2)
            if amsgrad:
                max_exp_avg_sqs[i].copy_(maximum(max_exp_avg_sqs[i].clone(), exp_avg_sq))
                v = max_exp_avg_sqs[i]
            else:
                v = exp_avg_sq
            denom = (_mkl_sqrt(v) / (bias_correction2_sqrt * step_size_neg)).add_(eps / step_size_neg)
            param.addcdiv_(exp_avg.clone(), denom)
            if amsgrad and is_complex:
                max_exp_avg_sqs[i] = view_as_complex(max_exp_avg_sqs[i])
