"""Parity pins for sweep25e (agent-based and cellular simulations written with tensors).

Fixed in glasstorch:
- a gradient through an in-place write into a view (``CopySlices``, and the rebased view's
  ``AsStridedBackward0``) is differentiable under create_graph, built as torch's CopySlices backward
  (empty_strided + copy_, as_strided, clone, the in-place op's backward, copy_ back): a circular
  ``F.pad`` (made of slice copies), ``y[0].mul_(w)`` or ``y.diagonal().add_(v)`` now have second
  derivatives instead of "double backward through an in-place change of a view is not supported"
  (ops/copy_slices_double.py, ops/inplace.py);
- ``x[index] = v`` under create_graph: torch's copy_ gradient (CopySlices over CopyBackwards, the value's
  a CloneBackward0) for a basic index, index_put_'s (IndexPutBackward0 / IndexBackward0) for an advanced
  one, instead of IndexFillBackward0 / ViewBackward0 (ops/copy_slices_double.py, ops/index.py);
- circular ``F.pad`` slices its input one padded dim at a time (SliceBackward0 each, as torch's
  _pad_circular), not through Python indexing (AliasBackward0 when the slices were whole)
  (nn/_ops/padding.py);
- the gradient of a slice / select under create_graph hangs from torch's ``SliceBackwardBackward0`` /
  ``SelectBackwardBackward0`` (was CopySlices) (ops/slice_double.py, ops/views.py); of unbind from
  ``StackBackward0`` and of split / chunk from ``CatBackward0`` (ops/views_multi.py);
- ``x.pow(c)``'s gradient under create_graph multiplies by the exponent through mul.Scalar
  (``MulBackward1``), as torch's pow_backward (ops/power.py);
- an in-place op on a tensor without history whose other operand requires grad (``z.mul_(w)``,
  ``z.clamp_(min=w)``, ``z.atan2_(w)``, ``z[1:2].mul_(w)`` on a constant z ...) saved ``z`` itself, so the
  backward failed with "one of the variables needed for gradient computation has been modified by an
  inplace operation"; it now saves a copy, and a self with history a clone (torch's
  ``original_self = self.clone()``: CloneBackward0 under create_graph) (ops/inplace_more.py);
- a write into an empty view still gives its base CopySlices (a circular pad to an empty dim kept no
  history) (ops/inplace.py);
- atan2's gradient under create_graph: reciprocal then masked_fill (MaskedFillBackward0), as torch's
  atan2_backward (ops/binary_more.py);
- ``autograd.grad(..., materialize_grads=True, create_graph=True)``: the zeros for unused inputs require
  grad, as torch's ``zeros_like(input, requires_grad=create_graph)`` (autograd/__init__.py).
"""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from glasstorch.autograd.gradcheck import gradcheck, gradgradcheck
from tests.parity._helpers import same_on_both, same_outcome


def _names(fn, depth=3):
    if fn is None:
        return None
    if depth == 0:
        return type(fn).__name__
    return type(fn).__name__, [None if f is None else _names(f, depth - 1) for f, _ in fn.next_functions]


X33 = np.random.default_rng(1).standard_normal((3, 3))


def _grad_graph(f, depth=3):
    """x -> (d/dx sum(y * sin y), its graph's node names), y = f(m, x); same_on_both then also backpropagates
    through that gradient (the second derivative)."""
    def fn(m, x):
        y = f(m, x)
        g, = m.autograd.grad((y * y.sin()).sum(), x, create_graph=True)
        return g, _names(g.grad_fn, depth)
    return fn


def _slice_write(m, x):
    y = x.clone()
    y[1:3] = x[:2] * 3
    return y


def _mul_into_view(m, x):
    y = x.clone()
    y[0].mul_(x[1])
    return y


def _diag_add(m, x):
    y = x * 1
    y.diagonal().add_(x[0].exp())
    return y


def _view_after_write(m, x):
    y = x.clone()
    v = y[1]
    v.mul_(x[0])
    return v * y[2]


def _transposed_write(m, x):
    y = x.t().clone()
    y[:, 1] = x[0].sin()
    return y


def _strided_mul(m, x):
    y = x.clone()
    y[::2, 1:].mul_(2.5)
    return y


