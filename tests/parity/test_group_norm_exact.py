"""group_norm bit for bit against torch's CPU kernels (torch computes the expectation at test time).

The fix: F.group_norm / nn.GroupNorm of float32 and float64 inputs used to be textbook NumPy (mean,
then the mean of squared deviations, xhat * w + b; the gradients by the closed formula), so about
half the outputs and 65-80% of the gradient elements differed from torch's in the last bits.
glasstorch/nn/_ops/group_norm_cpu.py now reproduces torch's AVX2 kernels (contiguous layout)
operation for operation: RowwiseMoments per group (layer_norm_cpu.moments), rstd computed in double
(eps is a double) and rounded once, scale / bias per channel and the output by fused multiply-adds;
in backward the per-channel vector reductions ds = sum(dy * x) and db = sum(dy) (float32's products
rounded, float64's tail fused), the per-group lane sums over the channels, the c1 / c2 / c3 formula,
and the weight and bias gradients summed over the batch in order.  A bias wanting a gradient without
a weight fails in backward as torch's kernel does ("tensor does not have a device").

Compared bit for bit: outputs, grad_input, grad_weight, grad_bias, float32 and float64, with and
without weight and bias, groups = 1, = C and in between, HxW of 1, small, not a multiple of the
vector width and large, 2-d to 5-d inputs, 1 to 3 threads (on one thread torch runs the per-group
channel sums in place, compiled to round the tail products in 16-byte blocks), non-contiguous
inputs, constant groups and large offsets; channels-last inputs (glasstorch/nn/_ops/group_norm_cl.py:
torch's ColumnwiseMoments path below 1024 positions, its per-thread buffers from there).  Not
covered: the sign bit of NaN results.
"""
import numpy as np
import pytest
import torch
from hypothesis import assume, given, settings, strategies as st

import glasstorch
from tests.parity._helpers import assert_same_array, same_error, same_on_both


def _np(dtype):
    return np.float32 if dtype == "float32" else np.float64


def _gn(groups, has_w, has_b, eps=1e-5):
    """The lambda for same_on_both: inputs x, then the weight and bias that are present (a bias
    without a weight is detached: torch's backward refuses its gradient)."""
    def fn(m, x, *p):
        p = list(p)
        w = p.pop(0) if has_w else None
        b = p.pop(0) if has_b else None
        if b is not None and w is None:
            b = b.detach()
        return m.nn.functional.group_norm(x, groups, w, b, eps)
    return fn


def _arrays(rng, shape, dt, has_w, has_b, scale=1.0, offset=0.0):
    x = (rng.standard_normal(shape) * scale + offset).astype(dt)
    out = [x]
    if has_w:
        out.append(rng.standard_normal(shape[1]).astype(dt))
    if has_b:
        out.append(rng.standard_normal(shape[1]).astype(dt))
    return out


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("hw", [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 33, 36, 100, 257])
@pytest.mark.parametrize("affine", ["none", "weight", "bias", "both"])
def test_every_spatial_size(dtype, hw, affine):
    has_w, has_b = affine in ("weight", "both"), affine in ("bias", "both")
    rng = np.random.default_rng(hw)
    for c, g in ((12, 3), (8, 8), (6, 1)):
        same_on_both(_gn(g, has_w, has_b), _arrays(rng, (3, c, hw), _np(dtype), has_w, has_b, 3.0, 1.5), seed=hw)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 4), d=st.integers(1, 20), g=st.integers(1, 6),
       spatial=st.lists(st.integers(1, 12), min_size=0, max_size=3),
       dtype=st.sampled_from(["float32", "float64"]), has_w=st.booleans(), has_b=st.booleans(),
       scale=st.sampled_from([1e-3, 1.0, 50.0]), offset=st.sampled_from([0.0, -2.0, 1e3]),
       eps=st.sampled_from([1e-5, 1e-12, 0.1]), seed=st.integers(0, 2 ** 16))
