"""Fake quantization with learnable scale and zero point (LSQ; torch.ao's ``_LearnableFakeQuantize``).

    forward:   y = fake_quantize(x, scale, zero_point)      (qmin <= q = nearbyint(x / scale) + z <= qmax)
    backward:  dx      = g                         where q is inside [qmin, qmax], else 0
               dscale  = g * (y - x) / scale       inside;  g * (qmin - z) below;  g * (qmax - z) above
               dz      = 0                         inside;  -g * scale outside
    (dscale and dz times ``grad_factor``; summed to one element per tensor, or per channel along ``axis``.)

The per-tensor op reads ``scale[0]`` and ``zero_point[0]``: the forward rounds the zero point half to even,
the backward as ``int(z + 0.5)`` (both clamped to the range), as torch's kernels do.  The per-channel op
rounds and clamps the zero points in both.  The backward works in float32 only (torch checks the dtypes
of g, x, scale and zero point) and has no derivative of its own.
"""
import numpy as np

from ._tensor import Tensor, _wrap
from .autograd.graph import Node
from .autograd.grad_mode import GRAD
from .ops._common import record
from .ops._fma32 import fma32
from . import _quant_fake as _fq
from . import _quant_fake_args as _args

_F32 = np.float32
_CHECK = ("Expected {}.scalar_type() == ScalarType::Float to be true, but got false.  (Could this error "
          "message be improved?  If so, please report an enhancement request to PyTorch.)")
PER_TENSOR = ("_fake_quantize_learnable_per_tensor_affine(Tensor input, Tensor scale, Tensor zero_point, "
              "int64_t quant_min, int64_t quant_max, double grad_factor=1.0)",)
PER_CHANNEL = ("_fake_quantize_learnable_per_channel_affine(Tensor input, Tensor scale, Tensor zero_point, "
               "int64_t axis, int64_t quant_min, int64_t quant_max, double grad_factor=1.0)",)


def _first(t):
    """``t[0].item<float>()``: torch's select raises for a 0-dim or empty tensor."""
    if t.dim() == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    if t.shape[0] == 0:
        raise IndexError(f"select(): index 0 out of range for tensor of size {list(t.shape)} at dimension 0")
    row = t._data[0]
    if row.size != 1:
        raise RuntimeError(f"a Tensor with {row.size} elements cannot be converted to Scalar")
    return _F32(row.reshape(-1)[0].real)


def _float_checks(g, x, scale, zero_point):
    for name, arr in (("dY_", g), ("X_", x), ("scale_", scale), ("zero_point_", zero_point)):
        if arr.dtype != np.float32:
            raise RuntimeError(_CHECK.format(name))


def _learnable_grads(x, g, scale, zp, zp_f, qmin, qmax, gf):
    """The kernel, element-wise in float32; ``zp_f`` is the zero point as the float the kernel adds
    (``zp``, its clamped value in the type the kernel subtracts)."""
    with np.errstate(all="ignore"):
        inv = _F32(1) / scale
        # GCC contracts zero_point + x * inv_scale into one fma before nearbyint
        xq = _fq._to_int64(np.rint(np.asarray(fma32(x, np.broadcast_to(inv, x.shape),
                                                      np.broadcast_to(zp_f, x.shape)), _F32)))
        inside = (xq >= qmin) & (xq <= qmax)
        dx = g * inside.astype(_F32)
        # y - x: GCC contracts (clamp(q) - z) * scale - x into one fma as well
        steps = (np.clip(xq, qmin, qmax) - zp).astype(_F32)
        err = np.asarray(fma32(steps, np.broadcast_to(scale, x.shape), -x), _F32)
        d_in = ((g * err) * inv) * gf
        d_small = (g * (_F32(qmin) - zp).astype(_F32)) * gf
        d_big = (g * (_F32(qmax) - zp).astype(_F32)) * gf
        dscale = np.where(inside, d_in, np.where(xq < qmin, d_small, d_big)).astype(_F32)
        dzp = np.where(inside, _F32(0), ((g * _F32(-1)) * scale) * gf).astype(_F32)
    return dx.astype(_F32), dscale, dzp


