"""Program sweep 22h (custom autograd Functions and torch.library operators), against torch.

Fixed in glasstorch:
* autograd.Function: ``ctx.mark_dirty`` of a leaf that requires grad raises torch's "a leaf Variable
  that requires grad has been used in an in-place operation."; ``Function.__mro__`` has torch's
  ``_SingleLevelFunction``; applying a Function without ``jvp`` to a dual tensor (forward AD) raises
  torch's NotImplementedError.
* torch.library.custom_op: ``CustomOpDef._schema`` is the schema text; the schema is inferred before
  the name is split (torch's errors first); Tensor-list arguments and ``Tensor[]`` results are
  differentiable (torch's supports_tensorlist: backward returns a list of grads per list argument,
  ``ctx.needs_input_grad`` as torch shows it in setup_context and in backward); setup_context gets
  ``keyword_only_inputs`` when the op has keyword-only arguments.
* ``register_autograd`` works on operators made by ``torch.library.define``.
* ``torch.library.impl(lib, name, dispatch_key)`` (the legacy decorator form); ``impl(qualname,
  types, func)`` returns None; ``Library.impl`` refuses a non-callable.
* ``get_ctx()`` is None outside a fake implementation and a FakeImplCtx (``new_dynamic_size``) in one.
* opcheck: test_schema's message; test_aot_dispatch_dynamic runs forward and backward (a custom_op
  without an autograd formula fails there, before the fake check); test_faketensor runs the fake
  first; keyword-only arguments; the kernel and setup_context run as often, in the same order and
  with the same grad mode, as in torch's opcheck.
"""
import itertools

import numpy as np
import pytest

import glasstorch
import torch
from glasstorch.autograd import gradcheck

from ._helpers import same_error

_names = itertools.count()


def _ns():
    return f"sw22h{next(_names)}"


def _both(run):
    assert run(torch) == run(glasstorch)


# ---------------------------------------------------------------- autograd.Function

def _inplace_double(m):
    class InplaceDouble(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            x.mul_(2)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, g):
            return g * 2
    return InplaceDouble


def test_mark_dirty_on_leaf_requiring_grad_raises():
    same_error(lambda m: _inplace_double(m).apply(m.ones(2, requires_grad=True)))


def test_mark_dirty_on_non_leaf_still_works():
    def run(m):
        leaf = m.tensor([1.0, -2.0], requires_grad=True)
        a = leaf.clone()
        out = _inplace_double(m).apply(a)
        (out * out).sum().backward()
        return out is a, a._version, type(out.grad_fn).__name__, leaf.grad.tolist()
    _both(run)


def test_function_mro():
    def run(m):
        class F(m.autograd.Function):
            pass
        return [f"{c.__module__.split('.', 1)[1]}.{c.__qualname__}" for c in F.__mro__[1:3]]
    _both(run)


