"""Complex input to linear algebra and a few ops built on norms and division: values (to LAPACK's
rounding), dtypes and shapes as torch's; eig / eigvals for real and complex matrices; and gradients
glasstorch does not have yet raise instead of coming out wrong."""
import warnings

import numpy as np
import pytest
import torch

import glasstorch
from ._helpers import grad_fn_name, same_error


def to_np(x):
    if isinstance(x, (torch.Tensor, glasstorch.Tensor)):
        x = x.resolve_conj()            # torch's svd V, mH ... are lazily conjugated views (numpy() refuses them)
    return np.asarray(x.detach().numpy())

DTYPES = ["complex64", "complex128"]
TOL = {"complex64": 2e-4, "complex128": 1e-10, "float32": 2e-4, "float64": 1e-10}


def _rand(shape, dt, seed=0):
    rng = np.random.default_rng(seed)
    z = rng.standard_normal(shape) + 1j * rng.standard_normal(shape)
    return z.astype(dt) if "complex" in dt else z.real.astype(dt)


def _hpd(n, dt, batch=(), seed=1):
    a = _rand(batch + (n, n), "complex128", seed)
    h = a @ np.conj(np.swapaxes(a, -1, -2)) + n * np.eye(n)
    return h.astype(dt)


def _check(fn, arrays, dt, n_out=None):
    """fn(mod, *tensors) on both; every output equal in shape and dtype, values within dtype's tolerance."""
    outs = {}
    for m in (torch, glasstorch):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = fn(m, *[m.from_numpy(a.copy()) for a in arrays])
        outs[m] = list(r) if isinstance(r, tuple) else [r]
    assert len(outs[torch]) == len(outs[glasstorch])
    tol = TOL[dt]
    for a, b in zip(outs[torch], outs[glasstorch]):
        assert str(a.dtype) == str(b.dtype), f"{a.dtype} vs {b.dtype}"
        assert tuple(a.shape) == tuple(b.shape)
        np.testing.assert_allclose(to_np(b), to_np(a), rtol=tol, atol=tol)
    return outs


LINALG = {
    "logdet": lambda t, a, h: t.logdet(a),
    "logdet_h": lambda t, a, h: t.logdet(h),
    "slogdet": lambda t, a, h: tuple(t.linalg.slogdet(a)),
    "det": lambda t, a, h: t.linalg.det(a),
    "inv": lambda t, a, h: t.linalg.inv(a),
    "cholesky": lambda t, a, h: t.linalg.cholesky(h),
    "cholesky_upper": lambda t, a, h: t.linalg.cholesky(h, upper=True),
    "cholesky_ex": lambda t, a, h: tuple(t.linalg.cholesky_ex(h)),
    "svd": lambda t, a, h: tuple(t.linalg.svd(a)),
    "svd_reduced": lambda t, a, h: tuple(t.linalg.svd(a[..., :2], full_matrices=False)),
    "torch_svd": lambda t, a, h: tuple(t.svd(a)),
    "torch_svd_no_uv": lambda t, a, h: t.svd(a, compute_uv=False)[1],
    "svdvals": lambda t, a, h: t.linalg.svdvals(a),
    "eigh": lambda t, a, h: t.linalg.eigh(h)[0],
    "eigh_upper": lambda t, a, h: t.linalg.eigh(h, UPLO="U")[0],
    "eigvalsh": lambda t, a, h: t.linalg.eigvalsh(h),
    "cond": lambda t, a, h: t.linalg.cond(a),
    "cond_m2": lambda t, a, h: t.linalg.cond(a, -2),
    "cond_fro": lambda t, a, h: t.linalg.cond(a, "fro"),
    "norm_2": lambda t, a, h: t.linalg.norm(a[0], 2),
    "norm_m2": lambda t, a, h: t.linalg.matrix_norm(a, -2),
    "norm_nuc": lambda t, a, h: t.linalg.norm(a[0], "nuc"),
    "norm_fro": lambda t, a, h: t.linalg.norm(a[1], "fro"),
    "norm_1": lambda t, a, h: t.linalg.matrix_norm(a, 1),
    "vander": lambda t, a, h: t.linalg.vander(a[..., 0, :]),
    "torch_vander": lambda t, a, h: t.vander(a[0, 0]),
    "torch_vander_inc": lambda t, a, h: t.vander(a[0, 0], 4, increasing=True),
    "cov": lambda t, a, h: t.cov(a[0]),
    "corrcoef": lambda t, a, h: t.corrcoef(a[0]),
    "eig": lambda t, a, h: tuple(t.linalg.eig(a)),
    "eigvals": lambda t, a, h: t.linalg.eigvals(a),
}


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("name", list(LINALG))
def test_complex_linalg_values(name, dt):
    a = _rand((2, 4, 4), dt)
    h = _hpd(4, dt, (2,))
    _check(LINALG[name], [a, h], dt)


