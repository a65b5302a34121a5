"""torch.fft against torch: values (to rounding: torch's CPU build uses MKL, NumPy pocketfft), dtypes,
grad_fn names, lazy-conj flags, gradients, frequency helpers and errors."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from tests.parity._helpers import MODS, same_error
from tests.parity._cx_helpers import cx, real, cx_same

CASES = {
    "fft_r": (lambda t, x: t.fft.fft(x), "r"),
    "fft_r_n_dim_ortho": (lambda t, x: t.fft.fft(x, n=9, dim=0, norm="ortho"), "r"),
    "fft_c_n_forward": (lambda t, x: t.fft.fft(x, n=4, norm="forward"), "c"),
    "fft_c": (lambda t, x: t.fft.fft(x, dim=0), "c"),
    "ifft_r": (lambda t, x: t.fft.ifft(x, n=8), "r"),
    "ifft_c": (lambda t, x: t.fft.ifft(x, dim=0, norm="ortho"), "c"),
    "rfft": (lambda t, x: t.fft.rfft(x, n=7), "r"),
    "rfft_ortho_dim0": (lambda t, x: t.fft.rfft(x, norm="ortho", dim=0), "r"),
    "rfft_forward": (lambda t, x: t.fft.rfft(x, norm="forward"), "r"),
    "irfft": (lambda t, x: t.fft.irfft(x), "c"),
    "irfft_n5_forward": (lambda t, x: t.fft.irfft(x, n=5, norm="forward"), "c"),
    "irfft_n13": (lambda t, x: t.fft.irfft(x, n=13), "c"),
    "irfft_odd": (lambda t, x: t.fft.irfft(x, n=11, norm="ortho"), "c"),
    "irfft_real_in": (lambda t, x: t.fft.irfft(x), "r"),
    "hfft": (lambda t, x: t.fft.hfft(x, n=7), "c"),
    "hfft_default": (lambda t, x: t.fft.hfft(x, norm="ortho"), "c"),
    "ihfft": (lambda t, x: t.fft.ihfft(x), "r"),
    "fft2_r": (lambda t, x: t.fft.fft2(x), "r"),
    "fft2_c_s": (lambda t, x: t.fft.fft2(x, s=(3, 8), norm="ortho"), "c"),
    "ifft2": (lambda t, x: t.fft.ifft2(x), "c"),
    "rfft2": (lambda t, x: t.fft.rfft2(x), "r"),
    "rfft2_s": (lambda t, x: t.fft.rfft2(x, s=(5, 4), norm="forward"), "r"),
    "irfft2": (lambda t, x: t.fft.irfft2(x), "c"),
    "irfft2_s": (lambda t, x: t.fft.irfft2(x, s=(5, 9)), "c"),
    "fftn_dim": (lambda t, x: t.fft.fftn(x, dim=1), "c"),
    "fftn_all": (lambda t, x: t.fft.fftn(x), "r"),
    "rfftn_s": (lambda t, x: t.fft.rfftn(x, s=(2, 5)), "r"),
    "irfftn_dim0": (lambda t, x: t.fft.irfftn(x, dim=(0,)), "c"),
    "irfftn_s_minus1": (lambda t, x: t.fft.irfftn(x, s=(-1, 6)), "c"),
    "ifftn_forward": (lambda t, x: t.fft.ifftn(x, norm="forward"), "r"),
    "fftshift": (lambda t, x: t.fft.fftshift(x, dim=1), "c"),
    "ifftshift": (lambda t, x: t.fft.ifftshift(x), "r"),
    "fftshift_tuple": (lambda t, x: t.fft.fftshift(x, dim=(0, -1)), "r"),
    "roundtrip": (lambda t, x: t.fft.irfft(t.fft.rfft(x), n=6), "r"),
    # (no angle here: for bins whose imaginary part is a rounding-level +-0, MKL and pocketfft can
    # pick opposite sides of the branch cut)
    "spectrum": (lambda t, x: t.fft.rfft(x).abs() ** 2 + t.fft.fft(x).abs().sum(), "r"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_fft_float64(name):
    fn, kind = CASES[name]
    cx_same(fn, [real(4, 6) if kind == "r" else cx(4, 6)], rtol=1e-9, atol=1e-10)


@pytest.mark.parametrize("name", sorted(CASES))
def test_fft_float32(name):
    fn, kind = CASES[name]
    x = real(4, 6, dtype=np.float32) if kind == "r" else cx(4, 6, dtype=np.complex64)
    cx_same(fn, [x], rtol=2e-5, atol=2e-5)


@given(st.integers(1, 12), st.integers(1, 14), st.sampled_from([None, "forward", "ortho", "backward"]))
@settings(max_examples=40, deadline=None)
def test_rfft_irfft_sizes(length, n, norm):
    x = real(2, length)
    cx_same(lambda t, a: t.fft.rfft(a, n=n, norm=norm), [x], rtol=1e-9, atol=1e-10)
    z = cx(2, length)
    if n >= 1:
        cx_same(lambda t, a: t.fft.irfft(a, n=n, norm=norm), [z], rtol=1e-9, atol=1e-10)


def test_int_input_and_printing():
    # not t.fft.fft(t.tensor([1, 0, 0, 0])): MKL's last bin is 1.-0.j, pocketfft's 1.+0.j (a zero's sign)
    for f in (lambda t: t.fft.fft(t.arange(4.)), lambda t: t.fft.rfft(t.tensor([1., 2, 3])).abs(),
              lambda t: t.fft.fft(t.tensor([1, 2, 3])).angle(), 
              lambda t: t.fft.fft(t.tensor([1., 2, 3], dtype=t.float64)).real):
        assert repr(f(glasstorch)) == repr(f(torch))


def test_freqs():
    for f in (lambda t: t.fft.fftfreq(5), lambda t: t.fft.fftfreq(4, d=0.1), lambda t: t.fft.rfftfreq(7, 0.3),
              lambda t: t.fft.fftfreq(3, dtype=t.float64), lambda t: t.fft.fftfreq(1), lambda t: t.fft.rfftfreq(10, 1 / 16000),
              lambda t: t.fft.fftfreq(16, 1 / 8000), lambda t: t.fft.fftshift(t.fft.fftfreq(6)),
              lambda t: t.fft.ifftshift(t.arange(5)), lambda t: t.fft.fftshift(t.arange(6).view(2, 3))):
        a, b = f(torch), f(glasstorch)
        assert repr(a) == repr(b)
        np.testing.assert_array_equal(b.numpy(), a.numpy())


def test_errors():
    for f in (lambda t: t.fft.rfft(t.ones(3, dtype=t.cfloat)), lambda t: t.fft.ihfft(t.ones(3, dtype=t.cfloat)),
              lambda t: t.fft.fft(t.ones(3), norm="bad"), lambda t: t.fft.fft(t.ones(3), n=0),
              lambda t: t.fft.fft(t.ones(3), dim=3), lambda t: t.fft.fft2(t.ones(3)),
              lambda t: t.fft.irfft(t.ones(1, dtype=t.cfloat)), lambda t: t.fft.fftn(t.ones(2, 2), s=(2,), dim=(0, 1))):
        same_error(f)


def test_module_present():
    assert glasstorch.fft.fft is not None
    assert all(hasattr(glasstorch.fft, name) for name in dir(torch.fft)
               if name in ("fft", "ifft", "rfft", "irfft", "fft2", "ifft2", "rfft2", "irfft2", "fftn", "ifftn", "rfftn",
                           "irfftn", "hfft", "ihfft", "fftfreq", "rfftfreq", "fftshift", "ifftshift"))


def test_signal_lesson():
    """A typical lesson: a two-tone signal, its spectrum's peaks, and a low-pass filter back to time."""
    def lesson(t):
        fs = 64
        n = t.arange(64, dtype=t.float32)
        x = t.sin(2 * 3.141592653589793 * 5 * n / fs) + 0.5 * t.cos(2 * 3.141592653589793 * 12 * n / fs)
        spec = t.fft.rfft(x)
        freqs = t.fft.rfftfreq(64, 1 / fs)
        mag = spec.abs()
        top = t.topk(mag, 2).indices
        keep = (freqs < 8).to(spec.dtype)
        y = t.fft.irfft(spec * keep, n=64)
        return [f"{v:.4f}" for v in mag[top].tolist()], freqs[top].tolist(), f"{(y - t.sin(2 * 3.141592653589793 * 5 * n / fs)).abs().max().item():.4f}"
    assert lesson(glasstorch) == lesson(torch)


def test_grad_through_fft_to_real_leaf():
    def f(t, x, w):
        s = t.fft.rfft(x * w)
        return (s.real ** 2 + s.imag ** 2).sum() + t.fft.fftn(x).abs().sum()
    cx_same(f, [real(3, 8), real(8)], rtol=1e-9, atol=1e-9)
    for t in MODS:
        assert t.fft.fft(t.ones(4, requires_grad=True)).requires_grad