def test_forward_ad_without_jvp_raises():
    def run(m):
        class NoJvp(m.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 3

            @staticmethod
            def backward(ctx, g):
                return g * 3
        with m.autograd.forward_ad.dual_level():
            NoJvp.apply(m.autograd.forward_ad.make_dual(m.ones(2), m.ones(2)) * 2)
    same_error(run)


def test_forward_ad_function_on_plain_tensor_inside_level():
    def run(m):
        class NoJvp(m.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 3

            @staticmethod
            def backward(ctx, g):
                return g * 3
        with m.autograd.forward_ad.dual_level():
            return NoJvp.apply(m.ones(2)).tolist()
    _both(run)


# ---------------------------------------------------------------- custom_op

def test_custom_op_schema_attribute_and_name_errors():
    def run(m):
        ns = _ns()

        @m.library.custom_op(f"{ns}::acc_", mutates_args={"buf"})
        def acc_(buf: m.Tensor, other: m.Tensor, alpha: float = 1.0) -> None:
            buf.add_(other, alpha=alpha)
        return acc_._schema
    _both(run)
    same_error(lambda m: m.library.custom_op("nonamespace", mutates_args=())(lambda x: x))


def _weighted_sum(m, log, ns=None):
    ns = ns or _ns()

    @m.library.custom_op(f"{ns}::wsum", mutates_args=())
    def wsum(xs: list[m.Tensor], *, weights: list[float]) -> m.Tensor:
        log.append(("kernel", xs[0].requires_grad, m.is_grad_enabled()))
        return sum(w * x for w, x in zip(weights, xs))

    @wsum.register_fake
    def _(xs, *, weights):
        log.append(("fake",))
        return m.empty_like(xs[0])

    def setup(ctx, inputs, keyword_only_inputs, output):
        log.append(("setup", ctx.needs_input_grad, len(inputs), dict(keyword_only_inputs)))
        ctx.weights = keyword_only_inputs["weights"]

    def backward(ctx, grad):
        log.append(("backward", ctx.needs_input_grad))
        return [grad * w if need else None for w, need in zip(ctx.weights, ctx.needs_input_grad[0])]

    wsum.register_autograd(backward, setup_context=setup)
    return wsum


def test_custom_op_tensor_list_and_keyword_only_autograd():
    def run(m):
        log, ns = [], _ns()
        op = _weighted_sum(m, log, ns)
        a = m.tensor([1.0, 2.0], requires_grad=True)
        b = m.tensor([3.0, 4.0])
        y = op([a, b], weights=[0.5, 2.0])
        y.sum().backward()
        return log, y.tolist(), type(y.grad_fn).__name__.replace(ns, "NS"), a.grad.tolist(), b.grad
    _both(run)


def test_custom_op_tensor_list_gradcheck():
    log = []
    op = _weighted_sum(glasstorch, log)
    xs = [glasstorch.tensor(np.random.default_rng(i).standard_normal(3), requires_grad=True) for i in range(2)]
    assert gradcheck(lambda a, b: op([a, b], weights=[0.5, -2.0]), xs)


def test_custom_op_returning_tensor_list():
    def run(m):
        ns = _ns()
        log = []

        @m.library.custom_op(f"{ns}::split2", mutates_args=())
        def split2(x: m.Tensor, at: int) -> list[m.Tensor]:
            return [x[:at].clone(), x[at:].clone()]

        def setup(ctx, inputs, output):
            log.append((ctx.needs_input_grad, type(output).__name__, len(inputs)))

        def backward(ctx, grads):
            log.append((ctx.needs_input_grad, type(grads).__name__, len(grads)))
            return m.cat(grads), None
        split2.register_autograd(backward, setup_context=setup)
        x = m.arange(5.0, requires_grad=True)
        parts = split2(x, 2)
        (parts[0].sum() * 2 + parts[1].sum()).backward()
        return log, type(parts).__name__, [p.tolist() for p in parts], x.grad.tolist()
    _both(run)


def test_setup_context_needs_input_grad_plain_op():
    def run(m):
        ns = _ns()
        seen = []

        @m.library.custom_op(f"{ns}::mul", mutates_args=())
        def mul(x: m.Tensor, y: m.Tensor) -> m.Tensor:
            return x * y

        def setup(ctx, inputs, output):
            seen.append(ctx.needs_input_grad)
            ctx.save_for_backward(*inputs)

        def backward(ctx, g):
            seen.append(ctx.needs_input_grad)
            x, y = ctx.saved_tensors
            return g * y, g * x
        mul.register_autograd(backward, setup_context=setup)
        mul(m.ones(2, requires_grad=True), m.ones(2)).sum().backward()
        return seen
    _both(run)


# ---------------------------------------------------------------- define / impl / register_autograd

def test_register_autograd_on_defined_op():
    def run(m):
        ns = _ns()
        m.library.define(f"{ns}::cube", "(Tensor x) -> Tensor")
        ret = m.library.impl(f"{ns}::cube", "cpu", lambda x: x * x * x)

        def setup(ctx, inputs, output):
            ctx.save_for_backward(inputs[0])

        def backward(ctx, g):
            x, = ctx.saved_tensors
            return g * 5 * x * x          # deliberately not 3x^2: the registered formula must be used
        m.library.register_autograd(f"{ns}::cube", backward, setup_context=setup)
        c = m.tensor([1.0, -2.0], requires_grad=True)
        y = getattr(m.ops, ns).cube(c)
        y.sum().backward()
        return ret, y.tolist(), type(y.grad_fn).__name__.replace(ns, "NS"), c.grad.tolist()
    _both(run)


def test_register_autograd_on_defined_op_gradcheck():
    ns = _ns()
    glasstorch.library.define(f"{ns}::cube", "(Tensor x) -> Tensor")
    glasstorch.library.impl(f"{ns}::cube", "cpu", lambda x: x * x * x)

    def setup(ctx, inputs, output):
        ctx.save_for_backward(inputs[0])

    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * 3 * x * x
    glasstorch.library.register_autograd(f"{ns}::cube", backward, setup_context=setup)
    x = glasstorch.tensor([0.3, -1.2, 2.0], dtype=glasstorch.float64, requires_grad=True)
    assert gradcheck(getattr(glasstorch.ops, ns).cube, (x,))


def test_legacy_impl_decorator_with_library():
    def run(m):
        ns = _ns()
        lib = m.library.Library(ns, "DEF")
        lib.define("clip(Tensor x, float lo, float hi) -> Tensor")
        f = m.library.impl(lib, "clip", "CPU")(lambda x, lo, hi: x.clamp(lo, hi))
        out = getattr(m.ops, ns).clip(m.tensor([-3.0, 0.5, 3.0]), -1.0, 1.0)
        return callable(f), out.tolist()
    _both(run)


def test_library_impl_refuses_non_callable():
    def run(m):
        ns = _ns()
        lib = m.library.Library(ns, "DEF")
        lib.define("f(Tensor x) -> Tensor")
        lib.impl("f", "CPU")
    same_error(run)


# ---------------------------------------------------------------- get_ctx / opcheck

def test_get_ctx_outside_and_inside_fake():
    def run(m):
        ns = _ns()
        m.library.define(f"{ns}::nzrows", "(Tensor x) -> Tensor")
        m.library.impl(f"{ns}::nzrows", "cpu", lambda x: m.nonzero(x.abs().sum(1) > 0).flatten())
        seen = []

        @m.library.register_fake(f"{ns}::nzrows")
        def _(x):
            ctx = m.library.get_ctx()
            seen.append(type(ctx).__name__)
            return x.new_empty(ctx.new_dynamic_size(), dtype=m.int64)
        x = m.tensor([[0.0, 0.0], [1.0, 0.0], [0.0, 2.0]])
        res = m.library.opcheck(getattr(m.ops, ns).nzrows.default, (x,), test_utils="test_faketensor")
        return m.library.get_ctx(), res, seen
    _both(run)


def _opcheck_summary(res):
    return {k: v if isinstance(v, str) else f"{type(v).__name__}: {v}" for k, v in res.items()}


def test_opcheck_failures_messages():
    def run(m):
        ns = _ns()

        @m.library.custom_op(f"{ns}::bad_mut", mutates_args=())
        def bad_mut(x: m.Tensor) -> m.Tensor:
            x.mul_(2)
            return x.clone()
        bad_mut.register_fake(lambda x: m.empty_like(x))

        @m.library.custom_op(f"{ns}::no_formula", mutates_args=())
        def no_formula(x: m.Tensor) -> m.Tensor:
            return x * 2
        no_formula.register_fake(lambda x: m.empty_like(x))

        @m.library.custom_op(f"{ns}::no_fake", mutates_args=())
        def no_fake(x: m.Tensor) -> m.Tensor:
            return x + 1
        out = []
        for op, args in [(bad_mut, (m.ones(2),)), (no_formula, (m.ones(2, requires_grad=True),)),
                         (no_fake, (m.ones(2, requires_grad=True),)), (no_fake, (m.ones(2),))]:
            res = m.library.opcheck(op, args, raise_exception=False)
            out.append(_opcheck_summary(res).__repr__().replace(ns, "NS"))
        return out
    _both(run)


@pytest.mark.parametrize("test", ["test_schema", "test_autograd_registration", "test_faketensor",
                                  "test_aot_dispatch_dynamic"])
@pytest.mark.parametrize("requires_grad", [True, False])
def test_opcheck_runs_the_op_as_torch_does(test, requires_grad):
    def run(m):
        log = []
        op = _weighted_sum(m, log)
        res = m.library.opcheck(op, ([m.randn(2, requires_grad=requires_grad), m.randn(2)],),
                                {"weights": [1.0, 3.0]}, test_utils=test)
        return res, log
    _both(run)
