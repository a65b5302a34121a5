"""Losses: values, grad_fn names, gradients and errors equal torch's."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ._helpers import same_error, same_on_both

R = np.random.default_rng(0)
X = R.standard_normal((6, 5)).astype(np.float32)
T = R.standard_normal((6, 5)).astype(np.float32)
IDX = np.array([0, 4, 2, 2, 1, 3])
P = np.exp(T) / np.exp(T).sum(1, keepdims=True)
W = R.random(5).astype(np.float32) + 0.5
TOL = dict(rtol=1e-5, atol=1e-6, grad_rtol=1e-5, grad_atol=1e-6)
REDS = ["mean", "sum", "none"]


@pytest.mark.parametrize("red", REDS)
@pytest.mark.parametrize("name", ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss"])
def test_regression_losses(name, red):
    same_on_both(lambda t, x, y: getattr(t.nn.functional, name)(x, y, reduction=red), [X, T], **TOL)


@pytest.mark.parametrize("red", REDS)
@pytest.mark.parametrize("kw", [{}, {"label_smoothing": 0.2}, {"ignore_index": 2}, {"w": True},
                                {"w": True, "label_smoothing": 0.1, "ignore_index": 4}])
def test_cross_entropy_indices(red, kw):
    kw = dict(kw)
    use_w = kw.pop("w", False)

    def fn(t, x):
        w = t.from_numpy(W.copy()) if use_w else None
        return t.nn.functional.cross_entropy(x, t.from_numpy(IDX.copy()), weight=w, reduction=red, **kw)
    same_on_both(fn, [X], **TOL)


@pytest.mark.parametrize("red", REDS)
@pytest.mark.parametrize("ls", [0.0, 0.3])
def test_cross_entropy_probabilities(red, ls):
    same_on_both(lambda t, x, p: t.nn.CrossEntropyLoss(reduction=red, label_smoothing=ls)(x, p), [X, P], **TOL)


@pytest.mark.parametrize("shape", [(2, 4, 3, 3), (2, 4, 5)])
@pytest.mark.parametrize("red", REDS)
def test_cross_entropy_spatial(shape, red):
    x = R.standard_normal(shape).astype(np.float32)
    tg = R.integers(0, 4, shape[:1] + shape[2:])
    same_on_both(lambda t, a: t.nn.functional.cross_entropy(a, t.from_numpy(tg.copy()), reduction=red), [x], **TOL)


@pytest.mark.parametrize("red", REDS)
def test_nll_bce(red):
    lp = X - np.log(np.exp(X).sum(1, keepdims=True))
    same_on_both(lambda t, x: t.nn.NLLLoss(reduction=red)(x, t.from_numpy(IDX.copy())), [lp], **TOL)
    prob = 1 / (1 + np.exp(-X))
    tgt = (T > 0).astype(np.float32)
    same_on_both(lambda t, x, y: t.nn.functional.binary_cross_entropy(x, y, reduction=red), [prob, tgt], **TOL)
    same_on_both(lambda t, x, y: t.nn.BCEWithLogitsLoss(reduction=red)(x, y), [X, tgt], **TOL)
    same_on_both(lambda t, x, y: t.nn.BCEWithLogitsLoss(reduction=red, pos_weight=t.from_numpy(W.copy()))(x, y),
                 [X, tgt], **TOL)
    same_on_both(lambda t, x, y: t.nn.BCELoss(reduction=red, weight=t.from_numpy(W.copy()))(x, y), [prob, tgt], **TOL)


def test_kl_div_and_margin_losses():
    lp = (X - np.log(np.exp(X).sum(1, keepdims=True))).astype(np.float32)
    same_on_both(lambda t, x, p: t.nn.functional.kl_div(x, p, reduction="batchmean"), [lp, P], **TOL)


def test_loss_errors():
    same_error(lambda m: m.nn.functional.cross_entropy(m.ones(3, 4), m.tensor([0., 1., 2.])))
    same_error(lambda m: m.nn.functional.cross_entropy(m.ones(3, 4), m.tensor([0, 1, 7])))
    same_error(lambda m: m.nn.functional.cross_entropy(m.ones(3, 4), m.tensor([0, 1])))
    same_error(lambda m: m.nn.functional.cross_entropy(m.ones(3, 4), m.zeros(3, 1, dtype=m.int64)))
    same_error(lambda m: m.nn.functional.mse_loss(m.ones(3), m.ones(3), reduction="avg"))
    same_error(lambda m: m.nn.functional.binary_cross_entropy(m.ones(3) * 2, m.ones(3)))


@pytest.mark.parametrize("name", ["smooth_l1_loss", "huber_loss", "l1_loss", "mse_loss"])
def test_scalar_loss_backward_seeded_by_loss_backward(name):
    """loss.backward() on a 0-d loss seeds the engine with a NumPy scalar: every loss node takes it."""
    import torch
    import glasstorch
    grads = []
    for m in (torch, glasstorch):
        x = m.tensor([0.3, -2.0, 1.5], requires_grad=True)
        getattr(m.nn.functional, name)(x, m.zeros(3)).backward()
        grads.append(x.grad.numpy())
    np.testing.assert_array_equal(grads[1], grads[0])


MORE_LOSSES = [
    ("soft_margin", lambda F, x, t: F.soft_margin_loss(x, t.sign()), {}),
    ("multi_margin", lambda F, x, t: F.multi_margin_loss(x, (t.abs() * 3).long().clamp(max=3)[:, 0]), {}),
    ("multi_margin_p2_w", lambda F, x, t: F.multi_margin_loss(x, (t.abs() * 3).long().clamp(max=3)[:, 0], p=2,
                                                              margin=0.5, weight=x.new_tensor([1., 2., 3., 4.])), {}),
    ("poisson", lambda F, x, t: F.poisson_nll_loss(x, t.abs() * 3), {}),
    ("poisson_full", lambda F, x, t: F.poisson_nll_loss(x.abs() + 0.1, t.abs() * 3, log_input=False, full=True), {}),
    ("gaussian", lambda F, x, t: F.gaussian_nll_loss(x, t, x.detach().abs() + 0.1), {}),
    ("gaussian_full", lambda F, x, t: F.gaussian_nll_loss(x, t, (t.abs() + 0.5)[:, :1], full=True), {}),
    ("hinge", lambda F, x, t: F.hinge_embedding_loss(x, t.sign(), margin=0.5), {}),
    ("multilabel_soft_margin", lambda F, x, t: F.multilabel_soft_margin_loss(x, (t > 0).float()), {}),
]


@pytest.mark.parametrize("red", ["mean", "sum", "none"])
@pytest.mark.parametrize("name,fn,kw", MORE_LOSSES, ids=[n for n, _, _ in MORE_LOSSES])
def test_more_losses(name, fn, kw, red):
    x = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)
    t = np.random.default_rng(1).standard_normal((5, 4)).astype(np.float32)
    same_on_both(lambda m, a, b: fn(_Red(m.nn.functional, red), a, b.detach()), [x, t], rtol=1e-5, atol=1e-6)


class _Red:
    """A functional namespace whose losses all get ``reduction=red``."""

    def __init__(self, F, red):
        self.F, self.red = F, red

    def __getattr__(self, name):
        return lambda *a, **k: getattr(self.F, name)(*a, reduction=self.red, **k)


def test_more_loss_modules_and_errors():
    import torch
    import glasstorch
    for name in ("SoftMarginLoss", "MultiMarginLoss", "PoissonNLLLoss", "GaussianNLLLoss", "HingeEmbeddingLoss",
                 "MultiLabelSoftMarginLoss"):
        assert repr(getattr(torch.nn, name)()) == repr(getattr(glasstorch.nn, name)())
    same_on_both(lambda m, a: m.nn.MultiMarginLoss()(a, m.tensor(2)), [np.arange(4, dtype=np.float32) / 3])
    same_on_both(lambda m, a: m.nn.PoissonNLLLoss(reduction="sum")(a, m.ones(4)), [np.arange(4, dtype=np.float32)])
    same_error(lambda m: m.nn.functional.multi_margin_loss(m.ones(3, 4), m.tensor([0, 1, 2]), p=3))
    same_error(lambda m: m.nn.functional.multi_margin_loss(m.ones(3, 4), m.tensor([0, 1, 5])))
    same_error(lambda m: m.nn.functional.gaussian_nll_loss(m.ones(3, 4), m.ones(3, 4), -m.ones(3, 4)))
    same_error(lambda m: m.nn.functional.gaussian_nll_loss(m.ones(3, 4), m.ones(3, 4), m.ones(2)))
    same_error(lambda m: m.nn.functional.soft_margin_loss(m.ones(3), m.ones(3), reduction="avg"))


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 300), c=st.integers(2, 12), f64=st.booleans(), red=st.sampled_from(["mean", "sum"]),
       with_ignored=st.booleans(), seed=st.integers(0, 2**32 - 1))
def test_nll_loss_batches(n, c, f64, red, with_ignored, seed):
    """Class-index batches of any size, some targets equal to ignore_index or none: torch's values and
    gradients (with every target ignored the mean is NaN and torch's gradient 0, not NaN). With no
    target ignored the terms are added in torch's order: bit for bit, on glasstorch's shorter path and
    on the general one (forced there by an ignore_index inside the classes that no target hits)."""
    import glasstorch as gt
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, c)).astype(np.float64 if f64 else np.float32)
    tgt = rng.integers(0, c - 1, n)                      # class c - 1 is never a target
    if with_ignored:
        tgt[rng.random(n) < 0.3] = -100
    # a sum of n float32 values can lose many digits to cancellation: the bound grows with n
    tol = dict(rtol=1e-12, atol=1e-12) if f64 else dict(rtol=1e-5, atol=(1e-6 if red == "mean" else 1e-6 * n))
    if not with_ignored:
        tol = {}
    for ignore_index in (-100,) if with_ignored else (-100, c - 1):
        same_on_both(lambda t, a: t.nn.functional.nll_loss(a, t.from_numpy(tgt.copy()), reduction=red,
                                                           ignore_index=ignore_index), [x], **tol)
    w = rng.uniform(0.5, 2.0, c).astype(x.dtype)
    same_on_both(lambda t, a: t.nn.functional.nll_loss(a, t.from_numpy(tgt.copy()), t.from_numpy(w.copy()),
                                                       reduction=red), [x], **tol)
    # log_softmax's exp and row sums round differently from torch's now and then: within rounding
    same_on_both(lambda t, a: t.nn.functional.cross_entropy(a, t.from_numpy(tgt.copy()), reduction=red), [x],
                 **dict(rtol=1e-5 if not f64 else 1e-12, atol=(1e-6 if not f64 else 1e-12) * (1 if red == "mean" else n)))
