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
from .einsum_kernel import contract, chain_plan, run_chain, mul_plan, run_mul

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
            others = [(s, o) for j, (s, o) in enumerate(zip(self.ins, ops)) if j != i]
            avail = set(self.out).union(*(set(s) for s, _ in others))
            uniq = "".join(dict.fromkeys(sub))                  # a repeated subscript is a diagonal
            target = "".join(c for c in uniq if c in avail)
            spec = ",".join([self.out] + [s for s, _ in others]) + "->" + target
            args = [g] + [o for _, o in others]
            usize = {c: shape[sub.index(c)] for c in uniq}
            arr = isinstance(g, (np.ndarray, np.generic))
            if arr and len(args) == 2:      # torch's bmm backward: a bmm, its own loop when small
                from .einsum_kernel import _step
                r = _step(spec, *args)
            else:
                r = np.einsum(spec, *args) if arr else self.m.einsum(spec, *args)
            # an operand's size-1 dim that einsum broadcast: its gradient sums over the broadcast
            wide = tuple(k for k, c in enumerate(target) if usize[c] == 1 and r.shape[k] != 1)
            if wide:
                r = r.sum(axis=wide, keepdims=True) if arr else r.sum(dim=wide, keepdim=True)
            ushape = [usize[c] for c in uniq]
            dims = iter(r.shape)
            r = r.reshape([next(dims) if c in avail else 1 for c in uniq])
            r = np.broadcast_to(r, ushape) if arr else r.expand(ushape)
            if uniq != sub:
                if not arr:
                    raise RuntimeError("einsum double backward: repeated subscripts in one operand are not "
                                       "supported")
                full = np.zeros(shape, np.result_type(r))
                idx = np.indices(ushape).reshape(len(uniq), -1)
                full[tuple(idx[uniq.index(c)] for c in sub)] = r.reshape(-1)
                r = full
            grads.append(r)
        return tuple(grads)


class PermuteBackward0(EinsumBackward0):
    """one operand, nothing summed: torch's einsum ends in the operand's permute"""
    __slots__ = ()
    _alias = True       # einsum's backward under torch's name: the op of this name lives elsewhere (viz)


class SumBackward1(EinsumBackward0):
    """one operand with subscripts summed away: torch's einsum ends in a sum over dims"""
    __slots__ = ()
    _alias = True


class MulBackward0(EinsumBackward0):
    """several operands, nothing contracted: torch's einsum ends in a broadcast multiply

    z = a' * b' (a', b': the operands permuted to the output's letters, size 1 where one lacks a
    letter)   ->   da' = sum_to(g * conj(b'), a'.shape), then back to a's own order: torch's
    MulBackward0 and the engine's un-broadcasting sum, so the broadcast operand's gradient adds up
    in torch's order (and a complex one is multiplied by torch's rounding)."""
    __slots__ = ()
    _alias = True
    _complex_ready = True       # conjugates the other operand itself

    def backward(self, g):
        plain = len(self.ins) == 2 and all(len(set(s)) == len(s) for s in self.ins)
        if not (plain and isinstance(g, np.ndarray)):
            from .complex_grad import conj_any
            cplx = np.iscomplexobj(g) if isinstance(g, (np.ndarray, np.generic)) else g.is_complex()
            if cplx:        # the general einsum formula, in the conjugate convention
                return conj_any(EinsumBackward0.backward(self, conj_any(g)))
            return EinsumBackward0.backward(self, g)
        from ..autograd._sum_to import sum_to
        from ._cabs import complex_multiply
        ops = self.saved()
        aligned = [_to_out_order(o, sub, self.out) if o is not None else None for o, sub in zip(ops, self.ins)]
        grads = []
        for i, (sub, shape) in enumerate(zip(self.ins, self.shapes)):
            if self.next_functions[i][0] is None:
                grads.append(None)
                continue
            other = aligned[1 - i]
            r = complex_multiply(g, np.conj(other)) if other.dtype.kind == "c" else g * other
            own = tuple(shape[sub.index(c)] if c in sub else 1 for c in self.out)
            r = np.asarray(sum_to(r, own)).reshape([shape[sub.index(c)] for c in self.out if c in sub])
            kept = [c for c in self.out if c in sub]
            grads.append(np.transpose(r, [kept.index(c) for c in sub]))
        return tuple(grads)


def _to_out_order(a, sub, out):
    """``a`` (subscripts ``sub``, all in ``out``) permuted to ``out``'s order, size-1 axes for the rest."""
    kept = [c for c in out if c in sub]
    a = np.transpose(a, [sub.index(c) for c in kept])
    return a.reshape([a.shape[kept.index(c)] if c in sub else 1 for c in out])


def _sublist_letter(n):
    if n is Ellipsis:
        return "..."
    if 0 <= n < 26:
        return chr(ord("A") + n)
    if 26 <= n < 52:
        return chr(ord("a") + n - 26)
    raise ValueError("einsum(): subscript in subscript list is not within the valid range [0, 52)")


