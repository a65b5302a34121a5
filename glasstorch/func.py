"""``torch.func``: function transforms, built on glasstorch's tape autograd.

* ``functional_call(module, params, args)`` runs a module with some of its parameters and buffers
  replaced by the given tensors (by dotted name), then puts the originals back;
* ``grad`` / ``grad_and_value`` / ``vjp`` / ``jacrev`` / ``jacfwd`` / ``hessian`` differentiate a
  function of tensors; results keep a graph, so the transforms nest (``grad(grad(f))``);
* ``vmap`` maps a function over a batch dim by calling it once per slice and stacking the results
  (torch vectorizes instead; the values are the same, randomness inside the function is not).
"""

import functools

from ._functorch_active import active
from . import _func_captures as _captures
from . import _func_checks as _checks
from . import autograd
from .autograd.grad_mode import enable_grad

__all__ = ["functional_call", "grad", "grad_and_value", "vjp", "jvp", "linearize", "jacrev", "jacfwd", "hessian",
           "vmap", "stack_module_state"]


def _swap(module, name, value):
    """Put ``value`` under dotted ``name`` (a parameter or buffer slot, or a plain attribute); return
    a function that restores what was there."""
    from ._tensor import Tensor
    prefix, _, leaf = name.rpartition(".")
    mod = _submodule(module, prefix)
    # torch's swap_tensor: the value's type, then the name, then what the name holds
    if value is not None and not isinstance(value, Tensor):
        raise TypeError(f"{value} is not an instance of torch.Tensor")
    if leaf == "":
        raise KeyError('tensor name can\'t be empty string ""')
    for store in (mod._parameters, mod._buffers):
        if leaf in store:
            old = store[leaf]
            store[leaf] = value

            def restore(store=store, old=old):
                store[leaf] = old
            return restore
    if hasattr(type(mod), leaf) and isinstance(getattr(type(mod), leaf), property):
        # a parametrized tensor: torch assigns through the property, so the value goes through right_inverse
        # into the originals (under no_grad, so no gradient reaches it) and the forward recomputes the
        # parametrization; putting back assigns the tensor read before, which rewrites the originals too
        # (torch's swap reads it twice, hasattr then getattr, each time running the parametrization, whose
        # state can move: spectral_norm's power iteration in train mode)
        old = getattr(mod, leaf) if hasattr(mod, leaf) else None
        setattr(mod, leaf, value)

        def restore_property():
            if hasattr(mod, leaf):
                getattr(mod, leaf)
            setattr(mod, leaf, old)
        return restore_property
    current = getattr(mod, leaf, None)
    if current is not None and not isinstance(current, Tensor):
        raise TypeError(f"attribute `{leaf}`: {current} is not an instance of torch.Tensor")
    missing = object()
    old = mod.__dict__.get(leaf, missing)
    mod.__dict__[leaf] = value

    def restore_attr():
        if old is missing:
            mod.__dict__.pop(leaf, None)
        else:
            mod.__dict__[leaf] = old
    return restore_attr


def _submodule(module, path):
    """The module at dotted ``path`` under ``module``, with the errors of torch's NamedMemberAccessor."""
    if not path:
        return module
    parent, dot, attr = path.rpartition(".")
    owner = _submodule(module, parent) if dot else module
    try:
        sub = getattr(owner, attr)
    except AttributeError:
        raise AttributeError(f"{owner._get_name()} has no attribute `{attr}`") from None
    from .nn import Module
    if not isinstance(sub, Module):
        raise TypeError(f"submodule `{path}`: {sub} is not an instance of torch.nn.Module")
    return sub


def functional_call(module, parameter_and_buffer_dicts, args=None, kwargs=None, *, tie_weights=True, strict=False):
    from ._func_untie import check_strict, merge_dicts, untie
    merged = merge_dicts(parameter_and_buffer_dicts)
    # torch unties first, then checks the keys against every name (tied ones included)
    merged = untie(module, merged) if tie_weights else dict(merged)
    if strict:
        check_strict(module, merged)
    args = () if args is None else (args if isinstance(args, tuple) else (args,))
    restores = []
    try:
        for name, value in merged.items():
            restores.append(_swap(module, name, value))
        return module(*args, **(kwargs or {}))
    finally:
        for r in reversed(restores):
            r()


_DEPTH = [0]          # how many transforms are running: only the outermost hands back plain tensors
_FRESH = []           # the leaves _track made inside the outermost transform (none of them the caller's)


def _outermost(fn):
    """Run a transform's body; at the outermost level, when no input required grad, the results come
    back detached (functorch's results carry no graph there), inside another transform they keep it.
    A result that depends on a tensor of the caller's requiring grad (a parameter the function closed
    over) keeps its graph, as functorch's stays differentiable with respect to it."""
    def run(args, *rest):
        outer = _DEPTH[0] == 0
        wanted = any(getattr(x, "requires_grad", False) for a in args for x in _leaves(a)
                     if hasattr(x, "requires_grad"))
        _DEPTH[0] += 1
        try:
            result = fn(args, *rest)
            if outer and not wanted:
                fresh = {id(t) for t in _FRESH}
                result = _detach(result, keep=lambda t: _reaches_outer(t, fresh))
        finally:
            _DEPTH[0] -= 1
            if outer:
                _FRESH.clear()
        return result
    return run


