"""Parity pins for sweep30e (optimal transport and operations research programs: Sinkhorn, assignment,
LP relaxations, sliced Wasserstein, soft sorting).

Fixed in glasstorch:
- the gradient of a scatter's ``src`` when the index is smaller than src (torch allows it; the rest of
  src is never read) is torch's, not a zero-padded one: scatter, scatter_add and scatter_reduce's sum
  and mean give torch's index-shaped g.gather(d, i), so backward fails with torch's "Function
  ScatterBackward0 returned an invalid gradient at index 1 - got [4, 1] but expected shape compatible
  with [4, 3]"; amax / amin / prod broadcast src against the index-shaped terms as torch's formulas do
  (values in every column where src ties the result; the prod's g y / src over the whole row), or
  fail with torch's broadcast error (ops/_scatter_src_grad.py, ops/gather.py, ops/scatter_reduce.py,
  ops/scatter_reduce_double.py);
- under create_graph, scatter_reduce / index_reduce gradients have torch's graph: without
  include_self the self gradient is zeroed by ``scatter(d, i, 0)`` (ScatterBackward1) or
  ``index_fill(d, i, 0)`` (IndexFillBackward0), not masked_fill; the sum's src gradient is
  ``g.gather(d, i)`` (GatherBackward0), the mean's ends in DivBackward0, and nothing is reshaped
  (no stray ViewBackward0) when self is not 0-d;
- ``index_add``'s source gradient under create_graph is torch's
  ``maybe_multiply(g.index_select(d, i).expand_as(source), alpha)``: ExpandBackward0, then
  MulBackward1 (mul.Scalar) for alpha != 1, instead of MulBackward0 (ops/gather.py);
- ``index_add`` with alpha != 1 on a float32 / float64 tensor of two or more dims rounds as torch's
  kernel, ``self + alpha * source`` fused (one rounding, each repeated index in turn), where it
  rounded the product first; a 1-d self keeps the plain rounding, as torch's scalar loop
  (ops/_index_add_fma.py);
- ``scatter`` / ``scatter_`` with ``reduce=`` ("add", "multiply") have no derivative in torch: the result
  hangs from a ``torch::autograd::NotImplemented`` node (edges to the inputs that require grad) whose
  backward raises "derivative for aten::scatter is not implemented" (``aten::scatter_`` in place), and a
  forward-mode tangent is refused; glasstorch recorded ScatterBackward0/1 and gave gradients (wrong
  ones for "multiply") (ops/gather.py);
- ``scatter_reduce`` with a 0-d index or a 0-d src (torch reads either as one element along dim 0)
  crashed in NumPy ("too many indices for array", "array is not broadcastable"); it now folds them as
  1-element vectors, with torch's values, gradients and gradient-shape errors (ops/scatter_reduce.py);
- the product's gradient of scatter_reduce / index_reduce reads ``(zeros > 1).any().item()`` in torch,
  so ``vmap(grad(...))`` over it fails with functorch's "It looks like you're either (1) calling
  .item() ..." error (glasstorch's vmap loop: where self or src differ between entries)
  (ops/scatter_reduce.py, _vmap_dynamic.py).
"""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from glasstorch.autograd.gradcheck import gradcheck, gradgradcheck
from tests.parity._helpers import same_on_both, same_outcome

warnings.filterwarnings("ignore", message="index_reduce")

REDUCES = ("sum", "mean", "amax", "amin", "prod")


def _names(fn, depth=2):
    if fn is None:
        return None
    if depth == 0:
        return type(fn).__name__
    return type(fn).__name__, [None if f is None else _names(f, depth - 1) for f, _ in fn.next_functions]


def _inputs(m, seed=0, tie=True):
    """self (4, 3) and src (4, 3), float64, src with zeros and a value equal to self's."""
    gen = np.random.default_rng(seed)
    x = gen.standard_normal((4, 3))
    s = gen.standard_normal((4, 3))
    s[0, 1] = s[2, 0] = s[3, 0] = 0.0
    if tie:
        s[1, 2] = x[1, 0]
    s[0, 2] = 5.0
    return (m.tensor(x, requires_grad=True), m.tensor(s, requires_grad=True))


