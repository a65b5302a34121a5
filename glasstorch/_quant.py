"""Quantized tensors: ``quantize_per_tensor``, ``quantize_per_channel``, ``quantize_per_tensor_dynamic``,
``dequantize`` and the ``q_*`` accessors.

A quantized tensor stores integers ``q`` (``int_repr()``) with a scale and zero point (one pair, or one per
channel along ``axis``); it stands for the float values ``(q - zero_point) * scale``.  torch's CPU kernels
(fbgemm's ``Quantize``) compute, in float32::

    q = clamp(nearbyint(fma(x, 1.0f / scale, zero_point)), qmin, qmax)     # ties to even, one rounding

(qint32 and per-channel tensors go through ATen's loops instead: ``nearbyint(x * (1.0f / scale) + zero_point)``,
the product rounded to float32 before the sum.)

(a multiplication by the float32 reciprocal, not a division: ``0.273939937 / 0.00214854861`` is 127.49999
but ``0.273939937 * (1 / 0.00214854861)`` is 127.5).  Dequantizing a per-tensor tensor is float32
``(q - zero_point) * scale``; a per-channel one is computed in double (its scales are float64) and rounded.

``QTensor`` subclasses ``Tensor`` (``isinstance`` sees a tensor); its ``_data`` is the dequantized float32
array, so a dense op handed a quantized tensor works on its values (torch refuses most of those; see
docs/differences.md).  The common mistakes (``q + q``, ``q * 2``, ``q.sum()``) raise torch's errors.
"""
import warnings

import numpy as np

from . import _dtype as _dt
from ._device import Size
from ._quant_dtype import SCALAR_NAMES, _Quantized, per_tensor_affine, per_channel_affine
from ._tensor import Tensor, _wrap
from .ops._fma32 import fma32
from . import _printing

_F32 = np.float32
DEPRECATED = ("torch.quantize_per_tensor, torch.quantize_per_channel and other quantized tensor creation functions "
              "that produce tensors with dtype torch.quint8, torch.qint8, and torch.qint32 are deprecated and will "
              "be removed in a future PyTorch release. Please see https://github.com/pytorch/pytorch/issues/184982 "
              "for more information. (Triggered internally at /__w/pytorch/pytorch/aten/src/ATen/quantized/"
              "Quantizer.cpp:111.)")
_warned = [False]


def _deprecation():
    """torch warns once per process (TORCH_WARN_ONCE) when the first quantized tensor is made."""
    if not _warned[0]:
        _warned[0] = True
        warnings.warn(DEPRECATED, UserWarning, stacklevel=3)


def _scalar_name(d):
    return SCALAR_NAMES.get(d.name) or _dt._SCALAR_TYPES.get(d.name, d.name)


def not_on_backend(op, backend="QuantizedCPU"):
    """torch's dispatcher error for an op with no kernel for the backend (torch goes on to list every backend
    the op has, with source paths of its build; glasstorch stops at the list's start)."""
    return NotImplementedError(
        f"Could not run '{op}' with arguments from the '{backend}' backend. This could be because the operator "
        "doesn't exist for this backend, or was omitted during the selective/custom build process (if using custom "
        "build). If you are a Facebook employee using PyTorch on mobile, please visit https://fburl.com/ptmfixes for "
        f"possible resolutions. '{op}' is only available for these backends: [CPU, Meta, ...].")


def _round_clamp(v, qd, nan_value):
    """nearbyint, then clamp to the dtype's range; NaN becomes ``nan_value`` (what torch's kernel gives)."""
    r = np.rint(v).astype(np.float64)
    out = np.clip(r, qd.qmin, qd.qmax)
    out = np.where(np.isnan(out), nan_value, out)
    return out.astype(qd.np)


