"""Training-infrastructure sweep: activation checkpointing (torch.utils.checkpoint), the
``_is_checkpoint_valid`` guard, and the ``torch.X`` import alias keeping glasstorch's module specs."""
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import torch

import glasstorch
from tests.parity._helpers import assert_same_array, grad_fn_name, same_error

X = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)


def block_run(t, reentrant, seed=3, p=0.4, preserve=True):
    """A dropout block under checkpoint: output, grads of input and weight, calls, RNG draw after."""
    t.manual_seed(seed)
    lin, drop = t.nn.Linear(4, 4), t.nn.Dropout(p)
    calls = []

    def block(x, scale=2.0):
        calls.append(len(calls))
        y = t.tanh(lin(x))
        y = drop(y) * scale
        calls.append("end")
        return y + 1

    x = t.from_numpy(X.copy()).requires_grad_()
    out = t.utils.checkpoint.checkpoint(block, x, use_reentrant=reentrant, preserve_rng_state=preserve)
    out.pow(2).sum().backward()
    return out, x.grad, lin.weight.grad, calls, t.rand(2)


@pytest.mark.parametrize("reentrant", [True, False])
@pytest.mark.parametrize("preserve", [True, False])
def test_checkpoint_gradients_calls_and_rng(reentrant, preserve):
    a, b = block_run(torch, reentrant, preserve=preserve), block_run(glasstorch, reentrant, preserve=preserve)
    assert_same_array(a[0], b[0], rtol=1e-6, atol=1e-6)
    assert grad_fn_name(a[0]) == grad_fn_name(b[0])
    for ga, gb in zip(a[1:3], b[1:3]):
        assert_same_array(ga, gb, rtol=1e-5, atol=1e-5, what="grad")
    assert a[3] == b[3]                       # rerun count, and where early stop cut the rerun short
    assert_same_array(a[4], b[4])             # the RNG goes on exactly as torch's


def test_checkpoint_equals_plain_backward():
    def plain(t):
        t.manual_seed(3)
        lin, drop = t.nn.Linear(4, 4), t.nn.Dropout(0.4)
        x = t.from_numpy(X.copy()).requires_grad_()
        ((drop(t.tanh(lin(x))) * 2.0 + 1).pow(2).sum()).backward()
        return x.grad
    for reentrant in (True, False):
        assert_same_array(block_run(glasstorch, reentrant)[1], plain(glasstorch), what="checkpointed vs plain")


@pytest.mark.parametrize("reentrant", [True, False])
def test_checkpoint_input_without_grad_kwargs_and_tuple_outputs(reentrant):
    def run(t):
        t.manual_seed(0)
        lin = t.nn.Linear(4, 3)
        out = t.utils.checkpoint.checkpoint(lin, t.from_numpy(X.copy()), use_reentrant=reentrant)
        a = t.ones(3, requires_grad=True)
        pair = t.utils.checkpoint.checkpoint(lambda u, c: (u * 2, u + c, 7), a, t.ones(3), use_reentrant=reentrant)
        (pair[0] * pair[1]).sum().backward()
        with t.no_grad():
            off = t.utils.checkpoint.checkpoint(lin, t.from_numpy(X.copy()), use_reentrant=reentrant)
        return [out.requires_grad, grad_fn_name(out), grad_fn_name(pair[0]), pair[2], a.grad.tolist(),
                off.requires_grad, grad_fn_name(off)]
    assert run(torch) == run(glasstorch)


def test_checkpoint_retain_graph_reruns_each_backward():
    def run(t):
        calls = []
        w = t.tensor([1.0, 2.0], requires_grad=True)

        def f(x):
            calls.append(1)
            return (x * w).exp()
        y = t.utils.checkpoint.checkpoint(f, t.tensor([0.5, 0.25], requires_grad=True), use_reentrant=False)
        y.sum().backward(retain_graph=True)
        with t.no_grad():
            w.mul_(2)
        y.sum().backward()
        return len(calls), w.grad.tolist()
    a, b = run(torch), run(glasstorch)
    assert a[0] == b[0]
    np.testing.assert_allclose(b[1], a[1], rtol=1e-6)


def test_checkpoint_sequential():
    def run(t, reentrant):
        t.manual_seed(1)
        seq = t.nn.Sequential(*[t.nn.Linear(4, 4) for _ in range(5)], t.nn.ReLU())
        x = t.from_numpy(X.copy()).requires_grad_()
        out = t.utils.checkpoint.checkpoint_sequential(seq, 3, x, use_reentrant=reentrant)
        out.sum().backward()
        return out, x.grad, seq[0].weight.grad
    for reentrant in (True, False):
        a, b = run(torch, reentrant), run(glasstorch, reentrant)
        assert grad_fn_name(a[0]) == grad_fn_name(b[0])
        for u, v in zip(a, b):
            assert_same_array(u, v, rtol=1e-5, atol=1e-5)


