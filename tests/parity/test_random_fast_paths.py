"""The chunked, multi-threaded block path of ``normal_`` and the vectorised ``randperm``
against torch, byte for byte, at the sizes where their pieces meet: the 16-value blocks and the
redrawn last block, the chunk edges of each dtype, the size where threads start, and the edges
of randperm's small-n loop and of its blocks of positions."""

import numpy as np
import pytest
import torch

import glasstorch
from glasstorch import _rng_extra, _rng_normal, _runtime
from glasstorch._generator import Generator

F32_CHUNK, F64_CHUNK, PAR = _rng_normal._F32_CHUNK, _rng_normal._F64_CHUNK, _rng_normal._PARALLEL_MIN
FLOATS = [(torch.float32, np.float32), (torch.float64, np.float64)]


def same(t, a):
    b = t.numpy()
    assert a.dtype == b.dtype and a.shape == b.shape, (a.dtype, b.dtype, a.shape, b.shape)
    if a.tobytes() != b.tobytes():
        bad = np.flatnonzero(a.reshape(-1) != b.reshape(-1))
        raise AssertionError(f"{bad.size} of {a.size} differ, first at {bad[:5]}")


@pytest.fixture(params=[1, 4, 9], ids=lambda k: f"{k}threads")
def threads(request, monkeypatch):
    monkeypatch.setattr(_runtime, "get_num_threads", lambda: request.param)
    return request.param


NORMAL_SIZES = [15, 16, 17, 31, 32, 33, F64_CHUNK - 1, F64_CHUNK + 17, F32_CHUNK + 33,
                PAR - 1, PAR + 16, 4 * F32_CHUNK + 33, 1_000_003]  # (threads take chunks of 2 * F32_CHUNK)


@pytest.mark.parametrize("dt", FLOATS, ids=["float32", "float64"])
def test_randn_sizes_one_stream(dt, threads):
    """Every size in turn from one seeded stream (so each call also starts mid-stream)."""
    torch.manual_seed(3)
    g = Generator().manual_seed(3)
    for n in NORMAL_SIZES:
        same(torch.randn(n, dtype=dt[0]), g.normal(n, dt[1]))
    same(torch.rand(5), g.uniform(5))                    # and the stream ends in the same place


@pytest.mark.parametrize("dt", FLOATS, ids=["float32", "float64"])
@pytest.mark.parametrize("mean, std", [(2.0, 3.0), (0.0, 0.5), (-1.0, 1.0)])
def test_normal_mean_std_large(dt, mean, std, threads):
    torch.manual_seed(11)
    g = Generator().manual_seed(11)
    n = PAR + 9
    same(torch.empty(n, dtype=dt[0]).normal_(mean, std), g.normal(n, dt[1], mean, std))


@pytest.mark.parametrize("dt", ["float32", "float64"])
def test_public_randn_with_generator_objects(dt, threads):
    """torch.randn / glasstorch.randn with explicit generators, and the default one after
    manual_seed, interleaved."""
    tg, gg = torch.Generator().manual_seed(5), glasstorch.Generator().manual_seed(5)
    torch.manual_seed(9)
    glasstorch.manual_seed(9)
    for n in (17, PAR + 5, 33):
        a = torch.randn(n, generator=tg, dtype=getattr(torch, dt))
        b = glasstorch.randn(n, generator=gg, dtype=getattr(glasstorch, dt))
        same(a, b.numpy())
        same(torch.randn(2, n, dtype=getattr(torch, dt)),
             glasstorch.randn(2, n, dtype=getattr(glasstorch, dt)).numpy())
    same(torch.get_rng_state(), glasstorch.get_rng_state().numpy())


def test_threads_do_not_change_values(monkeypatch):
    outs = []
    for k in (1, 4, 6):
        monkeypatch.setattr(_runtime, "get_num_threads", lambda k=k: k)
        g = Generator(21)
        outs.append(g.normal(3 * F32_CHUNK + 7).tobytes() + g.normal(PAR + 1, np.float64).tobytes())
    assert outs[0] == outs[1] == outs[2]


