"""The memory layout (strides) of torch's einsum result where NumPy's differs: the general case of
einsum_kernel.py (three or more operands, broadcasting, several summed subscripts).

torch lines every operand up in one order (the output's subscripts, then the summed ones), takes
repeated subscripts as diagonals (their strides add) and appends size-1 dims (stride 1) for missing
ones, then folds the operands left to right: a pair with something to sum is a ``bmm`` whose result is
laid out (both-and-kept, left-only, right-only) -- the last two swapped when all right-only dims come
before the left-only ones -- and a pair with nothing to sum is a broadcast ``mul``, laid out as
TensorIterator lays it out.  Sums give contiguous results; the summed dims are dropped by a view.
"""
import numpy as np

from ._layout import contiguous_strides, ti_strides
from ._restride import view_strides

_BUF = np.zeros(1, np.int8)


def _fake(shape, strides):
    """an array with these element strides (itemsize 1), never read: TensorIterator's layout input"""
    return np.lib.stride_tricks.as_strided(_BUF, shape, strides)


def einsum_strides(ins, out, arrays):
    """Element strides of ``einsum(",".join(ins) + "->" + out, *arrays)`` as torch lays it out."""
    order = list(out) + sorted(set("".join(ins)) - set(out))
    pos = {c: i for i, c in enumerate(order)}
    ops = []
    for sub, a in zip(ins, arrays):
        shape, strides = [1] * len(order), [1] * len(order)
        st = [s // a.itemsize for s in a.strides]
        seen = set()
        for c, n, s in zip(sub, a.shape, st):
            if c in seen:
                strides[pos[c]] += s           # a diagonal: the strides add
                continue
            seen.add(c)
            shape[pos[c]], strides[pos[c]] = n, s
        ops.append((shape, strides))
    count = {c: sum(1 for shape, _ in ops if shape[pos[c]] != 1) for c in order}
    nout = len(out)
    while len(ops) > 1:
        (sa, ta), (sb, tb) = ops[0], ops[1]
        sa, sb = list(sa), list(sb)
        summed = []
        for d in range(nout, len(order)):
            c = order[d]
            if sa[d] != 1 and sb[d] != 1:
                count[c] -= 1
                if count[c] == 1:
                    summed.append(d)
                    count[c] = 0
            elif count[c] == 1:
                if sa[d] != 1:
                    sa[d], count[c] = 1, 0
                    ta = contiguous_strides(sa)
                elif sb[d] != 1:
                    sb[d], count[c] = 1, 0
                    tb = contiguous_strides(sb)
        shape = [y if x == 1 else x for x, y in zip(sa, sb)]
        if not summed:
            fa = _fake(shape, [0 if (x == 1 and n != 1) else s for x, n, s in zip(sa, shape, ta)])
            fb = _fake(shape, [0 if (x == 1 and n != 1) else s for x, n, s in zip(sb, shape, tb)])
            strides = ti_strides(shape, [fa, fb])
        else:
            lro = [d for d in range(len(order)) if d not in summed and sa[d] != 1 and sb[d] != 1]
            lo = [d for d in range(len(order)) if d not in summed and sa[d] != 1 and sb[d] == 1]
            ro = [d for d in range(len(order)) if d not in summed and d not in lro and d not in lo]
            if lo and ro and ro[-1] < lo[0]:
                lo, ro = ro, lo
            mem = lro + lo + summed + ro
            dense = contiguous_strides([1 if d in summed else shape[d] for d in mem])
            strides = [0] * len(order)
            for d, s in zip(mem, dense):
                strides[d] = s
            for d in summed:
                shape[d] = 1
        ops[:2] = [(shape, list(strides))]
    shape, strides = ops[0]
    if len(order) == nout:
        return tuple(strides)
    return tuple(view_strides(shape, strides, shape[:nout]))     # torch drops the summed dims by a view
