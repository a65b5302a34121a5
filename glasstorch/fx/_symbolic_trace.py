"""``torch.fx.symbolic_trace`` and ``Tracer``: run a module's ``forward`` on Proxies and keep the graph.

While tracing, ``nn.Module.__call__`` is patched: a leaf module (one of torch.nn's own, by default)
becomes one ``call_module`` node, any other is traced through.  ``nn.Module.__getattr__`` is patched
too, so reading a parameter gives a ``get_attr`` node.  Functions registered with ``wrap`` (and
``math``'s) stay single ``call_function`` nodes instead of being traced into.
"""
import builtins
import collections
import functools
import inspect
import math
import types
from itertools import chain

from .graph import Graph
from .graph_module import GraphModule
from ._names import register_torch_name
from ._compatibility import compatibility  # noqa: F401  (torch imports it here; fx extensions take it from here)
from .._C_script import ScriptObject  # noqa: F401,E402  (torch._C.ScriptObject, which fx extensions test for here)
from .node import has_side_effect, map_aggregate
from .proxy import ParameterProxy, Proxy, Scope, ScopeContextManager, TracerBase, _tracing

__all__ = ["Tracer", "symbolic_trace", "wrap", "PH", "is_fx_tracing"]

_is_fx_tracing_flag = False


def is_fx_tracing():
    return _is_fx_tracing_flag


class PHBase:
    """A placeholder marker for ``concrete_args``."""

    def __repr__(self):
        return "PH"


PH = PHBase()


