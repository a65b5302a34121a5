"""``nn.Module``: the base class of every layer.

Attributes are routed by ``__setattr__``: a ``Parameter`` goes to ``_parameters``, a ``Module``
to ``_modules``, a registered buffer name to ``_buffers``, anything else to the instance dict.
``__getattr__`` runs only when ordinary lookup fails, so plain attributes stay fast, and
``__call__`` calls ``forward`` directly when no hook is set.
"""
from collections import OrderedDict

from ..._tensor import Tensor
from ... import _dtype as _dt
from ..parameter import Parameter
from . import _conversion
from . import _factory
from . import _hooks
from . import _repr
from . import _state_dict
from . import _lookup
from ._module_private import PrivateAPI, cast_floating
from ._hooks import (register_module_forward_pre_hook, register_module_forward_hook,  # noqa: F401  (torch's home)
                     register_module_full_backward_pre_hook, register_module_backward_hook,
                     register_module_full_backward_hook, GLOBAL_FORWARD_PRE as _global_forward_pre_hooks,
                     GLOBAL_FORWARD as _global_forward_hooks,  # (and torch's global hook dicts)
                     GLOBAL_FORWARD_ALWAYS as _global_forward_hooks_always_called,
                     GLOBAL_FORWARD_WITH_KWARGS as _global_forward_hooks_with_kwargs,
                     GLOBAL_BACKWARD_PRE as _global_backward_pre_hooks, GLOBAL_BACKWARD as _global_backward_hooks)
from ._repr import _addindent  # noqa: F401  (torch's home)
from ._state_dict import _EXTRA_STATE_KEY_SUFFIX, _IncompatibleKeys  # noqa: F401  (torch's home)

__all__ = ["Module", "register_module_forward_pre_hook", "register_module_forward_hook",
           "register_module_full_backward_pre_hook", "register_module_backward_hook",
           "register_module_full_backward_hook"]


def _typename(obj):
    """``torch.typename``: ``torch.FloatTensor`` for tensors, else ``module.Name`` (no ``builtins.``)."""
    if isinstance(obj, Tensor):
        return obj.type()
    module = getattr(obj, "__module__", None)
    prefix = module + "." if module not in (None, "builtins", "__builtin__") else ""
    name = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None) or type(obj).__name__
    return prefix + name


def _is_buffer_marked(value):
    return isinstance(value, Tensor) and value.__dict__.get("_is_buffer", False)


