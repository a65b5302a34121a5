"""``arange``, ``linspace``, ``logspace`` and ``eye``: tensors of evenly spaced values, computed in the
precision and order torch uses (re-exported by ``_creation``)."""
import math

import numpy as np

from . import _alloc
from ._arange_kernel import arange_float
from ._runtime import get_num_threads

from . import _dtype as _dt
from ._device import check_device
from ._tensor import Tensor, _wrap
from ._space_args import check_steps, parsed_steps
from ._creation import _check_rg


_PLAIN = (int, float)
_SAFE = 2 ** 40          # integers whose range NumPy and torch count alike, with no length a machine could hold


def arange(start, end=None, step=1, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """Values from start to end (excluded) by step; length ceil((end - start) / step), as torch."""
    check_device(device)
    if end is None:
        start, end = 0, start
    if start.__class__ not in _PLAIN or end.__class__ not in _PLAIN or step.__class__ not in _PLAIN:
        from ._arg_refuse import refuse      # torch's parser message, where its Number check fails
        refuse()
    vals = [v.item() if isinstance(v, Tensor) else v for v in (start, end, step)]
    start, end, step = vals
    if dtype is None:
        dt = _dt.DEFAULT.float if any(isinstance(v, (float, np.floating)) for v in vals) else _dt.int64
    else:
        dt = _dt.to_dtype(dtype)
    if dt is _dt.bool_ or dt.is_complex:      # torch's kernel has no instance: refused before the range checks
        from .ops.inplace import type_name
        raise NotImplementedError(f"\"arange_cpu\" not implemented for '{type_name(dt.np)}'")
    # torch's bounds checks, on the numbers as doubles
    if not (step > 0 or step < 0):
        raise RuntimeError("step must be nonzero")
    if not (math.isfinite(start) and math.isfinite(end)):
        raise RuntimeError(f"unsupported range: {float(start):g} -> {float(end):g}")
    if not ((step > 0 and end >= start) or (step < 0 and end <= start)):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    if dt.is_floating_point:
        n = _ceil_size((float(end) - float(start)) / float(step))
        nbytes = _alloc.check_bytes((n,), np.dtype(dt.np).itemsize)
        try:
            arr = arange_float(start, step, n, dt.np, get_num_threads())     # torch's kernel, value for value
        except (MemoryError, ValueError) as e:
            raise _alloc.as_torch(e, nbytes) from None
        return _check_rg(_wrap(arr), requires_grad)
    # integer dtypes count in int64 from the truncated start and step
    if dt is _dt.int64 and start.__class__ is int and end.__class__ is int and step.__class__ is int and \
            -_SAFE < start < _SAFE and -_SAFE < end < _SAFE and -_SAFE < step < _SAFE:
        try:
            return _check_rg(_wrap(np.arange(start, end, step, dtype=np.int64)), requires_grad)     # arange(n)
        except (MemoryError, ValueError) as e:
            raise _alloc.as_torch(e, 8 * len(range(start, end, step))) from None
    if dt is _dt.int64:          # the length from the truncated numbers too, in integer arithmetic
        xs, xe, xst = _to_int64(start), _to_int64(end), _to_int64(step)
        if xst == 0:
            raise ValueError("step must be nonzero")
        num = _wrap64(_wrap64(_wrap64(xe - xs) + xst) - ((xst > 0) - (xst < 0)))
        q = abs(num) // abs(xst) * (1 if (num >= 0) == (xst > 0) else -1)     # C's division: toward 0
        n = _ceil_size(float(q))          # through a double, as torch's size (2**62 - 1 becomes 2**62)
    else:                        # the length from the numbers as doubles
        xst = _to_int64(step)
        n = _ceil_size((float(end) - float(start)) / float(step))
    nbytes = _alloc.check_bytes((n,), np.dtype(dt.np).itemsize)
    try:
        arr = np.empty(n, dt.np)
    except (MemoryError, ValueError) as e:
        raise _alloc.as_torch(e, nbytes) from None
    if dt is not _dt.int64:
        xs = _to_int64(start)    # converted by the kernel, once the output is allocated
    with np.errstate(over="ignore"):
        np.copyto(arr, xs + np.arange(n, dtype=np.int64) * np.int64(xst), casting="unsafe")
    return _check_rg(_wrap(arr), requires_grad)


def _to_int64(v):
    """A number as torch converts it to int64: a float is truncated; out of range (inf, nan) refused."""
    if not -2.0 ** 63 <= v < 2.0 ** 63:
        raise RuntimeError("value cannot be converted to type int64_t without overflow")
    return int(v)


def _wrap64(v):
    return (v + 2 ** 63) % 2 ** 64 - 2 ** 63


def _ceil_size(ratio):
    """torch's length: ceil of a double, checked against int64's largest value as a double (2**63)."""
    if not 0 <= ratio <= 2.0 ** 63:         # (nan and inf fail too)
        raise RuntimeError("invalid size, possible overflow?")
    n = math.ceil(ratio)
    if n == 2 ** 63:                  # passes the check, then wraps when torch casts it to int64
        raise RuntimeError("IntArrayRef contains an int that cannot be represented as a SymInt: "
                           "-9223372036854775808")
    return n


@parsed_steps
def linspace(start, end=..., steps=..., *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """``steps`` evenly spaced values; the first half counts up from start, the second down from end."""
    check_steps("linspace", start, end, steps, dtype=dtype, device=device, requires_grad=requires_grad)
    check_device(device)
    dt = _dt.to_dtype(dtype) if dtype is not None else _dt.DEFAULT.float
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    if dtype is None and complex in (start.__class__, end.__class__):
        dt = _dt.to_dtype(np.complex128 if dt is _dt.float64 else np.complex64)   # the default complex dtype
    if dt.is_complex:
        # each part as a real linspace in the parts' precision (complex / and * by a real count act
        # part by part)
        real = _dt.float64 if dt.np == np.complex128 else _dt.float32
        start, end = complex(start), complex(end)
        re = linspace(start.real, end.real, steps, dtype=real)._data
        im = linspace(start.imag, end.imag, steps, dtype=real)._data
        arr = np.empty(steps, dt.np)
        arr.real, arr.imag = re, im
        return _check_rg(_wrap(arr), requires_grad)
    if steps == 1:
        arr = np.array([start], dtype=np.float64)
    elif dt is _dt.float16:
        from ._linspace_half import linspace_half
        arr = linspace_half(start, end, steps)
    else:
        # torch: step = (end - start) / (steps - 1) in the dtype; the first half counts up from start
        # (start + step*i), the second down from end; the multiply-adds are fused
        from ._rng_fma import fma64
        from .ops._common import fma32
        work = np.float64 if dt is _dt.float64 or not dt.is_floating_point else np.float32
        fma = fma64 if work is np.float64 else fma32
        s, e = work(start), work(end)
        step = (e - s) / work(steps - 1)
        i = np.arange(steps, dtype=work)
        half = steps // 2
        up = np.asarray(fma(np.full(steps, step, work), i, np.full(steps, s, work)), work)
        down = np.asarray(fma(np.full(steps, -step, work), work(steps - 1) - i, np.full(steps, e, work)), work)
        arr = np.where(i < half, up, down)
    return _check_rg(_wrap(arr.astype(dt.np)), requires_grad)


@parsed_steps
def logspace(start, end=..., steps=..., base=10.0, *, dtype=None, device=None, requires_grad=False, out=None):
    check_steps("logspace", start, end, steps, dtype=dtype, device=device, requires_grad=requires_grad)
    lin = linspace(start, end, steps, dtype=_dt.float64)
    dt = _dt.to_dtype(dtype) if dtype is not None else _dt.DEFAULT.float
    return _check_rg(_wrap(np.power(base, lin._data).astype(dt.np)), requires_grad)


def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    if n.__class__ is not int or (m is not None and m.__class__ is not int):
        from ._arg_refuse import int_arg
        n, m = int_arg(n, "n"), None if m is None else int_arg(m, "m")
    check_device(device)
    for name, k in (("n", n), ("m", m)):
        if k is not None and k < 0:
            raise RuntimeError(f"{name} must be greater or equal to 0, got {k}")
    dt = _dt.to_dtype(dtype) if dtype is not None else _dt.DEFAULT.float
    return _check_rg(_wrap(np.eye(n, n if m is None else m, dtype=dt.np)), requires_grad)
