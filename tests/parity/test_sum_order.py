"""Whole-tensor sums and means add float32/float64 numbers in torch's order (ops/_sum_order.py), so
their last bit, and with it what ``.item()`` prints, is torch's.  Every expectation is torch's own
result at test time, compared bit for bit."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from glasstorch.ops import _sum_order
from tests.parity._helpers import MODS, assert_same_array

_LENGTHS = st.one_of(st.integers(0, 80), st.integers(81, 5000), st.sampled_from([511, 512, 513, 4095, 4096, 4097]))


def _same_reduction(fn, a):
    """``fn(module, x)`` on both libraries: the same bits, grad_fn name and gradient of its sum."""
    res = {}
    for m in MODS:
        x = m.from_numpy(a.copy()).requires_grad_(True)
        r = fn(m, x)
        r.sum().backward()
        res[m] = (r, type(r.grad_fn).__name__, x.grad)
    assert_same_array(res[torch][0], res[glasstorch][0])
    assert res[torch][1] == res[glasstorch][1]
    assert_same_array(res[torch][2], res[glasstorch][2])


def _values(seed, n, dtype):
    """Values of mixed signs and magnitudes: the order of the additions shows in the last bit."""
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(n) * 10.0 ** rng.uniform(-3, 3, n)).astype(dtype)


@settings(max_examples=120, deadline=None)
@given(n=_LENGTHS, dtype=st.sampled_from(["float32", "float64"]), seed=st.integers(0, 2**32 - 1))
def test_sum_and_mean_of_a_vector(n, dtype, seed):
    a = _values(seed, n, dtype)
    for fn in (lambda x: x.sum(), lambda x: x.mean(), lambda x: x.sum().item(), lambda x: str(x.sum().item())):
        got = fn(glasstorch.from_numpy(a.copy()))
        want = fn(torch.from_numpy(a.copy()))
        if isinstance(want, torch.Tensor):
            assert_same_array(want, got)
        else:
            assert got == want or (got != got and want != want)


@pytest.mark.parametrize("n", [32767, 32768, 40000, 65537, 300_001])
@pytest.mark.parametrize("threads", [1, 2, 3])
def test_large_sums_split_over_threads_as_torch(n, threads):
    """From 32768 elements torch gives each thread a chunk: the order depends on the thread count."""
    a = _values(n, n, "float32")
    before = torch.get_num_threads(), glasstorch.get_num_threads()
    try:
        torch.set_num_threads(threads)
        glasstorch.set_num_threads(threads)
        want = torch.from_numpy(a).sum()
        got = glasstorch.from_numpy(a).sum()
    finally:
        torch.set_num_threads(before[0])
        glasstorch.set_num_threads(before[1])
    assert_same_array(want, got)


@pytest.mark.parametrize("make", [
    lambda m, a: m.from_numpy(a).reshape(6, 7, 9),
    lambda m, a: m.from_numpy(a).reshape(6, 7, 9).transpose(0, 2),
    lambda m, a: m.from_numpy(a).reshape(42, 9).t(),
    lambda m, a: m.from_numpy(a).reshape(6, 7, 9).permute(2, 0, 1),
    lambda m, a: m.from_numpy(a).reshape(378, 1).expand(378, 1),
])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_whole_sums_of_views_follow_memory_order(make, dtype):
    """torch walks a permuted tensor in memory order; so does glasstorch."""
    a = _values(7, 378, dtype)
    for fn in (lambda x: x.sum(), lambda x: x.mean(), lambda x: torch_or_gt(x).sum(x)):
        res = {m: fn(make(m, a)) for m in MODS}
        assert_same_array(res[torch], res[glasstorch])


def torch_or_gt(x):
    return torch if isinstance(x, torch.Tensor) else glasstorch


def test_strided_views_sum_within_rounding():
    """A strided slice (not a permutation of a dense block) keeps NumPy's order: equal within rounding."""
    a = _values(3, 4000, "float32")
    res = {m: m.from_numpy(a)[::3].sum() for m in MODS}
    assert_same_array(res[torch], res[glasstorch], rtol=1e-6, atol=1e-4)


