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


_TD_SIGNATURE = ("tensordot(Tensor input, Tensor other, IntArrayRef dims_self, IntArrayRef dims_other, *, "
                 "Tensor out=None)",)


def _tensordot_dims(a, b, dims):
    """torch.functional.tensordot's reading of ``dims``: an int n (the last n dims of a with the first
    n of b), a 2 x k tensor or a one-element tensor, or a pair of dim lists."""
    from .._tensor import Tensor
    if not isinstance(dims, (tuple, list, Tensor, int)):
        raise RuntimeError("tensordot expects dims to be int or tuple[list[int], list[int]] or list[list[int]] "
                           f"containing two lists, but got dims={dims}")
    if isinstance(dims, (tuple, list)):
        da, db = dims
        return da, db
    if isinstance(dims, Tensor):
        if dims.numel() > 1:
            if dims.shape[0] != 2:
                raise AssertionError(f"dims tensor must have size 2 in first dimension, got {dims.shape[0]}")
            return dims[0].tolist(), dims[1].tolist()
        n = int(dims.item())
        if n < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        return list(range(-n, 0)), list(range(n))
    if dims < 0:
        raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
    if dims > min(a.dim(), b.dim()):
        raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
    return list(range(-dims, 0)), list(range(dims))


def tensordot(a, b, dims=2, out=None):
    """sum over the paired dims (da[i], db[i]) of a[..] * b[..], as torch's native tensordot: a and b
    permuted so the contracted dims meet, reshaped to matrices, one ``mm``, reshaped back.  A contracted
    dim of size 1 on one side broadcasts: the other side's is summed away first (keepdim)."""
    from .._arg_parser import is_index
    from .._tensor import Tensor, _wrap_dim
    from .reduction import sum as _sum
    from .views import permute
    da, db = _tensordot_dims(a, b, dims)
    ok = isinstance(a, Tensor) and isinstance(b, Tensor) and (out is None or isinstance(out, Tensor))
    for d in (da, db):
        # torch's int-list parser: the first item an index (not a bool); bools pass after it
        ok = (ok and isinstance(d, (tuple, list)) and (not d or is_index(d[0]))
              and all(is_index(v) or v.__class__ is bool for v in d))
    if not ok:
        from .._arg_parser import parser_error
        raise parser_error(_TD_SIGNATURE, (a, b, da, db), None if out is None else {"out": out})
    da, db = [int(v) for v in da], [int(v) for v in db]
    if len(da) != len(db):
        raise RuntimeError("both dimension lists should have same length")
    x, y = a._data, b._data
    if x.dtype != y.dtype:
        raise RuntimeError("both inputs should have same dtype")
    t1, t2, csize = a, b, 1
    for i, j in zip(da, db):
        s1, s2 = x.shape[_wrap_dim(i, x.ndim, False)], y.shape[_wrap_dim(j, y.ndim, False)]
        if s2 == 1:
            t1 = _sum(t1, i, True, dtype=t1.dtype)
        elif s1 == 1:
            t2 = _sum(t2, j, True, dtype=t2.dtype)
        elif s1 != s2:
            raise RuntimeError(f"contracted dimensions need to match, but first has size {s1} in dim {i} "
                               f"and second has size {s2} in dim {j}")
        else:
            csize *= s1
    ca, cb = _dim_set(da, x.ndim), _dim_set(db, y.ndim)
    fa = [d for d in range(x.ndim) if d not in ca]
    fb = [d for d in range(y.ndim) if d not in cb]
    sa, sb = [t1.shape[d] for d in fa], [t2.shape[d] for d in fb]
    m1 = reshape(permute(t1, fa + da), int(np.prod(sa, dtype=np.int64)), csize)
    m2 = reshape(permute(t2, db + fb), csize, int(np.prod(sb, dtype=np.int64)))
    r = reshape(mm(m1, m2), sa + sb)
    if out is None:
        return r
    if r.dtype != out.dtype:        # tensordot_out: no type promotion into out
        from .inplace import type_name
        raise RuntimeError(f"tensordot: Expected the output tensor to have dtype {type_name(r._data.dtype)}, "
                           f"but got an output tensor with dtype {type_name(out._data.dtype)}")
    # tensordot_out is resize_output then copy_: no out= refusal under autograd (out gets CopyBackwards)
    if tuple(out.shape) != tuple(r.shape):
        if out.numel():
            from ._out import _RESIZED
            from .._user_warning import warn_at_caller
            warn_at_caller(_RESIZED.format(list(out.shape), list(r.shape)))
        out.resize_(r.shape)
    return out.copy_(r)


tensordot._handles_out = True        # (ops/_out.py leaves it unwrapped)


def _dim_set(dims, ndim):
    """at::dim_list_to_bitset: the wrapped dims, each at most once."""
    from .._tensor import _wrap_dim
    seen = set()
    for d in dims:
        w = _wrap_dim(d, ndim)
        if w in seen:
            raise RuntimeError(f"dim {w} appears multiple times in the list of dims")
        seen.add(w)
    return seen


def kron(input, other, *, out=None):
    tensors_only('kron', input, other)
    from .arithmetic import mul
    x, y = input._data, other._data
    n = max(x.ndim, y.ndim)
    xs = (1,) * (n - x.ndim) + x.shape
    ys = (1,) * (n - y.ndim) + y.shape
    # only size-1 dims are inserted (always a view): torch's KronImpl takes _unsafe_view for both
    a = _unsafe_view(input, tuple(s for p in xs for s in (p, 1)))
    b = _unsafe_view(other, tuple(s for q in ys for s in (1, q)))
    prod, shape = mul(a, b), tuple(p * q for p, q in zip(xs, ys))
    # the product has mul's layout (a transposed input's): torch's view of it can fail, where NumPy's
    # reshape would copy (reshape(copy=False) says so only from NumPy 2.1)
    r = prod._data.reshape(shape)
    if r.size and not np.may_share_memory(r, prod._data):
        raise RuntimeError("view size is not compatible with input tensor's size and stride (at least one dimension "
                           "spans across two contiguous subspaces). Use .reshape(...) instead.")
    return _unsafe_view(prod, shape)
