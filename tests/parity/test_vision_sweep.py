"""Gaps found by the "vision course code" programs (tests/programs/vision_*.py): in-place activations
(``inplace=True``, ``F.elu_`` ...), Hardswish/Hardsigmoid edges and reprs, hardshrink/softshrink, RReLU,
dtype errors of the activation kernels, and the rest listed by section below."""
import numpy as np
import pytest
import torch

import glasstorch
from ._helpers import MODS, same_error, same_on_both

R = np.random.default_rng(7)
EDGES = np.array([-4.0, -3.0, -2.9999, -0.5, 0.0, 0.2, 0.5, 2.9999, 3.0, 4.0], dtype=np.float32)


def arr(*shape, dtype=np.float32):
    return R.standard_normal(shape).astype(dtype)


# ---- in-place activations ---------------------------------------------------------------------------
INPLACE = [
    lambda F, y: F.hardswish(y, inplace=True),
    lambda F, y: F.hardsigmoid(y, True),
    lambda F, y: F.silu(y, inplace=True),
    lambda F, y: F.relu6(y, inplace=True),
    lambda F, y: F.hardtanh(y, -0.5, 0.5, True),
    lambda F, y: F.hardtanh_(y, -2.0, 1.0),
    lambda F, y: F.elu(y, 0.7, inplace=True),
    lambda F, y: F.elu_(y),
    lambda F, y: F.selu(y, True),
    lambda F, y: F.selu_(y),
    lambda F, y: F.celu(y, 1.3, True),
    lambda F, y: F.celu_(y, 0.5),
    lambda F, y: F.leaky_relu(y, 0.2, True),
    lambda F, y: F.leaky_relu_(y),
    lambda F, y: F.leaky_relu_(y, 0.0),
    lambda F, y: F.threshold(y, 0.1, 20.0, inplace=True),
    lambda F, y: F.threshold_(y, -0.5, -7.0),
    lambda F, y: F.rrelu(y, inplace=True),
    lambda F, y: F.rrelu_(y, 0.1, 0.4),
]


