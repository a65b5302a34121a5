"""First-order gradients of tensor ops under ``create_graph``, compared with torch at test time.

Found by the create_graph sweep of test_double_backward_more.py: torch computes these gradients with
ops of their own, so that a graph of the backward meets torch's nodes; glasstorch recorded other
nodes of an equivalent formula (ViewBackward0, WhereBackward0, CopySlices ...), or crashed.  Fixed:
- repeat: no reshape on top of the sum (SumBackward1); a zero repeat gives zeros (it crashed);
- trace: zeros(n m).index_fill_(0, diagonal, g).view(n, m) (ViewBackward0 over IndexFillBackward1);
  index_fill differentiates a 0-d tensor value (IndexFillBackward1: dv = g.index_select(d, unique(i)).sum());
- unfold (UnfoldBackwardBackward0), indexing / take / masked_select (IndexPutImplBackward0 /
  PutBackward0 / MaskedScatterBackward0), as_strided (AsStridedBackward0 over CopySlices, torch's
  as_strided_backward), narrow_copy (SliceBackwardBackward0), diagonal (DiagonalBackwardBackward0);
- the input's gradient of index_put / put / index_copy / masked_scatter / select_, slice_,
  diagonal_scatter (IndexPutBackward0 / PutBackward0 / IndexFillBackward0 / MaskedFillBackward0 /
  the scatter's own node), masked_scatter's source gradient (MaskedScatterBackwardBackward0),
  masked_fill's (MaskedFillBackward0), xlog1py's (MaskedFillBackward0), mul / div by a Scalar
  (MulBackward1 / DivBackward1 again).
"""
import numpy as np
import pytest

import glasstorch
from .test_double_backward_more import F, compare

R = np.random.default_rng(9)
A = R.standard_normal((4, 5))
B = R.standard_normal((4, 5))
OPS = {
    "repeat": (lambda m, a: a.repeat(2, 1, 3) ** 2, [A]),
    "repeat_zero": (lambda m, a: a.repeat(2, 0).sum() * a, [A]),
    "glu_of_repeat": (lambda m, a: F(m).glu(a.repeat(1, 2), 1), [A]),
    "trace": (lambda m, a: m.trace(a[:, :3]) ** 2, [A]),
    "trace_tall": (lambda m, a: m.trace(a.T) ** 2, [A]),
    "index_fill_value": (lambda m, a, v: a.index_fill(1, m.tensor([0, 2, 2]), v.sum()) ** 2, [A, B[0]]),
    "unfold": (lambda m, a: a.unfold(1, 2, 1) ** 3, [A]),
    "unfold_step": (lambda m, a: a.unfold(0, 2, 2) ** 3, [A]),
    "index": (lambda m, a: a[[0, 2, 2]] ** 3, [A]),
    "bool_index": (lambda m, a: a[a > 0.5] ** 3, [A]),
    "take": (lambda m, a: m.take(a, m.tensor([0, 7, 7])) ** 3, [A]),
    "masked_select": (lambda m, a: m.masked_select(a, m.tensor(A > 0)) ** 3, [A]),
    "as_strided": (lambda m, a: a.as_strided((3, 3), (1, 1), 2) ** 3, [A]),
    "as_strided_expanded": (lambda m, a: a[0].expand(3, 5).as_strided((2, 2), (1, 1)) ** 3, [A]),
    "narrow_copy": (lambda m, a: a.narrow_copy(1, 1, 2) ** 3, [A]),
    "masked_fill": (lambda m, a: a.masked_fill(a > 0, 2.0) ** 3, [A]),
    "masked_fill_tensor": (lambda m, a, b: a.masked_fill(a > 0, b.sum()) ** 2, [A, B]),
    "index_put": (lambda m, a, b: a.index_put((m.tensor([0, 2]),), b[:2]) ** 3, [A, B]),
    "index_copy": (lambda m, a, b: a.index_copy(0, m.tensor([0, 3, 1]), b[:3]) ** 3, [A, B]),
    "put": (lambda m, a, b: a.put(m.tensor([1, 5]), b[0, :2]) ** 3, [A, B]),
    "masked_scatter": (lambda m, a, b: a.masked_scatter(m.tensor(A > 0), b) ** 3, [A, B]),
    "select_scatter": (lambda m, a, b: m.select_scatter(a, b[0], 0, 1) ** 3, [A, B]),
    "slice_scatter": (lambda m, a, b: m.slice_scatter(a, b[:, :2], 1, 1, 3) ** 3, [A, B]),
    "diagonal_scatter": (lambda m, a, b: m.diagonal_scatter(a, b[0, :4]) ** 3, [A, B]),
    "xlog1py": (lambda m, a, b: m.special.xlog1py(a, b.abs()), [A, B]),
    "mul_scalar_chain": (lambda m, a: F(m).scaled_dot_product_attention(
        a.reshape(1, 4, 5), a.reshape(1, 4, 5), a.reshape(1, 4, 5), attn_mask=m.ones(4, 4, dtype=m.bool).tril()), [A]),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("op", sorted(OPS))
def test_create_graph_nodes(op, dtype):
    fn, arrays = OPS[op]
    close = op in ("xlog1py", "mul_scalar_chain")      # log1p's / the softmax's float rounding
    tol = (dict(rtol=1e-5, atol=1e-6) if dtype == "float32" else dict(rtol=1e-12, atol=1e-14)) if close else {}
    compare(fn, arrays, dtype, **tol)


@pytest.mark.parametrize("op", sorted(OPS))
def test_create_graph_nodes_gradgradcheck(op):
    fn, arrays = OPS[op]
    xs = [glasstorch.tensor(a, dtype=glasstorch.float64, requires_grad=True) for a in arrays]
    assert glasstorch.autograd.gradgradcheck(lambda *t: fn(glasstorch, *t), tuple(xs))


@pytest.mark.parametrize("op", ["index", "take", "masked_scatter", "as_strided", "unfold", "select_scatter"])
def test_third_derivative(op):
    """The new nodes differentiate again: a third derivative as torch's."""
    import torch
    fn, arrays = OPS[op]

    def run(m):
        ins = [m.tensor(a, requires_grad=True) for a in arrays]
        gs = m.autograd.grad(fn(m, *ins).sum(), ins, create_graph=True)
        hs = m.autograd.grad(sum((g ** 2).sum() for g in gs), ins, create_graph=True)
        ks = m.autograd.grad(sum(h.sum() for h in hs), ins)
        return [type(t.grad_fn).__name__ for t in gs + hs], [t.detach().numpy() for t in gs + hs + ks]
    (tn, tv), (gn, gv) = run(torch), run(glasstorch)
    assert gn == tn
    for a, b in zip(tv, gv):
        np.testing.assert_array_equal(b, a)