@settings(max_examples=60, deadline=None)
@given(shape=st.sampled_from([(5,), (64,), (3, 7), (16, 10), (2, 3, 50), (700,)]),
       loss=st.sampled_from(["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss"]),
       reduction=st.sampled_from(["mean", "sum"]), dtype=st.sampled_from(["float32", "float64"]),
       seed=st.integers(0, 2**32 - 1))
def test_pointwise_loss_reductions(shape, loss, reduction, dtype, seed):
    rng = np.random.default_rng(seed)
    x, y = rng.standard_normal(shape).astype(dtype), rng.standard_normal(shape).astype(dtype)
    res = {m: getattr(m.nn.functional, loss)(m.from_numpy(x.copy()), m.from_numpy(y.copy()), reduction=reduction)
           for m in MODS}
    assert_same_array(res[torch], res[glasstorch])


def test_signed_zeros_and_specials():
    for vals in ([-0.0], [-0.0, -0.0], [-0.0] * 9, [1e30, -1e30, 3.0], [float("inf"), 1.0], [float("nan"), 1.0],
                 [3.4e38, 3.4e38], [1.0] * 17 + [1e-8] * 40):
        for dt in ("float32", "float64"):
            a = np.array(vals, dt)
            res = {m: (m.from_numpy(a.copy()).sum(), m.from_numpy(a.copy()).mean()) for m in MODS}
            assert_same_array(res[torch][0], res[glasstorch][0])
            assert_same_array(res[torch][1], res[glasstorch][1])


@settings(max_examples=40, deadline=None)
@given(rows=st.integers(1, 9), n=st.integers(1, 1200), dtype=st.sampled_from(["float32", "float64"]),
       seed=st.integers(0, 2**32 - 1))
def test_row_sums_building_block(rows, n, dtype, seed):
    """The row sums the whole-tensor sum is built from, many rows at once: torch's sum over the last dim."""
    a = np.stack([_values(seed + i, n, dtype) for i in range(rows)])
    want = torch.from_numpy(a).sum(1).numpy()
    assert _sum_order.inner_sums(a).tobytes() == want.tobytes()


@pytest.mark.parametrize("fn", [
    lambda m, x: x.sum(0), lambda m, x: x.sum(-1, keepdim=True), lambda m, x: m.sum(x, dim=0),
    lambda m, x: x.mean(0), lambda m, x: x.mean(-1, keepdim=True),
    lambda m, x: x.reshape(30, 37).sum((0, 1)), lambda m, x: x.reshape(30, 37).sum(dim=[1, 0], keepdim=True),
    lambda m, x: x.reshape(5, 6, 37).mean((0, 1, 2)), lambda m, x: x.reshape(30, 37).t().sum((0, 1)),
])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_sums_over_every_dim_are_whole_sums(fn, dtype):
    """A vector's x.sum(0), or a sum over all dims, is a whole-tensor sum in torch: the same bits,
    shape and grad_fn."""
    a = _values(11, 1110, dtype)
    _same_reduction(fn, a)


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 3000), dtype=st.sampled_from(["float32", "float64"]), seed=st.integers(0, 2**32 - 1),
       how=st.sampled_from(["dot", "matmul", "operator", "grad"]))
def test_dot_of_vectors_is_mkls(n, dtype, seed, how):
    """torch.dot (and ``@``/matmul of two vectors, which is dot) adds as MKL does: bit for bit."""
    a, b = _values(seed, n, dtype), _values(seed + 1, n, dtype)
    res = {}
    for m in MODS:
        x, y = m.from_numpy(a.copy()), m.from_numpy(b.copy())
        if how == "grad":
            x.requires_grad_(True)
        res[m] = {"dot": lambda: m.dot(x, y), "matmul": lambda: m.matmul(x, y), "operator": lambda: x @ y,
                  "grad": lambda: x @ y}[how]()
        assert type(res[m].grad_fn).__name__ == ("DotBackward0" if how == "grad" else "NoneType")
    assert_same_array(res[torch], res[glasstorch])


def test_dot_of_unaligned_views_within_rounding():
    """A view starting off a 16-byte boundary takes another MKL path, not modelled: within rounding."""
    a = _values(5, 1001, "float32")
    res = {m: m.dot(m.from_numpy(a)[1:], m.from_numpy(a)[:-1]) for m in MODS}
    assert_same_array(res[torch], res[glasstorch], rtol=1e-5, atol=1e-3)


