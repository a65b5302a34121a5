"""``torch.ormqr(A, tau, C, left=True, transpose=False)``: multiply C by the Q of a ``geqrf``
factorization without forming Q, applying the Householder reflectors H_i = I - tau_i v_i v_i^H one at
a time (as LAPACK's ormqr does); built from differentiable tensor ops, so gradients flow."""

from .autograd.graph import Node
from .ops._common import _wrap, needs_grad, record
from .ops.shape import is_array
from ._linalg_chol_checks import lapack_layout

__all__ = ["ormqr"]


def _reflector(A, i):
    import glasstorch as t
    m = A.shape[-2]
    below = (t.arange(m) > i).to(A.dtype)
    unit = t.zeros(m, dtype=A.dtype).index_fill(0, t.tensor([i]), 1.0)
    return A[..., :, i] * below + unit


class OrmqrBackward0(Node):
    """y = op(Q) C (or C op(Q)), Q = H_1 ... H_k   ->   dA, dtau, dC: the reflections replayed with a graph,
    then autograd.grad through them"""
    __slots__ = ("left", "transpose")
    _complex_ready = True       # autograd.grad already answers in torch's complex convention

    def backward(self, g):
        import glasstorch as t
        saved = self.saved()
        plain = is_array(g)
        if plain:
            ins = [_wrap(x).requires_grad_(True) for x in saved]
        else:           # create_graph: the replay is recorded on the saved tensors themselves
            ins = [x if x.requires_grad else x.detach().requires_grad_(True) for x in saved]
        with t.enable_grad():
            y = _apply(*ins, self.left, self.transpose)
            gs = t.autograd.grad(y, ins, _wrap(g) if plain else g, allow_unused=True, create_graph=not plain)
        if not plain:
            return gs
        # torch's matrix gradients come out of its LAPACK-based formula column-major; tau's is contiguous
        return tuple(None if v is None else v._data if i == 1 else lapack_layout(v._data) for i, v in enumerate(gs))


def _check(a, tau, c, left):
    """torch's ormqr checks, in its order (ranks, sizes, batch shapes, dtypes, then the kernel's dtype)."""
    from ._linalg_chol_checks import no_kernel, type_name
    if a.ndim < 2:
        raise RuntimeError("torch.ormqr: input must have at least 2 dimensions.")
    if c.ndim < 2:
        raise RuntimeError("torch.ormqr: other must have at least 2 dimensions.")
    if (c.shape[-2] if left else c.shape[-1]) != a.shape[-2]:
        raise RuntimeError(f"torch.ormqr: {'other.shape[-2]' if left else 'other.shape[-1]'} must be equal to "
                           "input.shape[-2]")
    if not tau.ndim:
        raise IndexError("Dimension specified as -1 but tensor has no dimensions")
    side = "other.shape[-2]" if left else "other.shape[-1]"
    if tau.shape[-1] != min(c.shape[-2] if left else c.shape[-1], a.shape[-1]):
        raise RuntimeError(f"torch.ormqr: tau.shape[-1] must be equal to min({side}, input.shape[-1])")
    if a.ndim - tau.ndim != 1:
        raise RuntimeError(f"torch.ormqr: Expected tau to have one dimension less than input, but got tau.ndim equal "
                           f"to {tau.ndim} and input.ndim is equal to {a.ndim}")
    if a.ndim != c.ndim:
        raise RuntimeError(f"torch.ormqr: Expected other to have the same number of dimensions as input, but got "
                           f"other.ndim equal to {c.ndim} and input.ndim is equal to {a.ndim}")
    for name, shape in (("tau", tau.shape[:-1]), ("other", c.shape[:-2])):
        if a.ndim > 2 and shape != a.shape[:-2]:
            raise RuntimeError(f"torch.ormqr: Expected batch dimensions of {name} to be equal to input.shape[:-2], "
                               f"but got {list(shape)}")
    for name, x in (("tau", tau), ("other", c)):
        if x.dtype != a.dtype:      # (torch's message has no space after "dtype")
            raise RuntimeError(f"torch.ormqr: Expected input and {name} to have the same dtype, but input has dtype"
                               f"{type_name(a.dtype)} and {name} has dtype {type_name(x.dtype)}")
    no_kernel(a, "ormqr_cpu")


def ormqr(input, tau, other, left=True, transpose=False, *, out=None):
    import glasstorch as t
    _check(input._data, tau._data, other._data, left)
    from .autograd._no_forward_ad import refuse_forward_ad      # no forward formula in torch's derivatives.yaml
    refuse_forward_ad("ormqr", input, tau, other)
    with t.no_grad():
        r = _wrap(lapack_layout(_apply(input, tau, other, left, transpose)._data))    # LAPACK's ormqr: column-major
    if needs_grad(input, tau, other):
        node = OrmqrBackward0()
        node.left, node.transpose = left, transpose
        node.save(input, tau, other)
        record(node, r, input, tau, other)
    return r


def _apply(input, tau, other, left, transpose):
    """op(Q) C or C op(Q), one reflector at a time."""
    k = tau.shape[-1]
    # Q = H_1 ... H_k.  Q C: H_k first; Q^T C: H_1 first; C Q: H_1 first; C Q^T: H_k first
    order = range(k - 1, -1, -1) if (left and not transpose) or (not left and transpose) else range(k)
    C = other
    cplx = input.is_complex()
    for i in order:
        v = _reflector(input, i)
        vh = v.conj() if cplx else v        # H_i = I - tau_i v v^H; Q^H (transpose=True) takes conj(tau_i)
        ti = tau[..., i, None, None]
        ti = ti.conj() if cplx and transpose else ti
        if left:
            C = C - ti * v.unsqueeze(-1) * (vh.unsqueeze(-2) @ C)
        else:
            C = C - ti * (C @ v.unsqueeze(-1)) * vh.unsqueeze(-2)
    return C
