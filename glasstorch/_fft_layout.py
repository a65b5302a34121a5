"""The memory layout of torch's FFT results (its CPU ``_exec_fft``, SpectralOps.cpp).

torch runs a transform on the input permuted so the batch (untransformed) dims come first, ordered by
decreasing input stride, and the transformed dims last in the order it transforms them; it writes a
C-contiguous (batch, *signal) buffer and returns it with the permutation undone.  So ``fft(x, dim=0)``
of a (2, 2, 2) tensor has strides (1, 4, 2), not (4, 2, 1): a transform over leading dims gives a
non-contiguous result (``.view`` refuses it, ``is_contiguous()`` is False), as in torch.

The C2C transforms sort their dims by decreasing input stride first (R2C all but the last one); a
multi-dim C2R is a C2C over all but the last dim followed by a 1-d C2R of that result.  The batch dims
come out of ``std::partition`` (libstdc++'s, not stable) and a stable insertion sort (what
``std::sort`` does for fewer than 17 elements); both are copied here so ties (size-1 dims) fall as
torch's do.
"""


def elem_strides(a):
    """``a``'s strides in elements."""
    return tuple(s // a.itemsize for s in a.strides)


def _insertion_sort(items, key):
    """Stable sort by decreasing ``key`` (std::sort's insertion sort for short ranges)."""
    out = list(items)
    for i in range(1, len(out)):
        v = out[i]
        j = i
        while j > 0 and key(v) > key(out[j - 1]):
            out[j] = out[j - 1]
            j -= 1
        out[j] = v
    return out


def sort_dims(in_strides, dims, exclude_last=False):
    """torch's ``_sort_dims``: ``dims`` by decreasing input stride (all but the last one for R2C)."""
    dims = list(dims)
    if exclude_last:
        return _insertion_sort(dims[:-1], lambda d: in_strides[d]) + dims[-1:]
    return _insertion_sort(dims, lambda d: in_strides[d])


def _partition(seq, pred):
    """libstdc++'s std::partition on a random-access range: the items with ``pred`` first, by swapping
    from both ends (so their order is not kept)."""
    a = list(seq)
    first, last = 0, len(a)
    while True:
        while True:
            if first == last:
                return a, first
            if pred(a[first]):
                first += 1
            else:
                break
        last -= 1
        while True:
            if first == last:
                return a, first
            if not pred(a[last]):
                last -= 1
            else:
                break
        a[first], a[last] = a[last], a[first]
        first += 1


def exec_strides(in_strides, out_shape, dims):
    """The strides (in elements) torch gives the result of one ``_exec_fft`` over ``dims`` (in the
    order it transforms them) of an input with ``in_strides``."""
    ndim = len(out_shape)
    transformed = set(dims)
    perm, batch_dims = _partition(range(ndim), lambda d: d not in transformed)
    batch = _insertion_sort(perm[:batch_dims], lambda d: in_strides[d])
    order = batch + list(dims)
    sizes = [out_shape[d] for d in order[batch_dims:]]
    signal_strides = []
    acc = 1
    for n in reversed(sizes):
        signal_strides.append(acc)
        acc *= max(n, 1)
    signal_strides.reverse()
    batch_stride = acc
    out = [0] * ndim
    numel = 1
    for d in reversed(batch):
        out[d] = numel * batch_stride
        numel *= out_shape[d]
    for d, s in zip(order[batch_dims:], signal_strides):
        out[d] = s
    return tuple(out)


def laid_out(values, strides):
    """``values`` laid out with the given element ``strides`` (a dense layout)."""
    from .ops._layout import with_strides
    return with_strides(values, strides) if values.size else values
