"""Shape, view, join and gather/scatter ops on odd inputs, as a fuzz against torch found them differing:
each case runs the same lambda on torch and glasstorch (torch's exception type and message, or the same
tensors).  View geometry (strides, writability) is compared through ``_geometry``."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from tests.parity._helpers import same_error, same_outcome


def _geometry(fn):
    """``fn(module)`` gives a view: the same shape, stride, contiguity on both, and writing zeros through it
    changes its base alike."""
    got = []
    for m in (torch, glasstorch):
        base, v = fn(m)
        geo = (tuple(v.shape), tuple(v.stride()), v.is_contiguous())
        if v.numel() and not any(s == 0 and n > 1 for s, n in zip(v.stride(), v.shape)):
            v.zero_()
        got.append((geo, base.numpy().tolist()))
    assert got[0] == got[1], f"torch {got[0]}\nglasstorch {got[1]}"


def _error_or_geometry(fn):
    """torch's error where torch refuses ``fn``, else the same view geometry (``_geometry``)."""
    try:
        fn(torch)
    except RuntimeError:
        same_error(lambda m: fn(m))
        return
    _geometry(fn)


def _x(m, *shape, dtype=None):
    n = int(np.prod(shape)) if shape else 1
    return m.arange(1, n + 1, dtype=m.float32).reshape(shape).to(dtype or m.float32)


# ---- expand / broadcast_to: torch's strides (kept for unexpanded dims), a writable view, error order ----------
EXPAND_VIEWS = [
    lambda m: (lambda b: (b, b[:, :1, :].expand(3, 1, 2)))(_x(m, 3, 2, 2)),
    lambda m: (lambda b: (b, b.t().expand(1, 2, 3)))(_x(m, 3, 2)),
    lambda m: (lambda b: (b, b.expand(1, 1, 3)))(_x(m, 3)),
    lambda m: (lambda b: (b, b.broadcast_to((3, -1, 4))))(_x(m, 1, 3, 4)),
    lambda m: (lambda b: (b, b.expand(1)))(_x(m)),
    lambda m: (lambda b: (b, b.expand(2, 1)))(_x(m)),
    lambda m: (lambda b: (b, b.expand_as(m.zeros(2, 1))))(_x(m, 2, 1)),
]


@pytest.mark.parametrize("fn", EXPAND_VIEWS)
def test_expand_geometry(fn):
    _geometry(fn)


@pytest.mark.parametrize("expr", [
    lambda m: _x(m, 3, 3, 2).expand(2, 2, 2),                    # the last mismatching dim is reported
    lambda m: _x(m, 3, 1).expand(-1, 3, 1),
    lambda m: _x(m, 3, 1).expand(3, -2),
    lambda m: _x(m, 3, 4).expand(4),
    lambda m: _x(m, 3, 4, dtype=m.bool).expand(4),                 # CPUBoolType, not a legacy Tensor name
    lambda m: _x(m, 3, 4, dtype=m.int32).expand_as(m.zeros(2)),
    lambda m: _x(m, 3, 4, dtype=m.complex64).expand(2),
    lambda m: _x(m, 3).expand(),
    lambda m: _x(m).expand(),
])
def test_expand_errors(expr):
    same_outcome(expr)


# ---- unsqueeze / view / reshape / flatten: torch's strides for size-1 dims and strided inputs ---------------
@pytest.mark.parametrize("fn", [
    lambda m: (lambda b: (b, b.t().unsqueeze(0)))(_x(m, 2, 1)),
    lambda m: (lambda b: (b, b.transpose(0, -1).unsqueeze(2)))(_x(m, 3, 3, 1)),
    lambda m: (lambda b: (b, b[..., ::2].view(1)))(_x(m, 1, 2)),
    lambda m: (lambda b: (b, b[..., ::2].flatten()))(_x(m, 1, 1, 2)),
    lambda m: (lambda b: (b, b[:, ::2].view(2, 1, 2)))(_x(m, 2, 4)),
    lambda m: (lambda b: (b, m.atleast_3d(b[::2])))(_x(m, 4)),
    lambda m: (lambda b: (b, b[::2].unflatten(0, (1, 2))))(_x(m, 4)),
])
def test_view_strides(fn):
    _geometry(fn)


@st.composite
def _view_case(draw):
    shape = draw(st.lists(st.integers(1, 3), min_size=1, max_size=4))
    layout = draw(st.sampled_from(["c", "t", "step", "unsq"]))
    numel = int(np.prod(shape))
    target = draw(st.lists(st.sampled_from([1, 2, 3, -1, numel]), max_size=4))
    return shape, layout, target