class Module(_state_dict.LoadHooks, _lookup.Lookup, PrivateAPI):
    """Base class for all neural network modules; subclasses define ``forward``."""

    dump_patches = False
    _version = 1
    training: bool
    call_super_init = False

    def __init__(self, *args, **kwargs):
        if args or kwargs:
            name = next(iter(kwargs)) if kwargs else None
            raise TypeError(f"{type(self).__name__}.__init__() got an unexpected keyword argument '{name}'"
                            if name else f"{type(self).__name__}.__init__() takes 1 positional argument but "
                            f"{len(args) + 1} were given")
        # torch's attributes in torch's order: vars(module) and a pickled module (torch.save of a whole
        # model, its file size) come out as torch's
        d = self.__dict__
        d["training"] = True
        d["_parameters"] = {}
        d["_buffers"] = {}
        d["_non_persistent_buffers_set"] = set()
        d["_backward_pre_hooks"] = OrderedDict()
        d["_backward_hooks"] = OrderedDict()
        d["_is_full_backward_hook"] = None
        d["_forward_hooks"] = OrderedDict()
        d["_forward_hooks_with_kwargs"] = OrderedDict()
        d["_forward_hooks_always_called"] = OrderedDict()
        d["_forward_pre_hooks"] = OrderedDict()
        d["_forward_pre_hooks_with_kwargs"] = OrderedDict()
        d["_state_dict_hooks"] = OrderedDict()
        d["_state_dict_pre_hooks"] = OrderedDict()
        d["_load_state_dict_pre_hooks"] = OrderedDict()
        d["_load_state_dict_post_hooks"] = OrderedDict()
        d["_modules"] = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        _factory.honour_device_argument(cls)       # device='meta' builds a layer on the meta device

    def forward(self, *input):
        raise NotImplementedError(f'Module [{type(self).__name__}] is missing the required "forward" function')

    # ---- calling ------------------------------------------------------------------------
    def __call__(self, *args, **kwargs):
        # torch's __call__ is _wrapped_call_impl calling _call_impl: forward runs two frames below the caller,
        # which stacklevel-counted warnings rely on (nn.Softmax()'s implicit-dim warning lands in the library)
        return self._call_impl(*args, **kwargs)

    def _call_impl(self, *args, **kwargs):
        if (self._forward_pre_hooks or self._forward_hooks or self._backward_hooks or self._backward_pre_hooks
                or _hooks.GLOBAL_FORWARD_PRE or _hooks.GLOBAL_FORWARD or _hooks.GLOBAL_BACKWARD
                or _hooks.GLOBAL_BACKWARD_PRE):
            return _hooks.call_with_hooks(self, args, kwargs)
        return self.forward(*args, **kwargs)

    # ---- registration -------------------------------------------------------------------
    def register_parameter(self, name, param):
        if "_parameters" not in self.__dict__:
            raise AttributeError("cannot assign parameter before Module.__init__() call")
        if not isinstance(name, str):
            raise TypeError(f"parameter name should be a string. Got {_typename(name)}")
        if "." in name:
            raise KeyError('parameter name can\'t contain "."')
        if name == "":
            raise KeyError('parameter name can\'t be empty string ""')
        if hasattr(self, name) and name not in self._parameters:
            raise KeyError(f"attribute '{name}' already exists")
        if param is None:
            self._parameters[name] = None
            return
        if not isinstance(param, Parameter):
            raise TypeError(f"cannot assign '{_typename(param)}' object to parameter '{name}' "
                            "(torch.nn.Parameter or None required)")
        if param.grad_fn is not None:
            raise ValueError(f"Cannot assign non-leaf Tensor to parameter '{name}'. Model parameters must be created "
                             f"explicitly. To express '{name}' as a function of another Tensor, compute the value in "
                             "the forward() method.")
        self._parameters[name] = param

    def register_buffer(self, name, tensor, persistent=True):
        if "_buffers" not in self.__dict__:
            raise AttributeError("cannot assign buffer before Module.__init__() call")
        if not isinstance(name, str):
            raise TypeError(f"buffer name should be a string. Got {_typename(name)}")
        if "." in name:
            raise KeyError('buffer name can\'t contain "."')
        if name == "":
            raise KeyError('buffer name can\'t be empty string ""')
        if hasattr(self, name) and name not in self._buffers:
            raise KeyError(f"attribute '{name}' already exists")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"cannot assign '{_typename(tensor)}' object to buffer '{name}' "
                            "(torch Tensor or None required)")
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)

    def add_module(self, name, module):
        if not isinstance(module, Module) and module is not None:
            raise TypeError(f"{_typename(module)} is not a Module subclass")
        if not isinstance(name, str):
            raise TypeError(f"module name should be a string. Got {_typename(name)}")
        if hasattr(self, name) and name not in self._modules:
            raise KeyError(f"attribute '{name}' already exists")
        if "." in name:
            raise KeyError(f'module name can\'t contain ".", got: {name}')
        if name == "":
            raise KeyError('module name can\'t be empty string ""')
        self._modules[name] = module

    register_module = add_module

    def __setattr__(self, name, value):
        d = self.__dict__
        params = d.get("_parameters")

        def forget(*stores):
            for s in stores:
                if s is not None and name in s:
                    del s[name]
            d.get("_non_persistent_buffers_set", set()).discard(name)

        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            forget(d, d.get("_buffers"), d.get("_modules"))
            self.register_parameter(name, value)
            return
        if params is not None and name in params:
            if value is not None:
                raise TypeError(f"cannot assign '{_typename(value)}' as parameter '{name}' "
                                "(torch.nn.Parameter or None expected)")
            self.register_parameter(name, value)
            return
        modules = d.get("_modules")
        if isinstance(value, Module):
            if modules is None:
                raise AttributeError("cannot assign module before Module.__init__() call")
            forget(d, params, d.get("_buffers"))
            modules[name] = value
            return
        if modules is not None and name in modules:
            if value is not None:
                raise TypeError(f"cannot assign '{_typename(value)}' as child module '{name}' "
                                "(torch.nn.Module or None expected)")
            modules[name] = value
            return
        buffers = d.get("_buffers")
        if _is_buffer_marked(value) or (buffers is not None and name in buffers):
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"cannot assign '{_typename(value)}' as buffer '{name}' "
                                "(torch.nn.Buffer, torch.Tensor or None expected)")
            if _is_buffer_marked(value):
                persistent = value.__dict__.get("persistent", True)
            else:
                persistent = name not in self._non_persistent_buffers_set
            forget(d, params, modules)
            self.register_buffer(name, value, persistent)
            return
        object.__setattr__(self, name, value)

    def __getattr__(self, name):
        d = self.__dict__
        for store in ("_parameters", "_buffers", "_modules"):
            s = d.get(store)
            if s is not None and name in s:
                return s[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name):
        for store in ("_parameters", "_buffers", "_modules"):
            s = self.__dict__.get(store)
            if s is not None and name in s:
                del s[name]
                self._non_persistent_buffers_set.discard(name)
                return
        object.__delattr__(self, name)

    def __dir__(self):
        keys = list(object.__dir__(self)) + list(self._parameters) + list(self._modules) + list(self._buffers)
        return sorted(k for k in set(keys) if not k[0].isdigit())

    def __setstate__(self, state):
        self.__dict__.update(state)

    # ---- traversal ----------------------------------------------------------------------
    def _named_members(self, get, prefix="", recurse=True, remove_duplicate=True):
        seen = set()
        mods = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) if recurse else [(prefix, self)]
        for mod_prefix, mod in mods:
            for k, v in get(mod):
                if v is None or (remove_duplicate and v in seen):
                    continue
                if remove_duplicate:
                    seen.add(v)
                yield (mod_prefix + ("." if mod_prefix else "") + k, v)

    def named_parameters(self, prefix="", recurse=True, remove_duplicate=True):
        return self._named_members(lambda m: m._parameters.items(), prefix, recurse, remove_duplicate)

    def parameters(self, recurse=True):
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(self, prefix="", recurse=True, remove_duplicate=True):
        return self._named_members(lambda m: m._buffers.items(), prefix, recurse, remove_duplicate)

    def buffers(self, recurse=True):
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    def named_children(self):
        seen = set()
        for name, m in self._modules.items():
            if m is not None and m not in seen:
                seen.add(m)
                yield name, m

    def children(self):
        for _, m in self.named_children():
            yield m

    def named_modules(self, memo=None, prefix="", remove_duplicate=True):
        if memo is None:
            memo = set()
        if self in memo:
            return
        if remove_duplicate:
            memo.add(self)
        yield prefix, self
        for name, m in self._modules.items():
            if m is None:
                continue
            yield from m.named_modules(memo, prefix + ("." if prefix else "") + name, remove_duplicate)

    def modules(self):
        for _, m in self.named_modules():
            yield m

    def apply(self, fn):
        for m in self.children():
            m.apply(fn)
        fn(self)
        return self

    # ---- modes and gradients ----------------------------------------------------------------
    def train(self, mode=True):
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        self.training = mode
        for m in self.children():
            m.train(mode)
        return self

    def eval(self):
        return self.train(False)

    def requires_grad_(self, requires_grad=True):
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none=True):
        for p in self.parameters():
            if p._grad is not None:
                if set_to_none:
                    p._grad = None
                else:
                    g = p._grad
                    g.grad_fn = None
                    g._rg = False
                    if g.is_sparse:
                        g.zero_()          # torch empties a sparse gradient: nnz=0
                    else:
                        g._data[...] = 0

    # ---- dtype and device -------------------------------------------------------------------
    _apply = _conversion.apply              # (self, fn, recurse=True)
    to_empty = _conversion.to_empty         # (self, *, device, recurse=True)

    def to(self, *args, **kwargs):
        return _conversion.to(self, args, kwargs)

    def float(self):
        return cast_floating(self, _dt.float32)

    def double(self):
        return cast_floating(self, _dt.float64)

    def half(self):
        return cast_floating(self, _dt.float16)

    def bfloat16(self):
        """torch casts the floating parameters to bfloat16, which glasstorch has no storage for."""
        raise TypeError("glasstorch does not support dtype torch.bfloat16 yet")

    def type(self, dst_type):
        return self._apply(lambda t: t.type(dst_type))

    def cpu(self):
        return self

    from ..._accel_moves import module_method as _moved
    cuda, xpu, ipu, mtia = _moved("cuda"), _moved("xpu"), _moved("ipu"), _moved("mtia")
    del _moved

    def share_memory(self):
        """Moves every parameter, buffer and gradient into shared memory (Hogwild training)."""
        for m in self.modules():
            for t in list(m._parameters.values()) + list(m._buffers.values()):
                if t is not None:
                    t.share_memory_()
                    if t.grad is not None:
                        t.grad.share_memory_()
        return self

    def compile(self, *args, **kwargs):
        """In-place torch.compile: torch compiles calls to this module; glasstorch runs them eagerly."""
        return None

    # ---- state ------------------------------------------------------------------------------
    def state_dict(self, *args, destination=None, prefix="", keep_vars=False):
        if args:                         # the deprecated positional form (destination, prefix, keep_vars)
            destination = args[0]
            prefix = args[1] if len(args) > 1 else prefix
            keep_vars = args[2] if len(args) > 2 else keep_vars
        return _state_dict.state_dict(self, destination, prefix, keep_vars)

    def load_state_dict(self, state_dict, strict=True, assign=False):
        return _state_dict.load_state_dict(self, state_dict, strict, assign)

    def register_state_dict_post_hook(self, hook):
        hook._from_public_api = True
        return _hooks.add_hook(self._state_dict_hooks, hook, False)

    def _register_state_dict_hook(self, hook):
        """hook(module, state_dict, prefix, local_metadata) -> None or a replacement state dict."""
        if getattr(hook, "_from_public_api", False):
            raise RuntimeError("Cannot register the same function as the state dict post hook that was "
                               "previously registered via register_state_dict_post_hook")
        return _hooks.add_hook(self._state_dict_hooks, hook, False)

    def register_state_dict_pre_hook(self, hook):
        """hook(module, prefix, keep_vars), run before state_dict collects anything."""
        return _hooks.add_hook(self.__dict__.setdefault("_state_dict_pre_hooks", OrderedDict()), hook, False)

    # ---- hooks -----------------------------------------------------------------------------
    def register_forward_pre_hook(self, hook, *, prepend=False, with_kwargs=False):
        extra = (self._forward_pre_hooks_with_kwargs,) if with_kwargs else ()
        return _hooks.add_hook(self._forward_pre_hooks, hook, prepend, *extra)

    def register_forward_hook(self, hook, *, prepend=False, with_kwargs=False, always_call=False):
        extra = (self._forward_hooks_with_kwargs,) if with_kwargs else ()
        if always_call:
            extra += (self._forward_hooks_always_called,)
        return _hooks.add_hook(self._forward_hooks, hook, prepend, *extra)

    def register_full_backward_hook(self, hook, prepend=False):
        if self._is_full_backward_hook is False:
            raise RuntimeError("Cannot use both regular backward hooks and full backward hooks on a single Module. "
                               "Please use only one of them.")
        self._is_full_backward_hook = True
        return _hooks.add_hook(self._backward_hooks, hook, prepend)

    register_backward_hook = _hooks.register_backward_hook      # deprecated: hooks the output's grad_fn

    def register_full_backward_pre_hook(self, hook, prepend=False):
        return _hooks.add_hook(self._backward_pre_hooks, hook, prepend)

    # ---- printing ---------------------------------------------------------------------------
    def extra_repr(self):
        return ""

    def _get_name(self):
        return type(self).__name__

    def __repr__(self):
        return _repr.module_repr(self)