class Tracer(TracerBase):
    """Turns a module or function into a Graph (see the module docstring)."""

    def __init__(self, autowrap_modules=(math,), autowrap_functions=(), param_shapes_constant=False):
        super().__init__()
        self._autowrap_function_ids = {id(v) for name, v in chain.from_iterable(m.__dict__.items()
                                                                                 for m in autowrap_modules)
                                       if not name.startswith("_") and callable(v)}
        self._autowrap_function_ids.update(id(f) for f in autowrap_functions)
        self._autowrap_search = list(autowrap_modules)
        self.param_shapes_constant = param_shapes_constant
        self.submodule_paths = None
        self.root_module_name = ""
        self.scope = Scope("", None)
        self.module_stack = collections.OrderedDict()
        self.num_calls = {}
        self.node_name_to_scope = {}

    _qualname_counter = collections.defaultdict(int)

    def get_fresh_qualname(self, prefix):
        qualname = f"{prefix}0"
        if not hasattr(self.root, qualname):
            self._qualname_counter[prefix] = 0
            return qualname
        i = self._qualname_counter[prefix]
        while True:
            qualname = f"{prefix}{i}"
            i += 1
            if not hasattr(self.root, qualname):
                break
        self._qualname_counter[prefix] = i
        return qualname

    def create_arg(self, a):
        """Parameters, buffers and submodules become ``get_attr`` nodes; other tensors are kept on the
        root as ``_tensor_constantN``."""
        import glasstorch
        if isinstance(a, glasstorch.nn.Parameter):
            for n, p in self.root.named_parameters():
                if a is p:
                    return self.create_node("get_attr", n, (), {})
            raise NameError("parameter is not a member of this module")
        if isinstance(a, glasstorch.Tensor):
            for n, p in self.root.named_buffers():
                if a is p:
                    return self.create_node("get_attr", n, (), {})
        elif isinstance(a, glasstorch.nn.Module):
            for n, p in self.root.named_modules():
                if a is p:
                    return self.create_node("get_attr", n, (), {})
        if isinstance(a, tuple) and hasattr(a, "_fields"):
            return self.create_node("call_function", a.__class__, tuple(self.create_arg(e) for e in a), {})
        if isinstance(a, glasstorch.Tensor):
            qualname = self.tensor_attrs.get(a)
            if not qualname:
                qualname = self.get_fresh_qualname("_tensor_constant")
                self.tensor_attrs[a] = qualname
                setattr(self.root, qualname, a)
            return self.create_node("get_attr", qualname, (), {})
        return super().create_arg(a)

    def is_leaf_module(self, m, module_qualified_name):
        """torch.nn's own modules (not Sequential) stay ``call_module`` nodes; others are traced into."""
        import glasstorch
        name = m.__module__
        return (name.startswith(("torch.nn", "torch.ao.nn", "glasstorch.nn"))
                and not isinstance(m, glasstorch.nn.Sequential))

    def path_of_module(self, mod):
        if self.submodule_paths:
            path = self.submodule_paths.get(mod)
            if path is None:
                raise NameError("module is not installed as a submodule")
            return path
        for n, p in self.root.named_modules():
            if mod is p:
                return n
        raise NameError("module is not installed as a submodule")

    def call_module(self, m, forward, args, kwargs):
        """A leaf module becomes one ``call_module`` node; any other runs ``forward`` on the Proxies."""
        name = self.path_of_module(m)
        with ScopeContextManager(self.scope, Scope(name, type(m))) as scope:
            num_calls = self.num_calls.get(name, 0)
            key = f"{scope.module_path}@{num_calls}" if num_calls > 0 else scope.module_path
            self.module_stack[key] = (name, scope.module_type)
            self.num_calls[name] = num_calls + 1
            if not self.is_leaf_module(m, name):
                ret = forward(*args, **kwargs)
            else:
                ret = self.create_proxy("call_module", name, args, kwargs)
            self.module_stack.popitem(last=True)
        return ret

    def getattr(self, attr, attr_val, parameter_proxy_cache):
        """A parameter read inside ``forward``: one ``get_attr`` node per parameter."""
        import glasstorch

        def proxy_for(collection):
            for n, p in collection:
                if attr_val is p:
                    if n not in parameter_proxy_cache:
                        factory = None if not self.param_shapes_constant else \
                            (lambda node: ParameterProxy(self, node, n, attr_val))
                        parameter_proxy_cache[n] = self.create_proxy("get_attr", n, (), {},
                                                                     proxy_factory_fn=factory)
                    return parameter_proxy_cache[n]
            return None
        if isinstance(attr_val, glasstorch.nn.Parameter):
            found = proxy_for(self.root.named_parameters())
            if found is not None:
                return found
        if self.proxy_buffer_attributes and isinstance(attr_val, glasstorch.Tensor):
            found = proxy_for(self.root.named_buffers())
            if found is not None:
                return found
        return attr_val

    def create_args_for_root(self, root_fn, is_module, concrete_args=None):
        """One placeholder per parameter of ``forward`` (or of the function), with its default;
        ``*args``/``**kwargs`` become one placeholder each; a parameter given in ``concrete_args`` is
        fixed to that value (a check that it holds goes into the graph)."""
        fn = inspect.unwrap(root_fn)
        co = fn.__code__
        total = co.co_argcount + co.co_kwonlyargcount
        names = iter(co.co_varnames)
        args = []
        if is_module:
            if total == 0:
                raise RuntimeError("``self`` argument cannot be part of *args expansion!")
            next(names)
            args.append(self.root)
        arg_names = [next(names) for _ in range(1 if is_module else 0, total)]
        if isinstance(concrete_args, tuple):
            if len(arg_names) != len(concrete_args):
                raise RuntimeError(f"Tracing expected {len(arg_names)} arguments but got {len(concrete_args)} "
                                   "concrete arguments")
            concrete_args = dict(zip(arg_names, concrete_args))
        sig = inspect.signature(fn)
        args.extend(self._proxy_placeholder(name, concrete_args, sig, fn) for name in arg_names)
        if co.co_kwonlyargcount > 0 or co.co_flags & (inspect.CO_VARARGS | inspect.CO_VARKEYWORDS):
            if co.co_flags & inspect.CO_VARARGS:
                args.append(self._proxy_placeholder("*" + next(names), concrete_args, sig, fn))
            if co.co_flags & inspect.CO_VARKEYWORDS:
                args.append(self._proxy_placeholder("**" + next(names), concrete_args, sig, fn))
            # *args and **kwargs arrive as one Proxy each: the function takes them as plain parameters
            flags = co.co_flags & ~(inspect.CO_VARARGS | inspect.CO_VARKEYWORDS)
            code = co.replace(co_argcount=len(args), co_posonlyargcount=0, co_kwonlyargcount=0, co_flags=flags)
            root_fn = types.FunctionType(code, fn.__globals__, fn.__name__, fn.__defaults__, fn.__closure__)
        return root_fn, args

    def _proxy_placeholder(self, name, concrete_args, sig, fn):
        import glasstorch
        if concrete_args is not None and name in concrete_args:
            x = concrete_args[name]
            param = sig.parameters[name]
            default = () if param.default is inspect.Parameter.empty else (param.default,)
            out = self.create_proxy("placeholder", f"{name}_1", default, {})
            if isinstance(x, PHBase):
                return out
            if type(x) is bool or (type(x) in (str, int, float, complex) and type(x) is not glasstorch.Tensor):
                msg = f"{name} has been specialized to have value {x} but got another value"
                self.create_proxy("call_function", _assert, (out == x, msg), {})
            elif x is None:
                msg = f"{name} has been specialized to have value None but got another value"
                self.create_proxy("call_function", _assert_is_none, (out, msg), {})
            else:
                import warnings
                warnings.warn(f"Was not able to add assertion to guarantee correct input {name} to specialized "
                              "function. It is up to the user to make sure that your inputs match the inputs you "
                              "specialized the function with.")
            return x
        if name[0] == "*":
            default = ()
        else:
            param = sig.parameters[name]
            default = () if param.default is inspect.Parameter.empty else (param.default,)
        return self.create_proxy("placeholder", name, default, {}, type_expr=fn.__annotations__.get(name, None))

    def trace(self, root, concrete_args=None):
        """Trace ``root`` (a module or a function) into a Graph."""
        import glasstorch
        global _is_fx_tracing_flag
        old_flag, _is_fx_tracing_flag = _is_fx_tracing_flag, True
        Module = glasstorch.nn.Module
        tracing = _tracing()          # Proxies are made from here on (placeholders first)
        tracing.__enter__()
        try:
            if isinstance(root, Module):
                self.root = root
                fn = getattr(type(root), self.traced_func_name)
                self.root_module_name = root._get_name()
                self.submodule_paths = {mod: name for name, mod in root.named_modules()}
            else:
                self.root = Module()
                fn = root
            self.graph = Graph(tracer_cls=getattr(self, "__class__", None))
            if hasattr(fn, "__code__"):
                code = fn.__code__
                self.graph._co_fields = {"co_name": code.co_name, "co_filename": code.co_filename,
                                         "co_firstlineno": code.co_firstlineno}
            self.tensor_attrs = {}

            def collect_tensor_attrs(m, prefix):
                for k, v in m.__dict__.items():
                    if isinstance(v, glasstorch.Tensor):
                        self.tensor_attrs[v] = ".".join(prefix + [k])
                for k, v in m.named_children():
                    collect_tensor_attrs(v, prefix + [k])
            collect_tensor_attrs(self.root, [])
            fn_globals = fn.__globals__
            fn, args = self.create_args_for_root(fn, isinstance(root, Module), concrete_args)
            parameter_proxy_cache = {}
            orig_getattr, orig_call = Module.__getattr__, Module.__call__

            @functools.wraps(orig_getattr)
            def module_getattr_wrapper(mod, attr):
                return self.getattr(attr, orig_getattr(mod, attr), parameter_proxy_cache)

            @functools.wraps(orig_call)
            def module_call_wrapper(mod, *args, **kwargs):
                def forward(*args, **kwargs):
                    return orig_call(mod, *args, **kwargs)
                _autowrap_check(patcher, getattr(getattr(mod, "forward", mod), "__globals__", {}),
                                self._autowrap_function_ids)
                return self.call_module(mod, forward, args, kwargs)

            with _Patcher() as patcher:
                patcher.patch_method(Module, "__getattr__", module_getattr_wrapper)
                patcher.patch_method(Module, "__call__", module_call_wrapper)
                _patch_wrapped_functions(patcher)
                _autowrap_check(patcher, fn_globals, self._autowrap_function_ids)
                for module in self._autowrap_search:
                    _autowrap_check(patcher, module.__dict__, self._autowrap_function_ids)
                ann = inspect.get_annotations(inspect.unwrap(fn))
                self.create_node("output", "output", (self.create_arg(fn(*args)),), {},
                                 type_expr=ann.get("return", None))
            self.submodule_paths = None
        finally:
            _is_fx_tracing_flag = old_flag
            tracing.__exit__(None, None, None)
        return self.graph


