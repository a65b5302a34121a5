"""clamp/clip with one bound a tensor and the other a number: torch has an all-tensor overload and an
all-number one, so its argument parser refuses the call with its TypeError, worded for the call as
written (function or method, in place or not, positional or keyword).  glasstorch clamped anyway."""
import pytest

from ._helpers import same_error, same_on_both

CALLS = [
    lambda t, x: t.clamp(x, min=t.zeros(3), max=1.0),
    lambda t, x: t.clamp(x, 0.0, t.ones(3)),
    lambda t, x: t.clip(x, t.zeros(3), 1.0),
    lambda t, x: t.clamp(x, t.zeros(3), 1.0, out=t.empty(3)),
    lambda t, x: x.clamp(min=0.0, max=t.ones(3)),
    lambda t, x: x.clip(t.zeros(3), 1),
    lambda t, x: x.clamp_(t.zeros(3), 1.0),
    lambda t, x: x.clip_(min=1.0, max=t.ones(3)),
    lambda t, x: t.clamp_(x, t.zeros(3), 1.0),
    lambda t, x: x.clamp_("a"),
]


@pytest.mark.parametrize("call", CALLS, ids=[str(i) for i in range(len(CALLS))])
def test_one_tensor_bound_and_one_number_is_refused(call):
    same_error(lambda t: call(t, t.arange(3.0)))


def test_both_tensors_or_both_numbers_still_clamp():
    import numpy as np
    x = np.linspace(-2, 2, 7).astype(np.float32)
    same_on_both(lambda t, x: (t.clamp(x, t.zeros(7), t.ones(7)), x.clamp(-1, 1), x.clamp(min=t.zeros(7))), [x])
