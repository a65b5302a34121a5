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
        # torch: vec[pointer:pointer + n].view_as(param) (its error for a vector of the wrong size)
        from ...autograd import no_grad
        with no_grad():
            piece = vec[pointer:pointer + n].view_as(p)
        p._data = np.array(piece._data)
        p._vc[0] += 1
        pointer += n
