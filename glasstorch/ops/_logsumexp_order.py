"""logsumexp's forward and backward arithmetic, as torch's CPU kernels do it.

torch computes ``logsumexp(x, dims)`` as

    m = amax(x, dims, keepdim) (0 where infinite);   y = log(sum((x - m).exp(), dims)) + m

with ``at::exp``/``at::log`` (MKL's, within an ulp of the correctly rounded value that ``_libm``
gives for float32; NumPy's own float32 exp differs from it in about 39% of elements) and its sum in
torch's order where glasstorch models it (``reduction._sum_over``: a whole tensor, leading dims,
short rows).  float16 rounds each step to half (exp, log and the sum computed in float).  The
backward is ``g * (x - y).exp()``, again with ``at::exp``.  Complex keeps NumPy's arithmetic.
"""
import numpy as np

from . import _libm

_EXACT = (np.dtype(np.float32), np.dtype(np.float64))


def log_sum_exp(x, axes, mx):
    """log(sum(exp(x - mx))) + mx over ``axes`` (a tuple), kept as size-1 dims."""
    if x.dtype == np.float16:
        # each half op computes in float and rounds to half; the sum accumulates in float
        f32, f16 = np.float32, np.float16
        e = _libm.exp((x - mx).astype(f16).astype(f32)).astype(f16)
        s = _torch_sum(e.astype(f32), axes).astype(f16)
        return (_libm.log(s.astype(f32)).astype(f16).astype(f32) + mx.astype(f32)).astype(f16)
    if x.dtype not in _EXACT:
        return np.log(np.sum(np.exp(x - mx), axis=axes, keepdims=True)) + mx
    e = _libm.exp(x - mx)
    return _libm.log(_torch_sum(e, axes)) + mx


def _torch_sum(e, axes):
    from .reduction import _leading, _sum_over, _whole, sum_all
    if not e.size:
        return np.sum(e, axis=axes, keepdims=True)
    if _whole(e.shape, axes):
        return np.asarray(sum_all(e)).reshape(tuple(1 if i in axes else n for i, n in enumerate(e.shape)))
    if axes == (e.ndim - 1,) and e.flags.c_contiguous:
        # rows along the last dim: torch's inner-sum order (the sum's own fast path keeps NumPy's order
        # for long rows; here the exps cost more than the emulation does)
        from ._sum_order import inner_sums
        return inner_sums(e.reshape(-1, e.shape[-1])).reshape(e.shape[:-1] + (1,))
    if len(axes) == 1:
        return _sum_over(e, axes[0], True)
    lead = _leading(e, axes, True)
    return lead if lead is not None else np.sum(e, axis=axes, keepdims=True)


def exp_of(d):
    """``d.exp()`` as the backward takes it: correctly rounded float32, a graph op under create_graph."""
    return _libm.exp(d)
