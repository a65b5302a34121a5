"""Complex gradients from real backward formulas.

torch's convention: for a real loss L and a complex input z, ``z.grad`` is dL/d(conj z) times 2,
which for a holomorphic f (y = f(z)) is ``g * conj(f'(z))``.  Every backward formula written for
real tensors computes ``g * f'(z)``; run it on ``conj(g)`` and conjugate the answer, and it gives
``conj(conj(g) * f'(z)) = g * conj(f'(z))``: mul, div, matmul, exp, log, sqrt, pow, sum, reshape...
all become correct at once (for linear ops the two conjugations cancel).

``record`` swaps a node whose output is complex into such a "conjugated frame" twin of its class
(same name, so ``grad_fn`` prints as torch's).  Non-holomorphic ops (abs, angle, real, imag,
view_as_real, polar, complex, conj, fft) write complex-aware nodes and set ``_complex_ready``.
"""
import numpy as np

__all__ = ["complex_node", "conj_any"]

_TWINS = {}


def conj_any(x):
    """conj of an array or Tensor, through tuples and lists; None stays None; real stays as is."""
    if x is None:
        return None
    if isinstance(x, (tuple, list)):
        return type(x)(conj_any(v) for v in x)
    if isinstance(x, (np.ndarray, np.generic)):
        return x.conj() if x.dtype.kind == "c" else x
    return x.conj() if x.is_complex() else x


def _twin(cls):
    twin = _TWINS.get(cls)
    if twin is None:
        exact_mul = cls.__name__ == "MulBackward0"

        def backward(self, g):
            if exact_mul and g.__class__ is np.ndarray:
                # g * conj(b) with the rounding of torch's complex product kernel (NumPy's differs by an ulp)
                from ._cabs import complex_multiply
                other, self_ = self.saved()
                # g * conj(v) itself (not conj(conj(g) v)): the same values, and torch's signs of zero
                return tuple(None if v is None else complex_multiply(g, np.conj(v)) for v in (other, self_))
            return conj_any(cls.backward(self, conj_any(g)))
        twin = type(cls.__name__, (cls,), {"__slots__": (), "_complex_ready": True, "backward": backward,
                                          "__doc__": cls.__doc__, "__module__": cls.__module__,
                                          "__qualname__": cls.__qualname__})
        _TWINS[cls] = twin
    return twin


def complex_node(node):
    """Make ``node`` (whose output is complex) compute torch's complex gradient."""
    node.__class__ = _twin(node.__class__)
    return node
