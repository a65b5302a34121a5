"""Gray-Scott reaction-diffusion, FFT heat diffusion and a Lenia-style continuous automaton."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(5)
torch.set_printoptions(precision=3)


class Laplacian(nn.Module):
    """5-point laplacian, periodic boundaries, one channel per species (groups)."""

    def __init__(self, channels=2):
        super().__init__()
        k = torch.tensor([[0.05, 0.2, 0.05], [0.2, -1.0, 0.2], [0.05, 0.2, 0.05]])
        self.register_buffer("kernel", k.expand(channels, 1, 3, 3).clone())
        self.channels = channels

    def forward(self, x):
        return F.conv2d(F.pad(x, (1, 1, 1, 1), mode="circular"), self.kernel, groups=self.channels)

    def extra_repr(self):
        return f"channels={self.channels}"


class GrayScott(nn.Module):
    def __init__(self, Du=0.16, Dv=0.08, feed=0.035, kill=0.065):
        super().__init__()
        self.lap = Laplacian(2)
        self.D = nn.Parameter(torch.tensor([Du, Dv]).view(1, 2, 1, 1))
        self.feed, self.kill = feed, kill

    def forward(self, uv, steps=1, dt=1.0):
        for _ in range(steps):
            u, v = uv[:, :1], uv[:, 1:]
            uvv = u * v * v
            react = torch.cat([-uvv + self.feed * (1 - u), uvv - (self.feed + self.kill) * v], dim=1)
            uv = uv + dt * (self.D * self.lap(uv) + react)
        return uv


n = 32
uv = torch.zeros(1, 2, n, n)
uv[:, 0] = 1.0
uv[:, 1, 12:20, 12:20] = 0.25
uv[:, 0, 12:20, 12:20] = 0.5
uv += 0.02 * torch.rand_like(uv)
model = GrayScott()
print(model)
print("buffers:", [(k, tuple(b.shape)) for k, b in model.named_buffers()])
print("params:", [(k, tuple(p.shape)) for k, p in model.named_parameters()])
with torch.no_grad():
    for k in range(3):
        uv = model(uv, steps=100)
        u, v = uv[0, 0], uv[0, 1]
        print(f"after {(k + 1) * 100} steps: u mean {u.mean().item():.4f} v mean {v.mean().item():.4f} "
              f"v max {v.max().item():.4f} spots {(v > 0.2).sum().item()}")
print("v centre patch:")
print(uv[0, 1, 14:18, 14:18])
mn, mx = torch.aminmax(uv[0, 1])
print("v range:", f"{mn.item():.4f}", f"{mx.item():.4f}")

# learn the diffusion coefficients back from a short rollout
target = model(uv.detach(), steps=5).detach()
student = GrayScott(Du=0.1, Dv=0.1)
opt = torch.optim.Adam(student.parameters(), lr=0.01)
for it in range(40):
    opt.zero_grad()
    loss = F.mse_loss(student(uv, steps=5), target)
    loss.backward()
    opt.step()
print("learned D:", student.D.detach().flatten(), "grad_fn of loss:", type(loss.grad_fn).__name__)
print("D grad:", student.D.grad.shape)

# curvature of a smoothness energy on the torus: Hessian-vector product through circular padding
field = torch.rand(1, 1, 8, 8, dtype=torch.float64, requires_grad=True)
lap5 = torch.tensor([[0.0, 1.0, 0.0], [1.0, -4.0, 1.0], [0.0, 1.0, 0.0]], dtype=torch.float64).view(1, 1, 3, 3)
energy = F.conv2d(F.pad(field, (1, 1, 1, 1), mode="circular"), lap5).pow(2).sum() / 2
grad_e, = torch.autograd.grad(energy, field, create_graph=True)
probe = torch.zeros_like(field)
probe[0, 0, 3, 4] = 1.0
hvp, = torch.autograd.grad((grad_e * probe).sum(), field)
print("energy:", f"{energy.item():.4f}", "grad_fn of the gradient:", type(grad_e.grad_fn).__name__)
print("H v around the probe:")
print(hvp[0, 0, 1:6, 2:7])

# growth rates as a parameter: scaling a constant field in place keeps the parameter's gradient
rate = torch.tensor([0.9, 1.1, 1.3], requires_grad=True)
pop = torch.ones(3, 4)
pop[:, 1:].mul_(rate[:, None])
pop[1].clamp_(max=rate[0])
total = pop.sum()
total.backward()
print("population:", pop.detach(), "grad:", rate.grad, type(pop.grad_fn).__name__)

# --- heat equation with the FFT --------------------------------------------
m = 64
xs = torch.linspace(0, 1, m + 1)[:-1]
X, Y = torch.meshgrid(xs, xs, indexing="ij")
heat = torch.exp(-((X - 0.5) ** 2 + (Y - 0.5) ** 2) / 0.01)
k = 2 * math.pi * torch.fft.fftfreq(m, d=1.0 / m)
kr = 2 * math.pi * torch.fft.rfftfreq(m, d=1.0 / m)
K2 = k[:, None] ** 2 + kr[None, :] ** 2
H = torch.fft.rfft2(heat)
print("spectrum:", H.shape, H.dtype)
for tt in [0.0, 0.001, 0.01]:
    ht = torch.fft.irfft2(H * torch.exp(-K2 * tt), s=(m, m))
    print(f"t={tt}: total heat {ht.sum().item():.3f} peak {ht.max().item():.4f}")
print("energy (Parseval):", f"{heat.pow(2).sum().item():.3f}", f"{torch.fft.fft2(heat).abs().pow(2).sum().item() / m / m:.3f}")

# --- Lenia: smooth kernel, FFT convolution, growth function ----------------
R = 5
yy, xx = torch.meshgrid(torch.arange(-R, R + 1.0), torch.arange(-R, R + 1.0), indexing="xy")
r = torch.sqrt(xx ** 2 + yy ** 2) / R
ring = torch.where(r < 1, torch.exp(4 - 1 / (r * (1 - r)).clamp_min(1e-6)), torch.zeros(()))
ring = ring / ring.sum()
print("kernel size:", tuple(ring.shape), "kernel sum:", f"{ring.sum().item():.4f}")
S = 48
kpad = torch.zeros(S, S)
kpad[:2 * R + 1, :2 * R + 1] = ring
kpad = torch.roll(kpad, (-R, -R), dims=(0, 1))
Kf = torch.fft.fft2(kpad)
world = torch.zeros(S, S)
world[16:32, 16:32] = torch.rand(16, 16)


def growth(u, mu=0.15, sigma=0.015):
    return 2 * torch.exp(-((u - mu) ** 2) / (2 * sigma ** 2)) - 1


for step in range(24):  # short: the growth map is chaotic, last-bit FFT differences grow
    pot = torch.fft.ifft2(torch.fft.fft2(world) * Kf).real
    world = torch.clamp(world + 0.1 * growth(pot), 0, 1)
    if step % 8 == 7:
        print(f"lenia step {step + 1}: mass {world.sum().item():.2f} alive {(world > 0.1).sum().item()}")
com = torch.stack([(world.sum(1) * torch.arange(S)).sum(), (world.sum(0) * torch.arange(S)).sum()]) / world.sum()
print("centre of mass:", [f"{c:.2f}" for c in com.tolist()])
direct = F.conv2d(F.pad(world[None, None], (R, R, R, R), mode="circular"), ring[None, None])[0, 0]
print("fft vs direct conv close:", torch.allclose(direct, torch.fft.ifft2(torch.fft.fft2(world) * Kf).real, atol=1e-5))

try:
    F.pad(world, (1, 1, 1, 1), mode="circular")
    print("circular pad 2d ok")
except (RuntimeError, NotImplementedError) as e:
    print("pad error:", type(e).__name__, e)
try:
    torch.fft.irfft2(H, s=(m,))
except RuntimeError as e:
    print("irfft2 error:", e)
try:
    Laplacian(2)(torch.zeros(1, 3, 8, 8))
except RuntimeError as e:
    print("groups error:", e)
