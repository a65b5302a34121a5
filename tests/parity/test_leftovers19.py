"""Leftover differences from torch, closed: nn.functional corners (pixel_unshuffle of empty inputs,
local_response_norm's degenerate sizes, pdist's p and dtypes, affine_grid in half, cosine_similarity of
integer inputs, linspace in half), strides of empty tensors, writes into expanded tensors.  The double
backward part (grid_sample bicubic / 3-d, scatter_reduce "prod") is in test_leftovers19_double.py."""
import numpy as np
import pytest
import torch

import glasstorch
from glasstorch.autograd.gradcheck import gradcheck
from tests.parity._helpers import same_error, same_on_both, same_outcome


def F(t):
    return t.nn.functional


def r(*shape, seed=0, dtype=np.float32):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


# ---- pixel_unshuffle of an empty input: a copy of the input (shape and strides), whose gradient torch's
# engine refuses (the pixel_shuffle of it has another shape) -----------------------------------------
EMPTY_UNSHUFFLE = [(0, 1, 4, 4), (1, 0, 4, 4), (1, 1, 0, 4), (1, 1, 4, 0), (1, 1, 0, 0), (0, 4, 4), (2, 3, 0, 6)]


@pytest.mark.parametrize("shape", EMPTY_UNSHUFFLE)
def test_pixel_unshuffle_empty(shape):
    r_ = 3 if shape[-1] == 6 else 2
    same_on_both(lambda t, x: F(t).pixel_unshuffle(x, r_), [np.zeros(shape, np.float32)], grad=False)
    same_outcome(lambda t: F(t).pixel_unshuffle(t.zeros(shape), r_).stride())
    same_outcome(lambda t: t.nn.PixelUnshuffle(r_)(t.zeros(shape)).shape)
    same_outcome(lambda t: F(t).pixel_unshuffle(t.zeros(shape, requires_grad=True), r_).grad_fn.name())


def _unshuffle_backward(t, shape, r_):
    x = t.zeros(shape, requires_grad=True)
    y = F(t).pixel_unshuffle(x, r_)
    y.backward(t.zeros(y.shape))


@pytest.mark.parametrize("shape,r_", [((1, 4, 0, 4), 2), ((0, 4, 2, 4), 2), ((1, 1, 0, 4), 2), ((2, 3, 0, 6), 3)])
def test_pixel_unshuffle_empty_backward_refused(shape, r_):
    same_error(_unshuffle_backward, shape, r_)


def test_pixel_unshuffle_empty_errors_first():
    same_error(lambda t: F(t).pixel_unshuffle(t.zeros(1, 1, 3, 0), 2))
    same_error(lambda t: F(t).pixel_unshuffle(t.zeros(4, 0), 2))
    same_error(lambda t: F(t).pixel_unshuffle(t.zeros(1, 1, 0, 0), 0))


def test_pixel_unshuffle_nonempty_unchanged():
    same_on_both(lambda t, x: F(t).pixel_unshuffle(x, 2), [r(2, 3, 4, 6)])


# ---- local_response_norm: degenerate sizes -------------------------------------------------------
@pytest.mark.parametrize("shape", [(2, 4, 6), (1, 4, 2, 3), (1, 4, 2, 3, 2)])
@pytest.mark.parametrize("size", [0, 1, 2, 3, 4, 7, 9, 12, -1, -2, -3, -4, -5, -9, 1.5, 2.5])
def test_local_response_norm_sizes(shape, size):
    x = r(*shape)
    try:
        F(torch).local_response_norm(torch.from_numpy(x), size)
    except Exception:          # noqa: BLE001 - torch's error is the expectation
        same_error(lambda t: F(t).local_response_norm(t.from_numpy(x.copy()), size))
        return
    same_on_both(lambda t, a: F(t).local_response_norm(a, size), [x])


@pytest.mark.parametrize("shape", [(0, 4, 6), (2, 0, 6), (2, 3, 0), (0, 4, 2, 3), (2, 3, 0, 2)])
@pytest.mark.parametrize("size", [0, 3, 1.5])
def test_local_response_norm_empty(shape, size):
    same_outcome(lambda t: F(t).local_response_norm(t.zeros(shape), size))


@pytest.mark.parametrize("shape", [(1, 4, 6), (1, 4, 2, 3)])
def test_local_response_norm_dtypes(shape):
    same_outcome(lambda t: F(t).local_response_norm(t.arange(24.).reshape(shape).half(), 3))
    same_outcome(lambda t: F(t).local_response_norm(t.arange(24).reshape(shape), 2))
    same_outcome(lambda t: F(t).local_response_norm(t.arange(24.).reshape(shape).to(t.complex64), 2))


