"""Views that split one tensor into several: ``unbind``, ``split``, ``chunk``, ``tensor_split`` (one backward
node with several outputs, or a slice per part), moved here from ``ops/views.py``, which re-exports them."""
import numpy as np

from ..autograd.graph import Node
from ._common import GRAD, edge
from .shape import as_view, is_array
from .views import narrow
from .._tensor import _wrap_dim
from .._arg_refuse import not_a_tensor


# ---- unbind / split / chunk: one node, several outputs ------------------------------------------
class _MultiView(Node):
    """Several views of one input; the input's gradient is assembled from the outputs' gradients."""
    __slots__ = ("shape", "indices", "_nout")    # _nout: how many outputs this instance has

    def backward(self, gs):
        m = self.m
        if self._nout == 1:
            gs = [gs]
        if is_array(gs[0]):
            out = np.zeros(self.shape, gs[0].dtype)
            for idx, g in zip(self.indices, gs):
                out[idx] = g
            return (out,)
        # create_graph: torch's formulas, stack (unbind) or cat (split) of the parts, zeros where a part had
        # no gradient, so the gradient hangs from StackBackward0 / CatBackward0
        dim = next((i for i, s in enumerate(self.indices[0]) if s != slice(None)), 0)
        ref = next(g for g in gs if g is not None and not is_array(g))
        parts = [g if g is not None and not is_array(g) else m.zeros(
            np.zeros(self.shape, np.int8)[idx].shape, dtype=ref.dtype) if g is None else m.from_numpy(np.array(g))
            for idx, g in zip(self.indices, gs)]
        if isinstance(self, UnbindBackward0):
            return (m.stack(parts, dim),)
        return (m.cat(parts, dim),)


class UnbindBackward0(_MultiView):
    """ys = x.unbind(d)   ->   dx = stack(gs, d)"""
    __slots__ = ()


class SplitBackward0(_MultiView):
    """ys = x.split(n, d)   ->   dx = cat(gs, d)"""
    __slots__ = ()


class SplitWithSizesBackward0(_MultiView):
    """ys = x.split([n0, n1, ...], d)   ->   dx = cat(gs, d)"""
    __slots__ = ()


def _multi(node_cls, input, indices):
    x = input._data
    outs = tuple(as_view(input, x[idx]) for idx in indices)
    if GRAD.enabled and input._rg:
        node = node_cls()
        node.shape = x.shape
        node.indices = indices
        node._nout = len(outs)
        node.next_functions = (edge(input),)
        node._shape = [o._data.shape for o in outs]
        node._dtype = [o._data.dtype for o in outs]
        if len(outs) == 1:                   # the engine treats a one-output node as plain
            node._shape, node._dtype = node._shape[0], node._dtype[0]
        for i, o in enumerate(outs):
            o.grad_fn, o._rg, o._out_nr = node, True, i
            o._multi_view = True
    elif GRAD.enabled:
        from ._view_creation import mark_multi
        mark_multi(outs)
    return outs


def unbind(input, dim=0):
    x = input._data
    if dim.__class__ is not int:
        from .._arg_refuse import int_arg
        dim = int_arg(dim)
    if x.ndim == 0:
        _wrap_dim(dim, 0)           # a dim outside [-1, 0] is refused as out of range first
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    d = _wrap_dim(dim, x.ndim)
    pre = (slice(None),) * d
    return _multi(UnbindBackward0, input, [pre + (i, Ellipsis) for i in range(x.shape[d])])


def split(input, split_size_or_sections, dim=0):
    try:
        x = input._data
    except AttributeError:      # torch.split is Python: ``tensor.split(...)`` on a non-tensor
        from .._arg_parser import tp_name
        raise AttributeError(f"'{tp_name(input)}' object has no attribute 'split'") from None
    if dim.__class__ is not int:
        from .._arg_refuse import int_arg
        dim = int_arg(dim)
    if x.ndim == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    n = split_size_or_sections
    if n.__class__ is int and n < 0:        # torch refuses a negative size before it wraps the dim
        raise RuntimeError(f"split expects split_size be non-negative, but got split_size={n}")
    d = _wrap_dim(dim, x.ndim)
    size = x.shape[d]
    pre = (slice(None),) * d
    if isinstance(split_size_or_sections, (list, tuple)):
        from .._arg_refuse import ints
        sizes = list(ints(split_size_or_sections, "split_sizes"))
        if any(n < 0 for n in sizes):
            raise RuntimeError(f"split_with_sizes expects split_sizes have only non-negative entries, but got "
                               f"split_sizes={sizes}")
        if sum(sizes) != size:
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {size} (input tensor's "
                               f"size at dimension {dim}), but got split_sizes={sizes}")
        node_cls = SplitWithSizesBackward0
    else:
        n = split_size_or_sections
        if n.__class__ is not int:
            from .._arg_refuse import split_size
            n = split_size(n)
        if n < 0:
            raise RuntimeError(f"split expects split_size be non-negative, but got split_size={n}")
        if n == 0 and size != 0:
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {size}")
        sizes = [min(n, size - i) for i in range(0, size, n)] if n and size else [0]   # empty dim: one part
        node_cls = SplitBackward0
    idx, start = [], 0
    for s in sizes:
        idx.append(pre + (slice(start, start + s),))
        start += s
    return _multi(node_cls, input, idx)


