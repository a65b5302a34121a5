"""Gradients laid out as torch lays them out, and ReLU's gradient on special values.

Expectations come from torch at test time."""
import numpy as np
import pytest
import torch

import glasstorch

from ._helpers import assert_same_array


@pytest.mark.parametrize("make", [
    lambda m: m.nn.Linear(7, 5),
    lambda m: m.nn.Sequential(m.nn.Linear(6, 4), m.nn.ReLU(), m.nn.Linear(4, 3)),
    lambda m: m.nn.Conv2d(2, 3, 3),
])
def test_parameter_grads_are_laid_out_like_the_parameters(make):
    """torch's AccumulateGrad stores a gradient with its parameter's strides (a weight's gradient
    arrives transposed from x^T @ g and is stored row-major)."""
    res = {}
    for m in (torch, glasstorch):
        m.manual_seed(0)
        net = make(m)
        x = m.ones(4, 2, 6, 6) if isinstance(net, m.nn.Conv2d) else m.ones(4, net[0].in_features if
                                                                            isinstance(net, m.nn.Sequential)
                                                                            else net.in_features)
        net(x).sum().backward()
        res[m] = [(p.grad.stride(), p.grad.is_contiguous()) for p in net.parameters()]
    assert res[torch] == res[glasstorch]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("sizes", [(16, 128, 64), (8, 100, 48), (4, 3, 2)])   # padded rows and not
def test_linear_weight_grad_padding(dtype, sizes):
    """The weight gradient is computed into padded rows (a cache-friendly transposed copy) on
    large layers: torch's values, torch's strides, and the same bits as the plain product."""
    batch, n_in, n_out = sizes
    rng = np.random.default_rng(n_in)
    x = rng.standard_normal((batch, n_in)).astype(dtype)
    g = rng.standard_normal((batch, n_out)).astype(dtype)
    res = {}
    for m in (torch, glasstorch):
        lin = m.nn.Linear(n_in, n_out, dtype=getattr(m, dtype))
        lin(m.from_numpy(x)).backward(m.from_numpy(g))
        res[m] = lin.weight.grad
        assert lin.weight.grad.stride() == (n_in, 1)
    assert_same_array(res[torch], res[glasstorch], rtol=1e-5, atol=1e-5)
    assert res[glasstorch].numpy().tobytes() == np.ascontiguousarray((x.T @ g).T).tobytes()


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("n", [10, 5000])          # both sides of the branch-free path's threshold
def test_relu_grad_special_values(dtype, n):
    rng = np.random.default_rng(n)
    x = rng.standard_normal(n).astype(dtype)
    g = rng.standard_normal(n).astype(dtype)
    x[:5] = [np.nan, 0.0, -0.0, np.inf, -np.inf]
    g[5:9] = [np.nan, np.inf, -0.0, -np.inf]
    x[5:9] = [-1.0, -1.0, 2.0, 2.0]
    grads = {}
    for m in (torch, glasstorch):
        t = m.from_numpy(x.copy()).requires_grad_()
        m.relu(t).backward(m.from_numpy(g.copy()))
        grads[m] = t.grad
    assert_same_array(grads[torch], grads[glasstorch])


@pytest.mark.parametrize("fn", [
    # Module.double() after a backward: the new gradients are float64 (a new AccumulateGrad)
    lambda m: (lambda l: (l(m.ones(1, 3)).sum().backward(), l.zero_grad(), l.double(),
                          l(m.ones(1, 3, dtype=m.float64)).sum().backward(), l.weight.grad)[-1])(m.nn.Linear(3, 2)),
    # .data replaced by another dtype and shape
    lambda m: (lambda w: ((w * 2).sum().backward(), setattr(w, "data", m.ones(3, dtype=m.float64)),
                          setattr(w, "grad", None), (w * 2).sum().backward(), w.grad)[-1])(m.ones(2, requires_grad=True)),
])
def test_grad_follows_new_data(fn):
    res = {}
    for m in (torch, glasstorch):
        m.manual_seed(0)
        res[m] = fn(m)
    assert_same_array(res[torch], res[glasstorch])
