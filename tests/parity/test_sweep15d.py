"""Parity tests for the differences found by sweep 15d's programs (tests/programs/sweep15d_*.py):
a debugging-PyTorch course and PyTorch 2.x idioms."""
import numpy as np
import pytest
import torch

import glasstorch

from ._helpers import same_error, same_on_both, same_outcome

R = np.random.default_rng(0)
Q = R.standard_normal((2, 2, 4, 8)).astype(np.float32)
M = R.standard_normal((4, 4)).astype(np.float32)


# ---- cross_entropy: a target shaped like the input means class probabilities ------------------------

@pytest.mark.parametrize("dtype", ["int64", "int32", "bool", "uint8"])
def test_cross_entropy_same_shape_non_float_target(dtype):
    # F.one_hot(...) as the target: torch refuses it as class probabilities, not as a multi-target
    same_error(lambda m: m.nn.functional.cross_entropy(m.zeros(4, 3), m.ones(4, 3, dtype=getattr(m, dtype))))
    same_error(lambda m: m.nn.CrossEntropyLoss()(m.zeros(3), m.ones(3, dtype=getattr(m, dtype))))


def test_cross_entropy_probabilities_refuse_ignore_index():
    same_error(lambda m: m.nn.functional.cross_entropy(m.zeros(4, 3), m.full((4, 3), 1 / 3), ignore_index=0))
    same_on_both(lambda m, x: m.nn.functional.cross_entropy(x, m.full((4, 3), 1 / 3), ignore_index=-5),
                 [R.standard_normal((4, 3)).astype(np.float32)], grad_rtol=1e-5, grad_atol=1e-7)


# ---- conv1d: the kernel-larger-than-input message names 1-d sizes ---------------------------------

@pytest.mark.parametrize("args", [dict(), dict(padding=1, dilation=2), dict(stride=2)])
def test_conv1d_kernel_too_large_message(args):
    same_error(lambda m: m.nn.functional.conv1d(m.ones(1, 1, 2), m.ones(1, 1, 4), **args))
    same_error(lambda m: m.nn.functional.conv2d(m.ones(1, 1, 2, 5), m.ones(1, 1, 3, 2), **args))


# ---- scaled_dot_product_attention: the CPU flash kernel takes a mask and is_causal together ---------

@pytest.mark.parametrize("mask_kind", ["float", "bool"])
def test_sdpa_mask_and_causal_on_flash_kernel(mask_kind):
    def fn(m, q):
        mask = m.from_numpy(M.copy())               # a mask that requires grad would take the math kernel
        mask = mask > 0 if mask_kind == "bool" else mask
        return m.nn.functional.scaled_dot_product_attention(q, q * 0.5, q + 1, attn_mask=mask, is_causal=True)
    same_on_both(fn, [Q], rtol=1e-5, atol=1e-6, grad_rtol=1e-5, grad_atol=1e-6)


@pytest.mark.parametrize("case", ["3d", "dropout", "mask_requires_grad"])
def test_sdpa_mask_and_causal_on_math_kernel_is_refused(case):
    def fn(m):
        q, mask = m.from_numpy(Q.copy()), m.from_numpy(M.copy())
        kw = {}
        if case == "3d":
            q = q[0]
        elif case == "dropout":
            kw["dropout_p"] = 0.5
        else:
            mask.requires_grad_()
        return m.nn.functional.scaled_dot_product_attention(q, q, q, attn_mask=mask, is_causal=True, **kw)
    same_error(fn)


# ---- torch.compile: an OptimizedModule around the module, a wrapper around a function ----------------

def _compiled(m):
    m.manual_seed(0)
    net = m.nn.Sequential(m.nn.Linear(3, 4), m.nn.ReLU(), m.nn.Linear(4, 2))
    return net, m.compile(net, backend="eager")


def test_compile_module_wraps_it():
    for m in (torch, glasstorch):
        net, c = _compiled(m)
        assert type(c).__name__ == "OptimizedModule" and c._orig_mod is net and c is not net
    reprs = [repr(_compiled(m)[1]) for m in (torch, glasstorch)]
    assert reprs[0] == reprs[1]
    keys = [list(_compiled(m)[1].state_dict()) for m in (torch, glasstorch)]
    assert keys[0] == keys[1] == ["_orig_mod.0.weight", "_orig_mod.0.bias", "_orig_mod.2.weight", "_orig_mod.2.bias"]
    names = [[n for n, _ in _compiled(m)[1].named_modules()] for m in (torch, glasstorch)]
    assert names[0] == names[1]


