"""``show_source``: the few lines of glasstorch that define an op's forward and backward.

    show_source(loss.grad_fn)     # a node, from glasstorch or from real torch: RsubBackward1
    show_source(torch.mul)        # a function (glasstorch's, or torch's of the same name)
    show_source(nn.Linear)        # a module class or instance: its forward
    show_source("MulBackward0")   # a name

The answer prints as the source text, forward first, each piece headed by its file.
"""
import inspect
import os

from .._class_paths import defined_in, is_ours
from ._common import node_classes

__all__ = ["show_source", "Source"]

_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class Source:
    """Pieces of source code: ``.pieces`` is a list of (file, text); prints as the joined text."""

    def __init__(self, pieces):
        self.pieces = pieces

    @property
    def text(self):
        out, last = [], None
        for path, code in self.pieces:
            if path != last:
                out.append(f"# {path}")
                last = path
            out.append(code.rstrip("\n"))
            out.append("")
        return "\n".join(out).rstrip("\n")

    def __repr__(self):
        return self.text

    __str__ = __repr__


def _piece(obj):
    home = obj.__dict__.get("_home") if isinstance(obj, type) else None
    if home:
        # a graph node class calls itself a builtin (as torch's C++ nodes print); inspect finds a class's
        # file through its module, so it is shown its real one while it reads
        obj.__module__ = home
    try:
        path = inspect.getsourcefile(obj)
        rel = os.path.relpath(path, _ROOT).replace(os.sep, "/") if path else "?"
        return rel, inspect.getsource(obj)
    finally:
        if home:
            obj.__module__ = "builtins"


def _forwards_of(cls):
    """The functions in ``cls``'s module that create it: its forward(s)."""
    import sys
    mod = sys.modules[defined_in(cls)]
    found = []
    for name, fn in vars(mod).items():
        code = getattr(fn, "__code__", None)
        if code is not None and getattr(fn, "__module__", None) == mod.__name__ and cls.__name__ in code.co_names:
            found.append(fn)
    public = [f for f in found if not f.__name__.startswith("_")]
    return (public or found)[:1]


def _nodes_used_by(fn):
    """The node classes a forward function records (named in its code)."""
    reg = node_classes()
    names = getattr(getattr(fn, "__code__", None), "co_names", ())
    return [reg[n] for n in names if n in reg and defined_in(reg[n]) == fn.__module__]


def _glasstorch_function(name):
    import glasstorch
    import glasstorch.nn.functional as F
    for space in (glasstorch, F):
        fn = getattr(space, name, None)
        if fn is not None and inspect.isfunction(inspect.unwrap(fn)):
            return inspect.unwrap(fn)
    return None


def _for_node_name(name):
    cls = node_classes().get(name)
    if cls is None:
        raise LookupError(f"glasstorch has no node named {name}")
    return [_piece(f) for f in _forwards_of(cls)] + [_piece(cls)]


def _for_function(fn):
    fn = inspect.unwrap(fn)
    if not (inspect.isfunction(fn) and is_ours(fn)):
        mine = _glasstorch_function(fn.__name__)
        if mine is None:
            raise LookupError(f"glasstorch has no function named {fn.__name__}")
        fn = mine
    return [_piece(fn)] + [_piece(c) for c in _nodes_used_by(fn)]


def _for_module(cls):
    import glasstorch.nn as gnn
    mine = cls if is_ours(cls) else getattr(gnn, cls.__name__, None)
    if mine is None:
        raise LookupError(f"glasstorch has no module named {cls.__name__}")
    pieces = [_piece(mine.forward)]
    names = mine.forward.__code__.co_names
    import glasstorch.nn.functional as F
    for n in names:
        fn = getattr(F, n, None)
        if fn is not None and inspect.isfunction(inspect.unwrap(fn)):
            pieces += _for_function(fn)
            break
    return pieces


def show_source(obj):
    """The source of glasstorch's forward and backward for ``obj`` (see the module docstring)."""
    if isinstance(obj, str):
        return Source(_for_node_name(obj) if obj.endswith(tuple("Backward" + d for d in "0123456789"))
                      else _for_function(_glasstorch_function(obj) or _missing(obj)))
    if hasattr(obj, "grad_fn") and hasattr(obj, "requires_grad") and not inspect.isclass(obj):
        if obj.grad_fn is None:
            raise ValueError("this tensor has no grad_fn: it is a leaf, or was made without autograd")
        obj = obj.grad_fn
    if hasattr(obj, "next_functions") and hasattr(obj, "name"):
        fwd = getattr(obj, "_forward_cls", None)
        if fwd is not None:                    # a custom autograd.Function: show the user's class
            return Source([_piece(fwd)])
        if is_ours(type(obj)) and not type(obj).__dict__.get("_alias"):   # the node's own class
            return Source([_piece(f) for f in _forwards_of(type(obj))] + [_piece(type(obj))])
        return Source(_for_node_name(type(obj).__name__))
    cls = obj if inspect.isclass(obj) else type(obj)
    if hasattr(cls, "forward") and hasattr(cls, "parameters"):
        return Source(_for_module(cls))
    if callable(obj):
        return Source(_for_function(obj))
    raise TypeError(f"show_source() takes a grad_fn, a tensor, a function, a module or a name, not "
                    f"{type(obj).__name__}")


def _missing(name):
    raise LookupError(f"glasstorch has no function named {name}")
