"""Parity pins for sweep25b (classic DSP programs: windows, FIR/IIR filters, Hilbert transform, pitch
detection and resampling).

Fixed in glasstorch:
- ``torch.hann_window`` / ``hamming_window`` / ``blackman_window`` / ``bartlett_window`` /
  ``kaiser_window`` bind their arguments as torch's parser does (_window_parse.py): a float, bool or
  None length is torch's "argument 'window_length' (position 1) must be int" TypeError, a wrong type
  for periodic / alpha / beta / dtype / layout / requires_grad, an unknown keyword or a surplus
  argument its "invalid combination of arguments" TypeError (not a Python error from inside), and an
  integer 0-dim tensor or NumPy integer length is taken as its value;
- their checks run in torch's order with torch's messages: a sparse layout is "... is not implemented
  for sparse types" (before the dtype check), a non-floating dtype is refused before a negative length,
  and a complex dtype gives the empty / one-point window for lengths 0 and 1 and torch's
  ``"arange_cpu" not implemented for 'ComplexFloat'`` beyond (was a KeyError);
- ``torch.linspace`` / ``torch.logspace`` take an integer 0-dim tensor as ``steps`` (as the
  ``torch.signal.windows`` functions pass a tensor ``M`` on), and where the call does not bind they
  raise torch's parser message for the call as made (keywords named as keywords, in torch's order:
  what ``torch.signal.windows.hann(4.0)`` shows), also for an unknown keyword or one positional
  argument too many; ``pin_memory=False`` is accepted (_space_args.py);
- ``torch.polar``'s backward rounds as torch's: sgn(z) and the complex products of polar_backward
  with torch's complex kernels (float64 gradients were off in the last bit for half the elements);
- ``torch.angle``'s backward on complex input is torch's angle_backward, (g z) / |z|^2 * i, with
  |z| correctly rounded and the product by i rounded as torch's complex kernel (was g (i z) / m2,
  off in the last bit for three quarters of the elements);
- ``torch.istft`` of a 0-d or 1-d complex tensor raises torch's IndexError "Dimension out of range
  (expected to be in range of [-2, 1], but got -3)" (was Python's "tuple index out of range");
- ``F.conv1d`` .. ``conv3d`` and ``F.conv_transpose1d`` .. ``conv_transpose3d`` (and ``torch.conv*``)
  refuse a wrongly typed stride / padding / output_padding / dilation / groups / bias with torch's
  parser TypeError for the call as made -- ``conv_transpose1d(x, w, padding="same")`` is "argument
  'padding' must be tuple of ints, not str" (was Python's "unsupported operand type(s) for -"), a
  float padding of conv1d the "invalid combination of arguments" message -- and take NumPy integers
  and 0-d integer tensors as torch does (were "'numpy.int64' object is not iterable"); a module's
  forward gets the positional form of the message (nn/_ops/conv_args.py);
- ``Tensor.unfold`` checks a negative size first ("size is -1 but must be >= 0", was NumPy's
  ValueError) and refuses non-int arguments with torch's parser message;
- ``torch.sinc`` on float16 computes in float (torch's op-math type) and rounds once (was computed
  in half: most results one ulp off); on float32 it uses the correctly rounded float32 sine (glibc's
  sinf, which torch's scalar kernel calls, agrees with it on all but about 1% of inputs); its float16
  backward rounds each step to half as torch's tensor formula does.
"""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from glasstorch.autograd.gradcheck import gradcheck
from tests.parity._helpers import same_on_both, same_outcome

WINDOWS = ["hann", "hamming", "blackman", "bartlett", "kaiser"]


def _win(m, name):
    return getattr(m, f"{name}_window")


BAD_CALLS = {
    "float_len": lambda f, m: f(5.0),
    "bool_len": lambda f, m: f(True),
    "none_len": lambda f, m: f(None),
    "float_tensor_len": lambda f, m: f(m.tensor(5.0)),
    "1d_tensor_len": lambda f, m: f(m.tensor([5])),
    "kw_float_len": lambda f, m: f(window_length=4.0),
    "int_periodic": lambda f, m: f(4, 1),
    "none_periodic": lambda f, m: f(4, None),
    "tensor_periodic": lambda f, m: f(4, periodic=m.tensor(True)),
    "int_requires_grad": lambda f, m: f(4, requires_grad=1),
    "str_dtype": lambda f, m: f(4, dtype="float32"),
    "str_layout": lambda f, m: f(4, layout="strided"),
    "unknown_kw": lambda f, m: f(4, foo=1),
    "twice": lambda f, m: f(4, window_length=4),
    "too_many": lambda f, m: f(4, True, 0.5, 0.5, 0.5),
    "alpha_kw": lambda f, m: f(6, alpha=0.5),
    "beta_str": lambda f, m: f(6, True, "x"),
    "beta_complex": lambda f, m: f(6, True, 0.5j),
}


