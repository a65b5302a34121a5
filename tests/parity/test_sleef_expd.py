"""float64 kernels built on torch's ``Vectorized<double>::exp()`` (SLEEF's ``Sleef_expd4_u10``) bit for
bit with torch 2.13's CPU kernels.

Fixed in glasstorch (ops/_sleef_expd.py, SLEEF's double exp; glibc's exp in the scalar loops):
- sigmoid, silu (values and gradients; silu's ``1 + x (1 - s)`` is fused for float64 too), glu
  (values and gradients, any dim): SLEEF's exp on the blocks of 8 the loop runs as vectors; they used
  the correctly rounded exp (2-3% of elements an ulp off; silu's gradient 19%);
- the backwards of elu / celu / selu and softplus (SLEEF's exp in the loop's blocks of 8), and
  logsigmoid (SLEEF's exp at every element, whatever the length or layout) (3%; logsigmoid's and
  softplus's float32 too, 4-6%);
- softmax along any dim, values and gradients (7-8%), and log_softmax's gradient (any dim) and its
  sum of exps (0.7% of elements differed; the value's log is SLEEF's too since, ops/_sleef_f64more.py);
- softmax / log_softmax along a dim followed only by dims of size 1 add the items one after another
  as torch does (NumPy's sum paired them).
Expectations come from torch at test time.
"""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from glasstorch.ops._sleef_expd import expd
from glasstorch.ops import _libm
from glasstorch.ops._sleef_expf import vector_mask
from glasstorch.ops.softmax import LogSoftmaxBackward0
from tests.parity._helpers import MODS, assert_same_array, values_and_grads


def _torch_exp(x):
    """torch's ``Vectorized<double>::exp()`` of each element, read off log_softmax's backward kernel
    (every element in its vector loop): rows [x, 0] with gradient [0, -1] give 0 + exp(x) * 1."""
    y = np.stack([x, np.zeros_like(x)], 1)
    g = np.zeros_like(y)
    g[:, 1] = -1
    return torch._log_softmax_backward_data(torch.from_numpy(g), torch.from_numpy(y), 1, torch.float64)[:, 0].numpy()


_SPECIAL = [0.0, -0.0, 5e-324, -5e-324, 2.2250738585072014e-308, 1e-300, -1e-17, 0.34657359027997264,
            -0.34657359027997264, 1.0, -1.0, 36.7, -36.7, 88.7, -103.9, 700.0, -700.0, -708.4, -708.3964185322641,
            -744.44, -745.1332191019411, -745.1332191019412, 709.7, 709.78271114955742909217217426,
            709.78271289338399678773454114191, 709.7827128933841, 710.0, -999.99, -1000.0, -1000.0000000000001,
            -1e300, 1e300, np.inf, -np.inf, np.nan]


def test_expd_against_torchs_vector_exp():
    rng = np.random.default_rng(0)
    bits = rng.integers(0, 2 ** 63, 20000, dtype=np.int64).view(np.float64) * rng.choice([1.0, -1.0], 20000)
    x = np.concatenate([rng.uniform(-1000, 710, 150000), rng.standard_normal(100000) * 20,
                        rng.uniform(-1, 1, 50000), rng.uniform(-1e-8, 1e-8, 5000), bits, _SPECIAL,
                        np.nextafter(_SPECIAL, np.inf), np.nextafter(_SPECIAL, -np.inf)])
    assert_same_array(_torch_exp(x), expd(x))
    assert expd(x.reshape(-1, 5)).shape == (x.size // 5, 5) and expd(np.zeros((0, 3))).shape == (0, 3)


def test_scalar_loops_exp_is_numpys():
    """torch's scalar loops call the C library's exp; glasstorch's ``_libm.exp`` (NumPy's) agrees."""
    import ctypes
    libm = ctypes.CDLL("libm.so.6")
    libm.exp.restype, libm.exp.argtypes = ctypes.c_double, [ctypes.c_double]
    rng = np.random.default_rng(1)
    x = np.concatenate([rng.uniform(-750, 710, 20000), rng.uniform(-1, 1, 5000), _SPECIAL])
    assert_same_array(np.array([libm.exp(float(v)) for v in x]), _libm.exp(x))


FNS = {"sigmoid": lambda m, a: a.sigmoid(), "silu": lambda m, a: m.nn.functional.silu(a),
       "elu": lambda m, a: m.nn.functional.elu(a, 0.7), "celu": lambda m, a: m.nn.functional.celu(a, 1.3),
       "selu": lambda m, a: m.nn.functional.selu(a), "logsigmoid": lambda m, a: m.nn.functional.logsigmoid(a),
       "softplus": lambda m, a: m.nn.functional.softplus(a, 1.5)}
# the forward goes through another SLEEF routine (expm1, log1p), not modelled: gradients only
GRAD_ONLY = {"elu", "celu", "selu", "logsigmoid", "softplus"}


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 300), scale=st.sampled_from([1.0, 4.0, 30.0, 300.0]), seed=st.integers(0, 10 ** 6),
       name=st.sampled_from(sorted(FNS)))
def test_unary_float64(n, scale, seed, name):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(n) * scale
    g = rng.standard_normal(n)
    (yt, gt_), (yg, gg) = values_and_grads(FNS[name], x, g)
    if name not in GRAD_ONLY:
        assert_same_array(yt, yg, what=name)
    assert_same_array(gt_, gg, what=f"{name} gradient")


@settings(max_examples=20, deadline=None)
@given(n=st.integers(1, 300), seed=st.integers(0, 10 ** 6), name=st.sampled_from(["logsigmoid", "softplus"]),
       dtype=st.sampled_from([np.float32, np.float64]))
