"""``torch.fft``: discrete Fourier transforms, their inverses, and the frequency helpers.

Each transform checks its arguments as torch does, resizes the input (``n`` / ``s``), then runs
one of the three primitives in ``_fft_core.py``.  float32 (and integer) inputs give complex64,
float64 gives complex128.  ``norm`` is "backward" (default: only the inverse scales, by 1/n),
"forward" (only the forward scales) or "ortho" (both by 1/sqrt(n)).
"""
import numpy as np

from . import _dtype as _dt
from ._tensor import _wrap_dim
from ._fft_core import run_c2c, run_r2c, run_c2r
from ._fft_real_nd import c2c_of_real
from .ops.complex_ops import conj as _conj, _name

__all__ = ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft", "fft2", "ifft2", "rfft2", "irfft2", "fftn", "ifftn",
           "rfftn", "irfftn", "hfft2", "ihfft2", "hfftn", "ihfftn", "fftfreq", "rfftfreq", "fftshift", "ifftshift"]


def _mode(norm, forward):
    """torch's norm_from_string: which scaling this direction applies."""
    if norm is None or norm == "backward":
        return "none" if forward else "n"
    if norm == "forward":
        return "n" if forward else "none"
    if norm == "ortho":
        return "sqrt"
    raise RuntimeError(f'Invalid normalization mode: "{norm}"')


def _float_values(input, complex_ok=True):
    """The input's values as a float or complex array: integers and bools become the default float."""
    x = input._data
    if x.dtype.kind in "biu":
        x = _promoted(x, _dt.DEFAULT.float.np)
    elif x.dtype == np.float16:
        raise RuntimeError("Unsupported dtype Half")        # torch's CPU FFT (MKL/pocketfft) has no half kernel
    return x


def _as_complex(x):
    return x if x.dtype.kind == "c" else _promoted(x, np.complex64 if x.dtype == np.float32 else np.complex128)


def _promoted(x, dtype):
    """``x`` in ``dtype`` laid out as torch's ``to`` lays it out (empty_like: a dense input's strides, its
    size-1 dims' too), which decides the transform's output layout (_fft_layout)."""
    from .ops._layout import preserve
    return preserve(x.astype(dtype), x)


def _check_n(n):
    if n < 1:
        raise RuntimeError(f"Invalid number of data points ({n}) specified")


def _require_real(name, input):
    if input._data.dtype.kind == "c":
        raise RuntimeError(f"{name} expects a real input tensor, but got {_name(input._data)}")


# ---- one dimension ----------------------------------------------------------------------------
def _one(input, n, dim):
    x = _float_values(input)
    axis = _wrap_dim(dim, x.ndim, wrap_scalar=False)       # torch: "... has no dimensions" for 0-d
    if n is None:
        n = x.shape[axis]
    _check_n(n)
    return x, axis, n


def fft(input, n=None, dim=-1, norm=None, *, out=None):
    x, axis, n = _one(input, n, dim)
    if x.dtype.kind == "c":
        return run_c2c(input, x, (axis,), (n,), _mode(norm, True), True)
    return run_r2c(input, x, (axis,), (n,), _mode(norm, True), False)


def ifft(input, n=None, dim=-1, norm=None, *, out=None):
    x, axis, n = _one(input, n, dim)
    if x.dtype.kind == "c":
        return run_c2c(input, x, (axis,), (n,), _mode(norm, False), False)
    # torch: a forward real transform, then a lazy conjugate (grad_fn ConjBackward0)
    return _conj(run_r2c(input, x, (axis,), (n,), _mode(norm, False), False))


def rfft(input, n=None, dim=-1, norm=None, *, out=None):
    _require_real("rfft", input)
    x, axis, n = _one(input, n, dim)
    return run_r2c(input, x, (axis,), (n,), _mode(norm, True), True)


def ihfft(input, n=None, dim=-1, norm=None, *, out=None):
    _require_real("ihfft", input)
    x, axis, n = _one(input, n, dim)
    return _conj(run_r2c(input, x, (axis,), (n,), _mode(norm, False), True))


