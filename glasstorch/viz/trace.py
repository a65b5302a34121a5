"""``trace_backward``: watch the backward pass, one node at a time, in the order the engine runs.

    with trace_backward(loss) as tr:
        loss.backward()
    print(tr)

For each node it records the gradient that arrived (``g``), the local derivative the node applies
(its formula, from glasstorch's docstring for that op), and the gradient it sent to each input.
It works on real torch graphs too: the numbers come from hooks on the nodes
(``register_prehook`` for what arrives, ``register_hook`` for what leaves), which both libraries
call as the engine runs each node; the hooks are removed when the block ends.
"""
import numpy as np

from glasstorch.autograd.graph import AccumulateGrad as GAccumulateGrad, Node as GNode

from ._common import caller_frame, fmt, formula, is_leaf_node, names_from, node_shape, node_type, to_numpy, walk

__all__ = ["trace_backward", "Trace", "Step"]


class Step:
    """One node run by the engine: its id in the picture, name, gradients in and out."""
    __slots__ = ("id", "op", "var", "grad_in", "grads_out", "formula")

    def __init__(self, i, op, var, grad_in, rule):
        self.id, self.op, self.var, self.grad_in, self.formula = i, op, var, grad_in, rule
        self.grads_out = []          # [(to id, array)], one per input that has a gradient edge

    def __repr__(self):
        return f"Step({self.id}, {self.op}, in={fmt(self.grad_in)})"


class Trace:
    """The recorded steps (``.steps``, a list of ``Step``), printable as a table.

    While backward runs only references are kept (the cheap part); steps, formulas and shapes
    are worked out the first time they are asked for."""

    def __init__(self, nodes, names):
        self._nodes, self._names = nodes, names
        self._arrived = []          # (node id, gradient that arrived), in the engine's order
        self._sent = {}             # node id -> the gradients its backward returned
        self._steps = None

    @property
    def steps(self):
        if self._steps is None:
            self._steps = [self._step(i, g) for i, g in self._arrived]
        return self._steps

    def _step(self, i, g):
        n = self._nodes[i]
        s = Step(i, node_type(n), self._names[i], _np(g), formula(n))
        index = self._index()
        for (nx, nr), out in zip(n.next_functions, self._sent.get(i, ())):
            if nx is not None and out is not None:      # an edge to a constant carries nothing
                s.grads_out.append((index[nx], _sum_to(_np(out), node_shape(nx, nr))))
        return s

    def _index(self):
        try:
            return self._idx
        except AttributeError:
            self._idx = {n: i for i, n in enumerate(self._nodes)}
            return self._idx

    def _label(self, i):
        var = self._names[i]
        return f"[{i}] " + (var or node_type(self._nodes[i]))

    def edge_grads(self):
        """{(consumer id, input id): formatted gradient}: what ``draw_graph(trace=...)`` writes on arrows."""
        out = {}
        for s in self.steps:
            for to, g in s.grads_out:
                out[(s.id, to)] = fmt(g)
        return out

    def table(self):
        head = ("step", "node", "grad in", "local derivative", "grad out")
        rows = []
        for n, s in enumerate(self.steps, 1):
            sent = [f"{fmt(g)} -> {self._label(to)}" for to, g in s.grads_out] or ["-"]
            name = f"[{s.id}] " + (f"{s.var} = {s.op}" if s.var and not s.op == "AccumulateGrad" else
                                   (f"{s.op} ({s.var})" if s.var else s.op))
            rows.append((str(n), name, fmt(s.grad_in), s.formula, sent))
        width = [max(len(h), *(len(r[c]) for r in rows)) if rows else len(h) for c, h in enumerate(head[:4])]
        fmt_row = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, width))
        lines = [fmt_row(head[:4]) + "  " + head[4], fmt_row(["-" * w for w in width]) + "  " + "-" * 8]
        for r in rows:
            lines.append(fmt_row(r[:4]) + "  " + r[4][0])
            for more in r[4][1:]:
                lines.append(fmt_row([""] * 4) + "  " + more)
        return "\n".join(line.rstrip() for line in lines)

    def __repr__(self):
        return self.table()

    __str__ = __repr__


