"""The safety net for double backward: a gradient that lost its graph fails loudly when used.

Under ``create_graph=True`` a node's backward is expected to return Tensors built with ``self.m``
ops, so that the gradient it returns is itself differentiable.  A backward still written on raw
arrays returns a NumPy array (or, where its class sets ``_no_double``, a Tensor made from one):
the second-order terms through it would be silently missing.  ``_no_double = True``: the node kept
its inputs as arrays, so the lost gradient depends on them too; ``"g"``: it is linear in g alone.  When the incoming gradient or
a saved tensor requires grad, such a gradient gets a ``NotImplemented`` grad_fn (torch's name for
a node whose derivative is not implemented) whose backward raises, naming the node.  A gradient
computed from nothing that requires grad is left as it is: there is nothing to lose.
"""
import numpy as np

from .graph import Node

_T = [None]     # glasstorch._tensor


class NotImplemented(Node):                 # noqa: A001  (torch's node name)
    """The gradient of ``node`` was computed outside the graph: differentiating it again raises."""
    __slots__ = ("what", "message", "exc")

    def name(self):
        return "torch::autograd::NotImplemented"

    def backward(self, g):
        if self.message:
            raise self.exc(self.message)
        raise RuntimeError(f"double backward of {self.what} is not implemented in glasstorch")


def refused(arr, message, *tensors, exc=RuntimeError, node_cls=None):
    """``arr`` as a Tensor whose grad_fn raises ``message`` (torch's words where torch itself has no
    derivative), with edges to those of ``tensors`` that require grad.  ``node_cls``: a subclass of
    NotImplemented, where torch records a node of its own name whose backward raises."""
    from ..ops._common import edge, record
    r = _T_wrap(np.asarray(arr))
    src = [edge(t) for t in tensors if t is not None and t._rg]
    if src:
        node = (node_cls or NotImplemented)()
        node.what, node.message, node.exc = None, message, exc
        record(node, r)
        node.next_functions = tuple(src)
    return r


def _sources(node, g, flagged):
    """The edges the lost gradient depended on: the incoming gradient(s) requiring grad, what the
    node saved requiring grad, and (``_no_double = True``: it kept its inputs as arrays) its inputs."""
    from ..ops._common import edge
    T = _T[0]
    out = [edge(x) for x in (g if node._nout != 1 else (g,)) if x.__class__ is T and x._rg]
    for x in node._saved or ():
        if isinstance(x, T) and x._rg:
            out.append(edge(x))
    if flagged is True:
        out += [e for e in node.next_functions if e[0] is not None]
    return out


def guard(node, g, outs):
    """``outs`` with every array (or flagged grad-less Tensor) that lost its graph made a Tensor,
    given a raising grad_fn when something it came from requires grad."""
    if outs is None:
        return outs
    T = _T[0]
    if T is None:
        from .. import _tensor
        T = _T[0] = _tensor.Tensor
    flagged = getattr(node, "_no_double", False)
    fixed = None
    for i, o in enumerate(outs):
        if o is None or (o.__class__ is T and (o._rg or not flagged)):
            continue
        if not isinstance(o, (np.ndarray, np.generic, T)) or node.next_functions[i][0] is None:
            continue
        if fixed is None:
            fixed, src = list(outs), _sources(node, g, flagged)
        r = _T_wrap(np.asarray(o._data if o.__class__ is T else o))
        if src:
            from ..ops._common import record
            guard_node = NotImplemented()
            guard_node.what, guard_node.message = type(node).__name__, None
            record(guard_node, r)
            guard_node.next_functions = tuple(src)
        fixed[i] = r
    return outs if fixed is None else fixed


def _T_wrap(a):
    from .._tensor import _wrap
    return _wrap(a)