def test_logsigmoid_softplus_backwards(n, seed, name, dtype):
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal(n) * 6).astype(dtype)
    g = rng.standard_normal(n).astype(dtype)
    (_, gt_), (_, gg) = values_and_grads(FNS[name], x, g)
    assert_same_array(gt_, gg, what=f"{name} gradient")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_logsigmoid_backward_any_layout(dtype):
    x = (np.random.default_rng(4).standard_normal((300, 301)) * 6).astype(dtype)
    for view in (lambda a: a, lambda a: a.t(), lambda a: a[:, :150], lambda a: a[:5, :3]):
        (_, gt_), (_, gg) = values_and_grads(lambda m, a: m.nn.functional.logsigmoid(view(a)), x,
                                             np.ones(view(torch.from_numpy(x)).shape, dtype))
        assert_same_array(gt_, gg)


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("shape", [(3, 5, 7), (40001,), (2, 33000)])      # (the last two: two thread chunks)
def test_unary_float64_shapes_and_thread_chunks(shape, threads):
    before = (torch.get_num_threads(), glasstorch.get_num_threads())
    torch.set_num_threads(threads)
    glasstorch.set_num_threads(threads)
    try:
        rng = np.random.default_rng(7)
        x = rng.standard_normal(shape) * 5
        g = rng.standard_normal(shape)
        for name in ("sigmoid", "silu", "elu", "logsigmoid"):
            (yt, gt_), (yg, gg) = values_and_grads(FNS[name], x, g)
            if name not in GRAD_ONLY:
                assert_same_array(yt, yg, what=name)
            assert_same_array(gt_, gg, what=f"{name} gradient")
    finally:
        torch.set_num_threads(before[0])
        glasstorch.set_num_threads(before[1])


def test_special_values():
    x = np.array(_SPECIAL * 2)[:64]                       # (both the vector blocks and the rest see each)
    x = np.concatenate([x, -x])
    for name in ("sigmoid", "silu"):
        outs = [FNS[name](m, m.from_numpy(x.copy())).numpy() for m in MODS]
        assert_same_array(outs[0], outs[1], what=name)


def test_vector_mask_blocks_of_8():
    assert vector_mask(20, 1, block=8).tolist() == [True] * 16 + [False] * 4
    m = vector_mask(70002, 2, block=8)       # two chunks of 35001: 35000 vector elements, 1 scalar, each
    assert m.sum() == 70000 and not m[35000] and m[35001:70001].all() and not m[70001]


@pytest.mark.parametrize("threads", [1, 2])
def test_glu_float64(threads):
    before = (torch.get_num_threads(), glasstorch.get_num_threads())
    torch.set_num_threads(threads)
    glasstorch.set_num_threads(threads)
    try:
        rng = np.random.default_rng(threads)
        for shape, dim in [((64, 20), -1), ((8, 80), -1), ((3, 14), 1), ((2000, 40), -1), ((4, 6, 5, 5), 1),
                           ((2, 3, 8, 16), -1), ((2, 8, 3), 1), ((5000, 16), 0), ((6, 18), 0)]:
            x = rng.standard_normal(shape) * 3
            out_shape = list(shape)
            out_shape[dim] //= 2
            g = rng.standard_normal(out_shape)
            (yt, gt_), (yg, gg) = values_and_grads(lambda m, a: m.nn.functional.glu(a, dim), x, g)
            assert_same_array(yt, yg, what=f"glu of {shape} over {dim}")
            assert_same_array(gt_, gg, what=f"glu gradient of {shape} over {dim}")
    finally:
        torch.set_num_threads(before[0])
        glasstorch.set_num_threads(before[1])


@settings(max_examples=40, deadline=None)
@given(shape=st.lists(st.integers(1, 13), min_size=1, max_size=4), seed=st.integers(0, 10 ** 6),
       threads=st.sampled_from([1, 2]), data=st.data())
def test_softmax_float64(shape, seed, threads, data):
    """softmax's values and gradients; log_softmax's gradients, from the same output y."""
    d = data.draw(st.integers(0, len(shape) - 1))
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape) * 4
    g = rng.standard_normal(shape)
    before = (torch.get_num_threads(), glasstorch.get_num_threads())
    torch.set_num_threads(threads)
    glasstorch.set_num_threads(threads)
    try:
        (yt, gt_), (yg, gg) = values_and_grads(lambda m, a: m.softmax(a, d), x, g)
        assert_same_array(yt, yg, what=f"softmax over {d}")
        assert_same_array(gt_, gg, what=f"softmax gradient over {d}")
        y = torch.log_softmax(torch.from_numpy(x), d)
        want = torch._log_softmax_backward_data(torch.from_numpy(g), y, d, torch.float64)
        node = LogSoftmaxBackward0()
        node.dim = d
        assert_same_array(want, node.kernel(g, y.numpy()), what=f"log_softmax gradient over {d}")
    finally:
        torch.set_num_threads(before[0])
        glasstorch.set_num_threads(before[1])


@pytest.mark.parametrize("shape,d", [((3000, 37), 1), ((40, 37, 61), 1), ((40, 37, 61), 0), ((5, 3, 1001), 1),
                                     ((3, 9, 1), 1)])
def test_log_softmax_float64_sum_of_exps(shape, d):
    """log_softmax's value is s - log(sum exp(s)) with SLEEF's log (ops/_sleef_f64more.py): bit for bit."""
    x = np.random.default_rng(3).standard_normal(shape) * 4
    want = torch.log_softmax(torch.from_numpy(x), d).numpy()
    got = glasstorch.log_softmax(glasstorch.from_numpy(x.copy()), d).numpy()
    assert_same_array(want, got)
