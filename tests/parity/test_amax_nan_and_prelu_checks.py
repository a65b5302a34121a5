"""amax / amin / aminmax gradients over a slice holding nan, and prelu's argument checks, as torch.

Fixed in glasstorch:
- amax / amin / aminmax: torch scales the gradient by the count of ``result == self``; a nan slice
  matches nothing, so its whole gradient is nan (0 / 0 * 0). glasstorch counted nan as equal to nan
  and sent the gradient to the nan elements.
- prelu: torch refuses an input and a weight of different dtypes ("prelu: Type promoting not
  supported. Got Double and Float"), a 0-d input with several weights ("Not allow zero-dim input
  tensor.") and integer / bool inputs ('"prelu_cpu" not implemented for 'Long''); glasstorch computed
  a result (in the input's dtype) for all three."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch

from ._helpers import MODS, assert_same_array, same_result_or_error

NAN = np.nan

REDUCTIONS = {
    "amax": lambda m, x: x.amax(1), "amin": lambda m, x: x.amin(1), "amax_all": lambda m, x: x.amax(),
    "amax_dims": lambda m, x: x.amax((0, 1)), "amax_keep": lambda m, x: x.amax(0, keepdim=True),
    "aminmax_dim": lambda m, x: m.aminmax(x, dim=1)[0], "aminmax_all": lambda m, x: m.aminmax(x)[1],
    "aminmax_both": lambda m, x: sum(m.aminmax(x, dim=0)),
}


@settings(max_examples=60, deadline=None)
@given(how=st.sampled_from(sorted(REDUCTIONS)), rows=st.integers(1, 4), cols=st.integers(1, 5),
       seed=st.integers(0, 2**31), dt=st.sampled_from([np.float32, np.float64]), create_graph=st.booleans())
def test_amax_family_gradient_with_nan(how, rows, cols, seed, dt, create_graph):
    x = np.random.default_rng(seed).choice(np.array([NAN, 1.0, 2.0, 2.0, -1.0], dt), (rows, cols))
    got = {}
    for m in MODS:
        t = m.from_numpy(x.copy()).requires_grad_()
        got[m] = m.autograd.grad(REDUCTIONS[how](m, t * 1).sum(), t, create_graph=create_graph)[0]
    assert_same_array(got[torch], got[glasstorch])



@pytest.mark.parametrize("xs,xd,ws,wd", [
    ((2, 3), "float64", (1,), "float32"), ((2, 3), "float32", (1,), "float64"), ((2, 3), "float16", (1,), "float32"),
    ((), "float32", (3,), "float32"), ((), "float32", (1,), "float32"), ((), "int64", (3,), "int64"),
    ((2, 3), "int64", (3,), "int64"), ((2, 3), "bool", (3,), "bool"), ((2, 3), "int64", (3,), "float32"),
    ((2, 3), "float32", (4,), "float32"), ((2, 3, 4), "float64", (3,), "float64"), ((5,), "float32", (5,), "float32"),
    ((5,), "float32", (1,), "float32")])
def test_prelu_checks_in_torchs_order(xs, xd, ws, wd):
    x = np.linspace(-2, 2, int(np.prod(xs)) or 1).reshape(xs)
    w = np.full(ws, 0.25)
    same_result_or_error(lambda m, x, w: m.nn.functional.prelu(x.to(getattr(m, xd)), w.to(getattr(m, wd))), [x, w])
