"""What the picture, the trace and the source reader share: reading a graph of either library.

Everything here works on glasstorch graphs and on real torch graphs alike, by duck typing: a
node has ``next_functions`` and ``name()``, a leaf's node is ``AccumulateGrad`` with
``.variable``, a tensor has ``grad_fn``, ``detach()`` and ``numpy()``.  torch is never imported.
"""
import sys

import numpy as np

from .._class_paths import is_ours

LEAF = "AccumulateGrad"


def node_type(node):
    """``MulBackward0``, ``AccumulateGrad``: the class name (torch's name() spells leaves in C++)."""
    return type(node).__name__


def is_leaf_node(node):
    return type(node).__name__ == LEAF


def node_shape(node, nr=0):
    """The shape of output ``nr`` of ``node`` (of the tensor it produced), or None if unknown."""
    shape = getattr(node, "_shape", None)
    if shape is not None and not callable(shape):                  # glasstorch
        return tuple(shape[nr]) if getattr(node, "_nout", 1) != 1 else tuple(shape)
    meta = getattr(node, "_input_metadata", None)                  # torch
    if meta is not None and nr < len(meta):
        return tuple(int(s) for s in meta[nr].shape)
    var = getattr(node, "variable", None)
    return None if var is None else tuple(var.shape)


def to_numpy(t):
    """A NumPy copy of a tensor of either library (or of an array); None stays None."""
    if t is None:
        return None
    if isinstance(t, np.ndarray):
        return t.copy()
    return np.array(t.detach().numpy())


def fmt_number(x):
    if isinstance(x, (bool, np.bool_)):
        return str(bool(x))
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    return f"{float(x):.4g}"


def fmt(arr, limit=8):
    """A short, library-independent picture of an array: ``3``, ``[1, 2.5]``, or ``<shape (4, 5)>``."""
    if arr is None:
        return "None"
    arr = np.asarray(arr)
    if arr.size > limit:
        return f"<shape {tuple(arr.shape)}>"
    if arr.ndim == 0:
        return fmt_number(arr.item())
    return _fmt_nested(arr)


def _fmt_nested(a):
    if a.ndim == 1:
        return "[" + ", ".join(fmt_number(x) for x in a.tolist()) + "]"
    return "[" + ", ".join(_fmt_nested(s) for s in a) + "]"


def fmt_shape(shape):
    return "?" if shape is None else "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def walk(roots):
    """Every node reachable from ``roots`` in preorder (each node's inputs in ``next_functions``
    order), without recursion.  Returns (nodes, index) where index maps node -> position."""
    order, index = [], {}
    stack = [r for r in reversed(roots) if r is not None]
    push, pop, add = stack.extend, stack.pop, order.append
    while stack:
        n = pop()
        if n in index:
            continue
        index[n] = len(order)
        add(n)
        nf = n.next_functions
        if nf:
            push([nx for nx, _ in reversed(nf) if nx is not None and nx not in index])
    return order, index


def is_tensor(x):
    """A tensor of either library (without importing torch)."""
    t = type(x)
    return hasattr(x, "grad_fn") and hasattr(x, "requires_grad") and hasattr(t, "detach") and hasattr(x, "shape")


def names_from(frame=None, params=None):
    """{id(tensor): name} for leaves and {node: name} for results, from ``params`` and the caller.

    ``params`` may be a dict name -> tensor, or a module (its ``named_parameters()``).  Without
    it, the variables of the calling frame (and its globals, as in a notebook) are used."""
    leaf_names, node_names, tensors = {}, {}, {}
    items = []
    if params is not None:
        if hasattr(params, "named_parameters"):
            params = dict(params.named_parameters())
        items.extend(params.items())
    if frame is not None:
        items.extend(frame.f_locals.items())
        if frame.f_globals is not frame.f_locals:
            items.extend(frame.f_globals.items())
    for name, val in items:
        if name.startswith("_") or not is_tensor(val):
            continue
        fn = val.grad_fn
        if fn is None:
            leaf_names.setdefault(id(val), name)
        elif fn not in node_names and getattr(val, "output_nr", getattr(val, "_out_nr", 0)) == 0:
            node_names[fn] = name
            tensors.setdefault(fn, val)
    return leaf_names, node_names, tensors


def caller_frame(depth):
    return sys._getframe(depth + 1)


_REGISTRY = None


def _rank(cls):
    from .._class_paths import defined_in
    return 0 if defined_in(cls).startswith(("glasstorch.ops.", "glasstorch.nn._ops.")) else 1


def node_classes():
    """{'MulBackward0': class}: every op node glasstorch defines (built once, on first use)."""
    global _REGISTRY
    if _REGISTRY is None:
        import importlib
        import pkgutil

        import glasstorch
        from glasstorch.autograd.function import BackwardCFunction
        from glasstorch.autograd.graph import Node
        for pkg in ("glasstorch.ops", "glasstorch.nn._ops"):
            mod = importlib.import_module(pkg)
            for info in pkgutil.iter_modules(mod.__path__):
                importlib.import_module(f"{pkg}.{info.name}")
        for extra in ("glasstorch.linalg",):
            try:
                importlib.import_module(extra)
            except ImportError:
                pass
        reg, stack = {}, list(Node.__subclasses__())
        while stack:
            c = stack.pop()
            stack.extend(c.__subclasses__())
            if issubclass(c, BackwardCFunction) or not is_ours(c) or c.__dict__.get("_alias"):
                continue          # (an alias: another op's backward that carries torch's name for it)
            # a name torch gives several kernels' nodes (MulBackward0 of dense and of sparse operands):
            # the dense op's class, whose docstring holds the formula, stands for the name
            have = reg.get(c.__name__)
            if have is None or (_rank(c) < _rank(have)):
                reg[c.__name__] = c
        _REGISTRY = reg
    return _REGISTRY


def formula(node):
    """The local derivative a node applies, from glasstorch's one-line docstring of that op."""
    name = node_type(node)
    if name == LEAF:
        return "leaf.grad += g"
    fwd = getattr(node, "_forward_cls", None)
    if fwd is not None:
        doc = (fwd.backward.__doc__ or fwd.__doc__ or "").strip().splitlines()
        return f"custom {fwd.__name__}.backward" + (f": {doc[0]}" if doc else "")
    cls = node_classes().get(name)
    doc = (cls.__doc__ or "").strip().splitlines() if cls is not None else []
    return doc[0].strip() if doc else "?"
