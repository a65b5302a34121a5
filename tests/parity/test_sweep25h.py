"""Parity pins for sweep25h (optimizer comparison notebooks: Rosenbrock, Beale, quadratic bowls,
torch.optim and torch.optim.lr_scheduler).

Fixed in glasstorch:
- ``torch.optim.SGD(..., differentiable=True)`` records its step in the autograd graph, as torch's
  single-tensor algorithm does with grad mode set from ``defaults["differentiable"]``: the updated
  parameter hangs from ``AddBackward0`` (``AddcmulBackward0`` with an lr tensor that requires grad),
  the momentum buffer carries the graph from the second step on, hypergradients through the step
  (d val / d lr, d val / d w0) are torch's, and a leaf parameter that requires grad raises "a leaf
  Variable that requires grad is being used in an in-place operation." (it was stepped silently
  under no_grad, the graph lost) (optim/_differentiable.py, optim/sgd.py);
- ``torch.optim.Adam`` / ``AdamW`` with ``differentiable=True`` likewise run torch's differentiable
  single-tensor branch (float32 step-tensor bias corrections, ``p.addcdiv_(m.clone(), denom)``,
  amsgrad's cloned maximum, tensor betas and lr that require grad), so hypergradients with respect
  to lr, beta1, beta2 and the initial point are torch's (optim/_differentiable.py, optim/adam.py);
- ``addcmul`` / ``addcdiv`` (and their in-place forms) take a 0-d tensor that does not require grad
  as their ``value`` Scalar, as torch's argument parser does (the backward raised a TypeError), and
  refuse other tensors with torch's "addcmul(): argument 'value' must be Number, not Tensor"
  (ops/ternary.py).
"""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from tests.parity._helpers import same_on_both, same_outcome, same_result_or_error

OPTS = [dict(), dict(momentum=0.9), dict(momentum=0.9, nesterov=True), dict(weight_decay=0.1),
        dict(maximize=True, momentum=0.5, dampening=0.2)]


def _unrolled(m, w0, target, steps, dtype, **kw):
    """``steps`` differentiable SGD steps on ||w - target||^2 from w = 1.5 w0; the result and the
    hypergradient of sum(w^2) with respect to w0."""
    t = m.tensor(target, dtype=dtype)
    w0 = w0.requires_grad_()
    w = w0 * 1.5
    opt = m.optim.SGD([w], lr=0.1, differentiable=True, **kw)
    for _ in range(steps):
        (g,) = m.autograd.grad(((w - t) ** 2).sum(), w, create_graph=True)
        w.grad = g
        opt.step()
    (hg,) = m.autograd.grad((w * w).sum(), w0)
    buf = opt.state[w].get("momentum_buffer")
    return w, hg, (buf if buf is not None else m.zeros(1, dtype=dtype))


@pytest.mark.parametrize("kw", OPTS, ids=[str(k) for k in OPTS])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_differentiable_sgd_unrolled(kw, dtype):
    target = [0.5, 0.1, -0.7]

    def fn(m, w0):
        return _unrolled(m, w0, target, 3, getattr(m, dtype), **kw)

    same_on_both(fn, [np.array([1.0, -2.0, 0.3], dtype=dtype)], grad=False)


@settings(max_examples=20, deadline=None)
@given(st.lists(st.floats(-3, 3), min_size=2, max_size=5), st.integers(1, 4),
       st.sampled_from(range(len(OPTS))))
def test_differentiable_sgd_hypothesis(vals, steps, k):
    x = np.array(vals, dtype=np.float64)
    target = list(np.linspace(-1, 1, len(vals)))
    same_on_both(lambda m, w0: _unrolled(m, w0, target, steps, m.float64, **OPTS[k]), [x], grad=False)


@pytest.mark.parametrize("wd", [0.0, 0.01])
def test_differentiable_sgd_lr_tensor_hypergradient(wd):
    def fn(m):
        lr = m.tensor(0.05, requires_grad=True)
        w = m.tensor([1.0, -2.0]).requires_grad_().clone()
        opt = m.optim.SGD([w], lr=lr, weight_decay=wd, differentiable=True)
        w.grad = m.tensor([0.5, 1.0])
        opt.step()
        return w, m.autograd.grad((w ** 2).sum(), lr)[0]
    same_outcome(fn)


def test_differentiable_sgd_leaf_parameter_raises():
    def fn(m):
        w = m.tensor([1.0, -2.0], requires_grad=True)
        opt = m.optim.SGD([w], lr=0.1, differentiable=True)
        w.grad = m.ones(2)
        opt.step()
        return w
    same_outcome(fn)


def test_differentiable_sgd_plain_tensors_and_scalars():
    def fn(m):
        a = m.tensor([1.0, -2.0])
        b = m.tensor(1.0, requires_grad=True) * 2
        opt = m.optim.SGD([a, b], lr=0.1, differentiable=True, momentum=0.9)
        a.grad, b.grad = m.ones(2), m.tensor(3.0)
        opt.step()
        opt.step()
        return a, b, opt.state[b]["momentum_buffer"], m.tensor(m.is_grad_enabled())
    same_outcome(fn)


def test_non_differentiable_sgd_records_nothing():
    def fn(m):
        w0 = m.tensor([1.0, -2.0], requires_grad=True)
        w = w0 * 1
        opt = m.optim.SGD([w], lr=0.1, momentum=0.5, differentiable=False)
        for _ in range(2):
            (g,) = m.autograd.grad((w ** 2).sum(), w, create_graph=True)
            w.grad = g
            opt.step()
        return w
    same_outcome(fn)


