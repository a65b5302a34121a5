"""``parameters_to_vector`` / ``vector_to_parameters``."""
import numpy as np

from ..._tensor import Tensor


def parameters_to_vector(parameters):
    """One 1-d tensor of every parameter, flattened and concatenated (differentiable)."""
    import glasstorch
    return glasstorch.cat([p.view(-1) for p in parameters])


def vector_to_parameters(vec, parameters):
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    pointer = 0
    for p in parameters:
        n = p.numel()
        p._data = np.array(vec._data[pointer:pointer + n].reshape(p._data.shape))
        p._vc[0] += 1
        pointer += n
