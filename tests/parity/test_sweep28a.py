"""Parity pins for sweep28a (spiking neural network programs: snnTorch / Norse style).

Fixed in glasstorch:
- forward-mode AD through a custom ``autograd.Function`` uses the Function's own ``jvp`` (as torch
  does), not the adjoint of its backward: a surrogate-gradient spike whose jvp differs from its
  backward, a Function with only a jvp (no backward), ``forward_ad.make_dual``/``unpack_dual``,
  ``torch.func.jvp``, ``jacfwd`` and ``hessian`` all give torch's tangents; inside ``jvp``,
  ``ctx.saved_tensors`` holds what forward passed to ``ctx.save_for_forward`` (backward still sees
  ``save_for_backward``'s), tensor inputs without a tangent get zeros and other arguments None, and
  ``ctx.needs_input_grad`` ignores tangents; torch's errors for a jvp returning the wrong number of
  tangents or a tangent of the wrong size (autograd/_function_jvp.py, autograd/function.py);
- a custom Function's forward runs with forward AD off, as torch's: ops without a forward
  derivative (``heaviside``, ``cdist``, ``out=`` calls) and inner Functions without a jvp no
  longer refuse a dual input there (autograd/_no_forward_ad.py); under ``torch.func`` transforms such an inner old-style Function is
  refused only where a vmap still sees it (torch peels the grad/jvp levels off for the forward);
- ``vmap`` of ``func.jvp`` over such a Function no longer trips functorch's setup_context refusal on
  glasstorch's own helper Function;
- ``gradcheck(..., check_forward_ad=True)`` checks the forward-mode Jacobian against central
  differences (torch's "Jacobian computed with forward mode mismatch ..." error), honours
  ``check_backward_ad=False``, and raises torch's AssertionErrors for the impossible combinations
  (autograd/_gradcheck_forward.py, autograd/gradcheck.py);
- under ``glasstorch run`` the nodes of glasstorch's own Functions show torch's module
  (_class_paths.py): pinned in test_sweep28a_paths.py.
"""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from tests.parity._helpers import same_error, same_outcome


