"""torch.nn.grad's convolution gradients (conv{1,2,3}d_input / _weight) on torch and glasstorch:
values for drawn shapes, strides, paddings, dilations and groups; the shape errors; and that a
result built from tensors that require grad can itself be differentiated."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch

from ._helpers import same_error


@st.composite
def conv_cases(draw):
    nd = draw(st.integers(1, 3))
    groups = draw(st.sampled_from([1, 2]))
    cin, cout = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    k = [draw(st.integers(1, 3)) for _ in range(nd)]
    stride, dilation = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    padding = draw(st.integers(0, 1))
    spatial = [draw(st.integers(dilation * (kk - 1) + 1, 6)) for kk in k]
    batch = draw(st.integers(1, 2))
    seed = draw(st.integers(0, 2 ** 16))
    return nd, (batch, cin, *spatial), (cout, cin // groups, *k), stride, padding, dilation, groups, seed


def _run(m, case, dtype):
    nd, xs, ws, stride, padding, dilation, groups, seed = case
    rng = np.random.default_rng(seed)
    x = m.from_numpy(rng.standard_normal(xs).astype(dtype))
    w = m.from_numpy(rng.standard_normal(ws).astype(dtype))
    out = getattr(m.nn.functional, f"conv{nd}d")(x, w, None, stride, padding, dilation, groups)
    go = m.from_numpy(rng.standard_normal(tuple(out.shape)).astype(dtype))
    g = getattr(m.nn, "grad")
    gi = getattr(g, f"conv{nd}d_input")(xs, w, go, stride, padding, dilation, groups)
    gw = getattr(g, f"conv{nd}d_weight")(x, ws, go, stride=stride, padding=padding, dilation=dilation,
                                         groups=groups)
    return gi, gw


@settings(max_examples=40, deadline=None)
@given(conv_cases())
def test_conv_grads_match_torch(case):
    for dtype, rtol in ((np.float64, 1e-12), (np.float32, 1e-5)):
        want = _run(torch, case, dtype)
        got = _run(glasstorch, case, dtype)
        for a, b in zip(want, got):
            assert tuple(a.shape) == tuple(b.shape) and str(a.dtype).split(".")[1] == str(b.dtype).split(".")[1]
            assert not a.requires_grad and not b.requires_grad
            np.testing.assert_allclose(b.numpy(), a.numpy(), rtol=rtol, atol=rtol)


@pytest.mark.parametrize("go_shape", [(1, 3, 2, 2), (1, 2, 2, 3), (1, 2, 2), (2, 3, 3, 3)])
@pytest.mark.parametrize("which", ["input", "weight"])
def test_grad_output_shape_errors(go_shape, which):
    def f(m):
        w = m.ones(2, 1, 3, 3)
        go = m.ones(*go_shape)
        if which == "input":
            return m.nn.grad.conv2d_input((1, 1, 4, 4), w, go)
        return m.nn.grad.conv2d_weight(m.ones(1, 1, 4, 4), (2, 1, 3, 3), go)
    same_error(f)


def test_result_is_differentiable_when_its_arguments_require_grad():
    grads = {}
    for m in (torch, glasstorch):
        rng = np.random.default_rng(3)
        w = m.tensor(rng.standard_normal((2, 1, 3, 3)), requires_grad=True)
        go = m.tensor(rng.standard_normal((1, 2, 5, 5)), requires_grad=True)
        x = m.tensor(rng.standard_normal((1, 1, 5, 5)))
        gi = m.nn.grad.conv2d_input((1, 1, 5, 5), w, go, padding=1, stride=1)
        gw = m.nn.grad.conv2d_weight(x, (2, 1, 3, 3), go, padding=1)
        assert gi.requires_grad and gw.requires_grad
        (gi.pow(2).sum() + gw.pow(2).sum()).backward()
        grads[m] = (w.grad.numpy(), go.grad.numpy())
        with m.no_grad():
            assert not m.nn.grad.conv2d_input((1, 1, 5, 5), w, go, padding=1).requires_grad
    for a, b in zip(grads[torch], grads[glasstorch]):
        np.testing.assert_allclose(b, a, rtol=1e-12)
