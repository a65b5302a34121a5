"""``torch.geqrf``: LAPACK's QR in compact form, real or complex, with torch's layout (each matrix
column-major), its dtype refusals, empty batches, and its ``GeqrfBackward0`` node (torch gives geqrf
no derivative: the node is recorded, and its backward raises)."""
import numpy as np

from ._linalg_chol_checks import lapack_layout, no_kernel
from ._linalg_decomp_grad import attach, wants_grad
from .ops._common import _wrap
from .ops._no_derivative import _NoDerivative


class GeqrfBackward0(_NoDerivative):
    """(a, tau) = geqrf(A)   ->   no derivative (torch's formula is ``not_implemented("geqrf")``)"""
    __slots__ = ()
    _nout = 2
    op = "geqrf"


def _one(m, work):
    # NumPy's raw QR hands back LAPACK's geqrf output transposed (not conjugated)
    h, tau = np.linalg.qr(m.astype(work), mode="raw")
    return h.T, tau


def geqrf(input, *, out=None):
    """A = Q R, Q = H_1 ... H_k, H_i = I - tau_i v_i v_i^H (k = min(m, n)): R on and above the diagonal
    of ``a``, the essential parts of the v_i below it (v_i has a 1 at row i), and the tau_i."""
    from ._return_types import return_type
    a = input._data
    if a.ndim < 2:
        raise RuntimeError("torch.geqrf: input must have at least 2 dimensions.")
    no_kernel(a, "geqrf_cpu")
    from .autograd._no_forward_ad import refuse_forward_ad      # no forward formula in torch's derivatives.yaml
    refuse_forward_ad("geqrf", input)
    m, n = a.shape[-2:]
    k = min(m, n)
    work = np.complex128 if a.dtype.kind == "c" else np.float64
    h = np.zeros(a.shape, a.dtype)
    tau = np.zeros(a.shape[:-2] + (k,), a.dtype)
    if a.size:         # an empty matrix has no reflectors: zero-size results
        hf, tf = h.reshape((-1, m, n)), tau.reshape((-1, k))
        for i, mat in enumerate(a.reshape((-1, m, n))):
            hf[i], tf[i] = _one(mat, work)
    outs = _wrap(lapack_layout(h)), _wrap(tau)
    if wants_grad(input):
        attach(GeqrfBackward0(), outs, input)
    return return_type("geqrf", ["a", "tau"])(*outs)
