"""``torch.autograd.functional``: whole derivatives of a Python function, built from ``autograd.grad``.

For ``y = f(x)`` with Jacobian ``J = dy/dx``:

* ``vjp(f, x, v)``  = ``v^T J``  — one backward pass (what ``backward()`` computes);
* ``jvp(f, x, v)``  = ``J v``    — the "double-backward trick": ``u -> u^T J`` is linear in ``u``,
  so differentiating it with respect to ``u`` in the direction ``v`` gives ``J v``;
* ``jacobian(f, x)`` = ``J``     — one backward pass per output element (one row at a time);
* ``hessian(f, x)``  = the Jacobian of the gradient of a scalar ``f``;
* ``vhp`` / ``hvp``  = ``v^T H`` / ``H v`` — a backward pass through the gradient.

Each function accepts one tensor or a tuple of tensors for ``x`` (and answers in the same
structure), works on detached copies of the inputs (unless ``create_graph=True``), and returns
zeros for an input the output does not depend on (``strict=True`` raises instead).
"""
from .._creation import zeros_like
from .grad_mode import enable_grad

__all__ = ["vjp", "jvp", "jacobian", "hessian", "vhp", "hvp"]


def _as_tuple(x):
    return (tuple(x), True) if isinstance(x, (tuple, list)) else ((x,), False)


def _untuple(xs, was_tuple):
    return xs if was_tuple else xs[0]


def _prepare(inputs, create_graph):
    """Inputs that require grad: the same tensors when building a graph, else fresh detached ones."""
    out = []
    for x in inputs:
        if create_graph and x.requires_grad:
            out.append(x.view_as(x))
        else:
            out.append(x.detach().requires_grad_(True))
    return tuple(out)


def _finish(xs, create_graph):
    return tuple(x if x is None or create_graph else x.detach() for x in xs)


def _grads(outputs, inputs, grad_outputs, create_graph, strict, out_idx=None):
    """autograd.grad that answers zeros (or, with strict, raises) for inputs outside the graph."""
    from . import grad
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o.requires_grad]
    if pairs:
        res = grad([o for o, _ in pairs], inputs, [g for _, g in pairs], retain_graph=True,
                   create_graph=create_graph, allow_unused=True)
    else:
        res = (None,) * len(inputs)
    out = []
    for i, (x, g) in enumerate(zip(inputs, res)):
        if g is None:
            if strict:
                who = "The output" if out_idx is None else f"Output {out_idx}"
                raise RuntimeError(f"{who} of the user-provided function is independent of input {i}. This "
                                   "is not allowed in strict mode.")
            g = zeros_like(x)
        out.append(g)
    return tuple(out)


def _outputs_of(func, inputs):
    out = func(*inputs)
    outs, was_tuple = _as_tuple(out)
    return outs, was_tuple