@pytest.mark.parametrize("call", sorted(BAD_CALLS))
@pytest.mark.parametrize("name", WINDOWS)
def test_window_argument_binding(name, call):
    same_outcome(lambda m: BAD_CALLS[call](_win(m, name), m))


GOOD_CALLS = {
    "int_tensor_len": lambda f, m: f(m.tensor(5)),
    "numpy_len": lambda f, m: f(np.int64(6)),
    "kw_len": lambda f, m: f(window_length=4),
    "all_options": lambda f, m: f(4, dtype=None, layout=None, device=None, pin_memory=None, requires_grad=False),
    "strided": lambda f, m: f(4, False, layout=m.strided, device="cpu", dtype=m.float64),
    "python_float_dtype": lambda f, m: f(4, dtype=float),
    "requires_grad": lambda f, m: f(3, False, requires_grad=True),
}


@pytest.mark.parametrize("call", sorted(GOOD_CALLS))
@pytest.mark.parametrize("name", ["hamming", "bartlett", "kaiser"])
def test_window_accepted_calls(name, call):
    same_outcome(lambda m: GOOD_CALLS[call](_win(m, name), m))


def test_window_numbers_for_parameters():
    same_outcome(lambda m: (m.kaiser_window(6, True, 3), m.hamming_window(6, True, np.float64(0.5)),
                            m.hamming_window(6, True, m.tensor(0.5)), m.kaiser_window(6, True, m.tensor(3.0))))


@pytest.mark.parametrize("n", [-1, 0, 1, 2, 5])
@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
@pytest.mark.parametrize("name", WINDOWS)
def test_window_complex_dtype(name, dtype, n):
    same_outcome(lambda m: _win(m, name)(n, dtype=getattr(m, dtype)))


@pytest.mark.parametrize("kwargs", [{}, {"dtype": "float64"}, {"dtype": "float16"}, {"dtype": "int32"},
                                    {"dtype": "complex64"}])
@pytest.mark.parametrize("periodic", [None, False])
@pytest.mark.parametrize("name", WINDOWS)
def test_window_sparse_layout(name, periodic, kwargs):
    def fn(m):
        kw = {k: getattr(m, v) for k, v in kwargs.items()}
        args = (-1,) if periodic is None else (3, periodic)
        return _win(m, name)(*args, layout=m.sparse_coo, **kw)
    same_outcome(fn)


@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8", "bool", "int16"])
@pytest.mark.parametrize("name", WINDOWS)
def test_window_dtype_checked_before_length(name, dtype):
    same_outcome(lambda m: _win(m, name)(-2, dtype=getattr(m, dtype)))


@pytest.mark.parametrize("fn", ["linspace", "logspace"])
@pytest.mark.parametrize("case", range(12))
def test_space_steps_binding(fn, case):
    calls = [
        lambda m, f: f(start=0, end=1.0, steps=4.0, dtype=m.float32, layout=m.strided, device=None,
                       requires_grad=False),
        lambda m, f: f(0, 1.0, steps=4.0),
        lambda m, f: f(0, 1.0, m.tensor(5)),
        lambda m, f: f(start=0, end=1.0, steps=m.tensor(4)),
        lambda m, f: f(m.tensor(0.5), m.tensor(2.0), m.tensor(3), dtype=m.float64),
        lambda m, f: f(0, 1.0, m.tensor(5.0)),
        lambda m, f: f(0, 1.0, m.tensor([5])),
        lambda m, f: f(0, 1.0, 5, foo=1),
        lambda m, f: f(0, 1.0, 5, 2.0, 3.0),
        lambda m, f: f(0, 1.0, np.int64(5)),
        lambda m, f: f(0, 1, 3, pin_memory=False),
        lambda m, f: f(0, 1, 3, base=2),
    ]
    same_outcome(lambda m: calls[case](m, getattr(m, fn)))


SIG = ["hann", "hamming", "blackman", "bartlett", "cosine", "nuttall", "gaussian", "kaiser", "exponential",
       "general_hamming"]


