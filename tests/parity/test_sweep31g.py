"""Parity pins for sweep31g (implicit layers and differentiable solvers programs).

Fixed in glasstorch:
- ``register_post_accumulate_grad_hook``'s hooks follow torch's _call_hooks: a hook returning None or the
  tensor it was given is fine; any other tensor must pass the tensor-hook checks (type, then size) and is
  handed to the next hooks, a non-tensor is "expected Variable, but hook returned '<type>'" (TypeError),
  and once all have run a replaced tensor is "Tensor post accumulate grad hooks should return None."
  (``lambda p: p.grad.mul_(0.5)`` used to pass silently) (autograd/_hook_checks.py, engine.py,
  _undefined_grads.py);
- a tensor hook (``register_hook``) returning a tensor of another type and size reports the type first,
  as torch's check_variable_result (autograd/_hook_checks.py);
- ``ctx.save_for_backward`` takes tensors or None only: torch's "save_for_backward can only save
  variables, but argument {i} is of type {type}" (TypeError), checked when the graph is recorded; a
  ``to_save`` that is not a tuple is torch's internal error (autograd/function.py);
- the "modified by an inplace operation" error names a saved tensor as torch's SavedVariable does: a
  custom Function's saved input by its own grad_fn (none for a leaf: no "which is output ..." clause),
  its saved outputs as "output n of <Fn>"; the saved outputs of eigh / eig / svd / qr / lu / cholesky /
  aminmax as outputs of that node (not of the in-place op that changed them); an input's output number
  is always 0 (torch keeps none for an input); and complex tensors print as
  ``CPUComplexFloatType`` / ``CPUComplexDoubleType`` (autograd/graph.py, autograd/function.py,
  _linalg_decomp_grad.py, _linalg_lu.py, linalg.py, ops/reduce_more.py);
- ``backward(inputs=[...])`` calls ``retain_grad`` on each input tensor as torch's run_backward does: one
  that requires no grad is "can't retain_grad on Tensor that has requires_grad=False" (was an
  AttributeError, or nothing), and a non-leaf input keeps retaining its grad in later backward calls; a
  leaf input gets its gradient as its AccumulateGrad gives it (CopyBackwards under create_graph, the
  leaf's strides, post-accumulate hooks) (autograd/__init__.py);
- ``autograd.grad`` at a node with tensor hooks: a node that is only captured runs its hooks once, before
  the capture (they used to run a second time, on None, and crash); a node the walk runs on is captured
  before its hooks, which change only what flows on, as torch's evaluate_function (autograd/engine.py,
  autograd/_capture_order.py);
- a retained grad under create_graph is torch's ``grad.clone()`` (CloneBackward0, contiguous), and a
  leaf's first gradient under create_graph is copied into the leaf's own strides (CopyBackwards) or, for
  a leaf that is not dense, cloned contiguous (CloneBackward0), as clone_obey_contract
  (autograd/engine.py, autograd/_grad_layout.py).
"""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from tests.parity._helpers import same_error, same_outcome

MODS = (torch, glasstorch)


def _outcome(fn):
    """(torch's, glasstorch's) result of ``fn(mod)``: what it returned, or (type name, message) of what it raised."""
    out = []
    for m in MODS:
        try:
            r = fn(m)
        except Exception as e:      # noqa: BLE001 - torch's exception is the expectation
            r = (type(e).__name__, str(e).split("\nException raised from")[0])
        out.append(r)
    return out


def _as_py(x):
    if isinstance(x, (torch.Tensor, glasstorch.Tensor)):
        return ("tensor", str(x.dtype).replace("glasstorch", "torch"), x.detach().numpy().tolist())
    if isinstance(x, (tuple, list)):
        return [_as_py(v) for v in x]
    return x


def _same(fn):
    a, b = _outcome(fn)
    assert _as_py(a) == _as_py(b), f"torch {a!r}\nglasstorch {b!r}"


