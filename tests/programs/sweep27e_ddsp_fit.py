"""DDSP-style differentiable synthesis: fit a harmonic-plus-noise synthesizer to a target sound.

The synth is an nn.Module: harmonic amplitudes through DDSP's exp-sigmoid, a learnable
fundamental (cumsum of phase, so the gradient flows through the oscillator), and a filtered
noise branch shaped in the frequency domain (irfft of a learnable magnitude response).
A multi-resolution STFT loss drives Adam; we print gradients, grad_fns and the fitted values."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)
# float64 throughout: the log-spectral loss amplifies last-bit differences over the fit
torch.set_default_dtype(torch.float64)
torch.set_printoptions(precision=4, sci_mode=False, linewidth=110)
SR = 4000
N = 1024


def exp_sigmoid(x, exponent=10.0, max_value=2.0, threshold=1e-7):
    """DDSP's scaled sigmoid: max_value * sigmoid(x) ** log(exponent) + threshold."""
    return max_value * torch.sigmoid(x) ** math.log(exponent) + threshold


class HarmonicSynth(nn.Module):
    def __init__(self, n_harmonics=6, f0=200.0):
        super().__init__()
        self.amp_logits = nn.Parameter(torch.zeros(n_harmonics))
        self.log_f0 = nn.Parameter(torch.tensor(math.log(f0)))
        self.register_buffer("k", torch.arange(1, n_harmonics + 1, dtype=torch.get_default_dtype()))

    def forward(self, n):
        f0 = self.log_f0.exp()
        amps = exp_sigmoid(self.amp_logits)
        # harmonics above Nyquist are silenced (no aliasing)
        amps = amps * (self.k * f0 < SR / 2).float()
        omega = 2 * math.pi * f0 * self.k / SR
        phase = torch.cumsum(omega.unsqueeze(1).expand(-1, n), dim=1)
        return (amps.unsqueeze(1) * torch.sin(phase)).sum(0)