def test_compile_module_forwards_attributes_and_calls():
    def fn(m):
        net, c = _compiled(m)
        c.eval()
        c.extra = 5
        return (c(m.ones(2, 3)), m.tensor([net.training, c.training, net.extra == 5, len(c) == 3]))
    same_outcome(fn)


def test_compiled_state_dict_does_not_load_into_plain_module():
    same_error(lambda m: _compiled(m)[0].load_state_dict(_compiled(m)[1].state_dict()))


def test_compile_function_and_decorator():
    def f(x):
        return x.sin() * 2

    for m in (torch, glasstorch):
        c = m.compile(f, backend="eager")
        assert c is not f and c.__name__ == "f" and c.__wrapped__ is f
        assert callable(m.compile(backend="eager"))
    same_outcome(lambda m: m.compile(f, backend="eager")(m.arange(4.0)))
    same_outcome(lambda m: m.compile(backend="eager", fullgraph=True)(f)(m.arange(4.0)))


@pytest.mark.parametrize("bad", ["mode_and_options", "not_callable", "none_to_decorator"])
def test_compile_argument_errors(bad):
    def fn(m):
        if bad == "mode_and_options":
            return m.compile(m.nn.ReLU(), mode="default", options={})
        if bad == "not_callable":
            return m.compile(3)
        return m.compile(backend="eager")(None)
    same_error(fn)


def test_module_compile_in_place_returns_none():
    same_outcome(lambda m: m.tensor([m.nn.Linear(2, 2).compile() is None]))


def test_dynamo_reset_is_reachable():
    for m in (torch, glasstorch):
        assert m._dynamo.reset() is None


@pytest.mark.parametrize("shape", [(4, 4), (1, 4), (4, 1), (1, 1), (4,), (), (1, 4, 4), (2, 4, 4), (1, 1, 4, 4),
                                   (2, 2, 4, 4), (2, 1, 4, 4), (3, 1, 4, 4), (1, 1, 1, 4, 4), (4, 5),
                                   (3, 2, 4, 4), (1, 2, 1, 4, 4)])
@pytest.mark.parametrize("causal", [False, True])
def test_sdpa_mask_shapes_pick_the_kernel(shape, causal):
    # the flash kernel takes only 2-d and (B or 1, H or 1, L or 1, S or 1) masks; others go to the math
    # kernel (a different grad_fn, and no is_causal with a mask)
    def fn(m, q):
        mask = m.zeros(shape)
        return m.nn.functional.scaled_dot_product_attention(q, q, q, attn_mask=mask, is_causal=causal)
    try:
        fn(torch, torch.from_numpy(Q.copy()))
    except Exception:      # noqa: BLE001 - torch's error is the expectation
        same_error(lambda m: fn(m, m.from_numpy(Q.copy()).requires_grad_()))
        return
    same_on_both(fn, [Q], rtol=1e-5, atol=1e-6, grad_rtol=1e-5, grad_atol=1e-6)


# ---- F.linear with odd weight / bias shapes: torch's composite (addmm, flattened addmm, matmul + add_) ----

@pytest.mark.parametrize("xs", [(12,), (6, 12), (2, 6, 12), (2, 2, 3, 12), "noncontig"])
@pytest.mark.parametrize("ws,bs", [((1,), (16,)), ((12,), None), ((12,), (1,)), ((12,), (6,)), ((), None),
                                   ((3, 12), (2,)), ((3, 12), (3, 3)), ((3, 12), (1, 3)), ((3, 12), (1, 1)),
                                   ((3, 12), (3, 1)), ((3, 12), (1, 1, 1)), ((3, 12), (1, 2, 1)), ((3, 12), (2, 1, 3)),
                                   ((3, 12), (6, 3)), ((2, 3, 12), None), ((3, 11), (3,))])
