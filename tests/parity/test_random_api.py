"""torch's public random API against glasstorch's, byte for byte.

Each test runs one lambda ``fn(t)`` on torch and on glasstorch after the same ``manual_seed``
and compares every returned tensor's bytes, dtype and shape: torch is the only oracle.
"""
import numpy as np
import pytest
import torch

import glasstorch
from glasstorch._tensor import _wrap
from tests.parity._helpers import same_error

SEEDS = [0, 1, 7, 12345, 2 ** 32 + 3]
SIZES = [1, 5, 15, 16, 17, 20, 32, 37, 100]
DTYPES = ["float32", "float64"]


def _list(r):
    return list(r) if isinstance(r, (tuple, list)) else [r]


def _bytes(x):
    a = x.detach().numpy()
    return str(a.dtype), a.shape, np.ascontiguousarray(a).tobytes()


def same_draws(fn, seed=0):
    """fn(t) on both libraries from the same seed: identical tensors, and identical RNG state after."""
    results = {}
    for m in (torch, glasstorch):
        m.manual_seed(seed)
        results[m] = _list(fn(m)) + [m.get_rng_state()]
    for i, (a, b) in enumerate(zip(results[torch], results[glasstorch])):
        ka, kb = _bytes(a), _bytes(b)
        assert ka[:2] == kb[:2], f"output {i}: torch {ka[:2]} vs glasstorch {kb[:2]}"
        if ka[2] != kb[2]:
            va, vb = a.detach().numpy().reshape(-1), b.detach().numpy().reshape(-1)
            bad = np.flatnonzero(va != vb)
            raise AssertionError(f"output {i}: {bad.size} of {va.size} differ, first at {bad[:5]}: "
                                 f"torch {va[bad[:3]]} glasstorch {vb[bad[:3]]}")
    return results


def transposed(m, rows, cols, dtype="float32"):
    """A (rows, cols) tensor whose storage is column-major: non-contiguous."""
    if m is torch:
        return torch.empty(cols, rows, dtype=getattr(torch, dtype)).t()
    return _wrap(np.empty((cols, rows), dtype).T)


# ---------------------------------------------------------------------- uniform / normal

@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_rand_randn_sizes(seed, dtype):
    def fn(t):
        dt = getattr(t, dtype)
        out = []
        for n in SIZES:
            out += [t.rand(n, dtype=dt), t.randn(n, dtype=dt), t.randn(3, n, dtype=dt)]
        return out
    same_draws(fn, seed)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(3, 4), (20, 5), (4, 7), (16, 3)])
def test_noncontiguous_fills(dtype, shape):
    def fn(t):
        out = []
        for method, args in [("uniform_", (-2.0, 3.0)), ("normal_", (0.0, 1.0)), ("normal_", (2.5, 0.3)),
                             ("bernoulli_", (0.3,)), ("exponential_", (2.0,)), ("cauchy_", (1.0, 2.0)),
                             ("log_normal_", (0.5, 0.7)), ("geometric_", (0.3,)), ("random_", (-5, 9))]:
            x = transposed(t, *shape, dtype=dtype)
            assert getattr(x, method)(*args) is x
            out.append(x)
        return out
    for seed in SEEDS[:3]:
        same_draws(fn, seed)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", [7, 16, 33, 1000])
def test_uniform_normal_params(dtype, n):
    def fn(t):
        dt = getattr(t, dtype)
        return [t.empty(n, dtype=dt).uniform_(-1.5, 2.25), t.empty(n, dtype=dt).uniform_(0.1, 0.3),
                t.empty(n, dtype=dt).normal_(2.5, 0.3), t.empty(n, dtype=dt).normal_(-1.0, 4.0),
                t.empty(n, dtype=dt).normal_(0.0, 0.0)]
    for seed in SEEDS:
        same_draws(fn, seed)


def test_like_functions_and_dtypes():
    def fn(t):
        a = t.zeros(4, 5)
        b = t.zeros(17, dtype=t.float64)
        c = transposed(t, 6, 5)
        return [t.rand_like(a), t.randn_like(b), t.randn_like(c), t.rand_like(c), t.randn_like(a, dtype=t.float64),
                t.randint_like(a, 10), t.randint_like(b, -3, 4), t.randint_like(t.zeros(3, dtype=t.int32), 100)]
    for seed in SEEDS:
        same_draws(fn, seed)


