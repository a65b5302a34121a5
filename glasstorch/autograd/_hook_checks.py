"""What a tensor hook (``t.register_hook(fn)``) may return, as torch checks it: None (keep the
gradient) or a tensor of the gradient's size and type."""
import numpy as np


def checked_hook_result(fn, result, grad):
    """``result`` of hook ``fn`` given gradient ``grad`` (an array or sparse gradient), or torch's error."""
    from .._tensor import Tensor
    if not isinstance(result, Tensor):
        raise TypeError(f"expected Variable, but hook returned '{type(result).__name__}'")
    if isinstance(grad, Tensor):          # create_graph: gradients are tensors
        grad = grad._data
    name = getattr(fn, "__name__", type(fn).__name__)
    shape = grad.shape if hasattr(grad, "shape") else np.shape(grad)
    if tuple(result.shape) != tuple(shape):
        raise RuntimeError(f"hook '{name}' has changed the size of value")
    dtype = getattr(grad, "dtype", None)
    if dtype is not None and result._data.dtype != dtype:
        from .._tensor import _wrap
        was = _wrap(np.zeros((), dtype)).type()
        raise RuntimeError(f"hook '{name}' has changed the type of value (was {was} got {result.type()})")
    return result
