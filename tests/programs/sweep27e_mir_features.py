"""Music information retrieval lab: STFT, chroma, onsets and tempo on a synthetic melody.

A melody of decaying notes is synthesised, turned into a magnitude spectrogram with torch.stft,
folded into a 12-bin chroma with scatter_add / index_add_, matched against chord templates,
and scanned for onsets (spectral flux, relu, max_pool1d peak picking). The tempo is read off
the autocorrelation of the onset envelope, computed both directly and through the FFT."""
import math

import torch
import torch.nn.functional as F

torch.manual_seed(2)
torch.set_printoptions(precision=4, sci_mode=False, linewidth=110)

SR = 4000
HOP = 128
NFFT = 512

# --- synthesise: 8 notes, one every 0.25 s (240 BPM eighths = 120 BPM quarters at 2 per beat) ---
midi = torch.tensor([60, 64, 67, 72, 57, 60, 64, 69])
note_len = SR // 4
t = torch.arange(note_len) / SR
f0 = 440.0 * 2.0 ** ((midi.float() - 69) / 12)
decay = torch.exp(-6.0 * t)
partials = torch.tensor([1.0, 0.5, 0.25])
tones = (partials[None, :, None] * torch.sin(2 * math.pi * f0[:, None, None] * torch.arange(1, 4)[None, :, None]
                                              * t[None, None, :])).sum(1) * decay
audio = tones.reshape(-1) + 0.01 * torch.randn(tones.numel())
print("audio:", audio.shape, audio.dtype, "peak {:.4f}".format(audio.abs().max().item()))

# --- STFT ------------------------------------------------------------------------------------
win = torch.hann_window(NFFT)
X = torch.stft(audio, NFFT, hop_length=HOP, window=win, center=True, pad_mode="reflect", return_complex=True)
print("stft:", tuple(X.shape), X.dtype)
mag = X.abs()
power_db = 10 * torch.log10(mag.pow(2).clamp_min(1e-10))
print("dB range: {:.1f} .. {:.1f}".format(power_db.max().item(), (power_db.max() - 80).item()))
power_db = torch.maximum(power_db, power_db.max() - 80)
freqs = torch.fft.rfftfreq(NFFT, d=1.0 / SR)
print("bin freqs:", freqs[:5], "...", freqs[-2:])
frame = 4
peak_bin = mag[:, frame].argmax()
print("frame", frame, "peak bin", peak_bin.item(), "=", freqs[peak_bin].item(), "Hz (note 0 is {:.2f})".format(f0[0].item()))
Xn = torch.stft(audio, NFFT, hop_length=HOP, window=win, normalized=True, onesided=False, return_complex=True)
print("two-sided normalized:", tuple(Xn.shape), "ratio {:.4f}".format((Xn.abs()[:257].sum() / mag.sum()).item()))
rec = torch.istft(X, NFFT, hop_length=HOP, window=win, length=audio.numel())
print("istft max error < 1e-5:", bool((rec - audio).abs().max() < 1e-5))
try:
    torch.stft(audio, NFFT, hop_length=HOP)
except RuntimeError as e:
    print("RuntimeError:", str(e)[:120])
win_seconds = 0.128
try:       # a frame length computed in seconds is a float: stft wants an int
    torch.stft(audio, win_seconds * SR, hop_length=HOP, window=win, return_complex=True)
except TypeError as e:
    print("TypeError:", str(e).splitlines()[0])
    print("  ", str(e).splitlines()[-1].strip())
X2 = torch.stft(audio, int(win_seconds * SR), hop_length=HOP, window=win, return_complex=True)
print("same as before:", torch.equal(X2, X))

