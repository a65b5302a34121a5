"""Parity pins from sweep27a (image compression and transform coding programs, tests/programs/sweep27a_*).

Fixed in glasstorch: ``F.interpolate``'s non-antialiased modes now give torch's values and gradients
bit for bit on float32 and float64 (glasstorch/nn/_ops/upsample_src.py):

- the source position of each output is torch's single fused multiply-add ``scale * (o + 0.5) - 0.5``
  with a float32 ``floorf`` for its integer part (a 3x bilinear / linear upsample read input 0 with
  weight 1.49e-08 in torch and 0 in glasstorch, so a printed ramp switched to scientific notation in
  torch only); Keys' cubic coefficients are rounded as torch's compiled kernel rounds them;
- a linear axis whose size does not change is copied, whatever the scale factor (``scale_factor=1.3``
  on 3 samples gave 1.6538 for 2.0);
- 'nearest' and 'nearest-exact' read torch's inputs: in 2-d (output H + W <= 128, or channels-last with
  more than 3 channels) torch's channels-last kernel copies an unchanged axis and uses a float32 scale
  ('nearest' with ``scale_factor=1.3`` on 3 samples gave [0, 0, 1] for [0, 1, 2]); 'nearest-exact' rounds
  the fused source position (2 inputs to 41 outputs read the wrong input);
- outputs are summed in the order and with the fused multiply-adds of torch's kernels: the
  non-separable one (linear, bilinear, trilinear, bicubic; innermost axis first) and the channels-last
  one (bilinear with H + W <= 128 or channels-last input, 3 channels on one thread, channels-last
  trilinear), its AVX2 vectors and scalar tail rounding differently; float16 linear, trilinear and
  bicubic with float16 weights summed in float32;
- the backward of linear, bilinear, trilinear and bicubic accumulates as torch's kernels do (output by
  output, a fused multiply-add per corner; bicubic's compiled without fused multiply-adds), and the
  nearest modes' backward reads the inputs torch's backward kernel reads;
- ``mode='lanczos'`` (with ``antialias=True``; torch's Lanczos-3 filter, float32 with the C library's
  sinf, float64, uint8's fixed point; ``UpsampleLanczos2DAaBackward0``) and its two ValueErrors;
- antialiased float64 (bilinear, bicubic, lanczos) is bit for bit (blocks of two taps, the leftover
  fused; Keys' cubic with fused multiply-adds), and the antialiased backward (float32 / float64)
  accumulates as torch's ``upsample_separable_Nd_backward_aa`` (upsample_aa64.py).

Also: the FFTs' results are laid out as torch's ``_exec_fft`` lays them out (batch dims first, so a
transform over a leading dim is not contiguous: ``.view(-1)`` of ``rfft(x, dim=0)`` raises as in torch);
a cut input is sliced as a view and only a padded one copied; lazy ``conj`` and ``conj_physical`` keep
their input's strides (size-1 dims too); ``angle`` of a complex tensor is row-major; float32 / float64
``atan2`` and complex ``angle`` give torch's values bit for bit (SLEEF's ``atan2`` emulated in the
kernel's vector blocks, the C library's in the rest: _sleef_atan2f.py, _sleef_atan2d.py); complex
division is c10::complex's algorithm with torch's fused multiply-adds (ops/_cdiv.py; NumPy's rounded
~40% of quotients differently): exact for complex128, and for complex64 with same-shape operands
(a complex64 broadcast divisor and in-place ``div_`` still differ in the unpaired tail elements).
"""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from glasstorch.autograd.gradcheck import gradcheck

from ._helpers import same_on_both, same_outcome


def arr(shape, seed=0, dtype=np.float32):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


def interp(**kw):
    return lambda t, x: t.nn.functional.interpolate(x, **kw)


