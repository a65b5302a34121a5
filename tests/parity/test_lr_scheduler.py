"""Every lr scheduler: the learning rates over 100 steps equal torch's exactly, and torch's
warnings (scheduler.step() before optimizer.step())."""
import warnings

import pytest
import torch

import glasstorch

S = "optim.lr_scheduler"


def _sched(mod, name):
    return getattr(mod.optim.lr_scheduler, name)


CASES = [
    ("LambdaLR", lambda m, o: _sched(m, "LambdaLR")(o, lambda e: 0.95 ** e)),
    ("MultiplicativeLR", lambda m, o: _sched(m, "MultiplicativeLR")(o, lambda e: 0.97)),
    ("StepLR", lambda m, o: _sched(m, "StepLR")(o, step_size=7, gamma=0.3)),
    ("MultiStepLR", lambda m, o: _sched(m, "MultiStepLR")(o, milestones=[10, 30, 30, 70], gamma=0.5)),
    ("ConstantLR", lambda m, o: _sched(m, "ConstantLR")(o, factor=0.25, total_iters=12)),
    ("LinearLR", lambda m, o: _sched(m, "LinearLR")(o, start_factor=0.1, end_factor=0.9, total_iters=40)),
    ("ExponentialLR", lambda m, o: _sched(m, "ExponentialLR")(o, gamma=0.93)),
    ("PolynomialLR", lambda m, o: _sched(m, "PolynomialLR")(o, total_iters=60, power=2.0)),
    ("CosineAnnealingLR", lambda m, o: _sched(m, "CosineAnnealingLR")(o, T_max=17, eta_min=0.001)),
    ("CosineAnnealingWarmRestarts", lambda m, o: _sched(m, "CosineAnnealingWarmRestarts")(o, T_0=5, T_mult=2,
                                                                                          eta_min=1e-4)),
    ("CyclicLR", lambda m, o: _sched(m, "CyclicLR")(o, base_lr=0.01, max_lr=0.1, step_size_up=7, mode="triangular2")),
    ("CyclicLR-exp", lambda m, o: _sched(m, "CyclicLR")(o, base_lr=[0.01, 0.02], max_lr=0.1, step_size_up=5,
                                                          step_size_down=9, mode="exp_range", gamma=0.99)),
    ("OneCycleLR", lambda m, o: _sched(m, "OneCycleLR")(o, max_lr=0.5, total_steps=101)),
    ("OneCycleLR-3", lambda m, o: _sched(m, "OneCycleLR")(o, max_lr=[0.5, 0.2], total_steps=120, three_phase=True,
                                                          anneal_strategy="linear")),
    ("SequentialLR", lambda m, o: _sched(m, "SequentialLR")(
        o, [_sched(m, "LinearLR")(o, start_factor=0.2, total_iters=10), _sched(m, "ExponentialLR")(o, gamma=0.9)],
        milestones=[10])),
    ("ChainedScheduler", lambda m, o: _sched(m, "ChainedScheduler")(
        [_sched(m, "ConstantLR")(o, factor=0.5, total_iters=20), _sched(m, "ExponentialLR")(o, gamma=0.95)])),
    ("SWALR", lambda m, o: getattr(m.optim.swa_utils, "SWALR")(o, swa_lr=0.02, anneal_epochs=15)),
]


def _trace(mod, make, opt_name="SGD"):
    a, b = mod.tensor(3.0, requires_grad=True), mod.tensor(4.0, requires_grad=True)
    opt_cls = getattr(mod.optim, opt_name)
    kw = dict(momentum=0.9) if opt_name == "SGD" else {}
    opt = opt_cls([{"params": [a]}, {"params": [b], "lr": 0.05}], lr=0.1, **kw)
    sched = make(mod, opt)
    lrs = [sched.get_last_lr()]
    moms = []
    for _ in range(100):
        opt.zero_grad()
        ((15 - a * b) ** 2 * 1e-4).backward()
        opt.step()
        sched.step()
        lrs.append(sched.get_last_lr())
        moms.append([g.get("momentum", g.get("betas")) for g in opt.param_groups])
    sd = {k: v for k, v in sched.state_dict().items() if k != "_schedulers"}
    return lrs, moms, [g["lr"] for g in opt.param_groups], sorted(sd), (a.item(), b.item())


@pytest.mark.parametrize("name,make", CASES, ids=[c[0] for c in CASES])
def test_lr_sequence(name, make):
    t, g = _trace(torch, make), _trace(glasstorch, make)
    assert t[0] == g[0]            # learning rates, exactly
    assert t[1] == g[1]            # cycled momentum
    assert t[2] == g[2]
    assert t[3] == g[3]            # state_dict keys
    assert t[4] == g[4]


def test_cycle_beta1_with_adam():
    make = CASES[12][1]
    t, g = _trace(torch, make, "Adam"), _trace(glasstorch, make, "Adam")
    assert t[:4] == g[:4]


def test_reduce_lr_on_plateau():
    metrics = [1.0, 0.9, 0.9, 0.91, 0.95, 0.9, 0.89, 0.9, 0.9, 0.9, 0.9, 0.8] * 8
    out = {}
    for mod in (torch, glasstorch):
        opt = mod.optim.SGD([mod.tensor(1.0, requires_grad=True)], lr=0.1)
        s = mod.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=2, factor=0.5, cooldown=1, min_lr=1e-3)
        seq = []
        for m in metrics:
            s.step(m)
            seq.append(s.get_last_lr()[0])
        out[mod] = (seq, s.num_bad_epochs, s.best, s.cooldown_counter)
    assert out[torch] == out[glasstorch]


def _warnings_of(mod, order):
    p = mod.tensor(1.0, requires_grad=True)
    opt = mod.optim.SGD([p], lr=0.1)
    sched = mod.optim.lr_scheduler.StepLR(opt, 3)
    p.grad = mod.tensor(1.0)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        for what in order:
            opt.step() if what == "opt" else sched.step()
        sched.get_lr()
    return [str(x.message) for x in w]


@pytest.mark.parametrize("order", [["sched", "opt"], ["opt", "sched"]])
def test_scheduler_warnings(order):
    assert _warnings_of(torch, order) == _warnings_of(glasstorch, order)


def test_scheduler_errors():
    from ._helpers import same_error
    same_error(lambda t: t.optim.lr_scheduler.StepLR("not an optimizer", 3))
    same_error(lambda t: t.optim.lr_scheduler.ConstantLR(t.optim.SGD([t.tensor(1.0, requires_grad=True)]),
                                                         factor=2.0))
    same_error(lambda t: t.optim.lr_scheduler.StepLR(t.optim.SGD([t.tensor(1.0, requires_grad=True)]), 3,
                                                     last_epoch=4))
    same_error(lambda t: t.optim.lr_scheduler.OneCycleLR(t.optim.SGD([t.tensor(1.0, requires_grad=True)]), 0.1))


def test_scheduler_classes_live_in_lr_scheduler():
    """Reprs and pickles name the class's module: torch's are all in ``optim.lr_scheduler``."""
    for name in ("StepLR", "SequentialLR", "ChainedScheduler", "ReduceLROnPlateau", "CyclicLR",
                 "CosineAnnealingWarmRestarts", "OneCycleLR", "LambdaLR"):
        want = getattr(torch.optim.lr_scheduler, name).__module__.replace("torch", "glasstorch", 1)
        assert getattr(glasstorch.optim.lr_scheduler, name).__module__ == want, name
