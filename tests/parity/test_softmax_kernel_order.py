"""softmax / log_softmax along the last dim, bit for bit with torch's CPU kernels (float32), and the
CTC loss in float32.

Fixed in glasstorch:
- float32 softmax and log_softmax along the last dim differed from torch in the last bit in up to
  half of the elements: torch's kernels call SLEEF's exp (not the MKL exp of ``torch.exp``) and add
  each row in AVX2 lane order. Now ``ops/_sleef_expf.py`` and ``ops/_softmax_order.py`` model both,
  and both backwards (log_softmax's ``g - exp(y) * sum`` fused into one FMA, as GCC compiles it);
  float64 rows are summed in the 4-lane order.
- softmax along another dim divides each item by the sum, as torch's kernel (was: times the
  reciprocal).
- ``ctc_loss`` computed its float32 loss in float64 and rounded it once; torch runs the alpha
  recursion in float32 (exp and log of glibc), so ~1 loss in 2 differed in the last bit (a printed
  ``5.8801`` for torch's ``5.8800``). Targets whose lengths are all 0 crashed with an IndexError.
"""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from glasstorch.ops import _sleef_expf
from tests.parity._helpers import MODS, assert_same_array, values_and_grads


@settings(max_examples=40)
@given(rows=st.integers(1, 9), n=st.integers(1, 70), scale=st.sampled_from([0.5, 2.0, 8.0]),
       seed=st.integers(0, 10 ** 6), fn=st.sampled_from(["softmax", "log_softmax"]))
def test_last_dim_float32_bit_for_bit(rows, n, scale, seed, fn):
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal((rows, n)) * scale).astype(np.float32)
    g = rng.standard_normal((rows, n)).astype(np.float32)
    (yt, gt_), (yg, gg) = values_and_grads(lambda m, a: getattr(a, fn)(-1), x, g)
    _same_row_values(fn, yt, yg)
    _same_row_values(fn, gt_, gg, atol=1e-6)


def _same_row_values(fn, yt, yg, atol=1e-30):
    """softmax: bit for bit; log_softmax: its log(sum) is SLEEF's logf in torch, which this port rounds
    correctly instead (they differ by an ulp in ~0.5% of rows; its gradient takes exp of those)."""
    if fn == "softmax":
        assert_same_array(yt, yg, what=fn)
    else:
        assert_same_array(yt, yg, rtol=2.5e-7, atol=atol, what=fn)


@pytest.mark.parametrize("shape", [(3, 2, 1000), (2, 4, 5, 17), (64, 10), (1, 8), (7,)])
def test_last_dim_float32_through_functional_and_cross_entropy(shape):
    rng = np.random.default_rng(1)
    x = (rng.standard_normal(shape) * 3).astype(np.float32)
    g = rng.standard_normal(shape).astype(np.float32)
    for name, fn in (("softmax", lambda m, a: m.nn.functional.softmax(a, dim=-1)),
                     ("log_softmax", lambda m, a: m.log_softmax(a, -1)),
                     ("softmax", lambda m, a: m.nn.Softmax(dim=len(shape) - 1)(a))):
        (yt, gt_), (yg, gg) = values_and_grads(fn, x, g)
        _same_row_values(name, yt, yg)
        _same_row_values(name, gt_, gg, atol=1e-6)
    if len(shape) == 2:
        y = rng.integers(0, shape[1], shape[0])
        res = []
        for m in MODS:
            a = m.from_numpy(x.copy()).requires_grad_(True)
            loss = m.nn.functional.cross_entropy(a, m.from_numpy(y))
            loss.backward()
            res.append((loss.detach().numpy(), a.grad.numpy().copy()))
        assert_same_array(res[0][0], res[1][0], rtol=2.5e-7, atol=0, what="loss")
        assert_same_array(res[0][1], res[1][1], rtol=1e-6, atol=1e-9, what="loss gradient")


@pytest.mark.parametrize("threads", [1, 2])
def test_other_dim_vector_groups_and_division(threads):
    """Over a middle dim torch divides each item by the sum, and takes SLEEF's exp in groups of 8
    inner positions that fit in a row and a thread's chunk, glibc's for the rest."""
    before = (torch.get_num_threads(), glasstorch.get_num_threads())
    torch.set_num_threads(threads)
    glasstorch.set_num_threads(threads)
    try:
        rng = np.random.default_rng(2)
        for shape, dim in [((5, 2, 3), 0), ((6, 7), 0), ((64, 10), 0), ((8, 3, 4, 4), 1), ((2, 5, 20), 1),
                           ((3, 7, 9, 9), 1), ((6, 40, 13), 1)]:
            x = (rng.standard_normal(shape) * 2).astype(np.float32)
            outs = [m.from_numpy(x.copy()).softmax(dim).numpy() for m in MODS]
            assert_same_array(outs[0], outs[1], what=f"softmax of {shape} over dim {dim}")
    finally:
        torch.set_num_threads(before[0])
        glasstorch.set_num_threads(before[1])


