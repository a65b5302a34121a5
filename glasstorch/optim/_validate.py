"""Argument checks shared by the optimizers, with torch's messages, in torch's order."""
from .._tensor import Tensor
from ._functional import scalar_state

__all__ = ["check_lr", "check_eps", "check_betas", "check_weight_decay", "restore_step_tensors"]


def check_lr(lr, strict=False):
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    if (not 0.0 < lr) if strict else (not 0.0 <= lr):
        raise ValueError(f"Invalid learning rate: {lr}")


def check_eps(eps, strict=False):
    if (not 0.0 < eps) if strict else (not 0.0 <= eps):
        raise ValueError(f"Invalid epsilon value: {eps}")


def check_betas(betas):
    if not 0.0 <= betas[0] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
    if not 0.0 <= betas[1] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")


def check_weight_decay(weight_decay):
    if not 0.0 <= weight_decay:
        raise ValueError(f"Invalid weight_decay value: {weight_decay}")


def check_fused(fused, foreach, differentiable):
    """torch's checks on ``fused=True``; glasstorch accepts it and runs the single-tensor algorithm."""
    if fused:
        if differentiable:
            raise RuntimeError("`fused` does not support `differentiable`")
        if foreach:
            raise RuntimeError("`fused` and `foreach` cannot be `True` together.")


def restore_step_tensors(opt, keys=("step",)):
    """Old pickles hold ``step`` (and friends) as numbers; torch 2.x turns them into float32 0-d tensors."""
    for group in opt.param_groups:
        for p in group["params"]:
            p_state = opt.state.get(p, [])
            if len(p_state) == 0:
                continue
            for key in keys:
                if key in p_state and not isinstance(p_state[key], Tensor):
                    p_state[key] = scalar_state(float(p_state[key]))
