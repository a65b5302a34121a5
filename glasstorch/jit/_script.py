"""``torch.jit.script``, eagerly: a ``RecursiveScriptModule`` that runs the original ``forward``.

torch compiles the module into TorchScript and wraps the C++ module in a ``RecursiveScriptModule``
whose submodules are ``RecursiveScriptModule`` too and whose parameters and buffers are the
original's tensor objects, in slots of its own.  Here the wrapper holds the original module
(``_gt_orig``) and its own ``_parameters`` / ``_buffers`` dicts with the same tensors, so
``state_dict``, ``load_state_dict``, ``to`` and optimizers act on the tensors the original's
``forward`` reads.  What the wrapper holds apart (those dicts, ``training``, constants set on it:
``sm.eval()`` leaves the original in training mode, as in torch) is put into the original tree for
the duration of each call and taken back after (``_run``).
"""
import copy
import functools
import inspect
import pickle
import threading
import warnings

from ..nn.modules.module import Module
from .. import _class_paths, _jit_state
from . import _script_errors

_local = threading.local()          # .pickling: torch.jit.save is pickling; wrappers may be pickled then


def _deprecated(what):
    warnings.warn(f"`torch.jit.{what}` is deprecated. Please switch to `torch.compile` or `torch.export`.",
                  DeprecationWarning, stacklevel=2)     # torch's own line: hidden by the default filters


def _qualified_name(cls):
    """TorchScript's name of a Python class: ``__torch__.`` + module (``__main__`` dropped) + qualname."""
    module = cls.__module__ or ""
    if _class_paths.is_ours(module):
        module = _class_paths.as_torch(module)
    name = cls.__qualname__ if module == "__main__" else f"{module}.{cls.__qualname__}"
    return "__torch__." + name


def _no_ir(what):
    raise NotImplementedError(f"{what}: glasstorch emulates TorchScript eagerly (it runs the Python code) and "
                              f"has no TorchScript IR to show; see docs/differences.md")


def _no_ir_property(what):
    return property(lambda self: _no_ir(f"{self._ir_owner}.{what}"))


class _Archived:
    """What scripted modules and functions share: no IR to show, and ``save``/``save_to_buffer``."""
    _ir_owner = ""
    code = _no_ir_property("code")
    graph = _no_ir_property("graph")
    inlined_graph = _no_ir_property("inlined_graph")

    def save(self, f, _extra_files=None):
        from ._serialization import write_archive
        write_archive(self, f, _extra_files)

    def save_to_buffer(self, _extra_files=None):
        import io
        buf = io.BytesIO()
        self.save(buf, _extra_files)
        return buf.getvalue()


class ScriptModule(_Archived, Module):
    """``torch.jit.ScriptModule``: the base of scripted and traced modules.  Subclassing it directly (the
    old ``@torch.jit.script_method`` style) gives an ordinary module whose submodules get scripted."""
    _ir_owner = "ScriptModule"

    def __setattr__(self, name, value):
        if (isinstance(value, Module) and not isinstance(value, ScriptModule)
                and not isinstance(self, (RecursiveScriptModule,)) and "_gt_orig" not in self.__dict__):
            value = _wrap(value, RecursiveScriptModule, {})
        super().__setattr__(name, value)

    @property
    def code_with_constants(self):
        _no_ir("ScriptModule.code_with_constants")

    def __reduce_ex__(self, protocol):
        if getattr(_local, "pickling", False):
            return object.__reduce_ex__(self, protocol)
        raise RuntimeError(f"Tried to serialize object {_qualified_name(type(self.__dict__.get('_gt_orig', self)))} "
                           f"which does not have a __getstate__ method defined!")

    def __deepcopy__(self, memo):
        new = type(self).__new__(type(self))
        memo[id(self)] = new
        new.__dict__.update(copy.deepcopy(self.__dict__, memo))
        return new

    def __copy__(self):
        new = type(self).__new__(type(self))
        new.__dict__.update(self.__dict__)
        return new