def test_float64_rows_close_and_lane_summed():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((16, 37)) * 3
    g = rng.standard_normal((16, 37))
    for fn in ("softmax", "log_softmax"):
        (yt, gt_), (yg, gg) = values_and_grads(lambda m, a: getattr(a, fn)(-1), x, g)
        assert_same_array(yt, yg, rtol=1e-15, atol=1e-300)
        assert_same_array(gt_, gg, rtol=1e-13, atol=1e-18)


def test_sleef_expf_matches_torchs_softmax_exp():
    """A row (0, d) has softmax (1 / (1 + e), e / (1 + e)) with e = exp(d) from SLEEF; the special
    arguments (0, -0, tiny, the underflow edges, -inf, nan) included."""
    d = -np.random.default_rng(4).uniform(0, 110, 20000).astype(np.float32)
    d = np.concatenate([d, np.array([0, -0.0, -1e-30, -87.3, -88.7, -103.97, -104, -104.01, -np.inf, np.nan],
                                    np.float32)])
    x = np.stack([np.zeros_like(d), d], 1)
    t = torch.from_numpy(x.copy()).softmax(-1).numpy()
    e = _sleef_expf.expf(d)
    mine = np.stack([np.float32(1) / (np.float32(1) + e), e * (np.float32(1) / (np.float32(1) + e))], 1)
    nan = np.isnan(d)
    assert np.isnan(t[nan]).all() and np.isnan(mine[nan]).all()      # (a NaN's sign bit is the CPU's)
    assert_same_array(t[~nan], mine[~nan])


def test_sleef_expf_exact_path_agrees(monkeypatch):
    """Where a float64 sum lands on a float32 halfway point the element is redone with exact
    rounding; flag every element to run that path, and it must give the same values."""
    x = np.random.default_rng(5).uniform(-30, 5, 5000).astype(np.float32)
    fast = _sleef_expf.expf(x)
    monkeypatch.setattr(_sleef_expf, "_LOW29", np.uint64(0))
    monkeypatch.setattr(_sleef_expf, "_TIE", np.uint64(0))
    assert_same_array(fast, _sleef_expf.expf(x))


@settings(max_examples=40)
@given(seed=st.integers(0, 10 ** 6), reduction=st.sampled_from(["none", "sum", "mean"]))
def test_ctc_loss_float32_bit_for_bit(seed, reduction):
    rng = np.random.default_rng(seed)
    T, N, C = int(rng.integers(1, 12)), int(rng.integers(1, 4)), int(rng.integers(2, 6))
    S = int(rng.integers(0, min(T, 5) + 1))
    lp0 = (rng.standard_normal((T, N, C)) * 2).astype(np.float32)
    lp0 = lp0 - np.log(np.exp(lp0.astype(np.float64)).sum(2, keepdims=True)).astype(np.float32)
    tg = rng.integers(1, C, (N, max(S, 1)))
    il = rng.integers(max(1, S), T + 1, N)
    tl = rng.integers(0, S + 1, N)
    outs = []
    for m in MODS:
        lp = m.from_numpy(lp0.copy()).requires_grad_(True)
        loss = m.nn.functional.ctc_loss(lp, m.from_numpy(tg), m.from_numpy(il), m.from_numpy(tl), reduction=reduction)
        loss.sum().backward()
        outs.append((loss.detach().numpy().copy(), lp.grad.numpy().copy()))
    assert_same_array(outs[0][0], outs[1][0], what="loss")
    assert_same_array(outs[0][1], outs[1][1], rtol=2e-5, atol=2e-6, what="gradient")


def test_ctc_loss_with_only_empty_targets():
    lp0 = np.log(np.full((4, 2, 3), 1 / 3, np.float32))
    outs = [m.nn.functional.ctc_loss(m.from_numpy(lp0.copy()), m.zeros(2, 1, dtype=m.long), [4, 3], [0, 0],
                                     reduction="none") for m in MODS]
    assert_same_array(outs[0], outs[1])


def test_glasstorch_is_the_module_under_test():
    assert MODS[1] is glasstorch


@pytest.mark.parametrize("threads", [1, 2])
def test_softmax_backward_one_and_two_threads(threads):
    """softmax's backward sums g * y with its leftover lanes fused into an FMA where torch runs the rows
    in the caller's thread (one thread, or one row), unfused inside its OpenMP region."""
    before = (torch.get_num_threads(), glasstorch.get_num_threads())
    torch.set_num_threads(threads)
    glasstorch.set_num_threads(threads)
    try:
        rng = np.random.default_rng(threads)
        for rows, n in [(1, 12), (5, 12), (3, 37), (1, 70), (6, 23), (2, 8), (4, 5)]:
            x = (rng.standard_normal((rows, n)) * 2).astype(np.float32)
            g = rng.standard_normal((rows, n)).astype(np.float32)
            (yt, gt_), (yg, gg) = values_and_grads(lambda m, a: a.softmax(-1), x, g)
            assert_same_array(yt, yg)
            assert_same_array(gt_, gg, what=f"gradient, {rows} rows of {n}")
    finally:
        torch.set_num_threads(before[0])
        glasstorch.set_num_threads(before[1])
