"""Spectral leakage and window trade-offs, as in a DSP course chapter: every window family from
torch.*_window and torch.signal.windows (with their keyword arguments, dtypes, requires_grad and
the error cases), coherent gain, equivalent noise bandwidth, scalloping loss, highest sidelobe
level in dB, and a two-tone resolution demo with zero-padded rfft."""
import math

import torch

torch.manual_seed(7)
N = 32

# --- window catalogue ----------------------------------------------------------------------
cat = {
    "rect": torch.ones(N),
    "hann": torch.hann_window(N, periodic=False),
    "hamming": torch.hamming_window(N, periodic=False),
    "blackman": torch.blackman_window(N, periodic=False),
    "bartlett": torch.bartlett_window(N, periodic=False),
    "kaiser6": torch.kaiser_window(N, periodic=False, beta=6.0),
    "gauss": torch.signal.windows.gaussian(N, std=5.0),
    "gen_cos": torch.signal.windows.general_cosine(N, a=[0.42, 0.5, 0.08]),
    "gen_ham": torch.signal.windows.general_hamming(N, alpha=0.6),
    "nuttall": torch.signal.windows.nuttall(N),
    "sig_blackman": torch.signal.windows.blackman(N),
    "sig_bartlett": torch.signal.windows.bartlett(N),
    "sig_hamming": torch.signal.windows.hamming(N),
    "cosine": torch.signal.windows.cosine(N),
    "expo": torch.signal.windows.exponential(N, tau=8.0),
}


def metrics(w, pad=2048):
    w = w.double()                                     # sidelobes near -90 dB need float64
    cg = w.sum() / w.numel()                           # coherent gain
    enbw = w.numel() * w.pow(2).sum() / w.sum() ** 2   # in bins
    W = torch.fft.rfft(w, n=pad).abs()
    W = W / W[0]
    db = 20 * torch.log10(W.clamp_min(1e-12))
    # main lobe ends at the first local minimum
    d = torch.diff(db)
    first_up = int(torch.nonzero(d > 0)[0].item())
    psl = db[first_up:].max()
    scallop = 20 * torch.log10(torch.fft.rfft(w * torch.exp(torch.zeros(N)), n=pad).abs()[pad // (2 * N)] / W.new_tensor(w.sum().item()))
    return cg.item(), enbw.item(), psl.item(), scallop.item(), first_up


print(f"{'window':13s} {'CG':>7s} {'ENBW':>7s} {'PSL dB':>8s} {'scallop':>8s} lobe")
for name, w in cat.items():
    cg, enbw, psl, sc, lobe = metrics(w)
    print(f"{name:13s} {cg:7.4f} {enbw:7.4f} {psl:8.2f} {sc:8.3f} {lobe}")

# symmetric vs periodic relation: periodic N == symmetric N+1 without the last sample
for fn in (torch.hann_window, torch.hamming_window, torch.blackman_window, torch.bartlett_window):
    p = fn(12)
    s = fn(13, periodic=False)[:-1]
    print(fn.__name__, torch.allclose(p, s, atol=1e-6), p.dtype)

print(torch.signal.windows.hann(6, sym=False))
print(torch.signal.windows.kaiser(7, beta=4.0, dtype=torch.float64))
print(torch.signal.windows.gaussian(5, std=1.5, sym=False, dtype=torch.float64))
print(torch.signal.windows.exponential(7, center=1.0, tau=2.0, sym=False))
print(torch.hann_window(0), torch.hann_window(1), torch.hamming_window(1, dtype=torch.float64))
print(torch.kaiser_window(1), torch.bartlett_window(2), torch.blackman_window(3, periodic=False))
w = torch.hann_window(8, requires_grad=True)
print(w.requires_grad, w.is_leaf, w.grad_fn)
(w * torch.arange(8.0)).sum().backward()
print(w.grad)

# error cases
for label, thunk in [
    ("neg length", lambda: torch.hann_window(-1)),
    ("int dtype", lambda: torch.hamming_window(8, dtype=torch.int64)),
    ("kaiser int", lambda: torch.kaiser_window(8, dtype=torch.int32)),
    ("sig neg", lambda: torch.signal.windows.hann(-3)),
    ("gauss std", lambda: torch.signal.windows.gaussian(8, std=0.0)),
    ("expo center sym", lambda: torch.signal.windows.exponential(8, center=2.0)),
    ("expo tau", lambda: torch.signal.windows.exponential(8, tau=-1.0)),
    ("kaiser beta", lambda: torch.signal.windows.kaiser(8, beta=-2.0)),
    ("sig int dtype", lambda: torch.signal.windows.cosine(8, dtype=torch.int64)),
    ("gen_cos a", lambda: torch.signal.windows.general_cosine(8, a=0.5)),
    ("float length", lambda: torch.hann_window(N / 4)),
    ("tensor length", lambda: torch.hamming_window(torch.tensor(6), periodic=False)),
    ("sig float length", lambda: torch.signal.windows.hann(N / 4)),
    ("sig tensor length", lambda: torch.signal.windows.bartlett(torch.tensor(5))),
    ("complex window", lambda: torch.hann_window(8, dtype=torch.complex64)),
    ("sparse window", lambda: torch.blackman_window(8, layout=torch.sparse_coo)),
]:
    try:
        r = thunk()
        print(label, "->", r)
    except Exception as e:
        print(label, type(e).__name__, e)

# --- two-tone resolution -----------------------------------------------------------------
fs = 1000.0
n = torch.arange(64, dtype=torch.float64)
x = torch.sin(2 * math.pi * 100.0 / fs * n) + 0.01 * torch.sin(2 * math.pi * 160.0 / fs * n)
x = x + 1e-4 * torch.randn(64, dtype=torch.float64)
for name in ("rect", "hann", "blackman", "kaiser6"):
    w = torch.kaiser_window(64, False, 6.0, dtype=torch.float64) if name == "kaiser6" else (
        torch.ones(64, dtype=torch.float64) if name == "rect" else
        getattr(torch, f"{name}_window")(64, periodic=False, dtype=torch.float64))
    X = torch.fft.rfft(x * w, n=1024)
    mag = 20 * torch.log10(X.abs() / X.abs().max())
    freqs = torch.fft.rfftfreq(1024, d=1 / fs)
    k = int((freqs - 160.0).abs().argmin())
    lo, hi = k - 8, k + 9
    local = mag[lo:hi]
    peak = local.max().item()
    is_peak = bool(local.argmax().item() not in (0, hi - lo - 1))
    print(f"{name:9s} weak tone level {peak:8.2f} dB  resolved={is_peak}")
