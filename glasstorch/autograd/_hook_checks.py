"""What a tensor hook (``t.register_hook(fn)``) may return, as torch checks it: None (keep the
gradient) or a tensor of the gradient's size and type; and what a node hook or pre-hook
(``grad_fn.register_hook`` / ``register_prehook``) may return: None, or a tuple as long as the one it
was given, each entry None or a gradient passing the tensor hook's check."""
import numpy as np


def checked_hook_result(fn, result, grad):
    """``result`` of hook ``fn`` given gradient ``grad`` (an array or sparse gradient), or torch's error."""
    from .._tensor import Tensor
    if not isinstance(result, Tensor):
        from .._arg_parser import tp_name
        raise TypeError(f"expected Variable, but hook returned '{tp_name(result)}'")
    if isinstance(grad, Tensor):          # create_graph: gradients are tensors
        grad = grad._data
    name = hook_name(fn)
    # torch's check_variable_result: the type first, then the size
    dtype = getattr(grad, "dtype", None)
    if dtype is not None and result._data.dtype != dtype:
        from .._tensor import _wrap
        was = _wrap(np.zeros((), dtype)).type()
        raise RuntimeError(f"hook '{name}' has changed the type of value (was {was} got {result.type()})")
    shape = grad.shape if hasattr(grad, "shape") else np.shape(grad)
    if tuple(result.shape) != tuple(shape):
        raise RuntimeError(f"hook '{name}' has changed the size of value")
    return result


def hook_name(fn):
    """torch names a hook by its ``__name__``, or '<unknown>' (a callable object, a partial)."""
    name = getattr(fn, "__name__", None)
    return name if isinstance(name, str) else "<unknown>"


def checked_node_hook_result(fn, result, given):
    """``result`` of node hook ``fn`` handed the gradients ``given`` (a tuple of tensors or None), or
    torch's error: a None entry drops that gradient; a value where there was none is refused."""
    from .._arg_parser import tp_name
    if not isinstance(result, tuple):
        raise TypeError(f"expected tuple, but hook returned '{tp_name(result)}'")
    if len(result) != len(given):
        raise RuntimeError(f"hook '{hook_name(fn)}' has returned an incorrect number of values (got {len(result)}, "
                           f"but expected {len(given)})")
    for r, g in zip(result, given):
        if r is None:
            continue
        if g is None:
            raise RuntimeError("can't replace a None gradient with a non-None value")
        if not _is_tensor(r):
            raise TypeError(f"expected Variable, but hook returned '{tp_name(r)}'")
        checked_hook_result(fn, r, g)
    return result


def _is_tensor(x):
    from .._tensor import Tensor
    return isinstance(x, Tensor)


def run_post_accumulate_hooks(hooks, var):
    """``register_post_accumulate_grad_hook``'s hooks on leaf ``var``, as torch's _call_hooks runs them: a
    hook returning None or the tensor it was given leaves it be; any other result must pass the tensor
    hook's checks and is what the next hooks get; after them all, a replaced tensor is an error (these
    hooks may only act on the tensor, ``p.grad.mul_(..)``, not return a new one)."""
    arg, replaced = var, False
    for fn in tuple(hooks.values()):
        res = fn(arg)
        if res is None or res is arg:
            continue
        if not _is_tensor(res):
            from .._arg_parser import tp_name
            raise TypeError(f"expected Variable, but hook returned '{tp_name(res)}'")
        arg, replaced = checked_hook_result(fn, res, arg), True
    if replaced:
        raise RuntimeError("Tensor post accumulate grad hooks should return None.")
