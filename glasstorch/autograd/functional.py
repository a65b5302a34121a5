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
zeros for an input the output does not depend on (``strict=True`` raises instead).  The checks,
their order and their messages are torch's (``_functional_util.py``).  ``strategy="forward-mode"``
gives the values reverse mode gives (glasstorch's forward AD is built on the reverse graph).
"""
from .._creation import zeros_like
from .grad_mode import enable_grad, is_grad_enabled, set_grad_enabled
from ._functional_util import (as_tuple, autograd_grad, check_requires_grad, fill_in_zeros, postprocess, preprocess,
                               standard_basis, untuple, validate_v)

__all__ = ["vjp", "jvp", "jacobian", "hessian", "vhp", "hvp"]

_OUT = "outputs of the user-provided function"
_OWN_INPUTS_COUNT = [False]           # see _jacfwd
_V_NONE_IN = ("The vector v can only be None if the input to the user-provided function is a single Tensor with a "
              "single element.")


def _prepare_v(v, against, against_tuple, create_graph, who):
    """``v`` as a tuple checked against ``against`` (None only for one single-element tensor)."""
    if v is not None:
        vs = preprocess(as_tuple(v, "v", who)[1], create_graph, False)
        validate_v(vs, against, against_tuple)
        return vs
    if len(against) != 1 or against[0].numel() != 1:
        raise RuntimeError(_V_NONE_IN if who != "vjp" else "The vector v can only be None if the user-provided "
                           "function returns a single Tensor with a single element.")
    return None


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), v^T J)``: the gradient of ``sum(func(inputs) * v)`` with respect to the inputs."""
    with enable_grad():
        in_tuple, ins = as_tuple(inputs, "inputs", "vjp")
        ins = preprocess(ins, create_graph, True)
        out_tuple, outs = as_tuple(func(*ins), _OUT, "vjp")
        check_requires_grad(outs, "outputs", strict)
        vs = _prepare_v(v, outs, out_tuple, create_graph, "vjp")
    with set_grad_enabled(True if create_graph else is_grad_enabled()):
        res = fill_in_zeros(autograd_grad(outs, ins, vs, create_graph), ins, strict, create_graph, "back")
    return untuple(postprocess(outs, create_graph), out_tuple), untuple(postprocess(res, create_graph), in_tuple)


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), J v)`` by the double-backward trick (see the module docstring)."""
    with enable_grad():
        in_tuple, ins = as_tuple(inputs, "inputs", "jvp")
        ins = preprocess(ins, create_graph, True)
        vs = _prepare_v(v, ins, in_tuple, create_graph, "jvp")
        out_tuple, outs = as_tuple(func(*ins), _OUT, "jvp")
        check_requires_grad(outs, "outputs", strict)
        us = tuple(zeros_like(o, requires_grad=True) for o in outs)     # any u works: J^T u is linear in u
        g = autograd_grad(outs, ins, us, create_graph=True)
        check_requires_grad(g, "grad_inputs", strict)
    with set_grad_enabled(True if create_graph else is_grad_enabled()):
        res = fill_in_zeros(autograd_grad(g, us, vs, create_graph), outs, strict, create_graph, "back_trick")
    return untuple(postprocess(outs, create_graph), out_tuple), untuple(postprocess(res, create_graph), out_tuple)


def _check_strategy(strategy, create_graph, strict, vectorize):
    """torch's refusals, in its order."""
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


def _jacfwd(func, inputs, vectorize, own_inputs_count=False):
    """Forward mode: the same Jacobian, nested in lists as torch's answer is, with a history where torch's
    tangents have one: where they depend on a tensor that requires grad other than the (fresh) inputs; the
    inputs count too when ``func`` made them require grad itself (``hessian``'s forward-over-reverse)."""
    in_tuple, ins = as_tuple(inputs, "inputs", "jacobian")
    if not vectorize:
        # torch's message lacks a space between "is" and "only"
        raise NotImplementedError("Computing Jacobian using forward-AD or forward-over-reverse Hessian isonly "
                                  "implemented for `vectorize=True`.")
    with enable_grad():
        xs = preprocess(ins, True, True)
        fresh = {id(x) for x in xs if x.grad_fn is None}
        from ._no_forward_ad import tangent_roots
        with tangent_roots(xs):         # the inputs carry tangents: ops without a forward formula refuse them
            out_tuple, outs = as_tuple(func(*xs), "outputs", None)
        # one tangent per output: torch's tangent of an output has a history only through that output's own
        # formulas, which a pass over all outputs together would mix
        rows = [_one_tangent(_forward_tangent(o, xs, fresh), o, xs, fresh, own_inputs_count) for o in outs]
    return untuple(rows, (out_tuple, in_tuple))


