"""``torch.utils._pytree``: nested containers (lists, tuples, dicts, named tuples ...) as trees of leaves.

``tree_flatten(tree)`` walks a tree depth first and returns its leaves and a ``TreeSpec`` that records
the containers; ``tree_unflatten(leaves, spec)`` rebuilds it; ``tree_map(fn, tree)`` does both with
``fn`` applied to every leaf.  A type is a container ("node") when it is registered in
``SUPPORTED_NODES`` with a function that splits it into (children, context) and one that rebuilds it;
anything else (tensors, numbers, strings, None) is a leaf.  Every named tuple counts as the one node
type ``namedtuple`` (its class is the context), and ``torch.return_types`` values are nodes of their own
class, as in torch."""
import dataclasses
import functools
import types
import warnings
from collections import OrderedDict, defaultdict, deque, namedtuple
from typing import Any, NamedTuple

__all__ = ["PyTree", "Context", "FlattenFunc", "UnflattenFunc", "DumpableContext", "ToDumpableContextFn",
           "FromDumpableContextFn", "TreeSpec", "LeafSpec", "keystr", "key_get", "register_pytree_node",
           "register_dataclass", "tree_is_leaf", "tree_flatten", "tree_flatten_with_path", "tree_unflatten",
           "tree_iter", "tree_leaves", "tree_leaves_with_path", "tree_structure", "tree_map",
           "tree_map_with_path", "tree_map_", "tree_map_only", "tree_map_only_", "tree_all", "tree_any",
           "tree_all_only", "tree_any_only", "treespec_pprint", "is_namedtuple", "is_namedtuple_class",
           "is_namedtuple_instance", "is_structseq", "is_structseq_class", "is_structseq_instance",
           "treespec_leaf", "treespec_tuple", "treespec_dict"]

PyTree = Any
Context = Any
DumpableContext = Any
FlattenFunc = FlattenFn = Any
UnflattenFunc = UnflattenFn = Any
ToDumpableContextFn = FromDumpableContextFn = Any
NO_SERIALIZED_TYPE_NAME_FOUND = "NO_SERIALIZED_TYPE_NAME_FOUND"


class NodeDef(NamedTuple):
    type: Any
    flatten_fn: Any
    unflatten_fn: Any
    flatten_with_keys_fn: Any


SUPPORTED_NODES = {}
SERIALIZED_TYPE_TO_PYTHON_TYPE = {}
SUPPORTED_SERIALIZED_TYPES = {}


def _private_register_pytree_node(cls, flatten_fn, unflatten_fn, *, serialized_type_name=None,
                                  to_dumpable_context=None, from_dumpable_context=None, flatten_with_keys_fn=None):
    if cls in SUPPORTED_NODES:
        warnings.warn(f"{cls} is already registered as pytree node. Overwriting the previous registration.",
                      stacklevel=3)
    SUPPORTED_NODES[cls] = NodeDef(cls, flatten_fn, unflatten_fn, flatten_with_keys_fn)
    if (to_dumpable_context is None) ^ (from_dumpable_context is None):
        raise ValueError(f"Both to_dumpable_context and from_dumpable_context for {cls} must be None or registered.")
    name = NO_SERIALIZED_TYPE_NAME_FOUND if serialized_type_name is None else serialized_type_name
    SUPPORTED_SERIALIZED_TYPES[cls] = (cls, name, to_dumpable_context, from_dumpable_context)
    SERIALIZED_TYPE_TO_PYTHON_TYPE[name] = cls


def register_pytree_node(cls, flatten_fn, unflatten_fn, *, serialized_type_name=None, to_dumpable_context=None,
                         from_dumpable_context=None, flatten_with_keys_fn=None):
    """Make ``cls`` a container: ``flatten_fn(x) -> (children, context)``, ``unflatten_fn(children, context) -> x``."""
    if cls in SUPPORTED_NODES:
        raise ValueError(f"{cls} is already registered as pytree node.")
    _private_register_pytree_node(cls, flatten_fn, unflatten_fn, serialized_type_name=serialized_type_name,
                                  to_dumpable_context=to_dumpable_context, from_dumpable_context=from_dumpable_context,
                                  flatten_with_keys_fn=flatten_with_keys_fn)


_register_pytree_node = register_pytree_node


def _deregister_pytree_node(cls):
    del SUPPORTED_NODES[cls]
    name = SUPPORTED_SERIALIZED_TYPES.pop(cls)[1]
    SERIALIZED_TYPE_TO_PYTHON_TYPE.pop(name, None)