def _layout(x):
    """The dims of x from the outermost in memory to the innermost: torch's per-element gradient vectors
    are ``empty_like(X)`` (X's layout), so their sums run in X's memory order."""
    return sorted(range(x.ndim), key=lambda d: -abs(x.strides[d]))


def _validate(node, grads):
    """torch's validate_outputs: each gradient must be the shape its input expands to (then is summed to)."""
    for i, (gr, (fn, _)) in enumerate(zip(grads, node.next_functions)):
        if gr is None or fn is None:
            continue
        want, got = node._in_shapes[i], tuple(gr.shape)
        if got != want and (len(want) > len(got) or any(w != h and w != 1 for w, h in zip(want[::-1], got[::-1]))):
            raise RuntimeError(f"Function {type(node).__name__} returned an invalid gradient at index {i} - got "
                               f"{list(got)} but expected shape compatible with {list(want)}")


def _saved(node):
    """The saved input, scale and zero point as grad-less Tensors (arrays while backward runs plainly)."""
    return tuple(t.detach() if isinstance(t, Tensor) else _wrap(t) for t in node.saved())


def _finish(node, g, grads, op):
    _validate(node, grads)
    if isinstance(g, Tensor):
        # recording a graph: torch's backward op has no derivative, so using these gradients raises
        from .autograd._double_guard import refused
        x, scale, zp = node.saved()
        return tuple(refused(np.asarray(gr), f"derivative for aten::{op} is not implemented", g, x, scale, zp)
                     for gr in grads)
    return tuple(np.asarray(gr) for gr in grads)


class FakeQuantizeLearnablePerTensorAffineBackward0(Node):
    """y = fake_quantize(x, scale[0], z[0])  ->  dx = g inside the range; dscale = sum(g * (y - x) / scale
    inside, g * (qmin|qmax - z) outside); dz = sum(-g * scale outside); dscale and dz times grad_factor"""
    __slots__ = ("qmin", "qmax", "gf", "_in_shapes")

    def backward(self, g):
        x, scale, zero_point = _saved(self)
        ga = g._data if isinstance(g, Tensor) else g
        s = _first(scale)
        z = _F32(_first(zero_point) + _F32(0.5))
        z = int(min(max(z, _F32(self.qmin)), _F32(self.qmax)))
        _float_checks(ga, x._data, scale._data, zero_point._data)
        if x.numel() != ga.size:
            raise RuntimeError("`X` and `dY` are not the same size")
        if not (self.qmin <= 0 <= self.qmax):
            raise RuntimeError("`quant_min` should be less than or         equal to `quant_max`, and the "
                               "quantization range should include 0.")
        _args.check_zero_point((z,), self.qmin, self.qmax)
        if x.numel() == 0:
            grads = (x._data, scale._data, zero_point._data)
        else:
            dx, ds, dz = _learnable_grads(x._data, ga, s, z, _F32(z), self.qmin, self.qmax, _F32(self.gf))
            perm = _layout(x._data)
            grads = (dx, _wrap(ds.transpose(perm).copy()).sum()._data.reshape(1),
                     _wrap(dz.transpose(perm).copy()).sum()._data.reshape(1))
        return _finish(self, g, grads, "_fake_quantize_learnable_per_tensor_affine_backward")


