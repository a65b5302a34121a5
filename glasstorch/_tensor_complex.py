"""Tensor methods for complex numbers: ``.real``/``.imag`` views, conj and friends, angle."""
from . import _ops_index as O


class TensorComplex:
    __slots__ = ()

    @property
    def real(self):
        return O.complex_ops.real(self)

    @real.setter
    def real(self, value):
        O.complex_ops.real(self).copy_(value)

    @property
    def imag(self):
        return O.complex_ops.imag(self)

    @imag.setter
    def imag(self, value):
        O.complex_ops.imag(self).copy_(value)

    def angle(self):
        return O.complex_ops.angle(self)

    def conj(self):
        return O.complex_ops.conj(self)

    def conj_physical(self):
        return O.complex_ops.conj_physical(self)

    def resolve_conj(self):
        return O.complex_ops.resolve_conj(self)

    def resolve_neg(self):
        return O.complex_ops.resolve_neg(self)

    def is_conj(self):
        return O.complex_ops.is_conj(self)

    def is_neg(self):
        return O.complex_ops.is_neg(self)
