"""Sparse COO tensors: ``indices`` (sparse_dim, nnz) int64 and ``values`` (nnz, *dense_shape).

``SparseTensor`` subclasses ``Tensor`` so that ``isinstance``, ``.grad`` and the optimizers see a
tensor, but it keeps its own arrays (``_idx``, ``_vals``) and the dense tensor's ``_data`` slot is
shadowed by a property that materialises the dense array.  That keeps the dense hot path free of
layout checks: a dense op handed a sparse tensor reads ``_data`` and works on the dense values
(torch refuses some of those; glasstorch computes them).  The ops torch defines on sparse tensors
are methods here.

``_coal`` is torch's "coalesced" flag: indices sorted and unique.  Like torch, it is only set by
``coalesce()``, by construction from a dense tensor, or by an op that keeps it; a tensor built
from indices that happen to be sorted is still uncoalesced.
"""
import numpy as np

from .. import _dtype as _dt
from .._device import Size
from .._runtime import layout
from .._tensor import Tensor
from .. import _printing

sparse_coo = layout("sparse_coo")

UNCOALESCED = "Cannot get {} on an uncoalesced tensor, please call .coalesce() first"


def not_on_sparse(op, backend="SparseCPU"):
    """torch's dispatcher error for an op with no sparse kernel (torch goes on to list every
    backend the op has, with source paths of its build; glasstorch stops at the list's start)."""
    return NotImplementedError(
        f"Could not run '{op}' with arguments from the '{backend}' backend. This could be because the operator "
        "doesn't exist for this backend, or was omitted during the selective/custom build process (if using custom "
        "build). If you are a Facebook employee using PyTorch on mobile, please visit https://fburl.com/ptmfixes for "
        f"possible resolutions. '{op}' is only available for these backends: [CPU, CUDA, Meta, ...].")


def failing_node(name, op):
    """A node class named ``name`` whose backward fails as torch's does for ``op``: torch records the node
    for a sparse input but has no sparse kernel for its backward."""
    from ..autograd.graph import Node

    def backward(self, g):
        raise not_on_sparse(op)
    return type(name, (Node,), {"__slots__": (), "backward": backward})


