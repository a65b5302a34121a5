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
from .inplace import check_inplace, LEAF_INPLACE, VIEW_LEAF_INPLACE
from ._scalar_cast import checked_scalar
from .fill import copy_  # noqa: F401  (re-exported for callers that write whole tensors)
from .setitem_whole import check_expand as _check_expand, copy_source, is_whole, write_whole

_INVALID = ("only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices "
            "(got {})")


# torch still takes a uint8 tensor as a mask, with this deprecation warning (an index_put_ that
# becomes masked_fill_ raises instead: see ``refuse_byte_fill``)
BYTE_INDEX = ("indexing with dtype torch.uint8 is now deprecated, please use a dtype torch.bool instead. "
              "(Triggered internally at /__w/pytorch/pytorch/aten/src/ATen/native/IndexingUtils.h:37.)")
BYTE_FILL = "masked_fill_ only supports boolean masks, but got mask with dtype unsigned char"
_INDEX_DTYPES = (np.dtype(np.int64), np.dtype(np.int32), np.dtype(np.uint8), np.dtype(np.bool_))


def warn_byte_index():
    from .._user_warning import warn_at_caller
    warn_at_caller(BYTE_INDEX)


SEQ_AS_TUPLE = (
    "Using a non-tuple sequence for multidimensional indexing is deprecated and will be changed in pytorch 2.9; "
    "use x[tuple(seq)] instead of x[seq]. In pytorch 2.9 this will be interpreted as tensor index, "
    "x[torch.tensor(seq)], which will result either in an error or a different result (Triggered internally at "
    "/__w/pytorch/pytorch/torch/csrc/autograd/python_variable_indexing.cpp:{}.)")


def seq_as_tuple(index):
    """torch's treatSequenceAsTuple: a list (or other non-tuple sequence) shorter than 32 holding a
    tensor, a sequence, a slice, ``...`` or None is read as a tuple of indices, with a warning."""
    if isinstance(index, (tuple, Tensor, str, bytes, np.ndarray)) or not isinstance(index, (list, range)):
        return index
    if len(index) >= 32:
        return index
    for it in index:
        line = 349 if isinstance(it, (Tensor, list, tuple, range, str, slice)) else \
            359 if it is None or it is Ellipsis else None      # torch's two TORCH_WARN sites
        if line is not None:
            from .._user_warning import warn_at_caller
            warn_at_caller(SEQ_AS_TUPLE.format(line))
            return tuple(index)
    return index


def _as_index_array(item):
    """An integer tensor, bool mask or list as a NumPy index array (None if ``item`` is not one)."""
    if isinstance(item, Tensor):
        a = item._data
        if a.dtype not in _INDEX_DTYPES:         # torch refuses int8/int16 index tensors too
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    elif isinstance(item, np.ndarray):
        a = item
    elif isinstance(item, (list, tuple, range)):      # torch takes any Python sequence of indices
        a = np.asarray([int(v) if isinstance(v, Tensor) else v for v in item])
        if a.dtype.kind == "f":
            a = a.astype(np.int64)
    else:
        return None
    if a.dtype.kind not in "biu":
        raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    return a


