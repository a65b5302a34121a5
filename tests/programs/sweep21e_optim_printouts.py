"""Printing optimizers and schedulers as course notebooks do: print(optimizer) for several
optimizers and parameter groups, optimizer.state_dict() before and after steps, add_param_group,
scheduler.state_dict() for the common schedulers, get_last_lr, and a checkpoint dict round trip."""
import io
import pprint

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.BatchNorm1d(8), nn.Linear(8, 2))
decay = [p for n, p in model.named_parameters() if p.ndim > 1]
no_decay = [p for n, p in model.named_parameters() if p.ndim <= 1]

opts = [
    torch.optim.SGD(model.parameters(), lr=0.1),
    torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True, weight_decay=5e-4),
    torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.98), eps=1e-9, amsgrad=True),
    torch.optim.AdamW([{"params": decay, "weight_decay": 0.05}, {"params": no_decay, "weight_decay": 0.0}],
                      lr=3e-4),
    torch.optim.RMSprop(model.parameters(), lr=0.01, alpha=0.9, centered=True),
    torch.optim.Adagrad(model.parameters(), lr=0.1, lr_decay=1e-3),
    torch.optim.Adadelta(model.parameters()),
    torch.optim.Adamax(model.parameters(), lr=2e-3),
    torch.optim.NAdam(model.parameters(), lr=2e-3, momentum_decay=4e-3),
    torch.optim.RAdam(model.parameters(), lr=1e-3, decoupled_weight_decay=True, weight_decay=0.01),
    torch.optim.ASGD(model.parameters(), lr=0.01),
    torch.optim.Rprop(model.parameters(), lr=0.01, etas=(0.4, 1.3)),
]
for opt in opts:
    print(opt)

opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.05},
                         {"params": no_decay, "weight_decay": 0.0, "lr": 1e-2}], lr=3e-3)
print("== empty state")
pprint.pprint(opt.state_dict())
x = torch.randn(16, 4)
y = torch.randint(0, 2, (16,))
for step in range(3):
    opt.zero_grad()
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    opt.step()
print(f"loss {loss.item():.4f}")
sd = opt.state_dict()
print(sorted(sd.keys()), sorted(sd["state"].keys()))
for idx, st in sd["state"].items():
    print(idx, {k: (tuple(v.shape), v.dtype) if v.ndim else v for k, v in st.items()})
for g in sd["param_groups"]:
    print({k: v for k, v in g.items()})
print(opt.state_dict()["state"][0]["step"], type(opt.state[decay[0]]).__name__)
print(len(opt.state), list(opt.state[decay[0]].keys()))

print("== add_param_group")
extra = nn.Parameter(torch.zeros(3))
opt.add_param_group({"params": extra, "lr": 1e-4})
print(opt)
print([len(g["params"]) for g in opt.param_groups], opt.param_groups[-1]["betas"])
try:
    opt.add_param_group({"params": decay[0]})
except ValueError as e:
    print("ValueError:", e)
try:
    torch.optim.SGD(model.parameters(), lr=-0.1)
except ValueError as e:
    print("ValueError:", e)
try:
    torch.optim.Adam(model.parameters(), betas=(1.0, 0.9))
except ValueError as e:
    print("ValueError:", e)
try:
    torch.optim.SGD([], lr=0.1)
except ValueError as e:
    print("ValueError:", e)

print("== schedulers")
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
scheds = [
    ("StepLR", lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=2, gamma=0.5)),
    ("MultiStepLR", lambda o: torch.optim.lr_scheduler.MultiStepLR(o, milestones=[2, 4], gamma=0.1)),
    ("ExponentialLR", lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma=0.9)),
    ("CosineAnnealingLR", lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=5, eta_min=1e-3)),
    ("CosineAnnealingWarmRestarts", lambda o: torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=2)),
    ("OneCycleLR", lambda o: torch.optim.lr_scheduler.OneCycleLR(o, max_lr=0.5, total_steps=10)),
    ("LinearLR", lambda o: torch.optim.lr_scheduler.LinearLR(o, start_factor=0.25, total_iters=4)),
    ("ConstantLR", lambda o: torch.optim.lr_scheduler.ConstantLR(o, factor=0.5, total_iters=2)),
    ("PolynomialLR", lambda o: torch.optim.lr_scheduler.PolynomialLR(o, total_iters=4, power=2.0)),
    ("CyclicLR", lambda o: torch.optim.lr_scheduler.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=2)),
    ("LambdaLR", lambda o: torch.optim.lr_scheduler.LambdaLR(o, lr_lambda=lambda e: 0.95 ** e)),
    ("MultiplicativeLR", lambda o: torch.optim.lr_scheduler.MultiplicativeLR(o, lr_lambda=lambda e: 0.9)),
]


def fmt(v):
    if isinstance(v, float):
        return f"{v:.6g}"
    if isinstance(v, list):
        return "[" + ", ".join(fmt(e) for e in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k!r}: {fmt(e)}" for k, e in v.items()) + "}"
    return repr(v)


for name, make in scheds:
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    sched = make(opt)
    lrs = []
    for epoch in range(5):
        opt.step()
        sched.step()
        lrs.append(sched.get_last_lr()[0])
    print(name, [f"{v:.5f}" for v in lrs])
    sd = sched.state_dict()
    print("  ", sorted(sd.keys()))
    print("  ", fmt({k: v for k, v in sorted(sd.items()) if not callable(v) and k not in ("_scale_fn_ref",)}))

opt = torch.optim.SGD(model.parameters(), lr=0.1)
plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=1)
for val in [1.0, 0.9, 0.95, 0.96, 0.97, 0.5]:
    plateau.step(val)
    print(f"val {val} lr {opt.param_groups[0]['lr']:.4f} bad {plateau.num_bad_epochs}")
print(sorted(plateau.state_dict().keys()))
print(plateau.get_last_lr())

opt = torch.optim.SGD(model.parameters(), lr=0.1)
warm = torch.optim.lr_scheduler.LinearLR(opt, start_factor=0.1, total_iters=2)
cos = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=3)
seq = torch.optim.lr_scheduler.SequentialLR(opt, schedulers=[warm, cos], milestones=[2])
for _ in range(5):
    opt.step()
    seq.step()
    print(f"{seq.get_last_lr()[0]:.5f}", end=" ")
print()
ssd = seq.state_dict()
print(sorted(ssd.keys()), ssd["_milestones"], ssd["last_epoch"], len(ssd["_schedulers"]))

print("== checkpoint round trip")
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
sched = torch.optim.lr_scheduler.StepLR(opt, 1, gamma=0.5)
loss = F.cross_entropy(model(x), y)
loss.backward()
opt.step()
sched.step()
buf = io.BytesIO()
torch.save({"epoch": 1, "model": model.state_dict(), "optimizer": opt.state_dict(),
            "scheduler": sched.state_dict()}, buf)
buf.seek(0)
ck = torch.load(buf, weights_only=True)
opt2 = torch.optim.Adam(model.parameters(), lr=1.0)
opt2.load_state_dict(ck["optimizer"])
sched2 = torch.optim.lr_scheduler.StepLR(opt2, 1)
sched2.load_state_dict(ck["scheduler"])
print(ck["epoch"], sorted(ck), opt2.param_groups[0]["lr"], sched2.last_epoch, sched2.gamma)
print(opt2.state_dict()["state"][0]["step"], opt2)
