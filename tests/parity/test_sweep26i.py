"""Parity pins for sweep26i (robotics course notebooks: kinematics and trajectory optimization).

Fixed in glasstorch:
- ``torch.func.jvp`` / ``jacfwd`` (and so ``hessian``'s outer forward pass) of ops whose backward
  formula is singular at a zero output gradient, as logcumsumexp's ``log|g|`` is: the double-backward
  trick now takes its dummy cotangent u as ones rather than zeros (J^T u is linear in u, so the
  tangent is the same), giving torch's forward-mode tangents instead of nan; the u leaf is the
  transform's own, so a tangent that depends on it (logcumsumexp, matrix_exp) comes back detached
  (no ``ViewBackward0`` grad_fn, requires_grad False) as torch's does (_func_jac.py);
- ``torch.func.jacrev`` of a function with several outputs: each row is one reverse pass over all
  outputs, the others' cotangents zeros, as torch's vmapped vjp over the flattened outputs; their
  zero contributions are summed in, so signed zeros are torch's (``jacrev(lambda x: (x.sin(),
  x.cos()))`` gives 0.0, not -0.0, off the diagonal of cos's block, and a constant output beside
  cos gets -0.0 rows) (_func_jac.py);
- forward-mode tangents of ``linalg.cholesky`` (func.jvp, jacfwd, hessian, forward_ad duals) are
  torch's ``dL = L Phi(L^-1 dA L^-T)`` for any, not only symmetric, dA: the double-backward trick
  now runs its u-linear pass under ``forward_trick()``, where cholesky's backward returns the plain
  adjoint of that formula instead of its symmetrised reverse-mode gradient
  (autograd/_fwd_trick.py, linalg.py, _func_jac.py, autograd/forward_ad.py);
  ``torch.autograd.functional.jvp`` (the double-backward trick in torch too) keeps the symmetrised one;
- the deprecated ``torch.cholesky`` refuses a tangent-carrying input with torch's "Trying to use
  forward AD with cholesky that does not support it" NotImplementedError (ops/linalg_more.py);
- ``forward_ad`` dual tangents take the same u = ones, so logcumsumexp's tangent is no longer nan
  (autograd/forward_ad.py).
"""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from tests.parity._helpers import same_expression, same_outcome

FWD = {
    "jacfwd_logcumsumexp": lambda m, x: m.func.jacfwd(lambda v: m.logcumsumexp(v, 0))(x),
    "jvp_logcumsumexp": lambda m, x: m.func.jvp(lambda v: m.logcumsumexp(v, 0), (x,), (m.ones_like(x),))[1],
    "jvp_logcumsumexp_tuple": lambda m, x: m.func.jvp(lambda v: (m.logcumsumexp(v, 0), v.sin()), (x,),
                                                      (x.cos(),))[1],
    "linearize_logcumsumexp": lambda m, x: m.func.linearize(lambda v: m.logcumsumexp(v, 0), x)[1](m.ones_like(x)),
    "jacfwd_matrix_exp": lambda m, x: m.func.jacfwd(m.linalg.matrix_exp)(x[:4].reshape(2, 2)),
    "jacfwd_softplus": lambda m, x: m.func.jacfwd(m.nn.functional.softplus)(x),
    "jacfwd_normalize": lambda m, x: m.func.jacfwd(lambda v: m.nn.functional.normalize(v, dim=0))(x),
    "jacfwd_cumprod": lambda m, x: m.func.jacfwd(lambda v: m.cumprod(v, 0))(x),
    "jacfwd_relu": lambda m, x: m.func.jacfwd(lambda v: v.relu())(x),
    "jacfwd_tuple": lambda m, x: m.func.jacfwd(lambda v: (v.sin(), v.cos()))(x),
}


@pytest.mark.parametrize("name", sorted(FWD))
def test_forward_mode_tangents(name):
    x = np.array([1.0, 2.0, -0.5, 3.0], dtype=np.float32)
    same_outcome(lambda m: FWD[name](m, m.from_numpy(x.copy())), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", sorted(FWD))
def test_forward_mode_results_are_detached(name):
    x = np.array([1.0, 2.0, -0.5, 3.0], dtype=np.float32)

    def fn(m):
        out = FWD[name](m, m.from_numpy(x.copy()))
        outs = out if isinstance(out, tuple) else (out,)
        return [o.requires_grad for o in outs], [o.grad_fn is None for o in outs]
    assert fn(torch) == fn(glasstorch)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(-5, 5, allow_nan=False, width=32), min_size=1, max_size=5),
       st.sampled_from(["float32", "float64"]))