def test_linear_odd_shapes(xs, ws, bs):
    def fn(m, x, w, *b):
        if xs == "noncontig":
            x = x.transpose(0, 1)
        return m.nn.functional.linear(x, w, b[0] if b else None)
    arrays = [R.standard_normal((6, 2, 12) if xs == "noncontig" else xs).astype(np.float32),
              R.standard_normal(ws).astype(np.float32)]
    if bs is not None:
        arrays.append(R.standard_normal(bs).astype(np.float32))
    try:
        fn(torch, *[torch.from_numpy(a.copy()) for a in arrays])
    except Exception:      # noqa: BLE001 - torch's error is the expectation
        same_error(lambda m: fn(m, *[m.from_numpy(a.copy()) for a in arrays]))
        return
    same_on_both(fn, arrays, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("weight_grad", [False, True])
def test_linear_noncontiguous_input_size_mismatch(weight_grad):
    # matmul folds the batched input into mm only without a copy or when the weight needs a gradient;
    # otherwise bmm reports the mismatch
    def fn(m):
        x = m.ones(6, 2, 12).transpose(0, 1)
        return m.nn.functional.linear(x, m.ones(3, 11, requires_grad=weight_grad), m.ones(3))
    same_error(fn)
    same_error(lambda m: m.nn.Linear(11, 3)(m.ones(6, 2, 12).transpose(0, 1)))


@pytest.mark.parametrize("a,b,tr", [((6, 2, 12), (11, 3), "x"), ((6, 2, 12), (11,), "x"), ((3, 4), (2, 5, 6), None),
                                    ((4,), (2, 5, 6), None), ((5, 1, 2, 3), (4, 2), "x4"), ((2, 6, 12), (11, 3), None),
                                    ((3, 4), (2, 5, 6), "y")])
@pytest.mark.parametrize("grad", ["none", "x", "y"])
def test_matmul_fold_or_bmm_errors(a, b, tr, grad):
    def fn(m):
        x, y = m.ones(a, requires_grad=grad == "x"), m.ones(b, requires_grad=grad == "y")
        if tr == "x":
            x = x.transpose(0, 1)
        elif tr == "x4":
            x = x.transpose(1, 2)
        elif tr == "y":
            y = y.transpose(1, 2)
        return x @ y
    same_error(fn)


@pytest.mark.parametrize("a,b", [((6, 2, 4), (4, 3)), ((6, 2, 4), (4,)), ((2, 3, 4), (2, 4, 5)), ((3, 4), (2, 4, 5))])
@pytest.mark.parametrize("grad", ["x", "y", "both"])
def test_matmul_unfolded_batched_grads(a, b, grad):
    def fn(m, x, y):
        if len(a) == 3 and a[0] == 6:
            x = x.transpose(0, 1)
        return x @ y
    arrays = [R.standard_normal(a).astype(np.float32), R.standard_normal(b).astype(np.float32)]

    def run(m, x, y):
        return fn(m, x.requires_grad_(grad in ("x", "both")), y.requires_grad_(grad in ("y", "both")))
    outs = {}
    for mod in (torch, glasstorch):
        x, y = (mod.from_numpy(v.copy()) for v in arrays)
        r = run(mod, x, y)
        r.pow(2).sum().backward()
        outs[mod] = (type(r.grad_fn).__name__, type(r.grad_fn.next_functions[0][0]).__name__,
                     [None if v.grad is None else v.grad.numpy() for v in (x, y)])
    assert outs[torch][:2] == outs[glasstorch][:2]
    for gt, gg in zip(outs[torch][2], outs[glasstorch][2]):
        assert (gt is None) == (gg is None)
        if gt is not None:
            np.testing.assert_allclose(gg, gt, rtol=1e-5, atol=1e-5)


# ---- torch.func.stack_module_state ----------------------------------------------------------------

@pytest.mark.parametrize("case", ["empty", "classes", "modes", "mixed_requires_grad"])
def test_stack_module_state_errors(case):
    def fn(m):
        m.manual_seed(0)
        a, b = m.nn.Linear(2, 2), m.nn.Linear(2, 2)
        if case == "empty":
            return m.func.stack_module_state([])
        if case == "classes":
            return m.func.stack_module_state([a, m.nn.Bilinear(2, 2, 2)])
        if case == "modes":
            return m.func.stack_module_state([a, b.eval()])
        b.bias.requires_grad_(False)
        return m.func.stack_module_state([a, b])
    same_error(fn)


def test_stack_module_state_frozen_and_buffers():
    def fn(m):
        m.manual_seed(0)
        nets = [m.nn.Sequential(m.nn.Linear(2, 3), m.nn.BatchNorm1d(3)) for _ in range(3)]
        for n in nets:
            n[0].weight.requires_grad_(False)
        p, b = m.func.stack_module_state(nets)
        return [p["0.weight"], p["0.bias"], b["1.running_mean"], b["1.num_batches_tracked"],
                m.tensor([p["0.bias"].is_leaf, p["0.weight"].requires_grad, p["0.bias"].requires_grad])]
    same_outcome(fn)


# ---- vmap randomness ------------------------------------------------------------------------------

RANDOM_FNS = {
    "rand": lambda m, t: t + m.rand(2), "randn": lambda m, t: t + m.randn(2), "dropout": lambda m, t: m.nn.functional.dropout(t, 0.5),
    "bernoulli": lambda m, t: t.bernoulli(), "randint": lambda m, t: t + m.randint(0, 5, (2,)),
    "uniform_": lambda m, t: t.clone().uniform_(), "dropout_p0": lambda m, t: m.nn.functional.dropout(t, 0.0),
}


# (not bernoulli of a batched tensor under "same": torch refuses that, glasstorch's loop cannot tell)
@pytest.mark.parametrize("fn,randomness", [(f, r) for f in sorted(RANDOM_FNS) for r in ("error", "same", "different")
                                           if (f, r) != ("bernoulli", "same")])
def test_vmap_randomness(fn, randomness):
    def run(m):
        m.manual_seed(0)
        x = m.full((3, 2), 0.5)
        out = m.func.vmap(lambda t: RANDOM_FNS[fn](m, t), randomness=randomness)(x)
        return out, m.rand(3)          # the generator moved on as torch's did
    same_outcome(run)


def test_vmap_random_error_does_not_leak():
    def run(m):
        m.manual_seed(0)
        try:
            m.func.vmap(lambda t: t + m.rand(1))(m.ones(3))
        except RuntimeError:
            pass
        return m.rand(2)
    same_outcome(run)


# ---- scaled_dot_product_attention's input validation ---------------------------------------------

@pytest.mark.parametrize("case", ["qkv_dtypes", "one_dim", "int_mask", "double_mask", "half_mask",
                                  "float_mask_double_query", "one_dim_and_bad_mask"])
def test_sdpa_validates_inputs(case):
    def fn(m):
        q = m.from_numpy(Q.copy())
        k, v, kw = q, q, {}
        if case == "qkv_dtypes":
            k, v = q.double(), q.half()
        elif case == "one_dim":
            q = q[0, 0, 0]
        elif case.endswith("_mask") and case != "float_mask_double_query":
            kw["attn_mask"] = m.ones(4, 4, dtype={"int_mask": m.int64, "double_mask": m.float64,
                                                  "half_mask": m.float16}.get(case, m.int32))
            if case == "one_dim_and_bad_mask":
                q = q[0, 0, 0]
        else:
            q = k = v = q.double()
            kw["attn_mask"] = m.zeros(4, 4)
        return m.nn.functional.scaled_dot_product_attention(q, k, v, **kw)
    same_outcome(fn, rtol=1e-6, atol=1e-7)


# ---- smaller checks ------------------------------------------------------------------------------

def test_autograd_grad_checks_outputs_before_inputs():
    same_error(lambda m: m.autograd.grad(m.ones(2).sum(), m.ones(2)))
    same_error(lambda m: m.autograd.grad(m.ones(2, requires_grad=True).sum(), m.ones(2)))


@pytest.mark.parametrize("delta", [-1.0, 0.0])
def test_huber_loss_refuses_non_positive_delta(delta):
    same_error(lambda m: m.nn.functional.huber_loss(m.ones(2), m.zeros(2), delta=delta))
    same_error(lambda m: m.nn.HuberLoss(delta=delta)(m.ones(2), m.zeros(2)))


@pytest.mark.parametrize("how", ["set", "set_check_nan", "context"])
@pytest.mark.parametrize("value", [1, None, "yes"])
def test_anomaly_mode_flags_must_be_bool(how, value):
    def fn(m):
        try:
            if how == "set":
                m.autograd.set_detect_anomaly(value)
            elif how == "set_check_nan":
                m.autograd.set_detect_anomaly(True, check_nan=value)
            else:
                with m.autograd.detect_anomaly(check_nan=value):
                    pass
        finally:
            m.autograd.set_detect_anomaly(False)
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        same_error(fn)


@pytest.mark.parametrize("a,b", [((2, 2), (2, 2)), ((2, 2), (2,)), ((2,), (2,)), ((2,), (2, 2)), ((2, 2, 2), (2, 2)),
                                 ((2, 2, 2), (2, 2, 2)), ((2, 2, 2), (2,)), ((2, 2), (2, 2, 2))])
def test_bool_matmul_is_refused(a, b):
    same_error(lambda m: m.ones(a, dtype=m.bool) @ m.ones(b, dtype=m.bool))
    if len(a) == len(b) == 2:
        same_error(lambda m: m.mm(m.ones(a, dtype=m.bool), m.ones(b, dtype=m.bool)))


@pytest.mark.parametrize("shape", [(19,), (3,), (2, 8), (40,)])
def test_vector_to_parameters_sizes(shape):
    def fn(m):
        m.manual_seed(0)
        net = m.nn.Sequential(m.nn.Linear(3, 4), m.nn.Linear(4, 1))
        m.nn.utils.vector_to_parameters(m.arange(float(np.prod(shape))).reshape(shape), net.parameters())
        return [p.detach().clone() for p in net.parameters()]
    same_outcome(fn)