INDEXES = {
    "col": [[0], [2], [1], [1]],        # (4, 1): smaller than src (4, 3) in dim 1
    "row": [[0, 1, 2]],                 # (1, 3)
    "block": [[0, 1], [2, 2]],          # (2, 2): does not broadcast against src
    "full": [[0, 0, 1], [1, 2, 2], [2, 1, 0], [0, 0, 0]],
}
OPS = {
    "scatter": lambda m, x, i, s, d: x.scatter(d, i, s),
    "scatter_add": lambda m, x, i, s, d: x.scatter_add(d, i, s),
    "scatter_add_": lambda m, x, i, s, d: (x * 1).scatter_add_(d, i, s),
    "scatter_": lambda m, x, i, s, d: (x * 1).scatter_(d, i, s),
}
for _r in REDUCES:
    OPS[_r] = (lambda r: lambda m, x, i, s, d: x.scatter_reduce(d, i, s, r))(_r)
    OPS[_r + "_noself"] = (lambda r: lambda m, x, i, s, d: x.scatter_reduce(d, i, s, r, include_self=False))(_r)
    OPS[_r + "_"] = (lambda r: lambda m, x, i, s, d: (x * 1).scatter_reduce_(d, i, s, r))(_r)


@pytest.mark.parametrize("dim", [0, 1])
@pytest.mark.parametrize("index", sorted(INDEXES))
@pytest.mark.parametrize("op", sorted(OPS))
def test_scatter_src_gradient_with_a_smaller_index(op, index, dim):
    def fn(m):
        x, s = _inputs(m)
        y = OPS[op](m, x, m.tensor(INDEXES[index]), s, dim)
        y.backward(m.linspace(-1.0, 2.0, 12, dtype=m.float64).reshape(4, 3))
        return y, x.grad, s.grad
    same_outcome(fn)


@pytest.mark.parametrize("index", ["col", "row", "block", "full"])
@pytest.mark.parametrize("op", sorted(o for o in OPS if not o.startswith("prod")))
def test_scatter_src_gradient_create_graph(op, index):
    def fn(m):
        x, s = _inputs(m)
        y = OPS[op](m, x, m.tensor(INDEXES[index]), s, 1)
        gx, gs = m.autograd.grad((y ** 2).sum(), [x, s], create_graph=True)
        hx, hs = m.autograd.grad((gs ** 2).sum() + gx.sum(), [x, s], allow_unused=True)
        return gx, gs, hx, hs, _names(gx.grad_fn), _names(gs.grad_fn)
    same_outcome(fn)


def test_scatter_of_an_expanded_src_fails_as_torch():
    def fn(m):
        x = m.zeros(3, requires_grad=True)
        s = m.tensor(2.0, requires_grad=True)
        x.scatter(0, m.tensor([1]), s.expand(3)).sum().backward()
        return s.grad
    same_outcome(fn)


def test_scatter_add_of_a_0d_src_sums_its_gradient():
    def fn(m):
        x = m.zeros(3, dtype=m.float64, requires_grad=True)
        s = m.tensor(2.0, dtype=m.float64, requires_grad=True)
        y = x.scatter_add(0, m.tensor([1]), s.reshape(1))
        y.backward(m.tensor([1.0, 2.0, 3.0], dtype=m.float64))
        return x.grad, s.grad
    same_outcome(fn)


@pytest.mark.parametrize("include_self", [True, False])
@pytest.mark.parametrize("reduce", REDUCES)
def test_scatter_reduce_graph_names(reduce, include_self):
    def fn(m):
        x, s = _inputs(m, tie=False)
        y = x.scatter_reduce(0, m.tensor([[0, 0, 1], [1, 2, 2]]), s[:2], reduce, include_self=include_self)
        gx, gs = m.autograd.grad((y ** 2).sum(), [x, s], create_graph=True)
        hx, hs = m.autograd.grad((gs ** 2).sum() + (gx ** 2).sum(), [x, s])
        return gx, gs, hx, hs, _names(gx.grad_fn, 1), _names(gs.grad_fn, 1)
    same_outcome(fn, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("include_self", [True, False])
@pytest.mark.parametrize("reduce", ("mean", "amax", "amin", "prod"))
def test_index_reduce_graph_names(reduce, include_self):
    def fn(m):
        x, s = _inputs(m, tie=False)
        y = x.index_reduce(0, m.tensor([2, 0, 2]), s[:3], reduce, include_self=include_self)
        gx, gs = m.autograd.grad((y ** 2).sum(), [x, s], create_graph=True)
        hx, hs = m.autograd.grad((gs ** 2).sum() + (gx ** 2).sum(), [x, s])
        return gx, gs, hx, hs, _names(gx.grad_fn, 1), _names(gs.grad_fn, 1)
    same_outcome(fn, rtol=1e-12, atol=1e-14)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 4), st.integers(1, 3), st.sampled_from(REDUCES + ("scatter", "scatter_add")),
       st.booleans(), st.integers(0, 1), st.integers(0, 10 ** 6))
