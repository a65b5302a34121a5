"""quantile and nanquantile, in torch's composite formula: sort along the reduced dim, rank
r = q (n - 1) (n counting only the non-NaN values for nanquantile), then the interpolation between
the sorted values at floor(r) and ceil(r) (lerp for "linear" and "midpoint").

torch checks in this order, for both functions (whose messages all say "quantile()"): a Python q's
range, the interpolation name, the input's size, q's dim, the input's dtype, q's dtype, out's dtype,
the dim; then out is resized, q tensor's values range-checked, and the input sorted.  out= is
written with ``copy_`` after the computation, as torch's CompositeImplicit out overload does, so a
result written into a tensor that requires grad carries CopyBackwards.
"""
import numbers

import numpy as np

from ._common import Tensor
from .._tensor import _wrap_dim

_MODES = ("linear", "lower", "higher", "midpoint", "nearest")


def _t():
    import glasstorch
    return glasstorch


def _check_out(input, out):
    if out._data.dtype != input._data.dtype:
        raise RuntimeError("quantile() out tensor must be same dtype as the input tensor")


def _resize_out(out, shape):
    """torch's resize_output: a differently shaped ``out`` takes the result's shape (with torch's
    deprecation warning when it held elements), outside autograd."""
    shape = tuple(shape)
    if tuple(out.shape) == shape:
        return
    from ._out import _RESIZED
    from .._user_warning import warn_at_caller
    if out.numel():
        warn_at_caller(_RESIZED.format(list(out.shape), list(shape)))
    out._data = np.empty(shape, out._data.dtype)


def _quantile(input, q, dim, keepdim, interpolation, ignore_nan, out=None):
    t = _t()
    from .._arg_refuse import int_arg, refuse
    if not isinstance(input, Tensor) or (out is not None and not isinstance(out, Tensor)) \
            or not isinstance(interpolation, str):
        refuse()                        # torch's parser error for the call
    if dim is not None and dim.__class__ is not int:     # (the parser's check comes first)
        dim = int_arg(dim)
    if isinstance(q, Tensor):
        qt = q
    else:
        if not isinstance(q, numbers.Real):          # (a list, a string ...): torch's parser refuses it
            refuse()
        # the double overload checks its q before anything else (nan fails too)
        if not 0 <= q <= 1:
            raise RuntimeError(f"quantile() q must be in the range [0, 1] but got {q}")
        qt = None                       # made in the input's dtype once that is known to be a float
    if interpolation not in _MODES:
        raise RuntimeError("quantile() interpolation must be one of linear, lower, higher, midpoint or nearest, "
                           f"but got {interpolation}")
    if input.numel() == 0:
        raise RuntimeError("quantile() input tensor must be non-empty")
    if qt is not None and qt.dim() > 1:
        raise RuntimeError("quantile() q must be a scalar or 1D tensor")
    if input._data.dtype not in (np.float32, np.float64):          # (half too is refused)
        raise RuntimeError("quantile() input tensor must be either float or double dtype")
    if qt is None:
        qt = t.tensor(float(q), dtype=input.dtype)
    elif qt.dtype != input.dtype:
        raise RuntimeError("quantile() q tensor must be same dtype as the input tensor")
    if out is not None:
        _check_out(input, out)
    d = _wrap_dim(0 if dim is None else dim, input.dim())   # (a 0-d tensor's dim is checked too)
    if out is not None:
        shape = list(input.shape)
        if dim is not None and input.dim() > 0:
            if keepdim:
                shape[d] = 1
            else:
                del shape[d]
        elif not keepdim:
            shape = []
        else:
            shape = [1] * input.dim()
        _resize_out(out, ([qt.numel()] if qt.dim() else []) + shape)
    if qt.numel() and not bool(((qt >= 0) & (qt <= 1)).all()):
        raise RuntimeError("quantile() q values must be in the range [0, 1]")
    if dim is None or input.dim() == 0:
        # keepdim without a dim: every dim kept, as size 1
        srt = input.reshape((1,) * input.dim() + (-1,) if keepdim and dim is None else -1).sort().values
    else:
        # the reduced dim moves last; a 1 stays in its place (dropped unless keepdim)
        srt = input.unsqueeze(-1).transpose(d, -1).sort().values
        if not keepdim:
            srt = srt.squeeze(d)
    if srt.size(-1) > 2 ** 24:          # torch ranks in double (and checks after its sort)
        raise RuntimeError("quantile() input tensor is too large")
    q1 = qt.view(1) if qt.dim() == 0 else qt
    n = srt.size(-1)
    if ignore_nan:
        ranks = q1 * (srt.isnan().logical_not().sum(-1, keepdim=True) - 1)
        ranks = ranks.masked_fill(ranks < 0, 0)
    else:
        ranks = (q1 * (n - 1)).expand(*srt.shape[:-1], q1.numel())
        ranks = ranks.masked_fill(srt.isnan().any(-1, keepdim=True).expand_as(ranks), n - 1)
    if interpolation == "lower":
        ranks = ranks.floor()
    elif interpolation == "higher":
        ranks = ranks.ceil()
    elif interpolation == "nearest":
        ranks = ranks.round()
    below = ranks.long()
    vals = srt.gather(-1, below)
    if interpolation in ("linear", "midpoint"):
        weights = t.full_like(ranks, 0.5) if interpolation == "midpoint" else ranks - below
        vals = vals.lerp(srt.gather(-1, ranks.ceil().long()), weights)
    # torch ends with in-place squeeze_ (SqueezeBackward4)
    if qt.dim() == 0:
        vals = vals.squeeze_(-1)
    else:
        vals = vals.unsqueeze(0).transpose(0, -1).squeeze_(-1)
    if out is None:
        return vals
    return out.copy_(vals)


def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    return _quantile(input, q, dim, keepdim, interpolation, False, out)


def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    return _quantile(input, q, dim, keepdim, interpolation, True, out)


quantile._handles_out = nanquantile._handles_out = True      # (ops/_out.py leaves them unwrapped)
