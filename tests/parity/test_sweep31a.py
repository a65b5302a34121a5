"""Parity pins for sweep31a (object detection programs: RoIAlign, YOLO head, mAP, RPN matching, DETR).

Fixed in glasstorch:
- float16 with a number (or 0-d tensor) operand reads the scalar as torch's CPU kernels do
  (ops/_half_scalar.py): ``add`` / ``sub`` / ``rsub`` (and ``alpha``), ``remainder`` / ``fmod`` take the
  number rounded to float16 (``h + 0.1`` adds float16(0.1)), where glasstorch used float32(0.1);
  ``mul`` / ``div`` with a 0-d float32/float64 tensor second read its value unrounded in float32 (was
  rounded to float16), and ``torch.mul(0.1, h)`` (a number first) rounds it (was float32); an
  ``alpha`` beyond the dtype's range is torch's "value cannot be converted to type c10::Half without
  overflow" (float32 too), not inf (ops/arithmetic.py, ops/binary_more.py);
- float16 ``addcmul`` / ``addcdiv`` compute as torch's reduced-float kernels: in float32 with the
  value unrounded (addcmul fused as the float32 kernel), rounded once, instead of float16 steps
  (ops/ternary.py);
- the ``.Scalar`` helpers (``mul_scalar`` / ``div_scalar``) used by torch's C++ composites multiply a
  float16 tensor by the unrounded number in float32: ``F.cross_entropy(h, labels, label_smoothing=0.1)``
  now matches (ops/scalar_arith.py);
- ``F.cross_entropy`` with class-probability targets and label smoothing records the target's
  smoothing as torch's C++ does, ``MulBackward1`` then ``AddBackward1`` (was MulBackward0 / AddBackward0)
  (nn/_ops/cross_entropy_parts.py);
- the gradients of asin, acos, asinh, acosh are torch's ``grad * (1 - x^2).rsqrt()`` forms (a multiply
  by 1 / sqrt, not a division by sqrt: about a third of float32 / float64 elements differed in the last
  bit; float16 rounds after each step as torch's half ops), and record torch's graph under create_graph
  (ops/_inverse_trig_grad.py, ops/pointwise.py);
- under create_graph the derivatives of log1p, expm1, log2, log10, exp2, sqrt, rsqrt, tan, atan, atanh,
  erf, erfc, erfinv, logit, special.erfcx / entr / xlog1py and silu record C++'s nodes: ``x + 1`` as
  AddBackward1, ``2 * y`` / ``x * ln2`` as MulBackward1, ``1 - x`` as SubBackward0 (C++'s
  operator-(Scalar, Tensor)), ``x.pow(2)`` as PowBackward0 (was AddBackward0 / MulBackward0 /
  RsubBackward1); the plain backward's values are unchanged (ops/_grad_scalars.py);
- float16 ``silu`` backward runs torch's float32 formula (one fma) and rounds once, where glasstorch
  rounded after each half step (42% of elements differed) (nn/_ops/silu.py);
- maximum / minimum (and binary max / min) under create_graph record torch's
  ``where(a == b, grad / 2, grad).masked_fill_(a < b, 0)`` (DivBackward1, WhereBackward0,
  MaskedFillBackward0; was two WhereBackward0 and DivBackward0), fmax / fmin a masked_fill of grad
  (ops/binary_more.py) -- the GIoU corners' second derivative;
- vector norms under create_graph follow torch's norm_backward: masked_fill_ where the norm (p < 1:
  x) is 0 (was where), sgn (was sign), and with no dim given the 0-d gradient broadcasts (no
  UnsqueezeBackward0 pair) (ops/norms.py);
- var / std / var_mean / std_mean under create_graph follow torch's var_backward / std_backward /
  mean_backward: (2 / (N - c)) through mul.Scalar (was MulBackward0), the whole mean (MeanBackward0,
  was MeanBackward1) and no unsqueezing when no dim is given or the input is 1-d, std's
  ``grad / (2 * y)`` as MulBackward1, var_mean's mean part expanded then divided by div.Scalar
  (DivBackward1) (ops/moments.py).
"""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from tests.parity._helpers import assert_same_array, graph_names, same_on_both, same_outcome