def test_local_response_norm_gradcheck():
    x = glasstorch.tensor(r(1, 4, 2, 3, dtype=np.float64), requires_grad=True)
    assert gradcheck(lambda a: F(glasstorch).local_response_norm(a, 3, alpha=0.5), (x,))


# F.pad's tuple of ints refuses other items as torch's argument parser does (local_response_norm's float size)
@pytest.mark.parametrize("pad", [(0, 0, 1, 1.5), (0, 0, 1.0, 1), (0.5,), (1, "a"), (None, 1), [1, 1.0],
                                 (0, 0, 0, 0, 1, 1.5), (True, 0)])
def test_pad_non_int_items(pad):
    same_error(lambda t: F(t).pad(t.zeros(1, 1, 4, 6), pad))


@pytest.mark.parametrize("pad", [(0, True), (0, np.int64(1)), (np.int64(1), 1)])
def test_pad_int_like_items(pad):
    same_outcome(lambda t: F(t).pad(t.zeros(1, 1, 4, 6), pad))


def test_pad_non_int_items_other_modes():
    same_error(lambda t: F(t).pad(t.zeros(1, 1, 4, 6), (0, 1.5), mode="reflect"))
    same_error(lambda t: F(t).pad(t.zeros(1, 1, 4, 6), (0, 0, 1, 1.5), value=2.0))


# ---- pdist: p <= 0, nan p, empty dims, half --------------------------------------------------------
PDIST_P = [0, 0.0, -0.0, 0.5, 1, 2, 3, float("inf"), -1, -0.5, float("-inf"), float("nan")]


@pytest.mark.parametrize("p", PDIST_P)
@pytest.mark.parametrize("shape", [(4, 3), (4, 0), (0, 3), (1, 3), (0, 0), (2, 3)])
def test_pdist_p(p, shape):
    x = np.round(r(*shape) * 2)            # zeros among the differences, for p = 0's count
    try:
        F(torch).pdist(torch.from_numpy(x), p)
    except Exception:          # noqa: BLE001
        same_error(lambda t: F(t).pdist(t.from_numpy(x.copy()), p))
        return
    # general p: torch's float32 kernel raises |d| to p with vectorised pow (last-ulp differences)
    tol = 0 if p in (0, 1, 2, float("inf")) else 1e-6
    same_on_both(lambda t, a: F(t).pdist(a, p), [x], grad=False, rtol=tol)


@pytest.mark.parametrize("shape", [(4, 3), (4, 0), (0, 3), (1, 3), (2, 3)])
@pytest.mark.parametrize("p", [0, 2, float("inf"), -1, float("nan")])
def test_pdist_half_and_ints(shape, p):
    same_outcome(lambda t: F(t).pdist(t.ones(shape).half(), p))
    same_outcome(lambda t: F(t).pdist(t.ones(shape, dtype=t.int32), p))


def test_pdist_p0_counts_nonzeros():
    same_on_both(lambda t, a: F(t).pdist(a, 0), [np.array([[0., 1, 0], [0, 0, 0], [1, 2, 3]])], grad=False)
    same_on_both(lambda t, a: t.pdist(a, 0), [np.round(r(5, 4, dtype=np.float64))], grad=False)


# ---- affine_grid in half -------------------------------------------------------------------------
@pytest.mark.parametrize("size", [(2, 1, 3, 4), (2, 1, 2, 2), (2, 3, 5, 3)])
@pytest.mark.parametrize("align", [False, True])
def test_affine_grid_half_2d(size, align):
    same_on_both(lambda t, th: F(t).affine_grid(th, size, align_corners=align), [r(2, 2, 3, dtype=np.float16)])


@pytest.mark.parametrize("align", [False, True])
def test_affine_grid_half_3d(align):
    same_on_both(lambda t, th: F(t).affine_grid(th, (2, 1, 2, 3, 4), align_corners=align),
                 [r(2, 3, 4, dtype=np.float16)])


@pytest.mark.parametrize("size", [(2, 1, 1, 5), (2, 1, 4, 1), (2, 1, 1, 1), (2, 1, 1, 2, 3), (2, 1, 2, 1, 3),
                                  (2, 1, 2, 2, 1), (3, 1, 1, 5), (2, 1, 0, 5), (0, 1, 1, 5)])
