"""``torch.fx.Node``: one operation of a graph, and the helpers that walk its arguments.

A node records an ``op`` (placeholder, get_attr, call_function, call_module, call_method, output), a
``target`` (the function, or a name), ``args``/``kwargs`` that may hold other nodes, and ``users``
(the nodes reading its value).  Nodes form a doubly linked list inside their graph.
"""
import operator
from typing import Any

from ._names import function_name, get_qualified_name, type_repr
from .immutable_collections import immutable_dict, immutable_list

__all__ = ["Node", "map_arg", "map_aggregate", "has_side_effect", "Target", "Argument"]

Target = Any        # a node's target: a callable (call_function) or a name
Argument = Any      # what args/kwargs may hold: nodes, numbers, strings, tensors, and containers of them

_legal_ops = ("call_function", "call_method", "get_attr", "call_module", "placeholder", "output")
_side_effectful_functions = {operator.setitem}


def has_side_effect(fn):
    """Keep calls of ``fn`` through ``eliminate_dead_code``."""
    _side_effectful_functions.add(fn)
    return fn


def _random_functions():
    import glasstorch
    return [getattr(glasstorch, n) for n in ("rand", "randn", "randint", "randperm", "rand_like", "randn_like",
                                              "randint_like", "normal", "poisson", "bernoulli", "multinomial")
            if hasattr(glasstorch, n)]


def map_aggregate(a, fn):
    """Apply ``fn`` to every leaf of ``a`` (tuples, lists, dicts and slices are walked into)."""
    if isinstance(a, tuple):
        t = tuple(map_aggregate(e, fn) for e in a)
        return type(a)(*t) if hasattr(a, "_fields") else t
    if isinstance(a, list):
        return immutable_list(map_aggregate(e, fn) for e in a)
    if isinstance(a, dict):
        return immutable_dict((k, map_aggregate(v, fn)) for k, v in a.items())
    if isinstance(a, slice):
        return slice(map_aggregate(a.start, fn), map_aggregate(a.stop, fn), map_aggregate(a.step, fn))
    return fn(a)


def map_arg(a, fn):
    """Apply ``fn`` to every Node in ``a``, keeping the structure."""
    if not callable(fn):
        raise AssertionError("torch.fx.map_arg(a, fn): fn must be a callable")
    return map_aggregate(a, lambda x: fn(x) if isinstance(x, Node) else x)


def _format_arg(arg, max_list_len=float("inf")):
    if isinstance(arg, list):
        items = ", ".join(_format_arg(a) for i, a in enumerate(arg) if i < max_list_len)
        more = "" if len(arg) < max_list_len + 1 else f", ...[total_len={len(arg)}]"
        return f"[{items}{more}]"
    if isinstance(arg, tuple):
        items = ", ".join(_format_arg(a) for i, a in enumerate(arg) if i < max_list_len)
        more = "" if len(arg) < max_list_len + 1 else f", ...[total_len={len(arg)}]"
        return f"({items}{',' if len(arg) == 1 else ''}{more})"
    if isinstance(arg, dict):
        return "{" + ", ".join(f"{k}: {_format_arg(v)}" for k, v in arg.items()) + "}"
    if isinstance(arg, Node):
        return "%" + str(arg)
    return str(arg)


