"""``torch.func.vmap`` as a loop: the function runs once per batch entry and the results are stacked.

Inputs and outputs may be pytrees (tuples, lists, dicts, namedtuples of tensors), with ``in_dims`` /
``out_dims`` either one int (or None) for a whole subtree or a nested structure matching it, as torch
accepts; the validation and its messages follow torch's."""
import functools

from ._functorch_active import active
from ._return_types import is_struct_seq


class _Spec:
    """The shape of a pytree; prints as torch's ``TreeSpec`` so that structure errors read the same."""

    def __init__(self, kind, context, children):
        self.kind, self.context, self.children = kind, context, children

    def __repr__(self, indent=0):
        if self.kind is None:
            return "*"
        name = self.kind.__name__
        out = f"TreeSpec({name}, {self.context}, ["
        if self.children:
            indent += 2
            out += self.children[0].__repr__(indent) + ("," if len(self.children) > 1 else "")
            out += ",".join("\n" + " " * indent + c.__repr__(indent) for c in self.children[1:])
        return out + "])"


_LEAF = _Spec(None, None, [])


def _is_namedtuple(x):
    return isinstance(x, tuple) and (hasattr(type(x), "_fields") or is_struct_seq(x))


def tree_flatten(x):
    """(leaves, spec) for tuples, lists, dicts and namedtuples; anything else is a leaf."""
    if isinstance(x, (tuple, list)):
        kids = [tree_flatten(v) for v in x]
        ctx = type(x) if _is_namedtuple(x) else None
        return [leaf for ls, _ in kids for leaf in ls], _Spec(type(x), ctx, [s for _, s in kids])
    if isinstance(x, dict):
        kids = [tree_flatten(v) for v in x.values()]
        return [leaf for ls, _ in kids for leaf in ls], _Spec(type(x), list(x.keys()), [s for _, s in kids])
    return [x], _LEAF


def tree_unflatten(leaves, spec):
    it = iter(leaves)

    def build(s):
        if s.kind is None:
            return next(it)
        vals = [build(c) for c in s.children]
        if issubclass(s.kind, dict):
            return s.kind(zip(s.context, vals))
        return s.kind(*vals) if s.context is not None else s.kind(vals)
    return build(spec)


def _count(spec):
    return 1 if spec.kind is None else sum(_count(c) for c in spec.children)


def _broadcast(prefix, spec):
    """Flatten ``prefix`` against ``spec``: a leaf of ``prefix`` covers a whole subtree; None if no match."""
    if spec.kind is None or not isinstance(prefix, (tuple, list, dict)):
        if isinstance(prefix, (tuple, list, dict)):
            return None
        return [prefix] * _count(spec)
    if spec.kind is not type(prefix) and not (issubclass(spec.kind, tuple) and type(prefix) is tuple):
        return None
    values = list(prefix.values()) if isinstance(prefix, dict) else list(prefix)
    if len(values) != len(spec.children) or (isinstance(prefix, dict) and list(prefix) != spec.context):
        return None
    out = []
    for v, c in zip(values, spec.children):
        sub = _broadcast(v, c)
        if sub is None:
            return None
        out += sub
    return out


def _name(func):
    if isinstance(func, functools.partial):
        return f"functools.partial({_name(func.func)}, ...)"
    return getattr(func, "__name__", repr(func))


def _flat_in_dims(func, in_dims, args):
    from ._tensor import Tensor
    name = _name(func)
    if not isinstance(in_dims, (int, tuple)):
        raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): expected `in_dims` to be int or a "
                         f"(potentially nested) tuple matching the structure of inputs, got: {type(in_dims)}.")
    if len(args) == 0:
        raise ValueError(f"vmap({name})(<inputs>): got no inputs. Maybe you forgot to add inputs, or you are "
                         "trying to vmap over a function with no inputs. The latter is unsupported.")
    flat, spec = tree_flatten(args)
    dims = _broadcast(in_dims, spec)
    if dims is None:
        raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): in_dims is not compatible with the "
                         f"structure of `inputs`. in_dims has structure {tree_flatten(in_dims)[1]} but inputs has "
                         f"structure {spec}.")
    head = f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={{}} for"
    for i, (a, d) in enumerate(zip(flat, dims)):
        if not isinstance(d, int) and d is not None:
            raise ValueError(head.format(d) + " an input but in_dim must be either an integer dimension or None.")
        if isinstance(d, int) and not isinstance(a, Tensor):
            raise ValueError(head.format(d) + f" an input but the input is of type {type(a)}. We cannot vmap over "
                             "non-Tensor arguments, please use None as the respective in_dim")
        if d is not None and not -a.dim() <= d < a.dim():
            raise ValueError(head.format(d) + f" some input, but that input is a Tensor of dimensionality {a.dim()} "
                             f"so expected in_dim to satisfy -{a.dim()} <= in_dim < {a.dim()}.")
        if d is not None and d < 0:
            dims[i] = d % a.dim()
    sizes = [a.size(d) for a, d in zip(flat, dims) if d is not None]
    if not sizes:
        raise ValueError("vmap: Expected at least one Tensor to vmap over")
    if any(s != sizes[0] for s in sizes):
        raise ValueError("vmap: Expected all tensors to have the same size in the mapped dimension, got sizes "
                         f"{sizes} for the mapped dimension")
    return flat, dims, spec, sizes[0]