def test_matmul_of_vectors_raises_dots_errors():
    from tests.parity._helpers import same_error
    same_error(lambda m: m.ones(3) @ m.ones(3, dtype=m.float64))
    same_error(lambda m: m.ones(3, requires_grad=True) @ m.ones(4))
    same_error(lambda m: m.matmul(m.ones(3), m.ones(3, dtype=m.float64)))


@settings(max_examples=60, deadline=None)
@given(n=st.one_of(st.integers(0, 300), st.sampled_from([1000, 4096, 32768, 40001])),
       dtype=st.sampled_from(["float32", "float64"]), seed=st.integers(0, 2**32 - 1), grad=st.booleans())
def test_whole_products(n, dtype, seed, grad):
    """x.prod() multiplies as torch's vectorised reduction does: bit for bit (values near 1 keep the
    product finite), with ProdBackward0's gradient."""
    a = (1 + np.random.default_rng(seed).standard_normal(n) * 1e-3).astype(dtype)
    res = {}
    for m in MODS:
        x = m.from_numpy(a.copy()).requires_grad_(grad)
        r = x.prod()
        if grad:
            r.backward()
        res[m] = (r, x.grad)
    assert_same_array(res[torch][0], res[glasstorch][0])
    if grad:
        assert_same_array(res[torch][1], res[glasstorch][1], rtol=1e-5 if dtype == "float32" else 1e-12)


@pytest.mark.parametrize("vals", [[0.0, 2.0, 0.0, 3.0], [0.0, 2.0, 1.5, 3.0], [1.1] * 40, [2.0, -0.5, 3.0]])
def test_product_gradients_follow_torchs_rules(vals):
    """prod's backward: g * (y / x) without zeros (its rounding), all zeros with two zeros, the others'
    product with one; for a whole product and along a dim."""
    a = np.array(vals, np.float32)
    # a product along a dim keeps NumPy's order (like sums over dims): its y, and so y / x, within rounding
    for fn, tol in ((lambda x: x.prod(), 0), (lambda x: x.reshape(-1, 1).prod(1).sum(), 0),
                    (lambda x: x.reshape(1, -1).prod(1).sum(), 1e-6)):
        res = {}
        for m in MODS:
            x = m.from_numpy(a.copy()).requires_grad_(True)
            fn(x).backward()
            res[m] = x.grad
        assert_same_array(res[torch], res[glasstorch], rtol=tol)


@settings(max_examples=60, deadline=None)
@given(n=st.integers(2, 7), lead=st.sampled_from([(1,), (5,), (2, 3), (40,)]), dtype=st.sampled_from(["float32", "float64"]),
       how=st.sampled_from(["sum", "sum_keep", "mean", "torch.sum", "mean_keep"]), seed=st.integers(0, 2**32 - 1))
def test_short_rows_sum_in_torchs_scalar_order(n, lead, dtype, how, seed):
    """Rows shorter than one AVX2 vector (8 float32, 4 float64) are summed by torch's scalar code; their
    sums and means over the last dim are torch's bit for bit (a softmax's rows summing to 1.0000 or 1.)."""
    if dtype == "float64":
        n = 2 + n % 2
    a = _values(seed, int(np.prod(lead)) * n, dtype).reshape(lead + (n,))
    fn = {"sum": lambda m, x: x.sum(-1), "sum_keep": lambda m, x: x.sum(x.dim() - 1, keepdim=True),
          "mean": lambda m, x: x.mean(-1), "torch.sum": lambda m, x: m.sum(x, dim=-1),
          "mean_keep": lambda m, x: x.mean(-1, keepdim=True)}[how]
    _same_reduction(fn, a)


@settings(max_examples=60, deadline=None)
@given(n=_LENGTHS, dtype=st.sampled_from(["float32", "float64"]), seed=st.integers(0, 2**32 - 1),
       how=st.sampled_from(["col", "col_keep", "mid", "mean", "dims"]))
def test_sums_whose_kept_dims_have_size_one_are_whole_sums(n, dtype, seed, how):
    """An (n, 1) column summed over dim 0 (and the like) takes in every element: torch drops the
    size-1 dims and adds in the order of ``x.sum()``."""
    a = _values(seed, n, dtype)
    fn = {"col": lambda m, x: x.view(-1, 1).sum(0), "col_keep": lambda m, x: x.view(-1, 1).sum(0, keepdim=True),
          "mid": lambda m, x: x.view(1, -1, 1).sum(1), "mean": lambda m, x: x.view(-1, 1).mean(0),
          "dims": lambda m, x: x.view(1, -1, 1).sum((0, 1))}[how]
    _same_reduction(fn, a)


