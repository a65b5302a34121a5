"""Ops that build a new layout by copying: cat, stack (and hstack/vstack/dstack/column_stack),
repeat, tile, flip, roll, tril, triu, diag, diag_embed, meshgrid, repeat_interleave.
"""
import numpy as np

from .._dtype import result_type, FROM_NP
from ..autograd.graph import Node
from ._common import GRAD, Tensor, _wrap, record, record1, needs_grad
from .shape import is_array, or_keyword, sizes_arg, reshape, unsqueeze, expand, flatten
from .views import DiagonalBackward0, _diag_view
from .._tensor import _wrap_dim
from .conversion import layout_copy
from ._layout import contig, contig_of, contig_or_cl, flip_copy, suggest_cl
from .._arg_refuse import not_a_tensor


def _cut(g, axis, sizes):
    """``g`` split along ``axis`` into pieces of ``sizes`` (arrays or tensors alike)."""
    out, start = [], 0
    for s in sizes:
        if isinstance(g, np.ndarray):
            out.append(g[(slice(None),) * axis + (slice(start, start + s),)])
        else:       # under create_graph: torch's grad.narrow (SliceBackward0, even over the whole dim)
            out.append(g.narrow(axis, start, s))
        start += s
    return out


# ---- cat / stack ---------------------------------------------------------------------------------
class CatBackward0(Node):
    """y = cat(xs, d)   ->   dx_i = the slice of g that x_i filled"""
    __slots__ = ("dim", "sizes", "shapes")

    def backward(self, g):
        parts = _cut(g, self.dim, self.sizes)
        # an empty 1-d input (legacy: skipped by cat) gets a gradient of its own shape
        return tuple(p if s is not None else _empty_grad(g) for p, s in zip(parts, self.shapes))


def _empty_grad(g):
    """torch's cat backward gives a skipped empty input ``zeros({0})`` of the gradient's dtype."""
    return np.zeros((0,), g.dtype) if isinstance(g, np.ndarray) else g.new_zeros((0,))


def _tensors(tensors, name):
    # torch's parser takes a list or a tuple only (not an array, a generator, another sequence)
    if not isinstance(tensors, (list, tuple)):
        from .._arg_parser import tp_name
        raise TypeError(f"{name}(): argument 'tensors' (position 1) must be tuple of Tensors, not "
                        f"{tp_name(tensors)}")
    tensors = list(tensors)
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            kind = type(t)
            shown = kind.__name__ if kind.__module__ in ("builtins", "__main__") else \
                f"{kind.__module__.split('.')[0]}.{kind.__name__}"     # numpy.ndarray, as torch names it
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {shown}")
    if not tensors:
        if name == "cat":      # torch's Python binding checks cat's list; the other joins check in C++
            raise ValueError("torch.cat(): expected a non-empty list of Tensors")
        raise RuntimeError(f"{name} expects a non-empty TensorList")
    return tensors


def _int_dim(dim):
    """torch's parser refuses a dim that is not an int before the op looks at anything."""
    if dim.__class__ is not int:
        from .._arg_refuse import int_arg
        dim = int_arg(dim)
    return dim