def test_three_times_upsample_reads_torchs_source_position():
    ramp = np.arange(4.0, dtype=np.float32).reshape(1, 1, 1, 4)
    outs = same_on_both(interp(scale_factor=3, mode="bilinear"), [ramp])
    assert outs[torch][0][0, 0, 0, 1].item() == 2.0 ** -26          # not 0
    same_on_both(interp(scale_factor=(2, 3), mode="bilinear"), [ramp])
    same_on_both(interp(scale_factor=3, mode="linear"), [ramp[0]])
    same_on_both(interp(size=(1, 12), mode="bicubic"), [ramp])
    same_on_both(interp(scale_factor=3, mode="linear"), [ramp[0].astype(np.float64)])


def test_printed_ramp_switches_to_scientific_notation():
    def fn(m):
        return str(m.nn.functional.interpolate(m.arange(4.0).view(1, 1, 4), scale_factor=3, mode="linear"))
    assert fn(glasstorch) == fn(torch)


@pytest.mark.parametrize("mode, shape", [("linear", (1, 1, 3)), ("bilinear", (1, 1, 1, 3)),
                                         ("trilinear", (1, 1, 1, 1, 3)), ("nearest", (1, 1, 1, 3)),
                                         ("nearest", (1, 1, 3)), ("nearest-exact", (1, 1, 1, 3)),
                                         ("bicubic", (1, 1, 1, 3))])
def test_unchanged_axis_with_a_scale_factor(mode, shape):
    x = np.array([1.0, 2.0, 4.0], np.float32).reshape(shape)
    same_on_both(interp(scale_factor=1.3, mode=mode), [x])
    same_on_both(interp(scale_factor=2.1, mode=mode), [x])


def test_nearest_exact_two_inputs_to_many_outputs():
    for m in (41, 47, 55, 83):
        same_on_both(interp(size=(1, m), mode="nearest-exact"), [np.arange(2.0, dtype=np.float32).reshape(1, 1, 1, 2)])
        same_on_both(interp(size=m, mode="nearest-exact"), [np.arange(2.0).reshape(1, 1, 2)])


LINEAR_MODES = {1: ["linear"], 2: ["bilinear", "bicubic"], 3: ["trilinear"]}


@settings(max_examples=60, deadline=None)
@given(nd=st.integers(1, 3), data=st.data(), c=st.sampled_from([1, 2, 3, 4, 5, 9]),
       double=st.booleans(), align=st.booleans(), by_size=st.booleans(), channels_last=st.booleans(),
       seed=st.integers(0, 2 ** 16))
def test_interpolate_exact_values_and_gradients(nd, data, c, double, align, by_size, channels_last, seed):
    mode = data.draw(st.sampled_from(LINEAR_MODES[nd]))
    shape = data.draw(st.lists(st.integers(1, 7), min_size=nd, max_size=nd))
    if by_size:
        kw = dict(size=data.draw(st.lists(st.integers(1, 15), min_size=nd, max_size=nd)))
    else:
        sf = data.draw(st.lists(st.sampled_from([0.5, 0.7, 1.0, 1.3, 2.0, 2.5, 3.0, 3.3]), min_size=nd, max_size=nd))
        if min(int(n * s) for n, s in zip(shape, sf)) < 1:
            return
        kw = dict(scale_factor=sf)
    x = arr([2, c] + shape, seed, np.float64 if double else np.float32)
    fmt = {2: "channels_last", 3: "channels_last_3d"}.get(nd) if channels_last else None

    def fn(t, a):
        if fmt:
            a = a.contiguous(memory_format=getattr(t, fmt))
        return t.nn.functional.interpolate(a, mode=mode, align_corners=align, **kw)
    same_on_both(fn, [x], seed=seed)


@settings(max_examples=60, deadline=None)
@given(nd=st.integers(1, 3), exact=st.booleans(), dtype=st.sampled_from(["float32", "float64", "uint8"]),
       c=st.sampled_from([1, 3, 4, 6]), data=st.data(), channels_last=st.booleans(), seed=st.integers(0, 2 ** 16))
