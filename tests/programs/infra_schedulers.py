"""Course notebook: learning-rate schedules compared side by side -- warmup with SequentialLR,
ChainedScheduler, OneCycleLR, CosineAnnealingWarmRestarts and ReduceLROnPlateau on a tiny model,
with the state dicts a checkpoint would store."""
import math

import torch
import torch.nn as nn
from torch.optim import lr_scheduler as sched_mod
from torch.optim.lr_scheduler import (ChainedScheduler, ConstantLR, CosineAnnealingLR, CosineAnnealingWarmRestarts,
                                      ExponentialLR, LambdaLR, LinearLR, MultiStepLR, OneCycleLR, ReduceLROnPlateau,
                                      SequentialLR)

torch.manual_seed(0)
model = nn.Linear(4, 1)
X, Y = torch.randn(64, 4), torch.randn(64, 1)


def fresh_opt(lr=0.1, kind="sgd"):
    params = [{"params": [model.weight]}, {"params": [model.bias], "lr": lr * 10}]
    if kind == "adam":
        return torch.optim.Adam(params, lr=lr, betas=(0.9, 0.99))
    return torch.optim.SGD(params, lr=lr, momentum=0.9)


def fmt(lrs):
    return "[" + ", ".join(f"{x:.6f}" for x in lrs) + "]"


def trace(opt, sched, n, name):
    out = []
    for step in range(n):
        opt.zero_grad()
        loss = nn.functional.mse_loss(model(X), Y)
        loss.backward()
        opt.step()
        sched.step()
        out.append(fmt(sched.get_last_lr()))
    print(name)
    for i, s in enumerate(out):
        print(f"  {i:2d} {s}")


# 1. linear warmup then cosine (the transformer recipe)
opt = fresh_opt()
warm = LinearLR(opt, start_factor=0.1, end_factor=1.0, total_iters=3)
cos = CosineAnnealingLR(opt, T_max=6, eta_min=1e-3)
seq = SequentialLR(opt, schedulers=[warm, cos], milestones=[3])
print("initial", fmt(seq.get_last_lr()), [g["initial_lr"] for g in opt.param_groups])
trace(opt, seq, 10, "warmup+cosine")
sd = seq.state_dict()
print(sorted(sd.keys()))
print(sd["_milestones"], sd["last_epoch"], len(sd["_schedulers"]), sorted(sd["_schedulers"][1].keys()))

# 2. chained: constant factor for a while, multiplied by exponential decay
opt = fresh_opt()
chain = ChainedScheduler([ConstantLR(opt, factor=0.5, total_iters=2), ExponentialLR(opt, gamma=0.9)])
trace(opt, chain, 5, "chained")
print(type(chain.state_dict()["_schedulers"]).__name__, chain.state_dict()["_schedulers"][0]["factor"])

# 3. OneCycle with Adam (momentum is cycled through betas)
opt = fresh_opt(kind="adam")
one = OneCycleLR(opt, max_lr=[0.05, 0.5], total_steps=8, pct_start=0.25, anneal_strategy="linear")
trace(opt, one, 8, "onecycle")
print([round(g["betas"][0], 4) for g in opt.param_groups], opt.param_groups[0]["max_lr"],
      opt.param_groups[0]["min_lr"])
try:
    one.step()
except ValueError as e:
    print("ValueError:", e)

# 4. warm restarts, stepped with fractional epochs as the docs show
opt = fresh_opt()
wr = CosineAnnealingWarmRestarts(opt, T_0=3, T_mult=2, eta_min=0.001)
iters = 4
for epoch in range(4):
    for i in range(iters):
        opt.step()
        wr.step(epoch + i / iters)
    print(f"epoch {epoch} T_cur={wr.T_cur:.3f} T_i={wr.T_i} lr={fmt(wr.get_last_lr())}")
print({k: v for k, v in wr.state_dict().items() if k in ("T_0", "T_i", "T_mult", "eta_min", "last_epoch")})

# 5. plateau: the lr only changes when the metric stalls
opt = fresh_opt()
plateau = ReduceLROnPlateau(opt, mode="max", factor=0.1, patience=1, cooldown=1, min_lr=[1e-4, 1e-3])
for metric in [0.5, 0.6, 0.6, 0.59, 0.61, 0.58, 0.57, 0.57, 0.56, 0.55]:
    plateau.step(metric)
    print(f"acc={metric:.2f} lr={fmt(plateau.get_last_lr())} bad={plateau.num_bad_epochs} cool={plateau.cooldown_counter}")
psd = plateau.state_dict()
print(sorted(psd.keys()))
print(psd["best"], psd["mode"], psd["min_lrs"], psd["_last_lr"])

# 6. a lambda schedule and multi-step, with manual inspection of param_groups
opt = fresh_opt()
lam = LambdaLR(opt, lr_lambda=[lambda e: 0.95 ** e, lambda e: 1 / (1 + e)])
for _ in range(3):
    opt.step()
    lam.step()
print(fmt(lam.get_last_lr()), [g["lr"] for g in opt.param_groups] == lam.get_last_lr())
print("lr_lambdas" in lam.state_dict(), lam.state_dict()["lr_lambdas"])
opt = fresh_opt()
ms = MultiStepLR(opt, milestones=[2, 4], gamma=0.1)
for _ in range(5):
    opt.step()
    ms.step()
print(fmt(ms.get_last_lr()), ms.milestones, ms.state_dict()["milestones"])

# 7. resuming a schedule from its state dict continues identically
opt = fresh_opt()
s1 = CosineAnnealingWarmRestarts(opt, T_0=4)
for _ in range(5):
    opt.step()
    s1.step()
state = s1.state_dict()
opt2 = fresh_opt()
s2 = CosineAnnealingWarmRestarts(opt2, T_0=4)
s2.load_state_dict(state)
for g2, g1 in zip(opt2.param_groups, opt.param_groups):
    g2["lr"] = g1["lr"]
opt.step(); s1.step(); opt2.step(); s2.step()
print(fmt(s1.get_last_lr()), fmt(s2.get_last_lr()), s1.get_last_lr() == s2.get_last_lr())

# 8. mistakes people make
opt = fresh_opt()
try:
    SequentialLR(opt, schedulers=[ExponentialLR(opt, 0.9)], milestones=[1])
except ValueError as e:
    print("ValueError:", e)
try:
    CosineAnnealingWarmRestarts(opt, T_0=0)
except ValueError as e:
    print("ValueError:", e)
try:
    ReduceLROnPlateau(opt, factor=1.5)
except ValueError as e:
    print("ValueError:", e)
try:
    OneCycleLR(opt, max_lr=0.1)
except ValueError as e:
    print("ValueError:", e)
try:
    ReduceLROnPlateau(opt, mode="maximum")
except ValueError as e:
    print("ValueError:", e)
print(isinstance(ExponentialLR(opt, 0.5), sched_mod.LRScheduler), isinstance(plateau, sched_mod.LRScheduler))
print(math.isclose(opt.param_groups[0]["lr"], 0.1))
