"""Missing-data handling, cumulative and rolling statistics on daily sensor readings, written with torch
tensors the way pandas' fillna / rolling / expanding / ewm get translated in blog posts: nansum,
nanmean, isnan masks, nan_to_num (with posinf / neginf), forward fill through cummax on indices,
cumsum / cumprod / cummax / cummin (ties and NaN), logcumsumexp, rolling windows with Tensor.unfold,
diff and pct_change, an exponentially weighted mean, and a printed summary table."""
import math

import torch

torch.manual_seed(11)

days, sensors = 30, 3
base = torch.linspace(10.0, 20.0, days).unsqueeze(1) + torch.randn(days, sensors)
readings = base.round(decimals=2)
missing = torch.rand(days, sensors) < 0.15
readings[missing] = float("nan")
readings[4, 2] = float("inf")
readings[9, 0] = -float("inf")
print("missing per sensor", torch.isnan(readings).sum(dim=0))
print("rows with any missing", torch.isnan(readings).any(dim=1).nonzero().flatten())
print(readings[:8])

clean = torch.nan_to_num(readings, nan=0.0, posinf=99.0, neginf=-99.0)
print("nan_to_num\n", clean[3:10])
print("nan_to_num default", torch.nan_to_num(readings[4:10, :]).abs().max() > 1e30)
finite = torch.where(torch.isfinite(readings), readings, torch.nan)
print("isinf", torch.isinf(readings).sum(), "isposinf", torch.isposinf(readings).sum(),
      "isneginf", torch.isneginf(readings).nonzero().tolist())

# --- nan-aware reductions ------------------------------------------------------------------------
print("nansum", finite.nansum(dim=0).round(decimals=2))
print("nanmean", finite.nanmean(dim=0).round(decimals=3))
print("nanmean keepdim", torch.nanmean(finite, dim=1, keepdim=True)[:4].round(decimals=3).flatten())
print("nansum all", f"{torch.nansum(finite).item():.2f}")
print("nansum int", torch.nansum(torch.tensor([1, 2, 3])), torch.nansum(torch.tensor([1, 2, 3]), dtype=torch.float64))
valid = ~torch.isnan(finite)
count = valid.sum(0)
masked_mean = torch.where(valid, finite, 0.0).sum(0) / count
print("masked mean == nanmean", torch.allclose(masked_mean, finite.nanmean(0)))
var = (torch.where(valid, finite - masked_mean, 0.0) ** 2).sum(0) / (count - 1)
print("nan std", var.sqrt().round(decimals=3))
print("nanmean of all-nan", torch.nanmean(torch.full((3,), float("nan"))))
print("nansum of empty", torch.nansum(torch.tensor([])))

# --- forward fill / back fill --------------------------------------------------------------------
idx = torch.arange(days).unsqueeze(1).expand(days, sensors)
last_valid = torch.where(valid, idx, -1).cummax(dim=0).values
ffill = torch.gather(finite, 0, last_valid.clamp(min=0))
ffill[last_valid < 0] = float("nan")
print("ffill rows 0-9, sensor 0", ffill[:10, 0])
rev = torch.flip(valid, [0])
next_valid = days - 1 - torch.where(rev, idx, -1).cummax(0).values.flip(0)
print("next valid index", next_valid[:10, 1])

# --- cumulative stats ----------------------------------------------------------------------------
filled = ffill.nan_to_num(nan=10.0)
print("cumsum", filled[:6, 0].cumsum(0))
print("cumsum int64", torch.tensor([1, 2, 3], dtype=torch.int32).cumsum(0).dtype)
print("cumprod", torch.cumprod(1 + filled[:6, 1] / 1000, dim=0))
cm = torch.cummax(readings[:, 2], dim=0)
print("cummax values", cm.values[:10])
print("cummax indices", cm.indices[:10])
ties = torch.tensor([3.0, 1.0, 3.0, 2.0, 3.0, float("nan"), 4.0, 1.0])
print("cummax ties", torch.cummax(ties, 0))
print("cummin ties", torch.cummin(ties, 0))
print("cummin int", torch.cummin(torch.tensor([[5, 3, 3], [2, 7, 1]]), dim=1))
print("logcumsumexp", torch.logcumsumexp(filled[:6, 0] / 10, dim=0))
print("logcumsumexp -inf", torch.logcumsumexp(torch.tensor([-math.inf, 0.0, -math.inf, 1.0]), 0))
print("expanding mean", (filled[:, 0].cumsum(0) / torch.arange(1, days + 1))[:8].round(decimals=3))

# --- rolling windows -----------------------------------------------------------------------------
window = 5
win = filled.unfold(0, window, 1)              # (days - window + 1, sensors, window)
print("unfold shape", win.shape, win.stride())
roll_mean = win.mean(-1)
roll_std = win.std(-1)
roll_max = win.amax(-1)
roll_med = win.median(-1).values
print("rolling mean\n", roll_mean[:5].round(decimals=3))
print("rolling std\n", roll_std[:5].round(decimals=3))
print("rolling max", roll_max[:5, 0], "rolling median", roll_med[:5, 0])
stepped = filled[:, 0].unfold(0, 7, 7)
print("weekly blocks", stepped.shape, stepped.sum(1).round(decimals=2))
zscore = (filled[window - 1:] - roll_mean) / roll_std
print("anomalies (|z|>1.5)", (zscore.abs() > 1.5).nonzero().tolist())

# --- diff, pct_change, ewm -----------------------------------------------------------------------
d1 = torch.diff(filled[:, 0])
print("diff", d1[:6].round(decimals=2))
print("diff n=2 prepend", torch.diff(filled[:6, 0], n=2, prepend=torch.zeros(1)).round(decimals=2))
pct = filled[1:] / filled[:-1] - 1
print("pct_change", pct[:4, 0].round(decimals=4))
alpha = 0.3
ewm = torch.empty_like(filled)
ewm[0] = filled[0]
for t in range(1, days):
    ewm[t] = alpha * filled[t] + (1 - alpha) * ewm[t - 1]
print("ewm tail", ewm[-3:].round(decimals=3))

print(f"{'sensor':>6} {'n':>3} {'mean':>8} {'min':>8} {'max':>8} {'last':>8}")
for s in range(sensors):
    col = finite[:, s]
    ok = col[~torch.isnan(col)]
    print(f"{s:6d} {ok.numel():3d} {ok.mean().item():8.3f} {ok.min().item():8.2f} {ok.max().item():8.2f} "
          f"{ffill[-1, s].item():8.2f}")
