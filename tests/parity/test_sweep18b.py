"""Parity tests for what the sweep18b programs found: kthvalue's choice among ties, bucketize of a
number, asarray's copy/requires_grad rules, .numpy() giving a new array object, the profiler's
"ProfilerStep*" event names (pytree and __torch_function__: test_sweep18b_pytree.py,
test_sweep18b_torch_function.py)."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch

from ._helpers import MODS, same_error, same_on_both

# ---- kthvalue: which index among ties (torch's quickselect) -------------------------------------------
@settings(max_examples=150, deadline=None)
@given(st.integers(1, 9), st.integers(1, 4), st.integers(0, 1), st.data())
def test_kthvalue_picks_the_index_torchs_quickselect_picks(n, rows, nan, data):
    a = np.array(data.draw(st.lists(st.sampled_from([0.0, 1.0, 2.0, 3.0] + [np.nan] * nan),
                                    min_size=n * rows, max_size=n * rows)), np.float64).reshape(rows, n)
    k = data.draw(st.integers(1, n))
    same_on_both(lambda t, x: tuple(t.kthvalue(x, k, dim=1)), [a])
    if rows >= k:
        same_on_both(lambda t, x: tuple(t.kthvalue(x, k, dim=0, keepdim=True)), [a])


def test_kthvalue_ties_in_ints_and_all_equal_rows():
    same_on_both(lambda t, x: tuple(x.kthvalue(2, 1)), [np.array([[2, 2, 2, 2], [1, 3, 3, 0], [5, 1, 5, 4]])], grad=False)
    same_on_both(lambda t, x: tuple(x.kthvalue(3)), [np.full(17, 4.0, np.float32)])


def test_kthvalue_gradient_goes_to_the_chosen_tie():
    x = np.array([[1.0, 1.0, 1.0, 0.5, 1.0, 1.0]])
    same_on_both(lambda t, x: x.kthvalue(4, dim=1).values, [x])
    assert glasstorch.autograd.gradcheck(lambda v: v.kthvalue(2, dim=1).values,
                                         (glasstorch.tensor([[0.3, 0.1, 0.7, 0.2]], dtype=glasstorch.float64,
                                                            requires_grad=True),))


# ---- bucketize(Number, boundaries) -------------------------------------------------------------------
@given(st.one_of(st.integers(-3, 10), st.floats(-3, 10, allow_nan=False), st.booleans()), st.booleans())
def test_bucketize_of_a_number(v, right):
    same_on_both(lambda t, b: t.bucketize(v, b, right=right), [np.array([1, 3, 5, 7])], grad=False)
    same_on_both(lambda t, b: t.bucketize(v, b, out_int32=True), [np.array([1.0, 3.0, 5.0])], grad=False)


def test_bucketize_refusals():
    same_error(lambda t: t.bucketize(5, t.tensor([[1, 3]])))


# ---- torch.asarray --------------------------------------------------------------------------------
def test_asarray_shares_or_copies_as_torch():
    def run(t):
        src = np.array([1.0, 2.0])
        shared, copied = t.asarray(src), t.asarray(src, copy=True)
        converted = t.asarray(src, dtype=t.float32)
        src[0] = 9.0
        x = t.ones(2)
        return shared[0].item(), copied[0].item(), converted[0].item(), t.asarray(x) is x, \
            t.asarray(x, copy=True) is x, str(t.asarray([1, 2.5]).dtype), str(t.asarray(np.float32(2)).dtype)
    assert run(torch) == run(glasstorch)


def test_asarray_requires_grad_and_graph():
    def run(t):
        y = t.ones(2, requires_grad=True) * 2
        out = []
        for kw in ({}, {"requires_grad": False}, {"dtype": t.float64}, {"copy": True}):
            r = t.asarray(y, **kw)
            out.append((r.requires_grad, type(r.grad_fn).__name__, r is y))
        x = t.ones(2)
        r = t.asarray(x, requires_grad=True)
        out.append((r is x, x.requires_grad, r.is_leaf))
        return out
    with pytest.warns(UserWarning, match="unspecified requires_grad"):
        want = run(torch)
    with pytest.warns(UserWarning, match="unspecified requires_grad"):
        glasstorch._user_warning.WARNED.discard("asarray_requires_grad")
        got = run(glasstorch)
    assert want == got


@pytest.mark.parametrize("case", [
    lambda t: t.asarray(np.ones(2), dtype=t.float32, copy=False),
    lambda t: t.asarray([1, 2], copy=False),
    lambda t: t.asarray(3, copy=False),
    lambda t: t.asarray(t.ones(2), dtype=t.float64, copy=False),
    lambda t: t.asarray(np.arange(2), requires_grad=True),
])
def test_asarray_errors(case):
    same_error(case)


# ---- .numpy() / np.asarray give a new array object on the same memory ------------------------------
def test_numpy_returns_a_new_array_object():
    for t in MODS:
        r = np.arange(4.0)
        x = t.from_numpy(r)
        a, b = x.numpy(), np.asarray(x)
        assert (a is r, b is r, a is x.numpy(), np.shares_memory(a, r), np.shares_memory(b, r)) == \
            (False, False, False, True, True)
        a[0] = 7
        assert x[0].item() == 7


# ---- profiler: every step is "ProfilerStep*" in events(), "#N" in the trace --------------------------
def test_profiler_step_events_are_wildcard_named(tmp_path):
    def run(t):
        names = []
        sched = t.profiler.schedule(wait=1, warmup=0, active=2, repeat=1)
        with t.profiler.profile(schedule=sched, on_trace_ready=lambda p: names.extend(
                sorted(e.name for e in p.events() if e.name.startswith("Profiler")))) as p:
            for _ in range(4):
                with t.profiler.record_function("body"):
                    t.ones(2).sum()
                p.step()
        return names
    assert run(torch) == run(glasstorch) == ["ProfilerStep*", "ProfilerStep*"]
    with glasstorch.profiler.profile(schedule=glasstorch.profiler.schedule(wait=0, warmup=0, active=1),
                                     on_trace_ready=lambda p: p.export_chrome_trace(str(tmp_path / "t.json"))) as p:
        p.step()
    text = (tmp_path / "t.json").read_text()
    assert '"ProfilerStep#' in text and "ProfilerStep*" not in text


# ---- reflected and in-place shifts ------------------------------------------------------------------
@given(st.lists(st.integers(0, 6), min_size=1, max_size=5), st.integers(1, 40))
def test_reflected_and_inplace_shifts(v, n):
    a = np.array(v)
    same_on_both(lambda t, x: (n << x, n >> x), [a], grad=False)
    same_on_both(lambda t, x: x.clone().__ilshift__(2), [a], grad=False)
    same_on_both(lambda t, x: x.clone().__irshift__(1), [a], grad=False)

    def augmented(t, x):
        y = x.clone()
        z = y
        y <<= 1
        y >>= 2
        return y, z is y
    same_on_both(augmented, [a], grad=False)
