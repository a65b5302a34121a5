"""Complex signal processing and complex-valued networks, as in DSP-course notebooks and
complexPyTorch-style repos: the analytic signal of a chirp via torch.fft (Hilbert transform by
zeroing negative frequencies), envelope and instantaneous frequency from .abs()/.angle() with a
manual phase unwrap, a complex Linear layer built from real/imag weights next to nn.Linear with
dtype=torch.cfloat, CReLU and modReLU activations, a small complex network trained with Adam on
complex parameters to tell two tones apart, and Wirtinger gradients of real losses (|z|^2,
|z - w|^2, Re(z^2)) checked against closed forms."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(5)


def analytic_signal(x):
    n = x.shape[-1]
    X = torch.fft.fft(x)
    h = torch.zeros(n)
    h[0] = 1
    h[1:(n + 1) // 2] = 2
    if n % 2 == 0:
        h[n // 2] = 1
    return torch.fft.ifft(X * h)


def unwrap(phase):
    d = torch.diff(phase)
    d = d - 2 * math.pi * torch.round(d / (2 * math.pi))
    return torch.cat([phase[:1], phase[:1] + torch.cumsum(d, 0)])


fs = 200.0
t = torch.arange(256) / fs
f0, k = 10.0, 20.0
chirp = torch.cos(2 * math.pi * (f0 * t + 0.5 * k * t ** 2)) * (1 + 0.5 * torch.sin(2 * math.pi * 1.5 * t))
za = analytic_signal(chirp)
print("analytic dtype:", za.dtype, "real part matches:", torch.allclose(za.real, chirp, atol=1e-5))
env = za.abs()
print("envelope:", env[40:200:20].round(decimals=3))
inst_f = torch.diff(unwrap(za.angle())) / (2 * math.pi) * fs
print("inst freq:", inst_f[40:200:20].round(decimals=1))
spec = torch.fft.rfft(chirp)
freqs = torch.fft.rfftfreq(256, d=1 / fs)
top = spec.abs().topk(3).indices.sort().values
print("peak bins:", top.tolist(), "freqs:", freqs[top].tolist())
print("parseval:", f"{(chirp ** 2).sum().item():.3f}", f"{(torch.fft.fft(chirp).abs() ** 2).sum().item() / 256:.3f}")
print("fftshift:", torch.fft.fftshift(torch.fft.fftfreq(8)))


class ComplexLinear(nn.Module):
    def __init__(self, fin, fout):
        super().__init__()
        self.fc_r = nn.Linear(fin, fout)
        self.fc_i = nn.Linear(fin, fout)

    def forward(self, x):
        return torch.complex(self.fc_r(x.real) - self.fc_i(x.imag), self.fc_r(x.imag) + self.fc_i(x.real))


def crelu(z):
    return torch.complex(F.relu(z.real), F.relu(z.imag))


class ModReLU(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.b = nn.Parameter(torch.full((n,), -0.1))

    def forward(self, z):
        mag = z.abs()
        return F.relu(mag + self.b) * z / (mag + 1e-6)


class CNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1 = ComplexLinear(16, 12)
        self.act = ModReLU(12)
        self.l2 = nn.Linear(12, 6, dtype=torch.cfloat)
        self.out = nn.Linear(6, 2)

    def forward(self, z):
        h = self.act(self.l1(z))
        h = crelu(self.l2(h))
        return self.out(h.abs())


def tones(n):
    y = torch.randint(0, 2, (n,))
    freq = torch.where(y == 1, 3.0, 5.0)
    tt = torch.arange(16) / 16
    ph = 2 * math.pi * torch.rand(n, 1)
    z = torch.exp(1j * (2 * math.pi * freq[:, None] * tt + ph)) + 0.3 * torch.randn(n, 16, dtype=torch.cfloat)
    return z, y


net = CNet()
print(net.l2.weight.dtype, net.l2.weight.shape, sum(p.numel() for p in net.parameters()))
print("complex params:", [n for n, p in net.named_parameters() if p.is_complex()])
opt = torch.optim.Adam(net.parameters(), lr=0.01)
zs, ys = tones(128)
for epoch in range(40):
    opt.zero_grad()
    logits = net(zs)
    loss = F.cross_entropy(logits, ys)
    loss.backward()
    opt.step()
    if epoch % 10 == 0 or epoch == 39:
        acc = (logits.argmax(1) == ys).float().mean().item()
        print(f"epoch {epoch:2d} loss {loss.item():.4f} acc {acc:.3f}")
print("l2 grad dtype:", net.l2.weight.grad.dtype, "grad norm:", f"{net.l2.weight.grad.abs().sum().item():.4f}")
zt, yt = tones(64)
with torch.no_grad():
    print("test acc:", (net(zt).argmax(1) == yt).float().mean().item())

# Wirtinger gradients of real losses
z = torch.tensor([1 + 2j, -0.5 + 1j], requires_grad=True)
w = torch.tensor([0.5 - 1j, 2 + 0j])
(z.abs() ** 2).sum().backward()
print("d|z|^2:", z.grad, "expected 2z:", torch.allclose(z.grad, 2 * z.detach()))
z.grad = None
((z - w).abs() ** 2).sum().backward()
print("d|z-w|^2:", z.grad)
z.grad = None
(z ** 2).real.sum().backward()
print("dRe(z^2):", z.grad, "expected 2conj(z):", torch.allclose(z.grad, 2 * z.detach().conj()))
z.grad = None
(z * z.conj()).real.sum().backward()
print("d(z z*):", z.grad)
z.grad = None
torch.view_as_real(z).pow(3).sum().backward()
print("via view_as_real:", z.grad)
g, = torch.autograd.grad((z.exp()).abs().sum(), z)
print("d|exp z|:", torch.view_as_real(g).round(decimals=4) + 0.0)
out = z * (1 + 1j)
g2, = torch.autograd.grad(out, z, grad_outputs=torch.ones_like(out))
print("vjp with complex grad_outputs:", g2)
try:
    torch.autograd.grad(out.sum(), z)
except RuntimeError as e:
    print("RuntimeError:", e)
theta = torch.tensor([0.3, 1.1], requires_grad=True)
p = torch.polar(torch.tensor([2.0, 0.5]), theta)
(p.real * torch.tensor([1.0, -1.0])).sum().backward()
print("dtheta:", theta.grad, "expected:", -torch.tensor([2.0, -0.5]) * torch.sin(theta.detach()))
