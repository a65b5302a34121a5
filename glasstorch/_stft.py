"""``torch.stft`` and ``torch.istft``: the short-time Fourier transform and its inverse.

stft cuts the (optionally reflect-padded) signal into frames of ``n_fft`` samples every
``hop_length``, multiplies each by the window (zero-padded to ``n_fft`` when ``win_length`` is
shorter) and takes the FFT of every frame.  istft inverts each frame, multiplies by the window
again, overlap-adds the frames and divides by the overlap-added squared window (the NOLA
condition: that envelope must never be zero).

Both are built from glasstorch ops in torch's order (as_strided, mul, the FFT primitives,
transpose_, squeeze_), so the autograd graph and its node names are torch's; only the overlap-add
(torch's ``unfold_backward``) has its own node here.
"""
import numpy as np

from . import _dtype as _dt
from ._fft_core import run_c2c, run_r2c, run_c2r
from .autograd.graph import Node
from .ops._common import GRAD, _wrap, record1

_LEGACY = {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16", "int64": "Long",
           "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool",
           "complex64": "ComplexFloat", "complex128": "ComplexDouble"}
from ._user_warning import WARNED as _WARNED, warn_once  # noqa: E402


_warn_once = warn_once       # torch's TORCH_WARN_ONCE: once per process


def _tensor_name(t):
    return f"torch.{_LEGACY[t.dtype.name if hasattr(t.dtype, 'name') else str(t.dtype)]}Tensor"


def _sizes(t):
    return "[" + ", ".join(str(s) for s in t.shape) + "]"


def _opt(v):
    if v is None:
        return "None"
    return str(int(v)) if isinstance(v, bool) else str(v)


def _window_repr(window):
    return "None" if window is None else f"{_tensor_name(window)}{{{_sizes(window)}}}"


def _dtype_name(t):
    return str(t.dtype).replace("torch.", "")