def _masked_write(m, x):
    y = x.clone()
    y[1][x[1] > 0] = 0
    return y


def _advanced_write(m, x):
    y = x.clone()
    y[m.tensor([0, 2]), m.tensor([1, 1])] = x[1, :2] * 2
    return y


def _circular(m, x):
    return m.nn.functional.pad(x[None], (1, 2, 2, 1), mode="circular")


def _circular_3d(m, x):
    return m.nn.functional.pad(x[None, None, None].expand(1, 1, 2, 3, 3) * 1, (1, 1, 0, 1, 1, 0), mode="circular")


def _circular_conv(m, x):
    k = m.tensor([[0.05, 0.2, 0.05], [0.2, -1.0, 0.2], [0.05, 0.2, 0.05]], dtype=x.dtype).view(1, 1, 3, 3)
    return m.nn.functional.conv2d(m.nn.functional.pad(x[None, None], (1, 1, 1, 1), mode="circular"), k)


WRITES = {"slice_write": _slice_write, "diag_add": _diag_add, "transposed_write": _transposed_write,
          "strided_mul": _strided_mul, "masked_write": _masked_write, "advanced_write": _advanced_write,
          "circular": _circular, "circular_3d": _circular_3d, "circular_conv": _circular_conv,
          "mul_into_view": _mul_into_view, "view_after_write": _view_after_write}


@pytest.mark.parametrize("name", sorted(WRITES))
def test_in_place_view_gradient_is_differentiable(name):
    same_on_both(_grad_graph(WRITES[name]), [X33], rtol=1e-12, atol=1e-12)


INPLACE_WITH_GRAD_OTHER = ["mul_(w)", "div_(w)", "clamp_(min=w)", "clamp_(max=w)", "atan2_(w)", "fmod_(w)",
                           "remainder_(w)", "pow_(w)", "copysign_(w)", "hypot_(w)", "ldexp_(w)", "lerp_(w, 0.3)",
                           "addcmul_(w, w)", "addcdiv_(w, w + 2)", "float_power_(w)", "sub_(w, alpha=2)"]


@pytest.mark.parametrize("op", INPLACE_WITH_GRAD_OTHER)
@pytest.mark.parametrize("where", ["whole", "view"])
def test_in_place_op_on_constant_with_grad_operand(op, where):
    # the constant self is read by w's gradient: it must be saved before the write (torch's original_self
    # clone), not as itself (which the write then made "modified by an inplace operation")
    def fn(m, w):
        z = m.tensor([[1.0, 3.0], [-2.0, 0.5]], dtype=w.dtype) + 0
        target = z if where == "whole" else z[1]
        y = eval("target." + op, {"target": target, "w": w if where == "view" else w.expand(2, 2)})
        return z, y
    same_on_both(fn, [np.array([0.5, 2.0])])


@pytest.mark.parametrize("op", ["mul_(w)", "div_(w)", "clamp_(min=w)", "atan2_(w)", "pow_(w)", "sin_()"])
def test_in_place_saved_self_graph(op):
    # torch saves a clone of an in-place op's original self: CloneBackward0 in the second-order graph
    def fn(m, x, w):
        y = x * 1
        eval("y." + op, {"y": y, "w": w})
        gs = m.autograd.grad(y.sum(), [x, w], create_graph=True, allow_unused=True, materialize_grads=True)
        return tuple(gs) + tuple(_names(g.grad_fn, 3) for g in gs)
    same_on_both(fn, [np.array([0.3, 1.7]), np.array([0.5, 2.0])], rtol=1e-12, atol=1e-12)


def test_circular_pad_forward_graph():
    def fn(m, x):
        y = m.nn.functional.pad(x, (1, 1, 1, 1), mode="circular")
        return y, _names(y.grad_fn, 7)
    same_on_both(fn, [np.arange(9.0).reshape(1, 1, 3, 3)])


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(-1, 2), min_size=4, max_size=4), st.integers(2, 4), st.integers(2, 4))
def test_circular_pad_second_derivative(pad, h, w):
    x = np.random.default_rng(h * 10 + w).standard_normal((1, 2, h, w))

    def fn(m, x):
        y = m.nn.functional.pad(x, tuple(pad), mode="circular")
        g, = m.autograd.grad(y.pow(3).sum(), x, create_graph=True)
        return y, g, _names(g.grad_fn, 2)
    try:
        torch.nn.functional.pad(torch.from_numpy(x), tuple(pad), mode="circular")
    except RuntimeError:
        same_outcome(lambda m: m.nn.functional.pad(m.from_numpy(x.copy()), tuple(pad), mode="circular"))
        return
    same_on_both(fn, [x], rtol=1e-12, atol=1e-12)


