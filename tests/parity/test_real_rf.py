"""Parity pins from running einops' torch backend and lucidrains' einops programs (vit-pytorch's models
and training wrappers, denoising-diffusion-pytorch's U-Nets and diffusion samplers) unchanged.

Fixed in glasstorch: nothing; every program that ran on torch ran on glasstorch with the same printed
output up to BLAS rounding in the last digits.  These tests pin the torch behaviour those programs
lean on, so that it stays torch's:
- the op sequences einops' torch backend emits for rearrange / reduce / repeat / pack / einsum
  (permute then reshape, multi-axis amax / amin / sum / mean, prod one axis at a time, unsqueeze then
  expand then reshape) with torch's values, gradients and grad_fn names;
- the errors the shrunk configurations hit on both sides: ``layer_norm`` fed a channels-first map
  (vit-pytorch local_vit.py) and a convolution whose weight has no output channels
  (vit-pytorch crossformer.py with a too-small dim).
"""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from tests.parity._helpers import same_on_both, same_outcome


def _x(shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


# 'b c (h p1) (w p2) -> b (h w) (p1 p2 c)' as einops' backend runs it: reshape, permute, reshape
def _patchify(m, x, p1, p2):
    b, c, H, W = x.shape
    h, w = H // p1, W // p2
    y = x.reshape(b, c, h, p1, w, p2).permute(0, 2, 4, 3, 5, 1)
    return y.reshape(b, h * w, p1 * p2 * c)


@settings(max_examples=15, deadline=None)
@given(b=st.integers(1, 3), c=st.integers(1, 3), h=st.integers(1, 3), w=st.integers(1, 3),
       p1=st.integers(1, 3), p2=st.integers(1, 3))
def test_rearrange_patchify(b, c, h, w, p1, p2):
    same_on_both(lambda m, x: _patchify(m, x, p1, p2), [_x((b, c, h * p1, w * p2))])


def test_rearrange_merge_axes_grad_fn():
    # 'b c h w -> b (h w) c': torch names the node ReshapeAliasBackward0 / UnsafeViewBackward0
    same_on_both(lambda m, x: x.permute(0, 2, 3, 1).reshape(2, 12, 3), [_x((2, 3, 3, 4))])
    same_on_both(lambda m, x: (x * 2).permute(0, 2, 3, 1).reshape(2, 12, 3), [_x((2, 3, 3, 4))])


REDUCE = {
    "max": lambda x, axes: x.amax(dim=axes),
    "min": lambda x, axes: x.amin(dim=axes),
    "sum": lambda x, axes: x.sum(dim=axes),
    "mean": lambda x, axes: x.mean(dim=axes),
}


@pytest.mark.parametrize("op", sorted(REDUCE))
@pytest.mark.parametrize("axes", [(1,), (2, 3), (1, 3), (0, 1, 2, 3)])
def test_reduce_multi_axis(op, axes):
    x = _x((2, 3, 4, 2), seed=len(axes))
    x[0, 0, 0, 0] = x[0, 0, 1, 0]          # a tie: amax / amin share the gradient between them
    same_on_both(lambda m, t: REDUCE[op](t, list(axes)), [x])


def test_reduce_prod_axis_by_axis():
    # einops' backend reduces 'prod' one axis at a time, from the last
    def f(m, x):
        for i in (3, 1):
            x = x.prod(dim=i)
        return x
    same_on_both(f, [_x((2, 3, 2, 3))], rtol=1e-6, grad_rtol=1e-5)


def test_reduce_max_pool_pattern():
    # 'b c (h 2) (w 2) -> b c h w', 'max'
    same_on_both(lambda m, x: x.reshape(2, 3, 2, 2, 3, 2).amax(dim=[3, 5]), [_x((2, 3, 4, 6))])


def test_repeat_unsqueeze_expand_reshape():
    # 'h w -> h w c' on an integer tensor, and 'd -> b n d' on a float one
    same_outcome(lambda m: m.arange(6).reshape(2, 3).unsqueeze(2).expand(-1, -1, 2).reshape(2, 3, 2))
    same_on_both(lambda m, x: x.unsqueeze(0).unsqueeze(0).expand(2, 2, -1).reshape(2, 2, 3), [_x((3,))])


def test_integer_mean_reduction_error():
    same_outcome(lambda m: m.arange(12).reshape(3, 4).mean(dim=[1]))


@pytest.mark.parametrize("eq,shapes", [
    ("bhid,bhjd->bhij", [(2, 2, 3, 4), (2, 2, 5, 4)]),
    ("bhij,bhjd->bhid", [(2, 2, 3, 5), (2, 2, 5, 4)]),
    ("btc,cd->btd", [(2, 7, 3), (3, 5)]),
    ("btkc,kcd->btd", [(2, 3, 2, 3), (2, 3, 4)]),
    ("bhnd,bhne->bhde", [(1, 2, 4, 3), (1, 2, 4, 3)]),
])
def test_einsum_patterns(eq, shapes):
    same_on_both(lambda m, a, b: m.einsum(eq, a, b), [_x(s, seed=i) for i, s in enumerate(shapes)],
                 rtol=1e-6, atol=1e-6)


def test_pack_unpack_cat_split():
    # pack([a (b d), b_ (b n d)], 'b * d') then unpack
    def f(m, a, b):
        p = m.cat([a.reshape(2, 1, 5), b.reshape(2, 3, 5)], dim=1)
        u = p.split([1, 3], dim=1)
        return p, u[0].reshape(2, 5), u[1].reshape(2, 3, 5)
    same_on_both(f, [_x((2, 5)), _x((2, 3, 5), seed=1)])


def test_layer_norm_channels_first_error():
    same_outcome(lambda m: m.nn.functional.layer_norm(m.ones(2, 32, 4, 4), (32,)))


def test_conv_weight_without_output_channels_error():
    same_outcome(lambda m: m.nn.functional.conv2d(m.ones(1, 8, 4, 4), m.ones(0, 8, 1, 1)))
