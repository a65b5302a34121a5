"""Module hooks: handles, the hooked call path, and full backward hooks.

``Module.__call__`` takes its fast path (one ``forward`` call) when no hook is set; everything in
this file runs only when one is.
"""
import warnings
from collections import OrderedDict

import numpy as np

from ..._tensor import Tensor
from ..._user_warning import warn_at_caller
from ...autograd.graph import HANDLE_IDS as _ids, Node, RemovableHandle
from ...ops._common import GRAD, _wrap, edge


# hooks registered with nn.modules.module.register_module_forward_(pre_)hook: apply to every module
GLOBAL_FORWARD_PRE = OrderedDict()
GLOBAL_FORWARD = OrderedDict()
GLOBAL_FORWARD_WITH_KWARGS = OrderedDict()
GLOBAL_FORWARD_ALWAYS = OrderedDict()
# ... and with register_module_(full_)backward_(pre_)hook; GLOBAL_IS_FULL["is_full"] says which kind
# GLOBAL_BACKWARD holds (None while none was registered)
GLOBAL_BACKWARD_PRE = OrderedDict()
GLOBAL_BACKWARD = OrderedDict()
GLOBAL_IS_FULL = {"is_full": None}


def add_hook(store, hook, prepend, *extra):
    """Put ``hook`` in ``store`` (first when ``prepend``) and mark it in the ``extra`` dicts."""
    handle = RemovableHandle(store, *extra)
    store[handle.id] = hook
    if prepend:
        store.move_to_end(handle.id, last=False)
    for d in extra:
        d[handle.id] = True
    return handle


def register_module_forward_pre_hook(hook):
    """A forward pre-hook on every module (``torch.nn.modules.module.register_module_forward_pre_hook``)."""
    return add_hook(GLOBAL_FORWARD_PRE, hook, False)


def register_module_forward_hook(hook, *, with_kwargs=False, always_call=False):
    """A forward hook on every module (``torch.nn.modules.module.register_module_forward_hook``)."""
    extra = ((GLOBAL_FORWARD_WITH_KWARGS,) if with_kwargs else ()) + ((GLOBAL_FORWARD_ALWAYS,) if always_call else ())
    return add_hook(GLOBAL_FORWARD, hook, False, *extra)


def _set_global_kind(full):
    if GLOBAL_IS_FULL["is_full"] is (not full):
        raise RuntimeError("Cannot use both regular backward hooks and full backward hooks as a global Module "
                           "hook. Please use only one of them.")
    GLOBAL_IS_FULL["is_full"] = full


def register_module_full_backward_pre_hook(hook):
    """A backward pre-hook on every module, run before the module's own."""
    return add_hook(GLOBAL_BACKWARD_PRE, hook, False)


def register_module_full_backward_hook(hook):
    """A full backward hook on every module, run before the module's own."""
    _set_global_kind(True)
    return add_hook(GLOBAL_BACKWARD, hook, False)


def register_module_backward_hook(hook):
    """The deprecated (non-full) backward hook on every module: see ``Module.register_backward_hook``."""
    _set_global_kind(False)
    return add_hook(GLOBAL_BACKWARD, hook, False)


def register_backward_hook(module, hook):
    """``Module.register_backward_hook`` (deprecated): ``hook(module, grad_input, grad_output)`` is put on the
    autograd node that made the module's (first) output, so grad_input are that node's input gradients,
    not necessarily the module's."""
    if module._is_full_backward_hook is True:
        raise RuntimeError("Cannot use both regular backward hooks and full backward hooks on a single Module. "
                           "Please use only one of them.")
    module._is_full_backward_hook = False
    return add_hook(module._backward_hooks, hook, False)