@settings(max_examples=60, deadline=None)
@given(n=_LENGTHS, dtype=st.sampled_from(["float32", "float64"]), seed=st.integers(0, 2**32 - 1),
       shape=st.sampled_from([(-1,), (-1, 1), (1, -1)]), wshape=st.sampled_from([(1,), (1, 1), ()]))
def test_gradient_of_a_broadcast_scalar_weight_is_a_whole_sum(n, dtype, seed, shape, wshape):
    """``y = w * x + b`` with a one-element ``w``: backward sums the batch down to one number, in the
    order of a whole sum, so a printed ``w.grad.item()`` (and the trained ``w``) is torch's."""
    if len(wshape) > len(shape):
        wshape = wshape[:len(shape)]
    a = _values(seed, max(n, 2), dtype)
    grads = []
    for m in MODS:
        x = m.from_numpy(a.copy()).view(*shape)
        w = m.ones(wshape, dtype=x.dtype, requires_grad=True)
        b = m.zeros(wshape, dtype=x.dtype, requires_grad=True)
        ((w * x + b) * x).sum().backward()
        grads.append((w.grad, b.grad))
    for want, got in zip(*grads):
        assert_same_array(want, got)


@settings(max_examples=80, deadline=None)
@given(n=st.integers(2, 3000), c=st.integers(2, 80), dtype=st.sampled_from(["float32", "float64"]),
       seed=st.integers(0, 2**32 - 1), how=st.sampled_from(["sum0", "keep", "mean0", "lead2", "neg"]))
def test_sums_over_leading_dims_in_torchs_outer_order(n, c, dtype, seed, how):
    """``x.sum(0)`` of a batch (and over leading dims, and ``mean(0)``): each column summed in torch's
    outer-reduction order, so the bits are torch's."""
    a = _values(seed, n * c, dtype).reshape(n, c)
    fn = {"sum0": lambda m, x: x.sum(0), "keep": lambda m, x: x.sum(0, keepdim=True),
          "mean0": lambda m, x: x.mean(0), "neg": lambda m, x: x.sum(-2),
          "lead2": lambda m, x: x.view(1, n, c).sum((0, 1))}[how]
    _same_reduction(fn, a)


@settings(max_examples=60, deadline=None)
@given(n=st.integers(2, 600), c=st.integers(2, 40), dtype=st.sampled_from(["float32", "float64"]),
       seed=st.integers(0, 2**32 - 1))
def test_a_bias_gradient_is_summed_as_x_sum_0(n, c, dtype, seed):
    """The gradient of a bias broadcast over a batch is torch's bit for bit, and equal to the same
    batch summed by hand with ``sum(0)`` -- as a backprop-by-hand exercise checks ("exact: True")."""
    a = _values(seed, n * c, dtype).reshape(n, c)
    out = []
    for m in MODS:
        x = m.from_numpy(a.copy())
        b = m.zeros(c, dtype=x.dtype, requires_grad=True)
        ((x + b) * x).sum().backward()
        out.append(b.grad)
        assert bool((b.grad == x.sum(0)).all())
    assert_same_array(out[0], out[1])


@settings(max_examples=80, deadline=None)
@given(k=st.integers(1, 3000), m=st.integers(1, 6), p=st.integers(1, 40), dtype=st.sampled_from(["float32", "float64"]),
       seed=st.integers(0, 2**32 - 1))
