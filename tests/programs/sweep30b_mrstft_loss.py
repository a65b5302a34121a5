"""Multi-resolution STFT loss (as in Parallel WaveGAN / HiFi-GAN training code): spectral convergence
and log-magnitude L1 terms over several (n_fft, hop, win_length) settings, batched torch.stft with
window and win_length shorter than n_fft, gradients flowing through stft / abs / clamp / norm, a
waveform optimised with SGD + momentum to match a target spectrogram, and the istft of the result with length,
plus the complex helpers (view_as_real, polar, angle) a vocoder notebook uses."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(11)
sr = 8000
n = 1200
t = torch.arange(n) / sr
target = (0.5 * torch.sin(2 * math.pi * 330 * t) + 0.25 * torch.sin(2 * math.pi * 1250 * t)
          + 0.02 * torch.randn(n)).unsqueeze(0).repeat(2, 1)
target[1] = target[1] * torch.linspace(1.0, 0.2, n)
print("target", target.shape, f"{target.abs().max():.4f}")


def stft_mag(x, n_fft, hop, win_length, window):
    spec = torch.stft(x, n_fft, hop, win_length, window=window, return_complex=True)
    # clamp keeps the sqrt differentiable at 0, as the Parallel WaveGAN code does
    return torch.sqrt(torch.clamp(spec.real ** 2 + spec.imag ** 2, min=1e-7)).transpose(2, 1)


class STFTLoss(nn.Module):
    def __init__(self, n_fft, hop, win_length):
        super().__init__()
        self.n_fft, self.hop, self.win_length = n_fft, hop, win_length
        self.register_buffer("window", torch.hann_window(win_length))

    def forward(self, x, y):
        xm = stft_mag(x, self.n_fft, self.hop, self.win_length, self.window)
        ym = stft_mag(y, self.n_fft, self.hop, self.win_length, self.window)
        sc = torch.norm(ym - xm, p="fro") / torch.norm(ym, p="fro")
        mag = F.l1_loss(torch.log(ym), torch.log(xm))
        return sc, mag

    def extra_repr(self):
        return f"n_fft={self.n_fft}, hop={self.hop}, win_length={self.win_length}"


class MultiResolutionSTFTLoss(nn.Module):
    def __init__(self, resolutions):
        super().__init__()
        self.losses = nn.ModuleList(STFTLoss(*r) for r in resolutions)

    def forward(self, x, y):
        sc = mag = 0.0
        for f in self.losses:
            a, b = f(x, y)
            sc = sc + a
            mag = mag + b
        return sc / len(self.losses), mag / len(self.losses)


crit = MultiResolutionSTFTLoss([(128, 32, 96), (256, 64, 256), (64, 16, 48)])
print(crit)
print("buffers", [(k, tuple(v.shape)) for k, v in crit.named_buffers()])

# shapes of each resolution
for f in crit.losses:
    m = stft_mag(target, f.n_fft, f.hop, f.win_length, f.window)
    print(f.n_fft, tuple(m.shape), f"{m.mean():.4f}", f"{m.max():.4f}")

# gradient through the stft of a leaf
x = (0.1 * torch.randn(2, n)).requires_grad_()
sc, mag = crit(x, target)
print("initial", f"{sc.item():.4f}", f"{mag.item():.4f}", sc.grad_fn.name(), mag.grad_fn.name())
(sc + mag).backward()
print("grad", x.grad.shape, f"{x.grad.norm():.4f}", f"{x.grad.abs().max():.4f}")

spec = torch.stft(x, 64, 16, window=torch.hann_window(64), return_complex=True)
print("stft grad_fn", spec.grad_fn.name(), spec.dtype, spec.shape)
print("abs grad_fn", spec.abs().grad_fn.name(), "angle", spec.angle().grad_fn.name())
print("view_as_real", torch.view_as_real(spec).shape, torch.view_as_real(spec).grad_fn.name())

# optimise the waveform itself (SGD: Adam's sign-like first steps would amplify rounding noise)
opt = torch.optim.SGD([x], lr=0.5, momentum=0.9)
for step in range(40):
    opt.zero_grad()
    sc, mag = crit(x, target)
    # only the spectral-convergence term drives the steps: the log-magnitude term's 1/|X| gradients
    # at near-silent bins make the trajectory chaotic
    loss = sc + 0.0 * mag
    loss.backward()
    opt.step()
    if step % 10 == 0 or step == 39:
        print(f"step {step:2d} sc {sc.item():.3f} mag {mag.item():.3f}")

# phase from the optimised signal, magnitude from the target, back to a waveform
win = torch.hann_window(128)
with torch.no_grad():
    S_t = torch.stft(target, 128, 32, window=win, return_complex=True)
    S_x = torch.stft(x, 128, 32, window=win, return_complex=True)
    mixed = torch.polar(S_t.abs(), S_x.angle())
    y = torch.istft(mixed, 128, 32, window=win, length=n)
    print("mixed", mixed.dtype, mixed.shape, "istft", y.shape)
    cos = F.cosine_similarity(y, target, dim=-1)
    print("cosine to target", [f"{c:.2f}" for c in cos.tolist()])
    back = torch.istft(S_t, 128, 32, window=win, length=n)
    print("perfect reconstruction", torch.allclose(back, target, atol=1e-5))

# complex helpers
z = torch.complex(torch.tensor([3.0, 0.0, -1.0]), torch.tensor([4.0, 2.0, 0.0]))
print(z, z.abs(), z.angle())
print(torch.view_as_real(z), torch.view_as_complex(torch.view_as_real(z) * 2))
print(torch.polar(torch.tensor([1.0, 2.0]), torch.tensor([0.0, math.pi / 2])).real.round(decimals=4))
print(z.conj(), z.conj().is_conj(), torch.resolve_conj(z.conj()).is_conj())
zz = z.clone().requires_grad_()
(zz.abs() ** 2).sum().backward()
print("d|z|^2/dz", zz.grad)
