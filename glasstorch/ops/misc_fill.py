"""Small torch functions built from other ops, as torch builds them (so the graph ends in torch's
node): ``hsplit``/``vsplit``/``dsplit``, ``diagflat``, ``combinations``; and the integer and float
bit helpers ``gcd``, ``lcm``, ``nextafter`` (no gradient)."""
import itertools

import numpy as np

from ._common import _wrap
from ._common import tensors_only
from ._common import check_pair
from .inplace import type_name


# ---- splitting along a fixed dim ---------------------------------------------------------------
def _dim_split(name, dim, min_dims, input, indices_or_sections):
    nd = input._data.ndim
    if nd < min_dims:
        raise RuntimeError(f"torch.{name} requires a tensor with at least {min_dims} dimension, but got a tensor "
                           f"with {nd} dimensions!")
    d = 0 if (name == "hsplit" and nd == 1) else dim
    if isinstance(indices_or_sections, int):
        size = input._data.shape[d]
        if indices_or_sections == 0 or size % indices_or_sections:
            raise RuntimeError(f"torch.{name} attempted to split along dimension {d}, but the size of the "
                               f"dimension {size} is not divisible by the split_size {indices_or_sections}!")
        if indices_or_sections < 0:         # C++'s size % -n == 0 passes; tensor_split then refuses it
            raise RuntimeError(f"number of sections must be larger than 0, got {indices_or_sections}")
    size = input._data.shape[d]
    if isinstance(indices_or_sections, int):
        step = size // indices_or_sections
        bounds = list(range(0, size + 1, step)) if step else [0] * (indices_or_sections + 1)
    else:
        bounds = [0] + [min(max(int(i), 0), size) for i in indices_or_sections] + [size]
    # each piece is a slice of input (SliceBackward0), as torch's tensor_split makes them
    lead = (slice(None),) * d
    return tuple(input[lead + (slice(a, max(a, b)),)] for a, b in zip(bounds, bounds[1:]))


def hsplit(input, indices_or_sections):
    return _dim_split("hsplit", 1, 1, input, indices_or_sections)


def vsplit(input, indices_or_sections):
    return _dim_split("vsplit", 0, 2, input, indices_or_sections)


def dsplit(input, indices_or_sections):
    return _dim_split("dsplit", 2, 3, input, indices_or_sections)


# ---- diagflat, combinations --------------------------------------------------------------------
def diagflat(input, offset=0):
    """The flattened input on diagonal ``offset`` of a square matrix (``DiagEmbedBackward0``)."""
    from .join import diag_embed
    return diag_embed(input.reshape(-1), offset)


def combinations(input, r=2, with_replacement=False):
    """Every length-``r`` combination of a 1-D tensor's entries, in itertools' order, one per row."""
    from .gather import index_select
    from .join import stack
    x = input._data
    if x.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(x.shape)}")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return _wrap(np.empty(0, x.dtype))
    pick = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    idx = np.array(list(pick(range(x.shape[0]), r)), np.int64).reshape(-1, r)
    return stack([index_select(input, 0, _wrap(np.ascontiguousarray(idx[:, k]))) for k in range(r)], 1)


# ---- integer and bit helpers -------------------------------------------------------------------
def _dt_result_type(a, b):
    from .._dtype import result_type
    return result_type(a, b)


def _int_binary(name, fn, input, other):
    from .._tensor import Tensor
    check_pair(input, other)
    a = input._data
    b = other._data if isinstance(other, Tensor) else np.asarray(other)
    dt = _dt_result_type(input, other).np if isinstance(other, Tensor) else a.dtype
    if dt.kind not in "iu":
        raise NotImplementedError(f"\"{name}_cpu\" not implemented for '{type_name(dt)}'")
    from ._layout import ti         # TensorIterator's layout (the first operand leads), not NumPy's
    return _wrap(ti(np.asarray(fn(a.astype(dt, copy=False), b.astype(dt, copy=False)), dtype=dt), a, b))


def _torch_gcd(a, b):
    """Euclid's algorithm on |a|, |b| as torch's kernel runs it: C's abs, which leaves the most negative
    value as it is, then C's truncating %: gcd(5, -2**31) in int32 is -1 (NumPy's gcd gives 1)."""
    x, y = np.broadcast_arrays(np.abs(a), np.abs(b))
    x, y = x.copy(), y.copy()
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        live = x != 0
        while live.any():
            r = np.fmod(y, np.where(live, x, 1).astype(x.dtype))
            y = np.where(live, x, y)
            x = np.where(live, r, x)
            live = x != 0
    return y


def gcd(input, other, *, out=None):
    tensors_only('gcd', input, other)
    return _int_binary("gcd", _torch_gcd, input, other)


def _torch_lcm(a, b):
    """lcm(a, b) = |a / gcd(a, b) * b|, 0 where gcd(a, b) = 0: torch's kernel, which multiplies before it
    takes the absolute value (in C++'s int for types narrower than it), so an overflowing product wraps
    first: lcm(2**40, 2**40 - 1) in int64 is 2**40, where NumPy's |a| / g * |b| gives -2**40."""
    dt = a.dtype
    wide = np.dtype(np.int32) if dt.itemsize < 4 else dt
    g = _torch_gcd(a, b)
    with np.errstate(over="ignore", divide="ignore"):
        q = np.floor_divide(a, np.where(g == 0, 1, g).astype(dt))        # exact: g divides a
        r = np.abs(q.astype(wide) * b.astype(wide))
    return np.where(g == 0, 0, r).astype(dt)


def lcm(input, other, *, out=None):
    tensors_only('lcm', input, other)
    return _int_binary("lcm", _torch_lcm, input, other)


def nextafter(input, other, *, out=None):
    tensors_only('nextafter', input, other)
    check_pair(input, other)
    a, b = input._data, other._data
    dt = _dt_result_type(input, other).np          # torch's promotion (a 0-d operand is weaker)
    if dt.kind != "f":
        raise NotImplementedError(f"\"nextafter_cpu\" not implemented for '{type_name(dt)}'")
    from ._no_derivative import record_nextafter
    from ._layout import ti         # TensorIterator's layout (the first operand leads), not NumPy's
    r = np.nextafter(a.astype(dt, copy=False), b.astype(dt, copy=False))
    return record_nextafter(_wrap(ti(np.asarray(r), a, b)), input, other)


__all__ = ["hsplit", "vsplit", "dsplit", "diagflat", "combinations", "gcd", "lcm", "nextafter"]