# --- chroma ----------------------------------------------------------------------------------
valid = (freqs > 60) & (freqs < 1800)
pitch = 69 + 12 * torch.log2(freqs[valid] / 440.0)
pitch_class = torch.remainder(pitch.round().long(), 12)
print("pitch classes of first valid bins:", pitch_class[:12])
chroma = torch.zeros(12, mag.shape[1])
chroma.index_add_(0, pitch_class, mag[valid] ** 2)
chroma2 = torch.zeros(12, mag.shape[1]).scatter_add_(0, pitch_class[:, None].expand(-1, mag.shape[1]), mag[valid] ** 2)
print("index_add_ == scatter_add_:", torch.allclose(chroma, chroma2, rtol=1e-5))
chroma = F.normalize(chroma, p=2, dim=0, eps=1e-8)
names = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]
print("dominant pitch class per note:", [names[i] for i in chroma[:, 4::8][:, :8].argmax(0).tolist()])
counts = torch.bincount(pitch_class, minlength=12)
print("bins per pitch class:", counts)

# chord templates: major and minor triads on all 12 roots
major = torch.zeros(12)
major[[0, 4, 7]] = 1
minor = torch.zeros(12)
minor[[0, 3, 7]] = 1
templates = torch.stack([torch.roll(major, r) for r in range(12)] + [torch.roll(minor, r) for r in range(12)])
templates = templates / templates.norm(dim=1, keepdim=True)
song_chroma = chroma.mean(1)
scores = templates @ song_chroma
best = scores.topk(3)
labels = [names[i % 12] + ("" if i < 12 else "m") for i in best.indices.tolist()]
print("best chords over the whole clip:", labels, best.values)
seg = chroma[:, :16].mean(1)
print("first half best chord:", names[(templates @ seg).argmax().item() % 12])
sim = torch.cdist(chroma.T[::8][:8], chroma.T[::8][:8])
print("self-distance matrix diag zero:", bool(sim.diagonal().abs().max() < 1e-3), "min off-diag {:.3f}".format(
    (sim + 10 * torch.eye(8)).min().item()))

# --- onsets ----------------------------------------------------------------------------------
logmag = torch.log1p(100 * mag)
flux = F.relu(torch.diff(logmag, dim=1)).sum(0)
flux = torch.cat([flux.new_zeros(1), flux])
print("flux:", flux.shape, "max {:.3f}".format(flux.max().item()))
smooth = F.avg_pool1d(flux.view(1, 1, -1), 3, stride=1, padding=1, count_include_pad=False).view(-1)
pooled, where = F.max_pool1d(flux.view(1, 1, -1), kernel_size=5, stride=1, padding=2, return_indices=True)
is_peak = (pooled.view(-1) == flux) & (flux > flux.mean() + flux.std())
onset_frames = torch.nonzero(is_peak).view(-1)
print("onset frames:", onset_frames)
print("onset times (s):", (onset_frames * HOP / SR))
print("inter-onset intervals:", torch.diff(onset_frames * HOP / SR))
print("median IOI: {:.4f}".format(torch.diff(onset_frames.float()).median().item() * HOP / SR))
print("smoothed flux near first onset:", smooth[5:10] / flux.max())
thr = torch.quantile(flux / flux.max(), torch.tensor([0.5, 0.9]))
print("flux quantiles:", thr)

# --- tempo by autocorrelation ----------------------------------------------------------------
env = flux - flux.mean()
L = env.numel()
ac = torch.stack([(env[: L - k] * env[k:]).sum() for k in range(L // 2)])
ac = ac / ac[0]
spec = torch.fft.rfft(env, n=2 * L)
ac_fft = torch.fft.irfft(spec * spec.conj(), n=2 * L)[: L // 2]
ac_fft = ac_fft / ac_fft[0]
print("direct vs FFT autocorrelation close:", torch.allclose(ac, ac_fft, atol=1e-5))
lags = torch.arange(L // 2)
frame_rate = SR / HOP
bpm = 60 * frame_rate / lags.clamp_min(1).float()
mask = (bpm > 60) & (bpm < 200)
best_lag = lags[mask][ac[mask].argmax()]
print("best lag", best_lag.item(), "frames -> tempo {:.1f} BPM".format(60 * frame_rate / best_lag.item()))
print("autocorr at lags 6..10:", ac[6:11])
cm, ci = torch.cummax(ac.flip(0), dim=0)
print("cummax tail:", cm[-4:], ci[-4:])
hist = torch.histc(onset_frames.float(), bins=4, min=0, max=L)
print("onsets per quarter of the clip:", hist)