# ---- post-accumulate-grad hooks ----------------------------------------------------------------------
HOOKS = {
    "none": lambda m, seen: lambda p: seen.append("none"),
    "self": lambda m, seen: lambda p: (seen.append("self"), p)[1],
    "grad_mul_": lambda m, seen: lambda p: (seen.append("mul_"), p.grad.mul_(0.5))[1],
    "same_shape": lambda m, seen: lambda p: (seen.append("same"), m.zeros(3))[1],
    "int": lambda m, seen: lambda p: (seen.append("int"), 0)[1],
    "false": lambda m, seen: lambda p: (seen.append("false"), False)[1],
    "double": lambda m, seen: lambda p: (seen.append("double"), m.zeros(3, dtype=m.float64))[1],
    "short": lambda m, seen: lambda p: (seen.append("short"), m.zeros(2))[1],
    "is_leaf": lambda m, seen: lambda p: seen.append(p.is_leaf),
}


def _post_acc(m, kinds, how="backward"):
    m.manual_seed(0)
    x = m.randn(3, requires_grad=True)
    seen = []
    for k in kinds:
        x.register_post_accumulate_grad_hook(HOOKS[k](m, seen))
    try:
        if how == "backward":
            (x * 3).sum().backward()
        elif how == "sum":
            x.sum().backward()
        else:
            m.autograd.grad((x * 3).sum(), x)
    except Exception as e:      # noqa: BLE001 - compared with torch's
        return type(e).__name__, str(e), x.grad, seen
    return "ok", x.grad, seen


@pytest.mark.parametrize("kind", sorted(HOOKS))
@pytest.mark.parametrize("how", ["backward", "sum", "grad"])
def test_post_accumulate_hook_result(kind, how):
    _same(lambda m: _post_acc(m, [kind], how))


@pytest.mark.parametrize("kinds", [["same_shape", "is_leaf", "double"], ["same_shape", "is_leaf", "short"],
                                   ["same_shape", "is_leaf"], ["none", "self", "grad_mul_", "none"],
                                   ["int", "none"], ["double", "is_leaf"]])
def test_post_accumulate_hooks_chain(kinds):
    """Each hook gets what the one before returned; all run before the final check."""
    _same(lambda m: _post_acc(m, kinds))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(sorted(HOOKS)), min_size=1, max_size=4))
def test_post_accumulate_hooks_hypothesis(kinds):
    _same(lambda m: _post_acc(m, kinds))


def test_post_accumulate_hook_removed_then_plain_backward():
    def fn(m):
        x = m.ones(2, requires_grad=True)
        h = x.register_post_accumulate_grad_hook(lambda p: p.grad)
        h.remove()
        x.register_post_accumulate_grad_hook(lambda p: None)
        (x * 2).sum().backward()
        return x.grad
    same_outcome(fn)


# ---- tensor hooks: the type is checked before the size --------------------------------------------------
@pytest.mark.parametrize("ret", ["double_short", "double", "short", "long", "ok"])
@pytest.mark.parametrize("where", ["nonleaf", "leaf", "node_hook", "node_prehook"])
def test_tensor_hook_result_check_order(ret, where):
    def make(m):
        return {"double_short": m.zeros(2, dtype=m.float64), "double": m.zeros(3, dtype=m.float64),
                "short": m.zeros(2), "long": m.zeros(3, dtype=m.int64), "ok": m.full((3,), 2.0)}[ret]

    def fn(m):
        x = m.ones(3, requires_grad=True)
        y = x * 2
        if where == "nonleaf":
            y.register_hook(lambda g: make(m))
        elif where == "leaf":
            x.register_hook(lambda g: make(m))
        elif where == "node_hook":
            y.grad_fn.register_hook(lambda gi, go: (make(m),))
        else:
            y.grad_fn.register_prehook(lambda go: (make(m),))
        y.sum().backward()
        return x.grad
    same_outcome(fn)


# ---- save_for_backward's arguments ---------------------------------------------------------------------
SAVES = {
    "int": lambda m, x: (x, None, 3), "str": lambda m, x: ("a", x), "float": lambda m, x: (1.5,),
    "ndarray": lambda m, x: (np.zeros(2),), "bool": lambda m, x: (m.ones(1), True), "list": lambda m, x: ([x],),
    "tensors_and_none": lambda m, x: (x, None, m.ones(2)),
}


