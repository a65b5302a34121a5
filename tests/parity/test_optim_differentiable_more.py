"""Parity pins for ``differentiable=True`` on the optimizers other than SGD / Adam / AdamW.

Fixed in glasstorch:
- ``RMSprop``, ``Adagrad``, ``Adadelta``, ``NAdam``, ``RAdam``, ``Adamax``, ``ASGD`` and ``Rprop`` with
  ``differentiable=True`` ran their array kernels and left the step out of the autograd graph (the
  updated parameter kept its old grad_fn, hypergradients were missing or wrong); they now run torch's
  ``_single_tensor_<name>`` op for op (its differentiable branches: ``avg.add(eps)``, Adadelta's
  ``delta.clone()``, NAdam's tensor coefficients, Adamax's ``cat`` + ``amax``, Rprop's ``prev.clone()``
  and masked writes), grad mode from the defaults as ``_use_grad_for_differentiable`` sets it, MKL's
  sqrt values: the parameter, the state and the hypergradients with respect to the initial point and
  a tensor lr are torch's, grad_fn names included (optim/_differentiable_more.py and the eight
  optimizer modules);
- Adagrad's sparse-gradient branch runs torch's sparse ops there (``coalesce``, ``sparse_mask``, dense +=
  sparse: the parameter hangs from AddBackward0);
- a leaf parameter that requires grad raises torch's in-place error at such a step (it was updated
  silently);
- ``foreach=True`` with ``differentiable=True`` raises torch's AssertionError "_foreach ops don't
  support autograd" (Adagrad, Adadelta and Adamax even with no gradients), and ``capturable=True`` on
  CPU tensors raises torch's AssertionError naming the supported devices, with the single-tensor or
  the multi-tensor wording (both were ignored), for these eight and for ``Adam`` / ``AdamW`` (whose
  multi-tensor step checks capturable first; fused ignores capturable on the CPU, as torch);
- ``add`` / ``add_`` / ``sub`` / ``sub_`` refuse an ``alpha`` tensor that requires grad with torch's
  "add_(): argument 'alpha' must be Number, not Tensor" (RMSprop's momentum step with an lr tensor
  that requires grad), where a RuntimeError from ``numpy()`` came out (ops/arithmetic.py).
LBFGS and SparseAdam take no ``differentiable`` argument in torch 2.13: both raise the same TypeError.
"""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from tests.parity._helpers import same_outcome

OPTS = {
    "RMSprop": [dict(), dict(momentum=0.9), dict(centered=True), dict(centered=True, momentum=0.5, weight_decay=0.1),
                dict(maximize=True, alpha=0.9)],
    "Adagrad": [dict(), dict(lr_decay=0.1, weight_decay=0.1), dict(initial_accumulator_value=0.5, maximize=True)],
    "Adadelta": [dict(), dict(rho=0.5, weight_decay=0.1), dict(maximize=True, lr=0.5)],
    "NAdam": [dict(), dict(weight_decay=0.1), dict(weight_decay=0.1, decoupled_weight_decay=True),
              dict(betas=(0.8, 0.9), maximize=True, momentum_decay=0.1)],
    "RAdam": [dict(), dict(weight_decay=0.1), dict(weight_decay=0.1, decoupled_weight_decay=True),
              dict(betas=(0.8, 0.9), maximize=True)],
    "Adamax": [dict(), dict(weight_decay=0.1), dict(maximize=True, betas=(0.5, 0.9))],
    "ASGD": [dict(), dict(t0=1, lambd=0.1, weight_decay=0.1), dict(maximize=True, alpha=0.5, t0=0)],
    "Rprop": [dict(), dict(etas=(0.3, 1.5), step_sizes=(1e-3, 0.2)), dict(maximize=True)],
}
CASES = [(name, i) for name, opts in OPTS.items() for i in range(len(opts))]
NAMES = list(OPTS)
# RAdam's rectified step starts once rho_t > 5 (step 6 with these betas): run past it
STEPS = {"RAdam": 7}


def _state(m, opt, w):
    return [v if isinstance(v, m.Tensor) else m.tensor(float(v)) for _, v in sorted(opt.state[w].items())]


