"""torch.stft / torch.istft and torch.signal.windows against torch.

FFT values come from NumPy's pocketfft (torch uses MKL), so spectra and reconstructions are
compared with a tolerance (rtol 1e-5 / atol 1e-5 in float32, 1e-10 in float64); shapes, dtypes,
grad_fn names, warnings and error messages are exact."""
import numpy as np
import pytest
import torch

import glasstorch
from ._helpers import same_on_both

RNG = np.random.default_rng(0)
SIG = RNG.standard_normal((2, 64)).astype(np.float32)
SIG64 = SIG.astype(np.float64)
TOL = dict(rtol=1e-5, atol=1e-5)

STFT_CASES = [
    dict(n_fft=16, window="hann", return_complex=True),
    dict(n_fft=16, hop_length=3, win_length=10, window="hamming", return_complex=True),
    dict(n_fft=16, window="hann", return_complex=True, center=False),
    dict(n_fft=16, window="hann", return_complex=True, normalized=True, onesided=False),
    dict(n_fft=15, window="hann", return_complex=True, pad_mode="constant"),
    dict(n_fft=16, window="hann", return_complex=False),
    dict(n_fft=16, win_length=8, window="hann", return_complex=True, center=False, align_to_window=True),
    dict(n_fft=16, return_complex=True),
]


def _kw(mod, case, n):
    kw = dict(case)
    w = kw.pop("window", None)
    if w is not None:
        kw["window"] = getattr(mod, f"{w}_window")(kw.get("win_length", kw["n_fft"]))
    return kw


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("case", STFT_CASES)
@pytest.mark.parametrize("batched", [False, True])
def test_stft(case, batched):
    x = SIG if batched else SIG[0]
    same_on_both(lambda m, x: m.stft(x, **_kw(m, case, 0)), [x], **TOL)
    same_on_both(lambda m, x: x.stft(**_kw(m, case, 0)), [x], **TOL)


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("kw", [dict(), dict(length=70), dict(length=40), dict(normalized=True),
                                dict(win_length=12, hop_length=3)])
@pytest.mark.parametrize("batched", [False, True])
def test_istft_roundtrip(kw, batched):
    x = SIG64 if batched else SIG64[0]

    def fn(m, x):
        w = m.hann_window(kw.get("win_length", 16), dtype=m.float64)
        s = m.stft(x, 16, hop_length=kw.get("hop_length"), win_length=kw.get("win_length"), window=w,
                   normalized=kw.get("normalized", False), return_complex=True)
        return m.istft(s, 16, window=w, **kw), s.istft(16, window=w, **kw)
    same_on_both(fn, [x], rtol=1e-10, atol=1e-10)


@pytest.mark.filterwarnings("ignore")
def test_istft_complex_and_twosided():
    def fn(m, x):
        w = m.hann_window(16, dtype=m.float64)
        s = m.stft(x, 16, window=w, return_complex=True, onesided=False)
        return m.istft(s, 16, window=w), m.istft(s, 16, window=w, return_complex=True)
    same_on_both(fn, [SIG64[0]], rtol=1e-10, atol=1e-10)


def _errors(m):
    x = m.from_numpy(SIG[0].copy())
    s = m.stft(x, 16, window=m.hann_window(16), return_complex=True)
    return [
        lambda: m.stft(x, 16),
        lambda: m.stft(x, 200, return_complex=True, center=False),
        lambda: m.stft(x, 16, hop_length=0, return_complex=True),
        lambda: m.stft(x, 16, win_length=20, return_complex=True),
        lambda: m.stft(x, 16, window=m.ones(10), return_complex=True),
        lambda: m.stft(x.long(), 16, return_complex=True, center=False),
        lambda: m.stft(x.to(m.complex64), 16, onesided=True),
        lambda: m.stft(x, 16, return_complex=True, align_to_window=True),
        lambda: m.stft(x.double(), 16, window=m.ones(4, 4), return_complex=True),
        lambda: m.istft(s.real, 16),
        lambda: m.istft(s, 16, window=m.hann_window(16), center=False),
        lambda: m.istft(s, 16, window=m.zeros(16)),
        lambda: m.istft(s, 16, hop_length=17),
        lambda: m.istft(s, 16, window=m.ones(10)),
        lambda: m.istft(s, 20),
        lambda: m.istft(s, 16, onesided=False),
        lambda: m.istft(s[None, None], 16),
        lambda: m.istft(s[:, :0], 16),
        lambda: m.istft(s, 16, return_complex=True),
    ]


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("i", range(19))
def test_errors(i):
    got = []
    for m in (torch, glasstorch):
        with pytest.raises(Exception) as e:
            _errors(m)[i]()
        got.append((type(e.value).__name__, str(e.value)))
    assert got[0] == got[1]


def test_warnings():
    # torch warns once per process, so its message is taken from a fresh interpreter
    import subprocess
    import sys
    import warnings
    code = ("import warnings, torch\nwarnings.simplefilter('always')\n"
            "with warnings.catch_warnings(record=True) as r:\n    torch.stft(torch.ones(64), 16, return_complex=True)\n"
            "print(str(r[-1].message))")
    want = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip()
    import glasstorch._stft as gs
    gs._WARNED.clear()
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        glasstorch.stft(glasstorch.ones(64), 16, return_complex=True)
    assert [str(r.message) for r in rec] == [want]


# ---- torch.signal.windows ---------------------------------------------------------------------
# float32 cos/sin/sqrt/i0 in glasstorch may differ from torch's vectorized kernels by an ulp
WINDOWS = ["bartlett", "blackman", "cosine", "exponential", "gaussian", "general_cosine", "general_hamming",
           "hamming", "hann", "kaiser", "nuttall"]


@pytest.mark.parametrize("name", WINDOWS)
@pytest.mark.parametrize("M", [0, 1, 2, 7, 16])
@pytest.mark.parametrize("sym", [True, False])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_windows(name, M, sym, dtype):
    kw = dict(sym=sym, requires_grad=True)
    if name == "general_cosine":
        kw["a"] = [0.46, 0.23, 0.31]
    tol = dict(rtol=1e-6, atol=1e-7) if dtype == "float32" else dict(rtol=1e-14, atol=1e-15)
    same_on_both(lambda m: getattr(m.signal.windows, name)(M, dtype=getattr(m, dtype), **kw), [], grad=False,
                 **tol)


@pytest.mark.parametrize("call", [
    lambda m: m.signal.windows.hann(-1), lambda m: m.signal.windows.hann(4, dtype=m.int64),
    lambda m: m.signal.windows.gaussian(4, std=0), lambda m: m.signal.windows.exponential(4, center=1.0),
    lambda m: m.signal.windows.exponential(4, tau=-1.0), lambda m: m.signal.windows.kaiser(4, beta=-1.0),
    lambda m: m.signal.windows.general_cosine(4, a=[]), lambda m: m.signal.windows.general_cosine(4, a=3),
])
def test_window_errors(call):
    got = []
    for m in (torch, glasstorch):
        with pytest.raises(Exception) as e:
            call(m)
        got.append((type(e.value).__name__, str(e.value)))
    assert got[0] == got[1]
