"""``add_graph`` without a TorchScript tracer: the graph is read off the autograd graph of one forward.

torch traces the model with ``torch.jit.trace`` and logs the TorchScript IR (``aten::linear``,
``prim::GetAttr`` nodes named by debug names).  glasstorch runs eagerly and has no IR, so here the model
runs once in eval mode with grad enabled and the inputs made to require grad; then:

* each autograd node becomes a graph node ``aten::<op>`` (``AddmmBackward0`` -> ``aten::addmm``),
  its inputs are the autograd nodes it feeds from;
* forward hooks scope the nodes: when a module returns, the nodes between its inputs and its outputs
  not yet claimed by a submodule are its (``Net/Sequential[seq]/Linear[0]/...``);
* parameters are ``prim::GetAttr`` nodes under their module, inputs/outputs ``IO Node``\\ s.

Ops that autograd does not record (integer arithmetic, ops on tensors that need no grad, in-place
changes of buffers) do not appear; shapes are given for inputs, outputs and module outputs.
"""
import inspect
import re

from tensorboard.compat.proto.config_pb2 import RunMetadata
from tensorboard.compat.proto.graph_pb2 import GraphDef
from tensorboard.compat.proto.step_stats_pb2 import DeviceStepStats, StepStats
from tensorboard.compat.proto.versions_pb2 import VersionDef
from tensorboard.compat.proto.node_def_pb2 import NodeDef
from tensorboard.compat.proto.attr_value_pb2 import AttrValue
from tensorboard.compat.proto.tensor_shape_pb2 import TensorShapeProto

from ..._tensor import Tensor
from ..._nested import tensors_in


def node_proto(name, op="UnSpecified", input=None, outputsize=None, attributes=""):
    """A NodeDef: ``attr`` holds the attribute string, ``_output_shapes`` the shape when known."""
    attr = {"attr": AttrValue(s=attributes.encode("utf_8"))}
    if outputsize is not None:
        shape = TensorShapeProto(dim=[TensorShapeProto.Dim(size=d) for d in outputsize])
        attr["_output_shapes"] = AttrValue(list=AttrValue.ListValue(shape=[shape]))
    return NodeDef(name=name.encode("utf_8"), op=op, input=list(input or []), attr=attr)


def _op_name(fn):
    """``AddmmBackward0`` -> ``aten::addmm``, ``NativeLayerNormBackward0`` -> ``aten::native_layer_norm``."""
    base = re.sub(r"(\d)D", r"\1d", re.sub(r"Backward\d*$", "", type(fn).__name__))   # MaxPool2D -> MaxPool2d
    return "aten::" + re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", base).lower()


class _Recorder:
    def __init__(self, model):
        self.scope = {}            # module -> scope name
        self.params = {}           # id(parameter) -> node name
        self.owner = {}            # autograd node -> scope name
        self.order = []            # autograd nodes in claiming order
        self.shapes = {}           # autograd node -> output shape (module outputs)
        self.bounds = {}           # module -> grad_fns of its inputs
        self.nodes = []
        root = type(model).__name__
        for name, m in model.named_modules():
            self.scope[m] = root if name == "" else \
                self.scope[model.get_submodule(name.rpartition(".")[0]) if "." in name else model] + \
                f"/{type(m).__name__}[{name.rpartition('.')[2]}]"
            for pname, p in m._parameters.items():
                if p is not None and id(p) not in self.params:
                    self.params[id(p)] = (f"{self.scope[m]}/{pname}/{pname}", pname)

    def pre_hook(self, module, args):
        self.bounds[module] = {t.grad_fn for t in tensors_in(args) if t.grad_fn is not None}

    def hook(self, module, args, output):
        stop = self.bounds.pop(module, set())
        for t in tensors_in(output):
            if t.grad_fn is not None:
                self.shapes.setdefault(t.grad_fn, list(t.shape))
                self.claim(t.grad_fn, self.scope[module], stop)

    def claim(self, fn, scope, stop):
        """Give every unclaimed autograd node between ``fn`` and ``stop`` to ``scope``, inputs first."""
        stack, seen = [(fn, False)], set()
        while stack:
            f, done = stack.pop()
            if done:
                self.owner[f] = scope
                self.order.append(f)
                continue
            if f in seen or f in stop or hasattr(f, "variable"):
                continue
            seen.add(f)
            if f not in self.owner:      # a submodule's nodes are walked through, not taken
                stack.append((f, True))
            stack.extend((n, False) for n, _ in reversed(f.next_functions) if n is not None)