def _backward_hooks(module):
    """(full hooks, non-full hooks, pre-hooks) of ``module``, the global ones first."""
    full, non_full = [], []
    glob = list(GLOBAL_BACKWARD.values())
    (full if GLOBAL_IS_FULL["is_full"] else non_full).extend(glob)
    (full if module._is_full_backward_hook else non_full).extend(module._backward_hooks.values())
    return full, non_full, list(GLOBAL_BACKWARD_PRE.values()) + list(module._backward_pre_hooks.values())


def _hook_output_node(module, args, result, hooks):
    """Non-full backward hooks: on the grad_fn of the output's first tensor (torch's old behaviour)."""
    var = result
    while not isinstance(var, Tensor):
        var = next(v for v in var.values() if isinstance(v, Tensor)) if isinstance(var, dict) else var[0]
    fn = var.grad_fn
    if fn is None:
        return
    for hook in hooks:
        fn.register_hook(lambda gi, go, hook=hook: hook(module, gi, go))
    _maybe_warn_non_full(args, result, fn)


def _maybe_warn_non_full(inputs, result, grad_fn):
    """torch's FutureWarnings for the cases where a non-full hook sees only part of the gradients."""
    tail = " Please use register_full_backward_hook to get the documented behavior."
    if not isinstance(result, Tensor):
        if not (isinstance(result, tuple) and all(isinstance(r, Tensor) for r in result)):
            return warnings.warn("Using non-full backward hooks on a Module that does not return a single Tensor or "
                                 "a tuple of Tensors is deprecated and will be removed in future versions. This hook "
                                 "will be missing some of the grad_output." + tail, FutureWarning, stacklevel=2)
    else:
        result = (result,)
    if not (isinstance(inputs, tuple) and all(isinstance(i, Tensor) for i in inputs)):
        return warnings.warn("Using non-full backward hooks on a Module that does not take as input a single Tensor "
                             "or a tuple of Tensors is deprecated and will be removed in future versions. This hook "
                             "will be missing some of the grad_input." + tail, FutureWarning, stacklevel=2)
    out_fns = {r.grad_fn for r in result if r.grad_fn is not None}
    if len(out_fns) == 0 or (len(out_fns) == 1 and grad_fn not in out_fns):
        warnings.warn("Using a non-full backward hook when outputs are nested in python data structure is "
                      "deprecated and will be removed in future versions. This hook will be missing some "
                      "grad_output.", FutureWarning, stacklevel=2)
    elif len(out_fns) > 1:
        warnings.warn("Using a non-full backward hook when outputs are generated by different autograd Nodes is "
                      "deprecated and will be removed in future versions. This hook will be missing some "
                      "grad_output." + tail, FutureWarning, stacklevel=2)
    elif {i.grad_fn for i in inputs if i.grad_fn is not None} != {n[0] for n in grad_fn.next_functions}:
        warnings.warn("Using a non-full backward hook when the forward contains multiple autograd Nodes is "
                      "deprecated and will be removed in future versions. This hook will be missing some "
                      "grad_input." + tail, FutureWarning, stacklevel=2)


def call_with_hooks(module, args, kwargs):
    """The general ``Module.__call__``: pre-hooks, backward-hook setup, forward, forward hooks.  When any of
    it raises, the forward hooks registered with ``always_call=True`` that did not run yet run (their own
    errors become warnings), then the error propagates."""
    st = {"args": args, "kwargs": kwargs, "result": None, "called": set()}
    try:
        return _hooked_call(module, st)
    except Exception:
        _run_always_called(module, st)
        raise


def _run_always_called(module, st):
    args, kwargs = st["args"], st["kwargs"]
    groups = (("global module", GLOBAL_FORWARD, GLOBAL_FORWARD_ALWAYS, ()),
              ("module", module._forward_hooks, module._forward_hooks_always_called,
               module._forward_hooks_with_kwargs))
    for label, hooks, always, with_kwargs in groups:
        for hid, hook in hooks.items():
            if hid not in always or hid in st["called"]:
                continue
            try:
                res = (hook(module, args, kwargs, st["result"]) if hid in with_kwargs
                       else hook(module, args, st["result"]))
            except Exception as e:     # noqa: BLE001 - torch silences it into a warning
                warnings.warn(f"{label} forward hook with ``always_call=True`` raised an exception that was "
                              f"silenced as another error was raised in forward: {e}", stacklevel=3)
                continue
            st["result"] = st["result"] if res is None else res