# ---- stft -------------------------------------------------------------------------------------
def stft(input, n_fft, hop_length=None, win_length=None, window=None, center=True, pad_mode="reflect",
         normalized=False, onesided=None, return_complex=None, align_to_window=None):
    from .nn import functional as F
    if center and align_to_window is not None:
        raise RuntimeError("stft align_to_window should only be set when center = false")
    if center:
        # torch.functional.stft pads in Python before the ATen op sees the signal
        signal_dim = input.dim()
        extended = [1] * (3 - signal_dim) + list(input.shape)
        pad = int(n_fft // 2)
        input = F.pad(input.view(extended), [pad, pad], pad_mode)
        input = input.view(input.shape[-signal_dim:])
    return _stft(input, n_fft, hop_length, win_length, window, normalized, onesided, return_complex,
                 align_to_window)


_STFT_SIGS = (
    'stft(Tensor input, int64_t n_fft, int64_t? hop_length=None, int64_t? win_length=None, Tensor? window=None, '
    'bool center=True, c10::string_view pad_mode="reflect", bool normalized=False, bool? onesided=None, '
    'bool? return_complex=None, bool? align_to_window=None)',
    'stft(Tensor input, int64_t n_fft, int64_t? hop_length=None, int64_t? win_length=None, Tensor? window=None, '
    'bool normalized=False, bool? onesided=None, bool? return_complex=None, bool? align_to_window=None)')
_ISTFT_SIG = ('istft(Tensor input, int64_t n_fft, int64_t? hop_length=None, int64_t? win_length=None, '
              'Tensor? window=None, bool center=True, bool normalized=False, bool? onesided=None, '
              'int64_t? length=None, bool return_complex=False)',)
# each parameter's plain Python types, in the op's order ("T": a Tensor)
_STFT_KINDS = ("T", (int,), (int, None), (int, None), ("T", None), (bool,), (bool, None), (bool, None), (bool, None))
_ISTFT_KINDS = {"input": ("T",), "n_fft": (int,), "hop_length": (int, None), "win_length": (int, None),
                "window": ("T", None), "center": (bool,), "normalized": (bool,), "onesided": (bool, None),
                "length": (int, None), "return_complex": (bool,)}


def _plain(value, kinds):
    from ._tensor import Tensor
    return any(isinstance(value, Tensor) if k == "T" else (value is None if k is None else value.__class__ is k)
               for k in kinds)


def _parse(sigs, args, kwargs, plain):
    """torch's parser on the ATen op's arguments, for a call they do not all have their plain types."""
    if not plain:
        from ._arg_parser import parser_error
        err = parser_error(sigs, args, kwargs)
        if err is not None:
            raise err


def _stft(self, n_fft, hop_opt, win_opt, window, normalized, onesided_opt, return_complex_opt, align_opt):
    from .ops.complex_ops import view_as_real
    args = (self, n_fft, hop_opt, win_opt, window, normalized, onesided_opt, return_complex_opt, align_opt)
    _parse(_STFT_SIGS, args, {}, all(_plain(a, k if isinstance(k, tuple) else (k,)) for a, k in zip(args, _STFT_KINDS)))
    hop_length = n_fft >> 2 if hop_opt is None else hop_opt
    win_length = n_fft if win_opt is None else win_opt
    if window is None:
        _warn_once("stft-window",
                   "A window was not provided. A rectangular window will be applied,which is known to cause "
                   "spectral leakage. Other windows such as torch.hann_window or torch.hamming_window are "
                   "recommended to reduce spectral leakage.To suppress this warning and use a rectangular "
                   "window, explicitly set `window=torch.ones(n_fft, device=<device>)`. (Triggered internally at "
                   "/__w/pytorch/pytorch/aten/src/ATen/native/SpectralOps.cpp:835.)")
    return_complex = return_complex_opt
    if return_complex is None:
        return_complex = self.is_complex() or (window is not None and window.is_complex())
    if not return_complex:
        if return_complex_opt is None:
            raise RuntimeError("stft requires the return_complex parameter be given for real inputs, and will "
                               "further require that return_complex=True in a future PyTorch release.")
        _warn_once("stft-real",
                   "stft with return_complex=False is deprecated. In a future pytorch release, stft will return "
                   "complex tensors for all inputs, and return_complex=False will raise an error.\nNote: you can "
                   "still call torch.view_as_real on the complex output to recover the old return format. "
                   "(Triggered internally at /__w/pytorch/pytorch/aten/src/ATen/native/SpectralOps.cpp:874.)")

    def fail(what):
        raise RuntimeError(
            f"stft({_tensor_name(self)}{_sizes(self)}, n_fft={n_fft}, hop_length={hop_length}, "
            f"win_length={win_length}, window={_window_repr(window)}, normalized={int(bool(normalized))}, "
            f"onesided={_opt(onesided_opt)}, return_complex={_opt(return_complex_opt)}, "
            f"align_to_window={_opt(align_opt)}) : {what}")

    if not (self.is_floating_point() or self.is_complex()):
        fail("expected a tensor of floating point or complex values")
    if self.dim() > 2 or self.dim() < 1:
        fail("expected a 1D or 2D tensor")
    x = self.unsqueeze(0) if self.dim() == 1 else self
    length = x.shape[1]
    if n_fft <= 0 or n_fft > length:
        fail(f"expected 0 < n_fft < {length}, but got n_fft={win_length}")   # torch prints win_length here
    if hop_length <= 0:
        fail(f"expected hop_length > 0, but got hop_length={hop_length}")
    if win_length <= 0 or win_length > n_fft:
        fail(f"expected 0 < win_length <= n_fft, but got win_length={win_length}")
    if window is not None and (window.dim() != 1 or window.shape[0] != win_length):
        fail(f"expected a 1D window tensor of size equal to win_length={win_length}, but got window with size "
             f"{_sizes(window)}")
    if x.dtype == _dt.float16 or x.dtype == _dt.bfloat16:
        raise RuntimeError(f"MKL FFT doesn't support tensors of type: {'Half' if x.dtype == _dt.float16 else 'BFloat16'}")
    window_ = _centered_window(window, win_length, n_fft, x)
    if align_opt:
        # frames line up with the window, not with the n_fft span around it
        from .nn import functional as F
        left = (n_fft - win_length) // 2
        x = F.pad(x, [left, n_fft - win_length - left])
        length = x.shape[1]
    n_frames = 1 + (length - n_fft) // hop_length
    xc = x.contiguous()
    frames = xc.as_strided((x.shape[0], n_frames, n_fft), (length, hop_length, 1))
    if window_ is not None:
        frames = frames.mul(window_)
    onesided = (not frames.is_complex()) if onesided_opt is None else onesided_opt
    mode = "sqrt" if normalized else "none"
    data = frames._data
    if frames.is_complex():
        if onesided:
            raise RuntimeError("Cannot have onesided output if window or input is complex")
        out = run_c2c(frames, data, (2,), (n_fft,), mode, True)
    else:
        out = run_r2c(frames, data, (2,), (n_fft,), mode, onesided)
    out = _transpose_in_place(out)
    if self.dim() == 1:
        out.squeeze_(0)
    return out if return_complex else view_as_real(out)


def _centered_window(window, win_length, n_fft, like):
    """The window zero-padded on both sides to n_fft (None stays None when no padding is needed)."""
    if win_length >= n_fft:
        return window
    from .nn import functional as F
    from ._creation import ones
    left = (n_fft - win_length) // 2
    w = window if window is not None else ones(win_length, dtype=like.dtype)
    return F.pad(w, [left, n_fft - win_length - left])


def _transpose_in_place(out):
    """``out.transpose_(1, 2)``, as torch's stft ends (so the node is TransposeBackward1)."""
    from .ops.inplace_more import transpose_
    return transpose_(out, 1, 2)


# ---- istft ------------------------------------------------------------------------------------
class UnfoldBackwardBackward0(Node):
    """y[b, t*hop + k] += x[b, t, k]  (overlap-add)   ->   dx[b, t, k] = g[b, t*hop + k]"""
    __slots__ = ("size", "step", "n_frames")

    def backward(self, g):
        if not isinstance(g, np.ndarray):     # create_graph: torch's formula, g.unfold (UnfoldBackward0)
            win = g.unfold(1, self.size, self.step)
            return (win if win.shape[1] == self.n_frames else win[:, :self.n_frames],)
        win = np.lib.stride_tricks.sliding_window_view(g, self.size, axis=1)[:, ::self.step]
        return (np.ascontiguousarray(win[:, :self.n_frames]),)


def _overlap_add(frames, hop, out_len):
    d = frames._data
    b, n_frames, size = d.shape
    y = np.zeros((b, out_len), d.dtype)
    for t in range(n_frames):
        y[:, t * hop:t * hop + size] += d[:, t]
    r = _wrap(y)
    if GRAD.enabled and frames._rg:
        node = UnfoldBackwardBackward0()
        node.size, node.step, node.n_frames = size, hop, n_frames
        record1(node, r, frames)
    return r


_ISTFT_TYPE = {"complex64": "CPUComplexFloatType", "complex128": "CPUComplexDoubleType",
               "float32": "CPUFloatType", "float64": "CPUDoubleType"}


def istft(*args, **kwargs):
    names = tuple(_ISTFT_KINDS)
    bound = dict(zip(names, args), **kwargs)
    plain = len(args) <= len(names) and set(kwargs) <= set(names) and "input" in bound and "n_fft" in bound and \
        all(_plain(v, _ISTFT_KINDS[k]) for k, v in bound.items())
    _parse(_ISTFT_SIG, args, kwargs, plain)
    return _istft(*args, **kwargs)


def _istft(input, n_fft, hop_length=None, win_length=None, window=None, center=True, normalized=False,
           onesided=None, length=None, return_complex=False):
    from .ops.complex_ops import view_as_real, view_as_complex
    from .nn import functional as F
    self = input
    hop = n_fft >> 2 if hop_length is None else hop_length
    win = n_fft if win_length is None else win_length
    if window is None:
        _warn_once("istft-window",
                   "A window was not provided. A rectangular window will be applied.Please provide the same "
                   "window used by stft to make the inversion lossless.To suppress this warning and use a "
                   "rectangular window, explicitly set `window=torch.ones(n_fft, device=<device>)`. (Triggered "
                   "internally at /__w/pytorch/pytorch/aten/src/ATen/native/SpectralOps.cpp:1035.)")
    if not self.is_complex():
        raise RuntimeError("istft requires a complex-valued input tensor matching the output from stft with "
                           "return_complex=True.")

    def head():
        return (f"istft({_ISTFT_TYPE.get(_dtype_name(self), _dtype_name(self))}{_sizes(self)}, n_fft={n_fft}, "
                f"hop_length={hop}, win_length={win}, window={_window_repr(window)}, center={int(bool(center))}, "
                f"normalized={int(bool(normalized))}, onesided={_opt(onesided)}, length={_opt(length)}, "
                f"return_complex={int(bool(return_complex))})")

    def fail(what):
        raise RuntimeError(f"{head()} : {what}")

    x = view_as_real(self.resolve_conj())
    in_dim = x.dim()
    n_frames, fft_size = x.size(-2), x.size(-3)        # (torch's IndexError for a 0-d or 1-d input)
    expected_len = n_fft + hop * (n_frames - 1)
    if x.numel() == 0:
        fail("input tensor cannot be empty.")
    if in_dim not in (3, 4):
        fail(f"expected a tensor with 3 or 4 dimensions, but got {in_dim}")
    one = fft_size != n_fft if onesided is None else onesided
    if one and n_fft // 2 + 1 != fft_size:
        fail("expected the frequency dimension (3rd to the last) of the input tensor to match n_fft / 2 + 1 when "
             f"onesided=True, but got {fft_size}")
    if not one and n_fft != fft_size:
        fail("expected the frequency dimension (3rd to the last) of the input tensor to match n_fft when "
             f"onesided=False, but got {fft_size}")
    if not (0 < hop <= win):
        fail("expected 0 < hop_length <= win_length")
    if not (0 < win <= n_fft):
        fail("expected 0 < win_length <= n_fft")
    if window is not None and (window.dim() != 1 or window.shape[0] != win):
        fail("Invalid window shape. window has to be 1D and length of `win_length`")

    from ._creation import ones
    w = window if window is not None else ones(win, dtype=x.dtype)
    if win != n_fft:
        left = (n_fft - win) // 2
        w = F.pad(w, [left, n_fft - win - left])
    if in_dim == 3:
        x = x.unsqueeze(0)
    spec = view_as_complex(x.transpose(1, 2))          # (channel, n_frames, fft_size)
    mode = "sqrt" if normalized else "n"
    if return_complex:
        if one:
            raise RuntimeError("Cannot have onesided output if window or input is complex")
        frames = run_c2c(spec, spec._data, (2,), (n_fft,), mode, False)
    else:
        if window is not None and window.is_complex():
            raise RuntimeError("Complex windows are incompatible with return_complex=False")
        if not one:
            spec = spec.narrow(-1, 0, n_fft // 2 + 1)
        frames = run_c2r(spec, spec._data, (2,), (n_fft,), mode, False)
    y = _overlap_add(frames * w.view(1, 1, n_fft), hop, expected_len)
    env = _overlap_add(w.pow(2).expand(1, n_frames, n_fft), hop, expected_len)
    start = n_fft // 2 if center else 0
    if length is not None:
        end = start + length
    else:
        end = -(n_fft // 2) if center else expected_len
    y = y[:, start:end]
    env = env[:, start:end]
    if bool((env.abs().min() < 1e-11).item()):
        raise RuntimeError(f"{head()} window overlap add min: 1\n[ CPUBoolType{{}} ]")
    y = y / env
    if in_dim == 3:
        y = y.squeeze(0)
    if end > expected_len:
        _warn_once("istft-length",
                   "The length of signal is shorter than the length parameter. Result is being padded with zeros "
                   "in the tail. Please check your center and hop_length settings. (Triggered internally at "
                   "/__w/pytorch/pytorch/aten/src/ATen/native/SpectralOps.cpp:1199.)")
        y = F.pad(y, [0, end - expected_len])
    return y