def _flat_out_dims(func, out_dims, result):
    from ._tensor import Tensor
    bad = ValueError(f"vmap({_name(func)}, ..., out_dims={out_dims}): `out_dims` must be an int, None or a python "
                     "collection of ints representing where in the outputs the vmapped dimension should appear.")
    leaves, spec = tree_flatten(out_dims)
    if any(d is not None and not isinstance(d, int) for d in leaves):
        raise bad
    flat, out_spec = tree_flatten(result)
    if isinstance(result, Tensor):
        dims = [out_dims] if out_dims is None or isinstance(out_dims, int) else (
            list(out_dims) if isinstance(out_dims, tuple) and len(out_dims) == 1 else None)
    else:
        dims = _broadcast(out_dims, out_spec)
    if dims is None:
        raise ValueError(f"vmap({_name(func)}, ..., out_dims={out_dims})(<inputs>): out_dims is not compatible with "
                         f"the structure of `outputs`. out_dims has structure {spec} but outputs has structure "
                         f"{out_spec}.")
    return dims, out_spec


_ITEM = ("vmap: It looks like you're calling .item() on a Tensor. We don't support vmap over calling .item() on a "
         "Tensor, please try to rewrite what you're doing with other operations. If error is occurring somewhere "
         "inside PyTorch internals, please file a bug report.")


def _varies(outs):
    """Whether the per-entry outputs are not all the same tensor value (shape, dtype and values)."""
    import numpy as np
    a = outs[0]._data
    for o in outs[1:]:
        b = o._data
        if b.shape != a.shape or b.dtype != a.dtype or not np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"):
            return True
    return False


def vmap(func, in_dims=0, out_dims=0, randomness="error", *, chunk_size=None):
    """Map ``func`` over a dimension of its inputs: ``out[i] = func(args[i])`` stacked along ``out_dims``."""
    if randomness not in ("error", "different", "same"):
        raise RuntimeError("Only allowed values for randomness are 'error', 'different', or 'same'. Got "
                           f"{randomness}")
    if not (chunk_size is None or chunk_size > 0):
        raise ValueError(f"vmap: chunk_size should be None or greater than 0. (got {chunk_size})")

    @functools.wraps(func)
    def wrapped(*args, **kwargs):
        import glasstorch as t
        from ._tensor import Tensor
        from ._generator import VMAP_RANDOM_ERROR
        flat, dims, spec, n = _flat_in_dims(func, in_dims, args)
        if chunk_size is not None and n == 0:
            # torch skips the empty chunks, runs nothing, and then has no output structure to rebuild
            raise AssertionError("arg_spec must not be None")
        results = []
        guard = randomness == "error"          # random ops inside raise torch's error
        VMAP_RANDOM_ERROR[0] += guard
        # randomness="same": torch draws once for the whole batch; each call replays the first one's draws
        rng = t.default_generator if randomness == "same" else None
        start = rng.get_state() if rng is not None else None
        from ._vmap_dynamic import LOGS, check
        from ._vmap_random import STACK, Draws
        from ._vmap_inplace_target import VmapLog
        log = VmapLog(n)            # (a list that knows the batch size, for the in-place errors' shapes)
        LOGS.append(log)
        # randomness="different": random ops draw for the whole batch (chunk) at once, as torch's do
        draws = Draws(n, chunk_size) if randomness == "different" else None
        if draws is not None:
            STACK.append(draws)
        try:
            for i in range(max(n, 1)):
                log.append([])
                if draws is not None:
                    draws.begin(i)
                if i and rng is not None:
                    if i == 1:
                        after_first = rng.get_state()
                    rng.set_state(start)
                # an empty batch: torch still runs the function once (on a batch of none); here on one
                # sample of zeros, for the outputs' shapes
                picked = [a if d is None else a.select(d, i) if n else
                          a.new_zeros([s for k, s in enumerate(a.shape) if k != d]) for a, d in zip(flat, dims)]
                with active(vmap=True):
                    try:
                        results.append(func(*tree_unflatten(picked, spec), **kwargs))
                    except Exception:
                        check(log)      # a later entry failing on what a batched op read: torch's refusal
                        raise
            if n > 1 and rng is not None:
                rng.set_state(after_first)
            check(log)
        finally:
            VMAP_RANDOM_ERROR[0] -= guard
            if draws is not None:
                del STACK[next(k for k in range(len(STACK) - 1, -1, -1) if STACK[k] is draws)]
            # by identity: a nested vmap's log can equal this one (list.remove compares values)
            del LOGS[next(k for k in range(len(LOGS) - 1, -1, -1) if LOGS[k] is log)]
        odims, out_spec = _flat_out_dims(func, out_dims, results[0])
        per_sample = [tree_flatten(r)[0] for r in results]
        name = _name(func)
        outs = []
        for k, d in enumerate(odims):
            first = per_sample[0][k]
            if d is None:       # torch returns an unbatched output as it is
                if isinstance(first, Tensor) and _varies([r[k] for r in per_sample]):
                    # it differs from one entry to the next: it depends on the batch, a BatchedTensor in torch
                    raise ValueError(f"vmap({name}, ...): `{name}` can not return a BatchedTensor when out_dim is "
                                     "None")
                outs.append(first)
                continue
            if not isinstance(first, Tensor):
                if isinstance(first, (bool, int, float, complex)) and len({repr(r[k]) for r in per_sample}) > 1:
                    # a number that changes with the batch entry was read out of a batched tensor (.item(),
                    # float(), ...): torch refuses that read itself
                    raise RuntimeError(_ITEM)
                raise ValueError(f"vmap({name}, ...): `{name}` must only return Tensors, got type {type(first)}. "
                                 "Did you mean to set out_dims= to None for output?")
            if n == 0:
                shape = list(first.shape)
                shape.insert(d % (first.dim() + 1), 0)
                outs.append(first.new_empty(shape))
                continue
            outs.append(t.stack([r[k] for r in per_sample], d))
        return tree_unflatten(outs, out_spec)
    return wrapped