def test_scatter_src_gradient_hypothesis(rows, cols, op, include_self, dim, seed):
    gen = np.random.default_rng(seed)
    idx = gen.integers(0, 3, size=(rows, cols)).tolist()
    x = gen.integers(-3, 4, size=(4, 3)).astype(np.float64)     # small integers: ties with src happen
    s = gen.integers(-3, 4, size=(4, 3)).astype(np.float64)
    g = gen.standard_normal((4, 3))

    def fn(m):
        xt, st_ = m.tensor(x, requires_grad=True), m.tensor(s, requires_grad=True)
        i = m.tensor(idx)
        if op == "scatter":
            y = xt.scatter(dim, i, st_)
        elif op == "scatter_add":
            y = xt.scatter_add(dim, i, st_)
        else:
            y = xt.scatter_reduce(dim, i, st_, op, include_self=include_self)
        y.backward(m.tensor(g))
        return y, xt.grad, st_.grad
    same_outcome(fn)


@pytest.mark.parametrize("alpha", [1, 2.0, -0.5, 3])
def test_index_add_source_gradient_graph(alpha):
    def fn(m, x, s):
        y = x.index_add(0, m.tensor([0, 0, 2, 3]), s, alpha=alpha)
        gx, gs = m.autograd.grad((y ** 2).sum(), [x, s], create_graph=True)
        return gx, gs, _names(gx.grad_fn, 1), _names(gs.grad_fn, 3)
    gen = np.random.default_rng(1)
    same_on_both(fn, [gen.standard_normal((4, 3)), gen.standard_normal((4, 3))])


@pytest.mark.parametrize("alpha", [1, -2.5])
def test_index_add_inplace_and_0d_source_gradient_graph(alpha):
    def fn(m):
        x = m.tensor([1.0, -2.0, 0.5], dtype=m.float64, requires_grad=True)
        s = m.tensor(3.0, dtype=m.float64, requires_grad=True)
        y = (x * 1).index_add_(0, m.tensor(1), s, alpha=alpha)
        gx, gs = m.autograd.grad((y ** 3).sum(), [x, s], create_graph=True)
        hx, hs = m.autograd.grad(gs * gx.sum(), [x, s])
        return gx, gs, hx, hs, _names(gs.grad_fn, 2)
    same_outcome(fn)


def test_gradgradcheck_scatter_reduce_and_index_add():
    gen = np.random.default_rng(3)
    x = glasstorch.tensor(gen.standard_normal((3, 3)), requires_grad=True)
    s = glasstorch.tensor(gen.standard_normal((2, 3)), requires_grad=True)
    i = glasstorch.tensor([[0, 0, 1], [1, 2, 2]])
    for reduce in ("sum", "mean"):
        for inc in (True, False):
            f = lambda a, b: a.scatter_reduce(0, i, b, reduce, include_self=inc) ** 2     # noqa: E731
            assert gradcheck(f, (x, s))
            assert gradgradcheck(f, (x, s))
    f = lambda a, b: a.index_add(0, glasstorch.tensor([2, 0]), b, alpha=-1.5) ** 2         # noqa: E731
    assert gradcheck(f, (x, s)) and gradgradcheck(f, (x, s))


