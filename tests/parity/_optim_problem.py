"""A fixed problem for optimizer parity: a 3-5-1 tanh MLP on 16 points, built from elementwise
ops only (no matmul, no nn), the same on torch and glasstorch.  Expectations come from torch
at test time."""
import numpy as np
import torch

import glasstorch


def problem(dtype="float64", seed=0):
    rng = np.random.default_rng(seed)
    arrays = {
        "w1": rng.standard_normal((3, 5)) * 0.7,
        "b1": rng.standard_normal(5) * 0.1,
        "w2": rng.standard_normal(5) * 0.7,
        "b2": rng.standard_normal(()) * 0.1,
    }
    x = rng.standard_normal((16, 3))
    y = np.sin(x.sum(1))
    return {k: v.astype(dtype) for k, v in arrays.items()}, x.astype(dtype), y.astype(dtype)


def make_params(mod, arrays):
    return [mod.from_numpy(np.array(a, copy=True)).requires_grad_(True) for a in arrays.values()]


def loss_fn(mod, params, x, y):
    w1, b1, w2, b2 = params
    h = ((x.unsqueeze(2) * w1).sum(1) + b1).tanh()
    out = (h * w2).sum(1) + b2
    return ((out - y) ** 2).mean()


def _torch_oracle(params, x_np, y_np):
    """Loss and gradients computed by torch at glasstorch's current parameters, so that a test
    sees only the optimizer's arithmetic (autograd parity is tested elsewhere)."""
    tp = [torch.from_numpy(p._data.copy()).requires_grad_(True) for p in params]
    loss = loss_fn(torch, tp, torch.from_numpy(x_np), torch.from_numpy(y_np))
    loss.backward()
    for p, t in zip(params, tp):
        p.grad = glasstorch.from_numpy(t.grad.numpy().copy())
    return glasstorch.from_numpy(loss.detach().numpy().copy())


def run(mod, cls_name, kwargs, steps=100, dtype="float64", groups=False, closure_opt=False, torch_grads=True):
    arrays, x_np, y_np = problem(dtype)
    params = make_params(mod, arrays)
    x, y = mod.from_numpy(x_np.copy()), mod.from_numpy(y_np.copy())
    cls = getattr(mod.optim, cls_name)
    if groups:
        opt = cls([{"params": params[:2]}, {"params": params[2:], "lr": kwargs.get("lr", 1e-2) * 0.5}], **kwargs)
    else:
        opt = cls(params, **kwargs)

    def closure():
        opt.zero_grad()
        if torch_grads and mod is glasstorch:
            return _torch_oracle(params, x_np, y_np)
        loss = loss_fn(mod, params, x, y)
        loss.backward()
        return loss

    for _ in range(steps):
        if closure_opt:
            opt.step(closure)
        else:
            closure()
            opt.step()
    return params, opt


MODS = (torch, glasstorch)
