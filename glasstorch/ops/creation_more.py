"""Small torch-level helpers built from other ops: result_type, can_cast, diff, rot90, cross,
block_diag, cartesian_prod, cdist; and the ``new_*`` tensor constructors."""
import numpy as np

from .. import _dtype as _dt
from ..autograd.graph import Node
from ._common import GRAD, Tensor, _wrap, record, record1
from .._sizes import _size
from .inplace import can_cast as _can_cast


_RESULT_TYPE = ("result_type(Tensor tensor, Tensor other)", "result_type(Scalar scalar, Tensor tensor)",
                "result_type(Tensor tensor, Scalar other)", "result_type(Scalar scalar1, Scalar scalar2)")
_NUMBERS = (Tensor, int, float, bool, complex)


def result_type(*args, **kwargs):
    """The dtype torch's type promotion gives two operands (Tensors or Python numbers)."""
    if len(args) != 2 or kwargs or args[0].__class__ not in _NUMBERS or args[1].__class__ not in _NUMBERS:
        from .._arg_parser import parser_error
        err = parser_error(_RESULT_TYPE, args, kwargs)
        if err is not None:
            raise err
    return _dt.result_type(*args, *kwargs.values())      # (symmetric: keyword order does not matter)


def can_cast(*args, **kwargs):
    """Whether torch's casting rules allow writing a ``from_`` result into a ``to`` tensor."""
    if len(args) == 2 and not kwargs and args[0].__class__ is _dt.dtype and args[1].__class__ is _dt.dtype:
        from_, to = args
    else:
        from_, to = _dt.dtype_args("can_cast(ScalarType from_, ScalarType to)", args, kwargs)
    if from_.__class__ is not _dt.dtype:      # a quantized type is in none of canCast's classes
        return to is not _dt.bool_
    if to.__class__ is not _dt.dtype:
        return from_.np.kind != "c"
    return _can_cast(from_.np, to.np)


def diff(input, n=1, dim=-1, prepend=None, append=None, *, out=None):
    from .join import cat
    from .views import narrow
    x = input
    if x.dim() == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    from .._tensor import _wrap_dim
    d = _wrap_dim(dim, x.dim())             # torch's IndexError for a dim out of range
    if prepend is not None or append is not None:
        for t in (prepend, append):
            if t is not None and t.dim() != x.dim():
                raise RuntimeError("diff expects prepend or append to be the same dimension as input")
            if t is not None and any(a != b for k, (a, b) in enumerate(zip(t.shape, x.shape)) if k != d):
                k = next(k for k, (a, b) in enumerate(zip(t.shape, x.shape)) if k != d and a != b)
                raise RuntimeError("diff expects the shape of tensor to prepend or append to match that of input "
                                   f"except along the differencing dimension; input.size({k}) = {x.shape[k]}, but "
                                   f"got tensor.size({k}) = {t.shape[k]}")
        x = cat([t for t in (prepend, x, append) if t is not None], dim)
    if n >= x.shape[dim]:                    # torch: an empty slice of zeros_like
        from .._creation import zeros_like
        return narrow(zeros_like(x), dim, 0, 0)
    for _ in range(n):
        size = x.shape[dim]
        x = narrow(x, dim, 1, size - 1) - narrow(x, dim, 0, size - 1) if x.dtype != _dt.bool_ else \
            narrow(x, dim, 1, size - 1) ^ narrow(x, dim, 0, size - 1)
    return x


class Rot90Backward0(Node):
    """y = rot90(x, k, dims)   ->   dx = rot90(g, -k, dims)"""
    __slots__ = ("k", "dims")

    def backward(self, g):
        return (self.m.rot90(g, -self.k, self.dims),)