def test_nearest_modes_exact(nd, exact, dtype, c, data, channels_last, seed):
    shape = data.draw(st.lists(st.integers(1, 11), min_size=nd, max_size=nd))
    if data.draw(st.booleans()):
        kw = dict(size=data.draw(st.lists(st.integers(1, 150), min_size=nd, max_size=nd)))
    else:
        sf = data.draw(st.lists(st.sampled_from([0.5, 0.7, 1.0, 1.3, 2.0, 2.1, 3.3, 17.0]), min_size=nd, max_size=nd))
        if min(int(n * s) for n, s in zip(shape, sf)) < 1:
            return
        kw = dict(scale_factor=sf)
    x = np.random.default_rng(seed).integers(0, 200, [2, c] + shape).astype(dtype)
    fmt = {2: "channels_last", 3: "channels_last_3d"}.get(nd) if channels_last else None

    def fn(t, a):
        if fmt:
            a = a.contiguous(memory_format=getattr(t, fmt))
        return t.nn.functional.interpolate(a, mode="nearest-exact" if exact else "nearest", **kw)
    same_on_both(fn, [x], seed=seed)


@pytest.mark.parametrize("mode", ["bilinear", "bicubic"])
@pytest.mark.parametrize("c", [1, 3, 8])
def test_large_outputs_take_the_generic_kernel(mode, c):
    """Output H + W > 128: torch's non-separable kernel (channels-last for bilinear with 3 channels on
    one thread, and for channels-last input with more than 3 channels)."""
    same_on_both(interp(size=(70, 65), mode=mode), [arr((1, c, 9, 11), c)], seed=c)
    same_on_both(interp(size=(70, 65), mode=mode), [arr((1, c, 9, 11), c, np.float64)], seed=c)


def test_three_channels_on_one_thread():
    old = torch.get_num_threads(), glasstorch.get_num_threads()
    try:
        torch.set_num_threads(1)
        glasstorch.set_num_threads(1)
        same_on_both(interp(size=(70, 65), mode="bilinear"), [arr((2, 3, 9, 11), 1)])
    finally:
        torch.set_num_threads(old[0])
        glasstorch.set_num_threads(old[1])


@pytest.mark.parametrize("mode, shape, size", [("linear", (2, 3, 7), (17,)), ("trilinear", (1, 2, 3, 4, 5), (5, 7, 9)),
                                               ("bicubic", (2, 3, 6, 7), (13, 11))])
def test_float16_forward(mode, shape, size):
    for k in range(4):
        same_on_both(interp(size=size, mode=mode, align_corners=k % 2 == 1), [arr(shape, k, np.float16)], grad=False)


@pytest.mark.parametrize("mode, shape, kw", [("linear", (1, 2, 4), dict(size=7)),
                                             ("bilinear", (1, 2, 3, 4), dict(scale_factor=(1.5, 2.5))),
                                             ("bicubic", (1, 1, 4, 3), dict(size=(6, 7), align_corners=True)),
                                             ("trilinear", (1, 1, 2, 3, 2), dict(size=(3, 4, 3))),
                                             ("nearest-exact", (1, 1, 3, 4), dict(scale_factor=1.7))])
def test_gradcheck_float64(mode, shape, kw):
    x = glasstorch.from_numpy(arr(shape, 3, np.float64)).requires_grad_()
    assert gradcheck(lambda a: glasstorch.nn.functional.interpolate(a, mode=mode, **kw), (x,))


def test_upsample_module_and_grad_fn_names():
    def fn(m):
        x = m.from_numpy(arr((1, 2, 4, 5), 7)).requires_grad_()
        ys = [m.nn.Upsample(scale_factor=3, mode="bilinear")(x), m.nn.Upsample(size=(6, 6), mode="bicubic")(x),
              m.nn.UpsamplingNearest2d(scale_factor=1.3)(x)]
        gs = m.autograd.grad(sum(y.sum() for y in ys), x)
        return ys + list(gs)
    same_outcome(fn)


# ---- FFT result layout --------------------------------------------------------------------------
FFT_1D = ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft"]
FFT_ND = ["fftn", "ifftn", "rfftn", "irfftn", "fft2", "ifft2", "rfft2", "irfft2", "hfftn", "ihfftn"]
TO_COMPLEX_INPUT = {"irfft", "hfft", "irfftn", "irfft2", "hfftn"}
REAL_ONLY = {"rfft", "ihfft", "rfftn", "rfft2", "ihfftn"}


