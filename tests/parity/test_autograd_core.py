"""Autograd semantics against torch: leaves, accumulation, retain_graph, what each op saves (so a
second backward fails exactly where torch's does), hooks and their order, retain_grad,
create_graph, autograd.grad, version counters, and the error messages."""
import warnings

import numpy as np
import pytest
import torch

import glasstorch
from tests.parity._helpers import MODS, same_error, to_np


def both(fn):
    return {m: fn(m) for m in MODS}


def assert_same(res):
    a, b = res[torch], res[glasstorch]
    if isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            assert_same({torch: x, glasstorch: y})
    elif isinstance(a, torch.Tensor):
        np.testing.assert_array_equal(to_np(b), to_np(a))
        assert str(a.dtype) == str(b.dtype)
    else:
        assert a == b, f"torch {a!r} vs glasstorch {b!r}"


def test_leaf_semantics():
    def fn(t):
        w = t.tensor([1.0, 2.0], requires_grad=True)
        x = t.tensor([1.0, 2.0])
        y = w * 2
        return [w.is_leaf, x.is_leaf, y.is_leaf, w.grad_fn is None, y.requires_grad, x.requires_grad,
                type(y.grad_fn).__name__, y.grad_fn.name(), repr(w), repr(y), (w * x).requires_grad]
    assert_same(both(fn))


@pytest.mark.parametrize("expr", ["w + 1", "w - 1", "2 - w", "-w", "w.sum()", "w.mean()", "w * 2", "w / 2",
                                  "w * w", "w.exp()", "w ** 2", "w.relu()", "w.sigmoid()", "w.tanh()", "w.sin()",
                                  "w.abs()", "w.sqrt()", "w.log()", "2 / w", "w.float()", "w.double()"])
def test_second_backward_fails_exactly_where_torch_does(expr):
    def fn(t):
        w = t.tensor([1.0, 2.0], requires_grad=True)
        loss = eval(expr, {"w": w}).sum()
        loss.backward()
        loss.backward()
        return w.grad
    res = {}
    for m in MODS:
        try:
            res[m] = ("ok", to_np(fn(m)).tolist())
        except RuntimeError as e:
            res[m] = ("error", str(e))
    assert res[torch] == res[glasstorch]


def test_retain_graph_accumulates():
    def fn(t):
        w = t.tensor([1.0, 2.0], requires_grad=True)
        loss = (w * w).sum()
        loss.backward(retain_graph=True)
        loss.backward()
        return w.grad
    assert_same(both(fn))


def test_grad_accumulates_across_backwards_and_zeroing():
    def fn(t):
        w = t.tensor([1.0, -2.0, 3.0], requires_grad=True)
        outs = []
        for k in range(3):
            (w * (k + 1)).sum().backward()
            outs.append(w.grad.clone())
        w.grad = None
        (w ** 2).sum().backward()
        outs.append(w.grad)
        return outs
    assert_same(both(fn))


def test_hooks_fire_in_torchs_order():
    """x=a*b; y=a+1; z=x*y; w=z+a: tensor hooks fire w, z, y, x, then a, b (style.md)."""
    def fn(t):
        order = []
        a = t.tensor(2.0, requires_grad=True)
        b = t.tensor(3.0, requires_grad=True)
        x = a * b
        y = a + 1
        z = x * y
        w = z + a
        for name, v in [("a", a), ("b", b), ("x", x), ("y", y), ("z", z), ("w", w)]:
            v.register_hook(lambda g, name=name: order.append((name, g.item())))
        w.backward()
        return order + [("a.grad", a.grad.item()), ("b.grad", b.grad.item())]
    assert_same(both(fn))


def test_hook_replaces_gradient():
    def fn(t):
        a = t.tensor([1.0, 2.0], requires_grad=True)
        y = a * 3
        y.register_hook(lambda g: g * 10)
        h = a.register_hook(lambda g: g + 1)
        y.sum().backward()
        first = a.grad.clone()
        h.remove()
        a.grad = None
        (a * 3).sum().backward()
        return [first, a.grad]
    assert_same(both(fn))


