"""Autograd through building, coalescing and densifying a sparse COO tensor, with torch's nodes.

* ``sparse_coo_tensor(indices, values)`` with ``values`` requiring grad: each stored entry's value
  gets the gradient at its position (duplicates each get it), torch's ``sparse_mask`` of the grad.
* ``s.coalesce()``: the gradient passes through unchanged (it means the same dense array).
* ``s.to_dense()``: a sparse gradient holding ``g`` at ``s``'s coalesced indices, flagged uncoalesced.
* ``s.values()`` (coalesced ``s``): the sparse gradient with ``s``'s indices and ``g`` as values
  (torch's values_backward); ``_values()`` stays non-differentiable, as in torch.
* ``x.to_sparse()`` of a dense ``x``: the gradient made dense (torch's to_sparse_backward), so what
  arrives as a sparse gradient reaches ``x`` zero off its stored entries.  torch names the node
  ToSparseBackward0 for ``to_sparse(sparse_dim)``, ToSparseBackward1 for the layout overload.

The engine hands a sparse gradient around as a ``SparseGrad`` (``_grad.py``), a dense one as an array.
"""
import numpy as np

from ..autograd.graph import FREED, Node


def _dense(g):
    from ._grad import SparseGrad
    return g.tensor()._data if g.__class__ is SparseGrad else np.asarray(g)


class SparseCooTensorWithDimsAndTensorsBackward0(Node):
    __slots__ = ()

    def backward(self, g):
        if self._saved is None:
            raise RuntimeError(FREED)
        (idx,) = self._saved
        return (_dense(g)[tuple(idx)],)


class CoalesceBackward0(Node):
    __slots__ = ()

    def backward(self, g):
        return (g,)


class ToDenseBackward0(Node):
    __slots__ = ()

    def backward(self, g):
        from ._coo import coalesce_arrays
        from ._grad import SparseGrad
        if self._saved is None:
            raise RuntimeError(FREED)
        idx, vals, size, coal = self._saved
        cidx = idx if coal else coalesce_arrays(idx, vals, size)[0]
        g = np.asarray(g)
        return (SparseGrad(cidx.copy(), g[tuple(cidx)], size, False),)


class ValuesBackward0(Node):
    __slots__ = ()

    def backward(self, g):
        from ._grad import SparseGrad
        if self._saved is None:
            raise RuntimeError(FREED)
        idx, size = self._saved
        return (SparseGrad(idx, np.array(_dense(g)), size, True),)


class CloneBackward0(Node):
    __slots__ = ()

    def backward(self, g):
        return (g,)


def cloned(out, t):
    """``t.clone()`` (``out``) gets torch's CloneBackward0 when ``t`` requires grad."""
    from ..autograd.grad_mode import GRAD
    if GRAD.enabled and t._rg:
        _record_sparse(CloneBackward0(), out, t)
    return out


class _ToSparseBackward(Node):
    __slots__ = ()

    def backward(self, g):
        return (np.array(_dense(g)),)


ToSparseBackward0 = type("ToSparseBackward0", (_ToSparseBackward,), {"__slots__": ()})
ToSparseBackward1 = type("ToSparseBackward1", (_ToSparseBackward,), {"__slots__": ()})


def values_of(out, t):
    """``t.values()`` (``out``, a dense tensor sharing ``t``'s values) gets its node when ``t`` requires grad."""
    from ..autograd.grad_mode import GRAD
    from ..ops._common import record
    if GRAD.enabled and t._rg:
        node = ValuesBackward0()
        node.save(t._idx, tuple(t._size))
        record(node, out, t)
    return out


def sparsified(out, x, sparse_dim):
    """``x.to_sparse(...)`` (``out``) gets its node when the dense ``x`` requires grad."""
    from ..autograd.grad_mode import GRAD
    if GRAD.enabled and x._rg:
        node = ToSparseBackward1() if sparse_dim is None else ToSparseBackward0()
        _record_sparse(node, out, x)
    return out


def _record_sparse(node, out, *inputs):
    """``ops._common.record`` for a sparse ``out``, without densifying it for the node's shape."""
    from ..ops._common import edge
    node.next_functions = tuple(edge(t) for t in inputs)
    node._shape, node._dtype = tuple(out._size), out._vals.dtype
    out.grad_fn = node
    out._rg = True
    return out


def built(out, values):
    """``out`` (just built from ``values``) gets its node when ``values`` requires grad."""
    from ..autograd.grad_mode import GRAD
    if GRAD.enabled and values._rg:
        node = SparseCooTensorWithDimsAndTensorsBackward0()
        node.save(out._idx)
        _record_sparse(node, out, values)
    return out


def coalesced(out, t):
    from ..autograd.grad_mode import GRAD
    if GRAD.enabled and t._rg:
        _record_sparse(CoalesceBackward0(), out, t)
    return out


def densified(out, t):
    from ..autograd.grad_mode import GRAD
    from ..ops._common import record
    if GRAD.enabled and t._rg:
        node = ToDenseBackward0()
        node.save(t._idx, t._vals, t._size, t._coal)
        record(node, out, t)
    return out
