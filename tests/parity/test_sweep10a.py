"""Parity tests for the gaps the sweep10a programs (tests/programs/sweep10a_*.py) found."""
import numpy as np
import pytest
import torch

import glasstorch

from ._helpers import same_error, same_on_both

R = np.random.default_rng(10)


@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_grid_sample_bicubic(padding_mode, align_corners, dtype):
    x = R.standard_normal((2, 3, 5, 6)).astype(dtype)
    grid = (R.uniform(-1.6, 1.6, (2, 4, 7, 2))).astype(dtype)
    tol = 1e-5 if dtype == np.float32 else 1e-12
    same_on_both(lambda t, x, g: t.nn.functional.grid_sample(x, g, mode="bicubic", padding_mode=padding_mode,
                                                               align_corners=align_corners),
                 [x, grid], rtol=tol, atol=tol)


@pytest.mark.parametrize("reps", [np.array([3, 0, 1, 2]), np.array([1, 2], np.int32), np.zeros(0, np.int64)])
def test_repeat_interleave_of_counts(reps):
    same_on_both(lambda t, r: t.repeat_interleave(r), [reps], grad=False)


@pytest.mark.parametrize("reps", [np.array([[1, 2]]), np.array(3), np.array([1.0, 2.0]), np.array([1, -2])])
def test_repeat_interleave_of_counts_errors(reps):
    same_error(lambda t: t.repeat_interleave(t.from_numpy(reps)))


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_unique_consecutive_dim(dim):
    x = np.array([[1, 2, 2, 5], [1, 2, 2, 5], [0, 1, 1, 3], [1, 2, 2, 5]])
    same_on_both(lambda t, x: t.unique_consecutive(x, return_inverse=True, return_counts=True, dim=dim), [x],
                 grad=False)
    same_on_both(lambda t, x: x.unique_consecutive(dim=dim), [x.astype(np.float32)], grad=False)


def test_unique_consecutive_dim_edge_cases():
    same_on_both(lambda t, x: t.unique_consecutive(x, return_inverse=True, return_counts=True, dim=0),
                 [np.zeros((0, 3), np.float32)], grad=False)
    same_on_both(lambda t, x: t.unique_consecutive(x, return_counts=True, dim=0),
                 [np.full((2, 1), np.nan, np.float32)], grad=False)
    same_error(lambda t: t.unique_consecutive(t.ones(1, 2), dim=2))
    same_error(lambda t: t.unique_consecutive(t.tensor(5), dim=0))


@pytest.mark.parametrize("eq,shapes", [
    ("ij,jk->ik", [(2, 3), (4, 4)]),
    ("ij->", [(2, 3, 4)]),
    ("ii->i", [(2, 3)]),
    ("...ij->...", [(2,)]),
    ("i->j", [(2,)]),
    ("i->ii", [(2,)]),
    ("i,i", [(2,)]),
    ("i", [(2,), (2,)]),
    ("i2->i", [(2, 2)]),
    ("ij->i2", [(2, 2)]),
    ("...i,...i->...", [(2, 3), (4, 3)]),
    ("i.j", [(2, 2)]),
    ("...i...", [(2, 2)]),
])
def test_einsum_errors(eq, shapes):
    same_error(lambda t: t.einsum(eq, *[t.ones(s) for s in shapes]))


@pytest.mark.parametrize("eq,shapes", [("ij,jk->ik", [(2, 1), (4, 4)]), ("ij,jk", [(2, 3), (1, 4)]),
                                       ("...i,...i->...", [(2, 1, 3), (4, 3)]), ("i j -> j i", [(2, 3)])])
def test_einsum_broadcasts_size_one(eq, shapes):
    same_on_both(lambda t, *xs: t.einsum(eq, *xs), [R.standard_normal(s).astype(np.float32) for s in shapes],
                 rtol=1e-6, atol=1e-6)