class SparseTensor(Tensor):
    __slots__ = ("_idx", "_vals", "_size", "_coal")

    def __new__(cls, *args, **kwargs):
        raise TypeError("use torch.sparse_coo_tensor to build a sparse tensor")

    # ---- metadata -------------------------------------------------------------------------
    @property
    def _data(self):
        return _densify(self._idx, self._vals, self._size)

    @property
    def shape(self):
        return Size(self._size)

    def size(self, dim=None):
        if dim is None:
            return Size(self._size)
        from .._tensor import _wrap_dim
        return self._size[_wrap_dim(dim, len(self._size))]

    @property
    def dtype(self):
        return _dt.FROM_NP[self._vals.dtype]

    @property
    def is_sparse(self):
        return True

    @property
    def layout(self):
        return sparse_coo

    @property
    def ndim(self):
        return len(self._size)

    def dim(self):
        return len(self._size)

    ndimension = dim

    def numel(self):
        return int(np.prod(self._size, dtype=np.int64))

    def element_size(self):
        return self._vals.itemsize

    def is_floating_point(self):
        return self._vals.dtype.kind == "f"

    def is_complex(self):
        return self._vals.dtype.kind == "c"

    def __len__(self):
        if not self._size:
            raise TypeError("len() of a 0-d tensor")
        return self._size[0]

    # ---- the sparse parts -----------------------------------------------------------------
    def sparse_dim(self):
        return self._idx.shape[0]

    def dense_dim(self):
        return self._vals.ndim - 1

    def _nnz(self):
        return self._vals.shape[0]

    def is_coalesced(self):
        return self._coal

    def _coalesced_(self, coalesced):
        """Set the coalesced flag in place, trusting the caller (nothing is sorted or checked)."""
        from .._sparse_index_conv import coalesced_flag
        self._coal = coalesced_flag(coalesced)
        return self

    def _indices(self):
        return _T_wrap(self._idx)

    def _values(self):
        return _T_wrap(self._vals)

    def indices(self):
        if not self._coal:
            raise RuntimeError(UNCOALESCED.format("indices"))
        return _T_wrap(self._idx)

    def values(self):
        if not self._coal:
            raise RuntimeError(UNCOALESCED.format("values"))
        from ._autograd import values_of
        return values_of(_T_wrap(self._vals), self)

    def coalesce(self):
        if self._coal:
            return self
        from ._autograd import coalesced
        idx, vals = coalesce_arrays(self._idx, self._vals, self._size)
        return coalesced(make(idx, vals, self._size, True), self)

    def to_dense(self, dtype=None, *, masked_grad=None):
        from .._tensor import _wrap
        d = self._data
        if dtype is not None:
            d = d.astype(dtype.np)
        from ._autograd import densified
        return densified(_wrap(d), self)

    def to_sparse(self, sparse_dim=None, *, layout=None, blocksize=None, dense_dim=None):
        from ._coo_checks import sparse_to_sparse
        return sparse_to_sparse(self, sparse_dim, layout)

    def clone(self, *, memory_format=None):
        from ._autograd import cloned
        return cloned(make(self._idx.copy(), self._vals.copy(), self._size, self._coal), self)

    def detach(self):
        return make(self._idx, self._vals, self._size, self._coal)

    @property
    def data(self):
        return self.detach()

    def numpy(self, *, force=False):
        raise TypeError("can't convert Sparse layout tensor to numpy. Use Tensor.to_dense() first.")

    def tolist(self):
        raise RuntimeError("Cannot access data pointer of Tensor that doesn't have storage")

    def zero_(self):
        self._idx = np.empty((self._idx.shape[0], 0), np.int64)
        self._vals = np.empty((0,) + self._vals.shape[1:], self._vals.dtype)
        self._coal = True
        self._vc[0] += 1
        return self

    def __repr__(self, *, tensor_contents=None):
        return sparse_repr(self)

    def __deepcopy__(self, memo):
        from ._coo_checks import deepcopy
        return deepcopy(self, memo)

    def __reduce_ex__(self, proto):
        return (_rebuild, (self._idx, self._vals, self._size, self._coal))

    # (transposes and dtype conversions: ``_shape.py``, ``_convert.py``; elementwise: ``_unary.py``)

    # ---- arithmetic (``_arith.py``) -----------------------------------------------------
    def __add__(self, other):
        from ._arith import add
        return add(self, other)

    def add(self, other, *, alpha=1):
        from ._arith import add
        return add(self, other, alpha)

    def add_(self, other, *, alpha=1):
        from ._arith import add_
        return add_(self, other, alpha)

    def __radd__(self, other):
        from ._arith import dense_add
        return dense_add(other, self)

    def __sub__(self, other):
        from ._arith import add
        return add(self, other, -1, sub=True)

    def sub(self, other, *, alpha=1):
        from ._arith import add
        return add(self, other, -alpha, sub=True)

    def __mul__(self, other):
        from ._arith import mul
        return mul(self, other)

    __rmul__ = mul = __mul__

    # (in-place ops other than add_ and zero_: ``_inplace.py``)

    def __truediv__(self, other):
        from ._arith import div
        return div(self, other)

    div = __truediv__

    def __neg__(self):
        from ._arith_grad import record
        return record("neg", make(self._idx.copy(), -self._vals, self._size, self._coal), self, -1)

    neg = __neg__

    def sum(self, dim=None, keepdim=False, *, dtype=None):
        if dim is not None:
            from ._reduce import sparse_sum
            return sparse_sum(self, dim, dtype, keepdim, method=True)
        from .._tensor import _wrap
        # torch's sum_coo is values().sum(dtype): the stored values as they are (duplicates each count, in
        # storage order) with a dense sum's integer promotion
        out = _wrap(self._vals).sum(dtype=dtype).detach()
        from ..autograd.grad_mode import GRAD
        if GRAD.enabled and self._rg:          # a dense gradient, as torch's (sparse/_reduce.py)
            from ._reduce import SumBackward0
            from ..ops._common import record
            node = SumBackward0()
            node.save(tuple(self._size), self._vals.dtype)
            record(node, out, self)
        return out