def test_normal_overloads():
    def fn(t):
        mean = t.arange(20, dtype=t.float32) / 4
        std = t.arange(1, 21, dtype=t.float32) / 8
        return [t.normal(mean, std), t.normal(mean, 2.0), t.normal(1.5, std), t.normal(0.5, 3.0, (4, 5)),
                t.normal(mean[:5], std[:5]), t.normal(mean.double(), 0.5), t.normal(2.0, 1.0, size=(3,)),
                t.normal(mean.reshape(4, 5), std[:5]), t.normal(-1.0, 2.0, (3,), dtype=t.float64)]
    for seed in SEEDS:
        same_draws(fn, seed)


# ---------------------------------------------------------------------- integers

def test_randint_and_random_():
    def fn(t):
        return [t.randint(10, (6,)), t.randint(-5, 5, (3, 4)), t.randint(0, 2 ** 28 - 1, (9,)),
                t.randint(0, 2 ** 28, (9,)), t.randint(-2 ** 40, 2 ** 40, (17,)), t.randint(3, 10, (5,), dtype=t.int32),
                t.randint(0, 100, (5,), dtype=t.float32), t.randint(0, 100, size=(4,)),
                t.empty(20, dtype=t.int64).random_(), t.empty(20, dtype=t.int32).random_(),
                t.empty(20).random_(), t.empty(20, dtype=t.float64).random_(), t.empty(9, dtype=t.uint8).random_(),
                t.empty(8).random_(7), t.empty(8, dtype=t.int16).random_(-4, 4),
                t.empty(8, dtype=t.bool).random_()]
    for seed in SEEDS:
        same_draws(fn, seed)


@pytest.mark.parametrize("n", [0, 1, 2, 3, 16, 17, 100, 5000])
def test_randperm(n):
    def fn(t):
        return [t.randperm(n), t.randperm(n, dtype=t.float32), t.randperm(n)]
    for seed in SEEDS:
        same_draws(fn, seed)


# ---------------------------------------------------------------------- Bernoulli, multinomial, Poisson

@pytest.mark.parametrize("dtype", DTYPES)
def test_bernoulli(dtype):
    def fn(t):
        dt = getattr(t, dtype)
        probs = t.arange(37, dtype=dt) / 37
        return [t.bernoulli(probs), probs.bernoulli(), t.empty(20, dtype=dt).bernoulli_(0.3),
                t.empty(5, dtype=t.int64).bernoulli_(0.7), t.empty(37, dtype=dt).bernoulli_(probs),
                t.bernoulli(probs, 0.25), transposed(t, 4, 9, dtype).bernoulli_(0.5),
                transposed(t, 37, 1, dtype).bernoulli_(probs.reshape(37, 1)),
                t.empty(4, 3, dtype=dt).bernoulli_(t.tensor([0.1, 0.5, 0.9], dtype=dt))]
    for seed in SEEDS:
        same_draws(fn, seed)


@pytest.mark.parametrize("dtype", DTYPES)
def test_multinomial(dtype):
    def fn(t):
        dt = getattr(t, dtype)
        w = t.tensor([0.1, 2.0, 0.0, 3.0, 1.0, 0.5], dtype=dt)
        w2 = t.stack([w, w.flip(0), t.ones(6, dtype=dt)])
        return [t.multinomial(w, 1), t.multinomial(w, 4), t.multinomial(w, 20, replacement=True),
                t.multinomial(w2, 2), t.multinomial(w2, 7, True), w.multinomial(3), w2.multinomial(1, True)]
    for seed in SEEDS:
        same_draws(fn, seed)


def test_poisson():
    def fn(t):
        rates = t.tensor([0.0, 0.5, 3.0, 9.9, 10.0, 25.0, 1000.0, 1e-3])
        return [t.poisson(rates), t.poisson(rates.double()), t.rand(3), t.poisson(t.ones(2, 3) * 4)]
    for seed in SEEDS:
        same_draws(fn, seed)


def test_exponential_geometric_log_normal_cauchy():
    def fn(t):
        out = []
        for dt in (t.float32, t.float64):
            out += [t.empty(23, dtype=dt).exponential_(), t.empty(23, dtype=dt).exponential_(0.25),
                    t.empty(23, dtype=dt).geometric_(0.2), t.empty(5, dtype=t.int64).geometric_(0.7),
                    t.empty(23, dtype=dt).log_normal_(), t.empty(3, dtype=dt).log_normal_(0.0, 0.5),
                    t.empty(23, dtype=dt).cauchy_(), t.empty(23, dtype=dt).cauchy_(-1.0, 0.5)]
        return out
    for seed in SEEDS:
        same_draws(fn, seed)


