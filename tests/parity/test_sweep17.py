"""Parity tests for the differences found by sweep 17's programs (tests/programs/sweep17_*.py): saved-tensor
hooks (grad_fn._saved_result, _raw_saved_*.register_hooks, pack hooks), torch.func's refusals of custom
Functions, half-precision scaled_dot_product_attention, torch.utils.model_zoo, assert_close's item paths and
the grad-mode decorators."""
import numpy as np
import pytest
import torch

import glasstorch

from ._helpers import same_error, same_on_both, same_outcome

R = np.random.default_rng(17)


def _both(fn):
    """fn(module) on torch and glasstorch: the two results must be equal (plain Python values)."""
    a, b = fn(torch), fn(glasstorch)
    assert a == b, f"torch {a!r} vs glasstorch {b!r}"
    return a


# ---- what a node saved, as grad_fn._saved_* / _raw_saved_* show it --------------------------------------------

@pytest.mark.parametrize("op", ["exp", "tanh", "sigmoid", "sqrt"])
def test_saved_result_is_a_new_tensor_each_time(op):
    def fn(m):
        x = m.rand(4, requires_grad=True)
        y = getattr(x * 2, op)()
        r = y.grad_fn._saved_result
        return (r is y, r is y.grad_fn._saved_result, r.equal(y), r.grad_fn is y.grad_fn, r.requires_grad,
                r.is_leaf, r._version)
    _both(fn)


def test_saved_input_keeps_its_identity():
    _both(lambda m: (lambda x: (lambda y: (y.grad_fn._saved_self is x, y.grad_fn._saved_exponent))(x.pow(2)))(
        m.rand(3, requires_grad=True)))
    _both(lambda m: (lambda h: h.sin().grad_fn._saved_self is h)(m.rand(3, requires_grad=True) * 3))


def _raw_hooks(m):
    log = []
    x = m.rand(4, requires_grad=True)
    y = x.pow(2)
    raw = y.grad_fn._raw_saved_self
    log.append(type(raw).__name__)
    raw.register_hooks(lambda t: log.append(("pack", m.is_grad_enabled(), t.requires_grad)) or t * 1,
                       lambda t: log.append("unpack") or t)
    log.append(y.grad_fn._saved_self.equal(x))
    log.append(len(log))
    try:
        y.grad_fn._raw_saved_self.register_hooks(lambda t: t, lambda t: t)
    except RuntimeError as e:
        log.append(str(e))
    y.sum().backward()
    log.append(x.grad.equal(2 * x))
    try:
        y.grad_fn._raw_saved_self.register_hooks(lambda t: t, lambda t: t)
    except RuntimeError as e:
        log.append(str(e))
    return log


def test_raw_saved_register_hooks():
    _both(_raw_hooks)
    assert str(type(torch.ones(1, requires_grad=True).exp().grad_fn._raw_saved_result)) == \
        "<class 'torch._C._autograd.SavedTensor'>"


def test_raw_saved_errors():
    def inside_context(m):
        x = m.rand(3, requires_grad=True)
        with m.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t):
            y = x.exp()
        y.grad_fn._raw_saved_result.register_hooks(lambda t: t, lambda t: t)
    same_error(inside_context)

    def bad_unpack(m):
        x = m.rand(3, requires_grad=True)
        y = x.pow(2)
        y.grad_fn._raw_saved_self.register_hooks(lambda t: 5, lambda t: "s")
        y.grad_fn._saved_self
    same_error(bad_unpack)

    def inplace_register(m):
        x = m.rand(3, requires_grad=True)
        y = x.pow(2)
        y.grad_fn._raw_saved_self.register_hooks(lambda t: t.mul_(2), lambda t: t)
    same_error(inplace_register)


