"""``add(x, s, alpha)`` with a scalar ``other`` (a number, a 0-d tensor, a stride-0 broadcast): torch
fuses ``x + alpha*s`` in blocks of two vectors but leaves part of each inner loop's tail unfused
(glasstorch/ops/_scalar_tail.py).  Results compare byte for byte with torch, at 1 and 2 threads
(torch cuts numel >= 32768 into chunks, each with its own tail).  Also addcmul / addcdiv / lerp with
0-d operands (fmadd(value*t1, t2, self); self + (value*t1)/t2; no unfused tail in either).
"""
import contextlib

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from glasstorch.autograd.gradcheck import gradcheck
from ._helpers import MODS, same_error, same_on_both

SIZES = [0, 1, 2, 3, 5, 8, 13, 15, 16, 17, 29, 31, 33, 100, 32767, 32768, 32769, 70001, 98313]
DTYPES = [np.float32, np.float64]


@contextlib.contextmanager
def threads(n):
    old_t, old_g = torch.get_num_threads(), glasstorch.get_num_threads()
    torch.set_num_threads(n)
    glasstorch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(old_t)
        glasstorch.set_num_threads(old_g)


def bytes_on_both(fn, arrays):
    """``fn(mod, *tensors)`` on both: the same dtype, shape, strides and bytes."""
    outs = {}
    for m in MODS:
        ins = [m.from_numpy(np.array(a, copy=True)) if isinstance(a, np.ndarray) else a for a in arrays]
        outs[m] = fn(m, *ins)
    t, g = outs[torch], outs[glasstorch]
    assert str(t.dtype) == str(g.dtype) and tuple(t.shape) == tuple(g.shape)
    if t.numel():
        assert tuple(t.stride()) == tuple(g.stride()), (t.stride(), g.stride())
    tb, gb = t.numpy(), g.numpy()
    bad = np.flatnonzero(tb.reshape(-1) != gb.reshape(-1))
    assert tb.tobytes() == gb.tobytes(), f"{bad.size} elements differ, first at {bad[:12]}"


def hard(dt):
    """alpha = other = 1 + 2**-t, self = -1: fused and unfused differ at every element (the product's
    last bit is a tie that rounds away), so a wrongly placed unfused element cannot go unnoticed."""
    return 1.0 + 2.0 ** (-12 if dt == np.float32 else -27)


OPS = {
    "add": lambda m, x, s, a: m.add(x, s, alpha=a),
    "sub": lambda m, x, s, a: m.sub(x, s, alpha=-a),
    "method": lambda m, x, s, a: x.add(s, alpha=a),
    "add_": lambda m, x, s, a: x.add_(s, alpha=a),
    "sub_": lambda m, x, s, a: x.sub_(s, alpha=-a),
    "rsub": lambda m, x, s, a: m.rsub(x, s, alpha=a),           # the number is `self`: all fused
}


def operand(kind, v, dt):
    if kind == "number":
        return v
    if kind == "0d":
        return np.array(v, dt)
    if kind == "0d64":                          # a float64 0-d tensor next to a float32 one: cast first
        return np.array(v, np.float64)
    return np.array([v], dt)                    # shape (1,), broadcast: stride 0 along the loop


@settings(max_examples=60)
@given(n=st.sampled_from(SIZES), dt=st.sampled_from(DTYPES), op=st.sampled_from(sorted(OPS)),
       kind=st.sampled_from(["number", "0d", "0d64", "one"]), nthreads=st.sampled_from([1, 2]),
       worst=st.booleans(), seed=st.integers(0, 2 ** 16))
def test_1d(n, dt, op, kind, nthreads, worst, seed):
    rng = np.random.default_rng(seed)
    if worst:
        x, v, a = -np.ones(n, dt), hard(dt), hard(dt)
    else:
        x, v, a = rng.standard_normal(n).astype(dt), float(rng.standard_normal()), float(rng.uniform(-2, 2))
    s = operand(kind, v, dt)
    fn = OPS[op]
    with threads(nthreads):
        bytes_on_both(lambda m, x, s: fn(m, x, s, a), [x, s])


@pytest.mark.parametrize("nthreads", [1, 2])
@pytest.mark.parametrize("dt", DTYPES)
def test_every_tail_length(dt, nthreads):
    """Every tail r = n % block in one go, worst-case values: each element's fused/unfused choice."""
    with threads(nthreads):
        for n in list(range(1, 50)) + [32768 + 37, 2 * 32768 + 13]:
            x = -np.ones(n, dt)
            bytes_on_both(lambda m, x: m.add(x, hard(dt), alpha=hard(dt)), [x])
            bytes_on_both(lambda m, x, s: m.sub(x, s, alpha=-hard(dt)), [x, np.array(hard(dt), dt)])


