"""``torch.signal.windows``: SciPy-style window functions of length ``M``.

Unlike ``torch.hann_window`` (periodic by default), these are symmetric unless ``sym=False``; a
periodic window is sampled as if it had one more point.  Each is an ordinary expression of
glasstorch ops on a ``linspace`` grid (torch's own formulas, in torch's order, so the values agree
bit for bit and ``requires_grad=True`` gives the same graph):

    cosine       sin(pi (n + 1/2) / M)
    exponential  exp(-|n - center| / tau)
    gaussian     exp(-((n - (M-1)/2) / (std sqrt 2))^2)
    kaiser       I0(sqrt(beta^2 - k^2)) / I0(beta),  k from -beta to beta
    bartlett     1 - |k|,                             k from -1 to 1
    general_cosine  sum_i (-1)^i a_i cos(i 2 pi n / (M - 1))   (hann, hamming, blackman, nuttall)
"""
from collections.abc import Iterable
from math import sqrt

import glasstorch as torch

__all__ = ["bartlett", "blackman", "cosine", "exponential", "gaussian", "general_cosine", "general_hamming",
           "hamming", "hann", "kaiser", "nuttall"]


def _checks(name, M, dtype, layout):
    if M < 0:
        raise ValueError(f"{name} requires non-negative window length, got M={M}")
    if layout is not torch.strided:
        raise ValueError(f"{name} is implemented for strided tensors only, got: {layout}")
    if dtype not in (torch.float32, torch.float64):
        raise ValueError(f"{name} expects float32 or float64 dtypes, got: {dtype}")


def _span(M, sym):
    """The number of steps the grid is scaled by: M - 1 when symmetric, M for a periodic window
    (which is the symmetric window of M + 1 points without its last)."""
    return M if not sym and M > 1 else M - 1


def _trivial(M, dtype, layout, device, requires_grad, ones_at_one=True):
    """The answer for M == 0 (empty) and, for most windows, M == 1 (a single 1); else None."""
    opts = dict(dtype=dtype, layout=layout, device=device, requires_grad=requires_grad)
    if M == 0:
        return torch.empty((0,), **opts)
    if M == 1 and ones_at_one:
        return torch.ones((1,), **opts)
    return None


def _grid(start, end, M, dtype, layout, device, requires_grad):
    return torch.linspace(start=start, end=end, steps=M, dtype=dtype, layout=layout, device=device,
                          requires_grad=requires_grad)


def exponential(M, *, center=None, tau=1.0, sym=True, dtype=None, layout=torch.strided, device=None,
                requires_grad=False):
    dtype = torch.get_default_dtype() if dtype is None else dtype
    _checks("exponential", M, dtype, layout)
    if tau <= 0:
        raise ValueError(f"Tau must be positive, got: {tau} instead.")
    if sym and center is not None:
        raise ValueError("Center must be None for symmetric windows")
    out = _trivial(M, dtype, layout, device, requires_grad, ones_at_one=False)
    if out is not None:
        return out
    center = _span(M, sym) / 2.0 if center is None else center
    k = _grid(-center * (1 / tau), (-center + (M - 1)) * (1 / tau), M, dtype, layout, device, requires_grad)
    return torch.exp(-torch.abs(k))


def cosine(M, *, sym=True, dtype=None, layout=torch.strided, device=None, requires_grad=False):
    dtype = torch.get_default_dtype() if dtype is None else dtype
    _checks("cosine", M, dtype, layout)
    out = _trivial(M, dtype, layout, device, requires_grad, ones_at_one=False)
    if out is not None:
        return out
    step = torch.pi / (M + 1 if not sym and M > 1 else M)
    k = _grid(0.5 * step, (0.5 + (M - 1)) * step, M, dtype, layout, device, requires_grad)
    return torch.sin(k)


def gaussian(M, *, std=1.0, sym=True, dtype=None, layout=torch.strided, device=None, requires_grad=False):
    dtype = torch.get_default_dtype() if dtype is None else dtype
    _checks("gaussian", M, dtype, layout)
    if std <= 0:
        raise ValueError(f"Standard deviation must be positive, got: {std} instead.")
    out = _trivial(M, dtype, layout, device, requires_grad, ones_at_one=False)
    if out is not None:
        return out
    start = -_span(M, sym) / 2.0
    scale = 1 / (std * sqrt(2))
    k = _grid(start * scale, (start + (M - 1)) * scale, M, dtype, layout, device, requires_grad)
    return torch.exp(-(k ** 2))


