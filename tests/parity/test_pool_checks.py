"""Parity of the pooling functions' input checks: for inputs of rank 0..6, with empty batch and
non-batch dims, every pool (functional and module forms) raises torch's exception and message, or
returns torch's result and gradients; then the argument checks, in torch's order."""
import math

import numpy as np
import pytest

import torch

from ._helpers import make, same_error, same_on_both, same_result_or_error

TOL = dict(rtol=2e-6, atol=1e-6)


def _backward(m, fn, arrays):
    """Forward, then backward of every floating output with a gradient of ones."""
    outs = fn(m, *[make(m, a, requires_grad=True) for a in arrays])
    outs = [o for o in (outs if isinstance(outs, tuple) else (outs,)) if o.requires_grad]
    m.autograd.backward(outs, [m.ones(o.shape) for o in outs])


def same_forward_and_backward(fn, arrays, **kw):
    """``same_result_or_error``; where torch's backward raises (the adaptive pools refuse a
    gradient with an empty non-batch dim), glasstorch's must raise the same error."""
    try:
        _backward(torch, fn, arrays)
    except Exception:      # noqa: BLE001
        try:
            fn(torch, *[make(torch, a) for a in arrays])
        except Exception:      # noqa: BLE001 - the forward fails: compare that
            return same_result_or_error(fn, arrays, **kw)
        same_on_both(fn, arrays, grad=False, **kw)
        return same_error(_backward, fn, arrays)
    return same_on_both(fn, arrays, **kw)

SHAPES = [(), (3,), (2, 3), (0, 3), (3, 0), (2, 3, 4), (0, 3, 4), (2, 0, 4), (2, 3, 0), (1, 2, 3, 4),
          (0, 2, 3, 4), (2, 0, 3, 4), (2, 2, 0, 4), (2, 2, 3, 0), (1, 1, 2, 3, 4), (0, 1, 2, 3, 4),
          (1, 0, 2, 3, 4), (1, 1, 2, 0, 4), (1, 1, 1, 2, 3, 4)]