def _unrolled(m, name, kw, w0, steps, lr=0.1):
    """``steps`` differentiable steps on sum((w - t)^2 * s) from w = 1.5 w0: w, the hypergradient of
    sum(w^2) with respect to w0, and the optimizer's state."""
    w0, d = w0.requires_grad_(), w0.dtype
    t = m.linspace(-0.5, 0.7, w0.numel(), dtype=d)
    s = m.linspace(1.0, 3.0, w0.numel(), dtype=d)
    w = w0 * 1.5
    opt = getattr(m.optim, name)([w], **{"lr": lr, **kw}, differentiable=True)
    for _ in range(steps):
        (g,) = m.autograd.grad(((w - t) ** 2 * s).sum(), w, create_graph=True)
        w.grad = g
        opt.step()
    (hg,) = m.autograd.grad((w * w).sum(), w0)
    return (w, hg, *_state(m, opt, w))


def _same_unrolled(name, k, x, steps, lr=0.1):
    """torch's unrolled result, or its error: the backward through several steps of centered RMSprop,
    Adamax and Rprop meets state that a later step changed in place (torch's own version check)."""
    same_outcome(lambda m: _unrolled(m, name, OPTS[name][k], m.from_numpy(x.copy()), steps, lr))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name,k", CASES, ids=[f"{n}-{k}" for n, k in CASES])
def test_unrolled(name, k, dtype):
    _same_unrolled(name, k, np.array([1.0, -2.0, 0.3, 0.05], dtype=dtype), STEPS.get(name, 3))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name,k", CASES, ids=[f"{n}-{k}" for n, k in CASES])
def test_one_step(name, k, dtype):
    _same_unrolled(name, k, np.array([1.0, -2.0, 0.3, 0.05], dtype=dtype), 1)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(-3, 3), min_size=1, max_size=5), st.integers(1, 8), st.sampled_from(CASES),
       st.sampled_from([0.01, 0.1, 0.5]))
def test_unrolled_hypothesis(vals, steps, case, lr):
    _same_unrolled(*case, np.array(vals, dtype=np.float64), steps, lr)


@pytest.mark.parametrize("name", NAMES)
def test_unrolled_complex(name):
    def fn(m):
        w0 = m.tensor([1.0 + 0.5j, -2.0 + 0.1j], dtype=m.complex64, requires_grad=True)
        t = m.tensor([0.5 - 0.2j, 0.3 + 0.4j], dtype=m.complex64)
        w = w0 * 1.5
        opt = getattr(m.optim, name)([w], lr=0.1, differentiable=True)
        # Adamax and Rprop: one step, as torch's backward through more fails its version check, with a
        # message naming the view_as_real view's regenerated node, which glasstorch names AsStrided
        for _ in range(1 if name in ("Adamax", "Rprop") else STEPS.get(name, 3)):
            (g,) = m.autograd.grad((w - t).abs().pow(2).sum(), w, create_graph=True)
            w.grad = g
            opt.step()
        return (w, m.autograd.grad(w.abs().sum(), w0)[0], *_state(m, opt, w))
    same_outcome(fn)


@pytest.mark.parametrize("requires_grad", [False, True])
@pytest.mark.parametrize("name,k", CASES, ids=[f"{n}-{k}" for n, k in CASES])
def test_lr_tensor(name, k, requires_grad):
    """A tensor lr: torch takes it where the step uses it as a tensor and refuses it (TypeError) where
    it becomes a Scalar argument; its hypergradient where it flows."""
    if name == "Rprop":         # Rprop's lr only seeds the step sizes
        requires_grad = False

    def fn(m):
        lr = m.tensor([0.05], dtype=m.float64, requires_grad=requires_grad)
        w = m.tensor([1.0, -2.0, 0.3], dtype=m.float64).requires_grad_().clone()
        opt = getattr(m.optim, name)([w], **{**OPTS[name][k], "lr": lr}, differentiable=True)
        for i in range(STEPS.get(name, 2)):
            w.grad = m.tensor([0.5, 1.0, -0.3], dtype=m.float64) * (w.detach() + i)
            opt.step()
        out = [w, *_state(m, opt, w)]
        if requires_grad:
            out.append(m.autograd.grad((w ** 2).sum(), lr, allow_unused=True)[0] or m.zeros(1))
        return out
    same_outcome(fn)


@pytest.mark.parametrize("name", NAMES)
def test_leaf_parameter_raises(name):
    def fn(m):
        w = m.nn.Parameter(m.tensor([1.0, -2.0]))
        opt = getattr(m.optim, name)([w], differentiable=True)
        w.grad = m.ones(2)
        opt.step()
        return w
    same_outcome(fn)


