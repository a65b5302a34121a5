"""Differences found by the sweep24g inverse-problems / computational-imaging programs (FFT
deconvolution with Wiener and Tikhonov filters, TV denoising, ISTA/FISTA and compressed sensing,
Gerchberg-Saxton phase retrieval with complex tensors, toy CT with affine_grid / grid_sample and
hand-written PSNR / SSIM).

* ``Tensor.numpy()`` (and so ``np.asarray(t)``) on a conjugate view (``z.conj()``, ``.mH``,
  ``.adjoint()``) raises torch's "conjugate bit set" RuntimeError unless ``force=True``; glasstorch
  handed out the conjugated values.
* ``Tensor.view(dtype)`` on a conjugate view raises torch's RuntimeError, for any dtype (the tensor's
  own included); glasstorch reinterpreted the conjugated bytes.
* Complex gradients through nodes that only copy, move, sum or zero entries (clone, where, flip, cat,
  pads, index_put / setitem / masked_fill, CopySlices ...) and through ``.real`` / ``.imag`` /
  ``view_as_real``: the zeros they write are torch's ``+0.0``; glasstorch's conjugated frame turned
  them into ``-0.0`` (``z.grad`` printed ``0.0000-0.j`` where torch prints ``0.0000+0.j``).
* An in-place op on ``z.real`` / ``z.imag`` of a complex tensor with history (``w.real.clamp_(min=0)``,
  ``w.imag.zero_()``, ``w.imag.mul_(-1)``): CopySlices read the gradient of the view's region with the
  base's complex dtype instead of the view's real one, so it gave zero gradients or crashed
  ("strides is incompatible with shape").
* ``z ** 2`` / ``z.pow(3)`` / ``torch.square(z)`` of a complex tensor: torch's products ``z * z`` and
  ``z * z * z`` with its complex multiply kernel's rounding (glasstorch used NumPy's product, an ulp
  off in places; ``|z|**2``-style intensities of a complex field went through it).  Not matched: for
  complex64 torch's pow kernel rounds a lone leftover element (n = 1, 9, 17 ...) otherwise than its
  multiply kernel does (neither the plain nor the fused product); the test keeps to whole vector steps.
* ``torch.fft.fft`` / ``ifft`` of a real signal: the full spectrum is the one-sided R2C result with
  its other half filled by conjugate symmetry, as torch's kernel does, so the DC and Nyquist bins
  have an exactly zero imaginary part and X[n-k] == conj(X[k]) exactly (NumPy's C2C left 1e-16
  residues there, which switched printing to scientific notation).  The values themselves are
  pocketfft's, torch's are MKL's: they agree to rounding, so they compare at a tolerance.
"""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import glasstorch
import torch

from ._helpers import same_error, same_on_both

Z = np.array([1 + 2j, -0.5 - 1j, 3j], dtype=np.complex64)


def _conj_views(m, z):
    zz = m.from_numpy(z.copy())
    return [zz.conj(), zz.reshape(1, 3).mH, zz.reshape(3, 1).adjoint(), zz.conj()[1:]]


@pytest.mark.parametrize("which", range(4))
def test_numpy_of_conj_view_raises(which):
    same_error(lambda m: _conj_views(m, Z)[which].numpy())
    same_error(lambda m: np.asarray(_conj_views(m, Z)[which]))


@pytest.mark.parametrize("which", range(4))
def test_numpy_of_conj_view_force_and_resolved(which):
    got = {m: [_conj_views(m, Z)[which].numpy(force=True), _conj_views(m, Z)[which].resolve_conj().numpy(),
               _conj_views(m, Z)[which].clone().numpy()] for m in (torch, glasstorch)}
    for a, b in zip(got[torch], got[glasstorch]):
        np.testing.assert_array_equal(a, b)
        assert a.dtype == b.dtype


def test_numpy_of_real_conj_and_grad_first():
    np.testing.assert_array_equal(torch.tensor([1.0, 2.0]).conj().numpy(),
                                  glasstorch.tensor([1.0, 2.0]).conj().numpy())
    # requires_grad is checked before the conjugate bit, as torch
    same_error(lambda m: m.tensor([1 + 2j], requires_grad=True).conj().numpy())


@pytest.mark.parametrize("dtype", ["float32", "float64", "complex64", "complex128", "int32"])
def test_view_dtype_of_conj_view_raises(dtype):
    same_error(lambda m: m.tensor([1 + 2j, 3j]).conj().view(getattr(m, dtype)))


def test_view_dtype_of_plain_and_resolved_complex():
    same_on_both(lambda m, x: [x.view(m.float32), x.conj().resolve_conj().view(m.float32),
                               x.conj().view(-1).resolve_conj()], [Z], grad=False)
    same_on_both(lambda m, x: x.conj().view(m.int32), [np.array([1.0, 2.0], dtype=np.float32)], grad=False)


