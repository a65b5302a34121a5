"""torch.sinh / cosh / atanh / exp2, hypot (float64) and lgamma, bit for bit with torch 2.13's CPU kernels.

Their kernels are ``cpu_kernel_vec`` loops: SLEEF's ``Sleef_sinhf8_u10`` / ``coshf8`` / ``atanhf8`` /
``exp2f8`` (``d4`` for float64) in the loop's vector blocks, glibc's sinhf / sinh ... in the rest.
glasstorch took NumPy's (glibc's) routine everywhere: 16-26% of the vector blocks' elements were off
(exp2 6-7%).  Fixed in ops/_sleef_hyper.py (the routines), ops/_sleef_loop.py (routing), ops/pointwise.py
(the ops, sinh / cosh backward through the same kernels, exp2's backward ``(grad * result) * ln 2``).
hypot's float64 kernel is the same kind of loop over SLEEF's ``hypotd4_u05`` (0.6% were off: ops/_sleef_hypotd.py);
lgamma's maps SLEEF's ``lgammaf8`` / ``lgammad4_u10`` over every element (glasstorch took Python's math.lgamma:
1% of float32 and 40-60% of float64 elements were off: ops/_sleef_lgamma.py, ops/special_fns.py).
Expectations come from torch at test time.
"""
import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from glasstorch.autograd.gradcheck import gradcheck
from glasstorch.ops import _sleef_hyper
from tests.parity._helpers import assert_same_array

OPS = ("sinh", "cosh", "atanh", "exp2")
DTYPES = (np.float32, np.float64)
_NP = {"sinh": np.sinh, "cosh": np.cosh, "atanh": np.arctanh, "exp2": np.exp2}


def _bits(a):
    return np.ascontiguousarray(a).tobytes()


def _special(dtype):
    fi = np.finfo(dtype)
    vals = [0.0, -0.0, fi.tiny, -fi.tiny, fi.tiny / 4, -fi.smallest_subnormal, 1.0, -1.0, 0.5, -0.5, 2.0, 1e-7,
            -1e-7, 1e-20, 88.0, 88.72, 89.0, -89.0, 90.0, 127.0, 128.0, -126.0, -149.0, -150.0, -151.0, 709.7,
            710.0, -710.0, 1023.0, 1024.0, -1074.0, -1075.0, -2000.0, -2001.0, 0.999999, -0.999999, 1.5, -1.5,
            1e10, -1e10, fi.max, -fi.max, np.inf, -np.inf, np.nan, -np.nan]
    x = np.array(vals, dtype)
    return np.concatenate([x, np.nextafter(x, dtype(np.inf)), np.nextafter(x, dtype(-np.inf))])


def _random(op, dtype, n, seed):
    rng = np.random.default_rng(seed)
    if op == "atanh":
        x = [rng.uniform(-1, 1, n), (1 - np.exp(rng.uniform(-40, 0, n))) * rng.choice([-1, 1], n)]
    elif op == "exp2":
        x = [rng.uniform(-160, 130, n), rng.standard_normal(n) * 4]
    else:
        x = [rng.uniform(-100, 100, n), rng.standard_normal(n)]
    return np.concatenate(x + [rng.uniform(-1e-3, 1e-3, n)]).astype(dtype)


def _torch_blocks(op, x):
    """torch's kernel on whole vector blocks only: chunks of 8192 elements (below the loop's thread split,
    multiples of 16), so every element takes SLEEF's routine."""
    n = len(x) - len(x) % 16
    return np.concatenate([getattr(torch, op)(torch.from_numpy(x[i:i + 8192].copy())).numpy()
                           for i in range(0, n, 8192)]), x[:n]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("op", OPS)