@pytest.mark.parametrize("name", NAMES)
def test_leaf_parameter_state_after_error(name):
    """torch raises at the parameter's first in-place op: the state updated before it stays updated."""
    def fn(m):
        w = m.nn.Parameter(m.tensor([1.0, -2.0]))
        opt = getattr(m.optim, name)([w], differentiable=True)
        w.grad = m.ones(2)
        try:
            opt.step()
        except RuntimeError:
            pass
        return (w, *_state(m, opt, w))
    same_outcome(fn)


@pytest.mark.parametrize("with_grad", [True, False])
@pytest.mark.parametrize("differentiable", [True, False])
@pytest.mark.parametrize("kw", [dict(foreach=True), dict(capturable=True), dict(foreach=True, capturable=True),
                                dict(foreach=False, capturable=True), dict(fused=True, capturable=True)], ids=str)
@pytest.mark.parametrize("name", NAMES + ["Adam", "AdamW"])
def test_foreach_capturable(name, kw, differentiable, with_grad):
    def fn(m):
        w = m.tensor([1.0, -2.0], requires_grad=True)
        w = w.clone() if differentiable else w
        opt = getattr(m.optim, name)([w], differentiable=differentiable, **kw)
        if with_grad:
            w.grad = m.ones(2)
        opt.step()
        return w
    same_outcome(fn)


@pytest.mark.parametrize("name", ["LBFGS", "SparseAdam"])
def test_no_differentiable_argument(name):
    def fn(m):
        return getattr(m.optim, name)([m.zeros(2, requires_grad=True)], differentiable=True)
    same_outcome(fn)


@pytest.mark.parametrize("group_flag,default_flag", [(False, True), (True, False)])
@pytest.mark.parametrize("name", NAMES)
def test_group_flag_against_defaults(name, group_flag, default_flag):
    """The group's ``differentiable`` picks the algorithm's branches, the defaults' the grad mode."""
    def fn(m):
        w0 = m.tensor([1.0, -2.0, 0.3], dtype=m.float64, requires_grad=True)
        w = w0 * 1.5
        opt = getattr(m.optim, name)([{"params": [w], "differentiable": group_flag}], lr=0.1,
                                     differentiable=default_flag)
        for _ in range(STEPS.get(name, 2)):
            (g,) = m.autograd.grad((w ** 2).sum(), w, create_graph=True)
            w.grad = g
            opt.step()
        return (w, *_state(m, opt, w))
    same_outcome(fn)


@pytest.mark.parametrize("op", ["add", "add_", "sub", "sub_"])
@pytest.mark.parametrize("alpha", ["rg", "plain", "one_elem"])
def test_alpha_tensor(op, alpha):
    def fn(m):
        a = {"rg": lambda: m.tensor(0.5, requires_grad=True), "plain": lambda: m.tensor(0.5),
             "one_elem": lambda: m.tensor([0.5])}[alpha]()
        x = m.tensor([1.0, 2.0])
        return getattr(x, op)(m.tensor([3.0, -1.0]), alpha=a)
    same_outcome(fn)


def test_multi_parameter_groups():
    def fn(m):
        a0 = m.tensor([1.0, -2.0], dtype=m.float64, requires_grad=True)
        b0 = m.tensor([[0.5, 0.1], [0.2, -0.4]], dtype=m.float64, requires_grad=True)
        a, b = a0 * 1, b0 * 1
        opt = m.optim.RMSprop([{"params": [a], "momentum": 0.5}, {"params": [b], "centered": True}], lr=0.05,
                              differentiable=True)
        for _ in range(3):
            loss = (a ** 2).sum() + (b @ b).sum() + (a @ b).sum()
            ga, gb = m.autograd.grad(loss, (a, b), create_graph=True)
            a.grad, b.grad = ga, gb
            opt.step()
        return (a, b, *m.autograd.grad((a.sum() + b.sum()) ** 2, (a0, b0)))
    same_outcome(fn)


