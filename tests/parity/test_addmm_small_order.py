"""addmm / addmv with a short inner dimension, bit for bit, and mm / addmm gradients under create_graph,
node for node, against torch.

MKL's small-matrix kernel either starts each entry's running sum at C or adds C to the finished sum,
by the operands' layouts; its gemv "n" kernel (a column-major matrix) starts at C.  Fixed in
glasstorch: addmm took NumPy's product and added C after (25-83% of entries differed in the last bit
for k <= 7), addmv added C after for column-major matrices (every such case with k >= 3 tested
differed).  Under create_graph, mm's and addmm's gradients were ``transpose`` + ``matmul``
(TransposeBackward0) where torch records ``mm`` with ``t()`` (TBackward0, and for a column-major
factor the transpose of a product), and alpha / beta multiplied through MulBackward0, not the
.Scalar overload's MulBackward1.

Only the shapes where glasstorch models MKL's order are compared bit for bit (``running_sum`` /
``running_mv`` say which: k <= 7, or one row); elsewhere both use a BLAS whose order differs.
"""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from glasstorch.ops import _gemm_small

from ._helpers import graph_names

MODS = (torch, glasstorch)


def _laid(a, layout):
    """The array itself ("N") or a transposed view of a row-major copy of its transpose ("T")."""
    return a if layout == "N" else np.ascontiguousarray(a.T).T


def _tensor(m, a, layout):
    t = m.from_numpy(np.ascontiguousarray(a) if layout == "N" else np.ascontiguousarray(a.T))
    return t if layout == "N" else t.t()


@settings(max_examples=150, deadline=None)
@given(m=st.sampled_from([1, 2, 3, 4, 7, 12]), k=st.integers(2, 9), p=st.sampled_from([1, 2, 3, 5, 11, 12]),
       la=st.sampled_from("NT"), lb=st.sampled_from("NT"), dt=st.sampled_from([np.float32, np.float64]),
       cshape=st.sampled_from(["row", "full", "column", "scalar"]), seed=st.integers(0, 2 ** 16))
def test_addmm_small(m, k, p, la, lb, dt, cshape, seed):
    rng = np.random.default_rng(seed)
    x, y = rng.standard_normal((m, k)).astype(dt), rng.standard_normal((k, p)).astype(dt)
    c = rng.standard_normal({"row": (p,), "full": (m, p), "column": (m, 1), "scalar": ()}[cshape]).astype(dt)
    if _gemm_small.running_sum(_laid(x, la), _laid(y, lb)) is None:
        return                                            # a shape MKL's BLAS kernel sums: not modelled
    got = [mod.addmm(mod.from_numpy(c.copy()), _tensor(mod, x, la), _tensor(mod, y, lb)).numpy() for mod in MODS]
    np.testing.assert_array_equal(got[1], got[0])


@settings(max_examples=100, deadline=None)
@given(m=st.sampled_from([1, 2, 3, 4, 9, 40]), k=st.integers(2, 30), la=st.sampled_from("NT"),
       dt=st.sampled_from([np.float32, np.float64]), vector_c=st.booleans(), seed=st.integers(0, 2 ** 16))
def test_addmv_small(m, k, la, dt, vector_c, seed):
    rng = np.random.default_rng(seed)
    a, v = rng.standard_normal((m, k)).astype(dt), rng.standard_normal(k).astype(dt)
    c = rng.standard_normal((m,) if vector_c else ()).astype(dt)
    if _gemm_small.running_mv(_laid(a, la), v) is None:
        return
    got = [mod.addmv(mod.from_numpy(c.copy()), _tensor(mod, a, la), mod.from_numpy(v.copy())).numpy() for mod in MODS]
    np.testing.assert_array_equal(got[1], got[0])


def test_addmm_alpha_beta_keep_their_order():
    """alpha / beta other than 1 keep beta C + alpha (A B): the same values as torch where k is short."""
    rng = np.random.default_rng(0)
    x, y, c = rng.standard_normal((3, 4)), rng.standard_normal((4, 5)), rng.standard_normal(5)
    got = [mod.addmm(mod.from_numpy(c.copy()), mod.from_numpy(x.copy()), mod.from_numpy(y.copy()), beta=0.5,
                     alpha=2).numpy() for mod in MODS]
    np.testing.assert_allclose(got[1], got[0], rtol=1e-15, atol=1e-15)


PRODUCTS = {
    "mm": lambda m, A, B, c: m.mm(A, B),
    "mm_b_colmajor": lambda m, A, B, c: m.mm(A, B.t().contiguous().t()),
    "mm_a_colmajor": lambda m, A, B, c: m.mm(A.t().contiguous().t(), B),
    "matmul": lambda m, A, B, c: A @ B,
    "addmm": lambda m, A, B, c: m.addmm(c, A, B),
    "addmm_alpha_beta": lambda m, A, B, c: m.addmm(c, A, B, alpha=2, beta=3),
    "linear_style": lambda m, A, B, c: m.addmm(c, A, B.t().contiguous().t()),
}


@pytest.mark.parametrize("name", sorted(PRODUCTS))
def test_create_graph_nodes(name):
    got = []
    for m in MODS:
        m.manual_seed(0)
        A = m.randn(4, 3, dtype=m.float64, requires_grad=True)
        B = m.randn(3, 5, dtype=m.float64, requires_grad=True)
        c = m.randn(5, dtype=m.float64, requires_grad=True)
        y = PRODUCTS[name](m, A, B, c)
        grads = m.autograd.grad(y.pow(2).sum(), [A, B, c], create_graph=True, allow_unused=True)
        firsts = [g for g in grads if g is not None]
        second = m.autograd.grad(sum(g.sin().sum() for g in firsts), [A, B])
        got.append(([graph_names(g) for g in firsts], [g.detach().numpy() for g in firsts],
                    [g.numpy() for g in second]))
    assert got[1][0] == got[0][0]
    for a, b in zip(got[0][1] + got[0][2], got[1][1] + got[1][2]):
        np.testing.assert_allclose(b, a, rtol=1e-13, atol=1e-13)
