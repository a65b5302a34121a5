"""Parity of the leftovers: LU (lu_factor(_ex), lu, lu_unpack, lu_solve, torch.lu), solve_ex / inv_ex
(singular matrices included), tensorinv / tensorsolve, the *_scatter ops, unsafe_split / unsafe_chunk,
resize_, chain_matmul, mvlgamma, histogramdd, frombuffer, the top-level losses, the 3-d adaptive max
pool / unpool, deprecated nn.init names, in-place names (AsinhBackward1) and in-place aliasing."""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch

from ._helpers import same_error, same_on_both, to_np

TOL = dict(rtol=1e-4, atol=1e-5)
TOL64 = dict(rtol=1e-9, atol=1e-10)
SING = np.array([[1.0, 2, 3], [2, 4, 6], [1, 1, 1]])


def arr(shape, seed=0, dtype=np.float64):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


def tol(dtype):
    return TOL if dtype == np.float32 else TOL64


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


@settings(max_examples=15, deadline=None)
@given(st.sampled_from([(3, 3), (2, 4, 4), (3, 5), (5, 3), (2, 1, 3, 3)]), st.sampled_from([np.float32, np.float64]),
       st.integers(0, 2 ** 16))
def test_lu_factor_and_lu(shape, dtype, seed):
    a = arr(shape, seed, dtype)
    same_on_both(lambda t, A: t.linalg.lu_factor_ex(A), [a], **tol(dtype))
    same_on_both(lambda t, A: t.linalg.lu(A), [a], **tol(dtype))
    same_on_both(lambda t, A: t.lu_unpack(*t.linalg.lu_factor(A)), [a], **tol(dtype))


@settings(max_examples=15, deadline=None)
@given(st.sampled_from([np.float32, np.float64]), st.booleans(), st.booleans(), st.integers(0, 2 ** 16))
def test_lu_solve(dtype, left, adjoint, seed):
    a, b = arr((2, 3, 3), seed, dtype), arr((2, 3, 2) if left else (2, 2, 3), seed + 1, dtype)
    same_on_both(lambda t, A, B: t.linalg.lu_solve(*t.linalg.lu_factor(A), B, left=left, adjoint=adjoint), [a, b],
                 rtol=1e-3 if dtype == np.float32 else 1e-8, atol=1e-4 if dtype == np.float32 else 1e-9)


def test_lu_solve_on_factor_and_old_names():
    a, b = arr((3, 3), 1), arr((3, 2), 2)
    lu, piv = (x.numpy() for x in torch.linalg.lu_factor(torch.from_numpy(a)))
    same_on_both(lambda t, LU, B: t.linalg.lu_solve(LU, t.from_numpy(piv.copy()), B), [lu, b], **TOL64)
    same_on_both(lambda t, LU, B: t.lu_solve(B, LU, t.from_numpy(piv.copy())), [lu, b], **TOL64)
    same_on_both(lambda t, A: t.lu(A, get_infos=True), [a], **TOL64)
    same_on_both(lambda t, A: A.lu(), [a], **TOL64)
    same_on_both(lambda t, LU: t.lu_unpack(LU, t.from_numpy(piv.copy()), unpack_data=False), [lu], grad=False)


def test_singular_ex_variants():
    batch = np.stack([np.eye(3), SING, np.zeros((3, 3))])
    same_on_both(lambda t, A: t.linalg.lu_factor_ex(A), [batch], grad=False)
    same_on_both(lambda t, A: t.linalg.inv_ex(A), [batch], grad=False)
    same_on_both(lambda t, A: t.linalg.solve_ex(A, t.ones(3, 2, dtype=A.dtype)), [batch], grad=False)
    same_on_both(lambda t, A: t.linalg.solve_ex(A, t.ones(3, dtype=A.dtype)), [SING], grad=False)
    same_on_both(lambda t, A: t.linalg.lu_factor_ex(A), [np.ones((3, 3))], grad=False)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_solve_ex_inv_ex_values(dtype):
    a, b = arr((2, 3, 3), 3, dtype), arr((2, 3, 2), 4, dtype)
    same_on_both(lambda t, A, B: t.linalg.solve_ex(A, B), [a, b], **tol(dtype))
    same_on_both(lambda t, A, B: t.linalg.solve_ex(A, B.mT, left=False), [a, b], **tol(dtype))
    same_on_both(lambda t, A, B: t.linalg.solve(A, B.mT, left=False), [a, b], **tol(dtype))
    same_on_both(lambda t, A: t.linalg.inv_ex(A), [a], **tol(dtype))


