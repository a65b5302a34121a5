"""``out=`` on torch-level functions, and the multi-threaded paths taken by large arrays.

Expectations come from torch at test time."""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch

from ._helpers import assert_same_array, same_error

# (name, function taking (module, out) and calling a torch function with out=out, the out tensor's
# shape and dtype name)
OUT_CASES = [
    ("exp", lambda m, o: m.exp(m.linspace(-2, 2, 6).view(2, 3), out=o), (2, 3), "float32"),
    ("exp into float64", lambda m, o: m.exp(m.linspace(-2, 2, 6), out=o), (6,), "float64"),
    ("add", lambda m, o: m.add(m.ones(3), m.arange(3.0), alpha=2, out=o), (3,), "float32"),
    ("matmul", lambda m, o: m.matmul(m.ones(2, 3), m.arange(3.0), out=o), (2,), "float32"),
    ("sum dim", lambda m, o: m.sum(m.arange(12.0).view(3, 4), 1, out=o), (3,), "float32"),
    ("sum into float64", lambda m, o: m.sum(m.arange(12.0).view(3, 4), 0, out=o), (4,), "float64"),
    ("mean", lambda m, o: m.mean(m.arange(12.0).view(3, 4), 1, out=o), (3,), "float32"),
    ("cat", lambda m, o: m.cat([m.ones(2), m.zeros(3)], out=o), (5,), "float32"),
    ("arange into int64", lambda m, o: m.arange(5, out=o), (5,), "int64"),
    ("zeros", lambda m, o: m.zeros(2, 2, out=o), (2, 2), "float32"),
    ("clamp", lambda m, o: m.clamp(m.linspace(-2, 2, 5), min=-1, max=1, out=o), (5,), "float32"),
    ("cumsum", lambda m, o: m.cumsum(m.arange(5.0), 0, out=o), (5,), "float32"),
    ("where", lambda m, o: m.where(m.arange(4) > 1, m.ones(4), m.zeros(4), out=o), (4,), "float32"),
    ("comparison into bool", lambda m, o: m.gt(m.arange(4.0), 1.5, out=o), (4,), "bool"),
    ("std", lambda m, o: m.std(m.arange(6.0).view(2, 3), 1, out=o), (2,), "float32"),
    ("resized from empty", lambda m, o: m.sin(m.arange(4.0), out=o), (0,), "float32"),
]


@pytest.mark.parametrize("name,fn,shape,dtype", OUT_CASES, ids=[c[0] for c in OUT_CASES])
def test_out_writes_the_result(name, fn, shape, dtype):
    res = {}
    for m in (torch, glasstorch):
        out = m.zeros(shape, dtype=getattr(m, dtype))
        r = fn(m, out)
        assert r is out
        res[m] = (out, out._version)
    assert_same_array(res[torch][0], res[glasstorch][0], rtol=1e-6, atol=1e-7)
    assert res[torch][1] == res[glasstorch][1]


def test_out_tuple_for_values_and_indices():
    res = {}
    for m in (torch, glasstorch):
        v, i = m.zeros(2), m.zeros(2, dtype=m.long)
        r = m.max(m.tensor([[1.0, 5, 2], [7, 1, 0]]), 1, out=(v, i))
        assert r.values is v and r.indices is i
        res[m] = (v, i)
    for a, b in zip(res[torch], res[glasstorch]):
        assert_same_array(a, b)


def test_out_resize_warns_like_torch():
    msgs = {}
    for m in (torch, glasstorch):
        out = m.zeros(3)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            m.exp(m.ones(2, 3), out=out)
        assert tuple(out.shape) == (2, 3)
        msgs[m] = [str(x.message) for x in w if issubclass(x.category, UserWarning)]
    assert msgs[torch] == msgs[glasstorch] and len(msgs[torch]) == 1


@pytest.mark.parametrize("fn", [
    lambda m: m.exp(m.ones(2), out=m.zeros(2, dtype=m.long)),
    lambda m: m.exp(m.ones(2, requires_grad=True), out=m.zeros(2)),
    lambda m: m.sum(m.ones(2, 3, requires_grad=True), 1, out=m.zeros(2)),
    lambda m: m.sin(m.ones(2), out=m.zeros(2, dtype=m.bool)),
])
def test_out_errors(fn):
    same_error(fn)


# ---- large arrays: split into blocks over threads ----------------------------------------------
BIG = (1100, 1000)        # 1.1M elements: above the size where the parallel paths start