def quantize_array(x, scale, zero_point, qd, per_channel=False):
    """q = clamp(nearbyint(fma(x, float32(1 / scale), zero_point)), qmin, qmax): float32, one rounding of the
    multiply-add, as fbgemm's 8-bit per-tensor kernel; qint32 and per-channel round the product first."""
    s = np.asarray(scale, np.float64).astype(_F32)
    with np.errstate(all="ignore"):
        inv = _F32(1) / s
        zp = np.asarray(zero_point).astype(_F32)
        if per_channel or qd.qmax > 255:        # ATen's own loops: the product rounds, then the sum
            v = (x * inv).astype(_F32) + zp
        else:                                   # fbgemm's (8-bit, per tensor): one rounding
            v = fma32(x, np.broadcast_to(inv, x.shape), np.broadcast_to(zp, x.shape)) if x.size else x
    # NaN: per tensor (fbgemm's vector min/max) qmax for 8 bits; per channel 0; qint32 always qmin
    nan = qd.qmin if qd.qmax > 255 else (0 if per_channel else qd.qmax)
    return _round_clamp(v, qd, nan)


def _int32_wrap(v, qd):
    """q - zero_point as torch's int32 arithmetic gives it: qint32 differences wrap around 2**32."""
    return (v + 2 ** 31) % 2 ** 32 - 2 ** 31 if qd.qmax > 255 else v