def test_hypothesis_shapes(n, d, g, spatial, dtype, has_w, has_b, scale, offset, eps, seed):
    assume(n * d * int(np.prod(spatial)) > 1)      # else F.group_norm's size check (test below)
    rng = np.random.default_rng(seed)
    shape = (n, d * g) + tuple(spatial)
    same_on_both(_gn(g, has_w, has_b, eps), _arrays(rng, shape, _np(dtype), has_w, has_b, scale, offset),
                 seed=seed)


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_threads(threads, dtype):
    before = (torch.get_num_threads(), glasstorch.get_num_threads())
    torch.set_num_threads(threads)
    glasstorch.set_num_threads(threads)
    try:
        rng = np.random.default_rng(threads)
        for shape, g in (((5, 16, 9, 9), 4), ((2, 32, 40), 32), ((9, 6), 2), ((3, 26, 7), 2), ((1, 13, 5), 1),
                         ((2, 21, 6), 3), ((4, 30, 3), 2)):
            same_on_both(_gn(g, True, True), _arrays(rng, shape, _np(dtype), True, True), seed=g)
    finally:
        torch.set_num_threads(before[0])
        glasstorch.set_num_threads(before[1])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_large_groups(dtype):
    """Long rows: the moments' chunk cascade, many vectors per channel."""
    rng = np.random.default_rng(11)
    same_on_both(_gn(4, True, True), _arrays(rng, (2, 16, 48, 48), _np(dtype), True, True, 2.0, 0.5))
    same_on_both(_gn(32, True, True), _arrays(rng, (2, 64, 32, 32), _np(dtype), True, True))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", ["zeros", "negzeros", "const", "offset", "tiny"])
def test_special_groups(dtype, case):
    dt = _np(dtype)
    rng = np.random.default_rng(1)
    for shape in ((2, 4, 1), (2, 6, 5), (3, 8, 12)):
        x = {"zeros": np.zeros(shape, dt), "negzeros": -np.zeros(shape, dt), "const": np.full(shape, 2.5, dt),
             "offset": (1e4 + rng.standard_normal(shape)).astype(dt),
             "tiny": (1e-20 * rng.standard_normal(shape)).astype(dt)}[case]
        same_on_both(_gn(2, False, False), [x])
        same_on_both(_gn(2, True, True), [x, rng.standard_normal(shape[1]).astype(dt),
                                          rng.standard_normal(shape[1]).astype(dt)])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_module_summed_loss(dtype):
    """nn.GroupNorm with a summed loss (an upstream gradient of ones)."""
    dt = _np(dtype)
    x = np.random.default_rng(5).standard_normal((4, 24, 7, 5)).astype(dt)
    vals = []
    for m in (torch, glasstorch):
        gn = m.nn.GroupNorm(6, 24, dtype=getattr(m, dtype))
        with m.no_grad():
            gn.weight.copy_(m.linspace(-2, 2, 24, dtype=getattr(m, dtype)))
            gn.bias.copy_(m.linspace(1, -1, 24, dtype=getattr(m, dtype)))
        xt = m.from_numpy(x.copy()).requires_grad_()
        y = gn(xt)
        y.sum().backward()
        vals.append([y, xt.grad, gn.weight.grad, gn.bias.grad])
        assert type(y.grad_fn).__name__ == "NativeGroupNormBackward0"
    for a, b in zip(*vals):
        assert_same_array(a, b)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_non_contiguous_input_and_weight(dtype):
    dt = _np(dtype)
    rng = np.random.default_rng(2)
    x = rng.standard_normal((3, 10, 12)).astype(dt)
    w = rng.standard_normal(24).astype(dt)
    same_on_both(lambda m, x, w: m.nn.functional.group_norm(x.transpose(1, 2), 4, w[::2], w[1::2]), [x, w])


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("affine", ["none", "weight", "bias", "both"])
def test_channels_last(threads, dtype, affine):
    has_w, has_b = affine in ("weight", "both"), affine in ("bias", "both")
    before = (torch.get_num_threads(), glasstorch.get_num_threads())
    torch.set_num_threads(threads)
    glasstorch.set_num_threads(threads)
    try:
        rng = np.random.default_rng(7)
        for shape, g in (((2, 8, 3, 3), 4), ((2, 33, 5, 5), 3), ((1, 64, 8, 8), 32), ((2, 20, 2, 1), 20),
                         ((1, 32, 31, 33), 4), ((2, 12, 3, 2, 4), 2)):
            fmt = "channels_last" if len(shape) == 4 else "channels_last_3d"

            def fn(m, x, *p, fmt=fmt, g=g):
                x = x.contiguous(memory_format=getattr(m, fmt))
                y = _gn(g, has_w, has_b)(m, x, *p)
                assert y.is_contiguous(memory_format=getattr(m, fmt))
                return y
            same_on_both(fn, _arrays(rng, shape, _np(dtype), has_w, has_b, 3.0, 1.5), seed=g)
    finally:
        torch.set_num_threads(before[0])
        glasstorch.set_num_threads(before[1])


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 3), d=st.integers(1, 11), g=st.integers(1, 4), h=st.integers(1, 9), w=st.integers(1, 9),
       dtype=st.sampled_from(["float32", "float64"]), has_w=st.booleans(), has_b=st.booleans(),
       threads=st.sampled_from([1, 2]), seed=st.integers(0, 2 ** 16))