def _forward_tangent(out, ins, fresh):
    """torch's vmapped tangent of ``out``, (inputs' numels together, *out.shape): row r is ``J e_r`` for the
    standard basis over the inputs laid end to end.  By the double-backward trick (module docstring), batched
    over the basis: so its zeros carry the signs of torch's forward formulas (``f'(x)[i] * e_r[i]``), which a
    reverse pass (``e_i^T J``, ``f'(x)[r] * e_i[r]``) does not give."""
    from .._creation import ones_like, zeros
    from ._fwd_trick import forward_trick
    numels = [x.numel() for x in ins]
    n = sum(numels)
    empty = zeros((n,) + tuple(out.shape), dtype=out.dtype)
    if not out.requires_grad or n == 0 or out.numel() == 0:
        return empty
    # ones, not zeros, for u: J^T u is linear in u, but some backward formulas are singular at g = 0
    u = ones_like(out, requires_grad=True)
    fresh.add(id(u))
    with forward_trick():
        gs = autograd_grad((out,), ins, (u,), create_graph=True)
    live = [(g, b.reshape((n,) + tuple(x.shape))) for g, b, x in zip(gs, standard_basis(ins, numels), ins)
            if g is not None and g.requires_grad]
    if not live:
        return empty
    rows, = autograd_grad([g for g, _ in live], (u,), [b for _, b in live], create_graph=True, batched=True)
    return empty if rows is None else rows


def _one_tangent(whole, out, ins, fresh, own_inputs_count):
    """torch's forward mode gets one tangent per output and splits it by input: the pieces share its history.
    Over a gradient (hessian), torch's tangent has one where the gradient has (its formulas multiply by primals
    that require grad); the trick's tangent may have none then, and stands in as a leaf that requires grad
    (torch's history leads only to its own dual copies of the inputs, out of the caller's reach)."""
    lead = tuple(out.shape)
    keep = out.requires_grad if own_inputs_count else whole.requires_grad and _reaches_leaf(whole.grad_fn, fresh)
    if whole.requires_grad and not keep:
        whole = whole.detach()
    elif keep and not whole.requires_grad:
        whole = whole.detach().requires_grad_(True)
    # then, as torch: split by input, the batch dim moved last (a permute), reshaped, so the Jacobian keeps
    # the permuted strides (its node: ReshapeAliasBackward0, or ViewBackward0 where the piece is contiguous)
    last_first = tuple(range(1, whole.dim())) + (0,)
    return [p.permute(last_first).reshape(lead + tuple(x.shape))
            for p, x in zip(whole.split([x.numel() for x in ins], 0), ins)]


def _reaches_leaf(node, fresh):
    """Whether the graph below ``node`` reaches a leaf that requires grad, other than those in ``fresh``."""
    seen, todo = set(), [node]
    while todo:
        n = todo.pop()
        if n is None or id(n) in seen:
            continue
        seen.add(id(n))
        var = getattr(n, "variable", None)
        if var is not None and id(var) not in fresh:
            return True
        todo.extend(f for f, _ in getattr(n, "next_functions", ()))
    return False


