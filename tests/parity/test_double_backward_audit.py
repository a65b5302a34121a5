"""Double backward (``create_graph=True``) is never silently wrong.

The ops below had a backward written on raw arrays: under ``create_graph`` their gradient came back
without a graph, so second derivatives through them were missing terms, with no error.  They now
record their backward with Tensor ops; each is compared with torch (``torch.autograd.grad`` twice)
and checked by ``gradgradcheck`` in float64.  The second derivatives are sums of products taken in
another order than torch's kernels, so they are compared with rtol 1e-9 (not bit for bit).

A backward still on raw arrays would be caught by the engine's safety net (``autograd/_double_guard.py``):
its gradient gets a ``NotImplemented`` grad_fn that raises when differentiated (tested below with a
hand-made node).  Bicubic and 3-d grid_sample and scatter_reduce / index_reduce with "prod", once
refused that way, now record their backward (more cases in test_leftovers19.py).  Where torch itself
refuses (embedding_bag), the same exception type and message.
"""
import numpy as np
import pytest
import torch

import glasstorch
from glasstorch.autograd.gradcheck import gradgradcheck


def r(*shape, seed=0, lo=-1.0, hi=1.0):
    return np.random.default_rng(seed).uniform(lo, hi, shape)


def well(n, seed=0, batch=()):
    return r(*batch, n, n, seed=seed) + 3 * np.eye(n)


def _lu_solve(t, a, b, **kw):
    LU, piv = t.linalg.lu_factor(a)
    return t.linalg.lu_solve(LU, piv, b, **kw)


def _unpool(t, x, nd):
    pool = t.nn.functional.max_pool2d if nd == 2 else t.nn.functional.max_pool3d
    unpool = t.nn.functional.max_unpool2d if nd == 2 else t.nn.functional.max_unpool3d
    v, i = pool(x, 2, return_indices=True)
    return unpool(v * v, i, 2)


SAMPLES = np.array([[[0.3, 0.7]]])
BAG_IDX, BAG_OFF = np.array([0, 2, 1, 2, 3]), np.array([0, 2])
PERM = np.random.default_rng(1).permutation(36).reshape(1, 1, 6, 6) * 0.1

