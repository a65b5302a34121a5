"""torch.ldexp's gradient of its input, grad * pow(2, other), bit for bit against torch: the power is
torch's pow kernel (SLEEF's pow on the loop's vector blocks, glibc's on the rest).  Fixed in
glasstorch: NumPy's power (2 ** -0.5 came out one ulp off)."""
import numpy as np
import pytest
import torch

import glasstorch


@pytest.mark.parametrize("dt", [np.float32, np.float64])
@pytest.mark.parametrize("n", [2, 16, 37, 100])
def test_ldexp_grad_bits(dt, n):
    rng = np.random.default_rng(n)
    a = rng.standard_normal(n).astype(dt)
    k = rng.uniform(-6, 6, n).astype(dt)
    k[0] = -0.5
    got = {}
    for m in (torch, glasstorch):
        x = m.tensor(a, requires_grad=True)
        y = m.ldexp(x, m.tensor(k))
        g, = m.autograd.grad(y, x, m.ones_like(y))
        got[m] = (y.grad_fn.name(), y.detach().numpy().tobytes(), g.numpy().tobytes())
    assert got[torch] == got[glasstorch]