def test_gradcheck():
    """The recorded steps are the update's true derivative (float64), w after two steps as a function of
    the initial point."""
    import glasstorch as gt
    from glasstorch.autograd.gradcheck import gradcheck

    def unrolled(name, **kw):
        def f(w0):
            w = w0 * 1.0
            opt = getattr(gt.optim, name)([w], lr=0.05, differentiable=True, **kw)
            for _ in range(2):
                (g,) = gt.autograd.grad(((w - 0.5) ** 3).sum(), w, create_graph=True)
                w.grad = g
                opt.step()
            return w
        return f

    w0 = gt.tensor([1.0, -0.7, 0.2], dtype=gt.float64, requires_grad=True)
    # (centered RMSprop, Adamax and Rprop: torch's own backward through two steps fails its version check)
    for name in ["RMSprop", "Adagrad", "Adadelta", "NAdam", "RAdam", "ASGD"]:
        assert gradcheck(unrolled(name), (w0,)), name
    assert gradcheck(unrolled("RMSprop", momentum=0.5, weight_decay=0.1), (w0,))
    assert gradcheck(unrolled("NAdam", weight_decay=0.1, decoupled_weight_decay=True), (w0,))


HYPER = [("RMSprop", "alpha", 0.9), ("RMSprop", "eps", 1e-3), ("RMSprop", "weight_decay", 0.1),
         ("RMSprop", "momentum", 0.5), ("Adagrad", "weight_decay", 0.1), ("Adagrad", "eps", 1e-3),
         ("Adagrad", "lr_decay", 0.1), ("Adadelta", "rho", 0.8), ("Adadelta", "eps", 1e-3),
         ("NAdam", "betas", (0.8, 0.9)), ("NAdam", "weight_decay", 0.1), ("RAdam", "betas", (0.8, 0.9)),
         ("RAdam", "eps", 1e-3), ("Adamax", "betas", (0.8, 0.9)), ("Adamax", "eps", 1e-3),
         ("ASGD", "lambd", 0.1), ("ASGD", "alpha", 0.5), ("ASGD", "t0", 1.0), ("Rprop", "etas", (0.4, 1.3))]


@pytest.mark.parametrize("requires_grad", [False, True])
@pytest.mark.parametrize("name,key,value", HYPER, ids=[f"{n}-{k}" for n, k, _ in HYPER])
def test_tensor_hyperparameter(name, key, value, requires_grad):
    """Other hyperparameters as 0-d tensors: used as torch uses them (or refused as torch refuses them),
    their hypergradients where they flow."""
    def fn(m):
        def as_t(v):
            return m.tensor(v, dtype=m.float64, requires_grad=requires_grad)
        hyper = tuple(as_t(v) for v in value) if isinstance(value, tuple) else as_t(value)
        w = m.tensor([1.0, -2.0, 0.3], dtype=m.float64).requires_grad_().clone()
        opt = getattr(m.optim, name)([w], lr=0.1, differentiable=True, **{key: hyper})
        for i in range(STEPS.get(name, 2)):
            w.grad = m.tensor([0.5, 1.0, -0.3], dtype=m.float64) * (w.detach() + i)
            opt.step()
        out = [w, *_state(m, opt, w)]
        if requires_grad:
            wrt = list(hyper) if isinstance(hyper, tuple) else [hyper]
            out += [g if g is not None else m.zeros(1) for g in m.autograd.grad((w ** 2).sum(), wrt,
                                                                                 allow_unused=True)]
        return out
    same_outcome(fn)


@pytest.mark.parametrize("kw", [dict(), dict(maximize=True), dict(weight_decay=0.1),
                                dict(lr_decay=0.1, initial_accumulator_value=0.3)], ids=str)
def test_adagrad_sparse_gradient(kw):
    """Adagrad's sparse branch, recorded: the dense parameter gets AddBackward0 (dense += sparse)."""
    def fn(m):
        w0 = m.tensor([[1.0, -2.0], [0.5, 0.25], [3.0, 1.0]], requires_grad=True)
        w = w0 * 1.5
        opt = m.optim.Adagrad([w], lr=0.1, differentiable=True, **kw)
        for i in range(3):
            vals = m.tensor([[0.5, 1.0], [0.3, -0.2], [0.1, 0.1]]) * (i + 1)
            w.grad = m.sparse_coo_tensor(m.tensor([[0, 2, 0]]), vals, (3, 2))
            opt.step()
        return w, opt.state[w]["sum"], m.autograd.grad((w ** 2).sum(), w0)[0]
    same_outcome(fn)
