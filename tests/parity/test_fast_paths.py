"""The shortcuts that keep small programs fast, held to torch and to the general code they skip.

- One-value float ops (0-d tensors and Python numbers) computed in Python floats and rounded once:
  bit-identical to torch on values chosen to catch double rounding, subnormals and overflow.
- The engine's fast path (no hooks, one root): the same gradients, bit for bit, as the general
  walk and as torch on random graphs, and the same leaves written when a backward fails midway.
"""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from glasstorch.autograd.graph import WATCHERS
from tests.parity._helpers import MODS, assert_same_array, to_np

_F32_TRICKY = [0.0, -0.0, 1.0, -1.5, 3.0, 4.0, 15.0, 0.1, 1e-45, 1.1754942e-38, 3.4028235e38, -3.4028235e38,
               16777217.0, 1.0000001, 0.99999994, float("inf"), float("-inf"), float("nan"), 2.5e-39, 6e37]
_NUMBERS = [2, 15, -3, 0, 16777217, 2**40, 0.1, -0.0, 1e-40, 3e38, 1e39, float("nan"), float("inf"), True]

_OPS = {
    "mul": lambda a, b: a * b, "rmul": lambda a, b: b * a, "add": lambda a, b: a + b,
    "radd": lambda a, b: b + a, "sub": lambda a, b: a - b, "rsub": lambda a, b: b - a,
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("op", sorted(_OPS))
def test_one_value_ops_match_torch_bitwise(op, dtype):
    fn = _OPS[op]
    rng = np.random.default_rng(1)
    values = _F32_TRICKY + list(rng.standard_normal(30) * 10.0 ** rng.integers(-40, 38, 30))
    others = [("tensor", v) for v in values[:14]] + [("number", v) for v in _NUMBERS + values[-5:]]
    for x in values:
        for kind, v in others:
            if v is True and "sub" in op:          # torch refuses bool subtraction (tested elsewhere)
                continue
            res = {}
            for m in MODS:
                dt = getattr(m, dtype)
                res[m] = fn(m.tensor(x, dtype=dt), m.tensor(v, dtype=dt) if kind == "tensor" else v)
            assert_same_array(res[torch], res[glasstorch], what=f"{op}({x!r}, {kind} {v!r}) {dtype}")


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_square_of_one_value_matches_torch(dtype):
    for x in _F32_TRICKY + [1.0000001, 1e-23, 1.8446743e19, 3e19, 1e-30]:
        res = {m: m.tensor(x, dtype=getattr(m, dtype), requires_grad=True) ** 2 for m in MODS}
        assert_same_array(res[torch], res[glasstorch], what=f"{x!r} ** 2")
        assert type(res[glasstorch].grad_fn).__name__ == "PowBackward0"


@settings(max_examples=150, deadline=None)
@given(st.floats(width=32, allow_nan=True, allow_infinity=True),
       st.floats(width=32, allow_nan=True, allow_infinity=True),
       st.one_of(st.floats(allow_nan=False), st.integers(-2**30, 2**30)))
def test_one_value_chain_matches_torch(x, y, c):
    """``(c - x * y) ** 2 + x`` on 0-d float32 tensors: every step bit-identical, gradients too."""
    res = {}
    for m in MODS:
        a = m.tensor(x, requires_grad=True)
        b = m.tensor(y, requires_grad=True)
        loss = (c - a * b) ** 2 + a - c
        loss.backward()
        res[m] = (loss, a.grad, b.grad)
    for t, g in zip(res[torch], res[glasstorch]):
        assert_same_array(t, g)


# ---- the engine's fast path ----------------------------------------------------------------------
def _random_graph(m, seed, dtype):
    """A random graph over three leaves: broadcasting, reuse, multi-output ops and dropped outputs."""
    rng = np.random.default_rng(seed)
    leaves = [m.tensor(rng.standard_normal(s).astype(dtype), requires_grad=True)
              for s in [(3, 4), (4,), (1, 4)]]
    pool = list(leaves)
    for _ in range(int(rng.integers(3, 12))):
        k = int(rng.integers(0, 7))
        a = pool[int(rng.integers(len(pool)))]
        b = pool[int(rng.integers(len(pool)))]
        if k == 0:
            pool.append(a * b)
        elif k == 1:
            pool.append(a + b * 0.5)
        elif k == 2:
            pool.append(a.tanh())
        elif k == 3:
            pool.append(a.sum(dim=-1, keepdim=True) - b)
        elif k == 4:
            parts = (a * 1.5).unbind(-1)
            pool.append(parts[0].unsqueeze(-1) * parts[-1].unsqueeze(-1) + b)
        elif k == 5:
            pool.append(a.max(dim=-1, keepdim=True).values * b)
        else:
            pool.append((a - b) ** 2)
    loss = sum((p.sum() for p in pool[3:]), leaves[0].sum() * 0.0)
    return leaves, loss


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("seed", range(25))
def test_fast_engine_matches_general_engine_and_torch(seed, dtype):
    got = {}
    for mode in ("fast", "general"):
        WATCHERS[0] += mode == "general"        # any registered hook sends backward the general way
        try:
            leaves, loss = _random_graph(glasstorch, seed, dtype)
            loss.backward()
        finally:
            WATCHERS[0] -= mode == "general"
        got[mode] = [x.grad for x in leaves]
    tl, tloss = _random_graph(torch, seed, dtype)
    tloss.backward()
    for t, f, g in zip(tl, got["fast"], got["general"]):
        assert (t.grad is None) == (f is None) == (g is None)
        if f is None:
            continue
        assert_same_array(g, f, what="fast path vs general engine")
        assert_same_array(t.grad, f, rtol=1e-5 if dtype is np.float32 else 1e-12, atol=1e-6, what="vs torch")


def _fails_midway(m):
    """A graph whose backward raises at ExpBackward0 (its saved result was changed in place) after
    the nodes created later have run: leaf ``c`` is complete by then, ``a`` and ``b`` are not."""
    a = m.tensor([1.0, 2.0], requires_grad=True)
    b = m.tensor([0.5, -1.0], requires_grad=True)
    c = m.tensor([3.0, 4.0], requires_grad=True)
    x = a * 2
    y = b.exp()
    z = x + y
    w = c * 3 + b
    loss = (z * w).sum()
    with m.no_grad():
        y.add_(1)
    return (a, b, c), loss


@pytest.mark.parametrize("general", [False, True])
def test_failed_backward_writes_the_leaves_torch_writes(general):
    res = {}
    for m in MODS:
        WATCHERS[0] += general and m is glasstorch
        try:
            leaves, loss = _fails_midway(m)
            with pytest.raises(RuntimeError) as err:
                loss.backward()
        finally:
            WATCHERS[0] -= general and m is glasstorch
        res[m] = ([None if x.grad is None else to_np(x.grad) for x in leaves], str(err.value))
    (tg, tmsg), (gg, gmsg) = res[torch], res[glasstorch]
    assert [g is None for g in tg] == [g is None for g in gg], (tg, gg)
    for t, g in zip(tg, gg):
        if t is not None:
            np.testing.assert_array_equal(g, t)
    assert gmsg.split(";")[0].split(":")[0] == tmsg.split(";")[0].split(":")[0]


def test_hooks_switch_the_fast_path_off_and_back_on():
    before = WATCHERS[0]
    a = glasstorch.tensor(2.0, requires_grad=True)
    seen = []
    h = a.register_hook(lambda g: seen.append(float(g)))
    assert WATCHERS[0] == before + 1
    (a * 3).backward()
    h.remove()
    h.remove()                         # a second remove changes nothing
    assert WATCHERS[0] == before and seen == [3.0]
    (a * 3).backward()
    assert seen == [3.0] and float(a.grad) == 6.0


# ---- two float tensors of one dtype: straight to NumPy (ops._common.float_arrays) -----------------
_SHAPES = [(), (1,), (3,), (2, 3), (1, 3), (2, 1), (4, 2, 3), (0, 3), (3, 0)]


@settings(max_examples=60, deadline=None)
@given(sa=st.sampled_from(_SHAPES), sb=st.sampled_from(_SHAPES), dtype=st.sampled_from(["float32", "float64"]),
       op=st.sampled_from(["add", "sub", "mul", "div"]), grad=st.booleans(), seed=st.integers(0, 2**16))
def test_float_tensor_pairs(sa, sb, dtype, op, grad, seed):
    """Values, dtype and shape bit for bit, torch's broadcast error, the node names, and gradients."""
    rng = np.random.default_rng(seed)
    a = rng.standard_normal(sa).astype(dtype)
    b = (rng.standard_normal(sb) + 0.5).astype(dtype)
    res = {}
    for m in MODS:
        x, y = m.tensor(a, requires_grad=grad), m.tensor(b)
        try:
            z = {"add": x + y, "sub": x - y, "mul": x * y, "div": x / y}[op]
        except RuntimeError as e:
            res[m] = str(e)
            continue
        names = type(z.grad_fn).__name__ if grad else None
        if grad and z.numel():
            z.sum().backward()
        res[m] = (to_np(z), names, to_np(x.grad) if x.grad is not None else None)
    t, g = res[torch], res[glasstorch]
    if isinstance(t, str):
        assert g == t
        return
    assert_same_array(t[0], g[0])
    assert t[1] == g[1]
    if t[2] is not None:     # a broadcast operand's gradient is a sum: its order is the engine's,
        # and terms that cancel leave a few ulps of the largest term on a small total
        scale = float(np.abs(t[2]).max()) if t[2].size else 0.0
        assert_same_array(t[2], g[2], rtol=1e-6 if dtype == "float32" else 1e-14,
                          atol=scale * (1e-6 if dtype == "float32" else 1e-14))


@pytest.mark.parametrize("k", [1, 7, 100, 2000])
def test_fused_add_alpha_on_float32_halfway_points(k):
    """add(c, y, alpha=x) in float32 is one fused multiply-add in torch. Here x*y = 2**-24 (1 - k**2 2**-46)
    and each c has an odd last bit, so the float64 sum c + x*y lands exactly on a float32 halfway point
    having lost its last bits: rounding that double again would go up to the even neighbour; the fused
    result stays at c. Random values, subnormal c's and a tensor past the threaded size ride along."""
    rng = np.random.default_rng(k)
    x = float(np.float32(2.0 ** -24 * (1 + 2.0 ** -23 * k)))
    odd = (1 + 2.0 ** -23 * (2 * rng.integers(0, 2 ** 20, 3000) + 1)).astype(np.float32)
    c = np.concatenate([odd, (rng.standard_normal(3000) * 1e-40).astype(np.float32),
                        rng.standard_normal(300_000).astype(np.float32)])
    y = np.concatenate([np.full(3000, 1 - 2.0 ** -23 * k, np.float32),
                        rng.standard_normal(303_000).astype(np.float32) * np.float32(2.0 ** -100)])
    y[6000:] *= np.float32(2.0 ** 100)
    want = torch.add(torch.from_numpy(c), torch.from_numpy(y), alpha=x).numpy()
    got = glasstorch.add(glasstorch.from_numpy(c), glasstorch.from_numpy(y), alpha=x).numpy()
    assert (want[:3000] == odd).all()                  # torch fuses: the halfway sums round back to c
    assert got.tobytes() == want.tobytes()


# ---- the operators' own shortcut (ops._common.fast_operator) and x.sum(dim) on floats ---------------
@pytest.mark.parametrize("mode", ["grad", "no_grad", "inference_mode"])
@pytest.mark.parametrize("size", [6, 300_000])
def test_operators_keep_torch_flags(mode, size):
    """``a * b`` and friends on plain float tensors: bits, dtype, requires_grad, grad_fn and is_inference
    as torch, for a small pair (the shortcut) and one past the threaded size (the general op)."""
    rng = np.random.default_rng(size)
    a, b = rng.standard_normal(size).astype(np.float32), rng.standard_normal(size).astype(np.float32) + 3
    res = {}
    for m in MODS:
        x, y = m.from_numpy(a.copy()), m.from_numpy(b.copy())
        ctx = {"grad": m.enable_grad, "no_grad": m.no_grad, "inference_mode": m.inference_mode}[mode]()
        with ctx:
            outs = [x + y, x - y, x * y, x / y, (x * y + y) * x - y]
        res[m] = [(to_np(o), o.requires_grad, o.grad_fn, o.is_inference()) for o in outs]
    for t, g in zip(res[torch], res[glasstorch]):
        assert_same_array(t[0], g[0])
        assert t[1:] == g[1:]


@settings(max_examples=60, deadline=None)
@given(shape=st.sampled_from([(5,), (3, 4), (2, 3, 4), (1, 7), (0, 3)]), dim=st.integers(-3, 2),
       keepdim=st.booleans(), dtype=st.sampled_from(["float32", "float64"]), grad=st.booleans(),
       seed=st.integers(0, 2**16))
def test_sum_over_one_dim(shape, dim, keepdim, dtype, grad, seed):
    """``x.sum(dim, keepdim)`` with an int dim: values (within rounding), shape, torch's IndexError,
    SumBackward1 and gradients."""
    a = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
    res = {}
    for m in MODS:
        x = m.tensor(a, requires_grad=grad)
        try:
            z = x.sum(dim, keepdim)
        except IndexError as e:
            res[m] = str(e)
            continue
        if grad:
            (z * m.arange(z.numel(), dtype=z.dtype).reshape(z.shape)).sum().backward()
        res[m] = (to_np(z), type(z.grad_fn).__name__, to_np(x.grad) if grad else None)
    t, g = res[torch], res[glasstorch]
    if isinstance(t, str):
        assert g == t
        return
    # NumPy's pairwise sum adds in another order than torch's cascade (docs/differences.md)
    assert_same_array(t[0], g[0], rtol=1e-6 if dtype == "float32" else 1e-15, atol=1e-6)
    assert t[1] == g[1]
    if grad:
        assert_same_array(t[2], g[2])
