"""layer_norm bit for bit against torch's CPU kernels (torch computes the expectation at test time).

The fix: F.layer_norm / nn.LayerNorm of float32 and float64 inputs used to be textbook NumPy (mean,
then the mean of squared deviations), so about a third of the outputs and most gradient elements
differed from torch's in the last bits.  glasstorch/nn/_ops/layer_norm_cpu.py now reproduces torch's
AVX2 kernels operation for operation: RowwiseMoments (Welford per vector lane in chunks of 16
vectors, a cascade over the chunks, the scalar tail, the lanes merged one by one), the output's
fused multiply-add, the backward's per-row vector reductions (ds, db) and its a/b/c formula, and
the weight and bias gradients summed per thread (rows split as at::parallel_for splits them) and
then over the threads.  native_layer_norm's mean and rstd are torch's too.

Compared bit for bit: outputs, grad_input, grad_weight, grad_bias, float32 and float64, with and
without weight and bias, normalized_shape of one to three dims, rows shorter than, equal to and
longer than a vector and the 16-vector chunks, 1 to 4 threads, non-contiguous inputs, rows of
constants, zeros and large offsets.  Not compared: the sign bit of NaN results (rows holding inf or
NaN), which follows the compiled instructions' operand order.
"""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from tests.parity._helpers import assert_same_array, same_on_both

LENGTHS = (1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 64, 100, 127, 128, 129, 255, 257, 300, 768, 1000)


def _np(dtype):
    return np.float32 if dtype == "float32" else np.float64


def _ln(ns, has_w, has_b, eps=1e-5):
    """The lambda for same_on_both: inputs x, then the weight and bias that are present."""
    def fn(m, x, *p):
        p = list(p)
        w = p.pop(0) if has_w else None
        b = p.pop(0) if has_b else None
        return m.nn.functional.layer_norm(x, ns, w, b, eps)
    return fn


def _arrays(rng, lead, ns, dt, has_w, has_b, scale=1.0, offset=0.0):
    x = (rng.standard_normal(tuple(lead) + tuple(ns)) * scale + offset).astype(dt)
    out = [x]
    if has_w:
        out.append(rng.standard_normal(ns).astype(dt))
    if has_b:
        out.append(rng.standard_normal(ns).astype(dt))
    return out


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("n", LENGTHS)
@pytest.mark.parametrize("affine", ["none", "weight", "bias", "both"])
def test_rows_of_every_length(dtype, n, affine):
    has_w, has_b = affine in ("weight", "both"), affine in ("bias", "both")
    rng = np.random.default_rng(n)
    same_on_both(_ln((n,), has_w, has_b), _arrays(rng, (6,), (n,), _np(dtype), has_w, has_b, 3.0, 1.5), seed=n)


@settings(max_examples=40)
@given(lead=st.lists(st.integers(1, 5), min_size=0, max_size=2),
       ns=st.one_of(st.lists(st.sampled_from(LENGTHS), min_size=1, max_size=1),
                    st.lists(st.integers(1, 13), min_size=2, max_size=3)),
       dtype=st.sampled_from(["float32", "float64"]), has_w=st.booleans(), has_b=st.booleans(),
       scale=st.sampled_from([1e-3, 1.0, 50.0]), offset=st.sampled_from([0.0, -2.0, 1e3]),
       eps=st.sampled_from([1e-5, 1e-12, 0.1]), seed=st.integers(0, 2 ** 16))
def test_hypothesis_shapes(lead, ns, dtype, has_w, has_b, scale, offset, eps, seed):
    rng = np.random.default_rng(seed)
    same_on_both(_ln(tuple(ns), has_w, has_b, eps),
                 _arrays(rng, lead, ns, _np(dtype), has_w, has_b, scale, offset), seed=seed)


@pytest.mark.parametrize("threads", [1, 2, 3, 4])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_threads_split_weight_grads(threads, dtype):
    """grad_weight / grad_bias: per-thread buffers over the rows, then added over the threads."""
    before = (torch.get_num_threads(), glasstorch.get_num_threads())
    torch.set_num_threads(threads)
    glasstorch.set_num_threads(threads)
    try:
        rng = np.random.default_rng(threads)
        for rows, n in ((1, 24), (3, 9), (7, 100), (33, 40)):
            same_on_both(_ln((n,), True, True), _arrays(rng, (rows,), (n,), _np(dtype), True, True), seed=rows)
    finally:
        torch.set_num_threads(before[0])
        glasstorch.set_num_threads(before[1])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("n", [5000, 20000])
def test_long_rows_deep_cascade(dtype, n):
    rng = np.random.default_rng(n)
    same_on_both(_ln((n,), True, True), _arrays(rng, (2,), (n,), _np(dtype), True, True, 2.0, 0.5))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", ["zeros", "negzeros", "const", "offset", "tiny"])
