"""Parity pins for real-program round sr: optuna (examples pytorch/pytorch_simple.py) and deepxde
with DDE_BACKEND=pytorch (Poisson_Dirichlet_1d, Burgers, function/func.py, ode_system).

Fixed in glasstorch: nothing was needed; both programs imported and ran unchanged, and their
outputs matched torch's (optuna: the same trial values, intermediate accuracies, pruning decisions
and best params; deepxde: the same printed loss tables, float32 loss histories within a few ulps).

These tests pin the torch behaviour those programs lean on, in plain torch code:
- PINN derivatives: ``autograd.grad(create_graph=True)`` twice through a tanh MLP (deepxde's
  ``dde.grad.jacobian``/``hessian``), values and grad_fn names, and a parameter gradient of a loss
  built from them;
- ``optim.LBFGS`` (deepxde's "L-BFGS"), with and without ``line_search_fn="strong_wolfe"``: the
  float64 trajectory, ``func_evals``/``n_iter`` counts and the state keys;
- the optuna objective's pieces: LogSoftmax + nll_loss training with Adam / RMSprop / SGD, Dropout
  in train and eval mode, ``argmax(keepdim) .eq(view_as) .sum().item()`` accuracy counting;
- the errors of LBFGS's unknown line search and several parameter groups.
"""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from tests.parity._helpers import same_on_both, same_outcome

MODS = (torch, glasstorch)


def _mlp(m, dtype, widths=(1, 6, 6, 1)):
    m.manual_seed(0)
    layers = []
    for a, b in zip(widths[:-1], widths[1:]):
        layers += [m.nn.Linear(a, b), m.nn.Tanh()]
    return m.nn.Sequential(*layers[:-1]).to(dtype)


def _pinn_derivs(m, x):
    net = _mlp(m, x.dtype)
    y = net(x)
    dy = m.autograd.grad(y, x, grad_outputs=m.ones_like(y), create_graph=True)[0]
    d2 = m.autograd.grad(dy, x, grad_outputs=m.ones_like(dy), create_graph=True)[0]
    return y, dy, d2


@settings(max_examples=15, deadline=None)
@given(st.integers(2, 9), st.sampled_from(["float32", "float64"]))
def test_pinn_first_and_second_derivative(n, dt):
    x = np.linspace(-1, 1, n, dtype=dt).reshape(n, 1)
    tol = 1e-5 if dt == "float32" else 1e-12
    same_on_both(lambda m, a: _pinn_derivs(m, a), [x], rtol=tol, atol=tol)


def test_pinn_residual_loss_parameter_gradient():
    """The Poisson residual -u'' - pi^2 sin(pi x) squared and averaged, back to the first weight."""
    out = []
    for m in MODS:
        x = m.from_numpy(np.linspace(-1, 1, 7).reshape(7, 1)).requires_grad_(True)
        net = _mlp(m, m.float64)
        y = net(x)
        dy = m.autograd.grad(y, x, m.ones_like(y), create_graph=True)[0]
        d2 = m.autograd.grad(dy, x, m.ones_like(dy), create_graph=True)[0]
        loss = ((-d2 - np.pi ** 2 * m.sin(np.pi * x)) ** 2).mean()
        loss.backward()
        out.append((loss.item(), net[0].weight.grad.numpy().copy(), type(loss.grad_fn).__name__))
    assert out[0][2] == out[1][2]
    np.testing.assert_allclose(out[1][0], out[0][0], rtol=1e-12)
    np.testing.assert_allclose(out[1][1], out[0][1], rtol=1e-10, atol=1e-12)


