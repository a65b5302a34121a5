"""The FFT nodes' gradients as recorded tensor ops, for ``create_graph`` (torch's FunctionsManual.cpp).

The plain backward (``_fft_core.py``) works on arrays; when a graph of the backward is recorded the
same gradient is built from the differentiable transforms themselves, as torch builds it, so that
it can be differentiated again (each transform's adjoint is a transform):

    _fft_c2c:  dx = _fft_c2c(g, dims, norm, not forward)
    _fft_r2c:  dx = real(_fft_c2c(g', dims, norm, inverse)),  g' = g written into zeros of the full
               length along the last dim when one-sided (a CopySlices node)
    _fft_c2r:  dx = _fft_r2c(g, dims, norm, onesided), then bins 1 .. n - n//2 - 1 times 2 in place

glasstorch's nodes also hold the resize of the input to ``n`` / ``s`` and, for hfft, the conj of
the input, which torch records as ops of their own (constant_pad_nd / slice, conj): their
backwards are applied here in torch's order (the pad's, then each slice's, then conj).
"""


def _resize_back(g, axes, in_sizes):
    """The gradient of the input before its resize: the pad's backward (a negative pad, recorded as
    ConstantPadNdBackward0), then each cut's (slice_backward, SliceBackwardBackward0), last axis first."""
    from .ops.slice_double import SliceBackwardBackward0, slice_backward_graph
    shrink = [(a, n) for a, n in zip(axes, in_sizes) if g.shape[a] > n]
    if shrink:
        from ._api_fill import constant_pad_nd
        pad = [0] * (2 * g.dim())
        for a, n in shrink:
            pad[2 * (g.dim() - 1 - a) + 1] = n - g.shape[a]
        g = constant_pad_nd(g, pad)
    for a, n in reversed(list(zip(axes, in_sizes))):
        if g.shape[a] < n:
            shape = list(g.shape)
            shape[a] = n
            index = tuple(slice(0, g.shape[a]) if d == a else slice(None) for d in range(g.dim()))
            g = slice_backward_graph(g, tuple(shape), index, SliceBackwardBackward0)
    return g


def c2c_backward(node, g):
    from ._fft_core import run_c2c
    r = run_c2c(g, g._data, node.axes, [g.shape[a] for a in node.axes], node.mode, not node.forward)
    return _resize_back(r, node.axes, node.in_sizes)


def r2c_backward(node, g):
    from ._fft_core import run_c2c
    last = node.axes[-1]
    if node.onesided and g.shape[last] < node.last_size:
        shape = list(g.shape)
        shape[last] = node.last_size
        full = g.new_zeros(shape)
        full.narrow(last, 0, g.shape[last]).copy_(g)
        g = full
    r = run_c2c(g, g._data, node.axes, [g.shape[a] for a in node.axes], node.mode, False).real
    return _resize_back(r, node.axes, node.in_sizes)


def c2r_backward(node, g):
    from ._fft_core import run_r2c
    last = node.axes[-1]
    gi = run_r2c(g, g._data, node.axes, [g.shape[a] for a in node.axes], node.mode, True)
    twice = g.shape[last] - gi.shape[last]
    if twice > 0:
        gi.narrow(last, 1, twice).mul_(2)
    gi = _resize_back(gi, node.axes, node.in_sizes)
    return gi.conj() if node.conj_input else gi
