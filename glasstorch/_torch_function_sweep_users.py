"""After ``activate()``: the program's own collections of torch functions hold the checking wrappers.

A library may collect torch functions before the first Tensor subclass switches the checks on, then
compare ``__torch_function__``'s ``func`` with them (torchvision's TVTensor keeps its class through
``Tensor.clone`` / ``to`` / ``detach`` / ``requires_grad_`` by ``func in _FORCE_TORCHFUNCTION_SUBCLASS``,
a set made at import).  In torch there is one function object, so the test holds.  Here ``func`` is
the wrapper that replaced the original, so the module-level sets, frozensets and dict keys of the
program's modules that hold an original get its wrapper too (sets and dicts in place, a frozenset
as a new one), as ``_sweep_references`` does for glasstorch's own modules.
"""
import sys
import types

SET_SWAP = object()        # the undo key of an in-place set or dict-key swap: (container, SET_SWAP, (old, new))


def sweep(wrapped, undo):
    """``wrapped``: id(original) -> (original, wrapper); ``undo``: activate's list of replacements."""
    for name, mod in list(sys.modules.items()):
        if name.split(".")[0] in ("glasstorch", "torch") or not isinstance(mod, types.ModuleType):
            continue
        try:
            space = vars(mod)
        except TypeError:
            continue
        for key, val in list(space.items()):
            if val.__class__ in (set, frozenset, dict):
                _swap(space, key, val, wrapped, undo)


def _swap(space, key, coll, wrapped, undo):
    if len(coll) > 1000:
        return
    try:
        hits = [wrapped[id(v)] for v in coll if id(v) in wrapped and wrapped[id(v)][0] is v]
    except TypeError:
        return
    if not hits:
        return
    if coll.__class__ is frozenset:
        undo.append((space, key, coll))
        space[key] = frozenset(wrapped[id(v)][1] if id(v) in wrapped and wrapped[id(v)][0] is v else v for v in coll)
        return
    for old, new in hits:
        if coll.__class__ is set:
            coll.discard(old)
            coll.add(new)
        else:
            coll[new] = coll.pop(old)
        undo.append((coll, SET_SWAP, (old, new)))


def undo_swap(coll, pair):
    old, new = pair
    if coll.__class__ is set:
        coll.discard(new)
        coll.add(old)
    elif new in coll:
        coll[old] = coll.pop(new)
