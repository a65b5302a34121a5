"""adaptive_avg_pool2d bit for bit: each bin a running sum, then ``/ kh / kw`` (two divisions), in the
forward and in the backward's ``grad / kh / kw`` spread.

Fixed in glasstorch: the 2-d forward took NumPy's mean of each bin and the backward divided once by
kh * kw; about half of the outputs of an (8, 8) -> (3, 3) pooling were an ulp off (the 3-d kernel
already followed torch)."""
import numpy as np
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from ._helpers import MODS, assert_same_array


@settings(max_examples=60, deadline=None)
@given(h=st.integers(1, 21), w=st.integers(1, 21), oh=st.integers(2, 9), ow=st.integers(2, 9),
       dt=st.sampled_from([np.float32, np.float64]), cl=st.booleans(), batched=st.booleans(),
       seed=st.integers(0, 2**31))
def test_adaptive_avg_pool2d_bit_for_bit(h, w, oh, ow, dt, cl, batched, seed):
    rng = np.random.default_rng(seed)
    shape = (2, 3, h, w) if batched else (3, h, w)
    x = rng.standard_normal(shape).astype(dt)
    up = rng.standard_normal(shape[:-2] + (oh, ow)).astype(dt)
    got = {}
    for m in MODS:
        t = m.from_numpy(x.copy())
        if cl and batched:
            t = t.contiguous(memory_format=m.channels_last)
        t.requires_grad_()
        y = m.nn.functional.adaptive_avg_pool2d(t, (oh, ow))
        got[m] = (y, m.autograd.grad(y, t, m.from_numpy(up))[0])
    for a, b in zip(got[torch], got[glasstorch]):
        assert_same_array(a.contiguous(), b.contiguous())