def _layout(t, y):
    return tuple(y.shape), y.stride(), y.is_contiguous()


def _fft_input(fn, shape, seed, single, complex_in):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape)
    if fn in TO_COMPLEX_INPUT or (complex_in and fn not in REAL_ONLY):
        x = x + 1j * rng.standard_normal(shape)
    return x.astype(np.complex64 if x.dtype.kind == "c" else np.float32) if single else x


def _check_fft_layout(fn, x, perm, kw):
    def run(m):
        t = m.from_numpy(x.copy())
        if perm is not None:
            t = t.permute(*perm)
        y = getattr(m.fft, fn)(t, **kw)
        return _layout(m, y), y.resolve_conj()
    (lt, yt), (lg, yg) = run(torch), run(glasstorch)
    assert lt == lg, f"{fn} {kw}: torch {lt} vs glasstorch {lg}"
    np.testing.assert_allclose(yg.numpy(), yt.numpy(), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("fn", FFT_1D)
@pytest.mark.parametrize("dim", [0, 1, 2])
def test_fft_over_a_leading_dim_is_laid_out_batch_first(fn, dim):
    _check_fft_layout(fn, _fft_input(fn, (2, 3, 4), dim, False, False), None, dict(dim=dim))


@pytest.mark.parametrize("fn", ["fftn", "ifftn", "rfftn", "irfftn", "fft2"])
def test_fftn_leading_and_mixed_dims(fn):
    x = _fft_input(fn, (2, 3, 4, 5), 1, True, fn == "ifftn")
    for dim in [(0, 2), (2, 0), (1, 3), (3, 1), (0, 1)]:
        _check_fft_layout(fn, x, None, dict(dim=dim))


def test_view_of_a_column_spectrum_fails_as_in_torch():
    from ._helpers import same_error
    same_error(lambda m: m.fft.rfft(m.ones(8, 6), dim=0).view(-1))
    same_outcome(lambda m: m.fft.rfft(m.arange(48.0).view(8, 6), dim=0).reshape(-1), rtol=1e-5, atol=1e-4)


def test_lazy_and_physical_conj_keep_strides():
    def fn(m):
        z = m.fft.fft(m.arange(10.0).view(1, 5, 2), dim=1)       # strides with a size-1 dim
        return z.conj().stride(), z.conj_physical().stride(), m.fft.ihfft(m.ones(1, 1, 5, 1), dim=0).stride()
    assert fn(glasstorch) == fn(torch)


@settings(max_examples=150, deadline=None)
@given(fn=st.sampled_from(FFT_1D + FFT_ND), data=st.data(), single=st.booleans(), complex_in=st.booleans(),
       seed=st.integers(0, 2 ** 16))
def test_fft_layout_any_dims_and_sizes(fn, data, single, complex_in, seed):
    nd = data.draw(st.integers(2 if fn.endswith("2") else 1, 4))
    shape = data.draw(st.lists(st.integers(1, 5), min_size=nd, max_size=nd))
    perm = data.draw(st.permutations(range(nd))) if data.draw(st.booleans()) else None
    if fn in FFT_1D:
        kw = dict(dim=data.draw(st.integers(-nd, nd - 1)))
        if data.draw(st.booleans()):
            kw["n"] = data.draw(st.integers(1, 7))
    else:
        k = 2 if fn.endswith("2") else data.draw(st.integers(1, nd))
        kw = dict(dim=tuple(data.draw(st.permutations(range(nd)))[:k]))
        # (hfftn / ihfftn resize every dim before their first transform: glasstorch pads between the two)
        if data.draw(st.booleans()) and fn not in ("hfftn", "ihfftn"):
            kw["s"] = tuple(data.draw(st.lists(st.integers(1, 6), min_size=k, max_size=k)))
    x = _fft_input(fn, shape, seed, single, complex_in)
    try:
        run = getattr(torch.fft, fn)(torch.from_numpy(x.copy()).permute(*(perm or range(nd))), **kw)
    except RuntimeError:
        return            # (invalid sizes: the errors are pinned elsewhere)
    del run
    _check_fft_layout(fn, x, perm, kw)


# ---- antialiased modes: lanczos, float64, backward ------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(mode=st.sampled_from(["bilinear", "bicubic", "lanczos"]), double=st.booleans(), h=st.integers(1, 24),
       w=st.integers(1, 24), oh=st.integers(1, 24), ow=st.integers(1, 24), seed=st.integers(0, 2 ** 16))
