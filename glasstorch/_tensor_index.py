"""Tensor methods that index: ``t[i]``, gather/scatter, index_*, masked_*, take, nonzero, where.

Each method is a one-line call of an op in ``glasstorch/ops/``; ``Tensor`` inherits them through
``TensorSurface``.  ``O`` (glasstorch/_ops_index.py) loads each op module on first use.
"""
from . import _ops_index as O


class TensorIndex:
    __slots__ = ()

    # ---- indexing ------------------------------------------------------------------------------
    def __getitem__(self, index):
        return O.index.getitem(self, index)

    def __setitem__(self, index, value):
        from . import _func_captures
        if _func_captures.LEVELS:
            _func_captures.check(self, _func_captures.setitem_op(index))
        from ._vmap_inplace_target import written
        if written("setitem", self, value, index, args={"value": value}):
            return                          # (made once, by vmap's first entry: _vmap_inplace_target.py)
        O.index.setitem(self, index, value)

    def index_select(self, dim, index):
        return O.gather.index_select(self, dim, index)

    def gather(self, dim, index, *, sparse_grad=False):
        return O.gather.gather(self, dim, index)

    def scatter(self, dim, index, src=None, *, value=None, reduce=None):
        return O.gather.scatter(self, dim, index, src, value=value, reduce=reduce)

    def scatter_(self, dim, index, src=None, *, value=None, reduce=None):
        return O.gather.scatter_(self, dim, index, src, value=value, reduce=reduce)

    def scatter_add(self, dim, index, src):
        return O.gather.scatter_add(self, dim, index, src)

    def scatter_add_(self, dim, index, src):
        return O.gather.scatter_add_(self, dim, index, src)

    def index_add(self, dim, index, source, *, alpha=1):
        return O.gather.index_add(self, dim, index, source, alpha=alpha)

    def index_add_(self, dim, index, source, *, alpha=1):
        return O.gather.index_add_(self, dim, index, source, alpha=alpha)

    def index_fill(self, dim, index, value):
        return O.gather.index_fill(self, dim, index, value)

    def index_fill_(self, dim, index, value):
        return O.gather.index_fill_(self, dim, index, value)

    def masked_fill(self, mask, value):
        return O.gather.masked_fill(self, mask, value)

    def masked_fill_(self, mask, value):
        return O.gather.masked_fill_(self, mask, value)

    def masked_select(self, mask):
        return O.gather.masked_select(self, mask)

    def take(self, index):
        return O.gather.take(self, index)

    def nonzero(self, *, as_tuple=False):
        return O.gather.nonzero(self, as_tuple=as_tuple)

    def argwhere(self, *args):
        if args:            # torch's C method takes none: Python's METH_NOARGS message
            raise TypeError(f"TensorBase.argwhere() takes no arguments ({len(args)} given)")
        return O.gather.argwhere(self)

    def nonzero_static(self, *args, **kwargs):
        from ._api_legacy import nonzero_static_method
        return nonzero_static_method(self, *args, **kwargs)

    def where(self, condition, other):
        return O.select.where(condition, self, other)
