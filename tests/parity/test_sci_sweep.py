"""Parity for the scientific-computing sweep (tests/programs/sci_*.py): torch.func's pytree
jacrev / jacfwd / jvp, linalg.cholesky_ex and LinAlgError, matrix_rank's tolerances, pca_lowrank /
svd_lowrank, torch.gradient on coordinate tensors, and the added torch.special functions."""
import numpy as np
import pytest
import torch

import glasstorch

from ._helpers import MODS, same_error, same_on_both

TOL = dict(rtol=1e-5, atol=1e-6)
TOL64 = dict(rtol=1e-11, atol=1e-12)


def flat(x):
    return [v for item in x for v in flat(item)] if isinstance(x, (tuple, list)) else [x]


def arr(shape, seed=0, dtype=np.float32, lo=None, hi=None):
    g = np.random.default_rng(seed)
    a = g.standard_normal(shape) if lo is None else g.uniform(lo, hi, shape)
    return a.astype(dtype)


def spd(n, seed=0):
    a = np.random.default_rng(seed).standard_normal((n, n))
    return a @ a.T + n * np.eye(n)


# ---- torch.func -------------------------------------------------------------------------------------
def test_jacrev_over_a_dict_of_parameters():
    w, b, x = arr((2, 3), 1), arr((3,), 2), arr((4, 2), 3)

    def f(t, w, b, x):
        return t.func.jacrev(lambda p, x: t.tanh(x @ p["W"] + p["b"]))({"W": w, "b": b}, x)

    outs = {}
    for m in MODS:
        j = f(m, m.from_numpy(w), m.from_numpy(b), m.from_numpy(x))
        outs[m] = (sorted(j), j["W"], j["b"])
    assert outs[torch][0] == outs[glasstorch][0]
    for a, b_ in zip(outs[torch][1:], outs[glasstorch][1:]):
        np.testing.assert_allclose(b_.numpy(), a.numpy(), **TOL)
        assert a.requires_grad == b_.requires_grad


@pytest.mark.parametrize("which", ["jacrev", "jacfwd"])
def test_jacobian_of_tuple_outputs_and_argnums(which):
    same_on_both(lambda t, r, th: flat(getattr(t.func, which)(lambda r, th: (r * t.cos(th), r * t.sin(th)),
                                                                argnums=(0, 1))(r, th)),
                 [np.array(2.0), np.array(0.5)], grad=False, **TOL64)


def test_jacrev_has_aux():
    same_on_both(lambda t, x: flat(t.func.jacrev(lambda x: (x.sin() * x, x.cos()), has_aux=True)(x)),
                 [arr((3,), 4, np.float64)], grad=False, **TOL64)


def test_func_jvp():
    same_on_both(lambda t, x, v: t.func.jvp(lambda x: (x ** 3).sum(0), (x,), (v,)),
                 [arr((3, 2), 5, np.float64), arr((3, 2), 6, np.float64)], grad=False, **TOL64)
    same_on_both(lambda t, x, v: flat(t.func.jvp(lambda x: (x.exp(), x.mean()), (x,), (v,), has_aux=True)),
                 [arr((3,), 5, np.float64), arr((3,), 6, np.float64)], grad=False, **TOL64)


def test_func_jvp_errors():
    same_error(lambda t: t.func.jvp(t.sin, [t.ones(2)], [t.ones(2)]))
    same_error(lambda t: t.func.jvp(lambda x: (x, 1), (t.ones(2),), (t.ones(2),), has_aux=True))
    same_error(lambda t: t.func.grad(lambda x: (x.sum(), 3), has_aux=True)(t.ones(2)))
    same_error(lambda t: t.func.grad(lambda x: x.sum(), has_aux=True)(t.ones(2)))


def test_jvp_inside_grad_keeps_the_graph():
    same_on_both(lambda t, x: t.func.grad(lambda x: t.func.jvp(t.sin, (x,), (t.ones_like(x),))[1].sum())(x),
                 [arr((4,), 7, np.float64)], grad=False, **TOL64)


# ---- cholesky_ex, LinAlgError, matrix_rank --------------------------------------------------------------
NOT_PD = [np.array([[1.0, 2.0], [2.0, 1.0]]), np.array([[[1.0, 0.0], [0.0, 1.0]], [[-1.0, 0.0], [0.0, 1.0]]]),
          np.array([[4.0, 2, 1, 3], [2, 1, 5, 1], [1, 5, 6, 2], [3, 1, 2, 9]]), np.array([[np.nan, 0], [0, 1.0]])]


