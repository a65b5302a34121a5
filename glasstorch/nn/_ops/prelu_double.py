"""Double backward of prelu through torch's ``PreluKernelBackwardBackward0`` (derivatives.yaml).

torch's ``prelu`` reshapes the weight to the input's number of dims ((1, C, 1, ...), a view) and
runs ``_prelu_kernel``, whose gradient is the kernel ``_prelu_kernel_backward(g, x, w)``:
gx = g (x > 0), w g (else);  gw = g x where x <= 0, summed to w's shape.  Under ``create_graph``
both hang from one node with edges to g, x and the reshaped w; the first-order values are the
kernel's (on arrays), the node's formulas split at x >= 0 (not x > 0) and give zeros, not nothing,
for an identically zero term (ggx, ggw: the incoming gradients of gx, gw):

    dg = where(x >= 0, ggx, ggx w + ggw x)      (terms of an undefined ggx / ggw left out)
    dx = where(x >= 0, 0, g ggw)                (zeros_like(x) without ggw)
    dw = where(x >= 0, 0, g ggx)                (zeros_like(x) without ggx; the engine sums it to w)

gw leaves the node with x's shape: torch's engine sums it to w's (SumBackward1 under create_graph).
"""
import numpy as np

from ...autograd.graph import MODE, Node
from ...ops._common import GRAD, _wrap, edge


class PreluKernelBackwardBackward0(Node):
    """(gx, gw) = _prelu_kernel_backward(g, x, w)   ->   see the module docstring"""
    __slots__ = ()
    _nout = 2
    materialize_grads = False

    def backward(self, grads):
        from ... import where, zeros, zeros_like
        plain = not MODE.create
        g, x, w = ((_wrap(np.asarray(a)) for a in self.saved()) if plain else self.saved())
        ggx, ggw = ((None if a is None else _wrap(np.asarray(a)) for a in grads) if plain else grads)
        pos = x >= 0
        zero = zeros((), dtype=x.dtype)
        if ggx is not None:
            dg = where(pos, ggx, ggx * w + ggw * x if ggw is not None else ggx * w)
        else:
            dg = where(pos, zero, ggw * x)
        dx = zeros_like(x) if ggw is None else where(pos, zero, g * ggw)
        dw = zeros_like(x) if ggx is None else where(pos, zero, g * ggx)
        out = (dg, dx, dw)
        return tuple(t._data for t in out) if plain else out


def prelu_backward_graph(g, x, w, kernel):
    """The prelu gradients under create_graph: gx (``kernel``'s) and gw = g x where x <= 0, of x's
    shape, hung from one PreluKernelBackwardBackward0 with edges to g, x and w reshaped as torch's
    prelu reshapes it; gw is then summed to that shape (torch's engine: sum_to, SumBackward1) and
    viewed as w (the reshape's backward, ViewBackward0)."""
    gx = kernel(g._data, x._data, w._data)[0]
    xa = x._data
    gw = np.where(xa > 0, xa.dtype.type(0), np.asarray(g._data * xa, xa.dtype))
    wr = w
    if x.dim() != w.dim():
        shape = [1] * x.dim()
        if x.dim() > 1:
            shape[1] = w.numel()
        wr = w.reshape(shape)
    rx, rw = _wrap(np.asarray(gx)), _wrap(np.asarray(gw))
    if GRAD.enabled and (g._rg or x._rg or w._rg):
        node = PreluKernelBackwardBackward0()
        node.save(g, x, wr)
        node.next_functions = (edge(g), edge(x), edge(wr))
        node._shape = [tuple(x.shape), tuple(x.shape)]
        node._dtype = [xa.dtype] * 2
        for nr, o in enumerate((rx, rw)):
            o.grad_fn, o._rg, o._out_nr = node, True, nr
    if tuple(rw.shape) != tuple(wr.shape):
        rw = rw.sum_to_size(tuple(wr.shape))
    return rx, (rw if wr is w else rw.reshape(tuple(w.shape)))