def _hooked_call(module, st):
    args, kwargs = st["args"], st["kwargs"]
    # a snapshot, as torch's: a hook may remove itself (or add others) while they run
    for hid, hook in (*GLOBAL_FORWARD_PRE.items(), *module._forward_pre_hooks.items()):
        if hid in module._forward_pre_hooks_with_kwargs:
            res = hook(module, args, kwargs)
            if res is not None:
                if not (isinstance(res, tuple) and len(res) == 2):
                    raise RuntimeError("forward pre-hook must return None or a tuple of (new_args, new_kwargs), "
                                       f"but got {res}.")
                args, kwargs = res
        else:
            res = hook(module, args)
            if res is not None:
                args = res if isinstance(res, tuple) else (res,)
        st["args"], st["kwargs"] = args, kwargs
    bw, non_full = None, ()
    if module._backward_hooks or module._backward_pre_hooks or GLOBAL_BACKWARD or GLOBAL_BACKWARD_PRE:
        full, non_full, pre = _backward_hooks(module)
        if full or pre:
            bw = _BackwardHook(module, full, pre)
            args = bw.wrap_inputs(args)
    result = st["result"] = module.forward(*args, **kwargs)
    for hid, hook in (*GLOBAL_FORWARD.items(), *module._forward_hooks.items()):
        if hid in module._forward_hooks_always_called or hid in GLOBAL_FORWARD_ALWAYS:
            st["called"].add(hid)
        if hid in module._forward_hooks_with_kwargs or hid in GLOBAL_FORWARD_WITH_KWARGS:
            res = hook(module, args, kwargs, result)
        else:
            res = hook(module, args, result)
        if res is not None:
            result = st["result"] = res
    if bw is not None:
        result = bw.wrap_outputs(result)
    if non_full:
        _hook_output_node(module, args, result, non_full)
    return result


class BackwardHookFunctionBackward(Node):
    """Identity on several tensors at once; its backward lets module backward hooks see them."""
    __slots__ = ("_nout", "on_backward")

    def backward(self, gs):
        return tuple(self.on_backward((gs,) if self._nout == 1 else tuple(gs)))

    def __repr__(self):
        """A Python-defined node in torch (a custom Function's): its repr names the module."""
        return f"<{type(self).__module__}.{type(self).__qualname__} object at {hex(id(self))}>"


def _identity_node(tensors, on_backward):
    """Pass ``tensors`` through one identity node; returns the new tensors (same data)."""
    node = BackwardHookFunctionBackward()
    node._nout = len(tensors)
    node.on_backward = on_backward
    node.next_functions = tuple(edge(t) for t in tensors)
    node._shape = tuple(t._data.shape for t in tensors)
    node._dtype = tuple(t._data.dtype for t in tensors)
    if len(tensors) == 1:          # the engine keeps one-output nodes' shape and dtype unwrapped
        node._shape, node._dtype = node._shape[0], node._dtype[0]
    outs = []
    for i, t in enumerate(tensors):
        o = _wrap(t._data)
        o._vc = t._vc
        # torch's BackwardHookFunction returns its inputs as-is: its outputs are views made inside a
        # custom Function, which must not be changed in place (an inplace ReLU after a hooked layer)
        o._base = t if t._base is None else t._base
        o._custom_fn_view = True
        o.grad_fn = node
        o._rg = True
        o._out_nr = i
        outs.append(o)
    return outs


def _as_tensors(gs):
    return tuple(None if g is None else (g if isinstance(g, Tensor) else _wrap(np.asarray(g))) for g in gs)


def _as_arrays(gs):
    return [None if g is None else (g._data if isinstance(g, Tensor) else g) for g in gs]


