"""``torch.fx.Proxy``: the stand-in value symbolic tracing runs a program on.

Whatever the program does to a Proxy is recorded as a node instead of computed: an operator
(``x + 1``) as ``call_function`` of ``operator.add``, a method (``x.sum()``) as ``call_method``, a
torch function (``torch.relu(x)``) as ``call_function`` of that function: torch functions reach
``Proxy.__torch_function__`` through glasstorch's ``__torch_function__`` checks, which tracing
switches on while it runs.  Using a Proxy's value (``if x.sum() > 0:``) is impossible: TraceError.
"""
import collections
import contextlib
import dis
import inspect
import operator
import sys
import types

from ._names import magic_methods, reflectable_magic_methods
from .node import Node, map_aggregate

__all__ = ["TracerBase", "GraphAppendingTracer", "TraceError", "Proxy", "Attribute", "ParameterProxy", "Scope",
           "ScopeContextManager"]


# ---- switching glasstorch's __torch_function__ checks on while tracing ------------------------------
_ACTIVE = types.SimpleNamespace(depth=0, ours=False)


@contextlib.contextmanager
def _tracing():
    """Torch functions see Proxies inside; the checks go off again after (unless already on before)."""
    from .. import _torch_function as tf
    started = not tf.STATE.active
    if started:
        tf.activate()
    before = _ACTIVE.ours
    _ACTIVE.depth += 1
    _ACTIVE.ours = before or started
    factories = _patch_factories() if _ACTIVE.depth == 1 else {}
    try:
        yield
    finally:
        _ACTIVE.depth -= 1
        _ACTIVE.ours = before
        if factories:
            import glasstorch
            vars(glasstorch).update(factories)
        if started:
            tf.deactivate()


# factories take no tensors, so glasstorch's checks leave them alone; torch's still hands them a size
# made of Proxies (``torch.zeros(x.shape)``), so tracing records them too
_FACTORIES = ("arange", "empty", "eye", "full", "linspace", "logspace", "ones", "rand", "randint", "randn",
              "randperm", "zeros", "normal", "scalar_tensor")


def _patch_factories():
    import glasstorch
    space = vars(glasstorch)
    old = {name: space[name] for name in _FACTORIES if name in space}

    def traced(fn):
        def factory(*args, **kwargs):
            found = [a for a in list(args) + list(kwargs.values())
                     for a in (a if isinstance(a, (tuple, list)) else (a,)) if isinstance(a, Proxy)]
            if found:
                return Proxy.__torch_function__(fn, (), args, kwargs)
            return fn(*args, **kwargs)
        factory.__name__ = fn.__name__
        factory._tf_original = getattr(fn, "_tf_original", fn)
        return factory
    space.update({name: traced(fn) for name, fn in old.items()})
    return old


def _plain(fn):
    """The function a graph should hold: the wrapper goes away with the checks when tracing switched
    them on (so ``node.target == torch.relu`` holds afterwards), stays while they stay on."""
    import glasstorch
    from ._names import torch_qualified_name
    base = getattr(fn, "_tf_original", fn)
    q = torch_qualified_name(base)
    if q is not None and q.count(".") == 1:       # F.conv2d is torch.conv2d in torch: one target for both
        top = vars(glasstorch).get(q[len("torch."):])
        if top is not None and getattr(top, "_tf_original", top) is not base:
            fn, base = top, getattr(top, "_tf_original", top)
    return base if _ACTIVE.ours else fn


class Scope:
    """Where tracing is in the module hierarchy: the module's path and type."""

    def __init__(self, module_path, module_type):
        self.module_path, self.module_type = module_path, module_type


class ScopeContextManager:
    def __init__(self, scope, current_scope):
        self._prev = Scope(scope.module_path, scope.module_type)
        self._scope = scope
        scope.module_path, scope.module_type = current_scope.module_path, current_scope.module_type

    def __enter__(self):
        return self._scope

    def __exit__(self, *args):
        self._scope.module_path, self._scope.module_type = self._prev.module_path, self._prev.module_type


class TraceError(ValueError):
    pass


def _base_types():
    import glasstorch
    return (str, int, float, bool, complex, glasstorch.dtype, glasstorch.Tensor, glasstorch.device,
            glasstorch.memory_format, glasstorch.layout)


