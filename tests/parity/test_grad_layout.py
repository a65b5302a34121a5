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
@pytest.mark.parametrize("sizes", [(16, 128, 64), (8, 100, 48), (4, 3, 2)])
def test_linear_weight_grad_layout(dtype, sizes):
    """The weight gradient is g^T x, computed in the weight's own row-major layout, as torch's mm
    backward computes it for a column-major mat2 like W.t() (torch's own grad equals torch.mm(g.t(), x)
    bit for bit, here checked too), and the leaf keeps that array: no copy."""
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
        assert m.equal(lin.weight.grad, m.mm(m.from_numpy(g).t(), m.from_numpy(x)))
    assert_same_array(res[torch], res[glasstorch], rtol=1e-5, atol=1e-5)
    from glasstorch.ops._gemm_order import _sequential
    if _sequential(n_out, n_in, np.dtype(dtype)):      # MKL's running sum (ops/_gemm_order.py): torch's bits
        assert_same_array(res[torch], res[glasstorch])
    assert res[glasstorch]._data.base is None                 # the product itself, not a copy of it


def test_leaf_gradient_is_copied_when_shared():
    """A gradient array that something else still refers to is copied into .grad, never aliased."""
    x = glasstorch.zeros(3, requires_grad=True)
    up = glasstorch.ones(3)
    (x * 1).backward(up)                     # MulBackward0 passes a new array; the user's up stays theirs
    x.grad.add_(1)
    assert up.tolist() == [1.0, 1.0, 1.0]
    y = glasstorch.zeros(3, requires_grad=True)
    y.backward(up)                           # the leaf is the root: the gradient is the user's tensor
    y.grad.add_(1)
    assert up.tolist() == [1.0, 1.0, 1.0] and y.grad.tolist() == [2.0, 2.0, 2.0]
    z = glasstorch.zeros(2, 3, requires_grad=True)
    w = glasstorch.zeros(2, 3, requires_grad=True)
    (z + w).sum().backward()                 # AddBackward0 hands one array to both leaves
    z.grad.add_(1)
    assert w.grad.tolist() == [[1.0] * 3] * 2 and z.grad.tolist() == [[2.0] * 3] * 2
    r = glasstorch.tensor([-1.0] * 3000 + [1.0] * 3000, requires_grad=True)
    r.relu().sum().backward()                # a float32 view of a uint32 array: the view's dtype stays
    assert r.grad.dtype == glasstorch.float32 and r.grad.sum().item() == 3000.0


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
