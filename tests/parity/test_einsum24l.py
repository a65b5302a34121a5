"""einsum's plan cache (task 24l): glasstorch/ops/einsum.py plans each (equation, operand shapes, strides,
dtypes) once -- torch's checks, the subscripts, and for the common cases a short path (einsum_kernel's
chain_plan: one dtype, a bmm chain; mul_plan: two operands, nothing summed).  These tests call the same
equations again and again with operands that differ only in layout or dtype, so every call after the
first of a key is a cache hit, and compare values (exactly), dtypes, strides, gradients and errors with
torch's."""
import importlib

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from glasstorch.autograd.gradcheck import gradcheck
from ._helpers import MODS, same_error, same_on_both

einsum_mod = importlib.import_module("glasstorch.ops.einsum")

# equation -> operand shapes; covering the chain path, the mul path, one-operand sums, views and the
# general path (broadcast size-1 dims, one-sided sums, repeated subscripts)
CASES = {
    "ij,jk->ik": [(3, 4), (4, 5)],
    "bhqd,bhkd->bhqk": [(2, 3, 4, 5), (2, 3, 6, 5)],
    "bi,oij,bj->bo": [(4, 5), (3, 5, 6), (4, 6)],
    "ab,bc,cd->ad": [(2, 3), (3, 4), (4, 5)],
    "ij,jk->ki": [(3, 4), (4, 5)],
    "bi,bj->bij": [(4, 5), (4, 6)],
    "i,j->ji": [(3,), (4,)],
    "ii": [(4, 4)],
    "ij->j": [(3, 4)],
    "ij->ji": [(3, 4)],
    "bij,bjk->bik": [(1, 3, 4), (2, 4, 5)],
    "ij,jk->i": [(3, 4), (4, 5)],
    "iij,jk->ik": [(3, 3, 4), (4, 2)],
    "...ij,...jk->...ik": [(2, 3, 4), (4, 5)],
}
EQS = sorted(CASES)


def _operand(shape, dtype, layout, k):
    """A NumPy array of ``shape``: C order, Fortran order (transposed strides) or a strided slice."""
    n = int(np.prod(shape))
    x = ((np.arange(n) * 7 + 3 * k) % 11 - 5).astype(dtype).reshape(shape)
    if layout == "F":
        return np.asfortranarray(x)
    if layout == "slice":
        big = np.zeros(shape[:-1] + (2 * shape[-1],), dtype)
        big[..., ::2] = x
        return big[..., ::2]
    return x


def _run(m, eq, arrays):
    return m.einsum(eq, *[m.from_numpy(a) for a in arrays])


def _compare(eq, arrays):
    t = _run(torch, eq, arrays)
    g = _run(glasstorch, eq, arrays)
    assert str(g.dtype) == str(t.dtype)
    assert tuple(g.shape) == tuple(t.shape)
    assert g.stride() == t.stride(), (eq, g.stride(), t.stride())
    np.testing.assert_array_equal(g.numpy(), t.numpy())


@settings(max_examples=120, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(EQS), st.sampled_from(["float32", "float64", "int64"]),
                          st.lists(st.sampled_from(["C", "F", "slice"]), min_size=3, max_size=3)),
                min_size=1, max_size=6))
def test_einsum_repeated_calls_match_torch(calls):
    # the same key twice in a row: the second call runs the cached plan
    for eq, dtype, layouts in calls + calls:
        arrays = [_operand(s, dtype, lay, k) for k, (s, lay) in enumerate(zip(CASES[eq], layouts))]
        _compare(eq, arrays)


@pytest.mark.parametrize("eq", EQS)
def test_einsum_layouts_alternate(eq):
    # one equation, layouts changing from call to call: a plan is never reused for other strides
    for layout in ["C", "F", "C", "slice", "F", "C"]:
        _compare(eq, [_operand(s, np.float32, layout, k) for k, s in enumerate(CASES[eq])])


@pytest.mark.parametrize("eq", ["bi,bj->bij", "i,j->ij", "ij,jk->ik"])
def test_einsum_mixed_dtypes_after_a_plan(eq):
    # a mul promotes, a bmm refuses; the one-dtype plan of the equation must not be reused for these
    shapes = CASES.get(eq, [(3,), (4,)])
    same = [_operand(s, np.float32, "C", k) for k, s in enumerate(shapes)]
    mixed = [same[0], same[1].astype(np.float64)]
    for _ in range(2):
        _compare(eq, same)
        if eq == "ij,jk->ik":
            same_error(lambda m, a, b: m.einsum(eq, m.from_numpy(a), m.from_numpy(b)), *mixed)
        else:
            _compare(eq, mixed)


@pytest.mark.parametrize("eq,shapes", [("ij,jk->ik", [(3, 4), (5, 6)]), ("ij,jk", [(3, 4, 1), (4, 5)]),
                                       ("ii", [(3, 4)]), ("ij,jk->iz", [(3, 4), (4, 5)])])
def test_einsum_errors_are_raised_every_call(eq, shapes):
    # a failing check caches nothing: the second call raises torch's error again
    arrays = [np.ones(s, np.float32) for s in shapes]
    for _ in range(2):
        same_error(lambda m, *a: m.einsum(eq, *[m.from_numpy(x) for x in a]), *arrays)


@pytest.mark.parametrize("eq", ["ij,jk->ik", "bi,oij,bj->bo", "bi,bj->bij", "ij->j", "bhqd,bhkd->bhqk"])
def test_einsum_grads_on_cached_plans(eq):
    arrays = [_operand(s, np.float64, "C", k) for k, s in enumerate(CASES[eq])]
    # values exact; einsum's backward (not part of the plan) contracts the gradient with NumPy in its own
    # order, not torch's bmm order: float64 gradients agree to rounding only
    for _ in range(2):
        same_on_both(lambda m, *a: m.einsum(eq, *a), arrays, grad_rtol=1e-13, grad_atol=1e-13)


@pytest.mark.parametrize("eq", ["ij,jk->ik", "bi,oij,bj->bo", "bi,bj->bij", "ij,jk->ki"])
def test_einsum_gradcheck_cached(eq):
    rng = np.random.default_rng(0)
    for _ in range(2):
        xs = [glasstorch.from_numpy(rng.standard_normal(s)).requires_grad_() for s in CASES[eq]]
        assert gradcheck(lambda *a: glasstorch.einsum(eq, *a), xs)


def test_einsum_plan_cache_is_bounded():
    a = glasstorch.ones(2, 2)
    for k in range(einsum_mod._MAX_PLANS + 40):
        # distinct keys: the same equation with ever-growing spaces in it
        glasstorch.einsum("ij," + " " * k + "jk->ik", a, a)
    assert 0 < len(einsum_mod._PLANS) <= einsum_mod._MAX_PLANS


def test_einsum_sublist_and_list_forms_after_a_plan():
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    y = np.arange(20, dtype=np.float32).reshape(4, 5)
    for _ in range(2):
        same_on_both(lambda m, a, b: m.einsum(a, [0, 1], b, [1, 2], [0, 2]), [x, y], grad=False)
        same_on_both(lambda m, a, b: m.einsum("ij,jk->ik", [a, b]), [x, y], grad=False)
    assert len(MODS) == 2