class QTensor(Tensor):
    """A quantized tensor: ``_q`` (the integers), ``_qd`` (its dtype), ``_scheme``, ``_scale``/``_zp`` (numbers
    per tensor; float64/int64 arrays per channel) and ``_axis``."""
    __slots__ = ("_q", "_qd", "_scheme", "_scale", "_zp", "_axis", "_deq")

    def __new__(cls, *args, **kwargs):
        raise TypeError("use torch.quantize_per_tensor or torch.quantize_per_channel to build a quantized tensor")

    # ---- what it holds ------------------------------------------------------------------
    @property
    def _data(self):
        """The values it stands for, float32: (q - zero_point) * scale."""
        d = self._deq
        if d is None:
            q = self._q.astype(np.int64)
            if self._scheme is per_tensor_affine:
                d = _int32_wrap(q - self._zp, self._qd).astype(_F32) * _F32(self._scale)
            else:
                shape = [1] * q.ndim
                shape[self._axis] = -1
                d = ((q - self._zp.reshape(shape)) * self._scale.reshape(shape)).astype(_F32)   # in double
            self._deq = d = np.asarray(d, _F32)
            d.flags.writeable = False         # the integers are the truth: in-place float ops must not pass
        return d

    @_data.setter
    def _data(self, value):
        raise NotImplementedError("glasstorch cannot change a quantized tensor in place yet")

    @property
    def dtype(self):
        return self._qd

    @property
    def is_quantized(self):
        return True

    @property
    def shape(self):
        return Size(self._q.shape)

    def size(self, dim=None):
        return Size(self._q.shape) if dim is None else Tensor.size(_wrap(self._q), dim)

    @property
    def ndim(self):
        return self._q.ndim

    def dim(self):
        return self._q.ndim

    def numel(self):
        return self._q.size

    def element_size(self):
        return self._qd.itemsize

    def is_floating_point(self):
        return False

    def is_signed(self):
        raise RuntimeError("isSignedType not supported for quantized types")

    def requires_grad_(self, requires_grad=True):
        if requires_grad:
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        return self

    # ---- the quantized surface ------------------------------------------------------------
    def int_repr(self):
        return _wrap(self._q.copy())

    def dequantize(self):
        return _wrap(self._data.copy())

    def qscheme(self):
        return self._scheme

    def q_scale(self):
        self._per_tensor_only()
        return self._scale

    def q_zero_point(self):
        self._per_tensor_only()
        return self._zp

    def q_per_channel_scales(self):
        self._per_channel_only()
        return _wrap(self._scale.copy())

    def q_per_channel_zero_points(self):
        self._per_channel_only()
        return _wrap(self._zp.copy())

    def q_per_channel_axis(self):
        self._per_channel_only()
        return self._axis

    def _per_tensor_only(self):
        if self._scheme is not per_tensor_affine:
            raise RuntimeError("Expected quantizer->qscheme() == kPerTensorAffine to be true, but got false.  "
                               "(Could this error message be improved?  If so, please report an enhancement "
                               "request to PyTorch.)")

    def _per_channel_only(self):
        if self._scheme is not per_channel_affine:
            raise RuntimeError("Expected quantizer->qscheme() == kPerChannelAffine || quantizer->qscheme() == "
                               "kPerChannelAffineFloatQParams to be true, but got false.  (Could this error message "
                               "be improved?  If so, please report an enhancement request to PyTorch.)")

    def _like(self, q):
        """A quantized tensor of integers ``q`` with this one's parameters."""
        return _make(q, self._qd, self._scheme, self._scale, self._zp, self._axis)

    def clone(self, *, memory_format=None):
        return self._like(self._q.copy())

    def detach(self):
        return self._like(self._q)

    def contiguous(self, memory_format=None):
        return self

    def cpu(self, memory_format=None):
        return self

    def __deepcopy__(self, memo):
        return self._like(self._q.copy())

    def __reduce_ex__(self, proto):
        return (_make, (self._q, self._qd, self._scheme, self._scale, self._zp, self._axis))

    # ---- torch's refusals -------------------------------------------------------------------
    def numpy(self, *, force=False):
        raise TypeError(f"Got unsupported ScalarType {SCALAR_NAMES[self._qd.name]}")

    def tolist(self):
        raise RuntimeError("load_scalar: invalid type")

    def _binary(self, other, op):
        """torch's refusals: two quantized tensors have no kernel; a number needs an empty quantized result
        (unsupported); a plain tensor has no promotion rule with a quantized dtype."""
        if isinstance(other, QTensor):
            raise not_on_backend(f"aten::{op}.out")
        if isinstance(other, Tensor):
            raise RuntimeError("promoteTypes with quantized numbers is not handled yet; figure out what the correct "
                               f"rules should be, offending types: {SCALAR_NAMES[self._qd.name]} "
                               f"{_scalar_name(other.dtype)}")
        raise RuntimeError("empty_strided not supported on quantized tensors yet see "
                           "https://github.com/pytorch/pytorch/issues/74540")

    def __add__(self, other, alpha=1):
        return self._binary(other, "add")

    __radd__ = __iadd__ = add = __add__

    def __sub__(self, other, alpha=1):
        return self._binary(other, "sub")

    __rsub__ = __isub__ = sub = __sub__

    def __mul__(self, other):
        return self._binary(other, "mul")

    __rmul__ = __imul__ = mul = __mul__

    def sum(self, *args, **kwargs):
        raise not_on_backend("aten::sum.IntList_out")

    def exp(self):
        raise not_on_backend("aten::exp.out")

    def abs(self):
        raise not_on_backend("aten::abs.out")

    def __repr__(self, *, tensor_contents=None):
        opts = _printing.PRINT_OPTS
        arr = self._data
        body = "[]" if arr.size == 0 else _printing._tensor_body(arr, 7, opts)
        sfx = [f"size={tuple(arr.shape)}", f"dtype={self._qd!r}", f"quantization_scheme={self._scheme!r}"]
        if self._scheme is per_tensor_affine:
            sfx += [f"scale={self._scale!r}", f"zero_point={self._zp!r}"]
        else:
            sfx += [f"scale={self.q_per_channel_scales()!r}", f"zero_point={self.q_per_channel_zero_points()!r}",
                    f"axis={self._axis}"]
        return _printing._add_suffixes("tensor(" + body, sfx, 7, opts.linewidth)

    __str__ = __repr__


# the view ops keep a per-tensor quantized tensor quantized (torch runs them on the integers)
def _view_op(name):
    base = getattr(Tensor, name)

    def op(self, *args, **kwargs):
        if self._scheme is not per_tensor_affine:
            return base(self, *args, **kwargs)
        return self._like(getattr(_wrap(self._q), name)(*args, **kwargs)._data)
    op.__name__ = name
    return op