FIXED = [
    ("linalg.pinv", lambda t, a: t.linalg.pinv(a), [r(4, 3)]),
    ("linalg.pinv_wide", lambda t, a: t.linalg.pinv(a), [r(2, 3, 4, seed=1)]),
    ("linalg.lstsq", lambda t, a, b: t.linalg.lstsq(a, b).solution, [r(4, 3), r(4, 2, seed=1)]),
    ("linalg.lstsq_vector", lambda t, a, b: t.linalg.lstsq(a, b).solution, [r(2, 4, 3), r(2, 4, seed=1)]),
    ("linalg.lu_factor", lambda t, a: t.linalg.lu_factor(a).LU, [well(3)]),
    ("linalg.lu_factor_ex_batch", lambda t, a: t.linalg.lu_factor_ex(a).LU, [well(3, 1, (2,))]),
    ("linalg.lu_solve", lambda t, a, b: _lu_solve(t, a, b), [well(3, 8), r(3, 2, seed=9)]),
    ("linalg.lu_solve_adjoint_right", lambda t, a, b: _lu_solve(t, a, b, adjoint=True, left=False),
     [well(3, 10), r(2, 3, seed=11)]),
    ("adaptive_max_pool3d", lambda t, x: t.nn.functional.adaptive_max_pool3d(x * x, (2, 3, 2)),
     [np.random.default_rng(0).permutation(60).reshape(1, 1, 4, 5, 3) * 0.1]),
    ("max_unpool2d", lambda t, x: _unpool(t, x, 2), [PERM[0]]),
    ("max_unpool3d", lambda t, x: _unpool(t, x, 3), [np.random.default_rng(1).permutation(32).reshape(1, 1, 4, 4, 2) * 0.1]),
    ("fractional_max_pool2d", lambda t, x: t.nn.functional.fractional_max_pool2d(
        x * x, 2, output_size=(3, 3), _random_samples=t.tensor(SAMPLES)), [PERM]),
    ("affine_grid", lambda t, th: t.nn.functional.affine_grid(th * th, (1, 1, 3, 4), align_corners=False),
     [r(1, 2, 3)]),
    ("index_put", lambda t, x, v: (x * x).index_put((t.tensor([0, 2]),), v * v), [r(3, 4), r(2, 4, seed=1)]),
    ("index_put_broadcast", lambda t, x, v: (x * x).index_put((t.tensor([0, 2]), t.tensor([1, 3])), v * v),
     [r(3, 4), r(1, seed=1)]),
    ("index_put_accumulate", lambda t, x, v: (x * x).index_put((t.tensor([0, 0]),), v * v, accumulate=True),
     [r(3, 4), r(2, 4, seed=1)]),
    ("masked_scatter", lambda t, x, s: x.masked_scatter(x > 0, s * s), [r(3, 2), r(7, seed=1)]),
    ("embedding", lambda t, w: t.nn.functional.embedding(t.tensor([0, 2, 2]), w * w), [r(3, 2)]),
    ("embedding_padding_idx", lambda t, w: t.nn.functional.embedding(t.tensor([0, 2, 1]), w * w, padding_idx=1),
     [r(3, 2)]),
    ("householder_product", lambda t, a, tau: t.linalg.householder_product(a, tau), [r(4, 3), r(3, seed=1)]),
    ("rrelu_train", lambda t, x: t.rrelu(x * x - 0.3, 0.1, 0.3, True, generator=t.Generator().manual_seed(1)), [r(8)]),
    ("renorm_p2", lambda t, x: x.renorm(2, 0, 0.9), [r(3, 4)]),
    ("renorm_p1", lambda t, x: x.renorm(1, 1, 0.9), [r(3, 4)]),
    ("renorm_p3", lambda t, x: x.renorm(3, 0, 0.7), [r(3, 4)]),
] + [(f"scatter_reduce_{red}_{inc}", lambda t, x, s, red=red, inc=inc: (x * x).scatter_reduce(
    1, t.tensor([[0, 1, 1], [2, 2, 0]]), s * s, red, include_self=inc), [r(2, 3), r(2, 3, seed=1)])
    for red in ("sum", "mean", "amax", "amin") for inc in (True, False)] + [
    (f"index_reduce_{red}", lambda t, x, s, red=red: (x * x).index_reduce(0, t.tensor([0, 2, 0]), s * s, red),
     [r(3, 2), r(3, 2, seed=1)]) for red in ("mean", "amax", "amin")]


def second_order(t, fn, arrays, seed=0):
    """d/d(inputs, v) of <w, d<v, fn(inputs)>/d inputs>: every second-order term of fn's backward."""
    rng = np.random.default_rng(seed)
    xs = [t.tensor(a, requires_grad=True) for a in arrays]
    y = fn(t, *xs)
    v = t.tensor(rng.uniform(-1, 1, tuple(y.shape)), requires_grad=True)
    g1 = t.autograd.grad(y, xs, v, create_graph=True)
    s = sum((g * t.tensor(rng.uniform(-1, 1, tuple(g.shape)))).sum() for g in g1)
    return [None if g is None else g.detach().numpy() for g in t.autograd.grad(s, xs + [v], allow_unused=True)]


@pytest.mark.parametrize("name,fn,arrays", FIXED, ids=[c[0] for c in FIXED])
def test_second_derivatives_match_torch(name, fn, arrays):
    want, got = second_order(torch, fn, arrays), second_order(glasstorch, fn, arrays)
    for i, (w, g) in enumerate(zip(want, got)):
        if w is None or g is None:      # an unused input: None on one side, zeros (or None) on the other
            assert np.all((w if g is None else g) == 0) if (w is not None or g is not None) else True, (name, i)
            continue
        np.testing.assert_allclose(g, w, rtol=1e-9, atol=1e-12, err_msg=f"{name}: input {i}")


@pytest.mark.parametrize("name,fn,arrays", FIXED, ids=[c[0] for c in FIXED])
def test_gradgradcheck(name, fn, arrays):
    xs = [glasstorch.tensor(a, requires_grad=True) for a in arrays]
    y = fn(glasstorch, *[glasstorch.tensor(a) for a in arrays])
    go = glasstorch.tensor(r(*y.shape, seed=5), requires_grad=True)
    assert gradgradcheck(lambda *a: fn(glasstorch, *a), xs, [go], eps=1e-6, atol=1e-5, rtol=1e-4), name


def _grid(t, x, g, **kw):
    return t.nn.functional.grid_sample(x, g, align_corners=False, **kw)


