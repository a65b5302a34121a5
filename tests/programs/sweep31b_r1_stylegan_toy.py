"""StyleGAN-flavoured tricks on a 2-D toy: a mapping network with pixel norm and equalized-learning-rate
linear layers, the non-saturating softplus loss, lazy R1 regularisation (gradient penalty on real
data every k steps), a minibatch-stddev feature, truncation with a tracked w_avg buffer, gradient
clipping, and a Frechet distance between feature statistics computed with torch.linalg."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.distributions as D

torch.manual_seed(5)

# ---- data: a mixture of 5 Gaussians on a ring ------------------------------------------------------
ang = torch.arange(5) * (2 * math.pi / 5)
mix = D.MixtureSameFamily(D.Categorical(logits=torch.zeros(5)),
                          D.Independent(D.Normal(torch.stack([ang.cos(), ang.sin()], 1) * 2, torch.full((5, 2), 0.1)), 1))
print(mix.batch_shape, mix.event_shape, mix.mixture_distribution.probs)
xs = mix.sample((4,))
print("log_prob", mix.log_prob(xs).round(decimals=3), "variance", mix.variance.round(decimals=3))


class EqualLinear(nn.Module):
    """weights stored at N(0, 1) and scaled at run time by 1/sqrt(fan_in) * lr_mul"""

    def __init__(self, fin, fout, lr_mul=1.0, bias_init=0.0, act=True):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(fout, fin).div_(lr_mul))
        self.bias = nn.Parameter(torch.full((fout,), float(bias_init)))
        self.scale = lr_mul / math.sqrt(fin)
        self.lr_mul = lr_mul
        self.act = act

    def forward(self, x):
        out = F.linear(x, self.weight * self.scale, self.bias * self.lr_mul)
        return F.leaky_relu(out, 0.2) * math.sqrt(2) if self.act else out

    def extra_repr(self):
        return f"{self.weight.shape[1]}, {self.weight.shape[0]}, lr_mul={self.lr_mul}"


class PixelNorm(nn.Module):
    def forward(self, x):
        return x * torch.rsqrt(torch.mean(x ** 2, dim=1, keepdim=True) + 1e-8)


class Generator(nn.Module):
    def __init__(self, z_dim=8, w_dim=8):
        super().__init__()
        self.mapping = nn.Sequential(PixelNorm(), EqualLinear(z_dim, w_dim, lr_mul=0.01),
                                     EqualLinear(w_dim, w_dim, lr_mul=0.01))
        self.synth = nn.Sequential(EqualLinear(w_dim, 32), EqualLinear(32, 32), EqualLinear(32, 2, act=False))
        self.register_buffer("w_avg", torch.zeros(w_dim))

    def forward(self, z, psi=1.0, update_avg=False):
        w = self.mapping(z)
        if update_avg:
            self.w_avg.copy_(w.detach().mean(0).lerp(self.w_avg, 0.995))
        if psi != 1.0:
            w = self.w_avg.lerp(w, psi)
        return self.synth(w)


class MinibatchStd(nn.Module):
    def __init__(self, group=4):
        super().__init__()
        self.group = group

    def forward(self, x):
        n, c = x.shape
        g = min(self.group, n)
        y = x.view(g, -1, c)
        y = y - y.mean(dim=0)
        y = y.square().mean(dim=0).add(1e-8).sqrt()
        y = y.mean(dim=1, keepdim=True).repeat(g, 1)
        return torch.cat([x, y], dim=1)


class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(2, 32), nn.LeakyReLU(0.2), nn.Linear(32, 32), nn.LeakyReLU(0.2))
        self.mbstd = MinibatchStd()
        self.head = nn.Linear(33, 1)

    def forward(self, x):
        return self.head(self.mbstd(self.body(x)))


G, Dn = Generator(), Discriminator()
print(G.mapping)
print("buffers", [n for n, _ in G.named_buffers()], "w_avg", G.w_avg)
r1_gamma, r1_every, bs = 1.0, 2, 16
c = r1_every / (r1_every + 1)
opt_G = torch.optim.Adam(G.parameters(), lr=2e-3, betas=(0.0, 0.99), eps=1e-8)
opt_D = torch.optim.Adam(Dn.parameters(), lr=2e-3 * c, betas=(0.0 ** c, 0.99 ** c), eps=1e-8)
print("D lr", f"{opt_D.param_groups[0]['lr']:.6f}", "betas", tuple(round(b, 6) for b in opt_D.param_groups[0]["betas"]))

for step in range(6):
    real = mix.sample((bs,))
    z = torch.randn(bs, 8)
    # discriminator: non-saturating logistic loss
    fake = G(z, update_avg=True).detach()
    loss_D = F.softplus(Dn(fake)).mean() + F.softplus(-Dn(real)).mean()
    opt_D.zero_grad(set_to_none=True)
    loss_D.backward()
    r1_val = float("nan")
    if step % r1_every == 0:
        real.requires_grad_(True)
        real_out = Dn(real)
        r1_grads, = torch.autograd.grad(outputs=[real_out.sum()], inputs=[real], create_graph=True)
        r1_penalty = r1_grads.square().sum(dim=1)
        loss_r1 = (r1_penalty * (r1_gamma / 2)).mean() * r1_every
        loss_r1.backward()
        r1_val = r1_penalty.mean().item()
    gnorm = torch.nn.utils.clip_grad_norm_(Dn.parameters(), max_norm=5.0)
    opt_D.step()
    # generator
    loss_G = F.softplus(-Dn(G(torch.randn(bs, 8)))).mean()
    opt_G.zero_grad(set_to_none=True)
    loss_G.backward()
    opt_G.step()
    print(f"step {step}: D {loss_D.item():.4f} G {loss_G.item():.4f} R1 {r1_val:.4f} |g| {gnorm.item():.4f}")

print("w_avg", G.w_avg.round(decimals=3))
print("mapping weight grad scale", f"{G.mapping[1].weight.grad.abs().mean().item():.3e}")

with torch.no_grad():
    zz = torch.randn(256, 8)
    full = G(zz)
    trunc = G(zz, psi=0.5)
print("spread psi=1", f"{full.std(0).mean().item():.4f}", "psi=0.5", f"{trunc.std(0).mean().item():.4f}")


def frechet(a, b):
    mu_a, mu_b = a.mean(0), b.mean(0)
    ca, cb = torch.cov(a.T), torch.cov(b.T)
    evals, evecs = torch.linalg.eigh(ca)
    sqrt_ca = evecs @ torch.diag(evals.clamp_min(0).sqrt()) @ evecs.T
    m = sqrt_ca @ cb @ sqrt_ca
    tr_covmean = torch.linalg.eigvalsh(m).clamp_min(0).sqrt().sum()
    return (mu_a - mu_b).square().sum() + torch.trace(ca) + torch.trace(cb) - 2 * tr_covmean


real_big = mix.sample((256,))
print("FD(real, G)", f"{frechet(real_big.double(), full.double()).item():.4f}",
      "FD(real, trunc)", f"{frechet(real_big.double(), trunc.double()).item():.4f}")
print("cov", torch.cov(real_big.T).round(decimals=2), torch.corrcoef(full.T).shape)
print(Dn.mbstd(torch.arange(8.0).view(4, 2)))
try:
    Dn.mbstd(torch.randn(6, 2))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.autograd.grad(Dn(real_big).sum(), real_big)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.nn.utils.clip_grad_norm_(Dn.parameters(), max_norm=1.0, norm_type=3.0, error_if_nonfinite=True)
    print("clip ok", [p.grad is None for p in Dn.parameters()][:2])
except RuntimeError as e:
    print("RuntimeError:", e)

# ---- a checkpoint with NumPy values in it: what weights_only=True loading makes of it -------------
import io

import numpy as np

buf = io.BytesIO()
torch.save({"G": G.state_dict(), "w_avg": G.w_avg.clone(), "best_fd": np.float64(2.0371),
            "fd_history": np.array([3.1, 2.5, 2.04])}, buf)
print("checkpoint", len(buf.getvalue()), "bytes")
buf.seek(0)
try:
    torch.load(buf)
except Exception as e:
    print(type(e).__name__ + ":", str(e).splitlines()[0])
print("unsafe globals", sorted(torch.serialization.get_unsafe_globals_in_checkpoint(io.BytesIO(buf.getvalue()))))
buf.seek(0)
ck = torch.load(buf, weights_only=False)
print(sorted(ck), type(ck["best_fd"]).__name__, ck["fd_history"].dtype, torch.equal(ck["w_avg"], G.w_avg))