def _same_up_to_phase(vt, vg, tol):
    """Columns equal up to a unit factor each: eigenvectors are only defined so (and torch's LAPACK,
    MKL, and NumPy's, OpenBLAS, pick different ones for some matrices)."""
    dot = np.sum(np.conj(vg) * vt, axis=-2, keepdims=True)
    phase = dot / np.abs(dot)
    np.testing.assert_allclose(vg * phase, vt, rtol=tol, atol=tol)


def _eig_both(fn, a):
    outs = {m: fn(m, m.from_numpy(a.copy())) for m in (torch, glasstorch)}
    for x, y in zip(outs[torch], outs[glasstorch]):
        assert str(x.dtype) == str(y.dtype) and tuple(x.shape) == tuple(y.shape)
    return [[to_np(x) for x in outs[m]] for m in (torch, glasstorch)]


@pytest.mark.parametrize("dt", DTYPES)
def test_eigh_vectors(dt):
    h = _hpd(4, dt, (2,))
    for uplo in "LU":
        (wt, vt), (wg, vg) = _eig_both(lambda t, x: tuple(t.linalg.eigh(x, UPLO=uplo)), h)
        np.testing.assert_allclose(wg, wt, rtol=TOL[dt], atol=TOL[dt])
        _same_up_to_phase(vt, vg, TOL[dt] * 10)


@pytest.mark.parametrize("dt", ["float32", "float64", "complex64", "complex128"])
@pytest.mark.parametrize("seed", range(4))
def test_eig_matches_torch(dt, seed):
    """Eigenvalues equal to rounding, though LAPACK builds may list them in another order; each
    eigenvector equal up to its phase."""
    a = _rand((3, 5, 5), dt, seed)
    tol = TOL[dt] * 10
    (wt, vt), (wg, vg) = _eig_both(lambda t, x: tuple(t.linalg.eig(x)), a)
    (wt2,), (wg2,) = _eig_both(lambda t, x: (t.linalg.eigvals(x),), a)
    for b in range(a.shape[0]):
        order = [int(np.argmin(np.abs(wg[b] - w))) for w in wt[b]]
        assert sorted(order) == list(range(a.shape[-1]))
        np.testing.assert_allclose(wg[b][order], wt[b], rtol=tol, atol=tol)
        _same_up_to_phase(vt[b], vg[b][:, order], tol)
        order2 = [int(np.argmin(np.abs(wg2[b] - w))) for w in wt2[b]]
        np.testing.assert_allclose(wg2[b][order2], wt2[b], rtol=tol, atol=tol)


@pytest.mark.parametrize("dt", ["float32", "float64"])
def test_eig_real_eigenvalues_come_back_complex(dt):
    s = np.array([[2.0, 1.0, 0.0], [1.0, 3.0, 1.0], [0.0, 1.0, 4.0]], dt)     # symmetric: all real
    _check(lambda t, x: tuple(t.linalg.eig(x)), [s], dt)
    _check(lambda t, x: t.linalg.eigvals(x), [s], dt)
    _check(lambda t, x: tuple(t.linalg.eig(x)), [np.zeros((0, 0), dt)], dt)


def test_eig_errors():
    same_error(lambda t: t.linalg.eig(t.ones(2, 3)))
    same_error(lambda t: t.linalg.eigvals(t.ones(3)))
    same_error(lambda t: t.linalg.eig(t.ones(2, 2, dtype=t.int64)))
    same_error(lambda t: t.linalg.eigvals(t.ones(2, 2, dtype=t.bool)))
    same_error(lambda t: t.linalg.eig(t.ones(2, 2, dtype=t.float16)))


OPS = {
    "float_power": lambda t, x, y: t.float_power(x, 2),
    "float_power_t": lambda t, x, y: t.float_power(x, y),
    "float_power_real_base": lambda t, x, y: t.float_power(x.real, y),
    "float_power_cexp": lambda t, x, y: t.float_power(x.real, 1.5j),
    "float_power_method": lambda t, x, y: x.float_power(0.5),
    "addcdiv": lambda t, x, y: t.addcdiv(x, x, y, value=0.5),
    "addcdiv_": lambda t, x, y: x.clone().addcdiv_(x, y, value=2),
    "pairwise_distance": lambda t, x, y: t.nn.functional.pairwise_distance(x, y),
    "pairwise_distance_p1": lambda t, x, y: t.nn.functional.pairwise_distance(x, y, 1.0),
    "pairwise_distance_p3": lambda t, x, y: t.nn.functional.pairwise_distance(x, y, 3.0, keepdim=True),
    "renorm": lambda t, x, y: t.renorm(x, 2, 0, 1.0),
    "renorm_p1": lambda t, x, y: x.renorm(1, 1, 0.5),
    "renorm_": lambda t, x, y: x.clone().renorm_(2, 0, 1.0),
    "triplet": lambda t, x, y: t.nn.functional.triplet_margin_loss(x, y, 2 * x - y),
    "triplet_swap": lambda t, x, y: t.nn.functional.triplet_margin_loss(x, y, x * 1j, swap=True, reduction="sum"),
}


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("name", list(OPS))
def test_complex_ops_values(name, dt):
    _check(OPS[name], [_rand((3, 4), dt, 2), _rand((3, 4), dt, 3)], dt)