def register_dataclass(cls, *, field_names=None, drop_field_names=None, serialized_type_name=None):
    """A dataclass (or a class built from its fields) as a container of its non-None fields."""
    drop = set(drop_field_names or [])
    if not dataclasses.is_dataclass(cls):
        if field_names is None:
            raise ValueError("field_names must be specified with a list of all fields used to "
                             f"initialize {cls}, as it is not a dataclass.")
    elif field_names is None:
        field_names = [f.name for f in dataclasses.fields(cls) if f.init]
    else:
        init = {f.name for f in dataclasses.fields(cls) if f.init}
        init.difference_update(drop)         # in place, as torch: a printed set's order follows its history
        if init != set(field_names):
            msg = "field_names does not include all dataclass fields.\n"
            if init - set(field_names):
                msg += (f"Missing fields in `field_names`: {init - set(field_names)}. If you want to include these "
                        "fields in the pytree, please add them to `field_names`, otherwise please add them to "
                        "`drop_field_names`.\n")
            if set(field_names) - init:
                msg += (f"Unexpected fields in `field_names`: {set(field_names) - init}. Please remove these "
                        "fields, or add them to `drop_field_names`.\n")
            raise ValueError(msg)

    def flatten(obj):
        vals = [(n, getattr(obj, n)) for n in field_names]
        return [v for _, v in vals if v is not None], [[n for n, v in vals if v is not None],
                                                        [n for n, v in vals if v is None]]

    def unflatten(values, context):
        names, nones = context
        return cls(**dict(zip(names, values, strict=True)), **dict.fromkeys(nones))

    def flatten_with_keys(obj):
        values, (names, _) = flatten(obj)
        return [(GetAttrKey(n), v) for n, v in zip(names, values)], names

    _private_register_pytree_node(cls, flatten, unflatten, serialized_type_name=serialized_type_name,
                                  flatten_with_keys_fn=flatten_with_keys)


# ---- key paths ---------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class SequenceKey:
    idx: int

    def __str__(self):
        return f"[{self.idx!r}]"

    def get(self, sequence):
        return sequence[self.idx]


@dataclasses.dataclass(frozen=True)
class MappingKey:
    key: Any

    def __str__(self):
        return f"[{self.key!r}]"

    def get(self, mapping):
        return mapping[self.key]


@dataclasses.dataclass(frozen=True)
class GetAttrKey:
    name: str

    def __str__(self):
        return f".{self.name}"

    def get(self, obj):
        return getattr(obj, self.name)


def keystr(kp):
    """``('a', 0)``-like key path as ``['a'][0]``."""
    return "".join(str(k) for k in kp)


def key_get(obj, kp):
    for k in kp:
        obj = k.get(obj)
    return obj


# ---- the built-in containers -------------------------------------------------------------------------
def is_namedtuple_class(cls):
    return (isinstance(cls, type) and issubclass(cls, tuple) and isinstance(getattr(cls, "_fields", None), tuple)
            and all(type(f) is str for f in cls._fields) and callable(getattr(cls, "_make", None))
            and callable(getattr(cls, "_asdict", None)))


def is_namedtuple(obj):
    return is_namedtuple_class(obj if isinstance(obj, type) else type(obj))


def is_namedtuple_instance(obj):
    return is_namedtuple_class(type(obj))


def is_structseq_class(cls):
    """A C struct sequence (``os.stat_result``, ``torch.return_types.max``)."""
    if getattr(cls, "_struct_seq", False):        # glasstorch's return types, made in Python
        return True
    return (isinstance(cls, type) and cls.__bases__ == (tuple,)
            and all(isinstance(getattr(cls, a, None), int) for a in ("n_fields", "n_sequence_fields", "n_unnamed_fields"))
            and not cls.__flags__ & (1 << 10))


def is_structseq(obj):
    return is_structseq_class(obj if isinstance(obj, type) else type(obj))


def is_structseq_instance(obj):
    return is_structseq_class(type(obj))


def _seq_keys(values):
    return [(SequenceKey(i), v) for i, v in enumerate(values)]


def _map_keys(values, keys):
    return [(MappingKey(k), v) for k, v in zip(keys, values, strict=True)]