def test_retain_grad_and_nonleaf_grad_warning():
    def fn(t):
        a = t.tensor([1.0, 2.0], requires_grad=True)
        b = a * 2
        c = a * 3
        b.retain_grad()
        (b * c).sum().backward()
        with warnings.catch_warnings(record=True) as rec:
            warnings.simplefilter("always")
            cg = c.grad
        msg = str(rec[0].message).split(" (Triggered internally")[0] if rec else None
        return [b.grad, cg is None, msg, b.retains_grad, c.retains_grad]
    assert_same(both(fn))


def test_create_graph_higher_order():
    def fn(t):
        x = t.tensor([0.5, -1.5, 2.0], requires_grad=True)
        y = (x ** 3 + x.sin() * x).sum()
        g, = t.autograd.grad(y, x, create_graph=True)
        g2, = t.autograd.grad(g.sum(), x, create_graph=True)
        g3, = t.autograd.grad(g2.sum(), x)
        return [g, g2, g3]
    res = both(fn)
    for a, b in zip(res[torch], res[glasstorch]):
        np.testing.assert_allclose(to_np(b), to_np(a), rtol=1e-6)


def test_backward_create_graph_then_grad_of_grad():
    def fn(t):
        x = t.tensor(1.5, requires_grad=True)
        y = x.exp() * x
        y.backward(create_graph=True)
        gx = x.grad
        x.grad = None
        gx.backward()
        return [gx.detach(), x.grad]
    res = both(fn)
    for a, b in zip(res[torch], res[glasstorch]):
        np.testing.assert_allclose(to_np(b), to_np(a), rtol=1e-6)


def test_autograd_grad_does_not_touch_dot_grad():
    def fn(t):
        a = t.tensor([1.0, 2.0], requires_grad=True)
        b = t.tensor([3.0, 4.0], requires_grad=True)
        out = (a * b + a).sum()
        ga, gb = t.autograd.grad(out, [a, b])
        return [ga, gb, a.grad is None, b.grad is None]
    assert_same(both(fn))


def test_autograd_backward_with_gradient_argument():
    def fn(t):
        a = t.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        y = a * a
        y.backward(t.tensor([[1.0, 0.5], [0.25, 2.0]]))
        return a.grad
    assert_same(both(fn))


def test_backward_from_a_leaf():
    """A leaf (or a no-op view that returns the leaf itself, like flatten of a 1-d tensor) as the root
    of backward: its gradient is the seed, accumulated."""
    def fn(t):
        a = t.tensor([1.0, -2.0, 3.0], requires_grad=True)
        a.backward(t.tensor([0.5, 1.0, 2.0]))
        a.flatten().backward(t.ones(3))
        s = t.tensor(2.0, requires_grad=True)
        s.backward()
        t.autograd.backward([a], [t.full((3,), 4.0)])
        return a.grad, s.grad, a.flatten() is a
    assert_same(both(fn))


def test_no_grad_enable_grad_set_grad_enabled():
    def fn(t):
        w = t.tensor([1.0], requires_grad=True)
        with t.no_grad():
            a = w * 2
            with t.enable_grad():
                b = w * 2
        with t.set_grad_enabled(False):
            c = w * 2
        t.set_grad_enabled(False)
        d = w * 2
        t.set_grad_enabled(True)

        @t.no_grad()
        def f(x):
            return x * 2

        return [a.requires_grad, b.requires_grad, c.requires_grad, d.requires_grad, f(w).requires_grad,
                t.is_grad_enabled()]
    assert_same(both(fn))


def test_detach_and_requires_grad_():
    def fn(t):
        w = t.tensor([1.0, 2.0], requires_grad=True)
        d = w.detach()
        y = (w * 2).detach_()
        z = t.tensor([3.0]).requires_grad_()
        d2 = w.detach()
        d2.add_(1)           # shares memory and version with w
        return [d.requires_grad, d.is_leaf, y.requires_grad, y.grad_fn is None, z.requires_grad, w, w._version]
    assert_same(both(fn))


