"""``torch.func.jacrev`` / ``jacfwd`` / ``jvp`` over pytrees (tensors, or tuples, lists and dicts of them).

For ``out = func(*args)`` the Jacobian has the structure of ``out``; at each output leaf sits the
structure of the differentiated argument(s), and each of its leaves is a tensor of shape
``out_leaf.shape + arg_leaf.shape``.  Rows come from one reverse pass per output element (torch
vmaps the passes over the standard basis; the values are the same).  ``jacfwd`` answers the same
Jacobian; ``jvp`` uses the double-backward trick: ``u -> J^T u`` is linear in ``u``, so
differentiating it with respect to ``u`` in the direction ``t`` gives ``J t``.  Every result keeps
its graph (so transforms nest); ``_outermost`` drops it at the top level.
"""
import functools
from . import autograd
from ._functorch_active import active
from .autograd._no_forward_ad import tangent_roots
from .autograd._fwd_trick import forward_trick
from .autograd.grad_mode import enable_grad
from .func import _DEPTH, _argnums_tuple, _leaves, _outermost, _rebuild, _split_aux, _track
from . import _func_checks as _checks

__all__ = ["jacrev", "jacfwd", "jvp"]

_JVP = "jvp(f, primals, tangents)"


def _jacobian_of(out_leaf, flat_in):
    """``d out_leaf / d x`` for each ``x`` in ``flat_in``, shaped ``out_leaf.shape + x.shape``."""
    from .ops.join import stack
    shapes = [tuple(out_leaf.shape) + tuple(x.shape) for x in flat_in]
    if not out_leaf.requires_grad or out_leaf.numel() == 0:
        return [x.new_zeros(s) for x, s in zip(flat_in, shapes)]
    rows = [[] for _ in flat_in]
    flat = out_leaf.reshape(-1)
    for k in range(flat.numel()):
        gs = autograd.grad(flat[k], flat_in, retain_graph=True, create_graph=True, allow_unused=True)
        for r, g, x in zip(rows, gs, flat_in):
            r.append(x.new_zeros(x.shape) if g is None else g)
    return [stack(r).reshape(s) for r, s in zip(rows, shapes)]


def _jacobian_rows(outs, flat_in):
    """``_jacobian_of`` for each output leaf.  With several outputs, each row is one pass over all those
    in the graph, the others' cotangents zeros, as torch's vmapped vjp over the flattened outputs: their
    zero contributions are summed in too, which decides signed zeros (-0.0 + 0.0 is 0.0), and even an
    output outside the graph gets them (cos's -0.0 * sin(x) for a constant output beside cos)."""
    from .ops.join import stack
    live = [o for o in outs if o.requires_grad]
    if not live or len(outs) == 1:
        return [_jacobian_of(o, flat_in) for o in outs]
    per_out = []
    for o in outs:
        if o.numel() == 0:
            per_out.append(_jacobian_of(o, flat_in))
            continue
        rows = [[] for _ in flat_in]
        for k in range(o.numel()):
            e = o.new_zeros(o.numel())
            e[k] = 1
            cots = [e.reshape(o.shape) if q is o else q.new_zeros(q.shape) for q in live]
            gs = autograd.grad(live, flat_in, cots, retain_graph=True, create_graph=True, allow_unused=True)
            for r, g, x in zip(rows, gs, flat_in):
                r.append(x.new_zeros(x.shape) if g is None else g)
        per_out.append([stack(r).reshape(tuple(o.shape) + tuple(x.shape)) for r, x in zip(rows, flat_in)])
    return per_out