def test_jvp_logcumsumexp_matches(vals, dtype):
    x = np.array(vals, dtype=dtype)
    t = np.linspace(-1, 1, len(vals)).astype(dtype)

    def fn(m):
        p, tan = m.func.jvp(lambda v: m.logcumsumexp(v, 0), (m.from_numpy(x.copy()),), (m.from_numpy(t.copy()),))
        return p, tan
    same_outcome(fn, rtol=1e-5 if dtype == "float32" else 1e-9, atol=1e-6 if dtype == "float32" else 1e-10)


REV = [
    "t.func.jacrev(lambda x: (x.sin(), x.cos()))(t.tensor([1., 2.]))",
    "t.func.jacrev(lambda x: (x.sin(), x.cos(), x.exp()))(t.tensor([1., 2.]))",
    "t.func.jacrev(lambda x: (x.sin(), x.cos()))(t.tensor([[1., 2.], [0., -3.]]))",
    "t.func.jacrev(lambda x: {'a': x.sin(), 'b': x * 2})(t.tensor([1., -2.]))",
    "t.func.jacrev(lambda x, y: (x * y, x - y), argnums=(0, 1))(t.tensor([1., -2.]), t.tensor([3., 0.]))",
    "t.func.jacrev(lambda x: (x.cos(), t.ones(2)))(t.tensor([1., 2.]))",
    "t.func.jacrev(lambda x: (t.ones(2), x.cos()))(t.tensor([1., 2.]))",
    "t.func.jacrev(lambda x: [x.cos(), x.sum()])(t.tensor([1., 2., 3.]))",
    "t.func.jacrev(lambda x: (x.cos(), x[:0]))(t.tensor([1., 2.]))",
    "t.func.jacrev(lambda x: ((x.sin(), x.cos()), x.sum()), has_aux=True)(t.tensor([1., 2.]))",
    "t.func.vmap(t.func.jacrev(lambda x: (x.sin(), x.cos())))(t.tensor([[1., 2.], [0., -3.]]))",
]


@pytest.mark.parametrize("expr", REV)
def test_jacrev_several_outputs_signed_zeros(expr):
    same_expression(expr, rtol=0, atol=0)


def test_hessian_of_product_of_sums():
    same_expression("t.func.hessian(lambda x: x.sin().sum() * x.cos().sum())(t.tensor([1., 2.]))",
                    rtol=1e-6, atol=1e-6)


def _tree(x):
    if isinstance(x, (tuple, list)):
        return [_tree(v) for v in x]
    if isinstance(x, dict):
        return {k: _tree(v) for k, v in x.items()}
    a = x.detach().numpy()
    return np.round(a.astype(np.float64), 5).tolist(), np.signbit(a).tolist(), str(x.dtype).split(".")[-1]


@pytest.mark.parametrize("expr", REV)
def test_jacrev_several_outputs_structure(expr):
    vals = {}
    for m in (torch, glasstorch):
        scope = {"t": m}
        vals[m] = _tree(eval(expr, scope))
    assert vals[torch] == vals[glasstorch]


SPD = np.array([[2.0, 1.0, 0.2], [1.0, 5.0, -0.3], [0.2, -0.3, 3.0]])
DA = np.array([[0.3, 1.0, 0.0], [-0.4, 0.2, 0.7], [0.5, -1.0, 0.1]])
CHOL = {
    "jvp_lower": lambda m, a, e: m.func.jvp(m.linalg.cholesky, (a,), (e,))[1],
    "jvp_upper": lambda m, a, e: m.func.jvp(lambda x: m.linalg.cholesky(x, upper=True), (a,), (e,))[1],
    "jvp_ex": lambda m, a, e: m.func.jvp(lambda x: m.linalg.cholesky_ex(x).L, (a,), (e,))[1],
    "jvp_batched": lambda m, a, e: m.func.jvp(m.linalg.cholesky, (m.stack([a, 2 * a]),), (m.stack([e, e.T]),))[1],
    "jacfwd": lambda m, a, e: m.func.jacfwd(m.linalg.cholesky)(a),
    "jacfwd_upper": lambda m, a, e: m.func.jacfwd(lambda x: m.linalg.cholesky(x, upper=True))(a),
    "hessian": lambda m, a, e: m.func.hessian(lambda x: m.linalg.cholesky(x).sum())(a),
    "jacrev": lambda m, a, e: m.func.jacrev(m.linalg.cholesky)(a),
    "functional_jvp": lambda m, a, e: m.autograd.functional.jvp(m.linalg.cholesky, a, e)[1],
    "mvn_jvp": lambda m, a, e: m.func.jvp(
        lambda c: m.distributions.MultivariateNormal(m.zeros(3, dtype=c.dtype), c).scale_tril, (a,), (e,))[1],
}


