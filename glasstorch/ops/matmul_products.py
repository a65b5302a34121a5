"""``outer`` / ``ger``, ``tensordot`` and ``kron``: products torch builds from other ops (a broadcast
``mul``, or ``mm`` between reshaped permutations), so their graphs hold those ops' nodes."""
import numpy as np

from ._common import tensors_only
from .matmul import _unsafe_view, mm
from .shape import reshape
from .._arg_refuse import not_a_tensor


def outer(input, vec2, *, out=None):
    from .arithmetic import mul
    try:
        dims = input._data.ndim, vec2._data.ndim
    except AttributeError:      # a non-tensor: torch's parser error, before any shape check
        not_a_tensor()
    for name, nd in zip(("self", "vec2"), dims):
        if nd != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {nd}-D")
    return mul(reshape(input, -1, 1), vec2)


ger = outer


def tensordot(a, b, dims=2, out=None):
    from .views import permute
    x, y = a._data, b._data
    if x.dtype != y.dtype:      # checked before any shape, for every dims (0 included)
        raise RuntimeError("both inputs should have same dtype")
    if isinstance(dims, int):
        # torch names the first tensor's contracted dims from the end (-dims .. -1)
        shown = list(range(-dims, 0))
        da, db = list(range(x.ndim - dims, x.ndim)), list(range(dims))
    else:
        da, db = dims
        da = [da] if isinstance(da, int) else [d % x.ndim for d in da]
        db = [db] if isinstance(db, int) else [d % y.ndim for d in db]
        shown = da
    for i, j, k in zip(da, db, shown):
        if x.shape[i] != y.shape[j]:
            raise RuntimeError(f"contracted dimensions need to match, but first has size {x.shape[i]} in dim {k} "
                               f"and second has size {y.shape[j]} in dim {j}")
    fa = [d for d in range(x.ndim) if d not in da]
    fb = [d for d in range(y.ndim) if d not in db]
    K = int(np.prod([x.shape[d] for d in da]))
    pa = reshape(permute(a, fa + da), -1, K)
    pb = reshape(permute(b, db + fb), K, -1)
    return reshape(mm(pa, pb), [x.shape[d] for d in fa] + [y.shape[d] for d in fb])


def kron(input, other, *, out=None):
    tensors_only('kron', input, other)
    from .arithmetic import mul
    x, y = input._data, other._data
    n = max(x.ndim, y.ndim)
    xs = (1,) * (n - x.ndim) + x.shape
    ys = (1,) * (n - y.ndim) + y.shape
    a = reshape(input, [s for p in xs for s in (p, 1)])
    b = reshape(other, [s for q in ys for s in (1, q)])
    return _unsafe_view(mul(a, b), tuple(p * q for p, q in zip(xs, ys)))
