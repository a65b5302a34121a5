"""``draw_graph``: a picture of the autograd graph behind a tensor.

    pic = draw_graph(loss)          # glasstorch or real torch tensors
    print(pic.text_tree())          # in a terminal
    pic                             # in Jupyter: an SVG (Graphviz) or the text tree
    pic.dot                         # the Graphviz DOT text
    pic.render("graph.svg")         # needs Graphviz's `dot` program

Boxes are op nodes, named as torch names them (``MulBackward0``); rounded blue boxes are leaf
tensors (each one's ``AccumulateGrad``), with their variable names when the caller has them in a
variable (or ``params`` names them), their shapes, and for small tensors their values and, after
``backward()``, their ``.grad``.  Arrows follow the forward pass, from an input to the op that used
it; gradients flow against them.  Give a ``trace`` (from ``trace_backward``) to label each arrow
with the gradient that flowed back along it.
"""
import shutil
import subprocess

from ._common import (caller_frame, fmt, fmt_shape, is_leaf_node, names_from, node_shape, node_type, to_numpy,
                      walk)

__all__ = ["draw_graph", "GraphPicture"]


class _Box:
    """One node of the picture: what it is called and what it shows."""
    __slots__ = ("id", "op", "var", "shape", "value", "grad", "inputs", "leaf")

    def __init__(self, i, op, leaf):
        self.id, self.op, self.leaf = i, op, leaf
        self.var = self.shape = self.value = self.grad = None
        self.inputs = []            # ids of the boxes whose gradient this op sends on, in order

    def lines(self):
        """The label, line by line."""
        out = [self.var] if self.leaf and self.var else []
        if not self.leaf:
            out.append(self.op if not self.var else f"{self.var} = {self.op}")
        out.append(fmt_shape(self.shape))
        if self.value is not None:
            out.append(("data " if self.leaf else "value ") + self.value)
        if self.grad is not None:
            out.append("grad " + self.grad)
        return out


def draw_graph(tensor, params=None, trace=None, max_values=8):
    """Draw the graph behind ``tensor`` (or a list of tensors).  See the module docstring."""
    roots = list(tensor) if isinstance(tensor, (list, tuple)) else [tensor]
    leaf_names, node_names, tensors = names_from(caller_frame(1), params)
    for r in roots:
        if r.grad_fn is not None:
            tensors.setdefault(r.grad_fn, r)
    return GraphPicture(_boxes(roots, leaf_names, node_names, tensors, max_values), trace)


def _boxes(roots, leaf_names, node_names, tensors, limit):
    start = []
    for r in roots:
        fn = r.grad_fn
        if fn is None and r.requires_grad:
            raise ValueError("this tensor is a leaf: it has no graph behind it yet (draw the result of an op on it)")
        if fn is None:
            raise ValueError("this tensor does not require grad, so autograd recorded no graph for it")
        start.append(fn)
    nodes, index = walk(start)
    boxes = []
    for i, n in enumerate(nodes):
        leaf = is_leaf_node(n)
        b = _Box(i, node_type(n), leaf)
        if leaf:
            v = n.variable
            b.var = leaf_names.get(id(v))
            b.shape = tuple(v.shape)
            if v.numel() <= limit:
                b.value = fmt(to_numpy(v), limit)
                if v.grad is not None:
                    b.grad = fmt(to_numpy(v.grad), limit)
        else:
            b.var = node_names.get(n)
            b.shape = node_shape(n)
            t = tensors.get(n)
            if t is not None and t.numel() <= limit:
                b.value = fmt(to_numpy(t), limit)
                if getattr(t, "retains_grad", False) and t.grad is not None:
                    b.grad = fmt(to_numpy(t.grad), limit)
        b.inputs = [index[nx] for nx, _ in n.next_functions if nx is not None]
        boxes.append(b)
    return boxes


def _q(s):
    """A DOT string literal; line breaks become DOT's centred ``\\n``."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


class GraphPicture:
    """The drawn graph: ``.dot``, ``.text_tree()``, ``.svg()``, ``.render(path)``; Jupyter shows it."""

    def __init__(self, boxes, trace=None):
        self.boxes = boxes
        self._edge_grads = trace.edge_grads() if trace is not None else {}

    # ---- text --------------------------------------------------------------------------
    def text_tree(self):
        """The graph as an indented tree from the output down to the leaves; a node met again is
        shown once more as ``^ [id]`` instead of being expanded twice."""
        lines, seen = [], set()
        stack = [(0, "", "", None)]
        while stack:
            i, head, rest, parent = stack.pop()
            b = self.boxes[i]
            tag = f"[{i}] "
            sent = self._edge_grads.get((parent, i))
            via = f"  <- grad {sent}" if sent is not None else ""
            if i in seen:
                lines.append(f"{head}^ {tag}{b.var or b.op} (shown above){via}")
                continue
            seen.add(i)
            lines.append(head + tag + "  ".join(self._summary(b)) + via)
            kids = b.inputs
            for k in reversed(range(len(kids))):
                last = k == len(kids) - 1
                stack.append((kids[k], rest + ("└─ " if last else "├─ "), rest + ("   " if last else "│  "), i))
        return "\n".join(lines)

    def _summary(self, b):
        first = (f"{b.var} (leaf)" if b.var else "(leaf)") if b.leaf else (f"{b.var} = {b.op}" if b.var else b.op)
        parts = [first, fmt_shape(b.shape)]
        if b.value is not None:
            parts.append(("data " if b.leaf else "value ") + b.value)
        if b.grad is not None:
            parts.append("grad " + b.grad)
        return parts

    def __repr__(self):
        return self.text_tree()

    __str__ = __repr__

    # ---- DOT and Graphviz --------------------------------------------------------------
    @property
    def dot(self):
        """Graphviz DOT text: one statement per node and per edge, ids n0, n1, ... (n0 = the output)."""
        out = ["digraph autograd {",
               '  node [shape=box, fontname="Helvetica", fontsize=11];']
        for b in self.boxes:
            style = ', style="rounded,filled", fillcolor="#cfe2ff"' if b.leaf else ""
            out.append(f"  n{b.id} [label={_q(chr(10).join(b.lines()))}{style}];")
        for b in self.boxes:
            for k in b.inputs:
                g = self._edge_grads.get((b.id, k))
                label = f" [label={_q(g)}]" if g is not None else ""
                out.append(f"  n{k} -> n{b.id}{label};")
        out.append("}")
        return "\n".join(out) + "\n"

    def svg(self):
        """The picture as SVG text (needs Graphviz's ``dot``)."""
        return self._run_dot("svg").decode("utf-8")

    def render(self, path, format=None):
        """Write the picture to ``path``; the format (svg, png, pdf ...) comes from the extension."""
        fmt_ = format or path.rsplit(".", 1)[-1]
        data = self._run_dot(fmt_)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def _run_dot(self, fmt_):
        exe = shutil.which("dot")
        if exe is None:
            raise RuntimeError("Graphviz's `dot` program was not found: install Graphviz (e.g. apt-get install "
                               "graphviz), or use .dot and .text_tree(), which need nothing")
        r = subprocess.run([exe, f"-T{fmt_}"], input=self.dot.encode("utf-8"), capture_output=True, check=True)
        return r.stdout

    def _repr_svg_(self):
        return self.svg() if shutil.which("dot") else None

    def _repr_html_(self):
        if shutil.which("dot"):
            return self.svg()
        import html
        return "<pre>" + html.escape(self.text_tree()) + "</pre>"