def _c2r_one(input, n, dim, norm, forward):
    x = _as_complex(_float_values(input))
    axis = _wrap_dim(dim, x.ndim, wrap_scalar=False)
    if n is None:
        n = 2 * (x.shape[axis] - 1)
    _check_n(n)
    return run_c2r(input, x, (axis,), (n,), _mode(norm, forward), forward)


def irfft(input, n=None, dim=-1, norm=None, *, out=None):
    return _c2r_one(input, n, dim, norm, False)


def hfft(input, n=None, dim=-1, norm=None, *, out=None):
    return _c2r_one(input, n, dim, norm, True)


# ---- n dimensions -----------------------------------------------------------------------------
def _shape_and_dims(x, s, dim):
    """torch's canonicalize_fft_shape_and_dim_args: the axes and the signal size along each."""
    ndim = x.ndim
    if dim is not None:
        dims = [dim] if isinstance(dim, int) else list(dim)
        dims = [_wrap_dim(d, ndim, wrap_scalar=False) for d in dims]
        if len(set(dims)) != len(dims):
            raise RuntimeError("FFT dims must be unique")
    if s is not None:
        s = [s] if isinstance(s, int) else list(s)
        if dim is not None and len(s) != len(dims):
            raise RuntimeError("When given, dim and shape arguments must have the same length")
        if dim is None:
            if len(s) > ndim:
                raise RuntimeError(f"Got shape with {len(s)} values but input tensor only has {ndim} dimensions.")
            dims = list(range(ndim - len(s), ndim))
        sizes = [x.shape[d] if n == -1 else n for d, n in zip(dims, s)]
    else:
        if dim is None:
            dims = list(range(ndim))
        sizes = [x.shape[d] for d in dims]
    for n in sizes:
        _check_n(n)
    return dims, sizes


def fftn(input, s=None, dim=None, norm=None, *, out=None):
    x = _as_complex(_float_values(input))      # torch promotes to complex, then C2C
    dims, sizes = _shape_and_dims(x, s, dim)
    if input._data.dtype.kind != "c":         # a real signal's spectrum: exactly conjugate-symmetric
        return c2c_of_real(run_c2c, input, x, dims, sizes, _mode(norm, True), True)
    return run_c2c(input, x, dims, sizes, _mode(norm, True), True)


def ifftn(input, s=None, dim=None, norm=None, *, out=None):
    x = _as_complex(_float_values(input))
    dims, sizes = _shape_and_dims(x, s, dim)
    if input._data.dtype.kind != "c":
        return c2c_of_real(run_c2c, input, x, dims, sizes, _mode(norm, False), False)
    return run_c2c(input, x, dims, sizes, _mode(norm, False), False)


def rfftn(input, s=None, dim=None, norm=None, *, out=None):
    _require_real("rfftn", input)
    x = _float_values(input)
    dims, sizes = _shape_and_dims(x, s, dim)
    if not dims:
        raise RuntimeError("rfftn must transform at least one axis")
    return run_r2c(input, x, dims, sizes, _mode(norm, True), True)


def irfftn(input, s=None, dim=None, norm=None, *, out=None):
    x = _as_complex(_float_values(input))
    dims, sizes = _shape_and_dims(x, s, dim)
    if not dims:
        raise RuntimeError("irfftn must transform at least one axis")
    if s is None or s[-1] == -1:
        sizes[-1] = 2 * (x.shape[dims[-1]] - 1)
        _check_n(sizes[-1])
    return run_c2r(input, x, dims, sizes, _mode(norm, False), False)


def fft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    return fftn(input, s, dim, norm)


def ifft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    return ifftn(input, s, dim, norm)


def rfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    _require_real("rfft2", input)
    return rfftn(input, s, dim, norm)


def irfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    return irfftn(input, s, dim, norm)