def cat(tensors, dim=0, *, out=None):
    dim = _int_dim(dim) if isinstance(tensors, (list, tuple)) and not tensors else dim
    tensors = _tensors(tensors, "cat")
    dim = _int_dim(dim)
    for t in tensors:           # (a plain loop: a generator costs ~1 us on every cat)
        if t.__class__ is not Tensor and t.is_sparse:       # a sparse operand: sparse/_cat.py
            from ..sparse._cat import cat as sparse_cat
            return sparse_cat(tensors, dim)
    # torch skips 1-d empty tensors when joining (a legacy rule)
    used = [t for t in tensors if not (t._data.ndim == 1 and t._data.shape[0] == 0)]
    dt = result_type(*tensors) if len(tensors) > 1 else tensors[0].dtype
    if not used:
        r = _wrap(np.zeros((0,), dt.np))
        if needs_grad(*tensors):        # torch records even this cat: each input's gradient is zeros({0})
            node = CatBackward0()
            node.dim, node.sizes, node.shapes = 0, [0] * len(tensors), [None] * len(tensors)
            record(node, r, *tensors)
        return r
    for i, t in enumerate(tensors):
        if t._data.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    ref = used[0]._data
    d = _wrap_dim(dim, ref.ndim)
    for i, t in enumerate(tensors):
        s = t._data.shape
        if s == (0,):
            continue
        if len(s) != ref.ndim:
            raise RuntimeError(f"Tensors must have same number of dimensions: got {ref.ndim} and {len(s)}")
        for k in range(ref.ndim):
            if k != d and s[k] != ref.shape[k]:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {d}. Expected size "
                                   f"{ref.shape[k]} but got size {s[k]} for tensor number {i} in the list.")
    r = np.concatenate([t._data for t in used], axis=d, dtype=dt.np, casting="unsafe")
    if not all(t._data.flags.c_contiguous for t in used):
        # torch: the inputs' suggested memory format where they all suggest channels_last, else contiguous
        r = contig_or_cl(r, ref) if all(suggest_cl(t._data) for t in used) else contig(r)
    r = _wrap(r)
    if needs_grad(*tensors):
        node = CatBackward0()
        node.dim = d
        node.sizes = [t._data.shape[d] if t._data.shape != (0,) else 0 for t in tensors]
        node.shapes = [t._data.shape if t._data.shape != (0,) else None for t in tensors]
        record(node, r, *tensors)
    return r


concat = concatenate = cat


class StackBackward0(Node):
    """y = stack(xs, d)   ->   dx_i = g.select(d, i)"""
    __slots__ = ("dim", "n")

    def backward(self, g):
        pre = (slice(None),) * self.dim
        return tuple(g[pre + (i, Ellipsis)] for i in range(self.n))


def stack(tensors, dim=0, *, out=None):
    dim = _int_dim(dim) if isinstance(tensors, (list, tuple)) and not tensors else dim
    tensors = _tensors(tensors, "stack")
    dim = _int_dim(dim)
    for t in tensors:           # (a plain loop: a generator costs ~1 us on every cat)
        if t.__class__ is not Tensor and t.is_sparse:       # a sparse operand: sparse/_cat.py
            from ..sparse._cat import stack as sparse_stack
            return sparse_stack(tensors, dim)
    s0 = tensors[0]._data.shape
    d = _wrap_dim(dim, len(s0) + 1)         # torch wraps the dim before it compares the sizes
    for i, t in enumerate(tensors):
        if t._data.shape != s0:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(s0)} at entry 0 and "
                               f"{list(t._data.shape)} at entry {i}")
    d = _wrap_dim(dim, len(s0) + 1)
    dt = result_type(*tensors) if len(tensors) > 1 else tensors[0].dtype
    r = np.stack([t._data for t in tensors], axis=d).astype(dt.np, copy=False)
    if not all(t._data.flags.c_contiguous or suggest_cl(t._data) for t in tensors):
        r = contig(r)           # torch: contiguous (channels_last inputs keep their layout)
    r = _wrap(r)
    if needs_grad(*tensors):
        node = StackBackward0()
        node.dim, node.n = d, len(tensors)
        record(node, r, *tensors)
    return r


def atleast_1d(*tensors):
    one = len(tensors) == 1 and isinstance(tensors[0], Tensor)
    ts = tensors[0] if len(tensors) == 1 and not one else tensors
    out = tuple(reshape(t, 1) if t._data.ndim == 0 else t for t in ts)
    return out[0] if one else out


def atleast_2d(*tensors):
    one = len(tensors) == 1 and isinstance(tensors[0], Tensor)
    ts = tensors[0] if len(tensors) == 1 and not one else tensors
    out = tuple(reshape(t, 1, 1) if t._data.ndim == 0 else unsqueeze(t, 0) if t._data.ndim == 1 else t for t in ts)
    return out[0] if one else out