def _diagonal_permute(x, sub, out):
    """One operand, nothing summed: torch answers with a view, each repeated subscript taken as a
    diagonal (its axis moves last) and then one permute into the output's order."""
    from .views import diagonal, permute
    for c in dict.fromkeys(sub):
        while sub.count(c) > 1:
            i = sub.index(c)
            j = sub.index(c, i + 1)
            x = diagonal(x, 0, i, j)
            sub = sub[:i] + sub[i + 1:j] + sub[j + 1:] + c
    return permute(x, [sub.index(c) for c in out])


def _torch_function_args(args):
    """The arguments torch's Python ``einsum`` hands ``__torch_function__``: ``(equation, *operands)``,
    the list form (``einsum(eq, [a, b])``) unpacked first and the sublist form turned into an equation,
    as ``torch.functional.einsum`` does before it checks (opt_einsum's torch backend passes a tuple)."""
    if len(args) < 2:
        return args
    equation, operands = args[0], args[1:]
    if not isinstance(equation, (str, list, tuple)):
        try:
            equation = ",".join("".join(_sublist_letter(n) for n in sub) for sub in args[1::2])
            if len(args) % 2 == 1:
                equation += "->" + "".join(_sublist_letter(n) for n in args[-1])
        except Exception:       # noqa: BLE001 - a malformed sublist: einsum itself reports it
            return args
        operands = args[:-1:2] if len(args) % 2 == 1 else args[::2]
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    return (equation, *operands)


def einsum(equation, *operands):
    if not operands:
        raise ValueError("einsum(): must specify the equation string and at least one operand, or at least one "
                         "operand and its subscripts list")
    if not isinstance(equation, str) and not isinstance(equation, (list, tuple)):
        # the sublist format: op1, sublist1, op2, sublist2, ..., [sublist_out]
        args = (equation,) + operands
        equation = ",".join("".join(_sublist_letter(n) for n in sub) for sub in args[1::2])
        if len(args) % 2 == 1:
            equation += "->" + "".join(_sublist_letter(n) for n in args[-1])
        operands = args[:-1:2] if len(args) % 2 == 1 else args[::2]
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
        if not operands:
            raise ValueError("einsum(): must specify the equation string and at least one operand, or at least "
                             "one operand and its subscripts list")
    try:
        arrays = [o._data for o in operands]
    except AttributeError:      # a non-tensor operand: torch's parser error for _VF.einsum(equation, operands)
        from .._arg_parser import parser_error
        from .._arg_refuse import FUNCTIONS
        err = parser_error(FUNCTIONS["einsum"], (equation, tuple(operands)))
        if err is not None:
            raise err from None
        raise
    # everything but the values depends only on the equation and each operand's shape, strides and
    # dtype: the checks, the subscripts and how to compute are planned once for such a key
    if equation.__class__ is str:
        key = (equation, *[(a.shape, a.strides, a.dtype) for a in arrays])
        plan = _PLANS.get(key)
        if plan is None:
            plan = _plan(equation, operands, arrays)
            if len(_PLANS) >= _MAX_PLANS:
                del _PLANS[next(iter(_PLANS))]      # bounded: the oldest plan goes
            _PLANS[key] = plan
    else:
        plan = _plan(equation, operands, arrays)
    kind, ins, out, cls, how = plan
    if kind == "view":
        return _diagonal_permute(operands[0], ins[0], out)
    if kind == "chain":
        r = run_chain(how, arrays)
    elif kind == "mul":
        r = run_mul(how, arrays)
    else:
        r = contract(ins, out, arrays)
    r = _wrap(np.asarray(r))
    if not needs_grad(*operands):
        return r
    node = cls()
    node.ins, node.out, node.shapes = ins, out, [a.shape for a in arrays]
    node.save(*operands)
    record(node, r, *operands)
    return view(r, r._data.shape) if cls is EinsumBackward0 else r


_PLANS = {}         # (equation, (shape, strides, dtype) per operand) -> _plan's answer
_MAX_PLANS = 256


def _plan(equation, operands, arrays):
    """torch's checks (raising its errors), then (kind, ins, out, grad_fn class, how): ``kind`` is
    "view" (one operand, nothing summed), "chain" (the common one-dtype bmm chain, einsum_kernel's
    chain_plan), "mul" (two operands, nothing summed) or "full" (einsum_kernel.contract, the general
    step-for-step path)."""
    from .einsum_checks import check_einsum
    check_einsum(equation, [a.shape for a in arrays])
    ins, out = _expand_ellipsis(equation, operands)
    if len(operands) == 1 and set(ins[0]) == set(out):
        return "view", ins, out, None, None
    # the op torch's einsum ends in names the grad_fn: a view after contracting several operands
    contracted = bool(set("".join(ins)) - set(out))
    if len(operands) == 1:
        return "full", ins, out, (SumBackward1 if contracted else PermuteBackward0), None
    cls = EinsumBackward0 if contracted else MulBackward0
    how = chain_plan(ins, out, arrays)
    if how is not None:
        return "chain", ins, out, cls, how
    how = mul_plan(ins, out, arrays)
    if how is not None:
        return "mul", ins, out, cls, how
    return "full", ins, out, cls, None


__all__ = ["einsum", "Tensor"]


einsum._tf_args = _torch_function_args     # (read by _torch_function.wrap_function)