def test_checkpoint_errors():
    ck = lambda t: t.utils.checkpoint
    x = lambda t: t.ones(2, requires_grad=True)
    same_error(lambda t: ck(t).checkpoint(lambda a, s: a * s, x(t), use_reentrant=True, s=2.0))
    same_error(lambda t: ck(t).checkpoint(lambda a: a * 2, x(t), use_reentrant=True, debug=True))
    same_error(lambda t: ck(t).checkpoint(lambda a: a * 2, x(t), use_reentrant=True,
                                          context_fn=lambda: (None, None)))
    same_error(lambda t: ck(t).checkpoint(lambda a: a * 2, x(t), use_reentrant=False, determinism_check="all"))
    same_error(lambda t: ck(t).checkpoint_sequential(t.nn.Sequential(t.nn.ReLU()), 1, x(t), use_reentrant=False,
                                                     foo=1))
    same_error(lambda t: ck(t).detach_variable([t.ones(1)]))
    # reentrant checkpoint cannot feed autograd.grad
    same_error(lambda t: t.autograd.grad(ck(t).checkpoint(lambda a: a.exp(), x(t), use_reentrant=True).sum(), x(t)))

    def fewer_saves(t):
        n = []

        def f(a):
            n.append(1)
            return a.exp() if len(n) == 1 else a * 2
        ck(t).checkpoint(f, x(t), use_reentrant=False).sum().backward()
    same_error(fewer_saves)
    assert issubclass(glasstorch.utils.checkpoint.CheckpointError, RuntimeError)


def test_checkpoint_context_fn_and_early_stop_switch():
    def run(t):
        log = []

        class Ctx:
            def __init__(self, name):
                self.name = name

            def __enter__(self):
                log.append(self.name)

            def __exit__(self, *e):
                log.append("/" + self.name)

        def f(a):
            y = a.sin()
            log.append("after-sin")
            return y * 3
        a = t.ones(2, requires_grad=True)
        with t.utils.checkpoint.set_checkpoint_early_stop(False):
            y = t.utils.checkpoint.checkpoint(f, a, use_reentrant=False, context_fn=lambda: (Ctx("fw"), Ctx("re")))
        y.sum().backward()
        y2 = t.utils.checkpoint.checkpoint(f, a, use_reentrant=False)
        y2.sum().backward()
        return log, a.grad.tolist()
    a, b = run(torch), run(glasstorch)
    assert a[0] == b[0]
    np.testing.assert_allclose(b[1], a[1], rtol=1e-6)


def test_is_checkpoint_valid():
    def run(t):
        seen = []

        class Probe(t.autograd.Function):
            @staticmethod
            def forward(ctx, a):
                return a * 1

            @staticmethod
            def backward(ctx, g):
                seen.append(t.autograd._is_checkpoint_valid())
                return g
        a = t.ones(2, requires_grad=True)
        Probe.apply(a).sum().backward()
        t.autograd.grad(Probe.apply(a).sum(), a)
        Probe.apply(a).sum().backward(inputs=[a])
        return seen + [t.autograd._is_checkpoint_valid()]
    assert run(torch) == run(glasstorch)


def test_aliased_modules_keep_their_spec_so_relative_imports_do_not_warn(tmp_path):
    """``import torch.utils.data`` under ``glasstorch run``: functions doing relative imports later
    must not raise ImportWarning (__package__ != __spec__.parent), which torch never shows."""
    script = tmp_path / "s.py"
    script.write_text(textwrap.dedent("""
        import warnings
        import torch.utils.data as d
        import torch.utils.checkpoint as c
        import torch.nn.functional as F
        import torch
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            d.DataLoader(list(range(4)), batch_size=2)
            F.relu(torch.ones(2))
            c.checkpoint(torch.sin, torch.ones(2, requires_grad=True), use_reentrant=False).sum().backward()
        print([type(x.message).__name__ for x in w], d.__package__, c.__name__.split(".")[-1])
    """))
    outs = []
    for args in ([str(script)], ["-m", "glasstorch", "run", str(script)]):
        r = subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=120, cwd=tmp_path,
                           env=dict(os.environ, PYTHONWARNINGS="default"))
        assert r.returncode == 0, r.stderr
        outs.append(r.stdout.replace("glasstorch", "torch"))
    assert outs[0] == outs[1]


# ---- deterministic-algorithm flags and the Generator's class name ---------------------------------
def test_deterministic_flags_and_debug_mode():
    def run(t):
        seen = []
        try:
            for mode in ["error", "warn", "default", 2, 1, 0]:
                t.set_deterministic_debug_mode(mode)
                seen.append((t.get_deterministic_debug_mode(), t.are_deterministic_algorithms_enabled(),
                             t.is_deterministic_algorithms_warn_only_enabled()))
            t.use_deterministic_algorithms(False, warn_only=True)     # warn_only is kept even when off
            seen.append((t.get_deterministic_debug_mode(), t.is_deterministic_algorithms_warn_only_enabled()))
            t.use_deterministic_algorithms(True)
            seen.append((t.get_deterministic_debug_mode(), t.is_deterministic_algorithms_warn_only_enabled()))
        finally:
            t.use_deterministic_algorithms(False)
        return seen
    assert run(torch) == run(glasstorch)
    for bad in ("x", 3, 1.0):
        same_error(lambda t: t.set_deterministic_debug_mode(bad))
    for args, kw in [(("yes",), {}), ((1,), {}), ((True,), {"warn_only": 1})]:
        same_error(lambda t: t.use_deterministic_algorithms(*args, **kw))


def test_generator_class_name_pickle_and_deepcopy():
    import copy
    import pickle

    def run(t):
        g = t.Generator().manual_seed(3)
        t.rand(2, generator=g)
        names = [type(g).__name__, type(t.default_generator).__name__, t.Generator.__name__]
        g2, g3 = pickle.loads(pickle.dumps(g)), copy.deepcopy(g)
        return names, [t.rand(3, generator=x).tolist() for x in (g, g2, g3)]
    assert run(torch) == run(glasstorch)