def _weight_norm(t):
    """torch._weight_norm; glasstorch has it (not yet at the top level) in nn.utils.parametrizations."""
    return torch._weight_norm if t is torch else glasstorch.nn.utils.parametrizations._weight_norm


IDX = np.array([0, 1, 0, 2])
GRID = [(f"grid_sample_{mode}_{pad}_{ac}", lambda t, x, g, mode=mode, pad=pad, ac=ac: t.nn.functional.grid_sample(
    x * x, g, mode=mode, padding_mode=pad, align_corners=ac), [r(2, 2, 3, 4), r(2, 3, 2, 2, seed=1, lo=-1.3, hi=1.3)])
    for mode in ("bilinear", "nearest") for pad in ("zeros", "border", "reflection") for ac in (False, True)]


@pytest.mark.parametrize("name,fn,arrays", GRID, ids=[c[0] for c in GRID])
def test_grid_sample_second_derivatives_match_torch(name, fn, arrays):
    test_second_derivatives_match_torch(name, fn, arrays)
    if "bilinear" in name:          # nearest's grid gradient is 0: nothing for a numerical check to see
        test_gradgradcheck(name, fn, arrays)


ONCE_LOUD = [
    ("GridSampler2DBackward0", lambda t, x, g: _grid(t, x, g, mode="bicubic"),
     [r(1, 1, 4, 4), r(1, 3, 3, 2, lo=-0.8, hi=0.8)]),
    ("GridSampler3DBackward0", lambda t, x, g: _grid(t, x, g), [r(1, 1, 3, 4, 4), r(1, 2, 3, 3, 3, lo=-0.8, hi=0.8)]),
    ("ScatterReduceBackward0", lambda t, x, s: x.scatter_reduce(0, t.tensor(IDX), s, "prod"),
     [r(3, lo=0.5, hi=1.5), r(4, lo=0.5, hi=1.5)]),
    ("IndexReduceBackward0", lambda t, x, s: x.index_reduce(0, t.tensor([0, 2, 0]), s, "prod"),
     [r(3, 2, lo=0.5, hi=1.5), r(3, 2, lo=0.5, hi=1.5, seed=1)]),
]


@pytest.mark.parametrize("name,fn,arrays", ONCE_LOUD, ids=[f"{c[0]}-{i}" for i, c in enumerate(ONCE_LOUD)])
def test_once_refused_double_backward_matches_torch(name, fn, arrays):
    test_second_derivatives_match_torch(name, fn, arrays)


def _bag(t, w, p):
    return t.nn.functional.embedding_bag(t.tensor(BAG_IDX), w * w, t.tensor(BAG_OFF), mode="sum",
                                         per_sample_weights=p * p)


def test_embedding_bag_per_sample_weights_refuses_as_torch():
    """torch has no derivative of the per-sample-weights gradient: the same error, the same words."""
    errors = {}
    for t in (torch, glasstorch):
        with pytest.raises(RuntimeError) as e:
            second_order(t, _bag, [r(4, 3), r(5, seed=1)])
        errors[t] = str(e.value)
    assert errors[glasstorch] == errors[torch]


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_embedding_bag_weight_double_backward_refuses_as_torch(mode):
    """torch's _embedding_bag_backward has no derivative: d(dW)/d(upstream gradient) raises in every mode."""
    def fn(t, w):
        return t.nn.functional.embedding_bag(t.tensor(BAG_IDX), w * w, t.tensor(BAG_OFF), mode=mode)
    errors = {}
    for t in (torch, glasstorch):
        with pytest.raises(NotImplementedError) as e:
            second_order(t, fn, [r(4, 3)])
        errors[t] = str(e.value)
    assert errors[glasstorch] == errors[torch]


def test_weight_norm_double_backward_matches_torch():
    """torch._weight_norm's double backward takes the saved norm as a constant (so torch's own
    gradgradcheck of it fails); glasstorch gives the same numbers."""
    for dim, arrays in ((0, [r(3, 4), r(3, 1, seed=1)]), (1, [r(3, 4), r(1, 4, seed=1)]),
                        (0, [r(2, 3, 2), r(2, 1, 1, seed=1)])):
        fn = lambda t, v, g: _weight_norm(t)(v, g, dim)      # noqa: E731
        for w, g in zip(second_order(torch, fn, arrays), second_order(glasstorch, fn, arrays)):
            np.testing.assert_allclose(g, w, rtol=1e-9, atol=1e-12)