def rot90(input, k=1, dims=(0, 1)):
    from .._tensor import _wrap_dim
    nd = input.dim()
    if k.__class__ is not int or dims.__class__ not in (tuple, list) or any(d.__class__ is not int for d in dims):
        from .._arg_refuse import refusal
        err = refusal()             # torch's parser refuses a wrongly typed k or dims first
        if err is not None:
            raise err
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if nd < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {nd}")
    d0, d1 = dims
    w0, w1 = _wrap_dim(d0, nd), _wrap_dim(d1, nd)      # torch 2.13 wraps (range errors) first
    if d0 == d1 or abs(d0 - d1) == nd:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {d0} and dim1 = {d1}")
    d0, d1 = w0, w1
    # torch's kernel: a flipped copy, then (k odd) a transposed view of it, so the strides come out as torch's
    x, m = input._data, k % 4
    from ._layout import contig, flip_copy       # (flip: empty_like(x)'s layout)
    if m == 0:
        out = contig(x.copy())                      # torch: x.clone(contiguous_format)
    elif m == 2:
        out = flip_copy(x, (d0, d1))
    else:
        out = np.swapaxes(flip_copy(x, d1 if m == 1 else d0), d0, d1)
    r = _wrap(out)
    if GRAD.enabled and input._rg:
        node = Rot90Backward0()
        node.k, node.dims = k, (d0, d1)
        record1(node, r, input)
    return r


def cross(input, other, dim=None, *, out=None):
    from ._common import tensors_only
    tensors_only("cross", input, other)
    if dim is None:      # torch warns once, then takes the first size-3 dim of ``input`` alone
        from .._user_warning import warn_once
        warn_once("cross_default_dim", "Using torch.cross without specifying the dim arg is deprecated.\n"
                  "Please either pass the dim explicitly or simply use torch.linalg.cross.\n"
                  "The default value of dim will change to agree with that of linalg.cross in a future release. "
                  "(Triggered internally at /__w/pytorch/pytorch/aten/src/ATen/native/Cross.cpp:63.)")
        dim = next((i for i, s in enumerate(input.shape) if s == 3), None)
        if dim is None:
            raise RuntimeError("no dimension of size 3 in input")
    from .._linalg_cross import cross_named
    return cross_named(input, other, dim, out, "cross")


cross._handles_out = True     # (linalg.cross checks and writes out)


class BlockDiagBackward0(Node):
    """y = block_diag(x_1, ..., x_n)   ->   dx_i = the block of g where x_i sits"""
    __slots__ = ("blocks",)

    def backward(self, g):
        return tuple(g[r0:r0 + nr, c0:c0 + nc].reshape(shape) for r0, c0, nr, nc, shape in self.blocks)


def block_diag(*tensors):
    from ..autograd.grad_mode import no_grad
    with no_grad():
        r = _block_diag(*tensors)
    if GRAD.enabled and any(t._rg for t in tensors):
        node, blocks, r0, c0 = BlockDiagBackward0(), [], 0, 0
        for t in tensors:
            nr, nc = (t.shape[0], t.shape[1]) if t.dim() == 2 else (1, t.numel())
            blocks.append((r0, c0, nr, nc, tuple(t.shape)))
            r0, c0 = r0 + nr, c0 + nc
        node.blocks = blocks
        record(node, r, *tensors)
    return r


def _block_diag(*tensors):
    from .join import cat
    from .._creation import zeros
    for i, t in enumerate(tensors):
        if t.dim() > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer dimensions. Input {i} has "
                               f"{t.dim()} dimensions")
    if not tensors:
        return zeros(1, 0)
    ts = [t.reshape(1, -1) if t.dim() <= 1 else t for t in tensors]
    cols = sum(t.shape[1] for t in ts)
    rows, start = [], 0
    dt = _dt.result_type(*tensors) if len(tensors) > 1 else tensors[0].dtype
    for t in ts:
        left = zeros(t.shape[0], start, dtype=dt)
        right = zeros(t.shape[0], cols - start - t.shape[1], dtype=dt)
        rows.append(cat([left, t.to(dt), right], 1))
        start += t.shape[1]
    return cat(rows, 0)


def cartesian_prod(*tensors):
    from .join import meshgrid, stack
    for t in tensors:
        if t.dim() != 1:
            raise RuntimeError(f"Expect a 1D vector, but got shape {list(t.shape)}")
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    if any(t.dtype != tensors[0].dtype for t in tensors):
        raise RuntimeError("meshgrid expects all tensors to have the same dtype")
    if len(tensors) == 1:
        return tensors[0]
    grids = meshgrid(*tensors, indexing="ij")
    return stack([g.reshape(-1) for g in grids], 1)


