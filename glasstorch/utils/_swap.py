"""``torch.utils.swap_tensors(t1, t2)``: the two Python objects trade everything they hold, their
class, their attributes and their data, so that every reference to ``t1`` now sees what ``t2`` was.

glasstorch's tensor is a plain Python object whose state lives in slots (``_data``, ``_grad``,
``grad_fn`` ...) and in ``__dict__``, so trading the class, the ``__dict__`` and each slot is the
whole swap.  As torch, a tensor that something holds a weak reference to cannot be swapped.
"""
import copyreg
import weakref

__all__ = ["swap_tensors"]

_MISSING = object()


def _slots(cls):
    """Every slot name of ``cls`` and its bases, bar ``__dict__`` and ``__weakref__``."""
    names = []
    for c in cls.__mro__:
        for s in c.__dict__.get("__slots__", ()):
            if s not in ("__dict__", "__weakref__") and s not in names:
                names.append(s)
    return names


def swap_tensors(t1, t2):
    from ..ops.shape import ViewRef         # (a base's references to its views are glasstorch's own)
    if any(not isinstance(w, ViewRef) for w in weakref.getweakrefs(t1)):
        raise RuntimeError("Cannot swap t1 because it has weakref associated with it")
    if any(not isinstance(w, ViewRef) for w in weakref.getweakrefs(t2)):
        raise RuntimeError("Cannot swap t2 because it has weakref associated with it")
    from .._tensor import Tensor
    own = set(copyreg._slotnames(Tensor))        # glasstorch's own fields; torch keeps these in C++
    if set(copyreg._slotnames(t1.__class__)) - own != set(copyreg._slotnames(t2.__class__)) - own:
        raise RuntimeError("Cannot swap t1 and t2 if they have different slots")
    for t in (t1, t2):
        if not isinstance(t, Tensor):       # torch fails on its first use of something only a tensor has
            raise AttributeError(f"'{type(t).__name__}' object has no attribute '_use_count'")
    slots = _slots(t1.__class__)
    t1.__class__, t2.__class__ = t2.__class__, t1.__class__
    d1, d2 = dict(t1.__dict__), dict(t2.__dict__)
    t1.__dict__.clear()
    t1.__dict__.update(d2)
    t2.__dict__.clear()
    t2.__dict__.update(d1)
    for s in slots:
        v1, v2 = getattr(t1, s, _MISSING), getattr(t2, s, _MISSING)
        for t, v in ((t1, v2), (t2, v1)):
            if v is _MISSING:
                if hasattr(t, s):
                    delattr(t, s)
            else:
                setattr(t, s, v)
