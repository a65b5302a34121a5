"""Optimizers on test functions (Rosenbrock, Beale) from fixed starts, LBFGS with a strong-Wolfe line
search, and learning-rate scheduler chains printed step by step, as optimization blog posts show them."""
import torch
from torch.optim import lr_scheduler


def rosenbrock(xy):
    x, y = xy
    return (1 - x) ** 2 + 100 * (y - x ** 2) ** 2


def beale(xy):
    x, y = xy
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y ** 2) ** 2 + (2.625 - x + x * y ** 3) ** 2


def run(fn, start, opt_cls, steps, every, **kw):
    xy = torch.tensor(start, requires_grad=True)
    opt = opt_cls([xy], **kw)
    trail = []
    for i in range(1, steps + 1):
        opt.zero_grad()
        loss = fn(xy)
        loss.backward()
        opt.step()
        if i % every == 0:
            trail.append(f"({xy[0].item():.4f},{xy[1].item():.4f})")
    name = opt_cls.__name__ + ("+nesterov" if kw.get("nesterov") else "") + ("+ams" if kw.get("amsgrad") else "")
    print(f"{name:12s} {fn.__name__:10s} f={fn(xy).item():.4f}", " ".join(trail))


configs = [
    (torch.optim.SGD, dict(lr=1e-3)),
    (torch.optim.SGD, dict(lr=1e-3, momentum=0.9, nesterov=True)),
    (torch.optim.Adagrad, dict(lr=0.5, lr_decay=1e-3)),
    (torch.optim.RMSprop, dict(lr=0.01, alpha=0.9)),
    (torch.optim.RMSprop, dict(lr=1e-3, momentum=0.5, centered=True)),
    (torch.optim.Adam, dict(lr=0.05)),
    (torch.optim.Adam, dict(lr=0.05, amsgrad=True, maximize=False)),
    (torch.optim.AdamW, dict(lr=0.05, weight_decay=0.1)),
    (torch.optim.NAdam, dict(lr=0.05)),
    (torch.optim.RAdam, dict(lr=2e-3)),
    (torch.optim.NAdam, dict(lr=0.05, momentum_decay=4e-3, decoupled_weight_decay=True, weight_decay=0.01)),
    (torch.optim.Adadelta, dict(lr=1.0)),
    (torch.optim.Adamax, dict(lr=0.05)),
]
for cls, kw in configs:
    run(rosenbrock, [-1.5, 2.0], cls, 200, 50, **kw)
for cls, kw in configs[2:8]:
    run(beale, [1.0, 1.5], cls, 100, 25, **kw)

# LBFGS needs a closure that re-evaluates the loss
for line_search, dtype in ((None, torch.float32), ("strong_wolfe", torch.float32), ("strong_wolfe", torch.float64)):
    xy = torch.tensor([-1.5, 2.0], dtype=dtype, requires_grad=True)
    opt = torch.optim.LBFGS([xy], lr=1 if line_search else 0.1, max_iter=20, history_size=10,
                            line_search_fn=line_search)
    calls = []

    def closure():
        opt.zero_grad()
        loss = rosenbrock(xy)
        loss.backward()
        calls.append(loss.item())
        return loss

    for outer in range(5):
        loss = opt.step(closure)
        print(f"lbfgs {str(line_search):12s} outer {outer} loss {loss.item():.4f} xy ({xy[0].item():.4f},"
              f" {xy[1].item():.4f}) evals {len(calls)}")
    state = opt.state[xy]
    print(sorted(state.keys())[:6], state["n_iter"], state["func_evals"], state["d"].dtype, len(state["old_dirs"]))

# learning-rate schedules
def show(name, make, steps=12):
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=0.1, momentum=0.9)
    sched = make(opt)
    lrs = []
    for _ in range(steps):
        opt.step()
        sched.step()
        lrs.append(f"{sched.get_last_lr()[0]:.5f}")
    print(f"{name:10s}", " ".join(lrs))
    return sched


s = show("sequential", lambda o: lr_scheduler.SequentialLR(o, [
    lr_scheduler.LinearLR(o, start_factor=0.1, total_iters=4),
    lr_scheduler.CosineAnnealingLR(o, T_max=8, eta_min=1e-3)], milestones=[4]))
print(sorted(s.state_dict().keys()), s.last_epoch)
s = show("chained", lambda o: lr_scheduler.ChainedScheduler([
    lr_scheduler.ConstantLR(o, factor=0.5, total_iters=3), lr_scheduler.ExponentialLR(o, gamma=0.9)]))
print(sorted(s.state_dict().keys()), len(s._schedulers))
s = show("multistep", lambda o: lr_scheduler.MultiStepLR(o, milestones=[3, 7, 9], gamma=0.5))
print(sorted(s.state_dict().keys()), s.milestones)
show("exp", lambda o: lr_scheduler.ExponentialLR(o, gamma=0.8))
s = show("cyclic", lambda o: lr_scheduler.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=3,
                                                   mode="triangular2"), steps=14)
print(sorted(s.state_dict().keys())[:8])
s = show("warmrestart", lambda o: lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2, eta_min=0.001),
         steps=14)
print(s.T_i, s.T_cur, s.state_dict()["T_0"])
s = show("poly", lambda o: lr_scheduler.PolynomialLR(o, total_iters=8, power=2.0))
print(sorted(s.state_dict().keys()), s.get_last_lr())

# momentum cycling follows the schedule too
p = torch.zeros(1, requires_grad=True)
opt = torch.optim.SGD([p], lr=0.1, momentum=0.9)
cyc = lr_scheduler.CyclicLR(opt, base_lr=0.01, max_lr=0.1, step_size_up=2, base_momentum=0.8, max_momentum=0.95)
print([f"{opt.param_groups[0]['momentum']:.4f}" for _ in range(5) if (opt.step(), cyc.step()) or True])

# a scheduler driven by a validation metric
p = torch.zeros(1, requires_grad=True)
opt = torch.optim.Adam([p], lr=0.01)
plateau = lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=1, threshold=1e-3)
for epoch, val in enumerate([1.0, 0.9, 0.95, 0.93, 0.92, 0.91, 0.95, 0.96]):
    opt.step()
    plateau.step(val)
    print(epoch, f"{val:.2f}", plateau.get_last_lr(), plateau.num_bad_epochs)
