"""Parity of matrix products in every rank combination (grad_fn names included), einsum, tensordot,
kron, torch.linalg, and their errors.  BLAS sums in its own order, so values get a tolerance."""
import numpy as np
import pytest

from ._helpers import same_on_both, same_error

TOL = dict(rtol=1e-5, atol=1e-5)


def arr(shape, seed=0, dtype=np.float32):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


@pytest.mark.parametrize("sa,sb", [((4,), (4,)), ((3, 4), (4,)), ((4,), (4, 5)), ((3, 4), (4, 5)),
                                   ((2, 3, 4), (4,)), ((2, 3, 4), (4, 5)), ((2, 3, 4), (2, 4, 5)),
                                   ((4,), (2, 4, 5)), ((3, 4), (2, 4, 5)), ((2, 1, 3, 4), (5, 4, 2)),
                                   ((0, 4), (4, 2))])
def test_matmul_ranks(sa, sb):
    same_on_both(lambda t, a, b: a @ b, [arr(sa), arr(sb, 1)], **TOL)
    same_on_both(lambda t, a, b: t.matmul(a, b.double().float()), [arr(sa), arr(sb, 1)], **TOL)


def test_products():
    a, b, v = arr((3, 4)), arr((4, 5), 1), arr((4,), 2)
    same_on_both(lambda t, a, b: t.mm(a, b), [a, b], **TOL)
    same_on_both(lambda t, a, v: t.mv(a, v), [a, v], **TOL)
    same_on_both(lambda t, v: t.dot(v, v * 2), [v], **TOL)
    same_on_both(lambda t, v, w: t.outer(v, w), [v, arr((3,), 3)], **TOL)
    same_on_both(lambda t, c, a, b: t.addmm(c, a, b), [arr((5,), 4), a, b], **TOL)
    same_on_both(lambda t, c, a, b: t.addmm(c, a, b, beta=0.5, alpha=2), [arr((3, 5), 4), a, b], **TOL)
    same_on_both(lambda t, x, y: t.bmm(x, y), [arr((2, 3, 4)), arr((2, 4, 5), 1)], **TOL)
    same_on_both(lambda t, c, x, y: t.baddbmm(c, x, y), [arr((2, 3, 5), 2), arr((2, 3, 4)), arr((2, 4, 5), 1)],
                 **TOL)
    same_on_both(lambda t, a, b: t.tensordot(a, b, dims=([1], [0])), [a, b], **TOL)
    same_on_both(lambda t, a, b: t.tensordot(a, b, dims=1), [a, b], **TOL)
    same_on_both(lambda t, a, b: t.kron(a, b), [arr((2, 2)), arr((2, 3), 1)], **TOL)


@pytest.mark.parametrize("spec,shapes", [("ij,jk->ik", [(3, 4), (4, 5)]), ("ij,j->i", [(3, 4), (4,)]),
                                         ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]), ("ij->ji", [(3, 4)]),
                                         ("ij->", [(3, 4)]), ("i,j->ij", [(3,), (4,)]),
                                         ("...ij,...jk", [(2, 3, 4), (4, 2)]), ("ij,ij->i", [(3, 4), (3, 4)])])
def test_einsum(spec, shapes):
    ins = [arr(s, i) for i, s in enumerate(shapes)]
    out = same_on_both(lambda t, *xs: t.einsum(spec, *xs), ins, **TOL) if spec in ("ij,jk->ik", "ij,j->i") else None
    if out is None:   # torch's grad_fn varies with the contraction; compare values and gradients only
        from ._helpers import MODS, make, assert_same_array
        import torch
        import glasstorch
        res = {}
        for m in MODS:
            xs = [make(m, a, True) for a in ins]
            y = m.einsum(spec, *xs)
            y.backward(m.from_numpy(np.ones(tuple(y.shape), np.float32)))
            res[m] = (y, [x.grad for x in xs])
        assert_same_array(res[torch][0], res[glasstorch][0], **TOL)
        for gt, gg in zip(res[torch][1], res[glasstorch][1]):
            assert_same_array(gt, gg, **TOL)