class TracerBase:
    """Records nodes into ``self.graph``; ``create_arg`` turns values into what nodes may hold."""
    graph = None
    record_stack_traces = False
    check_mutable_operations = False
    trace_asserts = False
    proxy_buffer_attributes = False
    traced_func_name = "forward"

    def create_node(self, kind, target, args, kwargs, name=None, type_expr=None):
        if kind == "call_function":
            target = _plain(target)
        node = self.graph.create_node(kind, target, args, kwargs, name, type_expr)
        self.node_name_to_scope[node.name] = (self.scope.module_path, self.scope.module_type)
        if self.module_stack:
            node.meta["nn_module_stack"] = collections.OrderedDict(self.module_stack)
        return node

    def proxy(self, node):
        return Proxy(node, self)

    def create_proxy(self, kind, target, args, kwargs, name=None, type_expr=None, proxy_factory_fn=None):
        """A node for ``target(*args, **kwargs)``, wrapped in a Proxy."""
        args_ = self.create_arg(args)
        kwargs_ = self.create_arg(kwargs)
        node = self.create_node(kind, target, args_, kwargs_, name, type_expr)
        return self.proxy(node) if not proxy_factory_fn else proxy_factory_fn(node)

    def create_arg(self, a):
        """``a`` as a node argument: Proxies become their nodes, containers are walked into."""
        if isinstance(a, Proxy):
            return a.node
        if hasattr(a, "__fx_create_arg__"):
            return a.__fx_create_arg__(self)
        if isinstance(a, tuple):
            if hasattr(a, "_fields"):
                return type(a)(*[self.create_arg(e) for e in a])
            return type(a)([self.create_arg(e) for e in a]) if type(a) is not tuple else \
                tuple(self.create_arg(e) for e in a)
        if isinstance(a, list):
            return [self.create_arg(e) for e in a]
        if isinstance(a, dict):
            out = {}
            for k, v in a.items():
                if not isinstance(k, str):
                    k = self.create_arg(k)

                    def no_nodes(arg):
                        if isinstance(arg, Node):
                            raise RuntimeError("Keys for dictionaries used as an argument cannot contain a "
                                               f"Node. Got key: {k}")
                    map_aggregate(k, no_nodes)
                out[k] = self.create_arg(v)
            return out
        if isinstance(a, slice):
            return slice(self.create_arg(a.start), self.create_arg(a.stop), self.create_arg(a.step))
        if isinstance(a, range):
            return range(self.create_arg(a.start), self.create_arg(a.stop), self.create_arg(a.step))
        if isinstance(a, _base_types()) or a is None or a is ...:
            return a
        import enum
        if isinstance(a, enum.Enum):
            return a
        raise NotImplementedError(f"argument of type: {type(a)}")

    def to_bool(self, obj):
        raise TraceError("symbolically traced variables cannot be used as inputs to control flow")

    def iter(self, obj):
        raise TraceError("Proxy object cannot be iterated. This can be attempted when the Proxy is used in a loop "
                         "or as a *args or **kwargs function argument. See the torch.fx docs on pytorch.org for a "
                         "more detailed explanation of what types of control flow can be traced, and check out the "
                         "Proxy docstring for help troubleshooting Proxy iteration errors")

    def keys(self, obj):
        return Attribute(obj, "keys")()


class GraphAppendingTracer(TracerBase):
    """The tracer of a Proxy made by hand around a node: appends to that node's graph."""

    def __init__(self, graph):
        super().__init__()
        self.graph = graph
        self.scope = Scope("", None)
        self.module_stack = collections.OrderedDict()
        self.node_name_to_scope = {}


