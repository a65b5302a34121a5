"""Parity of what tutorials print while they manipulate tensors: strides of empty tensors, iinfo
reprs, the range check on Python numbers written into tensors, ``out=`` casting, named-tuple reprs,
pdist, and the errors of the statistics functions."""
import numpy as np
import pytest
import torch

import glasstorch
from ._helpers import same_on_both, same_error


def arr(shape, seed=0, dtype=np.float32):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


@pytest.mark.parametrize("make", [
    lambda t: t.zeros(0, 3), lambda t: t.ones(2, 0), lambda t: t.empty(2, 0, 4), lambda t: t.tensor([]),
    lambda t: t.randn(0, 3), lambda t: t.arange(0).view(0, 5), lambda t: t.zeros(3, 4)[:, 4:],
    lambda t: t.zeros(3, 4)[3:], lambda t: t.cat([t.zeros(0, 3), t.zeros(0, 3)]), lambda t: t.zeros(0, 3) + 1,
    lambda t: t.zeros(2, 3)[t.tensor([], dtype=t.long)]])
def test_empty_strides(make):
    assert make(torch).stride() == make(glasstorch).stride()


@pytest.mark.parametrize("name", ["uint8", "int8", "int16", "int32", "int64"])
def test_iinfo_repr(name):
    assert repr(torch.iinfo(getattr(torch, name))) == repr(glasstorch.iinfo(getattr(glasstorch, name)))


SCALARS = [("uint8", -1), ("uint8", -255), ("uint8", -256), ("uint8", 256), ("int8", 200), ("int8", 127.9),
           ("int32", 2 ** 40), ("int32", 1e20), ("int64", 2.9), ("int64", float("nan")), ("int64", 2 ** 63), ("int64", 2 ** 64), ("float16", 2 ** 63),
           ("bool", 0.5), ("float16", 1e6), ("float16", float("inf")), ("float32", 1e300), ("uint8", -1.5),
           ("int16", 40000), ("float64", 1e308)]
WRITES = [lambda t, dt, v: t.zeros(2, dtype=dt).fill_(v), lambda t, dt, v: t.full((2,), v, dtype=dt),
          lambda t, dt, v: t.zeros(2, dtype=dt).masked_fill(t.tensor([True, False]), v),
          lambda t, dt, v: t.zeros(2, dtype=dt).index_fill(0, t.tensor([1]), v), lambda t, dt, v: _set(t, dt, v)]


def _set(t, dt, v):
    x = t.zeros(2, dtype=dt)
    x[0] = v
    return x


@pytest.mark.parametrize("k", range(len(WRITES)))
@pytest.mark.parametrize("name,value", SCALARS)
def test_python_number_range(name, value, k):
    def fn(t):
        return WRITES[k](t, getattr(t, name), value)
    try:
        fn(torch)
    except Exception:          # noqa: BLE001 - torch refuses the value: the same error is wanted
        same_error(fn)
        return
    same_on_both(fn, [], grad=False)


OUTS = [lambda t, f, i: t.add(f, f, out=t.empty(2, dtype=t.long)), lambda t, f, i: t.add(i, i, out=t.empty(2)),
        lambda t, f, i: t.sub(f, 1, out=t.empty(2, dtype=t.bool)), lambda t, f, i: t.div(i, i, out=t.empty(2, dtype=t.long)),
        lambda t, f, i: t.div(i, i, rounding_mode="floor", out=t.empty(2, dtype=t.long)),
        lambda t, f, i: t.floor_divide(f, 2, out=t.empty(2, dtype=t.int32)),
        lambda t, f, i: t.pow(f, 2, out=t.empty(2, dtype=t.long)), lambda t, f, i: t.mul(i, 2, out=t.empty(2))]


@pytest.mark.parametrize("k", range(len(OUTS)))
def test_out_cast_rule(k):
    def fn(t):
        return OUTS[k](t, t.tensor([0.5, 1.5]), t.tensor([1, 2]))
    try:
        fn(torch)
    except RuntimeError:
        same_error(fn)
        return
    same_on_both(fn, [], grad=False)


def test_aminmax_repr():
    for dim in (None, 0):
        kw = {} if dim is None else {"dim": dim}
        assert repr(torch.aminmax(torch.arange(6.0).view(2, 3), **kw)) == \
            repr(glasstorch.aminmax(glasstorch.arange(6.0).view(2, 3), **kw))


@pytest.mark.parametrize("p", [2, 1, 0, 3, 0.5, float("inf")])
def test_pdist(p):
    x = arr((5, 3))
    x[3] = x[1]                                       # a zero distance: the gradient is 0 there
    same_on_both(lambda t, a: t.pdist(a, p), [x], rtol=1e-5, atol=1e-6)
    same_on_both(lambda t, a: t.nn.functional.pdist(a.double(), p), [x], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("fn", [
    lambda t: t.pdist(t.randn(2, 3, 4)), lambda t: t.pdist(t.arange(6).view(2, 3)), lambda t: t.pdist(t.randn(3, 2), p=-1),
    lambda t: t.ones(2, 2).long().std(), lambda t: t.ones(2).long().var(0), lambda t: t.var_mean(t.ones(2).long()),
    lambda t: t.std_mean(t.ones(2).bool(), 0), lambda t: t.zeros(0).argmax(), lambda t: t.zeros(0, 3).argmin(),
    lambda t: t.zeros(0, 3).amax(), lambda t: t.zeros(0, 3).amin(()), lambda t: t.zeros(0, 3).amin(dim=(0, 1)),
    lambda t: t.histc(t.ones(2).long(), bins=2), lambda t: t.histc(t.ones(2).int(), bins=2),
    lambda t: t.histc(t.ones(2).bool(), bins=2), lambda t: t.histc(t.ones(2).byte(), bins=2),
    lambda t: t.cdist(t.ones(2, 2), t.ones(3, 3)), lambda t: t.cdist(t.ones(2), t.ones(3, 2)),
    lambda t: t.cdist(t.ones(2, 2).long(), t.ones(2)), lambda t: t.cdist(t.ones(2, 2), t.ones(2, 2).long()),
    lambda t: t.cdist(t.ones(2, 2), t.ones(3, 2), p=-1), lambda t: t.cdist(t.ones(2, 2).half(), t.ones(2, 2).half()),
    lambda t: t.cdist(t.ones(2, 2), t.ones(2, 2).double()), lambda t: t.corrcoef(t.ones(2, 2, 2))])
def test_stats_errors(fn):
    same_error(fn)


def test_mean_of_empty_is_silent():
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        same_on_both(lambda t, x: (x.mean(), x.view(0, 1).mean(0)), [np.zeros(0, np.float32)], grad=False)


def test_pdist_double_backward_is_not_implemented():
    def fn(t):
        x = t.tensor(arr((4, 3)).astype(np.float64), requires_grad=True)
        g, = t.autograd.grad(t.pdist(x).sum(), x, create_graph=True)
        assert type(g.grad_fn).__name__ == "PdistBackwardBackward0"
        t.autograd.grad(g.sum(), x)
    same_error(fn)
