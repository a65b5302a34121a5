"""In-place activations (``F.elu_``, ``F.leaky_relu_``, ``F.hardtanh_``, ``torch.selu_`` ... and every
``inplace=True``): the out-of-place op runs, then its result is written into the input (``commit``).

torch gives two kinds of backward here:
* ops whose derivative has an in-place entry of its own save the *result* and get a ``...Backward1``
  node (``EluBackward1``, ``CeluBackward1``, ``LeakyReluBackward1``); the derivative is written in
  terms of the output, which only works for a non-negative slope / alpha, so backward refuses the rest;
* the others (``hardtanh_``, ``hardswish_``, ``hardsigmoid_``, ``silu_``, ``mish_``) keep a copy of the
  original input and reuse the out-of-place node (``HardtanhBackward0`` ...).
"""
import numpy as np

from ...ops.inplace import commit
from ...ops.inplace_more import original
from . import activation as _act

_LEAKY_NEG = ("In-place leakyReLu backward calculation is triggered with a negative slope which is not supported. "
              "This is caused by calling in-place forward function with a negative slope, please call out-of-place "
              "version instead. File an issue at https://github.com/pytorch/pytorch if you do require supporting "
              "in-place leakRelu backward calculation with negative slope")
_ELU_NEG = ("In-place elu backward calculation is triggered with a negative slope which is not supported. This is "
            "caused by calling in-place forward function with a negative slope, please call out-of-place version "
            "instead.")


class EluBackward1(_act.EluBackward0):
    """y = elu(x) in place   ->   dx from the saved output y (needs alpha >= 0)"""
    __slots__ = ()
    _from_output = True

    def backward(self, g):
        if self.alpha < 0:
            raise RuntimeError(_ELU_NEG)
        return _act.EluBackward0._from_result(self, g)


class CeluBackward1(EluBackward1):
    __slots__ = ()


class LeakyReluBackward1(_act.LeakyReluBackward0):
    """y = leaky_relu(x) in place   ->   dx = g where y > 0, else slope g (needs slope >= 0)"""
    __slots__ = ()

    def backward(self, g):
        if self.slope < 0:
            raise RuntimeError(_LEAKY_NEG)
        return _act.LeakyReluBackward0.backward(self, g)


# ---- saving the result -------------------------------------------------------------------------------
def elu_(input, alpha=1.0):
    return commit(input, lambda: _act._elu(EluBackward1, input, alpha, 1.0, 1.0), "elu_")


def selu_(input):
    return commit(input, lambda: _act._elu(EluBackward1, input, _act._SELU_ALPHA, _act._SELU_SCALE, 1.0), "selu_")


def celu_(input, alpha=1.0):
    return commit(input, lambda: _act._elu(CeluBackward1, input, alpha, 1.0, 1.0 / _act._celu_alpha(alpha)),
                  "celu_")


def leaky_relu_(input, negative_slope=0.01):
    def compute():
        x = _act._float_only(input, "leaky_relu_cpu")
        w = _act._opmath(x)                       # half: in float, rounded once
        out = np.where(w > 0, w, w * w.dtype.type(negative_slope)).astype(x.dtype, copy=False)
        return _act._unary(LeakyReluBackward1, input, out, None, slope=negative_slope)
    return commit(input, compute, "leaky_relu_")


# ---- saving a copy of the input ----------------------------------------------------------------------
def hardtanh_(input, min_val=-1.0, max_val=1.0):
    return commit(input, lambda: _act.hardtanh(original(input), min_val, max_val), "hardtanh_")


def relu6_(input):
    return hardtanh_(input, 0.0, 6.0)


def hardswish_(input):
    return commit(input, lambda: _act.hardswish(original(input)), "hardswish_")


def hardsigmoid_(input):
    return commit(input, lambda: _act.hardsigmoid(original(input)), "hardsigmoid_")


def silu_(input):
    return commit(input, lambda: _act.silu(original(input)), "silu_")


def mish_(input):
    return commit(input, lambda: _act.mish(original(input)), "mish_")
