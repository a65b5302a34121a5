"""torch's argument checks for ``conv{1,2,3}d`` and ``conv_transpose{1,2,3}d``, in its order:
the bias dtype (plain conv), the input's rank (``batchify``), a string padding ('same' / 'valid'),
then ``_convolution``: weight rank, groups, each parameter's length, ``check_shape_forward`` (signs,
ranks, groups, channels, bias, kernel vs padded input), and last the empty-input rule of the
backend choice.  Dtype mismatches and kernel dtype refusals are left to the callers."""
_C_NAMES = {"float64": "double", "float32": "float", "float16": "c10::Half", "int64": "long int", "int32": "int",
            "int16": "short int", "int8": "signed char", "uint8": "unsigned char", "bool": "bool",
            "complex64": "c10::complex<float>", "complex128": "c10::complex<double>"}


def _expand(v, what, dim, nd):
    """torch's parser makes an int the function's ``nd`` values; then 1 value broadcasts to ``dim``."""
    vals = [v] * nd if isinstance(v, int) else list(v)
    if len(vals) == 1:
        return vals * dim
    if len(vals) != dim:
        raise RuntimeError(f"expected {what} to be a single integer value or a list of {dim} values to match the "
                           f"convolution dimensions, but got {what}={vals}")
    return vals


def check_conv(x, w, b, stride, padding, dilation, groups, nd, transposed=False, output_padding=0):
    """``x``, ``w``, ``b`` NumPy arrays (``b`` may be None); raises torch's first error, if any.  Returns the
    (batched) output shape where torch's "empty" backend answers (no batch or no channels), else None."""
    name = f"conv{'_transpose' if transposed else ''}{nd}d"
    if not transposed and b is not None and b.dtype != x.dtype and not isinstance(padding, str):
        raise RuntimeError(f"Input type ({_C_NAMES.get(x.dtype.name, x.dtype.name)}) and bias type "
                           f"({_C_NAMES.get(b.dtype.name, b.dtype.name)}) should be the same")
    if x.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to {name}, but got input "
                           f"of size: {list(x.shape)}")
    xs = list(x.shape) if x.ndim == nd + 2 else [1] + list(x.shape)
    if isinstance(padding, str):
        if padding == "same":
            k = w.ndim
            if k <= 2:
                raise RuntimeError("weight should have at least three dimensions")
            if groups <= 0:
                raise RuntimeError("non-positive groups is not supported")
            if k != len(xs):
                raise RuntimeError(f"Expected {k}-dimensional input for {k}-dimensional weight{list(w.shape)}, but "
                                   f"got {len(xs)}-dimensional input of size {xs} instead")
            for what, v in (("stride", stride), ("dilation", dilation)):
                vals = [v] if isinstance(v, int) else list(v)
                if len(vals) not in (1, k - 2):
                    raise RuntimeError(f"{what} cannot broadcast to {k - 2} dimensions")
            if any(s != 1 for s in ([stride] if isinstance(stride, int) else stride)):
                raise RuntimeError("padding='same' is not supported for strided convolutions")
            ks = w.shape[2:]
            dl = [dilation] * (k - 2) if isinstance(dilation, int) else list(dilation) * (k - 2 if len(dilation) == 1
                                                                                             else 1)
            total = [d * (kk - 1) for d, kk in zip(dl, ks)]
            padding = [int(t / 2) for t in total]   # the left amounts (C++ division); the input gets the rest
            extra = [t - 2 * int(t / 2) for t in total]
            if any(n + e < 0 for n, e in zip(xs[2:], extra)):
                raise RuntimeError("narrow(): length must be non-negative.")
            xs = xs[:2] + [n + e for n, e in zip(xs[2:], extra)]
        elif padding == "valid":
            padding = 0
        else:
            raise RuntimeError(f"Invalid padding string: '{padding}'")
    if w.ndim <= 2:
        raise RuntimeError("weight should have at least three dimensions")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    dim = w.ndim - 2
    st, pd = _expand(stride, "stride", dim, nd), _expand(padding, "padding", dim, nd)
    dl = _expand(dilation, "dilation", dim, nd)
    op = _expand(output_padding, "output_padding", dim, nd)
    if any(p < 0 for p in pd):
        raise RuntimeError("negative padding is not supported")
    if any(p < 0 for p in op):
        raise RuntimeError("negative output_padding is not supported")
    if any(s <= 0 for s in st):
        raise RuntimeError("non-positive stride is not supported")
    if any(d < 0 for d in dl):
        raise RuntimeError("dilation should be greater than zero")
    if w.ndim != len(xs):
        raise RuntimeError(f"Expected {w.ndim}-dimensional input for {w.ndim}-dimensional weight {list(w.shape)}, but "
                           f"got {len(xs)}-dimensional input of size {xs} instead")
    ws = list(w.shape)
    if ws[0] < groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be at least {groups} at dimension 0, but got "
                           f"weight of size {ws} instead")
    if ws[0] % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, but "
                           f"got weight of size [{ws}] instead")
    if not transposed:
        if xs[1] != ws[1] * groups:
            raise RuntimeError(f"Given groups={groups}, weight of size {ws}, expected input{xs} to have "
                               f"{ws[1] * groups} channels, but got {xs[1]} channels instead")
        if b is not None and (b.ndim != 1 or b.shape[0] != ws[0]):
            raise RuntimeError(f"Given weight of size {ws}, expected bias to be 1-dimensional with {ws[0]} elements, "
                               f"but got bias of size {list(b.shape)} instead")
        padded = [n + 2 * p for n, p in zip(xs[2:], pd)]
        kern = [d * (k - 1) + 1 for d, k in zip(dl, ws[2:])]
        if any(a < k for a, k in zip(padded, kern)):
            raise RuntimeError(f"Calculated padded input size per channel: ({' x '.join(map(str, padded))}). Kernel "
                               f"size: ({' x '.join(map(str, kern))}). Kernel size can't be greater than actual input "
                               "size")
    else:
        if xs[1] != ws[0]:
            raise RuntimeError(f"Given transposed=1, weight of size {ws}, expected input{xs} to have {ws[0]} "
                               f"channels, but got {xs[1]} channels instead")
        if b is not None and (b.ndim != 1 or b.shape[0] != ws[1] * groups):
            raise RuntimeError(f"Given transposed=1, weight of size {ws}, expected bias to be 1-dimensional with "
                               f"{ws[1] * groups} elements, but got bias of size {list(b.shape)} instead")
    if xs[0] == 0 or xs[1] == 0:
        if xs[1] != 0 and w.size == 0 or b is not None and b.size == 0:      # weight.view(-1)[0], bias[0]
            raise IndexError("select(): index 0 out of range for tensor of size [0] at dimension 0")
        return _empty_shape(xs, ws, st, pd, dl, op, groups, transposed)
    if dim == 1:                # torch runs 1-d as 2-d with a height of 1 from here on
        xs, ws, dl, st, op = xs[:2] + [1] + xs[2:], ws[:2] + [1] + ws[2:], [1] + dl, [1] + st, [0] + op
        pd = [0] + pd
    if 0 in xs:
        raise RuntimeError(f"Only zero batch or zero channel inputs are supported, but got input shape: {xs}")
    if x.dtype.name == "float32" and _uses_mkldnn(xs, ws, groups):
        _mkldnn_types(x, w, b)
        if not transposed and any(d <= 0 for d in dl):       # oneDNN's own check
            raise RuntimeError("non-positive dilation is not supported")
    _check_kernel(ws, dl, st, op, transposed, xs, pd)
    if not transposed:
        _refuse_dtype(x.dtype, dl, len(ws) == 4)


