"""Sharpness-Aware Minimization (Foret et al. 2021) with a two-step closure, and Lookahead
(Zhang et al. 2019) wrapping a built-in optimizer: both as torch.optim.Optimizer subclasses."""
from collections import defaultdict

import torch
import torch.nn as nn
import torch.nn.functional as F


class SAM(torch.optim.Optimizer):
    def __init__(self, params, base_optimizer, rho=0.05, adaptive=False, **kwargs):
        assert rho >= 0.0, f"Invalid rho, should be non-negative: {rho}"
        defaults = dict(rho=rho, adaptive=adaptive, **kwargs)
        super().__init__(params, defaults)
        self.base_optimizer = base_optimizer(self.param_groups, **kwargs)
        self.param_groups = self.base_optimizer.param_groups
        self.defaults.update(self.base_optimizer.defaults)

    @torch.no_grad()
    def first_step(self, zero_grad=False):
        grad_norm = self._grad_norm()
        for group in self.param_groups:
            scale = group["rho"] / (grad_norm + 1e-12)
            for p in group["params"]:
                if p.grad is None:
                    continue
                self.state[p]["old_p"] = p.data.clone()
                e_w = (torch.pow(p, 2) if group["adaptive"] else 1.0) * p.grad * scale.to(p)
                p.add_(e_w)
        if zero_grad:
            self.zero_grad()

    @torch.no_grad()
    def second_step(self, zero_grad=False):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                p.data = self.state[p]["old_p"]
        self.base_optimizer.step()
        if zero_grad:
            self.zero_grad()

    @torch.no_grad()
    def step(self, closure=None):
        assert closure is not None, "Sharpness Aware Minimization requires closure, but it was not provided"
        closure = torch.enable_grad()(closure)
        self.first_step(zero_grad=True)
        closure()
        self.second_step()

    def _grad_norm(self):
        shared_device = self.param_groups[0]["params"][0].device
        norm = torch.norm(
            torch.stack([
                ((torch.abs(p) if group["adaptive"] else 1.0) * p.grad).norm(p=2).to(shared_device)
                for group in self.param_groups for p in group["params"]
                if p.grad is not None
            ]),
            p=2,
        )
        return norm

    def load_state_dict(self, state_dict):
        super().load_state_dict(state_dict)
        self.base_optimizer.param_groups = self.param_groups


class Lookahead(torch.optim.Optimizer):
    def __init__(self, base_optimizer, k=5, alpha=0.5):
        if not 0.0 <= alpha <= 1.0:
            raise ValueError(f"Invalid slow update rate: {alpha}")
        if not 1 <= k:
            raise ValueError(f"Invalid lookahead steps: {k}")
        self.base_optimizer = base_optimizer
        self.param_groups = self.base_optimizer.param_groups
        self.defaults = dict(base_optimizer.defaults, lookahead_alpha=alpha, lookahead_k=k)
        self.state = defaultdict(dict)
        self._optimizer_step_pre_hooks = {}
        self._optimizer_step_post_hooks = {}
        for group in self.param_groups:
            group.setdefault("lookahead_alpha", alpha)
            group.setdefault("lookahead_k", k)
            group.setdefault("lookahead_step", 0)

    @torch.no_grad()
    def update_slow(self, group):
        for fast_p in group["params"]:
            if fast_p.grad is None:
                continue
            param_state = self.state[fast_p]
            if "slow_buffer" not in param_state:
                param_state["slow_buffer"] = torch.empty_like(fast_p)
                param_state["slow_buffer"].copy_(fast_p)
            slow = param_state["slow_buffer"]
            slow.add_(fast_p - slow, alpha=group["lookahead_alpha"])
            fast_p.copy_(slow)

    def step(self, closure=None):
        loss = self.base_optimizer.step(closure)
        for group in self.param_groups:
            group["lookahead_step"] += 1
            if group["lookahead_step"] % group["lookahead_k"] == 0:
                self.update_slow(group)
        return loss

    def __repr__(self):
        return f"Lookahead({self.base_optimizer!r})"


def spirals(n=60, seed=3):
    g = torch.Generator().manual_seed(seed)
    t = torch.linspace(0.2, 3.0, n)
    x0 = torch.stack([t * torch.cos(2 * t), t * torch.sin(2 * t)], dim=1)
    x1 = -x0
    x = torch.cat([x0, x1]) + 0.05 * torch.randn(2 * n, 2, generator=g)
    y = torch.cat([torch.zeros(n, dtype=torch.long), torch.ones(n, dtype=torch.long)])
    return x, y


x, y = spirals()
print("data", x.shape, y.dtype, y.bincount())

print("=== SAM over SGD ===")
torch.manual_seed(0)
net = nn.Sequential(nn.Linear(2, 16), nn.GELU(), nn.Linear(16, 2))
opt = SAM(net.parameters(), torch.optim.SGD, rho=0.05, lr=0.1, momentum=0.9)
print(type(opt.base_optimizer).__name__, sorted(opt.defaults))
for epoch in range(15):
    def closure():
        loss = F.cross_entropy(net(x), y)
        loss.backward()
        return loss
    loss = F.cross_entropy(net(x), y)
    loss.backward()
    opt.step(closure)
    opt.zero_grad()
    if epoch % 5 == 4:
        acc = (net(x).argmax(1) == y).float().mean()
        print(f"epoch {epoch} loss {loss.item():.4f} acc {acc.item():.3f}")
print("old_p stored for", len(opt.state), "params; momentum buffers:",
      sum("momentum_buffer" in opt.base_optimizer.state[p] for p in net.parameters()))
try:
    opt.step()
except AssertionError as e:
    print("AssertionError:", e)

print("=== adaptive SAM over Adam, state_dict round trip ===")
torch.manual_seed(0)
net2 = nn.Sequential(nn.Linear(2, 16), nn.GELU(), nn.Linear(16, 2))
asam = SAM(net2.parameters(), torch.optim.Adam, rho=0.5, adaptive=True, lr=0.01)
for _ in range(5):
    F.cross_entropy(net2(x), y).backward()
    asam.step(lambda: F.cross_entropy(net2(x), y).backward())
    asam.zero_grad(set_to_none=True)
sd = asam.state_dict()
print(sorted(sd["param_groups"][0]))
print({k: sorted(v) for k, v in list(sd["state"].items())[:2]})
print("grads after zero_grad(set_to_none=True):", [p.grad for p in net2.parameters()][:2])

print("=== Lookahead(Adam) vs plain Adam ===")
def run(wrap, steps=20):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 2))
    base = torch.optim.Adam(model.parameters(), lr=0.05)
    opt = Lookahead(base, k=5, alpha=0.5) if wrap else base
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        losses.append(round(loss.item(), 4))
    return model, opt, losses

_, adam, l_adam = run(False)
m_la, la, l_la = run(True)
print("adam     ", l_adam[::4])
print("lookahead", l_la[::4])
print(la)
print("lookahead_step", la.param_groups[0]["lookahead_step"], "k", la.defaults["lookahead_k"])
slow = la.state[m_la[0].weight]["slow_buffer"]
print("fast == slow after sync step:", torch.equal(slow, m_la[0].weight.detach()))
for bad in [dict(alpha=1.5), dict(k=0)]:
    try:
        Lookahead(torch.optim.SGD(m_la.parameters(), lr=0.1), **bad)
    except ValueError as e:
        print("ValueError:", e)
