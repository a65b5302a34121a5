"""The memory layout of an advanced index's result (``x[[0, 2]]``, ``x[:, idx]``, ``x[mask, 1:]``),
as torch gives it (tests/parity/test_sweep21a.py pins it).

aten's index kernel is a TensorIterator over three kinds of operand, all of the output's shape:

* the source restrided (``restride_src``): the dims before the indexed ones keep their strides, the
  index's dims read with stride 0, the dims after keep theirs -- when the indexed dims are not next to
  each other torch first moves them to the front (as NumPy moves its result's dims);
* each index tensor viewed over the same shape: its own strides on the index dims (broadcast ones 0), 0
  outside them (a bool mask counts as its ``nonzero()`` columns: 1-d, stride the mask's ndim);
* the output, not allocated yet, which takes no part in the ordering.

The output's dims are then ordered as those operands' strides order them (``perm_strides``,
ops/_layout.py) and it is laid out densely in that order.
"""
import numpy as np

from ._layout import elem_strides, perm_strides, with_strides


def _bstrides(shape, strides, bshape):
    """``strides`` of an index of ``shape`` broadcast to ``bshape`` (a broadcast dim: 0)."""
    off = len(bshape) - len(shape)
    st = [0] * len(bshape)
    for i, (n, s) in enumerate(zip(shape, strides)):
        st[off + i] = 0 if (n == 1 and bshape[off + i] != 1) else s
    return st


def adv_strides(x, adv, out_shape):
    """The element strides of ``x[adv]`` (``adv``: index arrays and ``slice(None)``, parse's form)."""
    dims, ops, d = [], [], 0
    for a in adv:
        if isinstance(a, slice):
            d += 1
        elif a.dtype == np.bool_:           # k nonzero() columns, each (nnz,) with stride k
            n, k = int(np.count_nonzero(a)), a.ndim
            dims.extend(range(d, d + k))
            ops.extend([((n,), (k,))] * k)
            d += k
        else:
            dims.append(d)
            ops.append((a.shape, elem_strides(a)))
            d += 1
    rest = [k for k in range(x.ndim) if k not in dims]
    if dims == list(range(dims[0], dims[-1] + 1)):
        before = [k for k in rest if k < dims[0]]
        after = [k for k in rest if k > dims[-1]]
    else:                                   # separated index dims: moved to the front
        before, after = [], rest
    nb, na = len(before), len(after)
    bshape = tuple(out_shape[nb:len(out_shape) - na])
    xs = elem_strides(x)
    strides_list = [[xs[k] for k in before] + [0] * len(bshape) + [xs[k] for k in after]]
    for shape, st in ops:
        strides_list.append([0] * nb + _bstrides(shape, st, bshape) + [0] * na)
    return perm_strides(out_shape, strides_list)


def adv_result(x, adv):
    """``x[adv]`` laid out as torch's index kernel lays it out."""
    r = x[adv]
    if r.ndim < 2 or not r.size:
        return r
    return with_strides(r, adv_strides(x, adv, r.shape))