# ---- signs of zero in complex gradients --------------------------------------------------------
_UP = np.array([0.7, -1.3, 0.4, -0.2, -2.1, 0.9], dtype=np.float64)
_Z = np.array([1 + 1j, -2 + 0.5j, 0.3 - 1j, -0.7 - 0.2j, 1.5j, -1.1 + 0j])


def _complex_grad_parts(m, fn):
    z = m.tensor(_Z.copy(), requires_grad=True)
    out = fn(m, z)
    out.backward(m.tensor(_UP[:out.numel()].reshape(tuple(out.shape))))
    return np.asarray(m.view_as_real(z.grad).detach().numpy())


_COMPLEX_GRAD_CASES = {   # a pure part (real / imag) of a complex tensor moved by copies, pads, writes
    "imag": lambda m, z: z.imag,
    "real_plus": lambda m, z: (z + m.ones(6, dtype=m.float64)).imag,
    "view_as_real": lambda m, z: m.view_as_real(z)[:, 1] * 2,
    "flip_imag": lambda m, z: z.flip(0).imag,
    "where_imag": lambda m, z: m.where(z.real > 0, z, m.zeros_like(z)).imag,
    "reflect_pad_real": lambda m, z: m.nn.functional.pad(z.reshape(1, 6), (2, 2), mode="reflect").real[0, :6],
    "circular_pad_imag": lambda m, z: m.nn.functional.pad(z.reshape(1, 1, 6), (2, 2), mode="circular").imag[0, 0, 1:7],
    "setitem_real": lambda m, z: (lambda y: (y.__setitem__(0, 1j), y.real)[1])(z.clone()),
    "index_put_abs": lambda m, z: z.clone().index_put_((m.tensor([0, 2]),), m.tensor([1j, 2j], dtype=m.complex128)).abs(),
    "masked_fill_imag": lambda m, z: z.masked_fill(z.real > 0, 0).imag,
    "cat_real": lambda m, z: m.cat([z[:3], -z[3:]]).real,
    "mask_setitem_abs": lambda m, z: (lambda y: (y.__setitem__(y.real < 0, 0), y.abs())[1])(z.clone()),
}


@pytest.mark.parametrize("case", list(_COMPLEX_GRAD_CASES))
def test_complex_grad_signed_zeros(case):
    fn = _COMPLEX_GRAD_CASES[case]
    a, b = _complex_grad_parts(torch, fn), _complex_grad_parts(glasstorch, fn)
    np.testing.assert_array_equal(b, a)
    np.testing.assert_array_equal(np.signbit(b), np.signbit(a))      # 0.0 vs -0.0 prints as "+0.j" / "-0.j"


def test_complex_grad_prints_like_torch():
    fn = _COMPLEX_GRAD_CASES["setitem_real"]
    got = {}
    for m in (torch, glasstorch):
        z = m.tensor(_Z.copy(), requires_grad=True)
        fn(m, z).sum().backward()
        got[m] = repr(z.grad)
    assert got[glasstorch] == got[torch]


@pytest.mark.parametrize("case", ["imag", "view_as_real", "reflect_pad_real", "setitem_real", "index_put_abs"])
def test_complex_grad_gradcheck(case):
    from glasstorch.autograd.gradcheck import gradcheck
    fn = _COMPLEX_GRAD_CASES[case]
    # through real float64 inputs (the complex tensor built by view_as_complex), so both parts are checked
    x = glasstorch.tensor(np.stack([_Z.real, _Z.imag], -1), requires_grad=True)
    assert gradcheck(lambda t: fn(glasstorch, glasstorch.view_as_complex(t)), (x,), eps=1e-6, atol=1e-6)


# ---- fft of a real signal: conjugate-symmetric fill ------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 12), rows=st.integers(1, 3), f64=st.booleans(), inverse=st.booleans(),
       norm=st.sampled_from([None, "ortho", "forward", "backward"]), seed=st.integers(0, 2 ** 16))
