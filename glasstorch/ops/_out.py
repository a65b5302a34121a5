"""``out=``: torch's functions can write their result into a tensor the caller gives.

The ops compute a fresh result; ``write_out`` then checks it against ``out`` as torch does (no
autograd through out=, a dtype it can be cast to, a resize with torch's warning when the shape
differs) and copies it in.  ``wrap_namespace`` puts that step around every public function that
takes ``out`` and does not handle it itself, so Tensor methods (which never take ``out``) keep
their direct call path.
"""
import functools
import inspect

import numpy as np

from .._class_paths import is_ours
from .._return_types import is_struct_seq
from .._dtype import FROM_NP
from ..autograd.grad_mode import GRAD
from .._user_warning import warn_at_caller
from .._arg_parser import tp_name
from .._arg_refuse import not_tensor

_RESIZED = ("An output with one or more elements was resized since it had shape {}, which does not match the "
            "required output shape {}. This behavior is deprecated, and in a future PyTorch release outputs "
            "will not be resized unless they have zero elements. You can explicitly reuse an out tensor t by "
            "resizing it, inplace, to zero elements with t.resize_(0). (Triggered internally at "
            "/__w/pytorch/pytorch/aten/src/ATen/native/Resize.cpp:30.)")


_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long", "int32": "Int",
          "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool",
          "complex64": "ComplexFloat", "complex128": "ComplexDouble"}


def _can_cast(src, dst):
    """torch's rule for writing a result into an out tensor: never complex to non-complex, never float
    to integer, never a non-bool into bool; anything else goes."""
    if src.kind == "c" and dst.kind != "c":
        return False
    if src.kind == "f" and dst.kind in "biu":
        return False
    if src.kind != "b" and dst.kind == "b":
        return False
    return True


# torch builds these ops' TensorIterator with check_all_same_dtype, so out= must have the input's
# dtype exactly; the float ops (exp, sin, sigmoid, ...) compute in a float type and cast into out.
_SAME_DTYPE = frozenset({"neg", "abs", "floor", "ceil", "round", "trunc", "frac", "sign", "sgn", "bitwise_not"})
# these write a bool mask and refuse any other out dtype
_BOOL_OUT = frozenset({"signbit", "isposinf", "isneginf"})


def check_out_dtype(name, input, out, operands=()):
    """torch's out= dtype check for op ``name``, made before the op computes (so it comes before the
    op's own dtype errors, as in torch); ``operands``: all the op's arguments (float_power's base may be
    a number)."""
    from .._tensor import Tensor
    if name == "float_power" and isinstance(out, Tensor):
        from ._out_dtype_rules import check_float_power
        check_float_power(operands, out)
    if not isinstance(out, Tensor) or not isinstance(input, Tensor):
        return
    if name in ("complex", "polar", "nonzero"):
        from ._out_dtype_rules import check_exact
        check_exact(name, input, out)
    got, want = out._data.dtype, input._data.dtype
    if name in _SAME_DTYPE and got != want:
        raise RuntimeError(f"Found dtype {_NAMES[got.name]} but expected {_NAMES[want.name]}")
    if name == "heaviside" and (got != want or got.kind == "c"):     # its own dtype checks cover out
        kind = "complex tensors" if "c" in (got.kind, want.kind) else "tensors with different dtypes"
        raise RuntimeError(f"heaviside is not yet implemented for {kind}.")
    if name == "ldexp" and got.kind in "biu":
        raise RuntimeError(f"ldexp can't be cast to the desired output type {_NAMES[got.name]}")
    if name in _BOOL_OUT and got != np.bool_:
        raise RuntimeError(f"{name} does not support non-boolean outputs.")
    if name == "nan_to_num" and got != want:
        raise RuntimeError(f"nan_to_num: dtype of out: {_NAMES[got.name]} should be same as input: "
                           f"{_NAMES[want.name]}")
    if name == "logsumexp" and got.kind in "biu":
        raise RuntimeError(f"logsumexp(): Expected floating point type for result tensor, but got: {_NAMES[got.name]}")
    if name == "mvlgamma":          # (torch's message names the input's dtype, then the result's)
        res = want if want.kind == "f" else np.dtype(np.float32)
        if not _can_cast(res, got):
            raise RuntimeError(f"mvlgamma: result type {_NAMES[want.name]} can't be cast to the desired output type "
                               f"{_NAMES[res.name]}")
    if name in ("all", "any") and got not in (np.bool_, np.uint8):
        raise RuntimeError(f"{name} only supports bool tensor for result, got: {_NAMES[got.name]}")