def test_as_strided_scatter_double_backward_is_consistent():
    """as_strided_scatter: torch's first-order gradient for ``input`` is g *inside* the region (not g
    with the region zeroed), so there is no torch value to compare with; glasstorch's (the zeroing now
    recorded under create_graph) passes gradgradcheck."""
    xs = [glasstorch.tensor(r(3, 4), requires_grad=True), glasstorch.tensor(r(2, 2, seed=1), requires_grad=True)]
    go = glasstorch.tensor(r(3, 4, seed=2), requires_grad=True)
    fn = lambda x, s: glasstorch.as_strided_scatter(x * x, s * s, (2, 2), (4, 1), 1)      # noqa: E731
    assert gradgradcheck(fn, xs, [go], eps=1e-6, atol=1e-5, rtol=1e-4)


def test_first_order_under_create_graph_still_works_for_guarded_ops():
    """The guarded gradient keeps its values; only differentiating it again raises."""
    x, g = r(1, 1, 4, 4), r(1, 3, 3, 2, lo=-0.8, hi=0.8)
    outs = {}
    for t in (torch, glasstorch):
        xs = [t.tensor(x, requires_grad=True), t.tensor(g, requires_grad=True)]
        y = _grid(t, *xs, mode="bicubic").sum()
        outs[t] = [d.detach().numpy() for d in t.autograd.grad(y, xs, create_graph=True)]
    for w, got in zip(outs[torch], outs[glasstorch]):
        np.testing.assert_allclose(got, w, rtol=1e-12, atol=1e-14)


CONSTANT = [      # backwards whose gradient legitimately carries no graph of the input: the net stays out
    ("sign", lambda t, x: t.sign(x) * x * x, [r(5, lo=0.2, hi=1.0)]),
    ("nextafter", lambda t, x: t.nextafter(x, t.zeros(5, dtype=t.float64)) * x, [r(5, lo=0.5, hi=2.0)]),
    ("copysign", lambda t, x: t.copysign(x, -2.0) * x.exp(), [r(6, lo=0.2, hi=2.0) * np.array([1, -1] * 3)]),
    ("max_pool2d", lambda t, x: t.nn.functional.max_pool2d(x * x, 2), [PERM]),
    ("pad_reflect", lambda t, x: t.nn.functional.pad(x * x, (1, 1), mode="reflect"), [r(1, 2, 4)]),
    ("linear", lambda t, x, w: t.nn.functional.linear(x, w).tanh(), [r(2, 3), r(4, 3, seed=1)]),
]


@pytest.mark.parametrize("name,fn,arrays", CONSTANT, ids=[c[0] for c in CONSTANT])
def test_net_leaves_working_double_backward_alone(name, fn, arrays):
    want, got = second_order(torch, fn, arrays), second_order(glasstorch, fn, arrays)
    for w, g in zip(want, got):
        if w is None or g is None:
            assert np.all((w if g is None else g) == 0) if (w is not None or g is not None) else True, name
            continue
        np.testing.assert_allclose(g, w, rtol=1e-9, atol=1e-12, err_msg=name)


def test_a_backward_returning_an_array_gets_the_raising_grad_fn():
    """The generic case: any node whose backward returns a NumPy array while its incoming gradient
    requires grad (here a hand-made node) hands back a gradient that refuses a second backward."""
    from glasstorch.autograd.graph import Node
    from glasstorch.ops._common import _wrap, record1

    class RawCubeBackward(Node):
        __slots__ = ("x",)

        def backward(self, g):
            arr = g if isinstance(g, np.ndarray) else g._data
            return (3 * self.x ** 2 * arr,)

    x = glasstorch.tensor([0.5, -1.0], requires_grad=True)
    y = _wrap(x._data ** 3)
    node = RawCubeBackward()
    node.x = x._data
    record1(node, y, x)
    v = glasstorch.tensor([1.0, 2.0], requires_grad=True)
    gx, = glasstorch.autograd.grad(y, x, v, create_graph=True)
    np.testing.assert_array_equal(gx.detach().numpy(), 3 * np.array([0.25, 1.0]) * np.array([1.0, 2.0]))
    assert gx.grad_fn.name() == "torch::autograd::NotImplemented"
    with pytest.raises(RuntimeError, match="^double backward of RawCubeBackward is not implemented in glasstorch$"):
        glasstorch.autograd.grad(gx.sum(), v)