def test_fft_of_real_signal_is_conjugate_symmetric(n, rows, f64, inverse, norm, seed):
    x = np.random.default_rng(seed).standard_normal((rows, n)).astype(np.float64 if f64 else np.float32)
    out = {}
    for m in (torch, glasstorch):
        X = (m.fft.ifft if inverse else m.fft.fft)(m.from_numpy(x.copy()), norm=norm)
        assert X.is_conj() == inverse          # torch: ifft of a real signal is a lazily conjugated R2C
        out[m] = X.resolve_conj().numpy()
    a, b = out[torch], out[glasstorch]
    assert a.dtype == b.dtype and a.shape == b.shape
    np.testing.assert_array_equal(b.imag == 0, a.imag == 0)                 # exact zeros in the same bins
    np.testing.assert_array_equal(np.signbit(b.imag[a.imag == 0]), np.signbit(a.imag[a.imag == 0]))
    np.testing.assert_array_equal(b[:, 1:], np.conj(b[:, 1:][:, ::-1]))    # exact symmetry, as torch's
    tol = 1e-12 if f64 else 2e-5                                           # MKL vs pocketfft rounding
    np.testing.assert_allclose(b, a, rtol=tol, atol=tol * max(1.0, np.abs(a).max()))


def test_fft_of_real_signal_prints_like_torch():
    x = np.array([0.3, -1.2, 2.5, 0.7, -0.4, 1.1], dtype=np.float64)
    got = {m: (repr(m.fft.fft(m.from_numpy(x.copy())).imag), repr(m.fft.ifft(m.from_numpy(x.copy())).imag))
           for m in (torch, glasstorch)}
    assert got[glasstorch] == got[torch]


def test_fft_of_real_signal_grad():
    from glasstorch.autograd.gradcheck import gradcheck
    same_on_both(lambda m, x: m.fft.fft(x, n=7).abs(), [np.array([0.3, -1.2, 2.5, 0.7, -0.4, 1.1])],
                 rtol=1e-12, atol=1e-12)
    x = glasstorch.tensor([0.3, -1.2, 2.5, 0.7, -0.4, 1.1], dtype=glasstorch.float64, requires_grad=True)
    assert gradcheck(lambda t: glasstorch.view_as_real(glasstorch.fft.fft(t, n=8)), (x,))
    assert gradcheck(lambda t: glasstorch.view_as_real(glasstorch.fft.ifft(t, norm="ortho").resolve_conj()), (x,))


# ---- in-place ops on the real / imaginary part of a complex tensor with history ------------------
_PART_INPLACE = {
    "real_clamp": lambda m, z: (lambda w: (w.real.clamp_(min=0), w.abs())[1])(z * 1),
    "imag_zero": lambda m, z: (lambda w: (w.imag.zero_(), (w * w.conj()).real)[1])(z * 1),
    "imag_neg_real": lambda m, z: (lambda w: (w.imag.mul_(-1), w.real * w.imag)[1])(z.clone()),
    "real_slice_add": lambda m, z: (lambda w: (w.real[1:4].add_(z.imag[:3] * 2), w.abs())[1])(z * 1),
    "imag_exp": lambda m, z: (lambda w: (w.imag.exp_(), w.imag + w.real)[1])(z.clone()),
}


@pytest.mark.parametrize("case", list(_PART_INPLACE))
def test_inplace_on_complex_part(case):
    fn = _PART_INPLACE[case]
    a, b = _complex_grad_parts(torch, fn), _complex_grad_parts(glasstorch, fn)
    np.testing.assert_allclose(b, a, rtol=1e-13, atol=1e-15)
    np.testing.assert_array_equal(np.signbit(b[a == 0]), np.signbit(a[a == 0]))


@pytest.mark.parametrize("case", list(_PART_INPLACE))
def test_inplace_on_complex_part_gradcheck(case):
    from glasstorch.autograd.gradcheck import gradcheck
    fn = _PART_INPLACE[case]
    x = glasstorch.tensor(np.stack([_Z.real, _Z.imag], -1), requires_grad=True)
    assert gradcheck(lambda t: fn(glasstorch, glasstorch.view_as_complex(t)), (x,), eps=1e-6, atol=1e-6)


# ---- complex powers 2 and 3 are torch's products -----------------------------------------------
@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 40), c128=st.booleans(), seed=st.integers(0, 2 ** 16))
def test_complex_square_and_cube_exact(n, c128, seed):
    n = n if c128 else 8 * n       # complex64: whole vector steps (see the module docstring)
    rng = np.random.default_rng(seed)
    z = (rng.standard_normal(n) + 1j * rng.standard_normal(n)).astype(np.complex128 if c128 else np.complex64)
    same_on_both(lambda m, x: [x ** 2, x.pow(3), m.square(x), x.pow(2.0), x * x], [z], grad=False)


def test_complex_square_grad():
    from glasstorch.autograd.gradcheck import gradcheck
    x = glasstorch.tensor(np.stack([_Z.real, _Z.imag], -1), requires_grad=True)
    assert gradcheck(lambda t: glasstorch.view_as_real(glasstorch.view_as_complex(t) ** 2), (x,))
    assert gradcheck(lambda t: glasstorch.view_as_real(glasstorch.view_as_complex(t).pow(3)), (x,))