def atleast_3d(*tensors):
    one = len(tensors) == 1 and isinstance(tensors[0], Tensor)
    ts = tensors[0] if len(tensors) == 1 and not one else tensors
    out = []
    for t in ts:
        n = t._data.ndim
        out.append(reshape(t, 1, 1, 1) if n == 0 else unsqueeze(unsqueeze(t, 0), -1) if n == 1 else
                   unsqueeze(t, -1) if n == 2 else t)
    return out[0] if one else tuple(out)


def hstack(tensors, *, out=None):
    ts = atleast_1d(*_tensors(tensors, "hstack"))
    ts = (ts,) if isinstance(ts, Tensor) else ts
    return cat(ts, 0 if ts[0]._data.ndim == 1 else 1)


def vstack(tensors, *, out=None):
    ts = atleast_2d(*_tensors(tensors, "vstack"))
    return cat((ts,) if isinstance(ts, Tensor) else ts, 0)


row_stack = vstack


def dstack(tensors, *, out=None):
    ts = atleast_3d(*_tensors(tensors, "dstack"))
    return cat((ts,) if isinstance(ts, Tensor) else ts, 2)


def column_stack(tensors, *, out=None):
    ts = [reshape(t, t._data.size, 1) if t._data.ndim <= 1 else t for t in _tensors(tensors, "column_stack")]
    return hstack(ts)


# ---- repeat / tile -------------------------------------------------------------------------------
class RepeatBackward0(Node):
    """y = x.repeat(r)   ->   dx = g viewed as (r0, s0, r1, s1, ...) summed over the r axes"""
    __slots__ = ("shape", "reps")

    def backward(self, g):
        if 0 in self.reps:          # torch's repeat_backward: zeros of the input's shape, no graph
            z = np.zeros(self.shape, (g if isinstance(g, np.ndarray) else g._data).dtype)
            return (z if isinstance(g, np.ndarray) else _wrap(z),)
        # torch's order: the new leading dims summed away one at a time, then the rest as (r, s) pairs
        lead = len(self.reps) - len(self.shape)
        for _ in range(lead):
            g = g.sum(0)
        split, axes = [], []
        for r, s in zip(self.reps[lead:], self.shape):
            if r != 1:
                axes.append(len(split))
                split.append(r)
            split.append(s)
        if axes:
            g = g.reshape(tuple(split)).sum(tuple(axes))
        # (torch ends with the sum: no reshape recorded on top when the shape is already the input's)
        return (g if tuple(g.shape) == tuple(self.shape) else g.reshape(self.shape),)


def repeat(input, *sizes, repeats=None):
    reps = sizes_arg(or_keyword(sizes, repeats, "repeats", "repeat"), "repeat", "repeats")
    x = input._data
    if len(reps) < x.ndim:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of dimensions of "
                           "tensor")
    if any(n < 0 for n in reps):
        shape = (1,) * (len(reps) - x.ndim) + x.shape
        target = [a * b for a, b in zip(shape, reps)]
        if any(n < 0 for n in target):
            raise RuntimeError(f"Trying to create tensor with negative dimension "
                               f"{next(n for n in target if n < 0)}: {target}")
        reps = tuple(max(n, 0) for n in reps)       # a negative repeat of an empty dim is an empty dim
    r = _wrap(contig_of(np.tile(x, reps) if reps else x.copy(), x))     # torch's repeat: contiguous
    if GRAD.enabled and input._rg:
        node = RepeatBackward0()
        node.shape, node.reps = x.shape, reps
        record1(node, r, input)
    return r


