"""Fractional max pooling (F.fractional_max_pool2d/3d, their _with_indices forms, nn.FractionalMaxPool2d/3d)
against torch: the same seed draws the same ``_random_samples`` (torch.rand(N, C, nd)), so the same windows,
values, indices and gradients; explicit samples (float16 too); output_ratio; errors; float64 gradcheck."""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from glasstorch.autograd.gradcheck import gradcheck
from tests.parity._helpers import same_error, same_on_both, same_outcome, same_result_or_error


@st.composite
def pool_case(draw, nd):
    sp = tuple(draw(st.integers(2 + (nd == 3), 9)) for _ in range(nd))
    # torch's 3-d kernel wants out + k - 1 < n (strictly), the 2-d one <= n
    k = tuple(draw(st.integers(1, s - (nd == 3))) for s in sp)
    out = tuple(draw(st.integers(1, s - kk + 1 - (nd == 3))) for s, kk in zip(sp, k))
    batch = draw(st.sampled_from([(), (1,), (2,)]))
    c = draw(st.integers(1, 3))
    seed = draw(st.integers(0, 2 ** 31))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    x = np.random.default_rng(seed).standard_normal(batch + (c,) + sp).astype(dtype)
    if draw(st.booleans()):
        x = np.round(x)                     # ties: the first maximum in the window wins
    return x, k, out, seed


@pytest.mark.parametrize("nd", [2, 3])
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_seeded_pooling_matches(nd, data):
    x, k, out, seed = data.draw(pool_case(nd))

    def fn(m, t):
        m.manual_seed(seed)
        f = getattr(m.nn.functional, f"fractional_max_pool{nd}d")
        return f(t, k, output_size=out, return_indices=True)
    same_on_both(fn, [x], seed=seed)


@pytest.mark.parametrize("nd", [2, 3])
@settings(max_examples=30, deadline=None)
@given(data=st.data(), ratio=st.floats(0.3, 0.9))
def test_output_ratio_and_module(nd, data, ratio):
    x, k, _, seed = data.draw(pool_case(nd))
    k = tuple(min(kk, 2) for kk in k)

    def fn(m, t):
        m.manual_seed(seed)
        pool = getattr(m.nn, f"FractionalMaxPool{nd}d")(k, output_ratio=ratio)
        return pool(t)
    same_result_or_error(fn, [x])   # a ratio can make the pool too large: torch's error then


@pytest.mark.parametrize("nd", [2, 3])
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_explicit_samples(nd, dtype, data):
    """Given samples place the windows the same way, in the input's dtype arithmetic (float16 included).
    They stay in [0, 1): outside it torch's windows can run past the plane (its kernel does not check)."""
    x, k, out, seed = data.draw(pool_case(nd))
    x = x.astype(dtype)
    n = x.shape[0] if x.ndim == nd + 2 else 1
    u = np.random.default_rng(seed).uniform(0.0, 1.0, (n + 1, x.shape[-nd - 1], nd)).astype(dtype)
    f = f"fractional_max_pool{nd}d"
    same_on_both(lambda m, t, s: getattr(m.nn.functional, f)(t, k, out, return_indices=True,
                                                                   _random_samples=s.detach()),
                 [x, u], grad=dtype != np.float16)


def test_nan_and_inf_windows():
    x = np.array([[[1., np.nan, 3., np.nan, -np.inf], [2., 5., -np.inf, 0., -np.inf],
                   [-np.inf, -np.inf, -np.inf, -np.inf, np.nan]]], np.float32)
    u = np.array([[[0.3, 0.7]]], np.float32)
    same_on_both(lambda m, t, s: m.nn.functional.fractional_max_pool2d_with_indices(t, (2, 2), (2, 3),
                                                                                     _random_samples=s.detach()), [x, u])


