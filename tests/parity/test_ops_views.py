"""Parity of shape ops and views (values, dtypes, grad_fn names, gradients, memory sharing, errors)."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

from ._helpers import same_on_both, same_error, make
import glasstorch
import torch

shapes = hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=4)


def arr(shape, seed=0, dtype=np.float32):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


def noncontig(shape, seed=0):
    """An array of ``shape`` whose memory layout is transposed (a non-contiguous input)."""
    return np.asfortranarray(arr(shape, seed)) if len(shape) >= 2 else arr(shape, seed)


@settings(max_examples=25)
@given(shapes)
def test_flatten_reshape_view(shape):
    a = arr(shape)
    same_on_both(lambda t, x: x.reshape(-1), [a])
    same_on_both(lambda t, x: x.flatten(), [a])
    same_on_both(lambda t, x: x.view(-1) if x.is_contiguous() else x.reshape(-1), [a])
    same_on_both(lambda t, x: x.unsqueeze(-1).squeeze(), [a])
    same_on_both(lambda t, x: t.squeeze(x, 0) if x.dim() else x.squeeze(), [a])


@settings(max_examples=25)
@given(hnp.array_shapes(min_dims=2, max_dims=4, min_side=1, max_side=4))
def test_transpose_family(shape):
    a = noncontig(shape)
    same_on_both(lambda t, x: x.transpose(0, -1), [a])
    same_on_both(lambda t, x: x.mT, [a])
    same_on_both(lambda t, x: x.permute(*reversed(range(x.dim()))), [a])
    same_on_both(lambda t, x: x.movedim(0, -1), [a])
    same_on_both(lambda t, x: x.transpose(0, 1).reshape(-1), [a])
    same_on_both(lambda t, x: x.flatten(1), [a])
    same_on_both(lambda t, x: x.unflatten(0, (1, -1)), [a])
    same_on_both(lambda t, x: x.flip(0, -1), [a])
    same_on_both(lambda t, x: x.roll(1, -1), [a])
    same_on_both(lambda t, x: x.tril(), [a])
    same_on_both(lambda t, x: x.triu(1), [a])
    same_on_both(lambda t, x: x.diagonal(0, -2, -1), [a])
    same_on_both(lambda t, x: x.diagonal(1), [a])
    same_on_both(lambda t, x: x.narrow(-1, 0, 1), [a])
    same_on_both(lambda t, x: x.repeat(2, *([1] * x.dim())), [a])
    same_on_both(lambda t, x: x.expand(2, *x.shape), [a])


@pytest.mark.parametrize("shape", [(3, 4), (2, 3, 4), (4,)])
def test_split_chunk_unbind(shape):
    a = arr(shape)
    same_on_both(lambda t, x: x.split(2), [a])
    same_on_both(lambda t, x: x.split([1, shape[0] - 1]), [a])
    same_on_both(lambda t, x: x.chunk(2, -1), [a])
    same_on_both(lambda t, x: x.unbind(0), [a])
    same_on_both(lambda t, x: x.t() if x.dim() <= 2 else x.mT, [a])
    same_on_both(lambda t, x: x.T if x.dim() == 2 else x, [a])


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_cat_stack(dim):
    a, b = arr((2, 3), 0), arr((2, 3), 1)
    same_on_both(lambda t, x, y: t.cat([x, y], dim), [a, b])
    same_on_both(lambda t, x, y: t.stack([x, y], dim), [a, b])
    same_on_both(lambda t, x, y: t.hstack([x, y]), [a, b])
    same_on_both(lambda t, x, y: t.vstack([x, y]), [a, b])
    same_on_both(lambda t, x, y: t.concat([x, y.double()], 0), [a, b])


def test_diag_and_friends():
    same_on_both(lambda t, x: t.diag(x), [arr((4,))])
    same_on_both(lambda t, x: x.diag(1), [arr((4,))])
    same_on_both(lambda t, x: t.diag(x), [arr((3, 4))])
    same_on_both(lambda t, x: t.meshgrid(x, x * 2, indexing="ij"), [arr((3,))])
    same_on_both(lambda t, x: x.expand_as(t.zeros(2, 3)), [arr((3,))])
    same_on_both(lambda t, x: t.broadcast_to(x, (2, 3)), [arr((1, 3))])


def test_views_share_memory_and_version():
    for m in (torch, glasstorch):
        base = m.arange(6.)
        v = base.view(2, 3)
        v[1, 2] = 100.
        assert base[5].item() == 100.0 and base._version == v._version == 1
        t = base.view(2, 3).t()
        assert t.stride() == (1, 3) and t.storage_offset() == 0
        assert base[2:].storage_offset() == 2
        assert base[2:].untyped_storage().data_ptr() == base.untyped_storage().data_ptr()
        assert base.untyped_storage().nbytes() == 24
        assert not t.is_contiguous()
        assert base.contiguous() is base


def test_contiguous_copies_when_needed():
    same_on_both(lambda t, x: x.t().contiguous(), [arr((3, 4))])
    same_on_both(lambda t, x: x.contiguous(), [arr((3, 4))])


def test_view_errors():
    same_error(lambda t: t.arange(6).view(4, 2))
    same_error(lambda t: t.arange(6).reshape(4, -1))
    same_error(lambda t: t.ones(2, 3).t().view(6))
    same_error(lambda t: t.ones(3).expand(2, 4))
    same_error(lambda t: t.cat([t.ones(2, 3), t.ones(2, 4)]))
    same_error(lambda t: t.stack([t.ones(2, 3), t.ones(2, 4)]))
    same_error(lambda t: t.ones(2, 3).transpose(0, 2))
    same_error(lambda t: t.ones(2, 3, 4).t())
    same_error(lambda t: t.ones(2, 3).permute(0, 1, 2))
    same_error(lambda t: t.ones(2, 3).squeeze(3))
    same_error(lambda t: t.ones(2, 3).repeat(2))
    same_error(lambda t: t.ones(2, 3).view(-1, -1))
    same_error(lambda t: t.ones(5).split([2, 2]))
    same_error(lambda t: t.cat([t.ones(2), t.tensor(1.)]))


def test_contiguous_gives_c_order_and_clone_keeps_strides():
    for m in (torch, glasstorch):
        x = m.arange(12.0).view(3, 4).t()
        c = x.contiguous()
        assert c.is_contiguous() and c.stride() == (3, 1)
        assert x.clone().stride() == (1, 4)                         # preserve_format keeps the layout
        assert x.clone(memory_format=m.contiguous_format).stride() == (3, 1)
    same_on_both(lambda t, a: a.t().contiguous(), [np.arange(12, dtype=np.float32).reshape(3, 4)])


def test_sizes_and_dims_by_keyword():
    """torch names the variadic sizes/dims: view(size=), reshape(shape=), permute(dims=), flip(dims=) ..."""
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    same_on_both(lambda t, x: x.view(size=(3, 2)), [a])
    same_on_both(lambda t, x: x.reshape(shape=(3, 2)), [a])
    same_on_both(lambda t, x: t.reshape(x, shape=(6,)), [a])
    same_on_both(lambda t, x: x.permute(dims=(1, 0)), [a])
    same_on_both(lambda t, x: t.permute(x, dims=(1, 0)), [a])
    same_on_both(lambda t, x: x.flip(dims=[0]), [a])
    same_on_both(lambda t, x: t.flip(x, dims=(0, 1)), [a])
    same_on_both(lambda t, x: x.flip(0, 1), [a])
    same_on_both(lambda t, x: x.repeat(repeats=(2, 1)), [a])
    same_on_both(lambda t, x: x[:1].expand(size=(4, 3)), [a])
    same_on_both(lambda t: [t.zeros(size=(2, 3)), t.ones(size=[2]), t.empty(size=(0, 2)), t.zeros((2,)),
                            t.ones(2, 1)], [], grad=False)
    same_on_both(lambda t, x: [x.new_zeros(size=(2,)), x.new_ones(2, 3), x.new_empty(size=(1,)).shape[0] * x[0, 0],
                               x.new_full(size=(2,), fill_value=4.0)], [a], grad=False)
    same_error(lambda t: t.zeros(2, size=(3,)))
    same_error(lambda t: t.ones(2).new_zeros(2, device="cuda"))
