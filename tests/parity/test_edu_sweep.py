"""Parity for the course-assignment / from-scratch sweep (tests/programs/edu_*.py)."""
import numpy as np
import pytest
import torch

import glasstorch

from ._helpers import MODS, same_error, same_on_both


def arr(shape, seed=0, dtype=np.float32, scale=1.0, shift=0.0):
    return (np.random.default_rng(seed).standard_normal(shape) * scale + shift).astype(dtype)


# float32 var/std accumulate in double on torch's CPU: no overflow, no underflow, correctly rounded
@pytest.mark.parametrize("scale", [1e30, 1e-30, 1.0])
@pytest.mark.parametrize("op", [
    lambda t, x: x.std(), lambda t, x: x.var(), lambda t, x: x.std(1), lambda t, x: x.var(0, keepdim=True),
    lambda t, x: t.std_mean(x, 1)[0], lambda t, x: t.var(x, dim=1, correction=0)])
def test_var_std_float32_accumulate_in_double(op, scale):
    same_on_both(op, [arr((7, 9), scale=scale)], grad=False)


def test_var_std_float32_shifted_values_exact():
    same_on_both(lambda t, x: (x.std(), x.view(10, 100).std(1), x.var(0)), [arr((1000,), shift=1e4)], grad=False)


@pytest.mark.parametrize("fn", [lambda t, x: t.var_mean(x), lambda t, x: t.std_mean(x, 1),
                                lambda t, x: t.var_mean(x, (0, 1), keepdim=True, correction=0),
                                lambda t, x: t.std_mean(x, dim=0, unbiased=False), lambda t, x: t.var_mean(x[0, 0])])
@pytest.mark.parametrize("shift", [0.0, 1e4])
def test_var_mean_std_mean_one_node_two_outputs(fn, shift):
    """torch computes both in one Welford pass in double: grad_fn VarMeanBackward0 / StdMeanBackward0."""
    # shifted data: the values only (their gradients hinge on float32 sums' order in backward)
    same_on_both(fn, [arr((6, 50), shift=shift)], grad=not shift, rtol=1e-6, atol=1e-6)


def test_var_mean_double_backward():
    same_on_both(lambda t, x: t.autograd.grad(t.std_mean(x, 1)[0].sum() + t.var_mean(x)[1] * 3, x,
                                              create_graph=True)[0].pow(2).sum(), [arr((3, 4), dtype=np.float64)],
                 rtol=1e-12, atol=1e-12)


def test_var_mean_int_error():
    same_error(lambda t: t.var_mean(t.arange(5)))
    same_error(lambda t: t.std_mean(t.arange(5), 0))


def _double_backward(f):
    """x -> d/dx sum(f(x) * w) with create_graph, so that same_on_both differentiates it once more."""
    def run(t, x, w):
        y = f(t, x)
        g, = t.autograd.grad((y * w.flatten()[:y.numel()].reshape(y.shape)).sum(), x, create_graph=True)
        return g * 1.0     # torch's fused double-backward nodes (SigmoidBackwardBackward0 ...) are not compared
    return run