def test_version_counter():
    def fn(t):
        a = t.tensor([1.0, 2.0])
        v = [a._version]
        a.add_(1)
        v.append(a._version)
        a *= 2
        v.append(a._version)
        a.zero_()
        v.append(a._version)
        return v
    assert_same(both(fn))


def test_inplace_on_nonleaf_records_node():
    def fn(t):
        w = t.tensor([1.0, 2.0], requires_grad=True)
        x = w * 1
        x += 1
        n1 = type(x.grad_fn).__name__
        x.mul_(3)
        n2 = type(x.grad_fn).__name__
        x.sum().backward()
        return [n1, n2, w.grad]
    assert_same(both(fn))


ERRORS = {
    "backward_no_grad": lambda t: t.tensor([1.0, 2.0]).sum().backward(),
    "second_backward": lambda t: _twice(t),
    "leaf_inplace_add_": lambda t: t.tensor([1.0], requires_grad=True).add_(1),
    "leaf_inplace_iadd": lambda t: _iadd(t),
    "leaf_zero_": lambda t: t.tensor([1.0], requires_grad=True).zero_(),
    "saved_modified_output": lambda t: _modified(t, "exp"),
    "saved_modified_input": lambda t: _modified(t, "mul"),
    "saved_modified_sigmoid": lambda t: _modified(t, "sigmoid"),
    "nonscalar_backward": lambda t: (t.tensor([1.0, 2.0], requires_grad=True) * 2).backward(),
    "numpy_requires_grad": lambda t: t.tensor([1.0], requires_grad=True).numpy(),
    "item_many": lambda t: t.tensor([1.0, 2.0]).item(),
    "bool_many": lambda t: bool(t.ones(2)),
    "int_requires_grad": lambda t: t.tensor([1, 2], requires_grad=True),
    "int_requires_grad_": lambda t: t.ones(2, dtype=t.long).requires_grad_(),
    "nonleaf_requires_grad_false": lambda t: (t.ones(2, requires_grad=True) * 2).requires_grad_(False),
    "broadcast_mismatch": lambda t: t.ones(2, 3) + t.ones(4),
    "broadcast_mismatch_mul": lambda t: t.ones(3) * t.ones(2),
    "ragged": lambda t: t.tensor([[1, 2], [3]]),
    "mean_int": lambda t: t.tensor([1, 2, 3]).mean(),
    "sum_dim_range": lambda t: t.ones(2, 3).sum(2),
    "int_neg_pow": lambda t: t.tensor([1, 2]) ** -1,
    "inplace_cast": lambda t: t.tensor([1, 2]).mul_(2.5),
    "inplace_broadcast": lambda t: t.ones(3).add_(t.ones(2, 3)),
    "bool_sub": lambda t: t.tensor([True]) - t.tensor([False]),
    "bool_neg": lambda t: -t.tensor([True]),
    "grad_unused": lambda t: _unused(t),
    "cuda": lambda t: t.ones(2).cuda(),
    "cuda_device": lambda t: t.zeros(2, device="cuda"),
    "format_spec_many": lambda t: f"{t.ones(2):.2f}",
}


def _twice(t):
    w = t.tensor([1.0, 2.0], requires_grad=True)
    loss = (w * w).sum()
    loss.backward()
    loss.backward()


def _iadd(t):
    w = t.tensor([1.0], requires_grad=True)
    w += 1


def _modified(t, kind):
    a = t.tensor([1.0, 2.0], requires_grad=True)
    if kind == "exp":
        b = a.exp()
        b.add_(1)
        b.sum().backward()
    elif kind == "sigmoid":
        b = a.sigmoid()
        b.mul_(2)
        b.sum().backward()
    else:
        b = a * 2
        c = b * b
        b.add_(1)
        c.sum().backward()


