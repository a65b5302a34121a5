"""grid_sample's backward under ``create_graph`` as torch records it: one node,
``GridSampler2DBackwardBackward0`` (4-D input) or ``GridSampler3DBackwardBackward0`` (5-D), the
grad_fn of both gradients, with edges to (grad_output, input, grid).

The gradients' values are the first backward's own (the kernels of grid_sample*.py, as torch runs
the same grid_sampler_*_backward kernel with or without create_graph); the node's backward
differentiates the backward replayed as a graph (grid_sample_double*.py)::

    (dx, dgrid) = B(g, x, grid)     ->     d<ggx, dx> + <gggrid, dgrid> / d(g, x, grid)

An input the replay does not reach gets no gradient (None), as torch's: the input's, where only dx
was differentiated (dx is linear in g alone), and everything where nearest sampling's zero grid
gradient was; except nearest's grid, which torch gives zeros once dx was differentiated.
"""
import numpy as np

from ...autograd.graph import MODE, Node
from ...ops._common import _wrap, edge


class _GridSamplerBackwardBackward(Node):
    __slots__ = ("replay", "nearest")
    _nout = 2
    materialize_grads = False      # which of dx, dgrid got a gradient decides what comes back

    def backward(self, grads):
        import glasstorch as t
        plain = not MODE.create
        saved = [_wrap(np.asarray(v)) if isinstance(v, np.ndarray) or np.isscalar(v) else v
                 for v in self.saved()]
        with t.enable_grad():
            # recording: views of the real tensors, so the gradients' graphs continue into theirs while
            # autograd.grad still takes partial derivatives (g's own graph may reach the grid: taken
            # as the input itself, g would add that path into the grid's gradient a second time);
            # else fresh leaves
            ins = [v.view_as(v) if (not plain and v.requires_grad) else v.detach().requires_grad_(True)
                   for v in saved]
            outs = self.replay(*ins)
            pairs = [(o, u if not plain or u is None else _wrap(np.asarray(u)))
                     for o, u in zip(outs, grads) if u is not None and o is not None and o.requires_grad]
            if pairs:
                res = list(t.autograd.grad([o for o, _ in pairs], ins, [u for _, u in pairs],
                                           allow_unused=True, create_graph=not plain))
            else:
                res = [None, None, None]
        if self.nearest and grads[0] is not None and res[2] is None:
            res[2] = t.zeros_like(saved[2])
        return tuple(None if r is None else (r._data if plain else r) for r in res)


class GridSampler2DBackwardBackward0(_GridSamplerBackwardBackward):
    __slots__ = ()


class GridSampler3DBackwardBackward0(_GridSamplerBackwardBackward):
    __slots__ = ()


def recorded_backward(fwd, g, x, grid, replay, nearest):
    """The forward node ``fwd``'s gradients (dx, dgrid) for the Tensor ``g``, x and grid (Tensors),
    carrying the double-backward node when any of the three requires grad."""
    dx, dgrid = (_wrap(np.asarray(v)) for v in type(fwd).backward(fwd, g._data))
    if not (g.requires_grad or x.requires_grad or grid.requires_grad):
        return dx, dgrid
    node = (GridSampler3DBackwardBackward0 if x.dim() == 5 else GridSampler2DBackwardBackward0)()
    node.replay = lambda g_, x_, grid_: replay(fwd, g_, x_, grid_)
    node.nearest = nearest
    node.save(g, x, grid)
    node.next_functions = (edge(g), edge(x), edge(grid))
    node._shape = [dx._data.shape, dgrid._data.shape]
    node._dtype = [dx._data.dtype, dgrid._data.dtype]
    for nr, o in enumerate((dx, dgrid)):
        o.grad_fn, o._rg, o._out_nr = node, True, nr
    return dx, dgrid
