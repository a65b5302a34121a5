"""``F.pad``: constant padding records ``ConstantPadNdBackward0``; reflect and replicate use NumPy's
modes and scatter the gradient back through the same index map; circular is built from slice copies,
as torch builds it (``CopySlices``)."""
import numpy as np

from ...autograd.graph import Node
from ...ops._common import GRAD, _wrap, record1
from ..._arg_refuse import not_a_tensor

_NP_MODES = {"reflect": "reflect", "replicate": "edge", "circular": "wrap"}


def _widths(ndim, pad):
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) // 2 > ndim:
        raise RuntimeError(f"Padding length should be less than or equal to two times the input dimension but got "
                           f"padding length {len(pad)} and input of dimension {ndim}")
    widths = [(0, 0)] * ndim
    for i in range(len(pad) // 2):
        widths[ndim - 1 - i] = (pad[2 * i], pad[2 * i + 1])
    return widths


class ConstantPadNdBackward0(Node):
    """y = pad(x, c)   ->   dx = g cropped back to x (negative pads crop, so their g is zero-filled)"""
    __slots__ = ("widths", "xshape")

    def backward(self, g):
        if not isinstance(g, np.ndarray):     # create_graph: dx = pad(g, -pads), recorded as torch records it
            return (pad(g, [-w for lo, hi in reversed(self.widths) for w in (lo, hi)]),)
        idx, out_idx = [], []
        gx = np.zeros(self.xshape, g.dtype)
        for (lo, hi), n in zip(self.widths, self.xshape):
            src0, dst0 = max(lo, 0), max(-lo, 0)
            length = n - dst0 - max(-hi, 0)
            idx.append(slice(src0, src0 + length))
            out_idx.append(slice(dst0, dst0 + length))
        gx[tuple(out_idx)] = g[tuple(idx)]
        return (gx,)


class _IndexPadBackward(Node):
    """y = x[index map]   ->   dx = scatter-add of g through the map"""
    __slots__ = ("index", "xshape")

    def backward(self, g):
        if not isinstance(g, np.ndarray):                 # create_graph: recorded, see linear_double
            from .linear_double import linear_double
            return (linear_double(self, g, lambda a: a.reshape(-1)[self.index]),)
        # added in g's own dtype, output position by output position, as torch's kernel does
        gx = np.zeros(int(np.prod(self.xshape)), g.dtype)
        np.add.at(gx, self.index.ravel(), g.ravel())
        return (gx.reshape(self.xshape),)


class ReflectionPad2DBackward0(_IndexPadBackward):
    __slots__ = ()


class ReplicationPad2DBackward0(_IndexPadBackward):
    __slots__ = ()


class ReflectionPad1DBackward0(_IndexPadBackward):
    __slots__ = ()


class ReplicationPad1DBackward0(_IndexPadBackward):
    __slots__ = ()


class ReflectionPad3DBackward0(_IndexPadBackward):
    __slots__ = ()


class ReplicationPad3DBackward0(_IndexPadBackward):
    __slots__ = ()


def _pad_circular(input, pad):
    """torch's circular padding: the input copied into the middle of a new tensor, then each padded
    dim's borders copied from the other end of the tensor itself (corners get written more than once);
    every copy records CopySlices."""
    import glasstorch as t
    shape = list(input.shape)
    k = len(pad) // 2
    lead = len(shape) - k
    out_shape = shape[:lead] + [shape[lead + i] + pad[2 * (k - 1 - i)] + pad[2 * (k - 1 - i) + 1] for i in range(k)]
    if any(n < 0 for n in out_shape[lead:]):
        raise RuntimeError("Negative padding value is resulting in an empty dimension")
    out = t.empty(out_shape, dtype=input.dtype)
    dst, src = [slice(None)] * len(shape), [slice(None)] * len(shape)
    for i in range(k):
        dim = len(shape) - 1 - i
        lo, hi = pad[2 * i], pad[2 * i + 1]
        dst[dim] = slice(max(lo, 0), out_shape[dim] - max(hi, 0))
        src[dim] = slice(max(-lo, 0), shape[dim] - max(-hi, 0))
    src_view = input
    for i in range(k):      # torch slices the input one padded dim at a time, last first: a SliceBackward0 each
        dim = len(shape) - 1 - i
        start, stop, _ = src[dim].indices(shape[dim])      # (at::slice's wrapping and clamping of its bounds)
        src_view = src_view.narrow(dim, start, max(stop - start, 0))
    out[tuple(dst)].copy_(src_view)      # copy_'s own errors when a negative pad leaves sizes apart
    for i in range(k):
        dim = len(shape) - 1 - i
        lo, hi = pad[2 * i], pad[2 * i + 1]
        pick = [slice(None)] * len(shape)
        if lo > 0:
            pick[dim] = slice(out_shape[dim] - lo - max(hi, 0), out_shape[dim] - max(hi, 0))
            part = out[tuple(pick)]
            pick[dim] = slice(0, lo)
            out[tuple(pick)].copy_(part)          # copy_'s overlap check: a partly shared source is refused
        if hi > 0:
            pick[dim] = slice(max(lo, 0), max(lo, 0) + hi)
            part = out[tuple(pick)]
            pick[dim] = slice(out_shape[dim] - hi, out_shape[dim])
            out[tuple(pick)].copy_(part)
    return out


def _check_narrow(shape, widths):
    """torch's constant_pad_nd first narrows each dim by its negative pads (left, then right)."""
    for n, (lo, hi) in zip(shape, widths):
        cur = n + min(lo, 0)
        if cur < 0 or cur + min(hi, 0) < 0:
            raise RuntimeError("narrow(): length must be non-negative.")


def _check_non_constant(shape, pad, mode):
    """torch's limits for reflect / replicate / circular: 1-3 trailing dims of a batched or unbatched
    input, reflection narrower than the dim, circular wrapping at most once."""
    k, nd = len(pad) // 2, len(shape)
    if k not in (1, 2, 3) or nd not in (k + 1, k + 2):
        raise NotImplementedError(
            f"Padding size {len(pad)} is not supported for {nd}D input tensor.\n"
            "Supported combinations for non-constant padding:\n"
            "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
            "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
            "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)")
    if mode != "circular" and 0 in (shape[1:] if nd == k + 2 else shape):      # only the batch may be empty
        raise RuntimeError(f"Expected {k + 1}D or {k + 2}D (batch mode) tensor with possibly 0 batch size and other "
                           f"non-zero dimensions for input, but got: {list(shape)}")
    for i in range(k):
        dim = nd - 1 - i
        lo, hi = pad[2 * i], pad[2 * i + 1]
        if mode == "reflect" and not (lo < shape[dim] and hi < shape[dim]):
            raise RuntimeError(f"Argument #{4 + 2 * i}: Padding size should be less than the corresponding input "
                               f"dimension, but got: padding ({lo}, {hi}) at dimension {dim} of input {list(shape)}")
    if mode != "circular":
        _check_out_size(shape, pad, mode)
    if mode == "circular":                 # torch walks the dims first to last: wrap check, then the size
        for dim in range(nd - k, nd):
            lo, hi = pad[2 * (nd - 1 - dim)], pad[2 * (nd - 1 - dim) + 1]
            if lo > shape[dim] or hi > shape[dim]:
                raise RuntimeError("Padding value causes wrapping around more than once.")
            if shape[dim] + lo + hi < 0:
                raise RuntimeError("Negative padding value is resulting in an empty dimension")


def _check_out_size(shape, pad, mode):
    """reflect / replicate with negative pads: torch refuses an output whose padded dims are all under 1
    (before the dtype), then allocates it, where a negative size fails (reflection_pad2d's numel check,
    or empty's; torch's reflection_pad2d on an empty batch even returns a negative size, not matched)."""
    k = len(pad) // 2
    ins = list(shape[-k:])
    outs = [n + pad[2 * (k - 1 - i)] + pad[2 * (k - 1 - i) + 1] for i, n in enumerate(ins)]
    if all(o < 1 for o in outs):
        if k == 1:
            msg = f"input (W: {ins[0]}) is too small. Calculated output W: {outs[0]}"
        elif k == 2:
            gap = " " if mode == "replicate" else ""
            msg = f"input (H: {ins[0]}, W: {ins[1]}{gap}) is too small. Calculated output H: {outs[0]} W: {outs[1]}"
        else:
            msg = (f"input (D: {ins[0]} H: {ins[1]}, W: {ins[2]}) is too small. "
                   f"Calculated output D: {outs[0]} H: {outs[1]} W: {outs[2]}")
        raise RuntimeError(msg)
    if min(outs) < 0:
        if mode == "reflect" and k == 2:
            raise RuntimeError("numel: integer multiplication overflow")
        full = list(shape[:-k]) + outs
        raise RuntimeError(f"Trying to create tensor with negative dimension {next(o for o in full if o < 0)}: "
                           f"{full}")


def _pad_value(value, npdt):
    """torch's schema takes ``float? value``: the number becomes a double first (an int too), then is
    written into the tensor's dtype with c10's overflow check (uint8 -1 fails, as -1.0 does)."""
    if isinstance(value, (complex, np.complexfloating)):
        raise TypeError(f"pad(): argument 'value' (position 4) must be float, not {type(value).__name__}")
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_)):
        from ...ops._scalar_cast import checked_scalar
        return checked_scalar(float(value), npdt)
    return value


