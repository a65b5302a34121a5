"""functorch's refusal to mutate a captured tensor inside grad / vjp / jvp / jacrev / jacfwd / hessian.

In torch, a tensor that a function transformed by one of these transforms did not create itself, and did not
receive as a differentiated input, is "captured": the transform sees it unwrapped (or wrapped as immutable),
and an in-place op on it, or on a view or alias of it, fails with
"During a grad (vjp, jvp, grad, etc) transform, the function provided attempted to call in-place operation
(aten::add_.Tensor) that would mutate a captured Tensor. ...".  The everyday case: a BatchNorm module in
training mode inside torch.func.grad (its ``num_batches_tracked += 1``).

glasstorch's transforms run the function on its tape.  Each running grad-like transform keeps a set here: the
ids of the version counters of the tensors born while it runs (a version counter is shared by a tensor, its
views and its detached aliases: one storage) and of its inputs.  An in-place op checks its target against
the innermost set.  A captured tensor is alive for the whole transform, so no tensor born inside can reuse the
id of its counter.  Pure vmap does not count: torch's vmap allows such writes (its own rules are elsewhere)."""

LEVELS = []         # one set per running grad-like transform, innermost last
PENDING = []        # counters of inputs tracked for the transform that is about to start

MESSAGE = ("During a grad (vjp, jvp, grad, etc) transform, the function provided attempted to call in-place "
           "operation ({}) that would mutate a captured Tensor. This is not supported; please rewrite the function "
           "being transformed to explicitly accept the mutated Tensor(s) as inputs.")

# glasstorch's in-place op names (inplace.commit's) -> torch's operator overloads, where not aten::<name>_
_OVERLOADS = {"add": "aten::add_.Tensor", "sub": "aten::sub_.Tensor", "mul": "aten::mul_.Tensor",
              "div": "aten::div_.Tensor", "fill": "aten::fill_.Scalar", "pow": "aten::pow_.Scalar",
              "masked_fill": "aten::masked_fill_.Scalar", "lerp": "aten::lerp_.Scalar",
              "index_fill": "aten::index_fill_.int_Scalar", "scatter": "aten::scatter_.src"}


def push():
    """A grad-like transform starts: its set begins with the inputs it tracked."""
    LEVELS.append({*PENDING})
    PENDING.clear()


def pop():
    LEVELS.pop()


def born(t):
    """``t`` (a new storage) was created while transforms run: it belongs to each of them."""
    i = id(t._vc)
    for s in LEVELS:
        s.add(i)


def alias(new, source):
    """``new`` got a version counter of its own but shares ``source``'s memory (``.data``): the same status."""
    i, j = id(source._vc), id(new._vc)
    for s in LEVELS:
        if i in s:
            s.add(j)


def track(leaf):
    """``leaf`` is a differentiated input of the transform about to start."""
    PENDING.append(id(leaf._vc))


class _Everything(set):
    """The set of a stretch where every tensor counts as the transform's own."""

    def __contains__(self, item):
        return True


def unchecked(fn):
    """``fn`` may write into captured tensors: torch's ``_foreach_*_`` ops return nothing, so functorch
    does not take them for in-place ops and lets them through."""
    import functools

    @functools.wraps(fn)
    def run(*args, **kwargs):
        if not LEVELS:
            return fn(*args, **kwargs)
        LEVELS.append(_Everything())
        try:
            return fn(*args, **kwargs)
        finally:
            LEVELS.pop()
    return run


def setitem_op(index):
    """The op torch's ``t[index] = v`` runs: copy_ into a view for basic indexing, index_put_ otherwise."""
    parts = index if isinstance(index, tuple) else (index,)
    basic = all(p is None or p is Ellipsis or isinstance(p, (int, slice)) and not isinstance(p, bool) for p in parts)
    return "aten::copy_" if basic else "aten::index_put_"


REQUIRES_GRAD = ("You are attempting to call Tensor.requires_grad_() (or perhaps using torch.autograd.functional.* "
                 "APIs) inside of a function being transformed by a functorch transform. This is unsupported, please "
                 "attempt to use the functorch transforms (e.g. grad, vjp, jacrev, jacfwd, hessian) or call "
                 "requires_grad_() outside of a function being transformed instead.")


def requires_grad_in_transform():
    """``Tensor.requires_grad_`` called while a torch.func transform (vmap too) runs the user's function:
    torch refuses it.  glasstorch's own code (its transforms track their inputs this way) is let through:
    the caller is looked at."""
    import sys
    caller = sys._getframe(2).f_globals.get("__name__", "")
    if not (caller == "glasstorch" or caller.startswith("glasstorch.")):
        raise RuntimeError(REQUIRES_GRAD)


def check(t, op):
    """Refuse, as functorch does, an in-place op (torch's operator name ``op``, or glasstorch's commit name)
    on a tensor captured by the innermost running grad-like transform."""
    if LEVELS and id(t._vc) not in LEVELS[-1]:
        if not op.startswith("aten::"):
            op = _OVERLOADS.get(op, f"aten::{op}_")
        raise RuntimeError(MESSAGE.format(op))