def test_sinkhorn_plan_gradient_through_logsumexp():
    """The program's log-domain Sinkhorn: plan, its marginals and the gradient of the cost."""
    def fn(m, a_logits, b_logits):
        grid = m.linspace(0, 1, 6, dtype=m.float64)
        C = m.cdist(grid[:, None], grid[:, None]) ** 2
        a, b = a_logits.softmax(0), b_logits.softmax(0)
        f = m.zeros_like(a)
        g = m.zeros_like(b)
        for _ in range(30):
            f = -0.1 * m.logsumexp((g[None, :] - C) / 0.1 + b.log()[None, :], dim=1)
            g = -0.1 * m.logsumexp((f[:, None] - C) / 0.1 + a.log()[:, None], dim=0)
        P = ((f[:, None] + g[None, :] - C) / 0.1 + a.log()[:, None] + b.log()[None, :]).exp()
        return P, (P * C).sum()
    gen = np.random.default_rng(5)
    same_on_both(fn, [gen.standard_normal(6), gen.standard_normal(6)], rtol=1e-10, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 5), min_size=1, max_size=3), st.integers(0, 2), st.integers(0, 7),
       st.sampled_from(["float32", "float64", "float16"]), st.sampled_from([0.3, 3, -1.7, 1e-3, 1, 2.5]),
       st.booleans(), st.integers(0, 10 ** 6))
def test_index_add_alpha_rounding_hypothesis(shape, dim, k, dtype, alpha, inplace, seed):
    d = dim % len(shape)
    gen = np.random.default_rng(seed)
    x = gen.standard_normal(shape).astype(dtype)
    s = gen.standard_normal(shape[:d] + [k] + shape[d + 1:]).astype(dtype)
    idx = gen.integers(0, shape[d], k)

    def fn(m, x, s):
        i = m.tensor(idx)
        return x.clone().index_add_(d, i, s, alpha=alpha) if inplace else m.index_add(x, d, i, s, alpha=alpha)
    same_on_both(fn, [x, s], grad=False)


def test_index_add_alpha_rounding_program_sizes():
    gen = np.random.default_rng(7)
    x, s = gen.standard_normal((5, 37)), gen.standard_normal((6, 37))
    for dt in ("float32", "float64"):
        same_on_both(lambda m, a, b: a.index_add(0, m.tensor([0, 0, 2, 4, 0, 3]), b, alpha=0.3),
                     [x.astype(dt), s.astype(dt)])
        same_on_both(lambda m, a, b: a.index_add(1, m.tensor([3, 3, 1, 0, 2, 1]), b, alpha=-2.2),
                     [s.T.astype(dt).copy(), gen.standard_normal((37, 6)).astype(dt)])
        same_on_both(lambda m, a, b: a.index_add(0, m.tensor([1, 1, 4, 0, 2, 1]), b, alpha=0.3),
                     [x[:, 0].astype(dt).copy(), s[:, 0].astype(dt).copy()])


