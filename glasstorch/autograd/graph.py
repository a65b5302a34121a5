"""Graph nodes: the ``grad_fn`` objects (``MulBackward0`` ...) and ``AccumulateGrad``.

A node is created by an op's forward.  It knows the nodes that produced its inputs
(``next_functions``), the shape and dtype of the tensor it produced (the engine un-broadcasts and
casts incoming gradients to these, in one place), and whatever its ``backward`` needs
(``self.saved()``).  ``backward(g)`` returns one gradient per input, in order, ``None`` where an
input needs none.  Gradients are NumPy arrays, or Tensors when ``create_graph=True``: the formulas
use operators and ``self.m`` (NumPy, or glasstorch while a graph of the backward is recorded), so
one formula serves both.
"""
import itertools
import sys
import weakref
from collections import OrderedDict

import numpy as np

from ._inference import refuse_saved

__all__ = ["Node", "AccumulateGrad", "saved_tensors_hooks", "save_on_cpu", "disable_saved_tensors_hooks",
           "register_multi_grad_hook", "GradientEdge", "get_gradient_edge", "increment_version"]

_seq = itertools.count()
_PY_NUMBERS = (bool, int, float, complex)
_HIDDEN = frozenset(("_saved", "_saved_names", "_saved_tensors", "saved"))   # internals dir(grad_fn) leaves out
_NODE_API = frozenset(("metadata", "name", "next_functions", "register_hook", "register_prehook", "requires_grad",
                       "variable"))
_PY_CLASS_DUNDERS = frozenset(("__dict__", "__module__", "__slots__", "__weakref__", "__getattr__"))

FREED = ("Trying to backward through the graph a second time (or directly access saved tensors after "
         "they have already been freed). Saved intermediate values of the graph are freed when you call "
         ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
         "graph a second time or if you need to access saved tensors after calling backward.")

_LEGACY_NAMES = {"float32": "FloatTensor", "float64": "DoubleTensor", "float16": "HalfTensor",
                 "int64": "LongTensor", "int32": "IntTensor", "int16": "ShortTensor",
                 "int8": "CharTensor", "uint8": "ByteTensor"}
# (a bool tensor too: torch's message names it CPUBoolType, not torch.BoolTensor)
_TYPE_STRINGS = {"complex64": "CPUComplexFloatType", "complex128": "CPUComplexDoubleType", "bool": "CPUBoolType"}


_TENSOR = [()]     # [Tensor], filled in by glasstorch._tensor (which imports this module)


class _Anomaly:
    """Anomaly mode's switch: ops record their forward traceback, backward checks for NaN.
    ``used`` stays True once a node has recorded one (the engine's fast path then stands aside)."""
    __slots__ = ("enabled", "check_nan", "used")

    def __init__(self):
        self.enabled = False
        self.check_nan = True
        self.used = False


ANOMALY = _Anomaly()


class _Mode:
    """What the engine is doing now: ``create`` is True while recording a graph of the backward;
    ``capture`` while it returns gradients to ``autograd.grad`` or ``backward(inputs=...)``."""
    __slots__ = ("create", "m", "capture")

    def __init__(self):
        self.create = False
        self.m = np
        self.capture = False


MODE = _Mode()

# How many hooks that can watch a backward pass are registered (node hooks and pre-hooks, tensor
# hooks, retain_grad, post-accumulate hooks).  While it is 0 the engine takes its fast path
# (engine_fast.py); a removed hook counts down, a retained grad stays counted.
WATCHERS = [0]


def forward_op_name(name):
    """torch's name of the forward op behind a node: ``MulBackward0`` -> ``Mul``, but a suffix other
    than 0 stays (``TBackward1`` -> ``T1``)."""
    pos = name.rfind("Backward")
    suffix = name[pos + 8:] if pos >= 0 else "x"
    if pos < 0 or not (suffix.isdigit() or suffix == ""):
        return name
    return name[:pos] + ("" if suffix in ("", "0") else suffix)


