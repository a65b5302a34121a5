"""Output memory layouts (strides) as torch gives them.

Three rules cover most ops (tests/parity/test_layout_strides.py pins them against torch):

* ``ti`` -- TensorIterator outputs (pointwise ops): if every input is contiguous the output is; else if
  every input is channels_last-contiguous (4-d) the output is; else if every input is non-overlapping and
  dense with one and the same strides the output copies them; otherwise the dims are ordered by an
  insertion sort on the inputs' strides (the first input decides, a later one only breaks ties; a
  broadcast dim compares with nothing; equal strides put the smaller dim inside) and the output is dense
  in that order.  The three fast setups need every operand to have the output's shape: a number operand
  (``x + 1``, ``x > 0``: torch wraps it as a 0-d tensor) or a broadcast one rules them out.
* ``contig`` -- composite and native kernels that allocate ``empty(shape)`` (reductions, cumulative ops,
  softmax, layer_norm, cat of non-channels_last inputs, roll, repeat, ...): row-major, a size-1 dim's stride
  being the product of the sizes after it.
* ``preserve`` -- ops built on ``clone()`` / ``empty_like(x)`` (sort, index_fill, index_put, ...): x's
  strides when x is non-overlapping and dense, else the ``ti`` order of x alone.

Every helper returns its argument untouched when it is already laid out so (no copy on the hot path:
callers test ``flags.c_contiguous`` first where the input being contiguous settles it).
"""
import numpy as np

_ND = np.ndarray


