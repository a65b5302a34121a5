"""Lion (Chen et al. 2023) and a Sophia-like optimizer (Liu et al. 2023) written by subclassing
torch.optim.Optimizer, with _foreach kernels, Hutchinson Hessian-diagonal estimates and
state_dict round trips."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class Lion(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-4, betas=(0.9, 0.99), weight_decay=0.0, foreach=False):
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        defaults = dict(lr=lr, betas=betas, weight_decay=weight_decay, foreach=foreach)
        super().__init__(params, defaults)

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            params, grads, avgs = [], [], []
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if len(state) == 0:
                    state["exp_avg"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                params.append(p)
                grads.append(p.grad)
                avgs.append(state["exp_avg"])
            if not params:
                continue
            beta1, beta2 = group["betas"]
            if group["foreach"]:
                torch._foreach_mul_(params, 1 - group["lr"] * group["weight_decay"])
                updates = torch._foreach_mul(avgs, beta1)
                torch._foreach_add_(updates, grads, alpha=1 - beta1)
                updates = [u.sign_() for u in updates]
                torch._foreach_add_(params, updates, alpha=-group["lr"])
                torch._foreach_mul_(avgs, beta2)
                torch._foreach_add_(avgs, grads, alpha=1 - beta2)
            else:
                for p, g, m in zip(params, grads, avgs):
                    p.data.mul_(1 - group["lr"] * group["weight_decay"])
                    update = m.clone().mul_(beta1).add(g, alpha=1 - beta1).sign_()
                    p.add_(update, alpha=-group["lr"])
                    m.mul_(beta2).add_(g, alpha=1 - beta2)
        return loss


class SophiaH(torch.optim.Optimizer):
    """Sophia with a Hutchinson estimator of the Hessian diagonal, refreshed every k steps."""

    def __init__(self, params, lr=1e-2, betas=(0.96, 0.99), rho=0.05, weight_decay=0.0, k=2, eps=1e-12):
        defaults = dict(lr=lr, betas=betas, rho=rho, weight_decay=weight_decay, k=k, eps=eps)
        super().__init__(params, defaults)

    @torch.no_grad()
    def update_hessian(self, hvp_fn):
        for group in self.param_groups:
            ps = [p for p in group["params"] if p.grad is not None]
            zs = [torch.randint_like(p, 0, 2) * 2 - 1 for p in ps]
            with torch.enable_grad():
                hzs = hvp_fn(ps, zs)
            _, beta2 = group["betas"]
            for p, z, hz in zip(ps, zs, hzs):
                state = self.state[p]
                if "hessian" not in state:
                    state["hessian"] = torch.zeros_like(p)
                state["hessian"].mul_(beta2).addcmul_(z, hz, value=1 - beta2)

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            beta1, _ = group["betas"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if "exp_avg" not in state:
                    state["step"] = torch.tensor(0.0)
                    state["exp_avg"] = torch.zeros_like(p)
                if "hessian" not in state:
                    state["hessian"] = torch.zeros_like(p)
                state["step"] += 1
                p.mul_(1 - group["lr"] * group["weight_decay"])
                state["exp_avg"].lerp_(p.grad, 1 - beta1)
                denom = (group["rho"] * state["hessian"]).clamp(min=group["eps"])
                ratio = (state["exp_avg"].abs() / denom).clamp(max=1.0)
                p.addcmul_(state["exp_avg"].sign(), ratio, value=-group["lr"])
        return loss


def make_data(n=64):
    g = torch.Generator().manual_seed(7)
    x = torch.randn(n, 5, generator=g)
    w_true = torch.tensor([[1.5], [-2.0], [0.5], [0.0], [3.0]])
    y = x @ w_true + 0.1 * torch.randn(n, 1, generator=g)
    return x, y


def train(opt_cls, steps=30, **kw):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 1))
    opt = opt_cls(model.parameters(), **kw)
    x, y = make_data()
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = F.mse_loss(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return model, opt, losses


print("=== Lion: loop vs foreach ===")
m1, o1, l1 = train(Lion, lr=3e-3, weight_decay=0.1)
m2, o2, l2 = train(Lion, lr=3e-3, weight_decay=0.1, foreach=True)
print(o1)
print("losses", [round(v, 4) for v in l1[::6]])
print("same trajectory:", all(torch.equal(a, b) for a, b in zip(m1.parameters(), m2.parameters())))
print(m1[0].weight[:2])
sd = o1.state_dict()
print("state keys:", sorted(sd["state"].keys()), "group keys:", sorted(sd["param_groups"][0].keys()))
print("params listed:", sd["param_groups"][0]["params"])
print(sd["state"][3]["exp_avg"])

# The built-in Adam and our Lion: number of sign flips of the update
torch.manual_seed(0)
ref = nn.Linear(5, 1)
lion = Lion(ref.parameters(), lr=0.01)
x, y = make_data()
loss = F.mse_loss(ref(x), y)
loss.backward()
before = ref.weight.detach().clone()
lion.step()
delta = (ref.weight.detach() - before) / 0.01
print("lion first update:", delta)
print("equals -sign(grad):", torch.allclose(delta, -ref.weight.grad.sign() * 0.1 * 0 - ref.weight.grad.sign()))

for bad in [dict(lr=-1.0), dict(betas=(1.0, 0.9)), dict(betas=(0.9, 1.5))]:
    try:
        Lion(ref.parameters(), **bad)
    except ValueError as e:
        print("ValueError:", e)

print("=== SophiaH ===")
torch.manual_seed(1)
model = nn.Sequential(nn.Linear(5, 6), nn.Softplus(), nn.Linear(6, 1))
opt = SophiaH(model.parameters(), lr=0.05, rho=0.04, k=3)
x, y = make_data()
for it in range(12):
    opt.zero_grad(set_to_none=True)
    out = model(x)
    loss = F.mse_loss(out, y)
    if it % opt.defaults["k"] == 0:
        ps = list(model.parameters())
        grads = torch.autograd.grad(loss, ps, create_graph=True)

        def hvp(params, vs, grads=grads):
            return torch.autograd.grad(grads, params, grad_outputs=vs, retain_graph=True)

        for p, gr in zip(ps, grads):
            p.grad = gr.detach().clone()
        opt.update_hessian(hvp)
    else:
        loss.backward()
    opt.step()
    if it % 3 == 2:
        print(f"iter {it:2d} loss {loss.item():.4f}")
h = opt.state[model[0].weight]["hessian"]
print("hessian diag estimate shape", tuple(h.shape), "dtype", h.dtype, "steps", opt.state[model[0].weight]["step"])
print("mean |h| > 0:", bool(h.abs().mean() > 0))
print(opt.state[model[2].bias])

# state_dict round trip into a fresh optimizer
opt2 = SophiaH(model.parameters(), lr=0.05)
opt2.load_state_dict(opt.state_dict())
print("lr after load:", opt2.param_groups[0]["lr"], "rho:", opt2.param_groups[0]["rho"])
print("hessian equal:", torch.equal(opt2.state[model[0].weight]["hessian"], h))
print("step tensor:", opt2.state[model[0].weight]["step"], opt2.state[model[0].weight]["step"].dtype)
