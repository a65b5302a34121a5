"""Cleaning a toy tabular dataset with holes: isnan / isinf masks, nan_to_num with custom fills,
nanmean / nansum / nanmedian (with indices) per column, median imputation, missing-indicator
columns, clipping outliers with per-column quantiles, and standardization / min-max scaling per
column with keepdim, printed as a rounded table."""
import torch

torch.manual_seed(3)
R, C = 10, 4
X = torch.randn(R, C) * torch.tensor([1.0, 10.0, 0.1, 5.0]) + torch.tensor([0.0, 50.0, 1.0, -3.0])
holes = torch.rand(R, C) < 0.2
X[holes] = float("nan")
X[0, 3] = float("inf")
X[7, 1] = float("-inf")
torch.set_printoptions(precision=3, sci_mode=False)
print(X)
print("nan per col", torch.isnan(X).sum(dim=0), "inf", torch.isinf(X).sum().item(),
      "finite rows", torch.isfinite(X).all(dim=1).sum().item())
print("posinf", torch.isposinf(X).nonzero().tolist(), "neginf", torch.isneginf(X).nonzero().tolist())

# ---- nan_to_num variants
print(torch.nan_to_num(X[:2]))
print(torch.nan_to_num(X[:2], nan=0.0, posinf=1e3, neginf=-1e3))
print(torch.nan_to_num(torch.tensor([float("nan"), float("inf"), -float("inf")], dtype=torch.float64)))
print(torch.nan_to_num(torch.tensor([1, 2]), nan=0.0))
Y = X.clone()
Y.nan_to_num_(nan=-1.0, posinf=99.0)
print("inplace\n", Y[:3])

Xf = X.masked_fill(torch.isinf(X), float("nan"))
# ---- nan-aware reductions
print("nanmean col", Xf.nanmean(dim=0))
print("nansum col ", Xf.nansum(dim=0))
print("nansum all ", f"{torch.nansum(Xf).item():.3f}", "nanmean all", f"{torch.nanmean(Xf).item():.4f}")
med = Xf.nanmedian(dim=0)
print("nanmedian", med.values, med.indices)
print("nanmedian keepdim", torch.nanmedian(Xf, dim=1, keepdim=True).values.shape)
print("nanmedian all", torch.nanmedian(Xf))
print("median with nan", Xf.median(dim=0))
print("median all-nan row", torch.tensor([[float("nan"), float("nan")], [1.0, 2.0]]).nanmedian(dim=1))
print("median even", torch.tensor([4.0, 1.0, 3.0, 2.0]).median(), torch.tensor([4, 1, 3, 2]).median(0))
print("nanmean empty col", torch.tensor([[float("nan"), 1.0]]).nanmean(0))
print("nansum int", torch.nansum(torch.tensor([1, 2, 3])))

# ---- imputation + indicators
fill = med.values
imputed = torch.where(torch.isnan(Xf), fill.expand_as(Xf), Xf)
indicator = torch.isnan(Xf).to(torch.float32)
print("imputed\n", imputed)
print("indicator cols kept", indicator.any(0).nonzero().flatten())
feats = torch.cat([imputed, indicator[:, indicator.any(0)]], dim=1)
print("features", feats.shape)

# ---- clipping outliers with quantiles
lo = torch.quantile(imputed, 0.05, dim=0, keepdim=True)
hi = torch.quantile(imputed, 0.95, dim=0, keepdim=True)
clipped = imputed.clamp(min=lo, max=hi)
print("lo", lo, "\nhi", hi)
print("changed", (clipped != imputed).sum(0))
print("clip scalar", torch.clip(torch.tensor([-2.0, 0.5, 3.0]), -1, 1))

# ---- scaling
mu = clipped.mean(dim=0, keepdim=True)
sd = clipped.std(dim=0, keepdim=True)
Z = (clipped - mu) / sd
print("mu", mu, "\nsd", sd)
print("Z col mean ~0:", Z.mean(0).abs().max().item() < 1e-5, "std", Z.std(0))
sdv, muv = torch.std_mean(clipped, dim=0, correction=0)
print("std_mean correction=0", sdv, muv)
var, mean2 = torch.var_mean(clipped, dim=0, keepdim=True, unbiased=True)
print("var_mean", var.shape, mean2.shape)
mn, mx = clipped.aminmax(dim=0)
mm = (clipped - mn) / (mx - mn)
print("minmax\n", mm)
print("aminmax all", torch.aminmax(torch.tensor([3, -1, 7])))
rob = (clipped - clipped.median(dim=0, keepdim=True).values) / (hi - lo)
print("robust\n", rob[:3])
torch.set_printoptions(profile="default")
print(Z[:2])
print("normalize L2 rows", torch.nn.functional.normalize(Z[:2], dim=1))
