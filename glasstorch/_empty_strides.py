"""Strides of empty tensors.  NumPy gives a freshly made array with a zero-size dim all-zero strides, but
keeps whatever strides a view of it is given; torch gives a new empty tensor its contiguous strides (a
0-size dim counting as 1: ``zeros(2, 0, 4)`` has strides (4, 4, 1)), and its views transpose, slice and
expand those.  So every empty array a tensor is born with gets torch's strides (``_tensor._wrap``), and
views made from it carry them as torch's views do."""
import numpy as np

_as_strided = np.lib.stride_tricks.as_strided


def contiguous_strides(shape):
    """torch's strides for a fresh tensor: stride[i] = prod(max(size[j], 1) for j > i)."""
    st, acc = [], 1
    for n in reversed(shape):
        st.append(acc)
        acc *= max(n, 1)
    return tuple(reversed(st))


def torch_strided(arr):
    """``arr`` (no elements, NumPy's all-zero strides) viewed with torch's contiguous strides."""
    return _as_strided(arr, arr.shape, [s * arr.itemsize for s in contiguous_strides(arr.shape)])


def strided_like(out, like):
    """An empty ``out`` viewed with the strides (in elements) of ``like``, an empty array of its shape:
    torch's preserve_format keeps an empty tensor's strides (every empty tensor counts as contiguous)."""
    if out.size or like.size or out.shape != like.shape:
        return out
    return _as_strided(out, out.shape, [s // like.itemsize * out.itemsize for s in like.strides])


def index_rows(idx):
    """``nonzero`` / ``argwhere``'s (n, ndim) int64 result laid out as torch's: the transpose of an
    (ndim, n) buffer, strides (1, n) in elements, also when n is 0 or the input has one dim."""
    n, d = idx.shape
    out = _as_strided(np.empty(max(n * d, 1), np.int64), (n, d), (8, 8 * n))
    if idx.size:
        out[...] = idx
    return out