def test_hypothesis_channels_last(n, d, g, h, w, dtype, has_w, has_b, threads, seed):
    assume(n * d * h * w > 1)
    before = (torch.get_num_threads(), glasstorch.get_num_threads())
    torch.set_num_threads(threads)
    glasstorch.set_num_threads(threads)
    try:
        rng = np.random.default_rng(seed)
        same_on_both(lambda m, x, *p: _gn(g, has_w, has_b)(m, x.contiguous(memory_format=m.channels_last), *p),
                     _arrays(rng, (n, d * g, h, w), _np(dtype), has_w, has_b, 2.0, 0.5), seed=seed)
    finally:
        torch.set_num_threads(before[0])
        glasstorch.set_num_threads(before[1])


@pytest.mark.parametrize("case", ["cl_sliced_w", "cl_sliced_h", "permuted", "cl3d_sliced"])
def test_strided_layouts(case):
    """torch takes any strides like channels-last (suggest_memory_format) to the channels-last kernel."""
    rng = np.random.default_rng(9)
    shape = (2, 8, 4, 6, 10) if case == "cl3d_sliced" else (2, 8, 6, 10)
    x, w = rng.standard_normal(shape).astype(np.float32), rng.standard_normal(8).astype(np.float32)
    view = {"cl_sliced_w": lambda m, t: t.contiguous(memory_format=m.channels_last)[..., ::2],
            "cl_sliced_h": lambda m, t: t.contiguous(memory_format=m.channels_last)[:, :, 1:],
            "permuted": lambda m, t: t.permute(0, 3, 2, 1),
            "cl3d_sliced": lambda m, t: t.contiguous(memory_format=m.channels_last_3d)[:, :, :, 1:]}[case]
    if case == "permuted":          # (2, 10, 6, 8): its own channel count
        same_on_both(lambda m, x: m.nn.functional.group_norm(view(m, x), 2), [x])
    else:
        same_on_both(lambda m, x, w: m.nn.functional.group_norm(view(m, x), 4, w, w * 2), [x, w])


