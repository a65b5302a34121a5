"""``torch.optim.Muon``: momentum, then the update orthogonalised by a few Newton-Schulz steps, for
2-d parameters (hidden layers' weight matrices).

    B = lerp(B, g, 1 - mu);   U = lerp(g, B, mu) if nesterov else B
    X = bfloat16(U) (transposed if it has more rows than columns);   X = X / max(||X||, eps)
    k times:   A = X @ X.T;   X = a X + (b A + c A @ A) @ X
    p = p * (1 - lr * wd);   p = p - lr * sqrt(max(1, rows / cols)) * X       ("original" adjust_lr_fn)

torch runs the Newton-Schulz steps in bfloat16, which is not a glasstorch dtype: here each step is
computed in float64 and rounded once to bfloat16's 8-bit significand, as torch's bfloat16 kernels round
their float32 result once (measured equal on random matrices: norm, division, mm, addmm).
"""
import math

import numpy as np

from ..autograd.grad_mode import no_grad
from .._tensor import Tensor
from .optimizer import Optimizer, _closure_loss, _lr_value

__all__ = ["Muon"]

EPS = 1e-7
DEFAULT_A = 3.4445
DEFAULT_B = -4.7750
DEFAULT_C = 2.0315
DEFAULT_NS_STEPS = 5


def _bf16(x):
    """``x`` (float64) rounded to the nearest bfloat16 value, ties to even, kept in float64."""
    m, e = np.frexp(x)
    return np.ldexp(np.rint(m * 256.0) / 256.0, e)


def _zeropower_via_newtonschulz(grad, ns_coefficients, ns_steps, eps):
    """The orthogonalised update as a float64 array of bfloat16 values (torch returns a bfloat16 tensor)."""
    if ns_steps >= 100:
        raise ValueError("Number of steps must be less than 100 for computational efficiency")
    if len(grad.shape) != 2:
        raise ValueError("Input tensor gradient must be a 2D matrix")
    if len(ns_coefficients) != 3:
        raise ValueError("Coefficients must be a tuple of exactly 3 values")
    a, b, c = ns_coefficients
    x = _bf16(grad._data.astype(np.float64))
    tall = grad.size(0) > grad.size(1)
    if tall:
        x = x.T
    norm = _bf16(np.sqrt(np.sum(x * x)))
    x = _bf16(x / max(norm, _bf16(np.float64(eps))))
    for _ in range(ns_steps):
        gram = _bf16(x @ x.T)
        update = _bf16(b * gram + c * (gram @ gram))
        x = _bf16(a * x + update @ x)
    return x.T if tall else x


def _adjust_lr(lr, adjust_lr_fn, param_shape):
    rows, cols = param_shape[:2]
    if adjust_lr_fn is None or adjust_lr_fn == "original":
        ratio = math.sqrt(max(1, rows / cols))
    elif adjust_lr_fn == "match_rms_adamw":
        ratio = 0.2 * math.sqrt(max(rows, cols))
    else:
        ratio = 1.0
    return lr * ratio


class Muon(Optimizer):
    def __init__(self, params, lr=1e-3, weight_decay=0.1, momentum=0.95, nesterov=True,
                 ns_coefficients=(DEFAULT_A, DEFAULT_B, DEFAULT_C), eps=EPS, ns_steps=DEFAULT_NS_STEPS,
                 adjust_lr_fn=None):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        if not 0.0 <= momentum:
            raise ValueError(f"momentum should be >= 0 but is: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight decay should be >= 0 but is: {weight_decay}")
        if adjust_lr_fn is not None and adjust_lr_fn not in ["original", "match_rms_adamw"]:
            raise ValueError(f"Adjust learning rate function {adjust_lr_fn} is not supported")
        defaults = {"lr": lr, "weight_decay": weight_decay, "momentum": momentum, "nesterov": nesterov,
                    "ns_coefficients": ns_coefficients, "eps": eps, "ns_steps": ns_steps,
                    "adjust_lr_fn": adjust_lr_fn}
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                if p.ndim != 2:
                    raise ValueError(f"Muon only supports 2D parameters whereas we found a parameter with size: "
                                     f"{p.size()}")

    def _new_state(self, group, p):
        if p.is_complex():
            raise RuntimeError("Muon does not support complex parameters")
        from .. import zeros_like
        return {"momentum_buffer": zeros_like(p._grad)}

    def step(self, closure=None):
        loss = _closure_loss(closure)
        with no_grad():
            for group in self.param_groups:
                params, grads, bufs = self._init_group(group, "momentum_buffer")
                _single_tensor_muon(params, grads, bufs, lr=group["lr"], weight_decay=group["weight_decay"],
                                    momentum=group["momentum"], nesterov=group["nesterov"],
                                    ns_coefficients=group["ns_coefficients"], ns_steps=group["ns_steps"],
                                    eps=group["eps"], adjust_lr_fn=group["adjust_lr_fn"])
        return loss

    _sparse_error = "Muon does not support sparse gradients"


def _single_tensor_muon(params, grads, bufs, *, lr, weight_decay, momentum, nesterov, ns_coefficients, ns_steps,
                        eps, adjust_lr_fn):
    from .. import from_numpy
    lr = _lr_value(lr)
    for param, grad, buf in zip(params, grads, bufs):
        if grad.ndim != 2:
            raise ValueError("Param gradient must be a 2D matrix")
        buf.lerp_(grad, 1 - momentum)
        update = grad.lerp(buf, momentum) if nesterov else buf
        ortho = _zeropower_via_newtonschulz(update, ns_coefficients, ns_steps, eps)
        adjusted_lr = _adjust_lr(lr, adjust_lr_fn, param.shape)
        param.mul_(1 - lr * weight_decay)
        # bfloat16 values are exact in float32, so the update can be added as a float32 tensor
        param.add_(from_numpy(ortho.astype(np.float32)), alpha=-adjusted_lr)