def test_tensorinv_tensorsolve():
    same_on_both(lambda t, A: t.linalg.tensorinv(A, ind=1), [arr((4, 2, 2), 5)], **TOL64)
    same_on_both(lambda t, A: t.linalg.tensorinv(A), [arr((2, 3, 6), 6)], **TOL64)
    same_on_both(lambda t, A, B: t.linalg.tensorsolve(A, B), [arr((2, 3, 6), 7), arr((2, 3), 8)], **TOL64)
    same_on_both(lambda t, A, B: t.linalg.tensorsolve(A, B, dims=(0,)), [arr((6, 2, 3), 9), arr((2, 3), 10)], **TOL64)


ERRORS = [
    lambda t: t.linalg.lu_factor(t.ones(3)), lambda t: t.linalg.lu_factor(t.ones(3, 3, dtype=t.int64)),
    lambda t: t.linalg.lu_factor(t.tensor(SING)), lambda t: t.linalg.lu_factor_ex(t.tensor(SING), check_errors=True),
    lambda t: t.linalg.lu_factor(t.stack([t.eye(3, dtype=t.float64), t.tensor(SING)])),
    lambda t: t.linalg.lu_factor(t.ones(3, 3), pivot=False), lambda t: t.linalg.lu(t.ones(3)),
    lambda t: t.linalg.solve_ex(t.tensor(SING), t.ones(3, dtype=t.float64), check_errors=True),
    lambda t: t.linalg.inv_ex(t.stack([t.eye(3, dtype=t.float64), t.tensor(SING)]), check_errors=True),
    lambda t: t.linalg.inv_ex(t.ones(2, 3)), lambda t: t.linalg.solve_ex(t.ones(3, 3), t.ones(2, 2)),
    lambda t: t.linalg.lu_solve(t.eye(3), t.ones(3, dtype=t.int32), t.ones(3)),
    lambda t: t.linalg.lu_solve(t.eye(3), t.ones(3, dtype=t.int64), t.ones(3, 1)),
    lambda t: t.linalg.lu_solve(t.eye(3), t.ones(3, dtype=t.int32), t.ones(2, 1)),
    lambda t: t.linalg.lu_solve(t.ones(3, 4), t.ones(3, dtype=t.int32), t.ones(3, 1)),
    lambda t: t.linalg.lu_solve(t.eye(3), t.ones(3, dtype=t.int32), t.ones(3, 1, dtype=t.float64)),
    lambda t: t.lu_unpack(t.eye(3), t.ones(3, dtype=t.int64)),
    lambda t: t.linalg.tensorinv(t.ones(4, 2, 3), ind=1), lambda t: t.linalg.tensorinv(t.ones(4, 2, 2), ind=0),
    lambda t: t.linalg.tensorsolve(t.ones(2, 3, 4), t.ones(2, 3)),
]


@pytest.mark.parametrize("k", range(len(ERRORS)))
def test_errors(k):
    same_error(ERRORS[k])


# ---- the *_scatter ops, unsafe_split, resize_ -------------------------------------------------------
SCATTER = [
    lambda t, x, s: t.select_scatter(x, s[0], 0, 1), lambda t, x, s: x.select_scatter(s[:, 0], 1, -1),
    lambda t, x, s: t.slice_scatter(x, s[:, :2], 1, 0, 4, 2), lambda t, x, s: x.slice_scatter(s[1:], 0, 1),
    lambda t, x, s: t.diagonal_scatter(x, s[0, :3]), lambda t, x, s: x.diagonal_scatter(s[0, :3], 1),
    lambda t, x, s: t.as_strided_scatter(x, s[:2, :2], (2, 2), (1, 2)),
    lambda t, x, s: x.as_strided_scatter(s[:2, :2], (2, 2), (4, 1), 1),
]


@pytest.mark.parametrize("k", range(len(SCATTER)))
def test_scatters(k):
    # torch's as_strided_scatter gradient for input zeroes other elements than the ones written
    # (tests/test_gradcheck_linalg_leftovers.py checks glasstorch's numerically): values only there
    same_on_both(SCATTER[k], [arr((3, 4), 11, np.float32), arr((3, 4), 12, np.float32)], grad=k < 6)


@pytest.mark.parametrize("fn", [
    lambda t: t.select_scatter(t.zeros(3, 4), t.ones(3), 0, 1), lambda t: t.select_scatter(t.zeros(3, 4), t.ones(4), 0, 5),
    lambda t: t.slice_scatter(t.zeros(3, 4), t.ones(3, 3), 1, 0, 4, 2),
    lambda t: t.slice_scatter(t.zeros(3, 4), t.ones(3, 2), 1, step=0),
    lambda t: t.diagonal_scatter(t.zeros(3, 4), t.ones(4)),
    lambda t: t.as_strided_scatter(t.zeros(3, 4), t.ones(3, 2), (2, 2), (1, 2)),
    lambda t: t.ones(2, requires_grad=True).resize_(3), lambda t: (t.ones(2, requires_grad=True) * 1).resize_(3),
    lambda t: t.chain_matmul(), lambda t: t.chain_matmul(t.ones(2)), lambda t: t.mvlgamma(t.ones(2), 0),
])
def test_more_errors(fn):
    same_error(fn)


