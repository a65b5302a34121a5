"""A graph as Python source: the ``forward`` a GraphModule runs and shows as ``gm.code``.

Each node becomes one line, ``name = target(args)``; operators print as operators (``add = x + y``),
methods as methods, modules as ``self.path(...)``.  After a value's last use the line frees it
(``;  x = None``).  Names come from a fresh namespace so that locals and globals never clash.
"""
import enum
from dataclasses import dataclass

from ._names import (_Namespace, _TorchRef, custom_builtins, get_qualified_name, inplace_methods, magic_methods,
                     op_qualified_name, torch_qualified_name, type_repr)
from .node import Node


@dataclass
class PythonCode:
    """The source of ``forward`` and the globals it needs."""
    src: str
    globals: dict
    _lineno_map: dict = None
    _prologue_start: int = 0


def _format_target(base, target):
    r = base
    for e in target.split("."):
        r = f'getattr({r}, "{e}")' if not e.isidentifier() else f"{r}.{e}"
    return r


_DTYPE_ABBRS = {"uint8": "u8", "int8": "i8", "int16": "i16", "int32": "i32", "int64": "i64", "float16": "f16",
                "float32": "f32", "float64": "f64", "complex32": "c32", "complex64": "c64", "complex128": "c128",
                "bool": "b8", "bfloat16": "bf16", "uint16": "u16", "uint32": "u32", "uint64": "u64"}


def _shape_annotation(node):
    """``: "f32[2, 3]"`` from what ShapeProp (``tensor_meta``) or a tensor in ``val`` recorded."""
    import glasstorch
    from .passes.shape_prop import TensorMetadata
    val = node.meta.get("val", node.meta.get("tensor_meta", node.meta.get("example_value", None)))
    if isinstance(val, (glasstorch.Tensor, TensorMetadata)):
        abbr = _DTYPE_ABBRS[str(val.dtype).split(".")[-1]]
        core = f"{abbr}[{', '.join(str(d) for d in val.shape)}]"
        return f': "{core}"' if not isinstance(val, glasstorch.Tensor) or type(val) is glasstorch.Tensor \
            else f': "{type(val).__name__}({core})"'
    return None


def python_code(graph, root_module, verbose=False):
    """Generate ``forward`` for ``graph`` (``root_module`` names the module attributes hang off);
    ``verbose`` (print_readable) adds shapes and a stack-trace comment."""
    namespace = _Namespace()
    old = {}
    for node in graph.nodes:
        old[node] = node._repr_fn
        node._repr_fn = lambda n: namespace.create_name(n.name, n)
    try:
        return _gen(graph, root_module, namespace, verbose)
    finally:
        for node, fn in old.items():
            node._repr_fn = fn