def arr(shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def F(t):
    return t.nn.functional


POOLS = {
    "max_pool1d": lambda t, x: F(t).max_pool1d(x, 1),
    "max_pool1d_k2p1": lambda t, x: F(t).max_pool1d(x, 2, 1, 1),
    "max_pool1d_k3": lambda t, x: F(t).max_pool1d(x, 3),
    "max_pool1d_idx": lambda t, x: F(t).max_pool1d(x, 2, return_indices=True),
    "max_pool2d": lambda t, x: F(t).max_pool2d(x, 1),
    "max_pool2d_k2p1_ceil": lambda t, x: F(t).max_pool2d(x, 2, 1, 1, ceil_mode=True),
    "max_pool2d_k3_idx": lambda t, x: F(t).max_pool2d(x, 3, return_indices=True),
    "max_pool2d_dil": lambda t, x: F(t).max_pool2d(x, 2, 1, 1, dilation=2),
    "max_pool3d": lambda t, x: F(t).max_pool3d(x, 1),
    "max_pool3d_k2p1_idx": lambda t, x: F(t).max_pool3d(x, 2, 1, 1, return_indices=True),
    "avg_pool1d": lambda t, x: F(t).avg_pool1d(x, 1),
    "avg_pool1d_k2p1": lambda t, x: F(t).avg_pool1d(x, 2, 1, 1, count_include_pad=False),
    "avg_pool2d": lambda t, x: F(t).avg_pool2d(x, 1),
    "avg_pool2d_k2p1_ceil": lambda t, x: F(t).avg_pool2d(x, 2, 1, 1, ceil_mode=True, divisor_override=3),
    "avg_pool2d_k3": lambda t, x: F(t).avg_pool2d(x, 3),
    "avg_pool3d": lambda t, x: F(t).avg_pool3d(x, 1),
    "avg_pool3d_k2p1": lambda t, x: F(t).avg_pool3d(x, 2, 1, 1),
    "adaptive_avg_pool1d_1": lambda t, x: F(t).adaptive_avg_pool1d(x, 1),
    "adaptive_avg_pool1d_2": lambda t, x: F(t).adaptive_avg_pool1d(x, 2),
    "adaptive_avg_pool2d_1": lambda t, x: F(t).adaptive_avg_pool2d(x, 1),
    "adaptive_avg_pool2d_2": lambda t, x: F(t).adaptive_avg_pool2d(x, 2),
    "adaptive_avg_pool2d_none": lambda t, x: F(t).adaptive_avg_pool2d(x, (2, None)),
    "adaptive_avg_pool2d_0": lambda t, x: F(t).adaptive_avg_pool2d(x, 0),
    "adaptive_avg_pool3d_1": lambda t, x: F(t).adaptive_avg_pool3d(x, 1),
    "adaptive_avg_pool3d_2": lambda t, x: F(t).adaptive_avg_pool3d(x, 2),
    "adaptive_avg_pool3d_none": lambda t, x: F(t).adaptive_avg_pool3d(x, (None, 1, 2)),
    "adaptive_max_pool1d_1": lambda t, x: F(t).adaptive_max_pool1d(x, 1),
    "adaptive_max_pool1d_2_idx": lambda t, x: F(t).adaptive_max_pool1d(x, 2, return_indices=True),
    "adaptive_max_pool2d_1": lambda t, x: F(t).adaptive_max_pool2d(x, 1),
    "adaptive_max_pool2d_2_idx": lambda t, x: F(t).adaptive_max_pool2d(x, 2, return_indices=True),
    "adaptive_max_pool2d_none": lambda t, x: F(t).adaptive_max_pool2d(x, (None, 2)),
    "adaptive_max_pool3d_1": lambda t, x: F(t).adaptive_max_pool3d(x, 1),
    "adaptive_max_pool3d_2_idx": lambda t, x: F(t).adaptive_max_pool3d(x, 2, return_indices=True),
    "lp_pool1d": lambda t, x: F(t).lp_pool1d(x, 2, 1),
    "lp_pool1d_k2": lambda t, x: F(t).lp_pool1d(x, 3, 2, 1),
    "lp_pool2d": lambda t, x: F(t).lp_pool2d(x, 2, 1),
    "lp_pool2d_inf": lambda t, x: F(t).lp_pool2d(x, float("inf"), 2, 1),
    "lp_pool3d": lambda t, x: F(t).lp_pool3d(x, 2, 1),
    "MaxPool1d": lambda t, x: t.nn.MaxPool1d(2, 1)(x),
    "MaxPool2d": lambda t, x: t.nn.MaxPool2d(2, 1, 1)(x),
    "MaxPool3d": lambda t, x: t.nn.MaxPool3d(1)(x),
    "AvgPool1d": lambda t, x: t.nn.AvgPool1d(1)(x),
    "AvgPool2d": lambda t, x: t.nn.AvgPool2d(2, 1)(x),
    "AvgPool3d": lambda t, x: t.nn.AvgPool3d(1)(x),
    "AdaptiveAvgPool1d": lambda t, x: t.nn.AdaptiveAvgPool1d(2)(x),
    "AdaptiveAvgPool2d": lambda t, x: t.nn.AdaptiveAvgPool2d(1)(x),
    "AdaptiveAvgPool3d": lambda t, x: t.nn.AdaptiveAvgPool3d(2)(x),
    "AdaptiveMaxPool1d": lambda t, x: t.nn.AdaptiveMaxPool1d(2)(x),
    "AdaptiveMaxPool2d": lambda t, x: t.nn.AdaptiveMaxPool2d(2, return_indices=True)(x),
    "AdaptiveMaxPool3d": lambda t, x: t.nn.AdaptiveMaxPool3d(1)(x),
    "LPPool1d": lambda t, x: t.nn.LPPool1d(2, 2)(x),
    "LPPool2d": lambda t, x: t.nn.LPPool2d(2, 1)(x),
}


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("name", list(POOLS))
def test_pool_input_shapes(name, shape):
    same_forward_and_backward(POOLS[name], [arr(shape)], **TOL)


# ---- argument checks, each against inputs that fail different stages ----------------------------
ARGS = [
    lambda t, x: F(t).max_pool1d(x, 0),
    lambda t, x: F(t).max_pool1d(x, 2, 0),
    lambda t, x: F(t).max_pool1d(x, 2, -1),
    lambda t, x: F(t).max_pool1d(x, 2, 1, -1, 0),
    lambda t, x: F(t).max_pool1d(x, 1, 1, 1),
    lambda t, x: F(t).max_pool1d(x, 2, 1, 0, 0),
    lambda t, x: F(t).max_pool1d(x, 9),
    lambda t, x: F(t).max_pool1d(x, (1, 1)),
    lambda t, x: F(t).max_pool1d(x, 1, (1, 1)),
    lambda t, x: F(t).max_pool1d(x, 1, 1, (0, 0)),
    lambda t, x: F(t).max_pool1d(x, 1, 1, 0, (1, 1)),
    lambda t, x: F(t).max_pool1d(x, (1, 1), return_indices=True),
    lambda t, x: F(t).max_pool1d(x, 0, return_indices=True),
    lambda t, x: F(t).max_pool2d(x, 0),
    lambda t, x: F(t).max_pool2d(x, -1),
    lambda t, x: F(t).max_pool2d(x, -3),
    lambda t, x: F(t).max_pool2d(x, 2, 0),
    lambda t, x: F(t).max_pool2d(x, 2, -1),
    lambda t, x: F(t).max_pool2d(x, 2, 1, -1),
    lambda t, x: F(t).max_pool2d(x, 1, 1, 1),
    lambda t, x: F(t).max_pool2d(x, 2, 1, 2, 3),
    lambda t, x: F(t).max_pool2d(x, 2, dilation=0),
    lambda t, x: F(t).max_pool2d(x, (2, 1), (1, 0), (-1, 0)),
    lambda t, x: F(t).max_pool2d(x, 9, 1),
    lambda t, x: F(t).max_pool2d(x, (1, 1, 1)),
    lambda t, x: F(t).max_pool2d(x, 1, (1, 1, 1)),
    lambda t, x: F(t).max_pool2d(x, 1, 1, (0, 0, 0)),
    lambda t, x: F(t).max_pool2d(x, 1, 1, 0, (1, 1, 1)),
    lambda t, x: F(t).max_pool3d(x, 0),
    lambda t, x: F(t).max_pool3d(x, 2, -1),
    lambda t, x: F(t).max_pool3d(x, 2, 1, 2, 3),
    lambda t, x: F(t).max_pool3d(x, 9),
    lambda t, x: F(t).max_pool3d(x, (1, 1)),
    lambda t, x: F(t).max_pool3d(x, 1, 1, 0, (1, 1)),
    lambda t, x: F(t).avg_pool1d(x, 0),
    lambda t, x: F(t).avg_pool1d(x, (1, 1)),
    lambda t, x: F(t).avg_pool1d(x, 1, (1, 1)),
    lambda t, x: F(t).avg_pool1d(x, 1, 1, (0, 0)),
    lambda t, x: F(t).avg_pool2d(x, 0),
    lambda t, x: F(t).avg_pool2d(x, 2, -1),
    lambda t, x: F(t).avg_pool2d(x, 2, 1, -1),
    lambda t, x: F(t).avg_pool2d(x, 1, 1, 1),
    lambda t, x: F(t).avg_pool2d(x, 9),
    lambda t, x: F(t).avg_pool2d(x, 1, divisor_override=0),
    lambda t, x: F(t).avg_pool2d(x, (1, 1, 1)),
    lambda t, x: F(t).avg_pool2d(x, 1, (1, 1, 1)),
    lambda t, x: F(t).avg_pool2d(x, 1, 1, (0, 0, 0)),
    lambda t, x: F(t).avg_pool3d(x, 0),
    lambda t, x: F(t).avg_pool3d(x, 2, -1),
    lambda t, x: F(t).avg_pool3d(x, 3, 1, 1),
    lambda t, x: F(t).avg_pool3d(x, 1, divisor_override=0),
    lambda t, x: F(t).avg_pool3d(x, (1, 1)),
    lambda t, x: F(t).avg_pool3d(x, 1, (1, 1)),
    lambda t, x: F(t).avg_pool3d(x, 1, 1, (0, 0)),
    lambda t, x: F(t).adaptive_avg_pool1d(x, -1),
    lambda t, x: F(t).adaptive_avg_pool1d(x, (1, 1)),
    lambda t, x: F(t).adaptive_avg_pool2d(x, -1),
    lambda t, x: F(t).adaptive_avg_pool2d(x, (1, 2, 3)),
    lambda t, x: F(t).adaptive_avg_pool3d(x, -2),
    lambda t, x: F(t).adaptive_max_pool1d(x, -1),
    lambda t, x: F(t).adaptive_max_pool1d(x, (1, 1)),
    lambda t, x: F(t).adaptive_max_pool2d(x, (2, -3)),
    lambda t, x: F(t).adaptive_max_pool3d(x, -1),
    lambda t, x: F(t).lp_pool2d(x, 2, 0),
    lambda t, x: F(t).lp_pool1d(x, 2, (1, 1)),
]
ARG_SHAPES = [(3,), (2, 5), (2, 3, 5), (1, 2, 3, 5), (1, 0, 3, 5), (1, 1, 2, 3, 5)]


@pytest.mark.parametrize("shape", ARG_SHAPES, ids=str)
@pytest.mark.parametrize("k", range(len(ARGS)))
def test_pool_argument_checks(k, shape):
    same_result_or_error(ARGS[k], [arr(shape, seed=k)], **TOL)


# ---- max_unpool: rank, shape, dtype and empty-dim checks ------------------------------------------
def _indices(shape, nd):
    """Distinct in-plane positions, valid for the default output size."""
    if len(shape) < nd:
        return np.zeros(shape, np.int64)
    plane = shape[len(shape) - nd:]
    return np.ascontiguousarray(np.broadcast_to(np.arange(math.prod(plane)).reshape(plane), shape)).astype(np.int64)


UNPOOLS = {
    "max_unpool1d": (1, lambda t, x, i: F(t).max_unpool1d(x, i, 1)),
    "max_unpool1d_k2": (1, lambda t, x, i: F(t).max_unpool1d(x, i, 2)),
    "max_unpool2d": (2, lambda t, x, i: F(t).max_unpool2d(x, i, 1)),
    "max_unpool2d_k2": (2, lambda t, x, i: F(t).max_unpool2d(x, i, 2)),
    "max_unpool3d": (3, lambda t, x, i: F(t).max_unpool3d(x, i, 1)),
    "max_unpool3d_k2": (3, lambda t, x, i: F(t).max_unpool3d(x, i, 2)),
    "MaxUnpool2d": (2, lambda t, x, i: t.nn.MaxUnpool2d(2)(x, i)),
}


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("name", list(UNPOOLS))
def test_unpool_input_shapes(name, shape):
    nd, fn = UNPOOLS[name]
    same_result_or_error(fn, [arr(shape), _indices(shape, nd)], **TOL)


@pytest.mark.parametrize("nd", [1, 2, 3])
def test_unpool_indices_checks(nd):
    shape = (1, 2) + (3,) * nd
    fn = UNPOOLS[f"max_unpool{nd}d"][1]
    same_result_or_error(fn, [arr(shape), _indices(shape, nd).astype(np.int32)])
    same_result_or_error(fn, [arr(shape), _indices(shape[:-1] + (2,), nd)])