def _default_v(outs, v, who):
    if v is not None:
        return _as_tuple(v)[0]
    if len(outs) != 1 or outs[0].numel() != 1:
        raise RuntimeError(f"The vector v can only be None if the user-provided function returns a single Tensor "
                           f"with a single element.")
    from .._creation import ones_like
    return (ones_like(outs[0]),)


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), v^T J)``: the gradient of ``sum(func(inputs) * v)`` with respect to the inputs."""
    with enable_grad():
        ins, in_tuple = _as_tuple(inputs)
        ins = _prepare(ins, create_graph)
        outs, out_tuple = _outputs_of(func, ins)
        vs = _default_v(outs, v, "vjp")
        res = _grads(outs, ins, vs, create_graph, strict)
    return _untuple(_finish(outs, create_graph), out_tuple), _untuple(_finish(res, create_graph), in_tuple)


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), J v)`` by the double-backward trick (see the module docstring)."""
    with enable_grad():
        ins, in_tuple = _as_tuple(inputs)
        ins = _prepare(ins, create_graph)
        outs, out_tuple = _outputs_of(func, ins)
        if v is None:
            if len(ins) != 1 or ins[0].numel() != 1:
                raise RuntimeError("The vector v can only be None if the input to the user-provided function is a "
                                   "single Tensor with a single element.")
            from .._creation import ones_like
            v = ones_like(ins[0])
        vs = _as_tuple(v)[0]
        us = tuple(zeros_like(o).requires_grad_(True) for o in outs)     # u: any value works, J^T u is linear
        g = _grads(outs, ins, us, True, strict)
        res = _grads([x for x in g], us, vs, create_graph, strict)
    return _untuple(_finish(outs, create_graph), out_tuple), _untuple(_finish(res, create_graph), out_tuple)


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False, strategy="reverse-mode"):
    """``J[i][j] = d output_i / d input_j``, of shape ``output_i.shape + input_j.shape``."""
    from ..ops.join import stack
    _check_strategy(strategy, create_graph, strict, vectorize)
    with enable_grad():
        ins, in_tuple = _as_tuple(inputs)
        ins = _prepare(ins, create_graph)
        outs, out_tuple = _outputs_of(func, ins)
        rows = []
        for oi, o in enumerate(outs):
            per_input = [[] for _ in ins]
            flat = o.reshape(-1)
            for k in range(flat.numel()):
                if o.requires_grad:
                    gs = _grads([flat[k]], ins, [None], create_graph, strict, oi)
                else:
                    if strict:
                        raise RuntimeError(f"Output {oi} of the user-provided function does not require gradients. "
                                           "The outputs must be computed in a differentiable manner from the input "
                                           "when running in strict mode.")
                    gs = tuple(zeros_like(x) for x in ins)
                for j, g in enumerate(gs):
                    per_input[j].append(g)
            row = []
            for x, gl in zip(ins, per_input):
                j = stack(gl) if gl else zeros_like(x).reshape(0, *x.shape)
                row.append(j.reshape(tuple(o.shape) + tuple(x.shape)))
            rows.append(_untuple(_finish(row, create_graph), in_tuple))
    return _untuple(tuple(rows), out_tuple)


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False, outer_jacobian_strategy="reverse-mode"):
    """The Jacobian of the gradient of a scalar function: ``H[i][j] = d^2 f / d x_i d x_j``."""
    ins, in_tuple = _as_tuple(inputs)
    if outer_jacobian_strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode".')

    def gradient(*xs):
        out = func(*xs)
        _check_scalar(out)
        return _grads([out], xs, [None], True, strict)

    H = jacobian(gradient, ins, create_graph=create_graph, strict=strict, vectorize=vectorize,
                 strategy=outer_jacobian_strategy)
    return H if in_tuple else H[0][0]


def _check_strategy(strategy, create_graph, strict, vectorize):
    """torch's refusals, in its order; forward mode itself gives what reverse mode gives here."""
    if strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your '
                             'function has more outputs than inputs, "forward-mode" tends to be more performant. '
                             'Otherwise, prefer to use "reverse-mode".')
    if strategy != "forward-mode":
        return
    if create_graph:
        raise NotImplementedError('torch.autograd.functional.jacobian: `create_graph=True` and `strategy="forward-mode"` '
                                  'are not supported together (yet). Please either set `create_graph=False` or '
                                  '`strategy="reverse-mode"`.')
    if strict:
        raise RuntimeError('torch.autograd.functional.jacobian: `strict=True` and `strategy="forward-mode"` are not '
                           'supported together (yet). Please either set `strict=False` or `strategy="reverse-mode"`.')
    if not vectorize:
        # torch's message lacks a space between "is" and "only"
        raise NotImplementedError("Computing Jacobian using forward-AD or forward-over-reverse Hessian isonly "
                                  "implemented for `vectorize=True`.")


def _check_scalar(out, who="hessian"):
    from .._tensor import Tensor
    if not isinstance(out, Tensor):
        raise RuntimeError(f"The function given to {who} should return a single Tensor")
    if out.numel() != 1:
        raise RuntimeError(f"The Tensor returned by the function given to {who} should contain a single element")


def vhp(func, inputs, v=None, create_graph=False, strict=False, _who="vhp"):
    """``(func(inputs), v^T H)`` for a scalar ``func``: one backward pass through the gradient."""
    with enable_grad():
        ins, in_tuple = _as_tuple(inputs)
        ins = _prepare(ins, create_graph)
        out = func(*ins)
        _check_scalar(out, _who)
        if v is None:
            if len(ins) != 1 or ins[0].numel() != 1:
                raise RuntimeError("The vector v can only be None if the input to the user-provided function is a "
                                   "single Tensor with a single element.")
            from .._creation import ones_like
            v = ones_like(ins[0])
        vs = _as_tuple(v)[0]
        g = _grads([out], ins, [None], True, strict)
        res = _grads(list(g), ins, vs, create_graph, strict)
    return _finish((out,), create_graph)[0], _untuple(_finish(res, create_graph), in_tuple)


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), H v)``; the Hessian of a twice-differentiable function is symmetric, so this is vhp."""
    return vhp(func, inputs, v, create_graph=create_graph, strict=strict, _who="hvp")
