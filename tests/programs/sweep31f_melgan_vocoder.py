"""A tiny MelGAN / HiFi-GAN style vocoder from mel frames: a hand-built mel filterbank applied to an
STFT, a generator of weight-normalised ConvTranspose1d upsamplers and dilated residual stacks with
ReflectionPad1d, both weight-norm APIs (nn.utils.weight_norm and nn.utils.parametrizations.weight_norm,
removed again for inference), a multi-scale discriminator with AvgPool1d and spectral_norm, and
one step of the adversarial + feature-matching + multi-resolution STFT losses."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils import weight_norm, remove_weight_norm, spectral_norm
from torch.nn.utils import parametrize, parametrizations

torch.manual_seed(7)
sr, n_fft, hop, n_mels = 8000, 256, 64, 16


def hz_to_mel(f):
    return 2595.0 * torch.log10(1.0 + f / 700.0)


def mel_to_hz(m):
    return 700.0 * (10 ** (m / 2595.0) - 1.0)


def mel_filterbank(sr, n_fft, n_mels, fmin=0.0, fmax=None):
    fmax = fmax or sr / 2
    freqs = torch.linspace(0, sr / 2, n_fft // 2 + 1)
    m_pts = torch.linspace(hz_to_mel(torch.tensor(fmin)).item(), hz_to_mel(torch.tensor(fmax)).item(), n_mels + 2)
    f_pts = mel_to_hz(m_pts)
    f_diff = f_pts[1:] - f_pts[:-1]
    slopes = f_pts.unsqueeze(0) - freqs.unsqueeze(1)
    down = -slopes[:, :-2] / f_diff[:-1]
    up = slopes[:, 2:] / f_diff[1:]
    fb = torch.clamp(torch.min(down, up), min=0.0)
    enorm = 2.0 / (f_pts[2:n_mels + 2] - f_pts[:n_mels])
    return (fb * enorm.unsqueeze(0)).T


fb = mel_filterbank(sr, n_fft, n_mels)
print("filterbank", fb.shape, "nonzero per band", (fb > 0).sum(1).tolist())
window = torch.hann_window(n_fft)


def log_mel(wav):
    spec = torch.stft(wav, n_fft, hop, window=window, center=True, pad_mode="reflect", return_complex=True)
    mag = spec.abs().pow(2)
    return torch.log(torch.clamp(fb @ mag, min=1e-5))


t = torch.arange(2048) / sr
chirp = torch.sin(2 * math.pi * (200 * t + 800 * t ** 2)) * 0.5
wavs = torch.stack([chirp, 0.3 * torch.randn(2048)])
mels = log_mel(wavs)
print("mels", mels.shape, f"{mels.mean():.3f}", f"{mels.std():.3f}")


class ResStack(nn.Module):
    def __init__(self, ch):
        super().__init__()
        self.blocks = nn.ModuleList([
            nn.Sequential(nn.LeakyReLU(0.2), nn.ReflectionPad1d(3 ** i),
                          weight_norm(nn.Conv1d(ch, ch, 3, dilation=3 ** i)),
                          nn.LeakyReLU(0.2), weight_norm(nn.Conv1d(ch, ch, 1)))
            for i in range(3)])
        self.shortcuts = nn.ModuleList([weight_norm(nn.Conv1d(ch, ch, 1)) for _ in range(3)])

    def forward(self, x):
        for block, short in zip(self.blocks, self.shortcuts):
            x = short(x) + block(x)
        return x


class Generator(nn.Module):
    def __init__(self, n_mels, ch=32, ratios=(8, 8)):
        super().__init__()
        layers = [nn.ReflectionPad1d(3), weight_norm(nn.Conv1d(n_mels, ch, 7))]
        for r in ratios:
            layers += [nn.LeakyReLU(0.2),
                       weight_norm(nn.ConvTranspose1d(ch, ch // 2, 2 * r, stride=r,
                                                      padding=r // 2 + r % 2, output_padding=r % 2)),
                       ResStack(ch // 2)]
            ch //= 2
        layers += [nn.LeakyReLU(0.2), nn.ReflectionPad1d(3), weight_norm(nn.Conv1d(ch, 1, 7)), nn.Tanh()]
        self.net = nn.Sequential(*layers)

    def forward(self, mel):
        return self.net(mel)


G = Generator(n_mels)
first = G.net[1]
print("weight_norm params", [n for n, _ in first.named_parameters()])
print("weight_g", first.weight_g.shape, "weight_v", first.weight_v.shape)
print("norm check", torch.allclose(first.weight_g.squeeze(), first.weight_v.norm(dim=(1, 2))))
fake = G(mels)
print("generated", fake.shape, fake.grad_fn.name(), "hop match", fake.shape[-1] == mels.shape[-1] * hop)
fake = fake[..., :wavs.shape[-1]]      # center=True framing gives one extra frame: crop to the input length


class ScaleDisc(nn.Module):
    def __init__(self, use_sn=False):
        super().__init__()
        norm = spectral_norm if use_sn else weight_norm
        self.layers = nn.ModuleList([
            norm(nn.Conv1d(1, 8, 15, padding=7)),
            norm(nn.Conv1d(8, 16, 41, stride=4, padding=20, groups=4)),
            norm(nn.Conv1d(16, 16, 5, padding=2)),
        ])
        self.out = norm(nn.Conv1d(16, 1, 3, padding=1))

    def forward(self, x):
        feats = []
        for layer in self.layers:
            x = F.leaky_relu(layer(x), 0.2)
            feats.append(x)
        return self.out(x), feats


class MultiScale(nn.Module):
    def __init__(self):
        super().__init__()
        self.discs = nn.ModuleList([ScaleDisc(use_sn=True), ScaleDisc(), ScaleDisc()])
        self.pool = nn.AvgPool1d(4, stride=2, padding=1, count_include_pad=False)

    def forward(self, x):
        outs = []
        for i, d in enumerate(self.discs):
            if i:
                x = self.pool(x)
            outs.append(d(x))
        return outs


D = MultiScale()
print("spectral_norm buffers", sorted(n for n, _ in D.discs[0].layers[0].named_buffers()))
real = wavs.unsqueeze(1)
d_real = D(real)
print("disc scales", [tuple(o.shape) for o, _ in d_real], [len(f) for _, f in d_real])


def stft_loss(x, y, n_fft, hop, win):
    w = torch.hann_window(win)
    X = torch.stft(x, n_fft, hop, win, w, return_complex=True).abs().clamp(min=1e-3)
    Y = torch.stft(y, n_fft, hop, win, w, return_complex=True).abs().clamp(min=1e-3)
    sc = torch.linalg.norm(Y - X, "fro", dim=(-2, -1)) / torch.linalg.norm(Y, "fro", dim=(-2, -1))
    return sc.mean() + F.l1_loss(X.log(), Y.log())


g_opt = torch.optim.AdamW(G.parameters(), lr=1e-4, betas=(0.5, 0.9))
d_opt = torch.optim.AdamW(D.parameters(), lr=1e-4, betas=(0.5, 0.9))

D.train()
d_fake = D(fake.detach())
d_loss = sum(F.mse_loss(r, torch.ones_like(r)) + F.mse_loss(f, torch.zeros_like(f))
             for (r, _), (f, _) in zip(d_real, d_fake))
d_opt.zero_grad()
d_loss.backward()
d_opt.step()
print("d_loss", f"{d_loss.item():.4f}")

d_fake = D(fake)
adv = sum(F.mse_loss(f, torch.ones_like(f)) for f, _ in d_fake)
fm = sum(F.l1_loss(ff, rf.detach()) for (_, fr), (_, ffs) in zip(d_real, d_fake) for rf, ff in zip(fr, ffs))
mr = sum(stft_loss(fake.squeeze(1), wavs, nf, nf // 4, nf // 2) for nf in (64, 128, 256)) / 3
g_loss = adv + 10 * fm + 2.5 * mr
g_opt.zero_grad()
g_loss.backward()
print("g parts", f"{adv.item():.4f}", f"{fm.item():.4f}", f"{mr.item():.4f}")
print("weight_g grad", first.weight_g.grad.shape, "weight_v grad", first.weight_v.grad.shape)
g_opt.step()

# the newer parametrization API on a fresh conv
conv = parametrizations.weight_norm(nn.ConvTranspose1d(4, 2, 4, stride=2, padding=1), dim=1)
print(conv)
print("original0", conv.parametrizations.weight.original0.shape,
      "original1", conv.parametrizations.weight.original1.shape)
print("is parametrized", parametrize.is_parametrized(conv), parametrize.is_parametrized(conv, "bias"))
print("state_dict", list(conv.state_dict().keys()))
x = torch.randn(1, 4, 5)
y1 = conv(x)
parametrize.remove_parametrizations(conv, "weight")
y2 = conv(x)
print("after removal", type(conv.weight).__name__, torch.allclose(y1, y2, atol=1e-6), y2.shape)

# inference: drop the weight-norm reparameterisation
for m in G.modules():
    if hasattr(m, "weight_g"):
        remove_weight_norm(m)
print("weight_norm removed", sum(hasattr(m, "weight_g") for m in G.modules()))
G.eval()
with torch.inference_mode():
    audio = G(mels[:1])
print("audio", audio.shape, audio.requires_grad, f"{audio.abs().max():.4f}")

try:
    remove_weight_norm(G.net[1])
except ValueError as e:
    print("ValueError:", e)
try:
    nn.ReflectionPad1d(5)(torch.randn(1, 1, 4))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    parametrize.remove_parametrizations(conv, "weight")
except ValueError as e:
    print("ValueError:", e)