def test_routine_against_torchs_vector_blocks(op, dtype):
    x = np.concatenate([_random(op, dtype, 20000, 1), np.resize(_special(dtype), 16 * 20)])
    want, x = _torch_blocks(op, x)
    got = getattr(_sleef_hyper, op + ("f" if dtype == np.float32 else "d"))(x)
    assert _bits(want) == _bits(got), op          # nans' own bits included


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("op", OPS)
def test_tail_is_glibc(op, dtype):
    """The elements past the last whole block take glibc's routine: NumPy's ufunc, not SLEEF's."""
    block = 16 if dtype == np.float32 else 8
    x = _random(op, dtype, 3000, 2)[:block * 500 + block - 1]
    want = getattr(torch, op)(torch.from_numpy(x)).numpy()
    with np.errstate(all="ignore"):
        assert _bits(want[1 - block:]) == _bits(_NP[op](x[1 - block:]))
        assert _bits(want[:-block]) != _bits(_NP[op](x[:-block]))       # (the blocks: not glibc's)
    assert _bits(want) == _bits(getattr(glasstorch, op)(glasstorch.from_numpy(x.copy())).numpy())


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("op", OPS)
def test_special_values_any_position(op, dtype):
    """Special values in the blocks and in the rest (shifted by 0..15 places)."""
    s = _special(dtype)
    for shift in (0, 5, 11, 15):
        x = np.concatenate([np.zeros(shift, dtype), s])
        want = getattr(torch, op)(torch.from_numpy(x)).numpy()
        assert _bits(want) == _bits(getattr(glasstorch, op)(glasstorch.from_numpy(x.copy())).numpy()), shift


_VIEWS = {
    "contiguous": lambda t: t,
    "transposed": lambda t: t.t(),
    "strided": lambda t: t[:, ::2],
    "sliced": lambda t: t[1:, 1:],
    "row": lambda t: t[0],
}


def _values_grads(m, op, view, x, g):
    t = m.from_numpy(x.copy()).requires_grad_(True)
    y = getattr(m, op)(_VIEWS[view](t))
    up = g.reshape(-1)[:y.numel()].reshape(y.shape) if g.ndim == 1 else \
        (g[0, :y.shape[0]] if y.ndim == 1 else g[:y.shape[0], :y.shape[1]])
    y.backward(m.from_numpy(np.ascontiguousarray(up)))
    return y.detach().numpy(), t.grad.numpy()


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("view", sorted(_VIEWS))
@pytest.mark.parametrize("op", OPS)
@settings(max_examples=5, deadline=None)
@given(rows=st.integers(2, 40), cols=st.integers(2, 70), seed=st.integers(0, 2**31))
def test_values_and_grads_bit_for_bit(op, view, dtype, rows, cols, seed):
    rng = np.random.default_rng(seed)
    scale = 0.999 if op == "atanh" else 12.0
    x = rng.uniform(-scale, scale, (rows, cols)).astype(dtype)
    g = rng.standard_normal((max(rows, cols),) * 2).astype(dtype)
    for a, b in zip(_values_grads(torch, op, view, x, g), _values_grads(glasstorch, op, view, x, g)):
        assert_same_array(a, b, what=f"{op} {view}")


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("op", OPS)
def test_sizes_around_a_block(op, dtype):
    rng = np.random.default_rng(3)
    for n in [0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 64, 100, 4096, 4097]:
        x = rng.uniform(-0.99, 0.99, n).astype(dtype) * (1 if op == "atanh" else 10)
        assert_same_array(getattr(torch, op)(torch.from_numpy(x)),
                          getattr(glasstorch, op)(glasstorch.from_numpy(x.copy())), what=f"{op} n={n}")
    x = np.array(0.3, dtype)                                  # 0-d: the scalar loop
    assert_same_array(getattr(torch, op)(torch.from_numpy(x)), getattr(glasstorch, op)(glasstorch.from_numpy(x)))