F_ = lambda t: t.nn.functional
DOUBLE_BACKWARD = {
    "softplus": lambda t, x: F_(t).softplus(x, beta=2.0),
    "bce_logits_sum": lambda t, x: F_(t).binary_cross_entropy_with_logits(x, (x.detach() > 0).to(x.dtype) * 0.7,
                                                                            reduction="sum").expand(3, 4),
    "bce_logits_mean_pw": lambda t, x: F_(t).binary_cross_entropy_with_logits(
        x, t.full_like(x, 0.3), pos_weight=t.full((4,), 2.0, dtype=x.dtype)).expand(3, 4),
    "bce_logits_none_w": lambda t, x: F_(t).binary_cross_entropy_with_logits(
        x, t.full_like(x, 0.6), weight=t.linspace(0.5, 1.5, 4, dtype=x.dtype), reduction="none"),
    "bce": lambda t, x: F_(t).binary_cross_entropy(t.sigmoid(x), t.full_like(x, 0.25)).expand(3, 4),
    "mse_mean": lambda t, x: F_(t).mse_loss(x.tanh(), t.zeros_like(x) + 0.1).expand(3, 4),
    "l1_mean": lambda t, x: F_(t).l1_loss(x * x, t.zeros_like(x) + 0.1).expand(3, 4),
    "smooth_l1": lambda t, x: F_(t).smooth_l1_loss(x * x, t.zeros_like(x), beta=0.5, reduction="sum").expand(3, 4),
    "huber": lambda t, x: F_(t).huber_loss(x * x, t.zeros_like(x), delta=0.5).expand(3, 4),
    "cross_entropy": lambda t, x: F_(t).cross_entropy(x, t.tensor([0, 3, 1])).expand(3, 4),
    "cross_entropy_probs_ls": lambda t, x: F_(t).cross_entropy(x, t.softmax(x.detach() * 2, 1),
                                                               label_smoothing=0.1).expand(3, 4),
    "nll_log_softmax": lambda t, x: F_(t).nll_loss(F_(t).log_softmax(x, 1), t.tensor([2, 0, 1]),
                                                   reduction="sum").expand(3, 4),
    "kl_div": lambda t, x: F_(t).kl_div(F_(t).log_softmax(x, 1), t.full_like(x, 0.25), reduction="batchmean").expand(3, 4),
    "gaussian_nll": lambda t, x: F_(t).gaussian_nll_loss(x, t.zeros_like(x), x.exp()).expand(3, 4),
    "softmax": lambda t, x: t.softmax(x, dim=1), "log_softmax": lambda t, x: t.log_softmax(x, dim=0),
    "logsigmoid": lambda t, x: F_(t).logsigmoid(x), "silu": lambda t, x: F_(t).silu(x),
    "gelu": lambda t, x: F_(t).gelu(x), "gelu_tanh": lambda t, x: F_(t).gelu(x, approximate="tanh"),
    "elu": lambda t, x: F_(t).elu(x, alpha=0.7), "selu": lambda t, x: F_(t).selu(x),
    "celu": lambda t, x: F_(t).celu(x, alpha=1.3), "mish": lambda t, x: F_(t).mish(x),
    "tanh": lambda t, x: t.tanh(x), "sigmoid": lambda t, x: t.sigmoid(x), "logsumexp": lambda t, x: t.logsumexp(x, 1),
    "norm": lambda t, x: x.norm(dim=1), "std": lambda t, x: x.std(1), "layer_norm": lambda t, x: F_(t).layer_norm(x, (4,)),
    "normalize": lambda t, x: F_(t).normalize(x, dim=1), "cosine_sim": lambda t, x: F_(t).cosine_similarity(x, x.flip(0)),
    "batch_norm_train": lambda t, x: F_(t).batch_norm(x, None, None, training=True),
    "group_norm": lambda t, x: F_(t).group_norm(x, 2),
    "softsign": lambda t, x: F_(t).softsign(x), "hardswish": lambda t, x: F_(t).hardswish(x),
    "log1p_exp": lambda t, x: t.log1p(x.exp()), "expm1": lambda t, x: t.expm1(x), "erf": lambda t, x: t.erf(x),
    "atan2": lambda t, x: t.atan2(x, x.flip(1)), "pow_tensor": lambda t, x: t.pow(x.abs() + 0.5, x),
    "lgamma": lambda t, x: t.lgamma(x.abs() + 0.5), "digamma": lambda t, x: t.digamma(x.abs() + 0.5),
    "prod": lambda t, x: x.prod(1),
    "cumprod": lambda t, x: x.cumprod(1), "cumsum_exp": lambda t, x: x.exp().cumsum(0),
}


@pytest.mark.parametrize("name", sorted(DOUBLE_BACKWARD))
def test_double_backward_matches(name):
    """Newton steps, MAML and hessians differentiate a backward: its ops must enter the graph."""
    same_on_both(_double_backward(DOUBLE_BACKWARD[name]), [arr((3, 4), dtype=np.float64),
                                                           arr((3, 4), seed=1, dtype=np.float64)],
                 rtol=1e-9, atol=1e-10)