def _lbfgs(m, line_search, steps=3, **kw):
    net = _mlp(m, m.float64, (2, 8, 1))
    m.manual_seed(1)
    x = m.randn(20, 2, dtype=m.float64)
    y = (x[:, :1] * x[:, 1:]).sin()
    opt = m.optim.LBFGS(net.parameters(), lr=1, max_iter=15, line_search_fn=line_search, **kw)
    losses = []
    for _ in range(steps):
        def closure():
            opt.zero_grad()
            loss = ((net(x) - y) ** 2).mean()
            loss.backward()
            return loss
        losses.append(opt.step(closure).item())
    state = opt.state_dict()["state"][0]
    return losses, state["func_evals"], state["n_iter"], sorted(state)


@pytest.mark.parametrize("line_search,kw", [(None, {}), ("strong_wolfe", {}),
                                            ("strong_wolfe", dict(history_size=3, tolerance_grad=1e-9,
                                                                  tolerance_change=0))])
def test_lbfgs_trajectory_and_counts(line_search, kw):
    t, g = (_lbfgs(m, line_search, **kw) for m in MODS)
    np.testing.assert_allclose(g[0], t[0], rtol=1e-9)
    assert g[1:] == t[1:]


def test_lbfgs_errors():
    def unknown_search(m):
        w = m.zeros(2, requires_grad=True)
        opt = m.optim.LBFGS([w], line_search_fn="armijo")
        opt.step(lambda: (w - 1).pow(2).sum().backward() or (w - 1).pow(2).sum())
    same_outcome(unknown_search)
    reprs = [repr(m.optim.LBFGS([m.zeros(2, requires_grad=True)], max_iter=7, line_search_fn="strong_wolfe"))
             for m in MODS]
    assert reprs[0] == reprs[1]
    same_outcome(lambda m: m.optim.LBFGS([{"params": [m.zeros(2, requires_grad=True)]},
                                          {"params": [m.zeros(2, requires_grad=True)]}]))


def _classifier_steps(m, opt_name, **kw):
    m.manual_seed(0)
    model = m.nn.Sequential(m.nn.Linear(12, 7), m.nn.ReLU(), m.nn.Dropout(0.38),
                            m.nn.Linear(7, 4), m.nn.LogSoftmax(dim=1)).double()
    opt = getattr(m.optim, opt_name)(model.parameters(), **kw)
    x = m.randn(16, 12, dtype=m.float64)
    target = m.randint(0, 4, (16,))
    model.train()
    for _ in range(4):
        opt.zero_grad()
        loss = m.nn.functional.nll_loss(model(x), target)
        loss.backward()
        opt.step()
    model.eval()
    with m.no_grad():
        pred = model(x).argmax(dim=1, keepdim=True)
        correct = pred.eq(target.view_as(pred)).sum().item()
    return loss, pred, correct, model[0].weight.detach().clone()


@pytest.mark.parametrize("opt_name,kw", [("Adam", dict(lr=0.01)), ("RMSprop", dict(lr=0.01)),
                                         ("SGD", dict(lr=0.07)),
                                         ("RMSprop", dict(lr=0.01, centered=True, momentum=0.9,
                                                          weight_decay=0.1))])
def test_optuna_objective_training_steps(opt_name, kw):
    t, g = (_classifier_steps(m, opt_name, **kw) for m in MODS)
    assert type(t[0].grad_fn).__name__ == type(g[0].grad_fn).__name__
    np.testing.assert_allclose(g[0].item(), t[0].item(), rtol=1e-12)
    assert np.array_equal(g[1].numpy(), t[1].numpy()) and g[1].dtype.__repr__() == repr(t[1].dtype)
    assert g[2] == t[2] and type(g[2]) is type(t[2])
    np.testing.assert_allclose(g[3].numpy(), t[3].numpy(), rtol=1e-10, atol=1e-12)


def test_logsoftmax_dropout_model_repr():
    reprs = [repr(m.nn.Sequential(m.nn.Linear(784, 93), m.nn.ReLU(), m.nn.Dropout(0.3808290128214932),
                                  m.nn.Linear(93, 10), m.nn.LogSoftmax(dim=1))) for m in MODS]
    assert reprs[0] == reprs[1]