class Node:
    """Base of every ``grad_fn``.  Subclasses set ``__slots__`` and define ``backward(g)``."""

    __slots__ = ("next_functions", "_seq", "_shape", "_dtype", "_saved", "_versions", "__dict__", "__weakref__")
    _nout = 1
    # what few nodes have lives in the instance dict once set; a node is made per op, so its
    # constructor sets only what every node needs
    _pre_hooks = _hooks = _tensor_hooks = _retained = _anomaly = None
    # False: backward is a real formula, made complex-correct when the output is complex (ops/complex_grad.py)
    _complex_ready = False
    _result_at = -1
    # saved outputs of a node with several (a custom Function's, a decomposition's): {index in save():
    # (node, output number)}, so that the version error names them as torch's SavedVariable does
    _own_outputs = None
    # torch's names of what the node saved (``grad_fn._saved_self`` ...): one per item of ``save()``, in
    # its order, or "attr:x" for a value kept in attribute x; None where not described (see __getattr__)
    _saved_names = None
    # True on node classes that torch writes in Python (BackwardCFunction): they keep their module
    _python_node = False
    _home = ""          # the module defining a built-in node class (its __module__ is "builtins")

    def __init__(self):
        self._seq = next(_seq)
        self._saved = ()

    def __init_subclass__(cls, **kwargs):
        # torch's nodes are C++ classes: ``type(grad_fn)`` prints <class 'MulBackward0'> (module builtins)
        super().__init_subclass__(**kwargs)
        if cls.__module__ != "builtins" and not getattr(cls, "_python_node", False):
            cls._home = cls.__module__
            cls.__module__ = "builtins"

    # ---- torch's introspection API -------------------------------------------------------
    def name(self):
        return type(self).__name__

    @property
    def requires_grad(self):        # torch's getter: always True
        return True

    @property
    def metadata(self):
        try:
            return self.metadata_
        except AttributeError:
            self.metadata_ = {}
            return self.metadata_

    def register_hook(self, fn):
        """``fn(grad_inputs, grad_outputs)`` after this node ran; may return new grad_inputs."""
        self._hooks, handle = add_autograd_hook(self._hooks, fn)
        return handle

    def register_prehook(self, fn):
        """``fn(grad_outputs)`` before this node runs; may return new grad_outputs."""
        self._pre_hooks, handle = add_autograd_hook(self._pre_hooks, fn)
        return handle

    def _register_tensor_hook(self, nr, fn):
        if self._tensor_hooks is None:
            self._tensor_hooks = {}
        self._tensor_hooks[nr], handle = add_autograd_hook(self._tensor_hooks.get(nr), fn)
        return handle

    def __call__(self, *grads):
        from .engine import call_node
        return call_node(self, grads)

    def __getattr__(self, name):
        """``grad_fn._saved_self``, ``_saved_other``, ``_saved_result``, ``_saved_exponent`` ...: what the node
        saved, by torch's names (tensors unpacked and version-checked as backward would)."""
        names = type(self)._saved_names
        if names and name.startswith("_raw_saved_"):
            saved = [n for n in names if not n.startswith("attr:")]
            if name[11:] in saved:
                return SavedTensor(self, saved.index(name[11:]))
        if names and name.startswith("_saved_"):
            key = name[7:]
            saved = [n for n in names if not n.startswith("attr:")]      # the items of save(), in order
            if "attr:" + key in names:
                return getattr(self, key)
            if key in saved:
                items = self._saved
                if items is None:
                    raise RuntimeError(FREED)
                x = self._saved_tensors(items)[saved.index(key)]
                if x.__class__ in _PY_NUMBERS:     # a number operand: torch saved it as a wrapped 0-d tensor
                    from ._saved_meta import wrapped_number
                    return wrapped_number(self, key, x)
                if getattr(x, "grad_fn", None) is self:
                    # torch keeps a node's own output without a reference to its Python object (no cycle)
                    # and unpacks a new tensor on each access: same data, version and grad_fn
                    t = x.detach()
                    t._rg, t.grad_fn, t._out_nr = x._rg, self, x._out_nr
                    return t
                return x
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __dir__(self):
        """torch's listing: ``_saved_<name>`` for what the node saved (``_raw_saved_<name>`` for tensors), and
        none of glasstorch's own bookkeeping."""
        names = [n for n in object.__dir__(self) if n not in _HIDDEN]
        if type(self).__module__ == "builtins":
            # a C++ class in torch: only its API, none of the bookkeeping of glasstorch's Python nodes
            names = [n for n in names if n in _NODE_API or n.startswith(("_saved_", "_raw_saved_"))
                     or (n[:2] == "__" and n not in _PY_CLASS_DUNDERS)]
        for n in type(self)._saved_names or ():
            names += ["_saved_" + n[5:]] if n.startswith("attr:") else ["_saved_" + n, "_raw_saved_" + n]
        return sorted(set(names))

    # ---- saved values ------------------------------------------------------------------
    def save(self, *items, result_at=-1):
        """Keep what backward needs, with each tensor's version so in-place changes are caught."""
        if _HOOKS:                       # saved_tensors_hooks active: store what pack returns
            if result_at != -1 and getattr(items[result_at], "grad_fn", 0) is None:
                # torch records the output before saving it: pack sees it with its grad_fn
                r = items[result_at]
                r.grad_fn, r._rg = self, True
            items = pack_all(items)
        self._saved = items
        T = _TENSOR[0]
        if len(items) == 1:
            x = items[0]
            if x.__class__ is T or isinstance(x, T):
                vc = x._vc
                if vc.__class__ is not list:
                    refuse_saved(x)
                self._versions = (vc[0],)
            else:
                self._versions = (None,)
        else:
            vs = []
            for x in items:
                if x.__class__ is T or isinstance(x, T):
                    vc = x._vc
                    if vc.__class__ is not list:
                        refuse_saved(x)
                    vs.append(vc[0])
                else:
                    vs.append(None)
            self._versions = tuple(vs)
        if result_at != -1:
            self._result_at = result_at

    def saved(self):
        """The saved values: arrays while backward runs plainly, Tensors when it records a graph."""
        items = self._saved
        if items is None:
            raise RuntimeError(FREED)
        if MODE.create:
            return self._saved_tensors(items)
        out = []
        for x, v in zip(items, self._versions):
            if v is None:
                out.append(x.unpack()._data if x.__class__ is Packed else x)
            elif x._vc[0] != v:
                i = next(i for i, (y, w) in enumerate(zip(items, self._versions)) if w is not None and y._vc[0] != w)
                raise RuntimeError(self._version_error(x, v, i))
            else:
                d = x._data
                # a 0-d array becomes a NumPy scalar: scalar arithmetic is several times cheaper
                out.append(d[()] if d.ndim == 0 else d)
        return out

    def _saved_tensors(self, items):
        out = []
        for i, (x, v) in enumerate(zip(items, self._versions)):
            if v is None:
                out.append(x.unpack() if x.__class__ is Packed else x)
            elif x._vc[0] != v:
                raise RuntimeError(self._version_error(x, v, i))
            else:
                out.append(x)
        return out

    def _version_error(self, x, v, i):
        shape = x._data.shape
        name = x.dtype.name
        # torch prints a legacy type name where there is one, else at::Tensor::toString's (CPUComplexFloatType)
        kind = f"torch.{_LEGACY_NAMES[name]}" if name in _LEGACY_NAMES else _TYPE_STRINGS.get(name, "torch.Tensor")
        outs = self._own_outputs
        if outs is not None and i in outs:
            owner, nr = outs[i]
        elif i == self._result_at:
            owner, nr = self, 0
        else:       # an input: torch names its grad_fn as it is now, and keeps no output number for it
            owner, nr = x.grad_fn, 0
        if owner is not None and (owner is self or i in (outs or ())):
            # torch saves its own output as a shallow copy: an in-place squeeze_/t_ ... of the output
            # leaves the copy's sizes, which the message prints, as they were when it was saved
            try:
                shape = owner._shape if owner._nout == 1 else owner._shape[nr]
            except (AttributeError, IndexError, TypeError):
                pass
        shape = "[" + ", ".join(str(s) for s in shape) + "]"
        where = ""
        if owner is not None:
            op = forward_op_name(owner.name())
            where = f", which is output {nr} of {op},"
        return (f"one of the variables needed for gradient computation has been modified by an inplace "
                f"operation: [{kind} {shape}]{where} is at version {x._vc[0]}; expected version {v} "
                f"instead. Hint: enable anomaly detection to find the operation that failed to compute "
                f"its gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False).")

    def _release(self):
        if self._saved:
            self._saved = None

    @property
    def m(self):
        return MODE.m

    def __repr__(self):
        return f"<{type(self).__name__} object at {hex(id(self))}>"


