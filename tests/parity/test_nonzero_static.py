"""``torch.nonzero_static`` / ``Tensor.nonzero_static``: nonzero's rows cut or padded to ``size`` rows, and the
argument parser's TypeErrors for its keyword-only ``size`` / ``fill_value``."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from ._helpers import same_error, same_on_both


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 3), min_size=0, max_size=4), st.integers(0, 9), st.integers(-5, 5), st.data())
def test_rows_cut_or_padded(shape, size, fill, data):
    n = int(np.prod(shape)) if shape else 1
    a = np.array(data.draw(st.lists(st.sampled_from([0.0, 1.0, -2.0]), min_size=n, max_size=n))).reshape(shape)
    same_on_both(lambda m, x: m.nonzero_static(x, size=size, fill_value=fill), [a], grad=False)
    same_on_both(lambda m, x: x.nonzero_static(size=size), [a], grad=False)


def test_out_and_keyword_input():
    a = np.array([[0.0, 1.0], [2.0, 0.0]])
    same_on_both(lambda m, x: m.nonzero_static(input=x, size=3), [a], grad=False)
    same_on_both(lambda m, x: m.nonzero_static(x, size=1, out=m.empty(0, dtype=m.long)), [a], grad=False)


@pytest.mark.parametrize("call", [
    lambda m, x: m.nonzero_static(x, size=-1),
    lambda m, x: m.nonzero_static(x, size=2.5),
    lambda m, x: m.nonzero_static(x, 2),
    lambda m, x: m.nonzero_static(x, 2, 3),
    lambda m, x: m.nonzero_static(x),
    lambda m, x: x.nonzero_static(),
    lambda m, x: x.nonzero_static(2),
    lambda m, x: x.nonzero_static(size=True),
    lambda m, x: x.nonzero_static(size=3, fill_value=2.5),
    lambda m, x: x.nonzero_static(size=3, fill_value=True),
    lambda m, x: x.nonzero_static(size=3, foo=1),
    lambda m, x: m.nonzero_static(np.ones(2), size=3),
    lambda m, x: m.nonzero_static([1, 0], size=3),
])
def test_errors_are_torchs(call):
    same_error(lambda m: call(m, m.tensor([[0.0, 1.0], [2.0, 0.0]])))
