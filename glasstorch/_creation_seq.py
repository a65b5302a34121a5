"""``torch.tensor`` of nested sequences that hold NumPy arrays or tensors, as torch reads them.

torch walks into NumPy arrays as if they were lists (and warns, once, that this is slow), takes a tensor
that stands where a sequence is expected as the sequence of its rows, and takes a tensor that stands
where a number is expected as that number, which it must hold exactly one of."""
import numpy as np

from ._user_warning import warn_at_caller

_WARNED = [False]


def _is_tensor(x):
    from ._tensor import Tensor
    return isinstance(x, Tensor)


def array_dims(x):
    """The sizes torch reads walking into array ``x`` through first elements (it stops at an empty one)."""
    if x.ndim == 0:
        raise TypeError("len() of unsized object")
    dims = []
    for n in x.shape:
        dims.append(n)
        if n == 0:
            break
    return dims


def check_scalar_leaf(x, kind="f"):
    """A tensor or array where the shape says a number goes: torch converts it to the result's type
    (``kind``), as ``__index__`` for an integer or bool result, else as ``__float__``."""
    as_index = (kind if isinstance(kind, str) else np.dtype(kind).kind) in "biu"
    if _is_tensor(x):
        if x._data.size != 1:
            if as_index:
                raise TypeError("only integer tensors of a single element can be converted to an index")
            raise ValueError("only one element tensors can be converted to Python scalars")
    elif x.ndim != 0:
        if as_index:
            raise TypeError("only integer scalar arrays can be converted to a scalar index")
        raise TypeError("only 0-dimensional arrays can be converted to Python scalars")


def array_fits(x, shape):
    """Whether array/tensor ``x`` has exactly the remaining ``shape`` (else its rows are checked one by one)."""
    data = x._data if _is_tensor(x) else x
    if data.ndim == 0:
        raise TypeError("not a sequence" if _is_tensor(x) else "len() of unsized object")
    return data.shape == tuple(shape)


def nested(obj, depth):
    """``obj`` with tensors replaced by their arrays (a number's place: a 0-d array), ready for ``np.array``."""
    if isinstance(obj, (list, tuple)):
        return [nested(y, depth - 1) for y in obj]
    if _is_tensor(obj):
        if depth == 0 and obj._rg and obj._data.dtype.kind in "fc":   # torch reads the number with float()
            from ._tensor_convert import warn_grad_to_scalar
            warn_grad_to_scalar()
        return obj._data.reshape(()) if depth == 0 else obj._data
    if isinstance(obj, np.ndarray):
        warn_arrays_in_list()
    return obj


def warn_arrays_in_list():
    """torch's once-per-process warning for a NumPy array met inside a list."""
    if not _WARNED[0]:
        _WARNED[0] = True
        warn_at_caller("Creating a tensor from a list of numpy.ndarrays is extremely slow. Please consider "
                       "converting the list to a single numpy.ndarray with numpy.array() before converting to a "
                       "tensor. (Triggered internally at /__w/pytorch/pytorch/torch/csrc/utils/tensor_new.cpp:252.)")
