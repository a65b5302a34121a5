"""vdot: the dot product conjugating its first argument, with its own graph node (VdotBackward0).

Its checks and errors are ``dot``'s (torch's messages name "dot" too); the value is dot of
conj(input) with other.
"""
import numpy as np

from ..autograd.graph import Node
from ._common import _wrap, record, needs_grad
from .complex_grad import conj_any


class VdotBackward0(Node):
    """z = sum conj(a) b   ->   da = conj(g) b,   db = g a   (torch's convention, written for complex)"""
    __slots__ = ()
    _saved_names = ("other", "self")
    _complex_ready = True

    def backward(self, g):
        b, a = self.saved()
        return (None if b is None else conj_any(g) * b), (None if a is None else g * a)


def vdot(input, other, *, out=None):
    from .matmul import dot
    from .. import no_grad
    with no_grad():                    # dot's checks and sum order; the node is vdot's own
        x = input.detach()
        r = dot(_wrap(np.conj(x._data)) if x._data.dtype.kind == "c" else x, other.detach())
    r = _wrap(r._data)
    if needs_grad(input, other):
        node = VdotBackward0()
        node.save(other if input._rg else None, input if other._rg else None)
        record(node, r, input, other)
    return r
