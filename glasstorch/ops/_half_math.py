"""float16 math as torch's half kernels round it.  Derivative formulas run op by op on half tensors,
each operation computed in float and rounded back to half, so a formula rewritten for float32 (a
division for a multiply by rsqrt, a fused power) rounds elsewhere; fused kernels (gelu) convert to
float, run their float32 loop and round once."""
import numpy as np


def is_half(a):
    return isinstance(a, np.ndarray) and a.dtype == np.float16


def rsqrt_grad(g, y):
    """y = x^(-1/2)   ->   dx = -0.5 g * y.pow(3): half's pow(3) runs in float, rounded once."""
    yf = y.astype(np.float32)
    return (-0.5 * g) * (yf * yf * yf).astype(np.float16)


def gelu_grad(g, x, approximate):
    """gelu's gradient on half: torch's kernel converts to float, runs ATen's float32 vector loop
    (erf or tanh form) and rounds once."""
    from ..nn._ops import _gelu_dnnl, _gelu_tanh
    gf, xf = np.asarray(g, np.float32), x.astype(np.float32)
    if approximate == "tanh":
        return _gelu_tanh.backward(gf, xf).astype(np.float16)
    return _gelu_dnnl.gelu_erf_backward_aten(xf, gf).astype(np.float16)


def gelu(x, approximate):
    """gelu's forward on half: ATen's float32 vector loop (erf or tanh form), rounded once."""
    from ..nn._ops import _gelu_dnnl, _gelu_tanh
    xf = x.astype(np.float32)
    return (_gelu_tanh.forward(xf) if approximate == "tanh" else _gelu_dnnl.gelu_erf_aten(xf)).astype(np.float16)