def test_gradgradcheck_circular_pad_and_view_writes():
    x = glasstorch.from_numpy(X33.copy()).requires_grad_()
    for f in (_circular, _circular_conv, _slice_write, _mul_into_view, _masked_write, _advanced_write, _diag_add):
        assert gradcheck(lambda x: f(glasstorch, x), (x,))
        assert gradgradcheck(lambda x: f(glasstorch, x), (x,))


VIEWS = ["x[1:3]", "x[:, 1]", "x[0]", "x[..., ::2]", "x.narrow(1, 1, 2)", "x[:]", "x[None, 1:]", "x[1:, -1]",
         "x.select(1, -1)", "x.T[1:]", "x.unbind(0)[1]", "x.unbind(1)[0] * x.unbind(1)[2]", "x.chunk(2, 1)[1]",
         "x.split(1)[0]", "x.split([1, 3], 1)[0]", "x.chunk(1, 0)[0]", "sum(x.unbind(1))", "x.unbind(0)[1][1:]"]


@pytest.mark.parametrize("expr", VIEWS)
def test_view_gradient_graph(expr):
    def fn(m, x):
        y = eval(expr, {"x": x})
        g, = m.autograd.grad(y.pow(3).sum(), x, create_graph=True)
        return g, _names(g.grad_fn, 3)
    same_on_both(fn, [np.random.default_rng(2).standard_normal((3, 4))], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("e", [2, 3, 0.5, -1.5, 1])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_pow_gradient_graph(e, dtype):
    def fn(m, x):
        g, = m.autograd.grad(x.abs().add(0.5).pow(e).sum(), x, create_graph=True)
        return g, _names(g.grad_fn, 3)
    same_on_both(fn, [np.array([0.3, -1.2, 2.0, 0.7], dtype=dtype)], rtol=1e-6, atol=1e-7)


def test_pow_zero_exponent_gradient():
    def fn(m):
        x = m.tensor([0.3, -1.2], requires_grad=True)
        g, = m.autograd.grad(x.pow(0).sum(), x, create_graph=True)
        return g, g.requires_grad
    same_outcome(fn)


def test_gradgradcheck_views():
    x = glasstorch.from_numpy(np.random.default_rng(3).standard_normal((3, 4))).requires_grad_()
    for expr in VIEWS:
        assert gradgradcheck(lambda x: eval(expr, {"x": x}).pow(3), (x,))


def test_atan2_gradient_graph():
    # torch's atan2_backward: grad * other * recip, recip = (a^2 + b^2).reciprocal() masked to 0 at the origin
    def fn(m, a, b):
        ga, gb = m.autograd.grad(m.atan2(a, b).sum(), [a, b], create_graph=True)
        return ga, gb, _names(ga.grad_fn, 3), _names(gb.grad_fn, 3)
    same_on_both(fn, [np.array([0.3, 0.0, -1.2, 2.0]), np.array([0.5, 0.0, 0.7, -3.0])], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("create_graph", [False, True])
def test_materialized_gradient_requires_grad_under_create_graph(create_graph):
    def fn(m):
        x = m.tensor([0.3, 1.7], requires_grad=True)
        w = m.tensor([0.5, 2.0], requires_grad=True)
        gx, gw = m.autograd.grad(x.sin().sum(), [x, w], create_graph=create_graph, materialize_grads=True)
        return gx, gw, gw.requires_grad, gx.requires_grad
    same_outcome(fn)


def test_write_into_empty_view_records_copy_slices():
    def fn(m):
        x = m.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        z = x * 1
        z[1:1].mul_(2.0)
        y = m.nn.functional.pad(x[None], (0, 0, -1, -1), mode="circular")
        gx, = m.autograd.grad(z.sum() + y.sum(), x)
        return z, y, gx, type(z.grad_fn).__name__, y.requires_grad
    same_outcome(fn)
