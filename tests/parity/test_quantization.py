"""Quantization against torch: the quantized dtypes and schemes, quantize_per_tensor / per_channel / dynamic
(int_repr bytes, dequantized values, q_* accessors, reprs), fake quantization with its straight-through
gradient, the errors of common mistakes, and ``quantize_dynamic`` of nn.Linear (fbgemm's dynamic linear,
bit for bit on float32)."""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from ._helpers import MODS, assert_same_array, same_error, same_on_both

F32 = np.float32
warnings.filterwarnings("ignore", message=".*quantiz.*deprecated.*")
warnings.filterwarnings("ignore", category=DeprecationWarning, message="torch.ao.quantization")


def _f32(seed, shape, mag):
    return np.asarray(np.random.default_rng(seed).standard_normal(shape) * mag, F32)


def _both(fn):
    """``fn(mod)`` on torch and glasstorch."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return [fn(m) for m in MODS]


def _same_q(fn):
    """The quantized tensors ``fn(mod)`` makes: same int_repr bytes, dequantized values, parameters and repr."""
    qt, qg = _both(fn)
    assert qg.is_quantized and qt.dtype.__repr__() == qg.dtype.__repr__()
    assert_same_array(qt.int_repr(), qg.int_repr(), what="int_repr")
    assert_same_array(qt.dequantize(), qg.dequantize(), what="dequantize")
    assert repr(qt.qscheme()) == repr(qg.qscheme())
    if qt.qscheme() is torch.per_tensor_affine:
        assert (qt.q_scale(), qt.q_zero_point()) == (qg.q_scale(), qg.q_zero_point())
    else:
        assert_same_array(qt.q_per_channel_scales(), qg.q_per_channel_scales())
        assert_same_array(qt.q_per_channel_zero_points(), qg.q_per_channel_zero_points())
        assert qt.q_per_channel_axis() == qg.q_per_channel_axis()
    assert repr(qt) == repr(qg)
    return qt, qg


# ---- dtypes and schemes ----------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["qint8", "quint8", "qint32", "quint4x2", "quint2x4"])
def test_quantized_dtypes(name):
    dt, dg = getattr(torch, name), getattr(glasstorch, name)
    assert repr(dt) == repr(dg) and str(dt) == str(dg)
    assert (dt.itemsize, dt.is_floating_point, dt.is_complex) == (dg.itemsize, dg.is_floating_point, dg.is_complex)
    assert dg != glasstorch.int8 and dg == getattr(glasstorch, name)
    same_error(lambda m: getattr(m, name).is_signed)


def test_qschemes():
    for n in ("per_tensor_affine", "per_channel_affine", "per_tensor_symmetric", "per_channel_symmetric",
              "per_channel_affine_float_qparams"):
        assert repr(getattr(torch, n)) == repr(getattr(glasstorch, n))


# ---- quantize_per_tensor ---------------------------------------------------------------------------
@settings(max_examples=150, deadline=None)
@given(st.integers(0, 2 ** 31), st.lists(st.integers(0, 9), min_size=0, max_size=3), st.floats(-3, 3),
       st.floats(-4, 1), st.sampled_from(["qint8", "quint8", "qint32"]), st.integers(-128, 255), st.booleans())
def test_quantize_per_tensor(seed, shape, mag, log_scale, dt, zp, scale_f32):
    x = _f32(seed, tuple(shape), 10 ** mag)
    scale = 10 ** log_scale
    scale = float(F32(scale)) if scale_f32 else scale
    zp = max(zp, 0) if dt == "quint8" else min(zp, 127) if dt == "qint8" else zp
    _same_q(lambda m: m.quantize_per_tensor(m.from_numpy(x.copy()), scale, zp, getattr(m, dt)))


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 2 ** 31), st.integers(1, 70), st.sampled_from(["qint8", "quint8", "qint32"]), st.integers(0, 1))
def test_quantize_near_ties(seed, n, dt, axis):
    # x within a few ulps of (k + 1/2) * scale: the rounding of the multiply-add decides (per tensor, 8 bits: one
    # fused rounding; qint32 and per channel: the product rounded first)
    rng = np.random.default_rng(seed)
    lo = {"qint8": -128, "quint8": 0, "qint32": -1000}[dt]
    s, z = F32(10 ** rng.uniform(-4, 0)), int(rng.integers(lo, lo + 128))
    x = ((rng.integers(-100, 100, n) + 0.5) * s * (1 + rng.uniform(-3e-7, 3e-7, n))).astype(F32)
    _same_q(lambda m: m.quantize_per_tensor(m.from_numpy(x.copy()), float(s), z, getattr(m, dt)))
    sc = 10 ** rng.uniform(-4, 0, 3)
    zs = rng.integers(lo, lo + 128, 3)
    xx = ((rng.integers(-100, 100, (3, n)) + 0.5) * sc[:, None].astype(F32) * (1 + rng.uniform(-3e-7, 3e-7, (3, n))))
    xx = np.ascontiguousarray(xx.astype(F32) if axis == 0 else xx.astype(F32).T)
    _same_q(lambda m: m.quantize_per_channel(m.from_numpy(xx.copy()), m.from_numpy(sc.copy()), m.from_numpy(zs.copy()),
                                             axis, getattr(m, dt)))
    qmin, qmax = (-128, 127) if dt != "quint8" else (0, 255)
    zf = int(np.clip(z, qmin, qmax))
    same_on_both(lambda m, a: m.fake_quantize_per_tensor_affine(a, float(s), zf, qmin, qmax), [x], seed=seed)
    same_on_both(lambda m, a: m.fake_quantize_per_channel_affine(
        a, m.from_numpy(sc.astype(F32)), m.from_numpy(np.clip(zs, qmin, qmax).astype(np.int32)), axis, qmin, qmax),
        [xx], seed=seed)


def test_quantize_per_tensor_ties_and_specials():
    # halfway points (ties go to even, after the float32 reciprocal multiply), inf, nan, huge values
    s = 0.00214854861
    x = np.array([0.273939937, 0.5 * s, 1.5 * s, 2.5 * s, -2.5 * s, np.inf, -np.inf, np.nan, 1e30, -1e30, 3e9],
                 F32)
    for dt in ("qint8", "quint8", "qint32"):
        _same_q(lambda m: m.quantize_per_tensor(m.from_numpy(x.copy()), s, 3, getattr(m, dt)))
        _same_q(lambda m: m.quantize_per_channel(m.from_numpy(x.reshape(1, -1).copy()), m.tensor([s], dtype=m.float64),
                                                 m.tensor([3]), 0, getattr(m, dt)))


def test_quantize_per_tensor_tensor_qparams_and_lists():
    x = _f32(1, (2, 3), 2.0)
    _same_q(lambda m: m.quantize_per_tensor(m.from_numpy(x.copy()), m.tensor(0.1), m.tensor(2), m.quint8))
    outs = _both(lambda m: m.quantize_per_tensor([m.from_numpy(x.copy()), m.from_numpy(2 * x)], m.tensor([0.1, 0.2]),
                                                 m.tensor([1, 2]), m.quint8))
    assert type(outs[0]) is tuple and type(outs[1]) is tuple and len(outs[1]) == 2
    for a, b in zip(*outs):
        assert repr(a) == repr(b)
    d = _both(lambda m: m.dequantize([m.quantize_per_tensor(m.from_numpy(x.copy()), 0.1, 0, m.qint8)]))
    assert type(d[1]) is tuple
    assert_same_array(d[0][0], d[1][0])
    same_on_both(lambda m, a: a.dequantize(), [x], grad=False)          # a float tensor: itself


# ---- quantize_per_channel --------------------------------------------------------------------------
@settings(max_examples=150, deadline=None)
@given(st.integers(0, 2 ** 31), st.lists(st.integers(1, 5), min_size=1, max_size=3), st.data(), st.floats(-3, 3),
       st.sampled_from(["qint8", "quint8", "qint32"]), st.booleans())
def test_quantize_per_channel(seed, shape, data, mag, dt, scales_f32):
    axis = data.draw(st.integers(0, len(shape) - 1))
    rng = np.random.default_rng(seed)
    x = _f32(seed, tuple(shape), 10 ** mag)
    c = shape[axis]
    scales = 10 ** rng.uniform(-4, 1, c)
    if scales_f32:
        scales = scales.astype(F32).astype(np.float64)
    lo = 0 if dt == "quint8" else -128
    zps = rng.integers(lo, lo + 128, c)
    _same_q(lambda m: m.quantize_per_channel(m.from_numpy(x.copy()), m.from_numpy(scales.copy()),
                                             m.from_numpy(zps.copy()), axis, getattr(m, dt)))


# ---- quantize_per_tensor_dynamic -------------------------------------------------------------------
@settings(max_examples=150, deadline=None)
@given(st.integers(0, 2 ** 31), st.lists(st.integers(1, 9), min_size=0, max_size=3), st.floats(-6, 3),
       st.sampled_from(["qint8", "quint8"]), st.booleans(), st.sampled_from(["any", "pos", "neg"]))
def test_quantize_per_tensor_dynamic(seed, shape, mag, dt, reduce_range, sign):
    x = _f32(seed, tuple(shape), 10 ** mag)
    x = np.asarray(np.abs(x) if sign == "pos" else -np.abs(x) if sign == "neg" else x, F32)
    _same_q(lambda m: m.quantize_per_tensor_dynamic(m.from_numpy(x.copy()), getattr(m, dt), reduce_range))


# ---- views, reprs, refusals ------------------------------------------------------------------------
def test_views_keep_quantization():
    x = _f32(3, (3, 4), 1.0)
    q = lambda m: m.quantize_per_tensor(m.from_numpy(x.copy()), 0.05, 3, m.quint8)    # noqa: E731
    for fn in (lambda m: q(m)[1], lambda m: q(m)[:, 1:3], lambda m: q(m).reshape(4, 3), lambda m: q(m).t(),
               lambda m: q(m).view(-1), lambda m: q(m).permute(1, 0), lambda m: q(m).unsqueeze(0), lambda m: q(m)[0, 0],
               lambda m: q(m).clone(), lambda m: q(m).detach(), lambda m: q(m).flatten()):
        _same_q(fn)
    big = _f32(4, (20, 100), 1.0)
    _same_q(lambda m: m.quantize_per_tensor(m.from_numpy(big.copy()), 0.1, 0, m.quint8))
    _same_q(lambda m: m.quantize_per_tensor(m.zeros(0, 2), 0.1, 0, m.qint8))
    r = _both(lambda m: (q(m).shape, q(m).dim(), q(m).numel(), q(m).element_size(), q(m).is_floating_point(),
                         q(m).is_quantized, m.is_tensor(q(m)), float(q(m)[0, 0])))
    assert repr(r[0]) == repr(r[1])


def _q(m):
    return m.quantize_per_tensor(m.tensor([0.05, -1.2, 3.3]), 0.1, 0, m.qint8)


def _dispatch_head(e):
    """torch's dispatcher message up to its backend list (torch then lists every backend with source paths of
    its build; glasstorch gives the list's start only)."""
    return str(e).split(" is only available for these backends")[0]


