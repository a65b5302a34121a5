"""``torch.ormqr(A, tau, C, left=True, transpose=False)``: multiply C by the Q of a ``geqrf``
factorization without forming Q, applying the Householder reflectors H_i = I - tau_i v_i v_i^T one at
a time (as LAPACK's ormqr does); built from differentiable tensor ops, so gradients flow."""

__all__ = ["ormqr"]


def _reflector(A, i):
    import glasstorch as t
    m = A.shape[-2]
    below = (t.arange(m) > i).to(A.dtype)
    unit = t.zeros(m, dtype=A.dtype).index_fill(0, t.tensor([i]), 1.0)
    return A[..., :, i] * below + unit


def ormqr(input, tau, other, left=True, transpose=False, *, out=None):
    m = input.shape[-2]
    k = tau.shape[-1]
    if (other.shape[-2] if left else other.shape[-1]) != m:
        side = "other.shape[-2]" if left else "other.shape[-1]"
        raise RuntimeError(f"torch.ormqr: {side} must be equal to input.shape[-2]")
    if k > input.shape[-1]:
        raise RuntimeError("torch.ormqr: tau.shape[-1] must be less than or equal to input.shape[-1]")
    # Q = H_1 ... H_k.  Q C: H_k first; Q^T C: H_1 first; C Q: H_1 first; C Q^T: H_k first
    order = range(k - 1, -1, -1) if (left and not transpose) or (not left and transpose) else range(k)
    C = other
    for i in order:
        v = _reflector(input, i)
        ti = tau[..., i, None, None]
        if left:
            C = C - ti * v.unsqueeze(-1) * (v.unsqueeze(-2) @ C)
        else:
            C = C - ti * (C @ v.unsqueeze(-1)) * v.unsqueeze(-2)
    return C