UNSAFE = [lambda t, x: x.unsafe_split(2, 1), lambda t, x: t.unsafe_chunk(x, 2, 1),
          lambda t, x: t.unsafe_split_with_sizes(x, [1, 3], 1), lambda t, x: x.unsafe_split_with_sizes([2, 1], 0)]


@pytest.mark.parametrize("k", range(len(UNSAFE)))
def test_unsafe_split(k):
    outs = same_on_both(UNSAFE[k], [arr((3, 4), 13, np.float32)])
    assert all(o._base is None for o in outs[glasstorch])


def test_resize():
    for m in (torch, glasstorch):
        x = m.arange(6.0)
        assert x.resize_(2, 2) is x and x.stride() == (2, 1)
        assert x.tolist() == [[0, 1], [2, 3]]       # (torch: no .numpy() here, it pins the storage's size)
        x.resize_(3, 3)
        assert x.tolist()[:2] == [[0, 1, 2], [3, 4, 5]]
        v = m.arange(6.0).view(2, 3).t()
        assert v.resize_(2, 2).tolist() == [[0, 1], [2, 3]]
        assert v.stride() == (2, 1)
        assert tuple(m.ones(2, 3).resize_as_(m.ones(3)).shape) == (3,)


# ---- chain_matmul, mvlgamma, histogramdd, frombuffer, top-level losses ------------------------------------
def test_chain_matmul_warns_and_matches():
    # torch warns once per process, and so does glasstorch: forget an earlier warning of this process
    from glasstorch._user_warning import WARNED
    WARNED.discard("chain_matmul")
    with pytest.warns(UserWarning, match="chain_matmul is deprecated"):
        glasstorch.chain_matmul(glasstorch.ones(2, 2), glasstorch.ones(2, 2))
    same_on_both(lambda t, a, b, c: t.chain_matmul(a, b, c), [arr((2, 3)), arr((3, 4), 1), arr((4, 2), 2)], **TOL64)
    same_on_both(lambda t, a: t.chain_matmul(a), [arr((2, 3))])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_mvlgamma(dtype):
    x = np.random.default_rng(3).uniform(2.0, 5.0, (2, 3)).astype(dtype)
    for p in (1, 2, 4):
        same_on_both(lambda t, a: t.mvlgamma(a, p), [x], **tol(dtype))
        same_on_both(lambda t, a: t.special.multigammaln(a, p), [x], **tol(dtype))
        same_on_both(lambda t, a: (a * 1).mvlgamma_(p), [x], **tol(dtype))


def test_histogramdd():
    x = arr((20, 2), 14, np.float32)
    def flat(r):
        return (r.hist,) + tuple(r.bin_edges)
    same_on_both(lambda t, a: flat(t.histogramdd(a, bins=[3, 4])), [x], grad=False, **TOL)
    same_on_both(lambda t, a: flat(t.histogramdd(a, bins=3, range=[-1.0, 1.0, -1.0, 1.0], density=True)), [x],
                 grad=False, **TOL)
    same_on_both(lambda t, a, w: flat(t.histogramdd(a, bins=[2, 2], weight=w)), [x, np.abs(arr(20, 15, np.float32))],
                 grad=False, **TOL)


def test_frombuffer():
    data = np.arange(6, dtype=np.float32).tobytes()
    for kw in ({}, {"count": 3, "offset": 4}):
        a = torch.frombuffer(bytearray(data), dtype=torch.float32, **kw)
        b = glasstorch.frombuffer(bytearray(data), dtype=glasstorch.float32, **kw)
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    buf = bytearray(data)
    g = glasstorch.frombuffer(buf, dtype=glasstorch.float32)
    buf[0:4] = np.float32(7).tobytes()
    assert g[0].item() == 7.0                   # shares the buffer's memory
    for kw in ({"offset": 24}, {"count": 7}):
        same_error(lambda t: t.frombuffer(bytearray(data), dtype=t.float32, **kw))
    same_error(lambda t: t.frombuffer(bytearray(6), dtype=t.float32))