def test_affine_grid_half_single_point_axis(size):
    k = len(size) - 2
    same_outcome(lambda t: F(t).affine_grid(t.ones(2, k, k + 1).half(), size, align_corners=False))
    same_outcome(lambda t: F(t).affine_grid(t.ones(2, k, k + 1), size, align_corners=False))


def test_affine_grid_generator_half():
    same_outcome(lambda t: t.affine_grid_generator(t.ones(2, 2, 3).half(), [2, 1, 1, 5], False))


# ---- cosine_similarity: integer and bool inputs are cast to the common dtype ---------------------
def _ints(shape, dtype):
    return (np.arange(int(np.prod(shape))).reshape(shape) % 5).astype(dtype)


COSINE_MIXED = [
    (lambda t: (t.from_numpy(_ints((2, 3), np.int64)), t.arange(6.).reshape(2, 3)), 1),
    (lambda t: (t.arange(6.).reshape(2, 3), t.from_numpy(_ints((2, 3), np.int64))), 1),
    (lambda t: (t.from_numpy(_ints((2, 3), np.int64)), t.arange(6.).reshape(2, 3).double()), 0),
    (lambda t: (t.arange(6.).reshape(2, 3).half(), t.from_numpy(_ints((2, 3), np.int32))), 1),
    (lambda t: (t.arange(6.).reshape(2, 3), t.arange(6).reshape(2, 3) > 2), 1),
    (lambda t: (t.from_numpy(_ints((2, 3), np.int64)), t.tensor(2., dtype=t.float64)), 0),
    (lambda t: (t.from_numpy(_ints((2, 3), np.int8)), t.tensor(2., dtype=t.float16)), 0),
    (lambda t: (t.arange(6.).reshape(2, 3), t.tensor(2, dtype=t.int64)), 0),
    (lambda t: (t.from_numpy(_ints((2, 3), np.int64)), t.arange(6.).reshape(1, 2, 3)), 1),
    (lambda t: (t.from_numpy(_ints((2, 3), np.int64)), t.arange(6.).reshape(2, 1, 3)), -1),
    (lambda t: (t.from_numpy(_ints((2, 3), np.int64)), t.arange(4.).reshape(2, 2)), 1),
    (lambda t: (t.from_numpy(_ints((2, 3), np.int64)), t.arange(6.).reshape(2, 3)), 3),
    (lambda t: (t.zeros(2, 3, dtype=t.int32), t.arange(6.).reshape(2, 3)), 1),
    (lambda t: (t.zeros(2, 0, dtype=t.int32), t.zeros(2, 0)), 1),
    (lambda t: (t.from_numpy(_ints((2, 3), np.int64)), t.arange(6.).reshape(2, 3).to(t.complex64)), 1),
    (lambda t: (t.from_numpy(_ints((2, 3), np.int8)), t.from_numpy(_ints((2, 3), np.uint8))), 1),
    (lambda t: (t.arange(6).reshape(2, 3) > 1, t.arange(6).reshape(2, 3) > 2), 1),
    (lambda t: (t.arange(6.).reshape(2, 3), t.tensor(2., dtype=t.float64)), 1),
]


@pytest.mark.parametrize("i", range(len(COSINE_MIXED)))
def test_cosine_similarity_mixed(i):
    make, dim = COSINE_MIXED[i]
    same_outcome(lambda t: F(t).cosine_similarity(*make(t), dim=dim))
    same_outcome(lambda t: t.cosine_similarity(*make(t), dim=dim, eps=0.0))


def test_cosine_similarity_mixed_grad():
    ints = _ints((3, 4), np.int64)
    same_on_both(lambda t, x: F(t).cosine_similarity(x, t.from_numpy(ints.copy()), dim=1), [r(3, 4)])
    x = glasstorch.tensor(r(3, 4, dtype=np.float64), requires_grad=True)
    assert gradcheck(lambda a: F(glasstorch).cosine_similarity(glasstorch.from_numpy(ints.copy()), a), (x,))


# torch.linspace in half (affine_grid's base grid): every step rounded to half, as torch's Half kernel
@pytest.mark.parametrize("start,end", [(-1, 1), (0, 1), (-3.3, 7.1), (2, -5), (0.1, 0.2), (-1000, 1000), (1, 1)])
@pytest.mark.parametrize("steps", [0, 1, 2, 3, 4, 7, 10, 17, 33, 100, 257, 2049, 4097])
def test_linspace_half(start, end, steps):
    same_outcome(lambda t: t.linspace(start, end, steps, dtype=t.float16))