def test_linalg():
    A = arr((3, 3)).astype(np.float64) + 3 * np.eye(3)
    B = arr((3, 2), 1).astype(np.float64)
    T = dict(rtol=1e-10, atol=1e-12)
    same_on_both(lambda t, a: t.linalg.inv(a), [A], **T)
    same_on_both(lambda t, a: t.linalg.det(a), [A], **T)
    same_on_both(lambda t, a, b: t.linalg.solve(a, b), [A, B], **T)
    same_on_both(lambda t, a: t.linalg.norm(a), [A], **T)
    same_on_both(lambda t, a: t.linalg.vector_norm(a, 1, dim=0), [A], **T)
    spd = A @ A.T
    same_on_both(lambda t, a: t.linalg.cholesky(a), [spd], grad=False, **T)
    for name in ("qr", "svd"):
        from ._helpers import MODS
        outs = [getattr(m.linalg, name)(m.from_numpy(A.copy())) for m in MODS]
        rebuilt = [(o[0] @ o[1]) if name == "qr" else (o[0] * o[1]) @ o[2] for o in outs]
        np.testing.assert_allclose(rebuilt[1].numpy(), A, atol=1e-10)


def test_matmul_errors():
    same_error(lambda t: t.ones(2, 3) @ t.ones(2, 3))
    same_error(lambda t: t.mm(t.ones(2, 3), t.ones(4, 5)))
    same_error(lambda t: t.ones(3) @ t.ones(4, 5))
    same_error(lambda t: t.ones(2, 3) @ t.ones(4))
    same_error(lambda t: t.ones(3) @ t.ones(4))
    same_error(lambda t: t.ones(2, 2, 3) @ t.ones(2, 4, 5))
    same_error(lambda t: t.ones(2, 2) @ t.ones(2, 2, dtype=t.float64))
    same_error(lambda t: t.ones(2, 2) @ t.ones(2, 2, dtype=t.int64))
    same_error(lambda t: t.outer(t.ones(2, 2), t.ones(2)))
    same_error(lambda t: t.tensor(1.) @ t.ones(2))


def test_lstsq():
    """linalg.lstsq: the solution and its gradients (through pinv), every driver's extra outputs, batches."""
    T = dict(rtol=1e-4, atol=1e-5)
    A, B, b = arr((5, 3)), arr((5, 2), 1), arr((5,), 2)
    same_on_both(lambda t, a, b: t.linalg.lstsq(a, b).solution, [A, B], **T)
    same_on_both(lambda t, a, b: t.linalg.lstsq(a, b).solution, [A, b], **T)          # vector right side
    same_on_both(lambda t, a, b: t.linalg.lstsq(a, b).solution, [A.T.copy(), arr((3, 2), 3)], **T)   # wide
    same_on_both(lambda t, a, b: t.linalg.lstsq(a, b).solution, [arr((2, 5, 3)), arr((1, 5, 2), 4)], **T)  # batch
    for driver in ("gelsy", "gels", "gelsd", "gelss"):
        same_on_both(lambda t, a, b: tuple(t.linalg.lstsq(a, b, driver=driver))[1:], [A, B], grad=False, **T)
    same_on_both(lambda t, a, b: tuple(t.linalg.lstsq(a, b, driver="gelsd"))[1:], [arr((2, 5, 3)), arr((2, 5), 4)],
                 grad=False, **T)
    import torch
    import glasstorch
    assert repr(torch.linalg.lstsq(torch.eye(2), torch.ones(2))) == \
        repr(glasstorch.linalg.lstsq(glasstorch.eye(2), glasstorch.ones(2)))
    same_error(lambda t: t.linalg.lstsq(t.ones(5, 3), t.ones(4)))
    same_error(lambda t: t.linalg.lstsq(t.ones(5, 3, dtype=t.int64), t.ones(5, dtype=t.int64)))
    same_error(lambda t: t.linalg.lstsq(t.ones(5, 3), t.ones(2, 2, 5)))
    same_error(lambda t: t.linalg.lstsq(t.ones(5, 3), t.tensor(1.)))
    same_error(lambda t: t.linalg.lstsq(t.ones(5, 3, dtype=t.float64), t.ones(5)))
    same_error(lambda t: t.linalg.lstsq(t.ones(3), t.ones(3)))
    same_error(lambda t: t.linalg.lstsq(t.ones(5, 3), t.ones(5), driver="foo"))
    same_error(lambda t: t.linalg.lstsq(t.ones(2, 5, 3), t.ones(5, 2)))