def _refuse_dtype(dt, dl, two):
    """The CPU kernels' dtype dispatch (by the input's dtype, before any dtype-mismatch check)."""
    from ...ops._complex_refuse import not_implemented
    if any(d != 1 for d in dl):
        if dt.kind == "b" or dt.kind in "iu" and dt.name != "int64":
            raise not_implemented("slow_conv_dilated<>", dt)
    elif dt.kind == "b":
        raise not_implemented("slow_conv2d_cpu" if two else "compute_columns3d", dt)


def _uses_mkldnn(xs, ws, groups):
    """torch's CPU choice of oneDNN for float32 (assuming more than one thread, as on any multi-core CPU)."""
    import math
    return groups > 1 or (ws[-1] > 3 and ws[-2] > 3) or xs[0] > 1 or math.prod(xs[:4]) > 20480


def _mkldnn_types(x, w, b):
    from ...ops.inplace import type_name

    def legacy(dt):             # Tensor.toString(): the legacy class name (bool has none)
        return "CPUBoolType" if dt.kind == "b" else f"torch.{type_name(dt)}Tensor"
    for what, t in (("weight", w), ("bias", b)):
        if t is not None and t.dtype != x.dtype:
            raise RuntimeError(f"Input type ({legacy(x.dtype)}) and {what} type "
                               f"({legacy(t.dtype)}) should be the same or input should be a MKLDNN "
                               f"tensor and {what} is a dense tensor")


