"""Quantized dtypes (``torch.qint8``, ``torch.quint8``, ``torch.qint32``, ``torch.quint4x2``, ``torch.quint2x4``)
and the quantization schemes (``torch.per_tensor_affine`` ...).

A quantized dtype names the integer type its values are stored in (``int_repr()``): qint8 is int8, quint8
is uint8, qint32 is int32; quint4x2 and quint2x4 pack sub-byte values into uint8 (named here, not stored).
Like torch, a quantized dtype is neither floating nor complex, and asking whether it is signed is an error.
"""
import numpy as np

from ._dtype import dtype

__all__ = ["qint8", "quint8", "qint32", "quint4x2", "quint2x4", "qscheme", "per_tensor_affine",
           "per_channel_affine", "per_tensor_symmetric", "per_channel_symmetric", "per_channel_affine_float_qparams"]


class _Quantized(dtype):
    """A quantized dtype: ``np`` is its storage type; ``qmin``/``qmax`` its integer range."""
    __slots__ = ("qmin", "qmax")

    def __init__(self, name, storage, qmin, qmax, itemsize=None):
        self.name = name
        self.np = np.dtype(storage)
        self._cat = 4                       # none of bool / integer / floating / complex
        self.is_floating_point = False
        self.is_complex = False
        self.itemsize = self.np.itemsize if itemsize is None else itemsize
        self.qmin, self.qmax = qmin, qmax

    @property
    def is_signed(self):
        raise RuntimeError("isSignedType not supported for quantized types")

    def to_real(self):
        return self

    def __reduce__(self):
        return (_by_name, (self.name,))


qint8 = _Quantized("qint8", np.int8, -128, 127)
quint8 = _Quantized("quint8", np.uint8, 0, 255)
qint32 = _Quantized("qint32", np.int32, -2 ** 31, 2 ** 31 - 1)
quint4x2 = _Quantized("quint4x2", np.uint8, 0, 15)
quint2x4 = _Quantized("quint2x4", np.uint8, 0, 3)
QDTYPES = {d.name: d for d in (qint8, quint8, qint32, quint4x2, quint2x4)}
# torch's ScalarType names, used in its messages
SCALAR_NAMES = {"qint8": "QInt8", "quint8": "QUInt8", "qint32": "QInt32", "quint4x2": "QUInt4x2",
                "quint2x4": "QUInt2x4"}


def _by_name(name):
    return QDTYPES[name]


def promote_error(a, b):
    """torch has no promotion rule for a quantized dtype with any other."""
    from ._dtype import _SCALAR_TYPES
    names = [SCALAR_NAMES.get(d.name) or _SCALAR_TYPES.get(d.name, d.name) for d in (a, b)]
    return RuntimeError("promoteTypes with quantized numbers is not handled yet; figure out what the correct rules "
                        f"should be, offending types: {names[0]} {names[1]}")


class qscheme:
    """A quantization scheme, printed as torch prints it (``torch.per_tensor_affine``)."""
    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return "torch." + self.name

    def __reduce__(self):
        return (_scheme_by_name, (self.name,))


per_tensor_affine = qscheme("per_tensor_affine")
per_channel_affine = qscheme("per_channel_affine")
per_tensor_symmetric = qscheme("per_tensor_symmetric")
per_channel_symmetric = qscheme("per_channel_symmetric")
per_channel_affine_float_qparams = qscheme("per_channel_affine_float_qparams")
_SCHEMES = {s.name: s for s in (per_tensor_affine, per_channel_affine, per_tensor_symmetric,
                                per_channel_symmetric, per_channel_affine_float_qparams)}


def _scheme_by_name(name):
    return _SCHEMES[name]