def test_linalg_old_names_and_pinv():
    """torch.det / inverse / logdet / slogdet / pinverse / svd / matrix_power and linalg.pinv,
    multi_dot, vecdot, matrix_power: values, grad_fn names and gradients."""
    T = dict(rtol=1e-4, atol=1e-5)
    A = arr((3, 3)) + 3 * np.eye(3, dtype=np.float32)
    W = arr((4, 3), 1)
    same_on_both(lambda t, a: t.det(a), [A], **T)
    same_on_both(lambda t, a: a.det(), [A], **T)
    same_on_both(lambda t, a: t.inverse(a), [A], **T)
    same_on_both(lambda t, a: a.inverse(), [A], **T)
    same_on_both(lambda t, a: t.logdet(a), [A], **T)
    same_on_both(lambda t, a: t.logdet(-a), [A], grad=False, **T)                # det < 0 gives nan
    same_on_both(lambda t, a: tuple(t.slogdet(a)), [A], **T)
    same_on_both(lambda t, a: tuple(t.linalg.slogdet(a)), [A], **T)
    same_on_both(lambda t, w: t.pinverse(w), [W], **T)
    same_on_both(lambda t, w: t.linalg.pinv(w), [W.T.copy()], **T)
    same_on_both(lambda t, w: t.linalg.pinv(w @ w.T, hermitian=True), [W], grad=False, **T)
    for n in (-2, 1, 2, 3, 5, 6):
        same_on_both(lambda t, a: t.matrix_power(a, n), [A / 3], **T)
    same_on_both(lambda t, a: t.linalg.matrix_power(a, 4), [A / 3], **T)
    same_on_both(lambda t, a: a.matrix_power(0), [A], grad=False)
    same_on_both(lambda t, a, b, c: t.linalg.multi_dot([a, b, c]), [arr((2, 5)), arr((5, 4), 1), arr((4, 3), 2)],
                 **T)
    same_on_both(lambda t, a, b, c, d: t.linalg.multi_dot([a, b, c, d]),
                 [arr((5,)), arr((5, 2), 1), arr((2, 6), 2), arr((6,), 3)], **T)
    same_on_both(lambda t, a, b: t.linalg.vecdot(a, b), [W, arr((4, 3), 2)], **T)
    import torch
    import glasstorch
    for m in (torch, glasstorch):                    # svd: U diag(S) V^T rebuilds A; V, not V^H
        U, S, V = m.svd(m.from_numpy(W.copy()))
        np.testing.assert_allclose((U * S @ V.T).numpy(), W, atol=1e-5)
        assert tuple(U.shape) == (4, 3) and tuple(V.shape) == (3, 3)
        U, S, V = m.svd(m.from_numpy(W.copy()), some=False)
        assert tuple(U.shape) == (4, 4)
    assert repr(torch.slogdet(torch.eye(2))) == repr(glasstorch.slogdet(glasstorch.eye(2)))
    assert repr(torch.linalg.slogdet(torch.eye(2))) == repr(glasstorch.linalg.slogdet(glasstorch.eye(2)))
    same_error(lambda t: t.matrix_power(t.ones(2, 3), 2))
    same_error(lambda t: t.linalg.multi_dot([t.ones(2, 3)]))
    same_error(lambda t: t.linalg.multi_dot([t.ones(2, 3), t.ones(2, 3)]))


def test_scalar_results_backward_from_a_plain_backward():
    """y.backward() on a 0-d det / einsum / pairwise distance: the seed gradient is a NumPy scalar."""
    import torch
    import glasstorch
    A0 = arr((3, 3)) + 3 * np.eye(3, dtype=np.float32)
    for fn in (lambda m, a: m.linalg.det(a), lambda m, a: m.einsum("ij->", a), lambda m, a: m.trace(a),
               lambda m, a: m.einsum("i,i->", a[0], a[1]), lambda m, a: m.nn.functional.pairwise_distance(a[0], a[1]),
               lambda m, a: m.logdet(a), lambda m, a: m.linalg.slogdet(a)[1]):
        grads = []
        for m in (torch, glasstorch):
            a = m.from_numpy(A0.copy()).requires_grad_(True)
            fn(m, a).backward()
            grads.append(a.grad.numpy())
        np.testing.assert_allclose(grads[1], grads[0], rtol=1e-5, atol=1e-6)