def test_antialias_exact_values_and_gradients(mode, double, h, w, oh, ow, seed):
    same_on_both(interp(size=(oh, ow), mode=mode, antialias=True),
                 [arr((2, 2, h, w), seed, np.float64 if double else np.float32)], seed=seed)


@pytest.mark.parametrize("kw", [dict(scale_factor=0.5), dict(scale_factor=(0.3, 2.5)), dict(size=(5, 1)),
                                dict(size=(1, 7)), dict(size=(13, 13)),
                                dict(scale_factor=0.4, recompute_scale_factor=True)])
def test_lanczos_float_uint8(kw):
    same_on_both(interp(mode="lanczos", antialias=True, **kw), [arr((1, 3, 13, 13), 2) * 40])
    x = np.random.default_rng(3).integers(0, 256, (1, 3, 13, 13)).astype(np.uint8)
    same_on_both(interp(mode="lanczos", antialias=True, **kw), [x])


def test_lanczos_errors_and_module():
    x = [arr((1, 1, 6, 6), 1)]
    for kw in [dict(antialias=False), dict(antialias=True, align_corners=True),
               dict(antialias=False, align_corners=True)]:
        same_outcome(lambda m: m.nn.functional.interpolate(m.from_numpy(x[0]), scale_factor=2, mode="lanczos", **kw))
    same_outcome(lambda m: m.nn.functional.interpolate(m.ones(1, 2, 6), scale_factor=2, mode="lanczos", antialias=True))
    same_outcome(lambda m: m.nn.functional.interpolate(m.ones(1, 2, 6), scale_factor=2, mode="lanczos"))
    same_outcome(lambda m: m.nn.functional.interpolate(m.ones(1, 1, 6, 6).half(), scale_factor=2, mode="lanczos",
                                                       antialias=True))
    same_outcome(lambda m: m.nn.Upsample(scale_factor=2, mode="lanczos")(m.ones(1, 1, 3, 3)))
    assert repr(glasstorch.nn.Upsample(scale_factor=2, mode="lanczos")) == repr(torch.nn.Upsample(scale_factor=2,
                                                                                               mode="lanczos"))


@pytest.mark.parametrize("mode", ["bilinear", "bicubic", "lanczos"])
def test_gradcheck_antialias_float64(mode):
    x = glasstorch.from_numpy(arr((1, 1, 5, 6), 4, np.float64)).requires_grad_()
    assert gradcheck(lambda a: glasstorch.nn.functional.interpolate(a, size=(3, 8), mode=mode, antialias=True), (x,))


def test_phase_of_a_strided_spectrum_is_row_major():
    """``angle`` of a complex tensor writes a fresh row-major tensor (torch's out= path), whatever the
    input's layout; of a real tensor it keeps the layout."""
    def fn(m):
        spec = m.fft.rfft(m.arange(24.0).view(4, 6), dim=0)
        z = m.arange(24.0).view(4, 6).T + 1j
        return spec.angle().stride(), z.angle().stride(), m.ones(6, 4).T.angle().stride()
    assert fn(glasstorch) == fn(torch)
    same_outcome(lambda m: (m.arange(24.0).view(4, 6).T + 1j).angle())


# ---- atan2 and complex angle: SLEEF's routine in the vector blocks, glibc's in the rest ---------------
@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 70), double=st.booleans(), transpose=st.booleans(), scalar=st.booleans(),
       seed=st.integers(0, 2 ** 16))
