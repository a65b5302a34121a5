"""The tensor factories on the meta device: ``torch.randn(2, 3, device='meta')``, or any factory
called inside ``with torch.device('meta'):`` (or after ``torch.set_default_device('meta')``), gives
a meta tensor: its shape, dtype and requires_grad, no data, and no random numbers drawn.

glasstorch gets the shape and dtype by running the CPU factory (the random generator's state put
back afterwards) and keeping only those; the ``*_like`` factories follow their input onto the meta
device unless ``device=`` says otherwise.
"""
import functools

import numpy as np

from ._device import DEFAULT_STACK, check_device
from ._alloc import is_refusal
from ._meta import is_meta_device, new_meta

__all__ = ["install"]

FACTORIES = ("empty", "zeros", "ones", "full", "rand", "randn", "randint", "randperm", "arange", "linspace",
             "logspace", "eye", "tensor", "empty_strided")
LIKE_FACTORIES = ("empty_like", "zeros_like", "ones_like", "full_like", "rand_like", "randn_like", "randint_like")


def _on_meta(device, default):
    return is_meta_device(device) if device is not None else default


def _default_is_meta():
    return DEFAULT_STACK[-1].type == "meta"


def _run_on_cpu(fn, args, kwargs):
    """``fn``'s CPU result, leaving the random generator as it was."""
    from ._random_api import get_rng_state, set_rng_state
    state = get_rng_state()
    try:
        return fn(*args, **dict(kwargs, device=None))
    finally:
        set_rng_state(state)


def _factory(fn):
    @functools.wraps(fn)
    def factory(*args, **kwargs):
        top = DEFAULT_STACK[-1].type
        if top != "cpu" and top != "meta" and kwargs.get("device") is None:
            # ``with torch.device('cuda'):`` / ``set_default_device('cuda')`` are accepted, as torch accepts
            # them; on a CPU build the factory that would allocate there raises torch's error
            check_device(DEFAULT_STACK[-1])
        # the common case first, in as few steps as possible: no device given, none set as default
        if not kwargs and top != "meta" or not _on_meta(kwargs.get("device"), top == "meta"):
            return fn(*args, **kwargs)
        try:
            return new_meta(_run_on_cpu(fn, args, kwargs))
        except (MemoryError, RuntimeError) as e:   # a size no memory holds: torch's meta device
            if not is_refusal(e):                     # allocates nothing
                raise
            return _without_memory(fn, args, kwargs)
    return factory


_SIZED = frozenset(("empty", "zeros", "ones", "rand", "randn", "full", "empty_strided", "randint"))


def _without_memory(fn, args, kwargs):
    """The meta tensor of a sized factory whose CPU run would not fit: the factory runs with every
    dimension of the size cut to at most 1 (for the dtype, requires_grad and torch's checks), and the
    meta tensor takes the size asked for."""
    from ._meta import empty_meta
    name = fn.__name__
    if name not in _SIZED:
        raise MemoryError(f"glasstorch makes a meta tensor by running torch.{name} on the CPU, and this size "
                          f"does not fit in memory")
    args = list(args)
    if "size" in kwargs:
        size = tuple(kwargs["size"])
        kwargs = dict(kwargs, size=tuple(min(d, 1) for d in size))
    else:
        at = next(i for i, a in enumerate(args) if isinstance(a, (tuple, list))) if \
            any(isinstance(a, (tuple, list)) for a in args) else None
        if at is None:              # sizes as separate numbers: torch.rand(2, 3, device='meta')
            size = tuple(args)
            args = [min(d, 1) for d in args]
        else:
            size = tuple(args[at])
            args[at] = tuple(min(d, 1) for d in size)
    small = _run_on_cpu(fn, tuple(args), kwargs)
    t = empty_meta(size, small._data.dtype)
    t._rg = small._rg
    return t


def _like_factory(fn):
    @functools.wraps(fn)
    def factory(input, *args, **kwargs):
        from ._tensor import Tensor, _wrap
        meta_in = isinstance(input, Tensor) and input._is_meta
        if meta_in:             # only its shape and dtype matter
            input = _wrap(np.zeros(input._data.shape, input._data.dtype))
        if not _on_meta(kwargs.get("device"), meta_in):
            return fn(input, *args, **kwargs)
        return new_meta(_run_on_cpu(fn, (input,) + args, kwargs))
    return factory


from ._arg_refuse import PASS_THROUGH  # noqa: E402
PASS_THROUGH.update((_factory(None).__code__, _like_factory(None).__code__))   # torch's errors name the factory


def install(namespace):
    """Put the meta-aware factories in ``namespace`` (glasstorch's own)."""
    for name in FACTORIES:
        namespace[name] = _factory(namespace[name])
    for name in LIKE_FACTORIES:
        namespace[name] = _like_factory(namespace[name])
