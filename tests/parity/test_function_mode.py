"""``torch.overrides.TorchFunctionMode``: modes that take over every torch function in a ``with`` block.

Before, ``from torch.overrides import TorchFunctionMode`` failed with ImportError (a tutorial's
op-logging mode, libraries that subclass it at import).  Now modes see factories (``torch.ones``),
functions, methods, operators and properties, as torch's do; each handler runs with its mode off the
stack, so the calls it makes go to the next mode out; ``NotImplemented`` hands the call on to Tensor
subclasses, and when everything declines torch's TypeError is raised.  ``DisableTorchFunction`` turns
modes off, ``DisableTorchFunctionSubclass`` does not.

Each test runs the same function given torch and given glasstorch and compares the results: what a
logging mode saw (the function's ``__name__``, ``types``, the keywords' names, the number of
arguments), values, and errors.
"""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch

from ._helpers import same_outcome


def _mods():
    import torch.overrides  # noqa: F401
    import glasstorch.overrides  # noqa: F401
    return torch, glasstorch


def _logger(m):
    class Log(m.overrides.TorchFunctionMode):
        def __init__(self):
            super().__init__()
            self.seen = []

        def __torch_function__(self, func, types, args=(), kwargs=None):
            self.seen.append((func.__name__, [t.__name__ for t in types], None if kwargs is None else sorted(kwargs),
                              len(args)))
            return func(*args, **(kwargs or {}))
    return Log()


def _both(fn):
    _mods()
    want, got = fn(torch), fn(glasstorch)
    assert got == want, f"\ntorch:      {want}\nglasstorch: {got}"
    return got


def _program(m):
    x0 = m.ones(2, 3)
    m.manual_seed(0)
    lin = m.nn.Linear(3, 2)
    with _logger(m) as log:
        m.ones(2), m.zeros(2, 2), m.tensor([1.0, 2.0]), m.arange(3), m.randn(2), m.empty(2), m.full((2,), 3.0)
        m.eye(2), m.linspace(0, 1, 3), m.as_tensor([1.0]), m.zeros_like(x0), m.rand(2), m.randint(0, 3, (2,))
        y = x0 + 1
        y2 = x0 * x0
        s = y.sum()
        y.shape, y.size(), y.dtype, y.requires_grad, y.device
        out = lin(x0)
        m.relu(out), m.nn.functional.relu(out), m.softmax(out, dim=1)
        m.nn.functional.cross_entropy(out, m.tensor([0, 1]))
        y[0], y.__setitem__(1, 2.0), y.numpy(), y.tolist(), y.view(-1), y.T, s.item(), float(s)
        m.cat([y, y2]), m.stack([y, y2]), y.exp(), y.dim(), y.numel(), y.detach(), -y, abs(y), 1 - y, 2 * y
        1 / y, y ** 2, 2 ** y, y @ y.t(), y.clone(), y.to(m.float64), y.contiguous(), y.is_leaf, y.split(1)
    return log.seen


def test_logging_mode_sees_what_torchs_sees():
    _both(_program)


def test_handler_runs_with_its_mode_off_the_stack_and_modes_nest():
    def run(m):
        seen = []

        class Tag(m.overrides.TorchFunctionMode):
            def __init__(self, tag):
                super().__init__()
                self.tag = tag

            def __torch_function__(self, func, types, args=(), kwargs=None):
                seen.append((self.tag, func.__name__, len(m.overrides._get_current_function_mode_stack()),
                             m._C._len_torch_function_stack()))
                return func(*args, **(kwargs or {}))
        with Tag("outer") as a, Tag("inner"):
            seen.append(("top", m.overrides._get_current_function_mode() is not a,
                         m.overrides._get_current_function_mode_stack()[0] is a, m._C._is_torch_function_mode_enabled()))
            m.zeros(1).neg()
            with m._C.DisableTorchFunctionSubclass():
                m.zeros(1)
            with m._C.DisableTorchFunction():
                m.zeros(1)
                seen.append(("disabled", m._C._is_torch_function_mode_enabled()))
        seen.append(("after", m._C._len_torch_function_stack(), m.overrides._get_current_function_mode()))
        return seen
    _both(run)