# ---------------------------------------------------------------------- sequences, generators, state

def test_mixed_sequence_keeps_normal_cache():
    """An odd scalar-path normal leaves a cached sample; later scalar-path calls start with it,
    the block path neither reads nor clears it."""
    def fn(t):
        return [t.randn(5), t.rand(3), t.randn(40), t.randn(3, dtype=t.float64), t.empty(7).log_normal_(),
                transposed(t, 20, 5).normal_(), t.randint(0, 7, (5,)), t.randperm(9), t.randn(1),
                t.normal(2.0, 3.0, (3,)), t.empty(17, dtype=t.float64).normal_(1.0, 2.0), t.bernoulli(t.rand(20)),
                t.multinomial(t.rand(8), 3), t.rand(21, dtype=t.float64), t.randn(15)]
    for seed in SEEDS:
        same_draws(fn, seed)


def test_random_program():
    """A long seeded sequence of random calls in random order."""
    rng = np.random.default_rng(4)
    calls = [lambda t, n: t.rand(n), lambda t, n: t.randn(n), lambda t, n: t.randn(n, dtype=t.float64),
             lambda t, n: t.randint(-9, 9, (n,)), lambda t, n: t.randperm(n),
             lambda t, n: t.empty(n).normal_(1.0, 0.5), lambda t, n: t.empty(n, dtype=t.float64).uniform_(-1, 1),
             lambda t, n: t.empty(n).bernoulli_(0.4), lambda t, n: t.empty(n).exponential_(),
             lambda t, n: transposed(t, n, 2).normal_()]
    program = [(int(rng.integers(len(calls))), int(rng.integers(1, 40))) for _ in range(60)]
    same_draws(lambda t: [calls[i](t, n) for i, n in program], seed=99)


def test_generator_objects():
    def fn(t):
        g = t.Generator()
        assert g.initial_seed() == 67280421310721
        first = t.rand(4, generator=g)
        assert g.manual_seed(3) is g
        out = [first, t.randn(20, generator=g), t.randint(0, 5, (4,), generator=g), t.randperm(7, generator=g),
               t.empty(6).normal_(generator=g), t.bernoulli(t.rand(5), generator=g), t.normal(0.0, 1.0, (3,), generator=g),
               t.multinomial(t.ones(4), 2, generator=g), t.rand(3)]
        return out + [g.get_state()]
    same_draws(fn, seed=5)


def test_device_and_generator_attributes():
    g = glasstorch.Generator(device="cpu")
    assert str(g.device) == "cpu"
    assert glasstorch.random.default_generator is glasstorch.default_generator
    assert glasstorch.manual_seed(3) is glasstorch.default_generator
    assert glasstorch.initial_seed() == 3
    assert isinstance(glasstorch.seed(), int)
    assert glasstorch.rand(2, device="cpu").device.type == "cpu"


@pytest.mark.parametrize("seed", SEEDS)
def test_state_round_trips(seed):
    def fn(t):
        t.randn(5)                                   # leaves a cached normal in the state
        state = t.get_rng_state()
        a = [t.rand(9), t.randn(3), t.randn(33)]
        t.set_rng_state(state)
        b = [t.rand(9), t.randn(3), t.randn(33)]
        for x, y in zip(a, b):
            assert x.numpy().tobytes() == y.numpy().tobytes()
        g = t.Generator().manual_seed(seed + 1)
        t.randn(3, generator=g)
        gs = g.get_state()
        c = t.randn(7, generator=g)
        g.set_state(gs)
        assert t.randn(7, generator=g).numpy().tobytes() == c.numpy().tobytes()
        return a + [state, gs, c]
    same_draws(fn, seed)


def test_state_crosses_libraries():
    torch.manual_seed(11)
    torch.randn(3)
    glasstorch.set_rng_state(glasstorch.from_numpy(torch.get_rng_state().numpy().copy()))
    assert glasstorch.randn(41).numpy().tobytes() == torch.randn(41).numpy().tobytes()
    torch.set_rng_state(torch.from_numpy(glasstorch.get_rng_state().numpy().copy()))
    assert glasstorch.randn(3).numpy().tobytes() == torch.randn(3).numpy().tobytes()


def test_fork_rng():
    def fn(t):
        out = [t.randn(3)]
        with t.random.fork_rng():
            out.append(t.rand(10))
        out.append(t.randn(3))
        with t.random.fork_rng(enabled=False):
            out.append(t.rand(2))
        out.append(t.rand(2))
        return out
    same_draws(fn, seed=8)


