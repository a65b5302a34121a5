"""``arange``, ``linspace``, ``logspace`` and ``eye``: tensors of evenly spaced values, computed in the
precision and order torch uses (re-exported by ``_creation``)."""
import math

import numpy as np

from . import _dtype as _dt
from ._device import check_device
from ._tensor import Tensor, _wrap
from ._space_args import check_steps
from ._creation import _check_rg


_PLAIN = (int, float)


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
    if step == 0:
        raise RuntimeError("step must be nonzero")
    n = math.ceil((end - start) / step)
    if n < 0 or (step > 0 and start > end) or (step < 0 and start < end):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    if dt.is_floating_point:
        # torch computes start + i * step in double (for float32/64 alike), then casts
        arr = (start + np.arange(n, dtype=np.float64) * step).astype(dt.np)
    else:
        arr = (start + np.arange(n, dtype=np.int64) * int(step)).astype(dt.np) if all(
            isinstance(v, (int, np.integer)) for v in vals) else np.floor(
            start + np.arange(n, dtype=np.float64) * step).astype(dt.np)
    return _check_rg(_wrap(arr), requires_grad)


def linspace(start, end=..., steps=..., *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """``steps`` evenly spaced values; the first half counts up from start, the second down from end."""
    check_steps("linspace", start, end, steps, dtype=dtype, device=device, requires_grad=requires_grad)
    check_device(device)
    dt = _dt.to_dtype(dtype) if dtype is not None else _dt.DEFAULT.float
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    if steps == 1:
        arr = np.array([start], dtype=np.float64)
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
    dt = _dt.to_dtype(dtype) if dtype is not None else _dt.DEFAULT.float
    return _check_rg(_wrap(np.eye(n, n if m is None else m, dtype=dt.np)), requires_grad)
