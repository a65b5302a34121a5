"""``x[index]`` and ``x[index] = value`` with torch's semantics.

torch reads an index left to right: ``None`` unsqueezes, an integer selects, a slice narrows
(each a view with its own node: UnsqueezeBackward0, SelectBackward0, SliceBackward0); whatever
integer tensors, lists and boolean masks remain are applied last, together, as one advanced
index (a copy: IndexBackward0).  Integers are applied *before* the advanced index, so
``b[[0, 1], :, 0]`` keeps the advanced dimension in place where NumPy would move it to the front.

Gradients of copies are written through flat positions: ``pos = arange(numel).reshape(shape)``
indexed like the data says which input element each output element came from.
"""
import numpy as np

from ..autograd.graph import Node
from ._common import GRAD, Tensor, _wrap, record, record1, needs_grad
from .shape import as_view, is_array, unsqueeze
from .views import select, SliceBackward0, _record_index, scatter_into
from .inplace import check_inplace, check_overlap, check_put_overlap, LEAF_INPLACE, VIEW_LEAF_INPLACE, refresh_views, \
    views_follow, rebase_view, writes_through_view
from ._scalar_cast import checked_scalar
from .index_layout import adv_result
from .fill import copy_  # noqa: F401  (re-exported for callers that write whole tensors)
from .setitem_whole import check_expand as _check_expand, copy_source, is_whole, write_whole

from .index_parse import (BYTE_FILL, BYTE_INDEX, SEQ_AS_TUPLE, check_put_dtype, parse,  # noqa: F401
                          seq_as_tuple, warn_byte_index)


class IndexBackward0(Node):
    """y = x[indices]   ->   dx = zeros, with g added at the indexed positions (repeats add up)"""
    __slots__ = ("shape", "sel")

    def backward(self, g):
        self.saved()            # (torch saves the index tensors: freed after a backward, version-checked)
        return (add_at_positions(self.m, g, self.shape, self.sel, "IndexPutImplBackward0"),)


def add_at_positions(m, g, shape, sel, name=None):
    """Zeros of ``shape`` plus ``g`` added at flat positions ``sel`` (an int array shaped like g).  A
    recorded ``g`` (create_graph) gives a result hanging from torch's node ``name``, if given."""
    n = int(np.prod(shape))
    if name is not None and not is_array(g):
        from .slice_double import scatter_add_graph
        return scatter_add_graph(g, shape, sel, name)
    if is_array(g):
        out = np.zeros(n, g.dtype)
        np.add.at(out, sel.reshape(-1), np.reshape(g, -1))
        return out.reshape(shape)
    return m.zeros(n, dtype=g.dtype).index_add(0, m.tensor(sel.reshape(-1)), g.reshape(-1)).reshape(shape)


def positions(shape):
    return np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape)


def getitem(input, index):
    index = seq_as_tuple(index)
    x = input._data
    steps, basic, adv = parse(x.shape, index)
    if not (GRAD.enabled and input._rg):
        if not steps and adv is None:
            return _alias(input)
        if not steps:
            r = input
        elif any(st[0] == "none" for st in steps):
            r = _apply_steps(input, steps)      # unsqueeze's strides (NumPy's newaxis has stride 0)
        else:
            r = as_view(input, x[basic])
        return _wrap(adv_result(r._data, adv)) if adv is not None else r
    cur = _apply_steps(input, steps)
    if adv is None:
        return cur if steps else _alias(input)
    r = _wrap(adv_result(cur._data, adv))
    node = IndexBackward0()
    node.shape = cur._data.shape
    node.sel = positions(cur._data.shape)[adv]
    node.save(*_index_tensors(index))
    return record1(node, r, cur)


def _index_tensors(index):
    """What torch's IndexBackward0 saves: the index's tensors as given (a bool mask as bool), a list as
    the long tensor torch makes of it; slices, None, Ellipsis and ints are not tensors."""
    out = []
    for item in index if isinstance(index, tuple) else (index,):
        if isinstance(item, Tensor):
            out.append(item)
        elif isinstance(item, (list, np.ndarray)):
            out.append(_wrap(np.asarray(item)))
    return out


