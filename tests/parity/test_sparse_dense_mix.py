"""Dense and sparse COO operands mixed in one op, against torch: result dtypes and the errors.

Fixed in glasstorch (found running pytorch/examples' gcn/main.py, whose adjacency matrix is
``torch.eye(V) + sparse_int64``):
- dense + sparse promoted with NumPy's rules (float32 with int64 gave float64; torch keeps
  float32, as for any op); now torch's promotion.
- sparse @ sparse of two dtypes computed in the wider one; torch refuses ("mat1 dtype Long does not
  match mat2 dtype Float").
- dense @ sparse (``torch.mm``, ``@``, ``torch.matmul``, ``torch.sparse.mm``) with two dtypes or a
  wrong inner size raised the dense product's messages; now torch's sparse addmm ones (it computes
  ``(sparse.t() @ dense.t()).t()``).
"""
import pytest
from hypothesis import given, settings, strategies as st

from ._helpers import same_outcome

DTYPES = ["float32", "float64", "float16", "int64", "int32", "int16", "uint8", "bool"]


def _sp(m, dtype, shape=(2, 3)):
    vals = m.tensor([1, 0, 1]).to(getattr(m, dtype))
    return m.sparse_coo_tensor([[0, 1, 1], [2, 0, 2]], vals, shape)


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(DTYPES), st.sampled_from(DTYPES), st.sampled_from(["add", "radd", "add_alpha", "sub", "mul"]))
def test_dense_sparse_elementwise_dtypes(dense, sparse, op):
    def fn(m):
        x, s = m.full((2, 3), 2).to(getattr(m, dense)), _sp(m, sparse)
        r = {"add": lambda: x + s, "radd": lambda: s + x, "add_alpha": lambda: m.add(x, s, alpha=2),
             "sub": lambda: x - s, "mul": lambda: x * s}[op]()
        return r.to_dense() if r.layout != m.strided else r
    same_outcome(fn)


@pytest.mark.parametrize("d1", ["float32", "float64", "int64"])
@pytest.mark.parametrize("d2", ["float32", "float64", "int64", "float16"])
@pytest.mark.parametrize("form", ["sparse_sparse", "sparse.mm", "dense_mm", "dense_matmul", "dense_at",
                                  "sparse.mm_dense"])
@pytest.mark.parametrize("inner", [2, 3])
def test_products_dtypes_and_sizes(d1, d2, form, inner):
    def fn(m):
        t = lambda d: getattr(m, d)  # noqa: E731
        s2 = _sp(m, d2, (2, 3))
        if form == "sparse_sparse":
            r = _sp(m, d1, (3, inner)).t() @ s2
        elif form == "sparse.mm":
            r = m.sparse.mm(_sp(m, d1, (3, inner)).t(), s2)
        else:
            x = m.ones(4, inner).to(t(d1))
            r = {"dense_mm": lambda: m.mm(x, s2), "dense_matmul": lambda: m.matmul(x, s2),
                 "dense_at": lambda: x @ s2, "sparse.mm_dense": lambda: m.sparse.mm(x, s2)}[form]()
        return r.to_dense() if r.layout != m.strided else r
    same_outcome(fn)


def test_gcn_adjacency_normalisation():
    """pytorch/examples gcn's load_cora steps on a 5-node graph."""
    def fn(m):
        import numpy as np
        edges = np.array([[0, 1], [1, 2], [2, 0], [3, 4]], dtype=np.int32)
        V, E = 5, 4
        adj = m.sparse_coo_tensor(edges.T, m.ones(E), (V, V), dtype=m.int64)
        adj = m.eye(V) + adj
        deg = m.sqrt(1 / m.sum(adj, dim=1))
        deg[deg == float("inf")] = 0
        deg = m.diag(deg).to_sparse()
        out = deg @ adj @ deg
        feats = m.FloatTensor(np.eye(V, 3, dtype=np.int32))
        return out, out.to_sparse().to_dense(), m.spmm(out.to_sparse(), feats)
    same_outcome(fn)