def test_pack_hook_runs_without_grad_and_must_not_change_its_input():
    def mode(m):
        seen = []
        x = m.rand(3, requires_grad=True)
        with m.autograd.graph.saved_tensors_hooks(lambda t: seen.append((m.is_grad_enabled(), t is x)) or t,
                                                  lambda t: t):
            y = x.sin()
        return seen
    _both(mode)

    def inplace(m):
        w = m.rand(3, requires_grad=True)
        with m.autograd.graph.saved_tensors_hooks(lambda t: t.mul_(2), lambda t: t):
            (w * 1).sin()
    same_error(inplace)


# ---- torch.func refuses custom Functions it cannot transform ------------------------------------------------------

def _fns(m):
    class New(m.autograd.Function):
        @staticmethod
        def forward(x):
            return x * 2

        @staticmethod
        def setup_context(ctx, inputs, output):
            pass

        @staticmethod
        def backward(ctx, g):
            return 2 * g

    class Old(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return 2 * g

    class Both(New):
        generate_vmap_rule = True

        @staticmethod
        def vmap(info, in_dims, x):
            return x * 2, in_dims[0]

    class Gen(New):
        generate_vmap_rule = True

    return {"new": New, "old": Old, "both": Both, "gen": Gen}


CASES = {
    "vmap": lambda m, F, x: m.func.vmap(F.apply)(x),
    "grad": lambda m, F, x: m.func.grad(lambda t: F.apply(t).sum())(x),
    "jacrev": lambda m, F, x: m.func.jacrev(F.apply)(x),
    "jacfwd": lambda m, F, x: m.func.jacfwd(F.apply)(x),
    "jvp": lambda m, F, x: m.func.jvp(F.apply, (x,), (x,)),
    "vjp": lambda m, F, x: m.func.vjp(F.apply, x)[0],
    "hessian": lambda m, F, x: m.func.hessian(lambda t: F.apply(t).sum())(x),
    "closure": lambda m, F, x: m.func.vmap(lambda t: t + F.apply(x))(x),
    "vmap_grad": lambda m, F, x: m.func.vmap(m.func.grad(lambda t: F.apply(t).sum()))(x[None]),
}


@pytest.mark.parametrize("kind", ["new", "old", "both", "gen"])
@pytest.mark.parametrize("transform", sorted(CASES))
def test_func_transforms_of_custom_functions(kind, transform):
    x = R.standard_normal(3).astype(np.float32)
    same_outcome(lambda m: CASES[transform](m, _fns(m)[kind], m.from_numpy(x.copy())), rtol=1e-6)


def test_function_defaults():
    for m in (torch, glasstorch):
        assert m.autograd.Function.generate_vmap_rule is False
    same_error(lambda m: m.autograd.Function.jvp(None, 1))
    same_error(lambda m: m.autograd.Function.vmap(None, (0,), 1))


def test_plain_calls_are_not_refused():
    x = R.standard_normal(3).astype(np.float32)
    same_on_both(lambda m, t: _fns(m)["old"].apply(t), [x])
    same_on_both(lambda m, t: _fns(m)["new"].apply(t), [x])


# ---- half-precision attention: computed in float32, rounded once ---------------------------------------------------

@pytest.mark.parametrize("shape", [(3, 5, 8), (2, 7, 16), (5, 8)])
@pytest.mark.parametrize("mask", [None, "bool", "float"])
def test_sdpa_half_math_kernel(shape, mask):
    # the float32 result carries glasstorch's last-bit differences (correctly rounded exp, summation order);
    # rounded to half, they show up as a rare one-ulp difference (about 1 element in 10 000): rtol 2**-10
    tol = dict(rtol=2 ** -10, atol=2 ** -24)
    q, k, v = (R.standard_normal(shape).astype(np.float16) for _ in range(3))
    L = shape[-2]
    mk = {None: None, "bool": np.tril(np.ones((L, L), bool)),
          "float": R.standard_normal((L, L)).astype(np.float16)}[mask]
    arrays = [q, k, v] + ([mk] if mk is not None else [])
    same_on_both(lambda m, q, k, v, *mm: m.nn.functional.scaled_dot_product_attention(
        q, k, v, attn_mask=mm[0] if mm else None), arrays, grad=False, **tol)
    if mask is None:
        same_on_both(lambda m, q, k, v: m.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True),
                     [q, k, v], grad=False, **tol)
        # the backward runs in float32 too; its sums (softmax backward) are ordered differently from torch's,
        # so a half gradient may differ in its last bit (rtol 2**-10)
        same_on_both(lambda m, q, k, v: m.nn.functional.scaled_dot_product_attention(q, k, v).float(),
                     [q, k, v], grad=True, grad_rtol=2 ** -10, grad_atol=2 ** -14, **tol)


