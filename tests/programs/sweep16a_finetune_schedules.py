"""A transfer-learning / fine-tuning script in the style of the "Finetuning Torchvision Models"
tutorial and course notebooks: a small pretrained backbone is frozen (requires_grad_(False)), a new
head is trained, then the last block is unfrozen with its own parameter group and a lower lr;
param_groups are edited by hand, and every lr scheduler prints get_last_lr() over a short run
(StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, CosineAnnealingWarmRestarts, OneCycleLR,
LambdaLR, LinearLR, SequentialLR, ChainedScheduler, CyclicLR, ReduceLROnPlateau), with their
state_dicts and the warnings-free ordering optimizer.step() then scheduler.step()."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.optim import lr_scheduler

torch.manual_seed(0)


class Backbone(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(4, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.AdaptiveAvgPool2d(1))
        self.fc = nn.Linear(8, 10)

    def forward(self, x):
        return self.fc(torch.flatten(self.features(x), 1))


model = Backbone()
x = torch.randn(16, 1, 8, 8)
y = torch.randint(0, 3, (16,))

for p in model.parameters():
    p.requires_grad_(False)
model.fc = nn.Linear(model.fc.in_features, 3)
print(model.fc, model.fc.weight.requires_grad)
trainable = [n for n, p in model.named_parameters() if p.requires_grad]
frozen = sum(p.numel() for p in model.parameters() if not p.requires_grad)
print("trainable", trainable, "frozen params", frozen)
opt = torch.optim.SGD(filter(lambda p: p.requires_grad, model.parameters()), lr=0.1, momentum=0.9)
print(len(opt.param_groups), [len(g["params"]) for g in opt.param_groups], sorted(opt.param_groups[0].keys()))
for step in range(5):
    opt.zero_grad()
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    opt.step()
print(f"head-only loss {loss.item():.4f}", model.features[0].weight.grad, model.features[1].running_mean.abs().sum() > 0)

# unfreeze the last conv block with a lower lr: add_param_group
for p in model.features[4:].parameters():
    p.requires_grad_(True)
opt.add_param_group({"params": list(model.features[4:].parameters()), "lr": 0.01})
print(len(opt.param_groups), [g["lr"] for g in opt.param_groups], opt.param_groups[1]["momentum"])
try:
    opt.add_param_group({"params": model.fc.parameters()})
except ValueError as e:
    print(type(e).__name__, e)
for g in opt.param_groups:
    g["lr"] *= 0.5
print([g["lr"] for g in opt.param_groups])
model.train()
for step in range(5):
    opt.zero_grad()
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    opt.step()
print(f"partial fine-tune loss {loss.item():.4f}", model.features[0].weight.grad is None,
      model.features[4].weight.grad.shape)
sd = opt.state_dict()
print(sorted(sd.keys()), [g["params"] for g in sd["param_groups"]], sorted(sd["state"][0].keys()))

# ---- differential learning rates from the start ---------------------------------------------------------
model2 = Backbone()
opt2 = torch.optim.AdamW([
    {"params": model2.features.parameters(), "lr": 1e-4},
    {"params": model2.fc.parameters()}], lr=1e-3, weight_decay=0.01)
print([(g["lr"], g["weight_decay"], len(g["params"])) for g in opt2.param_groups])
try:
    torch.optim.SGD([{"params": model2.fc.parameters()}, {"params": model2.fc.parameters()}], lr=0.1)
except ValueError as e:
    print(type(e).__name__, e)
try:
    torch.optim.SGD([{"params": model2.fc.parameters()}])
except TypeError as e:
    print(type(e).__name__, e)
decay, no_decay = [], []
for n, p in model2.named_parameters():
    (no_decay if p.ndim == 1 else decay).append(n)
print("decay", decay, "no_decay", no_decay)


# ---- schedulers ------------------------------------------------------------------------------------
def run(make, steps=8, metric=None):
    p = nn.Parameter(torch.zeros(1))
    o = torch.optim.SGD([p], lr=0.1, momentum=0.9)
    s = make(o)
    lrs = []
    for i in range(steps):
        o.step()
        if metric is None:
            s.step()
        else:
            s.step(metric[i])
        lrs.append(round(o.param_groups[0]["lr"], 6))
    return s, lrs


for name, make in [
        ("StepLR", lambda o: lr_scheduler.StepLR(o, step_size=3, gamma=0.5)),
        ("MultiStepLR", lambda o: lr_scheduler.MultiStepLR(o, milestones=[2, 5], gamma=0.1)),
        ("ExponentialLR", lambda o: lr_scheduler.ExponentialLR(o, gamma=0.8)),
        ("CosineAnnealingLR", lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=6, eta_min=0.001)),
        ("WarmRestarts", lambda o: lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2)),
        ("OneCycleLR", lambda o: lr_scheduler.OneCycleLR(o, max_lr=1.0, total_steps=10)),
        ("LambdaLR", lambda o: lr_scheduler.LambdaLR(o, lambda e: 1.0 / (1 + e))),
        ("MultiplicativeLR", lambda o: lr_scheduler.MultiplicativeLR(o, lambda e: 0.9)),
        ("LinearLR", lambda o: lr_scheduler.LinearLR(o, start_factor=0.25, total_iters=4)),
        ("ConstantLR", lambda o: lr_scheduler.ConstantLR(o, factor=0.5, total_iters=3)),
        ("PolynomialLR", lambda o: lr_scheduler.PolynomialLR(o, total_iters=6, power=2.0)),
        ("SequentialLR", lambda o: lr_scheduler.SequentialLR(o, [lr_scheduler.LinearLR(o, 0.1, total_iters=3),
                                                                 lr_scheduler.ExponentialLR(o, 0.5)], milestones=[3])),
        ("ChainedScheduler", lambda o: lr_scheduler.ChainedScheduler([lr_scheduler.ConstantLR(o, 0.5, total_iters=2),
                                                                      lr_scheduler.ExponentialLR(o, 0.9)])),
        ("CyclicLR", lambda o: lr_scheduler.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=2)),
        ("CyclicLR-tri2", lambda o: lr_scheduler.CyclicLR(o, 0.01, 0.1, step_size_up=1, mode="triangular2")),
]:
    s, lrs = run(make)
    print(f"{name:<17} {lrs} last={[round(v, 6) for v in s.get_last_lr()]}")
s, lrs = run(lambda o: lr_scheduler.OneCycleLR(o, max_lr=1.0, total_steps=10), steps=3)
print(sorted(s.state_dict().keys())[:6], round(s.optimizer.param_groups[0]["momentum"], 4))
s, lrs = run(lambda o: lr_scheduler.OneCycleLR(o, max_lr=0.5, epochs=2, steps_per_epoch=4, anneal_strategy="linear",
                                               three_phase=True), steps=8)
print("OneCycle linear 3-phase", lrs)
try:
    run(lambda o: lr_scheduler.OneCycleLR(o, max_lr=1.0, total_steps=3), steps=5)
except ValueError as e:
    print(type(e).__name__, e)
s, lrs = run(lambda o: lr_scheduler.ReduceLROnPlateau(o, mode="min", factor=0.5, patience=1),
             metric=[1.0, 0.9, 0.95, 0.96, 0.97, 0.5, 0.6, 0.7])
print("ReduceLROnPlateau", lrs, s.num_bad_epochs, s.best, s.get_last_lr())
s, lrs = run(lambda o: lr_scheduler.ReduceLROnPlateau(o, mode="max", factor=0.1, patience=0, threshold=0.1,
                                                      threshold_mode="abs", cooldown=1, min_lr=1e-3),
             metric=[0.5, 0.55, 0.7, 0.72, 0.71, 0.9, 0.9, 0.9])
print("ReduceLROnPlateau max", lrs, s.cooldown_counter, sorted(k for k in s.state_dict() if not k.startswith("_")))
step_sd = lr_scheduler.StepLR(torch.optim.SGD([nn.Parameter(torch.zeros(1))], lr=1.0), 2).state_dict()
print(step_sd)
try:
    lr_scheduler.MultiStepLR(torch.optim.SGD([nn.Parameter(torch.zeros(1))], lr=1.0), milestones=[3, 1]).step()
except ValueError as e:
    print(type(e).__name__, e)
try:
    lr_scheduler.LinearLR(torch.optim.SGD([nn.Parameter(torch.zeros(1))], lr=1.0), start_factor=0)
except ValueError as e:
    print(type(e).__name__, e)
try:
    lr_scheduler.ReduceLROnPlateau(torch.optim.SGD([nn.Parameter(torch.zeros(1))], lr=1.0), mode="up")
except ValueError as e:
    print(type(e).__name__, e)
two = torch.optim.SGD([{"params": [nn.Parameter(torch.zeros(1))]}, {"params": [nn.Parameter(torch.zeros(1))], "lr": 0.01}],
                      lr=0.1)
sched = lr_scheduler.LambdaLR(two, [lambda e: 0.5 ** e, lambda e: 1 + e])
for _ in range(3):
    two.step()
    sched.step()
print("per-group lambdas", [round(v, 6) for v in sched.get_last_lr()], [g["initial_lr"] for g in two.param_groups])
