"""Parity pins for sweep30f (interpretability programs), part 2: autograd and module hooks.

Fixed in glasstorch:
- what a node hook or pre-hook (``grad_fn.register_hook`` / ``register_prehook``, an AccumulateGrad's
  too) returns is checked as torch's engine checks it: "expected tuple, but hook returned '<type>'"
  (TypeError), "hook '<name>' has returned an incorrect number of values (got n, but expected m)",
  "can't replace a None gradient with a non-None value", "expected Variable, ...", and the tensor
  hook's size and type checks; the results of module full backward hooks and pre-hooks go through the
  same check under torch's hook name ``'hook'`` (a returned bare tensor: "has changed the size of
  value", no longer a NumPy reshape error); a hook's name is '<unknown>' when it has no ``__name__``
  (a callable object, a partial), for tensor hooks too (autograd/_hook_checks.py, autograd/engine.py,
  nn/modules/_hooks.py);
- a node pre-hook returning None for every gradient makes the node pass undefined gradients on (the
  input gets no gradient, the node's post hooks see Nones) instead of crashing; for part of a
  multi-output node's gradients, zeros; a custom Function's backward still runs, on zeros (None
  after ``ctx.set_materialize_grads(False)``); an AccumulateGrad pre-hook returning ``(None,)`` leaves
  ``.grad`` untouched instead of storing an object array (autograd/engine.py);
- the pre-hooks and post hooks of a multi-output node (``unbind``, ``split``, ...) see None for the
  outputs that got no gradient, as torch's, no longer zeros (backward itself still gets zeros)
  (autograd/engine.py);
- nodes that receive no gradient at all run as torch's engine runs them (a custom Function's backward
  returning None, a hook dropping a gradient): their tensor hooks are called with None, pre- and post
  hooks with Nones, a custom Function's backward on zeros (so what it returns flows on: the input's
  ``.grad`` is zeros, not None), the module-hook identity nodes hand grad_output None and grad_input
  zeros to the hooks, an AccumulateGrad runs its hooks (post-accumulate-grad too) and leaves ``.grad``
  alone; in the hooked walk and in the fast one (autograd/_undefined_grads.py, engine.py,
  engine_fast.py).
"""
import functools

import pytest

from tests.parity._helpers import same_outcome


class _CallableHook:
    def __init__(self, result):
        self.result = result

    def __call__(self, *args):
        return self.result(*args)


NODE_HOOK_RESULTS = {
    "wrong_size": lambda m: lambda gi, go: (m.zeros(5),),
    "list": lambda m: lambda gi, go: [gi[0]],
    "bare_tensor": lambda m: lambda gi, go: gi[0],
    "float_entry": lambda m: lambda gi, go: (1.0,),
    "double": lambda m: lambda gi, go: (gi[0].double(),),
    "int": lambda m: lambda gi, go: (gi[0].long(),),
    "too_many": lambda m: lambda gi, go: (gi[0], gi[0]),
    "none_entry": lambda m: lambda gi, go: (None,),
    "scaled": lambda m: lambda gi, go: (gi[0] * 3,),
    "unsqueezed": lambda m: lambda gi, go: (gi[0][None],),
    "callable_object": lambda m: _CallableHook(lambda gi, go: (m.zeros(5),)),
    "partial": lambda m: functools.partial(lambda gi, go: (m.zeros(2),)),
}


def _grad_after(m, setup):
    x = m.tensor([0.5, -1.0, 2.0], requires_grad=True)
    y = setup(m, x)
    y.sum().backward()
    return x.grad


@pytest.mark.parametrize("name", sorted(NODE_HOOK_RESULTS))
def test_node_hook_results_checked_as_torch(name):
    def setup(m, x):
        y = x.exp()
        y.grad_fn.register_hook(NODE_HOOK_RESULTS[name](m))
        return y
    same_outcome(lambda m: _grad_after(m, setup))


@pytest.mark.parametrize("name", sorted(NODE_HOOK_RESULTS))
def test_node_prehook_results_checked_as_torch(name):
    def setup(m, x):
        y = x.exp()
        post = NODE_HOOK_RESULTS[name](m)
        pre = post if isinstance(post, _CallableHook) else (lambda go, post=post: post(go, None))
        y.grad_fn.register_prehook(pre)
        return y
    same_outcome(lambda m: _grad_after(m, setup))


@pytest.mark.parametrize("name", ["wrong_size", "none_entry", "scaled", "too_many", "list"])
def test_accumulate_grad_hooks_checked_as_torch(name):
    def setup(m, x, post):
        y = x * 2
        acc = y.grad_fn.next_functions[0][0]
        hook = NODE_HOOK_RESULTS[name](m)
        if post:
            acc.register_hook(hook)
        else:
            acc.register_prehook(lambda go: hook(go, None))
        return y
    same_outcome(lambda m: _grad_after(m, lambda m, x: setup(m, x, False)))
    same_outcome(lambda m: _grad_after(m, lambda m, x: setup(m, x, True)))


