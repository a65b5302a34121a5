"""Nodes that receive no gradient at all, as torch's engine runs them.

torch's engine runs every node of the graph it walks once the nodes feeding it have run, whether or
not any gradient reached it (a custom Function's backward returning None, a hook dropping one). Its
input gradients are then *undefined*, and:

- the tensor hooks of its outputs are called with None (returning a tensor is refused: "can't replace
  a None gradient with a non-None value"), its pre-hooks with a tuple of Nones;
- a built-in node passes undefined gradients on;
- a custom Function's backward runs on zeros (on None after ``ctx.set_materialize_grads(False)``), so
  what it returns flows on; the identity nodes of module backward hooks are such Functions: the
  outputs' node hands the hooks the undefined (None) grad_output, the inputs' node the zeros;
- its post hooks see the undefined gradients as None;
- an AccumulateGrad calls its tensor hooks and pre-hooks with None, leaves ``.grad`` alone, and
  still runs the post-accumulate-grad hooks and its post hooks.

glasstorch's engine walks only the nodes that gradients reach; these helpers run the others where
running them can be seen (hooks, custom Functions, and the nodes on the way to such a Function).
"""
import numpy as np


def _engine():
    from . import engine
    return engine


def _custom(node):
    """'fn' for a custom Function's node, 'hook' for a module-hook identity node, else None."""
    from .function import BackwardCFunction
    if isinstance(node, BackwardCFunction):
        return "fn"
    if type(node).__name__ == "BackwardHookFunctionBackward" and hasattr(node, "on_backward"):
        return "hook"
    return None


def watched(node):
    """Whether running ``node`` on undefined gradients does anything torch would show."""
    return bool(node._tensor_hooks or node._pre_hooks or node._hooks) or _custom(node) is not None


def watched_accumulate(node):
    return bool(node._tensor_hooks or node._pre_hooks or node._hooks or node._post_acc)


def _tensor_hooks_on_none(node):
    for nr in range(node._nout):
        for fn in tuple((node._tensor_hooks or {}).get(nr, {}).values()):
            if fn(None) is not None:
                raise RuntimeError("can't replace a None gradient with a non-None value")


def run(node, pre_hooks_done=False):
    """Run ``node`` with every input gradient undefined; the gradients it sends on (None: undefined).
    ``pre_hooks_done``: its pre-hooks already ran (and dropped every gradient)."""
    E = _engine()
    n = node._nout
    undefined = None if n == 1 else [None] * n
    if node._tensor_hooks and not pre_hooks_done:
        _tensor_hooks_on_none(node)
    if node._pre_hooks and not pre_hooks_done:
        E._node_pre_hooks(node, undefined)      # a value where there was none is refused there
    kind = _custom(node)
    if kind is None:
        outs = [None] * len(node.next_functions)
    elif kind == "hook" and getattr(node.on_backward, "__name__", "") == "_on_output_grads":
        outs = list(node.backward(undefined))   # the module's hooks see grad_output None
    else:
        if n != 1:
            g = E._fill(node, undefined)
        elif getattr(node, "materialize_grads", True) is False:
            g = None
        else:
            g = np.zeros(node._shape, node._dtype)
            g = E._T._wrap(g) if E.MODE.create else g
        outs = list(node.backward(g))
    if node._hooks:
        outs = [None if nx is None or o is None else E._fit(nx, nr, o)
                for (nx, nr), o in zip(node.next_functions, outs)]
        outs = E._node_hooks(node, undefined, outs)
    return outs


def run_accumulate(node):
    """An AccumulateGrad reached with no gradient: its hooks run, ``.grad`` stays as it is."""
    E = _engine()
    if node._tensor_hooks:
        _tensor_hooks_on_none(node)
    if node._pre_hooks:
        E._node_pre_hooks(node, None)
    if node._post_acc is not None:
        from ._hook_checks import run_post_accumulate_hooks
        run_post_accumulate_hooks(node._post_acc, node.variable)
    if node._hooks:
        E._node_hooks(node, None, ())


__all__ = ["watched", "watched_accumulate", "run", "run_accumulate"]