_BUILTIN = [
    (tuple, lambda d: (list(d), None), lambda v, c: tuple(v), lambda d: (_seq_keys(d), None), "builtins.tuple"),
    (list, lambda d: (d, None), lambda v, c: list(v), lambda d: (_seq_keys(d), None), "builtins.list"),
    (dict, lambda d: (list(d.values()), list(d)), lambda v, c: dict(zip(c, v, strict=True)),
     lambda d: (_map_keys(d.values(), list(d)), list(d)), "builtins.dict"),
    (namedtuple, lambda d: (list(d), type(d)), lambda v, c: c(*v),
     lambda d: ([(GetAttrKey(f), x) for f, x in zip(type(d)._fields, d)], type(d)), "collections.namedtuple"),
    (OrderedDict, lambda d: (list(d.values()), list(d)), lambda v, c: OrderedDict(zip(c, v, strict=True)),
     lambda d: (_map_keys(d.values(), list(d)), list(d)), "collections.OrderedDict"),
    (defaultdict, lambda d: (list(d.values()), [d.default_factory, list(d)]),
     lambda v, c: defaultdict(c[0], zip(c[1], v, strict=True)),
     lambda d: (_map_keys(d.values(), list(d)), [d.default_factory, list(d)]), "collections.defaultdict"),
    (deque, lambda d: (list(d), d.maxlen), lambda v, c: deque(v, maxlen=c),
     lambda d: (_seq_keys(d), d.maxlen), "collections.deque"),
]
for _cls, _fl, _unfl, _flk, _name in _BUILTIN:
    _private_register_pytree_node(_cls, _fl, _unfl, serialized_type_name=_name, flatten_with_keys_fn=_flk)
STANDARD_DICT_TYPES = frozenset({dict, OrderedDict, defaultdict})
BUILTIN_TYPES = frozenset({tuple, list, dict, namedtuple, OrderedDict, defaultdict, deque})


def _register_structseq(cls):
    """``torch.return_types`` classes are registered as torch.return_types registers them (glasstorch
    makes them on first use, so here on first sight)."""
    _private_register_pytree_node(cls, lambda s: (list(s), None), lambda v, c: cls(v),
                                  flatten_with_keys_fn=lambda s: (_seq_keys(s), None))


def _get_node_type(tree):
    cls = type(tree)
    if is_namedtuple_class(cls):
        return namedtuple
    if cls not in SUPPORTED_NODES and getattr(cls, "_struct_seq", False):
        _register_structseq(cls)
    return cls


def tree_is_leaf(tree, is_leaf=None):
    """Whether ``tree`` is a leaf: not a registered container (or ``is_leaf(tree)`` says so)."""
    if is_leaf is not None and is_leaf(tree):
        return True
    return _get_node_type(tree) not in SUPPORTED_NODES


from ._pytree_spec import (TreeSpec, LeafSpec, PyTreeSpec, _LEAF_SPEC, treespec_leaf, treespec_tuple,  # noqa: E402
                           treespec_dict, _is_pytreespec_instance)


# ---- flatten, unflatten, map -------------------------------------------------------------------------
def tree_flatten(tree, is_leaf=None):
    """(leaves, TreeSpec), depth first."""
    leaves = []

    def walk(node):
        if tree_is_leaf(node, is_leaf=is_leaf):
            leaves.append(node)
            return _LEAF_SPEC
        kind = _get_node_type(node)
        children, context = SUPPORTED_NODES[kind].flatten_fn(node)
        return TreeSpec(kind, context, [walk(c) for c in children])

    spec = walk(tree)
    return leaves, spec


def tree_unflatten(leaves, treespec):
    """The tree that ``treespec`` describes, holding ``leaves``."""
    if not _is_pytreespec_instance(treespec):
        if not _is_pytreespec_instance(leaves):
            raise TypeError(f"Expected `treespec` to be an instance of PyTreeSpec but got item of type {type(treespec)}.")
        leaves, treespec = treespec, leaves
    return treespec.unflatten(leaves)


def tree_iter(tree, is_leaf=None):
    if tree_is_leaf(tree, is_leaf=is_leaf):
        yield tree
        return
    children, _ = SUPPORTED_NODES[_get_node_type(tree)].flatten_fn(tree)
    for child in children:
        yield from tree_iter(child, is_leaf=is_leaf)


def tree_leaves(tree, is_leaf=None):
    return list(tree_iter(tree, is_leaf=is_leaf))


def tree_structure(tree, is_leaf=None):
    return tree_flatten(tree, is_leaf=is_leaf)[1]


def arg_tree_leaves(*args, **kwargs):
    return [x for a in (*args, *kwargs.values()) for x in tree_iter(a)]


def tree_map(func, tree, *rests, is_leaf=None):
    """The same tree with ``func(leaf, *leaves_of_rests)`` at each leaf."""
    leaves, spec = tree_flatten(tree, is_leaf=is_leaf)
    return spec.unflatten(map(func, leaves, *[spec.flatten_up_to(r) for r in rests]))


def tree_map_(func, tree, *rests, is_leaf=None):
    """Call ``func`` on every leaf (for its side effects); returns ``tree`` itself."""
    leaves, spec = tree_flatten(tree, is_leaf=is_leaf)
    deque(map(func, leaves, *[spec.flatten_up_to(r) for r in rests]), maxlen=0)
    return tree