@pytest.mark.parametrize("fn", [lambda m: _q(m) + _q(m), lambda m: _q(m).sum(), lambda m: _q(m).mul(_q(m)),
                                lambda m: _q(m).exp(), lambda m: m.tensor([1.0]).int_repr(),
                                lambda m: m.tensor([1.0]).q_scale(), lambda m: m.tensor([1.0]).qscheme()])
def test_ops_without_quantized_kernels(fn):
    errs = []
    for m in MODS:
        with warnings.catch_warnings(), pytest.raises(NotImplementedError) as info:
            warnings.simplefilter("ignore")
            fn(m)
        errs.append(_dispatch_head(info.value))
    assert errs[0] == errs[1]


@pytest.mark.parametrize("fn", [
    lambda m: _q(m) * 2, lambda m: 1 + _q(m), lambda m: _q(m) - m.ones(3), lambda m: _q(m).add(m.ones(3, dtype=m.float64)),
    lambda m: _q(m).numpy(), lambda m: _q(m).tolist(), lambda m: _q(m).is_signed(),
    lambda m: _q(m).requires_grad_(), lambda m: _q(m).q_per_channel_scales(),
    lambda m: m.quantize_per_channel(m.ones(3, 1), m.tensor([.1, .2, .3]), m.tensor([0, 0, 0]), 0, m.qint8).q_scale(),
    lambda m: m.quantize_per_tensor(m.tensor([1, 2]), 0.1, 0, m.qint8),
    lambda m: m.quantize_per_tensor(m.tensor([1.0], dtype=m.float64), 0.1, 0, m.qint8),
    lambda m: m.quantize_per_tensor(m.tensor([1.0]), 0.1, 0, m.int8),
    lambda m: m.quantize_per_tensor(m.tensor([1.0]), 0.1, 300, m.qint8),
    lambda m: m.quantize_per_tensor(m.tensor([1.0]), 0.1, -1, m.quint8),
    lambda m: m.quantize_per_tensor(m.tensor([1.0]), m.tensor([0.1, 0.2]), m.tensor(0), m.qint8),
    lambda m: m.quantize_per_channel(m.ones(1, 3), m.tensor([0.1]), m.tensor([0]), 2, m.qint8),
    lambda m: m.quantize_per_channel(m.ones(1, 3), m.tensor([0.1, 0.2]), m.tensor([0, 0]), 0, m.qint8),
    lambda m: m.quantize_per_channel(m.ones(2), m.tensor([0.1, 0.2]), m.tensor([0, 300]), 0, m.qint8),
    lambda m: m.quantize_per_channel(m.ones(2), m.tensor([0.1, 0.2]), m.tensor([0, 0]), 0, m.int8),
    lambda m: m.quantize_per_channel(m.ones(2, dtype=m.float64), m.tensor([0.1, 0.2]), m.tensor([0, 0]), 0, m.qint8),
    lambda m: m.quantize_per_tensor_dynamic(m.ones(2), m.qint32, False),
    lambda m: m.quantize_per_tensor_dynamic(m.tensor([1, 2]), m.qint8, False),
    lambda m: m.fake_quantize_per_tensor_affine(m.ones(2), 0.1, 5, 10, 2),
    lambda m: m.promote_types(m.float32, m.qint8), lambda m: m.promote_types(m.qint8, m.quint8),
    lambda m: m.promote_types(m.int64, m.qint32),
    lambda m: m.fake_quantize_per_tensor_affine(m.ones(2), 0.1, 50, 0, 10),
    lambda m: m.fake_quantize_per_channel_affine(m.ones(2), m.tensor([.1, .2]), m.tensor([0, 0]), 0, 0, 10),
])
def test_quantization_errors(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        same_error(fn)


def test_deprecation_warning_text():
    msgs = []
    for m in MODS:
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            m.quantize_per_tensor(m.ones(1), 0.1, 0, m.qint8)
        msgs.append([str(x.message) for x in w if "deprecated" in str(x.message)])
    if msgs[0]:      # torch warns once per process: compare when it still did here
        assert msgs[0][0] in (msgs[1] or [glasstorch._quant.DEPRECATED])
    assert glasstorch._quant.DEPRECATED.startswith("torch.quantize_per_tensor, torch.quantize_per_channel")


# ---- fake quantization -----------------------------------------------------------------------------
@settings(max_examples=150, deadline=None)
@given(st.integers(0, 2 ** 31), st.lists(st.integers(1, 6), min_size=1, max_size=3), st.floats(-3, 3),
       st.floats(-4, 1), st.integers(-130, 260), st.integers(0, 300), st.sampled_from([np.float32, np.float64]),
       st.booleans())
def test_fake_quantize_per_tensor(seed, shape, mag, log_scale, qmin, width, dtype, tensor_qparams):
    rng = np.random.default_rng(seed)
    x = np.asarray(rng.standard_normal(shape) * 10 ** mag, dtype)
    qmax = qmin + width
    zp = int(rng.integers(qmin, qmax + 1))
    s = 10 ** log_scale

    def fn(m, a):
        if tensor_qparams:
            return m.fake_quantize_per_tensor_affine(a, m.tensor(s), m.tensor(zp, dtype=m.int32), qmin, qmax)
        return m.fake_quantize_per_tensor_affine(a, s, zp, qmin, qmax)
    same_on_both(fn, [x], seed=seed)       # values and the straight-through gradient, bit for bit


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 2 ** 31), st.lists(st.integers(1, 5), min_size=1, max_size=3), st.data(), st.floats(-3, 3),
       st.sampled_from([np.float32, np.float64]))