def fns(m):
    """The custom Functions of the tests, built on library ``m``."""

    class SpikeATan(m.autograd.Function):
        """Heaviside forward; backward arctan surrogate; jvp a (deliberately different) fast sigmoid."""
        @staticmethod
        def forward(ctx, x, alpha):
            ctx.save_for_backward(x)
            ctx.save_for_forward(x * alpha)
            ctx.alpha = alpha
            return (x > 0).to(x.dtype)

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return g * ctx.alpha / 2 / (1 + (np.pi / 2 * ctx.alpha * x) ** 2), None

        @staticmethod
        def jvp(ctx, t, _):
            ax, = ctx.saved_tensors
            return t / (ax.abs() + 1) ** 2

    class Two(m.autograd.Function):
        @staticmethod
        def forward(ctx, x, y, k):
            ctx.save_for_forward(x, y)
            return x * y * k, x + y

        @staticmethod
        def backward(ctx, g1, g2):
            return None, None, None

        @staticmethod
        def jvp(ctx, tx, ty, tk):
            x, y = ctx.saved_tensors
            return (tx * y + x * ty) * 3 + (0 if tk is None else 100), tx - 2 * ty

    class OnlyJvp(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_forward(x)
            return x.sin()

        @staticmethod
        def jvp(ctx, t):
            x, = ctx.saved_tensors
            return t * x.cos()

    class Cube(m.autograd.Function):
        generate_vmap_rule = True

        @staticmethod
        def forward(x):
            return x ** 3

        @staticmethod
        def setup_context(ctx, inputs, output):
            x, = inputs
            ctx.save_for_backward(x)
            ctx.save_for_forward(x)

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return g * 3 * x ** 2

        @staticmethod
        def jvp(ctx, t):
            x, = ctx.saved_tensors
            return t * 3 * x ** 2

    class Surrogate(m.autograd.Function):
        generate_vmap_rule = True

        @staticmethod
        def forward(x, alpha):
            return (x > 0).to(x.dtype)

        @staticmethod
        def setup_context(ctx, inputs, output):
            x, alpha = inputs
            ctx.save_for_backward(x)
            ctx.save_for_forward(x)
            ctx.alpha = alpha

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return g / (ctx.alpha * x.abs() + 1) ** 2, None

        @staticmethod
        def jvp(ctx, t, _):
            x, = ctx.saved_tensors
            return 3 * t / (ctx.alpha * x.abs() + 1) ** 2

    class Saved(m.autograd.Function):
        """Reports what ctx holds in jvp and backward."""
        @staticmethod
        def forward(ctx, x, w):
            ctx.save_for_backward(x)
            ctx.save_for_forward(w, x, w)
            return x * w

        @staticmethod
        def backward(ctx, g):
            ctx.bw = (len(ctx.saved_tensors), ctx.needs_input_grad)
            x, = ctx.saved_tensors
            return g, g * x

        @staticmethod
        def jvp(ctx, tx, tw):
            ctx.fw = (len(ctx.saved_tensors), ctx.needs_input_grad)
            w, x, _ = ctx.saved_tensors
            return tx * w + tw * x

    class WrongCount(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g

        @staticmethod
        def jvp(ctx, t):
            return t, t

    class WrongShape(WrongCount):
        @staticmethod
        def jvp(ctx, t):
            return t[:1]

    return dict(SpikeATan=SpikeATan, Two=Two, OnlyJvp=OnlyJvp, Cube=Cube, Surrogate=Surrogate, Saved=Saved,
                WrongCount=WrongCount, WrongShape=WrongShape)


FNS = {torch: fns(torch), glasstorch: fns(glasstorch)}


def dual_run(m, body, x, t):
    """``body(m, dual)`` under a dual level; the outputs' (primal, tangent) pairs, detached."""
    fw = m.autograd.forward_ad
    with fw.dual_level():
        d = fw.make_dual(m.tensor(x, dtype=m.float64), m.tensor(t, dtype=m.float64))
        outs = body(m, d)
        outs = outs if isinstance(outs, tuple) else (outs,)
        res = []
        for o in outs:
            p, tan = fw.unpack_dual(o)
            res += [p.detach(), None if tan is None else tan.detach()]
        return tuple(res)


X = [-0.8, -0.1, 0.0, 0.25, 1.3]
T = [1.0, -2.0, 0.5, 3.0, 1.5]


@pytest.mark.parametrize("name,body", [
    ("surrogate spike", lambda m, d: FNS[m]["SpikeATan"].apply(d, 2.0)),
    ("spike in a chain", lambda m, d: (FNS[m]["SpikeATan"].apply(d * 2 - 0.1, 3.0) * d).sin().sum()),
    ("two outputs", lambda m, d: FNS[m]["Two"].apply(d, m.ones(5, dtype=m.float64) * 0.5, 3.0)),
    ("two outputs, second input dual", lambda m, d: FNS[m]["Two"].apply(m.arange(5.0, dtype=m.float64), d, 2.0)),
    ("only a jvp", lambda m, d: FNS[m]["OnlyJvp"].apply(d)),
    ("setup_context style", lambda m, d: FNS[m]["Cube"].apply(d.exp())),
    ("lif membrane over time", lambda m, d: _lif(m, d)),
])
def test_custom_function_tangent_is_its_jvp(name, body):
    same_outcome(lambda m: dual_run(m, body, X, T))


def _lif(m, cur):
    spk_fn = FNS[m]["Surrogate"].apply
    mem = m.zeros(5, dtype=m.float64)
    spikes = []
    for _ in range(4):
        mem = 0.8 * mem + cur
        spk = spk_fn(mem - 1.0, 5.0)
        mem = mem - spk.detach()
        spikes.append(spk)
    return m.stack(spikes).sum(0)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(-3, 3, allow_nan=False, allow_infinity=False), min_size=1, max_size=6),
       st.floats(0.5, 10.0))
def test_surrogate_tangent_hypothesis(xs, alpha):
    x = np.array(xs)
    t = np.linspace(-1.0, 2.0, len(xs))
    same_outcome(lambda m: dual_run(m, lambda mm, d: FNS[mm]["SpikeATan"].apply(d, alpha) * d, x, t))


