"""Float64 central-difference checks of what the reinforcement-learning sweep added, without torch:
gradients through the pytree-aware vmap (stacked ensemble parameters, dict inputs and outputs)."""
import numpy as np
import pytest

import glasstorch as gt
from glasstorch.autograd.gradcheck import gradcheck


def r(*shape, seed=0):
    return np.random.default_rng(seed).uniform(-1.0, 1.0, shape)


def _ensemble(w1, b1, w2, x):
    net = gt.nn.Sequential(gt.nn.Linear(3, 4), gt.nn.Tanh(), gt.nn.Linear(4, 1)).double()
    params = {"0.weight": w1, "0.bias": b1, "2.weight": w2, "2.bias": gt.zeros(w2.shape[0], 1, dtype=gt.float64)}
    return gt.func.vmap(lambda p, xi: gt.func.functional_call(net, p, (xi,)), in_dims=(0, None))(params, x)


CASES = [
    ("vmap_ensemble", _ensemble, [r(2, 4, 3), r(2, 4, seed=1), r(2, 1, 4, seed=2), r(5, 3, seed=3)]),
    ("vmap_dict_in_out", lambda x, y: gt.func.vmap(lambda d: {"s": (d["a"] * d["b"]).sum(), "p": d["a"].exp()},
                                                   in_dims=({"a": 1, "b": 0},), out_dims={"s": 0, "p": 1})(
        {"a": x, "b": y})["p"] * 2, [r(3, 4), r(4, 3, seed=1)]),
    ("vmap_tuple_out", lambda x: sum(o.sum() for o in gt.func.vmap(lambda v: (v.sin(), v.pow(2).sum()))(x)),
     [r(3, 2)]),
]


@pytest.mark.parametrize("name,fn,arrays", CASES, ids=[c[0] for c in CASES])
def test_gradcheck(name, fn, arrays):
    inputs = [gt.tensor(a, dtype=gt.float64, requires_grad=True) for a in arrays]
    assert gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-4), name
