"""The checks torch's ``_make_grads`` runs on ``grad_outputs`` / ``grad_tensors`` before the engine starts
(torch/autograd/__init__.py), in its order and with its messages: a gradient must be a Tensor or None;
a given one must have its output's shape (the positions named by ``list.index``, as torch's message
takes them, with what comparing tensors by == raises on the way) and be complex exactly where the output is; a missing one is made only for an output
that requires grad, which must then be a real floating-point scalar."""
from ._gradient_edge import GradientEdge as _Edge, stand_in as _stand_in


def _index(seq, item):
    # torch names the positions with list.index, which compares with ==: an earlier tensor of another
    # shape raises the broadcasting error, a multi-element comparison the ambiguous-truth error
    return seq.index(item)


def check(outputs, grads):
    from .._tensor import Tensor
    outputs, grads = list(outputs), list(grads)
    for out, grad in zip(outputs, grads):
        t = _stand_in(out) if isinstance(out, _Edge) else out
        if isinstance(grad, Tensor):
            if tuple(grad.shape) != tuple(t.shape):
                raise RuntimeError(f"Mismatch in shape: grad_output[{_index(grads, grad)}] has a shape of {grad.shape} "
                                   f"and output[{_index(outputs, out)}] has a shape of {t.shape}.")
            if t.dtype.is_complex != grad.dtype.is_complex:
                raise RuntimeError("For complex Tensors, both grad_output and output are required to have the same "
                                   f"dtype. Mismatch in dtype: grad_output[{_index(grads, grad)}] has a dtype of "
                                   f"{grad.dtype} and output[{_index(outputs, out)}] has a dtype of {t.dtype}.")
        elif grad is None:
            if isinstance(out, _Edge) or out.requires_grad:
                if t.numel() != 1:
                    raise RuntimeError("grad can be implicitly created only for scalar outputs")
                if not t.dtype.is_floating_point:
                    raise RuntimeError(f"grad can be implicitly created only for real scalar outputs but got {t.dtype}")
        else:
            raise TypeError(f"gradients can be either Tensors or None, but got {type(grad).__name__}")
