"""The backward kernels of mse, smooth L1 and huber losses in torch's arithmetic order.

torch computes ``norm`` = (2 or 1) / numel for a mean (in double, then the loss's dtype), and each
kernel multiplies by the raw upstream gradient afterwards; glasstorch used to divide the gradient by
numel first, an ulp off in about half of the float32 elements.  Smooth L1 and huber also differ
between torch's two loops (``cpu_kernel_vec``): the vector loop computes ``norm * out * g`` with
``out`` the clipped slope, the scalar loop of each row's leftover elements ``norm * d * g / beta``
(smooth L1) or ``-norm * g * delta`` (huber), beta and delta there doubles, so which formula an element gets depends on where it
lies (``ops/_scalar_tail.loop_vector_mask``)."""
import numpy as np

from ...ops._scalar_tail import loop_vector_mask
from ..._runtime import get_num_threads

_SCALE = {"MseLossBackward0": 2.0, "SmoothL1LossBackward0": 1.0, "HuberLossBackward0": 1.0}


def kernel_grad(kind, x, t, g, reduction, params):
    """d loss / d x for the elementwise loss ``kind`` (its node's name), with ``g`` the upstream gradient
    (0-d for a reduced loss) and ``x``, ``t`` broadcast to one shape of one float dtype."""
    dt = x.dtype.type
    n = x.size
    scale = _SCALE[kind]
    norm = dt(scale / n) if reduction == "mean" and n else dt(scale)
    gb = np.broadcast_to(np.asarray(g, x.dtype), x.shape)
    with np.errstate(invalid="ignore", over="ignore"):
        d = np.asarray(x - t)                       # (0-d: an array, not a NumPy scalar)
        if kind == "MseLossBackward0":
            return (norm * d) * gb
        one = dt(1)
        sign = np.where(d > 0, one, -one)
        b = dt(params["beta" if kind == "SmoothL1LossBackward0" else "delta"])
        if kind == "SmoothL1LossBackward0":
            r = (norm * np.where(np.abs(d) >= b, sign, d / b)) * gb
        else:
            r = (norm * np.where(np.abs(d) >= b, sign * b, d)) * gb
        r = np.asarray(r)
        tail = ~loop_vector_mask([x, t, gb], get_num_threads())
        if tail.any():                  # each row's leftover elements: the scalar loop's formula
            r[tail] = _scalar_loop(kind, d[tail], gb[tail], norm, b, params)
    return r


def _scalar_loop(kind, d, g, norm, b, params):
    """The scalar lambda of torch's smooth L1 / huber backward kernel on the elements it takes."""
    if kind == "SmoothL1LossBackward0":
        # (beta as a double there: the product divided in double, then rounded to the loss's dtype)
        mid = (((norm * d) * g).astype(np.float64) / float(params["beta"])).astype(d.dtype)
        return np.where(d <= -b, -norm * g, np.where(d >= b, norm * g, mid))
    # (delta as a double there: the product multiplied in double, then rounded)
    clip = ((norm * g).astype(np.float64) * float(params["delta"])).astype(d.dtype)
    return np.where(d <= -b, -clip, np.where(d >= b, clip, (norm * d) * g))