class trace_backward:
    """Context manager: record the backward pass of the graph behind ``roots`` (see module doc)."""

    def __init__(self, *roots, params=None):
        if len(roots) == 1 and isinstance(roots[0], (list, tuple)):
            roots = tuple(roots[0])
        self.roots, self.params = roots, params
        self._frame = caller_frame(1)
        self.trace = None

    def __enter__(self):
        leaf_names, node_names, _ = names_from(self._frame, self.params)
        self._frame = None
        nodes, _ = walk([r.grad_fn for r in self.roots])
        names = [leaf_names.get(id(n.variable)) if is_leaf_node(n) else node_names.get(n) for n in nodes]
        tr = self.trace = Trace(nodes, names)
        self._undo, self._swapped = [], []
        arrived, sent = tr._arrived.append, tr._sent
        for i, n in enumerate(nodes):
            cls = n.__class__
            if cls is GAccumulateGrad:
                self._undo.append(n._register_tensor_hook(0, lambda g, i=i: arrived((i, g))).remove)
            elif isinstance(n, GNode):
                self._watch_glasstorch(n, cls, i, arrived, sent)
            else:
                self._watch_torch(n, i, arrived, sent)
        return tr

    def _watch_torch(self, n, i, arrived, sent):
        """Real torch: a pre-hook sees what arrives, a hook sees what the node sends."""
        def pre(grad_outputs):
            arrived((i, _first(grad_outputs)))

        def post(grad_inputs, grad_outputs):
            sent[i] = grad_inputs
        self._undo.append(n.register_prehook(pre).remove)
        if not is_leaf_node(n):
            self._undo.append(n.register_hook(post).remove)

    def _watch_glasstorch(self, n, cls, i, arrived, sent):
        """glasstorch: the node is switched, for the duration of the block, to a subclass whose
        ``backward`` records before and after calling the op's own ``backward``: no hook
        machinery, so tracing stays cheap.  (A leaf's gradient is seen by a tensor hook.)"""
        sub = _TRACED.get(cls) or _traced_class(cls)
        n.__class__ = sub
        _WATCHED[n] = (i, arrived, sent)
        self._swapped.append((n, cls))

    def __exit__(self, *exc):
        for undo in self._undo:
            undo()
        for n, cls in self._swapped:
            n.__class__ = cls
            _WATCHED.pop(n, None)
        self._undo, self._swapped = [], []


_TRACED = {}
_WATCHED = {}       # node -> (its id, where arrivals go, where sends go) while a trace is open


def _traced_class(cls):
    """``cls`` with a recording ``backward`` (same name, same slots), made once per class."""
    sub = _TRACED.get(cls)
    if sub is None:
        def backward(self, g):
            i, arrived, sent = _WATCHED[self]
            arrived((i, g if self._nout == 1 else _first(g)))
            outs = cls.backward(self, g)
            sent[i] = outs
            return outs
        sub = _TRACED[cls] = type(cls.__name__, (cls,), {"__slots__": (), "backward": backward,
                                                         "__module__": cls.__module__, "__doc__": cls.__doc__})
    return sub


def _np(g):
    """An arriving or sent gradient as a NumPy array (glasstorch passes arrays, or Tensors)."""
    if g is None:
        return None
    if isinstance(g, (np.ndarray, np.generic)):
        return np.array(g)
    data = getattr(g, "_data", None)
    return np.array(data) if data is not None else to_numpy(g)


def _first(gs):
    for g in gs:
        if g is not None:
            return g
    return None


def _sum_to(g, shape):
    """What the engine delivers: a broadcast gradient summed back to the input's shape.  (torch's
    hooks see it after this step; reading it here makes both libraries' traces alike.)"""
    if shape is None or g.shape == tuple(shape):
        return g
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(i + lead for i, s in enumerate(shape) if s == 1 and g.shape[i + lead] != 1)
    return g.sum(axis=axes).reshape(shape) if axes else g.reshape(shape)