@pytest.mark.parametrize("dt", ["float32", "float64", "complex64", "complex128", "int64"])
def test_float_power_inplace(dt):
    x = _rand((3,), dt if dt != "int64" else "float64").astype(dt)
    for e in (2, 2j):
        try:
            torch.from_numpy(x.copy()).float_power_(e)
        except RuntimeError:
            same_error(lambda t: t.from_numpy(x.copy()).float_power_(e))
        else:
            _check(lambda t, a: a.float_power_(e), [x], "complex128" if "complex" in dt or e == 2j else "float64")


def _leaf(m, arr):
    return m.from_numpy(arr.copy()).requires_grad_(True)


GRADS = {        # ops whose complex gradients glasstorch computes: checked against torch's
    "float_power": lambda t, x, y: t.float_power(x, 2),
    "addcdiv": lambda t, x, y: t.addcdiv(x, x, y, value=0.5),
    "pairwise_distance": lambda t, x, y: t.nn.functional.pairwise_distance(x, y),
    "pairwise_distance_p1": lambda t, x, y: t.nn.functional.pairwise_distance(x, y, 1.0),
    "pairwise_distance_p3": lambda t, x, y: t.nn.functional.pairwise_distance(x, y, 3.0),
    "triplet": lambda t, x, y: t.nn.functional.triplet_margin_loss(x, y, 2 * x - y),
    "cov": lambda t, x, y: t.cov(x),
    "logdet": lambda t, x, y: t.linalg.det(x[:, :3]),
    "inv": lambda t, x, y: t.linalg.inv(x[:, :3]),
    "eigvals": lambda t, x, y: t.linalg.eigvals(x[:, :3]).abs(),
    "eig": lambda t, x, y: t.linalg.eig(x[:, :3])[1].abs(),
    "svdvals": lambda t, x, y: t.linalg.svdvals(x),
    "qr": lambda t, x, y: t.linalg.qr(x)[1].abs(),
}


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("name", list(GRADS))
def test_complex_grads(name, dt):
    arrays = [_rand((3, 4), dt, 2), _rand((3, 4), dt, 3)]
    res = {}
    for m in (torch, glasstorch):
        ins = [_leaf(m, a) for a in arrays]
        out = GRADS[name](m, *ins)
        up = np.asarray(_rand(tuple(out.shape), str(to_np(out).dtype), 7))
        out.backward(m.from_numpy(up.copy()))
        res[m] = (out, ins)
    (o_t, i_t), (o_g, i_g) = res[torch], res[glasstorch]
    assert grad_fn_name(o_t) == grad_fn_name(o_g)
    for a, b in zip(i_t, i_g):
        if a.grad is None:
            assert b.grad is None
            continue
        assert str(a.grad.dtype) == str(b.grad.dtype)
        np.testing.assert_allclose(to_np(b.grad), to_np(a.grad), rtol=TOL[dt] * 10, atol=TOL[dt] * 10)


REFUSED_GRADS = {   # torch differentiates these; glasstorch names the node as torch and refuses backward
    "slogdet": (lambda t, a, h: t.linalg.slogdet(a)[1].sum(), "LinalgSlogdetBackward0"),
    "cholesky": (lambda t, a, h: t.linalg.cholesky(h).abs().sum(), "LinalgCholeskyExBackward0"),
    "torch_cholesky": (lambda t, a, h: t.cholesky(h).abs().sum(), "LinalgCholeskyExBackward0"),
    "renorm": (lambda t, a, h: t.renorm(a, 2, 0, 1.0).abs().sum(), "RenormBackward0"),
}


@pytest.mark.parametrize("name", list(REFUSED_GRADS))
def test_complex_grads_refused(name):
    fn, node = REFUSED_GRADS[name]
    a = _rand((3, 3), "complex128")
    h = _hpd(3, "complex128")
    x, y = _leaf(glasstorch, a), _leaf(glasstorch, h)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        loss = fn(glasstorch, x, y)
    names = set()
    stack = [loss.grad_fn]
    while stack:
        n = stack.pop()
        if n is not None:
            names.add(type(n).__name__)
            stack.extend(f for f, _ in n.next_functions)
    assert node in names
    with pytest.raises(NotImplementedError, match="glasstorch does not support the gradient"):
        loss.backward()


@pytest.mark.parametrize("dt", DTYPES)
def test_forward_with_requires_grad(dt):
    """Results still come out (with torch's grad_fn names) when the input requires grad."""
    a = _rand((3, 3), dt)
    for m in (torch, glasstorch):
        x = _leaf(m, a)
        w, v = m.linalg.eig(x)
        assert type(w.grad_fn).__name__ == "LinalgEigBackward0"
        assert w.grad_fn is v.grad_fn
        s, la = m.linalg.slogdet(x)
        assert str(la.dtype) == ("torch.float32" if dt == "complex64" else "torch.float64")
