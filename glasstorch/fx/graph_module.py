"""``torch.fx.GraphModule``: an ``nn.Module`` whose ``forward`` is generated from a Graph.

It copies from the root module what the graph's ``get_attr``/``call_module`` nodes name (making plain
``Module``s for the paths in between), and compiles ``graph.python_code`` into ``forward``.  Each
GraphModule has a class of its own, so that forward can be replaced per instance (``recompile``).
"""
import copy
import linecache

from .graph import Graph

__all__ = ["GraphModule"]


def _module_cls():
    import glasstorch
    return glasstorch.nn.Module


def _copy_attr(from_module, to_module, target):
    import glasstorch
    *prefix, field = target.split(".")
    for item in prefix:
        f = getattr(from_module, item)
        t = getattr(to_module, item, None)
        if f is t:
            return
        if t is None:
            t = glasstorch.nn.Module()
            setattr(to_module, item, t)
        from_module, to_module = f, t
    orig = getattr(from_module, field)
    if isinstance(orig, glasstorch.Tensor) and not isinstance(orig, glasstorch.nn.Parameter):
        to_module.register_buffer(field, orig)
    else:
        setattr(to_module, field, orig)


def _assign_attr(from_obj, to_module, target):
    import glasstorch
    *prefix, field = target.split(".")
    for item in prefix:
        t = getattr(to_module, item, None)
        if t is None:
            t = glasstorch.nn.Module()
            setattr(to_module, item, t)
        to_module = t
    if isinstance(from_obj, glasstorch.Tensor) and not isinstance(from_obj, glasstorch.nn.Parameter):
        to_module.register_buffer(field, from_obj)
    else:
        setattr(to_module, field, from_obj)


_source_count = [0]


def _exec_forward(src, globals_, co_fields=None):
    """Compile ``src`` (it defines ``forward``) under a file name linecache can show in tracebacks."""
    key = f"<eval_with_key>.{_source_count[0]}"
    if co_fields:
        key += f" from {co_fields['co_filename']}:{co_fields['co_firstlineno']} in {co_fields['co_name']}"
    _source_count[0] += 1
    linecache.cache[key] = (len(src), None, src.splitlines(True), key)
    scope = dict(globals_)
    exec(compile(src, key, "exec", dont_inherit=True), scope)
    return scope["forward"]


def _addindent(s, n):
    """Indent every line after the first by ``n`` spaces (blank lines stay empty)."""
    lines = s.split("\n")
    if len(lines) == 1:
        return s
    return lines[0] + "\n" + "\n".join((n * " ") + line if line.strip() else "" for line in lines[1:])


def _print_readable(module, name):
    code = module.graph.python_code(root_module="self", verbose=True).src.lstrip("\n")
    code = _addindent(f"class {name}(torch.nn.Module):\n" + code, 4)
    subs = [""] + [_print_readable(sub, sub_name) for sub_name, sub in module.named_children()
                   if isinstance(sub, GraphModule)]
    return code + _addindent("\n".join(subs), 4)


class _CodeOnlyModule:
    """What a deep copy starts from: the attributes, without the class."""

    def __init__(self, body):
        self.__dict__ = body


