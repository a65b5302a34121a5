"""Gaps found by running from-scratch course code (tests/programs/hero_*.py) on glasstorch: which tied
value ``topk`` picks, tanh's fused backward, and the deprecated ``Tensor.storage()``."""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch

from ._helpers import MODS, same_error, same_on_both

R = np.random.default_rng(11)
COUNTS = R.integers(0, 6, (27, 27)).astype(np.int32)            # a bigram count table: many ties
TIED = R.integers(0, 4, (3, 40)).astype(np.float32)
TIED[0, ::7] = np.nan


@pytest.mark.parametrize("k", [1, 5, 20, 27])
@pytest.mark.parametrize("largest", [True, False])
def test_topk_ties_on_counts(k, largest):
    """partial_sort (k*64 <= n) and nth_element + sort (otherwise) leave ties in libstdc++'s order."""
    same_on_both(lambda t, x: tuple(x.view(-1).topk(k, largest=largest)), [COUNTS])
    same_on_both(lambda t, x: tuple(x.topk(k, dim=1, largest=largest)), [COUNTS])


@pytest.mark.parametrize("k", [1, 3, 17, 40])
@pytest.mark.parametrize("sorted_", [True, False])
@pytest.mark.parametrize("dim", [0, 1])
def test_topk_ties_nan_unsorted_and_grad(k, sorted_, dim):
    """sorted=False returns introselect's order; the gradient goes to the index chosen."""
    k = min(k, TIED.shape[dim])
    same_on_both(lambda t, x: tuple(t.topk(x * 1, k, dim=dim, sorted=sorted_)), [TIED])


def test_topk_large_row_partial_sort():
    x = R.integers(0, 50, 5000).astype(np.float64)
    same_on_both(lambda t, x: tuple(x.topk(10)), [x])
    same_on_both(lambda t, x: tuple(x.topk(3000, largest=False, sorted=False)), [x])


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
def test_tanh_backward_is_fused(dtype):
    """torch computes g * fma(-y, y, 1): the gradient is bit-identical, not merely close."""
    x = R.standard_normal(4000).astype(dtype)
    # keep the inputs whose forward tanh already agrees (glasstorch's float64 tanh is NumPy's, not SLEEF's)
    fwd = [m.tanh(m.from_numpy(x.copy())).numpy() for m in MODS]
    x = x[fwd[0] == fwd[1]][:1000]
    same_on_both(lambda t, x: t.tanh(x), [x])
    same_on_both(lambda t, x: t.nn.Tanh()(x) * 3, [x])


def _storage_facts(t):
    a = t.arange(6)
    b = t.tensor([1.5, 0.1]).view(1, 2).t()
    s, sb = a[2:].view(2, 2).storage(), b.storage()
    return (str(s), repr(sb), len(s), s.size(), str(s.dtype), s.tolist(), s[-1], s.nbytes(), s.element_size(),
            t.is_storage(s), t.is_storage(a.untyped_storage()), t.is_storage(a), t.typename(s).split('.', 1)[1],
            str(t.zeros(0).storage()), str(t.tensor([True]).storage()), list(sb),
            s.data_ptr() == a.untyped_storage().data_ptr())


def test_typed_storage():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert _storage_facts(torch) == _storage_facts(glasstorch)
        same_error(lambda t: t.arange(4).storage()[1:3])
        errs = []
        for m in MODS:
            with pytest.raises(RuntimeError) as e:
                m.arange(4).storage()[1.0]
            errs.append(str(e.value).replace("glasstorch.", "torch."))   # class paths carry the package name
        assert errs[0] == errs[1]


def test_typed_storage_warns_once():
    msgs = []
    for m in MODS:
        m.storage._reset_warn_typed_storage_removal()
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            x = m.ones(2)
            x.storage()
            x.storage().size()
        msgs.append([(type(e.message).__name__, str(e.message), e.filename) for e in w])
    assert msgs[0] == msgs[1] and len(msgs[0]) == 1


def test_tanh_double_backward_graph_and_values():
    """create_graph=True records torch's TanhBackwardBackward0, whose values are fused as well."""
    x = R.standard_normal(300).astype(np.float32)
    fwd = [m.tanh(m.from_numpy(x.copy())).numpy() for m in MODS]
    x = x[fwd[0] == fwd[1]][:200]
    up = R.standard_normal(x.shape).astype(np.float32)

    def fn(t, x):
        g, = t.autograd.grad(t.tanh(x), x, t.from_numpy(up.copy()).requires_grad_(), create_graph=True)
        h, = t.autograd.grad(g.sum(), x, create_graph=True)
        return g, h
    outs = same_on_both(fn, [x])
    assert [type(f).__name__ if f else None for f, _ in outs[glasstorch][0].grad_fn.next_functions] == \
        ["AccumulateGrad", "TanhBackward0"]


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 80), levels=st.integers(1, 7), seed=st.integers(0, 2**16))
def test_mode_index_among_ties(n, levels, seed):
    """torch std::sorts (value, index) pairs and reports the index that ends the mode's run: among
    ties that is not the last occurrence once a row has more than 16 elements."""
    a = np.random.default_rng(seed).integers(0, levels, (3, n)).astype(np.float32)
    r = {m: m.from_numpy(a.copy()).mode(1) for m in (torch, glasstorch)}
    np.testing.assert_array_equal(r[glasstorch].values.numpy(), r[torch].values.numpy())
    np.testing.assert_array_equal(r[glasstorch].indices.numpy(), r[torch].indices.numpy())
