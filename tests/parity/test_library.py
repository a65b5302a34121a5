"""torch.library custom operators (custom_op, register_autograd, register_fake, opcheck,
Library/define/impl), torch.ops namespaces and torch.types, against torch.

glasstorch had no torch.library (the "Python custom operators" tutorial failed on import).  Each test
defines its operators under a fresh namespace: torch keeps registrations for the whole process."""
import itertools
import typing

import numpy as np
import pytest

import glasstorch
import torch

from ._helpers import same_error

_names = itertools.count()


def _ns():
    return f"gtlib{next(_names)}"


def _sin_op(m, ns, with_autograd):
    """``mysin``: named as the tutorial's operator, but squares (exact arithmetic on both libraries)."""
    @m.library.custom_op(f"{ns}::mysin", mutates_args=())
    def mysin(x: m.Tensor) -> m.Tensor:
        return x * x

    if with_autograd:
        def setup_context(ctx, inputs, output):
            ctx.save_for_backward(inputs[0])

        def backward(ctx, grad):
            x, = ctx.saved_tensors
            return grad * 2 * x
        mysin.register_autograd(backward, setup_context=setup_context)
    return mysin


def test_custom_op_call_reprs_and_namespace():
    def run(m):
        ns = _ns()
        op = _sin_op(m, ns, False)
        x = m.tensor([0.5, 1.0, 2.0])
        packet = getattr(m.ops, ns).mysin
        out = [repr(op).replace(ns, "NS"), type(op).__name__, str(packet).replace(ns, "NS"),
               repr(packet).replace(ns, "NS"), str(packet.default).replace(ns, "NS"), packet.overloads(),
               packet.default.name().replace(ns, "NS"), str(packet.default._schema).replace(ns, "NS"),
               type(packet).__name__, type(packet.default).__name__, repr(getattr(m.ops, ns)).replace(ns, "NS")]
        vals = [op(x), packet(x), packet.default(x)]
        return out, [v.numpy().tobytes() for v in vals], vals[0].requires_grad
    assert run(torch) == run(glasstorch)


def test_backward_through_registered_formula():
    def run(m):
        op = _sin_op(m, _ns(), True)
        x = m.tensor([0.5, -1.0, 2.0], requires_grad=True)
        y = op(x)
        name = y.grad_fn.name()
        y.sum().backward()
        with m.no_grad():
            nograd = op(x).requires_grad
        return name.split("_", 2)[0], type(y.grad_fn).__name__.endswith("_mysin_defaultBackward"), \
            x.grad.numpy().tobytes(), nograd, y.is_leaf
    assert run(torch) == run(glasstorch)


def test_backward_without_formula_and_wrong_gradient_count():
    def no_formula(m):
        op = _sin_op(m, "gtnoform" + str(next(_names)), False)
        op(m.ones(2, requires_grad=True)).sum().backward()
    # the message names the op: compare with the namespace made equal
    errs = []
    for m in (torch, glasstorch):
        with pytest.raises(RuntimeError) as e:
            no_formula(m)
        errs.append(str(e.value).split(".", 1)[1])
    assert errs[0] == errs[1]

    def wrong_count(m):
        @m.library.custom_op(f"{_ns()}::lin", mutates_args=())
        def lin(x: m.Tensor, w: m.Tensor, k: int) -> m.Tensor:
            return x @ w * k
        lin.register_autograd(lambda ctx, g: (g,), setup_context=lambda ctx, inputs, output: None)
        lin(m.ones(2, 3, requires_grad=True), m.ones(3, 4), 2).sum().backward()
    msgs = []
    for m in (torch, glasstorch):
        with pytest.raises(RuntimeError) as e:
            wrong_count(m)
        msgs.append(str(e.value).split("Backward ", 1)[1])
    assert msgs[0] == msgs[1]


def test_setup_context_sees_inputs_output_and_needs_input_grad():
    def run(m):
        seen = []

        @m.library.custom_op(f"{_ns()}::lin", mutates_args=())
        def lin(x: m.Tensor, w: m.Tensor, k: int) -> m.Tensor:
            seen.append(("kernel", m.is_grad_enabled()))
            return x @ w * k

        def setup_context(ctx, inputs, output):
            seen.append(("setup", len(inputs), tuple(output.shape), m.is_grad_enabled()))
            ctx.save_for_backward(inputs[0], inputs[1])
            ctx.k = inputs[2]

        def backward(ctx, g):
            x, w = ctx.saved_tensors
            seen.append(("backward", ctx.needs_input_grad))
            return g @ w.T * ctx.k, x.T @ g * ctx.k, None
        lin.register_autograd(backward, setup_context=setup_context)
        x = m.arange(6.).reshape(2, 3).requires_grad_()
        w = m.arange(12.).reshape(3, 4) - 4
        lin(x, w, 2).pow(2).sum().backward()
        return seen, x.grad.numpy().tobytes(), w.grad
    assert run(torch) == run(glasstorch)