class Proxy:
    """A value being traced (see the module docstring)."""

    def __init__(self, node, tracer=None):
        if tracer is None:
            tracer = GraphAppendingTracer(node.graph)
        self.tracer = tracer
        self.node = node
        if _ACTIVE.depth == 0:      # made by hand, outside tracing: torch functions must see it from now on
            from .. import _torch_function as tf
            tf.activate()

    def __repr__(self):
        return f"Proxy({self.node.name})"

    def __getattr__(self, k):
        return Attribute(self, k)

    def __getstate__(self):
        return self.__dict__

    def __setstate__(self, d):
        self.__dict__ = d

    def __call__(self, *args, **kwargs):
        return self.tracer.create_proxy("call_method", "__call__", (self,) + args, kwargs)

    def __iter__(self):
        frame = inspect.currentframe().f_back
        insts = list(dis.get_instructions(frame.f_code))
        if sys.version_info >= (3, 11):
            from bisect import bisect_left
            inst = insts[bisect_left(insts, frame.f_lasti, key=lambda x: x.offset)]
        else:
            inst = insts[frame.f_lasti // 2]
        if inst.opname == "UNPACK_SEQUENCE":
            return (self[i] for i in range(inst.argval))
        return self.tracer.iter(self)

    def __abs__(self):
        return self.tracer.create_proxy("call_function", operator.abs, (self,), {})

    def __bool__(self):
        return self.tracer.to_bool(self)

    def keys(self):
        return self.tracer.keys(self)

    def __len__(self):
        raise RuntimeError("'len' is not supported in symbolic tracing by default. If you want this call to be "
                           "recorded, please call torch.fx.wrap('len') at module scope")

    @classmethod
    def __torch_function__(cls, orig_method, types, args=None, kwargs=None):
        args = args if args else ()
        kwargs = kwargs if kwargs else {}
        tracers = {}

        def find_tracer(a):
            if isinstance(a, cls):
                tracers[a.tracer] = None
        map_aggregate(args, find_tracer)
        map_aggregate(kwargs, find_tracer)
        if len(tracers) > 1:
            raise RuntimeError(f"Found multiple different tracers {list(tracers.keys())} while trying to trace "
                               f"operations {orig_method}")
        tracer = next(iter(tracers))
        method = _tensor_method_name(orig_method)
        if method is not None:
            return tracer.create_proxy("call_method", method, args, kwargs)
        fn = _plain(orig_method)
        return tracer.create_proxy("call_function", fn, args, kwargs, name=tracer.graph._target_to_str(fn))


def _tensor_method_name(fn):
    """``add`` when ``fn`` is ``torch.Tensor.add`` (or the wrapper standing for it), else None."""
    from .._tensor import Tensor
    name = getattr(fn, "__name__", None)
    if not isinstance(name, str):
        return None
    member = inspect.getattr_static(Tensor, name, None)
    if member is None:
        return None
    unwrap = lambda f: getattr(f, "_tf_original", f)  # noqa: E731
    return name if unwrap(member) is unwrap(fn) else None


class Attribute(Proxy):
    """``proxy.attr``: a method call when called, else a ``getattr`` node (made on first use)."""

    def __init__(self, root, attr):
        self.root = root
        self.attr = attr
        self.tracer = root.tracer
        self._node = None

    @property
    def node(self):
        if self._node is None:
            self._node = self.tracer.create_proxy("call_function", getattr, (self.root, self.attr), {}).node
        return self._node

    def __call__(self, *args, **kwargs):
        return self.tracer.create_proxy("call_method", self.attr, (self.root,) + args, kwargs)


class ParameterProxy(Proxy):
    """A parameter's Proxy that answers shape questions with the parameter's real shape."""

    def __init__(self, tracer, node, name, param):
        super().__init__(node, tracer)
        self.param = param
        self.name = name

    def __repr__(self):
        return f"ParameterProxy({self.name})"

    @property
    def shape(self):
        return self.param.shape

    def size(self):
        return self.param.size()

    def dim(self):
        return self.param.dim()

    @property
    def ndim(self):
        return self.param.ndim

    def numel(self):
        return self.param.numel()

    def nelement(self):
        return self.param.nelement()


def _install_operators():
    for method in magic_methods:
        def make(method):
            def impl(*args, **kwargs):
                return args[0].tracer.create_proxy("call_function", getattr(operator, method), args, kwargs)
            impl.__name__ = method
            return impl
        setattr(Proxy, f"__{method.strip('_')}__", make(method))
    for method in reflectable_magic_methods:
        def make_r(method):
            def impl(self, rhs):
                return self.tracer.create_proxy("call_function", getattr(operator, method), (rhs, self), {})
            impl.__name__ = impl.__qualname__ = f"__r{method.strip('_')}__"
            return impl
        setattr(Proxy, f"__r{method.strip('_')}__", make_r(method))


_install_operators()
