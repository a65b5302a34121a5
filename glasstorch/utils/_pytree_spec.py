"""``TreeSpec``: the shape of a pytree without its leaves (see ``_pytree.py``).

A spec is a node type, that node's context (dict keys, a named tuple's class ...) and one child spec per
child; a leaf's spec is ``LeafSpec()``, printed ``*``.  It prints as torch prints it:
``TreeSpec(dict, ['a', 'b'], [*,\\n  *])``, each later child on its own line, indented two more spaces
per level."""
import dataclasses
import warnings
from collections import OrderedDict, defaultdict, deque

from . import _pytree as _p


class TreeSpec:
    """Representing the structure of the pytree."""
    __slots__ = ("type", "_context", "_children", "num_nodes", "num_leaves", "num_children")

    def __init__(self, type, context, children_specs):
        s = object.__setattr__
        s(self, "type", type)
        s(self, "_context", context)
        s(self, "_children", children_specs)
        if type is None:
            if context is not None:
                raise AssertionError("leaf node should not have a context")
            if len(children_specs) != 0:
                raise AssertionError("leaf node should not have children")
            s(self, "num_nodes", 1)
            s(self, "num_leaves", 1)
            s(self, "num_children", 0)
        else:
            s(self, "num_nodes", 1 + sum(c.num_nodes for c in children_specs))
            s(self, "num_leaves", sum(c.num_leaves for c in children_specs))
            s(self, "num_children", len(children_specs))

    def __setattr__(self, name, value):
        raise dataclasses.FrozenInstanceError(f"cannot assign to field '{name}'")

    def __repr__(self, indent=0):
        head = f"TreeSpec({self.type.__name__}, {self._context}, ["
        if not self._children:
            return head + "])"
        indent += 2
        parts = [self._children[0].__repr__(indent)]
        parts += ["\n" + " " * indent + c.__repr__(indent) for c in self._children[1:]]
        return head + ",".join(parts) + "])"

    def __eq__(self, other):
        if self is other:
            return True
        if other.__class__ is not self.__class__:
            return NotImplemented
        return (str(self.type) == str(other.type) and self._context == other._context
                and self._children == other._children)

    def __hash__(self):
        kind, ctx = self.type, self._context
        if kind is defaultdict:
            ctx = (ctx[0], tuple(ctx[1]))
        elif kind in (dict, OrderedDict):
            ctx = tuple(ctx)
        elif not (kind is None or kind in _p.BUILTIN_TYPES):
            ctx = None
        return hash((kind, ctx, tuple(self._children)))

    @property
    def context(self):
        return self._context

    @property
    def children_specs(self):
        warnings.warn("`treespec.children_specs` is deprecated. Use `treespec.child(index)` to access a single "
                      "child, or `treespec.children()` to get all children.", FutureWarning, stacklevel=2)
        return self._children

    def is_leaf(self):
        return self.num_nodes == 1 and self.num_leaves == 1

    def children(self):
        return self._children.copy()

    def child(self, index):
        return self._children[index]

    def flatten_up_to(self, tree):
        """The subtrees of ``tree`` at this spec's leaves (``tree`` must have this spec's containers)."""
        out = []
        self._up_to(tree, out)
        return out

    def _up_to(self, node, out):
        if self.is_leaf():
            out.append(node)
            return
        kind = _p._get_node_type(node)
        if self.type not in _p.BUILTIN_TYPES:
            if kind != self.type:
                raise ValueError(f"Type mismatch; expected {self.type!r}, but got {kind!r}.")
            children, context = _p.SUPPORTED_NODES[kind].flatten_fn(node)
            if len(children) != self.num_children:
                raise ValueError(f"Node arity mismatch; expected {self.num_children}, but got {len(children)}.")
            if context != self._context:
                raise ValueError(f"Node context mismatch for custom node type {self.type!r}.")
        else:
            dicts = self.type in _p.STANDARD_DICT_TYPES and kind in _p.STANDARD_DICT_TYPES
            if not dicts and kind != self.type:
                raise ValueError(f"Node type mismatch; expected {self.type!r}, but got {kind!r}.")
            if len(node) != self.num_children:
                raise ValueError(f"Node arity mismatch; expected {self.num_children}, but got {len(node)}.")
            if dicts:
                keys = self._context if self.type is not defaultdict else self._context[1]
                missing, extra = set(keys) - set(node), set(node) - set(keys)
                if missing or extra:
                    msg = (f"; missing key(s): {missing}" if missing else "") + \
                          (f"; extra key(s): {extra}" if extra else "")
                    raise ValueError(f"Node keys mismatch{msg}.")
                children = [node[k] for k in keys]
            else:
                children, context = _p.SUPPORTED_NODES[kind].flatten_fn(node)
                if kind is not deque and context != self._context:
                    raise ValueError(f"Node context mismatch for node type {self.type!r}; "
                                     f"expected {self._context!r}, but got {context!r}.")
        for child, spec in zip(children, self._children, strict=True):
            spec._up_to(child, out)

    def unflatten(self, leaves):
        """Reconstruct a pytree from the leaves."""
        if not isinstance(leaves, (list, tuple)):
            leaves = list(leaves)
        if len(leaves) != self.num_leaves:
            raise ValueError(f"treespec.unflatten(leaves): `leaves` has length {len(leaves)} but the spec refers "
                             f"to a pytree that holds {self.num_leaves} items ({self}).")
        if self.is_leaf():
            return leaves[0]
        parts, start = [], 0
        for spec in self._children:
            parts.append(spec.unflatten(leaves[start:start + spec.num_leaves]))
            start += spec.num_leaves
        return _p.SUPPORTED_NODES[self.type].unflatten_fn(parts, self._context)


PyTreeSpec = TreeSpec


class LeafSpec(TreeSpec):
    __slots__ = ()

    def __new__(cls, *args, **kwargs):
        if cls is LeafSpec and not _MAKING_LEAF:
            warnings.warn("`isinstance(treespec, LeafSpec)` is deprecated, use `isinstance(treespec, TreeSpec) and "
                          "treespec.is_leaf()` instead.", FutureWarning, stacklevel=2)
        return object.__new__(cls)

    def __init__(self):
        TreeSpec.__init__(self, None, None, [])

    def __repr__(self, indent=0):
        return "*"


_MAKING_LEAF = True
_LEAF_SPEC = LeafSpec()
_MAKING_LEAF = False


def treespec_leaf():
    return _LEAF_SPEC


def treespec_tuple(iterable=(), /):
    children = list(iterable)
    if any(not isinstance(c, TreeSpec) for c in children):
        raise ValueError(f"Expected a tuple of TreeSpec values, got: {children!r}.")
    return TreeSpec(tuple, None, children)


def treespec_dict(mapping=(), /, **kwargs):
    d = dict(mapping, **kwargs)
    if any(not isinstance(c, TreeSpec) for c in d.values()):
        raise ValueError(f"Expected a dictionary of TreeSpec values, got: {d!r}.")
    return TreeSpec(dict, list(d.keys()), list(d.values()))


def _is_pytreespec_instance(obj):
    return isinstance(obj, TreeSpec)
