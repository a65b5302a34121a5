"""Parity tests for the gaps the sweep14a programs found (tests/programs/sweep14a_*.py), part 2:
``x[:] = v`` as torch's copy_to, and ``fill_``/``fill`` with their autograd nodes."""
import warnings

import numpy as np
import pytest

from ._helpers import MODS, same_error, same_on_both

R = np.random.default_rng(141)


def _both(fn):
    """``fn(mod)`` on torch and glasstorch; the results must be equal."""
    got = []
    for m in MODS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            got.append(fn(m))
    assert got[0] == got[1], f"torch {got[0]!r}\nglasstorch {got[1]!r}"


# ---- x[:] = v is torch's copy_to, not a write through a view ----

@pytest.mark.parametrize("idx", [slice(None), slice(0, 3), slice(0, 10), slice(None, None, 1), Ellipsis,
                                 (slice(None), slice(None)), (Ellipsis, slice(None)), (slice(None), slice(0, 3)),
                                 slice(-3, None), slice(1, None), (slice(None), 0), None])
def test_setitem_on_leaf_names_leaf_or_view(idx):
    def fn(t):
        w = t.ones(3, 3, requires_grad=True)
        w[idx] = 0.0
    same_error(fn)


def _graph(fn, depth=3):
    if fn is None or depth == 0:
        return None
    return [type(fn).__name__, [_graph(n[0], depth - 1) for n in fn.next_functions]]


@pytest.mark.parametrize("hook", [False, True])       # a hook makes the backward walk the general engine
@pytest.mark.parametrize("idx", [slice(None), Ellipsis, (slice(None), slice(None)), slice(0, 1)])
@pytest.mark.parametrize("value", ["same", "row", "row3d", "scalar_t", "number", "int_t", "col"])
def test_setitem_whole_graph_and_grads(idx, value, hook):
    def fn(t):
        x = t.ones(2, 3, requires_grad=True)
        v = {"same": lambda: t.arange(6.).view(2, 3).requires_grad_(), "row": lambda: t.arange(3.).requires_grad_(),
             "row3d": lambda: t.arange(3.).view(1, 1, 3).requires_grad_(),
             "scalar_t": lambda: t.tensor(2.).requires_grad_(), "number": lambda: 4, "int_t": lambda: t.tensor(7),
             "col": lambda: t.ones(2, 1).requires_grad_()}[value]()
        y = x * 2
        if idx == slice(0, 1) and value in ("same", "col"):
            v = v[:1]
        y[idx] = v
        if hook:
            y.register_hook(lambda g: g * 1)
        names = _graph(y.grad_fn)
        (y * t.arange(6.).view(2, 3)).sum().backward()
        return names, y.tolist(), x.grad.tolist(), v.grad.tolist() if isinstance(v, t.Tensor) and v.grad is not None \
            else None
    _both(fn)


def test_setitem_value_with_leading_ones_error():
    def fn(t):
        y = t.ones(2, 3)
        y[:] = t.ones(1, 2, 3, 1)
    same_error(fn)


@pytest.mark.parametrize("value", [0, 0.0, 1, 2.5, "t", "t64", "t_rg"])
def test_fill_nodes(value):
    def fn(t):
        x = t.ones(2, requires_grad=True)
        w = t.tensor(3.0, requires_grad=True)
        v = {"t": t.tensor(2.0), "t64": t.tensor(2.0, dtype=t.float64), "t_rg": w}.get(value, value)
        y = x * 2
        y.fill_(v)
        z = t.fill(x, v)
        zz = (x * 2).zero_()
        ((y + z) * t.tensor([1.0, 2.0])).sum().backward()
        return _graph(y.grad_fn), _graph(z.grad_fn), _graph(zz.grad_fn), y.tolist(), x.grad.tolist(), \
            None if w.grad is None else w.item()
    _both(fn)


def test_fill_with_grad_value_into_plain_tensor():
    def fn(t):
        w = t.tensor(3.0, requires_grad=True)
        z = t.zeros(3)
        z.fill_(w)
        z.sum().backward()
        return z.requires_grad, _graph(z.grad_fn), w.grad.item()
    _both(fn)


def _assign(y, idx, v):
    y[idx] = v
    return y


@pytest.mark.parametrize("idx", [slice(None), Ellipsis, slice(0, 1)])
@pytest.mark.parametrize("vshape", [(2, 3), (3,), (1, 1, 3), ()])
def test_setitem_one_lambda(idx, vshape):
    x, v = R.standard_normal((2, 3)).astype(np.float32), R.standard_normal(vshape).astype(np.float32)
    same_on_both(lambda t, x, v: _assign(x * 2, idx, v if idx != slice(0, 1) or v.dim() < 2 else v[:1]), [x, v])


def test_fill_tensor_value_one_lambda():
    x, v = R.standard_normal((2, 3)).astype(np.float32), np.array(1.5, np.float32)
    same_on_both(lambda t, x, v: ((x * 2).fill_(v), t.fill(x, v)), [x, v])


@pytest.mark.parametrize("tshape,idx,vshape", [
    ((1, 2, 0), (slice(None), slice(None), slice(1, 0)), (1, 1, 2, 2)),    # leading 1s dropped, then compared
    ((1, 2, 0), (slice(None), slice(None), slice(1, 0)), (1, 2, 2)),        # "Tensor sizes" without leading 1s
    ((3,), slice(0, 2), (1, 3)),
    ((), (), (1, 2)),
])
def test_setitem_value_shape_errors(tshape, idx, vshape):
    def fn(t):
        x = t.zeros(tshape)
        x[idx] = t.ones(vshape)
    same_error(fn)


@pytest.mark.parametrize("tshape,idx,vshape", [((3,), slice(None), (1, 1, 3)), ((), (), (1, 1))])
def test_setitem_value_with_leading_ones(tshape, idx, vshape):
    def fn(t):
        x = t.zeros(tshape)
        x[idx] = t.arange(float(np.prod(vshape))).reshape(vshape)
        return x
    same_on_both(lambda t: fn(t), [])
