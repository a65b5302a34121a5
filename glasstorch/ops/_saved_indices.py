"""Nodes that keep index tensors, saved as torch saves them, and the parser check of sort's ``stable`` overload.

torch's ``MaxBackward0``, ``SortBackward0``, ``GatherBackward0`` ... hold their index tensors as saved
variables: freed by a backward without ``retain_graph`` (a second one fails), version-checked (changing
the returned indices in place fails the backward), packed by saved-tensor hooks, readable as
``grad_fn._saved_indices`` / ``_saved_index``.
"""
import numpy as np

from ..autograd.graph import Node
from ._common import Tensor
from .shape import is_array


class _SelectAlong(Node):
    """Values picked along a dim at ``index``: the gradient goes back to those positions.
    (max/min along a dim here; sort, topk, kthvalue, median and mode in ``sorting.py``.)
    The returned indices are saved as torch saves them (``save``): a second backward finds them freed,
    an in-place change to them is caught, saved-tensor hooks see them."""
    __slots__ = ("shape", "axis", "keepdim", "dim")   # dim: as torch shows it (the dim passed, as uint64)
    _saved_names = ("indices", "attr:dim", "attr:keepdim", "attr:self_sym_sizes")

    @property
    def self_sym_sizes(self):
        return tuple(self.shape)

    def backward(self, gs):
        g = gs[0] if isinstance(gs, list) else gs
        index, = self.saved()
        if not self.shape:              # a 0-d input: its one element was picked
            return (g.reshape(()),)
        if is_array(g):
            index = np.asarray(getattr(index, "_data", index))
            idx = index if self.keepdim else np.expand_dims(index, self.axis)
            out = np.zeros(self.shape, g.dtype)
            np.put_along_axis(out, idx, g if self.keepdim else np.expand_dims(g, self.axis), self.axis)
            return (out,)
        m = self.m
        index = index if isinstance(index, Tensor) else m.tensor(np.asarray(index))
        g = g if self.keepdim else g.unsqueeze(self.axis)
        idx = index if self.keepdim else index.unsqueeze(self.axis)
        return (m.zeros(self.shape, dtype=g.dtype).scatter(self.axis, idx, g),)


def save_index(node, *tensors):
    """Save what torch's node saves of the op's arguments (the index tensor ...): the index arrays the
    backward reads stay in attributes, but a second backward then finds them freed, as torch's."""
    node.save(*(t for t in tensors if isinstance(t, Tensor)))


def stable_overload():
    """torch's ``sort.stable`` / ``argsort.stable`` overloads take ``stable`` by keyword and then dim and
    descending by keyword only: ``x.sort(1, stable=True)`` matches neither overload (torch's parser
    TypeError, raised here when the call on the stack is refused)."""
    from .._arg_refuse import refuse
    refuse()