class Node:
    """One operation of a ``Graph`` (see the module docstring)."""

    def __init__(self, graph, name, op, target, args, kwargs, return_type=None):
        import glasstorch
        if op == "call_function":
            if not callable(target):
                raise ValueError(f"Node [graph = {graph}, name = '{name}'] target {target} has type "
                                 f"{glasstorch.typename(target)} but a Callable is expected")
        else:
            if op not in _legal_ops:
                raise AssertionError(f"op '{op}' is not in _legal_ops")
            if not isinstance(target, str):
                raise ValueError(f"Node [graph = {graph}, name = '{name}'] target {target} has type "
                                 f"{glasstorch.typename(target)} but a str is expected")
        self.graph, self.name, self.op, self.target, self.type = graph, name, op, target, return_type
        self._args, self._kwargs = (), {}
        self._input_nodes = {}
        self.users = {}
        self._prev = self._next = self
        self._erased = False
        self._repr_fn = None
        self.meta = {}
        self._update_args_kwargs(args, kwargs)

    # ---- the linked list --------------------------------------------------------------------------
    @property
    def next(self):
        return self._next

    @property
    def prev(self):
        return self._prev

    def prepend(self, x):
        """Put ``x`` just before this node."""
        if self is x:
            raise AssertionError("Cannot prepend self")
        x._remove_from_list()
        p = self._prev
        p._next, x._prev = x, p
        x._next, self._prev = self, x

    def append(self, x):
        """Put ``x`` just after this node."""
        self._next.prepend(x)

    def _remove_from_list(self):
        p, n = self._prev, self._next        # (self keeps its links: a loop over the graph goes on)
        p._next, n._prev = n, p

    # ---- arguments and users ----------------------------------------------------------------------
    @property
    def args(self):
        return self._args

    @args.setter
    def args(self, a):
        self._update_args_kwargs(a, self._kwargs)

    @property
    def kwargs(self):
        return self._kwargs

    @kwargs.setter
    def kwargs(self, k):
        self._update_args_kwargs(self._args, k)

    @property
    def all_input_nodes(self):
        return list(self._input_nodes)

    def _update_args_kwargs(self, args, kwargs):
        found = {}

        def keep(n):
            found.setdefault(n)
            return n
        self._args = map_arg(args, keep)
        self._kwargs = map_arg(kwargs, keep)
        for old in self._input_nodes:
            if old not in found:
                old.users.pop(self, None)
        self._input_nodes = found
        for new in found:
            new.users.setdefault(self)

    def update_arg(self, idx, arg):
        args = list(self.args)
        args[idx] = arg
        self.args = tuple(args)

    def insert_arg(self, idx, arg):
        if not 0 <= idx <= len(self.args):
            raise AssertionError("insert_args index must be between 0 and len(self.args), got " + str(idx))
        self.args = self.args[:idx] + (arg,) + self.args[idx:]

    def update_kwarg(self, key, arg):
        self.kwargs = {**self.kwargs, key: arg}

    def _replace_input_with(self, old, new):
        swap = lambda n: new if n is old else n  # noqa: E731
        self._update_args_kwargs(map_arg(self._args, swap), map_arg(self._kwargs, swap))

    def replace_input_with(self, old_input, new_input):
        """Use ``new_input`` wherever this node reads ``old_input``."""
        self._replace_input_with(old_input, new_input)

    def replace_all_uses_with(self, replace_with, delete_user_cb=None, *, propagate_meta=False):
        """Make every user of this node read ``replace_with`` instead; returns the users changed."""
        if propagate_meta:
            if len(replace_with.meta) != 0:
                raise AssertionError("Called node.replace_all_uses_with(replace_with, propagate_meta=True), "
                                     "but replace_with already has .meta keys")
            replace_with.meta.update(self.meta)
        result = []
        for user in list(self.users):
            if delete_user_cb is not None and not delete_user_cb(user):
                continue
            result.append(user)
            user._replace_input_with(self, replace_with)
        return result

    @property
    def stack_trace(self):
        return self.meta.get("stack_trace", None)

    @stack_trace.setter
    def stack_trace(self, trace):
        self.meta["stack_trace"] = trace

    def _rename(self, candidate):
        if candidate == self.name:
            return
        name = self.graph._graph_namespace.create_name(candidate, None)
        self.name = name
        self.graph._graph_namespace._rename_object(self, name)

    def is_impure(self, impure_random=True):
        """Placeholders, outputs, and calls with side effects (``setitem``, random numbers) are impure."""
        if self.op in ("placeholder", "output"):
            return True
        if self.op == "call_module":
            return getattr(self.graph.owning_module.get_submodule(self.target), "_is_impure", False)
        if self.op == "call_function":
            t = getattr(self.target, "_tf_original", self.target)
            return t in _side_effectful_functions or any(t is getattr(f, "_tf_original", f)
                                                        for f in _random_functions())
        return False

    # ---- printing ---------------------------------------------------------------------------------
    def __repr__(self):
        if self._repr_fn:
            return self._repr_fn(self)
        return self.name

    @staticmethod
    def _pretty_print_target(target):
        if isinstance(target, str):
            return target
        if hasattr(target, "__module__"):
            name = getattr(target, "__name__", None)
            if name is None:
                return get_qualified_name(target)
            if target.__module__ == "builtins":
                return f"builtins.{name}"
            if target.__module__ == "_operator":
                return f"operator.{name}"
        return get_qualified_name(target)

    def format_node(self, placeholder_names=None, maybe_return_typename=None, *, include_tensor_metadata=False):
        """``%name : [num_users=N] = op[target=...](args = ..., kwargs = ...)``, as graphs print."""
        if self.op == "placeholder":
            arg_str = self.target
            arg_str += arg_str + f": {type_repr(self.type)}" if self.type else ""
            if placeholder_names:
                placeholder_names.append(arg_str)
                return None
            typename = f"{type_repr(self.type)} " if self.type else ""
            default = "(default=" + str(self.args[0]) + ")" if self.args else ""
            return f"%{self.name} : {typename}[num_users={len(self.users)}] = {self.op}[target={self.target}]{default}"
        if self.op == "get_attr":
            typename = f"{type_repr(self.type)} " if self.type is not None else ""
            return (f"%{self.name} : {typename}[num_users={len(self.users)}] = "
                    f"{self.op}[target={self._pretty_print_target(self.target)}]")
        if self.op == "output":
            if self.type and maybe_return_typename:
                maybe_return_typename[0] = f" -> {type_repr(self.type)}"
            return f"return {self.args[0]}"
        typename = f"{type_repr(self.type)} " if self.type is not None else ""
        return (f"%{self.name} : {typename}[num_users={len(self.users)}] = "
                f"{self.op}[target={self._pretty_print_target(self.target)}]("
                f"args = {_format_arg(self.args)}, kwargs = {_format_arg(self.kwargs)})")


def _target_name(target):
    """The node name a target suggests: the function's torch name, or the string, snake_cased."""
    from ._names import snake_case
    if callable(target):
        op = function_name(target)
    else:
        op = target
        if op.startswith("__") and op.endswith("__"):
            op = op[2:-2]
    return snake_case(op)
