"""torch's autograd introspection, on both libraries: each test runs one function with ``t`` =
torch and ``t`` = glasstorch and compares what it records.  torch is the oracle."""
import warnings

import numpy as np
import pytest
import torch

import glasstorch
import glasstorch.autograd.functional  # noqa: F401  (torch imports it with torch.autograd)

MODS = (torch, glasstorch)


def both(fn):
    got = {m: fn(m) for m in MODS}
    assert got[torch] == got[glasstorch], f"\ntorch:      {got[torch]}\nglasstorch: {got[glasstorch]}"
    return got[torch]


def lst(g):
    return None if g is None else np.round(g.detach().numpy().astype(np.float64), 5).tolist()


# ---- nodes: name, next_functions, metadata, AccumulateGrad ---------------------------------
def test_name_next_functions_metadata():
    def f(t):
        a = t.tensor([1., 2.], requires_grad=True)
        y = (a * 2).sum()
        fn = y.grad_fn
        mul = fn.next_functions[0][0]
        acc = mul.next_functions[0][0]
        fn.metadata["k"] = 1
        return (fn.name(), type(fn).__name__, [(type(n).__name__, i) for n, i in fn.next_functions],
                [(None if n is None else type(n).__name__, i) for n, i in mul.next_functions],
                acc.name(), acc.variable is a, acc.next_functions, fn.metadata, y.grad_fn.metadata,
                repr(fn).split(" object at")[0], a.grad_fn)
    both(f)


def _seed_graph(t):
    a = t.tensor([1., 2., 3.], requires_grad=True)
    b = t.tensor([4., 5., 6.], requires_grad=True)
    x = a * b
    y = a + 1
    z = x * y
    w = (z + a).sum()
    return a, b, x, y, z, w


def test_tensor_hook_order_and_retain_grad():
    def f(t):
        a, b, x, y, z, w = _seed_graph(t)
        log = []
        for nm, tt in [("w", w), ("z", z), ("y", y), ("x", x), ("a", a), ("b", b)]:
            tt.register_hook(lambda g, nm=nm: log.append((nm, lst(g))))
        z.retain_grad()
        w.backward()
        return log, z.retains_grad, a.retains_grad, lst(z.grad), lst(a.grad), lst(b.grad)
    both(f)


def test_node_prehook_and_hook_order():
    def f(t):
        a, b, x, y, z, w = _seed_graph(t)
        log = []
        for nm, tt in [("w", w), ("z", z), ("y", y), ("x", x)]:
            tt.grad_fn.register_prehook(lambda go, nm=nm: log.append(("pre", nm, [lst(g) for g in go])))
            tt.grad_fn.register_hook(
                lambda gi, go, nm=nm: log.append(("post", nm, [lst(g) for g, (n, _) in
                                                              zip(gi, hooks_nodes[nm].next_functions) if n is not None])))
        hooks_nodes = {"w": w.grad_fn, "z": z.grad_fn, "y": y.grad_fn, "x": x.grad_fn}
        w.backward()
        return log
    both(f)


def test_hooks_replace_gradients_and_remove():
    def f(t):
        out = []
        c = t.tensor([1., 2.], requires_grad=True)
        d = c * 2
        h = d.register_hook(lambda g: g * 10)
        d.sum().backward(retain_graph=True)
        out.append(lst(c.grad))
        h.remove()
        c.grad = None
        d.sum().backward()
        out.append(lst(c.grad))
        c.grad = None
        d = c * 3
        d.grad_fn.register_hook(lambda gi, go: (gi[0] * 0 + 1, gi[1]))
        d.sum().backward()
        out.append(lst(c.grad))
        c.grad = None
        d = c * 3
        d.grad_fn.register_prehook(lambda go: (go[0] * 2,))
        d.sum().backward()
        out.append(lst(c.grad))
        return out
    both(f)


def test_accumulate_grad_node_hooks():
    def f(t):
        a = t.tensor([1., 2.], requires_grad=True)
        y = a * 2
        acc = y.grad_fn.next_functions[0][0]
        log = []
        acc.register_prehook(lambda go: log.append(("pre", [lst(g) for g in go])))
        acc.register_hook(lambda gi, go: log.append(("post", len(gi), [lst(g) for g in go])))
        y.sum().backward()
        return log
    both(f)