def test_mutated_args_bump_version_and_return_none():
    def run(m):
        @m.library.custom_op(f"{_ns()}::add_into", mutates_args={"out"})
        def add_into(a: m.Tensor, b: m.Tensor, out: m.Tensor) -> None:
            out.copy_(a + b)

        @m.library.custom_op(f"{_ns()}::touch", mutates_args=["out"])
        def touch(out: m.Tensor) -> None:
            pass
        o = m.zeros(3)
        r = add_into(m.ones(3), m.ones(3), o)
        p = m.zeros(2)
        touch(p)
        return r, o.tolist(), o._version, p._version
    assert run(torch) == run(glasstorch)


@pytest.mark.parametrize("case", ["same", "view"])
def test_output_aliasing_an_input_refused(case):
    def run(m):
        @m.library.custom_op(f"{_ns()}::alias", mutates_args=())
        def alias(x: m.Tensor) -> m.Tensor:
            return x if case == "same" else x.view(-1)
        alias(m.ones(2))
    msgs = []
    for m in (torch, glasstorch):
        with pytest.raises(RuntimeError) as e:
            run(m)
        msgs.append(str(e.value).split("): ", 1)[1])
    assert msgs[0] == msgs[1]


@pytest.mark.parametrize("call", [
    lambda op, m: op(1.0, 2), lambda op, m: op(m.ones(2), 2.5), lambda op, m: op(m.ones(2)),
    lambda op, m: op(m.ones(2), 2, 3, 4), lambda op, m: op(m.ones(2), 2, m=3), lambda op, m: op([1.0], 2),
])
def test_argument_errors(call):
    def run(m):
        @m.library.custom_op("gtlibargs::f", mutates_args=())
        def f(x: m.Tensor, n: int, s: float = 2.0) -> m.Tensor:
            return x * n * s
        call(f, m)
    same_error(run)


def test_argument_binding():
    def run(m):
        @m.library.custom_op(f"{_ns()}::g", mutates_args=())
        def g(x: m.Tensor, n: int = 2, w: typing.Optional[m.Tensor] = None, *, s: float = 0.5) -> m.Tensor:
            return x * n * s + (0 if w is None else w)
        return [g(m.ones(2)).tolist(), g(m.ones(2), 3, s=2.0).tolist(), g(m.ones(2), w=m.ones(2)).tolist(),
                g(x=m.ones(1), n=True).tolist()]
    assert run(torch) == run(glasstorch)


def _sigs(m):
    T = m.Tensor

    def a(x: T, out: T, eps: float = 1e-5, b: float = -1.0, s: str = "mean", sc: typing.Optional[float] = None,
          flags: typing.List[bool] = None, n: typing.Sequence[int] = None, d: m.dtype = m.float64) \
            -> typing.List[T]:
        return [x]

    def b(x: T, y: typing.Optional[T], k: int, ts: typing.List[T], *, scale: float = 1.0) -> typing.Tuple[T, int]:
        return x, k
    return a, b


@pytest.mark.parametrize("which,kw", [(0, dict(mutates_args={"out"})), (0, dict(mutates_args="unknown")),
                                      (1, dict(mutates_args=())), (1, dict(mutates_args=["ts"], op_name="foo"))])
def test_infer_schema(which, kw):
    assert torch.library.infer_schema(_sigs(torch)[which], **kw) == \
        glasstorch.library.infer_schema(_sigs(glasstorch)[which], **kw)


def _same_error_torch_named(run):
    """``same_error`` for messages that print a signature: glasstorch's annotations say glasstorch.Tensor
    where torch's say torch.Tensor (under ``glasstorch run`` both say torch.Tensor)."""
    errs = []
    for m in (torch, glasstorch):
        with pytest.raises(Exception) as e:
            run(m)
        errs.append((type(e.value).__name__, str(e.value).replace("glasstorch.", "torch.")))
    assert errs[0] == errs[1]


@pytest.mark.parametrize("case", ["no_annotation", "no_return", "bad_mutates", "tuple_default", "not_qualified",
                                  "mutates_number", "kwonly_tensor", "unsupported_type"])
def test_definition_errors(case):
    def run(m):
        T = m.Tensor
        if case == "no_annotation":
            def f(x):
                return x
        elif case == "no_return":
            def f(x: T):
                return x
        elif case == "bad_mutates":
            def f(x: T) -> T:
                return x
            m.library.custom_op(f"{_ns()}::f", mutates_args=("zz",))(f)
        elif case == "tuple_default":
            def f(x: T, k: typing.List[int] = (1, 2)) -> T:
                return x
        elif case == "mutates_number":
            def f(x: T, k: int) -> T:
                return x
            m.library.custom_op(f"{_ns()}::f", mutates_args=("k",))(f)
        elif case == "kwonly_tensor":
            def f(x: T, *, w: T) -> T:
                return x
        elif case == "unsupported_type":
            def f(x: T, d: dict) -> T:
                return x
        else:
            def f(x: T) -> T:
                return x
            m.library.custom_op("nonamespace", mutates_args=())(f)
        m.library.custom_op(f"{_ns()}::f", mutates_args=())(f)
    _same_error_torch_named(run)