def _unused(t):
    a = t.tensor([1.0], requires_grad=True)
    b = t.tensor([1.0], requires_grad=True)
    t.autograd.grad((a * 2).sum(), [a, b])


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_match_torch(name):
    same_error(ERRORS[name])


def test_long_chain_is_iterative():
    """Backward through 100,000 ops: no recursion limit (linear time is measured in bench/)."""
    x = glasstorch.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.backward()
    assert x.grad.item() == 1.0


VIEW_INPLACE = {
    "select_mul_": lambda x: x[0].mul_(2),
    "column_exp_": lambda x: x[:, 1].exp_(),
    "slice_add_tensor": lambda x: x[1:].add_(x[:2].detach() * 3),
    "transpose_relu_": lambda x: x.t().relu_(),
    "step_slice_sigmoid_": lambda x: x[::2].sigmoid_(),
}


@pytest.mark.parametrize("name", sorted(VIEW_INPLACE))
def test_inplace_through_a_view_updates_the_base_history(name):
    """Writing into a view changes the base: its grad_fn becomes CopySlices, gradients follow."""
    def fn(t):
        w = t.tensor([[1.0, -2.0], [3.0, 0.5], [-1.5, 2.5]], requires_grad=True)
        x = w * 1
        VIEW_INPLACE[name](x)
        (x * t.arange(6.0).view(3, 2)).sum().backward()
        return [x.grad_fn.name(), w.grad]
    res = both(fn)
    assert res[torch][0] == res[glasstorch][0]
    np.testing.assert_allclose(to_np(res[glasstorch][1]), to_np(res[torch][1]), rtol=1e-6)


def test_views_made_under_no_grad():
    """A view of a tensor that requires grad, made under no_grad, still reports requires_grad=True
    (and prints so); gradients through it go nowhere, and changing it in place in grad mode is refused."""
    import torch
    import glasstorch
    res = []
    for m in (torch, glasstorch):
        w = m.zeros(2, 2, requires_grad=True)
        with m.no_grad():
            v, row = w.T, w[0]
            inside = [repr(row), v.requires_grad, v.is_leaf, v.grad_fn, w.view(4).requires_grad,
                      (w * 2).requires_grad, w.detach().requires_grad, w.data.requires_grad, w[[0]].requires_grad]
        y = v * 2
        got = [y.requires_grad, type(y.grad_fn).__name__]
        y.sum().backward()
        got += [w.grad, v.grad]
        try:
            row.add_(1)
        except RuntimeError as e:
            got.append(str(e))
        with m.no_grad():
            row.add_(1)
        with m.inference_mode():
            got.append(w.T.requires_grad)
        res.append(inside + got + [w.tolist()])
    assert res[0] == res[1]


def test_gradgradcheck_draws_grad_outputs_like_torch():
    """torch draws the upstream gradients with testing.make_tensor from the global generator, so the
    numbers a program draws afterwards depend on it."""
    def fn(t):
        t.manual_seed(1)
        x = t.randn(3, 2, dtype=t.float64, requires_grad=True)
        ok = [t.autograd.gradgradcheck(lambda a: (a.tanh() * a).sum(1), (x,)),
              t.autograd.gradgradcheck(lambda a: a.exp(), (x,), (t.ones(3, 2, dtype=t.float64),))]
        return ok + [t.randn(3).tolist()]
    assert_same(both(fn))


@pytest.mark.parametrize("dtype,shape", [("float64", (3,)), ("float16", (3,)), ("int64", (3,)), ("float32", (1, 3)),
                                         ("float32", ())])
def test_assigning_mismatched_grad_message(dtype, shape):
    """torch 2.13 names the gradient's C++ type and the tensor's grad_dtype (or both sizes)."""
    same_error(lambda m: setattr(m.ones(3, requires_grad=True), "grad", m.ones(shape, dtype=getattr(m, dtype))))
