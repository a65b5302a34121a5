"""Audio-processing tutorial (speech course, lab 2): windows, framing and the STFT.

Compares the classic window functions (periodic vs symmetric), computes spectrograms with
torch.stft under different options, checks perfect reconstruction with torch.istft, and
does simple spectral-subtraction denoising of a chirp."""
import math

import torch

torch.manual_seed(3)
torch.set_printoptions(precision=4, sci_mode=False, linewidth=100)

# --- windows -------------------------------------------------------------------------------
L = 8
windows = {
    "hann": torch.hann_window,
    "hamming": torch.hamming_window,
    "blackman": torch.blackman_window,
    "bartlett": torch.bartlett_window,
    "kaiser": torch.kaiser_window,
}
for name, fn in windows.items():
    per = fn(L)
    sym = fn(L, periodic=False)
    print(f"{name:8s} periodic: {per}")
    print(f"{'':8s} symmetric:{sym}")
    print(f"{'':8s} sum={per.sum().item():.4f} periodic == symmetric(L+1)[:-1]:",
          torch.allclose(fn(L + 1, periodic=False)[:L], per, atol=1e-6))
print("kaiser beta=5:", torch.kaiser_window(7, periodic=False, beta=5.0))
try:   # alpha/beta need periodic before them
    torch.hamming_window(6, alpha=0.5, beta=0.5)
except TypeError as e:
    print(type(e).__name__, str(e).splitlines()[0])
print("hamming custom alpha/beta:", torch.hamming_window(6, False, 0.5, 0.5))
print("float64 hann:", torch.hann_window(4, dtype=torch.float64))
print("length 1 and 0:", torch.hann_window(1), torch.hann_window(0), torch.blackman_window(1, periodic=False))
print("requires_grad window:", torch.hann_window(3, requires_grad=True))
print("signal.windows.gaussian:", torch.signal.windows.gaussian(7, std=1.5))
print("signal.windows.cosine:", torch.signal.windows.cosine(5))
print("signal.windows.exponential:", torch.signal.windows.exponential(5, tau=2.0))
try:
    torch.hann_window(4, dtype=torch.int64)
except Exception as e:
    print(type(e).__name__, e)
try:
    torch.kaiser_window(-1)
except Exception as e:
    print(type(e).__name__, e)

# --- a chirp and its spectrogram ----------------------------------------------------------
sr = 800
dur = 0.5
t = torch.arange(int(sr * dur)) / sr
chirp = torch.sin(2 * math.pi * (50 * t + 300 * t ** 2))   # 50 Hz -> 350 Hz
print("signal:", chirp.shape, chirp.dtype)

n_fft, hop = 64, 16
win = torch.hann_window(n_fft)
S = torch.stft(chirp, n_fft=n_fft, hop_length=hop, window=win, return_complex=True)
print("stft:", S.shape, S.dtype)
power = S.abs() ** 2
peak_bin = power.argmax(dim=0)
freqs = torch.fft.rfftfreq(n_fft, d=1 / sr)
print("peak frequency per frame (every 4th):", freqs[peak_bin][::4].tolist())
db = 10 * torch.log10(power + 1e-10)
print(f"dB max: {db.max().item():.2f}, cells above -20 dB: {(db > -20).sum().item()}")

# options: no centring, reflect vs constant padding, normalisation, two-sided
S_nc = torch.stft(chirp, n_fft, hop_length=hop, window=win, center=False, return_complex=True)
S_const = torch.stft(chirp, n_fft, hop_length=hop, window=win, pad_mode="constant", return_complex=True)
S_norm = torch.stft(chirp, n_fft, hop_length=hop, window=win, normalized=True, return_complex=True)
S_two = torch.stft(chirp, n_fft, hop_length=hop, window=win, onesided=False, return_complex=True)
print("center=False:", S_nc.shape, "two-sided:", S_two.shape)
print(f"first frame |S| reflect {S[:, 0].abs().sum().item():.3f} constant {S_const[:, 0].abs().sum().item():.3f}")
print(f"normalized ratio: {(S.abs().sum() / S_norm.abs().sum()).item():.4f} (sqrt(n_fft)={math.sqrt(n_fft):.4f})")
S_real = torch.view_as_real(S)
print("view_as_real:", S_real.shape)
S_default_win = torch.stft(chirp, n_fft, return_complex=True)
print("default hop/window:", S_default_win.shape)
S_short_win = torch.stft(chirp, n_fft, hop_length=hop, win_length=32, window=torch.hann_window(32),
                         return_complex=True)
print("win_length 32:", S_short_win.shape, f"{S_short_win.abs().mean().item():.4f}")

# batch of signals
batch = torch.randn(3, 256)
SB = torch.stft(batch, 32, hop_length=8, window=torch.hamming_window(32), return_complex=True)
print("batched stft:", SB.shape)

# --- inverse STFT ---------------------------------------------------------------------------
rec = torch.istft(S, n_fft, hop_length=hop, window=win, length=chirp.numel())
print("istft shape:", rec.shape, "max error < 1e-5:", (rec - chirp).abs().max().item() < 1e-5)
recB = torch.istft(SB, 32, hop_length=8, window=torch.hamming_window(32), length=256)
print("batched istft ok:", torch.allclose(recB, batch, atol=1e-5))
rec_nolen = torch.istft(S, n_fft, hop_length=hop, window=win)
print("istft without length:", rec_nolen.shape)

# --- spectral-subtraction denoising ---------------------------------------------------------
noisy = chirp + 0.5 * torch.randn_like(chirp)
N = torch.stft(noisy, n_fft, hop_length=hop, window=win, return_complex=True)
noise_only = 0.5 * torch.randn(4000)
noise_psd = torch.stft(noise_only, n_fft, hop_length=hop, window=win, return_complex=True).abs().pow(2).mean(dim=1,
                                                                                                         keepdim=True)
mag2 = N.abs() ** 2
gain = torch.clamp(1 - 2 * noise_psd / mag2, min=0.0).sqrt()
enhanced = torch.istft(N * gain, n_fft, hop_length=hop, window=win, length=chirp.numel())
snr = lambda s, ref: 10 * torch.log10(ref.pow(2).sum() / (s - ref).pow(2).sum())
print(f"SNR noisy {snr(noisy, chirp).item():.2f} dB -> enhanced {snr(enhanced, chirp).item():.2f} dB")

# polar form manipulation
mag, phase = S.abs(), S.angle()
S_back = torch.polar(mag, phase)
print("polar round trip:", torch.allclose(S_back, S, atol=1e-4), S_back.dtype)

# --- mistakes learners make -----------------------------------------------------------------
for bad in [lambda: torch.stft(chirp, n_fft, hop_length=hop, window=win),
            lambda: torch.stft(chirp, n_fft, window=torch.hann_window(32), return_complex=True),
            lambda: torch.stft(chirp, 1024, center=False, return_complex=True),
            lambda: torch.istft(S, n_fft, hop_length=hop),
            lambda: torch.stft(chirp, n_fft, hop_length=0, return_complex=True)]:
    try:
        bad()
    except Exception as e:
        print(type(e).__name__, e)