H = np.random.default_rng(31).standard_normal(512).astype(np.float16)

HALF_EXPRS = {
    "add_number": lambda m, h, c: h + c,
    "radd_number": lambda m, h, c: c + h,
    "add_method": lambda m, h, c: h.add(c),
    "add_alpha": lambda m, h, c: h.add(c, alpha=3),
    "add_tensor_alpha": lambda m, h, c: m.add(h, h, alpha=c),
    "add_0d_alpha": lambda m, h, c: h.add(h, alpha=m.tensor(c)),
    "add_": lambda m, h, c: h.clone().add_(c),
    "sub_number": lambda m, h, c: h - c,
    "rsub_number": lambda m, h, c: c - h,
    "sub_alpha": lambda m, h, c: h.sub(c, alpha=3),
    "sub_": lambda m, h, c: h.clone().sub_(c),
    "rsub": lambda m, h, c: m.rsub(h, c),
    "rsub_alpha": lambda m, h, c: m.rsub(h, c, alpha=3),
    "torch_sub_number_first": lambda m, h, c: m.sub(c, h),
    "add_0d": lambda m, h, c: h + m.tensor(c),
    "mul_number": lambda m, h, c: h * c,
    "rmul_number": lambda m, h, c: c * h,
    "torch_mul_number_first": lambda m, h, c: m.mul(c, h),
    "mul_0d": lambda m, h, c: h * m.tensor(c),
    "mul_0d_f64": lambda m, h, c: h * m.tensor(c, dtype=m.float64),
    "mul_0d_first": lambda m, h, c: m.tensor(c) * h,
    "mul_0d_half": lambda m, h, c: h * m.tensor(c).half(),
    "mul_": lambda m, h, c: h.clone().mul_(m.tensor(c)),
    "div_number": lambda m, h, c: h / c,
    "rdiv_number": lambda m, h, c: c / h,
    "div_0d": lambda m, h, c: h / m.tensor(c),
    "div_0d_first": lambda m, h, c: m.tensor(c) / h,
    "div_": lambda m, h, c: h.clone().div_(m.tensor(c)),
    "remainder": lambda m, h, c: h.remainder(c),
    "fmod": lambda m, h, c: h.fmod(c),
    "remainder_0d": lambda m, h, c: m.remainder(h, m.tensor(c)),
    "addcmul": lambda m, h, c: h.addcmul(h, h, value=c),
    "addcmul_1": lambda m, h, c: m.addcmul(h, h * c, h),
    "addcdiv": lambda m, h, c: h.addcdiv(h, h.abs() + 1, value=c),
    "addcmul_": lambda m, h, c: h.clone().addcmul_(h, h, value=c),
    "addcdiv_": lambda m, h, c: h.clone().addcdiv_(h, h.abs() + 1, value=c),
}


@pytest.mark.parametrize("c", [0.1, 1.3, -0.7, 1e-3, 3.0])
@pytest.mark.parametrize("name", sorted(HALF_EXPRS))
def test_float16_scalar_operand(name, c):
    fn = HALF_EXPRS[name]
    same_on_both(lambda m, h: fn(m, h, c), [H], grad=False)


@settings(max_examples=40, deadline=None)
# (a divisor that rounds to float16 zero makes fmod / remainder nan, whose sign bit torch's vector loop
# and its scalar tail set differently: left alone, see the report)
@given(st.floats(-100, 100, allow_nan=False, width=32).filter(lambda v: abs(v) > 1e-3),
       st.sampled_from(sorted(HALF_EXPRS)))
def test_float16_scalar_operand_any_number(c, name):
    fn = HALF_EXPRS[name]
    same_on_both(lambda m, h: fn(m, h, c), [H], grad=False)