def hfftn(input, s=None, dim=None, norm=None, *, out=None):
    """Hermitian-input FFT over ``dim``: a forward C2C over all but the last axis, then the conjugate's
    C2R over the last one (output length s[-1], by default 2 (m - 1)), as torch composes it."""
    x = _as_complex(_float_values(input))
    dims, sizes = _shape_and_dims(x, s, dim)
    if not dims:
        raise RuntimeError("hfftn must transform at least one axis")
    if s is None or s[-1] == -1:
        sizes[-1] = 2 * (x.shape[dims[-1]] - 1)
        _check_n(sizes[-1])
    mode = _mode(norm, True)
    t = input
    if len(dims) > 1:
        t = run_c2c(input, x, dims[:-1], sizes[:-1], mode, True)
        x = t._data
    return run_c2r(t, x, dims[-1:], sizes[-1:], mode, True)


def ihfftn(input, s=None, dim=None, norm=None, *, out=None):
    """Inverse of hfftn: a one-sided R2C over the last axis, its conjugate (lazy for one axis, physical
    otherwise), then an inverse C2C over the other axes."""
    x = _float_values(input)
    dims, sizes = _shape_and_dims(x, s, dim)
    if not dims:
        raise RuntimeError("ihfftn must transform at least one axis")
    if x.dtype.kind == "c":
        raise RuntimeError(f"Only supports floating-point dtypes, but found: {_name(x)}")
    mode = _mode(norm, False)
    t = run_r2c(input, x, dims[-1:], sizes[-1:], mode, True)
    if len(dims) == 1:
        return _conj(t)
    from .ops.complex_ops import conj_physical
    t = conj_physical(t)
    return run_c2c(t, t._data, dims[:-1], sizes[:-1], mode, False)


def hfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    return hfftn(input, s, dim, norm)


def ihfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    return ihfftn(input, s, dim, norm)


# ---- frequencies and shifts -------------------------------------------------------------------
def _freq_dtype(dtype, name):
    d = _dt.to_dtype(dtype) if dtype is not None else _dt.DEFAULT.float
    if d.np.kind == "c":        # torch builds them with arange, which has no complex kernel
        from .ops._out import _NAMES
        raise NotImplementedError(f'"arange_cpu" not implemented for \'{_NAMES[np.dtype(d.np).name]}\'')
    if d.np.kind != "f":
        raise RuntimeError(f"{name} requires a floating point or complex dtype")
    return d


