"""Float64 central-difference checks of activation checkpointing (both variants), without torch:
the recomputed backward must give the block's true derivative, for inputs and parameters alike.
The reentrant variant cannot serve ``autograd.grad`` (torch forbids it too), so the analytic side
comes from ``.backward()`` with a random upstream gradient."""
import numpy as np
import pytest

import glasstorch as gt
from glasstorch.autograd.gradcheck import gradcheck
from glasstorch.utils.checkpoint import checkpoint, checkpoint_sequential


def r(*shape, seed=0):
    return np.random.default_rng(seed).uniform(-1.0, 1.0, shape)


def block(x, w, b):
    return gt.tanh(x @ w + b).sin() * x.sum(1, keepdim=True)


def check_by_backward(name, fn, tensors, eps=1e-6):
    """d <u, fn()> / d t for each tensor t: autograd's .backward() against central differences."""
    out = fn()
    u = gt.tensor(np.random.default_rng(7).standard_normal(tuple(out.shape)))
    for t in tensors:
        t.grad = None
    (out * u).sum().backward()
    for k, t in enumerate(tensors):
        analytic = t.grad.numpy().copy()
        base = t.detach().numpy().copy()
        numeric = np.zeros_like(base)
        for idx in np.ndindex(*base.shape):
            vals = []
            for d in (eps, -eps):
                p = base.copy()
                p[idx] += d
                with gt.no_grad():
                    t.copy_(gt.tensor(p))
                    vals.append((fn() * u).sum().item())
            numeric[idx] = (vals[0] - vals[1]) / (2 * eps)
        with gt.no_grad():
            t.copy_(gt.tensor(base))
        for idx in np.ndindex(*base.shape):
            assert abs(analytic[idx] - numeric[idx]) <= 1e-5 + 1e-4 * abs(numeric[idx]), \
                f"{name}: argument {k}, index {idx}: analytic {analytic[idx]!r} vs numeric {numeric[idx]!r}"


@pytest.mark.parametrize("reentrant", [True, False])
def test_gradcheck_checkpoint(reentrant):
    x, w, b = [gt.tensor(a, requires_grad=True) for a in (r(3, 4), r(4, 2, seed=1), r(2, seed=2))]
    check_by_backward(f"checkpoint(reentrant={reentrant})",
                      lambda: checkpoint(block, x, w, b, use_reentrant=reentrant), [x, w, b])


def test_gradcheck_checkpoint_non_reentrant_autograd_grad():
    inputs = [gt.tensor(a, requires_grad=True) for a in (r(3, 4), r(4, 2, seed=1), r(2, seed=2))]
    fn = lambda x, w, b: checkpoint(block, x, w, b, use_reentrant=False)
    assert gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-4), "checkpoint(use_reentrant=False)"


@pytest.mark.parametrize("reentrant", [True, False])
def test_gradcheck_checkpoint_sequential(reentrant):
    gt.manual_seed(0)
    seq = gt.nn.Sequential(gt.nn.Linear(3, 3), gt.nn.Tanh(), gt.nn.Linear(3, 3), gt.nn.Sigmoid()).double()
    x = gt.tensor(r(2, 3), requires_grad=True)
    check_by_backward(f"checkpoint_sequential(reentrant={reentrant})",
                      lambda: checkpoint_sequential(seq, 2, x, use_reentrant=reentrant),
                      [x, seq[0].weight, seq[2].bias])