@pytest.mark.parametrize("threads", [1, 2, 3])
@pytest.mark.parametrize("op", OPS)
def test_large_tensors_split_across_threads(op, threads):
    """Above 32768 elements torch's loop splits across threads: each chunk has its own scalar rest."""
    before = torch.get_num_threads(), glasstorch.get_num_threads()
    torch.set_num_threads(threads)
    glasstorch.set_num_threads(threads)
    try:
        for dtype in DTYPES:
            x = _random(op, dtype, 12000, threads)[:36001].reshape(-1, 1).repeat(1, 1).ravel()
            for t_view in (lambda t: t, lambda t: t.reshape(-1, 3).t()):
                assert_same_array(getattr(torch, op)(t_view(torch.from_numpy(x.copy()))),
                                  getattr(glasstorch, op)(t_view(glasstorch.from_numpy(x.copy()))),
                                  what=f"{op} {threads} threads")
    finally:
        torch.set_num_threads(before[0])
        glasstorch.set_num_threads(before[1])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("op", OPS)
def test_method_inplace_and_out(op, dtype):
    x = np.random.default_rng(4).uniform(-0.95, 0.95, (21, 30)).astype(dtype)
    res = {}
    for m in (torch, glasstorch):
        a = m.from_numpy(x.copy())
        meth = getattr(a, op)()
        inpl = m.from_numpy(x.copy())
        getattr(inpl, op + "_")()
        tr = m.from_numpy(x.copy()).t()                         # in place on a transposed tensor: its memory order
        getattr(tr, op + "_")()
        fn_inpl = m.from_numpy(x.copy())
        getattr(m, op + "_")(fn_inpl) if hasattr(m, op + "_") else getattr(fn_inpl, op + "_")()
        out = m.empty(x.shape, dtype=getattr(m, np.dtype(dtype).name))
        getattr(m, op)(a, out=out)
        out64 = m.empty(x.shape, dtype=m.float64)                # computed in the input's dtype, then cast
        getattr(m, op)(a, out=out64)
        res[m] = [meth, inpl, tr, fn_inpl, out, out64]
    for a, b in zip(res[torch], res[glasstorch]):
        assert_same_array(a, b, what=op)


@pytest.mark.parametrize("op", OPS)
def test_integer_inputs(op):
    """Integers are computed in float32: a cast copy, then the same loop."""
    rng = np.random.default_rng(5)
    lo, hi = (-1, 2) if op == "atanh" else (-30, 31)
    for x, view in ((rng.integers(lo, hi, 37), lambda t: t), (rng.integers(lo, hi, (6, 40)), lambda t: t[:, ::3]),
                    (rng.integers(lo, hi, (33, 17)), lambda t: t.t())):
        assert_same_array(getattr(torch, op)(view(torch.from_numpy(x.copy()))),
                          getattr(glasstorch, op)(view(glasstorch.from_numpy(x.copy()))), what=op)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("op", OPS)
def test_grads_special_values(op, dtype):
    x = np.resize(_special(dtype), 16 * 9 + 5)
    g = np.random.default_rng(6).standard_normal(x.shape).astype(dtype)
    a, b = _values_grads(torch, op, "contiguous", x, g), _values_grads(glasstorch, op, "contiguous", x, g)
    for u, v in zip(a, b):
        assert np.array_equal(np.isnan(u), np.isnan(v)), op
        assert_same_array(u[~np.isnan(u)], v[~np.isnan(v)], what=op)


@pytest.mark.parametrize("op", OPS)
def test_gradcheck_float64(op):
    x = np.random.default_rng(7).uniform(-0.9, 0.9, (5, 19))
    t = glasstorch.from_numpy(x).requires_grad_(True)
    assert gradcheck(getattr(glasstorch, op), (t,), eps=1e-6, atol=1e-5, rtol=1e-4)
    tt = glasstorch.from_numpy(x.copy()).t().requires_grad_(True)
    assert gradcheck(lambda v: getattr(glasstorch, op)(v) * 2, (tt,), eps=1e-6, atol=1e-5, rtol=1e-4)


def test_exp2_backward_order():
    """exp2's derivative is derivatives.yaml's ``grad * result * M_LN2`` left to right."""
    rng = np.random.default_rng(8)
    for dtype in DTYPES:
        x = rng.uniform(-10, 10, 4000).astype(dtype)
        g = rng.standard_normal(4000).astype(dtype)
        t = glasstorch.from_numpy(x).requires_grad_(True)
        y = glasstorch.exp2(t)
        y.backward(glasstorch.from_numpy(g))
        assert _bits(t.grad.numpy()) == _bits((g * y.detach().numpy()) * dtype(math.log(2)))