@pytest.mark.parametrize("name", ["add_alpha", "add_tensor_alpha", "add_0d_alpha", "rsub_alpha", "sub_alpha",
                                  "add_number", "mul_number", "remainder"])
def test_float16_scalar_beyond_range(name):
    """70000 is beyond float16: an alpha is refused (checked cast), a number becomes inf or stays float32."""
    fn = HALF_EXPRS[name]
    same_outcome(lambda m: fn(m, m.from_numpy(H.copy()), 70000.0))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_alpha_overflow_is_refused(dtype):
    same_outcome(lambda m: m.ones(3, dtype=getattr(m, dtype)).add(m.ones(3, dtype=getattr(m, dtype)), alpha=1e300))


def test_float16_add_keeps_gradients():
    x = np.array([0.3, -1.2, 2.5], dtype=np.float16)
    same_on_both(lambda m, h: (h + 0.1) * (h - 0.3) + m.rsub(h, 0.7, alpha=2), [x])


@pytest.mark.parametrize("ls", [0.1, 0.3])
@pytest.mark.parametrize("reduction", ["mean", "none", "sum"])
def test_float16_cross_entropy_label_smoothing(ls, reduction):
    x = np.random.default_rng(1).standard_normal((64, 5)).astype(np.float16)
    y = np.random.default_rng(2).integers(0, 5, 64)
    same_on_both(lambda m, a, t: m.nn.functional.cross_entropy(a, t, label_smoothing=ls, reduction=reduction),
                 [x, y], grad=False)


def test_float16_cross_entropy_probabilities_smoothing():
    x = np.random.default_rng(1).standard_normal((8, 5)).astype(np.float16)
    p = np.random.default_rng(2).dirichlet(np.ones(5), 8).astype(np.float16)
    same_on_both(lambda m, a, t: m.nn.functional.cross_entropy(a, t, label_smoothing=0.3, reduction="none"),
                 [x, p], grad=False)


@pytest.mark.parametrize("kw", [{}, {"reduction": "none"}, {"reduction": "sum"}, {"weighted": True}])
def test_cross_entropy_probability_target_smoothing_graph(kw):
    """A target that requires grad (a learned teacher): its smoothing is mul.Scalar then add.Scalar."""
    x = np.random.default_rng(3).standard_normal((4, 3))
    p = np.random.default_rng(4).dirichlet(np.ones(3), 4)

    def fn(m, a, t):
        opts = dict(kw)
        if opts.pop("weighted", False):
            opts["weight"] = m.tensor([1.0, 2.0, 0.5], dtype=m.float64)
        loss = m.nn.functional.cross_entropy(a, t, label_smoothing=0.2, **opts)
        return loss, str(graph_names(loss))
    same_on_both(fn, [x, p])


def test_cross_entropy_probability_target_smoothing_double_backward():
    x = np.random.default_rng(5).standard_normal((3, 4))
    p = np.random.default_rng(6).dirichlet(np.ones(4), 3)

    def fn(m, a, t):
        loss = m.nn.functional.cross_entropy(a, t, label_smoothing=0.1)
        ga, gt = m.autograd.grad(loss, (a, t), create_graph=True)
        return ga, gt
    same_on_both(fn, [x, p])


# ---- asin / acos / asinh / acosh: torch's rsqrt-form derivatives -----------------------------------
TRIG = {"asin": (-0.99, 0.99), "acos": (-0.99, 0.99), "asinh": (-30.0, 30.0), "acosh": (1.01, 30.0)}


def _input_grads(name, x, g):
    """The gradient of ``name`` at ``x`` for the upstream ``g``, on torch then glasstorch (the forward
    values are not compared here: float64 asin / acos forward values differ in the last bit, left alone)."""
    out = []
    for m in (torch, glasstorch):
        t = m.from_numpy(x.copy()).requires_grad_(True)
        getattr(m, name)(t).backward(m.from_numpy(g.copy()))
        out.append(t.grad)
    return out


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(TRIG))
def test_inverse_trig_gradient_bits(name, dtype):
    lo, hi = TRIG[name]
    x = np.random.default_rng(7).uniform(lo, hi, 4096).astype(dtype)
    g = np.random.default_rng(12).standard_normal(4096).astype(dtype)
    assert_same_array(*_input_grads(name, x, g))


