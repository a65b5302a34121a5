"""Learning-rate schedule tables with torch.optim.lr_scheduler."""
import math
import warnings
import torch
from torch.optim import lr_scheduler as S


def table(name, make, steps=12, lr=0.1, opt_cls=torch.optim.SGD, **okw):
    w = torch.nn.Parameter(torch.zeros(3))
    opt = opt_cls([w], lr=lr, **okw)
    sch = make(opt)
    lrs = []
    for _ in range(steps):
        opt.step()
        lrs.append(round(sch.get_last_lr()[0], 5))
        sch.step()
    print(f"{name:<18s}", lrs)
    return sch


table("StepLR", lambda o: S.StepLR(o, step_size=3, gamma=0.5))
table("MultiStepLR", lambda o: S.MultiStepLR(o, milestones=[2, 5, 9], gamma=0.3))
table("ExponentialLR", lambda o: S.ExponentialLR(o, gamma=0.8))
table("CosineAnnealing", lambda o: S.CosineAnnealingLR(o, T_max=8, eta_min=0.01))
table("CosineWarmRestart", lambda o: S.CosineAnnealingWarmRestarts(o, T_0=4, T_mult=2, eta_min=0.001))
table("PolynomialLR", lambda o: S.PolynomialLR(o, total_iters=6, power=2.0))
table("LinearLR", lambda o: S.LinearLR(o, start_factor=0.25, end_factor=1.0, total_iters=5))
table("ConstantLR", lambda o: S.ConstantLR(o, factor=0.5, total_iters=4))
table("LambdaLR", lambda o: S.LambdaLR(o, lr_lambda=lambda e: 1.0 / (1 + e)))
table("MultiplicativeLR", lambda o: S.MultiplicativeLR(o, lr_lambda=lambda e: 0.9))
table("CyclicLR tri2", lambda o: S.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=2, mode="triangular2"), steps=14, momentum=0.9)
table("CyclicLR exp", lambda o: S.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=3, mode="exp_range", gamma=0.9), steps=14, momentum=0.9)
table("OneCycleLR", lambda o: S.OneCycleLR(o, max_lr=0.5, total_steps=12), steps=12, momentum=0.9)
table("OneCycle linear", lambda o: S.OneCycleLR(o, max_lr=0.5, total_steps=12, anneal_strategy="linear", three_phase=True), steps=12, opt_cls=torch.optim.Adam)
table("SequentialLR", lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.1, total_iters=3), S.ExponentialLR(o, gamma=0.9)], milestones=[3]))
table("ChainedScheduler", lambda o: S.ChainedScheduler([S.ConstantLR(o, factor=0.5, total_iters=3), S.ExponentialLR(o, gamma=0.9)]))

# ReduceLROnPlateau with a synthetic validation curve
w = torch.nn.Parameter(torch.zeros(2))
opt = torch.optim.SGD([w], lr=1.0)
plat = S.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=2, threshold=0.01, cooldown=1, min_lr=0.05)
vals = [1.0, 0.9, 0.89, 0.895, 0.9, 0.88, 0.887, 0.889, 0.9, 0.91, 0.95, 0.96, 0.97]
for v in vals:
    opt.step()
    plat.step(v)
    print("plateau", v, plat.get_last_lr(), plat.num_bad_epochs, plat.cooldown_counter)
print(sorted(plat.state_dict().keys()))

# Two param groups with different lrs
a = torch.nn.Parameter(torch.ones(2))
b = torch.nn.Parameter(torch.ones(2))
opt = torch.optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.01}], lr=0.1, momentum=0.9)
sch = S.LambdaLR(opt, [lambda e: 0.5 ** e, lambda e: 1 + e])
for _ in range(4):
    opt.step()
    sch.step()
    print([round(x, 5) for x in sch.get_last_lr()], [g["initial_lr"] for g in opt.param_groups])

# warning when scheduler.step() is called before optimizer.step()
w = torch.nn.Parameter(torch.zeros(2))
opt = torch.optim.SGD([w], lr=0.1)
sch = S.StepLR(opt, 2)
with warnings.catch_warnings(record=True) as rec:
    warnings.simplefilter("always")
    sch.step()
for r in rec:
    print(r.category.__name__, str(r.message)[:90])

# errors
for bad in [lambda: S.StepLR(opt, 2, last_epoch=5),
            lambda: S.CosineAnnealingWarmRestarts(opt, T_0=0),
            lambda: S.CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=0),
            lambda: S.LinearLR(opt, start_factor=0.0),
            lambda: S.ConstantLR(opt, factor=1.5),
            lambda: S.ReduceLROnPlateau(opt, factor=1.0),
            lambda: S.ReduceLROnPlateau(opt, mode="up"),
            lambda: S.CyclicLR(opt, base_lr=0.1, max_lr=1.0, mode="sine"),
            lambda: S.OneCycleLR(opt, max_lr=0.1),
            lambda: S.OneCycleLR(opt, max_lr=0.1, total_steps=10, anneal_strategy="exp"),
            lambda: S.SequentialLR(opt, [S.StepLR(opt, 2)], milestones=[1]),
            lambda: S.MultiStepLR(torch.tensor(1.0), [1])]:
    try:
        bad()
        print("no error")
    except Exception as e:
        print(type(e).__name__, e)
