"""torch's einsum argument checks, with its messages, in its order: the left side is parsed operand
by operand, then each operand's rank is matched against its subscripts, then the output side, then
repeated subscripts within an operand, then sizes across operands (1 broadcasts)."""


def _letter(c):
    return ("a" <= c <= "z") or ("A" <= c <= "Z")


def _parse_inputs(lhs, n_ops):
    labels = [[] for _ in range(max(n_ops, 1))]
    cur, ell, i = 0, False, 0
    while i < len(lhs):
        c = lhs[i]
        if c == " ":
            pass
        elif c == ".":
            if ell:
                raise RuntimeError(f"einsum(): found '.' for operand {cur} for which an ellipsis was already found")
            if not (i + 2 < len(lhs) and lhs[i + 1] == "." and lhs[i + 2] == "."):
                raise RuntimeError(f"einsum(): found '.' for operand {cur} that is not part of any ellipsis")
            i += 2
            labels[cur].append("...")
            ell = True
        elif c == ",":
            cur += 1
            if cur >= n_ops:
                raise RuntimeError("einsum(): fewer operands were provided than specified in the equation")
            ell = False
        else:
            if not _letter(c):
                raise RuntimeError(f"einsum(): invalid subscript given at index {i} in the equation string, "
                                   f"subscripts must be in [a-zA-Z]")
            labels[cur].append(c)
        i += 1
    if cur != n_ops - 1:
        raise RuntimeError("einsum(): more operands were provided than specified in the equation")
    return labels


def _check_output(rhs, offset, counts):
    seen, ell, i = set(), False, 0
    while i < len(rhs):
        c = rhs[i]
        if c == " ":
            pass
        elif c == ".":
            if ell:
                raise RuntimeError("einsum(): found '.' for output but an ellipsis (...) was already found")
            if not (i + 2 < len(rhs) and rhs[i + 1] == "." and rhs[i + 2] == "."):
                raise RuntimeError("einsum(): found '.' for output that is not part of any ellipsis (...)")
            i += 2
            ell = True
        else:
            if not _letter(c):
                raise RuntimeError(f"einsum(): invalid subscript given at index {offset + i} in the equation "
                                   f"string, subscripts must be in [a-zA-Z]")
            if not counts.get(c) or c in seen:
                what = "appears more than once in the output" if c in seen else \
                    "does not appear in the equation for any input operand"
                raise RuntimeError(f"einsum(): output subscript {c} {what}")
            seen.add(c)
        i += 1


def check_einsum(equation, shapes):
    """Raise torch's error for an equation that does not fit operands of these shapes."""
    if not shapes:
        raise RuntimeError("einsum(): must provide at least one operand")
    lhs, arrow, rhs = equation.partition("->")
    labels = _parse_inputs(lhs, len(shapes))
    counts, ell_dims = {}, 0
    for k, (lab, shape) in enumerate(zip(labels, shapes)):
        has_ell = "..." in lab
        n = len(lab) - has_ell
        for c in lab:
            if c != "...":
                counts[c] = counts.get(c, 0) + 1
        if has_ell:
            ell_dims = max(ell_dims, len(shape) - n)
        if (n > len(shape)) if has_ell else (n != len(shape)):
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({n}) "
                               f"{'is more than' if has_ell else 'does not match'} the number of dimensions "
                               f"({len(shape)}) for operand {k}{'' if has_ell else ' and no ellipsis was given'}")
    if arrow:
        _check_output(rhs, len(lhs) + 2, counts)
    sizes, ell_sizes = {}, [1] * ell_dims
    for k, (lab, shape) in enumerate(zip(labels, shapes)):
        own, dim = {}, 0
        for c in lab:
            if c == "...":
                n_ell = len(shape) - (len(lab) - 1)
                for j in range(n_ell):
                    s, pos = shape[dim + j], ell_dims - n_ell + j
                    if s != 1 and ell_sizes[pos] != 1 and s != ell_sizes[pos]:
                        raise RuntimeError(f"einsum(): dimension {pos} covered by ellipsis in operand {k}has size "
                                           f"{s} which does not broadcast with previously seen ellipsis with size "
                                           f"{ell_sizes[pos]} for the respective dimension")
                    if s != 1:
                        ell_sizes[pos] = s
                dim += n_ell
                continue
            s = shape[dim]
            if c in own and own[c] != s:
                raise RuntimeError(f"einsum(): subscript {c} is repeated for operand {k} but the sizes don't match, "
                                   f"{s} != {own[c]}")
            own[c] = s
            dim += 1
        for c, s in own.items():
            if s != 1 and sizes.get(c, 1) != 1 and sizes[c] != s:
                raise RuntimeError(f"einsum(): subscript {c} has size {s} for operand {k} which does not broadcast "
                                   f"with previously seen size {sizes[c]}")
            if s != 1:
                sizes[c] = s