def test_jvp_sees_save_for_forward_and_torch_needs_input_grad():
    def fn(m):
        fw = m.autograd.forward_ad
        Saved = FNS[m]["Saved"]
        w = m.tensor([2.0, -1.0], requires_grad=True)
        with fw.dual_level():
            d = fw.make_dual(m.tensor([0.5, 1.5]), m.tensor([1.0, 3.0]))
            out = Saved.apply(d, w)
            tan = fw.unpack_dual(out).tangent
            fw_info = out.grad_fn.fw
            out.sum().backward()
            bw_info = out.grad_fn.bw
        return tan, fw_info, bw_info, w.grad
    same_outcome(fn)


@pytest.mark.parametrize("which", ["WrongCount", "WrongShape"])
def test_jvp_errors(which):
    def fn(m):
        fw = m.autograd.forward_ad
        with fw.dual_level():
            d = fw.make_dual(m.tensor([0.5, 1.5]), m.tensor([1.0, 3.0]))
            return fw.unpack_dual(FNS[m][which].apply(d)).tangent
    same_error(fn)


@pytest.mark.parametrize("name,call", [
    ("func.jvp", lambda m, x: m.func.jvp(FNS[m]["Cube"].apply, (x,), (m.ones_like(x),))),
    ("func.jvp surrogate", lambda m, x: m.func.jvp(lambda v: FNS[m]["Surrogate"].apply(v, 2.0) * v, (x,),
                                                   (m.linspace(-1, 1, 3, dtype=m.float64),))),
    ("jacfwd", lambda m, x: m.func.jacfwd(lambda v: FNS[m]["Surrogate"].apply(v, 2.0))(x)),
    ("jacfwd cube", lambda m, x: m.func.jacfwd(FNS[m]["Cube"].apply)(x)),
    ("hessian", lambda m, x: m.func.hessian(lambda v: FNS[m]["Cube"].apply(v).sum())(x)),
    ("jacfwd of jacrev", lambda m, x: m.func.jacfwd(m.func.jacrev(lambda v: FNS[m]["Cube"].apply(v).sin().sum()))(x)),
    ("vmap of func.jvp", lambda m, x: m.func.vmap(lambda t: m.func.jvp(FNS[m]["Cube"].apply, (x,), (t,))[1])(
        m.eye(3, dtype=m.float64))),
    ("autograd.functional.jvp uses backward", lambda m, x: m.autograd.functional.jvp(
        lambda v: FNS[m]["Surrogate"].apply(v, 2.0), x, m.ones_like(x))),
])
def test_func_transforms_use_jvp(name, call):
    same_outcome(lambda m: call(m, m.tensor([0.3, -0.5, 1.2], dtype=m.float64)), rtol=1e-12, atol=1e-14)


def _gc(m, which, *args, **kw):
    inputs = (m.tensor([0.3, -0.5, 1.2], dtype=m.float64, requires_grad=True),
              m.tensor([0.7, 0.2, -1.1], dtype=m.float64, requires_grad=True))
    f = {"cube": lambda a, b: FNS[m]["Cube"].apply(a) * b,
         "surrogate": lambda a, b: FNS[m]["Surrogate"].apply(a, 1.0) + b,
         "sin-mm": lambda a, b: (a.sin() * b, a.outer(b).exp()),
         "two": lambda a, b: FNS[m]["Two"].apply(a, b, 0.5)}[which]
    return m.autograd.gradcheck(f, inputs, *args, **kw)


@pytest.mark.parametrize("kw", [
    dict(check_forward_ad=True),
    dict(check_forward_ad=True, check_backward_ad=False),
    dict(check_forward_ad=True, check_backward_ad=False, check_undefined_grad=False),
    dict(check_forward_ad=True, raise_exception=False),
    dict(check_forward_ad=True, check_backward_ad=False, raise_exception=False),
    dict(check_forward_ad=False, check_backward_ad=False),
    dict(check_batched_grad=True, check_backward_ad=False, check_forward_ad=True),
    dict(check_batched_forward_grad=True),
    dict(check_forward_ad=True, fast_mode=True, raise_exception=False),
])
@pytest.mark.parametrize("which", ["cube", "surrogate", "sin-mm", "two"])
def test_gradcheck_forward_ad(which, kw):
    def fn(m):
        return m.tensor(_gc(m, which, **kw))
    same_outcome(fn)


