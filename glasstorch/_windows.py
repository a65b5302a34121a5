"""The signal windows: ``torch.hann_window``, ``hamming_window``, ``blackman_window``,
``bartlett_window``, ``kaiser_window``.  Each is computed in the requested dtype with torch's
sequence of operations; a periodic window is the symmetric one of length N + 1 minus its last point.

    hamming  w[n] = alpha - beta cos(2 pi n / (N - 1))        (hann: alpha = beta = 0.5)
    blackman w[n] = 0.42 - 0.5 cos(2 pi n / (N - 1)) + 0.08 cos(4 pi n / (N - 1))
    bartlett w[n] = 2n / (N - 1), mirrored as 2 - 2n / (N - 1) after the middle
    kaiser   w[n] = I0(beta sqrt(1 - ((n - a) / a)^2)) / I0(beta),  a = (N - 1) / 2

cos is the correctly rounded float32 cosine of glasstorch's ``torch.cos`` (torch's SLEEF cosf differs
from it in the last bit of about 3% of window points); kaiser is torch's kernel bit for bit: Cephes' I0
in the window's precision (float for half) and 1 - q^2 as one fused multiply-add, as GCC compiles it.
"""
import math

import numpy as np

from . import _dtype as _dt
from ._tensor import _wrap
from .ops._libm import cos as _cos
from ._window_args import UNSET as _UNSET, check as _check_args
from ._window_parse import parsed as _parsed

_CPP_NAMES = {"int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char",
              "uint8": "unsigned char", "bool": "bool", "float32": "float", "float64": "double",
              "float16": "c10::Half", "complex64": "c10::complex<float>", "complex128": "c10::complex<double>"}


def _options(dtype, default, layout):
    shown = _CPP_NAMES[dtype.name] + (" (default)" if default else "")
    return (f"TensorOptions(dtype={shown}, device=cpu, layout={layout}, requires_grad=false (default), "
            f"pinned_memory=false, memory_format=(nullopt))")


def _checks(name, n, dtype, layout=None):
    # torch's window_function_checks, in its order: layout, then dtype, then length
    given = dtype
    dtype = _dt.get_default_dtype() if dtype is None else _dt.to_dtype(dtype)   # bfloat16: not supported
    if layout is not None and str(layout) == "torch.sparse_coo":
        # only hann_window reaches the check with the dtype still unset (the others fill it in first)
        raise RuntimeError(f"{name} is not implemented for sparse types, got: "
                           f"{_options(dtype, given is None and name == 'hann_window', 'Sparse')}")
    if not (dtype.is_floating_point or dtype.is_complex):
        raise RuntimeError(f"{name} expects floating point dtypes, got: {_options(dtype, False, 'Strided (default)')}")
    if n < 0:
        raise RuntimeError(f"{name} requires non-negative window_length, got window_length={n}")
    return dtype.np


def _window(name, n, periodic, dtype, requires_grad, body, layout=None):
    npdt = _checks(name, n, dtype, layout)
    if n <= 1:
        w = np.ones(n, npdt)
    elif npdt.kind == "c":           # torch's windows start from an arange, which has no complex kernel
        from .ops.inplace import type_name
        raise NotImplementedError(f"\"arange_cpu\" not implemented for '{type_name(npdt)}'")
    else:
        m = n + 1 if periodic else n
        w = body(np.arange(m, dtype=npdt), m, npdt.type)[:n]
    t = _wrap(np.ascontiguousarray(w))
    return t.requires_grad_() if requires_grad else t


@_parsed
def hamming_window(window_length, periodic=_UNSET, alpha=_UNSET, beta=_UNSET, *, dtype=None, layout=None,
                   device=None, pin_memory=False, requires_grad=False):
    _check_args("hamming_window", window_length, (periodic, alpha, beta), {"dtype": dtype})
    periodic = True if periodic is _UNSET else periodic
    alpha = 0.54 if alpha is _UNSET else alpha
    beta = 0.46 if beta is _UNSET else beta
    return _window("hamming_window", window_length, periodic, dtype, requires_grad,
                   lambda k, m, f: _cos(k * f(2 * math.pi / (m - 1))) * f(-beta) + f(alpha), layout)


@_parsed
def hann_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, pin_memory=False,
                requires_grad=False):
    return _window("hann_window", window_length, periodic, dtype, requires_grad,
                   lambda k, m, f: _cos(k * f(2 * math.pi / (m - 1))) * f(-0.5) + f(0.5), layout)


def _blackman(k, m, f):
    x = k * f(math.pi / (m - 1))
    return _cos(x * f(4)) * f(0.08) - _cos(x * f(2)) * f(0.5) + f(0.42)


@_parsed
def blackman_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, pin_memory=False,
                    requires_grad=False):
    return _window("blackman_window", window_length, periodic, dtype, requires_grad, _blackman, layout)


def _bartlett(k, m, f):
    w = k * f(2.0 / (m - 1))
    half = ((m - 1) >> 1) + 1
    w[half:] = w[half:] * f(-1) + f(2)
    return w


@_parsed
def bartlett_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, pin_memory=False,
                    requires_grad=False):
    return _window("bartlett_window", window_length, periodic, dtype, requires_grad, _bartlett, layout)


@_parsed
def kaiser_window(window_length, periodic=_UNSET, beta=_UNSET, *, dtype=None, layout=None, device=None,
                  pin_memory=False, requires_grad=False):
    _check_args("kaiser_window", window_length, (periodic, beta), {"dtype": dtype})
    periodic = True if periodic is _UNSET else periodic
    beta = 12.0 if beta is _UNSET else beta
    from .ops.special_bessel import _fma, _i0

    def body(k, m, f):
        w = k.astype(np.float32) if k.dtype == np.float16 else k      # half: computed in float
        t = w.dtype.type
        a = t((m - 1) / 2.0)
        q = (w - a) / a
        arg = t(beta) * np.sqrt(np.abs(_fma(-q, q, np.ones_like(q))))   # pow(q, 2) -> q*q, fused with 1 -
        return (_i0(arg) / _i0(np.full(1, beta, w.dtype))).astype(k.dtype)

    return _window("kaiser_window", window_length, periodic, dtype, requires_grad, body, layout)


__all__ = ["hamming_window", "hann_window", "blackman_window", "bartlett_window", "kaiser_window"]
