"""The __torch_function__ protocol (glasstorch/_torch_function.py, glasstorch/overrides.py): tensor-likes,
Tensor subclasses that log or keep their class, as_subclass / _make_subclass, torch.overrides helpers.
Each test switches glasstorch's checks on; the fixture switches them off again for later tests."""
import functools
import pickle

import numpy as np
import pytest
import torch
import torch.overrides

import glasstorch
from glasstorch import _torch_function

from ._helpers import MODS


@pytest.fixture(autouse=True)
def _protocol_off_afterwards():
    yield
    _torch_function.deactivate()


def _overrides(t):
    """torch.overrides of ``t``.  Importing glasstorch's switches the checks on; a test after the
    fixture switched them off again (the module already imported) switches them on by hand."""
    if t is glasstorch:
        import importlib
        mod = importlib.import_module("glasstorch.overrides")
        _torch_function.activate()
        return mod
    return torch.overrides


def _logging_class(t):
    class LoggingTensor(t.Tensor):
        calls = []

        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            if func is not t.Tensor.__repr__:
                cls.calls.append(func.__name__)
            return super().__torch_function__(func, types, args, kwargs or {})
    return LoggingTensor


def _log_of(t, fn):
    L = _logging_class(t)
    x = t.arange(6.0).view(2, 3).as_subclass(L)
    L.calls.clear()
    out = fn(t, x)
    return out, list(L.calls)