def test_opcheck_results():
    def run(m):
        ns = _ns()
        op = _sin_op(m, ns, True)
        missing = m.library.opcheck(op, (m.randn(3),), raise_exception=False)
        op.register_fake(lambda x: m.empty_like(x))
        ok = m.library.opcheck(op, (m.randn(3, requires_grad=True),))
        by_packet = m.library.opcheck(getattr(m.ops, ns).mysin.default, (m.randn(3),))

        @m.library.custom_op(f"{ns}::badfake", mutates_args=())
        def badfake(x: m.Tensor) -> m.Tensor:
            return x.sum(0)
        badfake.register_fake(lambda x: x.new_empty(5))
        wrong = m.library.opcheck(badfake, (m.randn(3, 4),), raise_exception=False)
        shown = {k: (v if isinstance(v, str) else f"{type(v).__name__}: {str(v).replace(ns, 'NS')}")
                 for d in (missing, wrong) for k, v in d.items()}
        return ok, by_packet, shown
    assert run(torch) == run(glasstorch)


def test_opcheck_raises_opcheckerror():
    def run(m):
        @m.library.custom_op("gtlibcheck::nofake", mutates_args=())
        def nofake(x: m.Tensor) -> m.Tensor:
            return x * 2
        m.library.opcheck(nofake, (m.randn(3),))
    same_error(run)


def test_library_define_and_impl():
    def run(m):
        ns = _ns()
        lib = m.library.Library(ns, "DEF")
        lib.define("mul3(Tensor x, float k=3.0) -> Tensor")
        lib.impl("mul3", lambda x, k=3.0: x * k, "CPU")
        m.library.define(f"{ns}::sq", "(Tensor x) -> Tensor")

        @m.library.impl(f"{ns}::sq", "cpu")
        def sq(x):
            return x * x
        x = m.ones(2, requires_grad=True)
        y = getattr(m.ops, ns).sq(x * 3)
        y.sum().backward()
        pk = getattr(m.ops, ns).mul3
        return repr(lib).replace(ns, "NS"), pk(m.ones(2)).tolist(), pk.default(m.ones(2), 0.5).tolist(), \
            str(pk.default._schema).replace(ns, "NS"), type(y.grad_fn).__name__, x.grad.tolist()
    assert run(torch) == run(glasstorch)


@pytest.mark.parametrize("case", ["second_def_library", "duplicate_define", "missing_kernel"])
def test_library_errors(case):
    def run(m):
        ns = "gtlibdef" + case + ("t" if m is torch else "g")
        lib = m.library.Library(ns, "DEF")
        lib.define("f(Tensor x) -> Tensor")
        if case == "second_def_library":
            m.library.Library(ns, "DEF")
        elif case == "duplicate_define":
            lib.define("f(Tensor x) -> Tensor")
        else:
            getattr(m.ops, ns).f(m.ones(1))
    msgs = []
    for m in (torch, glasstorch):
        with pytest.raises(Exception) as e:
            run(m)
        # torch adds where each registration was made and its list of backends: compare the common part
        msgs.append((type(e.value).__name__, str(e.value).replace("gtlibdef" + case + ("t" if m is torch else "g"), "NS")
                     .split(" Duplicate registration")[0].split("  Previous registration")[0].split(" If you are a Facebook")[0].split("\n")[0]))
    assert msgs[0] == msgs[1]


def test_aten_namespace():
    def run(m):
        a, b = m.tensor([1.0, -2.0]), m.tensor([3.0, 4.0])
        return [str(m.ops.aten.add), repr(m.ops.aten.add), str(m.ops.aten.add.Tensor), repr(m.ops.aten),
                m.ops.aten.add.Tensor(a, b).tolist(), m.ops.aten.mm.default(a[None], b[:, None]).tolist(),
                m.ops.aten.relu(a).tolist(), m.ops.aten.sum.dim_IntList(m.ones(2, 3), [1]).tolist()]
    assert run(torch) == run(glasstorch)
    same_error(lambda m: m.ops.aten.nonexistent_op_name)
    same_error(lambda m: getattr(m.ops, "gtlibnothing").f)


def test_torch_types():
    def run(m):
        t = m.types
        return [str(t.Number), t._int is int, t._Number, isinstance(3, m.SymInt), m.SymInt.__name__,
                str(t._size).replace("glasstorch", "torch"), str(t.Device).replace("glasstorch", "torch")]
    assert run(torch) == run(glasstorch)
    import glasstorch.types as gt
    assert gt.Tensor is glasstorch.Tensor and gt._dtype is glasstorch.dtype and np.dtype  # names resolve


def test_numpy_of_requires_grad_tensor_under_no_grad():
    """torch refuses ``.numpy()`` on a tensor that requires grad only while grad mode is on (a custom
    op's kernel runs with it off, so the tutorial's ``x.numpy()`` inside the kernel works); glasstorch
    refused it always."""
    def run(m):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        with m.no_grad():
            a = x.numpy().tolist(), np.asarray(x).tolist()
        with m.inference_mode():
            b = x.numpy().tolist()
        return a, b
    assert run(torch) == run(glasstorch)
    same_error(lambda m: m.tensor([1.0], requires_grad=True).numpy())
    same_error(lambda m: np.asarray(m.tensor([1.0], requires_grad=True)))
