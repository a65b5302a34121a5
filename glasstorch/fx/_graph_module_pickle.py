"""Pickling a ``GraphModule``, as torch does it: the module's state without its graph, and the source of
its ``forward``; unpickling compiles that source again and traces it (every submodule kept as a leaf)
to rebuild the graph (torch's ``reduce_graph_module`` / ``_deserialize_graph_module``).

torch writes the generated code's globals as an import block; glasstorch's ``torch`` in generated code
is a lookup table (``_names._TorchRef``), so the globals travel as what pickle can carry: modules by
name, the table's entries and other objects by reference."""
import types

from ._names import _TorchRef, _index, _live


def _globals_spec(globals_):
    spec = {}
    for name, obj in globals_.items():
        if isinstance(obj, _TorchRef):
            # an entry glasstorch still holds at its torch path travels as that path (pickle could not
            # find a function its __torch_function__ checks have wrapped since)
            table = {}
            for path, fn in obj._table.items():
                table[path] = ("object", fn)
                hit = _index().get(id(getattr(fn, "_tf_original", fn)))
                short = path.rsplit(".", 1)[-1]
                for where in (path, hit[1] if hit else None,     # torch._C._nn.linear: F.linear's
                              f"torch.nn.functional.{short}", f"torch.{short}"):
                    live = _live(where, None) if where else None
                    if live is not None and getattr(live, "_tf_original", live) is getattr(fn, "_tf_original", fn):
                        table[path] = ("path", where)
                        break
            spec[name] = ("torch", table)
        elif isinstance(obj, types.ModuleType):
            spec[name] = ("module", obj.__name__)
        else:
            spec[name] = ("object", obj)
    return spec


def _globals_from_spec(spec):
    import importlib
    out = {}
    for name, (kind, value) in spec.items():
        if kind == "torch":
            table = {}
            for path, (how, fn) in value.items():
                fn = _live(fn) if how == "path" else fn
                table[path] = getattr(fn, "_tf_original", fn)
            out[name] = _TorchRef(table)
        elif kind == "module":
            out[name] = importlib.import_module(value)
        else:
            out[name] = value
    return out


def reduce_args(gm):
    """What ``GraphModule.__reduce__`` hands pickle: (the state without ``_graph``, the source, its globals)."""
    body = gm.__dict__.copy()
    python_code = gm.recompile()
    del body["_graph"]
    body.pop("_gt_pairs", None)
    return body, python_code.src, _globals_spec(python_code.globals)


def reduce_graph_module(body, src, spec):
    """Rebuild a pickled GraphModule: compile ``forward`` from ``src``, trace it over a module holding
    ``body`` (submodules as leaves), and make the GraphModule from that graph."""
    import glasstorch
    from .graph_module import GraphModule, _exec_forward
    from ._symbolic_trace import Tracer
    forward = _exec_forward(src, _globals_from_spec(spec))

    class _CodeOnlyModule(glasstorch.nn.Module):
        def __init__(self, body):
            super().__init__()
            self.__dict__ = body
    _CodeOnlyModule.forward = forward

    tracer_cls = body.get("_tracer_cls") or Tracer

    class KeepModules(tracer_cls):
        def is_leaf_module(self, _, __):
            return True
    com = _CodeOnlyModule(body)
    graph = KeepModules().trace(com, **(body.get("_tracer_extras") or {}))
    graph._tracer_cls = tracer_cls
    gm = GraphModule(com, graph, class_name=body.get("_graphmodule_cls_name", "GraphModule"))
    for k, v in body.items():
        if not hasattr(gm, k):
            setattr(gm, k, v)
    return gm