NORM_WITH_AFFINE = {
    "layer_norm": lambda t, x, w, b: t.nn.functional.layer_norm(x, (4,), w, b, eps=1e-3),
    "batch_norm_train_4d": lambda t, x, w, b: t.nn.functional.batch_norm(x.view(3, 4, 1, 1).expand(3, 4, 2, 1) * 1.5,
                                                                          None, None, w, b, training=True),
    "batch_norm_eval": lambda t, x, w, b: t.nn.functional.batch_norm(x, t.linspace(-1, 1, 4, dtype=x.dtype),
                                                                      t.linspace(0.5, 2, 4, dtype=x.dtype), w, b),
    "group_norm": lambda t, x, w, b: t.nn.functional.group_norm(x.view(3, 4, 1), 2, w, b),
    "instance_norm": lambda t, x, w, b: t.nn.functional.instance_norm(x.view(3, 2, 2), weight=w[:2], bias=b[:2]),
}


@pytest.mark.parametrize("name", sorted(NORM_WITH_AFFINE))
def test_norm_double_backward_through_weights(name):
    """MAML with normalisation layers: grads of (x, w, b) with create_graph, then differentiated again."""
    def run(t, x, w, b):
        y = NORM_WITH_AFFINE[name](t, x, w, b)
        u = t.linspace(-1, 2, y.numel(), dtype=y.dtype).view(y.shape)
        gs = t.autograd.grad((y * u).sum(), (x, w, b), create_graph=True, allow_unused=True)
        return sum((g ** 2).sum() for g in gs if g is not None) + (y ** 2).sum()
    same_on_both(run, [arr((3, 4), dtype=np.float64), arr((4,), seed=1, dtype=np.float64),
                       arr((4,), seed=2, dtype=np.float64)], rtol=1e-9, atol=1e-10)


def test_layer_norm_saves_its_input():
    """torch saves the input of native_layer_norm: changing it in place breaks backward."""
    def run(t):
        x = t.ones(2, 3, requires_grad=True) * 2
        y = t.nn.functional.layer_norm(x, (3,))
        x.add_(1)
        y.sum().backward()
    same_error(run)


def test_cdist_double_backward_is_not_implemented_on_torch_either():
    same_error(lambda t: _double_backward(lambda t, x: t.cdist(x, x.flip(0) + 0.3))(
        t, t.ones(3, 4, dtype=t.float64, requires_grad=True) * t.arange(4.0, dtype=t.float64), t.ones(3, 3)).sum()
        .backward())