@pytest.mark.parametrize("i", range(len(INPLACE)))
def test_inplace_activation_writes_input_and_backprops(i):
    f = INPLACE[i]

    def run(t, x):
        y = x * 1.5
        r = f(t.nn.functional, y)
        return r, y, r is y, y._version

    same_on_both(run, [np.concatenate([EDGES, arr(7)])], rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("i", range(len(INPLACE)))
def test_inplace_activation_without_grad(i):
    same_on_both(lambda t, x: (INPLACE[i](t.nn.functional, x), x), [EDGES.copy()], grad=False, rtol=1e-6, atol=1e-7)


def test_inplace_activation_on_a_view_and_leaf_errors():
    def run(t, x):
        y = x * 1
        F = t.nn.functional
        F.hardswish(y[1:], inplace=True)
        F.silu(y[:, 0], inplace=True)
        return y
    same_on_both(run, [arr(4, 3)], rtol=1e-6, atol=1e-7)
    for f in INPLACE[:8]:
        same_error(lambda t: f(t.nn.functional, t.ones(3, requires_grad=True)))


def test_inplace_backward_refuses_negative_slope():
    def leaky(t):
        x = t.tensor([-1.0, 2.0], requires_grad=True)
        t.nn.functional.leaky_relu(x * 1, -0.5, inplace=True).sum().backward()

    def elu(t):
        x = t.tensor([-1.0, 2.0], requires_grad=True)
        t.nn.functional.elu(x * 1, -0.5, inplace=True).sum().backward()
    same_error(leaky)
    same_error(elu)
    same_error(lambda t: t.nn.functional.celu(t.ones(2), 0.0))


def test_torch_level_activation_functions():
    x = np.concatenate([EDGES, arr(5)])
    same_on_both(lambda t, a: (t.selu(a), t.celu(a, 0.5), t.threshold(a, 0.0, -1.0), t.hardshrink(a, 0.3),
                               a.hardshrink()), [x], rtol=1e-6, atol=1e-7)
    same_on_both(lambda t, a: (t.selu_(a * 1), t.celu_(a * 1), t.threshold_(a * 1, 0.2, 0.0)), [x], rtol=1e-6,
                 atol=1e-7)
    same_on_both(lambda t, a, w: (t.prelu(a, w), a.prelu(w)), [arr(2, 3, 4), np.array([0.1, 0.2, 0.3], np.float32)])


# ---- Hardswish / Hardsigmoid: values at the kinks, reprs ---------------------------------------------
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_hardswish_hardsigmoid_kinks(dtype):
    x = np.concatenate([EDGES.astype(dtype), R.uniform(-5, 5, 40).astype(dtype)])
    same_on_both(lambda t, a: t.nn.functional.hardswish(a), [x])
    same_on_both(lambda t, a: t.nn.functional.hardsigmoid(a), [x])


def test_activation_module_reprs():
    for make in (lambda nn: nn.Hardswish(inplace=True), lambda nn: nn.Hardsigmoid(inplace=True),
                 lambda nn: nn.Hardshrink(), lambda nn: nn.Softshrink(0.3), lambda nn: nn.Hardshrink(lambd=1),
                 lambda nn: nn.RReLU(), lambda nn: nn.RReLU(0.1, 0.3, inplace=True), lambda nn: nn.SiLU(True)):
        assert repr(make(torch.nn)) == repr(make(glasstorch.nn))
    assert not isinstance(glasstorch.nn.Hardswish(), glasstorch.nn.Hardsigmoid)


# ---- hardshrink / softshrink --------------------------------------------------------------------------
@pytest.mark.parametrize("lambd", [0.5, 0.2, 0.0, 1])
def test_shrink(lambd):
    x = np.concatenate([np.array([-0.5, 0.5, -0.2, 0.2, 0.0], np.float32), arr(20)])
    same_on_both(lambda t, a: (t.nn.functional.hardshrink(a, lambd), t.nn.functional.softshrink(a, lambd)), [x])
    same_on_both(lambda t, a: (t.nn.Hardshrink(lambd)(a), t.nn.Softshrink(lambd)(a)), [x.astype(np.float64)])


def test_shrink_errors():
    same_error(lambda t: t.nn.functional.softshrink(t.ones(2), -1.0))
    same_error(lambda t: t.nn.functional.softshrink(t.ones(2, dtype=t.float64), -0.5))
    same_error(lambda t: t.nn.functional.softshrink(t.tensor([1, 2])))
    same_error(lambda t: t.nn.functional.hardshrink(t.tensor([1, 2])))


# ---- RReLU ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("training", [False, True])
def test_rrelu_draws_and_gradients(dtype, training):
    x = np.concatenate([np.array([-1.0, 0.0, 2.0, -3.0], dtype), arr(3, 5, dtype=dtype).ravel()])

    def run(t, a):
        t.manual_seed(3)
        F = t.nn.functional
        return F.rrelu(a, training=training), F.rrelu(a, 0.05, 0.5, training), t.rand(2)
    same_on_both(run, [x])

    def module(t, a):
        t.manual_seed(4)
        m = t.nn.RReLU(0.1, 0.3)
        m.train(training)
        return m(a.reshape(3, 7)), t.rrelu(a, training=training, generator=t.Generator().manual_seed(5))
    same_on_both(module, [np.concatenate([x, x[:2]])])


def test_rrelu_narrow_interval_and_errors():
    same_on_both(lambda t, a: t.nn.functional.rrelu(a, 0.2, 0.2 + 1e-7, training=True), [arr(6)])
    same_on_both(lambda t, a: t.nn.functional.rrelu(a, -0.5, -0.1), [arr(6)])
    for training in (False, True):
        same_error(lambda t: t.nn.functional.rrelu(t.ones(2), 0.5, 0.2, training=training))
        same_error(lambda t: t.nn.functional.rrelu(t.tensor([-1, 2]), training=training))
    same_error(lambda t: t.nn.functional.rrelu(t.ones(2, dtype=t.float16), training=True))


# ---- activation kernels refuse integer / bool inputs ---------------------------------------------------
ACT_NAMES = ["hardswish", "hardsigmoid", "silu", "mish", "elu", "selu", "celu", "leaky_relu", "gelu", "softplus",
             "logsigmoid"]


@pytest.mark.parametrize("name", ACT_NAMES)
@pytest.mark.parametrize("dtype", ["int64", "bool", "uint8"])
def test_activation_dtype_errors(name, dtype):
    same_error(lambda t: getattr(t.nn.functional, name)(t.tensor([-2, 1]).to(getattr(t, dtype))))


def test_hardtanh_and_threshold_dtypes():
    same_error(lambda t: t.nn.functional.relu6(t.tensor([True, False])))
    same_error(lambda t: t.nn.functional.hardtanh(t.tensor([True, False])))
    same_error(lambda t: t.nn.functional.threshold(t.tensor([True, False]), 0.5, 1.0))
    for m in MODS:
        r = m.nn.functional.threshold(m.tensor([-2, 1]), 0.5, 1.0)
        assert r.tolist() == [1, 1] and str(r.dtype) == "torch.int64"


# ---- rot90 argument checks -------------------------------------------------------------------------------
@pytest.mark.parametrize("dims", [(0,), (0, 5), (-4, 0), (0, -3), (1, -2), [0, 1, 2], (), (1, 1)])
def test_rot90_bad_dims(dims):
    same_error(lambda t: t.rot90(t.zeros(2, 3, 4), 1, dims))


def test_rot90_rank_and_negative_dims():
    same_error(lambda t: t.rot90(t.zeros(3), 1))
    for k in range(-5, 6):
        outs = same_on_both(lambda t, x: (t.rot90(x, k, (-1, 0)), x.rot90(k, [2, -2])), [arr(2, 3, 4)])
        for r_t, r_g in zip(*outs.values()):                # torch's strides: a transposed view for odd k
            assert r_t.stride() == r_g.stride() and r_t.is_contiguous() == r_g.is_contiguous()


def test_rot90_double_backward():
    def run(t, x):
        y = t.rot90(x, 1, (0, 1)) ** 2
        g, = t.autograd.grad(y.sum(), x, create_graph=True)
        return g
    same_on_both(run, [arr(3, 4)])


# ---- volumetric affine_grid / grid_sample -----------------------------------------------------------------
THETA3 = np.array([[[0.9, 0.1, 0.0, 0.05], [-0.1, 1.0, 0.1, 0.0], [0.0, 0.2, 1.1, -0.1]],
                   [[1.2, 0.0, -0.3, 0.2], [0.1, 0.8, 0.0, -0.2], [0.3, 0.0, 0.9, 0.4]]], np.float32)


@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.parametrize("size", [(2, 3, 2, 3, 4), (2, 1, 1, 1, 1), (2, 2, 4, 1, 3)])
def test_affine_grid_3d(align_corners, size):
    same_on_both(lambda t, th: t.nn.functional.affine_grid(th, size, align_corners=align_corners), [THETA3],
                 rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_grid_sample_3d(mode, padding_mode, align_corners, dtype):
    x = arr(2, 3, 3, 4, 5, dtype=dtype)
    grid = R.uniform(-1.3, 1.3, (2, 2, 3, 4, 3)).astype(dtype)

    def run(t, a, g):
        return t.nn.functional.grid_sample(a, g, mode=mode, padding_mode=padding_mode, align_corners=align_corners)
    tol = 1e-5 if dtype == np.float32 else 1e-12
    same_on_both(run, [x, grid], rtol=tol, atol=tol)


def test_stn_3d_through_affine_grid():
    def run(t, vol, th):
        g = t.nn.functional.affine_grid(th, (2, 2, 3, 3, 4), align_corners=False)
        return t.nn.functional.grid_sample(vol, g, align_corners=False)
    same_on_both(run, [arr(2, 2, 3, 4, 5), THETA3], rtol=1e-5, atol=1e-5)


GRID_ERRORS = [((1, 1, 4, 4), (1, 3, 3, 3)), ((1, 1, 4, 4), (1, 3, 3, 2, 2)), ((1, 1, 2, 4, 4), (1, 3, 3, 3)),
               ((1, 1, 2, 4, 4), (1, 2, 3, 3, 2)), ((1, 1, 2, 4, 4), (2, 2, 3, 3, 3)), ((1, 1, 0, 4), (1, 3, 3, 2)),
               ((1, 1, 2, 0, 4), (1, 2, 3, 3, 3)), ((1, 4, 4), (1, 3, 2)), ((1, 1, 4, 4), (1, 3, 2)),
               ((1, 1, 1, 2, 4, 4), (1, 1, 3, 3, 3, 4)), ((1, 1, 4, 4), (2, 3, 3, 3)), ((1, 1, 0, 4), (1, 3, 3, 3))]


@pytest.mark.parametrize("xs,gs", GRID_ERRORS)
def test_grid_sample_shape_errors(xs, gs):
    same_error(lambda t: t.nn.functional.grid_sample(t.zeros(xs), t.zeros(gs), align_corners=False))


def test_grid_sample_and_affine_grid_other_errors():
    same_error(lambda t: t.nn.functional.grid_sample(t.zeros(1, 1, 2, 4, 4), t.zeros(1, 2, 3, 3, 3), mode="bicubic",
                                                     align_corners=False))
    same_error(lambda t: t.nn.functional.grid_sample(t.zeros(1, 1, 2, 4, 4), t.zeros(1, 2, 3, 3, 3, dtype=t.float64),
                                                     align_corners=False))
    same_error(lambda t: t.nn.functional.grid_sample(t.zeros(1, 1, 3, 3), t.zeros(1, 2, 2, 2, dtype=t.float64),
                                                     align_corners=False))
    for rank in (4, 5):
        shape = (1, 1) + (3,) * (rank - 2)
        same_error(lambda t: t.nn.functional.grid_sample(t.zeros(shape, dtype=t.long),
                                                         t.zeros((1, 2, 2, 2, 3)[:rank - 1] + (rank - 2,)),
                                                         align_corners=False))
    for theta, size in [((1, 2, 3), (1, 1, 2, 2, 2)), ((2, 3), (1, 1, 2, 2, 2)), ((1, 3, 4), (1, 1, 2, 2)),
                        ((3, 2, 3), (2, 1, 2, 2)), ((1, 3, 4), (2, 1, 2, 2, 2)), ((1, 2, 3), (1, 0, 2, 2)),
                        ((1, 3, 4), (1, 1, 0, 2, 2)), ((1, 2, 3), (1, 1, 4)), ((1, 2, 3), (1, 1, 2, 2, 2, 2))]:
        same_error(lambda t: t.nn.functional.affine_grid(t.zeros(theta), size, align_corners=False))
    same_error(lambda t: t.nn.functional.affine_grid(t.zeros(1, 3, 4, dtype=t.long), (1, 1, 2, 2, 2),
                                                     align_corners=False))
