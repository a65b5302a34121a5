"""``torch.compile``: glasstorch has no compiler, so the compiled callable runs eagerly; it keeps the
*shape* of torch's result because learners see it:

- a function comes back wrapped (``functools.wraps``: a new function with the same name);
- a module comes back as an ``OptimizedModule`` holding it as ``_orig_mod``: its repr nests the
  module, and its ``state_dict()`` / ``named_parameters()`` keys gain the ``_orig_mod.`` prefix --
  the classic "my compiled checkpoint will not load" surprise -- while attribute reads and writes go
  through to the original module (torch/_dynamo/eval_frame.py does the same).
"""
import functools

from ..nn.modules.module import Module


class OptimizedModule(Module):
    """Wraps ``mod``; calling it calls ``mod`` (hooks included)."""

    _opt_mod_attributes = {"_orig_mod", "dynamo_ctx", "_torchdynamo_orig_callable", "_torchdynamo_wrapper_id",
                           "get_compiler_config", "forward", "_forward", "__dict__", "named_children_walk",
                           "_super_module_initialized"}

    def __init__(self, mod, dynamo_ctx=None):
        object.__setattr__(self, "_orig_mod", mod)      # attribute reads below need it first
        self._super_module_initialized = False
        super().__init__()
        self._super_module_initialized = True
        self._orig_mod = mod                             # now registered as the child module
        self.dynamo_ctx = dynamo_ctx
        self.forward = _as_compiled(mod.__call__)

    def __len__(self):
        if hasattr(type(self._orig_mod), "__len__"):
            return len(self._orig_mod)
        raise TypeError(f"{type(self._orig_mod).__name__} does not support len()")

    def __reduce__(self):
        return (self.__class__, (self._orig_mod, self.dynamo_ctx))

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("forward", None)
        return state

    def __setstate__(self, state):
        self.__dict__ = state
        self.forward = _as_compiled(self._orig_mod.__call__)

    @property
    def training(self):
        return self._orig_mod.training

    @training.setter
    def training(self, value):
        # Module.__init__ sets the default; the flag lives on the original module
        if self._super_module_initialized:
            self._orig_mod.training = value

    def __getattr__(self, name):
        if name == "_orig_mod":
            return self._modules["_orig_mod"]
        return getattr(self._orig_mod, name)

    def __setattr__(self, name, value):
        if hasattr(type(self), name) or name in OptimizedModule._opt_mod_attributes:
            return super().__setattr__(name, value)
        return setattr(self._orig_mod, name, value)

    def __delattr__(self, name):
        if hasattr(type(self), name) or name in OptimizedModule._opt_mod_attributes:
            return super().__delattr__(name)
        return delattr(self._orig_mod, name)

    def __dir__(self):
        own = self._orig_mod.__dir__()
        return own + [a for a in super().__dir__() if a not in own]


# the backends that run the graph through AOTAutograd (one CompiledFunction node on the outputs);
# "eager" and a user's callable run the captured graph as it is, eager nodes and all
AOT_BACKENDS = ("inductor", "aot_eager", "aot_eager_decomp_partition", "aot_ts", "aot_ts_nvfuser", "cudagraphs")


def compile_callable(model, backend="inductor"):
    """What ``torch.compile(model)`` returns (after its argument checks)."""
    aot = isinstance(backend, str) and backend in AOT_BACKENDS
    if isinstance(model, Module):
        opt = OptimizedModule(model)
        if not aot:
            opt.forward = model.__call__
        return opt

    compiled = functools.wraps(model)(_as_compiled(model) if aot else lambda *a, **k: model(*a, **k))
    compiled._torchdynamo_orig_callable = model
    return compiled


def _as_compiled(fn):
    """``fn`` run eagerly, its outputs behind torch's ``CompiledFunctionBackward`` (compiled_node.py)."""
    def compiled(*args, **kwargs):
        from .compiled_node import wrap_outputs
        return wrap_outputs(fn(*args, **kwargs), args, kwargs)
    return compiled