def test_top_level_losses():
    x, y = arr((2, 3), 16), np.random.default_rng(17).uniform(0.1, 0.9, (2, 3))
    for red in (0, 1, 2):
        same_on_both(lambda t, a, b: t.kl_div(a.log_softmax(1), b, red), [x, y], **TOL64)
        same_on_both(lambda t, a, b: t.binary_cross_entropy_with_logits(a, b, None, None, red), [x, y], **TOL64)
        same_on_both(lambda t, a, b: t.margin_ranking_loss(a[0], a[1], t.tensor([1.0, -1.0, 1.0], dtype=a.dtype),
                                                           0.1, red), [x, y], **TOL64)
    same_on_both(lambda t, a, b: t.kl_div(a, b.log(), 1, log_target=True), [x, y], **TOL64)


# ---- 3-d adaptive max pool and unpool, deprecated init names ------------------------------------------
def test_adaptive_max_pool3d_and_unpool3d():
    x = np.random.default_rng(18).permutation(2 * 4 * 5 * 3).reshape(1, 2, 4, 5, 3).astype(np.float32)
    same_on_both(lambda t, a: t.nn.functional.adaptive_max_pool3d(a, (2, 3, 2), True), [x])
    same_on_both(lambda t, a: t.nn.AdaptiveMaxPool3d((None, 2, 1))(a[0]), [x])
    same_on_both(lambda t, a: t.nn.functional.max_unpool3d(*t.nn.functional.max_pool3d(a, 2, return_indices=True), 2,
                                                           output_size=(4, 5, 3)), [x])
    same_on_both(lambda t, a: t.nn.MaxUnpool3d(2)(*t.nn.functional.max_pool3d(a[..., :4, :2], 2, return_indices=True)),
                 [x])
    assert repr(glasstorch.nn.MaxUnpool3d(2)) == repr(torch.nn.MaxUnpool3d(2))
    assert repr(glasstorch.nn.AdaptiveMaxPool3d(2)) == repr(torch.nn.AdaptiveMaxPool3d(2))
    same_error(lambda t: t.nn.functional.adaptive_max_pool3d(t.ones(2, 3), 2))


@pytest.mark.parametrize("name", ["eye", "dirac", "uniform", "normal", "constant", "xavier_uniform", "orthogonal"])
def test_deprecated_init_names(name):
    args = {"constant": (0.5,)}.get(name, ())
    for m in (torch, glasstorch):
        w = m.empty(3, 3, 3) if name == "dirac" else m.empty(3, 3)
        with warnings.catch_warnings(record=True) as rec:
            warnings.simplefilter("always")
            getattr(m.nn.init, name)(w, *args)
        assert [str(r.message) for r in rec] == [f"`nn.init.{name}` is now deprecated in favor of `nn.init.{name}_`."]
        assert rec[0].category is FutureWarning


# ---- in-place node names and in-place ops whose argument is the tensor itself ----------------------------
@pytest.mark.parametrize("name", ["asinh_", "acosh_", "atanh_", "arcsinh_", "arccosh_", "arctanh_"])
def test_inplace_backward1_names(name):
    """torch names these nodes ...Backward1 and has no derivative for them: backward raises."""
    x = np.random.default_rng(19).uniform(1.5, 2.0, (2, 3)) if "cosh" in name else arr((2, 3), 19) * 0.3
    same_on_both(lambda t, a: getattr(a * 1, name)(), [x], grad=False, **TOL64)
    same_error(lambda t: getattr(t.tensor(x, requires_grad=True) * 1, name)().sum().backward())


ALIAS = [lambda t, x: x.mul_(x), lambda t, x: x.add_(x, alpha=2), lambda t, x: x.sub_(x), lambda t, x: x.div_(x),
         lambda t, x: x.copy_(x), lambda t, x: x[0].mul_(x[:, 0])]


@pytest.mark.parametrize("k", range(len(ALIAS)))
def test_inplace_with_itself(k):
    same_on_both(lambda t, a: ALIAS[k](t, a * 1), [arr((3, 3), 20) + 3], grad=k in (1, 2, 4), **TOL64)
    if k in (0, 3):       # the op saved the tensor it then overwrote: backward refuses, in the same words
        same_error(lambda t: ALIAS[k](t, t.tensor(arr((3, 3), 20) + 3, requires_grad=True) * 1).sum().backward())


@pytest.mark.parametrize("fn", [lambda t, x: x.copy_(x.t()), lambda t, x: x.sub_(x.t()), lambda t, x: x.add_(x.t()),
                                lambda t, x: x[1:].mul_(x[:2]), lambda t, x: x.div_(x.t(), rounding_mode="floor")])
def test_partial_overlap_errors(fn):
    same_error(lambda t: fn(t, t.arange(9.0).reshape(3, 3)))
