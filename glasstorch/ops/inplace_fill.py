"""In-place comparisons (``x.lt_(y)`` writes 1/0 in x's own dtype) and ``fill_diagonal_``.

A comparison has no gradient, but done in place on a tensor that requires grad torch records a node
(``LtBackward0`` ...) that passes zeros, so the graph stays connected."""
import numpy as np

from ..autograd.graph import Node
from ._common import GRAD, _wrap, record
from ._common import check_pair
from .inplace import commit


class _CompareBackward(Node):
    """y = (a op b) as a's dtype   ->   da = 0,   db = 0"""
    __slots__ = ()

    def backward(self, g):
        return tuple(self.m.zeros_like(g) for _ in self.next_functions)   # +0, as torch's zeros_like


def _node(name):
    return type(name, (_CompareBackward,), {"__slots__": (), "__doc__": _CompareBackward.__doc__})


# torch's nodes: ...Backward0 against a number, ...Backward1 against a tensor
_NODES = {(op, k): _node(f"{op}Backward{k}") for op in ("Eq", "Ne", "Lt", "Le", "Gt", "Ge") for k in (0, 1)}


def _compare_(t, other, fn, op):
    from .._tensor import Tensor
    b = other._data if isinstance(other, Tensor) else other

    def compute():
        check_pair(t, other)            # the sizes first, then the dtypes
        if op not in ("Eq", "Ne") and (t._data.dtype.kind == "c" or getattr(b, "dtype", None) is not None
                                       and b.dtype.kind == "c"):
            from ._complex_refuse import not_implemented   # torch has no complex kernel for ordering
            raise not_implemented(op.lower() + "_cpu", np.result_type(t._data, b))
        r = _wrap(fn(t._data, b).astype(t._data.dtype))
        if GRAD.enabled and t._rg:
            ins = (t, other) if isinstance(other, Tensor) else (t,)
            record(_NODES[op, len(ins) - 1](), r, *ins)
        return r
    from .inplace import check_overlap
    check_overlap(t, other)         # torch refuses an ``other`` sharing part of t's memory
    return commit(t, compute, fn.__name__)


def eq_(t, other):
    return _compare_(t, other, np.equal, "Eq")


def ne_(t, other):
    return _compare_(t, other, np.not_equal, "Ne")


def lt_(t, other):
    return _compare_(t, other, np.less, "Lt")


def le_(t, other):
    return _compare_(t, other, np.less_equal, "Le")


def gt_(t, other):
    return _compare_(t, other, np.greater, "Gt")


def ge_(t, other):
    return _compare_(t, other, np.greater_equal, "Ge")


def fill_diagonal_(t, fill_value, wrap=False):
    """Write ``fill_value`` on the main diagonal (every dim equal past 2-D); ``wrap`` restarts the
    diagonal below a tall matrix's square part, one row of gap apart, as NumPy's fill_diagonal."""
    x = t._data
    if x.ndim < 2:
        raise RuntimeError("dimensions must larger than 1")
    if x.ndim > 2 and len(set(x.shape)) != 1:
        raise RuntimeError("all dimensions of input must be of equal length")
    from .as_strided import as_strided
    n, step, off = min(x.shape), sum(t.stride()), t.storage_offset()
    as_strided(t, (n,), (step,), off).fill_(fill_value)
    if wrap and x.ndim == 2 and x.shape[0] > x.shape[1] + 1:
        # the diagonal starts again one row below where the last one left the matrix
        extra = (x.size + x.shape[1]) // (x.shape[1] + 1) - n
        if extra > 0:
            as_strided(t, (extra,), (step,), off + t.stride(0) * (x.shape[1] + 1)).fill_(fill_value)
    return t


__all__ = ["eq_", "ne_", "lt_", "le_", "gt_", "ge_", "fill_diagonal_"]
