"""Training tricks from blog posts: gradient accumulation, clipping, per-layer learning rates with no weight
decay on biases and norms, SWA and a hand-rolled EMA, freezing mid-training, and the errors torch gives
for common optimizer mistakes."""
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.optim.swa_utils import SWALR, AveragedModel, update_bn

torch.manual_seed(0)
X = torch.randn(96, 6)
y = (X[:, 0] - 2 * X[:, 1] + 0.5 * X[:, 2] ** 2 > 0).long()


def make_model():
    torch.manual_seed(3)
    return nn.Sequential(nn.Linear(6, 16, bias=False), nn.BatchNorm1d(16), nn.ReLU(), nn.Linear(16, 2))


# gradient accumulation: 4 micro-batches of 8 give the gradient of one batch of 32
model = make_model()
big = make_model()
F.cross_entropy(big(X[:32]), y[:32]).backward()
accum_steps = 4
for xb, yb in zip(X[:32].chunk(accum_steps), y[:32].chunk(accum_steps)):
    loss = F.cross_entropy(model(xb), yb) / accum_steps
    loss.backward()
g_acc, g_big = model[0].weight.grad, big[0].weight.grad
print(f"accumulated grad norm {g_acc.norm():.4f}  full-batch {g_big.norm():.4f}  bias grad {model[3].bias.grad}")
print(f"last micro loss {loss.item():.4f}", loss.grad_fn.name())

# clipping by norm and by value
total = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=0.5)
print(f"total norm before {total:.4f}", total.dtype, total.shape)
after = torch.sqrt(sum(p.grad.pow(2).sum() for p in model.parameters()))
print(f"after clipping {after:.4f}")
inf_norm = nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0, norm_type=float("inf"))
print(f"inf norm {inf_norm:.4f}")
torch.nn.utils.clip_grad_value_(model.parameters(), clip_value=0.01)
print(f"max |grad| {max(p.grad.abs().max().item() for p in model.parameters()):.4f}")
model[0].weight.grad[0, 0] = float("nan")
try:
    nn.utils.clip_grad_norm_(model.parameters(), 1.0, error_if_nonfinite=True)
except RuntimeError as e:
    print("RuntimeError:", e)
print(nn.utils.clip_grad_norm_(model.parameters(), 1.0))
print(nn.utils.clip_grad_norm_([], 1.0), nn.utils.get_total_norm([torch.ones(3), torch.ones(4)]))

# per-layer learning rates, no weight decay for biases and BatchNorm
model = make_model()
decay, no_decay = [], []
for name, p in model.named_parameters():
    (no_decay if name.endswith("bias") or p.ndim == 1 else decay).append(p)
    print(f"  {name:10s} {tuple(p.shape)} {'no_decay' if p.ndim == 1 else 'decay'}")
optimizer = torch.optim.AdamW([
    {"params": decay, "weight_decay": 0.05},
    {"params": no_decay, "weight_decay": 0.0, "lr": 3e-3},
], lr=1e-2)
print([(len(g["params"]), g["lr"], g["weight_decay"]) for g in optimizer.param_groups])
for epoch in range(6):
    optimizer.zero_grad()
    loss = F.cross_entropy(model(X), y)
    loss.backward()
    optimizer.step()
    if epoch == 2:  # freeze the first layer mid-training
        model[0].requires_grad_(False)
        model[0].weight.grad = None
    print(epoch, f"{loss.item():.4f}", model[0].weight.grad is None, model[3].weight.grad is None,
          model[0].weight.requires_grad)
print(sum(p.numel() for p in model.parameters() if p.requires_grad), "trainable")

# EMA of weights by hand
ema = [p.detach().clone() for p in model.parameters()]
with torch.no_grad():
    for _ in range(3):
        for e, p in zip(ema, model.parameters()):
            e.lerp_(p + 0.1, 0.1)
print([f"{e.sum().item():.4f}" for e in ema[:4]], ema[0].requires_grad)

# stochastic weight averaging
model = make_model()
swa_model = AveragedModel(model)
opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
swa_sched = SWALR(opt, swa_lr=0.01, anneal_epochs=3, anneal_strategy="cos")
loader = [(X[i:i + 24], y[i:i + 24]) for i in range(0, 96, 24)]
for epoch in range(8):
    for xb, yb in loader:
        opt.zero_grad()
        F.cross_entropy(model(xb), yb).backward()
        opt.step()
    if epoch >= 4:
        swa_model.update_parameters(model)
        swa_sched.step()
    print(epoch, [f"{lr:.4f}" for lr in swa_sched.get_last_lr()], swa_model.n_averaged)
update_bn(loader, swa_model)
bn = swa_model.module[1]
print(f"bn mean {bn.running_mean.mean():.4f} var {bn.running_var.mean():.4f}", bn.num_batches_tracked, bn.momentum)
swa_model.eval()
with torch.no_grad():
    print(f"swa acc {(swa_model(X).argmax(1) == y).float().mean():.4f}")
print(list(swa_model.state_dict().keys())[:3])
ema_model = AveragedModel(model, multi_avg_fn=torch.optim.swa_utils.get_ema_multi_avg_fn(0.9))
ema_model.update_parameters(model)
print(type(ema_model).__name__, ema_model.n_averaged)

# common mistakes
w = torch.randn(3, requires_grad=True)
for bad in [lambda: torch.optim.SGD([w * 2], lr=0.1), lambda: torch.optim.Adam([]),
            lambda: torch.optim.SGD([{"params": [w]}, {"params": [w]}], lr=0.1),
            lambda: torch.optim.SGD(w, lr=0.1), lambda: torch.optim.Adam([w], lr=-1),
            lambda: torch.optim.SGD([w], lr=0.1, nesterov=True),
            lambda: torch.optim.Adam([w], betas=(0.9, 1.5))]:
    try:
        bad()
    except (ValueError, TypeError) as e:
        print(type(e).__name__ + ":", e)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    opt = torch.optim.SGD([w], lr=0.1)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=1)
    sched.step()
    opt.step()
print([str(c.message)[:90] for c in caught])
