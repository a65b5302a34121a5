"""Kaplan-Meier curves and parametric Weibull survival in plain torch, as in survival-analysis
course notebooks: the KM estimator from torch.unique(return_counts=True, return_inverse=True),
at-risk counts by reversed cumsum and the survival curve by cumprod, Greenwood variance and a
log-log confidence band, a log-rank statistic between two groups, the median survival time with
searchsorted; then a Weibull AFT model (log scale linear in covariates, softplus shape) trained on
right-censored data with log_prob for events and log-survival for censored rows, sampled with
rsample, and compared with its KM curve."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import Weibull

torch.manual_seed(0)
n = 120
group = (torch.rand(n) < 0.5).long()
scale_true = torch.where(group == 1, torch.tensor(8.0), torch.tensor(4.0))
T = Weibull(scale_true, torch.tensor(1.5)).sample()
C = torch.rand(n) * 12
time = torch.ceil(torch.minimum(T, C))  # integer days -> ties
event = (T <= C).long()
print("n", n, "events", event.sum().item(), "groups", torch.bincount(group).tolist(), time.dtype, event.dtype)


def kaplan_meier(time, event):
    uniq, inverse, counts = torch.unique(time, sorted=True, return_inverse=True, return_counts=True)
    deaths = torch.zeros_like(uniq).scatter_add_(0, inverse, event.to(uniq.dtype))
    at_risk = torch.flip(torch.cumsum(torch.flip(counts, [0]), 0), [0]).to(uniq.dtype)
    surv = torch.cumprod(1 - deaths / at_risk, dim=0)
    greenwood = torch.cumsum(deaths / (at_risk * (at_risk - deaths).clamp_min(1e-12)), 0)
    return uniq, surv, at_risk, deaths, greenwood


t_km, S_km, n_risk, d_km, gw = kaplan_meier(time, event)
print("times", t_km.tolist())
print("at risk", n_risk.long().tolist())
print("deaths", d_km.long().tolist())
print("S", S_km.round(decimals=4))
log_s = torch.log(S_km)
se = torch.sqrt(gw) / log_s.abs().clamp_min(1e-12)
z = torch.distributions.Normal(0., 1.).icdf(torch.tensor(0.975))
lower = torch.exp(-torch.exp(torch.log(-log_s) + z * se))
upper = torch.exp(-torch.exp(torch.log(-log_s) - z * se))
ok = S_km < 1
print("band", lower[ok][:4].round(decimals=3), upper[ok][:4].round(decimals=3), f"z {z.item():.4f}")
idx = torch.searchsorted(-S_km, torch.tensor([-0.5]))
print("median survival", t_km[idx.clamp_max(len(t_km) - 1)].item() if (S_km <= 0.5).any() else float("inf"))

# log-rank test between groups
obs, exp_, var = 0.0, 0.0, 0.0
for tt in t_km:
    at = time >= tt
    n_all, n1 = at.sum().item(), (at & (group == 1)).sum().item()
    d_all = ((time == tt) & (event == 1)).sum().item()
    d1 = ((time == tt) & (event == 1) & (group == 1)).sum().item()
    if n_all < 2:
        continue
    obs += d1
    exp_ += d_all * n1 / n_all
    var += d_all * (n1 / n_all) * (1 - n1 / n_all) * (n_all - d_all) / (n_all - 1)
chi2 = (obs - exp_) ** 2 / var
print(f"log-rank O {obs} E {exp_:.3f} chi2 {chi2:.4f} p {2 * (1 - torch.special.ndtr(torch.tensor(math.sqrt(chi2)))).item():.4f}")
for g in (0, 1):
    tg, sg, *_ = kaplan_meier(time[group == g], event[group == g])
    print(f"group {g} S at end {sg[-1].item():.4f} steps {len(tg)}")


class WeibullAFT(nn.Module):
    def __init__(self, d_in):
        super().__init__()
        self.lin = nn.Linear(d_in, 1)
        self.log_k = nn.Parameter(torch.zeros(1))

    def forward(self, x):
        scale = torch.exp(self.lin(x).squeeze(-1))
        conc = F.softplus(self.log_k) + 0.1
        return Weibull(scale, conc.expand_as(scale))


def censored_nll(dist, t, e):
    log_f = dist.log_prob(t)
    log_S = -(t / dist.scale) ** dist.concentration  # log survival
    return -(e * log_f + (1 - e) * log_S).mean()


X = torch.stack([group.float(), torch.ones(n) * 0.0], 1)
torch.manual_seed(1)
aft = WeibullAFT(2)
with torch.no_grad():
    aft.lin.bias.fill_(1.5)
opt = torch.optim.Adam(aft.parameters(), lr=0.05)
for it in range(200):
    loss = censored_nll(aft(X), time, event.float())
    opt.zero_grad()
    loss.backward()
    opt.step()
    if it % 50 == 0 or it == 199:
        print(f"weibull it {it:3d} nll {loss.item():.4f}")
with torch.no_grad():
    d = aft(X)
    k = d.concentration[0].item()
    print(f"shape k {k:.3f} scales {d.scale[group == 0][0].item():.3f} {d.scale[group == 1][0].item():.3f}")
    print(d)
    print("mean", d.mean[:4].round(decimals=3), "var", d.variance[:4].round(decimals=3))
    print("entropy", d.entropy()[:2].round(decimals=4), "support", d.support)
    print("cdf", d.cdf(torch.tensor([2.0, 5.0]).unsqueeze(1))[:, :2].round(decimals=4))
    print("icdf median", d.icdf(torch.tensor(0.5))[:3].round(decimals=3),
          (d.scale * math.log(2) ** (1 / k))[:3].round(decimals=3))
torch.manual_seed(2)
d = aft(X)
draws = d.rsample((64,))
print("rsample", draws.shape, draws.requires_grad, draws.grad_fn is not None)
draws.mean().backward()
print("grad via rsample", aft.lin.bias.grad.round(decimals=4), aft.log_k.grad.round(decimals=4))
with torch.no_grad():
    sim_S = (draws.unsqueeze(-1) > torch.tensor([2.0, 5.0, 10.0])).float().mean((0, 1))
    print("simulated S", sim_S.round(decimals=2))
    print("sample dtype", d.sample().dtype, d.sample((3,)).shape)
