"""``torch.cond(pred, true_fn, false_fn, operands=())``: structured if/else (torch's prototype control-flow
operator, ``torch._higher_order_ops.cond``).

    cond(pred, true_fn, false_fn, operands) == true_fn(*operands) if pred else false_fn(*operands)

A Python bool/int/float ``pred`` just calls the branch, as torch does.  A tensor ``pred`` (one element)
goes through torch.compile in torch; glasstorch runs the chosen branch eagerly after torch's argument
checks.  When an operand needs a gradient torch's result hangs from ``CondAutogradOpBackward`` (an
``autograd.Function``): here too, its backward re-running the branch with grad enabled and
differentiating it (an operand the branch does not use gets no gradient, None, as in torch).  Not reproduced: torch's
tracing of both branches, which refuses branches whose outputs differ in shape or dtype.
"""


def _leaves(operands):
    from .utils._pytree import tree_flatten
    return tree_flatten(operands)


def _cond_op_class():
    from .autograd import Function

    class CondAutogradOp(Function):
        @staticmethod
        def forward(ctx, branch, spec, *flat):
            from . import no_grad
            from .utils._pytree import tree_unflatten
            ctx.branch, ctx.spec = branch, spec
            ctx.save_for_backward(*flat)
            with no_grad():
                return branch(*tree_unflatten(list(flat), spec))

        @staticmethod
        def backward(ctx, *grads):
            import glasstorch
            from .utils._pytree import tree_unflatten
            flat = [x.detach().requires_grad_(x.requires_grad) for x in ctx.saved_tensors]
            with glasstorch.enable_grad():
                out = ctx.branch(*tree_unflatten(flat, ctx.spec))
            outs = list(out) if isinstance(out, (tuple, list)) else [out]
            pairs = [(o, g) for o, g in zip(outs, grads) if isinstance(o, glasstorch.Tensor) and o.requires_grad]
            wants = [x for x in flat if x.requires_grad]
            got = glasstorch.autograd.grad([o for o, _ in pairs], wants, [g for _, g in pairs],
                                           allow_unused=True) if pairs and wants else [None] * len(wants)
            it = iter(got)
            res = []
            for x in flat:
                g = next(it) if x.requires_grad else None
                res.append(g)
            return (None, None) + tuple(res)

    CondAutogradOp.__module__ = "torch._higher_order_ops.cond"
    return CondAutogradOp


_OP = []


def cond(pred, true_fn, false_fn, operands=()):
    import glasstorch
    if isinstance(pred, (bool, int, float)):
        return true_fn(*operands) if pred else false_fn(*operands)
    if not isinstance(pred, (bool, glasstorch.Tensor)):
        raise RuntimeError(f"Expected pred to be bool or tensor, but got {pred}.")
    if pred.numel() != 1:
        raise RuntimeError(f"Expected pred to be bool or single-element tensor, but got {pred}.")
    if not callable(true_fn) or not callable(false_fn):
        raise RuntimeError("Expect both branches to be callable.")
    flat, spec = _leaves(operands) if isinstance(operands, (tuple, list)) else ([operands], None)
    if not isinstance(operands, (tuple, list)) or any(not isinstance(t, glasstorch.Tensor) for t in flat):
        raise RuntimeError("Expect operands to be a tuple of possibly nested dict/list/tuple that only consists "
                           f"of tensor leaves, but got {operands}.")
    branch = true_fn if bool(pred) else false_fn
    if not (glasstorch.is_grad_enabled() and any(t.requires_grad for t in flat)):
        return branch(*operands)
    if not _OP:
        _OP.append(_cond_op_class())
    return _OP[0].apply(branch, spec, *flat)