# ops whose out= torch refuses when it shares some, not all, of an input's memory (TensorIterator's
# assert_no_partial_overlap; cat, index_select, sort, cumsum check too), each checked against torch;
# others (mm, sum, ...) write whatever their kernel gives, so they are left out
_NO_PARTIAL_OVERLAP = frozenset((
    "abs absolute acos acosh angle arccos arccosh arcsin arcsinh arctan arctanh asin asinh atan atanh "
    "bitwise_not ceil conj_physical cos cosh deg2rad diff digamma erf erfc erfinv exp exp2 expm1 fix "
    "floor frac hardshrink i0 lgamma log log10 log1p log2 logical_not logit msort nan_to_num neg "
    "negative rad2deg reciprocal round rsqrt sgn sigmoid sign sin sinc sinh sqrt square tan tanh trunc "
    "add arctan2 atan2 bitwise_and bitwise_left_shift bitwise_or bitwise_right_shift bitwise_xor clamp "
    "clamp_max clamp_min clip copysign div divide eq floor_divide fmax fmin fmod gcd ge ger greater "
    "greater_equal gt heaviside hypot igamma igammac kron lcm ldexp le less less_equal logaddexp "
    "logaddexp2 logical_and logical_or logical_xor lt max maximum min minimum mul multiply ne nextafter "
    "not_equal outer pow remainder sub subtract take_along_dim true_divide xlogy "
    "lshift rshift cat concat concatenate index_select sort cumsum cumprod lerp addcmul addcdiv where polygamma "
    # torch.special's own TensorIterator ops
    "special_entr special_i0e special_i1 special_i1e special_erfcx special_log_ndtr special_ndtri special_zeta "
    "special_xlog1py special_airy_ai special_bessel_j0 special_bessel_j1 special_bessel_y0 special_bessel_y1 "
    "special_modified_bessel_i0 special_modified_bessel_i1 special_modified_bessel_k0 special_modified_bessel_k1 "
    "special_scaled_modified_bessel_k0 special_scaled_modified_bessel_k1 special_spherical_bessel_j0 "
    "special_chebyshev_polynomial_t special_chebyshev_polynomial_u special_chebyshev_polynomial_v "
    "special_chebyshev_polynomial_w special_shifted_chebyshev_polynomial_t special_shifted_chebyshev_polynomial_u "
    "special_shifted_chebyshev_polynomial_v special_shifted_chebyshev_polynomial_w special_hermite_polynomial_h "
    "special_hermite_polynomial_he special_laguerre_polynomial_l special_legendre_polynomial_p").split())


def check_out_overlap(name, out, inputs):
    """torch's error when ``out`` (or one of a tuple of outs) has several elements in one memory
    location (an expanded tensor), or partly overlaps a tensor in ``inputs``
    (a list of tensors, as ``cat`` takes, counts as its tensors), for the ops that check it."""
    if name not in _NO_PARTIAL_OVERLAP:
        return
    from .inplace import check_overlap, INTERNAL_OVERLAP
    from .expanded_writes import has_internal_overlap
    outs = out if isinstance(out, (tuple, list)) else (out,)
    for o in outs:          # an expanded out first: TensorIterator checks each output alone, then against inputs
        if hasattr(o, "_data") and has_internal_overlap(o._data):
            raise RuntimeError(INTERNAL_OVERLAP)
    for a in inputs:
        for t in (a if isinstance(a, (tuple, list)) else (a,)):
            for o in outs:
                if hasattr(o, "_data"):
                    check_overlap(o, t)


def write_out(name, r, out):
    """Copy result ``r`` (a tensor, or a tuple of them) into ``out``; returns ``out``."""
    if isinstance(r, tuple):
        if not isinstance(out, (tuple, list)) or len(out) != len(r):
            raise TypeError(f"{name}(): argument 'out' must be tuple of Tensors")
        for ri, oi in zip(r, out):
            write_out(name, ri, oi)
        if is_struct_seq(r):        # torch's out= overloads return their own type: sort_out, max_out ...
            from .._return_types import return_type
            return return_type(type(r).__name__ + "_out", type(r)._names)(*out)
        return type(r)(*out) if hasattr(r, "_fields") else tuple(out)
    from .._tensor import Tensor
    if not isinstance(out, Tensor):
        raise TypeError(f"{name}(): argument 'out' must be Tensor, not {tp_name(out)}")
    if r._rg or out._rg:
        from ..autograd._no_forward_ad import refuse_out_forward_ad
        refuse_out_forward_ad(name, r, out)
    if GRAD.enabled and (r._rg or out._rg):
        from ._out_grad import write_grad
        write_grad(name, r, out)        # raises, except for ops without a derivative (NotImplemented)
    src, dst = r._data, out._data
    if not _can_cast(src.dtype, dst.dtype):
        raise RuntimeError(f"result type {_NAMES[src.dtype.name]} can't be cast to the desired output "
                           f"type {_NAMES[dst.dtype.name]}")
    if dst.shape != src.shape:
        if dst.size:
            # torch's C++ warning names the user's line, however many glasstorch calls lie between
            warn_at_caller(_RESIZED.format(list(dst.shape), list(src.shape)))
        out._data = dst = _resized(name, src, dst.dtype)
    np.copyto(dst, src, casting="unsafe")
    out._vc[0] += 1
    if GRAD.enabled and r._rg:
        from ._out_grad import link
        link(r, out)
    return out