def fftfreq(n, d=1.0, *, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    """[0, 1, ..., (n-1)//2, -(n//2), ..., -1] / (d n); as torch: arange in the dtype, times 1/(n d)."""
    from ._creation import tensor
    n, d = _freq_args("fftfreq", n, d)
    dt = _freq_dtype(dtype, "fftfreq")
    _arange_size(n)
    k = np.concatenate([np.arange(0, (n + 1) // 2), np.arange(-(n // 2), 0)]).astype(dt.np)
    return tensor(_times_inverse(k, n, d, dt), dtype=dt, requires_grad=requires_grad)


def rfftfreq(n, d=1.0, *, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    """[0, 1, ..., n//2] / (d n)"""
    from ._creation import tensor
    n, d = _freq_args("rfftfreq", n, d)
    dt = _freq_dtype(dtype, "rfftfreq")
    size = _arange_size(int(n / 2) + 1)            # C++'s n / 2 rounds toward zero
    k = np.arange(0, size).astype(dt.np)
    return tensor(_times_inverse(k, n, d, dt), dtype=dt, requires_grad=requires_grad)


def _freq_args(name, n, d):
    """``(int64_t n, double d)`` as torch's parser binds them (a 0-dim tensor too), else its TypeError."""
    from ._arg_parser import parser_error
    err = parser_error((f"fft_{name}(int64_t n, double d=1.0)",), (n,) if d.__class__ is float and d == 1.0 else (n, d))
    if err is not None:
        raise err
    return int(n), float(d)


def _arange_size(size):
    if size < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {size}: [{size}]")
    return size


def _times_inverse(k, n, d, dt):
    """k * (1 / (n d)) in the dtype, with C++'s double division: 1 / 0 is inf and 0 * inf is nan."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        scale = np.float64(1.0) / np.float64(n * d)
        return k * dt.np.type(scale)


def _shift(input, dim, inverse):
    from .ops.join import roll
    ndim = input.ndim
    dims = list(range(ndim)) if dim is None else ([dim] if isinstance(dim, int) else list(dim))
    dims = [_wrap_dim(d, ndim, wrap_scalar=False) for d in dims]
    shifts = [(input.shape[d] + 1) // 2 if inverse else input.shape[d] // 2 for d in dims]
    return roll(input, shifts, dims)


def fftshift(input, dim=None):
    """Move the zero frequency to the centre: roll each dim by size // 2."""
    return _shift(input, dim, False)


def ifftshift(input, dim=None):
    """Undo fftshift: roll each dim by (size + 1) // 2."""
    return _shift(input, dim, True)


# ---- out=: the result is written there (glasstorch used to ignore it) --------------------------------
_TO_REAL = frozenset({"irfft", "hfft", "irfftn", "hfftn", "irfft2", "hfft2"})
_FROM_REAL = frozenset({"rfft", "rfftn", "rfft2"})


def _with_out(fn):
    """``fn`` writing into ``out`` with torch's checks: a complex (or, for the transforms to real
    values, a real floating) ``out``, which any precision fits, except that 1-d ``ifft``/``ihfft`` of
    real input want exactly the result's dtype.  The autograd refusal names the kernel torch's
    transforms end in (``_fft_r2c``, ``_fft_c2c``, ``_fft_c2r``); 1-d ``ifft``/``ihfft`` of real input
    reach it through a differentiable conversion, so torch writes their result without refusing (and
    ``out`` gets the grad_fn of a missing derivative)."""
    import functools
    from .ops._out import _NAMES, write_out
    name = fn.__name__
    base = "fftn" if name in ("ifftn", "ifft2") else name[:-1] + "n" if name.endswith("2") else name

    @functools.wraps(fn)
    def call(input, *args, out=None, **kwargs):
        r = fn(input, *args, **kwargs)
        if out is None:
            return r
        got = getattr(out, "_data", None)
        if got is not None:
            kind = got.dtype.kind
            if name in _TO_REAL and kind not in "f":
                raise RuntimeError(f"{base} expects a floating point output tensor, but got {_NAMES[got.dtype.name]}")
            if name not in _TO_REAL and kind != "c":
                raise RuntimeError(f"{base} expects a complex output tensor, but got {_NAMES[got.dtype.name]}")
        real_in = getattr(input, "_data", np.empty(0)).dtype.kind != "c"
        if name in ("ifft", "ihfft") and real_in:
            if got is not None and got.dtype != r._data.dtype:
                raise RuntimeError(f"Found dtype {_NAMES[got.dtype.name]} but expected {_NAMES[r._data.dtype.name]}")
            write_out(name, r.detach(), out)
            # torch ends these in conj_physical's out= form, which records its (missing) derivative
            from .ops._no_derivative import record_not_implemented
            return record_not_implemented("conj_physical", out, r)
        kernel = ("_fft_c2r" if name in _TO_REAL else
                  "_fft_r2c" if name in _FROM_REAL or (name == "fft" and real_in) else "_fft_c2c")
        return write_out(kernel, r, out)
    return call


for _fn_name in __all__:
    if _fn_name not in ("fftfreq", "rfftfreq", "fftshift", "ifftshift"):
        globals()[_fn_name] = _with_out(globals()[_fn_name])
# fftfreq / rfftfreq compute in out's dtype, as torch's factories do
from .ops._out import with_out as _with_generic_out  # noqa: E402
fftfreq, rfftfreq = _with_generic_out(fftfreq), _with_generic_out(rfftfreq)
# a call Python cannot bind is refused with torch's parser error (fft_<name>)
from ._bind_errors import install as _bind_errors  # noqa: E402
_bind_errors(globals(), "fft_", __all__)