def test_fake_quantize_per_channel(seed, shape, data, mag, dtype):
    axis = data.draw(st.integers(0, len(shape) - 1))
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal(shape) * 10 ** mag).astype(dtype)
    c = shape[axis]
    scales = (10 ** rng.uniform(-4, 1, c)).astype(F32)
    zps = rng.integers(-5, 6, c).astype(np.int32)
    same_on_both(lambda m, a: m.fake_quantize_per_channel_affine(a, m.from_numpy(scales.copy()),
                                                                 m.from_numpy(zps.copy()), axis, -128, 127),
                 [x], seed=seed)


def test_fake_quantize_gradcheck():
    # away from rounding steps the function is piecewise constant: its numerical gradient is 0 inside the range
    # too, so check the straight-through rule directly against the mask instead of by finite differences
    x = glasstorch.tensor([-30.0, -0.26, 0.0, 0.31, 12.0, 13.0], dtype=glasstorch.float64, requires_grad=True)
    y = glasstorch.fake_quantize_per_tensor_affine(x, 0.1, 0, -128, 127)
    (g,) = glasstorch.autograd.grad(y.sum(), x)
    assert g.tolist() == [0.0, 1.0, 1.0, 1.0, 1.0, 0.0]


# ---- quantize_dynamic ------------------------------------------------------------------------------
def _models(in_f, hidden, out_f, bias, w, seed):
    built = []
    for m in MODS:
        net = m.nn.Sequential(m.nn.Linear(in_f, hidden, bias=bias), m.nn.ReLU(), m.nn.Linear(hidden, out_f))
        rng = np.random.default_rng(seed)
        with m.no_grad():
            for p in net.parameters():
                p.copy_(m.from_numpy((rng.standard_normal(tuple(p.shape)) * w).astype(F32)))
        built.append(net)
    return built