def kaiser(M, *, beta=12.0, sym=True, dtype=None, layout=torch.strided, device=None, requires_grad=False):
    dtype = torch.get_default_dtype() if dtype is None else dtype
    _checks("kaiser", M, dtype, layout)
    if beta < 0:
        raise ValueError(f"beta must be non-negative, got: {beta} instead.")
    out = _trivial(M, dtype, layout, device, requires_grad)
    if out is not None:
        return out
    b = torch.tensor(beta, dtype=dtype, device=device)
    # the grid runs from -beta to beta (or one step short of it when periodic); torch builds it
    # with tensor arithmetic in the window's dtype, so the end point rounds as torch's does
    step = 2.0 * b / (M if not sym else M - 1)
    end = torch.minimum(b, -b + (M - 1) * step)
    k = _grid(-b, end, M, dtype, layout, device, requires_grad)
    return torch.i0(torch.sqrt(b * b - torch.pow(k, 2))) / torch.i0(b)


def general_cosine(M, *, a, sym=True, dtype=None, layout=torch.strided, device=None, requires_grad=False):
    dtype = torch.get_default_dtype() if dtype is None else dtype
    _checks("general_cosine", M, dtype, layout)
    out = _trivial(M, dtype, layout, device, requires_grad)
    if out is not None:
        return out
    if not isinstance(a, Iterable):
        raise TypeError("Coefficients must be a list/tuple")
    if not a:
        raise ValueError("Coefficients cannot be empty")
    k = _grid(0, (M - 1) * (2 * torch.pi / _span(M, sym)), M, dtype, layout, device, requires_grad)
    coeffs = torch.tensor([w if i % 2 == 0 else -w for i, w in enumerate(a)], device=device, dtype=dtype,
                          requires_grad=requires_grad)
    order = torch.arange(coeffs.shape[0], dtype=coeffs.dtype, device=coeffs.device,
                         requires_grad=coeffs.requires_grad)
    return (coeffs.unsqueeze(-1) * torch.cos(order.unsqueeze(-1) * k)).sum(0)


def general_hamming(M, *, alpha=0.54, sym=True, dtype=None, layout=torch.strided, device=None,
                    requires_grad=False):
    return general_cosine(M, a=[alpha, 1.0 - alpha], sym=sym, dtype=dtype, layout=layout, device=device,
                          requires_grad=requires_grad)


def hamming(M, *, sym=True, dtype=None, layout=torch.strided, device=None, requires_grad=False):
    return general_hamming(M, sym=sym, dtype=dtype, layout=layout, device=device, requires_grad=requires_grad)


def hann(M, *, sym=True, dtype=None, layout=torch.strided, device=None, requires_grad=False):
    return general_hamming(M, alpha=0.5, sym=sym, dtype=dtype, layout=layout, device=device,
                           requires_grad=requires_grad)


def blackman(M, *, sym=True, dtype=None, layout=torch.strided, device=None, requires_grad=False):
    dtype = torch.get_default_dtype() if dtype is None else dtype
    _checks("blackman", M, dtype, layout)
    return general_cosine(M, a=[0.42, 0.5, 0.08], sym=sym, dtype=dtype, layout=layout, device=device,
                          requires_grad=requires_grad)


def bartlett(M, *, sym=True, dtype=None, layout=torch.strided, device=None, requires_grad=False):
    dtype = torch.get_default_dtype() if dtype is None else dtype
    _checks("bartlett", M, dtype, layout)
    out = _trivial(M, dtype, layout, device, requires_grad)
    if out is not None:
        return out
    step = 2 / (M if not sym else M - 1)
    k = _grid(-1, -1 + (M - 1) * step, M, dtype, layout, device, requires_grad)
    return 1 - torch.abs(k)


def nuttall(M, *, sym=True, dtype=None, layout=torch.strided, device=None, requires_grad=False):
    return general_cosine(M, a=[0.3635819, 0.4891775, 0.1365995, 0.0106411], sym=sym, dtype=dtype,
                          layout=layout, device=device, requires_grad=requires_grad)