def test_apply_map_map2():
    same_on_both(lambda t, a, b, c: (a.clone().apply_(lambda v: v * 2 + 1), a.clone().map_(b, lambda u, v: u - v),
                                     a.clone().map2_(b, c, lambda u, v, w: u * v + w)),
                 [np.arange(6.0).reshape(2, 3), np.ones(3), np.full((2, 1), 2.0)], grad=False)
    for call in (lambda t, x: x.apply_(lambda v: v), lambda t, x: x.map_(t.ones(2), lambda u, v: u),
                 lambda t, x: t.ones(2).map_(x, lambda u, v: u),
                 lambda t, x: t.ones(2).map2_(t.ones(2), x, lambda u, v, w: u)):
        same_error(lambda t: call(t, t.zeros(2, requires_grad=True)))
    same_error(lambda t: t.zeros(2).map_(t.ones(3), lambda u, v: u))


@pytest.mark.parametrize("conv", [float, int, complex, bool])
@pytest.mark.parametrize("n", [0, 2])
def test_scalar_conversion_errors(conv, n):
    same_error(lambda t: conv(t.ones(n)))


@pytest.mark.parametrize("eq,shapes", [("ii->i", [(3, 3)]), ("ii", [(3, 3)]), ("iij->j", [(2, 2, 3)]),
                                       ("ii,i->i", [(3, 3), (3,)]), ("ij->ji", [(2, 3)]), ("ij->j", [(2, 3)]),
                                       ("ij,ij->ji", [(2, 3), (2, 3)]), ("i,j,k->ijk", [(2,), (3,), (4,)]),
                                       ("ij,ik->i", [(2, 3), (2, 4)]), ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 5)])])