class GraphModule(_module_cls()):
    """A Module generated from a Graph (see the module docstring)."""

    def __new__(cls, *args, **kwargs):
        for t in cls.__mro__:
            if t.__qualname__.split(".")[-1] != "GraphModuleImpl":
                cls = t
                break

        class GraphModuleImpl(cls):
            pass
        GraphModuleImpl.__module__ = cls.__module__      # (torch.fx.graph_module under the shim)
        return super().__new__(GraphModuleImpl)

    def __init__(self, root, graph, class_name="GraphModule"):
        super().__init__()
        self.__class__.__name__ = class_name
        Module = _module_cls()
        if isinstance(root, Module):
            if hasattr(root, "training"):
                self.training = root.training
            for node in graph.nodes:
                if node.op in ("get_attr", "call_module"):
                    _copy_attr(root, self, node.target)
        elif isinstance(root, dict):
            targets = []
            for node in graph.nodes:
                if node.op in ("get_attr", "call_module"):
                    if node.target not in root:
                        raise RuntimeError("Node " + str(node) + " referenced target " + node.target
                                           + " but that target was not provided in ``root``!")
                    targets.append(node.target)
            for target in sorted(targets, key=lambda t: t.count(".")):
                _assign_attr(root[target], self, target)
        elif isinstance(root, _CodeOnlyModule):
            self.training = root.__dict__.get("training", True)
            for k, v in root.__dict__["_modules"].items():
                setattr(self, k, v)
            for k, v in root.__dict__["_parameters"].items():
                setattr(self, k, v)
            for k, v in root.__dict__["_buffers"].items():
                self.register_buffer(k, v)
        else:
            raise RuntimeError("Unsupported type " + str(root) + " passed for root!")
        self.graph = graph
        self._tracer_cls = None
        if graph._tracer_cls and "<locals>" not in graph._tracer_cls.__qualname__:
            self._tracer_cls = graph._tracer_cls
        self._tracer_extras = graph._tracer_extras or {}
        self.meta = {}

    @property
    def graph(self):
        """The Graph this module's forward is generated from (assigning one recompiles)."""
        return self._graph

    @graph.setter
    def graph(self, g):
        if not isinstance(g, Graph):
            raise AssertionError(f"Expected a Graph instance, but got {type(g)}")
        self.__dict__["_graph"] = g
        g.owning_module = self
        self.recompile()

    @property
    def code(self):
        """The Python source of ``forward``."""
        if "_code" not in self.__dict__:
            raise RuntimeError("Code has not been generated! Please report a bug to PyTorch")
        return self._code

    def recompile(self):
        """Regenerate ``forward`` from ``self.graph`` (after editing the graph in place)."""
        python_code = self._graph.python_code(root_module="self")
        self.__dict__["_code"] = python_code.src
        type(self).forward = _exec_forward(python_code.src, python_code.globals, self._graph._co_fields)
        return python_code

    def add_submodule(self, target, m):
        """Install ``m`` at the dotted path ``target`` (making plain Modules on the way)."""
        Module = _module_cls()
        *prefix, field = target.split(".")
        mod = self
        for item in prefix:
            submod = getattr(mod, item, None)
            if submod is None:
                submod = Module()
                setattr(mod, item, submod)
            if not isinstance(submod, Module):
                return False
            mod = submod
        mod.add_module(field, m)
        return True

    def delete_submodule(self, target):
        atoms = target.split(".")
        path, target_submod = atoms[:-1], atoms[-1]
        mod = self
        for item in path:
            if not hasattr(mod, item):
                return False
            mod = getattr(mod, item)
            if not isinstance(mod, _module_cls()):
                return False
        if not hasattr(mod, target_submod) or not isinstance(getattr(mod, target_submod), _module_cls()):
            return False
        delattr(mod, target_submod)
        return True

    def delete_all_unused_submodules(self):
        used = []
        for node in self.graph.nodes:
            if node.op in ("call_module", "get_attr"):
                fullpath = node.target.split(".")
                used.extend(".".join(fullpath[:i]) for i in range(1, len(fullpath) + 1))
                if node.op == "call_module":
                    submod = self.get_submodule(node.target)
                    used.extend(f"{node.target}.{name}" for name, _ in submod.named_modules() if name != "")
        for name in [name for name, _ in self.named_modules() if name not in used]:
            self.delete_submodule(name)

    def __deepcopy__(self, memo):
        res = type(self).__new__(type(self))
        memo[id(self)] = res
        fake = _CodeOnlyModule(copy.deepcopy(self.__dict__, memo))
        GraphModule.__init__(res, fake, fake.__dict__["_graph"])
        res.meta = copy.deepcopy(getattr(self, "meta", {}), memo)
        return res

    def __reduce__(self):
        from ._graph_module_pickle import reduce_args
        return (reduce_graph_module, reduce_args(self))

    def __copy__(self):
        res = GraphModule(self, self.graph)
        res.meta = getattr(self, "meta", {})
        return res

    def print_readable(self, print_output=True, include_stride=False, include_device=False, colored=False,
                       **kwargs):
        """``class Name(torch.nn.Module):`` over the forward, with shapes (after ShapeProp) and comments;
        GraphModule children follow, indented."""
        out = _print_readable(self, self._get_name())
        if print_output:
            print(out)
        return out

    def __str__(self):
        return "\n".join([super().__str__(), self._code,
                          "# To see more debug info, please use `graph_module.print_readable()`"])


def reduce_graph_module(body, src, spec):
    """Unpickle a GraphModule (``_graph_module_pickle.py``): what ``GraphModule.__reduce__`` names."""
    from ._graph_module_pickle import reduce_graph_module as rebuild
    return rebuild(body, src, spec)