def map_only(type_or_types_or_pred, /):
    """Decorator: the function applies only to leaves of the given type(s) (or passing the predicate)."""
    if isinstance(type_or_types_or_pred, (type, tuple, types.UnionType)):
        def pred(x):
            return isinstance(x, type_or_types_or_pred)
    elif callable(type_or_types_or_pred):
        pred = type_or_types_or_pred
    else:
        raise TypeError("Argument must be a type, a tuple of types, or a callable.")

    def wrapper(func):
        @functools.wraps(func)
        def wrapped(x):
            return func(x) if pred(x) else x
        return wrapped
    return wrapper


def tree_map_only(type_or_types_or_pred, /, func, tree, is_leaf=None):
    return tree_map(map_only(type_or_types_or_pred)(func), tree, is_leaf=is_leaf)


def tree_map_only_(type_or_types_or_pred, /, func, tree, is_leaf=None):
    return tree_map_(map_only(type_or_types_or_pred)(func), tree, is_leaf=is_leaf)


def tree_all(pred, tree, is_leaf=None):
    return all(map(pred, tree_iter(tree, is_leaf=is_leaf)))


def tree_any(pred, tree, is_leaf=None):
    return any(map(pred, tree_iter(tree, is_leaf=is_leaf)))


def tree_all_only(type_or_types, /, pred, tree, is_leaf=None):
    return all(pred(x) for x in tree_iter(tree, is_leaf=is_leaf) if isinstance(x, type_or_types))


def tree_any_only(type_or_types, /, pred, tree, is_leaf=None):
    return any(pred(x) for x in tree_iter(tree, is_leaf=is_leaf) if isinstance(x, type_or_types))


def _broadcast_to_and_flatten(tree, treespec, is_leaf=None):
    """``tree``'s leaves repeated over the leaves of ``treespec`` they cover (None if not a prefix)."""
    full = tree_unflatten([0] * treespec.num_leaves, treespec)
    out = []
    try:
        tree_map_(lambda x, sub: out.extend([x] * tree_structure(sub, is_leaf=is_leaf).num_leaves), tree, full,
                  is_leaf=is_leaf)
    except ValueError:
        return None
    return out


# ---- key paths over a tree ---------------------------------------------------------------------------
def _key_paths(path, tree, is_leaf):
    if is_leaf and is_leaf(tree):
        yield path, tree
        return
    kind = _get_node_type(tree)
    node = SUPPORTED_NODES.get(kind)
    if not node:
        yield path, tree
        return
    if not node.flatten_with_keys_fn:
        raise ValueError(f"Did not find a flatten_with_keys_fn for type: {kind}. "
                         "Please pass a flatten_with_keys_fn argument to register_pytree_node.")
    for k, child in node.flatten_with_keys_fn(tree)[0]:
        yield from _key_paths((*path, k), child, is_leaf)


def tree_flatten_with_path(tree, is_leaf=None):
    return list(_key_paths((), tree, is_leaf)), tree_flatten(tree, is_leaf)[1]


def tree_leaves_with_path(tree, is_leaf=None):
    return list(_key_paths((), tree, is_leaf))


def tree_map_with_path(func, tree, *rests, is_leaf=None):
    pairs, spec = tree_flatten_with_path(tree, is_leaf)
    columns = list(zip(*pairs, strict=True)) + [spec.flatten_up_to(r) for r in rests]
    return spec.unflatten(func(*xs) for xs in zip(*columns, strict=True))


class _Asterisk(str):
    def __repr__(self):
        return "*"


def treespec_pprint(treespec):
    """The tree with ``*`` at each leaf, as its repr: ``{'a': [*, *]}``."""
    return repr(tree_unflatten([_Asterisk("*")] * treespec.num_leaves, treespec))


from . import _pytree_size  # noqa: E402,F401  (torch.Size is a node once torch is imported)
from ._pytree_named import (_dict_flatten, _dict_unflatten, _dict_flatten_with_keys,  # noqa: E402,F401
                            _list_flatten, _list_unflatten, _list_flatten_with_keys, _tuple_flatten,
                            _tuple_unflatten, _tuple_flatten_with_keys, _namedtuple_flatten, _namedtuple_unflatten,
                            _namedtuple_flatten_with_keys, _ordereddict_flatten, _ordereddict_unflatten,
                            _ordereddict_flatten_with_keys, _defaultdict_flatten, _defaultdict_unflatten,
                            _defaultdict_flatten_with_keys, _deque_flatten, _deque_unflatten, _deque_flatten_with_keys)