# layouts: the inner loop is a row of the coalesced dims; vectorized only with self and out
# contiguous along it (strided or self-broadcast rows: every element fused)
LAYOUTS = {
    "2d": lambda x: x,
    "transposed": lambda x: x.transpose(0, -1),
    "narrow": lambda x: x[..., 1:],
    "step": lambda x: x[..., ::2],
    "expand_row": lambda x: x[:1].expand(x.shape),
    "expand_col": lambda x: x[..., :1].expand(x.shape),
    "permuted": lambda x: x.permute(*range(x.dim() - 1, -1, -1)) if x.dim() > 2 else x.t(),
}
SHAPES = [(3, 29), (7, 13), (2, 3, 29), (4, 17, 3), (3000, 29), (5, 14001), (2, 35001)]


@settings(max_examples=60)
@given(shape=st.sampled_from(SHAPES), layout=st.sampled_from(sorted(LAYOUTS)), dt=st.sampled_from(DTYPES),
       inplace=st.booleans(), nthreads=st.sampled_from([1, 2]), worst=st.booleans())
def test_layouts(shape, layout, dt, inplace, nthreads, worst):
    rng = np.random.default_rng(len(shape) * 7 + shape[-1])
    x = -np.ones(shape, dt) if worst else rng.standard_normal(shape).astype(dt)
    v = hard(dt) if worst else 0.7
    view = LAYOUTS[layout]
    if inplace and layout.startswith("expand"):
        view = LAYOUTS["narrow"]
    with threads(nthreads):
        if inplace:
            bytes_on_both(lambda m, x: view(x).add_(v, alpha=v), [x])
        else:
            bytes_on_both(lambda m, x: m.add(view(x), v, alpha=v), [x])
            bytes_on_both(lambda m, x, s: m.sub(view(x), s, alpha=-v), [x, np.array(v, dt)])


@settings(max_examples=30)
@given(shape=st.sampled_from([(3, 29), (3000, 13), (5, 7001), (2, 3, 29)]), dt=st.sampled_from(DTYPES),
       how=st.sampled_from(["col", "col_expanded", "col_inplace", "row"]), nthreads=st.sampled_from([1, 2]))
def test_broadcast_operand(shape, dt, how, nthreads):
    """``other`` of shape (..., 1): a scalar along each row, so each row has its own tail; a broadcast
    row (1, n) varies along the loop: all fused."""
    x = -np.ones(shape, dt)
    v = hard(dt)
    c = np.full(shape[:-1] + (1,), v, dt) if how != "row" else np.full((1,) * (len(shape) - 1) + shape[-1:], v, dt)
    with threads(nthreads):
        if how == "col_expanded":
            bytes_on_both(lambda m, x, c: m.add(x, c.expand(x.shape), alpha=v), [x, c])
        elif how == "col_inplace":
            bytes_on_both(lambda m, x, c: x.add_(c, alpha=v), [x, c])
        else:
            bytes_on_both(lambda m, x, c: m.add(x, c, alpha=v), [x, c])


@pytest.mark.parametrize("dt", DTYPES)
def test_out_layouts(dt):
    """``out=``: the given output's layout drives torch's loop (rows of a non-dense out, a transposed
    out iterated in its own order)."""
    x = -np.ones((3, 29), dt)
    v = hard(dt)
    outs = {"dense": lambda m: m.empty(3, 29, dtype=x_dt(m, dt)),
            "narrow": lambda m: m.empty(3, 40, dtype=x_dt(m, dt))[:, :29],
            "transposed": lambda m: m.empty(29, 3, dtype=x_dt(m, dt)).t()}
    for make_out in outs.values():
        bytes_on_both(lambda m, x: m.add(x, v, alpha=v, out=make_out(m)), [x])
        bytes_on_both(lambda m, x: m.sub(x.t(), m.tensor(v, dtype=x_dt(m, dt)), alpha=-v, out=make_out(m).t()), [x])


def x_dt(m, dt):
    return m.float32 if dt == np.float32 else m.float64


def test_scalar_self_fused():
    """``self`` the scalar (``sub(0-d, x)``, ``add(0-d, x)``, ``rsub(x, number)``): every element fused."""
    for dt in DTYPES:
        x = np.full(29, hard(dt), dt)
        bytes_on_both(lambda m, x, s: m.sub(s, x, alpha=-hard(dt)), [x, np.array(-1.0, dt)])
        bytes_on_both(lambda m, x, s: m.add(s, x, alpha=hard(dt)), [x, np.array(-1.0, dt)])
        bytes_on_both(lambda m, x: m.rsub(x, -1.0, alpha=-hard(dt)), [x])