# ---- hypot, float64: SLEEF's hypotd4_u05 in the vector blocks (ops/_sleef_hypotd.py; 0.6% were off) ----
@pytest.mark.parametrize("layout", ["contiguous", "transposed", "broadcast_row", "number", "strided"])
@settings(max_examples=6, deadline=None)
@given(rows=st.integers(1, 30), cols=st.integers(1, 50), scale=st.sampled_from([1e-300, 1e-3, 1.0, 1e5, 1e300]),
       seed=st.integers(0, 2**31))
def test_hypot_float64_values_and_grads(layout, rows, cols, scale, seed):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((rows, cols)) * scale
    b = rng.standard_normal((rows, cols)) * scale * np.exp(rng.uniform(-5, 5, (rows, cols)))
    g = rng.standard_normal((max(rows, cols),) * 2)
    res = {}
    for m in (torch, glasstorch):
        x = m.from_numpy(a.copy()).requires_grad_(True)
        y = m.from_numpy(b.copy()).requires_grad_(True)
        if layout == "transposed":
            z = m.hypot(x.t(), y.t())
        elif layout == "broadcast_row":
            z = m.hypot(x, y[:1])
        elif layout == "number":
            z = m.hypot(x, m.tensor(scale, dtype=m.float64))
        elif layout == "strided":
            z = m.hypot(x[:, ::2], y[:, ::2])
        else:
            z = m.hypot(x, y)
        z.backward(m.from_numpy(np.ascontiguousarray(g[:z.shape[0], :z.shape[1]])))
        res[m] = [z.detach().numpy(), x.grad.numpy()] + ([] if layout == "number" else [y.grad.numpy()])
    for u, v in zip(res[torch], res[glasstorch]):
        assert_same_array(u, v, what=f"hypot {layout}")


def test_hypot_float64_special_values():
    fi = np.finfo(np.float64)
    s = np.array([0.0, -0.0, fi.tiny, -fi.tiny, fi.tiny / 4, fi.smallest_subnormal, 1.0, -3.0, 1e300, 1e-300,
                  fi.max, -fi.max, np.inf, -np.inf, np.nan])
    s = np.concatenate([s, np.nextafter(s, np.inf)])
    a, b = (v.ravel() for v in np.meshgrid(s, s))
    for shift in (0, 3):
        x, y = np.concatenate([np.ones(shift), a]), np.concatenate([np.ones(shift), b])
        want = torch.hypot(torch.from_numpy(x), torch.from_numpy(y)).numpy()
        assert _bits(want) == _bits(glasstorch.hypot(glasstorch.from_numpy(x), glasstorch.from_numpy(y)).numpy())
    x = np.random.default_rng(9).standard_normal(8 * 300) * np.exp(np.random.default_rng(10).uniform(-700, 700, 2400))
    y = x[::-1].copy()
    from glasstorch.ops._sleef_hypotd import hypotd
    assert _bits(torch.hypot(torch.from_numpy(x), torch.from_numpy(y)).numpy()) == _bits(hypotd(x, y))


# ---- lgamma: SLEEF's lgammaf8 / lgammad4_u10 at every element (ops/_sleef_lgamma.py; 1% / 40-60% were off) ----
def _lgamma_args(dtype, n, seed):
    rng = np.random.default_rng(seed)
    ints = rng.integers(-40, 40, n) + rng.choice([0, 0.5, 1e-3, -1e-3, 1e-6], n)
    big = np.exp(rng.uniform(-80, 88, n)) if dtype == np.float32 else np.exp(rng.uniform(-690, 700, n))
    x = np.concatenate([rng.uniform(-30, 30, n), rng.uniform(0, 10, n), ints, big]).astype(dtype)
    if dtype == np.float64:             # (the ranges ops/_sleef_lgamma.py takes apart: SLEEF's roundings there)
        x = np.concatenate([x, rng.uniform(1e-306, 1e-300, n) * rng.choice([-1, 1], n),
                            np.exp(rng.uniform(-706, -640, n)), np.exp(rng.uniform(620, 709.8, n))])
    fi = np.finfo(dtype)
    s = np.array([0.0, -0.0, fi.tiny, -fi.smallest_subnormal, 1e-30, 0.5, 1.0, 1.1, 1.2, 2.0, 2.3, 7.0, -1.0, -2.5,
                  1e30, fi.max, -fi.max, np.inf, -np.inf, np.nan, -np.nan], dtype)
    return np.concatenate([x, s, np.nextafter(s, dtype(np.inf)), np.nextafter(s, dtype(-np.inf))])


