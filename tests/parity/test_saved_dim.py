"""``grad_fn._saved_dim`` of ``SumBackward1`` / ``MeanBackward1``: the dims as the caller wrote them, kept
as unsigned 64-bit ints (torchviz's ``make_dot(show_attrs=True)`` prints it).  Expectations from torch."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch


def _both(fn):
    """``fn(module)`` on torch and on glasstorch gives the same plain values."""
    assert fn(glasstorch) == fn(torch)


def _node(node):
    return node.name(), node._saved_dim, node._saved_keepdim, node._saved_self_sym_sizes, \
        sorted(a for a in dir(node) if a.startswith("_saved"))


@pytest.mark.parametrize("fn", [
    lambda m, x: x.sum(1),
    lambda m, x: x.sum(-1),
    lambda m, x: x.sum(np.int64(-2)),
    lambda m, x: x.sum(axis=0),
    lambda m, x: x.sum(dim=[]),
    lambda m, x: m.sum(x, (2, 0), keepdim=True),
    lambda m, x: x.mean(-1, keepdim=True),
    lambda m, x: m.mean(x, [0, -1]),
    lambda m, x: x.t().sum(0) if x.ndim == 2 else x.transpose(0, 2).sum(-1),     # a strided input
])
def test_saved_dim(fn):
    _both(lambda m: _node(fn(m, m.ones(2, 3, 4, dtype=m.float64, requires_grad=True)).grad_fn))


@settings(max_examples=40, deadline=None)
@given(shape=st.lists(st.integers(1, 3), min_size=1, max_size=4), data=st.data())
def test_saved_dim_any_dims(shape, data):
    nd = len(shape)
    dims = data.draw(st.lists(st.integers(-nd, nd - 1), min_size=1, max_size=nd, unique_by=lambda d: d % nd))
    keep = data.draw(st.booleans())
    op = data.draw(st.sampled_from(["sum", "mean"]))
    one = data.draw(st.booleans()) and len(dims) == 1
    arg = dims[0] if one else tuple(dims)
    _both(lambda m: _node(getattr(m.ones(*shape, requires_grad=True), op)(arg, keepdim=keep).grad_fn))


@pytest.mark.parametrize("fn", [
    lambda m, x: x.nansum(),
    lambda m, x: x.nansum(-1),
    lambda m, x: m.nansum(x, (0, 1), keepdim=True),
    lambda m, x: m.nansum(x, dim=[]),
    lambda m, x: x.nanmean(0),
])
def test_nansum_saved_values(fn):
    def run(m):
        x = m.tensor([[1.0, float("nan"), 2.0], [3.0, 4.0, float("nan")]], requires_grad=True)
        node = fn(m, x).grad_fn
        while node.name() != "NansumBackward0":          # nanmean: a division on top
            node = node.next_functions[0][0]
        return (node._saved_dim, node._saved_keepdim, node._saved_self is x,
                sorted(a for a in dir(node) if a.startswith(("_saved", "_raw_saved"))))
    _both(run)