# ---- strides of tensors with a zero-size dim: torch's contiguous strides for new empty tensors, carried
# through views; preserve_format copies keep them --------------------------------------------------
EMPTY_STRIDES = [
    "t.empty(0, 3)", "t.zeros(2, 0, 4)", "t.zeros(0)", "t.zeros(0, 0)", "t.tensor([[], []])",
    "t.zeros(2, 0, 4).transpose(0, 2)", "t.zeros(2, 0, 4).permute(1, 2, 0)", "t.zeros(2, 0, 4).expand(3, 2, 0, 4)",
    "t.zeros(2, 1, 4).expand(2, 0, 4)", "t.zeros(2, 0, 4)[:, :, 1:3]", "t.zeros(2, 0, 4)[1]",
    "t.zeros(2, 0, 4).view(0, 8)", "t.zeros(2, 0, 4).reshape(4, -1, 2)", "t.zeros(2, 0, 4).unsqueeze(1)",
    "t.zeros(2, 0, 4).contiguous()", "t.zeros(2, 0, 4).transpose(0, 2).contiguous()", "t.zeros(2, 3, 4)[:, 3:]",
    "t.zeros(0, 3).t()", "t.zeros(0, 3).T.contiguous()", "t.zeros(2, 0).T", "t.zeros(4, 0, 3).mT",
    "t.zeros(2, 0, 4).narrow(2, 1, 2)", "t.zeros(2, 0, 4).unfold(2, 2, 1)", "t.zeros(2, 0, 4).split(2, 2)[1]",
    "t.zeros(2, 0, 4).unbind(2)[1]", "t.zeros(2, 0, 4).diagonal(0, 0, 2)", "t.zeros(2, 0, 4).movedim(0, 2)",
    "t.zeros(2, 0, 4).swapaxes(0, 1)", "t.zeros(2, 0, 4).transpose(0, 2).mul_(2)", "t.zeros(2, 0, 4).sum(1)",
    "t.zeros(0, 3) @ t.zeros(3, 4)", "t.cat([t.zeros(2, 0), t.zeros(2, 0)], 1)", "t.stack([t.zeros(0, 3)] * 2, 2)",
    "t.zeros(2, 3, 4)[t.zeros(2, dtype=t.bool)]", "t.zeros(2, 3, 4).index_select(1, t.tensor([], dtype=t.long))",
    "t.zeros(2, 0, 4).permute(2, 0, 1).contiguous()", "t.zeros(2, 0, 4).new_zeros(0, 5)",
    # copies that preserve the layout keep an empty tensor's strides (torch counts it as dense)
    "t.zeros(1, 4, 0, 4).expand(3, 4, 0, 4).clone()", "t.zeros(3, 4, 0, 4).transpose(0, 1).clone()",
    "t.zeros(2, 0, 4).transpose(0, 2).clone()", "t.zeros(0, 3, 4).permute(2, 0, 1).clone()",
    "t.empty_like(t.zeros(2, 0, 4).transpose(0, 2))", "t.zeros_like(t.zeros(2, 0, 4).transpose(0, 2))",
    "t.ones_like(t.zeros(2, 0, 4).transpose(1, 2))", "t.full_like(t.zeros(2, 0, 4).transpose(1, 2), 3.0)",
    "t.zeros(2, 0, 4).transpose(1, 2).double()", "t.zeros(2, 0, 4).transpose(1, 2).to(t.int32)",
    "t.zeros(2, 0, 4).transpose(1, 2).float()",
    "t.zeros(2, 0, 4).transpose(0, 2).clone(memory_format=t.contiguous_format)",
    # nonzero / argwhere: the transpose of an (ndim, n) buffer, also when n is 0
    "t.zeros(2, 3).nonzero()", "t.zeros(3).nonzero()", "t.ones(3).nonzero()", "t.ones(2, 3).nonzero()",
    "t.zeros(0, 3).nonzero()", "t.tensor(0.).nonzero()", "t.tensor(1.).nonzero()", "t.zeros(2, 3).argwhere()",
    "t.tensor([0., 1, 0, 1]).argwhere()", "t.zeros(2, 3).nonzero().t()", "t.ones(2, 3, 4).nonzero()",
    # .to() of an expanded tensor is laid out as its clone
    "t.zeros(1, 3).expand(2, 3).to(t.float64)", "t.zeros(1, 3).expand(2, 3).half()",
    "t.zeros(4, 1, 3).expand(4, 2, 3).transpose(0, 2).to(t.float64)", "t.zeros(3, 1).expand(3, 4).to(t.int32)",
]


