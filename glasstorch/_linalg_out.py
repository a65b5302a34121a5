"""torch.linalg's ``out=`` dtype rules (``ops/_out.py`` writes the result; this checks ``out`` first).

Most linalg functions want ``out`` to have exactly the result's dtype, each with its own message;
``pinv``, ``matrix_rank``, ``cond``, ``tensorinv`` and ``tensorsolve`` cast into ``out`` as the torch
namespace does (``matrix_power`` checks the cast first, with its own message, then wants the dtype all
the same); ``_linalg_out_grad`` has eig's casts and the rules where autograd is involved.
"""
from ._dtype import _CPP, _SCALAR_TYPES

_CASTS = frozenset({"pinv", "matrix_rank", "cond", "tensorinv", "tensorsolve"})
_MESSAGES = {"norm": "linalg.norm expected out tensor dtype {W} but got: {G}",
             "matrix_norm": "linalg.matrix_norm expected out tensor dtype {W} but got: {G}",
             "vecdot": "linalg.vecdot: Expected out of dtype{W} but found {G}",
             "multi_dot": "multi_dot(): expected out tensor to have dtype {w} but got {g}",
             "matrix_power": "matrix_power: Expected result to be safely castable from {W} dtype, but got result "
                             "with dtype {G}"}
_GENERIC = "Expected out tensor to have dtype {w}, but got {g} instead"


def check_out(name, r, out):
    """Raise torch's error when an ``out`` tensor's dtype does not fit linalg function ``name``'s result;
    where a tensor involved requires grad, write ``out`` as torch does and return it (_linalg_out_grad)."""
    from ._linalg_out_grad import check_castable, refuse_first, write_tracked
    refuse_first(name, r, out)
    full, name = name, name[7:] if name.startswith("linalg_") else name     # (torch's linalg_ names)
    if check_castable(name, r, out) or name in _CASTS:
        return write_tracked(full, r, out)
    pairs = zip(r, out) if isinstance(r, tuple) and isinstance(out, (tuple, list)) else [(r, out)]
    for ri, oi in pairs:
        want, got = getattr(ri, "_data", None), getattr(oi, "_data", None)
        if want is None or got is None or want.dtype == got.dtype:
            continue
        msg = _MESSAGES.get(name, _GENERIC)
        if name == "matrix_power":          # first a cast check, then the dtype must match all the same
            from .ops._out import _can_cast
            msg = _GENERIC if _can_cast(want.dtype, got.dtype) else msg
        w, g = want.dtype.name, got.dtype.name
        raise RuntimeError(msg.format(W=_SCALAR_TYPES[w], G=_SCALAR_TYPES[g],
                                                                 w=_CPP[w], g=_CPP[g]))
    return write_tracked(full, r, out)
