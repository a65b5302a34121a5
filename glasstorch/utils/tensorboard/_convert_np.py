"""``make_np``: what the writer is given (a tensor, a NumPy array, a Python number) as a NumPy array."""
import numpy as np

from ..._tensor import Tensor


def make_np(x):
    """NumPy arrays pass through; a Python/NumPy scalar becomes a 1-element array; a tensor is
    detached and copied out (bfloat16 through float16, which NumPy can hold).  Anything else:
    ``NotImplementedError``, as torch raises."""
    if isinstance(x, np.ndarray):
        return x
    if np.isscalar(x):
        return np.array([x])
    if isinstance(x, Tensor):
        if x.device.type == "meta":   # a meta tensor has no values: torch logs a random one
            return np.random.randn(1)
        return _prepare_pytorch(x)
    raise NotImplementedError(f"Got {type(x)}, but numpy array or torch tensor are expected.")


def _prepare_pytorch(x):
    from ... import bfloat16, float16
    if x.dtype == bfloat16:
        x = x.to(float16)
    return x.detach().cpu().numpy()