def elem_strides(a):
    it = a.itemsize
    return tuple(s // it for s in a.strides)


def contiguous_strides(shape):
    st, acc = [0] * len(shape), 1
    for d in range(len(shape) - 1, -1, -1):
        st[d] = acc
        acc *= max(shape[d], 1)
    return tuple(st)


def is_contiguous(a):
    """torch's is_contiguous(): size-1 dims may have any stride; an empty tensor always is."""
    if not a.size:
        return True
    exp, it = 1, a.itemsize
    for n, s in zip(reversed(a.shape), reversed(a.strides)):
        if n != 1:
            if s != exp * it:
                return False
            exp *= n
    return True


def is_canonical(a):
    """C-contiguous with torch's contiguous strides on the size-1 dims too: NumPy's flag ignores those
    dims' strides, while torch's empty_like (clone, *_like) keeps them ((1, 2).t() keeps stride (1, 2))."""
    if not a.flags.c_contiguous:
        return False
    shape = a.shape
    if 1 not in shape:
        return True
    acc = a.itemsize                    # (on the hot path of broadcasting ops: no tuples built)
    st = a.strides
    if len(shape) == 2:                 # a bias row or a column
        return st[1] == acc and st[0] == acc * (shape[1] or 1)
    for n, s in zip(shape[::-1], st[::-1]):
        if s != acc:
            return False
        acc *= n or 1
    return True


def _is_cl(a):
    """``a`` is channels_last-contiguous (4-d) or channels_last_3d-contiguous (5-d)."""
    if a.ndim not in (4, 5):
        return False
    from .conversion import is_contiguous_as
    return is_contiguous_as(a, "channels_last" if a.ndim == 4 else "channels_last_3d")


def non_overlapping_dense(a):
    if a.ndim == 1:
        return a.shape[0] < 2 or a.strides[0] == a.itemsize
    dims = sorted((s, n) for s, n in zip(elem_strides(a), a.shape) if n != 1)
    exp = 1
    for s, n in dims:
        if s != exp:
            return False
        exp *= n
    return True


def dim_order(shape, strides_list):
    """TensorIterator's order of the dims, innermost first: an insertion sort on the strides of each
    input in ``strides_list`` (the first decides, later ones break ties; a 0 stride compares with
    nothing; equal strides put the smaller dim inside)."""
    nd = len(shape)
    perm = list(range(nd - 1, -1, -1))        # innermost first

    def should_swap(d0, d1):
        for st in strides_list:
            s0, s1 = st[d0], st[d1]
            if s0 == 0 or s1 == 0:
                continue
            if s0 < s1:
                return -1
            if s0 > s1:
                return 1
            if shape[d0] > shape[d1]:
                return 1
        return 0

    for i in range(1, nd):
        d1 = i
        for d0 in range(i - 1, -1, -1):
            c = should_swap(perm[d0], perm[d1])
            if c > 0:
                perm[d0], perm[d1] = perm[d1], perm[d0]
                d1 = d0
            elif c < 0:
                break
    return perm


def perm_strides(shape, strides_list):
    """Dense strides in TensorIterator's dim order (``strides_list``: each input's element strides,
    already broadcast to ``shape``, a broadcast dim with stride 0)."""
    out, acc = [0] * len(shape), 1
    for d in dim_order(shape, strides_list):
        out[d] = acc
        acc *= shape[d]
    return tuple(out)


def _broadcast_strides(a, shape):
    nd, off = len(shape), len(shape) - a.ndim
    st = [0] * nd
    for i, (n, s) in enumerate(zip(a.shape, elem_strides(a))):
        st[off + i] = 0 if (n == 1 and shape[off + i] != 1) else s
    return st


def ti_strides(shape, inputs, same_shape=True):
    """TensorIterator's output strides for ``inputs`` (NumPy arrays; 0-d ones and None are skipped).
    ``same_shape`` False: some operand (a number, wrapped as a 0-d tensor) has another shape, which rules
    out the fast setups."""
    shape = tuple(shape)
    arrs = [a for a in inputs if a is not None and a.ndim]
    if not shape or not arrs:
        return contiguous_strides(shape)
    if same_shape and len(arrs) == len(inputs) and all(a.shape == shape for a in arrs):
        if all(is_contiguous(a) for a in arrs):
            return contiguous_strides(shape)
        if len(shape) == 4 and all(_is_cl(a) for a in arrs):
            n, c, h, w = shape
            return (h * w * c, 1, w * c, c)
        if all(non_overlapping_dense(a) for a in arrs):
            st = elem_strides(arrs[0])
            if all(elem_strides(a) == st for a in arrs[1:]):
                return st
    return perm_strides(shape, [_broadcast_strides(a, shape) for a in arrs])


def with_strides(r, strides):
    """``r`` if it has ``strides`` (in elements), else a copy of it laid out with them."""
    if elem_strides(r) == tuple(strides):
        return r
    if any(s < 0 for s in strides):     # (never from torch's rules; a NumPy view's negative stride)
        strides = contiguous_strides(r.shape)
    out = _alloc(r.shape, r.dtype, strides)
    if r.size:
        out[...] = r
    return out


def _alloc(shape, dtype, strides):
    """A fresh array of ``shape`` with ``strides`` (in elements, non-negative)."""
    dtype = np.dtype(dtype)
    n = 1
    for s in shape:
        n *= s
    span = 1 + sum((k - 1) * s for k, s in zip(shape, strides) if k > 0) if n else 1
    buf = np.empty(max(span, 1), dtype)
    return np.ndarray(shape, dtype, buffer=buf, strides=tuple(s * dtype.itemsize for s in strides))


def ti(r, *inputs):
    """Result array ``r`` of a pointwise op on ``inputs`` laid out as TensorIterator lays it out."""
    for a in inputs:
        if a.__class__ is _ND and not a.flags.c_contiguous:
            break
    else:       # all inputs contiguous: torch's output then is too (and NumPy's C-contiguous result) --
        # unless some input has a size-1 dim strided its own way and a number or a broadcast rules out
        # the fast setup: then the dim order of the strides decides (x.t() + 1 keeps x.t()'s strides)
        if r.__class__ is not _ND or r.size:
            for a in inputs:
                if a.__class__ is _ND and 1 in a.shape and not is_canonical(a):
                    break
            else:
                return r
            if all(a.__class__ is _ND and a.shape == r.shape for a in inputs):
                return with_strides(r, contiguous_strides(r.shape))
    if r.__class__ is not _ND or not r.ndim:
        return r
    arrs = [a for a in inputs if a.__class__ is np.ndarray]
    return with_strides(r, ti_strides(r.shape, arrs, len(arrs) == len(inputs)))


def contig(r):
    """``r`` laid out row-major with torch's strides (a size-1 dim's stride: the sizes after it)."""
    if r.__class__ is not np.ndarray or r.ndim < 1:
        return r
    return with_strides(r, contiguous_strides(r.shape))


def preserve_strides(x):
    """torch's empty_like(x) strides (preserve_format)."""
    if not x.size:
        return elem_strides(x) if any(x.strides) else contiguous_strides(x.shape)
    if non_overlapping_dense(x):
        return elem_strides(x)
    return ti_strides(x.shape, [x])


def preserve(r, x):
    """Result ``r`` (x's shape) laid out as ``empty_like(x)`` / ``x.clone()``."""
    if r.__class__ is not np.ndarray or not r.ndim:
        return r
    if is_canonical(x) and is_canonical(r) and x.size:
        return r
    return with_strides(r, preserve_strides(x))


def contig_of(r, x):
    """``contig(r)`` unless input ``x`` is C-contiguous (then ``r``, made from it, already is)."""
    return r if x.flags.c_contiguous and x.size else contig(r)


def preserve_of(r, x):
    """``preserve(r, x)`` unless input ``x`` is C-contiguous (then ``r`` already is laid out as x)."""
    return r if is_canonical(x) and x.size else preserve(r, x)


def suggest_cl(x):
    """torch's suggest_memory_format(x) is channels_last(_3d) (a 4-d / 5-d x laid out so and not also
    contiguous)."""
    return x.ndim in (4, 5) and x.size > 0 and not is_contiguous(x) and _is_cl(x)


def cl_strides(shape):
    """channels_last(_3d) element strides of a 4-d / 5-d ``shape``: C innermost, then W, H, (D,) N."""
    st, acc = [0] * len(shape), 1
    for d in (1,) + tuple(range(len(shape) - 1, 1, -1)) + (0,):
        st[d] = acc
        acc *= max(shape[d], 1)
    return tuple(st)


def contig_or_cl(r, x):
    """Kernels that allocate in ``x.suggest_memory_format()`` (batch_norm, group_norm, upsampling,
    padding, conv): channels_last when x is, else contiguous."""
    if x.flags.c_contiguous or r.__class__ is not np.ndarray:
        return r
    if suggest_cl(x):
        return with_strides(r, cl_strides(r.shape))
    return contig(r)


def clone(x):
    """A copy of array ``x`` laid out as torch's ``x.clone()`` (preserve_format)."""
    if is_canonical(x) and x.size or not x.ndim:
        return x.copy()
    out = _alloc(x.shape, x.dtype, preserve_strides(x))
    out[...] = x
    return out


def flip_copy(x, axes):
    """``x`` flipped along ``axes`` into a fresh array laid out as ``empty_like(x)`` (torch's flip)."""
    f = np.flip(x, axes)
    if is_canonical(x) and x.size:
        return f.copy()
    out = _alloc(x.shape, x.dtype, preserve_strides(x))
    out[...] = f
    return out