def _cdist_p(p):
    """_VF.cdist's parser for ``double p`` (always its 3rd positional argument): a real number (a bool, a
    NumPy scalar too) or a 0-d tensor that needs no grad; a str, None, complex or 1-element tensor is refused."""
    if isinstance(p, (int, float, np.integer, np.floating)):
        return p
    from .._tensor import Tensor
    if isinstance(p, Tensor) and p.dim() == 0 and not p.requires_grad:
        v = p.item()
        if isinstance(v, complex):      # the parser takes it; c10's checked conversion to double does not
            if v.imag != 0:
                raise RuntimeError("value cannot be converted to type double without overflow")
            v = v.real
        return v
    from .._arg_parser import tp_name
    raise TypeError(f"cdist(): argument 'p' (position 3) must be float, not {tp_name(p)}")


def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    """d[..., i, j] = ||x1[..., i, :] - x2[..., j, :]||_p, with torch's argument checks in its order."""
    from .inplace import type_name
    from ._common import check_broadcast
    from .pdist import _MODES
    if compute_mode not in _MODES:      # (torch.functional.cdist checks it in Python, before the kernel's checks)
        raise ValueError(f"{compute_mode} is not a valid value for compute_mode")
    p = _cdist_p(p)
    for name, t in (("X1", x1), ("X2", x2)):
        if t.dim() < 2:
            raise RuntimeError(f"cdist only supports at least 2D tensors, {name} got: {t.dim()}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} X2: {x2.shape[-1]}")
    for name, t in (("X1", x1), ("X2", x2)):
        if t._data.dtype.kind != "f":
            raise RuntimeError(f"cdist only supports floating-point dtypes, {name} got: {type_name(t._data.dtype)}")
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    check_broadcast(tuple(x1.shape[:-2]), tuple(x2.shape[:-2]))    # the batch dims, before the dtype checks
    if x1._data.dtype == np.float16:
        raise NotImplementedError("\"cdist\" not implemented for 'Half'")
    if x1._data.dtype != x2._data.dtype:
        raise RuntimeError(f"expected scalar type {type_name(x1._data.dtype)} but found {type_name(x2._data.dtype)}")
    from .pdist import cdist_forward
    return cdist_forward(x1, x2, p, compute_mode)


# ---- new_* constructors: same dtype as the tensor unless told ------------------------------------------
def new_full(t, size, fill_value, dtype=None, requires_grad=False, device=None, *, _fn="new_full"):
    from .._creation import full_named
    from .._meta import is_meta_device, to_meta
    # on the tensor's own device unless told: a meta tensor's new_* are meta (made on the CPU, then dropped)
    meta = is_meta_device(device) if device is not None else t._is_meta
    r = full_named(size, fill_value, dtype or t.dtype, requires_grad, None if meta else device, _fn)
    return to_meta(r) if meta else r


def new_zeros(t, *size, dtype=None, requires_grad=False, device=None):
    return new_full(t, _size(size, "new_zeros"), 0, dtype, requires_grad, device, _fn="new_zeros")


def new_ones(t, *size, dtype=None, requires_grad=False, device=None):
    return new_full(t, _size(size, "new_ones"), 1, dtype, requires_grad, device, _fn="new_ones")


def new_empty(t, *size, dtype=None, requires_grad=False, device=None):
    return new_full(t, _size(size, "new_empty"), 0, dtype, requires_grad, device, _fn="new_empty")


def new_tensor(t, data, dtype=None, requires_grad=False, **kw):
    """A copy of ``data`` in ``t``'s dtype (a tensor's own dtype too, unless ``dtype`` is given)."""
    from .._creation import tensor
    if isinstance(data, Tensor):
        from .._user_warning import warn_at_caller
        warn_at_caller("To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or "
                       "sourceTensor.detach().clone().requires_grad_(True), rather than tensor.new_tensor(sourceTensor).")
        data = data._data
    from .._meta import is_meta_device, to_meta
    device = kw.get("device")
    meta = is_meta_device(device) if device is not None else t._is_meta
    r = tensor(data, dtype=dtype or t.dtype, requires_grad=requires_grad, device=None if meta else device)
    return to_meta(r) if meta else r