@settings(max_examples=120, deadline=None)
@given(st.integers(0, 2 ** 31), st.integers(1, 300), st.integers(1, 40), st.integers(1, 200), st.booleans(),
       st.lists(st.integers(1, 20), min_size=1, max_size=2), st.floats(-4, 3), st.floats(-3, 1),
       st.sampled_from(["any", "pos", "neg"]))
def test_quantize_dynamic_linear_bit_exact(seed, in_f, hidden, out_f, bias, batch, mag, wmag, sign):
    nets = _models(in_f, hidden, out_f, bias, 10 ** wmag, seed)
    qnets = [m.ao.quantization.quantize_dynamic(n, {m.nn.Linear}, dtype=m.qint8) for m, n in zip(MODS, nets)]
    assert repr(qnets[0]) == repr(qnets[1])
    for i in (0, 2):
        assert repr(qnets[0][i].weight()) == repr(qnets[1][i].weight())
        assert_same_array(qnets[0][i].weight().int_repr(), qnets[1][i].weight().int_repr())
    x = _f32(seed + 1, tuple(batch) + (in_f,), 10 ** mag)
    x = np.asarray(np.abs(x) if sign == "pos" else -np.abs(x) if sign == "neg" else x, F32)
    # the fbgemm kernel's output, bit for bit (atol = rtol = 0)
    same_on_both(lambda m, a: qnets[MODS.index(m)](a), [x], grad=False)