def _topological(fns):
    """The autograd nodes reordered so that each comes after the nodes it takes inputs from."""
    wanted, out, done = set(fns), [], set()
    for root in fns:
        stack = [(root, False)]
        while stack:
            f, ready = stack.pop()
            if ready:
                out.append(f)
                continue
            if f in done:
                continue
            done.add(f)
            stack.append((f, True))
            stack.extend((n, False) for n, _ in reversed(f.next_functions) if n in wanted and n not in done)
    return out


def graph(model, args, verbose=False, use_strict_trace=True):
    """(GraphDef, RunMetadata) for ``model(*args)``, as torch's ``add_graph`` writes them."""
    from ... import enable_grad
    from ...nn import Module
    from ...jit import ScriptFunction
    if not isinstance(model, ScriptFunction):
        _ = model.training      # torch sets anything else to eval mode first: a plain function has none
    is_module = isinstance(model, Module)
    try:
        if args is None and (is_module or isinstance(getattr(model, "__self__", None), Module)):
            # torch.jit.trace of a module without inputs takes its keyword inputs, which must be a dict
            raise RuntimeError("example_kwarg_inputs should be a dict")
        return _graph(model, args, verbose, is_module, enable_grad)
    except RuntimeError as e:   # torch's add_graph reports a failed trace before raising it
        print(e)
        print("Error occurs, No graph saved")
        raise


def _graph(model, args, verbose, is_module, enable_grad):
    args = tuple(args) if isinstance(args, (list, tuple)) else (args,)
    rec = _Recorder(model) if is_module else None
    try:
        names = list(inspect.signature(model.forward if is_module else model).parameters)
    except (TypeError, ValueError):
        names = []
    inputs, in_names = [], {}
    for i, a in enumerate(args):
        if isinstance(a, Tensor) and a.is_floating_point() and not a.requires_grad:
            a = a.detach().requires_grad_(True)
        inputs.append(a)
        if isinstance(a, Tensor):
            in_names[id(a)] = "input/" + (names[i] if i < len(names) else f"input.{i}")
    handles, was_training = [], is_module and model.training
    if is_module:
        model.train(False)
        for m in rec.scope:
            handles.append(m.register_forward_pre_hook(rec.pre_hook))
            handles.append(m.register_forward_hook(rec.hook))
    try:
        with enable_grad():
            out = model(*inputs)
    finally:
        for h in handles:
            h.remove()
        if is_module:
            model.train(was_training)
    rec = rec or _Recorder.__new__(_Recorder)
    if not is_module:
        rec.owner, rec.order, rec.shapes, rec.params = {}, [], {}, {}
    outs = tensors_in(out)
    for t in outs:      # whatever the top level did outside any module
        if t.grad_fn is not None:
            rec.claim(t.grad_fn, rec.scope[model] if is_module else type(model).__name__, set())
    nodes, names_of = [], {}
    for a in inputs:
        if isinstance(a, Tensor):
            nodes.append(node_proto(in_names[id(a)], op="IO Node", outputsize=list(a.shape)))
    for i, t in enumerate(outs):
        src = [] if t.grad_fn is None else [f"__fn{id(t.grad_fn)}"]
        if t.grad_fn is None and id(t) in in_names:
            src = [in_names[id(t)]]
        nodes.append(node_proto(f"output/output.{i + 1}", op="IO Node", input=src, outputsize=list(t.shape)))
    rec.order = _topological(rec.order)
    seen_params = set()
    for k, f in enumerate(rec.order):
        names_of[f] = f"{rec.owner[f]}/{_op_name(f).split('::')[1]}.{k}"
    for f in rec.order:
        ins = []
        for n, _ in f.next_functions:
            if n is None:
                continue
            var = getattr(n, "variable", None)
            if var is not None:
                if id(var) in rec.params:
                    pname, short = rec.params[id(var)]
                    if pname not in seen_params:
                        seen_params.add(pname)
                        nodes.append(node_proto(pname, op="prim::GetAttr", attributes=f"{{ name :  {short} }}"))
                    ins.append(pname)
                elif id(var) in in_names:
                    ins.append(in_names[id(var)])
            elif n in names_of:
                ins.append(names_of[n])
        nodes.append(node_proto(names_of[f], op=_op_name(f), input=ins, outputsize=rec.shapes.get(f),
                                attributes="{}"))
    by_id = {f"__fn{id(f)}": names_of[f] for f in rec.order}
    for nd in nodes:    # output IO nodes pointed at autograd nodes by id until the names were known
        nd.input[:] = [by_id.get(s, s) for s in nd.input]
    if verbose:
        for nd in nodes:
            print(f"{nd.name} = {nd.op}({', '.join(nd.input)})")
    stepstats = RunMetadata(step_stats=StepStats(dev_stats=[DeviceStepStats(device="/device:CPU:0")]))
    return GraphDef(node=nodes, versions=VersionDef(producer=22)), stepstats