def test_mode_can_change_what_factories_make():
    def run(m):
        class Double(m.overrides.TorchFunctionMode):
            def __torch_function__(self, func, types, args=(), kwargs=None):
                kwargs = dict(kwargs or {})
                if func in (m.ones, m.zeros, m.rand, m.tensor):
                    kwargs["dtype"] = m.float64
                return func(*args, **kwargs)
        m.manual_seed(1)
        with Double():
            out = [m.ones(2), m.zeros(1, 2), m.rand(3), m.tensor([0.1]), m.ones(2, dtype=m.int32) + 1]
        out.append(m.ones(2))
        return [(str(t.dtype), t.tolist()) for t in out]
    _both(run)


def test_base_mode_and_an_override_of_one_method():
    def run(m):
        class NoAdd(m.overrides.BaseTorchFunctionMode):
            def __torch_function__(self, func, types, args=(), kwargs=None):
                if func is m.Tensor.add:
                    return func(args[0], args[1], alpha=-1)     # x + y becomes x - y
                return super().__torch_function__(func, types, args, kwargs)
        x = m.tensor([5.0, 6.0], requires_grad=True)
        with NoAdd():
            y = (x + 2) * 3
            y.sum().backward()
        return y.tolist(), x.grad.tolist(), y.grad_fn.name()
    _both(run)


def test_not_implemented_everywhere_is_torchs_type_error():
    def run(m):
        class Decline(m.overrides.TorchFunctionMode):
            def __torch_function__(self, func, types, args=(), kwargs=None):
                return NotImplemented

            def __repr__(self):
                return "Decline()"
        with Decline():
            m.ones(2)
    same_outcome(run)


def test_mode_goes_before_a_subclass_which_gets_the_call_the_mode_makes():
    def run(m):
        seen = []

        class Sub(m.Tensor):
            @classmethod
            def __torch_function__(cls, func, types, args=(), kwargs=None):
                seen.append(("sub", func.__name__, [t.__name__ for t in types]))
                return super().__torch_function__(func, types, args, kwargs)

        class Pass(m.overrides.TorchFunctionMode):
            def __torch_function__(self, func, types, args=(), kwargs=None):
                seen.append(("mode", func.__name__, [t.__name__ for t in types]))
                return func(*args, **(kwargs or {}))
        s = m.ones(2).as_subclass(Sub)
        with Pass():
            r = [s + 1, m.add(s, 1), s.exp(), m.nn.functional.relu(s)]
        seen.append([type(x).__name__ for x in r])
        return seen
    _both(run)


def test_pop_from_an_empty_stack_and_push_warning():
    def run(m):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            mode = m.overrides.BaseTorchFunctionMode.push()
        out = [type(mode).__name__, [str(x.message) for x in w]]
        try:
            m.overrides._pop_mode()
        except RuntimeError as e:
            out.append(str(e))
        with m.overrides.BaseTorchFunctionMode() as b:
            with m.overrides._pop_mode_temporarily() as old:
                out.append((old is b, m._C._len_torch_function_stack()))
            out.append(m._C._len_torch_function_stack())
        return out
    _both(run)


def test_a_mode_exception_leaves_the_stack_clean():
    def run(m):
        class Boom(m.overrides.TorchFunctionMode):
            def __torch_function__(self, func, types, args=(), kwargs=None):
                raise ValueError(f"no {func.__name__}")
        try:
            with Boom():
                m.ones(1)
        except ValueError as e:
            msg = str(e)
        return msg, m._C._len_torch_function_stack(), m.ones(1).tolist()
    _both(run)


OPS = ["exp", "neg", "abs", "sum", "mean", "t", "relu", "sigmoid", "tanh", "clone", "detach", "numel", "dim"]


@settings(max_examples=20, deadline=None)
@given(st.lists(st.sampled_from(OPS), min_size=1, max_size=6), st.sampled_from(["+", "*", "-", "/"]))
def test_logged_sequences_of_methods_and_operators(ops, op):
    def run(m):
        x = m.tensor(np.arange(1.0, 5.0, dtype=np.float32).reshape(2, 2))
        with _logger(m) as log:
            y = x
            for name in ops:
                r = getattr(y, name)()
                y = r if isinstance(r, m.Tensor) and r.dim() == 2 else y
            z = eval(f"y {op} x")
        return log.seen, [float(f"{v:.5g}") for v in z.flatten().tolist()]   # (exp within an ulp of torch's)
    _both(run)