@settings(max_examples=300, deadline=None)
@given(_view_case())
def test_view_strides_drawn(case):
    shape, layout, target = case

    def fn(m):
        b = _x(m, *shape)
        t = {"c": lambda: b, "t": lambda: b.transpose(0, -1), "step": lambda: b[..., ::2],
             "unsq": lambda: b.unsqueeze(1)}[layout]()
        return b, t.view(*target) if target else t.view(())
    _error_or_geometry(fn)


@st.composite
def _expand_case(draw):
    shape = draw(st.lists(st.integers(1, 3), max_size=3))
    lead = draw(st.lists(st.integers(1, 3), max_size=2))
    target = lead + [draw(st.sampled_from([n, -1, 2, 3])) if n == 1 else draw(st.sampled_from([n, -1]))
                     for n in shape]
    return shape, draw(st.booleans()), target


@settings(max_examples=300, deadline=None)
@given(_expand_case())
def test_expand_drawn(case):
    shape, flip, target = case

    def fn(m):
        b = _x(m, *shape)
        t = b.transpose(0, -1) if flip and b.dim() >= 2 else b
        return b, t.expand(*target) if target else t.expand(())
    _error_or_geometry(fn)


# ---- errors: torch's checks and their order ---------------------------------------------------------------------
ERRORS = [
    # meshgrid
    lambda m: m.meshgrid([], indexing="ij"),
    lambda m: m.meshgrid([m.zeros(2), m.zeros(2, dtype=m.int64)], indexing="foo"),
    lambda m: m.meshgrid([m.zeros(2), m.zeros(2)], indexing="foo"),
    lambda m: m.meshgrid([m.zeros(2)], indexing=3),
    # missing arguments of Tensor methods
    lambda m: m.zeros(3).reshape(),
    lambda m: m.zeros(3).view(),
    lambda m: m.zeros(3).repeat(),
    lambda m: m.zeros(()).repeat(),
    lambda m: m.zeros(3).permute(),
    lambda m: m.zeros(()).permute(),
    # the parser names swapaxes / swapdims / moveaxis and index/scatter ops as called
    lambda m: m.zeros(2, 3).swapaxes(1.0, 1),
    lambda m: m.zeros(2, 3).swapaxes(0, None),
    lambda m: m.zeros(2, 3).swapdims(0, 1.0),
    lambda m: m.swapdims(m.zeros(2, 3), 0, 1.0),
    lambda m: m.swapaxes(m.zeros(2, 3), "a", 1),
    lambda m: m.zeros(2, 3).moveaxis(0, 1.0),
    lambda m: m.zeros(2, 3).moveaxis((0, "a"), (1, 0)),
    lambda m: m.zeros(4).index_copy(1.0, m.zeros(1, dtype=m.int64), m.zeros(1)),
    lambda m: m.zeros(4).index_add("a", m.zeros(1, dtype=m.int64), m.zeros(1)),
    lambda m: m.zeros(4).index_fill("a", m.zeros(1, dtype=m.int64), 1.0),
    lambda m: m.zeros(4).scatter("a", m.zeros(1, dtype=m.int64), m.zeros(1)),
    lambda m: m.zeros(4).scatter_add(1.0, m.zeros(1, dtype=m.int64), m.zeros(1)),
    lambda m: m.zeros(4).scatter_reduce(1.0, m.zeros(1, dtype=m.int64), m.zeros(1), "sum"),
    lambda m: m.zeros(4).unbind(None),
    # split / narrow / chunk / hsplit / unflatten / trace / movedim / roll / repeat / take_along_dim
    lambda m: m.zeros(4, 3).split([-1, 4], 0),
    lambda m: m.zeros(4, 3).split([1, 4], -2),
    lambda m: m.zeros(4, 3).narrow(0, 9, -1),
    lambda m: m.zeros(4, 3).narrow(5, 0, -1),
    lambda m: m.zeros(()).chunk(2, 0),
    lambda m: m.zeros(()).chunk(0, 0),
    lambda m: m.zeros(4).chunk(0, "a"),
    lambda m: m.zeros(4, 4).hsplit(-1),
    lambda m: m.zeros(4, 4).vsplit(-1),
    lambda m: m.zeros(4, 4, 4).dsplit(-1),
    lambda m: m.zeros(2, 3).unflatten(-1, (2, 6)),
    lambda m: m.zeros(2, 3).unflatten(-1, (-1, -1)),
    lambda m: m.zeros(2, 3).unflatten(-1, (-2, 3)),
    lambda m: m.zeros(2, 0).unflatten(-1, (-1, 0)),
    lambda m: m.zeros(2, 0).view(-1, 0),
    lambda m: m.zeros(2, 0).reshape(-1, 0, 2),
    lambda m: m.zeros(3, dtype=m.bool).trace(),
    lambda m: m.zeros((), dtype=m.bool).trace(),
    lambda m: m.movedim(m.zeros(()), 0, -1),
    lambda m: m.movedim(m.zeros(()), (0,), (0,)),
    lambda m: m.movedim(m.zeros(()), (0, -1), (0, -1)),
    lambda m: m.zeros(4, 3).roll((), ()),
    lambda m: m.zeros(4, 3).roll((), (1,)),
    lambda m: m.zeros(4, 3).roll((1,), ()),
    lambda m: m.zeros(()).roll(1, 0),
    lambda m: _x(m, 4, 1, 3).repeat(1, -1, -2, 2),
    lambda m: _x(m, 0, 3).repeat(-1, 2, 2, 2),
    lambda m: m.zeros(4, 0, 3).repeat(1, 1, -1, 1),
    lambda m: m.zeros(()).take_along_dim(m.zeros((), dtype=m.int64), -1),
    lambda m: m.zeros(3).take_along_dim(m.zeros(2, 1, dtype=m.int32), 1),
    lambda m: m.zeros(4).take_along_dim(m.zeros(4, 3, 2, dtype=m.int64), 0),
    lambda m: _x(m, 3, 4).t().take_along_dim(m.zeros(2, dtype=m.int64)),
    # masked_fill / masked_scatter: broadcast (mask is tensor a), then value, then mask dtype; in place: self first
    lambda m: _x(m, 2).masked_fill(m.ones(4, 1, dtype=m.bool), 1.0),
    lambda m: _x(m, 3, 4, 1).masked_fill(m.ones(4, 4, 2, 2, dtype=m.bool), True),
    lambda m: _x(m, 2).masked_fill(m.ones(1, 2, 4, dtype=m.bool), m.zeros(2)),
    lambda m: _x(m, 2).masked_fill(m.ones(2, dtype=m.int64), m.zeros(2)),
    lambda m: _x(m, 2).masked_fill_(m.ones(1, 2, 4, dtype=m.bool), 1.0),
    lambda m: _x(m, 2).masked_fill_(m.ones(3, dtype=m.int64), 1.0),
    lambda m: _x(m, 2).masked_fill_(m.ones(1, 2, 4, dtype=m.bool), m.zeros(2)),
    lambda m: _x(m, 2).masked_scatter(m.ones(3, dtype=m.bool), m.zeros(5)),
    lambda m: _x(m, 2).masked_scatter_(m.ones(4, 1, dtype=m.bool), m.zeros(9)),
    # an empty index: no dtype, dims or size checks, nothing written
    lambda m: _x(m, 2, 3).gather(1, m.zeros(0, 2, dtype=m.float32)),
    lambda m: _x(m, 2, 3).scatter(1, m.zeros(0, dtype=m.float32), 1.0),
    lambda m: _x(m, 2, 3).scatter(1, m.zeros(0, 5, dtype=m.int64), m.zeros(2)),
    lambda m: _x(m, 2, 3).scatter(1, m.zeros(0, 5, dtype=m.int64), m.zeros(2, 3), reduce="mean"),
    lambda m: _x(m, 2, 3).scatter_add(1, m.zeros(0, 5, dtype=m.int16), m.zeros(2)),
    lambda m: _x(m, 2, 3).scatter_add(1, m.zeros(0, 5, dtype=m.int16), m.zeros(2, dtype=m.int64)),
    lambda m: _x(m, 2, 3).scatter_reduce(1, m.zeros(0, 5, dtype=m.int16), m.zeros(2, 1), "mean"),
    lambda m: _x(m, 2, 3, dtype=m.complex64).scatter_reduce(1, m.zeros(0, 5, dtype=m.int64),
                                                             m.zeros(2, 1, dtype=m.complex64), "amax"),
    # the parser's type errors come before any value check
    lambda m: m.stack([m.zeros(4), m.zeros(1)], 1.0),
    lambda m: m.stack([], None),
    lambda m: m.stack([m.zeros(2, 2, 4), m.zeros(2, 4, 1)], 4),      # the dim is wrapped before sizes compare
    lambda m: m.cat([], None),
    lambda m: m.cat([m.zeros(4, 4), m.zeros(3), m.zeros(())], None),
    lambda m: m.zeros(2, 3).narrow(None, 1, -1),
    lambda m: m.zeros(()).narrow(1.0, 3, -1),
    lambda m: m.zeros(2, 3).narrow(0, 1.0, -1),
    lambda m: m.zeros(3, 3).swapaxes(-3, None),
    lambda m: m.zeros(1).transpose(-2, 1.0),
    lambda m: m.zeros(2, 4).rot90(2, [1.0, 0, -1]),
    lambda m: m.zeros(2).rot90(4, [None, 0]),
    lambda m: m.zeros(1).take_along_dim(m.zeros(0, dtype=m.int32), 1.0),
    lambda m: m.zeros(()).split([1, 2], None),
    lambda m: m.zeros(1, 2).split(-1, 2),
    lambda m: m.zeros(3, 2).diag_embed(1, 4, 1.0),
    lambda m: m.zeros(0, 2, 1, 4).squeeze([-4, 1, -4, "a", 2]),
    lambda m: m.zeros(4, 2, 1, 4).squeeze((1, 4, 2, None)),
    lambda m: m.zeros(3, 1).squeeze(None),
    lambda m: m.zeros(3, 1).squeeze(dim=None),
    lambda m: m.zeros(()).unflatten(1.0, (4,)),
    lambda m: m.zeros(3, 3).unflatten("a", ()),
    lambda m: m.zeros(()).unbind("a"),
    lambda m: m.zeros(()).unbind(2),
    # repeated dims: each dim is wrapped in turn, a repeat refused before a later dim is out of range
    lambda m: m.zeros(3, 2, 2).flip((0, 0, 5, -1)),
    lambda m: m.zeros(1, 2, 3).squeeze((-1, -1, -4, -2)),
    lambda m: m.zeros(3, 1).squeeze((-2, -1, 0)),
    # index_select's CPU kernel: dim 1 and an empty self check in other words
    lambda m: m.zeros(2, 3).index_select(1, m.tensor([1, 7, -9])),
    lambda m: m.zeros(1, 1).index_select(-1, m.tensor([1])),
    lambda m: m.zeros(2, 0, 3).index_select(2, m.tensor([1, 7, -9])),
    lambda m: m.zeros(2, 0, 3).index_select(1, m.tensor([1, 7, -9])),
    lambda m: m.zeros(2, 0, 3).index_select(0, m.tensor([1, 7, -9])),
    lambda m: m.zeros(3, 3, 4, 3).index_select(2, m.tensor([-4])),
    lambda m: m.zeros(3, 2).t().index_select(1, m.tensor([5])),
    # index_fill: the value, then the index dtype, then the dim
    lambda m: m.zeros(2).index_fill(1, m.zeros(2, dtype=m.int16), 2),
    lambda m: m.zeros(2).index_fill(1, m.zeros(2, dtype=m.int16), m.zeros(2)),
    lambda m: m.zeros(2, dtype=m.bool).masked_scatter(m.ones(2, dtype=m.bool), m.zeros(2, dtype=m.complex64)),
    lambda m: m.zeros(3, 0, 1).masked_scatter(m.ones(2, 3, 4, dtype=m.int64), m.zeros(0)),
    lambda m: m.zeros(1, 0, 1).take(m.zeros(2, dtype=m.int64)),
    lambda m: m.zeros(()).repeat_interleave(m.tensor(2), dim=0),
    lambda m: m.zeros(()).repeat_interleave(m.tensor([2]), dim=-1),
    lambda m: m.zeros(()).repeat_interleave(2, dim=0),
    lambda m: m.zeros((), dtype=m.bool).repeat_interleave(-1, dim=0),
    lambda m: m.zeros(2).repeat_interleave(m.tensor([1, 2, 3]), dim=-1),
    lambda m: m.zeros(2).repeat_interleave(m.tensor([1, 2], dtype=m.int16), dim=-1),
    lambda m: m.zeros(2, 3).repeat_interleave(m.tensor([1, 2], dtype=m.int16), dim=1),
    lambda m: m.zeros(0).chunk(4, 0),
    lambda m: m.zeros(2, 0).chunk(3, 1),
    lambda m: m.zeros(1, 1, dtype=m.bool).scatter_reduce(1, m.zeros(1, 1, dtype=m.int64), m.zeros(1, 2, dtype=m.bool),
                                                         "mean"),
    lambda m: m.zeros(0, dtype=m.bool).scatter_reduce(-1, m.zeros(1, 0, 4, dtype=m.int64),
                                                      m.zeros(2, 0, 4, dtype=m.bool), "mean", include_self=False),
    lambda m: _x(m, 3).scatter_reduce(-1, m.zeros(1, 0, 4, dtype=m.int64), m.zeros(2, 0, 4), "mean",
                                      include_self=False),
    lambda m: m.zeros(1, dtype=m.bool).scatter_reduce(0, m.zeros(0, dtype=m.int64), m.zeros(0, dtype=m.bool), "mean"),
    # the op's own dtype / reduce checks come before the kernel's bounds check
    lambda m: m.zeros((), dtype=m.complex64).scatter_reduce(0, m.tensor(0), m.zeros((), dtype=m.complex64), "amax"),
    lambda m: m.zeros(3, 4).scatter(-2, m.tensor([[2, 7]]), m.zeros(2, 2), reduce="mean"),
    # take_along_dim (torch 2.13) wraps its indices into range, Python's modulo; a size-0 dim divides by zero
    lambda m: _x(m, 4).take_along_dim(m.tensor([0, -5, 7]), 0),
    lambda m: _x(m, 3, 4).take_along_dim(m.tensor([[-1]]), 1),
    lambda m: m.zeros(2, 0).take_along_dim(m.tensor([[1]]), 1),
    lambda m: m.zeros(2, 0).take_along_dim(m.zeros(1, 0, dtype=m.int64), 1),
    lambda m: _x(m, 4).take_along_dim(m.tensor([7])),
    # more argument types first; rot90 wraps its dims before comparing them
    lambda m: m.zeros(2, 3, 0, 1).flatten(4, 1.0),
    lambda m: m.zeros(()).diagonal(-1, 2, 1.0),
    lambda m: m.zeros(()).select("a", 0),
    lambda m: m.zeros(()).tensor_split(-1, None),
    lambda m: m.zeros(()).index_select(0, m.zeros(3)),
    lambda m: m.zeros(2, 1, 4).rot90(2, [5, 2]),
    lambda m: m.zeros(2, 4).rot90(2, [0, -2]),
    lambda m: m.zeros(()).repeat_interleave(m.tensor([2]), dim=2),
    # empty inputs: roll copies before it checks dims; split of an empty dim gives one empty part
    lambda m: m.zeros(0, 2, 4, 3).roll(-3, -5),
    lambda m: m.zeros(3, 0).split(2, 1),
    lambda m: m.zeros(0, 4).split(2),
    lambda m: m.zeros(1, 1).tensor_split(m.zeros(0, dtype=m.int16), -3),
    lambda m: m.zeros(()).repeat_interleave(m.tensor([2]), dim="a"),
    lambda m: m.zeros((), dtype=m.bool).scatter_reduce(0, m.tensor(-1), m.zeros((), dtype=m.bool), "mean",
                                                       include_self=False),
    lambda m: m.tensor([True, False]).scatter_reduce(-1, m.tensor([0, 1]), m.tensor([False, False]), "amax",
                                                     include_self=False),
    lambda m: m.tensor([True, False]).scatter_reduce(-1, m.tensor([0, 1]), m.tensor([True, False]), "amin",
                                                     include_self=False),
]