PERM_SIZES = [0, 1, 2, _rng_extra._SMALL_PERM, _rng_extra._SMALL_PERM + 1, 5000, (1 << 14) - 1,
              1 << 14, (1 << 14) + 1, 64 * (1 << 14) + 3, 1_000_003]


def test_randperm_sizes_one_stream():
    torch.manual_seed(4)
    g = Generator().manual_seed(4)
    for n in PERM_SIZES:
        same(torch.randperm(n), g.randperm(n))
    same(torch.rand(5), g.uniform(5))


@pytest.mark.parametrize("seed", [0, 99, 2 ** 32 + 1])
def test_randperm_generator_objects(seed):
    tg, gg = torch.Generator().manual_seed(seed), glasstorch.Generator().manual_seed(seed)
    for n in (3000, 200_001):
        same(torch.randperm(n, generator=tg), glasstorch.randperm(n, generator=gg).numpy())
    same(tg.get_state(), gg.get_state().numpy())


def test_apply_swaps_against_the_loop():
    """The vectorised replay equals the plain swap loop, also for targets that are not
    uniform (long chains of steps hitting the same positions)."""
    rng = np.random.default_rng(0)
    for n in (1100, 3000, 40_000):
        i = np.arange(n - 1)
        for targets in (i + rng.integers(0, n - i), np.maximum(i, n - 1 - rng.integers(0, 3, n - 1)),
                        i + (rng.random(n - 1) < 0.5), i.copy()):
            r = list(range(n))
            for a, t in enumerate(targets.tolist()):
                r[a], r[t] = r[t], r[a]
            got = _rng_extra.apply_swaps(targets.astype(np.uint64), n)
            assert got.dtype == np.int64 and got.tolist() == r


@pytest.mark.parametrize("log", ["math", "long double"])
def test_libm_fallback_matches_torch(monkeypatch, log):
    """Where NumPy's log / cos / sin differ from the C library (some SIMD builds), ``_libm``
    falls back to Python's math module element by element (or, for log, to logl checked
    against halfway points): still torch's numbers."""
    import math
    funcs = {name: _rng_normal._elementwise_call(getattr(math, name))
             for name in ("log", "log1p", "cos", "sin", "tan", "exp")}
    if log == "long double":
        funcs["log"] = _rng_normal._log_via_long_double
    monkeypatch.setattr(_rng_normal._libm, "_funcs", funcs)
    torch.manual_seed(6)
    g = Generator().manual_seed(6)
    for n in (5, 33, 4099):
        same(torch.randn(n, dtype=torch.float64), g.normal(n, np.float64))
        same(torch.empty(n).exponential_(2.0), g.exponential(n, np.float32, 2.0))


def test_log_via_long_double_is_the_c_librarys():
    import math
    rng = np.random.default_rng(1)
    for x in (1.0 - rng.random(300_000), rng.random(300_000) ** 9,
              np.array([1.0, 0.5, 0.25, 2.0 ** -53, 1e-300, 3.0, 1e300])):
        want = np.array([math.log(v) for v in x.tolist()])
        assert _rng_normal._log_via_long_double(x).tobytes() == want.tobytes()


@pytest.mark.parametrize("dt", FLOATS, ids=["float32", "float64"])
@pytest.mark.parametrize("mean", [0.0, -0.0])
@pytest.mark.parametrize("std", [0.0, 1.0, 2.0])
def test_normal_signed_zeros(dt, mean, std):
    """fma(v, std, mean) keeps IEEE's zero signs: -0 + -0 is -0, -0 + +0 is +0. Both paths,
    and (float32, seed 12) element 411,302, whose radius is -0 (its uniform is 0)."""
    for n in (2, 5, 33, 411_400 if dt[1] is np.float32 else 40):
        torch.manual_seed(12)
        g = Generator().manual_seed(12)
        same(torch.empty(n, dtype=dt[0]).normal_(mean, std), g.normal(n, dt[1], mean, std))