def test_requires_grad_and_out():
    def fn(t):
        a = t.rand(3, 4, requires_grad=True)
        b = t.randn(17, dtype=t.float64, requires_grad=True)
        assert a.requires_grad and b.requires_grad and a.grad_fn is None
        o = t.empty(2)
        r = t.rand(5, out=o)
        assert r is o
        oi = t.empty(3, dtype=t.int64)
        t.randint(0, 9, (6,), out=oi)
        op = t.empty(0, dtype=t.int64)
        t.randperm(8, out=op)
        on = t.empty(20, dtype=t.float64)
        t.randn(20, out=on)
        return [a, b, o, oi, op, on]
    same_draws(fn, seed=2)


# ---------------------------------------------------------------------- bad input

@pytest.mark.parametrize("fn", [
    lambda t: t.randperm(-1),
    lambda t: t.randint(5, 5, (3,)),
    lambda t: t.randint(5, 3, (3,)),
    lambda t: t.rand(-1),
    lambda t: t.randn(2, -3),
    lambda t: t.multinomial(t.tensor([1.0, -1.0]), 1),
    lambda t: t.multinomial(t.tensor([0.0, 0.0]), 1),
    lambda t: t.multinomial(t.tensor([0.0, 0.0]), 2, True),
    lambda t: t.multinomial(t.tensor([1.0, -1.0]), 2, True),
    lambda t: t.multinomial(t.tensor([1.0, 1.0]), 3),
    lambda t: t.multinomial(t.tensor([1, 1]), 1),
    lambda t: t.multinomial(t.tensor(1.0), 1),
    lambda t: t.multinomial(t.ones(2, 2, 2), 1),
    lambda t: t.multinomial(t.ones(3), 0),
    lambda t: t.bernoulli(t.tensor([1.5])),
    lambda t: t.bernoulli(t.tensor([-0.5])),
    lambda t: t.bernoulli(t.ones(3, dtype=t.int64)),
    lambda t: t.empty(3).bernoulli_(1.5),
    lambda t: t.empty(3).bernoulli_(-0.1),
    lambda t: t.bernoulli(t.tensor([0.5]), 1.5),
    lambda t: t.empty(3).uniform_(2, 1),
    lambda t: t.empty(3).normal_(0, -1),
    lambda t: t.normal(0.0, -1.0, (3,)),
    lambda t: t.normal(t.zeros(3), -2.0),
    lambda t: t.normal(t.zeros(3), t.tensor([-1.0, 1.0, 1.0])),
    lambda t: t.normal(t.zeros(3), t.ones(4)),
    lambda t: t.empty(3).exponential_(-1),
    lambda t: t.empty(3, dtype=t.int64).exponential_(),
    lambda t: t.empty(3).geometric_(1.5),
    lambda t: t.empty(3).geometric_(0),
    lambda t: t.empty(3).log_normal_(0, -1),
    lambda t: t.empty(3, dtype=t.int64).normal_(),
    lambda t: t.empty(3, dtype=t.int64).uniform_(),
    lambda t: t.rand(3, dtype=t.int64),
    lambda t: t.randn(3, dtype=t.int32),
    lambda t: t.rand_like(t.zeros(3, dtype=t.int64)),
    lambda t: t.rand(3, device="cuda"),
    lambda t: t.poisson(t.tensor([-1.0])),
    lambda t: t.empty(3).random_(5, 2),
    lambda t: t.randint(0, 10, (3,), requires_grad=True),
    lambda t: t.randperm(5, requires_grad=True),
    lambda t: t.empty(4, requires_grad=True).normal_(),
    lambda t: t.empty(4, requires_grad=True).uniform_(),
    lambda t: t.Generator().set_state(t.zeros(5056)),
    lambda t: t.set_rng_state(t.zeros(5056)),
    lambda t: t.set_rng_state(t.zeros(10, dtype=t.uint8)),
])
def test_bad_input(fn):
    same_error(fn)


def test_errors_leave_the_stream_alone():
    def fn(t):
        for bad in (lambda: t.randint(3, 3, (2,)), lambda: t.randperm(-2), lambda: t.empty(2).uniform_(1, 0),
                    lambda: t.randint(0, 3, (2,), requires_grad=True)):
            with pytest.raises(Exception):
                bad()
        return [t.rand(3)]
    same_draws(fn, seed=4)
