"""Optimizer surface against torch: repr, errors, state_dict structure, zero_grad, hooks, and the
seed's SGD loop bit for bit over 1000 iterations in float32."""
import importlib
import warnings

import numpy as np
import pytest
import torch

import glasstorch
from ._helpers import same_error

MODS = (torch, glasstorch)
NAMES = ["SGD", "Adam", "AdamW", "Adamax", "NAdam", "RAdam", "RMSprop", "Adagrad", "Adadelta", "ASGD", "Rprop",
         "SparseAdam", "LBFGS"]


def _ab(mod):
    return mod.tensor(3.0, requires_grad=True), mod.tensor(4.0, requires_grad=True)


@pytest.mark.parametrize("name", NAMES)
def test_repr_default_and_groups(name):
    out = {}
    for mod in MODS:
        a, b = _ab(mod)
        cls = getattr(mod.optim, name)
        reprs = [repr(cls([a, b]))]
        if name != "LBFGS":
            reprs.append(str(cls([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.01)))
        out[mod] = reprs
    assert out[torch] == out[glasstorch]


@pytest.mark.parametrize("name", NAMES[:-2])
def test_state_dict_structure_after_step(name):
    sds = {}
    for mod in MODS:
        a, b = _ab(mod)
        opt = getattr(mod.optim, name)([a, b], lr=0.01)
        for _ in range(3):
            opt.zero_grad()
            ((15 - a * b) ** 2).backward()
            opt.step()
        sd = opt.state_dict()
        sds[mod] = (sd["param_groups"], {k: {n: (type(v).__name__, str(getattr(v, "dtype", "")),
                                                 v.tolist() if hasattr(v, "tolist") else v)
                                             for n, v in s.items()} for k, s in sd["state"].items()})
    pg_t, st_t = sds[torch]
    pg_g, st_g = sds[glasstorch]
    assert pg_t == pg_g and [list(g) for g in pg_t] == [list(g) for g in pg_g]
    assert list(st_t) == list(st_g)
    for k in st_t:
        assert list(st_t[k]) == list(st_g[k])
        for n in st_t[k]:
            tt, tg = st_t[k][n], st_g[k][n]
            assert tt[:2] == tg[:2], (n, tt, tg)
            np.testing.assert_allclose(tg[2], tt[2], rtol=1e-6)


BAD = [
    ("SGD", dict(lr=-1.0)), ("SGD", dict(momentum=-0.5)), ("SGD", dict(weight_decay=-1.0)),
    ("SGD", dict(nesterov=True)), ("SGD", dict(momentum=0.9, dampening=0.1, nesterov=True)),
    ("Adam", dict(lr=-0.1)), ("Adam", dict(eps=-1.0)), ("Adam", dict(betas=(1.0, 0.9))),
    ("Adam", dict(betas=(0.9, -0.1))), ("Adam", dict(weight_decay=-1e-2)), ("Adam", dict(betas=(0, 0.9))),
    ("AdamW", dict(betas=(0.9, 1.5))), ("Adamax", dict(eps=-1.0)), ("NAdam", dict(momentum_decay=-1.0)),
    ("RAdam", dict(betas=(-0.1, 0.9))), ("RMSprop", dict(alpha=-0.5)), ("RMSprop", dict(momentum=-1.0)),
    ("Adagrad", dict(lr_decay=-1.0)), ("Adagrad", dict(initial_accumulator_value=-1.0)),
    ("Adadelta", dict(rho=1.5)), ("ASGD", dict(weight_decay=-1.0)), ("Rprop", dict(etas=(1.2, 0.5))),
    ("SparseAdam", dict(lr=0.0)), ("SparseAdam", dict(eps=0.0)), ("LBFGS", dict(lr=-1.0)),
]


@pytest.mark.parametrize("name,kwargs", BAD)
def test_bad_arguments(name, kwargs):
    same_error(lambda t: getattr(t.optim, name)([t.tensor(1.0, requires_grad=True)], **kwargs))


def test_bad_parameter_lists():
    same_error(lambda t: t.optim.SGD([], lr=0.1))
    same_error(lambda t: t.optim.SGD([t.tensor(1.0, requires_grad=True) * 2], lr=0.1))
    same_error(lambda t: t.optim.SGD(t.tensor(1.0, requires_grad=True), lr=0.1))
    same_error(lambda t: t.optim.SGD([1.0], lr=0.1))
    same_error(lambda t: t.optim.SGD([{"params": {t.tensor(1.0, requires_grad=True)}}], lr=0.1))
    same_error(lambda t: (lambda p: t.optim.SGD([{"params": [p]}, {"params": [p]}], lr=0.1))(
        t.tensor(1.0, requires_grad=True)))
    same_error(lambda t: t.optim.SGD([t.tensor(1.0, requires_grad=True)]).add_param_group([1]))
    same_error(lambda t: t.optim.LBFGS([{"params": [t.tensor(1.0, requires_grad=True)]},
                                        {"params": [t.tensor(2.0, requires_grad=True)]}]))


def test_duplicate_parameter_warns():
    msgs = {}
    for mod in MODS:
        p = mod.tensor(1.0, requires_grad=True)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            mod.optim.SGD([p, p], lr=0.1)
        msgs[mod] = [str(x.message) for x in w]
    assert msgs[torch] == msgs[glasstorch] and msgs[torch]


def test_load_state_dict_mismatch():
    def mism_groups(t):
        a, b = _ab(t)
        t.optim.SGD([a], lr=0.1).load_state_dict(t.optim.SGD([{"params": [a]}, {"params": [b]}]).state_dict())

    def mism_sizes(t):
        a, b = _ab(t)
        t.optim.SGD([a], lr=0.1).load_state_dict(t.optim.SGD([a, b]).state_dict())
    same_error(mism_groups)
    same_error(mism_sizes)


def test_sparse_adam_dense_gradient():
    def f(t):
        a, b = _ab(t)
        opt = t.optim.SparseAdam([a, b])
        ((15 - a * b) ** 2).backward()
        opt.step()
    same_error(f)


@pytest.mark.parametrize("set_to_none", [True, False])
def test_zero_grad(set_to_none):
    out = {}
    for mod in MODS:
        a, b = _ab(mod)
        opt = mod.optim.SGD([a, b], lr=0.1)
        (a * b).backward()
        opt.zero_grad(set_to_none=set_to_none)
        out[mod] = [None if p.grad is None else (p.grad.item(), p.grad.requires_grad) for p in (a, b)]
    assert out[torch] == out[glasstorch]


def test_step_hooks():
    logs = {}
    for mod in MODS:
        log = []
        a, b = _ab(mod)
        opt = mod.optim.Adam([a, b], lr=0.1)
        h1 = opt.register_step_pre_hook(lambda o, args, kw: log.append(("pre", type(o).__name__, len(args), kw)))
        opt.register_step_post_hook(lambda o, args, kw: log.append(("post", a.item())))
        g = importlib.import_module(mod.__name__ + ".optim.optimizer").register_optimizer_step_pre_hook(lambda o, args, kw: log.append("global"))
        ((15 - a * b) ** 2).backward()
        opt.step()
        h1.remove()
        g.remove()
        opt.step()
        logs[mod] = log
    assert logs[torch] == logs[glasstorch]


def test_seed_sgd_loop_bit_identical():
    """The seed problem: a, b = 3, 4; loss = (15 - a*b)**2; SGD lr=3e-3, 1000 iterations, float32."""
    out = {}
    for mod in MODS:
        a, b = _ab(mod)
        opt = mod.optim.SGD([a, b], lr=3e-3)
        trace = []
        for _ in range(1000):
            opt.zero_grad()
            loss = (15 - a * b) ** 2
            loss.backward()
            opt.step()
            trace.append((a.item(), b.item(), loss.item()))
        out[mod] = trace
    assert out[torch] == out[glasstorch]


@pytest.mark.parametrize("kwargs", [dict(lr=1e-3, momentum=0.9), dict(lr=1e-3, momentum=0.9, nesterov=True),
                                    dict(lr=1e-3, weight_decay=0.1, momentum=0.5, dampening=0.2)])
def test_seed_sgd_options_bit_identical(kwargs):
    out = {}
    for mod in MODS:
        a, b = _ab(mod)
        opt = mod.optim.SGD([a, b], **kwargs)
        for _ in range(300):
            opt.zero_grad()
            ((15 - a * b) ** 2).backward()
            opt.step()
        out[mod] = (a.item(), b.item())
    assert out[torch] == out[glasstorch]


@pytest.mark.parametrize("norm_type", [2.0, 0, 3, 0.5, -1, float("inf"), -float("inf")])
def test_total_norm_orders_and_mixed_dtypes(norm_type):
    """torch stacks the per-gradient norms (a float64 gradient makes the total float64); order 0
    counts non-zeros, -inf takes the smallest."""
    def fn(m):
        a = m.tensor([0., 2., -3.], requires_grad=True)
        b = m.tensor([0., 0.5], dtype=m.float64, requires_grad=True)
        a.grad, b.grad = m.tensor([0., 2., -3.]), m.tensor([0., 0.5], dtype=m.float64)
        total = m.nn.utils.clip_grad_norm_([a, b], 1.0, norm_type=norm_type)
        return [str(total.dtype), round(total.item(), 5), [round(v, 5) for v in a.grad.tolist() + b.grad.tolist()]]
    assert fn(torch) == fn(glasstorch)


def test_clip_grad_value_without_any_grad_raises_like_torch():
    same_error(lambda m: m.nn.utils.clip_grad_value_([m.ones(3, requires_grad=True)], 1.0))