# ---- patching: leaf functions and module methods while tracing --------------------------------------
_wrapped_fns_to_patch = {}       # (id(globals), name) -> the globals dict naming a function wrap() saw


def _find_proxy(*objects):
    found = []
    map_aggregate(objects, lambda x: found.append(x) if isinstance(x, Proxy) else None)
    return found[-1] if found else None


def _create_wrapped_func(orig_fn):
    @functools.wraps(orig_fn)
    def wrapped(*args, **kwargs):
        proxy = _find_proxy(args, kwargs)
        if proxy is not None:
            out = proxy.tracer.create_proxy("call_function", orig_fn, args, kwargs)
            out.node.meta["is_wrapped"] = True
            return out
        return orig_fn(*args, **kwargs)
    return wrapped


class _Patcher:
    """Replaces names in dicts and attributes of classes until the ``with`` block ends."""

    def __init__(self):
        self.undo = []
        self.visited = set()

    def patch(self, frame_dict, name, new_fn):
        if name not in frame_dict and hasattr(builtins, name):
            self.undo.append(lambda: frame_dict.pop(name, None))
        elif getattr(frame_dict[name], "_fx_patched", False):
            return
        else:
            old = frame_dict[name]
            self.undo.append(lambda: frame_dict.__setitem__(name, old))
        new_fn._fx_patched = True
        frame_dict[name] = new_fn

    def patch_method(self, cls, name, new_fn):
        old = cls.__dict__[name]
        self.undo.append(lambda: setattr(cls, name, old))
        setattr(cls, name, new_fn)

    def visit_once(self, thing):
        if id(thing) in self.visited:
            return False
        self.visited.add(id(thing))
        return True

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        while self.undo:
            self.undo.pop()()
        self.visited.clear()