def _reverse_rows(outs, ins, create_graph):
    """One batched backward pass over the standard basis: per input, the Jacobian of every output."""
    numels = tuple(o.numel() for o in outs)
    vj = list(autograd_grad(tuple(o.reshape(-1) for o in outs), ins, standard_basis(outs, numels), create_graph,
                            batched=True))
    for i, g in enumerate(vj):
        if g is None:
            vj[i] = zeros_like(ins[i]).expand((sum(numels),) + tuple(ins[i].shape))
    return [[j.view(tuple(o.shape) + tuple(x.shape)) for j, o in zip(g.split(numels, dim=0), outs)]
            for g, x in zip(vj, ins)]


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False, strategy="reverse-mode"):
    """``J[i][j] = d output_i / d input_j``, of shape ``output_i.shape + input_j.shape``."""
    from ..ops.join import stack
    _check_strategy(strategy, create_graph, strict, vectorize)
    if strategy == "forward-mode":
        return _jacfwd(func, inputs, vectorize, _OWN_INPUTS_COUNT[0])
    with enable_grad():
        in_tuple, ins = as_tuple(inputs, "inputs", "jacobian")
        ins = preprocess(ins, create_graph, True)
        out_tuple, outs = as_tuple(func(*ins), _OUT, "jacobian")
        check_requires_grad(outs, "outputs", strict)
        if vectorize:
            if strict:
                raise RuntimeError("torch.autograd.functional.jacobian: `strict=True` and `vectorized=True` are not "
                                   "supported together. Please either set `strict=False` or `vectorize=False`.")
            jac = tuple(zip(*_reverse_rows(outs, ins, create_graph)))
            return untuple(postprocess(jac, create_graph), (out_tuple, in_tuple))
        jac = ()
        for i, o in enumerate(outs):
            per_input = tuple([] for _ in ins)
            flat = o.reshape(-1)
            for k in range(o.numel()):         # one backward pass per output element: row k of J
                row = autograd_grad((flat[k],), ins, retain_graph=True, create_graph=create_graph)
                for j, (g, x) in enumerate(zip(row, ins)):
                    if g is None:
                        if strict:
                            raise RuntimeError(f"Output {i} of the user-provided function is independent of input "
                                               f"{j}. This is not allowed in strict mode.")
                        g = zeros_like(x)
                    elif strict and create_graph and not g.requires_grad:
                        raise RuntimeError(f"The jacobian of the user-provided function is independent of input {i}. "
                                           "This is not allowed in strict mode when create_graph=True.")
                    per_input[j].append(g)
            jac += (tuple(stack(gs, 0).view(tuple(o.shape) + tuple(x.shape)) for gs, x in zip(per_input, ins)),)
        return untuple(postprocess(jac, create_graph), (out_tuple, in_tuple))


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False, outer_jacobian_strategy="reverse-mode"):
    """The Jacobian of the gradient of a scalar function: ``H[i][j] = d^2 f / d x_i d x_j``."""
    in_tuple, ins = as_tuple(inputs, "inputs", "hessian")
    if outer_jacobian_strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode".')

    def scalar_func(*xs):
        out = func(*xs)
        out_tuple, outs = as_tuple(out, _OUT, "hessian")
        check_requires_grad(outs, "outputs", strict)
        _check_scalar(out, "hessian", out_tuple)
        return out.squeeze()

    def gradient(*xs):
        if outer_jacobian_strategy == "forward-mode":
            xs = tuple(x.requires_grad_(True) for x in xs)
        g = jacobian(scalar_func, xs, create_graph=True)
        check_requires_grad(g, "jacobian", strict)
        return g

    _OWN_INPUTS_COUNT[0] = True         # gradient() makes its inputs require grad, as torch's does
    try:
        H = jacobian(gradient, ins, create_graph=create_graph, strict=strict, vectorize=vectorize,
                     strategy=outer_jacobian_strategy)
    finally:
        _OWN_INPUTS_COUNT[0] = False
    return untuple(H, (in_tuple, in_tuple))


def _check_scalar(out, who, out_tuple=False):
    from .._tensor import Tensor
    if out_tuple or not isinstance(out, Tensor):
        raise RuntimeError(f"The function given to {who} should return a single Tensor")
    if out.numel() != 1:
        raise RuntimeError(f"The Tensor returned by the function given to {who} should contain a single element")


def _second_order(func, inputs, v, create_graph, strict, who):
    """What vhp and hvp share: the checked inputs and v, the scalar output, its gradient (with a graph)."""
    in_tuple, ins = as_tuple(inputs, "inputs", who)
    ins = preprocess(ins, create_graph, True)
    vs = _prepare_v(v, ins, in_tuple, create_graph, who)
    out_tuple, outs = as_tuple(func(*ins), _OUT, who)
    check_requires_grad(outs, "outputs", strict)
    _check_scalar(outs[0], who, out_tuple)
    g = autograd_grad(outs, ins, create_graph=True)
    check_requires_grad(g, "jacobian", strict)
    return in_tuple, ins, vs, outs, g


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), v^T H)`` for a scalar ``func``: one backward pass through the gradient."""
    with enable_grad():
        in_tuple, ins, vs, outs, g = _second_order(func, inputs, v, create_graph, strict, "vhp")
    with set_grad_enabled(True if create_graph else is_grad_enabled()):
        res = fill_in_zeros(autograd_grad(g, ins, vs, create_graph), ins, strict, create_graph, "double_back")
    return postprocess(outs, create_graph)[0], untuple(postprocess(res, create_graph), in_tuple)


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), H v)`` by the double-backward trick: ``u -> H^T u`` is linear in ``u``."""
    with enable_grad():
        in_tuple, ins, vs, outs, g = _second_order(func, inputs, v, create_graph, strict, "hvp")
        us = tuple(zeros_like(x, requires_grad=True) for x in ins)
        double_back = autograd_grad(g, ins, us, create_graph=True)
        check_requires_grad(g, "hessian", strict)
    with set_grad_enabled(True if create_graph else is_grad_enabled()):
        res = fill_in_zeros(autograd_grad(double_back, us, vs, create_graph), ins, strict, create_graph,
                            "double_back_trick")
    return postprocess(outs, create_graph)[0], untuple(postprocess(res, create_graph), in_tuple)
