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

    def conj_physical_(self):
        from .ops.inplace import commit
        if not self.is_complex():
            return self
        return commit(self, lambda: O.complex_ops.conj_physical_inplace(self), "conj_physical")

    def resolve_conj(self):
        return O.complex_ops.resolve_conj(self)

    def resolve_neg(self):
        return O.complex_ops.resolve_neg(self)

    def is_conj(self):
        return O.complex_ops.is_conj(self)

    def is_neg(self):
        return O.complex_ops.is_neg(self)

    def stft(self, n_fft, hop_length=None, win_length=None, window=None, center=True, pad_mode="reflect",
             normalized=False, onesided=None, return_complex=None, align_to_window=None):
        from ._stft import stft
        return stft(self, n_fft, hop_length, win_length, window, center, pad_mode, normalized, onesided,
                    return_complex, align_to_window)

    def istft(self, n_fft, hop_length=None, win_length=None, window=None, center=True, normalized=False,
              onesided=None, length=None, return_complex=False):
        from ._stft import istft
        # as torch's Tensor.istft: return_complex by keyword
        return istft(self, n_fft, hop_length, win_length, window, center, normalized, onesided, length,
                     return_complex=return_complex)