class AccumulateGrad(Node):
    """The sink for a leaf: adds the arriving gradient into ``variable.grad``."""

    __slots__ = ("variable", "_post_acc")

    def name(self):
        return "torch::autograd::AccumulateGrad"      # torch's C++ name, as its name() gives

    def __init__(self, variable):
        Node.__init__(self)
        self._post_acc = None        # register_post_accumulate_grad_hook's hooks
        # runs as soon as it is ready: torch gives it the largest sequence number
        self._seq = sys.maxsize - self._seq
        self.variable = variable
        self._shape = variable._data.shape
        grad_dtype = variable.__dict__.get("_grad_dtype")       # Tensor.grad_dtype, if set to a dtype
        self._dtype = variable._data.dtype if grad_dtype is None else grad_dtype.np
        self.next_functions = ()

    def backward(self, g):
        raise RuntimeError("AccumulateGrad is run by the engine")


# torch numbers every hook handle (module, tensor, node and optimizer hooks alike) from one counter
HANDLE_IDS = itertools.count()


class RemovableHandle:
    """What every ``register_*_hook`` returns (torch.utils.hooks.RemovableHandle): ``remove()``, or
    leaving a ``with`` block, takes the hook out of the dict that holds it under the handle's id (and
    out of the ``extra`` dicts that mark it).  Module, optimizer, tensor and node hooks alike."""

    _counted = False        # an autograd hook: the engine leaves its fast path while one is registered

    def __init__(self, hooks_dict, *extra_dicts):
        self.id = next(HANDLE_IDS)
        self._dicts = (hooks_dict,) + extra_dicts

    @property
    def hooks_dict_ref(self):
        """A weak reference to the dict holding the hook, as torch keeps it."""
        return weakref.ref(self._dicts[0])

    @property
    def extra_dict_ref(self):
        return tuple(weakref.ref(d) for d in self._dicts[1:])

    def remove(self):
        for d in self._dicts:
            d.pop(self.id, None)
        if self._counted:
            self._counted = False
            WATCHERS[0] -= 1

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def add_autograd_hook(hooks, fn):
    """Put ``fn`` at the end of an autograd hook dict (None: a new one); returns (dict, handle)."""
    if hooks is None:
        hooks = OrderedDict()
    handle = RemovableHandle(hooks)
    hooks[handle.id] = fn
    handle._counted = True
    WATCHERS[0] += 1
    return hooks, handle


