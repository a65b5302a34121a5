"""Double backward of batch and layer normalisation as torch records it: one node.

Under ``create_graph`` torch's ``native_batch_norm_backward`` / ``native_layer_norm_backward`` are
differentiable ops, so the input, weight and bias gradients all hang from one node
(``NativeBatchNormBackwardBackward0`` with edges (g, x, W, -, -); ``NativeLayerNormBackwardBackward0``
with edges (g, x, -, -, W, b)).  Here that node carries the plain backward's values, and its own
backward differentiates the gradients written as recorded ops (the normalisation nodes' formulas on
tensors):

    (gx, gW, gb) = f(g, x, W)   ->   (dg, dx, dW) = vjp of f at (g, x, W) with (ggx, ggW, ggb)
"""
import numpy as np

from ...autograd.graph import MODE, Node
from ...ops._common import GRAD, _wrap, edge

_GIVEN = {}            # node class -> its subclass with given saved values
_NODES = {}            # torch's node name -> its class
_NONE = (None, 0)


def given(first, saved):
    """A copy of the node ``first`` whose ``saved()`` is ``saved`` (arrays or tensors)."""
    cls = type(first)
    sub = _GIVEN.get(cls)
    if sub is None:
        sub = _GIVEN[cls] = type(cls.__name__, (cls,), {"__slots__": ("given",), "saved": lambda self: self.given})
    new = sub()
    for klass in cls.__mro__:
        if klass is Node:
            break
        for name in klass.__dict__.get("__slots__", ()):
            if hasattr(first, name):
                setattr(new, name, getattr(first, name))
    new.given = saved
    return new


class _NormBackwardBackward(Node):
    """(gx, gW, gb) = f(g, x, W)   ->   (dg, dx, dW) = the vector-Jacobian product of f"""
    __slots__ = ("first", "slots")
    _nout = 3
    materialize_grads = False          # an output without a gradient adds no term

    def backward(self, grads):
        from ... import autograd
        create = MODE.create
        g, x, w = self.saved()
        if not create:                 # plain arrays: fresh leaves to differentiate at
            g, x, w = (None if a is None else _wrap(np.array(a)).requires_grad_() for a in (g, x, w))
        else:
            # aliases, so that each partial derivative is taken with the other two held fixed: g itself
            # usually depends on x (g = dL/dy, y the normalised x), and differentiating at g and x directly
            # would add that path to dx again, on top of the dg the engine sends back through g
            g, x, w = (None if a is None else a.view_as(a) for a in (g, x, w))
        ins = [t for t in (g, x, w) if t is not None and t.requires_grad]
        prev, GRAD.enabled = GRAD.enabled, True
        try:
            outs = given(self.first, (w, x)).backward(g)
        finally:
            GRAD.enabled = prev
        pairs = [(o, gg if create else _wrap(np.asarray(gg))) for o, gg in zip(outs, grads)
                 if o is not None and gg is not None and o.requires_grad]
        found = {}
        if pairs and ins:
            res = autograd.grad([o for o, _ in pairs], ins, [gg for _, gg in pairs], allow_unused=True,
                                create_graph=create)
            found = {id(t): r for t, r in zip(ins, res)}
        out = [None] * len(self.next_functions)
        for slot, t in zip(self.slots, (g, x, w)):
            r = None if t is None else found.get(id(t))
            out[slot] = r if create or r is None else r._data
        return tuple(out)


def _node_class(name):
    cls = _NODES.get(name)
    if cls is None:
        cls = _NODES[name] = type(name, (_NormBackwardBackward,), {"__slots__": (), "__doc__":
                                                                   _NormBackwardBackward.__doc__})
    return cls


def norm_double(first, g, name, slots, size, bias_slot=None):
    """``first.backward(g)`` under create_graph: the plain values, behind torch's one node ``name``
    whose ``size`` edges put g, x and W at ``slots`` (and the bias's at ``bias_slot``)."""
    w, x = first.saved()
    arrays = given(first, (None if w is None else w._data, x._data)).backward(g._data)
    outs = [None if a is None else _wrap(np.ascontiguousarray(a)) for a in arrays]
    b_edge = first.next_functions[2] if bias_slot is not None else _NONE
    if not (GRAD.enabled and (g._rg or x._rg or (w is not None and w._rg) or b_edge[0] is not None)):
        return tuple(outs)
    node = _node_class(name)()
    node.first, node.slots = first, slots
    node.save(g, x, w)
    edges = [_NONE] * size
    for slot, t in zip(slots, (g, x, w)):
        edges[slot] = _NONE if t is None else edge(t)
    if bias_slot is not None:
        edges[bias_slot] = b_edge
    node.next_functions = tuple(edges)
    # the bias's gradient has the bias's shape: (C,) for batch norm, normalized_shape for layer norm
    # (whose input may be 1-d: the shape comes from the normalised axes, not from g's dim 1)
    if outs[2] is not None:
        b_shape = tuple(outs[2].shape)
    elif bias_slot is not None:
        b_shape = tuple(x.shape[a] for a in first.axes)
    else:
        b_shape = (g.shape[1],)
    node._shape = [tuple(x.shape), None if w is None else tuple(w.shape), b_shape]
    node._dtype = [g._data.dtype] * 3
    for nr, o in enumerate(outs):
        if o is not None:
            o.grad_fn, o._rg, o._out_nr = node, True, nr
    return tuple(outs)