@pytest.mark.parametrize("length", ["tensor", "float"])
@pytest.mark.parametrize("name", SIG)
def test_signal_windows_length_types(name, length):
    def fn(m):
        M = m.tensor(7) if length == "tensor" else 7.0
        return getattr(m.signal.windows, name)(M, dtype=m.float64)
    same_outcome(fn)


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 12), st.integers(0, 2 ** 31))
def test_polar_backward_float64(n, seed):
    rng = np.random.default_rng(seed)
    r = rng.uniform(0.0, 3.0, n)
    r[rng.random(n) < 0.2] = 0.0
    th = rng.uniform(-4, 4, n)
    same_on_both(lambda m, r, th: m.polar(r, th), [r, th])


def test_polar_backward_through_abs_and_angle():
    same_on_both(lambda m, r, th: (m.polar(r, th).abs() + m.polar(r, th).angle(), m.view_as_real(m.polar(r, th))),
                 [np.array([1.0, 2.0, 0.0, 0.7]), np.array([0.3, -2.0, 1.0, 3.1])])


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 12), st.integers(0, 2 ** 31), st.sampled_from([np.complex64, np.complex128]))
def test_angle_backward_complex(n, seed, dtype):
    rng = np.random.default_rng(seed)
    z = (rng.standard_normal(n) + 1j * rng.standard_normal(n)).astype(dtype)
    z[rng.random(n) < 0.2] = 0
    # (the forward, atan2, is SLEEF's in torch: within an ulp; the gradient must be exact)
    same_on_both(lambda m, z: m.angle(z), [z], rtol=3e-16 if dtype is np.complex128 else 1.2e-7, atol=1e-30,
                 grad_rtol=0, grad_atol=0)


def test_angle_gradcheck():
    a = glasstorch.tensor([1.0, -0.5, 0.7], dtype=glasstorch.float64, requires_grad=True)
    b = glasstorch.tensor([2.0, 0.3, -1.1], dtype=glasstorch.float64, requires_grad=True)
    assert gradcheck(lambda a, b: glasstorch.angle(glasstorch.complex(a, b)), (a, b))


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(-40, 40, allow_nan=False, width=16), min_size=1, max_size=40))
def test_sinc_float16_forward_and_backward(xs):
    x = np.array(xs, dtype=np.float16)
    same_on_both(lambda m, x: m.sinc(x), [x])


def test_sinc_float16_grid():
    x = np.linspace(-12, 12, 4001).astype(np.float16)
    same_on_both(lambda m, x: m.sinc(x), [x])


def test_sinc_float32_and_float64_within_one_ulp():
    x32 = np.random.default_rng(3).uniform(-30, 30, 5000).astype(np.float32)
    x32[:3] = [0.0, 1.0, -2.5]
    same_on_both(lambda m, x: m.sinc(x), [x32], rtol=1.5e-7, atol=1e-9, grad_rtol=1e-5, grad_atol=1e-6)
    # float64 sin / cos: SLEEF's in torch, the C library's here (a last-bit difference in 0.2% of inputs)
    same_on_both(lambda m, x: m.sinc(x), [x32.astype(np.float64)], rtol=0, atol=0, grad_rtol=1e-13, grad_atol=1e-15)


def test_sinc_gradcheck():
    x = glasstorch.tensor([-2.3, -0.4, 0.25, 0.9, 3.7], dtype=glasstorch.float64, requires_grad=True)
    assert gradcheck(glasstorch.sinc, (x,))
    r = glasstorch.tensor([0.5, 1.2, 2.0], dtype=glasstorch.float64, requires_grad=True)
    th = glasstorch.tensor([0.3, -1.1, 2.5], dtype=glasstorch.float64, requires_grad=True)
    assert gradcheck(lambda r, th: glasstorch.view_as_real(glasstorch.polar(r, th)), (r, th))


@pytest.mark.parametrize("case", ["0d", "1d", "1d_c128", "empty", "4d"])
def test_istft_input_rank(case):
    def fn(m):
        x = {"0d": lambda: m.tensor(1 + 1j), "1d": lambda: m.ones(9, dtype=m.complex64),
             "1d_c128": lambda: m.ones(9, dtype=m.complex128), "empty": lambda: m.ones(9, 0, dtype=m.complex64),
             "4d": lambda: m.ones(1, 2, 9, 3, dtype=m.complex64)}[case]()
        return m.istft(x, 16, window=m.hann_window(16, dtype=m.float64 if x.dtype == m.complex128 else m.float32))
    same_outcome(fn)