@pytest.mark.parametrize("inplace", [False, True])
@pytest.mark.parametrize("src_kind", ["tensor", "tensor_rg", "number"])
@pytest.mark.parametrize("reduce", ["add", "multiply"])
def test_scatter_with_reduce_has_no_derivative(reduce, src_kind, inplace):
    def fn(m):
        x = m.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]], requires_grad=True)
        src = 1.5 if src_kind == "number" else m.full((3, 3), 2.0, requires_grad=src_kind == "tensor_rg")
        i = m.tensor([[0, 1], [2, 2]])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            y = (x * 1).scatter_(0, i, src, reduce=reduce) if inplace else x.scatter(0, i, src, reduce=reduce)
        fn_ = y.grad_fn
        edges = [None if f is None else f.name() for f, _ in fn_.next_functions]
        with m.no_grad():
            plain = x.scatter(0, i, src, reduce=reduce)
        return y.detach(), fn_.name(), edges, y.requires_grad, plain.requires_grad
    same_outcome(fn)

    def backward(m):
        x = m.ones(3, 3, requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            y = (x * 1).scatter_(0, m.tensor([[0, 1]]), 2.0, reduce=reduce) if inplace else \
                x.scatter(0, m.tensor([[0, 1]]), 2.0, reduce=reduce)
        y.sum().backward()
    same_outcome(backward)


@pytest.mark.parametrize("reduce", ["add", "multiply"])
def test_scatter_with_reduce_refuses_forward_ad(reduce):
    def fn(m):
        import importlib
        fwad = importlib.import_module(m.__name__ + ".autograd.forward_ad")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with fwad.dual_level():
                d = fwad.make_dual(m.ones(3, 3), m.ones(3, 3))
                return fwad.unpack_dual(d.scatter(0, m.tensor([[0, 1]]), 2.0, reduce=reduce)).tangent
    same_outcome(fn)


ZERO_D = [((3,), 1, ()), ((3,), [1], ()), ((3,), 1, (3,)), ((), 0, ()), ((), [0], (1,)), ((), 0, (1,)),
          ((3,), [1, 2], (1,)), ((3,), [], (2,))]
ZERO_D_OPS = {
    "scatter": lambda x, i, s: x.scatter(0, i, s),
    "scatter_add": lambda x, i, s: x.scatter_add(0, i, s),
    "index_add": lambda x, i, s: x.index_add(0, i, s, alpha=2.0),
}
for _r in REDUCES:
    ZERO_D_OPS[_r] = (lambda r: lambda x, i, s: x.scatter_reduce(0, i, s, r))(_r)
    ZERO_D_OPS[_r + "_noself_"] = (lambda r: lambda x, i, s: (x * 1).scatter_reduce_(0, i, s, r, include_self=False))(_r)


@pytest.mark.parametrize("case", range(len(ZERO_D)))
@pytest.mark.parametrize("op", sorted(ZERO_D_OPS))
def test_scatter_with_0d_index_or_src(op, case):
    xs, i, ss = ZERO_D[case]

    def fn(m):
        x = m.full(xs, 0.5, dtype=m.float64, requires_grad=True)
        s = m.full(ss, 2.0, dtype=m.float64, requires_grad=True)
        y = ZERO_D_OPS[op](x, m.tensor(i, dtype=m.long), s)
        y.backward(m.full(xs, 3.0, dtype=m.float64))
        return y, x.grad, s.grad
    same_outcome(fn)


@pytest.mark.parametrize("case", [0, 1, 2, 3, 4, 5])
@pytest.mark.parametrize("op", ["sum", "mean", "amax", "amin_noself_"])
def test_scatter_reduce_with_0d_index_or_src_create_graph(op, case):
    xs, i, ss = ZERO_D[case]

    def fn(m):
        x = m.tensor(np.linspace(-1.0, 1.0, int(np.prod(xs))).reshape(xs), requires_grad=True)
        s = m.full(ss, 0.25, dtype=m.float64, requires_grad=True)
        y = ZERO_D_OPS[op](x, m.tensor(i, dtype=m.long), s)
        gx, gs = m.autograd.grad((y ** 2).sum(), [x, s], create_graph=True)
        hx, hs = m.autograd.grad((gs ** 2).sum() + (gx ** 2).sum(), [x, s], allow_unused=True)
        # (values only: with 0-d operands the graph's nodes differ, views where torch has none)
        return gx.detach(), gs.detach(), hx, hs
    same_outcome(fn)


@pytest.mark.parametrize("reduce", ["prod", "amax", "mean"])
@pytest.mark.parametrize("op", ["scatter_reduce", "index_reduce"])
def test_vmap_of_grad_of_reduce_product_refuses(op, reduce):
    def fn(m):
        def f(x):
            if op == "scatter_reduce":
                return x.scatter_reduce(0, m.tensor([1]), x[:1], reduce).sum()
            return x.index_reduce(0, m.tensor([1]), x[:1], reduce).sum()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return m.func.vmap(m.func.grad(f))(m.tensor([[1.0, 2.0], [3.0, 4.0]]))
    same_outcome(fn)


def test_backward_after_vmap_of_reduce_product_runs():
    def fn(m):
        y = m.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        r = m.func.vmap(lambda x: x.scatter_reduce(0, m.tensor([1]), x[:1], "prod"))(y)
        r.sum().backward()
        return r.detach(), y.grad, m.func.grad(lambda x: x.scatter_reduce(0, m.tensor([1]), x[:1], "prod").sum())(
            m.tensor([1.0, 2.0]))
    same_outcome(fn)