def _scalar_value(value, npdt):
    """torch.constant_pad_nd takes a ``Scalar``: an int is checked as an int (uint8 -1 wraps to 255)."""
    from ...ops._scalar_cast import checked_scalar
    value = checked_scalar(value, npdt)
    return bool(value) if npdt.kind == "b" and isinstance(value, complex) else value


def pad(input, pad, mode="constant", value=None):
    return pad_with(input, pad, mode, value, _pad_value)


def pad_with(input, pad, mode, value, convert):
    """F.pad, the pad value converted by ``convert(value, dtype)`` (F.pad's float or a Scalar)."""
    try:
        x = input._data
    except AttributeError:      # a non-tensor: torch's parser error
        not_a_tensor()
    if mode != "constant" and mode not in _NP_MODES:     # (torch parses the mode first)
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if isinstance(pad, (tuple, list)):
        from .pad_args import check_pad_ints
        check_pad_ints(pad)
    widths = _widths(x.ndim, tuple(pad))
    if mode == "constant":
        _check_narrow(x.shape, widths)
        pos = [(max(lo, 0), max(hi, 0)) for lo, hi in widths]
        if value is not None:
            value = convert(value, x.dtype)
        out = np.pad(x, pos, constant_values=0 if value is None else value)
        crop = tuple(slice(max(-lo, 0), out.shape[i] - max(-hi, 0)) for i, (lo, hi) in enumerate(widths))
        from ...ops._layout import contig_or_cl       # torch: empty(shape, x.suggest_memory_format())
        r = _wrap(contig_or_cl(np.ascontiguousarray(out[crop]), x))
        if GRAD.enabled and input._rg:
            node = ConstantPadNdBackward0()
            node.widths, node.xshape = widths, x.shape
            record1(node, r, input)
        return r
    if mode not in _NP_MODES:
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if value is not None and value != 0:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    _check_non_constant(x.shape, tuple(pad), mode)
    if mode == "circular":
        return _pad_circular(input, tuple(pad))
    if x.dtype == np.bool_:         # the reflection / replication kernels have no bool instance
        from ...ops._complex_refuse import not_implemented
        raise not_implemented(f"{'reflection' if mode == 'reflect' else 'replication'}_pad{len(pad) // 2}d", x.dtype)
    pos = [(max(lo, 0), max(hi, 0)) for lo, hi in widths]
    index = np.pad(np.arange(x.size).reshape(x.shape), pos, mode=_NP_MODES[mode])
    # negative widths crop, after the padding of the other side
    index = index[tuple(slice(max(-lo, 0), index.shape[i] - max(-hi, 0)) for i, (lo, hi) in enumerate(widths))]
    from ...ops._layout import contig_or_cl       # torch: empty(shape, x.suggest_memory_format())
    r = _wrap(contig_or_cl(x.reshape(-1)[index], x))
    if GRAD.enabled and input._rg:
        n = len(pad) // 2
        kind = {"reflect": "Reflection", "replicate": "Replication"}[mode]
        cls = {"Reflection": {1: ReflectionPad1DBackward0, 2: ReflectionPad2DBackward0, 3: ReflectionPad3DBackward0},
               "Replication": {1: ReplicationPad1DBackward0, 2: ReplicationPad2DBackward0,
                               3: ReplicationPad3DBackward0}}[kind][n]
        node = cls()
        node.index, node.xshape = index, x.shape
        record1(node, r, input)
    return r