@pytest.mark.parametrize("threads", [1, 2, 3])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_channels_last_large_feature_maps(threads, dtype):
    """1024 positions or more (2048 in backward): torch's per-thread buffers over (n, position) rows."""
    before = (torch.get_num_threads(), glasstorch.get_num_threads())
    torch.set_num_threads(threads)
    glasstorch.set_num_threads(threads)
    try:
        rng = np.random.default_rng(threads)
        for shape, g, has_w, has_b in (((2, 6, 40, 30), 3, True, True), ((3, 12, 64, 33), 3, True, True),
                                       ((1, 16, 50, 41), 2, False, True), ((5, 4, 32, 64), 1, True, False),
                                       ((2, 8, 64, 32), 8, False, False), ((2, 4, 32, 32), 2, True, True),
                                       ((3, 1, 48, 48), 1, True, True)):
            same_on_both(lambda m, x, *p, g=g, has_w=has_w, has_b=has_b:
                         _gn(g, has_w, has_b)(m, x.contiguous(memory_format=m.channels_last), *p),
                         _arrays(rng, shape, _np(dtype), has_w, has_b, 2.0, -1.0), seed=g)
    finally:
        torch.set_num_threads(before[0])
        glasstorch.set_num_threads(before[1])


@pytest.mark.parametrize("need", ["x", "w", "wb", "xw", "xwb"])
def test_partial_requires_grad(need):
    rng = np.random.default_rng(3)
    x, w, b = rng.standard_normal((5, 12, 11)).astype(np.float32), rng.standard_normal(12).astype(np.float32), \
        rng.standard_normal(12).astype(np.float32)
    g = rng.standard_normal((5, 12, 11)).astype(np.float32)
    res = []
    for m in (torch, glasstorch):
        ts = [m.from_numpy(a.copy()).requires_grad_(k in need) for a, k in ((x, "x"), (w, "w"), (b, "b"))]
        y = m.nn.functional.group_norm(ts[0], 3, ts[1], ts[2])
        y.backward(m.from_numpy(g.copy()))
        res.append([y] + [t.grad for t in ts])
    for a, b_ in zip(*res):
        assert (a is None) == (b_ is None)
        if a is not None:
            assert_same_array(a, b_)


@pytest.mark.parametrize("shape,groups", [((1, 3), 3), ((1, 3, 1), 3), ((1, 2, 1, 1), 2)])
def test_one_value_per_group_refused(shape, groups):
    """F.group_norm's _verify_batch_size; torch.group_norm itself computes."""
    x = np.ones(shape, np.float32)
    same_error(lambda m, x: m.nn.functional.group_norm(m.from_numpy(x), groups), x)
    same_on_both(lambda m, x: m.group_norm(x, groups), [x])


def test_bias_without_weight_refused_in_backward():
    msgs = []
    for m in (torch, glasstorch):
        x = m.ones(2, 4, 3, requires_grad=True)
        b = m.zeros(4, requires_grad=True)
        y = m.nn.functional.group_norm(x * m.arange(24.0).reshape(2, 4, 3), 2, None, b)
        with pytest.raises(RuntimeError) as e:
            y.sum().backward()
        msgs.append(str(e.value).split("\n")[0])
    assert msgs[0] == msgs[1]


def test_create_graph_first_order_exact():
    """Under create_graph the first-order gradients' values are still torch's to rounding."""
    rng = np.random.default_rng(6)
    x, w, b = rng.standard_normal((4, 6, 5)), rng.standard_normal(6), rng.standard_normal(6)
    res = []
    for m in (torch, glasstorch):
        ts = [m.from_numpy(a.copy()).requires_grad_() for a in (x, w, b)]
        y = m.nn.functional.group_norm(ts[0], 3, ts[1], ts[2])
        gx, gw = m.autograd.grad((y * y).sum(), ts[:2], create_graph=True)
        (hx,) = m.autograd.grad((gx * gx).sum() + gw.sum(), [ts[0]])
        res.append((gx, gw, hx))
    for a, b_ in zip(res[0], res[1]):
        np.testing.assert_allclose(b_.detach().numpy(), a.detach().numpy(), rtol=1e-9, atol=1e-9)


def test_float16_still_close():
    x = np.random.default_rng(7).standard_normal((3, 6, 11)).astype(np.float16)
    same_on_both(lambda m, x: m.nn.functional.group_norm(x, 3), [x], rtol=1e-3, atol=1e-3)
