"""Parity pins for sweep25c (model compression and quantization tutorial programs).

Fixed in glasstorch:
- ``fake_quantize_per_tensor_affine`` binds its arguments as torch's parser does: (Tensor, Tensor) qparams take
  the tensor-qparams overload (no zero-point range check, zero point read first and truncated, grad_fn
  ``...TensorQparamsBackward0``), a Python or 0-dim tensor scale / zero point the scalar one (range-checked,
  ``FakeQuantizePerTensorAffineCachemaskBackward0``); a float zero point, a 1-element scale with an int zero
  point, a float quant_max ... raise torch's TypeError; qparams that require grad raise torch's "not
  differentiable" error; integer, bool and complex inputs raise torch's NotImplementedError
  (_quant_fake.py, _quant_fake_args.py);
- both fake quantizers compute as torch's kernels: x * (1 / scale) in float (a half input is widened, a double
  one stays double), the zero point added in that type (a large zero point swallows the rounding); per tensor a
  nan clamps to quant_min and an infinite value to its end of the range; per channel the sum is cast to int64
  as x86 does (nan, inf and out-of-range values give INT64_MIN, hence quant_min), the result is the double
  product rounded once to the input's dtype (half results were computed in half), and floating zero points
  shift the grid (lrintf(fma(x, 1 / scale, zp)) - zp, one fma as GCC compiles it) where their fraction was
  dropped;
- ``fake_quantize_per_channel_affine`` checks as torch, in torch's order: qparams requiring grad, scale dtype
  (Float), zero-point dtype, 1-D qparams, equal lengths, ``input.size(axis)`` (torch's IndexError for a bad
  axis: it was "list assignment index out of range"), quant_min <= quant_max, the int zero points' range (an
  empty one: at::min's error), axis >= 0, then the input dtype;
- ``Tensor.size(d)`` / ``stride(d)`` of a 0-dim tensor raise "Dimension specified as d but tensor has no
  dimensions" (was Python's "tuple index out of range");
- ``torch.quantize_per_channel`` checks in torch's order (qparam dims, their lengths matching, float scales,
  then the quantized dtype, a float input, the zero points' range, the axis, the lengths against the channel
  count), and refuses floating zero points (per_channel_affine_float_qparams) instead of truncating them;
- per-tensor quantized tensors stay quantized through ``chunk``, ``split``, ``unbind``, ``tensor_split``,
  ``movedim``, ``swapaxes``, ``unflatten``, ``expand_as``, ``flip``, ``unfold``, ``as_strided``, ``diagonal``
  and through the function forms (``torch.reshape(q)``, ``torch.transpose(q)``, ``torch.chunk(q)`` ...);
  ``torch.int_repr`` exists; ``q.roll`` raises torch's QuantizedCPU error; ``relu`` / ``relu_`` / ``torch.relu``
  / ``F.relu`` / ``nn.ReLU`` of a per-tensor quantized tensor give max(q, zero_point) with its qparams (in place
  for the in-place forms), a per-channel one torch's per-tensor-only error (they computed float tensors)
  (_quant_views.py, nn/functional.py); a function
  wrapped twice (sparse routing, then quantized routing) still reports torch's parser errors for the user's
  call (_arg_refuse.py: the entry frame skips every pass-through wrapper).
"""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from tests.parity._helpers import MODS, same_error, same_on_both, same_outcome

warnings.filterwarnings("ignore", message=".*quantized tensor creation functions.*")

SPECIALS = np.array([np.nan, np.inf, -np.inf, 1e10, -1e10, 1e19, -1e19, 2.5, -2.5, 0.0, -0.0])


def _inputs(seed, n, dtype, special):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(n) * rng.choice([0.5, 3.0, 40.0])
    if special:
        x = np.concatenate([x, SPECIALS])
    return x.astype(dtype)


# ---- fake_quantize_per_tensor_affine --------------------------------------------------------------
@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10 ** 6), st.sampled_from([np.float32, np.float64, np.float16]), st.booleans(),
       st.floats(1e-3, 4.0), st.integers(-20, 20), st.sampled_from([(-128, 127), (0, 255), (-8, 7), (0, 15)]),
       st.sampled_from(["python", "tensors", "mixed"]))