def _jacobian(func, argnums, has_aux, args, who, forward=False):
    nums = _argnums_tuple(argnums, len(args))
    args = list(args)
    if forward:
        for x in (x for i in nums for x in _leaves(args[i])):
            if not hasattr(x, "numel"):         # torch's jacfwd sizes its basis first: x.numel()
                raise AttributeError(f"'{type(x).__name__}' object has no attribute 'numel'")
    with enable_grad():
        for i in nums:
            args[i] = _track(args[i])
        roots = [t for i in nums for t in _leaves(args[i])] if forward else []   # they carry tangents
        with active(vmap=forward, jvp=forward), tangent_roots(roots):    # jacfwd vmaps forward mode over the basis
            res = func(*args)
        out, aux = _split_aux(res, has_aux, who)
        flat_in = [t for i in nums for t in _leaves(args[i])]
        per_out = []
        outs = _leaves(out)
        if forward:
            _checks.tensor_outputs(outs, _JVP)
        else:
            _checks.vjp_outputs(outs)
        cols = _jacobian_columns(outs, flat_in) if forward else _jacobian_rows(outs, flat_in)
        for n, o in enumerate(outs):
            it = iter(cols[n])
            per_arg = tuple(_rebuild(args[i], it) for i in nums)
            per_out.append(per_arg[0] if isinstance(argnums, int) else per_arg)
    jac = _rebuild(out, iter(per_out))
    return (jac, aux) if has_aux else jac


def jacrev(func, argnums=0, *, has_aux=False, chunk_size=None):
    if not (chunk_size is None or chunk_size > 0):
        raise ValueError("jacrev: `chunk_size` should be greater than 0.")

    @functools.wraps(func)      # torch's transforms keep the wrapped function's name and docstring
    def wrapper(*args):
        # torch's jacrev is a vjp: its checks speak of vjp
        return _outermost(lambda a: _jacobian(func, argnums, has_aux, a, _checks.VJP))(args)
    return wrapper


def jacfwd(func, argnums=0, has_aux=False, *, randomness="error"):
    @functools.wraps(func)
    def wrapper(*args):
        return _outermost(lambda a: _jacobian(func, argnums, has_aux, a, _JVP, forward=True))(args)
    return wrapper


def _jacobian_columns(outs, flat_in):
    """Forward-mode order: column ``k`` of ``d out / d x`` is ``J e_k``, taken (as in ``_jvp``) as the
    derivative of ``u -> J^T u`` in the direction ``e_k``; so ``J[i, k]`` is ``f'(x)[k] * e_k[i]``,
    with the signed zeros torch's forward mode gives (reverse mode gives ``f'(x)[i] * e_i[k]``)."""
    # ones, not zeros: J^T u is linear in u, but some backward formulas (logcumsumexp's log|g|) are
    # singular at g = 0, where torch's own forward-mode formulas are not; _track registers u as the
    # transform's own leaf, so a tangent that depends on it still comes back detached
    us = _cotangents(outs)
    live = [(o, u) for o, u in zip(outs, us) if u is not None and o.requires_grad]
    with forward_trick():
        gs = autograd.grad([o for o, _ in live], flat_in, [u for _, u in live], create_graph=True,
                           allow_unused=True) if live else [None] * len(flat_in)
    cols = [[[] for _ in flat_in] for _ in outs]        # cols[out][input] -> list of columns
    # every differentiated input gets a tangent (zeros but for the basis one), as torch's vmapped basis does
    live_g = [i for i, g in enumerate(gs) if g is not None and g.requires_grad]
    for j, x in enumerate(flat_in):
        for k in range(x.numel()):
            res = [None] * len(outs)
            if live_g:
                e = x.new_zeros(x.numel())
                e[k] = 1
                tans = [e.reshape(x.shape) if i == j else flat_in[i].new_zeros(flat_in[i].shape) for i in live_g]
                res = _grad_through([gs[i] for i in live_g], us, tans)
            for i, (r, o) in enumerate(zip(res, outs)):
                cols[i][j].append(o.new_zeros(o.shape) if r is None else r)
    return [_columns_laid_out(cols_o, o, flat_in) for cols_o, o in zip(cols, outs)]


def _cotangents(outs):
    """The u of ``u -> J^T u`` for each output; None for an integer output, which has no tangent (its
    columns are zeros of its dtype, as torch's forward mode gives)."""
    return [_track(o.new_ones(o.shape)) if o.is_floating_point() or o.is_complex() else None for o in outs]


