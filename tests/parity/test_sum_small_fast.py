"""The sum of a small tensor (512 to 8191 float32, 256 to 4095 float64 numbers) bit for bit against
torch: glasstorch takes a shorter path there (``_sum_order._short_row_total``), which must keep
torch's order -- row_sum's four interleaved accumulators over 8 (4) lane vectors, a one-level cascade
of 16-item blocks, the leftover vectors into accumulator 0, the tail scalars first."""
import numpy as np
import torch
from hypothesis import given, settings, strategies as st

import glasstorch


@settings(max_examples=120, deadline=None)
@given(n=st.integers(200, 9000), dt=st.sampled_from([np.float32, np.float64]), seed=st.integers(0, 2 ** 16),
       two_d=st.booleans(), special=st.sampled_from([None, np.inf, -np.inf, np.nan, "negzero"]))
def test_small_sum(n, dt, seed, two_d, special):
    rng = np.random.default_rng(seed)
    a = (rng.standard_normal(n) * 10 ** rng.uniform(-4, 4, n)).astype(dt)
    if special == "negzero":
        a = -np.zeros(n, dt)
    elif special is not None:
        a[rng.integers(0, n)] = special
    if two_d and n % 8 == 0:
        a = a.reshape(8, -1)
    got = [m.from_numpy(a.copy()).sum().numpy() for m in (torch, glasstorch)]
    assert got[1].dtype == got[0].dtype
    assert np.array_equal(got[1], got[0], equal_nan=True) and np.signbit(got[1]) == np.signbit(got[0])