def test_atan2_bit_exact(n, double, transpose, scalar, seed):
    rng = np.random.default_rng(seed)
    dt = np.float64 if double else np.float32
    y = (rng.standard_normal((3, n)) * 10.0 ** rng.integers(-3, 4, (3, n))).astype(dt)
    x = (rng.standard_normal((3, n)) * 10.0 ** rng.integers(-3, 4, (3, n))).astype(dt)

    def fn(t, a, b):
        if transpose:
            a, b = a.T, b.T
        return t.atan2(a, b[..., :1] if scalar else b)
    same_on_both(fn, [y, x], grad_rtol=1e-6, grad_atol=1e-6)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 70), double=st.booleans(), transpose=st.booleans(), seed=st.integers(0, 2 ** 16))
def test_complex_angle_bit_exact(n, double, transpose, seed):
    rng = np.random.default_rng(seed)
    z = (rng.standard_normal((3, n)) + 1j * rng.standard_normal((3, n))).astype(
        np.complex128 if double else np.complex64)
    same_outcome(lambda m: (m.from_numpy(z.copy()).T if transpose else m.from_numpy(z.copy())).angle())


def test_atan2_special_values():
    sp = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1.0, -1.0, 1e-40, 3e38, -3e38], np.float32)
    yy, xx = [np.tile(a.ravel(), 2) for a in np.meshgrid(sp, sp)]        # 200: vector blocks and a tail
    same_on_both(lambda t, a, b: t.atan2(a, b), [yy, xx], grad=False)
    same_on_both(lambda t, a, b: t.atan2(a, b), [yy.astype(np.float64), xx.astype(np.float64)], grad=False)
    same_on_both(lambda t, a, b: t.complex(a, b).angle(), [xx, yy], grad=False)


# ---- complex division (spectral division, Wiener-style deconvolution) -------------------------------
@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 70), double=st.booleans(), rows=st.integers(1, 3), seed=st.integers(0, 2 ** 16))
def test_complex_division_bit_exact(n, double, rows, seed):
    rng = np.random.default_rng(seed)
    dt = np.complex128 if double else np.complex64
    z = (rng.standard_normal((rows, n)) * 10.0 ** rng.integers(-4, 5, (rows, n)) + 1j * rng.standard_normal((rows, n)))
    w = (rng.standard_normal((rows, n)) + 1j * rng.standard_normal((rows, n)) * 10.0 ** rng.integers(-4, 5, (rows, n)))
    same_on_both(lambda t, a, b: (a / b, t.div(a, b), a.T / b.T),
                 [z.astype(dt), w.astype(dt)], grad=False)
    if double:          # (complex64 with a broadcast divisor: torch's loop has unpaired elements not modelled)
        same_on_both(lambda t, a, b: (a / b[:1], a / (0.3 - 1.7j)), [z.astype(dt), w.astype(dt)], grad=False)


def test_complex_division_special_values():
    sp = np.array([0, -0.0, 1, -2, np.inf, -np.inf, np.nan, 1e-30, 1e30], np.float32)
    parts = [p.ravel() for p in np.meshgrid(sp, sp, sp, sp)]
    z = (parts[0] + 1j * parts[1]).astype(np.complex64)
    w = (parts[2] + 1j * parts[3]).astype(np.complex64)
    z.real, z.imag, w.real, w.imag = parts          # (keep -0 and the infinities exactly)
    for dt in (np.complex64, np.complex128):
        want, got = [(m.from_numpy(z.astype(dt)) / m.from_numpy(w.astype(dt))).numpy() for m in (torch, glasstorch)]
        for p, q in ((want.real, got.real), (want.imag, got.imag)):    # (a nan's sign bit is not compared)
            nan = np.isnan(p)
            assert np.array_equal(nan, np.isnan(q))
            assert np.array_equal(p[~nan], q[~nan]) and np.array_equal(np.signbit(p[~nan]), np.signbit(q[~nan]))