ADAM_OPTS = [dict(), dict(amsgrad=True), dict(weight_decay=0.1), dict(maximize=True, weight_decay=0.05, amsgrad=True),
             dict(betas=(0.8, 0.9))]


@pytest.mark.parametrize("cls", ["Adam", "AdamW"])
@pytest.mark.parametrize("kw", ADAM_OPTS, ids=[str(k) for k in ADAM_OPTS])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_differentiable_adam_unrolled(cls, kw, dtype):
    def fn(m):
        d = getattr(m, dtype)
        w0 = m.tensor([1.0, -2.0, 0.3], dtype=d, requires_grad=True)
        t = m.tensor([0.5, 0.1, -0.7], dtype=d)
        w = w0 * 1.5
        opt = getattr(m.optim, cls)([w], lr=0.1, differentiable=True, **kw)
        for _ in range(3):
            (g,) = m.autograd.grad(((w - t) ** 2).sum(), w, create_graph=True)
            w.grad = g
            opt.step()
        st = opt.state[w]
        extra = [st["max_exp_avg_sq"]] if "amsgrad" in kw else []
        return (w, m.autograd.grad((w * w).sum(), w0)[0], st["step"], st["exp_avg"], st["exp_avg_sq"], *extra)
    same_outcome(fn)


@pytest.mark.parametrize("beta_grad", [False, True])
def test_differentiable_adam_hyperparameter_gradients(beta_grad):
    def fn(m):
        lr = m.tensor(0.05, requires_grad=True)
        b1 = m.tensor(0.9, requires_grad=beta_grad)
        b2 = m.tensor(0.99, requires_grad=beta_grad)
        w = m.tensor([1.0, -2.0]).requires_grad_().clone()
        opt = m.optim.Adam([w], lr=lr, betas=(b1, b2), differentiable=True)
        for _ in range(2):
            w.grad = m.tensor([0.5, 1.0]) * (w.detach() + 1)
            opt.step()
        wrt = [lr, b1, b2] if beta_grad else [lr]
        return (w, *m.autograd.grad((w ** 2).sum(), wrt))
    same_outcome(fn)


def test_differentiable_adam_leaf_parameter_raises():
    def fn(m):
        w = m.tensor([1.0, -2.0], requires_grad=True)
        opt = m.optim.Adam([w], lr=0.1, differentiable=True)
        w.grad = m.ones(2)
        opt.step()
        return w
    same_outcome(fn)


VALUES = {"f32_0d": lambda m: m.tensor(0.5), "i64_0d": lambda m: m.tensor(2), "f64_0d": lambda m: m.tensor(0.3,
          dtype=m.float64), "one_elem_1d": lambda m: m.tensor([0.5]), "requires_grad": lambda m: m.tensor(
          1.5, requires_grad=True), "two_elems": lambda m: m.tensor([0.5, 1.0]), "bool_0d": lambda m: m.tensor(True)}


@pytest.mark.parametrize("op", ["addcmul", "addcdiv"])
@pytest.mark.parametrize("vname", sorted(VALUES))
def test_addc_tensor_value(op, vname):
    def fn(m, c, a, b):
        return getattr(m, op)(c, a, b, value=VALUES[vname](m))
    same_result_or_error(fn, [np.array([0.5, 0.25]), np.array([1.0, 2.0]), np.array([3.0, 4.0])])


@pytest.mark.parametrize("op", ["addcmul_", "addcdiv_"])
@pytest.mark.parametrize("vname", sorted(VALUES))
def test_addc_inplace_tensor_value(op, vname):
    def fn(m):
        x = m.tensor([0.5, 0.25])
        return getattr(x, op)(m.tensor([1.0, 2.0]), m.tensor([3.0, 4.0]), value=VALUES[vname](m))
    same_outcome(fn)


@settings(max_examples=25, deadline=None)
@given(st.floats(-4, 4), st.sampled_from(["float32", "float64"]))
def test_addcmul_tensor_value_matches_number(v, dtype):
    arrs = [np.array([0.5, -0.25, 2.0], dtype=dtype), np.array([1.0, 2.0, -3.0], dtype=dtype),
            np.array([3.0, 4.0, 0.5], dtype=dtype)]
    same_on_both(lambda m, c, a, b: m.addcmul(c, a, b, value=m.tensor(v, dtype=getattr(m, dtype))), arrs)
    same_on_both(lambda m, c, a, b: m.addcdiv(c, a, b, value=m.tensor(v, dtype=getattr(m, dtype))), arrs)


def test_differentiable_steps_gradcheck():
    """The recorded steps are the update's true derivative (float64): w after two SGD / Adam steps as
    a function of the initial point and the lr."""
    import glasstorch as gt
    from glasstorch.autograd.gradcheck import gradcheck

    def unrolled(cls, **kw):
        def f(w0, lr):
            w = w0 * 1.0
            opt = cls([w], lr=lr, differentiable=True, **kw)
            for _ in range(2):
                (g,) = gt.autograd.grad(((w - 0.5) ** 3).sum(), w, create_graph=True)
                w.grad = g
                opt.step()
            return w
        return f

    w0 = gt.tensor([1.0, -0.7, 0.2], dtype=gt.float64, requires_grad=True)
    lr = gt.tensor(0.05, dtype=gt.float64, requires_grad=True)
    assert gradcheck(unrolled(gt.optim.SGD), (w0, lr))
    assert gradcheck(unrolled(gt.optim.SGD, weight_decay=0.1), (w0, lr))
    assert gradcheck(unrolled(gt.optim.Adam, betas=(0.8, 0.9)), (w0, lr))
