"""Views that reorder or cut axes: transpose, t, permute, movedim, narrow, select, diagonal, and
the multi-output views unbind, split, chunk.  torch's memory introspection (``stride``,
``storage_offset``, ``data_ptr``, ``untyped_storage``) lives in ``storage.py``.
"""
import numpy as np

from ..autograd.graph import Node
from ._common import GRAD, Tensor, _wrap, record1
from .shape import as_view, is_array
from .storage import stride, data_ptr, storage_offset, UntypedStorage, untyped_storage  # noqa: F401  (old home)
from .._tensor import _wrap_dim
from ._no_dim import NO_DIM
from .._arg_refuse import not_a_tensor


def _swap(g, d0, d1):
    return np.swapaxes(g, d0, d1) if is_array(g) else g.transpose(d0, d1)


def _permute(g, dims):
    return np.transpose(g, dims) if is_array(g) else g.permute(dims)


def _inverse(perm):
    inv = [0] * len(perm)
    for i, p in enumerate(perm):
        inv[p] = i
    return tuple(inv)


# ---- transpose / t / permute ---------------------------------------------------------------------
class TransposeBackward0(Node):
    """y = x.transpose(d0, d1)   ->   dx = g.transpose(d0, d1)"""
    __slots__ = ("d0", "d1")

    def backward(self, g):
        return (_swap(g, self.d0, self.d1),)


def transpose(input, dim0=NO_DIM, dim1=NO_DIM):    # a dim not given is refused by the int check below
    try:
        sparse = input.is_sparse
    except AttributeError:          # not a tensor: torch's parser error
        not_a_tensor()
    if sparse:
        return input.transpose(dim0, dim1)
    x = input._data
    if dim0.__class__ is not int or dim1.__class__ is not int:
        from .._arg_refuse import refusal
        err = refusal()             # the parser refuses either dim before either is wrapped
        if err is not None:
            raise err
    d0, d1 = _wrap_dim(dim0, x.ndim), _wrap_dim(dim1, x.ndim)
    r = as_view(input, np.swapaxes(x, d0, d1) if x.ndim else x.view())
    if GRAD.enabled and input._rg:
        node = TransposeBackward0()
        node.d0, node.d1 = (d0, d1) if x.ndim else (0, 0)
        record1(node, r, input)
    return r


def swapaxes(input, axis0, axis1):      # own frames, so that a wrongly typed dim is refused under its name
    return transpose(input, axis0, axis1)


def swapdims(input, dim0, dim1):
    return transpose(input, dim0, dim1)


class TBackward0(Node):
    """y = x.t()   ->   dx = g.t()"""
    __slots__ = ()

    def backward(self, g):
        return (g.T if is_array(g) else g.t(),)


def t(input):
    try:
        sparse = input.is_sparse
    except AttributeError:      # a non-tensor: torch's parser error
        not_a_tensor()
    if sparse:
        return input.t()
    x = input._data
    if x.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {x.ndim}D")
    r = as_view(input, x.T)
    if GRAD.enabled and input._rg:
        record1(TBackward0(), r, input)
    return r


class PermuteBackward0(Node):
    """y = x.permute(dims)   ->   dx = g.permute(inverse of dims)"""
    __slots__ = ("inv",)

    def backward(self, g):
        return (_permute(g, self.inv),)


def permute(input, *args, dims=None):
    from .shape import or_keyword
    dims = or_keyword(args, dims, "dims", "permute")
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        dims = dims[0]
    for d in dims:              # plain ints cost a loop; anything else is checked as torch's parser checks it
        if d.__class__ is not int:
            from .._arg_refuse import ints
            dims = ints(dims)
            break
    try:
        sparse = input.is_sparse
    except AttributeError:      # a non-tensor: torch's parser error
        not_a_tensor()
    if sparse:
        return input.permute(dims)
    x = input._data
    if len(dims) != x.ndim:
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does not match the "
                           f"length of the desired ordering of dimensions i.e. input.dim() = {x.ndim} is not "
                           f"equal to len(dims) = {len(dims)}")
    dims = tuple(_wrap_dim(int(d), x.ndim) for d in dims)
    if len(set(dims)) != len(dims):
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    r = as_view(input, np.transpose(x, dims))
    if GRAD.enabled and input._rg:
        node = PermuteBackward0()
        node.inv = _inverse(dims)
        record1(node, r, input)
    return r


