"""``einsum``: NumPy computes it; the gradient for each operand is another einsum.

For ``z = einsum("ij,jk->ik", a, b)`` the gradient of ``a`` is ``einsum("ik,jk->ij", g, b)``: the
output's subscripts take the operand's place.  A letter only that operand has (summed away
alone) is restored by broadcasting.  torch ends its einsum graph in a reshape, so the result's
grad_fn is ViewBackward0, as here.
"""
import string

import numpy as np

from ..autograd.graph import Node
from ._common import _wrap, record, needs_grad, Tensor
from .shape import view

_LETTERS = string.ascii_letters


def _expand_ellipsis(spec, operands):
    """Rewrite ``...`` as explicit letters (unused by the spec), so every operand's axes are named."""
    ins, _, out = spec.replace(" ", "").partition("->")
    ins = ins.split(",")
    free = [c for c in _LETTERS if c not in spec]
    nell = 0
    for s, op in zip(ins, operands):
        if "..." in s:
            nell = max(nell, op._data.ndim - (len(s) - 3))
    ell = "".join(free[:nell])
    new_ins = []
    for s, op in zip(ins, operands):
        if "..." in s:
            k = op._data.ndim - (len(s) - 3)
            s = s.replace("...", ell[nell - k:])
        new_ins.append(s)
    if not _:
        letters = sorted(set("".join(new_ins)) - set(ell), key=lambda c: c)
        once = [c for c in letters if "".join(new_ins).count(c) == 1]
        out = ell + "".join(once)
    else:
        out = out.replace("...", ell)
    return new_ins, out


class EinsumBackward0(Node):
    """z = einsum(spec, x_1, ..., x_n)   ->   dx_i = einsum(spec with z's subscripts in x_i's place)"""
    __slots__ = ("ins", "out", "shapes")

    def backward(self, g):
        ops = self.saved()
        grads = []
        for i, (sub, shape) in enumerate(zip(self.ins, self.shapes)):
            if self.next_functions[i][0] is None:
                grads.append(None)
                continue
            if len(set(sub)) != len(sub):
                raise RuntimeError("einsum backward: repeated subscripts in one operand are not supported")
            others = [(s, o) for j, (s, o) in enumerate(zip(self.ins, ops)) if j != i]
            avail = set(self.out).union(*(set(s) for s, _ in others))
            target = "".join(c for c in sub if c in avail)
            spec = ",".join([self.out] + [s for s, _ in others]) + "->" + target
            args = [g] + [o for _, o in others]
            if isinstance(g, (np.ndarray, np.generic)):
                r = np.einsum(spec, *args)
                r = r.reshape([shape[k] if c in avail else 1 for k, c in enumerate(sub)])
                grads.append(np.broadcast_to(r, shape))
            else:
                r = self.m.einsum(spec, *args)
                r = r.reshape([shape[k] if c in avail else 1 for k, c in enumerate(sub)])
                grads.append(r.expand(shape))
        return tuple(grads)


def _sublist_letter(n):
    if n is Ellipsis:
        return "..."
    if 0 <= n < 26:
        return chr(ord("A") + n)
    if 26 <= n < 52:
        return chr(ord("a") + n - 26)
    raise ValueError("einsum(): subscript in subscript list is not within the valid range [0, 52)")


def einsum(equation, *operands):
    if not isinstance(equation, str) and not isinstance(equation, (list, tuple)):
        # the sublist format: op1, sublist1, op2, sublist2, ..., [sublist_out]
        args = (equation,) + operands
        equation = ",".join("".join(_sublist_letter(n) for n in sub) for sub in args[1::2])
        if len(args) % 2 == 1:
            equation += "->" + "".join(_sublist_letter(n) for n in args[-1])
        operands = args[:-1:2] if len(args) % 2 == 1 else args[::2]
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    ins, out = _expand_ellipsis(equation, operands)
    if len(ins) != len(operands):
        raise RuntimeError(f"einsum(): more operands were provided than specified in the equation"
                           if len(operands) > len(ins) else
                           "einsum(): fewer operands were provided than specified in the equation")
    spec = ",".join(ins) + "->" + out
    r = _wrap(np.asarray(np.einsum(spec, *(o._data for o in operands))))
    if not needs_grad(*operands):
        return r
    node = EinsumBackward0()
    node.ins, node.out, node.shapes = ins, out, [o._data.shape for o in operands]
    node.save(*operands)
    record(node, r, *operands)
    return view(r, r._data.shape)


__all__ = ["einsum", "Tensor"]