def chunk(input, chunks, dim=0):
    if chunks.__class__ is not int:
        from .._arg_refuse import int_arg
        chunks = int_arg(chunks, "chunks")
    if dim.__class__ is not int:
        from .._arg_refuse import int_arg
        dim = int_arg(dim)
    try:
        x = input._data
    except AttributeError:          # not a tensor: torch's parser error
        not_a_tensor()
    if x.ndim == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    if chunks <= 0:
        raise RuntimeError("chunk expects `chunks` to be greater than 0, got: " + str(chunks))
    d = _wrap_dim(dim, x.ndim)
    size = x.shape[d]
    step = -(-size // chunks) if size else 0
    return split(input, step, d) if step else split(input, [0] * chunks, d)   # an empty dim: chunks empty parts


def tensor_split(input, indices_or_sections=None, dim=0, *, indices=None, sections=None,
                 tensor_indices_or_sections=None):
    """Each part is its own slice (SliceBackward0), as torch builds it; indices wrap and clamp like
    ``x[a:b]``, so out-of-order indices give empty parts.  torch's three overloads name the second
    argument ``indices`` (ints), ``sections`` (an int) or ``tensor_indices_or_sections``; any may be
    passed by keyword."""
    from .._dtype import _SCALAR_TYPES
    named = _named_split_argument(indices, sections, tensor_indices_or_sections, indices_or_sections)
    if named is not None:
        indices_or_sections = named
    x = input._data
    if dim.__class__ is not int or not (indices_or_sections.__class__ is int or hasattr(indices_or_sections, "_data")):
        from .._arg_refuse import refusal
        err = refusal()             # torch's parser refuses wrong types first
        if err is not None:
            raise err
    if x.ndim == 0:
        raise RuntimeError("tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims")
    ios = indices_or_sections
    if hasattr(ios, "_data"):
        if ios._data.ndim > 1:
            raise RuntimeError("tensor_split expected tensor_indices_or_sections to be a zero-dimensional or "
                               f"one-dimensional tensor, but got a tensor with {ios._data.ndim} dims")
        if ios._data.dtype != np.int64:
            raise RuntimeError("tensor_split expected tensor_indices_or_sections to have dtype of long, but got "
                               f"{_SCALAR_TYPES.get(ios._data.dtype.name, 'BFloat16')}")
        ios = int(ios._data) if ios._data.ndim == 0 else [int(i) for i in ios._data]
    d = _wrap_dim(dim, x.ndim)          # after the index tensor's checks, as torch
    size = x.shape[d]
    if isinstance(ios, int):
        if ios <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {ios}")
        q, rem = divmod(size, ios)
        sizes = [q + 1] * rem + [q] * (ios - rem)
        starts = [sum(sizes[:i]) for i in range(ios)]
        return tuple(narrow(input, d, a, n) for a, n in zip(starts, sizes))

    def clamp(i):
        i = int(i)
        return min(max(i + size if i < 0 else i, 0), size)
    cuts = [0] + list(ios) + [size]
    parts = []
    for a, b in zip(cuts, cuts[1:]):
        a, b = clamp(a), clamp(b)
        parts.append(narrow(input, d, a, max(b - a, 0)))
    return tuple(parts)


def _named_split_argument(indices, sections, tensor_ios, positional):
    """The one of tensor_split's keyword forms given (None: none was), each checked as torch's
    parser checks its overload; two at once, or a keyword with a wrong type, is the parser's error."""
    given = [(n, v) for n, v in (("indices", indices), ("sections", sections),
                                 ("tensor_indices_or_sections", tensor_ios)) if v is not None]
    if not given:
        return None
    (name, value), ok = given[0], len(given) == 1 and positional is None
    if name == "indices":
        ok = ok and isinstance(value, (tuple, list)) and all(i.__class__ is int or hasattr(i, "__index__")
                                                             and not hasattr(i, "_data") for i in value)
    elif name == "sections":
        ok = ok and (value.__class__ is int or hasattr(value, "__index__") and not isinstance(value, bool))
    else:
        ok = ok and hasattr(value, "_data")
    if not ok:
        from .._arg_refuse import refusal
        err = refusal()
        raise err if err is not None else TypeError(f"tensor_split() got an invalid {name}")
    return list(value) if name == "indices" else value
