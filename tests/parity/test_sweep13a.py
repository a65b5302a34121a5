"""Parity tests for the gaps the sweep13a programs (tests/programs/sweep13a_*.py) found."""
import numpy as np
import pytest

from ._helpers import same_error, same_on_both

R = np.random.default_rng(13)


def test_addcdiv_integer_message():
    # torch's message has two spaces in "future  release"
    same_error(lambda t: t.addcdiv(t.tensor([1, 2]), t.tensor([1, 2]), t.tensor([2, 2])))


@pytest.mark.parametrize("shape,kw", [((0,), {}), ((2, 0), {}), ((2, 0), {"dim": 1}),
                                      ((2, 0), {"dim": -1, "keepdim": True}), ((2, 0), {"dim": 5})])
def test_aminmax_empty_errors(shape, kw):
    same_error(lambda t: t.aminmax(t.zeros(shape), **kw))


def test_aminmax_empty_other_dim():
    same_on_both(lambda t, x: tuple(t.aminmax(x, dim=0)), [np.zeros((2, 0), np.float32)], grad=False)


@pytest.mark.parametrize("dtype", ["float32", "float64", "bool"])
def test_bincount_non_integer_dtype(dtype):
    same_error(lambda t: t.bincount(t.from_numpy(np.array([1, 0, 1], dtype=dtype))))


def test_bincount_2d_integer():
    same_error(lambda t: t.bincount(t.tensor([[1, 2]])))


@pytest.mark.parametrize("kw", [dict(offset=1, dim1=0, dim2=2), dict(dim1=-1, dim2=0),
                                dict(offset=-1, dim1=2, dim2=0), dict(offset=2, dim1=1, dim2=-1), {}])
def test_diag_embed_dims(kw):
    same_on_both(lambda t, x: t.diag_embed(x, **kw), [R.standard_normal((2, 3)).astype(np.float32)])


@pytest.mark.parametrize("kw", [dict(dim1=1, dim2=1), dict(dim1=5), dict(dim2=-4)])
def test_diag_embed_bad_dims(kw):
    same_error(lambda t: t.diag_embed(t.ones(2, 3), **kw))


def test_diag_embed_scalar_input():
    same_error(lambda t: t.diag_embed(t.tensor(5.)))
