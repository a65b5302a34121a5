"""torch's ``_trilinear``, the op under ``F.bilinear``, with its node ``TrilinearBackward0``.

_trilinear(i1, i2, i3, expand1, expand2, expand3, sumdim) multiplies three tensors over a common set
of dims -- operand k lacks the dims in expand_k (it is unsqueezed there) -- and sums over sumdim:

    out[d not in sumdim] = sum_{d in sumdim} i1 i2 i3

Its gradients are _trilinear again, each operand's expand list trading places with sumdim (torch's
_trilinear_backward), so under ``create_graph`` they hang from ``TrilinearBackward0`` too:

    d i1 = _trilinear(g, i2, i3, sumdim, expand2, expand3, expand1)   (and so on for i2, i3)

bilinear(x1, x2, W) = _trilinear(x1 (N, I), W (O, I, J), x2 (N, J), [1, 3], [0], [1, 2], [2, 3]).
The products are glasstorch's einsum (torch's _trilinear loops over one dim and sums pairwise
products with bmm: values agree to rounding).
"""
import numpy as np

from ...autograd.graph import Node
from ...ops._common import GRAD, _wrap, record

_DIMS = "abcdefgh"


def _arr(v):
    return v._data if hasattr(v, "_data") else np.asarray(v)


def trilinear_values(i1, i2, i3, expands, sumdim):
    """The product as glasstorch's einsum computes it (torch's contraction order), on arrays."""
    from ...ops.einsum import einsum
    total = np.ndim(i1) + len(expands[0])
    subs = ["".join(_DIMS[d] for d in range(total) if d not in e) for e in expands]
    out = "".join(_DIMS[d] for d in range(total) if d not in sumdim)
    return einsum(",".join(subs) + "->" + out, *(_wrap(np.asarray(a)) for a in (i1, i2, i3)))._data


class TrilinearBackward0(Node):
    """y = _trilinear(i1, i2, i3, e1, e2, e3, s)   ->   d i_k = _trilinear with e_k and s swapped"""
    __slots__ = ("expands", "sumdim")

    def backward(self, g):
        ops = self.saved()
        out = []
        for k in range(3):
            if self.next_functions[k][0] is None:
                out.append(None)
                continue
            args = list(ops)
            args[k] = g
            expands = list(self.expands)
            expands[k] = self.sumdim
            out.append(trilinear(*args, expands, self.expands[k]))
        return tuple(out)


def trilinear(i1, i2, i3, expands, sumdim):
    """_trilinear on tensors (recorded as TrilinearBackward0) or on arrays."""
    if isinstance(i1, (np.ndarray, np.generic)):
        return trilinear_values(i1, i2, i3, expands, sumdim)
    v = trilinear_values(_arr(i1), _arr(i2), _arr(i3), expands, sumdim)
    r = _wrap(np.ascontiguousarray(np.asarray(v, _arr(i1).dtype)))
    if GRAD.enabled and any(getattr(t, "_rg", False) for t in (i1, i2, i3)):
        node = TrilinearBackward0()
        node.expands, node.sumdim = tuple(tuple(e) for e in expands), tuple(sumdim)
        node.save(i1, i2, i3)
        record(node, r, i1, i2, i3)
    return r


def bilinear_trilinear(input1, input2, weight):
    """torch's bilinear body: both inputs flattened to 2-d, _trilinear, the result reshaped back."""
    lead = tuple(input1.shape[:-1])
    x1 = input1.reshape(-1, input1.shape[-1])
    x2 = input2.reshape(-1, input2.shape[-1])
    out = trilinear(x1, weight, x2, ((1, 3), (0,), (1, 2)), (2, 3))
    return out.reshape(lead + (weight.shape[0],))