def test_replacing_a_none_gradient_is_refused():
    def fn(m):
        x = m.tensor([0.5, -1.0, 2.0], requires_grad=True)
        y = x * 2                  # the constant 2 has a None slot among the hook's grad_inputs
        seen = []
        y.grad_fn.register_hook(lambda gi, go: seen.append([g is None for g in gi]))
        y.sum().backward(retain_graph=True)
        y.grad_fn.register_hook(lambda gi, go: (gi[0], m.ones(3)))
        y.sum().backward()
        return seen
    same_outcome(fn)


def test_tensor_hook_without_name_is_unknown():
    same_outcome(lambda m: _grad_after(m, lambda m, x: _hooked(x.exp(), _CallableHook(lambda g: m.zeros(2)))))


def _hooked(y, fn):
    y.register_hook(fn)
    return y


def test_multi_output_prehook_dropping_gradients():
    def fn(m, drop_all):
        x = m.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
        a, b = x.unbind(0)
        a.grad_fn.register_prehook(lambda go: (None, None) if drop_all else (go[0], None))
        seen = []
        a.grad_fn.register_hook(lambda gi, go: seen.append((len(gi), [g is None for g in gi],
                                                            [g is None for g in go])))
        (a.sum() * 2 + b.sum() * 3).backward()
        return x.grad, seen
    same_outcome(lambda m: fn(m, False))
    same_outcome(lambda m: fn(m, True))


MODULE_HOOKS = {
    "bare_tensor": lambda m: lambda mod, gi, go: gi[0],
    "too_many": lambda m: lambda mod, gi, go: (gi[0], gi[0]),
    "list_scaled": lambda m: lambda mod, gi, go: [gi[0] * 2],
    "wrong_size": lambda m: lambda mod, gi, go: (m.zeros(7),),
    "double": lambda m: lambda mod, gi, go: (gi[0].double(),),
    "none": lambda m: lambda mod, gi, go: None,
}


@pytest.mark.parametrize("name", sorted(MODULE_HOOKS))
@pytest.mark.parametrize("pre", [False, True])
def test_module_backward_hook_results_checked_as_torch(name, pre):
    def fn(m):
        m.manual_seed(0)
        lin = m.nn.Linear(3, 2)
        hook = MODULE_HOOKS[name](m)
        if pre:
            lin.register_full_backward_pre_hook(lambda mod, go: hook(mod, go, go))
        else:
            lin.register_full_backward_hook(hook)
        x = m.ones(1, 3, requires_grad=True)
        lin(x).sum().backward()
        return x.grad
    same_outcome(fn)


@pytest.mark.parametrize("split", ["unbind", "split", "chunk"])
def test_multi_output_node_hooks_see_none_for_unused_outputs(split):
    def fn(m):
        x = m.arange(6.0).view(2, 3).requires_grad_(True)
        parts = {"unbind": lambda: x.unbind(0), "split": lambda: x.split(1, 0),
                 "chunk": lambda: x.chunk(2, 0)}[split]()
        seen = []
        node = parts[0].grad_fn
        node.register_prehook(lambda go: seen.append(("pre", [g is None for g in go])))
        node.register_hook(lambda gi, go: seen.append(("post", [g is None for g in gi], [g is None for g in go])))
        (parts[0].sum() * 2).backward()
        return x.grad, seen
    same_outcome(fn)


