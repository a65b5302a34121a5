"""torch's einsum contraction (no opt_einsum), step for step, on NumPy arrays.

Every operand is lined up in one order -- the output's subscripts, then the summed ones -- with
repeated subscripts taken as diagonals and size-1 dims for missing ones.  Then left to right, two at a
time (the result goes first again):

* a summed dim that no later operand has and only one side of the pair has (size != 1) is summed on
  that side: ``sum``, so integers and bool widen to int64 and half accumulates in float;
* a summed dim both sides have, and no later operand, is contracted: ``bmm`` over (both, left-only,
  summed) x (both, summed, right-only), which wants one dtype and refuses bool;
* with nothing to contract the pair is a broadcast ``mul`` (dtypes promote).

One operand: a ``sum`` over the summed dims.  The sizes decide, not the letters: a dim of size 1 is
broadcast, never contracted.
"""
import math

import numpy as np

from .._dtype import _promote_pair, FROM_NP
from ._layout import contig, contiguous_strides, with_strides
from .einsum_layout import einsum_strides
from .inplace import type_name


def _aligned(sub, a, order):
    """``a`` (subscripts ``sub``) as a view with one dim per letter of ``order``: diagonals for repeated
    letters, size 1 for missing ones."""
    for c in dict.fromkeys(sub):
        while sub.count(c) > 1:
            i, j = sub.index(c), sub.index(c, sub.index(c) + 1)
            a = np.moveaxis(np.diagonal(a, 0, i, j), -1, i)
            sub = sub[:j] + sub[j + 1:]
    idx = tuple(slice(None) if c in sub else None for c in order)
    present = [sub.index(c) for c in order if c in sub]
    return a.transpose(present)[idx]


def _sum(a, dims, keepdims):
    """torch's ``sum``: integers and bool give int64; half adds in float and rounds once."""
    if a.dtype.kind in "biu":
        return a.sum(axis=tuple(dims), keepdims=keepdims, dtype=np.int64)
    if a.dtype == np.float16:
        return a.astype(np.float32).sum(axis=tuple(dims), keepdims=keepdims).astype(np.float16)
    return a.sum(axis=tuple(dims), keepdims=keepdims)


def _sumproduct(a, b, summed):
    """(a * b).sum(summed, keepdim=True) as torch's sumproduct_pair: a broadcast mul, or a bmm."""
    if not summed:
        dt = _promote_pair(FROM_NP[a.dtype], FROM_NP[b.dtype]).np
        return np.multiply(a.astype(dt, copy=False), b.astype(dt, copy=False))
    nd = a.ndim
    lro = [d for d in range(nd) if d not in summed and a.shape[d] != 1 and b.shape[d] != 1]
    lo = [d for d in range(nd) if d not in summed and a.shape[d] != 1 and b.shape[d] == 1]
    ro = [d for d in range(nd) if d not in summed and d not in lro and d not in lo]
    if lo and ro and ro[-1] < lo[0]:        # right-only dims all first: swap, bmm gives that order
        a, b, lo, ro = b, a, ro, lo
    if a.size == 0 or b.size == 0:      # an empty bmm checks nothing: zeros of the right side's dtype
        shape = [1 if d in summed else (y if x == 1 else x) for d, (x, y) in enumerate(zip(a.shape, b.shape))]
        return np.zeros(shape, b.dtype)
    if a.dtype == np.bool_:
        raise NotImplementedError('"bmm" not implemented for \'Bool\'')
    if a.dtype != b.dtype:
        raise RuntimeError(f"expected scalar type {type_name(a.dtype)} but found {type_name(b.dtype)}")
    size = lambda x, dims: math.prod([x.shape[d] for d in dims])
    left = a.transpose(lro + lo + summed + ro).reshape(size(a, lro), size(a, lo), size(a, summed))
    right = b.transpose(lro + summed + ro + lo).reshape(size(a, lro), size(a, summed), size(b, ro))
    if a.dtype == np.float16:
        r = np.einsum("bmk,bkn->bmn", left.astype(np.float32), right.astype(np.float32), order="C")
        r = r.astype(np.float16)
    else:
        # torch's bmm below 400 multiply-adds a product is its own loop: products added in turn from +0
        from ._gemm_small import bmm_small
        r = bmm_small(left, right)
        if r is None:
            r = np.einsum("bmk,bkn->bmn", left, right, order="C")
    mem = lro + lo + summed + ro
    r = r.reshape([a.shape[d] for d in lro + lo] + [1] * len(summed) + [b.shape[d] for d in ro])
    return r.transpose(np.argsort(mem))


