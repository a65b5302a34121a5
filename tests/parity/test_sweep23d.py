"""Differences found by the sweep23d molecular / materials programs (SchNet energies and forces, a
Lennard-Jones fluid with periodic boundaries and velocity Verlet, inertia tensors and rotation
invariance, hand-written scatter pooling, PaiNN-style message passing with torch.func Hessians).

* ``cdist`` / ``pdist`` under forward-mode AD (``torch.func.jvp``, ``jacfwd``, ``hessian``,
  ``autograd.forward_ad``): torch has no forward derivative for ``_cdist_forward``, ``_euclidean_dist``
  (cdist's matmul path) or ``_pdist_forward`` and raises NotImplementedError naming the op when one
  runs on a tensor carrying a tangent; glasstorch (forward mode built on double backward) raised the
  message of the double backward instead (``_cdist_backward``) or, on cdist's matmul path, answered.
  Tensors without a tangent (constants, parameters closed over) still pass, as in torch.
* ``segment_reduce`` double backward: torch's ``_segment_reduce_backward`` has no derivative, so a
  gradient taken with ``create_graph=True`` raises when differentiated again; glasstorch silently
  dropped the second-order terms.
"""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import glasstorch
import torch

from ._helpers import same_error, same_on_both, same_outcome


def _x(mod, shape=(4, 3), seed=0):
    return mod.from_numpy(np.random.default_rng(seed).standard_normal(shape))


# ---- cdist / pdist refuse forward-mode AD ----------------------------------------------------------
DIST = {
    "cdist": lambda t, p: t.cdist(p, p).sum(),
    "cdist_p1": lambda t, p: t.cdist(p, p, p=1).sum(),
    "cdist_pinf": lambda t, p: t.cdist(p, p, p=float("inf")).sum(),
    "cdist_mm": lambda t, p: t.cdist(p, p.detach() + 1, compute_mode="use_mm_for_euclid_dist").sum(),
    "cdist_x2_only": lambda t, p: t.cdist(p.detach() * 2, p).sum(),
    "cdist_batched": lambda t, p: t.cdist(p[None], p[None].expand(2, 4, 3)).sum(),
    "pdist": lambda t, p: t.pdist(p).sum(),
    "pdist_p3": lambda t, p: t.pdist(p, p=3).sum(),
    "functional_pdist": lambda t, p: t.nn.functional.pdist(p * 2).sum(),
}
TRANSFORMS = {
    "jvp": lambda t, f, x: t.func.jvp(f, (x,), (t.ones_like(x),)),
    "jacfwd": lambda t, f, x: t.func.jacfwd(f)(x),
    "hessian": lambda t, f, x: t.func.hessian(f)(x),
    "jacfwd_of_jacrev": lambda t, f, x: t.func.jacfwd(t.func.jacrev(f))(x),
    "jacrev_of_jacfwd": lambda t, f, x: t.func.jacrev(t.func.jacfwd(f))(x),
}


@pytest.mark.parametrize("tr", sorted(TRANSFORMS))
@pytest.mark.parametrize("op", sorted(DIST))
def test_distance_ops_refuse_forward_mode(op, tr):
    same_error(lambda t: TRANSFORMS[tr](t, lambda p: DIST[op](t, p), _x(t)))


def test_cdist_of_more_than_25_rows_names_euclidean_dist_under_jvp():
    same_error(lambda t: t.func.jvp(lambda p: t.cdist(p, p).sum(), (_x(t, (30, 3)),), (_x(t, (30, 3), 1),)))


def test_distance_ops_refuse_dual_tensors():
    def run(t, op):
        fwAD = t.autograd.forward_ad
        with fwAD.dual_level():
            d = fwAD.make_dual(_x(t), _x(t, seed=1))
            return fwAD.unpack_dual(DIST[op](t, d * 1.5)).tangent
    for op in ("cdist", "cdist_mm", "pdist"):
        same_error(run, op)