@pytest.mark.parametrize("expr", EMPTY_STRIDES)
def test_strides(expr):
    def fn(t):
        x = eval(expr, {"t": t})
        return x, x.stride(), x.is_contiguous(), x.numpy().strides if x.dtype != t.bool else None
    same_outcome(fn)


def test_empty_numpy_view_strides():
    same_outcome(lambda t: t.zeros(2, 0, 4).transpose(0, 2).numpy().strides)
    same_outcome(lambda t: t.zeros(2, 0, 4).numpy().strides)


# ---- writes into expanded tensors: fill_ / zero_ allowed, masked_fill_ / index_fill_ / index_put_ (and
# x[idx] = v) allowed with torch's deprecation warning, every other in-place op refused ---------------
def _run_with_warnings(fn):
    import warnings
    out = {}
    for m in (torch, glasstorch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                x = fn(m)
                res = (repr(x.tolist()), x.stride(), str(x.dtype).replace("glasstorch", "torch"))
            except Exception as e:      # noqa: BLE001 - torch's error is the expectation
                res = (type(e).__name__, str(e).split("\nException raised from")[0])
        out[m] = (res, [(w.category.__name__, str(w.message)) for w in caught])
    assert out[torch] == out[glasstorch], f"\ntorch      {out[torch]}\nglasstorch {out[glasstorch]}"


def _exp(t, rows=True):
    return t.zeros(1, 3).expand(2, 3) if rows else t.zeros(3, 1).expand(3, 4)


EXPANDED_OPS = [
    lambda t, x: x.fill_(5), lambda t, x: x.zero_(), lambda t, x: x.fill_(t.tensor(5.)),
    lambda t, x: x.fill_(t.tensor([5.])), lambda t, x: x.fill_(2.7), lambda t, x: x.fill_(float("nan")),
    lambda t, x: x.fill_(True), lambda t, x: x.t().fill_(2), lambda t, x: x[:, 0].fill_(2), lambda t, x: x[0].fill_(2),
    lambda t, x: x.detach().zero_(),
    lambda t, x: x.add_(1), lambda t, x: x.mul_(2), lambda t, x: x.copy_(t.ones(x.shape)), lambda t, x: x.exp_(),
    lambda t, x: x.clamp_(0, 1), lambda t, x: x.uniform_(), lambda t, x: x.neg_(), lambda t, x: x.relu_(),
    lambda t, x: x.scatter_(1, t.tensor([[0], [1]]), 1.), lambda t, x: x.put_(t.tensor([0]), t.tensor([1.])),
    lambda t, x: x.index_add_(0, t.tensor([0]), t.ones(1, x.shape[1])),
    lambda t, x: x.index_copy_(0, t.tensor([0]), t.ones(1, x.shape[1])),
    lambda t, x: x.masked_scatter_(t.ones(x.shape, dtype=t.bool), t.ones(12)),
    lambda t, x: x.masked_fill_(t.zeros(x.shape, dtype=t.bool).index_fill_(1, t.tensor([0]), True), 2.),
    lambda t, x: x.masked_fill_(t.ones(x.shape[-1], dtype=t.bool), t.tensor(3.)),
    lambda t, x: x.masked_fill_(t.ones(x.shape[-1], dtype=t.bool), t.tensor([3.])),
    lambda t, x: x.index_fill_(1, t.tensor([0, 2]), 4.), lambda t, x: x.index_fill_(0, t.tensor([1]), 4.),
    lambda t, x: x.index_fill_(-1, t.tensor([-1]), t.tensor(4.)),
    lambda t, x: x.index_put_((t.tensor([1, 0]),), t.arange(float(x.shape[1]))),
    lambda t, x: x.index_put_((t.tensor([1, 0]),), t.arange(2. * x.shape[1]).reshape(2, -1)),
    lambda t, x: x.index_put_((t.tensor([1, 0]),), t.arange(2. * x.shape[1]).reshape(2, -1), accumulate=True),
    lambda t, x: x.index_put_((t.tensor([1, 1, 0]), t.tensor([0, 0, 2])), t.tensor([1., 2, 3]), accumulate=True),
    lambda t, x: x.index_put_((t.tensor([1, 1, 0]), t.tensor([0, 0, 2])), t.tensor([1., 2, 3])),
    lambda t, x: x.index_put_((t.tensor([True, False]),), t.tensor(7.)),
    lambda t, x: x.index_put_((t.tensor([0]),), t.tensor([7], dtype=t.int64)),
    lambda t, x: x.index_put_((t.tensor([5]),), t.tensor(7.)),
]


@pytest.mark.parametrize("rows", [True, False])
@pytest.mark.parametrize("i", range(len(EXPANDED_OPS)))
def test_expanded_inplace(i, rows):
    op = EXPANDED_OPS[i]
    _run_with_warnings(lambda t: (lambda x: (op(t, x), x)[1])(_exp(t, rows)))


SETITEM_INDICES = [lambda t: (slice(None), 0), lambda t: Ellipsis, lambda t: slice(None),
                   lambda t: (slice(None), slice(0, 2)), lambda t: 0, lambda t: (0, 1), lambda t: t.tensor([0]),
                   lambda t: t.tensor([1, 0]), lambda t: (slice(None), t.tensor([0, 2])),
                   lambda t: t.ones(2, 3, dtype=t.bool), lambda t: (slice(None), t.tensor([True, False, True])),
                   lambda t: t.tensor([[True, False, True], [False, False, True]])]
SETITEM_VALUES = [lambda t: 5., lambda t: t.tensor(5.), lambda t: t.tensor([5.]), lambda t: t.ones(2),
                  lambda t: t.arange(3.)]


@pytest.mark.parametrize("v", range(len(SETITEM_VALUES)))
@pytest.mark.parametrize("i", range(len(SETITEM_INDICES)))
def test_expanded_setitem(i, v):
    def fn(t):
        x = _exp(t)
        x[SETITEM_INDICES[i](t)] = SETITEM_VALUES[v](t)
        return x
    _run_with_warnings(fn)


# index_put_'s boolean masks are checked against the dims they cover, with torch's message
@pytest.mark.parametrize("idx", [lambda t: (t.tensor([True, False]),), lambda t: (t.tensor([[True, False]]),),
                                 lambda t: (t.tensor([True, False, True]), t.tensor([True, False, True])),
                                 lambda t: (t.tensor([1, 0], dtype=t.uint8),),
                                 lambda t: (t.tensor([True, False, True]), t.tensor([True, False, True, False]))])
@pytest.mark.parametrize("accumulate", [False, True])
def test_index_put_mask_shape(idx, accumulate):
    same_outcome(lambda t: t.zeros(3, 4).index_put_(idx(t), t.tensor(7.), accumulate=accumulate))
    same_outcome(lambda t: t.zeros(3, 4).index_put(idx(t), t.tensor(7.), accumulate=accumulate))


@pytest.mark.parametrize("start,end", [(0, 70000), (70000, 0), (-70000, 1), (0, float("inf")), (float("nan"), 1),
                                       (0, 65504), (0, 65519), (float("-inf"), float("inf"))])
def test_linspace_half_range(start, end):
    same_outcome(lambda t: t.linspace(start, end, 3, dtype=t.float16))


# index_put_'s index checks in torch's order and words: the count, masks past the last dim, broadcasting
INDEX_PUT_BAD = [
    lambda t: (t.ones(3, 4, 2, dtype=t.bool),), lambda t: (t.ones(3, 4, dtype=t.bool), t.tensor([0])),
    lambda t: (t.tensor([0]), t.tensor([0]), t.tensor([0.])), lambda t: (t.tensor([0.]),),
    lambda t: (t.tensor([0, 1]), t.tensor([0, 1, 2])), lambda t: (t.tensor([[0, 1], [1, 1]]), t.tensor([[0, 1, 2]])),
    lambda t: (t.tensor([0, 1]), t.tensor([True, False, True, True])),
    lambda t: (t.tensor([[0], [1]]), t.tensor([0, 1, 2])),
]


@pytest.mark.parametrize("i", range(len(INDEX_PUT_BAD)))
@pytest.mark.parametrize("accumulate", [False, True])
def test_index_put_index_errors(i, accumulate):
    same_outcome(lambda t: t.zeros(3, 4).index_put_(INDEX_PUT_BAD[i](t), t.tensor(7.), accumulate=accumulate))
    same_outcome(lambda t: t.zeros(3, 4, 2).index_put_((t.tensor([0, 1]), t.ones(4, 2, dtype=t.bool)), t.tensor(7.)))
    same_outcome(lambda t: t.zeros(()).index_put_((t.tensor([True]),), t.tensor(7.), accumulate=accumulate))