def parse(shape, index, byte_masks=None):
    """Split ``index`` into steps on ``shape``: a list of basic steps, then the advanced part.

    Returns (steps, basic, adv): basic is the NumPy index doing all the steps at once; steps are ("none", d) / ("int", d, i) / ("slice", d, start, stop, step),
    dims counted on the tensor as it is when the step runs; adv is None or a tuple of index
    arrays and ``slice(None)`` over the dims left after the steps.  uint8 tensors become bool
    masks: each is warned about, or appended to ``byte_masks`` when the caller decides (setitem)."""
    single_slice = isinstance(index, slice)
    if not isinstance(index, tuple):
        index = (index,)
    items = []
    for it in index:
        a = it._data if isinstance(it, Tensor) else it
        if isinstance(a, np.ndarray) and a.ndim == 0 and a.dtype in (np.bool_, np.uint8):
            # a 0-d bool or byte tensor is read as a Python bool (silently, as torch's Python
            # indexing does): a new dim of size 1, kept or emptied
            it = bool(a)
        elif isinstance(it, Tensor) and it._data.dtype == np.uint8:
            # any other byte tensor is a deprecated mask
            if byte_masks is None:
                warn_byte_index()
            else:
                byte_masks.append(it)
            it = it._data.astype(np.bool_)
        elif isinstance(it, Tensor) and it._data.ndim == 0 and it._data.dtype.kind in "iu":
            it = int(it._data)
        elif isinstance(it, (np.integer,)):
            it = int(it)
        items.append(it)
    n_used = 0
    for it in items:
        if it is None or it is Ellipsis or isinstance(it, bool):
            continue
        a = None if isinstance(it, (int, slice)) else _as_index_array(it)
        n_used += a.ndim if a is not None and a.dtype == np.bool_ else 1
    ndim = len(shape)
    if n_used > ndim:
        if ndim == 0:
            raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` "
                             "in C++ to convert a 0-dim tensor to a number")
        raise IndexError(f"too many indices for tensor of dimension {ndim}")
    steps, adv, d, cur, basic = [], {}, 0, list(shape), []
    # torch's messages: an int names its place in the index, an index tensor its place among the index
    # tensors (a mask counting as one per dim), as aten's index kernel sees them
    # (the ints are selected first, so the tensors' errors wait for the whole index to be read)
    n_tensors, mask_err, bound_err = 0, None, None
    for pos, it in enumerate(items):
        if it is Ellipsis:
            skip = ndim - n_used
            basic.extend([slice(None)] * skip)
            d += skip
            n_used = ndim                     # a second Ellipsis skips nothing
        elif it is None:
            steps.append(("none", d))
            basic.append(None)
            cur.insert(d, 1)
            d += 1
        elif isinstance(it, bool):
            # torch: a new dim of size 1, indexed by [0] (True) or by nothing (False) -- a copy
            steps.append(("none", d))
            basic.append(None)
            cur.insert(d, 1)
            adv[d] = np.zeros(1 if it else 0, np.int64)
            d += 1
            n_tensors += 1
        elif isinstance(it, int):
            size = cur[d]
            if not -size <= it < size:
                raise IndexError(f"index {it} is out of bounds for dimension {pos} with size {size}")
            steps.append(("int", d, it))
            basic.append(it)
            cur.pop(d)
        elif isinstance(it, slice):
            size = cur[d]
            step = 1 if it.step is None else int(it.step)
            if step == 0:
                raise ValueError("slice step cannot be zero")          # (Python's own slice message)
            if step < 0:
                raise ValueError("step must be greater than zero")
            start, stop, _ = slice(it.start, it.stop, 1).indices(size)
            stop = max(stop, start)
            basic.append(slice(start, stop, step))
            # torch skips a slice that keeps the whole dim only when it is written so: its start 0 or
            # left out (x[0, -2:] on a dim of 2 is still a SliceBackward0), its stop at or past the end
            if single_slice or not (start == 0 and stop == size and step == 1 and
                                    (it.start is None or it.start == 0)):
                steps.append(("slice", d, start, stop, step))
                cur[d] = len(range(start, stop, step))
            d += 1
        else:
            a = _as_index_array(it)
            if a is None:
                from .._sizes import _type_name
                raise IndexError(_INVALID.format(_type_name(it)))
            if a.dtype == np.bool_:
                got = tuple(cur[d:d + a.ndim])
                for k, (m, s) in enumerate(zip(a.shape, got)):
                    if m != s:
                        # torch names the whole tensor as all the ints, slices and Nones leave it
                        # (the later ones too), so the message is written once they are read
                        mask_err = mask_err or (list(a.shape), k, d + k)
                adv[d] = a
                basic.extend([slice(None)] * a.ndim)
                d += a.ndim
                n_tensors += a.ndim
            else:
                size = cur[d]
                if a.size and (a.max() >= size or a.min() < -size) and bound_err is None:
                    bad = int(a.max()) if a.max() >= size else int(a.min())
                    bound_err = IndexError(f"index {bad} is out of bounds for dimension {n_tensors} with size {size}")
                adv[d] = a.astype(np.int64, copy=False)
                basic.append(slice(None))
                d += 1
                n_tensors += 1
    basic = tuple(basic) + (Ellipsis,)        # Ellipsis: all-integer indexing still gives a 0-d view
    if mask_err is not None:
        mask, k, at = mask_err
        raise IndexError(f"The shape of the mask {mask} at index {k} does not match the shape of the indexed "
                         f"tensor {list(cur)} at index {at}")
    if not adv:
        return steps, basic, None
    bshape = _check_broadcast(adv)
    if bound_err is not None:
        # torch's kernel checks the indices it reads: none when the result is empty
        covered = {k for d, a in adv.items() for k in range(d, d + (a.ndim if a.dtype == np.bool_ else 1))}
        if np.prod(bshape) and all(cur[k] for k in range(len(cur)) if k not in covered):
            raise _first_out_of_bounds(adv, cur, bshape)
        for d, a in adv.items():         # nothing is read: any in-range stand-in keeps NumPy quiet
            if a.dtype != np.bool_ and cur[d]:
                adv[d] = np.clip(a, -cur[d], cur[d] - 1)
    full, k = [], 0
    while k < len(cur):
        if k in adv:
            full.append(adv[k])
            k += adv[k].ndim if adv[k].dtype == np.bool_ else 1
        else:
            full.append(slice(None))
            k += 1
    return steps, basic, tuple(full)


def _first_out_of_bounds(adv, cur, bshape):
    """torch's kernel reads the indices element by element (every index tensor at one position, in
    order, then the next position): the first out-of-range value it meets is the one it names."""
    bad, where, n = [], [], 0
    for d in sorted(adv):
        a = adv[d]
        if a.dtype == np.bool_:
            n += a.ndim
            continue
        size = cur[d]
        bad.append(np.broadcast_to((a >= size) | (a < -size), bshape).reshape(-1))
        where.append((n, size, np.broadcast_to(a, bshape).reshape(-1)))
        n += 1
    table = np.stack(bad)
    col = int(np.argmax(table.any(axis=0)))
    dim, size, values = where[int(np.argmax(table[:, col]))]
    return IndexError(f"index {int(values[col])} is out of bounds for dimension {dim} with size {size}")


def _check_broadcast(adv):
    """torch's error when the index tensors do not broadcast; a mask counts as ndim index tensors of
    shape [number of Trues], as torch turns it into ``mask.nonzero()`` columns first."""
    shapes = []
    for d in sorted(adv):
        a = adv[d]
        shapes.extend([(int(np.count_nonzero(a)),)] * a.ndim if a.dtype == np.bool_ else [a.shape])
    try:
        return np.broadcast_shapes(*shapes)
    except ValueError:
        raise IndexError("shape mismatch: indexing tensors could not be broadcast together with shapes "
                         + ", ".join(str(list(s)) for s in shapes)) from None


def check_put_dtype(x, value, indices):
    """torch's ``index_put_`` (which ``x[adv] = v`` calls): one single-element value under a lone
    bool mask becomes ``masked_fill_`` (the value is cast); any other tensor value must already have
    the destination's dtype.  ``indices``: the index arrays, None / slices for untouched dims."""
    if not isinstance(value, Tensor) or value._data.dtype == x.dtype:
        return
    used = [a for a in indices if a is not None and not isinstance(a, slice)]
    if value._data.size == 1 and len(used) == 1 and used[0].dtype == np.bool_:
        return
    from ._out import _NAMES
    raise RuntimeError(f"Index put requires the source and destination dtypes match, got "
                       f"{_NAMES.get(x.dtype.name, x.dtype.name)} for the destination and "
                       f"{_NAMES.get(value._data.dtype.name, value._data.dtype.name)} for the source.")


# ---- reading ---------------------------------------------------------------------------------------
class IndexBackward0(Node):
    """y = x[indices]   ->   dx = zeros, with g added at the indexed positions (repeats add up)"""
    __slots__ = ("shape", "sel")

    def backward(self, g):
        return (add_at_positions(self.m, g, self.shape, self.sel),)


def add_at_positions(m, g, shape, sel):
    """Zeros of ``shape`` plus ``g`` added at flat positions ``sel`` (an int array shaped like g)."""
    n = int(np.prod(shape))
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
        r = as_view(input, x[basic]) if steps else input
        return _wrap(r._data[adv]) if adv is not None else r
    cur = input
    for st in steps:
        if st[0] == "none":
            cur = unsqueeze(cur, st[1])
        elif st[0] == "int":
            cur = select(cur, st[1], st[2])
        else:
            idx = (slice(None),) * st[1] + (slice(st[2], st[3], st[4]),)
            cur = _record_index(SliceBackward0, cur, as_view(cur, cur._data[idx]), idx)
    if adv is None:
        return cur if steps else _alias(input)
    r = _wrap(cur._data[adv])
    node = IndexBackward0()
    node.shape = cur._data.shape
    node.sel = positions(cur._data.shape)[adv]
    return record1(node, r, cur)


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
        gx = np.array(g)
        gx.reshape(-1)[sel.reshape(-1)] = 0
        gv = np.reshape(g, -1)[sel]
    else:
        m = node.m
        flat = m.tensor(sel.reshape(-1))
        gx = g.reshape(-1).index_fill(0, flat, 0).reshape(g.shape)
        gv = g.reshape(-1)[m.tensor(sel)]
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
    track = GRAD.enabled and (input._rg or (is_t and value._rg))
    whole = adv is None and is_whole(index, x.shape)        # x[:] = v: no view, torch's copy_to
    if GRAD.enabled and input._rg and input.grad_fn is None:
        raise RuntimeError(LEAF_INPLACE if adv is not None or whole else VIEW_LEAF_INPLACE)
    check_inplace(input)
    target = x[basic]
    if type(value) is int and not -2 ** 63 <= value < 2 ** 63:
        raise ValueError("Overflow when unpacking long long")     # torch reads x[i] = v's int as int64
    # torch checks a Python value's range as fill_ does, except for float16 (too big -> inf)
    v = value._data if is_t else value if x.dtype == np.float16 else checked_scalar(value, x.dtype)
    if adv is None:
        if is_t:
            _check_expand(v.shape, target.shape)
            if v.ndim > target.ndim:
                v = v.reshape(v.shape[v.ndim - target.ndim:])
        if whole and track:
            write_whole(input, value, v)
            return None
        np.copyto(target, v, casting="unsafe")
    else:
        shape = np.empty(target.shape, np.bool_)[adv].shape if is_t else ()
        if is_t:
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
        node.sel = sel[adv] if adv is not None else sel
        node.vshape = value._data.shape if is_t else None
        old = _wrap(x)                      # stands for the tensor as it was, for its edge
        old.grad_fn, old._rg, old._out_nr = input.grad_fn, input._rg, input._out_nr
        old._accum = input._accum
        record(node, input, old, value if is_t else None)
        input._out_nr = 0
    return None


def refuse_byte_fill(indices, one_value):
    """torch's index_put_ turns a write of one value under a lone mask into masked_fill_, which
    refuses a uint8 mask (call only when the indices hold a uint8 mask)."""
    used = [a for a in indices if a is not None and not isinstance(a, slice)]
    if one_value and len(used) == 1:
        raise RuntimeError(BYTE_FILL)


__all__ = ["getitem", "setitem", "parse", "refuse_byte_fill", "warn_byte_index", "add_at_positions", "positions", "scatter_into"]