def chain_plan(ins, out, arrays):
    """The common case, planned once per (equation, shapes, strides, dtypes): one dtype, no size 0 or 1,
    no repeated subscript, each step summing at most one subscript, which both sides have (so no
    one-sided ``sum``), the last step summing one (a bmm).  Returns (specs, strides): one NumPy einsum
    spec a step, and the result's element strides (None: row-major) -- or None if the case is not this.

    torch's last bmm is laid out (both, left-only, right-only) in output order -- the last two swapped
    when all right-only dims come first."""
    dt = arrays[0].dtype
    if dt.kind not in "fiuc" or dt == np.float16:
        return None
    sizes = {}
    for sub, a in zip(ins, arrays):
        if a.dtype != dt or len(set(sub)) != len(sub) or 1 in a.shape or 0 in a.shape:
            return None
        sizes.update(zip(sub, a.shape))
    # the steps before the last: keep what a later operand or the output still needs
    specs, acc_sub = [], ins[0]
    for k in range(1, len(arrays) - 1):
        later = set(out).union(*ins[k + 1:])
        both = set(acc_sub) & set(ins[k])
        keep = "".join(c for c in dict.fromkeys(acc_sub + ins[k]) if c in later)
        summed = set(acc_sub + ins[k]).difference(keep)
        if len(summed) > 1 or not summed <= both:
            return None
        specs.append(f"{acc_sub},{ins[k]}->{keep}")
        acc_sub = keep
    # the last step: one bmm summing one subscript both sides have
    x, y = acc_sub, ins[-1]
    sx, sy = set(x), set(y)
    summed = (sx | sy).difference(out)
    if len(summed) != 1 or not summed <= sx & sy:
        return None
    specs.append(f"{x},{y}->{out}")
    lro = [c for c in out if c in sx and c in sy]
    lo = [c for c in out if c not in sy]
    ro = [c for c in out if c not in sx]
    if lo and ro and out.index(ro[-1]) < out.index(lo[0]):
        lo, ro = ro, lo
    mem = lro + lo + ro
    if "".join(mem) == out:
        return specs, None
    dense = dict(zip(mem, contiguous_strides([sizes[c] for c in mem])))
    return specs, tuple(dense[c] for c in out)


def _step(spec, a, b, order="K"):
    """One chain step ``np.einsum(spec, a, b)`` summing at most one subscript, as torch's bmm adds it:
    below 400 multiply-adds a product (its own loop) the rounded products one after another from +0
    (NumPy's einsum adds them in SIMD partial sums), else in NumPy's order (torch's BLAS: not
    reproduced)."""
    ins, out = spec.split("->")
    x, y = ins.split(",")
    summed = [c for c in dict.fromkeys(x + y) if c not in out]
    if len(summed) != 1 or summed[0] not in x or summed[0] not in y or a.dtype.kind != "f" or \
            len(set(x)) != len(x) or len(set(y)) != len(y):
        return np.einsum(spec, a, b, order=order)
    c = summed[0]
    k = a.shape[x.index(c)]
    m = math.prod(a.shape[i] for i, d in enumerate(x) if d not in y)
    p = math.prod(b.shape[i] for i, d in enumerate(y) if d not in x)
    if m * k * p >= 400:
        return np.einsum(spec, a, b, order=order)
    each = f"{x.replace(c, '')},{y.replace(c, '')}->{out}"
    ia, ib = x.index(c), y.index(c)
    acc = np.einsum(each, a.take(0, axis=ia), b.take(0, axis=ib), order=order) + a.dtype.type(0)
    for i in range(1, k):
        acc += np.einsum(each, a.take(i, axis=ia), b.take(i, axis=ib))
    return acc


