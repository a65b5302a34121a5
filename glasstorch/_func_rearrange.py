"""``torch.func.rearrange`` (functorch's einops ``rearrange``) and ``torch.func.functionalize`` in eager mode.

rearrange: ``"b (h1 h) w c -> (b h1) h w c"`` names every elementary axis once on each side; a group in
parentheses is the product of its axes (row-major), ``1`` / ``()`` an axis of size 1, ``...`` the axes not
named.  The tensor is reshaped to its elementary axes (a group's one unknown length follows from the
others), permuted to the right side's order and reshaped to its groups: view/permute/reshape, so the
gradient flows through ordinary ops.  A list of tensors is stacked first (a new leading axis)."""
import functools

_ELL = "…"


def _parse(side):
    """The groups of one side: a list of lists of names; a name alone is a group of one, ``1`` and ``()``
    are empty groups, a bare ellipsis is the string ``_ELL`` (inside parentheses, a name in its group)."""
    groups, cur = [], None
    side = side.replace("...", _ELL)
    for tok in side.replace("(", " ( ").replace(")", " ) ").split():
        if tok == "(":
            if cur is not None:
                raise ValueError("Axis composition is one-level (brackets inside brackets not allowed)")
            cur = []
        elif tok == ")":
            if cur is None:
                raise ValueError("Brackets are not balanced")
            groups.append(cur)
            cur = None
        elif tok == "1":
            if cur is None:
                groups.append([])
        elif tok.isdigit():
            raise ValueError("rearrange only supports unnamed axes of size 1")
        else:
            # a bare ellipsis stays a string: its axes stay separate, unlike "(...)"
            (cur if cur is not None else groups).append(tok if cur is not None or tok == _ELL else [tok])
    if cur is not None:
        raise ValueError(f"Imbalanced parentheses in expression: '{side}'")
    return groups


class DimensionBindError(Exception):
    """functorch.dim's error for a tensor dimension that cannot be split as the pattern asks."""


DimensionBindError.__module__ = "functorch.dim"


def _names(groups):
    return {n for g in groups for n in g}


def rearrange(tensor, pattern, **axes_lengths):
    """einops' ``rearrange``: transpose, reshape, squeeze/unsqueeze and stack described by ``pattern``."""
    import glasstorch as torch
    if not isinstance(tensor, torch.Tensor):
        tensor = torch.stack(tensor)
    try:
        left_s, right_s = pattern.split("->")
    except ValueError:
        raise ValueError("Pattern must contain a single '->' separator") from None
    left, right = _parse(left_s), _parse(right_s)
    if _ELL not in _names(left) and _ELL in _names(right):
        raise ValueError(f"Ellipsis found in right side, but not left side of a pattern {pattern}")
    if any(g != _ELL and _ELL in g for g in left):
        raise ValueError(f"Ellipsis is parenthesis in the left side is not allowed: {pattern}")
    for length in axes_lengths.values():
        if type(length) is not int:
            raise TypeError(f"rearrange axis lengths must be integers, got: {type(length)}")
    diff = set.symmetric_difference(_names(left), _names(right))
    if diff:
        raise ValueError(f"Identifiers only on one side of rearrange expression (should be on both): {diff}")
    unmatched = axes_lengths.keys() - _names(left)
    if unmatched:
        raise ValueError(f"Identifiers not found in rearrange expression: {unmatched}")
    ndim = tensor.dim()
    if _ELL in left:
        n_ell = ndim - (len(left) - 1)
        if len(left) - 1 > ndim:
            raise ValueError(f"Number of dimensions in pattern ({len(left) - 1}) must be less than or equal to "
                             f"the number of dimensions in the tensor ({ndim})")
    elif len(left) != ndim:
        raise ValueError(f"Number of dimensions in pattern ({len(left)}) must be equal to the number of "
                         f"dimensions in the tensor ({ndim})")
    else:
        n_ell = 0
    # torch binds first-class dims d0, d1 ... (left side's order) to the tensor; its errors name them
    sizes, order, dim, fc = dict(axes_lengths), [], 0, 0
    for g in left:
        if g == _ELL:
            for j in range(n_ell):
                sizes[(_ELL, j)] = tensor.shape[dim + j]
                order.append((_ELL, j))
            dim += n_ell
            fc += n_ell
            continue
        total = tensor.shape[dim]
        dnames = [f"d{fc + i}" for i in range(len(g))]
        unknown = [i for i, n in enumerate(g) if n not in sizes]
        known = 1
        for n in g:
            if n in sizes:
                known *= sizes[n]
        if len(unknown) > 1:
            raise DimensionBindError(f"cannot infer the sizes of two dimensions at once {dnames[unknown[0]]} and "
                                     f"{dnames[unknown[1]]}")
        if unknown:
            if known == 0 or total % known:
                shown = tuple("?" if n not in sizes else sizes[n] for n in g)
                raise DimensionBindError(f"inferred dimension does not evenly fit into larger dimension: {total} "
                                         f"vs {shown}")
            sizes[g[unknown[0]]] = total // known
        elif known != total:
            raise DimensionBindError(f"Dimension sizes to do not match ({total} != {known}) when matching "
                                     f"dimension pack ({', '.join(dnames)}{',' if len(dnames) == 1 else ''})")
        order.extend(g)
        dim += 1
        fc += len(g)
    elementary = tensor.reshape([sizes[n] for n in order])
    right_order = [k for g in right for n in g for k in ([(_ELL, j) for j in range(n_ell)] if n == _ELL else [n])]
    out = elementary.permute([order.index(n) for n in right_order])
    shape = []
    for g in right:
        if g == _ELL:
            shape.extend(sizes[(_ELL, j)] for j in range(n_ell))
            continue
        p = 1
        for n in g:
            p *= functools.reduce(lambda a, b: a * b, [sizes[(_ELL, j)] for j in range(n_ell)], 1) \
                if n == _ELL else sizes[n]
        shape.append(p)
    return out.reshape(shape)


def functionalize(func, *, remove="mutations"):
    """torch.func.functionalize: the same function with its mutations replaced by out-of-place ops.  Run
    eagerly the values (and writes back into the inputs) are those of ``func`` itself, so it is called as
    it is; only ``remove`` is checked, as torch checks it."""
    if remove not in ("mutations", "mutations_and_views"):
        raise RuntimeError(
            f"functionalize(f, remove='mutations'): received invalid argument for remove={remove}."
            " Valid options are:\n"
            "     remove='mutations': all inplace and out= operators will be removed from the program, and replaced"
            " with their out-of-place equivalents.\n"
            "     remove='mutations_and_views': In addition to the above, all aliasing operators {view} will be"
            " replaced with their non-aliasing counterparts, {view}_copy.\n")

    @functools.wraps(func)
    def wrapped(*args, **kwargs):
        return func(*args, **kwargs)
    return wrapped
