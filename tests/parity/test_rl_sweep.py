"""Parity of what the reinforcement-learning programs (tests/programs/rl_*.py) needed: torch.func.vmap
over pytrees (ensembles of critics via stack_module_state + functional_call), and its errors."""
from collections import namedtuple

import numpy as np
import pytest

from ._helpers import same_error, same_on_both


def rnd(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


Pair = namedtuple("Pair", "a b")


# ---- vmap over pytrees ------------------------------------------------------------------------------
def test_vmap_ensemble_of_modules():
    def fn(t, x):
        t.manual_seed(0)
        nets = [t.nn.Sequential(t.nn.Linear(3, 5), t.nn.Tanh(), t.nn.Linear(5, 2)) for _ in range(4)]
        params, buffers = t.func.stack_module_state(nets)
        out = t.func.vmap(lambda p, b, xi: t.func.functional_call(nets[0], (p, b), (xi,)),
                          in_dims=(0, 0, None))(params, buffers, x)
        return [out.detach(), *params.values()]   # (vmap's graph is glasstorch's own: compare values)
    same_on_both(fn, [rnd(6, 3)], grad=False, rtol=1e-6, atol=1e-6)


def test_vmap_dict_in_dims_and_dict_out_dims():
    def fn(t, x):
        out = t.func.vmap(lambda d: {"y": d["x"] * 2, "z": (d["x"], d["x"].sum())}, in_dims=({"x": 1},),
                          out_dims={"y": 1, "z": 0})({"x": x})
        return [list(out), out["y"], *out["z"]]
    # (summing slice by slice rounds differently from torch's batched kernel)
    same_on_both(fn, [rnd(3, 4)], grad=False, rtol=1e-6, atol=1e-6)


def test_vmap_int_in_dim_broadcasts_over_a_subtree():
    same_on_both(lambda t, x, y: t.func.vmap(lambda a, p: a * p[0] + p[1])(x, [y, x]), [rnd(4, 2), rnd(4, 2, seed=1)],
                 grad=False)


def test_vmap_namedtuple_in_and_out():
    def fn(t, x, y):
        out = t.func.vmap(lambda p: Pair(p.a * 2, p.b.sum()))(Pair(x, y))
        return [out.a, out.b, type(out).__name__]
    same_on_both(fn, [rnd(3, 2), rnd(3, 5, seed=1)], grad=False, rtol=1e-6, atol=1e-6)


def test_vmap_out_dims_none_kwargs_negative_in_dim():
    same_on_both(lambda t, x: list(t.func.vmap(lambda a, k=1: (a * k, 3), in_dims=-1, out_dims=(0, None))(x, k=2.0)),
                 [rnd(2, 5)], grad=False)
    same_on_both(lambda t, x: t.func.vmap(lambda a: a.sum(0), in_dims=1, out_dims=-1, chunk_size=2)(x),
                 [rnd(3, 4, 2)], grad=False)


def test_vmap_gradient_flows_through_stacked_params():
    # (* 1: the last node's name is then torch's; vmap's inner graph is glasstorch's own)
    same_on_both(lambda t, w, x: t.func.vmap(lambda wi, xi: (wi * xi).sum(), in_dims=(0, None))(w, x) * 1,
                 [rnd(4, 3), rnd(3, seed=1)], rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("case", [
    lambda t: t.func.vmap(lambda a, b: a + b, in_dims=(0,))(t.ones(3), t.ones(3)),
    lambda t: t.func.vmap(lambda a, b: a + b, in_dims=(0, {"x": 0}))(t.ones(3), t.ones(3)),
    lambda t: t.func.vmap(lambda a, b: a, in_dims=(0, [0, None]))(t.ones(3), (t.ones(3), t.ones(3))),
    lambda t: t.func.vmap(lambda a, b: a + b)(t.ones(3), t.ones(4)),
    lambda t: t.func.vmap(lambda a, b: a + b, in_dims=(0, 0))(t.ones(3), 2.0),
    lambda t: t.func.vmap(lambda a: 2.0)(t.ones(3)),
    lambda t: t.func.vmap(lambda a: a, out_dims=(0, 1))(t.ones(3)),
    lambda t: t.func.vmap(lambda a: (a, a), out_dims=(0, 0, 0))(t.ones(3)),
    lambda t: t.func.vmap(lambda a: a, in_dims=1)(t.ones(3)),
    lambda t: t.func.vmap(lambda a: a, in_dims=[0])(t.ones(3)),
    lambda t: t.func.vmap(lambda a: a, in_dims=(0.5,))(t.ones(3)),
    lambda t: t.func.vmap(lambda a: a, in_dims=None)(t.ones(3)),
    lambda t: t.func.vmap(lambda a: a, in_dims=(None,))(t.ones(3)),
    lambda t: t.func.vmap(lambda a: a)(),
    lambda t: t.func.vmap(lambda a: a, out_dims="x")(t.ones(3)),
    lambda t: t.func.vmap(lambda a: (a, a), out_dims=(0, "x"))(t.ones(3)),
    lambda t: t.func.vmap(lambda a: a, randomness="x"),
    lambda t: t.func.vmap(t.sum, in_dims=(0, 0))(t.ones(3, 2), {"k": t.ones(2)}),
])
def test_vmap_errors(case):
    same_error(case)


# ---- torch.tensor of lists holding NumPy arrays and tensors (replay-buffer batches) ------------------
SEQ_CASES = [
    lambda t: t.tensor([np.array([1.0, 2.0], dtype=np.float32), np.array([3.0, 4.0], dtype=np.float32)]),
    lambda t: t.tensor([np.array([1, 2], dtype=np.int32), np.array([3, 4], dtype=np.int32)]),
    lambda t: t.tensor([np.int8(1), np.int8(2)]),
    lambda t: t.tensor([np.int32(1), np.int32(2)]),
    lambda t: t.tensor([[np.uint8(1)], [2]]),
    lambda t: t.tensor([np.int16(3), 2.5]),
    lambda t: t.tensor([1.0, np.array(1.0)]),
    lambda t: t.tensor([np.array([2.0]), [1.0]]),
    lambda t: t.tensor([[1.0], np.array([2.0])]),
    lambda t: t.tensor([np.array([1, 2]), [1.5, 2]]),
    lambda t: t.tensor([[np.array([1.0, 2.0])], [[3.0, 4.0]]]),
    lambda t: t.tensor([np.zeros((0, 3)), np.zeros((0, 3))]),
    lambda t: t.tensor([np.ones((2, 2), dtype=np.float32)] * 3),
    lambda t: t.as_tensor([np.ones(3, dtype=np.float32), np.zeros(3, dtype=np.float32)], dtype=t.float64),
    lambda t: t.tensor([t.ones(1), t.ones(1) * 2]),          # one-element tensors are numbers here
    lambda t: t.tensor([t.tensor(1), t.tensor(2.5)]),
    lambda t: t.tensor([[1.0, 2.0], t.ones(2)]),              # ... and a tensor where a row goes is a row
    lambda t: t.tensor([[t.tensor(1.0)], [2]]),
    lambda t: t.tensor([t.ones(1, 1), 2.0]),
    lambda t: t.tensor([np.array([1.0]), t.ones(1)]),
]


@pytest.mark.parametrize("i", range(len(SEQ_CASES)))
def test_tensor_from_sequences_holding_arrays(i):
    same_on_both(lambda t: SEQ_CASES[i](t), [], grad=False)


@pytest.mark.parametrize("case", [
    lambda t: t.tensor([np.array(2.0), 1.0]),
    lambda t: t.tensor([[1.0], np.array([2.0, 3.0])]),
    lambda t: t.tensor([t.ones(2), t.ones(2)]),
    lambda t: t.tensor([t.ones(2), [1.0, 2.0]]),
    lambda t: t.tensor([[[1.0]], np.array([2.0])]),
    lambda t: t.tensor([[1.0], np.array([[2.0]])]),
    lambda t: t.tensor([[1.0], t.tensor(2.0)]),
])
def test_tensor_from_sequences_errors(case):
    same_error(case)


def test_list_of_arrays_warns_once_at_the_callers_line():
    import subprocess
    import sys
    code = ("import warnings, numpy as np; warnings.simplefilter('always'); import {m} as torch\n"
            "a = [np.ones(2), np.zeros(2)]\n"
            "torch.tensor(a)\n"
            "torch.tensor(a); torch.as_tensor([np.ones(1)])\n")
    errs = [subprocess.run([sys.executable, "-c", code.format(m=m)], capture_output=True, text=True).stderr
            for m in ("torch", "glasstorch")]
    assert errs[0].count("UserWarning: Creating a tensor from a list of numpy.ndarrays") == 1
    assert errs[1] == errs[0]
