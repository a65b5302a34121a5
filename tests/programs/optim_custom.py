"""Writing your own optimizer: torch.optim.Optimizer subclasses as course notebooks write them, checked
against the built-in ones, with state_dict round trips, param groups and zero_grad."""
import copy
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class MomentumSGD(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-2, momentum=0.9, weight_decay=0.0):
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= momentum < 1.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        defaults = dict(lr=lr, momentum=momentum, weight_decay=weight_decay)
        super().__init__(params, defaults)

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                d_p = p.grad.add(p, alpha=group["weight_decay"]) if group["weight_decay"] else p.grad
                state = self.state[p]
                if "momentum_buffer" not in state:
                    buf = state["momentum_buffer"] = torch.clone(d_p).detach()
                else:
                    buf = state["momentum_buffer"].mul_(group["momentum"]).add_(d_p)
                p.add_(buf, alpha=-group["lr"])
        return loss


class MyAdam(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        super().__init__(params, {"lr": lr, "betas": betas, "eps": eps})

    @torch.no_grad()
    def step(self, closure=None):
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = torch.tensor(0.0)
                    state["exp_avg"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                    state["exp_avg_sq"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                state["step"] += 1
                step = state["step"].item()
                state["exp_avg"].lerp_(p.grad, 1 - beta1)
                state["exp_avg_sq"].mul_(beta2).addcmul_(p.grad, p.grad, value=1 - beta2)
                denom = (state["exp_avg_sq"].sqrt() / math.sqrt(1 - beta2 ** step)).add_(group["eps"])
                p.addcdiv_(state["exp_avg"], denom, value=-group["lr"] / (1 - beta1 ** step))


class Lion(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-4, betas=(0.9, 0.99), weight_decay=0.0):
        super().__init__(params, dict(lr=lr, betas=betas, weight_decay=weight_decay))

    @torch.no_grad()
    def step(self, closure=None):
        for group in self.param_groups:
            for p in filter(lambda q: q.grad is not None, group["params"]):
                p.mul_(1 - group["lr"] * group["weight_decay"])
                state = self.state[p]
                exp_avg = state.setdefault("exp_avg", torch.zeros_like(p))
                update = exp_avg * group["betas"][0] + p.grad * (1 - group["betas"][0])
                p.add_(torch.sign(update), alpha=-group["lr"])
                exp_avg.mul_(group["betas"][1]).add_(p.grad, alpha=1 - group["betas"][1])


torch.manual_seed(0)
X = torch.randn(64, 5)
y = X @ torch.tensor([1.5, -2.0, 0.5, 0.0, 1.0]) + 0.1 * torch.randn(64)

for cls, bad in [(MomentumSGD, dict(lr=-1.0)), (MomentumSGD, dict(momentum=1.5)), (MyAdam, dict(betas=(1.0, 0.9)))]:
    try:
        cls([torch.zeros(2, requires_grad=True)], **bad)
    except ValueError as e:
        print("ValueError:", e)


def train(opt_cls, steps=30, **kw):
    torch.manual_seed(1)
    model = nn.Linear(5, 1)
    opt = opt_cls(model.parameters(), **kw)
    for _ in range(steps):
        opt.zero_grad()
        (loss := F.mse_loss(model(X).squeeze(1), y)).backward()
        opt.step()
    return model, opt, loss.item()


m1, opt1, l1 = train(MomentumSGD, lr=0.05, momentum=0.9)
m2, _, l2 = train(torch.optim.SGD, lr=0.05, momentum=0.9)
print(f"momentum sgd {l1:.4f} builtin {l2:.4f} same weights {torch.allclose(m1.weight, m2.weight)}")
print(opt1, MyAdam([torch.zeros(1)], betas=(0.8, 0.9)))
print(sorted(opt1.param_groups[0].keys()), opt1.defaults)
print(list(opt1.state[m1.weight].keys()), opt1.state[m1.weight]["momentum_buffer"].shape)

# hand-written Adam against torch.optim.Adam, step by step
torch.manual_seed(2)
mine, ref = nn.Linear(5, 3), nn.Linear(5, 3)
ref.load_state_dict(mine.state_dict())
o_mine, o_ref = MyAdam(mine.parameters(), lr=0.01), torch.optim.Adam(ref.parameters(), lr=0.01)
for step in range(1, 26):
    for model, opt in ((mine, o_mine), (ref, o_ref)):
        opt.zero_grad()
        F.mse_loss(model(X).sum(1), y).backward()
        opt.step()
    if step % 5 == 0:
        diff = max((a - b).abs().max().item() for a, b in zip(mine.parameters(), ref.parameters()))
        print(f"step {step:2d} max|mine-ref| {round(diff, 5)}  w00 {mine.weight[0, 0].item():.4f}")
print(o_mine.state[mine.weight]["step"], o_mine.state[mine.bias]["exp_avg"], o_ref.state[ref.weight]["step"])

_, lion, l3 = train(Lion, steps=40, lr=0.01, weight_decay=0.01)
print(f"lion loss {l3:.4f}", [f"{v:.4f}" for v in lion.param_groups[0]["params"][0].flatten().tolist()])

# state_dict round trip of a custom optimizer
sd = opt1.state_dict()
print(sorted(sd.keys()), list(sd["state"].keys()), sd["param_groups"][0]["params"])
clone = nn.Linear(5, 1)
clone.load_state_dict(m1.state_dict())
opt_clone = MomentumSGD(clone.parameters(), lr=0.5)
opt_clone.load_state_dict(copy.deepcopy(sd))
print(opt_clone.param_groups[0]["lr"], torch.equal(opt_clone.state[clone.bias]["momentum_buffer"],
                                                    opt1.state[m1.bias]["momentum_buffer"]))
for model, opt in ((m1, opt1), (clone, opt_clone)):
    opt.zero_grad()
    F.mse_loss(model(X).squeeze(1), y).backward()
    opt.step()
print("resumed identically:", torch.equal(m1.weight, clone.weight), f"{clone.bias.item():.4f}")

# add_param_group and zero_grad(set_to_none=...)
extra = torch.ones(3, requires_grad=True)
opt1.add_param_group({"params": [extra], "lr": 0.1})
print(len(opt1.param_groups), opt1.param_groups[1]["momentum"], opt1.param_groups[1]["lr"])
(extra ** 2).sum().backward()
opt1.step()
print(extra, opt1.state[extra]["momentum_buffer"])
opt1.zero_grad(set_to_none=False)
print(extra.grad, m1.bias.grad)
opt1.zero_grad()
print(extra.grad, m1.bias.grad is None)
