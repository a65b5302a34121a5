"""``sort(stable=False)`` on long rows with ties (a language model's vocabulary for top-p sampling,
quantised scores): the tie order is torch's introsort's, replayed with NumPy partitions
(glasstorch/ops/_introsort.py).  Expectations from torch at test time."""
import numpy as np
import pytest

from ._helpers import MODS


def _rows(kind):
    rng = np.random.default_rng(7)
    if kind == "vocab":                     # float32 logits: a few exact ties among 50,257 values
        x = rng.standard_normal((2, 50257)).astype(np.float32)
        x[0, 100] = x[0, 40000]
        x[1, 5:9] = x[1, 12]
        return x
    if kind == "quantised":                 # heavy ties: 20 distinct values
        return rng.integers(0, 20, (1, 60000)).astype(np.float32) / 4
    return np.round(rng.standard_normal((3, 3000)), 1).astype(np.float64)   # "rounded"


@pytest.mark.parametrize("kind", ["vocab", "quantised", "rounded"])
@pytest.mark.parametrize("descending", [False, True])
def test_unstable_sort_of_long_rows(kind, descending):
    x = _rows(kind)
    out = []
    for m in MODS:
        v, i = m.from_numpy(x.copy()).sort(dim=-1, descending=descending)
        out.append((np.asarray(v), np.asarray(i)))
    np.testing.assert_array_equal(out[1][0], out[0][0])
    np.testing.assert_array_equal(out[1][1], out[0][1])
