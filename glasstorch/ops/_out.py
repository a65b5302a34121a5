"""``out=``: torch's functions can write their result into a tensor the caller gives.

The ops compute a fresh result; ``write_out`` then checks it against ``out`` as torch does (no
autograd through out=, a dtype it can be cast to, a resize with torch's warning when the shape
differs) and copies it in.  ``wrap_namespace`` puts that step around every public function that
takes ``out`` and does not handle it itself, so Tensor methods (which never take ``out``) keep
their direct call path.
"""
import functools
import inspect
import warnings

import numpy as np

from .._dtype import FROM_NP
from ..autograd.grad_mode import GRAD

_RESIZED = ("An output with one or more elements was resized since it had shape {}, which does not match the "
            "required output shape {}. This behavior is deprecated, and in a future PyTorch release outputs "
            "will not be resized unless they have zero elements. You can explicitly reuse an out tensor t by "
            "resizing it, inplace, to zero elements with t.resize_(0). (Triggered internally at "
            "/__w/pytorch/pytorch/aten/src/ATen/native/Resize.cpp:30.)")


_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long", "int32": "Int",
          "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}


def _can_cast(src, dst):
    """torch's rule for writing a result into an out tensor: never float to integer, never a
    non-bool into bool; anything else goes."""
    if src.kind == "f" and dst.kind in "biu":
        return False
    if src.kind != "b" and dst.kind == "b":
        return False
    return True


def write_out(name, r, out):
    """Copy result ``r`` (a tensor, or a tuple of them) into ``out``; returns ``out``."""
    if isinstance(r, tuple):
        if not isinstance(out, (tuple, list)) or len(out) != len(r):
            raise TypeError(f"{name}(): argument 'out' must be tuple of Tensors")
        for ri, oi in zip(r, out):
            write_out(name, ri, oi)
        return type(r)(*out) if hasattr(r, "_fields") else tuple(out)
    from .._tensor import Tensor
    if not isinstance(out, Tensor):
        raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(out).__name__}")
    if GRAD.enabled and (r._rg or out._rg):
        raise RuntimeError(f"{name}(): functions with out=... arguments don't support automatic differentiation, "
                           "but one of the arguments requires grad.")
    src, dst = r._data, out._data
    if not _can_cast(src.dtype, dst.dtype):
        raise RuntimeError(f"result type {_NAMES[src.dtype.name]} can't be cast to the desired output "
                           f"type {_NAMES[dst.dtype.name]}")
    if dst.shape != src.shape:
        if dst.size:
            warnings.warn(_RESIZED.format(list(dst.shape), list(src.shape)), UserWarning, stacklevel=3)
        out._data = dst = np.empty(src.shape, dst.dtype)
    np.copyto(dst, src, casting="unsafe")
    out._vc[0] += 1
    return out


def with_out(fn):
    """``fn`` taking ``out=``: computed as usual, then written into ``out``.  Where ``fn`` takes a
    ``dtype`` and none is given, the result is computed in ``out``'s dtype, as torch does."""
    params = inspect.signature(fn).parameters
    takes_dtype = "dtype" in params

    @functools.wraps(fn)
    def call(*args, out=None, **kwargs):
        if out is None:
            return fn(*args, **kwargs)
        if takes_dtype and kwargs.get("dtype") is None and not isinstance(out, (tuple, list)):
            kwargs["dtype"] = FROM_NP[out._data.dtype]
        return write_out(fn.__name__, fn(*args, **kwargs), out)
    return call


# modules whose functions implement ``out`` themselves: the arithmetic operators, and the random
# functions, which draw in ``out``'s dtype (a cast afterwards would give other numbers)
HANDLED = ("glasstorch.ops.arithmetic", "glasstorch.ops.power", "glasstorch._random_api")


def wrap_namespace(ns):
    """Wrap every public function of namespace dict ``ns`` that has an ``out`` parameter, except
    those that implement it themselves."""
    for name, fn in list(ns.items()):
        if name.startswith("_") or not inspect.isfunction(fn):
            continue
        if not fn.__module__.startswith("glasstorch") or fn.__module__ in HANDLED:
            continue
        try:
            params = inspect.signature(fn).parameters
        except (TypeError, ValueError):
            continue
        if "out" in params:
            ns[name] = with_out(fn)
