"""A hand-written Nesterov SGD checked against torch.optim.SGD(nesterov=True), AdaBelief
(Zhuang et al. 2020) with its bias corrections, and the error messages of Optimizer's constructor,
with a learning-rate scheduler driving a custom optimizer."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class NesterovSGD(torch.optim.Optimizer):
    def __init__(self, params, lr=0.1, momentum=0.9, weight_decay=0.0, maximize=False):
        defaults = dict(lr=lr, momentum=momentum, weight_decay=weight_decay, maximize=maximize)
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("maximize", False)

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            mu = group["momentum"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                d_p = p.grad if not group["maximize"] else -p.grad
                if group["weight_decay"] != 0:
                    d_p = d_p.add(p, alpha=group["weight_decay"])
                buf = self.state[p].get("momentum_buffer")
                if buf is None:
                    buf = self.state[p]["momentum_buffer"] = torch.clone(d_p).detach()
                else:
                    buf.mul_(mu).add_(d_p)
                p.add_(d_p.add(buf, alpha=mu), alpha=-group["lr"])
        return loss


class AdaBelief(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-16, weight_decay=0.0, rectify=False):
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, rectify=rectify)
        super().__init__(params, defaults)

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                if p.grad.is_sparse:
                    raise RuntimeError("AdaBelief does not support sparse gradients")
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = 0
                    state["exp_avg"] = torch.zeros_like(p)
                    state["exp_avg_var"] = torch.zeros_like(p)
                grad = p.grad
                state["step"] += 1
                exp_avg, exp_avg_var = state["exp_avg"], state["exp_avg_var"]
                if group["weight_decay"]:
                    p.mul_(1.0 - group["lr"] * group["weight_decay"])
                exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
                grad_residual = grad - exp_avg
                exp_avg_var.mul_(beta2).addcmul_(grad_residual, grad_residual, value=1 - beta2)
                bias_correction1 = 1 - beta1 ** state["step"]
                bias_correction2 = 1 - beta2 ** state["step"]
                denom = (exp_avg_var.add_(group["eps"]).sqrt() / math.sqrt(bias_correction2)).add_(group["eps"])
                p.addcdiv_(exp_avg, denom, value=-group["lr"] / bias_correction1)
        return loss


def make_model(seed):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Conv1d(1, 4, 3, padding=1), nn.ReLU(), nn.Flatten(), nn.Linear(32, 1))


g = torch.Generator().manual_seed(5)
signals = torch.randn(40, 1, 8, generator=g).cumsum(dim=-1)
targets = signals[:, 0, -3:].mean(dim=1, keepdim=True)

print("=== NesterovSGD vs torch.optim.SGD(nesterov=True) ===")
models, opts = [], []
for cls in (NesterovSGD, None):
    m = make_model(0)
    if cls is None:
        o = torch.optim.SGD(m.parameters(), lr=0.01, momentum=0.9, nesterov=True, weight_decay=1e-3)
    else:
        o = cls(m.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-3)
    for _ in range(10):
        o.zero_grad()
        F.mse_loss(m(signals), targets).backward()
        o.step()
    models.append(m)
    opts.append(o)
same = all(torch.allclose(a, b, atol=1e-6) for a, b in zip(models[0].parameters(), models[1].parameters()))
print("trajectories agree:", same)
print("loss:", round(F.mse_loss(models[0](signals), targets).item(), 4))
print(models[0][0].weight.squeeze(1))
buf_mine = opts[0].state[models[0][3].bias]["momentum_buffer"]
buf_ref = opts[1].state[models[1][3].bias]["momentum_buffer"]
print("momentum buffers close:", torch.allclose(buf_mine, buf_ref, atol=1e-6), buf_mine.shape)

print("=== zero_grad(set_to_none=False) keeps zero tensors ===")
opts[0].zero_grad(set_to_none=False)
print([tuple(p.grad.shape) for p in models[0].parameters()], models[0][3].bias.grad)
opts[0].zero_grad()
print([p.grad for p in models[0].parameters()])

print("=== AdaBelief with StepLR and a per-layer group ===")
m = make_model(2)
opt = AdaBelief([
    {"params": m[0].parameters(), "lr": 3e-2},
    {"params": m[3].parameters()},
], lr=1e-2, weight_decay=1e-4)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=5, gamma=0.5)
for epoch in range(12):
    opt.zero_grad()
    loss = F.mse_loss(m(signals), targets)
    loss.backward()
    opt.step()
    sched.step()
    if epoch % 4 == 3:
        print(f"epoch {epoch:2d} loss {loss.item():.4f} lr {[round(v, 5) for v in sched.get_last_lr()]}")
print(opt)
print("initial_lr:", [pg["initial_lr"] for pg in opt.param_groups])
print("steps:", {k: v["step"] for k, v in opt.state_dict()["state"].items()})
print(sched.state_dict())

print("=== maximize: gradient ascent on a concave function ===")
w = torch.tensor([3.0, -2.0], requires_grad=True)
asc = NesterovSGD([w], lr=0.1, momentum=0.5, maximize=True)
for _ in range(20):
    asc.zero_grad()
    f = -(w - torch.tensor([1.0, 0.5])).pow(2).sum()
    f.backward()
    asc.step()
print("argmax estimate:", w.detach())

print("=== constructor errors ===")
cases = {
    "empty list": lambda: AdaBelief([]),
    "a tensor, not an iterable": lambda: AdaBelief(torch.zeros(3, requires_grad=True)),
    "non-leaf": lambda: AdaBelief([torch.ones(2, requires_grad=True) * 2]),
    "an int": lambda: AdaBelief([1, 2]),
    "duplicates in groups": lambda: AdaBelief([{"params": [w]}, {"params": [w]}]),
    "group missing lr": lambda: torch.optim.Optimizer([w], {}),
}
for name, fn in cases.items():
    try:
        fn()
        print(name, "-> no error")
    except (TypeError, ValueError, KeyError) as e:
        print(name, "->", type(e).__name__, e)
