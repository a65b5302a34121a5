"""In-place shape changes (``squeeze_``, ``unsqueeze_``, ``t_``, ``transpose_``) and in-place
triangles.  A shape change in place swaps the tensor's array for a view of the same memory."""
from .inplace import commit, check_inplace
from . import shape, views, join, select, logical


def _reshape_inplace(t, r, node_cls=None):
    """Make ``t`` become the view ``r`` (same memory, new shape/strides) with its graph node; torch
    names the in-place forms' nodes apart from the out-of-place ones (``squeeze_(d)``: SqueezeBackward4)."""
    from .._vmap_inplace_target import written
    if written("view", t):
        return t            # (an unbatched tensor's shape changes once under vmap: _vmap_inplace_target.py)
    check_inplace(t, expanded_ok=True)     # geometry only: torch writes no element, so an expanded t is fine
    t._data = r._data
    t._vc[0] += 1          # torch counts a change of geometry as a change of the tensor
    if r.grad_fn is not None:
        if node_cls is not None:
            r.grad_fn.__class__ = node_cls
        t.grad_fn, t._rg, t._out_nr = r.grad_fn, True, 0
    return t


class SqueezeBackward3(shape.SqueezeBackward0):
    """y = x.squeeze_()   ->   dx = g.reshape(x.shape)"""
    __slots__ = ()


class SqueezeBackward5(shape.SqueezeBackward0):
    """y = x.squeeze_(dims)   ->   dx = g.reshape(x.shape)"""
    __slots__ = ()


def _renamed(base, name, doc):
    return type(name, (base,), {"__slots__": (), "__doc__": doc})


def squeeze_(t, dim=None):
    node = SqueezeBackward3 if dim is None else (SqueezeBackward5 if isinstance(dim, (tuple, list))
                                                 else shape.SqueezeBackward4)
    return _reshape_inplace(t, shape.squeeze(t, dim), node)


def unsqueeze_(t, dim):
    r = shape.unsqueeze(t, dim)
    return _reshape_inplace(t, r, _in_place_cls(r.grad_fn))


def t_(t):
    r = views.t(t)
    return _reshape_inplace(t, r, _in_place_cls(r.grad_fn))


def transpose_(t, dim0, dim1):
    r = views.transpose(t, dim0, dim1)
    return _reshape_inplace(t, r, _in_place_cls(r.grad_fn))


# the in-place twins of the view nodes: same backward, torch's names
_IN_PLACE = {cls: _renamed(cls, cls.__name__[:-1] + "1", (cls.__doc__ or "").replace("(", "_(", 1))
             for cls in (shape.UnsqueezeBackward0, views.TBackward0, views.TransposeBackward0)}


def _in_place_cls(node):
    """The in-place node class for the view node ``node`` (None: keep it); a complex output's node
    is the complex twin of a view node (ops/complex_grad.py), and gets the twin of the renamed one."""
    cls = type(node)
    if cls in _IN_PLACE:
        return _IN_PLACE[cls]
    if getattr(cls, "_complex_ready", False) and cls.__base__ in _IN_PLACE:
        from .complex_grad import _twin
        return _twin(_IN_PLACE[cls.__base__])
    return None


def tril_(t, diagonal=0):
    return commit(t, lambda: join.tril(t, diagonal), "tril")


def triu_(t, diagonal=0):
    return commit(t, lambda: join.triu(t, diagonal), "triu")


def sign_(t):
    return commit(t, lambda: select.sign(t), "sign")


def sgn_(t):
    return commit(t, lambda: logical.sgn(t), "sgn")


def original(t):
    """``t`` as it is now, for an in-place op's backward to save (torch saves a copy of the
    original ``self`` when the derivative needs it; saving ``t`` itself would trip the version
    check as soon as the op writes its result).  Same graph position as ``t``."""
    from ..autograd.grad_mode import GRAD
    if not GRAD.enabled:
        return t
    if not t._rg:       # no history, but another input's gradient may read it: a copy the write leaves alone
        from ._common import _wrap
        return _wrap(t._data.copy(order="K"))     # (t's layout, as clone keeps it: the loop over t reads it)
    c = t.clone()       # torch's ``original_self = self.clone()``: a CloneBackward0 under create_graph
    c.grad_fn._inplace_original = True      # commit() links the in-place node past it, to t's history
    return c
