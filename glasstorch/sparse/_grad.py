"""Sparse gradients inside the backward engine.

The engine passes NumPy arrays between nodes and checks only ``.shape`` and ``.dtype``, so a
sparse gradient travels as a ``SparseGrad``: the COO arrays with the dense shape and the NumPy
dtype.  Two gradients meeting in the engine's buffer add as torch's InputBuffer does
(``new + old``: sparse + sparse stays sparse, anything with a dense part is dense); at a leaf,
``accumulate`` writes ``.grad`` as torch's AccumulateGrad does (``old + new``).
"""
import numpy as np

from ._arith import add_arrays, dense_add_arrays
from ._coo import SparseTensor, make


class SparseGrad:
    __slots__ = ("idx", "vals", "shape", "dtype", "coalesced")
    __array_ufunc__ = None          # ndarray + SparseGrad defers to __radd__

    def __init__(self, idx, vals, shape, coalesced=False):
        self.idx, self.vals, self.shape, self.dtype, self.coalesced = idx, vals, tuple(shape), vals.dtype, coalesced

    def tensor(self):
        return make(self.idx, self.vals, self.shape, self.coalesced)

    def __add__(self, new):
        """``self`` arrived first: torch's InputBuffer computes ``new + old``."""
        if new.__class__ is SparseGrad:
            idx, vals, coal = add_arrays(new.tensor(), self.tensor())
            return SparseGrad(idx, vals, self.shape, coal)
        return dense_add_arrays(np.asarray(new), self.idx, self.vals, self.coalesced)

    def __radd__(self, old):
        """A dense gradient arrived first: ``old.add_(new)``, dense."""
        return dense_add_arrays(np.asarray(old), self.idx, self.vals, self.coalesced)

    def __array__(self, dtype=None, copy=None):
        """Where the engine needs an array (``autograd.grad``), the dense gradient."""
        d = self.tensor()._data
        return d if dtype is None else d.astype(dtype)


def accumulate(var, g):
    """AccumulateGrad for a sparse ``g`` or a sparse ``var.grad`` (torch's accumulateGrad).

    The first gradient is kept with contiguous values (torch keeps contiguous ones as they are and
    clones the others); a later sparse one is added as ``old + new``; dense and sparse mix to dense.
    """
    old = var._grad
    if g.__class__ is SparseGrad:
        if old is None:
            var._grad = make(g.idx.copy(), np.array(g.vals), g.shape, g.coalesced)
        elif isinstance(old, SparseTensor):
            old._idx, vals, old._coal = add_arrays(old, g.tensor())
            old._vals = vals.astype(old._vals.dtype, copy=False)
            old._vc[0] += 1
        else:
            od = old._data
            od[...] = dense_add_arrays(od, g.idx, g.vals, g.coalesced)
            old._vc[0] += 1
    else:       # a dense gradient onto a sparse .grad: torch replaces it by new + old, dense
        from .._tensor import _wrap
        var._grad = _wrap(dense_add_arrays(np.asarray(g), old._idx, old._vals, old._coal))


def as_tensor(g):
    """What a hook sees of a sparse gradient."""
    return g.tensor()


def from_tensor(t):
    """A hook's sparse tensor back to the engine's form."""
    return SparseGrad(t._idx, t._vals, t._size, t._coal)


def _register():
    from ..autograd import engine
    engine._SPARSE[:] = [SparseGrad, SparseTensor]
    engine._sparse_grad = __import__(__name__, fromlist=["_"])


_register()