def _grad_through(outputs, us, tangents):
    """``autograd.grad(outputs, us, tangents)`` over the us that exist, None for the others."""
    have = [u for u in us if u is not None]
    got = iter(autograd.grad(outputs, have, tangents, retain_graph=True, create_graph=True, allow_unused=True)
               if have else ())
    return [None if u is None else next(got) for u in us]


def _columns_laid_out(cols_o, o, flat_in):
    """One output's columns as torch lays out its vmapped tangents: all inputs' columns stacked on a
    leading batch dim, moved last (PermuteBackward0), split by input (SplitWithSizesBackward0) and
    unflattened to the input's shape (ViewBackward0; SqueezeBackward1 for a 0-d input), so the Jacobian
    has torch's strides (the batch dim outermost) and node names."""
    from .ops.join import stack
    flat = [c for cs in cols_o for c in cs]
    if not flat:
        return [o.new_zeros(tuple(o.shape) + tuple(x.shape)) for x in flat_in]
    pieces = stack(flat, dim=0).movedim(0, -1).split([x.numel() for x in flat_in], dim=-1)
    return [p.squeeze(-1) if x.dim() == 0 else p.view(tuple(o.shape) + tuple(x.shape))
            for p, x in zip(pieces, flat_in)]


_structure = _checks._structure       # (a pytree's container types and keys, leaves as None)


def jvp(func, primals, tangents, *, strict=False, has_aux=False):
    """``(func(*primals), J @ tangents)``, and ``aux`` too with ``has_aux``."""
    if not isinstance(primals, tuple):
        raise RuntimeError(f"{_JVP}: Expected primals to be a tuple. E.g. it should be valid to call f(*primals).")
    if _structure(primals) != _structure(tangents):
        from ._vmap import tree_flatten
        raise RuntimeError(f"{_JVP}: Expected primals and tangents to have the same python structure. For example, "
                           "if primals is a tuple of 3 tensors, tangents also must be. Got primals with structure "
                           f"{tree_flatten(primals)[1]} and tangents with structure {tree_flatten(tangents)[1]}")
    _checks.dual_pairs(_leaves(primals), _leaves(tangents))
    outer = _DEPTH[0] == 0
    res = _outermost(lambda a: _jvp(func, a, tangents, has_aux))(primals)
    if not outer:
        return res
    # torch's outermost jvp hands back each primal output as the dual's primal, an alias of it: one
    # that stays in the caller's graph hangs from AliasBackward0
    return (_rebuild(res[0], iter([_alias_kept(o) for o in _leaves(res[0])])),) + tuple(res[1:])


def _alias_kept(t):
    from .ops.index import _alias
    return _alias(t) if getattr(t, "requires_grad", False) else t


def _jvp(func, primals, tangents, has_aux):
    with enable_grad():
        tracked = [_track(p) for p in primals]
        with active(jvp=True), tangent_roots([t for p in tracked for t in _leaves(p)]):
            res = func(*tracked)
        out, aux = _split_aux(res, has_aux, _JVP)
        flat_in = [t for p in tracked for t in _leaves(p)]
        flat_t = _leaves(tangents)
        outs = _leaves(out)
        _checks.tensor_outputs(outs, _JVP)
        us = _cotangents(outs)   # any u works (see _jacobian_columns)
        live = [(o, u) for o, u in zip(outs, us) if u is not None and o.requires_grad]
        with forward_trick():
            gs = autograd.grad([o for o, _ in live], flat_in, [u for _, u in live], create_graph=True,
                               allow_unused=True) if live else [None] * len(flat_in)
        pairs = [(g, t) for g, t in zip(gs, flat_t) if g is not None and g.requires_grad]
        res = _grad_through([g for g, _ in pairs], us, [t for _, t in pairs]) if pairs else [None] * len(us)
        res = [o.new_zeros(o.shape) if r is None else r for r, o in zip(res, outs)]
    tangent_out = _rebuild(out, iter(res))
    return (out, tangent_out, aux) if has_aux else (out, tangent_out)