# ops whose out= kernels resize ``out`` to a contiguous tensor whatever the result's layout (not
# structured kernels, or composites that copy their result in: structured kernels give a resized
# ``out`` the strides of the result they compute)
_CONTIGUOUS_RESIZE = frozenset({"cholesky_solve", "special_ndtr", "quantile", "nanquantile", "linalg_tensorinv",
                                "chain_matmul", "kron", "_fft_r2c", "_fft_c2c", "_fft_c2r", "ifft", "ihfft"})


def _resized(name, src, dtype):
    """A fresh array for an ``out`` of the wrong shape: torch's resize_output then, in its structured kernels,
    ``as_strided_`` to the result's strides, so ``exp(x.T, out=empty)`` is column-major as ``exp(x.T)``."""
    from ._layout import _alloc, preserve_strides
    if name in _CONTIGUOUS_RESIZE or src.ndim < 2 or any(s < 0 for s in src.strides):
        return np.empty(src.shape, dtype)
    return _alloc(src.shape, dtype, preserve_strides(src))


# these write int32 or int64 indices as out_int32 says, into an out of exactly that dtype
_INDEX_OUT = frozenset({"searchsorted", "bucketize"})


def _check_index_out(r, out):
    """searchsorted's (and bucketize's) out= check, made after its other checks; ``r`` holds the dtype
    out_int32 asked for."""
    from .._tensor import Tensor
    if isinstance(out, Tensor) and out._data.dtype != r._data.dtype:
        raise RuntimeError("torch.searchsorted(): output tensor's dtype is wrong, it can only be Int(int32) or "
                           "Long(int64) depending on whether out_int32 flag is True, but we got output tensor's "
                           f"dtype {_NAMES[out._data.dtype.name]} and out_int32 flag is "
                           f"{r._data.dtype == np.int32}")


def with_out(fn, check=None):
    """``fn`` taking ``out=``: computed as usual, then written into ``out``.  Where ``fn`` takes a
    ``dtype`` and none is given, the result is computed in ``out``'s dtype, as torch does; with a
    ``check`` (torch.linalg's dtype rules, ``check(name, result, out)``) it is computed as usual and
    checked against ``out`` first."""
    params = inspect.signature(fn).parameters
    takes_dtype = "dtype" in params and check is None

    @functools.wraps(fn)
    def call(*args, out=None, **kwargs):
        if out is None:
            try:
                return fn(*args, **kwargs)
            except AttributeError:      # a non-tensor where a tensor goes (``torch.exp(ndarray)``)
                not_tensor()            # torch's parser error for this call, if torch refuses it
                raise
        try:
            check_out_dtype(fn.__name__, args[0] if args else kwargs.get("input"), out, args + tuple(kwargs.values()))
            check_out_overlap(fn.__name__, out, args + tuple(kwargs.values()))
            if takes_dtype and kwargs.get("dtype") is None and not isinstance(out, (tuple, list)):
                kwargs["dtype"] = FROM_NP[out._data.dtype]
            r = fn(*args, **kwargs)
        except (RuntimeError, IndexError):
            from ._out_grad import refuse_first     # torch's autograd refusal comes before the op's checks
            refuse_first(fn.__name__, args + tuple(kwargs.values()), out)
            raise
        if check is not None:
            done = check(fn.__name__, r, out)       # (torch.linalg: written already where autograd is involved)
            if done is not None:
                return done
        if fn.__name__ in _INDEX_OUT:
            _check_index_out(r, out)
        return write_out(fn.__name__, r, out)
    return call


# modules whose functions implement ``out`` themselves: the arithmetic operators, and the random
# functions, which draw in ``out``'s dtype (a cast afterwards would give other numbers)
HANDLED = ("glasstorch.ops.arithmetic", "glasstorch.ops.power", "glasstorch._random_api")


def wrap_namespace(ns, check=None):
    """Wrap every public function of namespace dict ``ns`` that has an ``out`` parameter, except
    those that implement it themselves."""
    for name, fn in list(ns.items()):
        if name.startswith("_") or not inspect.isfunction(fn):
            continue
        if not is_ours(fn) or fn.__module__ in HANDLED or getattr(fn, "_handles_out", False):
            continue
        try:
            params = inspect.signature(fn).parameters
        except (TypeError, ValueError):
            continue
        if "out" in params:
            ns[name] = with_out(fn, check)