def test_small_products_of_a_transposed_view_in_mkls_order(k, m, p, dtype, seed):
    """``g.t() @ x`` (a linear layer's weight gradient) for the small result shapes where torch's MKL
    adds a plain running sum (ops/_gemm_order.py): torch's bits, through mm, @ and a Linear's backward."""
    from glasstorch.ops._gemm_order import _sequential
    if not _sequential(m, p, np.dtype(dtype)):
        p = 1
    rng = np.random.default_rng(seed)
    g = rng.standard_normal((k, m)).astype(dtype)
    x = rng.standard_normal((k, p)).astype(dtype)
    got = {}
    for mod in MODS:
        lin = mod.nn.Linear(p, m, dtype=getattr(mod, dtype))
        lin(mod.from_numpy(x)).backward(mod.from_numpy(g))
        got[mod] = (mod.from_numpy(g).t().mm(mod.from_numpy(x)), mod.from_numpy(g).t() @ mod.from_numpy(x),
                    lin.weight.grad)
    for want, have in zip(got[torch], got[glasstorch]):
        assert_same_array(want, have)


@settings(max_examples=40, deadline=None)
@given(rows=st.integers(1, 40), n=st.integers(2, 700), dt=st.sampled_from(["float32", "float64"]),
       seed=st.integers(0, 2**31), keepdim=st.booleans(), how=st.sampled_from(["method", "function", "mean"]))
def test_last_dim_rows_in_torch_order(rows, n, dt, seed, keepdim, how):
    """x.sum(-1) / torch.sum(x, -1) / x.mean(-1) on a contiguous float tensor with rows of any length
    add each row in torch's order (four vector accumulators, then the lanes in turn), so that
    ``probs.sum(1)`` prints what torch prints and a hand-written gradient equals autograd's (the engine
    sums a gradient broadcast along trailing dims the same way)."""
    xs = np.random.default_rng(seed).standard_normal((rows, n)) * 3

    def run(m):
        x = m.tensor(xs, dtype=getattr(m, dt))
        if how == "method":
            return x.sum(-1, keepdim=keepdim)
        if how == "function":
            return m.sum(x, 1, keepdim=keepdim)
        return x.mean(1, keepdim=keepdim)
    a, b = run(torch), run(glasstorch)
    assert a.shape == tuple(b.shape)
    assert np.array_equal(a.numpy(), b.numpy())


@pytest.mark.parametrize("n", [8, 13, 32, 40, 64, 100, 256, 300])
@pytest.mark.parametrize("dt", ["float32", "float64"])
def test_last_dim_rows_with_signed_zeros_and_specials(n, dt):
    """Rows of -0.0 sum to +0.0 in torch (its scalar starts at +0), an inf or a nan anywhere in a row
    carries through, and the other rows keep their own order."""
    rng = np.random.default_rng(n)
    xs = rng.standard_normal((6, n))
    xs[0] = -0.0
    xs[1, ::3] = -0.0
    xs[2, n // 2] = np.inf
    xs[3, n - 1] = np.nan
    xs[4, 0], xs[4, n - 1] = np.inf, -np.inf
    got = {m: m.tensor(xs, dtype=getattr(m, dt)).sum(-1).numpy() for m in MODS}
    assert got[torch].tobytes() == got[glasstorch].tobytes()


@settings(max_examples=40, deadline=None)
@given(lead=st.lists(st.integers(1, 6), min_size=1, max_size=2), tail=st.lists(st.integers(1, 9), min_size=2, max_size=3),
       dt=st.sampled_from(["float32", "float64"]), how=st.sampled_from(["sum", "mean", "mean_keep", "pool"]),
       seed=st.integers(0, 2**31))
def test_sums_over_trailing_dims_in_torch_order(lead, tail, dt, how, seed):
    """x.sum((-2, -1)) / x.mean(...) over the trailing dims of a contiguous tensor: torch coalesces them
    into one row per output and adds it as a last-dim row (a global average pool, adaptive_avg_pool2d(x, 1),
    is such a mean)."""
    shape = tuple(lead) + tuple(tail)
    xs = np.random.default_rng(seed).standard_normal(shape) * 3
    dims = tuple(range(len(lead), len(shape)))

    def run(m):
        x = m.tensor(xs, dtype=getattr(m, dt))
        if how == "sum":
            return x.sum(dims)
        if how == "mean":
            return x.mean(dims)
        if how == "mean_keep":
            return torch.mean(x, dims, keepdim=True) if m is torch else m.mean(x, dims, keepdim=True)
        return m.nn.functional.adaptive_avg_pool2d(x.reshape(-1, 1, *xs.shape[-2:]), 1)
    a, b = run(torch), run(glasstorch)
    assert tuple(a.shape) == tuple(b.shape)
    assert np.array_equal(a.numpy(), b.numpy())
