"""``torch.optim.Adafactor``: Adam's second moment kept as row and column factors (sublinear memory),
with a relative step size and update clipping.

    g = -g if maximize;   t = t + 1;   beta2' = t ** beta2_decay        (the weight given to the new g^2)
    rho = min(lr, 1 / sqrt(t));   alpha = max(eps2, RMS(p)) * rho
    p = p * (1 - lr * wd)
    matrix g:  R = lerp(R, mean(g^2, -1), beta2');  C = lerp(C, mean(g^2, -2), beta2')
               V = R @ C / max(mean(R, -2), eps1)
    vector g:  V = lerp(V, g^2, beta2')
    u = g / sqrt(max(V, eps1^2));   p = p - alpha * u / max(1, RMS(u) / d)

eps1 defaults to the dtype's machine epsilon.  Written with tensor ops in torch's order, so every
rounding is the one torch's single-tensor loop makes.
"""
from ..autograd.grad_mode import no_grad
from .._dtype import finfo
from ._functional import scalar_state
from .optimizer import Optimizer, _closure_loss, _lr_value

__all__ = ["Adafactor", "adafactor"]


class Adafactor(Optimizer):
    _sparse_error = "Adafactor does not support sparse gradients"

    def __init__(self, params, lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0, weight_decay=0.0, *,
                 foreach=None, maximize=False):
        if hasattr(lr, "numel") and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        if not 0.0 >= beta2_decay:
            raise ValueError(f"beta2_decay should be <= 0 but is: {beta2_decay}")
        if eps[0] is not None and not 0.0 <= eps[0]:
            raise ValueError(f"epsilon1 should be >= 0 but is: {eps[0]}")
        if not 0.0 <= eps[1]:
            raise ValueError(f"epsilon2 should be >= 0 but is: {eps[1]}")
        if not 1.0 <= d:
            raise ValueError(f"Clipping threshold d should be >= 1 but is: {d}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight_decay should be >= 0 but is: {weight_decay}")
        defaults = dict(lr=lr, beta2_decay=beta2_decay, eps=eps, d=d, weight_decay=weight_decay, foreach=foreach,
                        maximize=maximize)
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        self._fill_group_options(foreach=None)

    def _new_state(self, group, p):
        g = p.grad
        if g.dim() > 1:
            # the factors keep g's shape with the last (rows) or second-to-last (columns) dim reduced
            return {"step": scalar_state(0.0), "row_var": g.new_zeros(list(g.shape[:-1]) + [1]),
                    "col_var": g.new_zeros(list(g.shape[:-2]) + [1, g.shape[-1]])}
        from .. import zeros_like
        return {"step": scalar_state(0.0), "variance": zeros_like(g)}

    def step(self, closure=None):
        loss = _closure_loss(closure)
        for group in self.param_groups:
            if any(p.grad is not None and p.is_complex() for p in group["params"]):
                raise RuntimeError("Adafactor does not support complex parameters")
            params, grads = self._init_group(group)
            states = [self.state[p] for p in params]
            eps1, eps2 = group["eps"]
            adafactor(params, grads, [s.get("row_var") for s in states], [s.get("col_var") for s in states],
                      [s.get("variance") for s in states], [s["step"] for s in states], d=group["d"],
                      lr=group["lr"], beta2_decay=group["beta2_decay"], weight_decay=group["weight_decay"],
                      eps1=eps1, eps2=eps2, maximize=group["maximize"])
        return loss


def adafactor(params, grads, row_vars, col_vars, variances, state_steps, foreach=None, grad_scale=None,
              found_inf=None, has_complex=False, *, d, lr, beta2_decay, weight_decay, eps1, eps2, maximize):
    lr = _lr_value(lr)
    with no_grad():
        for i, param in enumerate(params):
            grad = -grads[i] if maximize else grads[i]
            step_t = state_steps[i]
            e1 = finfo(param.dtype).eps if eps1 is None else eps1
            step_t += 1
            t = step_t.item()
            weight = t ** beta2_decay
            rho = min(lr, 1 / (t ** 0.5))
            alpha = max(eps2, param.norm(2).item() / (param.numel() ** 0.5)) * rho
            if weight_decay != 0:
                param.mul_(1 - lr * weight_decay)
            if grad.dim() > 1:
                row_var, col_var = row_vars[i], col_vars[i]
                row_var.lerp_(grad.norm(dim=-1, keepdim=True).square_().div_(grad.size(-1)), weight)
                col_var.lerp_(grad.norm(dim=-2, keepdim=True).square_().div_(grad.size(-2)), weight)
                var_estimate = row_var @ col_var
                var_estimate.div_(row_var.mean(dim=-2, keepdim=True).clamp_(min=e1))
            else:
                variances[i].lerp_(grad * grad, weight)
                var_estimate = variances[i].clone()
            update = var_estimate.clamp_(min=e1 * e1).rsqrt_()
            update.mul_(grad)
            denom = max(1.0, update.norm(2).item() / ((update.numel() ** 0.5) * d))
            param.add_(update, alpha=-alpha / denom)