@pytest.mark.parametrize("i", range(len(NOT_PD)))
@pytest.mark.parametrize("upper", [False, True])
def test_cholesky_ex_reports_the_failing_minor(i, upper):
    same_on_both(lambda t, a: tuple(t.linalg.cholesky_ex(a, upper=upper)), [NOT_PD[i]], grad=False)
    same_error(lambda t: t.linalg.cholesky(t.from_numpy(NOT_PD[i].copy()), upper=upper))
    same_error(lambda t: t.linalg.cholesky_ex(t.from_numpy(NOT_PD[i].copy()), check_errors=True))


def test_cholesky_ex_success_and_gradient():
    same_on_both(lambda t, a: tuple(t.linalg.cholesky_ex(a)), [spd(4).astype(np.float32)], **TOL)
    outs = [m.linalg.cholesky_ex(m.eye(2, dtype=m.float64)) for m in MODS]
    assert type(outs[0]).__name__ == type(outs[1]).__name__ == "linalg_cholesky_ex"
    assert repr(outs[0]) == repr(outs[1])


def test_linalg_error_class():
    for m in MODS:
        assert issubclass(m.linalg.LinAlgError, RuntimeError)
        assert m.linalg.LinAlgError.__name__ == "_LinAlgError"
        assert m.linalg.LinAlgError.__module__ == m.__name__ + "._C"        # glasstorch._C outside the shim
    sing = np.array([[1.0, 2, 3], [2, 4, 6], [1, 0, 1]])
    same_error(lambda t: t.linalg.inv(t.from_numpy(sing.copy())))
    same_error(lambda t: t.linalg.inv(t.from_numpy(np.stack([np.eye(3), sing]))))
    same_error(lambda t: t.linalg.solve(t.from_numpy(np.stack([np.eye(3), sing])), t.ones(2, 3, dtype=t.float64)))
    same_error(lambda t: t.linalg.cholesky(t.ones(2, 2, dtype=t.long)))
    same_error(lambda t: t.cholesky(t.tensor([[1.0, 2.0], [2.0, 1.0]])))


@pytest.mark.parametrize("kw", [{}, {"atol": 1.0}, {"rtol": 0.5}, {"atol": 0.5, "rtol": 0.5}, {"tol": 0.5},
                                {"atol": 0.0}, {"hermitian": True}, {"atol": 1.0, "hermitian": True}])
def test_matrix_rank_tolerances(kw):
    a = np.diag([3.0, -1.0, 1e-3]).astype(np.float32)
    same_on_both(lambda t, a: t.linalg.matrix_rank(a, **kw), [a], grad=False)


def test_matrix_rank_per_matrix_atol():
    a = np.stack([np.diag([3.0, 1.0, 1e-3]), np.diag([30.0, 10.0, 1e-2])])
    same_on_both(lambda t, a, tol: t.linalg.matrix_rank(a, atol=tol), [a, np.array([1.0, 5.0])], grad=False)
    same_error(lambda t: t.linalg.matrix_rank(t.ones(2, 2, dtype=t.long)))


# ---- randomized low-rank SVD ----------------------------------------------------------------------------
@pytest.mark.parametrize("shape,q", [((30, 5), 3), ((5, 30), 3), ((2, 20, 6), None)])
def test_pca_lowrank(shape, q):
    a = arr(shape, 8, np.float64)

    def f(t, a):
        t.manual_seed(0)
        U, S, V = t.pca_lowrank(a, q=q)
        # singular vectors are defined up to sign: compare |U|, S, |V| and the reconstruction
        return U.abs(), S, V.abs(), U @ t.diag_embed(S) @ V.mT, t.rand(2)
    same_on_both(f, [a], grad=False, rtol=1e-8, atol=1e-9)


def test_svd_lowrank_with_mean_and_errors():
    a, m = arr((12, 4), 9, np.float64), arr((1, 4), 10, np.float64)

    def f(t, a, m):
        t.manual_seed(3)
        U, S, V = t.svd_lowrank(a, q=4, M=m)
        return S, U @ t.diag(S) @ V.T
    same_on_both(f, [a, m], grad=False, rtol=1e-8, atol=1e-9)
    same_error(lambda t: t.pca_lowrank(t.ones(3, 4), q=5))
    same_error(lambda t: t.pca_lowrank(t.ones(3, 4), niter=-1))


# ---- torch.gradient with coordinates ---------------------------------------------------------------------
@pytest.mark.parametrize("edge_order", [1, 2])
def test_gradient_with_coordinates(edge_order):
    x = np.sort(arr((7,), 11, np.float64, 0, 3))
    f = arr((3, 7), 12, np.float64)
    same_on_both(lambda t, f, x: t.gradient(f, spacing=(x,), dim=1, edge_order=edge_order), [f, x], **TOL64)
    same_on_both(lambda t, f, x, y: t.gradient(f, spacing=[y, x], edge_order=edge_order),
                 [f, x, np.array([0.0, 0.5, 2.0])], **TOL64)


