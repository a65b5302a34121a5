"""``out=`` and autograd, in torch's order.

torch's VariableType kernel of an ``out=`` overload refuses inputs (or an ``out``) that require grad
before the op's own kernel runs, so that refusal comes before the op's argument, dim and dtype
checks; composite ops (outer, msort, torch.norm, diff, ...) reach another op's ``out`` kernel and
are refused under that op's name.  Ops torch gives no derivative (their result's grad_fn is
``NotImplemented``: floor_divide, heaviside) are not refused: ``out`` takes that node, and only a
leaf ``out`` that requires grad is refused, as ``aten::<op>()``.
"""
from ..autograd.grad_mode import GRAD

# composite ops whose out= form writes through another op's out kernel: the name torch's refusal gives
OUT_GRAD_NAME = {"outer": "mul", "ger": "mul", "kron": "mul", "msort": "sort", "norm": "linalg_vector_norm",
                 "diff": "sub", "arctan2": "atan2"}

# differentiable TensorIterator / structured ops, each checked against torch: refused before their checks
REFUSED_FIRST = frozenset((
    "abs absolute acos acosh angle arccos arccosh arcsin arcsinh arctan arctanh asin asinh atan atanh "
    "ceil cos cosh deg2rad digamma erf erfc erfinv exp exp2 expm1 fix floor frac i0 lgamma "
    "log log10 log1p log2 logit nan_to_num neg negative rad2deg reciprocal round rsqrt sgn sigmoid sign "
    "sin sinc sinh sqrt square tan tanh trunc add arctan2 atan2 clamp clamp_max clamp_min clip copysign "
    "div divide fmax fmin fmod hypot ldexp logaddexp logaddexp2 max maximum min minimum mul multiply pow "
    "remainder sub subtract true_divide xlogy cat concat concatenate index_select sort "
    "cumsum cumprod lerp addcmul addcdiv where polygamma sum mean amax amin std var logsumexp mm mv addmm "
    "stack").split())


def refusal(name):
    return RuntimeError(f"{OUT_GRAD_NAME.get(name, name)}(): functions with out=... arguments don't support "
                        "automatic differentiation, but one of the arguments requires grad.")


def _requires_grad(values):
    for v in values:
        if isinstance(v, (tuple, list)):
            if _requires_grad(v):
                return True
        elif getattr(v, "_rg", False) is True:
            return True
    return False


def refuse_first(name, values, out):
    """Raise torch's refusal where it precedes the op's own error (called as that error propagates)."""
    if name in REFUSED_FIRST and GRAD.enabled and _requires_grad(list(values) + [out]):
        raise refusal(name) from None


def write_grad(name, r, out):
    """Whether ``out`` may take ``r`` (a result or ``out`` requiring grad); raises torch's refusal if not.
    After the copy, ``link(r, out)`` gives ``out`` r's NotImplemented node."""
    from ._no_derivative import NotImplemented
    if isinstance(r.grad_fn, NotImplemented) or (not r._rg and out._rg and name in ("floor_divide", "heaviside")):
        if out._rg and out.grad_fn is None:        # (a non-leaf out that requires grad is taken)
            raise RuntimeError(f"aten::{name}(): functions with out=... arguments don't support automatic "
                               "differentiation, but one of the arguments requires grad.")
        return
    raise refusal(name)


def link(r, out):
    if r._rg and out._data.shape == r._data.shape:
        out.grad_fn, out._rg = r.grad_fn, True
