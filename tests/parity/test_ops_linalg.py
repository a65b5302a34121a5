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