def _apply_steps(input, steps):
    """The basic steps one view at a time, left to right, as torch takes them."""
    cur = input
    for st in steps:
        if st[0] == "none":
            cur = unsqueeze(cur, st[1])
        elif st[0] == "int":
            cur = select(cur, st[1], st[2])
        else:
            idx = (slice(None),) * st[1] + (slice(st[2], st[3], st[4]),)
            cur = _record_index(SliceBackward0, cur, as_view(cur, cur._data[idx]), idx)
    return cur


class AliasBackward0(Node):
    """y = x (a new view of all of x)   ->   dx = g"""
    __slots__ = ()

    def backward(self, g):
        return (g,)


def _alias(input):
    r = as_view(input, input._data.view())
    if GRAD.enabled and input._rg:
        record1(AliasBackward0(), r, input)
    return r


# ---- writing ---------------------------------------------------------------------------------------
class CopySlices(Node):
    """x[basic index] = v   ->   dx = g with the written region zeroed,   dv = g[region]"""
    __slots__ = ("sel", "vshape")

    def name(self):
        # torch's C++ name, as its name() gives (IndexPutBackward0, a subclass here, is a plain node)
        return "torch::autograd::CopySlices" if type(self) is CopySlices else type(self).__name__

    def backward(self, g):
        return _put_backward(self, g)


class IndexPutBackward0(CopySlices):
    """x[indices] = v   ->   dx = g with the written positions zeroed,   dv = g at those positions"""
    __slots__ = ()


def _put_backward(node, g):
    sel = node.sel
    if is_array(g):
        gx = np.array(g, order="C")         # (reshape(-1) of another layout would be a copy: zeros lost)
        gx.reshape(-1)[sel.reshape(-1)] = 0
        gv = np.reshape(g, -1)[sel]
    else:       # create_graph: torch's copy_ / index_put_ gradients, built from differentiable ops
        from .copy_slices_double import put_backward_graph
        return put_backward_graph(node, g)
    if node.vshape is not None and len(node.vshape) > gv.ndim:
        gv = gv.reshape(node.vshape) if is_array(gv) else gv.reshape(node.vshape)
    return gx, gv