def tile(input, dims):
    if dims.__class__ is not tuple and dims.__class__ is not list:
        from .._arg_refuse import refuse                # torch's parser error, as it words it
        refuse(TypeError(f"tile(): argument 'dims' (position 2) must be tuple of ints, not {type(dims).__name__}"))
    dims = tuple(dims)
    try:
        n = input._data.ndim
    except AttributeError:      # a non-tensor: torch's parser error
        not_a_tensor()
    if len(dims) < n:
        dims = (1,) * (n - len(dims)) + dims
    return repeat(input, dims)


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """Each element (or slice along ``dim``) repeated: a gather by index, as torch composes it."""
    from .gather import index_select
    if repeats is None:                     # torch.repeat_interleave(repeats): arange(n) repeated
        return _repeat_counts(input)
    if dim is None:
        input = flatten(input)
        dim = 0
    if dim.__class__ is not int:
        from .._arg_refuse import refused
        raise refused(TypeError(f"repeat_interleave(): argument 'dim' must be int, not {type(dim).__name__}"))
    if input._data.ndim == 0 and isinstance(repeats, Tensor):   # torch reads the 0-d tensor's size(dim)
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    d = _wrap_dim(dim, input._data.ndim)
    if input._data.ndim == 0:
        if int(repeats) < 0:
            raise RuntimeError("Repeats must be non-negative")
        raise IndexError("Dimension out of range (expected to be in range of [-1, 0], but got 1)")
    n = input._data.shape[d]
    if isinstance(repeats, Tensor):
        reps = repeats._data
        if reps.ndim > 1:
            raise RuntimeError("repeats must be 0-dim or 1-dim tensor")
        if reps.ndim == 1 and reps.size != 1 and reps.size != n:
            raise RuntimeError("repeats must have the same size as input along dim, but got "
                               f"repeats.size(0) = {reps.size} and input.size({dim}) = {n}")
        if reps.dtype not in (np.int32, np.int64):
            from .inplace import type_name
            raise NotImplementedError(f"\"repeat_interleave_cpu\" not implemented for '{type_name(reps.dtype)}'")
        if reps.size and reps.min() < 0:
            raise RuntimeError("repeats can not be negative")
        reps = reps.reshape(-1) if reps.size == n else reps.reshape(())
    else:
        reps = int(repeats)
        if reps < 0:
            raise RuntimeError("Repeats must be non-negative")
    idx = np.repeat(np.arange(n), reps)
    if output_size is not None and output_size != idx.size:
        raise RuntimeError("allocated size does not match required size")
    if not isinstance(repeats, Tensor):
        return _repeat_each(input, d, reps)
    return index_select(input, d, _wrap(idx.astype(np.int64)))


def _repeat_each(input, d, reps):
    """An int count: torch unsqueezes after ``d``, expands, copies and flattens the pair back (its graph)."""
    from .conversion import clone
    from .shape import view
    from .._runtime import contiguous_format
    shape = list(input._data.shape)
    big = shape[:d + 1] + [reps] + shape[d + 1:]
    out = clone(expand(unsqueeze(input, d + 1), *big), memory_format=contiguous_format)
    return view(out, *(shape[:d] + [shape[d] * reps] + shape[d + 1:]))


def _repeat_counts(repeats):
    if not isinstance(repeats, Tensor):     # the one-argument overload takes only a Tensor
        raise TypeError("repeat_interleave(): argument 'repeats' (position 1) must be Tensor, "
                        f"not {type(repeats).__name__}")
    r = repeats._data
    if r.ndim != 1:
        raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
    if r.dtype.kind not in "iu":
        from .inplace import type_name
        raise NotImplementedError(f"\"repeat_interleave_cpu\" not implemented for '{type_name(r.dtype)}'")
    if r.size and r.min() < 0:
        raise RuntimeError("repeats can not be negative")
    return _wrap(np.repeat(np.arange(r.size, dtype=r.dtype), r))


# ---- flip / roll ---------------------------------------------------------------------------------
class FlipBackward0(Node):
    """y = x.flip(dims)   ->   dx = g.flip(dims)"""
    __slots__ = ("dims",)

    def backward(self, g):
        return (np.flip(g, self.dims) if is_array(g) else g.flip(self.dims),)