def _wrap(orig, cls, memo, baked=False):
    """The wrapper of ``orig`` (one per module: a module used twice gets one wrapper), children first
    wrapped the same way; ``baked``: remember the training flags of now (tracing)."""
    if id(orig) in memo:
        return memo[id(orig)]
    w = cls.__new__(cls)
    Module.__init__(w)
    memo[id(orig)] = w
    d = w.__dict__
    d["_gt_orig"] = orig
    d["_gt_name"] = type(orig).__name__
    d["training"] = orig.training
    d["_parameters"] = dict(orig._parameters)
    d["_buffers"] = dict(orig._buffers)
    d["_gt_attrs"] = {}
    d["_non_persistent_buffers_set"] = orig._non_persistent_buffers_set
    if baked:
        d["_gt_baked"] = orig.training
    child_cls = getattr(cls, "_gt_child_class", cls)
    for name, child in orig._modules.items():
        if child is None or isinstance(child, ScriptModule):
            d["_modules"][name] = child
        else:
            d["_modules"][name] = _wrap(child, child_cls, memo, baked)
    return w


def _pairs(top):
    """(original, flag source) for every wrapper under ``top``, found once and kept."""
    pairs = top.__dict__.get("_gt_pairs")
    if pairs is None:
        pairs = [(w.__dict__["_gt_orig"], w) for w in top.modules() if "_gt_orig" in w.__dict__]
        top.__dict__["_gt_pairs"] = pairs
    return pairs


def _run(top, args, kwargs, method=None):
    """Call the original module (or its bound ``method``) with the wrappers' state in its tree: their
    parameter and buffer dicts (what ``forward`` assigns lands there), constants set on them, and their
    training flags (a traced one's from tracing time: torch's trace keeps ``self.training`` as a
    constant).  Put back after."""
    saved = []
    for orig, w in _pairs(top):
        d, od = w.__dict__, orig.__dict__
        changes = dict(d["_gt_attrs"], _parameters=d["_parameters"], _buffers=d["_buffers"],
                       training=d["_gt_baked"] if "_gt_baked" in d else d.get("training", False))
        saved.append((od, {k: od.get(k) for k in changes}))
        od.update(changes)
    call = top.__dict__["_gt_orig"] if method is None else method
    try:
        if "_gt_baked" in top.__dict__:     # a trace: is_tracing() was True when it was recorded
            with _jit_state.tracing("replay"):
                return call(*args, **kwargs)
        outermost = not _jit_state.scripting
        with _jit_state.scripted():
            try:
                return call(*args, **kwargs)
            except Exception as e:      # the interpreter's torch.jit.Error, built once at the top
                err = _script_errors.interpreter_error(e) if outermost else None
                if err is None:
                    raise
        raise err from None
    finally:
        for od, old in reversed(saved):
            od.update(old)


def _script_method(wrapper, method):
    """A method of the original module (``@torch.jit.export`` ...) called through the wrapper: run with
    the wrapper's state (training flag, constants), as the compiled method reads the script module's."""
    @functools.wraps(method)
    def call(*args, **kwargs):
        return _run(wrapper, args, kwargs, method)
    return call


class RecursiveScriptModule(ScriptModule):
    """What ``torch.jit.script(module)`` and ``torch.jit.load`` return."""

    @property
    def original_name(self):
        return self.__dict__["_gt_name"]

    def forward(self, *args, **kwargs):
        frozen = self.__dict__.get("_gt_frozen")
        if frozen is not None:
            return frozen(*args, **kwargs)
        return _run(self, args, kwargs)

    def _get_name(self):
        return "RecursiveScriptModule"

    def extra_repr(self):
        return f"original_name={self.original_name}"

    def __getattr__(self, name):
        d = self.__dict__
        for store in ("_parameters", "_buffers", "_modules", "_gt_attrs"):
            s = d.get(store)
            if s is not None and name in s:
                return s[name]
        # what the original module holds besides (constants such as ``in_features``); names with an
        # underscore stay internal, so that nn.Module's own lazy attributes never come from there
        orig = d.get("_gt_orig")
        if orig is not None and not name.startswith("_") and not d.get("_gt_hide"):
            try:
                value = getattr(orig, name)
            except AttributeError:
                pass
            else:
                if inspect.ismethod(value) and value.__self__ is orig:
                    return _script_method(self, value)
                return value
        raise AttributeError(f"'RecursiveScriptModule' object has no attribute '{name}'")

    def __setattr__(self, name, value):
        # a constant the original's forward reads (``sm.scale = 2``): the wrapper's, put in place by _run
        orig = self.__dict__.get("_gt_orig")
        if (orig is not None and not name.startswith("_") and name != "training" and name in orig.__dict__
                and not isinstance(value, Module)):
            self.__dict__["_gt_attrs"][name] = value
            return
        super().__setattr__(name, value)

    # containers (Sequential, ModuleList, ModuleDict) keep len, iteration and indexing, which hand out
    # the original submodules as torch's do; torch raises a bare NotImplementedError for other modules
    def _container_call(self, method, *args):
        orig = self.__dict__.get("_gt_orig")
        fn = getattr(type(orig), method, None) if orig is not None else None
        if fn is None or getattr(Module, method, None) is fn:
            raise NotImplementedError
        return fn(orig, *args)

    def __iter__(self):
        return iter(self._container_call("__iter__"))

    def __getitem__(self, idx):
        return self._container_call("__getitem__", idx)

    def __len__(self):
        return self._container_call("__len__")

    def __contains__(self, key):
        return self._container_call("__contains__", key)

    def __bool__(self):
        return True