def _T_wrap(arr):
    from .._tensor import _wrap
    return _wrap(arr)


def make(idx, vals, size, coalesced, rg=False):
    """A sparse tensor around ``idx`` and ``vals`` (no copy)."""
    t = object.__new__(SparseTensor)
    t._idx, t._vals, t._size, t._coal = idx, vals, tuple(size), coalesced
    t._rg = rg
    t.grad_fn = None
    t._grad = None
    t._vc = [0]
    t._accum = None
    t._base = None
    t._out_nr = 0
    return t


def _rebuild(idx, vals, size, coal):
    return make(idx, vals, size, coal)


def _densify(idx, vals, size):
    out = np.zeros(tuple(size), vals.dtype)
    if vals.shape[0] and not idx.shape[0]:    # no sparse dim: every entry sits at the one position
        for v in vals:
            out += v
    elif vals.shape[0]:
        np.add.at(out, tuple(idx), vals)       # duplicates add up, in nnz order
    return out


def _linear(idx, size):
    """Each column of ``idx`` as one row-major number (the order coalesce sorts by)."""
    lin = np.zeros(idx.shape[1], np.int64)
    for d in range(idx.shape[0]):
        lin = lin * size[d] + idx[d]
    return lin


def coalesce_arrays(idx, vals, size):
    """Sorted unique indices; the values of a repeated index summed one by one, in the order torch's
    unstable sort of the row-major indices leaves them (their original order for nnz <= 16)."""
    nnz = vals.shape[0]
    if nnz < 2:
        return idx.copy(), vals.copy()
    lin = _linear(idx, size)
    order = np.argsort(lin, kind="stable")
    if 16 < nnz < 32768 and (lin[order][1:] == lin[order][:-1]).any():
        # duplicates: torch's sort(stable=False) is std::sort, whose order of equal keys is its own
        from ..ops._introsort import std_sort_order
        order = std_sort_order(np.unique(lin, return_inverse=True)[1])
    slin = lin[order]
    first = np.concatenate(([True], slin[1:] != slin[:-1]))
    group = np.cumsum(first) - 1
    svals = vals[order]
    new_vals = svals[first].copy()         # each index's first value, then the repeats added on (-0.0 stays -0.0)
    np.add.at(new_vals, group[~first], svals[~first])
    return idx[:, order[first]], new_vals


def _invariants_unset():
    """torch warns once per process when a sparse constructor is left to the global invariant-check setting."""
    from .._user_warning import warn_once
    warn_once("sparse_invariants", "Sparse invariant checks are implicitly disabled. Memory errors (e.g. SEGFAULT) "
              "will occur when operating on a sparse tensor which violates the invariants, but checks incur "
              "performance overhead. To silence this warning, explicitly opt in or out. See "
              "`torch.sparse.check_sparse_tensor_invariants.__doc__` for guidance.  (Triggered internally at "
              "/__w/pytorch/pytorch/aten/src/ATen/Context.cpp:816.)")


