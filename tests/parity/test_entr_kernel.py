"""torch.special.entr bit for bit against torch.

torch's kernel is scalar, in the input's dtype: -x * std::log(x), glibc's logf for float32, and for
float16 c10's log rounded to half before a float product rounded to half.  Fixed in glasstorch:
the value was computed in float64 and rounded once (22% of float32 values and 26% of float16 values
differed).  The gradient -g (1 + log x) takes torch.log (MKL's vector log for float32 in torch):
compared within rounding.
"""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch

MODS = (torch, glasstorch)
SPECIAL = [0.0, -0.0, -1.0, np.inf, -np.inf, np.nan, 1e-45, 1.0, 0.5]


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from([np.float16, np.float32, np.float64]),
       st.sampled_from([(1000,), (33, 7), (5,), ()]), st.booleans())
def test_entr_values(seed, dt, shape, transpose):
    rng = np.random.default_rng(seed)
    x = np.asarray(np.abs(rng.standard_normal(shape)) * np.exp(rng.uniform(-8, 4, shape))).astype(dt)
    if x.size > len(SPECIAL):
        x.reshape(-1)[:len(SPECIAL)] = SPECIAL
    got = {}
    for m in MODS:
        t = m.from_numpy(x.copy())
        if transpose and t.dim() == 2:
            t = t.t()
        y = m.special.entr(t)
        got[m] = (str(y.dtype), tuple(y.shape), y.stride(), y.numpy().tobytes())
    assert got[torch] == got[glasstorch]


@pytest.mark.parametrize("dt", [np.float32, np.float64])
def test_entr_grad(dt):
    x = np.abs(np.random.default_rng(1).standard_normal(200)).astype(dt) + dt(0.01)
    grads = {}
    for m in MODS:
        t = m.from_numpy(x.copy()).requires_grad_()
        y = m.special.entr(t)
        y.backward(m.ones_like(y))
        grads[m] = (y.grad_fn.name(), t.grad.numpy())
    assert grads[torch][0] == grads[glasstorch][0]
    np.testing.assert_allclose(grads[glasstorch][1], grads[torch][1], rtol=2e-6 if dt == np.float32 else 1e-14)
