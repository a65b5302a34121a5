"""Float64 central-difference checks of the shape ops whose geometry or broadcasting the shape fuzz
(tests/parity/test_fuzz_shapes.py) changed: expand of strided inputs, views with torch's strides,
masked_fill with a mask wider than the input, scatter_reduce with an empty index."""
import numpy as np
import pytest

import glasstorch as gt
from glasstorch.autograd.gradcheck import gradcheck

RNG = np.random.default_rng(0)


def leaf(shape):
    return gt.tensor(RNG.uniform(-2.0, 2.0, shape), dtype=gt.float64, requires_grad=True)


CASES = {
    "expand_strided": (lambda x: x[:, :1, :].expand(3, 1, 2) * 1.0, [(3, 2, 2)]),
    "expand_transposed_lead": (lambda x: x.t().expand(2, 2, 3), [(3, 2)]),
    "expand_0d": (lambda x: x.expand(2, 1), [()]),
    "unsqueeze_transposed": (lambda x: x.t().unsqueeze(0), [(2, 1)]),
    "view_strided": (lambda x: x[:, ::2].view(2, 1, 2), [(2, 4)]),
    "flatten_strided": (lambda x: x[..., ::2].flatten(), [(1, 1, 4)]),
    "masked_fill_broadcast": (lambda x: x.masked_fill(gt.tensor([[True], [False], [True]]), 2.0), [(2,)]),
    "masked_fill_broadcast_tensor": (lambda x, v: x.masked_fill(gt.tensor([[True], [False]]), v), [(3,), ()]),
    "scatter_reduce_empty": (lambda x, s: x.scatter_reduce(1, gt.zeros(0, 3, dtype=gt.int64), s, "sum"),
                             [(2, 3), (0, 3)]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradcheck(name):
    fn, shapes = CASES[name]
    assert gradcheck(fn, [leaf(s) for s in shapes])