@pytest.mark.parametrize("what", sorted(SAVES))
@pytest.mark.parametrize("rg", [True, False])
@pytest.mark.parametrize("style", ["ctx", "setup_context", "no_grad"])
def test_save_for_backward_checks_its_arguments(what, rg, style):
    def fn(m):
        if style == "setup_context":
            class Fn(m.autograd.Function):
                @staticmethod
                def forward(x):
                    return x * 2

                @staticmethod
                def setup_context(ctx, inputs, output):
                    ctx.save_for_backward(*SAVES[what](m, inputs[0]))

                @staticmethod
                def backward(ctx, g):
                    return g * 2
        else:
            class Fn(m.autograd.Function):
                @staticmethod
                def forward(ctx, x):
                    ctx.save_for_backward(*SAVES[what](m, x))
                    return x * 2

                @staticmethod
                def backward(ctx, g):
                    return g * 2
        x = m.ones(2, requires_grad=rg)
        if style == "no_grad":
            with m.no_grad():
                return Fn.apply(x)
        y = Fn.apply(x)
        if y.requires_grad:
            y.sum().backward()
            return y, x.grad
        return y
    same_outcome(fn)


@pytest.mark.parametrize("to_save", ["list", "tensor"])
def test_to_save_must_be_a_tuple(to_save):
    def fn(m):
        class Fn(m.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.to_save = [x] if to_save == "list" else x
                return x * 2

            @staticmethod
            def backward(ctx, g):
                return g
        return Fn.apply(m.ones(2, requires_grad=True))
    same_error(fn)


# ---- the version error's wording ----------------------------------------------------------------------
def _custom(m):
    class F2(m.autograd.Function):
        @staticmethod
        def forward(ctx, x, y):
            out = x * y
            ctx.save_for_backward(x, y, out)
            return out, x + 1

        @staticmethod
        def backward(ctx, g, g2):
            a, b, c = ctx.saved_tensors
            return g * b, g * a

    class G2(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            a, b = x * 2, x * 3
            ctx.save_for_backward(b)
            return a, b

        @staticmethod
        def backward(ctx, g1, g2):
            b, = ctx.saved_tensors
            return g1 + g2 * b

    class Dirty(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            x.mul_(2)
            ctx.mark_dirty(x)
            ctx.save_for_backward(x)
            return x

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return g * 2
    return F2, G2, Dirty


def _leaf_input(m):
    F2 = _custom(m)[0]
    x, y = m.ones(2, requires_grad=True), m.ones(2, requires_grad=True)
    o, _ = F2.apply(x, y)
    with m.no_grad():
        x.mul_(2)
    o.sum().backward()


def _nonleaf_input(m):
    F2 = _custom(m)[0]
    e = m.ones(2, requires_grad=True).exp()
    o, _ = F2.apply(e, m.ones(2, requires_grad=True))
    e.add_(1)
    o.sum().backward()


def _output0(m):
    F2 = _custom(m)[0]
    o, _ = F2.apply(m.ones(2, requires_grad=True), m.ones(2, requires_grad=True))
    o.mul_(2)
    o.sum().backward()


def _output1(m):
    G2 = _custom(m)[1]
    a, b = G2.apply(m.ones(2, requires_grad=True))
    b.add_(1)
    (a + b).sum().backward()


def _dirty(m):
    Dirty = _custom(m)[2]
    y = Dirty.apply(m.ones(2, requires_grad=True) * 1)
    z = y * 1
    y.add_(1)
    z.sum().backward()


def _decomp(name, which):
    def run(m):
        m.manual_seed(0)
        x = m.randn(3, 3, dtype=m.float64, requires_grad=True)
        if name == "eigh":
            outs = m.linalg.eigh(x @ x.T)
        elif name == "svd":
            outs = m.linalg.svd(x)
        elif name == "qr":
            outs = m.linalg.qr(x)
        elif name == "lu":
            outs = m.linalg.lu(x)
        elif name == "cholesky_ex":
            outs = m.linalg.cholesky_ex(x @ x.T + m.eye(3))
        elif name == "cholesky":
            outs = (m.linalg.cholesky(x @ x.T + m.eye(3)),)
        elif name == "eig":
            outs = m.linalg.eig(x)
        else:
            outs = m.aminmax(x * 1, dim=1)
        loss = sum(o.abs().sum() for o in outs if o.is_floating_point() or o.is_complex())
        outs[which].add_(1)
        loss.backward()
    return run


def _no_grad_change_of_second_output(m):
    x, w = m.randn(5, requires_grad=True), m.randn(1, requires_grad=True)
    s, mu = m.std_mean(x)
    y = mu * w
    with m.no_grad():
        mu.add_(1)
    y.backward()


def _complex(dt):
    def run(m):
        x = m.ones(2, dtype=getattr(m, dt), requires_grad=True)
        y = x * 1
        z = y * y
        y.add_(1)
        z.sum().abs().backward()
    return run


VERSION_CASES = {
    "custom_leaf_input": _leaf_input, "custom_nonleaf_input": _nonleaf_input, "custom_output0": _output0,
    "custom_output1": _output1, "custom_dirty": _dirty, "no_grad_second_output": _no_grad_change_of_second_output,
    "complex64": _complex("complex64"), "complex128": _complex("complex128"), "float16": _complex("float16"),
    "float64": _complex("float64"),
    **{f"{n}_{k}": _decomp(n, k) for n, ks in [("eigh", (0, 1)), ("svd", (0, 1, 2)), ("qr", (0, 1)),
                                              ("lu", (1, 2)), ("cholesky_ex", (0,)), ("cholesky", (0,)),
                                              ("eig", (1,)), ("aminmax", (0, 1))] for k in ks},
}


@pytest.mark.parametrize("case", sorted(VERSION_CASES))
def test_version_error_names_the_saved_tensor(case):
    same_error(VERSION_CASES[case])


# ---- backward(inputs=...), captures and hooks ------------------------------------------------------------
def _zx(m):
    m.manual_seed(0)
    x = m.randn(3, requires_grad=True)
    z = x * 2
    return x, z, z.exp()


NOT_REQUIRING = {
    "fresh": lambda m, x: [m.randn(3)],
    "computed": lambda m, x: [m.randn(3) * 2],
    "second": lambda m, x: [x, m.randn(3)],
    "no_grad_result": lambda m, x: [_no_grad_double(m, x)],
    "detached": lambda m, x: [x.detach()],
    "int": lambda m, x: [m.ones(2, dtype=m.int64)],
}


def _no_grad_double(m, x):
    with m.no_grad():
        return x * 2


@pytest.mark.parametrize("case", sorted(NOT_REQUIRING))
def test_backward_inputs_that_require_no_grad(case):
    def fn(m):
        x, z, w = _zx(m)
        w.sum().backward(inputs=NOT_REQUIRING[case](m, x))
    same_error(fn)


def test_backward_inputs_nonleaf_keeps_retaining():
    def fn(m):
        x, z, w = _zx(m)
        w.sum().backward(inputs=[z], retain_graph=True)
        first = (z.retains_grad, z.grad.clone(), x.grad)
        w.sum().backward()
        return first, z.retains_grad, z.grad, x.grad
    _same(fn)


INPUT_CASES = {
    "nonleaf": lambda m, x, z: [z],
    "nonleaf_and_leaf": lambda m, x, z: [z, x],
    "twice": lambda m, x, z: [z, z],
    "tensor_not_list": lambda m, x, z: z,
    "leaf_edge": lambda m, x, z: [m.autograd.graph.get_gradient_edge(x)],
    "nonleaf_edge": lambda m, x, z: [m.autograd.graph.get_gradient_edge(z)],
}


@pytest.mark.parametrize("case", sorted(INPUT_CASES))
@pytest.mark.parametrize("create", [False, True])
@pytest.mark.parametrize("hook", [None, "tensor", "retain", "post_acc"])
def test_backward_inputs_fill_grads_as_torch(case, create, hook):
    def fn(m):
        x, z, w = _zx(m)
        if hook == "tensor":
            z.register_hook(lambda g: g * 100)
            x.register_hook(lambda g: g * 10)
        elif hook == "retain":
            z.retain_grad()
        elif hook == "post_acc":
            x.register_post_accumulate_grad_hook(lambda p: (p.grad.mul_(0.5), None)[1])
        w.sum().backward(inputs=INPUT_CASES[case](m, x, z), create_graph=create)
        return (z.grad, None if z.grad is None else type(z.grad.grad_fn).__name__, z.retains_grad,
                x.grad, None if x.grad is None else type(x.grad.grad_fn).__name__)
    _same(fn)


@pytest.mark.parametrize("create", [False, True])
def test_backward_inputs_leaf_layout_and_existing_grad(create):
    def fn(m):
        m.manual_seed(0)
        x = m.randn(4, 3).T.requires_grad_()
        y = m.randn(3, requires_grad=True)
        y.grad = m.ones(3)
        ((x * 2).sum() + y.exp().sum()).backward(inputs=[x, y], create_graph=create)
        return x.grad, x.grad.stride(), y.grad, type(y.grad.grad_fn).__name__
    _same(fn)


CAPTURE_HOOKS = {
    "tensor_hook": lambda m, z: z.register_hook(lambda g: g * 100),
    "pre_hook": lambda m, z: z.grad_fn.register_prehook(lambda g: (g[0] * 100,)),
    "node_hook": lambda m, z: z.grad_fn.register_hook(lambda gi, go: (gi[0] * 100,)),
    "retain": lambda m, z: z.retain_grad(),
}


@pytest.mark.parametrize("hook", sorted(CAPTURE_HOOKS))
@pytest.mark.parametrize("wrt", ["z", "z_x", "x_z", "x"])
def test_grad_captures_around_hooks(hook, wrt):
    """A node only captured gets its tensor hooks before the capture; one the walk runs on, after."""
    def fn(m):
        x, z, w = _zx(m)
        CAPTURE_HOOKS[hook](m, z)
        seen = []
        z.register_hook(lambda g: seen.append(g))
        wrt_ = {"z": [z], "z_x": [z, x], "x_z": [x, z], "x": [x]}[wrt]
        return m.autograd.grad(w.sum(), wrt_), seen, z.grad
    _same(fn)


@pytest.mark.parametrize("twice", [False, True])
def test_retained_grad_under_create_graph_is_a_clone(twice):
    def fn(m):
        m.manual_seed(0)
        x = m.randn(3, 4, requires_grad=True)
        z = x.T * 1
        z.retain_grad()
        w = (z.exp() @ m.randn(3, 5)).sum()
        w.backward(create_graph=True, retain_graph=True)
        if twice:
            w.backward(create_graph=True)
        fn_ = z.grad.grad_fn
        return z.grad, fn_.name(), [None if f is None else f.name() for f, _ in fn_.next_functions], \
            z.grad.stride(), x.grad
    _same(fn)


LEAVES = {
    "contiguous": lambda m: m.randn(3, 4),
    "transposed": lambda m: m.randn(4, 3).T,
    "strided": lambda m: m.randn(4, 6)[:, ::2],
    "expanded": lambda m: m.randn(4).expand(3, 4),
    "permuted": lambda m: m.randn(2, 3, 4).permute(2, 0, 1),
    "channels_last": lambda m: m.randn(1, 3, 2, 2).to(memory_format=m.channels_last),
    "vector": lambda m: m.randn(5),
}


@pytest.mark.parametrize("leaf", sorted(LEAVES))
@pytest.mark.parametrize("create", [False, True])
def test_first_leaf_grad_obeys_the_layout_contract(leaf, create):
    def fn(m):
        m.manual_seed(0)
        x = LEAVES[leaf](m).requires_grad_()
        (x * x * 2).sum().backward(create_graph=create)
        g = x.grad
        second = m.autograd.grad(g.sum(), x) if create else None
        return g, g.stride(), None if g.grad_fn is None else type(g.grad_fn).__name__, second
    _same(fn)


@pytest.mark.parametrize("pack", [False, True])
def test_custom_function_saves_after_wiring_its_outputs(pack):
    """A dirty input saved is saved at its bumped version; a pack hook sees an output with its grad_fn."""
    def fn(m):
        Dirty = _custom(m)[2]

        class F(m.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                y = x * 2
                ctx.save_for_backward(y)
                return y

            @staticmethod
            def backward(ctx, g):
                y, = ctx.saved_tensors
                return g * y
        a = m.ones(2, requires_grad=True)
        seen = []

        def run():
            return Dirty.apply(a * 1), F.apply(a)
        if pack:
            with m.autograd.graph.saved_tensors_hooks(
                    lambda x: (seen.append(None if x.grad_fn is None else type(x.grad_fn).__name__), x)[1],
                    lambda x: x):
                y, z = run()
        else:
            y, z = run()
        (y.sum() + z.sum()).backward()
        return a.grad, y._version, seen
    _same(fn)
