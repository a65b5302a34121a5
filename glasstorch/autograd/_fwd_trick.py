"""Whether the reverse pass now running is a forward-mode transform's double-backward trick.

glasstorch takes a forward-mode tangent ``J t`` as the derivative in ``u`` of the vjp ``J^T u``.  For
almost every op torch's forward formula is exactly the adjoint of its backward formula, so the trick
gives torch's tangent.  A few backward formulas are not the adjoint of torch's forward one: cholesky's
backward symmetrises the input gradient (A is symmetric), while its forward formula takes any dA.
Such a node asks ``in_trick()`` and then returns the plain adjoint of torch's forward formula.

torch.autograd.functional.jvp is itself the double-backward trick in torch, so it does not set this."""

_DEPTH = [0]


class forward_trick:
    """``with forward_trick():`` around the trick's first (u-linear) reverse pass."""
    __slots__ = ()

    def __enter__(self):
        _DEPTH[0] += 1

    def __exit__(self, *exc):
        _DEPTH[0] -= 1


def in_trick():
    return _DEPTH[0] > 0