@pytest.fixture(params=[1, 2, 3], ids=["1 thread", "2 threads", "3 threads"])
def threads(request):
    before = glasstorch.get_num_threads()
    glasstorch.set_num_threads(request.param)
    yield request.param
    glasstorch.set_num_threads(before)


@pytest.mark.parametrize("expr", [
    lambda m, a, b: (a * b + b) * a - b,
    lambda m, a, b: a / 3 - 2 * b,
    lambda m, a, b: (a > b).to(m.int64) // 2,
    lambda m, a, b: m.exp(a) + m.tanh(b),
    lambda m, a, b: m.sqrt(m.abs(a)),
])
def test_large_elementwise(threads, expr):
    rng = np.random.default_rng(threads)
    a = rng.standard_normal(BIG).astype(np.float32)
    b = rng.standard_normal(BIG[1:]).astype(np.float32)
    r = {m: expr(m, m.from_numpy(a), m.from_numpy(b)) for m in (torch, glasstorch)}
    assert_same_array(r[torch], r[glasstorch], rtol=2e-6, atol=1e-6)


@settings(max_examples=12, deadline=None)
@given(dim=st.sampled_from([None, 0, 1, -1, (0, 1)]), keepdim=st.booleans(),
       dtype=st.sampled_from(["float32", "float64", "int32"]), op=st.sampled_from(["sum", "mean"]),
       shape=st.sampled_from([BIG, (3, 400_000), (400_000, 3), (1024, 1280), (768, 1536), (5, 512, 512)]))
def test_large_reductions(dim, keepdim, dtype, op, shape):
    """Large sums split over threads; rows that are whole blocks of 1024, 512 or 256 are summed through
    BLAS (the shapes below reach each block size)."""
    if op == "mean" and dtype == "int32":
        return
    glasstorch.set_num_threads(3)
    try:
        a = (np.random.default_rng(0).standard_normal(shape) * 10).astype(dtype)
        r = {}
        for m in (torch, glasstorch):
            x = m.from_numpy(a)
            f = getattr(x, op)
            r[m] = f() if dim is None else f(dim, keepdim=keepdim)
        assert_same_array(r[torch], r[glasstorch], rtol=1e-4 if dtype == "float32" else 1e-12, atol=1e-3)
    finally:
        glasstorch.set_num_threads(torch.get_num_threads())


def test_large_fused_update(threads):
    """``add(x, y, alpha=)`` and an SGD step on a large weight: torch's FMA, block by block."""
    rng = np.random.default_rng(7)
    x = rng.standard_normal(BIG).astype(np.float32)
    y = rng.standard_normal(BIG).astype(np.float32)
    r = {}
    for m in (torch, glasstorch):
        w = m.nn.Parameter(m.from_numpy(x.copy()))
        w.grad = m.from_numpy(y.copy())
        m.optim.SGD([w], lr=0.0123).step()
        r[m] = (m.add(m.from_numpy(x), m.from_numpy(y), alpha=0.37), w.detach())
    for a, b in zip(r[torch], r[glasstorch]):
        assert_same_array(a, b)


# ---- NumPy names and NumPy operands ------------------------------------------------------------
@pytest.mark.parametrize("fn", [
    lambda m: m.rand(size=(2, 3)),
    lambda m: m.randn(size=(4,)),
    lambda m: m.randint(low=2, high=9, size=(5,)),
    lambda m: m.randint(high=3, size=(2,)),
    lambda m: m.mean(m.arange(6.0).view(2, 3), axis=1, keepdims=True),
    lambda m: m.arange(6.0).view(2, 3).sum(axis=0, keepdims=True),
    lambda m: m.ones(2) * np.ones(2),
    lambda m: m.ones(2, dtype=m.int64) + np.ones(2, np.int32),
    lambda m: m.ones(3) / np.arange(1, 4),
])
def test_numpy_style_calls(fn):
    out = {}
    for m in (torch, glasstorch):
        m.manual_seed(3)
        out[m] = fn(m)
    assert_same_array(out[torch], out[glasstorch])


@pytest.mark.parametrize("fn", [
    lambda m: m.ones(2, requires_grad=True) * np.ones(2),
    lambda m: m.arange(6.0).view(2, 3).sum(dim=0, axis=1),
])
def test_numpy_style_errors(fn):
    same_error(fn)