@pytest.mark.parametrize("tr", ["jvp", "jacfwd", "hessian"])
def test_distances_without_a_tangent_pass_forward_mode(tr):
    # constants and a parameter closed over carry no tangent: torch computes, and so must glasstorch
    def fn(t):
        w = _x(t, seed=3).requires_grad_(True)
        const = _x(t, seed=2)

        def f(p):
            return (p * p).sum() + t.cdist(const, const).sum() + t.pdist(w).sum() + t.cdist(w, const, p=1).sum()
        out = TRANSFORMS[tr](t, f, _x(t))
        return tuple(o.detach() for o in out) if isinstance(out, tuple) else out.detach()
    same_outcome(fn, rtol=1e-13)        # pdist's sum of 6 distances: torch adds them in another order


@pytest.mark.parametrize("op", ["cdist", "cdist_p1", "cdist_mm", "pdist"])
def test_distance_ops_still_work_under_jacrev(op):
    same_outcome(lambda t: t.func.jacrev(lambda p: DIST[op](t, p))(_x(t)), rtol=1e-12, atol=1e-12)


@settings(max_examples=15, deadline=None)
@given(n=st.integers(1, 6), m=st.integers(1, 6), d=st.integers(1, 4), p=st.sampled_from([1.0, 2.0, 3.0]))
def test_cdist_tangent_in_either_input_refuses_jvp(n, m, d, p):
    def run(t, which):
        a, b = _x(t, (n, d)), _x(t, (m, d), 1)
        if which == 0:
            return t.func.jvp(lambda u: t.cdist(u, b, p=p), (a,), (t.ones_like(a),))
        return t.func.jvp(lambda u: t.cdist(a, u, p=p), (b,), (t.ones_like(b),))
    same_error(run, 0)
    same_error(run, 1)


# ---- segment_reduce: no double backward ------------------------------------------------------------
@pytest.mark.parametrize("red", ["sum", "mean", "max", "min", "prod"])
def test_segment_reduce_gradient_is_not_differentiable(red):
    def run(t):
        x = _x(t, (6,)).requires_grad_(True)
        y = t.segment_reduce(x * x, red, lengths=t.tensor([2, 4]))
        (g,) = t.autograd.grad(y.sum(), x, create_graph=True)
        return t.autograd.grad(g.sum(), x)
    same_error(run)


@pytest.mark.parametrize("red", ["sum", "mean", "max", "prod"])
def test_segment_reduce_first_order_gradient_under_create_graph(red):
    # the gradient itself is still right, keeps requires_grad and a grad_fn name as torch's
    def fn(t):
        x = t.tensor([0.5, -1.0, 2.0, 3.0, -0.25], dtype=t.float64, requires_grad=True)
        y = t.segment_reduce(x, red, lengths=t.tensor([3, 0, 2]), initial=1.5 if red == "prod" else None)
        (g,) = t.autograd.grad((y * y).sum(), x, create_graph=True)
        return g
    same_outcome(fn)


def test_segment_reduce_gradient_with_a_weight_requiring_grad():
    def run(t):
        x = _x(t, (5,)).requires_grad_(True)
        w = t.ones(2, dtype=t.float64, requires_grad=True)
        (g,) = t.autograd.grad((t.segment_reduce(x, "sum", lengths=t.tensor([2, 3])) * w).sum(), x,
                               create_graph=True)
        return t.autograd.grad(g.sum(), w)
    same_error(run)


def test_segment_reduce_refusal_names_torchs_node():
    x = glasstorch.randn(4, dtype=glasstorch.float64, requires_grad=True)
    (g,) = glasstorch.autograd.grad(glasstorch.segment_reduce(x, "sum", lengths=glasstorch.tensor([4])).sum(), x,
                                    create_graph=True)
    xt = torch.randn(4, dtype=torch.float64, requires_grad=True)
    (gt,) = torch.autograd.grad(torch.segment_reduce(xt, "sum", lengths=torch.tensor([4])).sum(), xt,
                                create_graph=True)
    assert type(g.grad_fn).__name__ == type(gt.grad_fn).__name__ == "NotImplemented"
    assert g.grad_fn.name() == gt.grad_fn.name()
