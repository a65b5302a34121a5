"""Losses: values, grad_fn names, gradients and errors equal torch's."""
import numpy as np
import pytest

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