# ---- torch.special ---------------------------------------------------------------------------------------
UNARY = [("i0", -8, 8), ("i0e", -40, 40), ("i1", -8, 8), ("i1e", -40, 40), ("erfcx", -3, 30),
         ("log_ndtr", -40, 6), ("ndtri", 1e-6, 1 - 1e-6), ("entr", 0.01, 3)]


@pytest.mark.parametrize("name,lo,hi", UNARY)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_special_unary(name, lo, hi, dtype):
    # torch's float32 kernels are good to a few ulps; erfcx's and log_ndtr's gradient formulas cancel
    # (2 x erfcx(x) ~ 2/sqrt(pi), y ~ -x^2/2), so their last-bit differences grow there
    tol = dict(rtol=2e-6, atol=2e-7) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-300)
    loose = name in ("erfcx", "log_ndtr")
    same_on_both(lambda t, x: getattr(t.special, name)(x), [arr((40,), 13, dtype, lo, hi)], **tol,
                 grad_rtol=(1e-3 if dtype == np.float32 else 1e-9) if loose else tol["rtol"] * 10,
                 grad_atol=tol["atol"])


def test_special_unary_edges():
    x = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e-30, 800.0, -800.0])
    for name in ["i0e", "i1e", "erfcx", "log_ndtr", "entr", "i0", "i1"]:
        same_on_both(lambda t, x: getattr(t.special, name)(x), [x], grad=False, rtol=1e-12, atol=1e-300)
    same_on_both(lambda t, p: t.special.ndtri(p), [np.array([0.0, 1.0, -0.1, 1.5, 0.5, 1e-300, np.nan])],
                 grad=False, rtol=1e-12)
    same_on_both(lambda t, x: (t.i0(x), x.i0(), t.special.ndtr(x)), [np.array([0.5, 1.5], np.float32)], **TOL)


@pytest.mark.parametrize("name", ["gammainc", "gammaincc"])
def test_incomplete_gamma(name):
    a = np.array([0.5, 1.0, 2.0, 5.0, 30.0, 0.0, 1.0, -1.0, 2.0])
    x = np.array([0.3, 1.0, 4.0, 2.0, 25.0, 1.0, 0.0, 1.0, np.inf])
    # torch's value at (30, 25) is good to 1e-9 only (mpmath agrees with glasstorch's to 1e-16)
    same_on_both(lambda t, a, x: getattr(t.special, name)(a.detach(), x), [a, x], rtol=2e-9, atol=1e-300,
                 grad_rtol=1e-10, grad_atol=1e-300)
    same_on_both(lambda t, a, x: (t.igamma(a, x), a.igammac(x)), [a[:5], x[:5]], grad=False, rtol=2e-9)
    same_error(lambda t: getattr(t.special, name)(t.tensor([2.0], requires_grad=True), t.tensor([1.0])).sum()
               .backward())


def test_zeta():
    x = np.array([2.0, 4.0, 1.5, 3.0, 1.0, 0.5, 2.0, 2.0])
    q = np.array([1.0, 1.0, 2.5, 0.25, 1.0, 1.0, -1.0, 1e9])
    same_on_both(lambda t, x, q: t.special.zeta(x.detach(), q), [x, q], rtol=1e-12, atol=1e-300,
                 grad_rtol=1e-10, grad_atol=1e-300)
    same_error(lambda t: t.special.zeta(t.tensor([2.0], requires_grad=True), t.tensor([1.0])).sum().backward())


def test_xlog1py_and_logaddexp2():
    x = np.array([0.0, 0.0, 2.0, -1.5, 3.0], np.float32)
    y = np.array([0.5, -1.0, 1.5, 0.25, np.nan], np.float32)
    same_on_both(lambda t, x, y: t.special.xlog1py(x, y), [x, y], **TOL)
    same_on_both(lambda t, x: t.special.xlog1py(x, 2.0), [x], **TOL)
    same_on_both(lambda t, y: t.special.xlog1py(2.0, y), [y], **TOL)
    same_on_both(lambda t, q: (t.special.zeta(3.0, q), t.special.zeta(q.detach() + 1, 2.0)), [np.array([0.5, 2.0])], **TOL64)
    same_on_both(lambda t, a, b: (t.logaddexp2(a, b), a.logaddexp2(b)), [arr((3, 4), 14), arr((4,), 15)], **TOL)
