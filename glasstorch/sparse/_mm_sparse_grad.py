"""Gradients of sparse @ sparse (``torch.sparse.mm`` records ``SparseSparseMatmulBackward0``, ``torch.mm``
and ``@`` record ``MmBackward0``), for inputs whose values carry a gradient.

    y = a @ b   ->   da = (g @ b.t()) read at a's coalesced indices,  db = (a.t() @ g) read at b's

Each is a sparse gradient flagged uncoalesced, as torch's.  glasstorch forms the products densely
(``g`` densified), so where torch's sparse kernel adds the terms of a sum in another order the last
bit of a gradient value may differ; small integer-valued cases agree exactly.
"""
from ..autograd.graph import FREED, Node


class SparseSparseMatmulBackward0(Node):
    """y = a @ b (a, b sparse)   ->   da = (g @ b.t()) at a's indices, db = (a.t() @ g) at b's indices"""
    __slots__ = ()

    def backward(self, g):
        from ._autograd import _dense
        from ._coo import _densify
        from ._grad import SparseGrad
        if self._saved is None:
            raise RuntimeError(FREED)
        (ai, av, sa, dta), (bi, bv, sb, dtb) = self._saved
        gd = _dense(g)
        da = db = None
        if self.next_functions[0][0] is not None:
            full = gd @ _densify(bi, bv, sb).T
            da = SparseGrad(ai.copy(), full[ai[0], ai[1]].astype(dta), sa, False)
        if self.next_functions[1][0] is not None:
            full = _densify(ai, av, sa).T @ gd
            db = SparseGrad(bi.copy(), full[bi[0], bi[1]].astype(dtb), sb, False)
        return da, db


class MmBackward0(SparseSparseMatmulBackward0):
    """``torch.mm(a, b)`` / ``a @ b`` of two sparse matrices: the same gradients."""
    __slots__ = ()


def record(out, mat1, mat2, a, b, dt, name):
    """Record the product's node from ``mat1`` and ``mat2`` (``a``, ``b``: their coalesced forms) when needed."""
    from ..autograd.grad_mode import GRAD
    if not (GRAD.enabled and (mat1._rg or mat2._rg)):
        return out
    from ..ops._common import edge
    node = MmBackward0() if name == "mm" else SparseSparseMatmulBackward0()
    node._saved = ((a._idx, a._vals.astype(dt), a._size, a._vals.dtype),
                   (b._idx, b._vals.astype(dt), b._size, b._vals.dtype))
    node.next_functions = (edge(mat1), edge(mat2))
    node._shape, node._dtype = tuple(out._size), out._vals.dtype
    out.grad_fn, out._rg = node, True
    return out
