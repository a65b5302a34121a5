"""Reading an index as torch does: which parts are basic (None, integers, slices, Ellipsis) and which
advanced (integer tensors, lists, boolean masks), with torch's checks and messages (see ``index.py``)."""
import numpy as np

from ._common import Tensor
from .._vmap_dynamic import note


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


# the common index kinds first: isinstance tries them in turn (and Tensor's metaclass makes a miss on it cost more)
_NOT_SEQUENCES = (int, slice, Tensor, list, tuple, np.ndarray, np.generic, range, str, bytes, dict, float, complex)


def sequence_items(obj):
    """Any other Python sequence (PySequence_Check: its class has ``__getitem__`` and is no dict), as the
    list of its items, which torch reads it as: a ``random_split`` Subset of indices indexes like the
    list of those indices (an object without ``len()`` is Python's TypeError, as in torch)."""
    if isinstance(obj, _NOT_SEQUENCES) or obj is None or obj is Ellipsis or not hasattr(type(obj), "__getitem__"):
        return obj
    return [obj[i] for i in range(len(obj))]


def seq_as_tuple(index):
    """torch's treatSequenceAsTuple: a list (or other non-tuple sequence) shorter than 32 holding a
    tensor, a sequence, a slice, ``...`` or None is read as a tuple of indices, with a warning."""
    index = sequence_items(index)
    if index.__class__ is str and 0 < len(index) < 32:     # a str is a sequence of strs to torch
        from .._user_warning import warn_at_caller
        warn_at_caller(SEQ_AS_TUPLE.format(349))
        return tuple(index)
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
    bare = index                           # torch's 0-dim messages depend on the index not being a tuple
    if not isinstance(index, tuple):
        index = (index,)
    items = []
    for it in index:
        it = sequence_items(it)
        a = it._data if isinstance(it, Tensor) else it
        if isinstance(it, Tensor) and a.ndim and a.dtype in (np.bool_, np.uint8):
            note("mask_index", it)
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
        # torch's fast paths for a lone int (select) or slice see the 0-dim tensor before any count
        if ndim == 0 and single_slice:
            raise IndexError("slice() cannot be applied to a 0-dim tensor.")
        if ndim == 0 and isinstance(bare, (int, np.integer)) and not isinstance(bare, bool):
            if int(bare) != 0:
                raise IndexError(f"index {int(bare)} is out of bounds for dimension 0 with size 0")
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
            if a is None and isinstance(it, str):      # torch tries to make a tensor of it
                raise TypeError("new(): invalid data type 'str'")
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