class FilteredNoise(nn.Module):
    def __init__(self, n_bands=16):
        super().__init__()
        self.mag_logits = nn.Parameter(torch.full((n_bands,), -2.0))

    def forward(self, n, noise):
        mags = exp_sigmoid(self.mag_logits)
        ir = torch.fft.irfft(mags.to(torch.complex128), n=2 * (mags.numel() - 1))
        ir = torch.roll(ir, ir.numel() // 2) * torch.hann_window(ir.numel())
        return F.conv1d(noise.view(1, 1, -1), ir.flip(0).view(1, 1, -1), padding="same").view(-1)


class Synth(nn.Module):
    def __init__(self):
        super().__init__()
        self.harm = HarmonicSynth()
        self.noise = FilteredNoise()

    def forward(self, n, noise):
        return self.harm(n) + self.noise(n, noise)


def multi_stft_loss(x, y, sizes=(64, 128, 256)):
    loss = 0.0
    for s in sizes:
        w = torch.hann_window(s)
        X = torch.stft(x, s, hop_length=s // 4, window=w, return_complex=True).abs()
        Y = torch.stft(y, s, hop_length=s // 4, window=w, return_complex=True).abs()
        loss = loss + (X - Y).abs().mean() + (torch.log(X + 1e-3) - torch.log(Y + 1e-3)).abs().mean()
    return loss


# --- target: a known synth ------------------------------------------------------------------
noise = torch.rand(N) * 2 - 1
with torch.no_grad():
    target_model = Synth()
    target_model.harm.amp_logits.copy_(torch.tensor([2.0, 0.5, 1.0, -1.0, -2.0, -3.0]))
    target_model.harm.log_f0.fill_(math.log(220.0))
    target_model.noise.mag_logits.copy_(torch.linspace(-1.0, -4.0, 16))
    target = target_model(N, noise)
print("target:", target.shape, "rms {:.4f}".format(target.pow(2).mean().sqrt().item()))

model = Synth()
with torch.no_grad():
    model.harm.log_f0.fill_(math.log(218.0))
print(model)
print("parameters:", [(n, tuple(p.shape)) for n, p in model.named_parameters()])
print("buffers:", [n for n, _ in model.named_buffers()])
print("state_dict keys:", list(model.state_dict().keys()))
print("trainable count:", sum(p.numel() for p in model.parameters() if p.requires_grad))

out = model(N, noise)
print("output grad_fn:", type(out.grad_fn).__name__)
loss = multi_stft_loss(out, target)
print("initial loss {:.4f}".format(loss.item()), type(loss.grad_fn).__name__)
loss.backward()
for name, p in model.named_parameters():
    print(f"  grad {name:22s} norm {p.grad.norm().item():.4f}")
print("f0 grad sign:", torch.sign(model.harm.log_f0.grad).item())

# --- fit ------------------------------------------------------------------------------------
model.zero_grad(set_to_none=True)
print("grads cleared:", all(p.grad is None for p in model.parameters()))
opt = torch.optim.Adam([
    {"params": [model.harm.amp_logits, model.noise.mag_logits], "lr": 0.05},
    {"params": [model.harm.log_f0], "lr": 0.002},
])
# the f0 gradient of a spectral loss is rough (many local minima), so the fit is kept short
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=10, gamma=0.5)
history = []
for step in range(20):
    opt.zero_grad()
    loss = multi_stft_loss(model(N, noise), target)
    loss.backward()
    gn = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
    opt.step()
    sched.step()
    history.append(loss.item())
    if step % 5 == 0:
        print(f"step {step:2d} loss {loss.item():.3f} grad-norm {gn.item():.1f} lr {sched.get_last_lr()}")
print("loss decreased:", history[-1] < history[0] * 0.9)
print("fitted f0 {:.1f} Hz".format(model.harm.log_f0.exp().item()))
with torch.no_grad():
    print("fitted amps (rounded):", exp_sigmoid(model.harm.amp_logits).mul(10).round().div(10))
    print("target amps (rounded):", exp_sigmoid(target_model.harm.amp_logits).mul(10).round().div(10))
print("optimizer state keys:", sorted(opt.state_dict()["state"][0].keys()))
print("param groups lr:", [g["lr"] for g in opt.param_groups])

# --- gradients of the oscillator by hand --------------------------------------------------
f = torch.tensor(100.0, requires_grad=True)
n = torch.arange(8.0)
y = torch.sin(2 * math.pi * f * n / SR).sum()
(dy,) = torch.autograd.grad(y, f)
manual = (2 * math.pi * n / SR * torch.cos(2 * math.pi * 100.0 * n / SR)).sum()
print("d/df sum sin: autograd {:.5f} manual {:.5f}".format(dy.item(), manual.item()))
a = torch.tensor([0.3, -0.2], requires_grad=True)
z = exp_sigmoid(a)
z.sum().backward()
print("exp_sigmoid grad:", a.grad, "grad_fn:", type(z.grad_fn).__name__)
try:
    z.sum().backward()
except RuntimeError as e:
    print("RuntimeError:", str(e).split(".")[0])
print("default dtype:", torch.get_default_dtype(), torch.tensor([1.5]).dtype, torch.tensor([1.5 + 2j]).dtype)
x64 = torch.randn(5, requires_grad=True)
print("gradcheck exp_sigmoid:", torch.autograd.gradcheck(exp_sigmoid, (x64,)))
dist = torch.distributions.Normal(torch.tensor(220.0), torch.tensor(5.0))
torch.set_default_dtype(torch.float32)
print("f0 prior log_prob at fit {:.4f}".format(dist.log_prob(model.harm.log_f0.exp().detach().clamp(200, 240).round()).item()))

# --- the same gradients with torch.func --------------------------------------------------------
from torch.func import grad, jacrev, vmap


def partial_sum(f, amps):
    t = torch.arange(16.0) / SR
    k = torch.arange(1, amps.numel() + 1, dtype=amps.dtype)
    return (amps[:, None] * torch.sin(2 * torch.pi * f * k[:, None] * t)).sum(0)


amps0 = torch.tensor([1.0, 0.5, 0.25])
energy = lambda f, a: partial_sum(f, a).pow(2).sum()   # noqa: E731
print("d energy / d f0 {:.5f}".format(grad(energy)(torch.tensor(220.0), amps0).item()))
print("d energy / d amps:", grad(energy, argnums=1)(torch.tensor(220.0), amps0))
print("jacobian wrt amps:", jacrev(partial_sum, argnums=1)(torch.tensor(220.0), amps0).shape)
print("per-note energies:", vmap(energy, in_dims=(0, None))(torch.tensor([110.0, 220.0, 440.0]), amps0))
print("a constant loss has zero gradient:", grad(lambda f: torch.tensor(1.0))(torch.tensor(220.0)))
try:       # a common slip: returning a Python float
    grad(lambda f: energy(f, amps0).item())(torch.tensor(220.0))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    grad(lambda f: partial_sum(f, amps0))(torch.tensor(220.0))
except RuntimeError as e:
    print("RuntimeError:", str(e).split(". ")[0])
