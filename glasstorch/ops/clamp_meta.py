"""torch's dtype checks for clamp, clamp_min and clamp_max with number bounds (their structured
``TORCH_META_FUNC``), and their ``out=`` path.

With number bounds torch promotes by hand: a floating-point input keeps its dtype, any other input
takes the promoted type of input and bounds.  Writing into the input itself (``clamp_``,
``clamp_min_``, ``out=input``) refuses a promoted type, naming the input's dtype as its C++ type
(``long int``), since the message prints ``self.dtype()``.  Another ``out`` goes through a unary
TensorIterator built with check_all_same_dtype, so it must have the result's dtype exactly.  Tensor
bounds take the ordinary binary TensorIterator path: any dtype the result casts to.
"""
import numpy as np

from .._dtype import result_type
from ..autograd.grad_mode import GRAD
from ._common import is_tensor
from ._out import _NAMES, check_out_overlap, write_out
from .resize import _CPP_NAMES


def _number_bounds(bounds):
    """The bounds given, or None when one of them is a tensor (the TensorIterator path)."""
    given = [b for b in bounds if b is not None]
    if any(is_tensor(b) for b in given):
        return None
    return given


def check_into_self(input, bounds, complex_first=False):
    """In-place clamp with number ``bounds``: torch's refusal of a promoted result.  clamp_min and
    clamp_max refuse a complex number before this (``complex_first``); the op raises it."""
    given = _number_bounds(bounds)
    if not given or not is_tensor(input) or input.dtype.is_floating_point or input.dtype.is_complex:
        return
    if complex_first and any(isinstance(b, complex) for b in given):
        return
    dt = result_type(input, *given)
    if dt != input.dtype:
        raise RuntimeError(f"result type {_NAMES[np.dtype(dt.np).name]} can't be cast to the desired output type "
                           f"{_CPP_NAMES[input._data.dtype.name]}")


def _check_out_dtype(input, bounds, out, complex_first):
    given = _number_bounds(bounds)
    if not given or not is_tensor(input) or not is_tensor(out):
        return
    if out is input:
        check_into_self(input, bounds, complex_first)
        return
    if complex_first and any(isinstance(b, complex) for b in given):
        return
    dt = input.dtype if input.dtype.is_floating_point else result_type(input, *given)
    if dt.is_complex:           # the op's own "not supported for complex types" comes first
        return
    if out.dtype != dt:
        raise RuntimeError(f"Found dtype {_NAMES[out._data.dtype.name]} but expected {_NAMES[np.dtype(dt.np).name]}")


def into_out(name, compute, input, bounds, out, complex_first=False):
    """``compute()`` written into ``out`` after torch's checks, in torch's order: autograd's refusal,
    the meta function's dtype checks, the TensorIterator's overlap checks, then the write."""
    tensors = [t for t in (input, *bounds) if is_tensor(t)]
    from ..autograd._no_forward_ad import refuse_out_forward_ad
    refuse_out_forward_ad(name, *tensors, *([out] if is_tensor(out) else []))
    if GRAD.enabled and (any(t._rg for t in tensors) or (is_tensor(out) and out._rg)):
        raise RuntimeError(f"{name}(): functions with out=... arguments don't support automatic differentiation, "
                           "but one of the arguments requires grad.")
    _check_out_dtype(input, bounds, out, complex_first)
    check_out_overlap(name, out, tensors)
    return write_out(name, compute(), out)
