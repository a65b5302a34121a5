"""Momentum backtest with monthly rebalancing, turnover, costs and a performance table."""
import torch

torch.manual_seed(3)
T, N = 252, 6
drift = torch.linspace(-0.0002, 0.0006, N)
R = drift + 0.012 * torch.randn(T, N)
prices = torch.cumprod(1 + R, 0)
lookback, hold, cost_bps = 60, 21, 10.0

weights_hist = []
port = []
w_prev = torch.zeros(N)
turnovers = []
for t in range(lookback, T, hold):
    past = R[t - lookback:t]
    mom = (1 + past).prod(0) - 1
    rank = mom.argsort(descending=True)
    w = torch.zeros(N)
    w[rank[:2]] = 0.5
    w[rank[-2:]] = -0.5
    turn = (w - w_prev).abs().sum()
    turnovers.append(turn.item())
    cost = turn * cost_bps / 1e4
    block = R[t:t + hold] @ w
    block[0] -= cost
    port.append(block)
    weights_hist.append(w)
    w_prev = w
port = torch.cat(port)
W = torch.stack(weights_hist)
print("rebalances", W.shape[0], "days", port.numel())
print("weights\n", W)
print("turnover", [round(x, 2) for x in turnovers])

equity = torch.cumprod(1 + port, 0)
ann_ret = port.mean() * 252
ann_vol = port.std() * 252 ** 0.5
sharpe = ann_ret / ann_vol
downside = torch.where(port < 0, port, torch.zeros_like(port))
sortino = ann_ret / (downside.pow(2).mean().sqrt() * 252 ** 0.5)
dd = equity / equity.cummax(0).values - 1
summary = {
    "total return": equity[-1].item() - 1,
    "ann. return": ann_ret.item(),
    "ann. vol": ann_vol.item(),
    "sharpe": sharpe.item(),
    "sortino": sortino.item(),
    "max drawdown": dd.min().item(),
    "calmar": (ann_ret / dd.min().abs()).item(),
}
for k, v in summary.items():
    print(f"{k:>14}: {v: .4f}")

# VaR / CVaR
for q in (0.01, 0.05):
    var_q = torch.quantile(port, q)
    cvar = port[port <= var_q].mean()
    print(f"VaR{int(q * 100):02d} {var_q.item():.5f} CVaR {cvar.item():.5f}")
k = int(0.05 * port.numel())
kv = torch.kthvalue(port, k)
print("kthvalue", f"{kv.values.item():.5f}", kv.indices.item())
print("quantile methods", torch.quantile(port, 0.05, interpolation="lower").item() == kv.values.item())
qs = torch.quantile(port, torch.tensor([0.1, 0.5, 0.9]), interpolation="midpoint")
print("quantiles", qs)
print("nanquantile", torch.nanquantile(torch.tensor([1.0, float("nan"), 3.0, 2.0]), 0.5))

# monthly table: reshape into blocks
months = port[: (port.numel() // hold) * hold].view(-1, hold)
monthly = (1 + months).prod(1) - 1
print("monthly returns", monthly)
print("best month", monthly.max().item() == monthly.amax().item(), monthly.argmax().item())
print("positive months", (monthly > 0).sum().item(), "/", monthly.numel())
hist = torch.histc(port, bins=5, min=-0.05, max=0.05)
print("histogram", hist)
print("bucketize", torch.bucketize(torch.tensor([-0.02, 0.0, 0.03]), torch.tensor([-0.01, 0.0, 0.01])))
print("searchsorted right", torch.searchsorted(torch.tensor([-0.01, 0.0, 0.01]), torch.tensor([0.0]), right=True))
try:
    torch.quantile(port, 1.5)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.kthvalue(port, 0)
except (RuntimeError, IndexError) as e:
    print(type(e).__name__ + ":", e)
