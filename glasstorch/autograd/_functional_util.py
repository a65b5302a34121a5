"""The checks and plumbing behind ``torch.autograd.functional`` (functional.py), in torch's order and
with torch's messages: which argument is not a tensor, which ``v`` has the wrong size, which output
or gradient is independent of the inputs under ``strict=True``.

    tupled, xs = as_tuple(inputs, "inputs", "vjp")   # (was it a tuple?, a tuple of tensors)
    xs = preprocess(xs, create_graph, True)          # detached copies that require grad
    ...                                              # func(*xs), autograd_grad(...)
    return untuple(postprocess(res, create_graph), tupled)
"""
import numpy as np

__all__ = ["as_tuple", "untuple", "preprocess", "postprocess", "validate_v", "check_requires_grad",
           "autograd_grad", "fill_in_zeros", "standard_basis"]


def as_tuple(x, arg_name, fn_name):
    """``(was_tuple, tuple_of_tensors)``; a non-tensor anywhere is torch's TypeError."""
    from .._tensor import Tensor
    was_tuple = isinstance(x, tuple)
    xs = x if was_tuple else (x,)
    for i, el in enumerate(xs):
        if not isinstance(el, Tensor):
            where = f"value at index {i}" if was_tuple else f"given {arg_name}"
            raise TypeError(f"The {arg_name} given to {fn_name} must be either a Tensor or a tuple of Tensors but "
                            f"the {where} has type {type(el)}.")
    return was_tuple, xs


def untuple(res, was_tuple):
    """Undo ``as_tuple``: ``was_tuple`` a bool, or a pair (outer, inner) for a nested result."""
    if isinstance(was_tuple, tuple):
        if not was_tuple[1]:
            res = tuple(el[0] for el in res)
        if not was_tuple[0]:
            res = res[0]
        return res
    return res if was_tuple else res[0]


def preprocess(xs, create_graph, need_graph):
    """Tensors to differentiate: a view keeping the caller's graph (create_graph and it requires grad), else a
    detached copy requiring grad as ``need_graph`` says."""
    return tuple(x.view_as(x) if create_graph and x.requires_grad else x.detach().requires_grad_(need_graph)
                 for x in xs)


def postprocess(xs, create_graph):
    """Results without history unless the caller asked for a graph (nested tuples alike)."""
    from .._tensor import Tensor
    if isinstance(xs[0], Tensor):
        return xs if create_graph else tuple(x.detach() for x in xs)
    return tuple(postprocess(x, create_graph) for x in xs)


def validate_v(v, other, other_is_tuple):
    """``v`` has one tensor per ``other`` tensor, each of the same size."""
    if len(v) != len(other):
        if other_is_tuple:
            raise RuntimeError(f"v is a tuple of invalid length: should be {len(other)} but got {len(v)}.")
        raise RuntimeError("The given v should contain a single Tensor.")
    for i, (a, b) in enumerate(zip(v, other)):
        if a.shape != b.shape:
            where = f"Entry {i} in " if other_is_tuple else ""
            raise RuntimeError(f"{where}v has invalid size: should be {b.size()} but got {a.size()}.")


_NO_GRAD = {
    "hessian": "The hessian of the user-provided function with respect to input {i} is independent of the input. "
               "This is not allowed in strict mode. You should ensure that your function is thrice differentiable "
               "and that the hessian depends on the inputs.",
    "jacobian": "While computing the hessian, found that the jacobian of the user-provided function with respect to "
                "input {i} is independent of the input. This is not allowed in strict mode. You should ensure "
                "that your function is twice differentiable and that the jacobian depends on the inputs (this would "
                "be violated by a linear function for example).",
    "grad_inputs": "The gradient with respect to input {i} is independent of the inputs of the user-provided "
                   "function. This is not allowed in strict mode.",
    "outputs": "Output {i} of the user-provided function does not require gradients. The outputs must be computed in "
               "a differentiable manner from the input when running in strict mode.",
}


def check_requires_grad(xs, kind, strict):
    """Under ``strict``: every one of ``xs`` exists and requires grad (else torch's message for ``kind``)."""
    if not strict:
        return
    for i, x in enumerate(xs):
        if x is None:
            raise RuntimeError(f"The output of the user-provided function is independent of input {i}. This is not "
                               "allowed in strict mode.")
        if not x.requires_grad:
            raise RuntimeError(_NO_GRAD[kind].format(i=i))


def autograd_grad(outputs, inputs, grad_outputs=None, create_graph=False, retain_graph=None, batched=False):
    """``autograd.grad`` over the outputs that require grad (None for every input when none does)."""
    from . import grad
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o is not None and o.requires_grad]
    if not pairs:
        return (None,) * len(inputs)
    return grad([o for o, _ in pairs], inputs, [g for _, g in pairs], allow_unused=True, create_graph=create_graph,
                retain_graph=retain_graph, is_grads_batched=batched)


_ZERO_MSG = {
    "back": "The output of the user-provided function is independent of input {i}. This is not allowed in strict "
            "mode.",
    "back_trick": "The gradient with respect to the input is independent of entry {i} in the grad_outputs when using "
                  "the double backward trick to compute forward mode gradients. This is not allowed in strict mode.",
    "double_back": "The jacobian of the user-provided function is independent of input {i}. This is not allowed in "
                   "strict mode.",
    "double_back_trick": "The hessian of the user-provided function is independent of entry {i} in the "
                         "grad_jacobian. This is not allowed in strict mode as it prevents from using the double "
                         "backward trick to replace forward mode AD.",
}


def fill_in_zeros(grads, refs, strict, create_graph, stage):
    """None gradients become zeros shaped like ``refs`` (strict: torch's error for ``stage``); with strict and
    create_graph a gradient without history is refused too."""
    from .._creation import zeros_like
    out = []
    for i, g in enumerate(grads):
        if g is None:
            if strict:
                raise RuntimeError(_ZERO_MSG[stage].format(i=i))
            g = zeros_like(refs[i])
        elif strict and create_graph and not g.requires_grad:
            what = "hessian" if "double" in stage else "jacobian"
            raise RuntimeError(f"The {what} of the user-provided function is independent of input {i}. This is not "
                               "allowed in strict mode when create_graph=True.")
        out.append(g)
    return tuple(out)


def standard_basis(tensors, numels):
    """One ``(sum(numels), numel_k)`` block per tensor: together the rows of the identity, split by columns
    (row r selects element r of the tensors laid end to end)."""
    from .._creation import from_numpy
    total, start, out = sum(numels), 0, []
    for t, n in zip(tensors, numels):
        block = np.zeros((total, n), t._data.dtype)
        block[np.arange(start, start + n), np.arange(n)] = 1
        out.append(from_numpy(block))
        start += n
    return tuple(out)