def sparse_coo_tensor(indices=None, values=None, size=None, *, dtype=None, device=None, pin_memory=False,
                      requires_grad=False, check_invariants=None, is_coalesced=None):
    """``torch.sparse_coo_tensor``: indices (sparse_dim, nnz), values (nnz, *dense); or only a size."""
    from .._tensor import Tensor as T
    from ._coo_checks import check, size_only
    if check_invariants is None:
        _invariants_unset()
    if values is None:
        return size_only(size if indices is None else indices, dtype, requires_grad)
    idx = np.asarray(indices._data if isinstance(indices, T) else indices)
    if idx.dtype.kind not in "iu":
        idx = idx.astype(np.int64)     # torch casts float indices to int64 too
    idx = np.asarray(idx, dtype=np.int64, order="C")     # (keeps a 0-d one 0-d, for torch's error)
    if isinstance(values, T):
        vals = values._data
    else:
        from .._creation import tensor
        vals = tensor(values)._data
    if dtype is not None:
        vals = vals.astype(dtype.np)
    from ._coo_checks import check_shapes
    vals = check_shapes(idx, vals, size)
    check(idx, None if size is None else tuple(int(n) for n in size), check_invariants)
    if size is None:
        top = idx.max(axis=1) + 1 if idx.shape[1] else np.zeros(idx.shape[0], np.int64)
        size = tuple(int(s) for s in top) + vals.shape[1:]
    size = tuple(int(s) for s in size)
    if requires_grad and vals.dtype.kind not in "fc":
        raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
    # torch flags a tensor of under 2 entries coalesced unless told otherwise
    coal = idx.shape[1] < 2 if is_coalesced is None else bool(is_coalesced)
    out = make(idx, vals, size, coal, bool(requires_grad))
    from ._autograd import built
    return built(out, values) if isinstance(values, T) else out


def dense_to_sparse(x, sparse_dim=None):
    """``Tensor.to_sparse()``: the nonzero entries in row-major order, coalesced."""
    d = x._data
    sd = d.ndim if sparse_dim is None else sparse_dim
    from ._coo_checks import check_sparse_dim
    check_sparse_dim(d, sd)
    if d.ndim == 0:         # a scalar: one entry at the empty index, or none
        n = int(d != 0)
        return make(np.zeros((0, n), np.int64), d.reshape(1)[:n].copy(), (), True)
    if sd == d.ndim:
        nz = np.nonzero(d)
        idx = np.array(nz, dtype=np.int64).reshape(d.ndim, -1)
        vals = d[nz]
    else:
        flat = d.reshape(d.shape[:sd] + (-1,))
        nz = np.nonzero((flat != 0).any(axis=-1))
        idx = np.array(nz, dtype=np.int64).reshape(sd, -1)
        vals = d[nz]
    return make(idx, np.ascontiguousarray(vals), d.shape, True)


def sparse_repr(t):
    """torch's repr of a COO tensor: indices and values as nested tensors, then the suffixes, the
    first of which always starts a new line."""
    opts = _printing.PRINT_OPTS
    indent = len("tensor(")
    parts = []
    for name, arr in (("indices", t._idx), ("values", t._vals)):
        prefix = f"{name}=tensor("
        body = _printing._tensor_body(arr, indent + len(prefix), opts) if arr.size else "[]"
        if arr.size == 0:
            body += f", size={tuple(arr.shape)}"
        parts.append(prefix + body + ")")
    text = "tensor(" + parts[0] + ",\n" + " " * indent + parts[1]
    suffixes = [f"size={tuple(t._size)}", f"nnz={t._vals.shape[0]}"]
    vd = t._vals.dtype
    if not (vd == _dt.DEFAULT.float.np or _dt.is_default_complex(vd) or vd.name in ("int64", "bool")):
        suffixes.append(f"dtype=torch.{_dt.FROM_NP[vd].name}")
    suffixes.append("layout=torch.sparse_coo")
    if t.grad_fn is not None:
        suffixes.append(f"grad_fn=<{t.grad_fn.name().rsplit('::', 1)[-1]}>")     # (NotImplemented's is C++-qualified)
    elif t._rg:
        suffixes.append("requires_grad=True")
    # torch's _add_suffixes with force_newline: the first suffix starts a line, the rest wrap
    pieces = [text, ",\n" + " " * indent + suffixes[0]]
    last = indent + len(suffixes[0])
    for s in suffixes[1:]:
        if last + len(s) + 2 > opts.linewidth:
            pieces.append(",\n" + " " * indent + s)
            last = indent + len(s)
        else:
            pieces.append(", " + s)
            last += len(s) + 2
    return "".join(pieces) + ")"