@pytest.mark.parametrize("name", sorted(CHOL))
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_cholesky_forward_mode(name, dtype):
    a, e = SPD.astype(dtype), DA.astype(dtype)
    tol = (1e-5, 1e-6) if dtype == "float32" else (1e-12, 1e-13)
    same_outcome(lambda m: CHOL[name](m, m.from_numpy(a.copy()), m.from_numpy(e.copy())), rtol=tol[0], atol=tol[1])


def test_cholesky_forward_ad_dual():
    def fn(m):
        with m.autograd.forward_ad.dual_level():
            d = m.autograd.forward_ad.make_dual(m.from_numpy(SPD.copy()), m.from_numpy(DA.copy()))
            return m.autograd.forward_ad.unpack_dual(m.linalg.cholesky(d)).tangent
    same_outcome(fn, rtol=1e-12, atol=1e-13)


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 4), st.integers(0, 10_000))
def test_cholesky_jvp_random(n, seed):
    rng = np.random.default_rng(seed)
    b = rng.standard_normal((n, n))
    a = b @ b.T + n * np.eye(n)
    e = rng.standard_normal((n, n))
    same_outcome(lambda m: m.func.jvp(m.linalg.cholesky, (m.from_numpy(a.copy()),), (m.from_numpy(e.copy()),)),
                 rtol=1e-10, atol=1e-11)


@pytest.mark.parametrize("how", ["jvp", "jacfwd", "dual"])
def test_deprecated_cholesky_has_no_forward_ad(how):
    import warnings

    def fn(m):
        a, e = m.from_numpy(SPD.copy()), m.from_numpy(DA.copy())
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if how == "jvp":
                return m.func.jvp(m.cholesky, (a,), (e,))[1]
            if how == "jacfwd":
                return m.func.jacfwd(m.cholesky)(a)
            with m.autograd.forward_ad.dual_level():
                return m.autograd.forward_ad.unpack_dual(m.cholesky(m.autograd.forward_ad.make_dual(a, e))).tangent
    same_outcome(fn)


def test_deprecated_cholesky_reverse_mode_still_works():
    def fn(m):
        import warnings
        a = m.from_numpy(SPD.copy()).requires_grad_()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            L = m.cholesky(a)
        g, = m.autograd.grad(L.sum(), a)
        return L.detach(), g, type(L.grad_fn).__name__
    out_t, out_g = fn(torch), fn(glasstorch)
    np.testing.assert_allclose(out_g[0].numpy(), out_t[0].numpy(), rtol=1e-12)
    np.testing.assert_allclose(out_g[1].numpy(), out_t[1].numpy(), rtol=1e-12, atol=1e-13)
    assert out_t[2] == out_g[2]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_forward_ad_dual_logcumsumexp(dtype):
    x = np.array([1.0, 2.0, 3.0, 7.0], dtype=dtype)
    v = np.array([1.0, -0.5, 0.0, 2.0], dtype=dtype)

    def fn(m):
        with m.autograd.forward_ad.dual_level():
            d = m.autograd.forward_ad.make_dual(m.from_numpy(x.copy()), m.from_numpy(v.copy()))
            return m.autograd.forward_ad.unpack_dual(m.logcumsumexp(d, 0)).tangent
    tol = (1e-5, 1e-6) if dtype == "float32" else (1e-9, 1e-10)    # torch's formula normalises by the max
    same_outcome(fn, rtol=tol[0], atol=tol[1])