@pytest.mark.parametrize("shape", [(2, 2, 4, 8), (1, 2, 30, 64)])
def test_sdpa_half_flash_kernel_within_one_half_ulp(shape):
    # torch's CPU flash kernel rounds exp(s - max) to half before P @ V, with its own blocking; glasstorch
    # computes the float32 math result and rounds once: equal to within one half ulp of values below 4
    q, k, v = (R.standard_normal(shape).astype(np.float16) for _ in range(3))
    same_on_both(lambda m, q, k, v: m.nn.functional.scaled_dot_product_attention(q, k, v), [q, k, v], grad=False,
                 atol=2 ** -9, rtol=0)


# ---- small modules and helpers -----------------------------------------------------------------------------------

def test_model_zoo():
    import glasstorch.hub
    import glasstorch.utils.model_zoo as gz
    import torch.hub
    import torch.utils.model_zoo as tz
    assert tz.load_url is torch.hub.load_state_dict_from_url
    assert gz.load_url is glasstorch.hub.load_state_dict_from_url
    assert gz.load_url.__name__ == tz.load_url.__name__ and hasattr(gz, "tqdm")


@pytest.mark.parametrize("actual", [
    lambda m: {"a": m.ones(2), "b": [m.ones(2), m.zeros(2)]},
    lambda m: [[m.ones(1)], (m.ones(1), {"k": m.tensor([1, 3])})],
    lambda m: {"x": {"y": [1.0, 2.5]}},
])
def test_assert_close_names_the_nested_item(actual):
    expected = [lambda m: {"a": m.ones(2), "b": [m.ones(2), m.ones(2)]},
                lambda m: [[m.ones(1)], (m.ones(1), {"k": m.tensor([1, 2])})],
                lambda m: {"x": {"y": [1.0, 2.0]}}]
    for exp in expected:
        try:
            actual(torch), exp(torch)
            torch.testing.assert_close(actual(torch), exp(torch))
        except (AssertionError, TypeError):
            same_error(lambda m: m.testing.assert_close(actual(m), exp(m)))


def _decorated(m):
    w = m.ones(2, requires_grad=True)

    @m.no_grad
    def bare(x):
        return w * x

    @m.enable_grad
    def on(x):
        return w * x

    @m.set_grad_enabled(False)
    def off(x):
        return w * x

    after_decorating = m.is_grad_enabled()

    def gen():
        for i in range(3):
            yield (w * i).requires_grad
        return "done"

    wrapped = m.no_grad()(gen)()
    items = list(wrapped)
    with m.no_grad():
        forced = on(1.0).requires_grad
    return (bare(1.0).requires_grad, forced, off(1.0).requires_grad, after_decorating, items, m.is_grad_enabled(),
            bare.__name__, off.__name__)


def test_grad_mode_decorators():
    _both(_decorated)


def test_generator_return_value_under_no_grad():
    def fn(m):
        def gen():
            yield 1
            return "value"
        g = m.no_grad()(gen)()
        next(g)
        try:
            next(g)
        except StopIteration as e:
            return e.value
    _both(fn)


@pytest.mark.parametrize("op", ["exp", "tanh", "sigmoid", "relu", "softmax"])
def test_pack_sees_an_output_attached_to_its_node(op):
    def fn(m):
        seen = []
        x = m.rand(2, 3, requires_grad=True) * 1
        with m.autograd.graph.saved_tensors_hooks(
                lambda t: seen.append((tuple(t.shape), t.requires_grad, type(t.grad_fn).__name__)) or t, lambda t: t):
            y = getattr(x, op)(-1) if op == "softmax" else getattr(x, op)()
        if op != "softmax":          # glasstorch's SoftmaxBackward0 does not name what it saved yet
            seen.append(y.grad_fn._saved_result.equal(y))
        return seen
    _both(fn)


