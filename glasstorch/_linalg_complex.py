"""Complex input to ``torch.linalg``: eig / eigvals, and the pieces the real code paths share for it.

torch returns real singular values, eigenvalues of Hermitian matrices and norms for complex
matrices, and complex eigenvalues (and eigenvectors) from ``eig`` for real ones too.  NumPy's
``eig`` calls the same LAPACK ``geev`` as torch (unit-norm eigenvectors, largest component real),
so its answer matches torch to rounding; only a real matrix whose eigenvalues are all real comes
back real from NumPy, and is made complex here.

Gradients of the non-holomorphic complex factorisations (and of eig) are not written yet: their
nodes carry torch's names but raise when backward reaches them, rather than give a wrong gradient.
"""
import numpy as np

from .autograd.graph import Node
from .ops._common import GRAD, _wrap, edge
from ._return_types import return_type

__all__ = ["eig", "eigvals", "real_dtype", "refuse_grad"]

_Eig = return_type("linalg_eig", ["eigenvalues", "eigenvectors"])


def real_dtype(npdt):
    """float32 for complex64, float64 for complex128; a real dtype stays as is."""
    return np.dtype(np.float32 if npdt == np.complex64 else np.float64) if npdt.kind == "c" else npdt


def complex_dtype(npdt):
    """complex64 for float32 / complex64, complex128 for the rest (torch's eig result dtype)."""
    return np.dtype(np.complex64 if npdt in (np.float32, np.complex64) else np.complex128)


class _Unsupported(Node):
    """A backward glasstorch does not have yet: it raises instead of giving a wrong gradient."""
    __slots__ = ("what",)
    _complex_ready = True          # record must not wrap it in the conjugated-frame twin

    def backward(self, g):
        raise NotImplementedError(f"glasstorch does not support the gradient of {self.what} yet "
                                  f"(torch computes it; glasstorch only computes the forward)")


_NODES = {}


def refuse_grad(name, what, outs, *inputs):
    """Give ``outs`` (one tensor or several) a node named ``name`` whose backward raises."""
    if not GRAD.enabled or not any(getattr(x, "_rg", False) for x in inputs):
        return
    many = isinstance(outs, (tuple, list))
    outs = list(outs) if many else [outs]
    key = (name, len(outs) if many else 0)
    cls = _NODES.get(key)
    if cls is None:
        body = {"__slots__": (), "__module__": __name__}
        if many:
            body["_nout"] = len(outs)
        cls = _NODES[key] = type(name, (_Unsupported,), body)
    node = cls()
    node.what = what
    node.next_functions = tuple(edge(x) for x in inputs)
    node._shape = [o._data.shape for o in outs] if many else outs[0]._data.shape
    node._dtype = [o._data.dtype for o in outs] if many else outs[0]._data.dtype
    for nr, o in enumerate(outs):
        o.grad_fn, o._rg, o._out_nr = node, True, nr


def _eig_checked(A, who):
    from .linalg import _square
    a = _square(A, who)
    if a.dtype.kind not in "fc":
        A.dtype.to_complex()        # torch fails finding the result dtype first: "Unknown Complex ScalarType"
    if a.dtype.itemsize == 2:
        from .ops._complex_refuse import not_implemented
        raise not_implemented("linalg_eig_out_cpu", a.dtype)
    return a


def _geev(a, vectors):
    cdt = complex_dtype(a.dtype)
    if a.size == 0:
        w = np.zeros(a.shape[:-1], cdt)
        return (w, np.zeros(a.shape, cdt)) if vectors else (w, None)
    from . import _linalg_eig2x2 as small
    if vectors:
        w, v = np.linalg.eig(a)
        w, v = w.astype(cdt), np.ascontiguousarray(v.astype(cdt))
        if small.applies(a):        # NumPy works in double for float32: sgeev's own float results
            from ._linalg_eig2x2_vec import eig as small_eig
            w, v = small_eig(a, w, v)
        return w, v
    w = np.linalg.eigvals(a).astype(cdt)
    return (small.eigvals(a, w) if small.applies(a) else w), None


def eig(A, *, out=None):
    """(eigenvalues, eigenvectors), always complex, as LAPACK's geev gives them."""
    from . import _linalg_decomp_grad as dg
    w, v = _geev(_eig_checked(A, "eig"), True)
    r = _Eig(_wrap(w), _wrap(v))
    if dg.wants_grad(A):
        node = dg.LinalgEigBackward0()
        dg.record(node, tuple(r), A)
    return r


def eigvals(A, *, out=None):
    """As torch: with a gradient to compute, the full eig, of which the eigenvalues are returned."""
    from . import _linalg_decomp_grad as dg
    if dg.wants_grad(A):
        return eig(A).eigenvalues
    w, _ = _geev(_eig_checked(A, "eigvals"), False)
    return _wrap(np.ascontiguousarray(w))