@pytest.mark.parametrize("name", sorted(TRIG))
def test_inverse_trig_gradient_float16(name):
    """Each step rounded to half as torch's half ops (4096 elements: a whole number of torch's vectors;
    in a partial last vector torch's loop rounds otherwise, not modelled)."""
    lo, hi = TRIG[name]
    x = np.random.default_rng(8).uniform(lo, hi, 4096).astype(np.float16)
    g = np.random.default_rng(13).standard_normal(4096).astype(np.float16)
    assert_same_array(*_input_grads(name, x, g))


@pytest.mark.parametrize("name", sorted(TRIG))
def test_inverse_trig_double_backward_graph(name):
    """Under create_graph the derivative is recorded as torch's formula: Neg / Mul / Pow, then
    AddBackward1 or SubBackward1 (the number through the .Scalar overload), RsqrtBackward0, Mul."""
    lo, hi = TRIG[name]
    x = np.random.default_rng(9).uniform(lo, hi, 6)
    v = np.random.default_rng(10).standard_normal(6)

    def fn(m, t, u):
        g, = m.autograd.grad(getattr(m, name)(t), t, u, create_graph=True)
        return g, str(graph_names(g))
    same_on_both(fn, [x, v])


@pytest.mark.parametrize("name", sorted(TRIG))
def test_inverse_trig_gradcheck(name):
    lo, hi = TRIG[name]
    x = glasstorch.tensor(np.random.default_rng(11).uniform(lo * 0.9 if lo > 1 else lo * 0.9, hi * 0.9, 5),
                          requires_grad=True)
    fn = getattr(glasstorch, name)
    assert glasstorch.autograd.gradcheck(fn, (x,))
    assert glasstorch.autograd.gradgradcheck(fn, (x,))


# ---- create_graph derivatives recorded with C++'s Scalar overloads ----------------------------------
UNARY_DOUBLE = {
    "log1p": lambda m, x: m.log1p(x), "expm1": lambda m, x: m.expm1(x), "log2": lambda m, x: m.log2(x),
    "log10": lambda m, x: m.log10(x), "exp2": lambda m, x: m.exp2(x), "sqrt": lambda m, x: m.sqrt(x),
    "rsqrt": lambda m, x: m.rsqrt(x), "tan": lambda m, x: m.tan(x), "atan": lambda m, x: m.atan(x),
    "atanh": lambda m, x: m.atanh(x), "erf": lambda m, x: m.erf(x), "erfc": lambda m, x: m.erfc(x),
    "erfinv": lambda m, x: m.erfinv(x), "logit": lambda m, x: m.logit(x),
    "special.logit_eps": lambda m, x: m.special.logit(x, eps=0.1), "special.erfcx": lambda m, x: m.special.erfcx(x),
    "special.entr": lambda m, x: m.special.entr(x), "special.xlog1py": lambda m, x: m.special.xlog1py(x, x),
    "silu": lambda m, x: m.nn.functional.silu(x), "SiLU": lambda m, x: m.nn.SiLU()(x * 1),
}


