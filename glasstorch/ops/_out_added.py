"""``out=`` for torch-namespace functions whose glasstorch form had none: ``torch.softmax`` and
``torch.log_softmax`` (not F.softmax, which takes no out), ``torch.prod`` over a dim, ``torch.take`` and
``torch.narrow_copy``, ``torch.argmax`` and ``torch.argmin``, each with torch's dtype rule and message for ``out``:

* softmax / log_softmax: out must have the result's dtype (``dtype`` if given, else the input's); an
  input that requires grad is allowed (torch's composite writes the result and records a node without
  derivative on ``out``), an ``out`` that requires grad is refused as ``aten::softmax()``;
* prod(dim): computed in out's dtype when no ``dtype`` is given (a reduction's out decides), else out
  must have that dtype;
* take and narrow_copy: out must have the input's dtype;
* argmax / argmin: out must be int64, checked after the dim checks.

``install`` puts them into the torch namespace before ``wrap_namespace`` runs (they carry
``_handles_out``, so it leaves them alone), wrapping whatever is there (NumPy's ``axis=`` forms too).
"""
import functools

from .._dtype import _CPP, FROM_NP
from ..autograd.grad_mode import GRAD


def _dtype_error(want, got):
    return RuntimeError(f"Expected out tensor to have dtype {_CPP[want.name]}, but got {_CPP[got.name]} instead")


# Each wrapper is a ``call(*args, out=None, **kwargs)`` around ``fn``, the shape _arg_refuse reads to replay a
# refused call through torch's parser (so ``torch.softmax(x, 1.0)`` keeps torch's message).
def _softmax(fn, name):
    @functools.wraps(fn)
    def call(*args, out=None, **kwargs):
        if out is None:
            return fn(*args, **kwargs)
        from .._dtype import to_dtype
        from ._no_derivative import record_not_implemented
        from ._out import write_out
        input = args[0] if args else kwargs.get("input")
        dtype = args[2] if len(args) > 2 else kwargs.get("dtype")
        want = to_dtype(dtype).np if dtype is not None else input._data.dtype
        if out._data.dtype != want:
            raise _dtype_error(want, out._data.dtype)
        if GRAD.enabled and out._rg:
            raise RuntimeError(f"aten::{name}(): functions with out=... arguments don't support automatic "
                               "differentiation, but one of the arguments requires grad.")
        write_out(name, fn(*args, **kwargs).detach(), out)
        return record_not_implemented(name, out, input, forward_ad=False) if GRAD.enabled and input._rg else out
    call._handles_out = True
    return call


_PROD_SIGNATURES = ("prod(Tensor input, *, ScalarType? dtype=None)",
                    "prod(Tensor input, int64_t dim, bool keepdim=False, *, ScalarType? dtype=None, Tensor out=None)")


def _prod(fn):
    @functools.wraps(fn)
    def call(*args, out=None, **kwargs):
        if out is None:
            return fn(*args, **kwargs)
        if not (len(args) > 1 or "dim" in kwargs or "axis" in kwargs):     # the overload without a dim has no out
            from .._arg_parser import parser_error
            raise parser_error(_PROD_SIGNATURES, args, dict(kwargs, out=out))
        from .._dtype import to_dtype
        from ._out import write_out
        dtype = kwargs.get("dtype")
        if dtype is None:
            kwargs["dtype"] = FROM_NP[out._data.dtype]
        elif to_dtype(dtype).np != out._data.dtype:
            raise _dtype_error(to_dtype(dtype).np, out._data.dtype)
        return write_out("prod", fn(*args, **kwargs), out)
    call._handles_out = True
    return call


def _same_dtype(fn, name, message):
    @functools.wraps(fn)
    def call(*args, out=None, **kwargs):
        if out is None:
            return fn(*args, **kwargs)
        from ._out import _NAMES, write_out
        x, o = (args[0] if args else kwargs["input"])._data.dtype, out._data.dtype
        if x != o:
            raise RuntimeError(message.format(x=_NAMES[x.name], o=_NAMES[o.name]))
        return write_out(name, fn(*args, **kwargs), out)
    call._handles_out = True
    return call


def _index_result(fn):
    """argmax / argmin: the dim checks first (a structured kernel's meta), then out must be int64 exactly."""
    @functools.wraps(fn)
    def call(*args, out=None, **kwargs):
        if out is None:
            return fn(*args, **kwargs)
        from ._out import write_out
        r = fn(*args, **kwargs)
        if getattr(out, "_data", None) is not None and out._data.dtype != r._data.dtype:
            raise _dtype_error(r._data.dtype, out._data.dtype)
        return write_out(fn.__name__, r, out)
    call._handles_out = True
    return call


def install(ns):
    ns["argmax"] = _index_result(ns["argmax"])
    ns["argmin"] = _index_result(ns["argmin"])
    ns["softmax"] = _softmax(ns["softmax"], "softmax")
    ns["log_softmax"] = _softmax(ns["log_softmax"], "log_softmax")
    ns["prod"] = _prod(ns["prod"])
    ns["take"] = _same_dtype(ns["take"], "take", "take(): self and out expected to have the same dtype, but got "
                                                 "self.dtype = {x} and out.dtype = {o}")
    ns["narrow_copy"] = _same_dtype(ns["narrow_copy"], "narrow_copy",
                                    "Expected self.dtype() == output.dtype() to be true, but got false.  (Could this "
                                    "error message be improved?  If so, please report an enhancement request to "
                                    "PyTorch.)")
