"""Count and positive-valued forecasting heads from a demand-forecasting course: Poisson and
NegativeBinomial (total_count / logits) regression on lagged counts, a Gamma head for positive
durations (concentration / rate through softplus), a LogNormal head for skewed sales, each trained
with -log_prob(y).mean() in a tiny loop; then means, variances, cdf/icdf intervals where defined,
sampled forecast quantiles and rounded summaries."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import Gamma, LogNormal, NegativeBinomial, Poisson

torch.manual_seed(0)
N = 96
weekday = torch.arange(N) % 7
base = 4.0 + 3.0 * (weekday >= 5).float() + 0.05 * torch.arange(N).float()
rate_true = base * torch.distributions.Gamma(torch.full((N,), 3.0), torch.full((N,), 3.0)).sample()
counts = torch.poisson(rate_true)
print("counts", counts[:10].tolist(), counts.dtype, f"mean {counts.mean().item():.3f} var {counts.var().item():.3f}")

lags = 7
win = counts.unfold(0, lags + 1, 1)
X = torch.log1p(win[:, :lags])
Y = win[:, lags]
dow = F.one_hot(weekday[lags:], 7).float()
feats = torch.cat([X, dow], dim=1)
print("design", feats.shape, Y.shape, feats[0, :3].round(decimals=4))


class CountNet(nn.Module):
    def __init__(self, d_in, kind):
        super().__init__()
        self.kind = kind
        self.net = nn.Sequential(nn.Linear(d_in, 16), nn.ReLU(), nn.Linear(16, 2))

    def forward(self, x):
        a, b = self.net(x).unbind(-1)
        if self.kind == "poisson":
            return Poisson(rate=F.softplus(a) + 1e-4)
        if self.kind == "negbin":
            return NegativeBinomial(total_count=F.softplus(b) + 1e-2, logits=a)
        if self.kind == "gamma":
            return Gamma(concentration=F.softplus(a) + 1e-2, rate=F.softplus(b) + 1e-2)
        return LogNormal(a, F.softplus(b) + 1e-3)


def fit(kind, target, epochs=80):
    torch.manual_seed(2)
    model = CountNet(feats.shape[1], kind)
    opt = torch.optim.Adam(model.parameters(), lr=2e-2)
    for ep in range(epochs):
        loss = -model(feats).log_prob(target).mean()
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
    print(f"{kind:8s} final nll {loss.item():.4f}")
    return model


pois = fit("poisson", Y)
nb = fit("negbin", Y)
with torch.no_grad():
    dp, dn = pois(feats), nb(feats)
    print(dp)
    print(dn)
    print("poisson mean/var", dp.mean[:4].round(decimals=3), dp.variance[:4].round(decimals=3))
    print("negbin mean/var", dn.mean[:4].round(decimals=3), dn.variance[:4].round(decimals=3))
    print("negbin probs", dn.probs[:4].round(decimals=4), dn.total_count[:4].round(decimals=3))
    print(f"dispersion ratio {(dn.variance / dn.mean).mean().item():.3f}")
    print(f"MAE pois {(dp.mean - Y).abs().mean().item():.3f} nb {(dn.mean - Y).abs().mean().item():.3f}")
    print("log_prob at 0..4", dn.log_prob(torch.arange(5.).unsqueeze(1))[:, 0].round(decimals=4))
    print("poisson log_prob", dp.log_prob(Y)[:5].round(decimals=4))
    print("poisson cdf-like sum", torch.stack([dp.log_prob(torch.full_like(Y, k)).exp() for k in range(40)]).sum(0)[:3].round(decimals=4))
    torch.manual_seed(3)
    s_nb = dn.sample((300,))
    s_p = dp.sample((300,))
    print("samples", s_nb.shape, s_nb.dtype, s_p.dtype, s_nb[:3, 0].tolist(), s_p[:3, 0].tolist())
    q = torch.quantile(s_nb[:, :4], torch.tensor([0.1, 0.5, 0.9]), dim=0)
    print("nb sample quantiles", q)
    print(f"coverage nb {((Y >= torch.quantile(s_nb, 0.05, dim=0)) & (Y <= torch.quantile(s_nb, 0.95, dim=0))).float().mean().item():.3f}")
    print("mode", dp.mode[:4], dn.mode[:4])

# positive-valued durations: Gamma and LogNormal
torch.manual_seed(4)
dur = torch.distributions.Gamma(torch.tensor(2.5), torch.tensor(0.8)).sample((N - lags,)) * (1 + 0.1 * dow[:, 5:].sum(1))
print("durations", dur[:5].round(decimals=3), f"{dur.mean().item():.3f}")
gm = fit("gamma", dur)
ln = fit("lognormal", dur)
with torch.no_grad():
    dg, dl = gm(feats), ln(feats)
    print(dg)
    print(dl)
    print("gamma mean/var", dg.mean[:3].round(decimals=3), dg.variance[:3].round(decimals=3))
    print("gamma cdf", dg.cdf(dur)[:4].round(decimals=4), "mode", dg.mode[:3].round(decimals=3))
    print("lognormal mean/var", dl.mean[:3].round(decimals=3), dl.variance[:3].round(decimals=3))
    print("lognormal median", dl.icdf(torch.tensor(0.5))[:3].round(decimals=3), dl.loc[:3].exp().round(decimals=3))
    lo, hi = dl.icdf(torch.tensor(0.05)), dl.icdf(torch.tensor(0.95))
    print(f"lognormal 90% coverage {((dur >= lo) & (dur <= hi)).float().mean().item():.3f}")
    print("entropy", f"{dg.entropy().mean().item():.4f}", f"{dl.entropy().mean().item():.4f}")
    print("support", dg.support, dl.support, dn.support, dp.support)
    torch.manual_seed(6)
    print("rsample", dg.rsample((2,))[:, :3].round(decimals=3), dl.rsample((2,))[:, :3].round(decimals=3))
try:
    Gamma(torch.tensor([-1.0]), torch.tensor([1.0]))
except ValueError as e:
    print("ValueError", str(e)[:120])
try:
    Poisson(torch.tensor([1.0])).log_prob(torch.tensor([0.5]))
except ValueError as e:
    print("ValueError", str(e)[:120])
