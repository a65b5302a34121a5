"""Gridded climate data on the sphere, as in a climate-data-analysis notebook: a synthetic monthly
surface temperature field on a lat-lon grid, cos-latitude area weights, global and zonal means with
missing values (nansum / nanmean), ocean-only statistics under a land-sea mask, monthly climatology and anomalies with reshape, linear trends with
torch.linalg.lstsq, and bilinear regridding with F.grid_sample."""
import math

import torch
import torch.nn.functional as F

torch.manual_seed(1)
nlat, nlon, nyears = 18, 36, 6
lat = torch.linspace(-85.0, 85.0, nlat)
lon = torch.arange(0.0, 360.0, 10.0)
print("lat:", lat[:4], "... lon:", lon[-3:])
coslat = torch.cos(torch.deg2rad(lat))
w = coslat / coslat.sum()
print("weights sum:", f"{w.sum().item():.4f}", "dtype:", w.dtype)

months = torch.arange(12 * nyears)
t_years = months.float() / 12.0
seasonal = 10.0 * torch.cos(2 * math.pi * (months.float() - 0.5) / 12.0)
lat_shape = 30.0 * torch.cos(torch.deg2rad(lat)) - 10.0
hemi = torch.sign(lat)
trend = 0.03 * (1 + (lat.abs() / 90.0))  # polar amplification, K / year
T = (lat_shape[None, :, None]
     + seasonal[:, None, None] * hemi[None, :, None] * (lat.abs() / 90.0)[None, :, None]
     + trend[None, :, None] * t_years[:, None, None]
     + 0.5 * torch.randn(12 * nyears, nlat, nlon))
print("T:", tuple(T.shape), T.dtype)

# knock out some "missing" stations
mask = torch.rand(T.shape) < 0.05
T_missing = T.masked_fill(mask, float("nan"))
print("missing fraction:", f"{torch.isnan(T_missing).float().mean().item():.4f}")

zonal = T_missing.nanmean(dim=-1)
print("zonal mean shape:", tuple(zonal.shape), "first row:", zonal[0, :4])
valid = (~torch.isnan(T_missing)).float()
num = torch.nansum(T_missing * w[None, :, None], dim=(1, 2))
den = (valid * w[None, :, None]).sum(dim=(1, 2))
gmean = num / den
print("global mean first 6 months:", gmean[:6])
print("unweighted would be:", f"{T_missing[0].nanmean().item():.4f}", "weighted:", f"{gmean[0].item():.4f}")

clim = gmean.reshape(nyears, 12).mean(dim=0)
print("climatology:", clim)
anom = (gmean.view(nyears, 12) - clim).flatten()
print("anomaly std:", f"{anom.std().item():.4f}")

A = torch.stack([torch.ones_like(t_years), t_years], dim=1)
sol = torch.linalg.lstsq(A, anom.unsqueeze(1))
print("global trend K/decade:", f"{10 * sol.solution[1, 0].item():.3f}")
print("lstsq fields:", [f for f in ("solution", "residuals", "rank", "singular_values") if hasattr(sol, f)])

# per-gridpoint trends, batched lstsq
fieldclim = T.view(nyears, 12, nlat, nlon).mean(0)
fa = (T.view(nyears, 12, nlat, nlon) - fieldclim).reshape(12 * nyears, nlat * nlon)
coef = torch.linalg.lstsq(A, fa).solution
tr = coef[1].view(nlat, nlon)
print("zonal-mean trend (per decade), every 3rd lat:", (10 * tr.mean(-1))[::3])
print("pole/equator trend ratio:", f"{(tr[[0, -1]].mean() / tr[nlat // 2 - 1: nlat // 2 + 1].mean()).item():.2f}")

# bilinear regrid to a 2.5x coarser grid via grid_sample
field = fieldclim.mean(0)[None, None]
new_lat = torch.linspace(-80.0, 80.0, 9)
new_lon = torch.linspace(0.0, 350.0, 15)
gy = (new_lat - lat[0]) / (lat[-1] - lat[0]) * 2 - 1
gx = new_lon / 350.0 * 2 - 1
GY, GX = torch.meshgrid(gy, gx, indexing="ij")
grid = torch.stack([GX, GY], dim=-1)[None]
coarse = F.grid_sample(field, grid, mode="bilinear", align_corners=True)
print("regridded:", tuple(coarse.shape))
print(coarse[0, 0, :, 0])
near = F.grid_sample(field, grid, mode="nearest", align_corners=True, padding_mode="border")
print("nearest vs bilinear max diff:", f"{(near - coarse).abs().max().item():.3f}")
area_coarse = torch.cos(torch.deg2rad(new_lat))
print("coarse global mean:", f"{(coarse[0, 0].mean(-1) * area_coarse).sum().item() / area_coarse.sum().item():.3f}",
      "fine:", f"{(field[0, 0].mean(-1) * coslat).sum().item() / coslat.sum().item():.3f}")

# land-sea mask: ocean-only statistics with where / masked_fill
LON, LAT = torch.meshgrid(lon, lat, indexing="xy")
land = ((LON > 60) & (LON < 150) & (LAT > 10)) | ((LON > 250) & (LON < 300) & (LAT.abs() < 50))
ocean = ~land
print("ocean fraction:", f"{ocean.float().mean().item():.3f}")
clim_mean = fieldclim.mean(0)
sst_zonal = torch.where(ocean, clim_mean, 0.0).sum(1) / ocean.sum(1)
print("ocean zonal mean (every 4th lat):", sst_zonal[::4])
print("ocean max per month:", fieldclim.masked_fill(~ocean, float("-inf")).amax(dim=(1, 2))[:4])
print("ocean std (Jan):", f"{fieldclim[0][ocean].std().item():.4f}")
w = coslat[:, None].expand(nlat, nlon)
print("area-weighted ocean mean:", f"{((clim_mean * w)[ocean].sum() / w[ocean].sum()).item():.3f}")

# hottest month and location
idx = torch.argmax(fieldclim.view(12, -1), dim=1)
print("hottest cell per month (lat index):", (idx // nlon).tolist())
vals, where = fieldclim.amax(dim=(1, 2)), fieldclim.flatten(1).argmax(1)
print("max by month:", vals.round(decimals=2))
print(torch.nanquantile(T_missing[0, 9], torch.tensor([0.1, 0.5, 0.9])))
try:
    torch.linalg.lstsq(A, anom)
except RuntimeError as e:
    print("lstsq error:", e)
try:
    F.grid_sample(field, grid[..., :1], align_corners=True)
except RuntimeError as e:
    print("grid_sample error:", e)