CONV_CALLS = {
    "c1_pad_float": lambda m, F, x, w, wt: F.conv1d(x, w, padding=1.5),
    "c1_pad_float_pos": lambda m, F, x, w, wt: F.conv1d(x, w, None, 1, 1.5),
    "c1_stride_float": lambda m, F, x, w, wt: F.conv1d(x, w, stride=1.5),
    "c1_groups_tuple": lambda m, F, x, w, wt: F.conv1d(x, w, groups=(1,)),
    "c1_dilation_str": lambda m, F, x, w, wt: F.conv1d(x, w, padding="same", dilation=2.0),
    "c1_bias_int": lambda m, F, x, w, wt: F.conv1d(x, w, bias=3),
    "c1_numpy_ints": lambda m, F, x, w, wt: F.conv1d(x, w, None, np.int64(2), (np.int64(1),), 1, m.tensor(1)),
    "torch_conv1d": lambda m, F, x, w, wt: m.conv1d(x, w, padding=1.5),
    "t1_pad_same": lambda m, F, x, w, wt: F.conv_transpose1d(x, wt, padding="same"),
    "t1_pad_valid_pos": lambda m, F, x, w, wt: F.conv_transpose1d(x, wt, None, 1, "valid"),
    "t1_groups_float": lambda m, F, x, w, wt: F.conv_transpose1d(x, wt, stride=2, groups=1.0),
    "t1_outpad_float": lambda m, F, x, w, wt: F.conv_transpose1d(x, wt, output_padding=0.5, stride=2),
    "t1_stride_list": lambda m, F, x, w, wt: F.conv_transpose1d(x, wt, stride=[1.0]),
    "t1_pad_none": lambda m, F, x, w, wt: F.conv_transpose1d(x, wt, padding=None),
    "t1_bias_list": lambda m, F, x, w, wt: F.conv_transpose1d(x, wt, bias=[1.0, 2.0, 3.0]),
    "t1_bools": lambda m, F, x, w, wt: F.conv_transpose1d(x, wt, None, (True,), 0, 0, 1, 1),
    "t1_numpy": lambda m, F, x, w, wt: F.conv_transpose1d(x, wt, stride=np.int64(2), padding=m.tensor(1)),
    "torch_t1": lambda m, F, x, w, wt: m.conv_transpose1d(x, wt, stride=1.5),
    "t1_module_same": lambda m, F, x, w, wt: m.nn.ConvTranspose1d(2, 3, 3, padding="same")(x),
    "t2_pad_str": lambda m, F, x, w, wt: F.conv_transpose2d(m.ones(1, 2, 5, 5), m.ones(2, 3, 3, 3), padding="same"),
    "c2_stride": lambda m, F, x, w, wt: F.conv2d(m.ones(1, 2, 5, 5), m.ones(3, 2, 3, 3), stride=(1, 1.5)),
    "t3_dilation": lambda m, F, x, w, wt: F.conv_transpose3d(m.ones(1, 2, 4, 4, 4), m.ones(2, 3, 2, 2, 2), dilation=1.0),
    "c3_groups": lambda m, F, x, w, wt: F.conv3d(m.ones(1, 2, 4, 4, 4), m.ones(3, 2, 2, 2, 2), groups=1.0),
}


@pytest.mark.parametrize("case", sorted(CONV_CALLS))
def test_conv_argument_types(case):
    same_outcome(lambda m: CONV_CALLS[case](m, m.nn.functional, m.ones(1, 2, 6), m.ones(3, 2, 3), m.ones(2, 3, 3)))


@pytest.mark.parametrize("args", [(-1, -1, 1), (-1, -1, 0), (-1, 11, -1), (-1, 2, -1), (-1, 1.5, 1), (-1, 2, 1.0),
                                  (1.0, 2, 1), (-1, 2, True), (-1, 0, 1), (None, 2, 1), (-1, 3, 2)])
def test_unfold_arguments(args):
    same_outcome(lambda m: m.arange(20.0).view(2, 10).unfold(*args))


def test_unfold_numpy_and_tensor_ints_and_0d():
    same_outcome(lambda m: (m.arange(10.0).unfold(np.int64(0), np.int64(3), m.tensor(2)), m.tensor(2.0).unfold(0, 1, 1)))
    same_outcome(lambda m: m.tensor(2.0).unfold(0, -1, 1))