T_WARNING = ("The use of `x.T` on tensors of dimension other than 2 to reverse their shape is deprecated and it "
             "will throw an error in a future release. Consider `x.mT` to transpose batches of matrices or "
             "`x.permute(*torch.arange(x.ndim - 1, -1, -1))` to reverse the dimensions of a tensor. (Triggered "
             "internally at /__w/pytorch/pytorch/aten/src/ATen/native/TensorShape.cpp:4314.)")


def T(input):
    n = input._data.ndim
    if n != 2 and n != 0:
        from .._user_warning import warn_once
        warn_once("x.T", T_WARNING)            # torch warns once per process
    return permute(input, tuple(range(n - 1, -1, -1)))


def mT(input):
    n = input._data.ndim
    if n < 2:
        raise RuntimeError(f"tensor.mT is only supported on matrices or batches of matrices. Got {n}-D tensor.")
    return transpose(input, -2, -1)


def movedim(input, source, destination):
    x = input._data
    if source.__class__ is not int or destination.__class__ is not int:
        from .._arg_refuse import int_or_ints
        source, destination = int_or_ints(source), int_or_ints(destination)
    src = (source,) if isinstance(source, int) else tuple(source)
    dst = (destination,) if isinstance(destination, int) else tuple(destination)
    if len(src) != len(dst):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({list(src)} dims) should "
                           f"contain the same number of dims as destination ({list(dst)} dims)")
    given = {"source": list(src), "destination": list(dst)}
    src = [_wrap_dim(d, x.ndim) for d in src]
    dst = [_wrap_dim(d, x.ndim) for d in dst]
    for name, dims in (("source", src), ("destination", dst)):
        if len(set(dims)) != len(dims):
            raise RuntimeError(f"movedim: repeated dim in `{name}` ({given[name]})")
    if x.ndim == 0:          # a 0-d tensor: dims 0 / -1 name its one (absent) dim
        return permute(input, ())
    order = [d for d in range(x.ndim) if d not in src]
    perm = [None] * x.ndim
    for s, d in zip(src, dst):
        perm[d] = s
    it = iter(order)
    perm = tuple(p if p is not None else next(it) for p in perm)
    return permute(input, perm)


def moveaxis(input, source, destination):
    return movedim(input, source, destination)


# ---- narrow / select / diagonal ------------------------------------------------------------------
class SliceBackward0(Node):
    """y = x[..., start:end:step, ...]   ->   dx = zeros with g written into that slice"""
    __slots__ = ("shape", "index")

    def backward(self, g):
        if not is_array(g):      # create_graph: torch's slice_backward op, with its own derivative node
            from .slice_double import slice_backward_graph, SliceBackwardBackward0, SelectBackwardBackward0
            cls = SelectBackwardBackward0 if isinstance(self, SelectBackward0) else SliceBackwardBackward0
            return (slice_backward_graph(g, self.shape, self.index, cls),)
        return (scatter_into(self.m, g, self.shape, self.index),)


class SelectBackward0(SliceBackward0):
    """y = x.select(d, i)   ->   dx = zeros with g written at index i of dim d"""
    __slots__ = ()


def scatter_into(m, g, shape, index):
    """Zeros of ``shape`` with ``g`` written at ``index`` (a basic-indexing tuple)."""
    if is_array(g):
        out = np.zeros(shape, g.dtype)
        out[index] = g
        return out
    out = m.zeros(shape, dtype=g.dtype)
    out[index] = g
    return out


def _record_index(node_cls, input, r, index):
    if GRAD.enabled and input._rg:
        node = node_cls()
        node.shape = input._data.shape
        node.index = index
        record1(node, r, input)
    return r


def narrow(input, dim, start, length):
    if dim.__class__ is not int or start.__class__ is not int or length.__class__ is not int:
        from .._arg_refuse import refusal
        err = refusal()             # torch's parser refuses wrong types before narrow checks anything
        if err is not None:
            raise err
    x = input._data
    if x.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    if length.__class__ is int and length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    d = _wrap_dim(dim, x.ndim)
    size = x.shape[d]
    if start.__class__ is not int or length.__class__ is not int:
        from .._arg_refuse import int_arg
        if hasattr(start, "_data"):         # narrow(int dim, Tensor start, int length)
            if start._data.ndim or start._data.dtype.kind not in "iu":
                raise RuntimeError("start must be an 0-dim integral Tensor.")
            start = int(start)
        else:
            start = int_arg(start, "start")
        length = int_arg(length, "length")
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    if not -size <= start <= size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], but got {start})")
    if start < 0:
        start += size
    if start + length > size or length < 0:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    index = (slice(None),) * d + (slice(start, start + length),)
    return _record_index(SliceBackward0, input, as_view(input, x[index]), index)


