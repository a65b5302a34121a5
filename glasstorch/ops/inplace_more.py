"""In-place shape changes (``squeeze_``, ``unsqueeze_``, ``t_``, ``transpose_``) and in-place
triangles.  A shape change in place swaps the tensor's array for a view of the same memory."""
from .inplace import commit, check_inplace
from . import shape, views, join


def _reshape_inplace(t, r):
    """Make ``t`` become the view ``r`` (same memory, new shape/strides) with its graph node."""
    check_inplace(t)
    t._data = r._data
    if r.grad_fn is not None:
        t.grad_fn, t._rg, t._out_nr = r.grad_fn, True, 0
    return t


def squeeze_(t, dim=None):
    return _reshape_inplace(t, shape.squeeze(t, dim))


def unsqueeze_(t, dim):
    return _reshape_inplace(t, shape.unsqueeze(t, dim))


def t_(t):
    return _reshape_inplace(t, views.t(t))


def transpose_(t, dim0, dim1):
    return _reshape_inplace(t, views.transpose(t, dim0, dim1))


def tril_(t, diagonal=0):
    return commit(t, lambda: join.tril(t, diagonal), "tril")


def triu_(t, diagonal=0):
    return commit(t, lambda: join.triu(t, diagonal), "triu")


def original(t):
    """``t`` as it is now, for an in-place op's backward to save (torch saves a copy of the
    original ``self`` when the derivative needs it; saving ``t`` itself would trip the version
    check as soon as the op writes its result).  Same graph position as ``t``."""
    from ..autograd.grad_mode import GRAD
    if not (GRAD.enabled and t._rg):
        return t
    from ._common import _wrap
    o = _wrap(t._data.copy(), t._rg)
    o.grad_fn, o._out_nr, o._accum = t.grad_fn, t._out_nr, t._accum
    return o
