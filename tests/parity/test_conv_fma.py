"""A float32 convolution with one number per output (one input channel, a 1x1 kernel) on oneDNN's path:
oneDNN starts each output from its bias and adds the single product with a fused multiply-add, so the
output is rounded once; glasstorch's product then ``+= bias`` rounded twice, about a quarter of the outputs
one ulp off.  Found by helper-240 in Raschka's resnet-ex-1 notebook (a 1x1 convolution of a one-channel
image feeding BatchNorm, where Adam then amplified the difference).  Grouped ones (oneDNN's depthwise
kernel) and batch-1 ones (torch's own kernel) round twice, as before.

Each case runs the same function on torch and glasstorch, under the same thread count (which decides
torch's path), and compares outputs bit for bit."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch

from ._helpers import same_on_both


def _threads(n):
    old = (torch.get_num_threads(), glasstorch.get_num_threads())
    torch.set_num_threads(n)
    glasstorch.set_num_threads(n)
    return old


def _restore(old):
    torch.set_num_threads(old[0])
    glasstorch.set_num_threads(old[1])


@pytest.mark.parametrize("threads", [1, 2])
@settings(max_examples=25, deadline=None)
@given(st.integers(1, 17), st.integers(1, 6), st.integers(1, 9), st.integers(1, 9), st.sampled_from([1, 2]),
       st.booleans(), st.integers(0, 2 ** 31 - 1))
def test_one_channel_pointwise_conv2d(threads, batch, cout, h, w, stride, bias, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(batch, 1, h, w)).astype(np.float32)
    wt = rng.normal(size=(cout, 1, 1, 1)).astype(np.float32)
    b = rng.normal(size=(cout,)).astype(np.float32)
    old = _threads(threads)
    try:
        same_on_both(lambda m, x, wt, b: m.nn.functional.conv2d(x, wt, b if bias else None, stride=stride),
                     [x, wt, b], grad=False)
    finally:
        _restore(old)


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 9), st.integers(1, 6), st.integers(1, 12), st.integers(0, 2 ** 31 - 1))
def test_one_channel_pointwise_conv1d_and_layer(batch, cout, length, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(batch, 1, length)).astype(np.float32)
    old = _threads(2)
    try:
        def run(m, x):
            m.manual_seed(seed)
            return m.nn.Conv1d(1, cout, 1)(x), m.nn.Conv2d(1, cout, 1)(x[:, :, None, :])
        same_on_both(run, [x], grad=False)
    finally:
        _restore(old)


@pytest.mark.parametrize("shape,groups", [((4, 3, 8, 8), 3), ((1, 1, 50, 50), 1), ((2, 4, 5, 5), 4)])
def test_grouped_and_batch_one_keep_two_roundings(shape, groups):
    rng = np.random.default_rng(0)
    x = rng.normal(size=shape).astype(np.float32)
    wt = rng.normal(size=(12, shape[1] // groups, 1, 1)).astype(np.float32)
    b = rng.normal(size=(12,)).astype(np.float32)
    old = _threads(2)
    try:
        same_on_both(lambda m, x, wt, b: m.nn.functional.conv2d(x, wt, b, groups=groups), [x, wt, b], grad=False)
    finally:
        _restore(old)