def _cdiv(a, b):
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def _empty_shape(xs, ws, st, pd, dl, op, groups, transposed):
    """The "empty" backend's output shape (batched): no channels when the input has none."""
    if transposed:
        sp = [(n - 1) * s - 2 * p + d * (k - 1) + o + 1 for n, s, p, d, k, o in zip(xs[2:], st, pd, dl, ws[2:], op)]
        c = ws[1] * groups
    else:
        sp = [_cdiv(n + 2 * p - d * (k - 1) - 1, s) + 1 for n, s, p, d, k in zip(xs[2:], st, pd, dl, ws[2:])]
        c = ws[0]
    shape = [xs[0], 0 if xs[1] == 0 else c] + sp
    full = shape[:2] + [1] + shape[2:] if len(sp) == 1 else shape       # (1-d runs as 2-d)
    inferred = False            # the result is a view() of an empty tensor to this shape
    for i, v in enumerate(full):
        if v == -1:
            if inferred:
                raise RuntimeError("only one dimension can be inferred")
            inferred = True
        elif v < 0:
            raise RuntimeError(f"invalid shape dimension {v} at index {i} of shape {full}")
    if inferred:
        raise RuntimeError(f"cannot reshape tensor of 0 elements into shape {full} because the unspecified "
                           "dimension size -1 can be any value and is ambiguous")
    return shape


def _check_kernel(ws, dl, st, op, transposed, xs, pd):
    """The shape checks of the CPU kernel torch picks (1-d already made 2-d)."""
    ks, two = ws[2:], len(ws) == 4
    names = ("height", "width") if two else ("depth", "height", "width")
    if transposed:
        if two and 0 in ks:
            raise RuntimeError(f"kernel size should be greater than zero, but got kernel_height: {ks[0]} "
                               f"kernel_width: {ks[1]}")
        if any(d <= 0 for d in dl):
            raise RuntimeError("dilation should be greater than zero, but got " +
                               ", ".join(f"dilation_{n}: {d}" for n, d in zip(names, dl)))
        if any(o >= s and o >= d for o, s, d in zip(op, st, dl)):
            from .conv_transpose import _output_padding_error
            _output_padding_error(tuple(op), tuple(st), tuple(dl))
        if 0 in ws:
            raise RuntimeError("non-empty 2D or 4D weight tensor expected, but got: " + str(ws) if two else
                               "non-empty 5D (n_output_plane x n_input_plane x kernel_depth x kernel_height x "
                               f"kernel_width) tensor expected for weight, but got: {ws}")
        out = [(n - 1) * s - 2 * p + d * (k - 1) + o + 1 for n, s, p, d, k, o in zip(xs[2:], st, pd, dl, ks, op)]
        if min(out) < 1:
            raise RuntimeError(f"Given input size per channel: ({' x '.join(map(str, xs[2:]))}). Calculated output "
                               f"size per channel: ({' x '.join(map(str, out))}). Output size is too small")
        return
    if any(d != 1 for d in dl):
        if 0 in ks:
            raise RuntimeError(f"kernel size should be greater than zero, but got {ks}")
        if any(d <= 0 for d in dl):
            raise RuntimeError(f"dilation should be greater than zero, but got {dl}")
    elif 0 in ks:
        raise RuntimeError(f"kernel size should be greater than zero, but got kernel_height: {ks[0]} kernel_width: "
                           f"{ks[1]}" if two else f"kernel size should be greater than zero, but got: "
                           f"{' x '.join(map(str, ks))} (TxHxW)")


def empty_output(input, weight, bias, shape, unbatched):
    """torch's "empty" backend: ``input * weight`` broadcast to nothing, so the dtype promotes; the
    result joins the graph as ConvolutionBackward0."""
    import numpy as np
    from ...ops._common import GRAD, _wrap, record
    xd, wd = input._data.dtype, weight._data.dtype
    rank = {"b": 0, "i": 1, "u": 1, "f": 2, "c": 3}
    if shape[1] == 0 and rank[wd.kind] == rank[xd.kind]:     # input.view(-1) * weight.view(-1) promote
        dt = np.result_type(xd, wd)
    elif shape[1] == 0:         # across kinds the higher kind's dtype wins
        dt = wd if rank[wd.kind] > rank[xd.kind] else xd
    else:                       # input * weight.view(-1)[0]: a 0-dim weight counts only from a higher kind
        dt = wd if rank[wd.kind] > rank[xd.kind] else xd
    r = _wrap(np.zeros(shape[1:] if unbatched else shape, dt))
    if GRAD.enabled and (input._rg or weight._rg or (bias is not None and bias._rg)):
        node = ConvolutionBackward0()
        node.shapes = (input._data.shape, weight._data.shape, None if bias is None else bias._data.shape)
        record(node, r, input, weight, bias)
    return r


def _empty_node():
    from ...autograd.graph import Node

    class ConvolutionBackward0(Node):
        """y = conv of an empty input   ->   dx, dW, db all zero (nothing was read)"""
        __slots__ = ("shapes",)

        def backward(self, g):
            import numpy as np
            return tuple(None if s is None else np.zeros(s, g.dtype) for s in self.shapes)
    return ConvolutionBackward0


ConvolutionBackward0 = _empty_node()
