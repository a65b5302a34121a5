"""Namespace functions (``torch.reshape``, ``torch.chunk``, ...) that send a first argument of another
tensor class (a sparse COO tensor, a quantized tensor) to that class's own method, and everything
else to the dense function: torch dispatches on the tensor's layout the same way."""
import functools

from ._arg_refuse import PASS_THROUGH


def routed(cls, name, dense_fn, method):
    """``dense_fn``, sending a ``cls`` first argument to ``method``; pickled as ``glasstorch.<name>``
    (the dense function keeps its own module and name, so references to it still pickle too)."""
    def fn(input, *args, **kwargs):
        if input.__class__ is cls:
            return method(input, *args, **kwargs)
        return dense_fn(input, *args, **kwargs)
    functools.update_wrapper(fn, dense_fn)
    fn.__module__, fn.__qualname__ = "glasstorch", name
    return fn


# torch's parser errors name the function the wrapper routes to (``torch.logsumexp(x, None)``)
PASS_THROUGH.add(next(c for c in routed.__code__.co_consts if hasattr(c, "co_code")))