def flip(input, *args, dims=None):
    if not args and dims is None:
        raise TypeError('flip() missing 1 required positional arguments: "dims"')
    if (args[:1] and args[0].__class__ is int) or dims.__class__ is int:   # torch.flip(x, 0), flip(dims=0)
        from .._arg_refuse import refused    # (Tensor.flip(0, 1) passes its varargs dims as one tuple)
        raise refused(TypeError("flip(): argument 'dims' must be tuple of ints, not int"))
    dims = sizes_arg(or_keyword(args, dims, "dims", "flip"))
    try:
        x = input._data
    except AttributeError:          # not a tensor: torch's parser error
        not_a_tensor()
    axes = ()
    for d in dims:          # torch wraps each dim in turn and refuses one seen before
        a = _wrap_dim(d, x.ndim)
        if a in axes:
            raise RuntimeError(f"dim {a} appears multiple times in the list of dims")
        axes += (a,)
    # the result keeps the input's memory layout (torch's empty_like(preserve_format), as clone)
    r = _wrap(flip_copy(x, axes) if x.ndim else x.copy())      # torch's flip: empty_like(x)'s layout
    if GRAD.enabled and input._rg:
        node = FlipBackward0()
        node.dims = axes
        record1(node, r, input)
    return r


def fliplr(input):
    if input._data.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(input, (1,))


def flipud(input):
    if input._data.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(input, (0,))


class RollBackward0(Node):
    """y = x.roll(s, d)   ->   dx = g.roll(-s, d)"""
    __slots__ = ("shifts", "dims")

    def backward(self, g):
        neg = tuple(-s for s in self.shifts)
        if is_array(g):
            return (np.roll(g, neg, self.dims) if self.dims is not None else np.roll(g, neg[0]),)
        return (g.roll(neg, self.dims if self.dims is not None else None),)


def roll(input, shifts, dims=None):
    try:
        x = input._data
    except AttributeError:          # not a tensor: torch's parser error
        not_a_tensor()
    if shifts.__class__ is not int or (dims is not None and dims.__class__ is not int):
        from .._arg_refuse import int_or_ints
        shifts, dims = int_or_ints(shifts), None if dims is None else int_or_ints(dims)
    shifts = (shifts,) if isinstance(shifts, int) else tuple(shifts)
    if not shifts:
        raise RuntimeError("`shifts` required")
    empty_keeps = x.size == 0 and dims is not None and dims != ()     # (x.clone(): its strides kept)
    if x.size == 0:                 # torch copies an empty tensor before it looks at the dims
        shifts, dims = (0,), None
    if dims is not None:
        dims = (dims,) if isinstance(dims, int) else tuple(dims)
        dims = None if not dims and len(shifts) == 1 else dims      # roll(x, (s,), ()) rolls the flat tensor
    if dims is not None:
        if len(dims) != len(shifts):
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}")
        if x.ndim == 0:         # roll wraps its dims without the scalar allowance
            raise IndexError(f"Dimension specified as {dims[0]} but tensor has no dimensions")
        dims = tuple(_wrap_dim(d, x.ndim) for d in dims)
        r = _wrap(contig_or_cl(np.roll(x, shifts, dims), x))     # torch: x.contiguous(x.suggest_memory_format())
    else:
        if len(shifts) != 1:
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:0")
        r = _wrap(layout_copy(x, None) if empty_keeps else contig(np.roll(x, shifts[0])))
    if GRAD.enabled and input._rg:
        node = RollBackward0()
        node.shifts, node.dims = shifts, dims
        record1(node, r, input)
    return r


from .triangles import (TrilBackward0, TriuBackward0, DiagEmbedBackward0, DiagonalBackward0_copy,  # noqa: E402,F401
                        tril, triu, diag_embed, diag, trace)


from .meshgrid import meshgrid  # noqa: E402,F401  (join's API)


__all__ = ["cat", "concat", "concatenate", "stack", "hstack", "vstack", "row_stack", "dstack", "column_stack",
           "atleast_1d", "atleast_2d", "atleast_3d", "repeat", "tile", "repeat_interleave", "flip", "fliplr",
           "flipud", "roll", "tril", "triu", "diag", "diag_embed", "trace", "meshgrid", "FROM_NP"]
