"""relu and clamp keep a -0.0 input's sign, as torch's kernels do (``std::max(x, 0)`` keeps x unless
x < 0), so ``torch.relu(-x)`` of a zero prints ``-0.`` on both.

Fixed in glasstorch: relu, relu_, F.relu, nn.ReLU, clamp / clamp_min / clamp_max / clip with a bound
of 0 (number or tensor) turned -0.0 into +0.0 (NumPy's maximum returns its second operand on a tie)."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from ._helpers import MODS, assert_same_array

FNS = {
    "relu": lambda m, x: m.relu(x),
    "method": lambda m, x: x.relu(),
    "inplace": lambda m, x: x.clone().relu_(),
    "functional": lambda m, x: m.nn.functional.relu(x),
    "functional_inplace": lambda m, x: m.nn.functional.relu(x.clone(), inplace=True),
    "module": lambda m, x: m.nn.ReLU()(x),
    "clamp": lambda m, x: x.clamp(0, 2),
    "clamp_min": lambda m, x: x.clamp(min=0),
    "clamp_max": lambda m, x: x.clamp(max=0),
    "clamp_min_fn": lambda m, x: m.clamp_min(x, 0.0),
    "clamp_max_fn": lambda m, x: m.clamp_max(x, 0.0),
    "clip": lambda m, x: m.clip(x, -0.0, 0.0),
    "tensor_bounds": lambda m, x: m.clamp(x, m.zeros_like(x), m.ones_like(x)),
    "tensor_max": lambda m, x: m.clamp(x, max=m.zeros_like(x)),
    "clamp_": lambda m, x: x.clone().clamp_(0, 1),
    "relu6": lambda m, x: m.nn.functional.relu6(x),
    "hardtanh": lambda m, x: m.nn.functional.hardtanh(x, 0.0, 1.0),
}


@settings(max_examples=150, deadline=None)
@given(how=st.sampled_from(sorted(FNS)), n=st.integers(1, 70), seed=st.integers(0, 2**31),
       dt=st.sampled_from([np.float32, np.float64]), grad=st.booleans())
def test_signed_zeros_survive(how, n, seed, dt, grad):
    x = np.random.default_rng(seed).choice(np.array([-0.0, 0.0, -1.5, 0.5, 3.0, np.nan], dt), n)
    got = {}
    for m in MODS:
        t = m.from_numpy(x.copy())
        if grad and how not in ("inplace", "functional_inplace"):
            t.requires_grad_()
        got[m] = FNS[how](m, t).detach().numpy()
    a, b = got[torch], got[glasstorch]
    # (a nan's own sign bit is left out: torch's vector maximum makes an all-ones nan, NumPy keeps x's)
    assert a.dtype == b.dtype and np.array_equal(np.isnan(a), np.isnan(b))
    assert_same_array(np.where(np.isnan(a), 0, a), np.where(np.isnan(b), 0, b))


def test_printed():
    out = {m: repr(m.relu(m.tensor([-0.0, 1.0, -2.0]))) + repr(m.tensor([-0.0]).clamp(0, 1)) for m in MODS}
    assert out[torch] == out[glasstorch]