def test_fake_quant_per_tensor_values_and_grad(seed, dtype, special, scale, zp_off, qrange, kind):
    qmin, qmax = qrange
    zp = min(max(qmin + (qmax - qmin) // 2 + zp_off, qmin), qmax)
    x = _inputs(seed, 12, dtype, special)

    def fn(m, x):
        if kind == "python":
            s, z = scale, zp
        elif kind == "tensors":
            s, z = m.tensor([scale]), m.tensor([zp], dtype=m.int32)
        else:
            s, z = scale, m.tensor(zp)
        return m.fake_quantize_per_tensor_affine(x, s, z, qmin, qmax)
    same_on_both(fn, [x])


@pytest.mark.parametrize("zp", [2.7, -0.7, -2.5, 3.5, 1, -200, 300])
def test_fake_quant_tensor_qparams_zero_point_truncated_unchecked(zp):
    x = np.array([-3.0, -0.26, 0.0, 0.25, 0.35, 3.0], np.float32)
    same_on_both(lambda m, x: m.fake_quantize_per_tensor_affine(x, m.tensor(0.1), m.tensor(zp), -5, 5), [x])


def test_fake_quant_large_zero_point_added_in_float():
    x = np.array([0.4, 0.6, 1e8, 16777217.0, -0.6], np.float32)
    same_on_both(lambda m, x: m.fake_quantize_per_tensor_affine(x, 1.0, 16777216, 0, 2 ** 40), [x])
    same_on_both(lambda m, x: m.fake_quantize_per_channel_affine(
        x[None], m.tensor([1.0]), m.tensor([16777216], dtype=m.int32), 0, 0, 2 ** 40), [x])


FQ_PT_CASES = {
    "float zero point": lambda m, x: m.fake_quantize_per_tensor_affine(x, 0.1, 0.5, -127, 127),
    "float quant_max": lambda m, x: m.fake_quantize_per_tensor_affine(x, 0.1, 0, -5, 5.0),
    "1-elem scale, int zp": lambda m, x: m.fake_quantize_per_tensor_affine(x, m.tensor([0.1]), 3, -5, 5),
    "rg 0-d scale, int zp": lambda m, x: m.fake_quantize_per_tensor_affine(
        x, m.tensor(0.1, requires_grad=True), 3, -5, 5),
    "float tensor zp, python scale": lambda m, x: m.fake_quantize_per_tensor_affine(x, 0.1, m.tensor(3.0), -5, 5),
    "bool zp": lambda m, x: m.fake_quantize_per_tensor_affine(x, 0.1, True, -5, 5),
    "complex scale": lambda m, x: m.fake_quantize_per_tensor_affine(x, 0.1 + 0j, 1, -5, 5),
    "missing": lambda m, x: m.fake_quantize_per_tensor_affine(x, 0.1, 0, -5),
    "wrong keyword": lambda m, x: m.fake_quantize_per_tensor_affine(x, 0.1, 0, qmin=-5, quant_max=5),
    "keywords": lambda m, x: m.fake_quantize_per_tensor_affine(input=x, scale=0.1, zero_point=0, quant_min=-5,
                                                               quant_max=5),
    "mixed zp out of range": lambda m, x: m.fake_quantize_per_tensor_affine(x, 0.1, m.tensor(30), -5, 5),
    "scalar zp out of range": lambda m, x: m.fake_quantize_per_tensor_affine(x, 0.1, 30, -5, 5),
    "min > max": lambda m, x: m.fake_quantize_per_tensor_affine(x, 0.1, 0, 5, -5),
    "tensors min > max": lambda m, x: m.fake_quantize_per_tensor_affine(x, m.tensor(0.1), m.tensor(0), 5, -5),
    "2-elem scale, 3-elem zp": lambda m, x: m.fake_quantize_per_tensor_affine(
        x, m.tensor([0.1, 0.2]), m.tensor([1, 2, 3]), -5, 5),
    "2-elem zp": lambda m, x: m.fake_quantize_per_tensor_affine(x, m.tensor(0.1), m.tensor([0, 1]), -5, 5),
    "empty scale": lambda m, x: m.fake_quantize_per_tensor_affine(x, m.tensor([]), m.tensor([0]), -5, 5),
    "zp overflow": lambda m, x: m.fake_quantize_per_tensor_affine(x, m.tensor(0.1), m.tensor(3e9), -5, 5),
    "zp nan": lambda m, x: m.fake_quantize_per_tensor_affine(x, m.tensor(0.1), m.tensor(float("nan")), -5, 5),
    "scale overflow": lambda m, x: m.fake_quantize_per_tensor_affine(
        x, m.tensor(1e300, dtype=m.float64), m.tensor(0), -5, 5),
    "int scale tensor": lambda m, x: m.fake_quantize_per_tensor_affine(x, m.tensor(1), m.tensor(0), -5, 5),
    "bool scale": lambda m, x: m.fake_quantize_per_tensor_affine(x, True, 0, -5, 5),
    "inf scale": lambda m, x: m.fake_quantize_per_tensor_affine(x, float("inf"), 0, -5, 5),
    "zero scale": lambda m, x: m.fake_quantize_per_tensor_affine(x, 0.0, 0, -5, 5),
    "negative scale": lambda m, x: m.fake_quantize_per_tensor_affine(x, -0.1, 0, -5, 5),
    "int input": lambda m, x: m.fake_quantize_per_tensor_affine(x.int(), 0.1, 0, -5, 5),
    "int input, tensors": lambda m, x: m.fake_quantize_per_tensor_affine(x.long(), m.tensor(0.1), m.tensor(0), -5, 5),
    "bool input": lambda m, x: m.fake_quantize_per_tensor_affine(x > 0, 0.1, 0, -5, 5),
    "complex input": lambda m, x: m.fake_quantize_per_tensor_affine(x.to(m.complex64), 0.1, 0, -5, 5),
    "int input, bad range": lambda m, x: m.fake_quantize_per_tensor_affine(x.int(), 0.1, 0, 5, -5),
    "scale requires grad": lambda m, x: m.fake_quantize_per_tensor_affine(
        x, m.tensor(0.1, requires_grad=True), m.tensor(3), 5, -5),
    "zp requires grad": lambda m, x: m.fake_quantize_per_tensor_affine(
        x, m.tensor(0.1), m.tensor(3.0, requires_grad=True), -5, 5),
}


@pytest.mark.parametrize("name", sorted(FQ_PT_CASES))
def test_fake_quant_per_tensor_arguments(name):
    x = np.array([-3.0, -0.26, 0.0, 0.25, 0.35, 3.0], np.float32)
    same_outcome(lambda m: FQ_PT_CASES[name](m, m.from_numpy(x.copy())))


def test_fake_quant_qparams_requiring_grad_pass_under_no_grad():
    def fn(m):
        with m.no_grad():
            return m.fake_quantize_per_tensor_affine(m.tensor([0.3, 2.0]), m.tensor(0.1, requires_grad=True),
                                                     m.tensor(0), -5, 5)
    same_outcome(fn)


def test_fake_quant_grad_fn_follows_the_overload():
    x = np.array([-1.0, 0.3, 9.0], np.float32)
    for s, z in [(0.1, 0), ("t", 0), (0.1, "t"), ("t", "t")]:
        same_on_both(lambda m, x: m.fake_quantize_per_tensor_affine(
            x, m.tensor(0.1) if s == "t" else s, m.tensor(0) if z == "t" else z, -5, 5), [x])


# ---- fake_quantize_per_channel_affine -------------------------------------------------------------
@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10 ** 6), st.sampled_from([np.float32, np.float64, np.float16]), st.booleans(),
       st.sampled_from(["int32", "float32", "float16"]), st.integers(0, 1),
       st.sampled_from([(-128, 127), (0, 255), (-8, 7)]))
