"""Learning-rate scheduler zoo, as in the PyTorch recipes: every scheduler stepped a few epochs with
get_last_lr() printed, state_dict() contents, the warning for scheduler.step() before
optimizer.step(), SequentialLR / ChainedScheduler composition and ReduceLROnPlateau."""
import warnings

import torch
import torch.nn as nn
from torch.optim import SGD, Adam
from torch.optim import lr_scheduler as S

torch.manual_seed(0)
model = nn.Linear(3, 1)


def fresh(lr=0.1, opt=SGD, **kw):
    return opt(model.parameters(), lr=lr, **kw)


def fmt(lrs):
    return [f"{v:.6f}" for v in lrs]


def run(name, make, steps=8, opt_kw=None):
    opt = fresh(**(opt_kw or {}))
    sched = make(opt)
    hist = []
    for _ in range(steps):
        opt.step()
        sched.step()
        hist.append(fmt(sched.get_last_lr())[0])
    print(name, hist)
    return opt, sched


run("StepLR", lambda o: S.StepLR(o, step_size=3, gamma=0.5))
run("MultiStepLR", lambda o: S.MultiStepLR(o, milestones=[2, 5, 6], gamma=0.3))
run("ExponentialLR", lambda o: S.ExponentialLR(o, gamma=0.9))
run("CosineAnnealingLR", lambda o: S.CosineAnnealingLR(o, T_max=5, eta_min=0.01), steps=12)
run("WarmRestarts", lambda o: S.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2, eta_min=0.001), steps=12)
run("CyclicLR-tri2", lambda o: S.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=2, mode="triangular2"),
    steps=12, opt_kw=dict(momentum=0.9))
run("CyclicLR-exp", lambda o: S.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=3, step_size_down=2,
                                         mode="exp_range", gamma=0.9), steps=12, opt_kw=dict(momentum=0.9))
o, s = run("OneCycle-cos", lambda o: S.OneCycleLR(o, max_lr=0.5, total_steps=10), steps=9,
           opt_kw=dict(momentum=0.9))
print("momentum", f"{o.param_groups[0]['momentum']:.6f}", sorted(k for k in o.param_groups[0] if "lr" in k))
o, s = run("OneCycle-lin", lambda o: S.OneCycleLR(o, max_lr=0.5, epochs=2, steps_per_epoch=5,
                                                  anneal_strategy="linear", pct_start=0.4,
                                                  three_phase=True), steps=9, opt_kw=dict(lr=0.1, opt=Adam))
print("betas", [f"{b:.6f}" for b in o.param_groups[0]["betas"]])
run("LinearLR", lambda o: S.LinearLR(o, start_factor=0.25, end_factor=1.0, total_iters=4))
run("ConstantLR", lambda o: S.ConstantLR(o, factor=0.5, total_iters=3))
run("PolynomialLR", lambda o: S.PolynomialLR(o, total_iters=6, power=2.0))
run("LambdaLR", lambda o: S.LambdaLR(o, lr_lambda=lambda e: 1.0 / (e + 1)))
run("MultiplicativeLR", lambda o: S.MultiplicativeLR(o, lr_lambda=lambda e: 0.95))

opt = fresh()
seq = S.SequentialLR(opt, schedulers=[S.LinearLR(opt, start_factor=0.1, total_iters=3),
                                      S.ExponentialLR(opt, gamma=0.8)], milestones=[3])
hist = []
for _ in range(8):
    opt.step()
    seq.step()
    hist.append(fmt(seq.get_last_lr())[0])
print("SequentialLR", hist)
print(sorted(seq.state_dict().keys()), seq.state_dict()["_milestones"], seq.state_dict()["last_epoch"])

opt = fresh()
chain = S.ChainedScheduler([S.ConstantLR(opt, factor=0.5, total_iters=4), S.ExponentialLR(opt, gamma=0.9)])
hist = []
for _ in range(6):
    opt.step()
    chain.step()
    hist.append(fmt(chain.get_last_lr())[0])
print("Chained", hist)

# two param groups
opt = SGD([{"params": [model.weight]}, {"params": [model.bias], "lr": 0.5}], lr=0.1)
step = S.StepLR(opt, step_size=2, gamma=0.1)
for _ in range(5):
    opt.step()
    step.step()
    print("groups", fmt(step.get_last_lr()), step.last_epoch)
sd = step.state_dict()
print(sorted(sd.keys()))
print(sd["step_size"], sd["gamma"], sd["last_epoch"], fmt(sd["base_lrs"]), fmt(sd["_last_lr"]))
step2 = S.StepLR(SGD(model.parameters(), lr=1.0), step_size=7)
step2.load_state_dict(sd)
print("loaded", step2.step_size, step2.last_epoch, fmt(step2.get_last_lr()))

# warnings
opt = fresh()
sched = S.StepLR(opt, step_size=1, gamma=0.5)
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter("always")
    sched.step()
print(len(w), [x.category.__name__ for x in w])
print(str(w[0].message)[:120] if w else None)
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter("always")
    opt.step()
    sched.step(5)
print(len(w), [str(x.message)[:60] for x in w], fmt(sched.get_last_lr()))

for bad in [lambda: S.StepLR(fresh(), step_size=2, last_epoch=3),
            lambda: S.LinearLR(fresh(), start_factor=0.0),
            lambda: S.CosineAnnealingWarmRestarts(fresh(), T_0=0),
            lambda: S.OneCycleLR(fresh(), max_lr=0.1),
            lambda: S.ReduceLROnPlateau(fresh(), factor=1.5),
            lambda: S.SequentialLR(fresh(), schedulers=[S.StepLR(fresh(), 2)], milestones=[1])]:
    try:
        bad()
        print("no error")
    except Exception as e:
        print(type(e).__name__, e)

opt = fresh(momentum=0.9)
plateau = S.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=1, threshold=0.01, cooldown=1, min_lr=0.01)
losses = [1.0, 0.9, 0.95, 0.91, 0.92, 0.93, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1]
for ep, loss in enumerate(losses):
    opt.step()
    plateau.step(loss)
    print(ep, fmt(plateau.get_last_lr()), plateau.num_bad_epochs, plateau.cooldown_counter,
          f"{plateau.best:.4f}")
print(sorted(plateau.state_dict().keys()))
maxp = S.ReduceLROnPlateau(fresh(), mode="max", threshold_mode="abs", patience=0, factor=0.1)
for acc in [0.5, 0.6, 0.55, 0.6, 0.61]:
    maxp.step(acc)
    print("max", fmt(maxp.get_last_lr()), maxp.num_bad_epochs)