from .graph_hooks import (STACK as _HOOKS, Packed, SavedTensor, disable_saved_tensors_hooks, pack_all,  # noqa: E402
                          save_on_cpu, saved_tensors_hooks)
from ._graph_task import _MultiHandle, register_multi_grad_hook  # noqa: E402,F401
_MultiHandle.__module__ = __name__
from ._gradient_edge import GradientEdge, get_gradient_edge  # noqa: E402
GradientEdge.__module__ = get_gradient_edge.__module__ = __name__


def increment_version(tensor):
    """Record an in-place change autograd could not see (a kernel writing through ``data_ptr``): each
    tensor's version counter goes up by one, so a graph that saved it refuses to backward."""
    from .._tensor import Tensor
    if isinstance(tensor, Tensor):
        tensor = (tensor,)
    try:
        items = list(tensor)
    except TypeError:
        raise RuntimeError("increment_version expect a Iterable[Tensor] as input") from None
    if not all(isinstance(t, Tensor) for t in items):
        raise RuntimeError("increment_version expects each element of the iterable to be a tensor")
    for t in items:
        t._vc[0] += 1


from ._graph_budget import region_activation_memory_budget  # noqa: E402,F401  (compile-only annotation)
from ._mutation_saved import allow_mutation_on_saved_tensors  # noqa: E402,F401  (cloned saved tensors)