for _n in ("reshape", "view", "flatten", "t", "transpose", "permute", "squeeze", "unsqueeze", "__getitem__",
           "expand", "narrow", "select", "view_as", "reshape_as", "T", "mT"):
    if isinstance(getattr(Tensor, _n, None), property):
        setattr(QTensor, _n, property(lambda self, _n=_n: self._like(getattr(_wrap(self._q), _n)._data)
                                      if self._scheme is per_tensor_affine else getattr(Tensor, _n).fget(self)))
    elif hasattr(Tensor, _n):
        setattr(QTensor, _n, _view_op(_n))


def _make(q, qd, scheme, scale, zp, axis=None):
    t = object.__new__(QTensor)
    t._rg, t.grad_fn, t._grad, t._vc, t._accum, t._base, t._out_nr = False, None, None, [0], None, None, 0
    t._q, t._qd, t._scheme, t._scale, t._zp, t._axis, t._deq = q, qd, scheme, scale, zp, axis, None
    return t


def _qdtype(dtype):
    if not isinstance(dtype, _Quantized):
        d = _dt.to_dtype(dtype)
        raise RuntimeError(f"ScalarType {_scalar_name(d)} is not supported in new_qtensor.")
    if dtype.name in ("quint4x2", "quint2x4"):
        raise NotImplementedError(f"glasstorch does not store torch.{dtype.name} tensors yet (torch packs "
                                  "sub-byte values into bytes)")
    return dtype


def _number(v, kind):
    if isinstance(v, Tensor):
        if v.numel() != 1:
            raise RuntimeError(f"a Tensor with {v.numel()} elements cannot be converted to Scalar")
        v = v._data.reshape(()).item()
    return kind(v)


def quantize_per_tensor(input, scale, zero_point, dtype):
    """q = clamp(nearbyint(x * (1 / scale) + zero_point), qmin, qmax); a list of tensors takes tensors of
    scales and zero points, one each."""
    if isinstance(input, (list, tuple)):
        s, z = scale._data.reshape(-1), zero_point._data.reshape(-1)
        return tuple(quantize_per_tensor(x, _wrap(s[i]), _wrap(z[i]), dtype) for i, x in enumerate(input))
    if input.dtype is not _dt.float32:
        raise RuntimeError(f"Quantize only works on Float Tensor, got {_scalar_name(input.dtype)}")
    qd = _qdtype(dtype)
    scale, zero_point = _number(scale, float), _number(zero_point, int)
    if zero_point > qd.qmax:
        raise RuntimeError(f"quantize_tensor_per_tensor_affine zero_point {zero_point} is above upper bound.")
    if zero_point < qd.qmin:
        raise RuntimeError(f"quantize_tensor_per_tensor_affine zero_point {zero_point} is below lower bound.")
    _deprecation()
    return _make(quantize_array(input._data, scale, zero_point, qd), qd, per_tensor_affine, scale, zero_point)


def quantize_per_channel(input, scales, zero_points, axis, dtype):
    """Per channel along ``axis``: q[..., c, ...] = clamp(nearbyint(x * (1 / scales[c]) + zero_points[c]), ...)."""
    from ._quant_checks import per_channel_args
    qd, s, z, nd, channels = per_channel_args(input, scales, zero_points, axis, lambda: _qdtype(dtype))
    _deprecation()
    shape = [1] * nd
    shape[axis] = channels
    q = quantize_array(input._data, s.reshape(shape), z.reshape(shape), qd, per_channel=True)
    return _make(q, qd, per_channel_affine, s.copy(), z.copy(), axis)


def dequantize(tensor):
    """x = (q - zero_point) * scale; a list of tensors gives a tuple."""
    if isinstance(tensor, (list, tuple)):
        return tuple(dequantize(t) for t in tensor)
    return tensor.dequantize()


# ---- on a plain tensor ----------------------------------------------------------------------------
def _tensor_dequantize(self):
    return self


def _refuse(op):
    def method(self, *args, **kwargs):
        raise not_on_backend(op, "CPU")
    return method


Tensor.dequantize = _tensor_dequantize
for _n in ("int_repr", "q_scale", "q_zero_point", "qscheme", "q_per_channel_scales", "q_per_channel_zero_points",
           "q_per_channel_axis"):
    if not hasattr(Tensor, _n):
        setattr(Tensor, _n, _refuse("aten::" + _n))
