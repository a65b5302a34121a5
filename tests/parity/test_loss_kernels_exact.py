"""mse, smooth L1 and huber gradients bit for bit as torch's backward kernels compute them.

Fixed in glasstorch: the gradient was divided by numel before the slope was applied; torch multiplies
by ``norm`` = (2 or 1) / numel first and by the upstream gradient last (about half of the float32
elements of a mean mse gradient were an ulp off).  Smooth L1 and huber also take another formula in
the scalar loop of each row's leftover elements, huber's with delta as a double."""
import warnings

import numpy as np
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from ._helpers import MODS, assert_same_array

LOSSES = {
    "mse": lambda m, x, t, r, p: m.nn.functional.mse_loss(x, t, reduction=r),
    "smooth_l1": lambda m, x, t, r, p: m.nn.functional.smooth_l1_loss(x, t, reduction=r, beta=p),
    "huber": lambda m, x, t, r, p: m.nn.functional.huber_loss(x, t, reduction=r, delta=p),
    "mse_module": lambda m, x, t, r, p: m.nn.MSELoss(reduction=r)(x, t),
    "huber_module": lambda m, x, t, r, p: m.nn.HuberLoss(reduction=r, delta=p)(x, t),
}


@settings(max_examples=80, deadline=None)
@given(how=st.sampled_from(sorted(LOSSES)), shape=st.lists(st.integers(1, 23), min_size=0, max_size=3),
       red=st.sampled_from(["mean", "sum", "none"]), dt=st.sampled_from([np.float32, np.float64]),
       param=st.sampled_from([0.3, 0.7, 1.0, 2.5]), seed=st.integers(0, 2**31), target_grad=st.booleans(),
       broadcast=st.booleans())
def test_gradients_bit_for_bit(how, shape, red, dt, param, seed, target_grad, broadcast):
    rng = np.random.default_rng(seed)
    x = np.asarray(rng.standard_normal(shape) * 2, dt)          # (a 0-d shape: an array, not a scalar)
    t = np.asarray(rng.standard_normal(shape[-1:] if broadcast else shape) * 2, dt)
    got = {}
    for m in MODS:
        X = m.from_numpy(x.copy()).requires_grad_()
        T = m.from_numpy(t.copy()).requires_grad_(target_grad)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")          # (the broadcasting warning)
            y = LOSSES[how](m, X, T, red, param)
        up = m.from_numpy(np.random.default_rng(seed + 1).standard_normal(tuple(y.shape)).astype(dt))
        got[m] = m.autograd.grad(y, (X, T) if target_grad else (X,), up)
    for a, b in zip(got[torch], got[glasstorch]):
        assert_same_array(a, b)
