"""``torch.while_loop(cond_fn, body_fn, carried_inputs)``: structured while (torch's prototype control-flow
operator, ``torch._higher_order_ops.while_loop``).

    vals = carried_inputs
    while cond_fn(*vals): vals = body_fn(*vals)
    return tuple(vals)                   (a copy of the inputs when the loop never runs)

torch compiles the loop; glasstorch runs it eagerly with torch's checks of the arguments and of each
``cond_fn`` result (a bool, or a 0-d bool tensor).  When an input needs a gradient the outputs hang from
``WhileLoopAutogradOpBackward``, whose backward runs the loop again with grad enabled and differentiates
it.  Not reproduced: the errors torch's tracer raises for bodies it cannot capture.
"""


def _validate_pred(pred):
    import glasstorch
    if (isinstance(pred, glasstorch.Tensor) and pred.shape == () and pred.dtype == glasstorch.bool) or \
            isinstance(pred, bool):
        return
    raise RuntimeError(f"cond_fn must return a boolean scalar tensor or a boolean but got {pred}")


def _dense(cond_fn, body_fn, vals):
    import glasstorch
    pred = cond_fn(*vals)
    _validate_pred(pred)
    if not pred:
        return tuple(v.clone() if isinstance(v, glasstorch.Tensor) else v for v in vals)
    n = len(vals)
    while pred:
        out = body_fn(*vals)
        if not isinstance(out, tuple):
            raise AssertionError(f"body_fn should return a tuple but got {type(out)}")
        if len(out) != n:
            raise AssertionError(f"body_fn should return the same number of elements as carried_inputs, got "
                                 f"{len(out)} vs {n}")
        vals = out
        pred = cond_fn(*vals)
        _validate_pred(pred)
    return tuple(vals)


def _op_class():
    from .autograd import Function

    class WhileLoopAutogradOp(Function):
        @staticmethod
        def forward(ctx, cond_fn, body_fn, spec, *flat):
            from . import no_grad
            from .utils._pytree import tree_unflatten
            ctx.fns, ctx.spec = (cond_fn, body_fn), spec
            ctx.save_for_backward(*flat)
            with no_grad():
                out = _dense(cond_fn, body_fn, tree_unflatten(list(flat), spec))
            ctx.mark_non_differentiable(*[o for o in out if hasattr(o, "is_floating_point")
                                          and not (o.is_floating_point() or o.is_complex())])
            return out

        @staticmethod
        def backward(ctx, *grads):
            import glasstorch
            from .utils._pytree import tree_unflatten
            flat = [x.detach().requires_grad_(x.requires_grad) for x in ctx.saved_tensors]
            with glasstorch.enable_grad():
                outs = _dense(*ctx.fns, tree_unflatten(flat, ctx.spec))
            pairs = [(o, g) for o, g in zip(outs, grads)
                     if isinstance(o, glasstorch.Tensor) and o.requires_grad and g is not None]
            wants = [x for x in flat if x.requires_grad]
            got = glasstorch.autograd.grad([o for o, _ in pairs], wants, [g for _, g in pairs],
                                           allow_unused=True) if pairs and wants else [None] * len(wants)
            it = iter(got)
            return (None, None, None) + tuple(next(it) if x.requires_grad else None for x in flat)

    WhileLoopAutogradOp.__module__ = "torch._higher_order_ops.while_loop"
    return WhileLoopAutogradOp


_OP = []


def while_loop(cond_fn, body_fn, carried_inputs):
    import glasstorch
    from .utils._pytree import tree_flatten, tree_unflatten
    if not callable(cond_fn) or not callable(body_fn):
        raise RuntimeError("Expect cond_fn and body_fn to be callable.")
    flat, spec = tree_flatten(carried_inputs)
    bad = [x for x in flat if not isinstance(x, (glasstorch.Tensor, int)) or isinstance(x, bool)]
    if bad:
        raise AssertionError(f"{flat} can only be of (<class 'torch.Tensor'>, <class 'int'>, <class "
                             f"'torch.SymInt'>) but got {tuple(type(x) for x in flat)}")
    if not isinstance(carried_inputs, (tuple, list)):
        raise RuntimeError(f"carried_inputs must be a tuple or list but got {type(carried_inputs)}")
    tensors = [x for x in flat if isinstance(x, glasstorch.Tensor)]
    if not (glasstorch.is_grad_enabled() and any(t.requires_grad for t in tensors)) or len(tensors) != len(flat):
        return _dense(cond_fn, body_fn, tree_unflatten(flat, spec))
    if not _OP:
        _OP.append(_op_class())
    return _OP[0].apply(cond_fn, body_fn, spec, *flat)