def _reaches_outer(t, fresh):
    """Whether ``t``'s graph reaches a leaf requiring grad that is not one of the transform's own."""
    if t.grad_fn is None:
        return t.requires_grad and id(t) not in fresh
    from .autograd.functional import _reaches_leaf
    return _reaches_leaf(t.grad_fn, fresh)


def _detach(x, keep=None):
    if isinstance(x, dict):
        return {k: _detach(v, keep) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return type(x)(_detach(v, keep) for v in x)
    if not (hasattr(x, "detach") and hasattr(x, "requires_grad")):
        return x
    return x if keep is not None and x.requires_grad and keep(x) else x.detach()


def _split_aux(out, has_aux, who):
    """``(output, aux)`` of a function transformed with ``has_aux=True``; aux must hold only tensors."""
    if not has_aux:
        return out, None
    if not (isinstance(out, tuple) and len(out) == 2):
        raise RuntimeError(f"{who}: output of function f should be a tuple: (output, aux) if has_aux is True")
    for leaf in _leaves(out[1]):
        if not hasattr(leaf, "requires_grad"):
            raise RuntimeError(f"Expected tensors, got unsupported type {type(leaf)}")
    return out


def _argnums_tuple(argnums, n_args=None):
    """``argnums`` as a tuple; given the number of positional inputs, checked as torch.func checks it."""
    if n_args is not None:
        if not isinstance(argnums, (int, tuple)):
            raise RuntimeError(f"argnums must be int or Tuple[int, ...], got: {type(argnums)}")
        for a in ((argnums,) if isinstance(argnums, int) else argnums):
            if not isinstance(a, int):
                raise RuntimeError(f"argnum must be int, got: {type(a)}")
            if not -n_args <= a < n_args:
                raise RuntimeError(f"Got argnum={a}, but only {n_args} positional inputs")
        if isinstance(argnums, tuple):
            if len(argnums) == 0:
                raise RuntimeError("argnums must be non-empty")
            wrapped = [a % n_args for a in argnums]
            if len(set(wrapped)) != len(wrapped):
                raise RuntimeError(f"argnums elements must be unique, got {tuple(wrapped)}")
    return (argnums,) if isinstance(argnums, int) else tuple(argnums)


def grad_and_value(func, argnums=0, has_aux=False):
    @functools.wraps(func)      # torch's transforms keep the wrapped function's name and docstring
    def wrapper(*args, **kwargs):
        return _outermost(lambda a: _grad_and_value(func, argnums, has_aux, a, kwargs))(args)
    return wrapper


def _grad_and_value(func, argnums, has_aux, args, kwargs):
    nums = _argnums_tuple(argnums, len(args))
    args = list(args)
    with enable_grad():
        for i in nums:
            args[i] = _track(args[i])
        with active():
            res = func(*args, **kwargs)
        out, aux = _split_aux(res, has_aux, "grad_and_value(f)(*args)")
        _checks.grad_output(out)
        flat = [t for i in nums for t in _leaves(args[i])]
        # an output outside the graph (a constant, a detached value) has zero gradients, as functorch's
        gs = autograd.grad(out, flat, create_graph=True, allow_unused=True) if out.requires_grad else [None] * len(flat)
        gs = [g if g is not None else t.new_zeros(t.shape) for g, t in zip(gs, flat)]
    it = iter(gs)
    per_arg = tuple(_rebuild(args[i], it) for i in nums)
    g = per_arg[0] if isinstance(argnums, int) else per_arg
    return (g, (out, aux)) if has_aux else (g, out)


def grad(func, argnums=0, has_aux=False):
    inner = grad_and_value(func, argnums, has_aux)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        g, value = inner(*args, **kwargs)
        return (g, value[1]) if has_aux else g
    return wrapper


def _track(x):
    """x itself inside a graph (so transforms nest), or a fresh leaf that requires grad."""
    if isinstance(x, dict):
        return {k: _track(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return type(x)(_track(v) for v in x)
    _checks.differentiable(x)
    if x.requires_grad:
        leaf = x.view_as(x)
    else:
        leaf = x.detach().requires_grad_(True)
        if _DEPTH[0]:
            _FRESH.append(leaf)
    _captures.track(leaf)       # an input: the transform may write into it (not a captured tensor)
    return leaf


def _leaves(x):
    if isinstance(x, dict):
        return [t for v in x.values() for t in _leaves(v)]
    if isinstance(x, (list, tuple)):
        return [t for v in x for t in _leaves(v)]
    return [x]


def _rebuild(x, it):
    if isinstance(x, dict):
        return {k: _rebuild(v, it) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return type(x)(_rebuild(v, it) for v in x)
    return next(it)


def vjp(func, *primals, has_aux=False):
    with enable_grad():
        tracked = [_track(p) for p in primals]
        with active():
            res = func(*tracked)
        out, aux = _split_aux(res, has_aux, "vjp(f, *primals)")
        _checks.vjp_outputs(_leaves(out))

    wanted = any(getattr(p, "requires_grad", False) for p in primals)

    def vjp_fn(cotangent):
        outer = _DEPTH[0] == 0
        _DEPTH[0] += 1
        try:
            result = _pull(cotangent)
        finally:
            _DEPTH[0] -= 1
        return _detach(result) if outer and not wanted else result

    def _pull(cotangent):
        _checks.same_structure(cotangent, out)
        # the outputs outside the graph drop out, as in functorch's _autograd_grad
        live = [(o, c) for o, c in zip(_leaves(out), _leaves(cotangent)) if o.requires_grad]
        flat = [t for p in tracked for t in _leaves(p)]
        gs = autograd.grad([o for o, _ in live], flat, [c for _, c in live], retain_graph=True, create_graph=True,
                           allow_unused=True) if live else [None] * len(flat)
        gs = [g if g is not None else t.new_zeros(t.shape) for g, t in zip(gs, flat)]
        it = iter(gs)
        return tuple(_rebuild(p, it) for p in tracked)
    shown = out if wanted or _DEPTH[0] else _detach(out)
    return (shown, vjp_fn, aux) if has_aux else (shown, vjp_fn)


def hessian(func, argnums=0):
    """torch's definition, ``jacfwd(jacrev(func))``: forward mode outside (its signed zeros included)."""
    return jacfwd(jacrev(func, argnums), argnums)


from ._vmap import vmap  # noqa: E402  (pytree-aware; see _vmap.py)


def stack_module_state(models):
    """({name: stacked parameters}, {name: stacked buffers}) of same-class models in the same mode; a
    stack whose tensors all require grad is a new leaf (optimizable), frozen ones stay frozen."""
    if len(models) == 0:
        raise RuntimeError("stack_module_state: Expected at least one model, got 0.")
    if not (all(m.training for m in models) or all(not m.training for m in models)):
        raise RuntimeError("stack_module_state: Expected all models to have the same training/eval mode.")
    if not all(type(m) is type(models[0]) for m in models):
        raise RuntimeError("stack_module_state: Expected all models to be of the same class.")
    all_params = [dict(m.named_parameters()) for m in models]
    all_buffers = [dict(m.named_buffers()) for m in models]
    return ({k: _stacked_leaf([p[k] for p in all_params], k) for k in all_params[0]},
            {k: _stacked_leaf([b[k] for b in all_buffers], k) for k in all_buffers[0]})


def _stacked_leaf(tensors, name):
    import glasstorch as t
    flags = {x.requires_grad for x in tensors}
    if len(flags) > 1:
        raise RuntimeError(f"Expected {name} from each model to have the same .requires_grad")
    result = t.stack(tensors)
    return result.detach().requires_grad_() if flags == {True} else result


from ._func_jac import jacfwd, jacrev, jvp  # noqa: E402  (it builds on the helpers above)


def linearize(func, *primals):
    """``(func(*primals), jvp_fn)``: jvp_fn(*tangents) is J(primals) @ tangents, func not rerun by the caller."""
    out = func(*primals)
    flat_p = _leaves(primals)

    def jvp_fn(*tangents):
        flat_t = _leaves(tangents)
        if len(flat_t) != len(flat_p):
            raise RuntimeError(f"Expected the tangents to have the same argspec as the primals: {len(flat_p)} "
                               f"tensors, got {len(flat_t)}")
        for i, (p, t) in enumerate(zip(flat_p, flat_t)):
            if tuple(p.shape) != tuple(t.shape):
                raise RuntimeError(f"tangent:{i} with shape {t.shape} in flattened pytree doesn't match the shape "
                                   f"{p.shape} of the corresponding primal.")
        return jvp(func, tuple(primals), tuple(tangents))[1]
    return _detach(out), jvp_fn


def replace_all_batch_norm_modules_(root):
    """In place: every BatchNorm in ``root`` stops tracking running stats (running_mean/var and
    num_batches_tracked become None); returns ``root``."""
    from .nn.modules.batchnorm import _BatchNorm
    for obj in [root] + list(root.modules()):
        if isinstance(obj, _BatchNorm) and obj.track_running_stats:
            obj.running_mean = None
            obj.running_var = None
            obj.num_batches_tracked = None
            obj.track_running_stats = False
    return root


__all__ += ["replace_all_batch_norm_modules_"]

from ._func_rearrange import functionalize, rearrange  # noqa: E402,F401  (eager functionalize; einops rearrange)

__all__ += ["functionalize", "rearrange"]
