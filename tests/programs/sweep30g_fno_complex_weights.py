"""Fourier neural operator layers with weights stored as real tensors and viewed as complex
(view_as_complex), spectral differentiation with fftfreq, fft normalisations, complex arithmetic and
printing, and training a small 1-D FNO on an antiderivative-like operator with AdamW."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(30)
torch.set_printoptions(precision=4)

# ---- spectral derivative on a periodic grid ------------------------------------------------------
n = 32
L = 2 * math.pi
x = torch.arange(n, dtype=torch.float64) * (L / n)
u = torch.sin(3 * x) + 0.5 * torch.cos(x)
k = torch.fft.fftfreq(n, d=L / n) * 2 * math.pi
print("fftfreq head:", k[:5])
print("rfftfreq:", torch.fft.rfftfreq(8))
uh = torch.fft.fft(u)
du = torch.fft.ifft(1j * k * uh).real
exact = 3 * torch.cos(3 * x) - 0.5 * torch.sin(x)
print("spectral derivative max err < 1e-5:", bool((du - exact).abs().max() < 1e-5), k.dtype, du.dtype)
kr = torch.fft.rfftfreq(n, d=1.0 / n)
d2u = torch.fft.irfft(-(kr ** 2) * torch.fft.rfft(u), n=n)
print("second derivative at 0:", round(d2u[0].item(), 4))
print("dtype of uh:", uh.dtype, "rfft of float32:", torch.fft.rfft(u.float()).dtype)

# ---- normalisation modes ---------------------------------------------------------------------------
v = torch.tensor([1.0, 2.0, 0.0, -1.0])
for norm in ["backward", "ortho", "forward"]:
    print(norm, torch.fft.fft(v, norm=norm))
print("shifted:", torch.fft.fftshift(torch.arange(6)), torch.fft.ifftshift(torch.arange(6)))
print("hfft:", torch.fft.hfft(torch.tensor([1.0, 2.0 + 1.0j, 3.0]), n=4))
print("ihfft:", torch.fft.ihfft(v))

# ---- complex helpers -------------------------------------------------------------------------------
z = torch.complex(torch.tensor([1.0, -2.0, 0.5]), torch.tensor([0.0, 1.5, -0.25]))
print("z:", z)
print("abs:", z.abs(), "angle:", z.angle())
print("conj:", z.conj(), "is_conj:", z.conj().is_conj())
print("polar:", torch.polar(torch.tensor([1.0, 2.0]), torch.tensor([0.0, math.pi / 2])))
zr = torch.view_as_real(z)
print("view_as_real:", zr.shape, zr.dtype)
print(zr)
z2 = z.clone()
z2.imag.mul_(2)
z2.real[0] = 7
print("edited:", z2)
print("z * z.conj():", z * z.conj())
try:
    torch.view_as_complex(torch.zeros(3, 3))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.view_as_real(torch.zeros(3))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.fft.rfft(z)
except RuntimeError as e:
    print("RuntimeError:", e)


class SpectralConv1d(nn.Module):
    """Weights kept as a real (..., 2) tensor so any optimiser works on them."""

    def __init__(self, cin, cout, modes):
        super().__init__()
        self.modes = modes
        scale = 1.0 / (cin * cout)
        self.weight = nn.Parameter(scale * torch.randn(cin, cout, modes, 2))

    def forward(self, x):
        n = x.shape[-1]
        xf = torch.fft.rfft(x, norm="ortho")
        w = torch.view_as_complex(self.weight)
        out = torch.zeros(x.shape[0], w.shape[1], n // 2 + 1, dtype=torch.cfloat)
        out[..., :self.modes] = torch.einsum("bix,iox->box", xf[..., :self.modes], w)
        return torch.fft.irfft(out, n=n, norm="ortho")


class FNO1d(nn.Module):
    def __init__(self, modes=6, width=12, depth=2):
        super().__init__()
        self.lift = nn.Linear(2, width)
        self.spec = nn.ModuleList([SpectralConv1d(width, width, modes) for _ in range(depth)])
        self.skip = nn.ModuleList([nn.Conv1d(width, width, 1) for _ in range(depth)])
        self.proj = nn.Sequential(nn.Linear(width, 32), nn.GELU(), nn.Linear(32, 1))

    def forward(self, a, grid):
        h = torch.stack([a, grid.expand_as(a)], dim=-1)
        h = self.lift(h).permute(0, 2, 1)
        for i, (s, w) in enumerate(zip(self.spec, self.skip)):
            h = s(h) + w(h)
            if i < len(self.spec) - 1:
                h = F.gelu(h)
        return self.proj(h.permute(0, 2, 1)).squeeze(-1)


model = FNO1d()
print(model)
print("params:", sum(p.numel() for p in model.parameters()))
print("spec weight:", model.spec[0].weight.shape, torch.view_as_complex(model.spec[0].weight).dtype)

# data: a(x) random smooth periodic functions, target: the periodic antiderivative (zero mean)
m = 64
grid = torch.linspace(0, 1, m + 1)[:-1]
coef = torch.randn(40, 4, dtype=torch.cfloat) / torch.arange(1, 5)
spec_in = torch.zeros(40, m // 2 + 1, dtype=torch.cfloat)
spec_in[:, 1:5] = coef
a = torch.fft.irfft(spec_in, n=m, norm="forward")
kk = torch.fft.rfftfreq(m, d=1.0 / m) * 2 * math.pi
kk[0] = 1.0
spec_out = spec_in / (1j * kk)
spec_out[:, 0] = 0
target = torch.fft.irfft(spec_out, n=m, norm="forward")
print("a:", a.shape, a.dtype, "target std:", round(target.std().item(), 3))

opt = torch.optim.AdamW(model.parameters(), lr=5e-3, weight_decay=1e-4)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=20, gamma=0.5)


def rel_l2(pred, y):
    return (torch.linalg.norm(pred - y, dim=-1) / torch.linalg.norm(y, dim=-1)).mean()


losses = []
for step in range(60):
    opt.zero_grad()
    loss = rel_l2(model(a[:32], grid), target[:32])
    loss.backward()
    opt.step()
    sched.step()
    losses.append(loss.item())
print("loss start/end:", round(losses[0], 3), round(losses[-1], 3), losses[-1] < losses[0])
print("lr now:", sched.get_last_lr())
with torch.no_grad():
    test_err = rel_l2(model(a[32:], grid), target[32:])
print("test rel l2 < 1:", bool(test_err < 1.0))
g = model.spec[0].weight.grad
print("weight grad shape/dtype:", g.shape, g.dtype)

# complex parameters directly: a single complex multiplier fit by gradient descent
wc = torch.zeros(3, dtype=torch.cfloat, requires_grad=True)
tgt = torch.tensor([1 + 2j, -0.5j, 3.0], dtype=torch.cfloat)
optc = torch.optim.SGD([wc], lr=0.4)
for _ in range(25):
    optc.zero_grad()
    l = (wc - tgt).abs().pow(2).sum()
    l.backward()
    optc.step()
print("complex fit:", wc.detach())
print("grad_fn:", (wc * 2).grad_fn.name(), wc.abs().grad_fn.name(), torch.view_as_real(wc).grad_fn.name())
