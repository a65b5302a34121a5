"""``linalg.vector_norm`` of a complex tensor, rounded as torch's CPU kernel rounds it.

    ||z||_p = (sum_i |z_i|^p)^(1/p)          (p = 1: sum |z_i|;  p = 2: sqrt(sum |z_i|^2))

torch has no vectorised norm kernel for complex inputs: each output adds its terms one after another
in the real dtype (float for complex64), in memory order, where the term is |z| (p=1), |z|*|z|
(p=2) or pow(|z|, p), and takes the root as pow(acc, 1/p) with 1/p formed in that real dtype.
|z| is the kernel's std::abs (``scalar_abs_values``: glibc's hypot, not the correctly rounded
modulus of torch.abs's vector steps) and float pow is correctly rounded, so NumPy reproduces both
(a float32 pow through float64).

The graph is torch's: one ``LinalgVectorNormBackward0`` on the complex input (whose backward
already takes complex inputs: sgn(z) for |z|), not an abs node below a real norm.
"""
import numpy as np

from ._cabs import abs_kernel_values, scalar_abs_values


def complex_norm_values(z, p, axes, keepdim):
    """The norm of the complex array ``z`` over ``axes`` (a tuple, or None for all), or None where
    this order does not apply (p = 0 or +-inf, empty or one-term reductions: the real path's)."""
    axes = tuple(range(z.ndim)) if axes is None else tuple(axes)
    n = int(np.prod([z.shape[i] for i in axes])) if axes else 1
    if p == 0 or p in (float("inf"), float("-inf")) or n <= 1 or z.size == 0 or not np.isfinite(p):
        return None
    ab = scalar_abs_values(z)
    rt = ab.dtype
    # TensorIterator walks the reduced dims in memory order (the largest stride outermost)
    order = sorted(axes, key=lambda i: -abs(z.strides[i]))
    kept = [i for i in range(z.ndim) if i not in axes]
    flat = np.transpose(ab, kept + order).reshape([z.shape[i] for i in kept] + [n])
    if p == 1:
        terms = flat
    elif p == 2:
        terms = flat * flat
    else:                             # correctly rounded powf: pow in double, rounded once
        terms = np.power(flat.astype(np.float64), p).astype(rt)
    acc = np.cumsum(terms, axis=-1, dtype=rt)[..., -1]    # one running sum, left to right
    if p == 1:
        v = acc
    elif p == 2:
        v = np.sqrt(acc)
    else:
        with np.errstate(divide="ignore"):
            v = np.power(acc.astype(np.float64), np.float64(rt.type(1) / rt.type(p))).astype(rt)
    if keepdim:
        v = np.asarray(v).reshape([1 if i in axes else s for i, s in enumerate(z.shape)])
    return np.asarray(v, rt)


def complex_vector_norm(x, p, axes, keepdim, dtype):
    """vector_norm of the complex tensor ``x`` (at least 1-d; ``axes`` a tuple) in torch's order,
    with torch's graph."""
    from .._dtype import to_dtype
    from ._common import GRAD, _wrap, as_array, record1
    from ._layout import contig_of
    from .norms import LinalgVectorNormBackward0
    z = x._data if dtype is None else x._data.astype(to_dtype(dtype).np)     # dtype=: cast first
    v = complex_norm_values(z, float(p), axes, keepdim)
    if v is None:                    # the real norm of |z| gives these values (max, count, one term)
        from ..autograd.grad_mode import no_grad
        from .norms import vector_norm
        with no_grad():
            # (torch too takes these from its abs kernel's moduli, not the reduction's std::abs)
            r = vector_norm(_wrap(abs_kernel_values(z)), p, axes, keepdim)
    else:
        r = _wrap(contig_of(as_array(v), z))
    if GRAD.enabled and x._rg:
        node = LinalgVectorNormBackward0()
        node.ord, node.axes, node.keepdim = float(p), (axes if axes is not None else ()), keepdim
        node.save(x, r, result_at=1)
        record1(node, r, x)
    return r
