"""Adafactor (Shazeer & Stern 2018) written by hand with factored second moments, next to
torch.optim.Adafactor; optimizer hooks, add_param_group and state_dict hooks on a custom class."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class MyAdafactor(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0, weight_decay=0.0):
        defaults = dict(lr=lr, beta2_decay=beta2_decay, eps=eps, d=d, weight_decay=weight_decay)
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
                grad = p.grad
                state = self.state[p]
                if not state:
                    state["step"] = torch.tensor(0.0)
                    if grad.dim() > 1:
                        state["row_var"] = grad.new_zeros(grad.shape[:-1]).unsqueeze(-1)
                        state["col_var"] = grad.new_zeros(grad.shape[:-2] + grad.shape[-1:]).unsqueeze(-2)
                    else:
                        state["variance"] = torch.zeros_like(grad)
                state["step"] += 1
                t = state["step"].item()
                eps1, eps2 = group["eps"]
                if eps1 is None:
                    eps1 = torch.finfo(p.dtype).eps
                one_minus_beta2 = t ** group["beta2_decay"]
                rho = min(group["lr"], 1 / math.sqrt(t))
                alpha = max(eps2, p.norm(2).item() / math.sqrt(p.numel())) * rho
                if group["weight_decay"] != 0:
                    p.mul_(1 - group["lr"] * group["weight_decay"])
                if grad.dim() > 1:
                    row_mean = torch.norm(grad, dim=-1, keepdim=True).square_().div_(grad.size(-1))
                    state["row_var"].lerp_(row_mean, one_minus_beta2)
                    col_mean = torch.norm(grad, dim=-2, keepdim=True).square_().div_(grad.size(-2))
                    state["col_var"].lerp_(col_mean, one_minus_beta2)
                    var_estimate = state["row_var"] @ state["col_var"]
                    var_estimate.div_(state["row_var"].mean(dim=-2, keepdim=True).clamp_(min=eps1))
                else:
                    grad_sq = grad * grad
                    state["variance"].lerp_(grad_sq, one_minus_beta2)
                    var_estimate = state["variance"].clone()
                update = var_estimate.clamp_(min=eps1 * eps1).rsqrt_()
                update.mul_(grad)
                denom = max(1.0, update.norm(2).item() / ((update.numel() ** 0.5) * group["d"]))
                p.add_(update, alpha=-alpha / denom)
        return loss


def build(seed=0):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(6, 12), nn.SiLU(), nn.Linear(12, 3))


g = torch.Generator().manual_seed(11)
X = torch.randn(80, 6, generator=g)
W = torch.randn(6, 3, generator=g)
Y = (X @ W).argmax(dim=1)

print("=== hand-written vs torch.optim.Adafactor ===")
results = {}
for name, cls in [("mine", MyAdafactor), ("torch", torch.optim.Adafactor)]:
    model = build()
    opt = cls(model.parameters(), lr=0.05)
    for i in range(25):
        opt.zero_grad()
        loss = F.cross_entropy(model(X), Y)
        loss.backward()
        opt.step()
    results[name] = model
    print(name, f"final loss {loss.item():.4f}", "state keys", sorted(opt.state[model[0].weight]))
diffs = [(a - b).abs().max().item() for a, b in zip(results["mine"].parameters(), results["torch"].parameters())]
print("max param difference < 1e-4:", max(diffs) < 1e-4)
print(results["mine"][2].bias.data)
print(torch.optim.Adafactor(build().parameters(), lr=0.05))

print("=== hooks on a custom optimizer ===")
model = build(1)
opt = MyAdafactor(model[0].parameters(), lr=0.02)
log = []
h1 = opt.register_step_pre_hook(lambda o, args, kwargs: log.append(("pre", len(o.state))))
h2 = opt.register_step_post_hook(lambda o, args, kwargs: log.append(("post", len(o.state))))
for _ in range(2):
    opt.zero_grad()
    F.cross_entropy(model(X), Y).backward()
    opt.step()
print(log)
h1.remove()
h2.remove()
opt.step()
print("after remove:", len(log))

opt.add_param_group({"params": model[2].parameters(), "lr": 0.005, "weight_decay": 0.01})
print("groups:", len(opt.param_groups), [pg["lr"] for pg in opt.param_groups],
      [pg["weight_decay"] for pg in opt.param_groups], opt.param_groups[1]["eps"])
try:
    opt.add_param_group({"params": model[0].weight})
except ValueError as e:
    print("ValueError:", e)
try:
    opt.add_param_group({"params": [model[2].weight.detach() * 2]})
except ValueError as e:
    print("ValueError:", e)
try:
    opt.add_param_group({"params": {model[2].weight}})
except TypeError as e:
    print("TypeError:", e)

seen = []
opt.register_state_dict_pre_hook(lambda o: seen.append("sd pre"))
def add_note(o, sd):
    sd["extra"] = {"note": "adafactor", "groups": len(sd["param_groups"])}


opt.register_state_dict_post_hook(add_note)
opt.register_load_state_dict_pre_hook(lambda o, sd: seen.append(("load pre", sorted(sd))))
opt.register_load_state_dict_post_hook(lambda o: seen.append(("load post", len(o.param_groups))))
sd = opt.state_dict()
print(sorted(sd), sd["extra"])
opt.zero_grad()
F.cross_entropy(model(X), Y).backward()
opt.step()
opt.load_state_dict(sd)
print(seen)
print("step after reload:", opt.state[model[0].weight]["step"], opt.state[model[0].bias]["variance"].shape)
print("row/col var shapes:", tuple(opt.state[model[0].weight]["row_var"].shape),
      tuple(opt.state[model[0].weight]["col_var"].shape))
bad = dict(sd, param_groups=sd["param_groups"][:1])
try:
    opt.load_state_dict(bad)
except ValueError as e:
    print("ValueError:", e)