def test_einsum_grad_fn_and_grads(eq, shapes):
    """torch's grad_fn is the op its einsum ends in: permute, sum, mul or (after a contraction) a view."""
    same_on_both(lambda t, *xs: t.einsum(eq, *xs), [R.standard_normal(s).astype(np.float64) for s in shapes],
                 rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("idx", [[[[[1, 99], [2, -1]]]], [[[[99, 1], [-5, 3]]], [[[0, 50], [2, 3]]]],
                                 [[[[1, 1], [2, 3]]], [[[0, 50], [-2, 3]]]]])
def test_max_unpool2d_invalid_index(idx):
    """one thread (as the programs run) reports the last bad index, in a message that ends in ')'"""
    import torch
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        same_error(lambda t: t.nn.functional.max_unpool2d(t.ones(np.array(idx).shape), t.tensor(idx), 2))
    finally:
        torch.set_num_threads(n)


@pytest.mark.parametrize("call", [
    lambda t, F: F.max_unpool1d(*F.max_pool1d(t.ones(1, 1, 6), 2, return_indices=True), 2, output_size=[9]),
    lambda t, F: F.max_unpool1d(*F.max_pool1d(t.ones(1, 1, 6), 2, return_indices=True), 2, output_size=[1, 2, 7, 3]),
    lambda t, F: F.max_unpool1d(t.ones(1, 1, 3), t.tensor([[[0, 1, 99]]]), 2),
    lambda t, F: F.max_unpool2d(*F.max_pool2d(t.ones(1, 2, 5, 5), 2, return_indices=True), 2, output_size=(8, 8)),
    lambda t, F: F.max_unpool2d(t.ones(1, 1, 2, 2), t.tensor([[[[0, 1], [2, 3]]]]), 2, output_size=t.Size([1, 1, 9, 4])),
    lambda t, F: F.max_unpool3d(*F.max_pool3d(t.ones(1, 1, 4, 4, 4), 2, return_indices=True), 2, output_size=(5, 5, 9)),
    lambda t, F: F.max_unpool3d(t.ones(1, 1, 1, 1, 2), t.tensor([[[[[3, 70]]]]]), 2),
])
def test_max_unpool_size_errors(call):
    same_error(lambda t: call(t, t.nn.functional))


def test_max_unpool_sizes():
    x = R.standard_normal((1, 2, 6, 5)).astype(np.float32)
    same_on_both(lambda t, x: t.nn.functional.max_unpool2d(*t.nn.functional.max_pool2d(x, 2, return_indices=True), 2,
                                                              output_size=(7, 5)), [x])
    same_on_both(lambda t, x: t.nn.functional.max_unpool1d(*t.nn.functional.max_pool1d(x[0], 2, return_indices=True), 2,
                                                              output_size=(1, 2, 5)), [x])


@pytest.mark.parametrize("kw", [dict(size=(3, 3, 3)), dict(size=(3,)), dict(scale_factor=(2.0,)),
                                dict(size=(3.0, 3)), dict(size=(3, 3), recompute_scale_factor=True),
                                dict(size=(3, 3), scale_factor=2), dict(), dict(size=(3, 3, 3), mode="trilinear"),
                                dict(size=3, mode="linear")])
def test_interpolate_argument_errors(kw):
    same_error(lambda t: t.nn.functional.interpolate(t.ones(1, 2, 5, 5), **kw))


@pytest.mark.parametrize("call", [
    lambda t, F: F.conv2d(t.ones(1, 2, 5, 5), t.ones(2, 1, 3, 3), groups=2, padding="same", stride=2),
    lambda t, F: F.conv1d(t.ones(1, 1, 4), t.ones(1, 1, 3), padding="same", stride=2),
    lambda t, F: F.conv3d(t.ones(1, 1, 4, 4, 4), t.ones(1, 1, 3, 3, 3), padding="bar"),
    lambda t, F: F.conv_transpose2d(t.ones(1, 1, 4, 4), t.ones(1, 1, 3, 3), stride=2, output_padding=2),
    lambda t, F: F.conv_transpose2d(t.ones(1, 1, 4, 4), t.ones(1, 1, 3, 3), stride=(2, 1), output_padding=(1, 1)),
    lambda t, F: F.conv_transpose1d(t.ones(1, 1, 4), t.ones(1, 1, 3), stride=2, output_padding=2),
    lambda t, F: F.conv_transpose3d(t.ones(1, 1, 4, 4, 4), t.ones(1, 1, 3, 3, 3), stride=2, output_padding=(1, 2, 0)),
    lambda t, F: t.nn.ConvTranspose2d(1, 1, 3, stride=2, output_padding=2)(t.ones(1, 1, 4, 4)),
    lambda t, F: t.nn.Conv2d(1, 1, 3, stride=2, padding="same"),
    lambda t, F: t.flip(t.ones(2, 2), [0, -2]),
    lambda t, F: t.ones(2, 2, 2).flip(1, -1, 1),
])
def test_conv_and_flip_errors(call):
    same_error(lambda t: call(t, t.nn.functional))


def test_conv_transpose_output_padding_below_dilation():
    x, w = R.standard_normal((1, 1, 4, 4)).astype(np.float32), R.standard_normal((1, 1, 3, 3)).astype(np.float32)
    same_on_both(lambda t, x, w: t.nn.functional.conv_transpose2d(x, w, stride=1, dilation=2, output_padding=1),
                 [x, w], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("call", [
    lambda t: t.diff(t.tensor(3)),
    lambda t: t.diff(t.tensor([1.0, 2.0]), n=-1),
    lambda t: t.take_along_dim(t.ones(3, 4), t.tensor([[0]]), dim=5),
    lambda t: t.block_diag(t.ones(2, 2, 2)),
    lambda t: t.cartesian_prod(),
    lambda t: t.cartesian_prod(t.ones(2, 2)),
    lambda t: t.cartesian_prod(t.tensor([1, 2]), t.tensor([1.5])),
    lambda t: t.masked_select(t.ones(3, 4), t.tensor([[True], [False]])),
    lambda t: t.nn.functional.cosine_similarity(t.ones(2, 3), t.ones(4, 3)),
    lambda t: t.zeros(3).index_put_((t.tensor([5]),), t.tensor(1.0)),
    lambda t: t.zeros(2).scatter_(0, t.tensor([0, 0, 1]), t.ones(2)),
    lambda t: t.zeros(2, 2).scatter_(1, t.tensor([[0, 0, 1]]), t.ones(2, 2)),
    lambda t: t.zeros(2, 2).scatter_(1, t.tensor([[0], [1], [1]]), 1.0),
    lambda t: t.zeros(2, 2).scatter_add_(1, t.tensor([[0, 1], [1, 1]]), t.ones(1, 2)),
    lambda t: t.zeros(2, 2).scatter_add(1, t.tensor([[0, 1]]), t.ones(1, 2, dtype=t.float64)),
    lambda t: t.zeros(2, 2, dtype=t.long).scatter(1, t.tensor([[0, 1]]), t.ones(1, 2)),
    lambda t: t.zeros(2, 2).scatter_reduce(1, t.tensor([[0, 1], [1, 1]]), t.ones(1, 2), "sum"),
])
def test_index_workout_errors(call):
    same_error(call)


def test_diff_block_diag_cartesian_edge_cases():
    same_on_both(lambda t, x: (t.diff(x, n=3), t.diff(x, n=2, dim=0)), [np.arange(6.0).reshape(2, 3)], grad=False)
    same_on_both(lambda t, x: t.diff(x, n=5), [np.array([True, False, False])], grad=False)
    same_on_both(lambda t: t.block_diag(), [], grad=False)
    same_on_both(lambda t, a: t.cartesian_prod(a), [np.array([7, 8])], grad=False)


@pytest.mark.parametrize("shapes", [((2, 3), (2,)), ((3,), ()), ((4, 5), (4,))])
@pytest.mark.parametrize("same", [True, False])
def test_cosine_embedding_loss_formula(shapes, same):
    """torch's own formula (eps on each squared norm, one sqrt): identical inputs give exactly 0."""
    rng = np.random.default_rng(3)
    a = rng.standard_normal(shapes[0]).astype(np.float32)
    b = a.copy() if same else rng.standard_normal(shapes[0]).astype(np.float32)
    t = np.where(rng.random(shapes[1]) < 0.5, 1.0, -1.0).astype(np.float32)
    same_on_both(lambda m, x, y, tt: m.nn.functional.cosine_embedding_loss(x, y, tt, margin=0.2), [a, b, t],
                 rtol=1e-6, atol=1e-7)
    if same:
        got = glasstorch.nn.functional.cosine_embedding_loss(glasstorch.from_numpy(a), glasstorch.from_numpy(b),
                                                             glasstorch.ones(shapes[1]))
        assert float(got) == float(torch.nn.functional.cosine_embedding_loss(
            torch.from_numpy(a), torch.from_numpy(b), torch.ones(shapes[1])))


def test_cosine_embedding_loss_target_errors():
    same_error(lambda m: m.nn.functional.cosine_embedding_loss(m.ones(3), m.ones(3), m.ones(2)))
    same_error(lambda m: m.nn.functional.cosine_embedding_loss(m.ones(2, 3), m.ones(2, 3), m.ones(2, 2)))


@pytest.mark.parametrize("name", ["zeros", "ones", "empty", "rand", "randn"])
def test_creators_need_a_size(name):
    """``torch.zeros()`` is a TypeError (``torch.zeros(())`` is the 0-d tensor), not a silent scalar."""
    same_error(lambda m: getattr(m, name)())
    assert getattr(glasstorch, name)(()).shape == getattr(torch, name)(()).shape


@pytest.mark.parametrize("fn", [
    lambda m, x: x.scatter(0, m.tensor(1), m.tensor(4.0)), lambda m, x: x.scatter_add(0, m.tensor(2), m.tensor(4.0)),
    lambda m, x: x.gather(0, m.tensor(1)), lambda m, x: x.scatter(0, m.tensor(1), 5.0),
    lambda m, x: x.scatter_reduce(0, m.tensor(1), m.tensor(4.0), "sum"),
])
def test_zero_dim_index_on_a_vector(fn):
    """A 0-d index picks one position of a 1-d tensor (values and gradients as torch)."""
    same_on_both(fn, [np.arange(3, dtype=np.float32)])