@pytest.mark.parametrize("fn", ERRORS)
def test_outcome(fn):
    same_outcome(fn)


def test_masked_fill_broadcast_grad():
    from tests.parity._helpers import same_on_both
    same_on_both(lambda m, x: x.masked_fill(m.tensor([[True], [False], [True]]), 2.0), [np.arange(2.)])
    same_on_both(lambda m, x, v: x.masked_fill(m.tensor([[True], [False]]), v), [np.arange(3.), np.array(2.0)])


@pytest.mark.parametrize("reduce", ["sum", "prod", "mean", "amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
def test_scatter_reduce_empty_index_grad(reduce, include_self):
    from tests.parity._helpers import same_on_both
    same_on_both(lambda m, x, s: x.scatter_reduce(1, m.zeros(0, 3, dtype=m.int64), s, reduce,
                                                  include_self=include_self), [np.ones((2, 3)), np.zeros((0, 3))])


@pytest.mark.parametrize("dtype", ["bool", "complex64", "complex128", "float16", "int8"])
@pytest.mark.parametrize("args", [(0, 3, 0), (3, 0, 1), (0, 3, 1), (-1, 7, 2)])
def test_arange_dtypes_without_a_kernel(dtype, args):
    """torch's arange kernel has no bool or complex instance: refused before the step and range checks."""
    same_outcome(lambda m: m.arange(*args, dtype=getattr(m, dtype)))