@pytest.mark.parametrize("dtype", DTYPES)
def test_lgamma_every_element(dtype):
    """torch's lgamma maps SLEEF's routine over every element, the last partial vector included."""
    from glasstorch.ops._sleef_lgamma import lgammad, lgammaf
    x = _lgamma_args(dtype, 5000, 11)
    want = torch.lgamma(torch.from_numpy(x)).numpy()
    assert _bits(want) == _bits((lgammaf if dtype == np.float32 else lgammad)(x))      # nans' bits included
    assert _bits(want) == _bits(glasstorch.lgamma(glasstorch.from_numpy(x.copy())).numpy())


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("view", sorted(_VIEWS))
@settings(max_examples=4, deadline=None)
@given(rows=st.integers(2, 30), cols=st.integers(2, 40), seed=st.integers(0, 2**31))
def test_lgamma_layouts_and_forms(dtype, view, rows, cols, seed):
    x = np.random.default_rng(seed).uniform(-12, 40, (rows, cols)).astype(dtype)
    res = {}
    for m in (torch, glasstorch):
        t = _VIEWS[view](m.from_numpy(x.copy()))
        inpl = _VIEWS[view](m.from_numpy(x.copy()))
        inpl.lgamma_()
        out = m.empty(t.shape, dtype=t.dtype)
        m.lgamma(t, out=out)
        res[m] = [m.lgamma(t), t.lgamma(), inpl, out, m.lgamma(t[0, 0] if t.ndim == 2 else t[0])]
    for a, b in zip(res[torch], res[glasstorch]):
        assert_same_array(a, b, what=f"lgamma {view}")


def test_lgamma_integers_and_mvlgamma():
    x = np.random.default_rng(12).integers(-3, 60, (7, 9))
    assert_same_array(torch.lgamma(torch.from_numpy(x)), glasstorch.lgamma(glasstorch.from_numpy(x)))
    for dtype in DTYPES:
        y = np.random.default_rng(13).uniform(2, 30, (5, 11)).astype(dtype)
        for p in (1, 2, 4):         # (from p = 5 torch's sum(-1) of the terms adds in another order: not lgamma's)
            assert_same_array(torch.mvlgamma(torch.from_numpy(y), p), glasstorch.mvlgamma(glasstorch.from_numpy(y), p))


@pytest.mark.parametrize("dtype", DTYPES)
def test_lgamma_grads_and_gradcheck(dtype):
    rng = np.random.default_rng(14)
    x = rng.uniform(-10, 30, (23, 19)).astype(dtype)
    g = rng.standard_normal((23, 19)).astype(dtype)
    for view in ("contiguous", "transposed"):
        grads = []
        for m in (torch, glasstorch):
            t = m.from_numpy(x.copy()).requires_grad_(True)
            y = m.lgamma(_VIEWS[view](t))
            y.backward(m.from_numpy(np.ascontiguousarray(g[:y.shape[0], :y.shape[1]] if view == "contiguous" else
                                                         g.T[:y.shape[0], :y.shape[1]])))
            grads.append(t.grad.numpy())
        assert_same_array(*grads, what=f"lgamma grad {view}")
    if dtype == np.float64:
        t = glasstorch.from_numpy(rng.uniform(0.2, 9, (4, 7))).requires_grad_(True)
        assert gradcheck(glasstorch.lgamma, (t,), eps=1e-6, atol=1e-5, rtol=1e-4)
