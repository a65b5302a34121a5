"""SLEEF-emulated elementwise ops on arrays larger than one cache block (``ops/_blocks.py``: 32768
elements), against torch bit for bit: the block-by-block computation must give every element what
the whole-array one gave.  Sizes straddle block edges (one past, several blocks and a tail)."""
import numpy as np
import pytest

import glasstorch
import torch

OPS = {
    "softmax": lambda m, x: m.nn.functional.softmax(x.reshape(-1, 97), -1) if x.numel() % 97 == 0 else m.softmax(x, 0),
    "log_softmax": lambda m, x: m.log_softmax(x, 0),
    "sigmoid": lambda m, x: x.sigmoid(),
    "silu": lambda m, x: m.nn.functional.silu(x),
    "gelu_tanh": lambda m, x: m.nn.functional.gelu(x, approximate="tanh"),     # (SLEEF's tanh; torch.tanh is MKL's)
    "mish": lambda m, x: m.nn.functional.mish(x),
    "softplus": lambda m, x: m.nn.functional.softplus(x),
    "log1p": lambda m, x: (x.abs() + 0.25).log1p(),
    "expm1": lambda m, x: x.expm1(),
    "sinh": lambda m, x: x.sinh(),
    "cosh": lambda m, x: x.cosh(),
}


@pytest.mark.parametrize("n", [32769, 3 * 32768 + 5, 97 * 1000])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("op", list(OPS))
def test_large_arrays_exact(op, dtype, n):
    rng = np.random.default_rng(n)
    a = (rng.standard_normal(n) * 4).astype(dtype)
    want = OPS[op](torch, torch.from_numpy(a.copy())).numpy()
    got = OPS[op](glasstorch, glasstorch.from_numpy(a.copy())).numpy()
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("n", [32769, 3 * 32768 + 5])
def test_atan2_large_exact(n):
    rng = np.random.default_rng(n)
    y, x = (rng.standard_normal((2, n)) * 3).astype("float32")
    x[::7], y[::11] = 0, np.inf
    want = torch.atan2(torch.from_numpy(y.copy()), torch.from_numpy(x.copy())).numpy()
    got = glasstorch.atan2(glasstorch.from_numpy(y.copy()), glasstorch.from_numpy(x.copy())).numpy()
    np.testing.assert_array_equal(got.view("uint32"), want.view("uint32"))
