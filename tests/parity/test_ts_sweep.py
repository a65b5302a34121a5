"""Parity for the time-series / signals / tabular sweep (tests/programs/ts_*.py): torch's math
constants (torch.pi, e, inf, nan, newaxis), the argument rules of hamming_window / kaiser_window
(a later window parameter needs the earlier ones), and tensor_split building one slice per part,
with torch's wrapping and clamping of out-of-order or negative indices."""
import math

import numpy as np
import pytest
import torch

import glasstorch

from ._helpers import MODS, same_error, same_on_both


def arr(shape, seed=0, dtype=np.float32):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


# ---- constants -------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["pi", "e", "inf", "nan", "newaxis"])
def test_constants(name):
    a, b = getattr(torch, name), getattr(glasstorch, name)
    assert type(a) is type(b)
    assert a is None and b is None or (a == b or (math.isnan(a) and math.isnan(b)))


def test_constants_in_expressions():
    same_on_both(lambda t, x: t.sin(2 * t.pi * x / 50) + t.e, [arr((6,))], rtol=1e-6, atol=1e-7)
    same_on_both(lambda t, x: x[:, t.newaxis] * t.inf, [np.abs(arr((3,))) + 1], grad=False)
    same_on_both(lambda t, x: t.where(x > 0, x, t.nan), [arr((5,))])


# ---- window argument rules -------------------------------------------------------------------
# (with several keywords torch lists them in its C++ hash map's order, which glasstorch does not copy)
@pytest.mark.parametrize("call", [
    lambda t: t.kaiser_window(6, beta=8.0),
    lambda t: t.hamming_window(6, alpha=0.5),
    lambda t: t.hamming_window(6, False, beta=0.5),
    lambda t: t.hamming_window(6, beta=0.5),
])
def test_window_keyword_without_earlier_parameter(call):
    same_error(call)


@pytest.mark.parametrize("call", [
    lambda t: t.kaiser_window(6),
    lambda t: t.kaiser_window(6, False),
    lambda t: t.kaiser_window(6, True, 8.0),
    lambda t: t.kaiser_window(6, False, beta=5.0),
    lambda t: t.kaiser_window(6, beta=5.0, periodic=False),
    lambda t: t.kaiser_window(7, periodic=False, dtype=t.float64),
    lambda t: t.hamming_window(6, False, 0.5, beta=0.5),
    lambda t: t.hamming_window(6, periodic=False, alpha=0.5),
    lambda t: t.hamming_window(5, True, 0.6, 0.3, dtype=t.float64),
    lambda t: t.hamming_window(8),
])
def test_window_valid_calls(call):
    same_on_both(lambda t: call(t), [], grad=False, rtol=1e-6, atol=1e-7)


# ---- tensor_split ----------------------------------------------------------------------------
@pytest.mark.parametrize("ios", [3, 4, [2, 7], [5, 2], [0, 12], [-3], (-20, 3), (4,), [3, 3]],
                         ids=lambda v: repr(v))
def test_tensor_split_parts(ios):
    same_on_both(lambda t, x: t.tensor_split(x, ios, dim=1), [arr((2, 10))])


def test_tensor_split_tensor_arguments():
    same_on_both(lambda t, x: t.tensor_split(x, t.tensor([6, 2]), dim=-1), [arr((3, 9))])
    same_on_both(lambda t, x: x.tensor_split(t.tensor(3)), [arr((7, 2))])


@pytest.mark.parametrize("call", [
    lambda t: t.tensor_split(t.arange(10.), 0),
    lambda t: t.tensor_split(t.arange(10.), -2),
    lambda t: t.tensor_split(t.arange(10.), t.tensor([[1, 2]])),
    lambda t: t.tensor_split(t.arange(10.), t.tensor([1.5])),
    lambda t: t.tensor_split(t.arange(10.), t.tensor([1], dtype=t.int32)),
    lambda t: t.tensor_split(t.tensor(1.), 2),
])
def test_tensor_split_errors(call):
    same_error(call)


def test_tensor_split_parts_are_views():
    for m in MODS:
        y = m.arange(10.)
        parts = m.tensor_split(y, [5, 2])
        assert [p._base is y for p in parts] == [True] * 3
        assert [p.storage_offset() for p in parts[::2]] == [0, 2]
        assert [tuple(p.shape) for p in parts] == [(5,), (0,), (8,)]


# ---- RNN / GRU with batch_first: torch's kernels transpose the output in place -----------------
def _rnn_out(t, x, cls, **kw):
    t.manual_seed(0)
    m = getattr(t.nn, cls)(x.shape[-1], 4, batch_first=True, **kw)
    out, _ = m(x)
    return out, out.stride()


@pytest.mark.parametrize("cls", ["RNN", "GRU", "LSTM"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_rnn_batch_first_output(cls, bidirectional):
    same_on_both(lambda t, x: _rnn_out(t, x, cls, bidirectional=bidirectional, num_layers=2),
                 [arr((2, 5, 3))], rtol=1e-5, atol=1e-6)


# ---- ops without a real derivative: torch's grad_fn names and backward errors -------------------
def test_heaviside_and_weighted_bincount_record_not_implemented():
    same_on_both(lambda t, x, v: t.heaviside(x, v), [np.array([-1.0, 0.0, 2.0], np.float32),
                                                     np.array([0.5, 0.5, 0.5], np.float32)], grad=False)
    same_on_both(lambda t, w: t.bincount(t.tensor([0, 2, 2, 3]), weights=w, minlength=5),
                 [arr((4,))], grad=False)
    same_on_both(lambda t, x: t.heaviside(x.detach(), t.tensor([0.5, 0.5])), [arr((2,))], grad=False)


@pytest.mark.parametrize("call", [
    lambda t: t.heaviside(t.randn(3, requires_grad=True), t.tensor(0.5)).sum().backward(),
    lambda t: t.heaviside(t.randn(3), t.ones(3, requires_grad=True)).sum().backward(),
    lambda t: t.bincount(t.tensor([0, 1, 1]), weights=t.randn(3, requires_grad=True)).sum().backward(),
])
def test_not_implemented_backward_raises(call):
    same_error(call)


def test_nextafter_backward():
    same_on_both(lambda t, x, y: t.nextafter(x, y), [arr((5,)), arr((5,), seed=1)])
    same_on_both(lambda t, x, y: t.nextafter(x, y.detach()), [arr((5,), dtype=np.float64), arr((5,), seed=1)[:1]
                                                              .astype(np.float64)])


@pytest.mark.parametrize("other", [-1.0, 2, 0.0])
def test_copysign_scalar_overload(other):
    same_on_both(lambda t, x: t.copysign(x, other), [arr((6,))])
    same_on_both(lambda t, x: x.copysign(other), [arr((2, 3))])
    same_on_both(lambda t, x, y: t.copysign(x, y), [arr((6,)), arr((6,), seed=2)])
