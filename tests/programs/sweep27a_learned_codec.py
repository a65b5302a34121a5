"""A tiny learned image codec: convolutional analysis/synthesis transforms with a simplified GDN,
additive uniform noise as the training-time quantization proxy, straight-through rounding at test
time, a per-channel Laplace entropy model giving the rate in bits, and a rate-distortion loss."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import Laplace, Uniform

torch.manual_seed(2)
torch.set_printoptions(precision=4, sci_mode=False)


class GDN(nn.Module):
    """y_i = x_i / sqrt(beta_i + sum_j gamma_ij x_j^2)  (inverse=True multiplies instead)."""

    def __init__(self, ch, inverse=False):
        super().__init__()
        self.inverse = inverse
        self.beta = nn.Parameter(torch.ones(ch))
        self.gamma = nn.Parameter(0.1 * torch.eye(ch))

    def forward(self, x):
        c = x.size(1)
        norm = F.conv2d(x * x, self.gamma.abs().view(c, c, 1, 1), self.beta.abs() + 1e-6)
        norm = torch.sqrt(norm)
        return x * norm if self.inverse else x / norm

    def extra_repr(self):
        return f"channels={self.beta.numel()}, inverse={self.inverse}"


class RoundSTE(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return torch.round(x)

    @staticmethod
    def backward(ctx, g):
        return g


class Codec(nn.Module):
    def __init__(self, n=8, m=4):
        super().__init__()
        self.analysis = nn.Sequential(
            nn.Conv2d(1, n, 5, stride=2, padding=2), GDN(n),
            nn.Conv2d(n, m, 5, stride=2, padding=2))
        self.synthesis = nn.Sequential(
            nn.ConvTranspose2d(m, n, 5, stride=2, padding=2, output_padding=1), GDN(n, inverse=True),
            nn.ConvTranspose2d(n, 1, 5, stride=2, padding=2, output_padding=1))
        self.log_scale = nn.Parameter(torch.zeros(m))
        self.loc = nn.Parameter(torch.zeros(m))

    def likelihood(self, y):
        scale = self.log_scale.exp().view(1, -1, 1, 1)
        loc = self.loc.view(1, -1, 1, 1)
        dist = Laplace(loc, scale)
        p = dist.cdf(y + 0.5) - dist.cdf(y - 0.5)
        return p.clamp_min(1e-9)

    def forward(self, x, mode="noise"):
        y = self.analysis(x)
        if mode == "noise":
            y_hat = y + torch.empty_like(y).uniform_(-0.5, 0.5)
        elif mode == "ste":
            y_hat = RoundSTE.apply(y)
        else:
            y_hat = torch.round(y)
        x_hat = self.synthesis(y_hat)
        bits = -torch.log2(self.likelihood(y_hat)).sum()
        return x_hat, y_hat, bits


model = Codec()
print(model)
n_params = sum(p.numel() for p in model.parameters())
print("parameters:", n_params)
for name, p in model.named_parameters():
    if p.dim() <= 1:
        print(f"  {name}: {tuple(p.shape)}")

# synthetic images: smooth blobs on a ramp, values in [0, 1]
def make_batch(b):
    yy, xx = torch.meshgrid(torch.linspace(0, 1, 16), torch.linspace(0, 1, 16), indexing="ij")
    cx, cy = torch.rand(b, 1, 1), torch.rand(b, 1, 1)
    blob = torch.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / 0.03)
    return (0.3 * xx + 0.7 * blob).unsqueeze(1).clamp(0, 1)


x = make_batch(8)
print("batch:", x.shape, f"mean {x.mean().item():.4f}")

u = Uniform(torch.tensor(-0.5), torch.tensor(0.5))
print("uniform noise entropy (nats):", f"{u.entropy().item():.4f}", "variance:", f"{u.variance.item():.4f}")

# STE gradient check: rounding passes gradients through unchanged
z = torch.tensor([0.2, 1.7, -2.5, 3.5], requires_grad=True)
r = RoundSTE.apply(z)
r.sum().backward()
print("round:", r, "grad_fn:", type(r.grad_fn).__name__, "grad:", z.grad)
z2 = torch.tensor([0.2, 1.7, -2.5, 3.5], requires_grad=True)
torch.round(z2).sum().backward()
print("plain round grad:", z2.grad)
z3 = torch.tensor([0.2, 1.7, -2.5, 3.5], requires_grad=True)
(z3 + (torch.round(z3) - z3).detach()).sum().backward()
print("detach-trick grad:", z3.grad)

opt = torch.optim.Adam(model.parameters(), lr=1e-2)
lam = 0.02
for step in range(31):
    x = make_batch(8)
    x_hat, y_hat, bits = model(x)
    bpp = bits / (x.size(0) * x.size(2) * x.size(3))
    mse = F.mse_loss(x_hat, x)
    loss = bpp + mse / lam
    opt.zero_grad()
    loss.backward()
    gnorm = torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
    opt.step()
    if step % 10 == 0:
        print(f"step {step:2d}: bpp {bpp.item():.3f}  mse {mse.item():.4f}  loss {loss.item():.3f}")

model.eval()
with torch.no_grad():
    x = make_batch(4)
    for mode in ("noise", "ste", "round"):
        torch.manual_seed(5)
        x_hat, y_hat, bits = model(x, mode)
        psnr = -10 * torch.log10(F.mse_loss(x_hat.clamp(0, 1), x))
        print(f"{mode:5s}: latent {tuple(y_hat.shape)}  bits {bits.item():.1f}  psnr {psnr.item():.2f}")
    y = model.analysis(x)
    q = torch.round(y).to(torch.int8)
    print("latent symbols range:", q.min().item(), q.max().item(), q.dtype)
    vals, counts = torch.unique(q, return_counts=True)
    p = counts.float() / counts.sum()
    print("empirical entropy bits/symbol:", f"{-(p * p.log2()).sum().item():.3f}")
    print("scales:", model.log_scale.exp())

state = model.state_dict()
print("state keys:", list(state)[:6], len(state))
print("GDN gamma diag:", state["analysis.1.gamma"].diagonal())

try:
    Laplace(torch.tensor(0.0), torch.tensor(-1.0))
except ValueError as e:
    print("ValueError:", str(e).split("\n")[0])
try:
    model(torch.rand(1, 3, 16, 16))
except RuntimeError as e:
    print("RuntimeError:", e)