def test_special_rows(dtype, case):
    dt = _np(dtype)
    rng = np.random.default_rng(1)
    for n in (1, 5, 12, 40):
        x = {"zeros": np.zeros((3, n), dt), "negzeros": -np.zeros((3, n), dt), "const": np.full((3, n), 2.5, dt),
             "offset": (1e4 + rng.standard_normal((3, n))).astype(dt),
             "tiny": (1e-20 * rng.standard_normal((3, n))).astype(dt)}[case]
        same_on_both(_ln((n,), False, False), [x])
        same_on_both(_ln((n,), True, True), [x, rng.standard_normal(n).astype(dt), rng.standard_normal(n).astype(dt)])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_ones_upstream_and_module(dtype):
    """A summed loss (an upstream gradient of ones: many float32 halfway points in the weight's sum)."""
    dt = _np(dtype)
    x = np.random.default_rng(5).standard_normal((4, 10, 96)).astype(dt)
    vals = []
    for m in (torch, glasstorch):
        ln = m.nn.LayerNorm(96, dtype=getattr(m, dtype))
        with m.no_grad():
            ln.weight.copy_(m.linspace(-2, 2, 96, dtype=getattr(m, dtype)))
            ln.bias.copy_(m.linspace(1, -1, 96, dtype=getattr(m, dtype)))
        xt = m.from_numpy(x.copy()).requires_grad_()
        y = ln(xt)
        y.sum().backward()
        vals.append([y, xt.grad, ln.weight.grad, ln.bias.grad])
        assert type(y.grad_fn).__name__ == "NativeLayerNormBackward0"
    for a, b in zip(*vals):
        assert_same_array(a, b)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_non_contiguous_input_and_weight(dtype):
    dt = _np(dtype)
    rng = np.random.default_rng(2)
    x = rng.standard_normal((3, 20, 6)).astype(dt)
    w = rng.standard_normal(40).astype(dt)
    same_on_both(lambda m, x, w: m.nn.functional.layer_norm(x.transpose(1, 2), (6, 20), None, None), [x, w])
    same_on_both(lambda m, x, w: m.nn.functional.layer_norm(x.transpose(1, 2), (20,), w[::2], w[1::2]), [x, w])


@pytest.mark.parametrize("need", ["x", "w", "b", "wb", "xb"])
def test_partial_requires_grad(need):
    rng = np.random.default_rng(3)
    x, w, b = rng.standard_normal((5, 37)).astype(np.float32), rng.standard_normal(37).astype(np.float32), \
        rng.standard_normal(37).astype(np.float32)
    g = rng.standard_normal((5, 37)).astype(np.float32)
    res = []
    for m in (torch, glasstorch):
        ts = [m.from_numpy(a.copy()).requires_grad_(k in need) for a, k in ((x, "x"), (w, "w"), (b, "b"))]
        y = m.nn.functional.layer_norm(ts[0], (37,), ts[1], ts[2])
        y.backward(m.from_numpy(g.copy()))
        res.append([y] + [t.grad for t in ts])
    for a, b_ in zip(*res):
        assert (a is None) == (b_ is None)
        if a is not None:
            assert_same_array(a, b_)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_native_layer_norm_stats(dtype):
    x = np.random.default_rng(4).standard_normal((3, 4, 37)).astype(_np(dtype))
    out = [m.native_layer_norm(m.from_numpy(x.copy()), [4, 37], None, None, 1e-5) for m in (torch, glasstorch)]
    for a, b in zip(*out):
        assert_same_array(a, b)


def test_create_graph_first_order_exact():
    """Under create_graph the gradients' values are still torch's (then differentiated once more)."""
    rng = np.random.default_rng(6)
    x, w, b = rng.standard_normal((4, 19)), rng.standard_normal(19), rng.standard_normal(19)
    res = []
    for m in (torch, glasstorch):
        ts = [m.from_numpy(a.copy()).requires_grad_() for a in (x, w, b)]
        y = m.nn.functional.layer_norm(ts[0], (19,), ts[1], ts[2])
        gx, gw = m.autograd.grad((y * y).sum(), ts[:2], create_graph=True)
        assert type(gx.grad_fn).__name__ == "NativeLayerNormBackwardBackward0"
        (hx,) = m.autograd.grad((gx * gx).sum() + gw.sum(), [ts[0]])
        res.append((gx, gw, hx))
    assert_same_array(res[0][0], res[1][0])
    assert_same_array(res[0][1], res[1][1])
    np.testing.assert_allclose(res[1][2].numpy(), res[0][2].numpy(), rtol=1e-9, atol=1e-9)


def test_float16_still_close():
    x = np.random.default_rng(7).standard_normal((3, 33)).astype(np.float16)
    same_on_both(lambda m, x: m.nn.functional.layer_norm(x, (33,)), [x], rtol=1e-3, atol=1e-3)