@pytest.mark.parametrize("fn", [
    lambda t, x: type((x + 1) * 2 - 1).__name__,
    lambda t, x: type(t.relu(x).sum(dim=1)).__name__,
    lambda t, x: type(t.nn.functional.linear(x, t.ones(4, 3))).__name__,
    lambda t, x: (x.shape, x.dtype, x.ndim, x.requires_grad),
    lambda t, x: repr(x),
    lambda t, x: [type(v).__name__ for v in (x[0], x.max(dim=1), x.max(dim=1).values, x.detach(), x.clone())],
    lambda t, x: [type(v).__name__ for v in t.split(x, 1)],
    lambda t, x: (1 - x, 2 / x, 2 ** x, x // 2, x % 2, -x, abs(x), x @ x.t(), x == 1, x != 1, x < 1, x.T, x.mT),
    lambda t, x: (float(x[0, 1]), x.tolist(), len(x), 1.0 in x, x[1, 2].item()),
    lambda t, x: type(t.cat([x, t.zeros(1, 3)])).__name__,
    lambda t, x: t.nn.functional.softmax(x, dim=1).shape,
    lambda t, x: x.add_(1).mul_(2).__class__.__name__,
])
def test_logging_subclass_sees_what_torch_shows_it(fn):
    want, got = _log_of(torch, fn), _log_of(glasstorch, fn)
    assert repr(want).replace("torch.", "") == repr(got).replace("glasstorch.", "").replace("torch.", "")


def test_subclass_results_keep_the_class_and_graph():
    def run(t):
        class Plain(t.Tensor):
            pass
        p = t.ones(3).as_subclass(Plain)
        q = t.ones(2, requires_grad=True).as_subclass(Plain)
        r = t.Tensor._make_subclass(Plain, t.ones(2), True)
        loss = (r * t.tensor([2.0, 3.0])).sum()
        loss.backward()
        param = t.nn.Parameter(t.ones(2))
        return (type(p + 1).__name__, type(t.exp(p)).__name__, repr(p), repr(Plain([1.0, 2.0])),
                type(Plain(2, 3)).__name__, Plain(2, 3).shape, repr(q), q.is_leaf, type(q.grad_fn).__name__,
                r.is_leaf, r.grad.tolist(), type(r.grad).__name__, type(loss).__name__, type(param * 2).__name__,
                repr(t.ones(1).as_subclass(Plain).sum()))
    assert repr(run(torch)) == repr(run(glasstorch)).replace("glasstorch", "torch")


def _scalar_tensor(t):
    handled = {}

    def implements(fn):
        def deco(f):
            functools.update_wrapper(f, fn)
            handled[fn] = f
            return f
        return deco

    class ScalarTensor:
        def __init__(self, n, value):
            self._N, self._value = n, value

        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            if func not in handled or not all(issubclass(k, (t.Tensor, ScalarTensor)) for k in types):
                return NotImplemented
            return handled[func](*args, **(kwargs or {}))

    @implements(t.mean)
    def mean(x):
        return float(x._value) / x._N

    @implements(t.add)
    def add(x, y):
        if isinstance(y, ScalarTensor):
            return ("scalar", x._value + y._value)
        return t.add(x._value * t.eye(x._N), y)

    return ScalarTensor


def test_tensor_like_dispatch():
    def run(t):
        _overrides(t)
        S = _scalar_tensor(t)
        s = S(2, 3)
        out = [t.mean(s), t.add(s, s), t.add(s, t.ones(2, 2)).tolist()]
        for call in (lambda: t.mul(s, 2), lambda: t.nn.functional.relu(s), lambda: t.ones(2).add(s),
                     lambda: t.linalg.norm(s), lambda: t.nn.functional.linear(s, s)):
            with pytest.raises(TypeError) as info:
                call()
            out.append(str(info.value).replace("<locals>.", ""))
        return out
    assert run(torch) == run(glasstorch)


def test_what_a_handler_is_given():
    def run(t):
        _overrides(t)
        log = []

        class Seen:
            @classmethod
            def __torch_function__(cls, func, types, args=(), kwargs=None):
                log.append((func.__name__, [k.__name__ for k in types], len(args),
                            None if kwargs is None else {k: type(v).__name__ for k, v in kwargs.items()}))
                return "handled"
        sn = Seen()
        out = [t.sum(sn), t.cat([t.ones(1), sn]), t.stack((sn, sn)), t.max(sn, dim=0), t.ones(2).mul(other=sn),
               t.clamp(sn, min=0), t.nn.functional.relu(sn), t.nn.functional.dropout(sn, 0.2), t.linalg.norm(sn),
               t.fft.fft(sn), t.special.erf(sn), t.matmul(t.ones(2), sn), t.nn.functional.softmax(sn, dim=0)]
        return out, log
    assert repr(run(torch)) == repr(run(glasstorch))


def test_overrides_helpers():
    def run(t):
        o = _overrides(t)
        L = _logging_class(t)

        class Seen:
            @classmethod
            def __torch_function__(cls, func, types, args=(), kwargs=None):
                return ("handled", func.__name__, kwargs)
        x, sn = t.ones(1).as_subclass(L), Seen()

        def my_func(a, b, scale=1.0):
            if o.has_torch_function((a, b)):
                return o.handle_torch_function(my_func, (a, b), a, b, scale=scale)
            return (a + b) * scale

        @o.wrap_torch_function(lambda a, b=None: (a,))
        def twice(a, b=None):
            return a * 2
        ignored = o.get_ignored_functions()
        with t._C.DisableTorchFunctionSubclass():
            inside = (type(x + 1).__name__, o.has_torch_function((x,)))
        return (o.has_torch_function((sn,)), o.has_torch_function((t.ones(1),)), o.has_torch_function((x,)),
                o.has_torch_function_unary(x), o.has_torch_function_variadic(t.ones(1), sn),
                o.has_torch_function((1, "a")), o.is_tensor_like(sn), o.is_tensor_like(t.ones(1)),
                o.is_tensor_like(3), o.is_tensor_like(Seen), [f in ignored for f in (t.tensor, t.zeros, t.add, t.mean)],
                o.is_tensor_method_or_property(t.Tensor.add), o.is_tensor_method_or_property(t.add),
                o.resolve_name(t.add), o.resolve_name(t.Tensor.add), o.resolve_name(t.nn.functional.relu),
                t.Tensor.grad.__get__ in o.get_default_nowrap_functions(),
                my_func(t.ones(2), t.ones(2), scale=3.0).tolist(), my_func(sn, 1), twice(t.ones(1)).tolist(),
                twice(sn), inside, type(x + 1).__name__,
                t.nn.Parameter.__torch_function__ is t._C._disabled_torch_function_impl)
    assert run(torch) == run(glasstorch)


def test_plain_method_torch_function_warns_once():
    for t in MODS:
        _overrides(t)

        class Old:
            def __torch_function__(self, func, types, args=(), kwargs=None):
                return func.__name__
        with pytest.warns(UserWarning, match="as a plain method is deprecated"):
            assert t.mean(Old()) == "mean"


def test_deactivate_leaves_functions_as_they_were_and_picklable():
    before = (glasstorch.add, glasstorch.nn.functional.relu, glasstorch.Tensor.add, glasstorch.Tensor.shape)
    _logging_class(glasstorch)
    assert glasstorch.add is not before[0] and glasstorch.nn.functional.relu is not before[1]
    layer = glasstorch.nn.TransformerEncoderLayer(4, 2, dim_feedforward=8)
    assert pickle.loads(pickle.dumps(layer)).activation is glasstorch.nn.functional.relu
    assert pickle.loads(pickle.dumps(before[1])) is before[1]
    _torch_function.deactivate()
    assert (glasstorch.add, glasstorch.nn.functional.relu, glasstorch.Tensor.add, glasstorch.Tensor.shape) == before
    assert pickle.loads(pickle.dumps(glasstorch.nn.functional.relu)) is before[1]
    assert np.array_equal((glasstorch.ones(2) + 1).numpy(), [2.0, 2.0])
