"""Double backward (create_graph=True) that used to be refused: bicubic and 3-d grid_sample, and
scatter_reduce / index_reduce with reduce="prod", compared with torch (leftovers, part C; the rest is in
test_leftovers19.py)."""
import numpy as np
import pytest
import torch

import glasstorch
from glasstorch.autograd.gradcheck import gradgradcheck
from tests.parity._helpers import same_error, same_outcome
from tests.parity.test_double_backward_audit import r as ur, second_order


def F(t):
    return t.nn.functional


# ---- double backward: bicubic and 3-d grid_sample, scatter_reduce / index_reduce "prod" -----------------
# (compared as tests/parity/test_double_backward_audit.py does: the second derivatives are sums of products in
# another order than torch's kernels, so rtol 1e-9; plus gradgradcheck in float64)

DOUBLE = []
for _pad in ("zeros", "border", "reflection"):
    for _ac in (False, True):
        DOUBLE.append((f"bicubic_{_pad}_{_ac}", lambda t, x, g, pad=_pad, ac=_ac: F(t).grid_sample(
            x * x, g, mode="bicubic", padding_mode=pad, align_corners=ac),
            [ur(2, 2, 4, 5), ur(2, 3, 2, 2, seed=1, lo=-1.2, hi=1.2)]))
        for _mode in ("bilinear", "nearest"):
            DOUBLE.append((f"grid3d_{_mode}_{_pad}_{_ac}", lambda t, x, g, pad=_pad, ac=_ac, mode=_mode:
                           F(t).grid_sample(x * x, g, mode=mode, padding_mode=pad, align_corners=ac),
                [ur(2, 2, 3, 4, 3), ur(2, 2, 3, 2, 3, seed=1, lo=-1.2, hi=1.2)]))
IDX = np.array([0, 1, 0, 2])
for _inc in (True, False):
    DOUBLE += [
        (f"scatter_prod_{_inc}", lambda t, x, s, inc=_inc: x.scatter_reduce(
            0, t.tensor(IDX), s, "prod", include_self=inc),
         [ur(3, lo=0.5, hi=1.5), ur(4, lo=0.5, hi=1.5)]),
        (f"scatter_prod_2d_{_inc}", lambda t, x, s, inc=_inc: (x * x).scatter_reduce(
            1, t.tensor([[0, 1, 1], [2, 2, 0]]), s * s, "prod", include_self=inc), [ur(2, 3), ur(2, 3, seed=1)]),
        (f"scatter_prod_zero_self_{_inc}", lambda t, x, s, inc=_inc: x.scatter_reduce(
            0, t.tensor(IDX), s, "prod", include_self=inc), [np.array([0., 1.3, 0.7]), ur(4, lo=0.5, hi=1.5)]),
        (f"scatter_prod_one_zero_src_{_inc}", lambda t, x, s, inc=_inc: x.scatter_reduce(
            0, t.tensor(IDX), s, "prod", include_self=inc), [ur(3, lo=0.5, hi=1.5), np.array([0., 1.2, 0.8, 1.1])]),
        (f"scatter_prod_0d_{_inc}", lambda t, x, s, inc=_inc: x.scatter_reduce(
            0, t.tensor(0), s, "prod", include_self=inc),
         [np.array(1.3), np.array(0.7)]),
        (f"index_prod_{_inc}", lambda t, x, s, inc=_inc: x.index_reduce(
            0, t.tensor([0, 2, 0]), s, "prod", include_self=inc),
         [ur(3, 2, lo=0.5, hi=1.5), ur(3, 2, lo=0.5, hi=1.5, seed=1)]),
        (f"index_prod_zeros_{_inc}", lambda t, x, s, inc=_inc: x.index_reduce(
            1, t.tensor([0, 2, 0]), s, "prod", include_self=inc),
         [np.array([[0., 1, 2], [1, 0, 3]]), np.array([[0., 1, 2], [1, 0.5, 3]])]),
    ]


@pytest.mark.filterwarnings("ignore:index_reduce")
@pytest.mark.parametrize("name,fn,arrays", DOUBLE, ids=[c[0] for c in DOUBLE])
def test_double_backward_matches_torch(name, fn, arrays):
    want, got = second_order(torch, fn, arrays), second_order(glasstorch, fn, arrays)
    for i, (w, g) in enumerate(zip(want, got)):
        if w is None or g is None:      # an unused input: None on one side, zeros (or None) on the other
            assert np.all((w if g is None else g) == 0) if (w is not None or g is not None) else True, (name, i)
            continue
        np.testing.assert_allclose(g, w, rtol=1e-9, atol=1e-12, err_msg=f"{name}: input {i}")


SMOOTH = [c for c in DOUBLE if "nearest" not in c[0] and "zero" not in c[0] and "reflection" not in c[0]]


@pytest.mark.filterwarnings("ignore:index_reduce")
@pytest.mark.parametrize("name,fn,arrays", SMOOTH, ids=[c[0] for c in SMOOTH])
def test_double_backward_gradgradcheck(name, fn, arrays):
    xs = [glasstorch.tensor(a, requires_grad=True) for a in arrays]
    y = fn(glasstorch, *[glasstorch.tensor(a) for a in arrays])
    go = glasstorch.tensor(ur(*y.shape, seed=5), requires_grad=True)
    assert gradgradcheck(lambda *a: fn(glasstorch, *a), xs, [go], eps=1e-6, atol=1e-5, rtol=1e-4), name


def _several_zeros(t, which):
    x = t.tensor([1.1, 0.9, 1.2], dtype=t.float64, requires_grad=True)
    s = t.tensor([0., 0., 2., 3.], dtype=t.float64, requires_grad=True)
    y = x.scatter_reduce(0, t.tensor([0, 0, 1, 2]), s, "prod")
    g = t.ones(3, dtype=t.float64, requires_grad=True)
    gx, gs = t.autograd.grad(y, (x, s), g, create_graph=True)
    if which == "first":
        return gx, gs
    return t.autograd.grad((gx if which == "x" else gs).sum(), (x, s, g))


def test_prod_several_zeros_src_double_backward():
    """torch's src gradient is an Error node where several zeros of src meet: values as usual, and
    differentiating it raises torch's message; the self gradient differentiates as usual."""
    same_outcome(lambda t: _several_zeros(t, "first"))
    same_outcome(lambda t: _several_zeros(t, "x"))
    same_error(_several_zeros, "src")
