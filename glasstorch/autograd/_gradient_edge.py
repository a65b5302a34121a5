"""``torch.autograd.graph.GradientEdge``: a place in the graph where a gradient flows, named by the node
that receives it and which of that node's inputs it is (``output_nr``, the output of the forward op).

    e = get_gradient_edge(y)                 # (y.grad_fn, y.output_nr); a leaf: its AccumulateGrad
    autograd.grad(loss, e) == autograd.grad(loss, y)
    autograd.grad(e, x, grad_outputs=g)      # start the backward pass at the edge, with gradient g

``autograd.grad`` and ``autograd.backward`` accept edges among their outputs and inputs.
"""
from typing import NamedTuple, Optional

import numpy as np

from .graph import Node


class GradientEdge(NamedTuple):
    """Object representing a given gradient edge within the autograd graph."""
    node: Node
    output_nr: int
    # torch keeps its C++ graph alive through this for Python nodes; glasstorch's nodes hold each other
    ownership_token: Optional[Node] = None


def get_gradient_edge(tensor):
    """The edge ``tensor``'s gradient flows to: ``autograd.grad(loss, get_gradient_edge(x))`` is
    ``autograd.grad(loss, x)``."""
    from ..ops._common import edge
    if not tensor.requires_grad:
        raise RuntimeError("It is not possible to get the gradient edge for a Tensor that does not require gradients")
    node, nr = edge(tensor)
    return GradientEdge(node, nr)


def as_edge(x):
    """``(node, output_nr)`` of a tensor or an edge: the engine's key for where a gradient arrives."""
    if isinstance(x, GradientEdge):
        return (x.node, x.output_nr)
    from ..ops._common import edge
    return edge(x)


def stand_in(e):
    """A tensor with the shape and dtype of the gradient ``e``'s node expects (what torch reads from the node's
    input metadata), to check or build the seed of a backward pass starting at ``e``; holds no memory."""
    from ..ops._common import _wrap
    node, nr = e.node, e.output_nr
    shape, dtype = (node._shape, node._dtype) if node._nout == 1 else (node._shape[nr], node._dtype[nr])
    return _wrap(np.broadcast_to(np.zeros((), dtype), shape))