FIRING_ON_OUTPUTS = (
    "Full backward hook is firing when gradients are computed with respect to module outputs since no inputs "
    "require gradients. See https://docs.pytorch.org/docs/main/generated/torch.nn.Module.html"
    "#torch.nn.Module.register_full_backward_hook for more details.")


def _torch_hook(*_):
    """Stands for torch's BackwardHook closures, named ``hook``, in the errors about their results."""


_torch_hook.__name__ = "hook"


def _checked(res, gs):
    from ...autograd._hook_checks import checked_node_hook_result
    return checked_node_hook_result(_torch_hook, res, _as_tensors(gs))


class _BackwardHook:
    """Wraps a module's tensor inputs and outputs in identity nodes, as torch's BackwardHook does."""

    def __init__(self, module, full_hooks, pre_hooks):
        self.module = module
        self.full_hooks, self.pre_hooks = full_hooks, pre_hooks
        self.grad_outputs = None
        self.n_inputs = 0
        self.n_args = 1
        self.in_index = self.out_index = ()
        self.n_outs = 1

    def _rewrap(self, args, fn):
        idx = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        tensors = [args[i] for i in idx]
        if not GRAD.enabled or not any(t._rg for t in tensors):
            return args, 0, idx
        next(_ids)                    # torch registers a hook (a numbered handle) on the node
        new = _identity_node(tensors, fn)
        out = list(args)
        for i, t in zip(idx, new):
            out[i] = t
        return tuple(out), len(tensors), idx

    def wrap_inputs(self, args):
        new, self.n_inputs, self.in_index = self._rewrap(args, self._on_input_grads)
        self.n_args = len(args)
        return new

    def wrap_outputs(self, result):
        single = isinstance(result, Tensor)
        outs, n, self.out_index = self._rewrap((result,) if single else tuple(result), self._on_output_grads)
        self.n_outs = len(outs)
        if n == 0:
            return result
        return outs[0] if single else type(result)(outs) if isinstance(result, list) else outs

    @staticmethod
    def _pack(index, gs, n):
        """The hooks see one gradient per argument (None for the arguments that are no tensors)."""
        res = [None] * n
        for i, g in zip(index, _as_tensors(gs)):
            res[i] = g
        return tuple(res)

    def _on_output_grads(self, gs):
        m = self.module
        gout = self._pack(self.out_index, gs, self.n_outs)
        for hook in self.pre_hooks:
            r = hook(m, gout)
            if r is not None:
                if len(r) != len(gout):
                    raise RuntimeError(f"Backward pre hook returned an invalid number of grad_output, got {len(r)}, "
                                       f"but expected {len(gout)}")
                gout = r
        self.grad_outputs = gout
        if self.n_inputs == 0:        # no input needs a gradient: hooks see grad_input = (None,) * n_args
            warn_at_caller(FIRING_ON_OUTPUTS)     # at the user's line, as torch's stacklevel=5 is
            for hook in self.full_hooks:
                r = hook(m, (None,) * self.n_args, gout)
                if r is not None and not (isinstance(r, tuple) and all(el is None for el in r)):
                    raise RuntimeError("Backward hook for Modules where no input requires gradient should always "
                                       "return None or None for all gradients.")
        # torch returns them from a node hook named 'hook', whose result the engine then checks
        return _as_arrays(_checked(tuple(gout[i] for i in self.out_index), gs))

    def _on_input_grads(self, gs):
        m = self.module
        gin = self._pack(self.in_index, gs, self.n_args)
        for hook in self.full_hooks:
            r = hook(m, gin, self.grad_outputs)
            if r is not None:
                if len(r) != len(gin):
                    raise RuntimeError(f"Backward hook returned an invalid number of grad_input, got {len(r)}, but "
                                       f"expected {len(gin)}")
                gin = r
        return _as_arrays(_checked(tuple(gin[i] for i in self.in_index), gs))