def test_fake_quant_per_channel_values_and_grad(seed, dtype, special, zp_kind, axis, qrange):
    qmin, qmax = qrange
    rng = np.random.default_rng(seed + 1)
    x = _inputs(seed, 12, dtype, special)
    x = x[: (x.size // 3) * 3].reshape(-1, 3) if axis == 1 else x[: (x.size // 2) * 2].reshape(2, -1)
    c = x.shape[axis]
    scales = rng.uniform(0.01, 2.0, c).astype(np.float32)
    zps = rng.integers(qmin, qmax + 1, c)
    if zp_kind != "int32":
        zps = zps + rng.uniform(-0.5, 0.5, c)

    def fn(m, x):
        return m.fake_quantize_per_channel_affine(x, m.tensor(scales), m.tensor(zps.astype(zp_kind)), axis, qmin,
                                                  qmax)
    same_on_both(fn, [x])


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
@pytest.mark.parametrize("zp_dtype", ["float32", "float16"])
def test_fake_quant_per_channel_float_zero_point_is_fused(dtype, zp_dtype):
    """zero_point + x * inv_scale is one fma in torch's kernel: large |x / scale| with a fractional zero point
    round differently from the two-step sum in about one case of a few thousand."""
    rng = np.random.default_rng(3)
    x = (rng.standard_normal((8, 4000)) * 1e5).astype(dtype)
    scales = rng.uniform(1e-4, 3, 8).astype(np.float32)
    zps = (rng.integers(-1000, 1000, 8) + rng.uniform(-0.5, 0.5, 8)).astype(zp_dtype)
    same_on_both(lambda m, x: m.fake_quantize_per_channel_affine(x, m.tensor(scales), m.tensor(zps), 0, -2 ** 31,
                                                                 2 ** 31 - 1), [x])


W = np.arange(24, dtype=np.float32).reshape(4, 2, 3) / 7 - 1.5
S4 = np.full(4, 0.1, np.float32)
Z4 = np.zeros(4, np.int32)
FQ_PC_CASES = {
    "axis 5": lambda m, w, s, z: m.fake_quantize_per_channel_affine(w, s, z, 5, -127, 127),
    "axis 3": lambda m, w, s, z: m.fake_quantize_per_channel_affine(w, s, z, 3, -127, 127),
    "axis -4": lambda m, w, s, z: m.fake_quantize_per_channel_affine(w, s, z, -4, -127, 127),
    "axis -1": lambda m, w, s, z: m.fake_quantize_per_channel_affine(w, s[:3], z[:3], -1, -127, 127),
    "axis -3": lambda m, w, s, z: m.fake_quantize_per_channel_affine(w, s, z, -3, 5, -5),
    "short scale": lambda m, w, s, z: m.fake_quantize_per_channel_affine(w, s[:3], z, 0, -127, 127),
    "short zp": lambda m, w, s, z: m.fake_quantize_per_channel_affine(w, s, z[:3], 0, -127, 127),
    "both short": lambda m, w, s, z: m.fake_quantize_per_channel_affine(w, s[:3], z[:3], 0, -127, 127),
    "2-D scale": lambda m, w, s, z: m.fake_quantize_per_channel_affine(w, s.reshape(2, 2), z, 0, -127, 127),
    "2-D zp": lambda m, w, s, z: m.fake_quantize_per_channel_affine(w, s, z.reshape(2, 2), 0, -127, 127),
    "0-d scale": lambda m, w, s, z: m.fake_quantize_per_channel_affine(w[:1], s[0], z[0], 0, -5, 5),
    "long zp": lambda m, w, s, z: m.fake_quantize_per_channel_affine(w, s, z.long(), 0, -127, 127),
    "int8 zp": lambda m, w, s, z: m.fake_quantize_per_channel_affine(w, s, z.to(m.int8), 0, -127, 127),
    "double zp": lambda m, w, s, z: m.fake_quantize_per_channel_affine(w, s, z.double(), 0, -127, 127),
    "double scale": lambda m, w, s, z: m.fake_quantize_per_channel_affine(w, s.double(), z, 0, -127, 127),
    "half scale": lambda m, w, s, z: m.fake_quantize_per_channel_affine(w, s.half(), z, 0, -127, 127),
    "int scale": lambda m, w, s, z: m.fake_quantize_per_channel_affine(w, s.int(), z, 0, -127, 127),
    "double scale, long 2-D zp": lambda m, w, s, z: m.fake_quantize_per_channel_affine(
        w, s.double(), z.long()[None], 0, -127, 127),
    "min > max": lambda m, w, s, z: m.fake_quantize_per_channel_affine(w, s, z, 0, 10, -10),
    "zp out of range": lambda m, w, s, z: m.fake_quantize_per_channel_affine(w, s, z + 200, 0, -127, 127),
    "float zp out of range": lambda m, w, s, z: m.fake_quantize_per_channel_affine(
        w, s, z.float() + 200, 0, -127, 127),
    "0-d input": lambda m, w, s, z: m.fake_quantize_per_channel_affine(w[0, 0, 0], s[:1], z[:1], 0, -127, 127),
    "empty": lambda m, w, s, z: m.fake_quantize_per_channel_affine(w[:0], s[:0], z[:0], 0, -127, 127),
    "empty float zp": lambda m, w, s, z: m.fake_quantize_per_channel_affine(w[:0], s[:0], z[:0].float(), 0, -1, 1),
    "int input": lambda m, w, s, z: m.fake_quantize_per_channel_affine(w.int(), s, z, 0, -127, 127),
    "int input, zp out of range": lambda m, w, s, z: m.fake_quantize_per_channel_affine(w.int(), s, z + 50, 0, -5, 5),
    "bool input": lambda m, w, s, z: m.fake_quantize_per_channel_affine(w > 0, s, z, 0, -127, 127),
    "complex input": lambda m, w, s, z: m.fake_quantize_per_channel_affine(w.to(m.complex64), s, z, 0, -127, 127),
    "python scale": lambda m, w, s, z: m.fake_quantize_per_channel_affine(w, 0.1, z, 0, -127, 127),
    "float axis": lambda m, w, s, z: m.fake_quantize_per_channel_affine(w, s, z, 0.0, -127, 127),
    "missing": lambda m, w, s, z: m.fake_quantize_per_channel_affine(w, s, z, 0, -127),
    "keywords": lambda m, w, s, z: m.fake_quantize_per_channel_affine(w, s, z, axis=0, quant_min=-5, quant_max=5),
    "scale requires grad": lambda m, w, s, z: m.fake_quantize_per_channel_affine(
        w, s.double().requires_grad_(), z, 0, -127, 127),
    "zp requires grad": lambda m, w, s, z: m.fake_quantize_per_channel_affine(
        w, s, z.float().requires_grad_(), 0, -127, 127),
}


@pytest.mark.parametrize("name", sorted(FQ_PC_CASES))
def test_fake_quant_per_channel_arguments(name):
    same_outcome(lambda m: FQ_PC_CASES[name](m, m.from_numpy(W.copy()), m.from_numpy(S4.copy()),
                                             m.from_numpy(Z4.copy())))


# ---- size / stride of a 0-dim tensor ----------------------------------------------------------------
@pytest.mark.parametrize("expr", ["x.size(0)", "x.size(-1)", "x.stride(0)", "x.size(dim=0)", "x.stride(-1)",
                                  "x.size(1)", "y.size(2)", "y.stride(-3)", "y.size(-2)"])
def test_size_and_stride_of_dims(expr):
    def fn(m):
        x, y = m.tensor(1.0), m.zeros(2, 3)
        return m.tensor(eval(expr))
    same_outcome(fn)


# ---- quantize_per_channel argument checks ---------------------------------------------------------
QPC_CASES = {
    "scales vs zps": lambda m, x: m.quantize_per_channel(x, m.tensor([.1, .2, .3]), m.tensor([0, 1]), 0, m.quint8),
    "zps vs scales": lambda m, x: m.quantize_per_channel(x, m.tensor([.1, .2]), m.tensor([0, 1, 2]), 0, m.quint8),
    "both vs channels": lambda m, x: m.quantize_per_channel(x, m.tensor([.1, .2, .3, .4]), m.tensor([0, 1, 2, 3]),
                                                            0, m.quint8),
    "axis and lengths": lambda m, x: m.quantize_per_channel(x, m.tensor([.1, .2, .3]), m.tensor([0, 1]), 5,
                                                            m.quint8),
    "double input, bad axis": lambda m, x: m.quantize_per_channel(x.double(), m.tensor([.1, .2]), m.tensor([0, 1]),
                                                                  4, m.quint8),
    "int scales 2-D": lambda m, x: m.quantize_per_channel(x, m.tensor([[1, 2]]), m.tensor([0, 1]), 0, m.qint8),
    "int scales": lambda m, x: m.quantize_per_channel(x, m.tensor([1, 2]), m.tensor([0, 1]), 0, m.qint8),
    "2-D zps": lambda m, x: m.quantize_per_channel(x, m.tensor([.1, .2]), m.tensor([[0, 1]]), 0, m.qint8),
    "0-d scales": lambda m, x: m.quantize_per_channel(x, m.tensor(.1), m.tensor(0), 0, m.qint8),
    "float dtype + 2-D": lambda m, x: m.quantize_per_channel(x, m.tensor([[.1, .2]]), m.tensor([0, 1]), 0, m.float32),
    "float dtype + axis": lambda m, x: m.quantize_per_channel(x, m.tensor([.1, .2]), m.tensor([0, 1]), 7, m.float32),
    "bad axis + zp": lambda m, x: m.quantize_per_channel(x, m.tensor([.1, .2]), m.tensor([0, 501]), 7, m.quint8),
    "bad lengths + zp": lambda m, x: m.quantize_per_channel(x, m.tensor([.1, .2, .3]), m.tensor([0, 1, 500]), 0,
                                                            m.quint8),
    "int input": lambda m, x: m.quantize_per_channel(x.int(), m.tensor([.1, .2]), m.tensor([0, 1]), 0, m.quint8),
    "ok qint32": lambda m, x: m.quantize_per_channel(x, m.tensor([.1, .2]), m.tensor([0, 1]), 0,
                                                     m.qint32).int_repr(),
}


@pytest.mark.parametrize("name", sorted(QPC_CASES))
def test_quantize_per_channel_check_order(name):
    x = np.array([[1.5, -0.3, -2.2], [0.4, -0.8, 1.1]], np.float32)
    same_outcome(lambda m: QPC_CASES[name](m, m.from_numpy(x.copy())))


def test_quantize_per_channel_float_zero_points_refused():
    x = glasstorch.ones(2, 3)
    with pytest.raises(NotImplementedError):
        glasstorch.quantize_per_channel(x, glasstorch.tensor([0.1, 0.2]), glasstorch.tensor([0.5, 1.5]), 0,
                                        glasstorch.quint8)
    q = torch.quantize_per_channel(torch.ones(2, 3), torch.tensor([0.1, 0.2]), torch.tensor([0.5, 1.5]), 0,
                                   torch.quint8)
    assert q.qscheme() == torch.per_channel_affine_float_qparams      # what glasstorch does not model


# ---- per-tensor quantized views ------------------------------------------------------------------
def _q(m):
    x = m.from_numpy((np.arange(24, dtype=np.float32).reshape(4, 6) - 9.5) / 9)
    return m.quantize_per_tensor(x, 0.05, 3, m.quint8)


QVIEWS = {
    "chunk": lambda m, q: q.chunk(2, dim=1), "torch.chunk": lambda m, q: m.chunk(q, 2),
    "split": lambda m, q: q.split(3), "split list": lambda m, q: q.split([1, 5], dim=1),
    "unbind": lambda m, q: q.unbind(1), "torch.unbind": lambda m, q: m.unbind(q),
    "tensor_split": lambda m, q: q.tensor_split(3, dim=1), "torch.tensor_split": lambda m, q: m.tensor_split(q, 2),
    "movedim": lambda m, q: q.movedim(0, 1), "torch.movedim": lambda m, q: m.movedim(q, 1, 0),
    "swapaxes": lambda m, q: q.swapaxes(0, 1), "swapdims": lambda m, q: m.swapdims(q, 0, 1),
    "unflatten": lambda m, q: q.unflatten(1, (2, 3)), "expand_as": lambda m, q: q[:1].expand_as(q),
    "flip": lambda m, q: q.flip(0), "torch.flip": lambda m, q: m.flip(q, [0, 1]),
    "unfold": lambda m, q: q.unfold(1, 2, 2), "as_strided": lambda m, q: q.as_strided((2, 2), (1, 2)),
    "diagonal": lambda m, q: q.diagonal(), "torch.diagonal": lambda m, q: m.diagonal(q, 1),
    "torch.reshape": lambda m, q: m.reshape(q, (2, 12)), "torch.flatten": lambda m, q: m.flatten(q),
    "torch.transpose": lambda m, q: m.transpose(q, 0, 1), "torch.squeeze": lambda m, q: m.squeeze(q[None]),
    "torch.unsqueeze": lambda m, q: m.unsqueeze(q, 1), "torch.select": lambda m, q: m.select(q, 0, 1),
    "torch.narrow": lambda m, q: m.narrow(q, 1, 1, 2), "torch.permute": lambda m, q: m.permute(q, (1, 0)),
    "torch.t": lambda m, q: m.t(q), "torch.clone": lambda m, q: m.clone(q), "torch.detach": lambda m, q: m.detach(q),
    "relu": lambda m, q: q.relu(), "torch.relu": lambda m, q: m.relu(q), "F.relu": lambda m, q: m.nn.functional.relu(q),
    "nn.ReLU": lambda m, q: m.nn.ReLU()(q),
    "relu_": lambda m, q: q if q.relu_() is q else None,      # in place: the very tensor, changed
    "torch.relu_": lambda m, q: q if m.relu_(q) is q else None,
    "F.relu inplace": lambda m, q: q if m.nn.functional.relu(q, True) is q else None,
    "nn.ReLU inplace": lambda m, q: q if m.nn.ReLU(inplace=True)(q) is q else None,
    "relu qint8": lambda m, q: m.relu(m.quantize_per_tensor(q.dequantize(), 0.02, -5, m.qint8)),
    "relu qint32": lambda m, q: m.quantize_per_tensor(q.dequantize(), 0.01, 7, m.qint32).relu(),
    "relu per-channel": lambda m, q: m.relu(m.quantize_per_channel(q.dequantize(), m.tensor([.1, .2, .1, .3]),
                                                                   m.tensor([0, 1, 2, 3]), 0, m.qint8)),
}


def _describe(r):
    parts = r if isinstance(r, tuple) else (r,)
    return [(str(p.dtype), tuple(p.shape), p.q_scale(), p.q_zero_point(), p.int_repr().tolist()) for p in parts]


@pytest.mark.parametrize("name", sorted(QVIEWS))
def test_per_tensor_quantized_views_stay_quantized(name):
    outs = {}
    for m in MODS:
        try:
            outs[m] = _describe(QVIEWS[name](m, _q(m)))
        except Exception:      # noqa: BLE001 - torch's error is the expectation
            same_error(lambda m: QVIEWS[name](m, _q(m)))
            return
    assert outs[torch] == outs[glasstorch]


def _same_dispatch_error(fn):
    errs = {}
    for m in MODS:
        with pytest.raises(NotImplementedError) as info:
            fn(m)
        # torch goes on to list every backend with its build paths; glasstorch stops at the list's start
        errs[m] = str(info.value).split(" is only available for these backends")[0]
    assert errs[torch] == errs[glasstorch]


@pytest.mark.parametrize("fn", [lambda m, q: q.roll(1, 0), lambda m, q: m.roll(q, 1)])
def test_quantized_roll_refused(fn):
    _same_dispatch_error(lambda m: fn(m, _q(m)))


@pytest.mark.parametrize("expr", ["t.reshape(x, 'a')", "t.flip(x, dims=0.5)", "t.chunk(x, 2.0)", "t.transpose(x, 0)",
                                  "t.select(x, 0, 5)", "t.unbind(x, dim=3)", "t.int_repr(x, 1)", "t.roll(x, 1)",
                                  "t.reshape(input=x, shape=(3, 2))", "t.chunk(input=x, chunks=2)",
                                  "t.narrow(x, dim=0, start=0, length=5)", "t.sin(x, 'a')"])
def test_routed_functions_keep_their_errors(expr):
    """The quantized routing wraps functions the sparse routing already wraps: torch's parser errors still
    name the user's call (positions counted from the user's arguments)."""
    def fn(m):
        x = m.zeros(2, 3)
        return eval(expr, {"t": m, "x": x})
    same_outcome(fn)


def test_torch_int_repr():
    same_outcome(lambda m: m.int_repr(_q(m)))
    _same_dispatch_error(lambda m: m.int_repr(m.ones(3)))
