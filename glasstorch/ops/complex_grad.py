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

# Nodes whose backward only moves, copies, sums or zeroes entries of g (real coefficients 0 and 1):
# conj(f(conj(g))) is f(g) for them, except that the zeros they write would come back as conj(0) =
# 0 - 0j, where torch's are 0 + 0j.  They run on g as it is.
_MOVES_ONLY = frozenset((
    "CloneBackward0", "WhereBackward0", "IndexPutBackward0", "PutBackward0", "IndexCopyBackward0",
    "MaskedScatterBackward0", "MaskedFillBackward0", "IndexFillBackward0", "IndexBackward0",
    "SelectBackward0", "SliceBackward0", "FlipBackward0", "RollBackward0", "ViewBackward0",
    "ReshapeAliasBackward0", "UnsafeViewBackward0", "PermuteBackward0", "TBackward0", "TransposeBackward0",
    "ExpandBackward0", "SqueezeBackward0", "SqueezeBackward1", "UnsqueezeBackward0", "SumBackward0",
    "SumBackward1", "CatBackward0", "StackBackward0", "ConstantPadNdBackward0", "ReflectionPad1DBackward0",
    "ReflectionPad2DBackward0", "ReflectionPad3DBackward0", "ReplicationPad1DBackward0",
    "ReplicationPad2DBackward0", "ReplicationPad3DBackward0", "ToCopyBackward0", "AliasBackward0", "CopySlices"))


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
        # only arithmetic's product saves (other, self) unbroadcast: einsum's MulBackward0 (an
        # elementwise einsum) and sparse's keep their own backward
        exact_mul = cls.__name__ == "MulBackward0" and cls._home.endswith(".ops.arithmetic")

        def backward(self, g):
            if exact_mul and g.__class__ is np.ndarray:
                # g * conj(b) with the rounding of torch's complex product kernel (NumPy's differs by an ulp)
                from ._cabs import complex_multiply
                other, self_ = self.saved()
                # g * conj(v) itself (not conj(conj(g) v)): the same values, and torch's signs of zero
                return tuple(None if v is None else complex_multiply(g, np.conj(v)) for v in (other, self_))
            return conj_any(cls.backward(self, conj_any(g)))

        def moves_only(self, g):
            return cls.backward(self, g)
        twin = type(cls.__name__, (cls,), {"__slots__": (), "_complex_ready": True,
                                          "backward": moves_only if cls.__name__ in _MOVES_ONLY else backward,
                                          "__doc__": cls.__doc__, "__module__": cls.__module__,
                                          "__qualname__": cls.__qualname__})
        _TWINS[cls] = twin
    return twin


def complex_node(node):
    """Make ``node`` (whose output is complex) compute torch's complex gradient."""
    node.__class__ = _twin(node.__class__)
    return node
