"""The autograd node a compiled callable leaves on its outputs.

torch's AOTAutograd runs the traced graph as one ``autograd.Function`` (``CompiledFunction``): every
output that needs a gradient and is not an alias of an input hangs from one shared node,
``CompiledFunctionBackward`` (``print(opt_mod(x))`` shows ``grad_fn=<CompiledFunctionBackward>``).
glasstorch runs the callable eagerly and then passes those outputs through one identity Function of
that name, so the printed graph has torch's top node; below it lies the eager graph (torch's node
points straight at the leaves), and backward is the identity:  d(out_i) = g_i.

An output that is an input itself (a leaf), or a view of an input or of an intermediate, keeps its
eager node (torch regenerates views outside the compiled graph); under ``no_grad``, or where nothing
needs a gradient, nothing changes.
"""
from .._nested import tensors_in
from ..autograd.function import Function


class CompiledFunction(Function):
    @staticmethod
    def forward(ctx, *outs):
        return tuple(o.clone() for o in outs)

    @staticmethod
    def backward(ctx, *grads):
        return grads


def _rebuild(obj, swap):
    from .._tensor import Tensor
    if isinstance(obj, Tensor):
        return swap.get(id(obj), obj)
    if isinstance(obj, (tuple, list)):
        items = [_rebuild(o, swap) for o in obj]
        if type(obj) in (tuple, list):
            return type(obj)(items)
        return type(obj)(*items) if isinstance(obj, tuple) else type(obj)(items)    # a namedtuple
    if isinstance(obj, dict):
        out = obj.copy()
        for k, v in obj.items():
            out[k] = _rebuild(v, swap)
        return out
    return obj


def wrap_outputs(result, args, kwargs):
    """``result`` with its fresh, grad-requiring tensors behind one ``CompiledFunctionBackward`` node.
    Views (of an input or of an intermediate) keep their eager node, as torch regenerates them."""
    from ..autograd import grad_mode
    if not grad_mode.is_grad_enabled():
        return result
    picked, seen = [], {id(a) for a in tensors_in((args, kwargs))}     # an input comes back as it is
    for o in tensors_in(result):
        if o.requires_grad and o.grad_fn is not None and getattr(o, "_base", None) is None and id(o) not in seen:
            seen.add(id(o))
            picked.append(o)
    if not picked:
        return result
    outs = CompiledFunction.apply(*picked)
    outs = outs if isinstance(outs, tuple) else (outs,)
    return _rebuild(result, {id(o): n for o, n in zip(picked, outs)})
