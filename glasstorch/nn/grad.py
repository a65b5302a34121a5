"""``torch.nn.grad``: a convolution's gradient with respect to its input or its weight, as a function.

Custom ``autograd.Function``s that fuse a convolution with something else (PyTorch's "fusing
convolution and batch norm" tutorial) call these in their ``backward``. Each one runs the
convolution forward on a zero stand-in for the missing argument and asks autograd for the
gradient there: a convolution is linear in each argument, so the stand-in's value does not matter,
and the arithmetic is exactly that of ``conv.backward``. With grad mode on and an argument that
requires grad, the result is differentiable (create_graph), as torch's is.
"""
import glasstorch as _g

from . import functional as F

__all__ = ["conv1d_input", "conv1d_weight", "conv2d_input", "conv2d_weight", "conv3d_input",
           "conv3d_weight"]

_CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}


def _check(out, grad_output, ndim):
    """convolution_backward's checks of ``grad_output`` against the forward's output shape."""
    if grad_output.dim() != ndim:
        raise RuntimeError("Expected input and grad_output to have the same number of dimensions, but got: "
                           f"{ndim} and {grad_output.dim()}")
    for i in range(1, ndim):                 # (the batch size is not checked)
        if out.shape[i] != grad_output.shape[i]:
            raise RuntimeError(f"Expected a tensor of dimension {ndim} and tensor.size[{i}] == {out.shape[i]} "
                               f"but got: dimension {ndim} and tensor.size[{i}] = {grad_output.shape[i]}")


def _grad(nd, input, weight, grad_output, wrt_input, stride, padding, dilation, groups):
    """d(conv_nd(input, weight)) / d(input or weight), contracted with ``grad_output``;
    the argument differentiated is given as a size."""
    size = input if wrt_input else weight
    other = weight if wrt_input else input
    stand_in = _g.zeros(tuple(size), dtype=grad_output.dtype, requires_grad=True)
    create = _g.is_grad_enabled() and (other.requires_grad or grad_output.requires_grad)
    with _g.enable_grad():
        x, w = (stand_in, other) if wrt_input else (other, stand_in)
        out = _CONV[nd](x, w, None, stride, padding, dilation, groups)
        _check(out, grad_output, nd + 2)
        grad, = _g.autograd.grad(out, stand_in, grad_output, create_graph=create)
    return grad


def conv1d_input(input_size, weight, grad_output, stride=1, padding=0, dilation=1, groups=1):
    """d conv1d(x, weight) / dx for an x of ``input_size``, contracted with ``grad_output``."""
    return _grad(1, input_size, weight, grad_output, True, stride, padding, dilation, groups)


def conv1d_weight(input, weight_size, grad_output, stride=1, padding=0, dilation=1, groups=1):
    """d conv1d(input, w) / dw for a w of ``weight_size``, contracted with ``grad_output``."""
    return _grad(1, input, weight_size, grad_output, False, stride, padding, dilation, groups)


def conv2d_input(input_size, weight, grad_output, stride=1, padding=0, dilation=1, groups=1):
    """d conv2d(x, weight) / dx for an x of ``input_size``, contracted with ``grad_output``."""
    return _grad(2, input_size, weight, grad_output, True, stride, padding, dilation, groups)


def conv2d_weight(input, weight_size, grad_output, stride=1, padding=0, dilation=1, groups=1):
    """d conv2d(input, w) / dw for a w of ``weight_size``, contracted with ``grad_output``."""
    return _grad(2, input, weight_size, grad_output, False, stride, padding, dilation, groups)


def conv3d_input(input_size, weight, grad_output, stride=1, padding=0, dilation=1, groups=1):
    """d conv3d(x, weight) / dx for an x of ``input_size``, contracted with ``grad_output``."""
    return _grad(3, input_size, weight, grad_output, True, stride, padding, dilation, groups)


def conv3d_weight(input, weight_size, grad_output, stride=1, padding=0, dilation=1, groups=1):
    """d conv3d(input, w) / dw for a w of ``weight_size``, contracted with ``grad_output``."""
    return _grad(3, input, weight_size, grad_output, False, stride, padding, dilation, groups)
