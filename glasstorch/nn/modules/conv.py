"""Convolutions: ``Conv1d/2d/3d`` and ``ConvTranspose1d/2d/3d`` on the bases ``_ConvNd`` and
``_ConvTransposeNd``, laid out as torch's (subclasses pass ready tuples to ``_ConvNd.__init__``)."""
import collections.abc
import math

from ..parameter import Parameter
from .. import functional as F
from .. import init
from ..parameter import UninitializedParameter
from ...autograd.grad_mode import no_grad
from .lazy import LazyModuleMixin
from .linear import _empty
from .module import Module

__all__ = ["Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d", "LazyConv1d",
           "LazyConv2d", "LazyConv3d", "LazyConvTranspose1d", "LazyConvTranspose2d", "LazyConvTranspose3d"]


def _tuple(v, n):
    # torch's _ntuple: an iterable as a tuple, anything else (a NumPy integer too, kept as it is) n times
    return tuple(v) if isinstance(v, collections.abc.Iterable) else (v,) * n


class _ConvNd(Module):
    __constants__ = ["stride", "padding", "dilation", "groups", "padding_mode", "output_padding", "in_channels",
                     "out_channels", "kernel_size"]

    def __init__(self, in_channels, out_channels, kernel_size, stride, padding, dilation, transposed, output_padding,
                 groups, bias, padding_mode, device=None, dtype=None):
        super().__init__()
        n = len(kernel_size) if not isinstance(kernel_size, int) else 1
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(f"Invalid padding string {padding!r}, should be one of {set(('same', 'valid'))}")
            if padding == "same" and any(s != 1 for s in _tuple(stride, n)):
                raise ValueError("padding='same' is not supported for strided convolutions")
        modes = {"zeros", "reflect", "replicate", "circular"}
        if padding_mode not in modes:
            raise ValueError(f"padding_mode must be one of {modes}, but got padding_mode='{padding_mode}'")
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size = _tuple(kernel_size, n)
        self.stride = _tuple(stride, n)
        self.padding = padding if isinstance(padding, str) else _tuple(padding, n)
        self.dilation = _tuple(dilation, n)
        self.transposed = transposed
        self.output_padding = _tuple(output_padding, n)
        self.groups = groups
        self.padding_mode = padding_mode
        # F.pad's order, last dim first: (left_w, right_w, top_h, bottom_h)
        if isinstance(self.padding, str):
            pads = [(0, 0)] * n if self.padding == "valid" else [
                (d * (k - 1) // 2, d * (k - 1) - d * (k - 1) // 2) for d, k in zip(self.dilation, self.kernel_size)]
        else:
            pads = [(p, p) for p in self.padding]
        reversed_pads = [v for pair in reversed(pads) for v in pair]
        # torch keeps a list for padding='same'/'valid' and a tuple for numeric padding
        self._reversed_padding_repeated_twice = (reversed_pads if isinstance(self.padding, str)
                                                 else tuple(reversed_pads))
        self.weight = Parameter(_empty(self._weight_shape(in_channels, out_channels, groups), dtype))
        if bias:
            self.bias = Parameter(_empty((out_channels,), dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def _weight_shape(self, in_channels, out_channels, groups):
        if self.transposed:
            return (in_channels, out_channels // groups) + self.kernel_size
        return (out_channels, in_channels // groups) + self.kernel_size

    def _conv_forward(self, input, conv):
        if self.padding_mode != "zeros":
            padded = F.pad(input, self._reversed_padding_repeated_twice, mode=self.padding_mode)
            return conv(padded, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)
        return conv(input, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)

    def reset_parameters(self):
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in = self.weight.size(1) * math.prod(self.kernel_size)
            if fan_in != 0:
                bound = 1 / math.sqrt(fan_in)
                init.uniform_(self.bias, -bound, bound)

    def extra_repr(self):
        s = "{in_channels}, {out_channels}, kernel_size={kernel_size}, stride={stride}"
        if self.padding != (0,) * len(self.padding):
            s += ", padding={padding}"
        if self.dilation != (1,) * len(self.dilation):
            s += ", dilation={dilation}"
        if self.output_padding != (0,) * len(self.output_padding):
            s += ", output_padding={output_padding}"
        if self.groups != 1:
            s += ", groups={groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += ", padding_mode={padding_mode}"
        return s.format(**self.__dict__)


class Conv1d(_ConvNd):
    """y[n, o] = b[o] + sum_c W[o, c] (*) x[n, c]   (cross-correlation along one axis)

    Shape: input (N, C_in, L) or (C_in, L); output (N, C_out, L_out)."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True,
                 padding_mode="zeros", device=None, dtype=None):
        super().__init__(in_channels, out_channels, _tuple(kernel_size, 1), _tuple(stride, 1),
                         padding if isinstance(padding, str) else _tuple(padding, 1), _tuple(dilation, 1), False,
                         (0,), groups, bias, padding_mode, device, dtype)

    def forward(self, input):
        return self._conv_forward(input, F.conv1d)


class Conv2d(_ConvNd):
    """y[n, o] = b[o] + sum_c W[o, c] (*) x[n, c]   (2-d cross-correlation)

    Shape: input (N, C_in, H, W) or (C_in, H, W); output (N, C_out, H_out, W_out).
    Attributes: weight (C_out, C_in / groups, kh, kw) and bias, both U(-1/sqrt(fan_in), 1/sqrt(fan_in))."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True,
                 padding_mode="zeros", device=None, dtype=None):
        super().__init__(in_channels, out_channels, _tuple(kernel_size, 2), _tuple(stride, 2),
                         padding if isinstance(padding, str) else _tuple(padding, 2), _tuple(dilation, 2), False,
                         (0, 0), groups, bias, padding_mode, device, dtype)

    def forward(self, input):
        return self._conv_forward(input, F.conv2d)


class Conv3d(_ConvNd):
    """y[n, o] = b[o] + sum_c W[o, c] (*) x[n, c]   (3-d cross-correlation)

    Shape: input (N, C_in, D, H, W) or (C_in, D, H, W); output (N, C_out, D_out, H_out, W_out).
    Attributes: weight (C_out, C_in / groups, kd, kh, kw) and bias, kaiming-uniform as Conv2d."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True,
                 padding_mode="zeros", device=None, dtype=None):
        super().__init__(in_channels, out_channels, _tuple(kernel_size, 3), _tuple(stride, 3),
                         padding if isinstance(padding, str) else _tuple(padding, 3), _tuple(dilation, 3), False,
                         (0, 0, 0), groups, bias, padding_mode, device, dtype)

    def forward(self, input):
        return self._conv_forward(input, F.conv3d)


class _ConvTransposeNd(_ConvNd):
    """The gradient of a convolution with respect to its input, used as a layer (``deconvolution``):
    each input element adds ``x * W`` onto a kernel-sized patch of the output, at stride s.

    Output size per dim: (L - 1) s - 2 p + d (k - 1) + output_padding + 1.
    Attributes: weight (C_in, C_out / groups, *k), bias (C_out), kaiming-uniform as the convolution
    with fan_in = C_out / groups * prod(k)."""

    def __init__(self, in_channels, out_channels, kernel_size, stride, padding, dilation, transposed, output_padding,
                 groups, bias, padding_mode, device=None, dtype=None):
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {self.__class__.__name__}')
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, transposed,
                         output_padding, groups, bias, padding_mode, device, dtype)

    def _output_padding(self, input, output_size, stride, padding, kernel_size, num_spatial_dims, dilation=None):
        """The output_padding that makes the output ``output_size``: it must lie in
        [smallest, smallest + stride - 1] per spatial dim (torch's ``_output_padding``, messages included)."""
        if output_size is None:
            return self.output_padding
        n_spatial = num_spatial_dims
        n_lead = 2 if input.dim() == n_spatial + 2 else 1
        if len(output_size) == n_lead + n_spatial:
            output_size = output_size[n_lead:]
        if len(output_size) != n_spatial:
            raise ValueError(f"ConvTranspose{n_spatial}D: for {input.dim()}D input, output_size must have {n_spatial} "
                             f"or {n_lead + n_spatial} elements (got {len(output_size)})")
        dilation = self.dilation if dilation is None else dilation
        min_sizes = [(input.size(d + n_lead) - 1) * stride[d] - 2 * padding[d] +
                     dilation[d] * (kernel_size[d] - 1) + 1 for d in range(n_spatial)]
        max_sizes = [min_sizes[d] + stride[d] - 1 for d in range(n_spatial)]
        for size, lo, hi in zip(output_size, min_sizes, max_sizes):
            if size < lo or size > hi:
                raise ValueError(f"requested an output size of {output_size}, but valid sizes range "
                                 f"from {min_sizes} to {max_sizes} (for an input of {input.size()[2:]})")
        return tuple(output_size[d] - min_sizes[d] for d in range(n_spatial))

    def _transposed_forward(self, input, output_size, nd, conv):
        output_padding = self._output_padding(input, output_size, self.stride, self.padding, self.kernel_size, nd,
                                              self.dilation)
        return conv(input, self.weight, self.bias, self.stride, self.padding, output_padding, self.groups,
                    self.dilation)


def _transposed(nd, conv_name, doc):
    """ConvTranspose{nd}d: torch's constructor signature, tuples of length ``nd``."""
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1,
                 bias=True, dilation=1, padding_mode="zeros", device=None, dtype=None):
        _ConvTransposeNd.__init__(self, in_channels, out_channels, _tuple(kernel_size, nd), _tuple(stride, nd),
                                  _tuple(padding, nd), _tuple(dilation, nd), True, _tuple(output_padding, nd),
                                  groups, bias, padding_mode, device, dtype)

    def forward(self, input, output_size=None):
        return self._transposed_forward(input, output_size, nd, getattr(F, conv_name))

    return {"__init__": __init__, "forward": forward, "__doc__": doc, "__module__": __name__}


ConvTranspose1d = type("ConvTranspose1d", (_ConvTransposeNd,), _transposed(
    1, "conv_transpose1d", "Transposed 1-d convolution: input (N, C_in, L) or (C_in, L)."))
ConvTranspose2d = type("ConvTranspose2d", (_ConvTransposeNd,), _transposed(
    2, "conv_transpose2d", "Transposed 2-d convolution: input (N, C_in, H, W) or (C_in, H, W)."))
ConvTranspose3d = type("ConvTranspose3d", (_ConvTransposeNd,), _transposed(
    3, "conv_transpose3d", "Transposed 3-d convolution: input (N, C_in, D, H, W) or (C_in, D, H, W)."))


class _LazyConvXdMixin(LazyModuleMixin):
    """``in_channels`` from the first input's channel dim (dim 1 batched, 0 unbatched); the weight and
    bias are materialised and kaiming-initialised then, and the module becomes its plain class."""

    def reset_parameters(self):
        if not self.has_uninitialized_params() and self.in_channels != 0:
            super().reset_parameters()

    def initialize_parameters(self, input, *args, **kwargs):
        if self.has_uninitialized_params():
            self.in_channels = self._get_in_channels(input)
            if self.in_channels % self.groups != 0:
                raise ValueError("in_channels must be divisible by groups")
            with no_grad():
                self.weight.materialize(self._weight_shape(self.in_channels, self.out_channels, self.groups))
                if self.bias is not None:
                    self.bias.materialize((self.out_channels,))
                self.reset_parameters()

    def _get_in_channels(self, input):
        nd = self._get_num_spatial_dims()
        if input.dim() not in (nd + 1, nd + 2):
            raise RuntimeError(f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to "
                               f"{self.__class__.__name__}, but got input of size: {input.shape}")
        return input.shape[1] if input.dim() == nd + 2 else input.shape[0]

    def _get_num_spatial_dims(self):
        raise NotImplementedError


def _lazy_init(self, out_channels, bias, dtype):
    self.weight = UninitializedParameter(dtype=dtype)
    self.out_channels = out_channels
    if bias:
        self.bias = UninitializedParameter(dtype=dtype)


def _lazy_conv(nd, base):
    def __init__(self, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True,
                 padding_mode="zeros", device=None, dtype=None):
        LazyModuleMixin.__init__(self, 0, 0, kernel_size, stride, padding, dilation, groups, False, padding_mode,
                                 device, dtype)
        _lazy_init(self, out_channels, bias, dtype)

    return type(f"Lazy{base.__name__}", (_LazyConvXdMixin, base), {
        "__init__": __init__, "cls_to_become": base, "_get_num_spatial_dims": lambda self: nd,
        "__module__": __name__, "__doc__": f"A ``{base.__name__}`` whose ``in_channels`` is inferred from the input."})


def _lazy_conv_transpose(nd, base):
    def __init__(self, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1, bias=True,
                 dilation=1, padding_mode="zeros", device=None, dtype=None):
        LazyModuleMixin.__init__(self, 0, 0, kernel_size, stride, padding, output_padding, groups, False, dilation,
                                 padding_mode, device, dtype)
        _lazy_init(self, out_channels, bias, dtype)

    return type(f"Lazy{base.__name__}", (_LazyConvXdMixin, base), {
        "__init__": __init__, "cls_to_become": base, "_get_num_spatial_dims": lambda self: nd,
        "__module__": __name__, "__doc__": f"A ``{base.__name__}`` whose ``in_channels`` is inferred from the input."})


LazyConv1d = _lazy_conv(1, Conv1d)
LazyConv2d = _lazy_conv(2, Conv2d)
LazyConv3d = _lazy_conv(3, Conv3d)
LazyConvTranspose1d = _lazy_conv_transpose(1, ConvTranspose1d)
LazyConvTranspose2d = _lazy_conv_transpose(2, ConvTranspose2d)
LazyConvTranspose3d = _lazy_conv_transpose(3, ConvTranspose3d)