class ScriptFunction(_Archived):
    """``torch.jit.ScriptFunction``: a scripted (or traced) function; calling it calls the function."""
    _ir_owner = "ScriptFunction"

    def __init__(self, fn, name=None):
        self._fn = fn
        self._name = name or fn.__name__
        self.__doc__ = fn.__doc__

    def __call__(self, *args, **kwargs):
        return self._fn(*args, **kwargs)

    @property
    def name(self):
        return self._name

    @property
    def qualified_name(self):
        module = getattr(self._fn, "__module__", None) or "__main__"
        return "__torch__." + (self._name if module == "__main__" else f"{module}.{self._name}")

    @property
    def schema(self):
        _no_ir("ScriptFunction.schema")

    def __reduce__(self):
        if getattr(_local, "pickling", False):      # torch.jit.save: the function by its import path
            return _function_at, (self._fn.__module__, self._fn.__qualname__)
        raise pickle.PickleError("ScriptFunction cannot be pickled")


def _function_at(module, qualname):
    """What ``module.qualname`` names now: the function, or the ``ScriptFunction`` that
    ``@torch.jit.script`` put in its place."""
    import importlib
    obj = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


# torch's class is a pybind11 type whose qualname repeats its module: <class 'torch.jit.torch.jit.ScriptFunction'>
ScriptFunction.__module__ = "glasstorch.jit"
ScriptFunction.__qualname__ = "torch.jit.ScriptFunction"
ScriptFunction.__name__ = "ScriptFunction"


def script(obj, optimize=None, _frames_up=0, _rcb=None, example_inputs=None):
    """``torch.jit.script``: modules become ``RecursiveScriptModule``, functions ``ScriptFunction``."""
    _deprecated("script")
    if optimize is not None:
        warnings.warn("`optimize` is deprecated and has no effect. Use `with torch.jit.optimized_execution()` "
                      "instead", FutureWarning, stacklevel=2)
    if isinstance(obj, (ScriptModule, ScriptFunction)):
        return obj
    if isinstance(obj, Module):
        return _wrap(obj, RecursiveScriptModule, {})
    if isinstance(obj, type):
        if issubclass(obj, Module):
            raise RuntimeError(f"Type '{obj}' cannot be compiled since it inherits from nn.Module, pass an "
                               f"instance instead")
        # torch compiles a TorchScript class and hands back the very class, which Python runs as ever
        # (PyG scripts its dataclasses at import); eagerly there is nothing to compile
        return obj
    import types
    if isinstance(obj, types.FunctionType):
        if obj.__name__ == "<lambda>":
            code = obj.__code__
            raise RuntimeError(f"Expected a single top-level function: {code.co_filename}:{code.co_firstlineno}")
        return ScriptFunction(obj)
    from .._tensor import Tensor
    if isinstance(obj, Tensor):         # torch's inspect.getsource fails on the tensor's class methods
        raise TypeError("module, class, method, function, traceback, frame, or code object was expected, got "
                        "method_descriptor")
    if isinstance(obj, (list, dict)):
        raise NotImplementedError("torch.jit.script of a list or dict (ScriptList / ScriptDict): not emulated "
                                  "by glasstorch")
    raise TypeError(f"{type(obj)} is a built-in class")


def script_method(fn):
    """``@torch.jit.script_method`` (the old ``ScriptModule`` subclass style): the method itself."""
    _deprecated("script_method")
    return fn
