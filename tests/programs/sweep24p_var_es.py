"""Portfolio risk in the style of a quant-finance course: Cholesky-correlated multi-asset GBM
paths (torch.linalg.cholesky, MultivariateNormal with scale_tril), value-at-risk and expected
shortfall from torch.quantile (several interpolation modes), kthvalue and topk, historical vs
parametric VaR via Normal.icdf, a Merton jump-diffusion with torch.poisson, a basket option, and a
Kupiec backtest count, all printed with f-strings."""
import math

import torch
from torch.distributions import MultivariateNormal, Normal, LogNormal

torch.manual_seed(3)
vols = torch.tensor([0.2, 0.3, 0.25], dtype=torch.float64)
corr = torch.tensor([[1.0, 0.6, 0.3], [0.6, 1.0, 0.5], [0.3, 0.5, 1.0]], dtype=torch.float64)
cov = torch.diag(vols) @ corr @ torch.diag(vols)
L = torch.linalg.cholesky(cov)
print("L", L.round(decimals=5))
print("LL^T == cov", torch.allclose(L @ L.T, cov))
mu = torch.tensor([0.05, 0.08, 0.06], dtype=torch.float64)
S0 = torch.tensor([100.0, 50.0, 75.0], dtype=torch.float64)
w = torch.tensor([0.5, 0.3, 0.2], dtype=torch.float64)
T, n_days, n_sims = 1.0, 10, 5000
dt = T / 252

Z = torch.randn(n_sims, n_days, 3, dtype=torch.float64)
eps = Z @ L.T
log_ret = (mu - 0.5 * vols ** 2) * dt + eps * math.sqrt(dt)
ST = S0 * log_ret.sum(dim=1).exp()
print("ST", ST.shape, ST[:2].round(decimals=3))
emp_corr = torch.corrcoef(log_ret.reshape(-1, 3).T)
print("empirical corr", emp_corr.round(decimals=2))

V0 = (w * S0).sum()
VT = (w * ST).sum(-1)
pnl = VT - V0
loss = -pnl
alpha = 0.99
var_q = torch.quantile(loss, alpha)
print(f"V0 {V0.item():.2f} mean pnl {pnl.mean().item():.4f} std {pnl.std().item():.4f}")
print(f"VaR99 quantile {var_q.item():.4f}")
for mode in ["linear", "lower", "higher", "nearest", "midpoint"]:
    print(f"  {mode:8s} {torch.quantile(loss, 0.975, interpolation=mode).item():.4f}")
k = int(math.ceil(alpha * n_sims))
kv = torch.kthvalue(loss, k)
print(f"VaR99 kthvalue {kv.values.item():.4f} at index {kv.indices.item()}")
tail = torch.topk(loss, n_sims - k + 1)
es = tail.values.mean()
print(f"ES99 {es.item():.4f} from {tail.values.numel()} worst, worst {tail.values[:3].round(decimals=3)}")
print(f"ES via mask {loss[loss >= var_q].mean().item():.4f}")
qs = torch.quantile(loss, torch.tensor([0.9, 0.95, 0.99], dtype=torch.float64))
print("VaR ladder", qs.round(decimals=4))

sig_p = torch.sqrt(w @ (cov * dt * n_days) @ w) * V0
z99 = Normal(0.0, 1.0).icdf(torch.tensor(alpha))
print(f"parametric VaR {(z99 * sig_p).item():.3f} z {z99.item():.4f}")
phi = torch.exp(Normal(0.0, 1.0).log_prob(z99))
print(f"parametric ES {(sig_p * phi / (1 - alpha)).item():.3f}")

mvn = MultivariateNormal(torch.zeros(3, dtype=torch.float64), scale_tril=L)
x = mvn.sample((4,))
print("MVN sample", x.round(decimals=4))
print("MVN log_prob", mvn.log_prob(x).round(decimals=4), mvn.covariance_matrix.allclose(cov))
ln = LogNormal(torch.tensor(0.0), torch.tensor(0.25))
print("LogNormal", ln.sample((3,)).round(decimals=4), ln.mean.round(decimals=5), ln.variance.round(decimals=5))

# Merton jump-diffusion terminal prices
lam_j, mu_j, sig_j = 0.75, -0.1, 0.15
n_jumps = torch.poisson(torch.full((n_sims,), lam_j * T))
print("jumps", n_jumps[:10], n_jumps.mean().item(), n_jumps.dtype, int(n_jumps.max()))
jump_sum = mu_j * n_jumps + sig_j * torch.sqrt(n_jumps) * torch.randn(n_sims)
kappa_j = math.exp(mu_j + 0.5 * sig_j ** 2) - 1
z = torch.randn(n_sims)
S_jd = 100 * torch.exp((0.03 - 0.5 * 0.2 ** 2 - lam_j * kappa_j) * T + 0.2 * z + jump_sum)
call = math.exp(-0.03) * (S_jd - 100).clamp(min=0)
print(f"Merton call {call.mean().item():.2f} se {call.std().item() / math.sqrt(n_sims):.2f}")

# basket call and backtest
basket = (w * ST).sum(-1)
payoff = torch.clamp(basket - V0, min=0)
print(f"basket call {payoff.mean().item():.4f} +/- {1.96 * payoff.std().item() / math.sqrt(n_sims):.4f}")
daily = torch.randn(250, dtype=torch.float64) * 1.2
breaches = (daily < -torch.quantile(-daily, 0.95)).sum().item()
print("breaches", breaches, "expected", 0.05 * 250)
sorted_losses, order = torch.sort(loss, descending=True)
print("sorted", sorted_losses[:3].round(decimals=3), order[:3], torch.argsort(loss)[-1].item())
print("msort", torch.msort(loss.reshape(50, 100))[0, :3].round(decimals=3))