def _patch_wrapped_functions(patcher):
    for (_, name), frame_dict in list(_wrapped_fns_to_patch.items()):
        orig = getattr(builtins, name) if name not in frame_dict and hasattr(builtins, name) else frame_dict[name]
        patcher.patch(frame_dict, name, _create_wrapped_func(orig))


def _autowrap_check(patcher, frame_dict, function_ids):
    if patcher.visit_once(frame_dict):
        for name, value in list(frame_dict.items()):
            if not name.startswith("_") and callable(value) and id(value) in function_ids:
                patcher.patch(frame_dict, name, _create_wrapped_func(value))


def wrap(fn_or_name):
    """Keep calls of a module-level function as single ``call_function`` nodes (call at module scope)."""
    if not callable(fn_or_name) and not isinstance(fn_or_name, str):
        raise RuntimeError("Unsupported type for global function! Must be either a callable or string name")
    fn_name = fn_or_name if isinstance(fn_or_name, str) else fn_or_name.__name__
    f = inspect.currentframe().f_back
    if f.f_code.co_name != "<module>":
        raise NotImplementedError("wrap must be called at the top level of a module")
    _wrapped_fns_to_patch[(id(f.f_globals), fn_name)] = f.f_globals
    return fn_or_name


wrap("_assert_is_none")


def _assert(condition, message=""):
    """``torch._assert``: raise AssertionError(message) unless ``condition`` holds."""
    assert condition, message


register_torch_name(_assert, "torch._assert")
has_side_effect(_assert)


def _assert_is_none(value, msg):
    if value is not None:
        raise AssertionError(msg)


def symbolic_trace(root, concrete_args=None):
    """Trace ``root`` (a Module or a function) into a GraphModule."""
    import glasstorch
    tracer = Tracer()
    graph = tracer.trace(root, concrete_args)
    name = root.__class__.__name__ if isinstance(root, glasstorch.nn.Module) else root.__name__
    return GraphModule(tracer.root, graph, name)
