"""A DeepAR-flavoured course notebook in plain torch: a noisy seasonal series cut into sliding
windows with Tensor.unfold, an MLP head returning a torch.distributions.Normal (softplus-constrained
scale) trained with -log_prob(y).mean(), a StudentT head for comparison, the closed-form CRPS of a
Gaussian via torch.special.ndtr and torch.erf, and 80% / 95% prediction intervals via icdf with
empirical coverage."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import Normal, StudentT

torch.manual_seed(0)
T = 160
t = torch.arange(T, dtype=torch.float32)
series = 2.0 + torch.sin(2 * math.pi * t / 12) + 0.02 * t + 0.3 * torch.randn(T)
print("series", series.shape, series[:5].round(decimals=3))

window, horizon = 12, 1
frames = series.unfold(0, window + horizon, 1)
print("frames", frames.shape, frames.stride(), frames.is_contiguous())
x, y = frames[:, :window], frames[:, window:].squeeze(-1)
mu_x, sd_x = x.mean(dim=1, keepdim=True), x.std(dim=1, keepdim=True)
x_n = (x - mu_x) / sd_x
y_n = (y - mu_x.squeeze(1)) / sd_x.squeeze(1)
n_train = 120
print("split", x_n[:n_train].shape, y_n[n_train:].shape, f"{y_n.mean().item():.4f}")


class GaussianHead(nn.Module):
    def __init__(self, window, hidden=16):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(window, hidden), nn.Tanh(), nn.Linear(hidden, hidden), nn.Tanh())
        self.loc = nn.Linear(hidden, 1)
        self.scale = nn.Linear(hidden, 1)

    def forward(self, x):
        h = self.body(x)
        loc = self.loc(h).squeeze(-1)
        scale = F.softplus(self.scale(h)).squeeze(-1) + 1e-3
        return Normal(loc, scale)


class StudentTHead(GaussianHead):
    def __init__(self, window, hidden=16):
        super().__init__(window, hidden)
        self.df = nn.Linear(hidden, 1)

    def forward(self, x):
        h = self.body(x)
        df = 2.0 + F.softplus(self.df(h)).squeeze(-1)
        return StudentT(df, self.loc(h).squeeze(-1), F.softplus(self.scale(h)).squeeze(-1) + 1e-3)


def train(model, epochs=60, lr=1e-2):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    for epoch in range(epochs):
        dist = model(x_n[:n_train])
        loss = -dist.log_prob(y_n[:n_train]).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        if epoch % 20 == 0 or epoch == epochs - 1:
            print(f"  epoch {epoch:3d} nll {loss.item():.4f}")
    return model


torch.manual_seed(1)
print("Normal head")
gauss = train(GaussianHead(window))
torch.manual_seed(1)
print("StudentT head")
stud = train(StudentTHead(window))


def crps_gaussian(mu, sigma, y):
    z = (y - mu) / sigma
    pdf = torch.exp(-0.5 * z ** 2) / math.sqrt(2 * math.pi)
    cdf = torch.special.ndtr(z)
    return sigma * (z * (2 * cdf - 1) + 2 * pdf - 1 / math.sqrt(math.pi))


def crps_gaussian_erf(mu, sigma, y):
    z = (y - mu) / sigma
    cdf = 0.5 * (1 + torch.erf(z / math.sqrt(2)))
    return sigma * (z * (2 * cdf - 1) + 2 * Normal(0., 1.).log_prob(z).exp() - 1 / math.sqrt(math.pi))


with torch.no_grad():
    d = gauss(x_n[n_train:])
    y_te = y_n[n_train:]
    print(d)
    print("batch_shape", d.batch_shape, "event_shape", d.event_shape, d.mean.shape, d.stddev.shape)
    c1 = crps_gaussian(d.loc, d.scale, y_te)
    c2 = crps_gaussian_erf(d.loc, d.scale, y_te)
    print(f"CRPS ndtr {c1.mean().item():.4f} erf {c2.mean().item():.4f} close {torch.allclose(c1, c2, atol=1e-5)}")
    print(f"MAE {(d.mean - y_te).abs().mean().item():.4f} test nll {-d.log_prob(y_te).mean().item():.4f}")
    for level in (0.8, 0.95):
        a = (1 - level) / 2
        lo, hi = d.icdf(torch.tensor(a)), d.icdf(torch.tensor(1 - a))
        cover = ((y_te >= lo) & (y_te <= hi)).float().mean()
        print(f"PI {level:.2f} coverage {cover.item():.3f} width {(hi - lo).mean().item():.3f}")
    print("cdf(icdf) ok", torch.allclose(d.cdf(d.icdf(torch.full_like(y_te, 0.9))), torch.full_like(y_te, 0.9), atol=1e-5))
    print("pit", d.cdf(y_te)[:5].round(decimals=3))
    ds = stud(x_n[n_train:])
    print(ds)
    print("df", ds.df[:4].round(decimals=3), f"nll {-ds.log_prob(y_te).mean().item():.4f}")
    print("StudentT mean/var", ds.mean[:3].round(decimals=3), ds.variance[:3].round(decimals=3))
    print("entropy", f"{d.entropy().mean().item():.4f}", f"{ds.entropy().mean().item():.4f}")
    torch.manual_seed(5)
    samples = d.sample((200,))
    print("samples", samples.shape, f"{(samples.mean(0) - d.mean).abs().max().item() < 0.5}")
    print("sampled quantiles", torch.quantile(samples[:, :3], torch.tensor([0.1, 0.5, 0.9]), dim=0).round(decimals=2))

# rolling (autoregressive) forecast in original units
with torch.no_grad():
    hist = series[-window:].clone()
    means, lows, highs = [], [], []
    for step in range(6):
        m, s = hist.mean(), hist.std()
        d = gauss(((hist - m) / s).unsqueeze(0))
        mu = d.mean * s + m
        means.append(mu.item())
        lows.append((d.icdf(torch.tensor(0.1)) * s + m).item())
        highs.append((d.icdf(torch.tensor(0.9)) * s + m).item())
        hist = torch.cat([hist[1:], mu])
    print("forecast", [round(v, 3) for v in means])
    print("band", [round(h - l, 3) for l, h in zip(lows, highs)])
