"""torch.testing against torch: make_tensor draws the same numbers from the global generator (so later
draws stay in step), and assert_close passes and fails where torch's does, with torch's message."""
import numpy as np
import pytest
import torch

import glasstorch
from tests.parity._helpers import MODS, to_np


def both(fn):
    return {m: fn(m) for m in MODS}


@pytest.mark.parametrize("kw", [dict(dtype="float64", low=-1, high=1, requires_grad=True), dict(dtype="float32"),
                                dict(dtype="int64"), dict(dtype="bool"), dict(dtype="int32", low=2, high=5),
                                dict(dtype="float32", noncontiguous=True), dict(dtype="uint8", exclude_zero=True)])
def test_make_tensor_draws_like_torch(kw):
    def fn(t):
        t.manual_seed(0)
        args = dict(kw, dtype=getattr(t, kw["dtype"]))
        x = t.testing.make_tensor(3, 4, device="cpu", **args)
        return to_np(x).tolist(), str(x.dtype), x.stride(), x.requires_grad, t.rand(2).tolist()
    res = both(fn)
    assert res[torch] == res[glasstorch]


@pytest.mark.parametrize("case", [
    "tensor([1., 2., 3.]), tensor([1., 2.1, 3.])",
    "tensor([1., 2., 3.]), tensor([1., 2., 3.], dtype=float64)",
    "tensor([1., 2., 3.]), tensor([1., 2.])",
    "tensor([[1, 2], [3, 4]]), tensor([[1, 2], [3, 5]])",
    "1.0, 1.1", "1, 1", "1.0, 1",
    "tensor([1., nan]), tensor([1., nan])",
    "tensor([1., nan]), tensor([1., nan]), equal_nan=True",
    "[tensor(1.), tensor(2.)], [tensor(1.), tensor(2.5)]",
    "tensor(1.0), tensor(1.5)",
    "tensor([1.0, 2.0]), tensor([1.0, 2.0001]), rtol=0, atol=1e-3",
    "tensor([1.0, 2.0]), tensor([1.0, 2.5]), msg='custom'",
    "tensor([1.0]), 1.0",
])
def test_assert_close_like_torch(case):
    def fn(t):
        ns = {"tensor": t.tensor, "float64": t.float64, "nan": float("nan")}
        try:
            eval(f"assert_close({case})", dict(ns, assert_close=t.testing.assert_close))
            return "ok"
        except Exception as e:
            return type(e).__name__, str(e)
    res = both(fn)
    assert res[torch] == res[glasstorch]


def test_make_tensor_bad_bounds():
    def fn(t):
        try:
            t.testing.make_tensor(2, dtype=t.float32, device="cpu", low=3, high=1)
        except ValueError as e:
            return str(e)
    res = both(fn)
    assert res[torch] == res[glasstorch] and np.char.startswith(res[torch], "`low` must be")