class FakeQuantizeLearnablePerChannelAffineBackward0(Node):
    """per channel c along ``axis``: the per-tensor formulas with scale[c] and round(z[c]) clamped to the
    range, dscale and dz summed over all dimensions but ``axis``"""
    __slots__ = ("axis", "qmin", "qmax", "gf", "_in_shapes")

    def backward(self, g):
        x, scale, zero_point = _saved(self)
        ga = g._data if isinstance(g, Tensor) else g
        zr = zero_point.detach().round().clamp_(self.qmin, self.qmax)
        _float_checks(ga, x._data, scale._data, zero_point._data)
        if x.shape != ga.shape:
            raise RuntimeError("`X` and `dY` are not the same size")
        if not (self.qmin <= 0 <= self.qmax):
            raise RuntimeError("Expecting `quant_min` <= 0 and `quant_max` >= 0")
        axis = self.axis
        if zr.numel() == 0:
            raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the operation "
                               "has no identity.")
        _args.check_zero_point((float(zr._data.min()), float(zr._data.max())), self.qmin, self.qmax)
        if not 0 <= axis < x.dim():
            raise RuntimeError("`axis` must be between 0 and number of dimensions of input")
        if x.numel() == 0:
            grads = (x._data, scale._data, zero_point._data)
        else:
            shape = [1] * x.dim()
            shape[axis] = -1
            s = scale._data.reshape(shape)
            z = zr._data.reshape(shape)
            dx, ds, dz = _learnable_grads(x._data, ga, s, z, z, self.qmin, self.qmax, _F32(self.gf))
            perm = _layout(x._data)
            # an empty dim list sums everything (a 1-D input): torch then refuses the 0-dim gradient
            dims = [d for d in range(x.dim()) if d != perm.index(axis)]
            grads = (dx, _wrap(ds.transpose(perm).copy()).sum(dims)._data,
                     _wrap(dz.transpose(perm).copy()).sum(dims)._data)
        return _finish(self, g, grads, "_fake_quantize_learnable_per_channel_affine_backward")


def _attach(node, out, input, scale, zero_point):
    if GRAD.enabled and (input._rg or scale._rg or zero_point._rg):
        node._in_shapes = (tuple(input.shape), tuple(scale.shape), tuple(zero_point.shape))
        node.save(input, scale, zero_point)
        record(node, out, input, scale, zero_point)
    return out


def _fake_quantize_learnable_per_tensor_affine(*args, **kwargs):
    """y = (clamp(nearbyint(x / s) + z, qmin, qmax) - z) * s with s = scale[0], z = clamp(nearbyint(
    zero_point[0])); gradients for x, scale and zero_point (see the module docstring)."""
    _, a = _args.bind(PER_TENSOR, args, kwargs)
    input, scale, zero_point = a["input"], a["scale"], a["zero_point"]
    qmin, qmax = a["quant_min"], a["quant_max"]
    s = _first(scale)
    z = float(min(max(np.rint(_first(zero_point)), _F32(qmin)), _F32(qmax)))
    out = _fq.fake_quantize_per_tensor_affine(input.detach(), float(s), int(z), qmin, qmax)
    node = FakeQuantizeLearnablePerTensorAffineBackward0()
    node.qmin, node.qmax, node.gf = qmin, qmax, a.get("grad_factor", 1.0)
    return _attach(node, out, input, scale, zero_point)


def _fake_quantize_learnable_per_channel_affine(*args, **kwargs):
    """Per channel along ``axis``: fake_quantize_per_channel_affine with the zero points rounded, clamped to
    [qmin, qmax] and made int32; gradients for x, scale and zero_point (see the module docstring)."""
    _, a = _args.bind(PER_CHANNEL, args, kwargs)
    input, scale, zero_point = a["input"], a["scale"], a["zero_point"]
    qmin, qmax, axis = a["quant_min"], a["quant_max"], a["axis"]
    zr = zero_point.detach().round().clamp_(qmin, qmax).int()
    with_grad = GRAD.enabled
    GRAD.enabled = False            # the native op: no "not differentiable" refusal of the qparams
    try:
        out = _fq.fake_quantize_per_channel_affine(input.detach(), scale.detach(), zr, axis, qmin, qmax)
    finally:
        GRAD.enabled = with_grad
    node = FakeQuantizeLearnablePerChannelAffineBackward0()
    node.axis, node.qmin, node.qmax, node.gf = axis, qmin, qmax, a.get("grad_factor", 1.0)
    return _attach(node, out, input, scale, zero_point)