def test_module_repr_and_buffers():
    for ctor in (lambda m: m.nn.FractionalMaxPool2d(3, output_ratio=0.5, return_indices=True),
                 lambda m: m.nn.FractionalMaxPool3d((2, 1, 2), output_size=(3, 4, 5)),
                 lambda m: m.nn.FractionalMaxPool2d(2, output_size=3, _random_samples=m.ones(1, 2, 2) / 3)):
        a, b = ctor(torch), ctor(glasstorch)
        assert repr(a) == repr(b)
        assert (a.kernel_size, a.output_size, a.output_ratio, a.return_indices) == \
               (b.kernel_size, b.output_size, b.output_ratio, b.return_indices)
        assert list(a.state_dict()) == list(b.state_dict())
        assert type(a).__name__ == type(b).__name__ and type(b).__module__.endswith("nn.modules.pooling")


ERRORS = [
    lambda m, x: m.nn.functional.fractional_max_pool2d(x, 2),
    lambda m, x: m.nn.functional.fractional_max_pool2d(x, 2, output_ratio=0.5),
    lambda m, x: m.nn.functional.fractional_max_pool2d(x, 2, output_ratio=(0.5, 0.5, 0.5)),
    lambda m, x: m.nn.functional.fractional_max_pool2d(x, 2, output_ratio=[0.5]),
    lambda m, x: m.nn.functional.fractional_max_pool2d(x, 2, output_size=7),
    lambda m, x: m.nn.functional.fractional_max_pool2d(x, 9, output_size=(6, 7)),
    lambda m, x: m.nn.functional.fractional_max_pool2d(x, 2, output_size=(6, 8)),
    lambda m, x: m.nn.functional.fractional_max_pool2d(x, (2, 2, 2), output_size=(3, 3)),
    lambda m, x: m.nn.functional.fractional_max_pool2d(x, 2, output_size=(3, 3, 1)),
    lambda m, x: m.nn.functional.fractional_max_pool2d(x, 2, output_size=(-1, 3)),
    lambda m, x: m.nn.functional.fractional_max_pool2d(x, 2.5, output_size=3),
    lambda m, x: m.nn.functional.fractional_max_pool2d(x, 2, output_size=3.5),
    lambda m, x: m.nn.functional.fractional_max_pool2d(x[0, 0], 2, output_size=3),
    lambda m, x: m.nn.functional.fractional_max_pool2d(x[..., None], 2, output_size=3),
    lambda m, x: m.nn.functional.fractional_max_pool2d(x[:, :0], 2, output_size=3),
    lambda m, x: m.nn.functional.fractional_max_pool2d(x[:, :, :0], 2, output_size=3),
    lambda m, x: m.nn.functional.fractional_max_pool2d(x.long(), 2, output_size=3),
    lambda m, x: m.nn.functional.fractional_max_pool2d(x.long(), 2, output_size=3,
                                                       _random_samples=m.zeros(2, 3, 2, dtype=m.long)),
    lambda m, x: m.nn.functional.fractional_max_pool2d(x, 2, output_size=3, _random_samples=m.rand(2, 3, 3)),
    lambda m, x: m.nn.functional.fractional_max_pool2d(x, 2, output_size=3, _random_samples=m.rand(1, 3, 2)),
    lambda m, x: m.nn.functional.fractional_max_pool2d(x, 2, output_size=3, _random_samples=m.rand(2, 4, 2)),
    lambda m, x: m.nn.functional.fractional_max_pool2d(x, 2, output_size=3, _random_samples=m.rand(2, 3)),
    lambda m, x: m.nn.functional.fractional_max_pool2d(x, 2, output_size=3, _random_samples=m.rand(2, 3, 2, 1)),
    lambda m, x: m.nn.functional.fractional_max_pool2d(x, 2, output_size=3,
                                                       _random_samples=m.rand(2, 3, 2, dtype=m.float64)),
    lambda m, x: m.nn.functional.fractional_max_pool3d(x[None], 2, output_size=(2, 3, 3)),
    lambda m, x: m.nn.functional.fractional_max_pool3d(x[None], 1, output_size=(3, 3, 3)),
    lambda m, x: m.nn.functional.fractional_max_pool3d(x[None], 1, output_size=(1, 7, 3)),
    lambda m, x: m.nn.functional.fractional_max_pool3d(x[None], 1, output_size=(1, 3, 8)),
    lambda m, x: m.nn.functional.fractional_max_pool3d(x[None], (1, 1), output_size=(1, 3, 3)),
    lambda m, x: m.nn.functional.fractional_max_pool3d(x[None], 1, output_size=(1, 3)),
    lambda m, x: m.nn.functional.fractional_max_pool3d(x, 1, output_ratio=(0.5, 0.5)),
    lambda m, x: m.nn.functional.fractional_max_pool3d(x, 1),
    lambda m, x: m.nn.functional.fractional_max_pool3d(x[0, 0], 1, output_size=(1, 1, 1)),
    lambda m, x: m.nn.functional.fractional_max_pool3d(x[None, None], 1, output_size=(1, 1, 1)),
    lambda m, x: m.nn.functional.fractional_max_pool3d(x[None], 1, output_size=1, _random_samples=m.rand(1, 2, 2)),
    lambda m, x: m.nn.functional.fractional_max_pool3d(x[None], 1, output_size=1, _random_samples=m.rand(0, 2, 3)),
    lambda m, x: m.nn.functional.fractional_max_pool3d(x[None].long(), 1, output_size=1,
                                                       _random_samples=m.zeros(1, 2, 3, dtype=m.long)),
    lambda m, x: m.nn.functional.fractional_max_pool2d(x, 2, output_size=3,
                                                       _random_samples=m.rand(2, 3, 2, requires_grad=True)),
    lambda m, x: m.nn.FractionalMaxPool2d(2),
    lambda m, x: m.nn.FractionalMaxPool2d(2, output_size=3, output_ratio=0.5),
    lambda m, x: m.nn.FractionalMaxPool2d(2, output_ratio=1.0),
    lambda m, x: m.nn.FractionalMaxPool2d(2, output_ratio=(0.5, 0)),
    lambda m, x: m.nn.FractionalMaxPool3d(0, output_size=2),
    lambda m, x: m.nn.FractionalMaxPool3d((2, 0, 1), output_size=2),
    lambda m, x: m.nn.FractionalMaxPool3d(2),
    lambda m, x: m.nn.FractionalMaxPool3d(2, output_ratio=(0.5, 0.5, 1.5)),
]


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_errors(i):
    x = np.random.default_rng(i).standard_normal((2, 3, 7, 8)).astype(np.float32)
    same_error(lambda m: ERRORS[i](m, m.from_numpy(x.copy())))