def test_post_hook_grad_inputs_as_torch():
    def f(t):
        a = t.tensor([[1., 2.]], requires_grad=True)
        bias = t.tensor([1.], requires_grad=True)
        y = a + bias        # bias is broadcast: its gradient arrives summed to (1,)
        z = a + 1           # the constant gets no gradient: None
        log = []
        y.grad_fn.register_hook(lambda gi, go: log.append([None if g is None else tuple(g.shape) for g in gi]))
        z.grad_fn.register_hook(lambda gi, go: log.append([None if g is None else tuple(g.shape) for g in gi]))
        (y.sum() + z.sum()).backward()
        return log
    both(f)


# ---- saved_tensors_hooks --------------------------------------------------------------------
def test_saved_tensors_hooks():
    def f(t):
        log = []

        def pack(x):
            log.append(("pack", tuple(x.shape)))
            return x.detach().numpy().copy()

        def unpack(arr):
            log.append(("unpack", arr.shape))
            return t.from_numpy(arr)
        a = t.tensor([1., 2.], requires_grad=True)
        with t.autograd.graph.saved_tensors_hooks(pack, unpack):
            b = a * a
            c = b * 3.0
        c.sum().backward()
        return log, lst(a.grad)
    both(f)


def test_saved_tensors_hooks_custom_function_and_disable():
    def f(t):
        log = []

        class Sq(t.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x * x

            @staticmethod
            def backward(ctx, g):
                x, = ctx.saved_tensors
                return 2 * x * g
        a = t.tensor([3.], requires_grad=True)
        with t.autograd.graph.saved_tensors_hooks(lambda x: (log.append("pack"), x)[1],
                                                  lambda x: (log.append("unpack"), x)[1]):
            y = Sq.apply(a)
        y.backward()
        msg = None
        with t.autograd.graph.disable_saved_tensors_hooks("no hooks here"):
            try:
                with t.autograd.graph.saved_tensors_hooks(lambda x: x, lambda x: x):
                    pass
            except RuntimeError as e:
                msg = str(e)
        return log, lst(a.grad), msg
    both(f)


# ---- autograd.Function ------------------------------------------------------------------------
def test_custom_function():
    def f(t):
        out = []

        class Scale(t.autograd.Function):
            @staticmethod
            def forward(ctx, x, k):
                ctx.save_for_backward(x)
                ctx.k = k
                out.append(("needs", ctx.needs_input_grad))
                return x * x * k

            @staticmethod
            def backward(ctx, g):
                x, = ctx.saved_tensors
                out.append(("bw", ctx.needs_input_grad))
                return 2 * x * g * ctx.k, None
        x = t.tensor([1., 2.], requires_grad=True)
        y = Scale.apply(x, 3.0)
        out.append((repr(y), y.grad_fn.name(), len(y.grad_fn.next_functions)))
        y.sum().backward()
        out.append(lst(x.grad))

        class ArgMax(t.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                idx = x.argmax()
                ctx.mark_non_differentiable(idx)
                ctx.save_for_backward(x, idx)
                return x.max(), idx

            @staticmethod
            @t.autograd.function.once_differentiable
            def backward(ctx, gm, gi):
                x, idx = ctx.saved_tensors
                out.append(("grad of idx", repr(gi), t.is_grad_enabled()))
                r = t.zeros_like(x)
                r[idx] = gm
                return r
        x = t.tensor([1., 5., 2.], requires_grad=True)
        m, i = ArgMax.apply(x)
        out.append((m.requires_grad, i.requires_grad, repr(m)))
        m.backward()
        out.append(lst(x.grad))

        class Wrong(t.autograd.Function):
            @staticmethod
            def forward(ctx, x, k):
                return x * k

            @staticmethod
            def backward(ctx, g):
                return g
        try:
            Wrong.apply(x, 2.0).sum().backward()
        except RuntimeError as e:
            out.append(str(e))
        return out
    both(f)


# ---- gradcheck --------------------------------------------------------------------------------
def test_gradcheck_and_messages():
    def f(t):
        out = []
        d = t.tensor([1., 2.], dtype=t.float64, requires_grad=True)
        e = t.tensor([3.], dtype=t.float64, requires_grad=True)
        out.append(t.autograd.gradcheck(lambda u: (u * u).sin(), (d,)))
        out.append(t.autograd.gradgradcheck(lambda u: (u * u).sin(), (d,)))

        class Bad(t.autograd.Function):
            @staticmethod
            def forward(ctx, x, y):
                ctx.save_for_backward(y)
                return x * 2, (x * y).sum(0, keepdim=True)

            @staticmethod
            def backward(ctx, g, h):
                return g * 2 + h * 3, h * 0
        try:
            t.autograd.gradcheck(Bad.apply, (d, e))
        except RuntimeError as ex:
            out.append((type(ex).__name__, str(ex)))
        out.append(t.autograd.gradcheck(Bad.apply, (d, e), raise_exception=False))
        try:
            t.autograd.gradcheck(lambda x: x * 2, (t.tensor([1.]),))
        except ValueError as ex:
            out.append(str(ex))
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            t.autograd.gradcheck(lambda x: x * 2, (t.tensor([1.], requires_grad=True),), eps=1e-3, atol=1e-2)
        out.append([str(x.message) for x in w])
        return out
    both(f)


# ---- functional -------------------------------------------------------------------------------
def test_functional():
    def f(t):
        F = t.autograd.functional
        fn = lambda v: (v ** 2).sum() * v
        v = t.tensor([1., 2., 3.])
        out = [lst(F.jacobian(fn, v)), lst(F.hessian(lambda v: (v ** 3).sum(), v))]
        for op in (F.vjp, F.jvp):
            o, g = op(fn, v, t.ones(3))
            out.append((lst(o), lst(g)))
        for op in (F.hvp, F.vhp):
            o, g = op(lambda v: (v ** 3).sum(), v, t.tensor([1., 0., 2.]))
            out.append((lst(o), lst(g)))
        J = F.jacobian(lambda p, q: (p * q, p + q), (v, v * 2))
        out.append([[lst(j) for j in row] for row in J])
        H = F.hessian(lambda p, q: (p * q * q).sum(), (v, v))
        out.append([[lst(h) for h in row] for row in H])
        out.append(lst(F.jacobian(lambda p, q: p * 2, (v, v))[1]))
        try:
            F.jacobian(lambda p, q: p * 2, (v, v), strict=True)
        except RuntimeError as e:
            out.append(str(e))
        out.append(F.jacobian(fn, v).requires_grad)
        return out
    both(f)


# ---- inference mode, anomaly ----------------------------------------------------------------
def test_inference_mode():
    def f(t):
        d = t.tensor([1.], requires_grad=True)
        with t.inference_mode():
            q = d * 2
            inside = t.is_inference_mode_enabled(), t.is_grad_enabled()
        with t.inference_mode(False):
            r = d * 2

        @t.inference_mode()
        def g(x):
            return x * 2
        return q.requires_grad, inside, t.is_inference_mode_enabled(), r.requires_grad, g(d).requires_grad
    both(f)


def test_anomaly_nan_message_and_forward_traceback():
    def f(t):
        out = []

        class NanFn(t.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 1

            @staticmethod
            def backward(ctx, g):
                return g * float("nan")
        d = t.tensor([1.], requires_grad=True)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            try:
                with t.autograd.detect_anomaly():
                    r = NanFn.apply(d)          # the line the warning must point at
                    r.sum().backward()
            except RuntimeError as e:
                out.append(str(e))
            msgs = [str(x.message) for x in w]
        out.append(msgs[0])
        head, _, stack = msgs[1].partition("\n")
        out.append(head)
        # torch's stack ends in its own function.py frame, at an installation path; the learner's line and
        # the "(Triggered internally at ...)" tail are what can be compared
        lines = stack.splitlines()
        out.append((any("r = NanFn.apply(d)" in ln for ln in lines), lines[-1].split(" at ")[0]) if lines else stack)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with t.autograd.set_detect_anomaly(True):
                a = t.tensor([0.], requires_grad=True)
                s = (a.sqrt() * 0).sum()
                try:
                    s.backward()
                except RuntimeError as e:
                    out.append(str(e))
        return out
    both(f)


def test_anomaly_flags():
    def f(t):
        out = [(t.is_anomaly_enabled(), t.is_anomaly_check_nan_enabled())]
        with t.autograd.set_detect_anomaly(True, check_nan=False):
            out.append((t.is_anomaly_enabled(), t.is_anomaly_check_nan_enabled()))
        return out
    both(f)


def test_anomaly_nan_check_covers_nodes_made_before_it_was_on():
    import warnings
    res = {}
    for t in (torch, glasstorch):
        x = t.tensor([-1.0, 1.0], requires_grad=True)
        y = x.sqrt().sum()
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            with pytest.raises(RuntimeError) as e:
                with t.autograd.detect_anomaly():
                    y.backward()
        # torch appends where in its C++ the warning was raised; that part is build-specific
        res[t] = (str(e.value), [str(m.message).split(" (Triggered internally")[0] for m in w
                                 if "Error detected" in str(m.message)])
    assert res[torch] == res[glasstorch]


def test_is_inference():
    for t in (torch, glasstorch):
        with t.inference_mode():
            a = t.ones(2) * 2
        b = t.ones(2)
        assert (a.is_inference(), b.is_inference()) == (True, False)