def run_chain(plan, arrays):
    """Run a chain_plan: one product a step (``_step``), the last one row-major, then torch's layout
    if it differs."""
    specs, strides = plan
    acc = arrays[0]
    for spec, b in zip(specs[:-1], arrays[1:-1]):
        acc = _step(spec, acc, b)
    r = _step(specs[-1], acc, arrays[-1], order="C")
    return r if strides is None else with_strides(r, strides)


def mul_plan(ins, out, arrays):
    """Two operands, nothing summed, no repeated subscript: torch's broadcast ``mul``, planned once.
    Returns (index_a, index_b, dtype, strides): each operand's (transpose, None-index) into the output's
    order, the promoted dtype, and the result's element strides (TensorIterator's) -- or None."""
    if len(arrays) != 2 or set(ins[0] + ins[1]) != set(out) or any(len(set(s)) != len(s) for s in ins):
        return None
    steps = [([sub.index(c) for c in out if c in sub], tuple(slice(None) if c in sub else None for c in out))
             for sub in ins]
    dt = _promote_pair(FROM_NP[arrays[0].dtype], FROM_NP[arrays[1].dtype]).np
    strides = einsum_strides(ins, out, arrays) if len(out) > 1 else None
    return steps[0], steps[1], dt, strides


def run_mul(plan, arrays):
    """Run a mul_plan: line both operands up in the output's order and multiply (as _sumproduct does)."""
    (pa, ia), (pb, ib), dt, strides = plan
    a, b = arrays
    a, b = a.transpose(pa)[ia].astype(dt, copy=False), b.transpose(pb)[ib].astype(dt, copy=False)
    if dt.kind == "c":              # torch's complex product kernel rounds otherwise than NumPy
        from ._cabs import complex_multiply
        r = complex_multiply(a, b)
    else:
        r = np.multiply(a, b)
    return r if strides is None else with_strides(r, strides)


def contract(ins, out, arrays):
    """``einsum(",".join(ins) + "->" + out, *arrays)`` computed as torch computes it."""
    if len(arrays) == 1:        # a sum (the view case never gets here): int64 for integers, contiguous
        a = arrays[0]
        if a.dtype == np.float16:
            return contig(np.einsum(f"{ins[0]}->{out}", a, dtype=np.float32).astype(np.float16))
        return contig(np.einsum(f"{ins[0]}->{out}", a, dtype=np.int64 if a.dtype.kind in "biu" else None))
    plan = chain_plan(ins, out, arrays)
    if plan is not None:
        return run_chain(plan, arrays)
    order = list(out) + sorted(set("".join(ins)) - set(out))
    nout = len(out)
    ops = [_aligned(sub, a, order) for sub, a in zip(ins, arrays)]
    count = {d: sum(1 for a in ops if a.shape[d] != 1) for d in range(nout, len(order))}
    while len(ops) > 1:
        a, b = ops[0], ops[1]
        summed, a_dims, b_dims = [], [], []
        for d in range(nout, len(order)):
            if a.shape[d] != 1 and b.shape[d] != 1:
                count[d] -= 1
                if count[d] == 1:
                    summed.append(d)
                    count[d] = 0
            elif count[d] == 1:
                if a.shape[d] != 1:
                    a_dims.append(d)
                    count[d] = 0
                elif b.shape[d] != 1:
                    b_dims.append(d)
                    count[d] = 0
        if a_dims:
            a = _sum(a, a_dims, True)
        if b_dims:
            b = _sum(b, b_dims, True)
        ops[:2] = [_sumproduct(a, b, summed)]
    r = ops[0]
    if len(order) > nout:
        r = r.reshape(r.shape[:nout])
    if r.ndim > 1 and (not summed or 1 in r.shape):
        # a last bmm is laid out as torch's (but for the strides of size-1 dims); a mul is not
        return with_strides(r, einsum_strides(ins, out, arrays))
    return r
