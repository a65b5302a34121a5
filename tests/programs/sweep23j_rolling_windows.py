"""Rolling-window features for a toy multi-series sensor table, the way time-series feature
engineering notebooks do it without pandas: unfold-based rolling mean/std/max/min, cumsum-difference
rolling sums, cummax/cummin with indices (drawdown), diff with prepend/append, and lag features
built with roll where the wrapped part is masked out."""
import torch

torch.manual_seed(0)
T, S = 24, 3
t = torch.arange(T, dtype=torch.float32)
base = torch.stack([torch.sin(t / 3.0), torch.cos(t / 5.0), 0.1 * t], dim=1)
x = base + 0.2 * torch.randn(T, S)
print("series shape", tuple(x.shape), x.dtype)
print(x[:5].round(decimals=3))

# ---- rolling windows via unfold
w = 5
win = x.unfold(0, w, 1)  # (T-w+1, S, w)
print("windows", tuple(win.shape), win.stride())
roll_mean = win.mean(dim=-1)
roll_std = win.std(dim=-1)
roll_std_pop = win.std(dim=-1, unbiased=False)
roll_max, roll_argmax = win.max(dim=-1)
roll_min = win.amin(dim=-1)
roll_med = win.median(dim=-1)
print("rolling mean\n", roll_mean[:4].round(decimals=4))
print("rolling std\n", roll_std[:4].round(decimals=4))
print("rolling std (pop)\n", roll_std_pop[:4].round(decimals=4))
print("rolling max\n", roll_max[:4], "\nargmax", roll_argmax[:6].T)
print("rolling min\n", roll_min[-3:])
print("rolling median values", roll_med.values[:3], "\nindices", roll_med.indices[:3])

# pad the front with nan so the features align with the series
pad = torch.full((w - 1, S), float("nan"))
aligned = torch.cat([pad, roll_mean], dim=0)
print("aligned", aligned.shape, "nan rows", torch.isnan(aligned).any(dim=1).sum().item())
print(aligned[2:7])

# ---- rolling sum via cumsum differences (the O(T) trick)
cs = torch.cumsum(x, dim=0)
cs = torch.cat([torch.zeros(1, S), cs], dim=0)
roll_sum = cs[w:] - cs[:-w]
print("cumsum-diff matches unfold:", torch.allclose(roll_sum / w, roll_mean, atol=1e-5))
sq = torch.cat([torch.zeros(1, S), torch.cumsum(x * x, 0)])
var = (sq[w:] - sq[:-w]) / w - (roll_sum / w) ** 2
print("var via cumsum close:", torch.allclose(var.clamp_min(0).sqrt(), roll_std_pop, atol=1e-3))

# expanding mean
counts = torch.arange(1, T + 1).unsqueeze(1)
expanding = torch.cumsum(x, 0) / counts
print("expanding mean tail\n", expanding[-3:].round(decimals=4))
print("cumprod of growth", torch.cumprod(1 + 0.01 * torch.ones(5), 0))

# ---- running extremes and drawdown
price = 100 + torch.cumsum(torch.randn(T), 0)
peak, peak_idx = torch.cummax(price, dim=0)
low, low_idx = torch.cummin(price, dim=0)
drawdown = (price - peak) / peak
print("peak idx  ", peak_idx)
print("low idx   ", low_idx)
print("max drawdown", f"{drawdown.min().item():.4f}", "at", drawdown.argmin().item())
ties = torch.tensor([1.0, 3.0, 3.0, 2.0, 3.0, 0.0, 0.0])
print("cummax ties", torch.cummax(ties, 0))
print("cummin ties", torch.cummin(ties, 0))
print("logcumsumexp", torch.logcumsumexp(torch.tensor([0.0, 1.0, 2.0]), 0))
ints = torch.tensor([[3, 1, 4], [1, 5, 9], [2, 6, 5]])
print("int cummax dim=1", torch.cummax(ints, dim=1))

# ---- differences
d1 = torch.diff(x, dim=0)
print("diff shape", d1.shape)
d_pre = torch.diff(x[:, 0], prepend=x[:1, 0])
print("diff prepend first", d_pre[:4].round(decimals=4))
d_app = torch.diff(torch.tensor([1, 4, 9, 16]), append=torch.tensor([25, 36]))
print("diff append", d_app)
print("second order", torch.diff(torch.tensor([1, 4, 9, 16, 25]), n=2))
print("bool diff", torch.diff(torch.tensor([True, True, False, True])))
print("diff dim1", torch.diff(ints, dim=1, prepend=torch.zeros(3, 1, dtype=torch.long)))
pct = torch.diff(price) / price[:-1]
print("pct change", pct[:5].round(decimals=4))

# ---- lag features with roll + masking
lags = []
for k in (1, 2, 3):
    lagged = torch.roll(x[:, 0], shifts=k, dims=0)
    lagged[:k] = float("nan")
    lags.append(lagged)
L = torch.stack(lags, dim=1)
print("lag table\n", L[:5].round(decimals=3))
lead = torch.roll(x, shifts=-2, dims=0)
mask = torch.arange(T) >= T - 2
lead = lead.masked_fill(mask.unsqueeze(1), 0.0)
print("lead tail\n", lead[-4:].round(decimals=3))
print("roll 2d", torch.roll(torch.arange(6).view(2, 3), shifts=(1, 1), dims=(0, 1)))
print("roll flat", torch.roll(torch.arange(6).view(2, 3), 2))

# feature matrix: drop rows with any nan
feat = torch.cat([x[:, :1], L, aligned[:, :1]], dim=1)
keep = ~torch.isnan(feat).any(dim=1)
print("rows kept", keep.sum().item(), "of", T, "first kept", keep.nonzero()[0].item())
print("feature row\n", feat[keep][:2].round(decimals=3))