def test_empty_batch_and_zero_output():
    for shape, out in [((0, 3, 7, 8), 3), ((2, 3, 7, 8), (0, 7)), ((0, 7, 8), 2)]:
        x = np.zeros(shape, np.float32)
        same_outcome(lambda m: m.nn.functional.fractional_max_pool2d(m.from_numpy(x.copy()), 2, output_size=out,
                                                                     return_indices=True))


def test_grad_fn_names_and_backward_accumulates():
    x = np.round(np.random.default_rng(3).standard_normal((2, 2, 6, 6)) * 2).astype(np.float32)

    def fn(m, t):
        m.manual_seed(7)
        a = m.nn.functional.fractional_max_pool2d(t, 3, output_size=4)     # overlapping windows
        m.manual_seed(8)
        b = m.nn.functional.fractional_max_pool3d(t, (1, 2, 2), output_size=(1, 3, 3))
        return a, b
    same_on_both(fn, [x])


@pytest.mark.parametrize("nd", [2, 3])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gradcheck_float64(nd, seed):
    rng = np.random.default_rng(seed)
    sp = (5, 6, 7)[:nd] if nd == 3 else (6, 7)
    x = glasstorch.tensor(rng.permutation(2 * 2 * int(np.prod(sp))).reshape((2, 2) + sp) / 7.0,
                          requires_grad=True)                         # distinct values: no ties
    u = glasstorch.tensor(rng.random((2, 2, nd)))
    out = (3, 3, 4)[:nd] if nd == 3 else (4, 5)
    f = getattr(glasstorch.nn.functional, f"fractional_max_pool{nd}d")
    assert gradcheck(lambda t: f(t, 2, output_size=out, _random_samples=u), (x,))


def test_warnings_none():
    x = np.ones((1, 1, 4, 4), np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        glasstorch.nn.functional.fractional_max_pool2d(glasstorch.from_numpy(x), 2, output_size=2)