def setitem(input, index, value):
    index = seq_as_tuple(index)
    if index is False:                      # torch writes nothing, and checks nothing
        return None
    if index is True:                       # torch: a plain copy into x.unsqueeze(0)
        index = None
    x = input._data
    is_t = isinstance(value, Tensor)
    if not is_t and not isinstance(value, (int, float, complex)):      # (bool is an int)
        from .conversion import legacy_type
        from .._sizes import _type_name
        raise TypeError(f"can't assign a {_type_name(value)} to a {legacy_type(input)}")
    one = not is_t or value._data.size == 1
    byte_masks = []
    steps, basic, adv = parse(x.shape, index, byte_masks)     # checks the mask's shape first
    if byte_masks:
        refuse_byte_fill(adv, one)
        for _ in byte_masks:
            warn_byte_index()
    # torch writes by copy_ (no gradient into an integer tensor), fill_ (a 0-d value into more) or index_put_
    fills = adv is not None or (is_t and value._data.ndim == 0 and x[basic].ndim > 0)
    value_rg = is_t and value._rg and (x.dtype.kind in "fc" or fills)
    track = GRAD.enabled and (input._rg or value_rg)
    whole = adv is None and is_whole(index, x.shape)        # x[:] = v: no view, torch's copy_to
    if GRAD.enabled and input.__dict__ and input.__dict__.get("_made_in"):
        from ._view_creation import check_write_into
        check_write_into(input, [] if whole else steps, input._rg or value_rg)
    if GRAD.enabled and input._rg and input.grad_fn is None:
        raise RuntimeError(LEAF_INPLACE if adv is not None or whole else VIEW_LEAF_INPLACE)
    check_inplace(input, expanded_ok=True)
    target = x[basic]
    from .expanded_writes import check_setitem       # an expanded target: refused or warned, as torch
    check_setitem(target, adv, value._data if is_t else value,
                  (lambda: _check_expand(value._data.shape, target.shape, value._data.dtype)) if is_t else None)
    if type(value) is int and not -2 ** 63 <= value < 2 ** 63:
        raise ValueError("Overflow when unpacking long long")     # torch reads x[i] = v's int as int64
    if is_t and adv is not None and value.dim() and value.shape[0] == 1:
        value = _strip_leading_ones(value)
    # torch checks a Python value's range as fill_ does, except for float16 (too big -> inf)
    v = value._data if is_t else value if x.dtype == np.float16 else checked_scalar(value, x.dtype)
    if is_t and value._data.size == 1 and _lone_bool_mask(index):
        # torch's index_put_ turns one value under a lone bool mask into masked_fill_(mask, value.item()):
        # the value's range is checked as a Python number's (uint8 x[m] = tensor(300) raises)
        checked_scalar(value._data.reshape(()).item(), x.dtype)
    if adv is None:
        if is_t:
            _check_expand(v.shape, target.shape, v.dtype)
            if v.dtype.kind == "c" and x.dtype.kind != "c":
                from .conversion import _complex_to_real
                v = _complex_to_real(v)      # torch's copy_ into the view: the real part, warned once
            if v.ndim > target.ndim:
                v = v.reshape(v.shape[v.ndim - target.ndim:])
            # torch's copy_ into the view: a value sharing part of its memory is refused (an expanded one is
            # not judged, as torch judges only dense tensors)
            check_overlap(_wrap(target), _wrap(np.broadcast_to(v, target.shape)))
        if whole and track:
            write_whole(input, value, v)
            return None
        np.copyto(target, v, casting="unsafe")
    else:
        shape = np.empty(target.shape, np.bool_)[adv].shape if is_t else ()
        if is_t:
            if v.size > 1:      # index_put_ refuses a value sharing any memory with the view it writes
                check_put_overlap(target, v)
            try:
                np.broadcast_shapes(v.shape, shape)
                np.broadcast_to(v, shape)
            except ValueError:
                raise RuntimeError(f"shape mismatch: value tensor of shape {list(v.shape)} cannot be broadcast "
                                   f"to indexing result of shape {list(shape)}") from None
        check_put_dtype(x, value, adv)
        target[adv] = v
    input._vc[0] += 1
    if track:
        if is_t and adv is None and value._rg:      # torch's copy_to views and expands the value first
            value = copy_source(value, target.shape)
        # torch runs index_put_ on the view the ints, slices and Nones made, so any such step
        # makes the write a CopySlices on the base (same gradient, different name)
        node = (IndexPutBackward0 if adv is not None and not steps else CopySlices)()
        sel = positions(x.shape)[basic]
        # laid out as torch's grad.index(indices) lays out the value's gradient (NumPy's fancy index keeps
        # sel's layout), so a broadcast value's gradient is summed in torch's order
        node.sel = adv_result(sel, adv) if adv is not None else sel
        node.vshape = value._data.shape if is_t else None
        old = _wrap(x)                      # stands for the tensor as it was, for its edge
        old.grad_fn, old._rg, old._out_nr = input.grad_fn, input._rg, input._out_nr
        old._accum = input._accum
        record(node, input, old, value if is_t else None)
        input._out_nr = 0
        if input._base is None:
            refresh_views(input)
        elif writes_through_view(input):        # a write into a view changes its base: CopySlices there
            rebase_view(input, input.grad_fn)
            refresh_views(input._base)
    elif input._base is not None or input.__dict__:
        views_follow(input)
    return None


def _strip_leading_ones(value):
    """torch's setitem hands index_put_ the value viewed without its leading 1s (slicePrefix1sSize):
    its shape-mismatch message shows that shape, and a (1, n, m) value fills an (n, m) result."""
    kept = list(value.shape)
    while kept and kept[0] == 1:
        kept.pop(0)
    return value.view(kept)


def _lone_bool_mask(index):
    """Whether the (tuple) index holds exactly one tensor index, a bool mask of at least one dim (ints,
    slices, None and Ellipsis aside)."""
    parts = index if isinstance(index, tuple) else (index,)
    tensors = [p for p in parts if isinstance(p, Tensor)]
    others = [p for p in parts if not isinstance(p, (Tensor, int, slice, type(None), type(Ellipsis)))]
    return len(tensors) == 1 and not others and tensors[0]._data.dtype == np.bool_ and tensors[0]._data.ndim > 0


def refuse_byte_fill(indices, one_value):
    """torch's index_put_ turns a write of one value under a lone mask into masked_fill_, which
    refuses a uint8 mask (call only when the indices hold a uint8 mask)."""
    used = [a for a in indices if a is not None and not isinstance(a, slice)]
    if one_value and len(used) == 1:
        raise RuntimeError(BYTE_FILL)


__all__ = ["getitem", "setitem", "parse", "refuse_byte_fill", "warn_byte_index", "add_at_positions", "positions", "scatter_into"]