@pytest.mark.parametrize("n_inputs", [1, 2])
def test_checkpoint_inputs_go_through_the_outer_hooks(n_inputs):
    def fn(m):
        from importlib import import_module
        cp = import_module(m.__name__ + ".utils.checkpoint")
        log = []
        a = m.rand(3, 4, requires_grad=True)
        b = m.rand(4)

        def block(*xs):
            return (xs[0] * 2).sin() if len(xs) == 1 else (xs[0] * xs[1]).sin()
        args = (a,) if n_inputs == 1 else (a, b)
        with m.autograd.graph.saved_tensors_hooks(lambda t: log.append(("pack", tuple(t.shape))) or t.clone(),
                                                  lambda t: log.append("unpack") or t):
            out = cp.checkpoint(block, *args, use_reentrant=False)
        log.append(len(log))
        out.sum().backward()
        log.append(bool(m.allclose(a.grad, 2 * (a * 2).cos() if n_inputs == 1 else b * (a * b).cos())))
        return log
    _both(fn)


@pytest.mark.parametrize("expr", ["x.pow(2)", "x * y", "x.exp()", "x.tanh()", "x.sigmoid()", "x.sqrt()", "x.sin()"])
def test_dir_of_a_node_lists_what_it_saved(expr):
    def fn(m):
        x, y = m.rand(3, requires_grad=True), m.rand(3, requires_grad=True)
        node = eval(expr).grad_fn
        return [n for n in dir(node) if "saved" in n]
    _both(fn)


@pytest.mark.parametrize("a,b", [(None, None), (None, 1), (1.0, None), (True, False), (False, True), (True, True),
                                 ([None, True], [None, False]), ({"k": None}, {"k": 0.5})])
def test_assert_close_none_and_booleans(a, b):
    def fn(m):
        m.testing.assert_close(a, b)
        return "passed"
    try:
        fn(torch)
    except AssertionError:
        same_error(fn)
    else:
        _both(fn)
    try:
        torch.testing.assert_close(a, b, msg="mine")
    except AssertionError:
        same_error(lambda m: m.testing.assert_close(a, b, msg="mine"))


# ---- torch.func details ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("argnums", [1, -2, (0, 1), (), (0, -1), [0], 0.5, (0, "a")])
@pytest.mark.parametrize("transform", ["grad", "jacrev", "jacfwd", "hessian"])
def test_func_argnums_checks(transform, argnums):
    x = R.standard_normal(3).astype(np.float32)
    same_outcome(lambda m: getattr(m.func, transform)(lambda t: t.pow(3).sum(), argnums=argnums)(m.from_numpy(x)))


@pytest.mark.parametrize("f", ["t.pow(3).sum()", "(t.sin() * t.cos()).sum()", "t[0] * t[1] - t[2].exp()",
                               "(t @ t) * t.sum()", "t.tanh().prod()"])
def test_hessian_is_forward_over_reverse(f):
    # the signed zeros off the diagonal are forward mode's (torch: jacfwd(jacrev(f))); exact comparison, which
    # checks them, except for tanh through prod and the dot product (last-bit differences: rtol 1e-14)
    x = R.standard_normal(3)
    tol = 1e-14 if "tanh" in f or "@" in f else 0.0
    same_on_both(lambda m, x: m.func.hessian(lambda t: eval(f))(x), [x], grad=False, rtol=tol)


def test_functional_call_lists_every_repeated_key():
    def fn(m):
        lin = m.nn.Linear(3, 2)
        d = {"weight": m.ones(2, 3), "bias": m.ones(2)}
        m.func.functional_call(lin, (d, dict(d), {"bias": m.zeros(2)}), (m.ones(1, 3),))
    same_error(fn)
