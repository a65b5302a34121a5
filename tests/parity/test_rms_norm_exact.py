"""rms_norm as torch's CPU composite records it, and rsqrt's gradient in torch's order.

Fixed in glasstorch: rms_norm raised to the power -0.5 (PowBackward0) where torch takes rsqrt
(RsqrtBackward0) and added eps through ``add.Tensor`` (AddBackward0) where torch's C++ ``add_`` records
AddBackward1; float16 kept its own epsilon and dtype where torch upcasts to float32, multiplies by the
weight, then casts back (ToCopyBackward0 on top).  rsqrt's backward multiplied left to right
(``-0.5 g y y y``) where torch computes ``(-0.5 g) * y.pow(3)``: the input gradients were an ulp off
in about a quarter of the elements."""
import numpy as np
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from ._helpers import MODS, assert_same_array


def _chain(fn):
    out = []

    def walk(n, d):
        if n is None:
            return
        out.append((d, type(n).__name__))
        for c, _ in n.next_functions:
            walk(c, d + 1)
    walk(fn, 0)
    return out


@settings(max_examples=50, deadline=None)
@given(rows=st.integers(1, 9), n=st.integers(1, 40), dt=st.sampled_from(["float32", "float64", "float16"]),
       weight=st.booleans(), eps=st.sampled_from([None, 1e-6, 1e-3]), two_dims=st.booleans(),
       seed=st.integers(0, 2**31))
def test_rms_norm_values_gradients_and_graph(rows, n, dt, weight, eps, two_dims, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((rows, n))
    w = rng.standard_normal((rows, n) if two_dims else (n,))
    up = rng.standard_normal((rows, n))
    got = {}
    for m in MODS:
        d = getattr(m, dt)
        X = m.tensor(x, dtype=d, requires_grad=True)
        W = m.tensor(w, dtype=d, requires_grad=True) if weight else None
        y = m.nn.functional.rms_norm(X, (rows, n) if two_dims else (n,), W, eps)
        ins = (X, W) if weight else (X,)
        got[m] = (y, m.autograd.grad(y, ins, m.tensor(up, dtype=d)), _chain(y.grad_fn))
    assert_same_array(got[torch][0], got[glasstorch][0])
    for a, b in zip(got[torch][1], got[glasstorch][1]):
        assert_same_array(a, b)
    assert got[torch][2] == got[glasstorch][2]


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 70), dt=st.sampled_from([np.float32, np.float64]), seed=st.integers(0, 2**31))
def test_rsqrt_gradient(n, dt, seed):
    rng = np.random.default_rng(seed)
    x = (np.abs(rng.standard_normal(n)) + 0.01).astype(dt)
    up = rng.standard_normal(n).astype(dt)
    got = {}
    for m in MODS:
        t = m.from_numpy(x.copy()).requires_grad_()
        got[m] = m.autograd.grad(t.rsqrt(), t, m.from_numpy(up))[0]
    assert_same_array(got[torch], got[glasstorch])
