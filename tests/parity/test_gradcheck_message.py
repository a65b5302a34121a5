"""gradcheck's failure message shows both Jacobians in the input's dtype, as torch's."""
import warnings

import pytest

from ._helpers import same_error


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_gradcheck_mismatch_message(dtype):
    def fn(m):
        class Bad(m.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x.sin()

            @staticmethod
            def backward(ctx, g):
                x, = ctx.saved_tensors
                return g * x.cos() * 2
        x = m.ones(2, dtype=getattr(m, dtype), requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m.autograd.gradcheck(Bad.apply, (x,))
    same_error(fn)