def test_gradcheck_forward_ad_float64_gradcheck_of_the_jvp_path():
    # the jvp path itself (JvpTranspose) is checked where backward and jvp agree: Cube
    x = glasstorch.tensor([0.3, -0.5, 1.2], dtype=glasstorch.float64, requires_grad=True)
    assert glasstorch.autograd.gradcheck(FNS[glasstorch]["Cube"].apply, (x,), check_forward_ad=True)
    assert torch.autograd.gradcheck(FNS[torch]["Cube"].apply, (torch.tensor([0.3, -0.5, 1.2], dtype=torch.float64,
                                                                               requires_grad=True),),
                                    check_forward_ad=True)


def _outer(m, setup):
    class Inner(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2

    def body(x):
        h = m.heaviside(x, m.tensor(0.5, dtype=x.dtype))
        c = m.cdist(x.view(1, -1, 1), x.view(1, -1, 1)).sum()
        e = m.exp(x, out=m.empty(x.shape, dtype=x.dtype))
        return Inner.apply(x) + h + c + e

    class Base(m.autograd.Function):
        @staticmethod
        def backward(ctx, g):
            return g

        @staticmethod
        def jvp(ctx, t):
            x, = ctx.saved_tensors
            return t * 7 + x

    class New(Base):
        @staticmethod
        def forward(x):
            return body(x)

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.save_for_forward(inputs[0])

    class Old(Base):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_forward(x)
            return body(x)
    Outer = New if setup else Old
    return Outer, Inner


@pytest.mark.parametrize("case", ["dual", "func.jvp", "plain heaviside", "inner alone", "plain cdist"])
def test_forward_ad_is_off_inside_function_forward(case):
    def fn(m):
        fw = m.autograd.forward_ad
        x, t = m.tensor([0.5, -1.0, 2.0]), m.tensor([1.0, 2.0, -1.0])
        if case == "func.jvp":
            return m.func.jvp(_outer(m, True)[0].apply, (x,), (t,))
        with fw.dual_level():
            d = fw.make_dual(x, t)
            if case == "dual":
                out = _outer(m, False)[0].apply(d)
            elif case == "plain heaviside":
                out = m.heaviside(d, m.tensor(0.5))
            elif case == "plain cdist":
                out = m.cdist(d.view(1, -1, 1), d.view(1, -1, 1))
            else:
                out = _outer(m, False)[1].apply(d)
            p, tan = fw.unpack_dual(out)
            return p.detach(), tan
    same_outcome(fn)


@pytest.mark.parametrize("transform", ["jvp", "grad", "vjp", "jacrev", "vmap", "jacfwd"])
def test_old_style_function_inside_function_forward_under_transforms(transform):
    def fn(m):
        _, Inner = _outer(m, True)

        class Outer(m.autograd.Function):
            generate_vmap_rule = True

            @staticmethod
            def forward(x):
                return Inner.apply(x) + 1

            @staticmethod
            def setup_context(ctx, inputs, output):
                pass

            @staticmethod
            def backward(ctx, g):
                return g * 3

            @staticmethod
            def jvp(ctx, t):
                return t * 7
        x = m.tensor([0.5, -1.0, 2.0])
        f = m.func
        return {"jvp": lambda: f.jvp(Outer.apply, (x,), (m.ones(3),)),
                "grad": lambda: f.grad(lambda v: Outer.apply(v).sum())(x),
                "vjp": lambda: f.vjp(Outer.apply, x)[1](m.ones(3)),
                "jacrev": lambda: f.jacrev(Outer.apply)(x),
                "vmap": lambda: f.vmap(Outer.apply)(x.view(3, 1)),
                "jacfwd": lambda: f.jacfwd(Outer.apply)(x)}[transform]()
    same_outcome(fn)