def test_mixed_dtypes():
    rng = np.random.default_rng(3)
    x32 = rng.standard_normal(29).astype(np.float32)
    bytes_on_both(lambda m, x, s: m.add(x, s, alpha=0.1), [x32, np.array(0.3, np.float64)])
    bytes_on_both(lambda m, x: m.add(x, 0.30000000000000004, alpha=0.1), [x32])    # the number rounds first
    bytes_on_both(lambda m, x: m.add(x, 0.3, alpha=0.1), [rng.integers(-9, 9, 29)])   # int -> float32
    bytes_on_both(lambda m, x: m.add(x, 0.3, alpha=0.1), [rng.integers(-9, 9, 29).astype(np.int32)])
    bytes_on_both(lambda m, x, s: m.sub(x, s, alpha=3), [rng.integers(-9, 9, 29), np.array(2)])


def test_errors():
    ints = np.arange(29)
    same_error(lambda m: m.add(m.from_numpy(ints.copy()), 2, alpha=0.5))
    same_error(lambda m: m.sub(m.from_numpy(ints.copy()), m.tensor(2), alpha=0.5))
    same_error(lambda m: m.from_numpy(ints.copy()).add_(2, alpha=0.5))
    same_error(lambda m: m.add(m.ones(29), 2.0, alpha=True))


# ---- addcmul / addcdiv / lerp: same values with full and 0-d operands, every tail length ----------
TERNARY = {
    "addcmul": lambda m, x, a, b: m.addcmul(x, a, b, value=0.3),
    "addcmul1": lambda m, x, a, b: m.addcmul(x, a, b),
    "addcdiv": lambda m, x, a, b: m.addcdiv(x, a, b, value=0.3),
    "addcmul_": lambda m, x, a, b: x.addcmul_(a, b, value=-1.7),
    "addcdiv_": lambda m, x, a, b: x.addcdiv_(a, b, value=-1.7),
    "lerp": lambda m, x, a, b: m.lerp(x, a, 0.3),
    "lerp_high": lambda m, x, a, b: m.lerp(x, a, 0.8),
    "lerp_w": lambda m, x, a, b: m.lerp(x, a.expand(x.shape), b),
}


@settings(max_examples=60)
@given(op=st.sampled_from(sorted(TERNARY)), dt=st.sampled_from(DTYPES), n=st.sampled_from(SIZES[:14]),
       scalar=st.sampled_from(["none", "t1", "t2", "both"]), seed=st.integers(0, 2 ** 16))
def test_ternary(op, dt, n, scalar, seed):
    rng = np.random.default_rng(seed)
    x, a, b = (rng.standard_normal(n).astype(dt) for _ in range(3))
    b = np.abs(b) + dt(0.25)
    if scalar in ("t1", "both"):
        a = a[:1].reshape(()) if n else np.array(0.5, dt)
    if scalar in ("t2", "both") or op == "lerp_w":
        b = b[:1].reshape(()) if n else np.array(0.5, dt)
    bytes_on_both(TERNARY[op], [x, a, b])


def test_ternary_grads():
    """Gradients through the 0-d operands (summed over the broadcast), on both libraries."""
    rng = np.random.default_rng(0)
    x, a = rng.standard_normal(29), rng.standard_normal(29)
    s = np.array(1.3)
    same_on_both(lambda m, x, a, s: m.addcmul(x, a, s, value=0.3), [x, a, s])
    same_on_both(lambda m, x, a, s: m.addcdiv(x, a, s, value=0.3), [x, a, s])
    same_on_both(lambda m, x, s: m.add(x, s, alpha=0.3), [x, s])
    same_on_both(lambda m, x, s: m.sub(x, s, alpha=0.3), [x, s])


def _g(*shape, seed=0):
    return glasstorch.tensor(np.random.default_rng(seed).uniform(0.5, 1.5, shape), requires_grad=True)


@pytest.mark.parametrize("name,fn,shapes", [
    ("add_scalar_tensor", lambda x, s: glasstorch.add(x, s, alpha=0.3), [(29,), ()]),
    ("sub_scalar_tensor", lambda x, s: glasstorch.sub(x, s, alpha=-1.7), [(29,), ()]),
    ("rsub_number", lambda x: glasstorch.rsub(x, 2.0, alpha=0.3), [(29,)]),
    ("addcmul_0d", lambda x, a, s: glasstorch.addcmul(x, a, s, value=0.3), [(17,), (17,), ()]),
    ("addcdiv_0d", lambda x, s, b: glasstorch.addcdiv(x, s, b, value=0.3), [(17,), (), (17,)]),
])
def test_gradcheck(name, fn, shapes):
    inputs = [_g(*sh, seed=i) for i, sh in enumerate(shapes)]
    assert gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-4), name