def _gen(graph, root_module, namespace, verbose=False):
    import glasstorch
    free_vars, body, globals_, torch_names = [], [], {}, {}
    wrapped_fns = {}
    return_annotation = [""]

    def add_global(name_hint, obj):
        q = torch_qualified_name(obj) if callable(obj) and obj is not glasstorch.device else None
        if q is None:
            q = op_qualified_name(obj)      # torch.ops.aten.add.Tensor
        if q is not None:
            torch_names[q] = obj            # written out in full, found through `torch`
            return q
        name = namespace.create_name(name_hint, obj)
        if name in globals_:
            return name
        globals_[name] = obj
        return name

    for name, obj in custom_builtins().items():
        add_global(name, obj)

    def get_repr(arg):
        if isinstance(arg, Node):
            return repr(arg)
        if isinstance(arg, tuple) and hasattr(arg, "_fields"):
            return f"{add_global(get_qualified_name(type(arg)), type(arg))}{repr(tuple(arg))}"
        if isinstance(arg, enum.Enum):
            return f"{add_global(arg.__class__.__name__, arg.__class__)}.{arg.name}"
        if isinstance(arg, glasstorch.Tensor):
            return f"torch.Tensor(size={list(arg.size())}, dtype={str(arg.dtype).split('.')[-1]})"
        if isinstance(arg, tuple):
            return f"({get_repr(arg[0])},)" if len(arg) == 1 else "(" + ", ".join(get_repr(a) for a in arg) + ")"
        if isinstance(arg, list):
            return "[" + ", ".join(get_repr(a) for a in arg) + "]"
        if isinstance(arg, slice):
            return f"slice({get_repr(arg.start)}, {get_repr(arg.stop)}, {get_repr(arg.step)})"
        return repr(arg)

    def format_args(args, kwargs):
        return ", ".join([get_repr(a) for a in args] + [f"{k} = {get_repr(v)}" for k, v in kwargs.items()])

    # free each value after its last use
    last_use, frees = {}, {}
    for node in reversed(graph.nodes):
        for inp in node._input_nodes:
            if inp not in last_use:
                last_use[inp] = node
                frees.setdefault(node, []).append(inp)

    def delete_unused_values(user):
        if user.op == "placeholder":
            return
        if user.op == "output":
            body.append("\n")
            return
        to_free = frees.get(user, [])
        if len(user.users) == 0:
            to_free.append(user)
        body.append(f";  {' = '.join([repr(n) for n in to_free] + ['None'])}\n" if to_free else "\n")

    prev_summary = [None]

    def stack_summary(node):
        if node.op in ("placeholder", "output"):
            return
        summary = "\n# No stacktrace found for following nodes\n"
        if node.stack_trace:
            lines = node.stack_trace.strip().split("\n")
            summary = f"\n# {lines[-1].strip() if len(lines) < 2 else lines[-2].strip()}\n"
        if summary != prev_summary[0]:
            prev_summary[0] = summary
            body.append(summary)

    def emit(node):
        ann = "" if node.type is None else f" : {add_global(type_repr(node.type), node.type)}"
        if verbose:
            ann = _shape_annotation(node) or ann
        if node.op == "placeholder":
            default = "" if not node.args else f" = {get_repr(node.args[0])}"
            free_vars.append(f"{node.target}{ann}{default}")
            raw = node.target.replace("*", "")
            if raw != repr(node):
                body.append(f"{repr(node)} = {raw}\n")
            return
        if node.op == "call_method":
            body.append(f"{repr(node)}{ann} = {_format_target(get_repr(node.args[0]), node.target)}"
                        f"({format_args(node.args[1:], node.kwargs)})")
            return
        if node.op == "call_function":
            name = getattr(node.target, "__name__", "")
            if getattr(node.target, "__module__", "") == "_operator" and name in magic_methods:
                body.append(f"{repr(node)}{ann} = {magic_methods[name].format(*(get_repr(a) for a in node.args))}")
                return
            if getattr(node.target, "__module__", "") == "_operator" and name in inplace_methods:
                body.append(f"{inplace_methods[name].format(*(get_repr(a) for a in node.args))};  "
                            f"{repr(node)}{ann} = {get_repr(node.args[0])}")
                return
            global_name = add_global(get_qualified_name(node.target), node.target)
            if (global_name == "getattr" and isinstance(node.args, tuple) and len(node.args) == 2
                    and isinstance(node.args[1], str) and node.args[1].isidentifier()):
                body.append(f"{repr(node)}{ann} = {_format_target(get_repr(node.args[0]), node.args[1])}")
                return
            body.append(f"{repr(node)}{ann} = {global_name}({format_args(node.args, node.kwargs)})")
            if node.meta.get("is_wrapped", False):
                wrapped_fns.setdefault(global_name)
            return
        if node.op == "call_module":
            body.append(f"{repr(node)}{ann} = {_format_target(root_module, node.target)}"
                        f"({format_args(node.args, node.kwargs)})")
            return
        if node.op == "get_attr":
            body.append(f"{repr(node)}{ann} = {_format_target(root_module, node.target)}")
            return
        if node.op == "output":
            if node.type is not None:
                return_annotation[0] = f" -> {add_global(type_repr(node.type), node.type)}"
            body.append(f"return {get_repr(node.args[0])}")
            return
        raise NotImplementedError(f"node: {node.op} {node.target}")

    for node in graph.nodes:
        if verbose:
            stack_summary(node)
        emit(node)
        delete_unused_values(node)
    if not body:
        body.append("pass\n")
    wrap_stmts = ""
    if wrapped_fns:
        from ._symbolic_trace import wrap
        wrap_name = add_global("wrap", wrap)
        wrap_stmts = "\n".join(f'{wrap_name}("{name}")' for name in wrapped_fns)
    if not free_vars or free_vars[0] != "self":
        free_vars.insert(0, "self")
    prologue = f"def forward({', '.join(free_vars)}){return_annotation[0]}:"
    code = "".join(body).lstrip("\n")
    code = "\n".join("    " + line for line in code.split("\n"))
    src = f"\n{wrap_stmts}\n\n{prologue}\n{code}"
    globals_["torch"] = _TorchRef(torch_names)
    return PythonCode(src, globals_, {}, wrap_stmts.count("\n") + 4)