@pytest.mark.parametrize("fn", [lambda t, x: t.nn.functional.elu(x, 0.7), lambda t, x: t.nn.functional.selu(x),
                                lambda t, x: t.nn.functional.celu(x, 1.3), lambda t, x: t.nn.functional.celu(x, 0.4)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_elu_family_gradient_from_input(fn, dtype):
    """torch differentiates elu/selu/celu from the input (exp(x i)), not from the output (y + a), which
    cancels for large negative x; CELU's 1/alpha takes alpha rounded to float32."""
    x = np.concatenate([np.linspace(-30, -5, 6), arr((20,), scale=2.0).astype(np.float64)]).astype(dtype)
    tol = dict(rtol=3e-7, atol=1e-30) if dtype == np.float32 else dict(rtol=1e-15, atol=1e-300)
    same_on_both(fn, [x], **tol)


def test_elu_inplace_still_differentiates_the_output():
    same_on_both(lambda t, x: t.nn.functional.elu(x * 1, 0.7, inplace=True), [arr((10,), scale=3.0)], rtol=1e-6,
                 atol=1e-7)


AF = lambda t: t.autograd.functional
F2 = lambda t, x: (x ** 2).sum()


@pytest.mark.parametrize("call", [
    lambda t, x: AF(t).jacobian(F2, x, strategy="forward-mode"),
    lambda t, x: AF(t).jacobian(F2, x, strategy="forward-mode", vectorize=True, create_graph=True),
    lambda t, x: AF(t).jacobian(F2, x, strategy="forward-mode", vectorize=True, strict=True),
    lambda t, x: AF(t).jacobian(F2, x, strategy="sideways"),
    lambda t, x: AF(t).hessian(F2, x, outer_jacobian_strategy="forward-mode"),
    lambda t, x: AF(t).hessian(F2, x, outer_jacobian_strategy="forward-mode", vectorize=True, create_graph=True),
    lambda t, x: AF(t).hessian(F2, x, outer_jacobian_strategy="nope"),
])
def test_autograd_functional_strategy_errors(call):
    same_error(lambda t: call(t, t.ones(3)))


@pytest.mark.parametrize("call", [
    lambda t, x: AF(t).jacobian(lambda v: v.sin() * v[0], x, strategy="forward-mode", vectorize=True),
    # (torch's forward-over-reverse result carries a stray ReshapeAliasBackward0: values only)
    lambda t, x: AF(t).hessian(lambda v: (v.exp() * v).sum(), x, outer_jacobian_strategy="forward-mode",
                               vectorize=True).detach(),
    lambda t, x: AF(t).hessian(lambda v: (v.exp() * v).sum(), x, vectorize=True),
])
def test_autograd_functional_forward_strategy_values(call):
    same_on_both(call, [arr((4,), dtype=np.float64)], grad=False, rtol=1e-12, atol=1e-12)


def test_torch_is_inference():
    def run(t):
        a = t.ones(2)
        with t.inference_mode():
            b = a * 2
        with t.no_grad():
            c = a * 2
        return t.is_inference(a), t.is_inference(b), t.is_inference(c), b.is_inference()
    assert run(torch) == run(glasstorch)
    same_error(lambda t: t.is_inference(3))


@pytest.mark.parametrize("fn", [lambda t: t.allclose(t.ones(10, 4), t.ones(11, 4)),
                                lambda t: t.isclose(t.ones(2, 3), t.ones(3, 2)),
                                lambda t: t.ones(3).allclose(t.ones(4))])
def test_allclose_shape_mismatch_error(fn):
    same_error(fn)


def test_allclose_broadcasts():
    same_on_both(lambda t, a, b: (t.allclose(a, b), t.isclose(a, b, atol=0.5)), [arr((3,)), arr((2, 3), seed=1)],
                 grad=False)


CONV_CASES = {
    "conv2d": (lambda F, x, w: F.conv2d(x, w), (2, 3, 5, 5), (4, 3, 3, 3)),
    "conv2d_stride_pad_dil": (lambda F, x, w: F.conv2d(x, w, stride=2, padding=1, dilation=2), (2, 3, 7, 6),
                              (4, 3, 2, 3)),
    "conv2d_groups": (lambda F, x, w: F.conv2d(x, w, stride=(1, 2), padding=(0, 1), groups=2), (2, 4, 5, 5),
                      (6, 2, 3, 2)),
    "conv2d_same_even": (lambda F, x, w: F.conv2d(x, w, padding="same", dilation=(1, 2)), (1, 2, 5, 6), (3, 2, 2, 4)),
    "conv1d": (lambda F, x, w: F.conv1d(x, w, stride=2, padding=2), (2, 3, 9), (2, 3, 3)),
    "conv3d": (lambda F, x, w: F.conv3d(x, w, padding=1, stride=(2, 1, 1)), (1, 2, 4, 3, 3), (2, 2, 2, 2, 2)),
    "conv_transpose2d": (lambda F, x, w: F.conv_transpose2d(x, w, stride=2, padding=1, output_padding=1),
                         (2, 3, 3, 4), (3, 2, 3, 3)),
    "conv_transpose2d_groups_dil": (lambda F, x, w: F.conv_transpose2d(x, w, stride=(2, 1), groups=2, dilation=2),
                                    (1, 4, 3, 3), (4, 3, 2, 2)),
    "conv_transpose1d": (lambda F, x, w: F.conv_transpose1d(x, w, stride=3, padding=1, output_padding=2),
                         (2, 2, 4), (2, 3, 3)),
}


@pytest.mark.parametrize("name", sorted(CONV_CASES))
def test_conv_double_backward(name):
    """MAML / gradient penalties on conv nets: the conv's gradients are recorded convolutions."""
    f, xs, ws = CONV_CASES[name]

    def run(t, x, w):
        y = f(t.nn.functional, x, w)
        u = t.linspace(-1, 1, y.numel(), dtype=y.dtype).view(y.shape)
        gx, gw = t.autograd.grad(((y * u).sum()) + (y ** 2).sum() * 0.1, (x, w), create_graph=True)
        return (gx ** 2).sum() + (gw * gw.flip(0)).sum() + (gx * x).sum()
    same_on_both(run, [arr(xs, dtype=np.float64), arr(ws, seed=1, dtype=np.float64)], rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("shape", [(8, 4), (8, 4, 3, 3), (5, 2, 7)])
def test_init_private_fan_helpers(shape):
    for m in MODS:
        w = m.empty(*shape)
        got = (m.nn.init._calculate_fan_in_and_fan_out(w), m.nn.init._calculate_correct_fan(w, "FAN_OUT"))
        if m is torch:
            want = got
    assert got == want
    same_error(lambda t: t.nn.init._calculate_fan_in_and_fan_out(t.empty(3)))
    same_error(lambda t: t.nn.init._calculate_correct_fan(t.empty(3, 3), "fan_avg"))


@pytest.mark.parametrize("shape,kw", [
    ((1, 4, 5), dict(kernel_size=2)), ((4, 5), dict(kernel_size=2)), ((1, 3, 4), dict(kernel_size=2)),
    ((1, 4, 4, 1), dict(kernel_size=2)), ((0, 4), dict(kernel_size=2)), ((1, 4, 4), dict(kernel_size=(0, 2))),
    ((1, 4, 4), dict(kernel_size=2, stride=0)), ((1, 4, 4), dict(kernel_size=2, dilation=(1, 0))),
    ((1, 4, 4), dict(kernel_size=2, padding=-1)), ((1, 4, 1), dict(kernel_size=2, dilation=3)),
])
def test_fold_shape_errors(shape, kw):
    same_error(lambda t: t.nn.functional.fold(t.ones(*shape), (3, 3), **kw))


def test_fold_valid_batch_of_zero():
    same_on_both(lambda t, x: t.nn.functional.fold(x, (3, 3), 2), [np.ones((0, 4, 4), np.float32)], grad=False)


@pytest.mark.parametrize("fn", [
    lambda t, a, b: t.einsum(a, [0, 1], b, [1, 2]),
    lambda t, a, b: t.einsum(a, [0, 1], b, [1, 2], [2, 0]),
    lambda t, a, b: t.einsum(a, [Ellipsis, 30], b, [30, 51], [Ellipsis, 51]),
    # (one-operand einsum: torch's graph ends in a sum, glasstorch's in a view; values only)
    lambda t, a, b: t.einsum(a, [0, 1], [1]).detach(),
])
def test_einsum_sublist_format(fn):
    same_on_both(fn, [arr((2, 3)), arr((3, 4), seed=1)], rtol=1e-6, atol=1e-6)


def test_einsum_sublist_range_error():
    same_error(lambda t: t.einsum(t.ones(2), [52]))


def test_grad_is_grads_batched_jacobian_rows():
    """The Jacobian in one call: the identity's rows as a batch of grad_outputs."""
    def run(t, x, w):
        y = t.tanh(x @ w)                      # (5, 2)
        eye = t.eye(2, dtype=x.dtype).unsqueeze(1).expand(2, 5, 2)
        gx, gw = t.autograd.grad(y, (x, w), eye, is_grads_batched=True, create_graph=True)
        return gx * 1, gw * 1           # torch's vmapped graph ends in UnsafeViewBackward0; not compared
    same_on_both(run, [arr((5, 3), dtype=np.float64), arr((3, 2), seed=1, dtype=np.float64)], rtol=1e-12, atol=1e-12)


def test_grad_is_grads_batched_shape_error():
    def run(t):
        x = t.ones(5, 3, requires_grad=True)
        t.autograd.grad(x * 2, x, t.ones(2, 5, 2), is_grads_batched=True)
    same_error(run)


@pytest.mark.parametrize("fn", [lambda t, x: x.std(), lambda t, x: x.std(1), lambda t, x: t.std_mean(x, 0)[0],
                                lambda t, x: x.std(1, keepdim=True, correction=0)])
def test_std_gradient_is_zero_where_std_is_zero(fn):
    """torch masks std's gradient where the result is 0 (constant rows) instead of giving nan."""
    x = np.ones((3, 4), np.float32)
    x[1] = np.arange(4)
    same_on_both(fn, [x], rtol=1e-6, atol=1e-7)


def test_func_linearize():
    def run(t, a, b):
        out, jvp_fn = t.func.linearize(lambda p, q: (p * q).sin() + p ** 2, a, b)
        return out, jvp_fn(t.ones_like(a), b * 0 + 0.5), jvp_fn(a, b)
    same_on_both(run, [arr((3,), dtype=np.float64), arr((3,), seed=1, dtype=np.float64)], grad=False, rtol=1e-12,
                 atol=1e-12)
    same_error(lambda t: t.func.linearize(t.sin, t.zeros(2))[1](t.ones(3)))