@pytest.mark.parametrize("name", sorted(UNARY_DOUBLE))
def test_create_graph_derivative_graph(name):
    """The gradient's graph names what torch's formula does (AddBackward1 for ``x + 1``, MulBackward1
    for ``2 * y``, SubBackward0 for ``1 - x``, PowBackward0 for ``x.pow(2)``), and its own derivative
    (the second derivative) is torch's."""
    fn = UNARY_DOUBLE[name]
    x = np.array([0.3, 0.7, 0.45, 0.9, 0.12])
    v = np.array([0.5, -1.0, 2.0, 1.5, -0.25])

    def run(m, t, u):
        g, = m.autograd.grad(fn(m, t), t, u, create_graph=True)
        return g, str(graph_names(g))
    same_on_both(run, [x, v], rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", ["log1p", "expm1", "sqrt", "atan", "atanh", "logit", "silu", "special.xlog1py"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
def test_first_derivative_unchanged_bits(name, dtype):
    """The plain backward keeps its values bit for bit (the create_graph form only names other nodes)."""
    x = np.random.default_rng(14).uniform(0.05, 0.95, 1024).astype(dtype)
    g = np.random.default_rng(15).standard_normal(1024).astype(dtype)
    out = []
    for m in (torch, glasstorch):
        t = m.from_numpy(x.copy()).requires_grad_(True)
        UNARY_DOUBLE[name](m, t).backward(m.from_numpy(g.copy()))
        out.append(t.grad)
    assert_same_array(*out)


@pytest.mark.parametrize("n", [1, 7, 1000, 4096])
def test_silu_float16_gradient(n):
    """float16 silu backward: torch's kernel runs the float32 formula (one fma) and rounds once."""
    x = np.random.default_rng(16).uniform(-6, 6, n).astype(np.float16)
    same_on_both(lambda m, t: m.nn.functional.silu(t), [x])


def test_create_graph_gradgradcheck():
    x = glasstorch.tensor([0.3, 0.7, 0.45], dtype=glasstorch.float64, requires_grad=True)
    for fn in (glasstorch.log1p, glasstorch.atanh, glasstorch.erf, glasstorch.tan, glasstorch.rsqrt,
               glasstorch.special.erfcx, glasstorch.nn.functional.silu, glasstorch.logit):
        assert glasstorch.autograd.gradgradcheck(fn, (x,))


# ---- maximum / minimum / fmax / fmin and vector norms under create_graph ------------------------------
PAIR_DOUBLE = {"maximum": lambda m, a, b: m.maximum(a, b), "minimum": lambda m, a, b: m.minimum(a, b),
               "max": lambda m, a, b: m.max(a, b), "min": lambda m, a, b: m.min(a, b),
               "fmax": lambda m, a, b: m.fmax(a, b), "fmin": lambda m, a, b: m.fmin(a, b)}


@pytest.mark.parametrize("name", sorted(PAIR_DOUBLE))
def test_pairwise_extremum_create_graph(name):
    """GIoU's box corners: torch's where(a == b, grad / 2, grad).masked_fill_(...) (DivBackward1,
    WhereBackward0, MaskedFillBackward0); fmax / fmin a masked_fill of grad."""
    a = np.array([1.0, 2.0, 3.0, np.nan, 0.5])
    b = np.array([1.0, 0.0, 4.0, 2.0, 0.5])
    u = np.array([1.0, 2.0, 3.0, 4.0, -1.0])

    def fn(m, x, y, v):
        ga, gb = m.autograd.grad(PAIR_DOUBLE[name](m, x, y), (x, y), v, create_graph=True)
        return ga, gb, str(graph_names(ga)), str(graph_names(gb))
    same_on_both(fn, [a, b, u])


def test_giou_second_order_graph():
    boxes1 = np.array([[1.0, 2, 5, 6], [2, 1, 4, 7]])
    boxes2 = np.array([[1.5, 2, 4, 8], [0, 1, 3, 2.5], [2, 1, 4, 7]])

    def giou(m, a, b):
        lt = m.max(a[:, None, :2], b[:, :2])
        rb = m.min(a[:, None, 2:], b[:, 2:])
        inter = (rb - lt).clamp(min=0).prod(-1)
        union = ((a[:, 2:] - a[:, :2]).prod(-1)[:, None] + (b[:, 2:] - b[:, :2]).prod(-1) - inter)
        c = (m.max(a[:, None, 2:], b[:, 2:]) - m.min(a[:, None, :2], b[:, :2])).prod(-1)
        return inter / union - (c - union) / c

    def fn(m, a, b):
        g, = m.autograd.grad(giou(m, a, b).sum(), a, create_graph=True)
        return g, str(graph_names(g))
    same_on_both(fn, [boxes1, boxes2], grad_rtol=1e-12, grad_atol=1e-14)


NORMS = [{}, {"dim": 1}, {"dim": 1, "keepdim": True}, {"p": 1}, {"p": 3, "dim": 0}, {"p": float("inf")},
         {"p": 1.5}, {"p": 0.5, "dim": 1}, {"dim": (0, 1)}, {"p": 0.5}, {"p": -1, "dim": 1}, {"p": 3},
         {"p": 2.5, "dim": 0, "keepdim": True}, {"p": 2, "keepdim": True}]


@pytest.mark.parametrize("kw", NORMS, ids=[str(k) for k in NORMS])
def test_vector_norm_create_graph(kw):
    """torch's norm_backward: masked_fill_ where the norm (or x, p < 1) is 0, sgn (not sign), and a
    0-d gradient broadcast without unsqueezing when no dim is given."""
    x = np.array([[0.3, 0.7, -0.4], [0.2, 0.0, 0.1]])

    second = kw.get("p") not in (1, float("inf"))

    def fn(m, t):
        if not second:
            t = t.requires_grad_(True)
        y = m.norm(t, **kw) if "p" in kw else m.linalg.vector_norm(t, **kw)
        g, = m.autograd.grad(y, t, m.ones_like(y), create_graph=True)
        return g, str(graph_names(g))
    # (p = 1, inf: torch's second derivative is a ZeroTensor, which NumPy cannot read: values only)
    same_on_both(fn, [x], grad=second, rtol=1e-13, atol=1e-15)


def test_normalize_create_graph():
    x = np.array([[0.3, 0.7, -0.4], [0.2, 0.5, 0.1]])

    def fn(m, t):
        g, = m.autograd.grad(m.nn.functional.normalize(t, dim=1).sum(), t, create_graph=True)
        return g, str(graph_names(g))
    same_on_both(fn, [x], rtol=1e-13, atol=1e-15)


# ---- var / std / var_mean / std_mean under create_graph -----------------------------------------------
MOMENTS = {
    "var": lambda m, t: t.var(), "std": lambda m, t: t.std(), "var_dim": lambda m, t: t.var(1),
    "std_keepdim": lambda m, t: t.std(0, keepdim=True), "var_c0": lambda m, t: t.var(correction=0),
    "std_dims": lambda m, t: t.std((0, 1)), "var_mean": lambda m, t: m.var_mean(t)[0],
    "std_mean_dim": lambda m, t: m.std_mean(t, 1)[0], "std_mean_both": lambda m, t: sum(m.std_mean(t)),
    "var_1d": lambda m, t: t[0].var(0), "var_mean_mean_1d": lambda m, t: m.var_mean(t[0], 0)[1],
    "var_mean_mean_dim": lambda m, t: m.var_mean(t, 1)[1], "var_mean_mean_dims": lambda m, t: m.var_mean(t, (0, 1))[1],
    "std_mean_keepdim": lambda m, t: m.std_mean(t, 0, keepdim=True)[1] * 2 + m.std_mean(t, 0, keepdim=True)[0],
    "var_0d": lambda m, t: t[0, 0].var(), "var_mean_whole_mean": lambda m, t: m.var_mean(t)[1],
}


@pytest.mark.parametrize("name", sorted(MOMENTS))
def test_moments_create_graph(name):
    """torch's var_backward / std_backward / mean_backward: (2 / (N - c)) through mul.Scalar, the whole
    mean (MeanBackward0) and no unsqueezing when no dim is given (nor for a 1-d input), std's
    (grad / (2 y)).masked_fill_(y == 0, 0), and the mean's grad expanded then div.Scalar."""
    x = np.array([[0.3, 0.7, -0.4], [0.2, 0.0, 0.1]])

    def fn(m, t):
        y = MOMENTS[name](m, t)
        g, = m.autograd.grad(y, t, m.ones_like(y), create_graph=True)
        return g, str(graph_names(g))
    same_on_both(fn, [x], rtol=1e-13, atol=1e-15)