def select(input, dim, index):
    if input.__class__ is not Tensor and getattr(input, "is_sparse", False):
        return input.select(dim, index)      # a sparse tensor stays sparse (sparse/_select.py)
    x = input._data
    if dim.__class__ is not int or index.__class__ is not int:
        from .._arg_refuse import refusal
        err = refusal()             # torch's parser refuses wrong types first
        if err is not None:
            raise err
    if x.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = _wrap_dim(dim, x.ndim)
    size = x.shape[d]
    i = index
    if i.__class__ is not int:
        from .._arg_refuse import int_arg
        i = int_arg(i, "index")
    if not -size <= i < size:
        raise IndexError(f"select(): index {i} out of range for tensor of size {list(x.shape)} at dimension {d}")
    idx = (slice(None),) * d + (i + size if i < 0 else i, Ellipsis)
    return _record_index(SelectBackward0, input, as_view(input, x[idx]), idx)


class DiagonalBackward0(Node):
    """y = x.diagonal(offset, d1, d2)   ->   dx = zeros with g written on that diagonal"""
    __slots__ = ("shape", "offset", "d1", "d2")

    def backward(self, g):
        if is_array(g):
            out = np.zeros(self.shape, g.dtype)
            _diag_view(out, self.offset, self.d1, self.d2)[...] = g
            return (out,)
        # recording a graph: torch's diagonal_backward op, with its own derivative node
        from .slice_double import diagonal_backward_graph
        return (diagonal_backward_graph(g, self.shape, self.offset, self.d1, self.d2, _diag_view),)


def _diag_view(x, offset, d1, d2):
    """A writable NumPy view of the diagonal (np.diagonal's own result is read-only)."""
    y = np.moveaxis(x, (d1, d2), (-2, -1))
    n1, n2 = y.shape[-2], y.shape[-1]
    if offset >= 0:
        k = max(0, min(n1, n2 - offset))
        start = (0, offset)
    else:
        k = max(0, min(n1 + offset, n2))
        start = (-offset, 0)
    s1, s2 = y.strides[-2], y.strides[-1]
    base = y[..., start[0]:, start[1]:] if k else y[..., :0, :0]
    return np.lib.stride_tricks.as_strided(base, base.shape[:-2] + (k,), base.strides[:-2] + (s1 + s2,),
                                           writeable=True)


def diagonal(input, offset=0, dim1=0, dim2=1):
    if offset.__class__ is not int or dim1.__class__ is not int or dim2.__class__ is not int:
        from .._arg_refuse import refusal
        err = refusal()             # torch's parser refuses wrong types before any dim is wrapped
        if err is not None:
            raise err
    x = input._data
    d1, d2 = _wrap_dim(dim1, x.ndim), _wrap_dim(dim2, x.ndim)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    r = as_view(input, _diag_view(x, offset, d1, d2))
    if GRAD.enabled and input._rg:
        node = DiagonalBackward0()
        node.shape, node.offset, node.d1, node.d2 = x.shape, offset, d1, d2
        record1(node, r, input)
    return r


def diagonal_scatter(input, src, offset=0, dim1=0, dim2=1):
    """A copy of ``input`` with ``src`` written on the diagonal (with its gradient: ops/view_scatter.py)."""
    from .view_scatter import diagonal_scatter as scatter
    return scatter(input, src, offset, dim1, dim2)


from .views_multi import (_MultiView, UnbindBackward0, SplitBackward0, SplitWithSizesBackward0,  # noqa: E402,F401
                          _multi, unbind, split, chunk, tensor_split)


__all__ = ["transpose", "swapaxes", "swapdims", "t", "permute", "movedim", "moveaxis", "narrow", "select",
           "diagonal", "diagonal_scatter", "unbind", "split", "chunk", "tensor_split"]