def _custom_function(m, materialize, two_outputs):
    class Sq(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(materialize)
            ctx.save_for_backward(x)
            return (x * x, x * 3) if two_outputs else x * x

        @staticmethod
        def backward(ctx, *gs):
            ctx.seen = [None if g is None else g.tolist() for g in gs]
            x, = ctx.saved_tensors
            if gs[0] is None:
                return None
            return 2 * x * gs[0] + 1
    return Sq


@pytest.mark.parametrize("materialize", [True, False])
@pytest.mark.parametrize("two_outputs", [False, True])
def test_custom_function_runs_when_a_prehook_drops_all_gradients(materialize, two_outputs):
    def fn(m):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        out = _custom_function(m, materialize, two_outputs).apply(x)
        y = out[0] + out[1] if two_outputs else out
        node = (out[0] if two_outputs else out).grad_fn
        node.register_prehook(lambda go: (None,) * len(go))
        y.sum().backward()
        return x.grad, getattr(node, "seen", "not run")
    same_outcome(fn)


class _Stop:
    """A custom Function whose backward returns None: everything behind it gets undefined gradients."""

    @staticmethod
    def make(m):
        class Stop(m.autograd.Function):
            @staticmethod
            def forward(ctx, y):
                return y + 1

            @staticmethod
            def backward(ctx, g):
                return None
        return Stop


def _recording_function(m, log, two_outputs=False):
    class Rec(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return (x * 2, x * 3) if two_outputs else x.clone()

        @staticmethod
        def backward(ctx, *gs):
            log.append(("backward", [None if g is None else g.tolist() for g in gs]))
            return gs[0] + gs[1] if two_outputs else gs[0] + 1
    return Rec


def _blocked(m, kind):
    log = []
    Stop = _Stop.make(m)
    x = m.tensor([1.0, 2.0], requires_grad=True)
    if kind == "hooks":
        x.register_hook(lambda g: log.append(("leaf hook", g)))
        y = x * 3
        y.grad_fn.register_prehook(lambda go: log.append(("pre", go)))
        y.grad_fn.register_hook(lambda gi, go: log.append(("post", gi, go)))
        acc = y.grad_fn.next_functions[0][0]
        acc.register_prehook(lambda go: log.append(("acc pre", go)))
        acc.register_hook(lambda gi, go: log.append(("acc post", gi, go)))
        x.register_post_accumulate_grad_hook(lambda p: log.append("post accumulate"))
        Stop.apply(y).sum().backward()
    elif kind == "mixed":
        y = x * 3
        (Stop.apply(y) + y * 0 + x).sum().backward()
    elif kind in ("tensor_hook_value", "retain_grad"):
        y = x * 3
        if kind == "retain_grad":
            y.retain_grad()
        else:
            y.register_hook(lambda g: m.ones(2))
        Stop.apply(y).sum().backward()
        log.append(y.grad if kind == "retain_grad" else "no error")
    elif kind == "grad":
        log.append(m.autograd.grad(Stop.apply(x * 2).sum(), x, allow_unused=True))
    elif kind == "chain":           # a custom Function under built-in nodes that got nothing
        h = _recording_function(m, log).apply(x)
        for _ in range(3):
            h = m.tanh(h) * 2
        Stop.apply(h).sum().backward()
    elif kind in ("two_one_blocked", "two_both_blocked"):
        a, b = _recording_function(m, log, two_outputs=True).apply(x)
        (Stop.apply(a) if kind == "two_one_blocked" else Stop.apply(a) + Stop.apply(b)).sum().backward()
    elif kind == "module_hooks":
        m.manual_seed(0)
        lin = m.nn.Sequential(m.nn.Linear(2, 2), m.nn.ReLU())
        lin[0].register_full_backward_hook(lambda mod, gi, go: log.append(("hook", gi, go)))
        lin[0].register_full_backward_pre_hook(lambda mod, go: log.append(("pre", go)))
        xx = m.tensor([[1.0, 2.0]], requires_grad=True)
        Stop.apply(lin(xx)).sum().backward()
        log.append((xx.grad, lin[0].weight.grad))
    elif kind == "module_pre_hook_drops":
        m.manual_seed(0)
        lin = m.nn.Linear(3, 2)
        lin.register_full_backward_pre_hook(lambda mod, go: (None,))
        lin.register_full_backward_hook(lambda mod, gi, go: log.append(("hook", gi, go)))
        xx = m.ones(1, 3, requires_grad=True)
        lin(xx).sum().backward()
        log.append(xx.grad)
    elif kind == "backward_inputs":
        w = m.tensor([1.0, 2.0], requires_grad=True)
        y = _recording_function(m, log).apply(x) * w
        _Stop.make(m).apply(y).sum().backward(inputs=[w])
        log.append(w.grad)
    elif kind == "create_graph":
        g, = m.autograd.grad((Stop.apply(_recording_function(m, log).apply(x)) + x ** 2).sum(), x,
                             create_graph=True)
        log.append((g, g.requires_grad))
    return x.grad, log


def _plain(obj):
    """Tensors as (values, dtype) so that logs of both libraries compare as data."""
    if isinstance(obj, (tuple, list)):
        return type(obj)(_plain(o) for o in obj)
    if hasattr(obj, "detach") and hasattr(obj, "dtype"):
        return ("tensor", obj.detach().tolist(), str(obj.dtype))
    return obj


@pytest.mark.parametrize("kind", ["hooks", "mixed", "tensor_hook_value", "retain_grad", "grad", "chain",
                                  "two_one_blocked", "two_both_blocked", "module_hooks", "module_pre_hook_drops",
                                  "backward_inputs", "create_graph"])
def test_nodes_without_gradient_run_as_torch(kind):
    def fn(m):
        grad, log = _blocked(m, kind)
        return grad, repr(_plain(log))
    same_outcome(fn)
