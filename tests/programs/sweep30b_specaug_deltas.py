"""Feature-pipeline exercises from a speech course: a Slaney-style mel filterbank built with
searchsorted-free triangular slopes and area normalisation, vocal-tract-length perturbation that warps
the filterbank by piecewise-linear interpolation (searchsorted + lerp), log-mel features from frames
cut with Tensor.unfold, delta / delta-delta with depthwise conv1d under each padding mode,
sliding-window CMVN with cumsum, frame stacking and subsampling with unfold, and SpecAugment with
per-example random time/frequency masks (masked_fill, scatter_, index_fill_) and time warping with
F.interpolate and F.grid_sample."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(8)
torch.set_printoptions(precision=3, sci_mode=False, linewidth=100)
sr, n_fft, hop, n_mels = 8000, 256, 80, 16

# --- signals: two "utterances" of noisy harmonics ----------------------------------------------
t = torch.arange(4000) / sr
wav = torch.stack([
    sum(torch.sin(2 * math.pi * 150 * k * t) / k for k in range(1, 8)),
    sum(torch.sin(2 * math.pi * 220 * k * t + k) / k ** 0.5 for k in range(1, 6)),
]) + 0.05 * torch.randn(2, 4000)
print("wav", wav.shape, wav.dtype)


# --- mel filterbank (Slaney scale, area-normalised) -------------------------------------------
def hz_to_mel(f):
    f = torch.as_tensor(f, dtype=torch.float64)
    lin = f / (200.0 / 3)
    log = 15.0 + torch.log(torch.clamp(f, min=1e-10) / 1000.0) / (math.log(6.4) / 27.0)
    return torch.where(f >= 1000.0, log, lin)


def mel_to_hz(m):
    lin = m * (200.0 / 3)
    log = 1000.0 * torch.exp((math.log(6.4) / 27.0) * (m - 15.0))
    return torch.where(m >= 15.0, log, lin)


def mel_fb(n_freqs, f_min, f_max, n_mels, sr, warp=None):
    all_freqs = torch.linspace(0, sr // 2, n_freqs, dtype=torch.float64)
    m_pts = torch.linspace(hz_to_mel(f_min).item(), hz_to_mel(f_max).item(), n_mels + 2, dtype=torch.float64)
    f_pts = mel_to_hz(m_pts)
    if warp is not None:
        f_pts = warp(f_pts)
    f_diff = f_pts[1:] - f_pts[:-1]
    slopes = f_pts.unsqueeze(0) - all_freqs.unsqueeze(1)
    down = -slopes[:, :-2] / f_diff[:-1]
    up = slopes[:, 2:] / f_diff[1:]
    fb = torch.max(torch.zeros(1, dtype=torch.float64), torch.min(down, up))
    enorm = 2.0 / (f_pts[2:n_mels + 2] - f_pts[:n_mels])
    return (fb * enorm.unsqueeze(0)).float()


fb = mel_fb(n_fft // 2 + 1, 0.0, sr / 2, n_mels, sr)
print("fb", fb.shape, fb.dtype, "empty filters:", int((fb.max(0).values == 0).sum()))
print("fb column sums", fb.sum(0)[:6])


# VTLP: piecewise-linear warp of the frequency axis with factor alpha, by interpolation
def interp(x, xp, fp):
    idx = torch.searchsorted(xp, x.contiguous()).clamp(1, len(xp) - 1)
    x0, x1 = xp[idx - 1], xp[idx]
    w = ((x - x0) / (x1 - x0)).clamp(0, 1)
    return torch.lerp(fp[idx - 1], fp[idx], w)


def vtlp(alpha, f_hi=3200.0, nyq=sr / 2):
    knee = f_hi * min(alpha, 1.0) / alpha
    xp = torch.tensor([0.0, knee, nyq], dtype=torch.float64)
    fp = torch.tensor([0.0, knee * alpha, nyq], dtype=torch.float64)
    return lambda f: interp(f, xp, fp)


for alpha in (0.9, 1.1):
    fbw = mel_fb(n_fft // 2 + 1, 0.0, sr / 2, n_mels, sr, warp=vtlp(alpha))
    print("vtlp", alpha, "peak bins", fbw.argmax(0)[:8].tolist(), f"{(fbw - fb).abs().max():.4f}")

# --- framing with unfold, log-mel ---------------------------------------------------------------
padded = F.pad(wav.unsqueeze(1), (n_fft // 2, n_fft // 2), mode="reflect").squeeze(1)
frames = padded.unfold(-1, n_fft, hop)                    # (B, T, n_fft)
print("frames", frames.shape, frames.stride(), frames.is_contiguous())
spec = torch.fft.rfft(frames * torch.hann_window(n_fft), dim=-1).abs().pow(2)
ref = torch.stft(wav, n_fft, hop, window=torch.hann_window(n_fft), return_complex=True).abs().pow(2)
print("unfold == stft:", torch.allclose(spec.transpose(1, 2), ref, rtol=1e-4, atol=1e-3))
logmel = torch.log(spec @ fb + 1e-6).transpose(1, 2)       # (B, n_mels, T)
print("logmel", logmel.shape, f"{logmel.mean():.3f}", f"{logmel.std():.3f}")


# --- deltas with a depthwise conv1d, each padding mode -------------------------------------------
def deltas(x, win=2, mode="replicate"):
    denom = 2 * sum(i * i for i in range(1, win + 1))
    kernel = torch.arange(-win, win + 1, dtype=x.dtype).repeat(x.shape[1], 1, 1) / denom
    return F.conv1d(F.pad(x, (win, win), mode=mode), kernel, groups=x.shape[1])


for mode in ("replicate", "reflect", "circular", "constant"):
    d = deltas(logmel, mode=mode)
    print(mode, d.shape, f"{d.abs().mean():.4f}", d[0, 0, :4], d[0, 0, -3:])
dd = deltas(deltas(logmel))
feat = torch.cat([logmel, deltas(logmel), dd], dim=1)
print("feat", feat.shape)

# the same deltas with nn.Conv1d's own padding_mode
conv = nn.Conv1d(n_mels, n_mels, 5, padding=2, padding_mode="replicate", groups=n_mels, bias=False)
with torch.no_grad():
    conv.weight.copy_(torch.arange(-2, 3, dtype=torch.float32).repeat(n_mels, 1, 1) / 10)
print(conv, conv.weight.shape)
print("module == functional:", torch.allclose(conv(logmel), deltas(logmel)))
same = nn.Conv1d(n_mels, 4, 3, padding="same", dilation=2)
print(same, same(logmel).shape)

# --- sliding-window CMVN ---------------------------------------------------------------------------
def sliding_cmvn(x, win=11):
    cs = F.pad(x.cumsum(-1), (1, 0))
    cs2 = F.pad((x * x).cumsum(-1), (1, 0))
    T = x.shape[-1]
    lo = (torch.arange(T) - win // 2).clamp(0, T - win)
    hi = lo + win
    mean = (cs[..., hi] - cs[..., lo]) / win
    var = (cs2[..., hi] - cs2[..., lo]) / win - mean ** 2
    return (x - mean) / var.clamp_min(1e-5).sqrt()


cm = sliding_cmvn(logmel.double())         # float64: E[x^2] - E[x]^2 cancels badly in float32
print("cmvn", cm.shape, f"{cm.mean():.3f}", f"{cm.std():.3f}")
v, m = torch.var_mean(logmel, dim=-1, keepdim=True)
glob = (logmel - m) / v.sqrt()
print("global cmvn mean/std", f"{glob.mean().abs().item() < 1e-5}", f"{glob.std(-1).mean():.3f}")

# --- stacking and subsampling: 3 frames stacked, stride 3 -------------------------------------------
stacked = F.pad(feat, (1, 1), mode="replicate").unfold(2, 3, 3)      # (B, C, T', 3)
stacked = stacked.permute(0, 2, 1, 3).reshape(2, stacked.shape[2], -1)
print("stacked", stacked.shape)

# --- SpecAugment ------------------------------------------------------------------------------------
def spec_augment(x, F_=4, T_=6, n_freq=2, n_time=2, g=None):
    B, C, T = x.shape
    x = x.clone()
    for _ in range(n_freq):
        f = torch.randint(0, F_ + 1, (B, 1), generator=g)
        f0 = (torch.rand(B, 1, generator=g) * (C - f)).long()
        band = torch.arange(C)[None]
        x = x.masked_fill(((band >= f0) & (band < f0 + f))[:, :, None], 0.0)
    for _ in range(n_time):
        w = torch.randint(0, T_ + 1, (B, 1), generator=g)
        t0 = (torch.rand(B, 1, generator=g) * (T - w)).long()
        frames_ = torch.arange(T)[None]
        x = x.masked_fill(((frames_ >= t0) & (frames_ < t0 + w))[:, None, :], 0.0)
    return x


g = torch.Generator().manual_seed(99)
aug = spec_augment(logmel, g=g)
print("masked fraction", f"{(aug == 0).float().mean():.4f}", (aug == 0).all(dim=2).sum(1).tolist(),
      (aug == 0).all(dim=1).sum(1).tolist())

# the same masks by scatter_ and index_fill_
mask = torch.zeros(2, n_mels, dtype=torch.bool)
mask.scatter_(1, torch.tensor([[3, 4, 5], [10, 11, 12]]), True)
print(mask.int())
x2 = logmel.clone()
x2[0].index_fill_(1, torch.tensor([0, 1, 2, 7]), -1.0)
print("index_fill", (x2[0] == -1).all(0).nonzero().flatten().tolist())

# time warping: stretch the first part, squeeze the rest (interpolate) and the same with grid_sample
T = logmel.shape[-1]
c, w = T // 2, 3
left = F.interpolate(logmel[:, None, :, :c], size=(n_mels, c + w), mode="bilinear", align_corners=False)
right = F.interpolate(logmel[:, None, :, c:], size=(n_mels, T - c - w), mode="bilinear", align_corners=False)
warped = torch.cat([left, right], dim=-1).squeeze(1)
print("warped", warped.shape, f"{(warped - logmel).abs().mean():.4f}")
src = torch.cat([torch.linspace(0, c, c + w), torch.linspace(c, T - 1, T - c - w + 1)[1:]])
gx = (2 * src / (T - 1) - 1).view(1, 1, T, 1).expand(2, n_mels, T, 1)
gy = torch.linspace(-1, 1, n_mels).view(1, n_mels, 1, 1).expand(2, n_mels, T, 1)
grid = torch.cat([gx, gy], dim=-1)
gw = F.grid_sample(logmel[:, None], grid, mode="bilinear", align_corners=True).squeeze(1)
print("grid_sample warp", gw.shape, f"{(gw - logmel).abs().mean():.4f}", gw[0, 0, c - 2:c + 3])