def test_quantize_dynamic_module_surface():
    nets = _models(4, 3, 2, True, 0.5, 0)
    q = [m.quantization.quantize_dynamic(n, {m.nn.Linear}, dtype=m.qint8) for m, n in zip(MODS, nets)]
    assert list(q[0].state_dict()) == list(q[1].state_dict())
    assert q[0][0].extra_repr() == q[1][0].extra_repr()
    assert type(q[1][0]).__name__ == "Linear" and type(q[1][0]).__module__.endswith(
        "ao.nn.quantized.dynamic.modules.linear")
    assert repr(q[0][0].bias()) == repr(q[1][0].bias())
    assert [len(list(x.parameters())) for x in q] == [0, 0] and [len(list(x.buffers())) for x in q] == [0, 0]
    assert q[1] is not nets[1] and isinstance(nets[1][0], glasstorch.nn.Linear)    # a copy, unless inplace=True
    # a bare Linear is not replaced (only what a model contains is)
    lone = [m.ao.quantization.quantize_dynamic(m.nn.Linear(2, 2), dtype=m.qint8) for m in MODS]
    assert repr(lone[0]) == repr(lone[1])
    same_error(lambda m: q[MODS.index(m)](m.ones(4)))      # a 1-d input
    assert torch.quantization.quantize_dynamic is torch.ao.quantization.quantize_dynamic
    assert glasstorch.quantization.quantize_dynamic is glasstorch.ao.quantization.quantize_dynamic
